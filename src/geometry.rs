//! The geometry of features beyond the paper's NC1 and NC2 (DIGEST.md section 8): the
//! class-distance normalised variance (CDNV), the stable rank, the singular values of the centred
//! class means, and how much of a PSD matrix lies along the class-mean directions.
//!
//! Every function takes the class means already computed (src/nc.rs computes them once for all
//! the metrics), so that none is computed twice and this module needs nothing above `linalg`.

use nalgebra::SymmetricEigen;

use crate::linalg::{Mat, largest_eigenvalue, outer_gram, transpose_gram};

/// Singular values of the centred class means at or below this share of the largest do not count
/// in their rank (DIGEST.md section 8).
pub const RANK_RELATIVE_TOLERANCE: f64 = 1e-6;

/// Singular values of the centred class means at or below this share of the largest do not
/// span the class-mean directions of the alignment (DIGEST.md section 8).
pub const BASIS_RELATIVE_TOLERANCE: f64 = 1e-10;

/// The class-distance normalised variance (Galanti et al. 2022): with
/// `V_c = (1/n_c) sum_{y_i = c} ||h_i - mu_c||^2`, the mean over unordered pairs `c < c'` of
/// `(V_c + V_c') / (2 ||mu_c - mu_c'||^2)`. Infinite when two class means coincide.
///
/// Preconditions: `within_norms` the N squared norms `||h_i - mu_{y_i}||^2`; `labels` their
/// classes in `0..K`, every class present; `means` the K x p class means, `K >= 2`.
pub fn cdnv(within_norms: &[f64], labels: &[usize], means: &Mat) -> f64 {
    let classes = means.nrows();
    let mut variances = vec![0.0; classes];
    let mut counts = vec![0usize; classes];
    for (&norm, &y) in within_norms.iter().zip(labels) {
        variances[y] += norm;
        counts[y] += 1;
    }
    for (v, &n) in variances.iter_mut().zip(&counts) {
        *v /= n as f64;
    }
    let mut sum = 0.0;
    for a in 0..classes {
        for b in a + 1..classes {
            // The difference itself, not the expanded form: close means must not lose their distance
            // to cancellation.
            let distance = (means.row(a) - means.row(b)).norm_squared();
            sum += (variances[a] + variances[b]) / (2.0 * distance);
        }
    }
    sum / (classes * (classes - 1) / 2) as f64
}

/// The stable rank `||Hc||_F^2 / sigma_max(Hc)^2` of `centred` (Hc, the features less the mean
/// of the class means): between 1 and the rank of Hc. `sigma_max^2` is the largest eigenvalue of
/// the smaller of the two Gram matrices, by Lanczos ([`largest_eigenvalue`]): that of a whole
/// eigendecomposition to about 1e-14 relative, also when the top singular values are nearly
/// equal (collapsed features have K-1 of them), at the cost of a few dozen products with a
/// vector. NaN when `centred` is zero or has an entry that is not finite.
/// Precondition: `centred` has at least one row and one column.
pub fn stable_rank(centred: &Mat) -> f64 {
    let gram = if centred.nrows() <= centred.ncols() { outer_gram(centred) } else { transpose_gram(centred) };
    centred.norm_squared() / largest_eigenvalue(&gram).unwrap_or(f64::NAN)
}

/// The singular values of the centred class means Mt (K x p, rows `mu_c - mu_G`) and an
/// orthonormal basis of Mt's row space.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassMeanSpectrum {
    /// The K singular values of Mt, largest first; zeros beyond `min(K, p)`.
    pub singular_values: Vec<f64>,
    /// p x r, orthonormal columns spanning Mt's row space: the right singular vectors of the
    /// r singular values above [`BASIS_RELATIVE_TOLERANCE`] times the largest (r = 0 when Mt
    /// is zero).
    pub basis: Mat,
}

impl ClassMeanSpectrum {
    /// The spectrum of `centred_means` (Mt, K x p). Its rows sum to zero (they are centred), so
    /// its row space is that of `B = Q0^T Mt`, Q0 (K x (K-1)) an orthonormal basis of the
    /// vectors orthogonal to the all-ones vector (Helmert's), with the same nonzero singular
    /// values; Mt's K-th is zero. Those of B come from the eigenvalues of the (K-1) x (K-1)
    /// Gram `B B^T = W diag(sigma^2) W^T`, and the basis from `B^T w / sigma`. Taking out the
    /// known zero first matters: in the Gram of Mt itself it becomes a rounding residue of about
    /// 1e-8 of the largest singular value, above the basis's tolerance. nalgebra's symmetric
    /// eigensolver runs the same in every build (the SVDs of the wide Mt do not: the SIMD and
    /// scalar builds' solvers differ far beyond rounding). A genuine singular value below about
    /// 1e-8 of the largest is not resolved by the Gram and counts as rounding. All zeros with an
    /// empty basis when an entry is not finite. Precondition: K >= 1, p >= 1.
    pub fn of(centred_means: &Mat) -> Self {
        let (classes, dim) = centred_means.shape();
        let zeros = || ClassMeanSpectrum { singular_values: vec![0.0; classes], basis: Mat::zeros(dim, 0) };
        if classes < 2 || !centred_means.iter().all(|v| v.is_finite()) {
            return zeros();
        }
        let helmert = Mat::from_fn(classes, classes - 1, |i, j| {
            let scale = 1.0 / (((j + 1) * (j + 2)) as f64).sqrt();
            match i {
                i if i <= j => scale,
                i if i == j + 1 => -((j + 1) as f64) * scale,
                _ => 0.0,
            }
        });
        let reduced = helmert.transpose() * centred_means; // (K-1) x p
        let eigen = SymmetricEigen::new(&reduced * reduced.transpose());
        let mut order: Vec<usize> = (0..classes - 1).collect();
        order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]));
        // At most min(K-1, p) singular values are not zero; the Gram's others are rounding.
        order.truncate(dim.min(classes - 1));
        let sigma = |i: usize| eigen.eigenvalues[i].max(0.0).sqrt();
        let mut singular_values: Vec<f64> = order.iter().map(|&i| sigma(i)).collect();
        let largest = singular_values.first().copied().unwrap_or(0.0);
        let kept: Vec<usize> =
            order.iter().copied().filter(|&i| sigma(i) > BASIS_RELATIVE_TOLERANCE * largest).collect();
        let mut basis = Mat::zeros(dim, kept.len());
        for (column, &i) in kept.iter().enumerate() {
            let direction = reduced.transpose() * eigen.eigenvectors.column(i) / sigma(i);
            basis.set_column(column, &direction);
        }
        singular_values.resize(classes, 0.0);
        ClassMeanSpectrum { singular_values, basis }
    }

    /// How many singular values exceed [`RANK_RELATIVE_TOLERANCE`] times the largest (0 when
    /// Mt is zero).
    pub fn rank(&self) -> usize {
        let largest = self.singular_values.first().copied().unwrap_or(0.0);
        self.singular_values.iter().filter(|&&s| s > RANK_RELATIVE_TOLERANCE * largest).count()
    }

    /// `tr(U^T A U) / tr(A)`, U = [`ClassMeanSpectrum::basis`]: the share of `a`'s trace along
    /// the class-mean directions, in [0, 1] (r/p for the identity). NaN when `tr(A) = 0`.
    /// Precondition: `a` is p x p, symmetric PSD.
    pub fn alignment(&self, a: &Mat) -> f64 {
        let along: f64 = self.basis.column_iter().map(|u| (a * u).dot(&u)).sum();
        along / a.trace()
    }
}

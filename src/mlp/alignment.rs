//! How a layer's matrices line up with the class-mean directions of its input, and the network's
//! self-duality (DIGEST section 8):
//! - the alignment `tr(U^T A U) / tr(A)` of a PSD matrix A (`W^T W`, the AGOP) with the row
//!   space of the centred class means `Mt` (Rangamani et al. 2023 watch `W^T W` approach 1);
//! - `nc3_output`, `|| W_out/||W_out||_F - Mt_L/||Mt_L||_F ||_F^2` with the real output layer;
//! - the NFA exponent, the alpha of a grid that maximises `corr(W^T W, AGOP^alpha)`.
//!
//! Pure functions of matrices (no network), so that any part of the lab can call them.

use crate::geometry::ClassMeanSpectrum;
use crate::linalg::{Mat, product, symmetric_eigen};

/// Singular values of `Mt` at or below this fraction of the largest do not count towards the
/// class-mean row space (DIGEST section 8).
pub const CLASS_MEAN_RANK_TOLERANCE: f64 = crate::geometry::BASIS_RELATIVE_TOLERANCE;

/// `Mt`, the K x p matrix of rows `mu_c - mu_G`, as every collapse metric takes it.
pub use crate::nc::centred_class_means;

/// An orthonormal basis (p x r) of the row space of `centred_means` (K x p), the one Deep
/// RFM's alignment uses ([`ClassMeanSpectrum`]): its right singular vectors whose singular
/// values exceed [`CLASS_MEAN_RANK_TOLERANCE`] times the largest, from an eigensolver that runs
/// the same in every build. r = 0 when the means coincide. `None` when an entry is not finite.
/// Precondition: at least one row and one column.
pub fn class_mean_basis(centred_means: &Mat) -> Option<Mat> {
    centred_means.iter().all(|v| v.is_finite()).then(|| ClassMeanSpectrum::of(centred_means).basis)
}

/// `tr(U^T A U) / tr(A)` for the orthonormal columns U of `basis` (p x r): the share of A's
/// trace in the span of U, in [0, 1] for a PSD A (r/p for the identity). `None` when `tr(A)`
/// is not positive or the ratio is not finite.
/// Preconditions: `a` is p x p, symmetric PSD; `basis` has p rows and orthonormal columns.
pub fn alignment_in(a: &Mat, basis: &Mat) -> Option<f64> {
    let trace = a.trace();
    // u^T A u column by column: r products of A with a vector, never a p x p product.
    let inside: f64 = basis.column_iter().map(|u| u.dot(&(a * u))).sum();
    let ratio = inside / trace;
    (trace > 0.0 && ratio.is_finite()).then_some(ratio)
}

/// The alignment of `a` (p x p, symmetric PSD) with the class-mean directions of `features`
/// (N x p, their `labels` among `classes`): [`alignment_in`] the [`class_mean_basis`] of their
/// [`centred_class_means`]. `None` when it is not a finite number or the SVD fails.
/// Preconditions: those of the three functions.
pub fn alignment(a: &Mat, features: &Mat, labels: &[usize], classes: usize) -> Option<f64> {
    alignment_in(a, &class_mean_basis(&centred_class_means(features, labels, classes))?)
}

/// `|| W_out/||W_out||_F - Mt_L/||Mt_L||_F ||_F^2`: 0 when the output layer's rows point along
/// the last hidden layer's centred class means (self-duality, NC3), at most 4. `None` when
/// either matrix is zero or the result is not finite.
/// Preconditions: `output_weights` (K x width) and `centred_means` (K x width) have equal shapes.
pub fn nc3_output(output_weights: &Mat, centred_means: &Mat) -> Option<f64> {
    let (norm_w, norm_m) = (output_weights.norm(), centred_means.norm());
    let distance = (output_weights / norm_w - centred_means / norm_m).norm_squared();
    (norm_w > 0.0 && norm_m > 0.0 && distance.is_finite()).then_some(distance)
}

/// The exponents tried by [`nfa_alpha`]: 0.05, 0.10, ..., 1.50.
pub fn nfa_alphas() -> impl Iterator<Item = f64> {
    // k / 20 rather than repeated additions of 0.05, so that 1.0 is exactly 1.
    (1..=30).map(|k| k as f64 / 20.0)
}

/// The alpha of [`nfa_alphas`] that maximises the Pearson correlation of the entries of `gram`
/// (`W^T W`) and `AGOP^alpha`, with that correlation; ties go to the smallest alpha. The power is
/// taken over one eigendecomposition of the AGOP, negative eigenvalues clipped to 0 (`0^alpha`
/// = 0). `None` when the eigensolver fails or no alpha gives a finite correlation.
/// Preconditions: `gram` and `agop` are p x p and symmetric.
pub fn nfa_alpha(gram: &Mat, agop: &Mat) -> Option<(f64, f64)> {
    let (eigenvalues, eigenvectors) = symmetric_eigen(agop)?;
    nfa_alpha_from_eigen(gram, &eigenvalues, &eigenvectors)
}

/// [`nfa_alpha`] from the AGOP's eigenpairs (`eigenvectors` p x m, unit columns; m may be below
/// p when the other eigenvalues are 0), so that one eigendecomposition serves all 30 alphas (and
/// the NFA's root besides). The correlation of all p^2 entries is computed without forming any
/// power: with `P = sum_i l_i v_i v_i^T` (`l_i = max(lambda_i, 0)^alpha`), the sum of P's entries
/// is `sum_i l_i (1^T v_i)^2`, `<G, P> = sum_i l_i v_i^T G v_i` and `||P||_F^2 = sum_i l_i^2`
/// (orthonormal v_i), so each alpha costs O(m) once the `v_i^T G v_i` are known (one product
/// `G V`); the Pearson correlation follows from these sums and G's. It equals the correlation of
/// the formed powers to about 1e-12 or better.
/// Preconditions: `gram` is p x p and symmetric, `eigenvectors` has p rows and orthonormal
/// columns, one per eigenvalue.
pub fn nfa_alpha_from_eigen(gram: &Mat, eigenvalues: &[f64], eigenvectors: &Mat) -> Option<(f64, f64)> {
    let count = gram.len() as f64;
    let gram_sum = gram.sum();
    let gram_spread = gram.norm_squared() - gram_sum * gram_sum / count;
    // Only the positive eigenvalues have a power other than 0.
    let positive: Vec<usize> = (0..eigenvalues.len()).filter(|&i| eigenvalues[i] > 0.0).collect();
    let vectors = eigenvectors.select_columns(&positive);
    let along = product(gram, &vectors);
    let pairs: Vec<(f64, f64, f64)> = positive
        .iter()
        .enumerate()
        .map(|(k, &i)| (eigenvalues[i], vectors.column(k).sum().powi(2), vectors.column(k).dot(&along.column(k))))
        .collect();
    let mut best: Option<(f64, f64)> = None;
    for alpha in nfa_alphas() {
        let (mut sum, mut cross, mut squares) = (0.0, 0.0, 0.0);
        for &(lambda, ones, quadratic) in &pairs {
            let power = lambda.powf(alpha);
            sum += power * ones;
            cross += power * quadratic;
            squares += power * power;
        }
        let spread = squares - sum * sum / count;
        let correlation = (cross - gram_sum * sum / count) / (gram_spread.sqrt() * spread.sqrt());
        let valid = gram_spread > 0.0 && spread > 0.0 && correlation.is_finite();
        // Strictly greater: a tie keeps the smaller alpha found first.
        if valid && best.is_none_or(|(_, c)| correlation > c) {
            best = Some((alpha, correlation));
        }
    }
    best
}

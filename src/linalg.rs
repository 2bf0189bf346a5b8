//! The few dense kernels everything else uses. All in f64, rows are samples.

use nalgebra::{DMatrix, DVector, SymmetricEigen};

/// A dense f64 matrix; in this crate rows are samples and columns are features.
pub type Mat = DMatrix<f64>;

/// Squared Euclidean norm of every row.
pub fn row_norms_squared(x: &Mat) -> DVector<f64> {
    DVector::from_iterator(x.nrows(), x.row_iter().map(|r| r.norm_squared()))
}

/// Scales every row to unit Euclidean norm. A zero row stays zero (it has no direction).
pub fn normalize_rows(x: &mut Mat) {
    for mut row in x.row_iter_mut() {
        let norm = row.norm();
        if norm > 0.0 {
            row /= norm;
        }
    }
}

/// Euclidean distances between the rows of `a` (n x d) and of `b` (m x d), n x m.
///
/// Uses the expanded form `||a||^2 + ||b||^2 - 2 a.b` (one matrix product), clamped at zero.
/// When `same` is true, `a` and `b` are the same points and the diagonal is set to exactly
/// zero, because the expanded form leaves rounding residues of about 1e-8 there.
/// Precondition: `a.ncols() == b.ncols()`; `same` implies `a == b`.
pub fn pairwise_distances(a: &Mat, b: &Mat, same: bool) -> Mat {
    let a_norms = row_norms_squared(a);
    let b_norms = if same { a_norms.clone() } else { row_norms_squared(b) };
    let mut dist = a * b.transpose();
    for j in 0..dist.ncols() {
        for i in 0..dist.nrows() {
            let squared = a_norms[i] + b_norms[j] - 2.0 * dist[(i, j)];
            dist[(i, j)] = squared.max(0.0).sqrt();
        }
    }
    if same {
        dist.fill_diagonal(0.0);
    }
    dist
}

/// Solves `(k + ridge I) x = rhs` by Cholesky. Returns `None` when `k + ridge I` is not
/// (numerically) positive definite. Precondition: `k` is square and symmetric.
pub fn solve_spd(k: &Mat, ridge: f64, rhs: &Mat) -> Option<Mat> {
    let mut regularised = k.clone();
    for i in 0..regularised.nrows() {
        regularised[(i, i)] += ridge;
    }
    let cholesky = regularised.cholesky()?;
    let solution = cholesky.solve(rhs);
    solution.iter().all(|v| v.is_finite()).then_some(solution)
}

/// The symmetric positive semi-definite square root of a symmetric matrix, with its spectrum.
pub struct PsdSqrt {
    /// `V diag(sqrt(max(lambda, 0))) V^T`.
    pub sqrt: Mat,
    /// The eigenvalues of the input, largest first (negative ones kept as they are).
    pub eigenvalues: Vec<f64>,
    /// Unit eigenvectors as columns, in the order of `eigenvalues`.
    pub eigenvectors: Mat,
}

/// Square root of a symmetric PSD matrix by eigendecomposition; negative eigenvalues (rounding)
/// are clipped to zero. Precondition: `m` is square and symmetric.
pub fn psd_sqrt(m: &Mat) -> PsdSqrt {
    let eigen = SymmetricEigen::new(m.clone());
    let mut order: Vec<usize> = (0..eigen.eigenvalues.len()).collect();
    order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]));
    let eigenvalues: Vec<f64> = order.iter().map(|&i| eigen.eigenvalues[i]).collect();
    let eigenvectors = eigen.eigenvectors.select_columns(&order);
    let mut scaled = eigenvectors.clone();
    for (mut column, lambda) in scaled.column_iter_mut().zip(&eigenvalues) {
        column *= lambda.max(0.0).sqrt();
    }
    let sqrt = &scaled * eigenvectors.transpose();
    PsdSqrt { sqrt, eigenvalues, eigenvectors }
}

/// True when every entry is finite.
pub fn all_finite(m: &Mat) -> bool {
    m.iter().all(|v| v.is_finite())
}

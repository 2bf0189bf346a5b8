//! The heavy kernels by nalgebra alone, for the wasm build without SIMD: slower than faer's, and
//! free of SIMD instructions, which a browser without WebAssembly SIMD refuses in any module.

use nalgebra::{Cholesky, DMatrix, RealField, SVD, SymmetricEigen};

use super::{Factor, Mat, Svd, all_finite};

/// The factor as a matrix of its own (a copy: O(size), small beside the product's cost).
fn owned<T: RealField + Copy>(factor: &Factor<'_, T>) -> DMatrix<T> {
    let rows = factor.matrix.rows(factor.rows.start, factor.rows.len());
    if factor.transposed { rows.transpose() } else { rows.clone_owned() }
}

/// `lhs rhs` into a new matrix. Precondition: the inner dimensions agree.
pub(super) fn multiply<T: RealField + Copy>(lhs: Factor<'_, T>, rhs: Factor<'_, T>) -> DMatrix<T> {
    owned(&lhs) * owned(&rhs)
}

/// `out = a b` for n x n column-major f32 matrices. Precondition: every slice holds n^2 values.
pub(super) fn product_f32(n: usize, a: &[f32], b: &[f32], out: &mut [f32]) {
    let a = nalgebra::DMatrixView::from_slice(a, n, n);
    let b = nalgebra::DMatrixView::from_slice(b, n, n);
    out.copy_from_slice((a * b).as_slice());
}

/// `f f^T`, whole.
pub(super) fn lower_symmetric_product(factor: Factor<'_>) -> Mat {
    let factor = owned(&factor);
    &factor * factor.transpose()
}

/// Solves `regularised x = rhs` by Cholesky; `None` when no factor exists or a squared pivot
/// is at most `rounding_pivot`. Precondition: `regularised` is square and symmetric.
pub(super) fn cholesky_solve(regularised: Mat, rounding_pivot: f64, rhs: &Mat) -> Option<Mat> {
    let cholesky = Cholesky::new(regularised)?;
    let factor = cholesky.l_dirty();
    if (0..factor.nrows()).any(|i| !(factor[(i, i)] * factor[(i, i)] > rounding_pivot)) {
        return None;
    }
    Some(cholesky.solve(rhs))
}

/// Eigenvalues largest first, with unit eigenvectors as columns in the same order; `None` for
/// NaN or infinite entries. Precondition: `m` is square and symmetric.
pub(super) fn symmetric_eigen(m: &Mat) -> Option<(Vec<f64>, Mat)> {
    if !all_finite(m) {
        return None;
    }
    // 0: iterate until converged, which the implicit symmetric QR does for finite entries.
    let eigen = SymmetricEigen::try_new(m.clone(), f64::EPSILON, 0)?;
    let mut order: Vec<usize> = (0..m.nrows()).collect();
    order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]));
    let eigenvalues = order.iter().map(|&k| eigen.eigenvalues[k]).collect();
    let eigenvectors = Mat::from_fn(m.nrows(), m.nrows(), |i, j| eigen.eigenvectors[(i, order[j])]);
    Some((eigenvalues, eigenvectors))
}

/// The thin SVD, singular values largest first; `None` for NaN or infinite entries or when the
/// iteration does not converge. A wide matrix is decomposed through its transpose, where
/// nalgebra's factors are accurate.
pub(super) fn thin_svd(a: &Mat) -> Option<Svd> {
    if !all_finite(a) {
        return None;
    }
    let wide = a.nrows() < a.ncols();
    let tall = if wide { a.transpose() } else { a.clone() };
    let decomposition = SVD::try_new(tall, true, true, f64::EPSILON, 0)?;
    let (u, v_t) = (decomposition.u?, decomposition.v_t?);
    let singular_values = decomposition.singular_values.iter().copied().collect();
    let (u, v) = if wide { (v_t.transpose(), u) } else { (u, v_t.transpose()) };
    Some(Svd { u, singular_values, v })
}

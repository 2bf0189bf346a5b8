//! The heavy kernels by faer, on views of nalgebra's memory; in wasm, products by the gemm
//! crate's simd128 kernels.

#[cfg(not(target_arch = "wasm32"))]
use faer::linalg::matmul::triangular::{self, BlockStructure};
use faer::linalg::solvers::Solve;
#[cfg(not(target_arch = "wasm32"))]
use faer::{Accum, Par};
use faer::{MatMut, MatRef, Side};

use nalgebra::DMatrix;

use super::{Factor, Mat, Svd};

/// What the product kernels need of an element type (f32 and f64 both qualify).
pub(super) trait Kernel: faer::traits::ComplexField + nalgebra::Scalar + Copy + From<f32> {}
impl Kernel for f32 {}
impl Kernel for f64 {}

fn view<T: Kernel>(m: &DMatrix<T>) -> MatRef<'_, T> {
    MatRef::from_column_major_slice(m.as_slice(), m.nrows(), m.ncols())
}

fn view_mut<T: Kernel>(m: &mut DMatrix<T>) -> MatMut<'_, T> {
    let (rows, cols) = m.shape();
    MatMut::from_column_major_slice_mut(m.as_mut_slice(), rows, cols)
}

fn factor_view<'a, T: Kernel>(factor: &Factor<'a, T>) -> MatRef<'a, T> {
    let rows = view(factor.matrix).subrows(factor.rows.start, factor.rows.len());
    if factor.transposed { rows.transpose() } else { rows }
}

/// Clears the upper halves of the vector registers after faer's AVX kernels. Without it, the
/// scalar SSE code that follows (libm's `exp`, for one) runs many times slower on x86 CPUs that
/// keep the dirty upper state (measured here: a million `exp` calls 16x slower).
fn leave_wide_simd() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX, checked just above.
        unsafe { std::arch::x86_64::_mm256_zeroupper() }
    }
}

/// `lhs rhs` into a new matrix. Precondition: the inner dimensions agree.
pub(super) fn multiply<T: Kernel>(lhs: Factor<'_, T>, rhs: Factor<'_, T>) -> DMatrix<T> {
    let (lhs, rhs) = (factor_view(&lhs), factor_view(&rhs));
    product_of_views(lhs.nrows(), rhs.ncols(), lhs, rhs)
}

/// `lhs rhs` into a new matrix.
fn product_of_views<T: Kernel>(rows: usize, cols: usize, lhs: MatRef<'_, T>, rhs: MatRef<'_, T>) -> DMatrix<T> {
    let mut out = DMatrix::from_element(rows, cols, T::from(0.0));
    product_into(view_mut(&mut out), lhs, rhs);
    out
}

/// `out = a b` for n x n column-major f32 matrices, by the kernel the f64 products use.
/// Precondition: every slice holds n^2 values.
pub(super) fn product_f32(n: usize, a: &[f32], b: &[f32], out: &mut [f32]) {
    product_into(
        MatMut::from_column_major_slice_mut(out, n, n),
        MatRef::from_column_major_slice(a, n, n),
        MatRef::from_column_major_slice(b, n, n),
    );
}

/// `out = lhs rhs`: by faer natively; in wasm by the gemm crate's simd128 kernels, which run
/// about 1.5 times faster there than faer's own (10.6 against 7 GFLOP/s in f64).
/// Precondition: the shapes agree.
fn product_into<T: Kernel>(out: MatMut<'_, T>, lhs: MatRef<'_, T>, rhs: MatRef<'_, T>) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        faer::linalg::matmul::matmul(out, Accum::Replace, lhs, rhs, T::from(1.0), Par::Seq);
        leave_wide_simd();
    }
    #[cfg(target_arch = "wasm32")]
    if out.nrows() > 0 && out.ncols() > 0 && lhs.ncols() > 0 {
        // SAFETY: the pointers and strides are those of faer views of live matrices of the
        // shapes given (rows x k, k x cols, rows x cols), and `out` aliases neither input.
        unsafe {
            gemm::gemm(
                out.nrows(),
                out.ncols(),
                lhs.ncols(),
                out.as_ptr_mut(),
                out.col_stride(),
                out.row_stride(),
                false,
                lhs.as_ptr(),
                lhs.col_stride(),
                lhs.row_stride(),
                rhs.as_ptr(),
                rhs.col_stride(),
                rhs.row_stride(),
                T::from(0.0),
                T::from(1.0),
                false,
                false,
                false,
                gemm::Parallelism::None,
            );
        }
    }
}

/// `f f^T` with at least its lower triangle computed. In wasm the full product beats faer's
/// triangular kernel, which computes half as much at less than half the speed; natively one
/// triangle is computed.
pub(super) fn lower_symmetric_product(factor: Factor<'_>) -> Mat {
    let factor = factor_view(&factor);
    let n = factor.nrows();
    #[cfg(target_arch = "wasm32")]
    let out = product_of_views(n, n, factor, factor.transpose());
    #[cfg(not(target_arch = "wasm32"))]
    let out = {
        let mut out = Mat::zeros(n, n);
        triangular::matmul(
            view_mut(&mut out),
            BlockStructure::TriangularLower,
            Accum::Replace,
            factor,
            BlockStructure::Rectangular,
            factor.transpose(),
            BlockStructure::Rectangular,
            1.0,
            Par::Seq,
        );
        leave_wide_simd();
        out
    };
    out
}

/// Solves `regularised x = rhs` by Cholesky; `None` when no factor exists or a squared pivot
/// is at most `rounding_pivot`. Precondition: `regularised` is square and symmetric.
pub(super) fn cholesky_solve(regularised: Mat, rounding_pivot: f64, rhs: &Mat) -> Option<Mat> {
    let cholesky = faer::linalg::solvers::Llt::new(view(&regularised), Side::Lower).ok();
    leave_wide_simd();
    drop(regularised);
    let cholesky = cholesky?;
    let factor = cholesky.L();
    if (0..factor.nrows()).any(|i| !(factor[(i, i)] * factor[(i, i)] > rounding_pivot)) {
        return None;
    }
    let mut solution = rhs.clone();
    cholesky.solve_in_place(view_mut(&mut solution));
    leave_wide_simd();
    Some(solution)
}

/// Eigenvalues largest first, with unit eigenvectors as columns in the same order; `None` when
/// the solver does not converge. Precondition: `m` is square and symmetric.
pub(super) fn symmetric_eigen(m: &Mat) -> Option<(Vec<f64>, Mat)> {
    let d = m.nrows();
    let eigen = view(m).self_adjoint_eigen(Side::Lower).ok();
    leave_wide_simd();
    let eigen = eigen?;
    // faer sorts eigenvalues in increasing order: reverse for largest first.
    let ascending = eigen.S().column_vector();
    let vectors = eigen.U();
    let eigenvalues: Vec<f64> = (0..d).rev().map(|i| ascending[i]).collect();
    let eigenvectors = Mat::from_fn(d, d, |i, j| vectors[(i, d - 1 - j)]);
    Some((eigenvalues, eigenvectors))
}

/// The thin SVD, singular values largest first; `None` when the iteration does not converge.
/// (nalgebra's SVD can return inaccurate factors for wide matrices; faer's does not.)
pub(super) fn thin_svd(a: &Mat) -> Option<Svd> {
    let decomposition = view(a).thin_svd().ok();
    leave_wide_simd();
    let decomposition = decomposition?;
    let (u, v, s) = (decomposition.U(), decomposition.V(), decomposition.S().column_vector());
    Some(Svd {
        u: Mat::from_fn(u.nrows(), u.ncols(), |i, j| u[(i, j)]),
        singular_values: (0..s.nrows()).map(|i| s[i]).collect(),
        v: Mat::from_fn(v.nrows(), v.ncols(), |i, j| v[(i, j)]),
    })
}

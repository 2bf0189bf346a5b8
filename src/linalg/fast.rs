//! The heavy kernels by faer, on views of nalgebra's memory; in wasm, products by the gemm
//! crate's simd128 kernels.

#[cfg(not(target_arch = "wasm32"))]
use faer::Accum;
use faer::Par;
#[cfg(not(target_arch = "wasm32"))]
use faer::linalg::matmul::triangular::{self, BlockStructure};
use faer::linalg::solvers::Solve;
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

/// `out = lhs rhs`, by [`multiply_add`]. Precondition: the shapes agree.
fn product_into<T: Kernel>(out: MatMut<'_, T>, lhs: MatRef<'_, T>, rhs: MatRef<'_, T>) {
    multiply_add(out, false, lhs, rhs, T::from(1.0));
}

/// `out -= lhs rhs`, by [`multiply_add`]. Precondition: the shapes agree.
fn subtract_product(out: MatMut<'_, f64>, lhs: MatRef<'_, f64>, rhs: MatRef<'_, f64>) {
    multiply_add(out, true, lhs, rhs, -1.0);
}

/// `out = scale lhs rhs`, plus `out` itself when `keep`: by faer natively; in wasm by the gemm
/// crate's simd128 kernels, which run about 1.5 times faster there than faer's own (10.6
/// against 7 GFLOP/s in f64). Precondition: the shapes agree.
fn multiply_add<T: Kernel>(out: MatMut<'_, T>, keep: bool, lhs: MatRef<'_, T>, rhs: MatRef<'_, T>, scale: T) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let accumulate = if keep { Accum::Add } else { Accum::Replace };
        faer::linalg::matmul::matmul(out, accumulate, lhs, rhs, scale, Par::Seq);
        leave_wide_simd();
    }
    #[cfg(target_arch = "wasm32")]
    if out.nrows() > 0 && out.ncols() > 0 && lhs.ncols() > 0 {
        // SAFETY: the pointers and strides are those of faer views of live matrices of the
        // shapes given (rows x k, k x cols, rows x cols), and `out` aliases neither input.
        // gemm computes `out = alpha out + beta lhs rhs`, reading `out` only when `keep`.
        unsafe {
            gemm::gemm(
                out.nrows(),
                out.ncols(),
                lhs.ncols(),
                out.as_ptr_mut(),
                out.col_stride(),
                out.row_stride(),
                keep,
                lhs.as_ptr(),
                lhs.col_stride(),
                lhs.row_stride(),
                rhs.as_ptr(),
                rhs.col_stride(),
                rhs.row_stride(),
                T::from(if keep { 1.0 } else { 0.0 }),
                scale,
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
/// the solver does not converge or `m` has a non-finite entry. Precondition: `m` is square and
/// symmetric (its lower triangle is read).
///
/// faer's three steps, the last one by the product kernel: tridiagonalisation `m = Q T Q^T`
/// (Householder reflectors), divide and conquer on `T = Z diag(lambda) Z^T`, then the
/// eigenvectors `Q Z` ([`apply_reflectors`]). In wasm, at d = 1024, faer's own application of
/// the reflectors took 215 ms in some runs and 420 ms in others; by the gemm crate's products
/// it takes 215 ms every time (10 GFLOP/s).
pub(super) fn symmetric_eigen(m: &Mat) -> Option<(Vec<f64>, Mat)> {
    use faer::dyn_stack::{MemBuffer, MemStack};
    use faer::linalg::evd;

    let d = m.nrows();
    if !m.iter().all(|v| v.is_finite()) {
        return None;
    }
    if d <= 1 {
        return Some((m.iter().copied().collect(), Mat::identity(d, d)));
    }
    let mut reduced = faer::Mat::<f64>::zeros(d, d);
    reduced.copy_from_triangular_lower(view(m));
    let block = faer::linalg::qr::no_pivoting::factor::recommended_block_size::<f64>(d, d);
    let mut factors = faer::Mat::<f64>::zeros(block, d - 1);
    let scratch = evd::self_adjoint_evd_scratch::<f64>(d, evd::ComputeEigenvectors::Yes, Par::Seq, Default::default());
    let mut memory = MemBuffer::new(scratch);
    let stack = MemStack::new(&mut memory);
    evd::tridiag::tridiag_in_place(reduced.as_mut(), factors.as_mut(), Par::Seq, stack, Default::default());
    let diagonal = faer::Col::<f64>::from_fn(d, |i| reduced[(i, i)]);
    let subdiagonal = faer::Col::<f64>::from_fn(d, |i| if i + 1 < d { reduced[(i + 1, i)] } else { 0.0 });
    let mut ascending = faer::Col::<f64>::zeros(d);
    let mut vectors = Mat::zeros(d, d);
    let solved = evd::tridiagonal_self_adjoint_evd(
        diagonal.as_diagonal(),
        subdiagonal.as_diagonal(),
        ascending.as_diagonal_mut(),
        Some(view_mut(&mut vectors)),
        Par::Seq,
        stack,
        Default::default(),
    );
    leave_wide_simd();
    solved.ok()?;
    // Q acts on rows 1.. (the first row and column are untouched by the reduction).
    apply_reflectors(
        reduced.as_ref().submatrix(1, 0, d - 1, d - 1),
        factors.as_ref(),
        view_mut(&mut vectors).subrows_mut(1, d - 1),
    );
    leave_wide_simd();
    // faer sorts eigenvalues in increasing order: reverse for largest first.
    let eigenvalues: Vec<f64> = (0..d).rev().map(|i| ascending[i]).collect();
    let eigenvectors = Mat::from_fn(d, d, |i, j| vectors[(i, d - 1 - j)]);
    Some((eigenvalues, eigenvectors))
}

/// `target = Q target` for the product Q of the blocks of Householder reflectors that faer's
/// tridiagonalisation leaves: the reflectors' vectors below the diagonal of `basis` (unit
/// diagonal implied), and each block's upper-triangular factor T in `factors`, a block being
/// `I - V T^-1 V^T`. The last block acts first, each on the rows from its first reflector on.
/// Precondition: the shapes are those faer's `tridiag_in_place` gives (`basis` square,
/// `factors` block x basis columns, `target` with as many rows as `basis`).
fn apply_reflectors(basis: MatRef<'_, f64>, factors: MatRef<'_, f64>, mut target: MatMut<'_, f64>) {
    use faer::reborrow::{Reborrow, ReborrowMut};

    let (count, block) = (factors.ncols(), factors.nrows());
    let mut end = count;
    // The blocks start at multiples of `block`: the last one may be shorter.
    let mut width = match count % block {
        0 => block,
        rest => rest,
    };
    while end > 0 {
        let start = end - width;
        let rows = basis.nrows() - start;
        let vectors = faer::Mat::<f64>::from_fn(rows, width, |i, j| match i.cmp(&j) {
            std::cmp::Ordering::Less => 0.0,
            std::cmp::Ordering::Equal => 1.0,
            std::cmp::Ordering::Greater => basis[(start + i, start + j)],
        });
        let triangle = factors.get(0..width, start..end);
        let mut rows_acted_on = target.rb_mut().subrows_mut(start, rows);
        let mut coefficients = faer::Mat::<f64>::zeros(width, rows_acted_on.ncols());
        product_into(coefficients.as_mut(), vectors.transpose(), rows_acted_on.rb());
        faer::linalg::triangular_solve::solve_upper_triangular_in_place(triangle, coefficients.as_mut(), Par::Seq);
        subtract_product(rows_acted_on.rb_mut(), vectors.as_ref(), coefficients.as_ref());
        end = start;
        width = block;
    }
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

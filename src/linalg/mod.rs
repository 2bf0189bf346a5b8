//! The few dense kernels everything else uses, all in f64; rows are samples.
//!
//! Matrices are nalgebra's. The heavy kernels (products, Cholesky, symmetric eigensolver, SVD)
//! come from one of two backends, single-threaded, so that a build's arithmetic does not depend
//! on the threads or workers around it (the two backends agree to rounding):
//! - [`fast`]: faer (products in wasm by the gemm crate's simd128 kernels), natively and in the
//!   SIMD wasm build;
//! - [`scalar`]: nalgebra's own, in the wasm build for browsers without WebAssembly SIMD, which
//!   must not contain a single SIMD instruction (faer's kernels carry some in every wasm build).

use std::ops::Range;

use nalgebra::{DMatrix, DVector, Scalar};

#[cfg(not(all(target_arch = "wasm32", not(target_feature = "simd128"))))]
mod fast;
#[cfg(not(all(target_arch = "wasm32", not(target_feature = "simd128"))))]
use fast as kernels;
#[cfg(all(target_arch = "wasm32", not(target_feature = "simd128")))]
mod scalar;
#[cfg(all(target_arch = "wasm32", not(target_feature = "simd128")))]
use scalar as kernels;

pub mod lanczos;
pub use lanczos::largest_eigenvalue;

/// A dense f64 matrix; in this crate rows are samples and columns are features.
pub type Mat = DMatrix<f64>;

/// A dense f32 matrix: the network trains in single precision, as PyTorch does.
pub type Mat32 = DMatrix<f32>;

/// The two floating-point types the product kernels take: f64 for the science, f32 for
/// training the network. Sealed: the backends implement exactly these two.
pub trait Element: nalgebra::RealField + Copy + Send + Sync + sealed::Sealed {
    /// `lhs rhs` by the backend's product kernel. Precondition: the inner dimensions agree.
    fn multiply(lhs: Factor<'_, Self>, rhs: Factor<'_, Self>) -> DMatrix<Self>;
    /// The nearest value of this type (rounding to nearest for f32).
    fn of_f64(value: f64) -> Self;
    /// The value as f64 (exact).
    fn as_f64(self) -> f64;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

impl Element for f64 {
    fn multiply(lhs: Factor<'_, f64>, rhs: Factor<'_, f64>) -> Mat {
        kernels::multiply(lhs, rhs)
    }
    fn of_f64(value: f64) -> f64 {
        value
    }
    fn as_f64(self) -> f64 {
        self
    }
}

impl Element for f32 {
    fn multiply(lhs: Factor<'_, f32>, rhs: Factor<'_, f32>) -> Mat32 {
        kernels::multiply(lhs, rhs)
    }
    fn of_f64(value: f64) -> f32 {
        value as f32
    }
    fn as_f64(self) -> f64 {
        self as f64
    }
}

/// `m` with every entry converted to `U` (see [`Element::of_f64`]).
pub fn convert<T: Element, U: Element>(m: &DMatrix<T>) -> DMatrix<U> {
    m.map(|v| U::of_f64(v.as_f64()))
}

/// One factor of a product ([`multiply`]): the rows `rows` of a matrix, transposed or not.
/// Invariant: `rows` lies within the matrix's rows.
#[derive(Clone)]
pub struct Factor<'a, T: Scalar = f64> {
    matrix: &'a DMatrix<T>,
    rows: Range<usize>,
    transposed: bool,
}

impl<'a, T: Scalar> Factor<'a, T> {
    /// The whole matrix.
    pub fn of(matrix: &'a DMatrix<T>) -> Self {
        Factor { matrix, rows: 0..matrix.nrows(), transposed: false }
    }

    /// The rows `rows` of `matrix`. Precondition: `rows` within its rows.
    pub fn rows(matrix: &'a DMatrix<T>, rows: Range<usize>) -> Self {
        assert!(
            rows.start <= rows.end && rows.end <= matrix.nrows(),
            "rows {rows:?} of a matrix of {} rows",
            matrix.nrows()
        );
        Factor { matrix, rows, transposed: false }
    }

    /// The transpose.
    pub fn t(self) -> Self {
        Factor { transposed: !self.transposed, ..self }
    }
}

/// `lhs rhs`, by the backend's product kernel. Precondition: the inner dimensions agree.
pub fn multiply<T: Element>(lhs: Factor<'_, T>, rhs: Factor<'_, T>) -> DMatrix<T> {
    T::multiply(lhs, rhs)
}

/// `out = a b` for n x n column-major f32 matrices, by the kernel of the f64 products: only the
/// benchmarks' f32 figure uses it (the science is f64). Precondition: every slice holds n^2 values.
pub fn product_f32(n: usize, a: &[f32], b: &[f32], out: &mut [f32]) {
    kernels::product_f32(n, a, b, out)
}

/// `a b`. Precondition: `a.ncols() == b.nrows()`.
pub fn product<T: Element>(a: &DMatrix<T>, b: &DMatrix<T>) -> DMatrix<T> {
    T::multiply(Factor::of(a), Factor::of(b))
}

/// `a b^T`. Precondition: `a.ncols() == b.ncols()`.
pub fn product_transpose<T: Element>(a: &DMatrix<T>, b: &DMatrix<T>) -> DMatrix<T> {
    T::multiply(Factor::of(a), Factor::of(b).t())
}

/// `a^T b`. Precondition: `a.nrows() == b.nrows()`.
pub fn transpose_product<T: Element>(a: &DMatrix<T>, b: &DMatrix<T>) -> DMatrix<T> {
    T::multiply(Factor::of(a).t(), Factor::of(b))
}

/// `a[rows] b` (or `a[rows] b^T` when `transpose_b`): a block of rows of a product.
/// Preconditions: `rows` within `a`'s rows; the inner dimensions agree.
pub fn rows_times(a: &Mat, rows: Range<usize>, b: &Mat, transpose_b: bool) -> Mat {
    let rhs = if transpose_b { Factor::of(b).t() } else { Factor::of(b) };
    kernels::multiply(Factor::rows(a, rows), rhs)
}

/// `a a^T`: its lower triangle computed by [`lower_gram_rows`] (a little over half the work),
/// then mirrored, so the result is exactly symmetric.
pub fn outer_gram(a: &Mat) -> Mat {
    let mut out = lower_gram_rows(a, 0..a.nrows());
    mirror_lower(&mut out);
    out
}

/// Rows of the lower triangle of `a a^T` at full product speed: block by block of
/// [`GRAM_BLOCK`] rows, each block times the rows of `a` up to its end, one product each. Returns
/// `rows.len() x rows.end`; entry `(i, j)` is `(a a^T)[rows.start + i, j]` for every
/// `j <= rows.start + i` (the lower triangle); entries right of it are those of the diagonal
/// blocks, or zero. Every entry is a single product's, so computing `0..n` in one call or in
/// parts gives the same numbers. Precondition: `rows` within `a`'s rows.
pub fn lower_gram_rows(a: &Mat, rows: Range<usize>) -> Mat {
    let mut out = Mat::zeros(rows.len(), rows.end);
    let mut start = rows.start;
    while start < rows.end {
        let end = (start + GRAM_BLOCK).min(rows.end);
        let block = kernels::multiply(Factor::rows(a, start..end), Factor::rows(a, 0..end).t());
        out.view_mut((start - rows.start, 0), (end - start, end)).copy_from(&block);
        start = end;
    }
    out
}

/// Rows per block of [`lower_gram_rows`]: the work is `(1 + GRAM_BLOCK / n) / 2` of the full
/// product's, and blocks this tall keep the product kernels at full speed.
pub const GRAM_BLOCK: usize = 128;

/// `a^T a`, computing one triangle where the backend does so faster, and mirroring it.
pub fn transpose_gram(a: &Mat) -> Mat {
    let mut out = kernels::lower_symmetric_product(Factor::of(a).t());
    mirror_lower(&mut out);
    out
}

/// Copies the lower triangle of a square matrix onto the upper one.
fn mirror_lower(out: &mut Mat) {
    let n = out.nrows();
    for j in 0..n {
        for i in 0..j {
            out[(i, j)] = out[(j, i)];
        }
    }
}

/// The rows `rows` of `a` with all the rows of `b` below them. Preconditions: `rows` within
/// `a`'s rows; `a` and `b` have as many columns.
pub fn stack_rows(a: &Mat, rows: Range<usize>, b: &Mat) -> Mat {
    let mut out = Mat::zeros(rows.len() + b.nrows(), a.ncols());
    out.rows_mut(0, rows.len()).copy_from(&a.rows(rows.start, rows.len()));
    out.rows_mut(rows.len(), b.nrows()).copy_from(b);
    out
}

/// Relative size of the rounding error of an expanded squared distance (a few f64 epsilons
/// per term); see [`pairwise_distances`].
pub const ROUNDING_LEVEL: f64 = 64.0 * f64::EPSILON;

/// Squared Euclidean norm of every row, each summed over its entries in column order (the same
/// numbers as `row.norm_squared()`), column by column: the storage's order, several times faster
/// than row by row on tall matrices.
pub fn row_norms_squared(x: &Mat) -> DVector<f64> {
    let mut norms = DVector::zeros(x.nrows());
    for column in x.column_iter() {
        for (norm, &v) in norms.iter_mut().zip(column.iter()) {
            *norm += v * v;
        }
    }
    norms
}

/// Scales every row to unit Euclidean norm. A zero row stays zero (it has no direction).
/// Rows whose squared norm would overflow (entries near 1e200) are first scaled down by their
/// largest entry; a row with NaN or infinite entries is left as it is, for the caller's check.
pub fn normalize_rows(x: &mut Mat) {
    for mut row in x.row_iter_mut() {
        let mut norm = row.norm();
        if norm.is_infinite() {
            let largest = row.amax();
            if !largest.is_finite() {
                continue;
            }
            row /= largest;
            norm = row.norm();
        }
        if norm > 0.0 {
            row /= norm;
        }
    }
}

/// Euclidean distances between the rows of `a` (n x d) and of `b` (m x d), n x m.
///
/// Uses the expanded form `||a||^2 + ||b||^2 - 2 a.b` (one matrix product). It cannot resolve
/// squared distances below the rounding of its terms: for coincident points it leaves residues
/// of about 1e-8 in the distance, which would pass for real distances (and give the Laplace
/// AGOP weights of 1e8). Squared distances below [`ROUNDING_LEVEL`] times the squared norms are
/// therefore set to exactly zero, and so is the diagonal when `same` says that `a` and `b` are
/// the same points. Precondition: `a.ncols() == b.ncols()`; `same` implies `a == b`.
pub fn pairwise_distances(a: &Mat, b: &Mat, same: bool) -> Mat {
    let a_norms = row_norms_squared(a);
    let b_norms = if same { a_norms.clone() } else { row_norms_squared(b) };
    let mut dist = if same { outer_gram(a) } else { product_transpose(a, b) };
    for j in 0..dist.ncols() {
        for i in 0..dist.nrows() {
            let scale = a_norms[i] + b_norms[j];
            let squared = scale - 2.0 * dist[(i, j)];
            dist[(i, j)] = if squared <= ROUNDING_LEVEL * scale { 0.0 } else { squared.sqrt() };
        }
    }
    if same {
        dist.fill_diagonal(0.0);
    }
    dist
}

/// Solves `(k + ridge I) x = rhs` by Cholesky. Returns `None` when `k + ridge I` is not
/// numerically positive definite: no factor exists, or a pivot is at rounding level (below
/// `n eps` times the largest diagonal entry), where the solution would be noise.
/// Precondition: `k` is square and symmetric with finite entries.
pub fn solve_spd(k: &Mat, ridge: f64, rhs: &Mat) -> Option<Mat> {
    let mut regularised = k.clone();
    for i in 0..regularised.nrows() {
        regularised[(i, i)] += ridge;
    }
    let largest_diagonal = regularised.diagonal().max();
    let rounding_pivot = regularised.nrows() as f64 * f64::EPSILON * largest_diagonal;
    let solution = kernels::cholesky_solve(regularised, rounding_pivot, rhs)?;
    all_finite(&solution).then_some(solution)
}

/// A power `M^P` (P > 0) of a symmetric positive semi-definite matrix, with M's spectrum.
pub struct PsdPower {
    /// `V diag(max(lambda, 0)^P) V^T`.
    pub power: Mat,
    /// The eigenvalues of the input, largest first (negative ones kept as they are).
    pub eigenvalues: Vec<f64>,
    /// Unit eigenvectors as columns, in the order of `eigenvalues`.
    pub eigenvectors: Mat,
}

/// Square root of a symmetric PSD matrix: [`psd_power`] with exponent 1/2.
pub fn psd_sqrt(m: &Mat) -> Option<PsdPower> {
    psd_power(m, 0.5)
}

/// `M^exponent` of a symmetric PSD matrix by eigendecomposition; negative eigenvalues (rounding)
/// are clipped to zero. Returns `None` when the eigensolver does not converge (only with NaN
/// or infinite entries). Preconditions: `m` is square and symmetric, `exponent > 0`.
///
/// Rows that are exactly zero (features constant over the data, such as MNIST's border pixels)
/// split off a zero block, whose eigenvectors are unit vectors of eigenvalue 0: the eigensolver,
/// whose cost grows as the cube of the size, only sees the rest.
pub fn psd_power(m: &Mat, exponent: f64) -> Option<PsdPower> {
    let d = m.nrows();
    let active: Vec<usize> = (0..d).filter(|&i| m.row(i).iter().any(|&v| v != 0.0)).collect();
    if active.len() == d {
        return eigen_power(m, exponent);
    }
    let reduced = eigen_power(&m.select_rows(&active).select_columns(&active), exponent)?;
    let mut power = Mat::zeros(d, d);
    for (a, &i) in active.iter().enumerate() {
        for (b, &j) in active.iter().enumerate() {
            power[(i, j)] = reduced.power[(a, b)];
        }
    }
    // Eigenpairs largest first: the block's positive ones, the zero block, then the rest.
    enum Pair {
        Block(usize),
        ZeroRow(usize),
    }
    let positive = reduced.eigenvalues.iter().take_while(|&&lambda| lambda > 0.0).count();
    let zero_rows = (0..d).filter(|i| active.binary_search(i).is_err()).map(Pair::ZeroRow);
    let order = (0..positive).map(Pair::Block).chain(zero_rows).chain((positive..active.len()).map(Pair::Block));
    let mut eigenvalues = Vec::with_capacity(d);
    let mut eigenvectors = Mat::zeros(d, d);
    for (column, pair) in order.enumerate() {
        match pair {
            Pair::Block(k) => {
                for (a, &i) in active.iter().enumerate() {
                    eigenvectors[(i, column)] = reduced.eigenvectors[(a, k)];
                }
                eigenvalues.push(reduced.eigenvalues[k]);
            }
            Pair::ZeroRow(i) => {
                eigenvectors[(i, column)] = 1.0;
                eigenvalues.push(0.0);
            }
        }
    }
    Some(PsdPower { power, eigenvalues, eigenvectors })
}

/// [`psd_power`] by one eigendecomposition of the whole matrix.
fn eigen_power(m: &Mat, exponent: f64) -> Option<PsdPower> {
    let (eigenvalues, eigenvectors) = kernels::symmetric_eigen(m)?;
    Some(PsdPower { power: power_of(&eigenvalues, &eigenvectors, exponent), eigenvalues, eigenvectors })
}

/// `V diag(max(lambda, 0)^exponent) V^T` for eigenvalues largest first and unit eigenvectors as
/// the columns of `eigenvectors` in the same order. Precondition: `exponent > 0`.
pub fn power_of(eigenvalues: &[f64], eigenvectors: &Mat, exponent: f64) -> Mat {
    // `W W^T` for `W = V diag(lambda^(P/2))` over the positive eigenvalues (a prefix, largest
    // first): one triangle of a product of rank at most d, about half the work of the full one,
    // and exactly symmetric. The square root's fourth roots are taken as two square roots.
    let half_power = |lambda: f64| if exponent == 0.5 { lambda.sqrt().sqrt() } else { lambda.powf(exponent / 2.0) };
    let positive = eigenvalues.iter().take_while(|&&lambda| lambda > 0.0).count();
    let scaled = Mat::from_fn(eigenvectors.nrows(), positive, |i, k| eigenvectors[(i, k)] * half_power(eigenvalues[k]));
    outer_gram(&scaled)
}

/// Eigenvalues of a symmetric matrix, largest first, with unit eigenvectors as columns in the
/// same order; `None` when the solver does not converge (only with NaN or infinite entries).
/// Precondition: `m` is square and symmetric.
pub fn symmetric_eigen(m: &Mat) -> Option<(Vec<f64>, Mat)> {
    kernels::symmetric_eigen(m)
}

/// A thin singular value decomposition `a = U diag(S) V^T`.
pub struct Svd {
    /// m x r, orthonormal columns (r = min(m, n)).
    pub u: Mat,
    /// The r singular values, largest first, all >= 0.
    pub singular_values: Vec<f64>,
    /// n x r, orthonormal columns.
    pub v: Mat,
}

/// The thin SVD of `a` (m x n). Returns `None` when the iteration does not converge (only with NaN or
/// infinite entries). Precondition: `a` has at least one row and one column.
pub fn svd(a: &Mat) -> Option<Svd> {
    kernels::thin_svd(a)
}

/// True when every entry is finite.
pub fn all_finite(m: &Mat) -> bool {
    m.iter().all(|v| v.is_finite())
}

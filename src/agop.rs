//! The average gradient outer product (AGOP) of a kernel predictor, in closed form.
//!
//! For `f_c(x) = sum_j alpha_jc k(x, x_j)` fitted on the rows `x_j` of X (n x d), the AGOP at the
//! training points is `G = (1/n) sum_i sum_c grad f_c(x_i) grad f_c(x_i)^T` (d x d).
//! Laplace: `grad f_c(x_i) = (1/L) sum_{j != i} alpha_jc k_ij / ||x_i - x_j|| (x_j - x_i)`;
//! Gaussian: `(1/L^2) sum_j alpha_jc k_ij (x_j - x_i)`; linear: `X^T alpha_c` everywhere.
//! Both radial kernels share the shape `grad f_c(x_i) = s sum_j A_ij alpha_jc (x_j - x_i)` with
//! weights A (`K ./ D` for Laplace, K for Gaussian) and scale s (`1/L`, `1/L^2`).

use crate::kernel::{Kernel, KernelKind, KernelMatrix};
use std::sync::Arc;

use crate::error::Result;
use crate::linalg::{
    Mat, outer_gram, outer_gram_of_rows, product, product_transpose, rows_times, transpose_gram, transpose_product,
};
use crate::parallel::{Job, Local, Offload, block_on, split_rows};

/// Distances below this are treated as the same point: the Laplace gradient term is dropped.
pub const MIN_DISTANCE: f64 = 1e-10;

/// The gradient weights A and scale s of a radial kernel (see the module docs), made in place
/// from the kernel values, or `None` for the linear kernel. Precondition: `train` is the kernel
/// matrix of the training points with themselves (square, with distances).
fn radial_weights(kernel: &Kernel, train: KernelMatrix) -> Option<(Mat, f64)> {
    let distances = train.distances?;
    let mut weights = train.values;
    match kernel.kind {
        KernelKind::Linear => None,
        KernelKind::Laplace => {
            weights.zip_apply(&distances, |w, d| *w = if d < MIN_DISTANCE { 0.0 } else { *w / d });
            weights.fill_diagonal(0.0);
            Some((weights, 1.0 / kernel.bandwidth))
        }
        KernelKind::Gaussian => Some((weights, 1.0 / (kernel.bandwidth * kernel.bandwidth))),
    }
}

/// Which closed form computes an AGOP; both give the same matrix up to rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgopForm {
    /// Through an n x n matrix of sample pairs: about `n^3 / 2 + n^2 d + n d^2 / 2`
    /// multiply-adds, whatever the number of classes K.
    SamplePairs,
    /// Class by class, through the n x d gradients: about `K (n^2 d + n d^2 / 2)`.
    PerClass,
}

impl AgopForm {
    /// The cheaper form for n samples of dimension d and K classes.
    pub fn cheaper(n: usize, d: usize, classes: usize) -> AgopForm {
        let (n, d, k) = (n as f64, d as f64, classes as f64);
        let pairs = n * n * n / 2.0 + n * n * d + n * d * d / 2.0;
        let per_class = k * (n * n * d + n * d * d / 2.0);
        if per_class < pairs { AgopForm::PerClass } else { AgopForm::SamplePairs }
    }
}

/// Share of the rows of A A^T whose square block (rows and columns `0..split`) is computed
/// here, while a helper computes the other rows whole. In wasm the block is computed whole
/// (see [`crate::linalg::outer_gram`]): both sides do the same work when `split^2 = n (n -
/// split)`, at the golden ratio. Natively it is one triangle: `split^2 / 2 = n (n - split)`.
const GRAM_SHARE: f64 = if cfg!(target_arch = "wasm32") { 0.618 } else { 0.732 };

/// The AGOP of the kernel predictor with coefficients `alpha`, by the cheaper closed form
/// ([`AgopForm::cheaper`]). It consumes the kernel matrix, whose memory becomes the weights A.
///
/// Preconditions: `x` is n x d (the training points), `train` their kernel matrix with
/// themselves, `alpha` the n x K ridge coefficients.
pub fn agop(kernel: &Kernel, x: &Mat, train: KernelMatrix, alpha: &Mat) -> Mat {
    agop_by(AgopForm::cheaper(x.nrows(), x.ncols(), alpha.ncols()), kernel, x, train, alpha)
}

/// [`agop`] by the given form. For the linear kernel both forms are `X^T alpha alpha^T X`.
pub fn agop_by(form: AgopForm, kernel: &Kernel, x: &Mat, train: KernelMatrix, alpha: &Mat) -> Mat {
    block_on(agop_with(form, kernel, x, train, alpha, &Local)).expect("jobs run here do not fail")
}

/// [`agop_by`], with the large products split between this core and `offload`'s helper.
/// Fails only when the helper does.
pub async fn agop_with<O: Offload>(
    form: AgopForm,
    kernel: &Kernel,
    x: &Mat,
    train: KernelMatrix,
    alpha: &Mat,
    offload: &O,
) -> Result<Mat> {
    let Some((weights, scale)) = radial_weights(kernel, train) else {
        let projected = transpose_product(x, alpha); // d x K: the gradient of every output
        return Ok(outer_gram(&projected));
    };
    let sum = match form {
        AgopForm::SamplePairs => sample_pairs_sum(x, weights, alpha, offload).await?,
        AgopForm::PerClass => per_class_sum(x, weights, alpha, offload).await?,
    };
    Ok(sum * (scale * scale / x.nrows() as f64))
}

/// `sum_c grads_c^T grads_c / s^2` through the n x n form
/// `X^T [ (A^T A) o (alpha alpha^T) - A o (S alpha^T) - A^T o (alpha S^T) + diag(sum_c S_ic^2) ] X`
/// with `S = A alpha`. At most about four n x n matrices are alive at once.
async fn sample_pairs_sum<O: Offload>(x: &Mat, weights: Mat, alpha: &Mat, offload: &O) -> Result<Mat> {
    let n = x.nrows();
    let s = product(&weights, alpha); // n x K
    let weights = Arc::new(weights);
    let split = split_rows(n, GRAM_SHARE);
    let gram_bottom =
        offload.start(Job::RowsTimes { a: weights.clone(), rows: split..n, b: weights.clone(), transpose_b: true });
    // A is symmetric, so A^T A = A A^T and A^T o (alpha S^T) is the transpose of A o (S alpha^T):
    // the two cross terms together are symmetric, made in place of (S alpha^T).
    let mut cross = product_transpose(&s, alpha);
    for j in 0..n {
        for i in 0..=j {
            let value = weights[(i, j)] * (cross[(i, j)] + cross[(j, i)]);
            cross[(i, j)] = value;
            cross[(j, i)] = value;
        }
    }
    let gram_top = outer_gram_of_rows(&weights, 0..split);
    let gram_bottom = gram_bottom.await?;
    drop(weights);
    // A A^T from its two parts, each entry from the lower triangle so that it stays symmetric;
    // times alpha alpha^T entry by entry (from the rows of alpha stored contiguously), minus the
    // cross terms.
    let alpha_rows = alpha.transpose();
    let mut middle = Mat::zeros(n, n);
    for j in 0..n {
        let alpha_j = alpha_rows.column(j);
        for i in 0..n {
            let (row, column) = (i.max(j), i.min(j));
            let gram = if row < split { gram_top[(row, column)] } else { gram_bottom[(row - split, column)] };
            middle[(i, j)] = gram * alpha_rows.column(i).dot(&alpha_j) - cross[(i, j)];
        }
    }
    drop((cross, gram_top, gram_bottom));
    for i in 0..n {
        middle[(i, i)] += s.row(i).norm_squared();
    }
    let inner = split_product(Arc::new(middle), Arc::new(x.clone()), offload).await?; // n x d
    Ok(transpose_product(x, &inner))
}

/// `sum_c grads_c^T grads_c / s^2` class by class: the gradients of class c at every sample are
/// the rows of `A (alpha_c o X) - S_c o X` (rows of X scaled by alpha_c, resp. by `S = A alpha`),
/// all classes in one product with the n x Kd matrix `[alpha_1 o X | ... | alpha_K o X]`.
async fn per_class_sum<O: Offload>(x: &Mat, weights: Mat, alpha: &Mat, offload: &O) -> Result<Mat> {
    let (n, d, classes) = (x.nrows(), x.ncols(), alpha.ncols());
    let s = product(&weights, alpha);
    let scaled_rows = |by: &Mat| Mat::from_fn(n, classes * d, |i, column| by[(i, column / d)] * x[(i, column % d)]);
    let mut gradients = split_product(Arc::new(weights), Arc::new(scaled_rows(alpha)), offload).await?;
    gradients -= scaled_rows(&s);
    let mut total = Mat::zeros(d, d);
    for c in 0..classes {
        let block = gradients.columns(c * d, d).into_owned();
        total += transpose_gram(&block);
    }
    Ok(total)
}

/// `a b`, the upper half of the rows here and the lower half by the helper.
async fn split_product<O: Offload>(a: Arc<Mat>, b: Arc<Mat>, offload: &O) -> Result<Mat> {
    let (n, half) = (a.nrows(), split_rows(a.nrows(), 0.5));
    let lower = offload.start(Job::RowsTimes { a: a.clone(), rows: half..n, b: b.clone(), transpose_b: false });
    let upper = rows_times(&a, 0..half, &b, false);
    let lower = lower.await?;
    Ok(Mat::from_fn(n, b.ncols(), |i, j| if i < half { upper[(i, j)] } else { lower[(i - half, j)] }))
}

/// `G / max_ab G_ab`: the normalisation of the authors' code (the largest entry becomes 1).
/// A zero matrix is returned unchanged. Precondition: `g` is a non-empty AGOP (PSD).
pub fn normalise_by_max(g: &Mat) -> Mat {
    let largest = g.max();
    if largest > 0.0 { g / largest } else { g.clone() }
}

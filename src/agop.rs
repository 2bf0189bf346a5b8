//! The average gradient outer product (AGOP) of a kernel predictor, in closed form.
//!
//! For `f_c(x) = sum_j alpha_jc k(x, x_j)` fitted on the rows `x_j` of X (n x d), the AGOP at the
//! training points is `G = (1/n) sum_i sum_c grad f_c(x_i) grad f_c(x_i)^T` (d x d).
//! Laplace: `grad f_c(x_i) = (1/L) sum_{j != i} alpha_jc k_ij / ||x_i - x_j|| (x_j - x_i)`;
//! Gaussian: `(1/L^2) sum_j alpha_jc k_ij (x_j - x_i)`; linear: `X^T alpha_c` everywhere.
//! Both radial kernels share the shape `grad f_c(x_i) = s sum_j A_ij alpha_jc (x_j - x_i)` with
//! weights A (`K ./ D` for Laplace, K for Gaussian) and scale s (`1/L`, `1/L^2`).

use std::sync::Arc;

use crate::error::Result;
use crate::kernel::{Kernel, KernelKind, KernelMatrix};
use crate::linalg::{Mat, outer_gram, product, rows_times, transpose_gram, transpose_product};
use crate::parallel::{Job, Local, Offload, block_on, split_rows};
use crate::sample_pairs::sample_pairs_rows;

/// Distances below this are treated as the same point: the Laplace gradient term is dropped.
pub const MIN_DISTANCE: f64 = 1e-10;

/// The gradient weights A and scale s of a radial kernel (see the module docs), made in place
/// from the kernel values, or `None` for the linear kernel. Precondition: `train` is the kernel
/// matrix of the training points with themselves (square, with distances).
pub(crate) fn radial_weights(kernel: &Kernel, train: KernelMatrix) -> Option<(Mat, f64)> {
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
    /// Through an n x n matrix of sample pairs, one triangle of it: about
    /// `n^3 / 2 + n^2 d / 2 + n d^2` multiply-adds, whatever the number of classes K.
    SamplePairs,
    /// Class by class, through the n x d gradients: about `K (n^2 d + n d^2 / 2)`.
    PerClass,
}

impl AgopForm {
    /// The cheaper form for n samples of dimension d and K classes.
    pub fn cheaper(n: usize, d: usize, classes: usize) -> AgopForm {
        let (n, d, k) = (n as f64, d as f64, classes as f64);
        let pairs = n * n * n / 2.0 + n * n * d / 2.0 + n * d * d;
        let per_class = k * (n * n * d + n * d * d / 2.0);
        if per_class < pairs { AgopForm::PerClass } else { AgopForm::SamplePairs }
    }
}

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

/// `sum_c grads_c^T grads_c / s^2` through the n x n form `X^T M X` with
/// `M = (A^T A) o (alpha alpha^T) - A o (S alpha^T + alpha S^T) + diag(sum_c S_ic^2)` and
/// `S = A alpha` (A is symmetric). M is symmetric: with `M_low` its lower triangle, diagonal
/// halved, `X^T M X = Y + Y^T` for `Y = X^T (M_low X)`, which [`sample_pairs_rows`] computes
/// row block by row block, so that no n x n matrix but A is ever formed. The rows are split
/// between this core and the helper, each returning its d x d part of Y.
async fn sample_pairs_sum<O: Offload>(x: &Mat, weights: Mat, alpha: &Mat, offload: &O) -> Result<Mat> {
    let n = x.nrows();
    let s = Arc::new(product(&weights, alpha)); // n x K
    let (weights, alpha, x) = (Arc::new(weights), Arc::new(alpha.clone()), Arc::new(x.clone()));
    let split = split_rows(n, PAIRS_SHARE);
    let bottom = offload.start(Job::SamplePairsRows {
        weights: weights.clone(),
        alpha: alpha.clone(),
        s: s.clone(),
        x: x.clone(),
        rows: split..n,
    });
    let top = sample_pairs_rows(&weights, &alpha, &s, &x, 0..split);
    let half = top + bottom.await?;
    Ok(&half + half.transpose())
}

/// Share of the rows of [`sample_pairs_sum`] computed here; a helper computes the others. The
/// work of rows `0..r` grows as `r^2` (a lower triangle), so both sides do the same near
/// `1 / sqrt(2)`; 0.70 balanced them best in the page (the helper also receives its inputs).
const PAIRS_SHARE: f64 = 0.70;

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

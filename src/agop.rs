//! The average gradient outer product (AGOP) of a kernel predictor, in closed form.
//!
//! For `f_c(x) = sum_j alpha_jc k(x, x_j)` fitted on the rows `x_j` of X (n x d), the AGOP at the
//! training points is `G = (1/n) sum_i sum_c grad f_c(x_i) grad f_c(x_i)^T` (d x d).
//! Laplace: `grad f_c(x_i) = (1/L) sum_{j != i} alpha_jc k_ij / ||x_i - x_j|| (x_j - x_i)`;
//! Gaussian: `(1/L^2) sum_j alpha_jc k_ij (x_j - x_i)`; linear: `X^T alpha_c` everywhere.
//! Both radial kernels share the shape `grad f_c(x_i) = s sum_j A_ij alpha_jc (x_j - x_i)` with
//! weights A (`K ./ D` for Laplace, K for Gaussian) and scale s (`1/L`, `1/L^2`).

use crate::kernel::{Kernel, KernelKind, KernelMatrix};
use crate::linalg::{Mat, outer_gram, product, product_transpose, transpose_product};

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

/// The AGOP by the cheap n x n form:
/// `G = s^2/n X^T [ (A^T A) o (alpha alpha^T) - A o (S alpha^T) - A^T o (alpha S^T)
///      + diag(sum_c S_ic^2) ] X` with `S = A alpha`; for the linear kernel `X^T alpha alpha^T X`.
/// About `n^3 / 2 + n^2 d + n d^2 / 2` multiply-adds; equal to [`agop_direct`] up to rounding.
/// It consumes the kernel matrix, whose memory becomes the weights A: at most three n x n
/// matrices are alive at once.
///
/// Preconditions: `x` is n x d (the training points), `train` their kernel matrix with
/// themselves, `alpha` the n x K ridge coefficients.
pub fn agop(kernel: &Kernel, x: &Mat, train: KernelMatrix, alpha: &Mat) -> Mat {
    let n = x.nrows();
    let Some((weights, scale)) = radial_weights(kernel, train) else {
        let projected = transpose_product(x, alpha); // d x K: the gradient of every output
        return outer_gram(&projected);
    };
    let s = product(&weights, alpha); // n x K
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
    let mut middle = outer_gram(&weights);
    drop(weights);
    // alpha alpha^T entry by entry, from the rows of alpha stored contiguously.
    let alpha_rows = alpha.transpose();
    for j in 0..n {
        let alpha_j = alpha_rows.column(j);
        for i in 0..n {
            middle[(i, j)] = middle[(i, j)] * alpha_rows.column(i).dot(&alpha_j) - cross[(i, j)];
        }
    }
    drop(cross);
    for i in 0..n {
        middle[(i, i)] += s.row(i).norm_squared();
    }
    let inner = product(&middle, x); // n x d
    transpose_product(x, &inner) * (scale * scale / n as f64)
}

/// The AGOP by the direct per-class form: for every class c the n x d matrix of gradients
/// `s (A diag(alpha_c) X - diag(S_c) X)`, then `G = (1/n) sum_c grads_c^T grads_c`.
/// About `2 K n^2 d` multiply-adds; the reference for [`agop`].
///
/// Preconditions: as for [`agop`].
pub fn agop_direct(kernel: &Kernel, x: &Mat, train: &KernelMatrix, alpha: &Mat) -> Mat {
    let n = x.nrows();
    let d = x.ncols();
    let mut total = Mat::zeros(d, d);
    match radial_weights(kernel, train.clone()) {
        None => {
            for c in 0..alpha.ncols() {
                // The same gradient at every point: its outer product averages to itself.
                let gradient = x.transpose() * alpha.column(c);
                total += &gradient * gradient.transpose();
            }
        }
        Some((weights, scale)) => {
            for c in 0..alpha.ncols() {
                let mut weighted = weights.clone();
                for (mut column, a) in weighted.column_iter_mut().zip(alpha.column(c).iter()) {
                    column *= *a;
                }
                let row_sums: Vec<f64> = weighted.row_iter().map(|r| r.sum()).collect();
                let mut gradients = &weighted * x;
                for (i, sum) in row_sums.iter().enumerate() {
                    let mut row = gradients.row_mut(i);
                    row -= x.row(i) * *sum;
                }
                gradients *= scale;
                total += gradients.transpose() * &gradients;
            }
            total /= n as f64;
        }
    }
    total
}

/// `G / max_ab G_ab`: the normalisation of the authors' code (the largest entry becomes 1).
/// A zero matrix is returned unchanged. Precondition: `g` is a non-empty AGOP (PSD).
pub fn normalise_by_max(g: &Mat) -> Mat {
    let largest = g.max();
    if largest > 0.0 { g / largest } else { g.clone() }
}

//! The rows of the AGOP's n x n sample-pair form, the one piece of the AGOP a helper computes
//! (see [`crate::agop`] for the form, [`crate::parallel`] for the helper's jobs).
//!
//! A leaf of its own so that both the AGOP, which splits the rows, and the helper's jobs, which
//! compute a part of them, can use it without importing each other.

use std::ops::Range;

use crate::linalg::{Factor, GRAM_BLOCK, Mat, lower_gram_rows, multiply};

/// The rows `rows` of the AGOP's `Y = X^T (M_low X)`: `X[rows]^T (M_low[rows] X)`, d x d, where
/// `M = (A^T A) o (alpha alpha^T) - A o (S alpha^T + alpha S^T) + diag(sum_c S_ic^2)` and
/// `M_low` is its lower triangle with the diagonal halved. Each block of [`GRAM_BLOCK`] rows of
/// `M_low` is made from one product of A's rows with the rows before them (a block of
/// [`lower_gram_rows`]), its entries by the formula above, and multiplied by X at once, so that
/// no n x n matrix but A is ever formed.
///
/// Preconditions: `weights` (A) n x n symmetric, `alpha` and `s` (`S = A alpha`) n x K, `x`
/// n x d, `rows` within `0..n`.
pub fn sample_pairs_rows(weights: &Mat, alpha: &Mat, s: &Mat, x: &Mat, rows: Range<usize>) -> Mat {
    let classes = alpha.ncols();
    // (S alpha^T + alpha S^T) as one product: [S | alpha] [alpha | S]^T.
    let left =
        Mat::from_fn(rows.end, 2 * classes, |i, c| if c < classes { s[(i, c)] } else { alpha[(i, c - classes)] });
    let right =
        Mat::from_fn(rows.end, 2 * classes, |i, c| if c < classes { alpha[(i, c)] } else { s[(i, c - classes)] });
    let mut folded = Mat::zeros(rows.len(), x.ncols()); // M_low[rows] X
    let mut start = rows.start;
    while start < rows.end {
        let end = (start + GRAM_BLOCK).min(rows.end);
        // One block each, (end - start) x end: a single product, as in the loop of
        // `lower_gram_rows` itself.
        let mut middle = lower_gram_rows(weights, start..end);
        let alphas = lower_gram_rows(alpha, start..end);
        let cross = multiply(Factor::rows(&left, start..end), Factor::rows(&right, 0..end).t());
        for j in 0..end {
            let weights_j = weights.column(j);
            let (alphas_j, cross_j) = (alphas.column(j), cross.column(j));
            let mut middle_j = middle.column_mut(j);
            for i in 0..end - start {
                let row = start + i;
                middle_j[i] = if j > row {
                    0.0
                } else if j == row {
                    0.5 * (middle_j[i] * alphas_j[i] - weights_j[row] * cross_j[i] + s.row(row).norm_squared())
                } else {
                    middle_j[i] * alphas_j[i] - weights_j[row] * cross_j[i]
                };
            }
        }
        let block = multiply(Factor::of(&middle), Factor::rows(x, 0..end));
        folded.rows_mut(start - rows.start, end - start).copy_from(&block);
        start = end;
    }
    multiply(Factor::rows(x, rows).t(), Factor::of(&folded))
}

//! Class labels as the learners use them: the +-1 targets a predictor fits, and the classes
//! and accuracy read back from its scores. Here, with the data, rather than with one learner:
//! Deep RFM's kernel machines and the network both use them.

use crate::linalg::Mat;

/// Index of the largest entry of every row (the predicted class); ties go to the first.
pub fn argmax_rows(scores: &Mat) -> Vec<usize> {
    scores
        .row_iter()
        .map(|row| {
            let mut best = 0;
            for c in 1..row.len() {
                if row[c] > row[best] {
                    best = c;
                }
            }
            best
        })
        .collect()
}

/// Share of `predicted` equal to `labels`. Precondition: equal, non-zero lengths.
pub fn accuracy(predicted: &[usize], labels: &[usize]) -> f64 {
    let hits = predicted.iter().zip(labels).filter(|(p, y)| p == y).count();
    hits as f64 / labels.len() as f64
}

/// The `+1 / -1` targets of the paper: `2 onehot(y) - 1`, n x `classes`. Precondition: every
/// label is below `classes`.
pub fn signed_one_hot(labels: &[usize], classes: usize) -> Mat {
    Mat::from_fn(labels.len(), classes, |i, c| if labels[i] == c { 1.0 } else { -1.0 })
}

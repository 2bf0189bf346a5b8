//! The largest eigenvalue by Lanczos (src/linalg/lanczos.rs) against the whole
//! eigendecomposition and against known spectra, on the cases that are hard for an iteration:
//! nearly equal top eigenvalues (the K-1 of collapsed features), rank one, zero, a spectrum too
//! dense to converge within the step limit; and the stable rank of MNIST features.

mod common;

use agop_collapse::linalg::lanczos::{MAX_STEPS, largest_eigenvalue_within, start_vector};
use agop_collapse::linalg::{Mat, largest_eigenvalue, outer_gram, symmetric_eigen, transpose_gram};
use agop_collapse::nc::{class_means, measure};
use common::{gaussian, orthogonal};
use nalgebra::DVector;

/// What the metrics need (1e-10 relative), with a margin: every case here agrees to about 1e-14.
const TOLERANCE: f64 = 1e-12;

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs())
}

/// The whole eigendecomposition's largest eigenvalue.
fn reference(a: &Mat) -> f64 {
    symmetric_eigen(a).unwrap().0[0]
}

/// `Q diag(values) Q^T` for a random orthogonal Q, exactly symmetric.
fn with_spectrum(values: &[f64], seed: u64) -> Mat {
    let q = orthogonal(values.len(), seed);
    let mut scaled = q.clone();
    for (mut column, &value) in scaled.column_iter_mut().zip(values) {
        column *= value;
    }
    let a = &scaled * q.transpose();
    (&a + a.transpose()) * 0.5
}

fn assert_agrees(a: &Mat, known: Option<f64>, what: &str) {
    let fast = largest_eigenvalue(a).unwrap();
    let full = reference(a);
    assert!(relative(fast, full) <= TOLERANCE, "{what}: {fast:e} against the eigensolver's {full:e}");
    if let Some(known) = known {
        assert!(relative(fast, known) <= TOLERANCE, "{what}: {fast:e} against the known {known:e}");
    }
}

#[test]
fn gram_matrices_of_random_features_agree_with_the_eigensolver() {
    for (n, p, seed) in [(400, 300, 1), (200, 350, 2), (60, 5, 3), (3, 3, 4), (1, 1, 5), (2, 7, 6)] {
        let h = gaussian(n, p, seed);
        let gram = if n <= p { outer_gram(&h) } else { transpose_gram(&h) };
        assert_agrees(&gram, None, &format!("{n} x {p}"));
    }
}

/// Two top eigenvalues `1` and `1 - delta`, then a decaying spectrum; and nine within `8 delta`
/// of each other above a gap, as the K-1 singular values of collapsed features.
#[test]
fn nearly_equal_top_eigenvalues_give_the_largest() {
    let d = 200;
    for delta in [0.0, 1e-15, 1e-13, 1e-11, 1e-10, 1e-9, 1e-7, 1e-5, 1e-3, 1e-1] {
        let mut two: Vec<f64> = (0..d).map(|i| 0.5 * (-(i as f64) / 10.0).exp()).collect();
        two[0] = 1.0;
        two[1] = 1.0 - delta;
        assert_agrees(&with_spectrum(&two, 7), Some(1.0), &format!("two top eigenvalues {delta:e} apart"));
        let mut nine: Vec<f64> = (0..d).map(|i| 0.01 * (-(i as f64) / 30.0).exp()).collect();
        for (k, value) in nine.iter_mut().take(9).enumerate() {
            *value = 1.0 - delta * k as f64;
        }
        assert_agrees(&with_spectrum(&nine, 8), Some(1.0), &format!("nine top eigenvalues {delta:e} apart"));
    }
}

#[test]
fn rank_one_zero_and_identity() {
    let v = gaussian(150, 1, 9);
    assert_agrees(&(&v * v.transpose()), Some(v.norm_squared()), "rank one");
    assert_eq!(largest_eigenvalue(&Mat::zeros(40, 40)), Some(0.0));
    assert_eq!(largest_eigenvalue(&Mat::zeros(1, 1)), Some(0.0));
    assert_agrees(&Mat::identity(40, 40), Some(1.0), "identity");
    assert_agrees(&(Mat::identity(40, 40) * 3.5), Some(3.5), "multiple of the identity");
    let mut nan = Mat::identity(5, 5);
    nan[(2, 3)] = f64::NAN;
    assert_eq!(largest_eigenvalue(&nan), None);
}

/// The start vector an eigenvector of eigenvalue 1, the largest eigenvalue's (3) orthogonal to
/// it: Lanczos converges at once on 1, seeing the other only through rounding; the largest
/// diagonal entry, a lower bound of the largest eigenvalue, catches it, and the number is 3.
#[test]
fn a_largest_eigenvector_orthogonal_to_the_start_vector_is_not_missed() {
    let d = 120;
    let start = start_vector(d);
    let mut hidden = DVector::zeros(d);
    hidden[5] = 1.0;
    hidden -= &start * start[5];
    hidden /= hidden.norm();
    assert!(hidden.dot(&start).abs() < 1e-15);
    let a = &start * start.transpose() + &hidden * hidden.transpose() * 3.0;
    let a = (&a + a.transpose()) * 0.5;
    assert_agrees(&a, Some(3.0), "a hidden largest eigenvector");
}

/// Evenly spaced eigenvalues, more of them than the step limit, converge within it; with too few
/// steps allowed the eigensolver decides, and the number is the same.
#[test]
fn a_dense_spectrum_and_the_fallback_give_the_largest() {
    let d = MAX_STEPS + 80;
    let values: Vec<f64> = (0..d).map(|i| 1.0 - i as f64 / d as f64).collect();
    let a = with_spectrum(&values, 10);
    assert_agrees(&a, Some(1.0), "evenly spaced spectrum");
    for steps in [1, 5] {
        let fallback = largest_eigenvalue_within(&a, steps).unwrap();
        assert_eq!(fallback, reference(&a), "with {steps} steps at most");
    }
}

/// The stable rank of MNIST's standardised pixels and of nearly collapsed versions of them
/// (every sample pulled towards its class mean, leaving K-1 dominant singular values) against
/// `||Hc||_F^2` over the eigensolver's largest eigenvalue of the Gram.
#[test]
fn stable_rank_of_mnist_features_equals_that_of_the_whole_eigendecomposition() {
    let config = agop_collapse::data::DataConfig { n_train: 600, n_test: 0, ..Default::default() };
    let mut split = agop_collapse::data::load(&config, 0, Some(&common::mnist()), None).unwrap();
    agop_collapse::data::standardize(&mut split);
    let (x, labels) = (&split.train.features, &split.train.labels);
    let means = class_means(x, labels, 10);
    for spread in [1.0, 1e-2, 1e-4] {
        let h = Mat::from_fn(x.nrows(), x.ncols(), |i, j| {
            means[(labels[i], j)] + spread * (x[(i, j)] - means[(labels[i], j)])
        });
        // All 600 rows (their 600 x 600 Gram), every third one (200 x 200), and all rows on
        // 150 central pixels (the 150 x 150 Gram of the columns).
        let every_third: Vec<usize> = (0..x.nrows()).step_by(3).collect();
        let subsets = [(0..x.nrows()).collect::<Vec<usize>>(), every_third, (0..x.nrows()).collect()];
        for (case, subset) in subsets.iter().enumerate() {
            let features = h.select_rows(subset);
            let features = if case == 2 { features.columns(300, 150).into_owned() } else { features };
            let rows: Vec<usize> = subset.iter().map(|&i| labels[i]).collect();
            let metrics = measure(&features, &rows, 10, &rows);
            let global = class_means(&features, &rows, 10).row_mean();
            let mut centred = features.clone();
            for mut row in centred.row_iter_mut() {
                row -= &global;
            }
            let gram = if centred.nrows() <= centred.ncols() { outer_gram(&centred) } else { transpose_gram(&centred) };
            let expected = centred.norm_squared() / reference(&gram);
            assert!(
                relative(metrics.stable_rank, expected) <= TOLERANCE,
                "spread {spread}, {} rows: {} against {expected}",
                features.nrows(),
                metrics.stable_rank
            );
        }
    }
}

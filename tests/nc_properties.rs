//! Properties of the neural-collapse metrics on generated features: signs, invariances, and the
//! exact zeros of a simplex ETF.

mod common;

use agop_collapse::linalg::Mat;
use agop_collapse::nc::{Metrics, measure};
use common::{close, orthogonal};
use nalgebra::SymmetricEigen;
use proptest::collection::vec;
use proptest::prelude::*;

/// Each case is a few small matrix products and eigenproblems: about 0.1 ms.
const CASES: u32 = 2048;

fn config() -> ProptestConfig {
    // No failure persistence: a failing case is printed, never written into the repository.
    ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() }
}

/// Features with their labels: every class has at least two samples, the class order is mixed.
#[derive(Debug, Clone)]
struct Labelled {
    features: Mat,
    labels: Vec<usize>,
    classes: usize,
}

/// Generic data: class centres drawn at `spread` from the origin, uniform noise around them.
fn labelled_features() -> impl Strategy<Value = Labelled> {
    (2usize..=10, 1usize..=14, 0.0f64..4.0)
        .prop_flat_map(|(classes, dim, spread)| {
            (vec(2usize..=6, classes), vec(-1.0f64..1.0, classes * dim), Just(dim), Just(spread))
        })
        .prop_flat_map(|(counts, centres, dim, spread)| {
            let labels: Vec<usize> =
                counts.iter().enumerate().flat_map(|(class, &count)| std::iter::repeat_n(class, count)).collect();
            let n = labels.len();
            (Just(labels).prop_shuffle(), vec(-1.0f64..1.0, n * dim), Just(centres), Just(dim), Just(spread))
        })
        .prop_map(|(labels, noise, centres, dim, spread)| {
            let classes = centres.len() / dim;
            let features =
                Mat::from_fn(labels.len(), dim, |i, j| spread * centres[labels[i] * dim + j] + noise[i * dim + j]);
            Labelled { features, labels, classes }
        })
}

/// Class means and means centred on their mean, as nc.rs defines them.
fn class_means(data: &Labelled) -> (Mat, Mat) {
    let mut means = Mat::zeros(data.classes, data.features.ncols());
    let mut counts = vec![0.0; data.classes];
    for (i, &y) in data.labels.iter().enumerate() {
        let mut row = means.row_mut(y);
        row += data.features.row(i);
        counts[y] += 1.0;
    }
    for (c, count) in counts.iter().enumerate() {
        let mut row = means.row_mut(c);
        row /= *count;
    }
    let global = means.row_mean();
    let mut centred = means.clone();
    for mut row in centred.row_iter_mut() {
        row -= &global;
    }
    (means, centred)
}

/// Leaves out the rare draws on which the metrics are ill-conditioned, so that rounding alone
/// cannot break a 1e-8 tolerance: a class mean (centred or not) next to the origin makes its
/// cosines unstable, and an eigenvalue of the centred means' Gram near the pseudo-inverse's
/// cut-off (1e-12 of the largest) could be kept on one side of a rotation and dropped on the other.
fn well_conditioned(data: &Labelled) -> bool {
    let (means, centred) = class_means(data);
    let norms = |m: &Mat| m.row_iter().map(|r| r.norm()).collect::<Vec<_>>();
    let (mean_norms, centred_norms) = (norms(&means), norms(&centred));
    let largest = mean_norms.iter().chain(&centred_norms).cloned().fold(0.0, f64::max);
    if mean_norms.iter().chain(&centred_norms).any(|&r| r < 1e-3 * largest) {
        return false;
    }
    let eigenvalues = SymmetricEigen::new(&centred * centred.transpose()).eigenvalues;
    let top = eigenvalues.max();
    eigenvalues.iter().all(|&lambda| lambda.abs() < 1e-14 * top || lambda > 1e-6 * top)
}

/// The NC1 and NC2 variants, by name: all of them depend only on inner products of the centred
/// (NC1, and NC2 but `nc2_orth`) or uncentred (`nc2_orth`) class means and deviations, through
/// ratios or cosines, so a rotation about the origin and a positive scaling leave every one
/// unchanged. (Only `nc2_orth` would change under a translation; none is tested here. The NCC
/// agreement is neither NC1 nor NC2 and, being a count, is not compared to a tolerance.)
fn collapse_metrics(m: &Metrics) -> Vec<(&'static str, f64)> {
    m.named().into_iter().filter(|(name, _)| *name != "ncc_agreement").collect()
}

proptest! {
    #![proptest_config(config())]

    /// Every NC1 variant is a ratio of non-negative quantities (traces of covariances, and for
    /// Papyan's a sum of squared norms over positive eigenvalues); `nc1_wt` is at most 1, since
    /// tr(Sigma_T) = tr(Sigma_W) + (1/N) sum_c n_c ||mu_c - mu_G||^2.
    #[test]
    fn nc1_variants_are_non_negative(data in labelled_features()) {
        let m = measure(&data.features, &data.labels, data.classes, &data.labels);
        let nc1 = [("nc1", m.nc1), ("nc1_trace", m.nc1_trace), ("nc1_papyan", m.nc1_papyan), ("nc1_wt", m.nc1_wt)];
        for (name, value) in nc1 {
            prop_assert!(value >= 0.0, "{} = {}", name, value);
        }
        prop_assert!(m.nc1_wt <= 1.0 + 1e-12, "nc1_wt = {}", m.nc1_wt);
    }

    #[test]
    fn nc1_and_nc2_ignore_rotation_and_positive_scaling(
        data in labelled_features().prop_filter("well conditioned", well_conditioned),
        rotation_seed in any::<u64>(),
        log_scale in -3.0f64..3.0,
    ) {
        let dim = data.features.ncols();
        let scale = 10f64.powf(log_scale);
        let m = measure(&data.features, &data.labels, data.classes, &data.labels);
        let rotated = &data.features * orthogonal(dim, rotation_seed);
        let scaled = &data.features * scale;
        for (what, moved) in [("rotation", rotated), ("scaling", scaled)] {
            let r = measure(&moved, &data.labels, data.classes, &data.labels);
            for ((name, before), (_, after)) in collapse_metrics(&m).into_iter().zip(collapse_metrics(&r)) {
                // The floor lets values that are zero up to rounding (NC2 of two classes) differ by 1e-12.
                let unchanged = close(before, after, 1e-8, 1e-4);
                prop_assert!(unchanged, "{} changed under {}: {:e} vs {:e}", name, what, before, after);
            }
        }
    }

    /// Every sample at its class mean and the means a simplex ETF (scaled, rotated into a larger
    /// space and shifted): NC1 and the NC2 measures of the ETF vanish. `nc2_orth` compares the
    /// uncentred means with an orthogonal frame, which an ETF is not, so it is left out.
    #[test]
    fn a_collapsed_simplex_etf_has_zero_nc1_and_nc2(
        classes in 2usize..=12,
        extra_dims in 0usize..=6,
        counts in vec(2usize..=4, 12),
        rotation_seed in any::<u64>(),
        log_scale in -2.0f64..2.0,
        shift in vec(-1.0f64..1.0, 18),
    ) {
        let dim = classes + extra_dims;
        let scale = 10f64.powf(log_scale);
        // Rows e_c - 1/K (1, ..., 1), scaled to unit norm: a simplex ETF in the first K coordinates.
        let norm = (1.0 - 1.0 / classes as f64).sqrt();
        let etf = Mat::from_fn(classes, dim, |c, j| {
            if j >= classes { 0.0 } else { (f64::from(u8::from(c == j)) - 1.0 / classes as f64) / norm }
        });
        let means = &etf * orthogonal(dim, rotation_seed) * scale;
        let labels: Vec<usize> =
            (0..classes).flat_map(|class| std::iter::repeat_n(class, counts[class])).collect();
        let features = Mat::from_fn(labels.len(), dim, |i, j| means[(labels[i], j)] + scale * shift[j]);
        let m = measure(&features, &labels, classes, &labels);
        let zeros = [
            ("nc1", m.nc1),
            ("nc1_trace", m.nc1_trace),
            ("nc1_papyan", m.nc1_papyan),
            ("nc1_wt", m.nc1_wt),
            ("nc2", m.nc2),
            ("nc2_equinorm", m.nc2_equinorm),
            ("nc2_equiangle", m.nc2_equiangle),
        ];
        for (name, value) in zeros {
            prop_assert!(value.abs() < 1e-12, "{} = {:e}, expected 0 for K = {}, p = {}", name, value, classes, dim);
        }
        prop_assert_eq!(m.ncc_agreement, 1.0);
    }
}

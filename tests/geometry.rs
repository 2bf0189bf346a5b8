//! The features' geometry beyond NC1 and NC2 (CDNV, stable rank, class-mean singular values and
//! rank, alignment with the class-mean directions), each against a direct computation on a
//! constructed case; and the held-out metrics of Deep RFM.

mod common;

use agop_collapse::data::{self, DataConfig};
use agop_collapse::geometry::ClassMeanSpectrum;
use agop_collapse::linalg::Mat;
use agop_collapse::nc::{Metrics, centred_class_means, class_mean_alignment, measure};
use agop_collapse::rfm::{DeepRfm, RfmConfig};
use common::{close, gaussian, orthogonal};

/// Unequal classes with random features: CDNV by the definition's double loop over samples
/// and class pairs, nothing shared with the library's code.
#[test]
fn cdnv_matches_a_double_loop() {
    let (k, p) = (4, 5);
    let labels: Vec<usize> = (0..23).map(|i| (i * 7 + i / 3) % k).collect();
    let mut features = gaussian(labels.len(), p, 3);
    for (i, &y) in labels.iter().enumerate() {
        features[(i, y)] += 2.0 + y as f64; // separate the classes a little
    }
    let m = measure(&features, &labels, k, &labels);

    let mean = |c: usize| -> Vec<f64> {
        let rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == c).collect();
        (0..p).map(|j| rows.iter().map(|&i| features[(i, j)]).sum::<f64>() / rows.len() as f64).collect()
    };
    let variance = |c: usize| -> f64 {
        let mu = mean(c);
        let rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == c).collect();
        rows.iter().map(|&i| (0..p).map(|j| (features[(i, j)] - mu[j]).powi(2)).sum::<f64>()).sum::<f64>()
            / rows.len() as f64
    };
    let (mut sum, mut pairs) = (0.0, 0);
    for a in 0..k {
        for b in a + 1..k {
            let (ma, mb) = (mean(a), mean(b));
            let distance: f64 = (0..p).map(|j| (ma[j] - mb[j]).powi(2)).sum();
            sum += (variance(a) + variance(b)) / (2.0 * distance);
            pairs += 1;
        }
    }
    let expected = sum / pairs as f64;
    assert!(close(m.cdnv, expected, 1e-12, 0.0), "cdnv {} vs {expected}", m.cdnv);
}

/// Features `mu_G + t_i v` (one direction, class means spread along it): Hc has rank one, so its
/// stable rank is exactly 1; and a matrix with orthogonal columns of known norms gives their ratio.
#[test]
fn stable_rank_of_known_spectra() {
    let (k, p) = (3, 6);
    let direction = gaussian(1, p, 5);
    let shift = gaussian(1, p, 6);
    let labels: Vec<usize> = (0..12).map(|i| i % k).collect();
    let t = |i: usize| labels[i] as f64 * 2.0 + 0.1 * (i as f64).sin();
    let features = Mat::from_fn(labels.len(), p, |i, j| shift[(0, j)] + t(i) * direction[(0, j)]);
    let m = measure(&features, &labels, k, &labels);
    assert!((m.stable_rank - 1.0).abs() < 1e-12, "stable rank {}", m.stable_rank);

    // Centred features with orthogonal columns of norms 3, 2, 1 (two classes, symmetric rows, so
    // that mu_G = 0): stable rank (9 + 4 + 1) / 9.
    let q = orthogonal(4, 8);
    let scaled = Mat::from_fn(4, 3, |i, j| q[(i, j)] * [3.0, 2.0, 1.0][j]);
    let features = Mat::from_fn(8, 3, |i, j| if i < 4 { scaled[(i, j)] } else { -scaled[(i - 4, j)] });
    let labels: Vec<usize> = (0..8).map(|i| i % 2).collect();
    let m = measure(&features, &labels, 2, &labels);
    assert!((m.stable_rank - 14.0 / 9.0).abs() < 1e-12, "stable rank {}", m.stable_rank);
}

/// A simplex of K class means (3 (I - J/K), rotated into p > K dimensions and shifted): I - J/K
/// is a projector of rank K-1, so K-1 singular values equal 3 and one is zero; rank K-1. With
/// p < K the missing values are zeros.
#[test]
fn simplex_class_means_have_k_minus_one_equal_singular_values() {
    let (k, p) = (5, 8);
    let mut etf = Mat::zeros(k, p);
    for c in 0..k {
        for j in 0..k {
            etf[(c, j)] = if c == j { 1.0 } else { 0.0 } - 1.0 / k as f64;
        }
    }
    let etf = &etf * orthogonal(p, 4) * 3.0;
    let shift = gaussian(1, p, 2);
    let labels: Vec<usize> = (0..3 * k).map(|i| i % k).collect();
    let features = Mat::from_fn(labels.len(), p, |i, j| etf[(labels[i], j)] + shift[(0, j)]);
    let m = measure(&features, &labels, k, &labels);
    assert_eq!(m.class_mean_singular_values.len(), k);
    for &s in &m.class_mean_singular_values[..k - 1] {
        assert!((s - 3.0).abs() < 1e-12, "{:?}", m.class_mean_singular_values);
    }
    assert!(m.class_mean_singular_values[k - 1] < 1e-12, "{:?}", m.class_mean_singular_values);
    assert_eq!(m.class_mean_rank, k - 1);

    // Two features, four classes: at most two nonzero singular values, then zeros.
    let labels: Vec<usize> = (0..8).map(|i| i % 4).collect();
    let corners = [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]];
    let features = Mat::from_fn(8, 2, |i, j| corners[labels[i]][j]);
    let m = measure(&features, &labels, 4, &labels);
    assert_eq!(m.class_mean_singular_values.len(), 4);
    assert_eq!(&m.class_mean_singular_values[2..], &[0.0, 0.0]);
    assert!((m.class_mean_singular_values[0] - 2f64.sqrt()).abs() < 1e-12);
    assert_eq!(m.class_mean_rank, 2);
}

/// `A = Mt^T Mt` lies wholly along the class-mean directions (alignment 1); the identity gives
/// r/p; a matrix orthogonal to them gives 0.
#[test]
fn alignment_of_known_matrices() {
    let (k, p) = (4, 9);
    let labels: Vec<usize> = (0..20).map(|i| i % k).collect();
    let features = gaussian(labels.len(), p, 11);
    let centred = centred_class_means(&features, &labels, k);
    let gram = centred.transpose() * &centred;
    let along = class_mean_alignment(&gram, &features, &labels, k);
    assert!((along - 1.0).abs() < 1e-12, "alignment of Mt^T Mt: {along}");
    let identity = class_mean_alignment(&Mat::identity(p, p), &features, &labels, k);
    assert!((identity - (k - 1) as f64 / p as f64).abs() < 1e-12, "alignment of I: {identity}");
    let spectrum = ClassMeanSpectrum::of(&centred);
    assert_eq!(spectrum.basis.ncols(), k - 1);
    let u = &spectrum.basis;
    let complement = Mat::identity(p, p) - u * u.transpose();
    let across = class_mean_alignment(&complement, &features, &labels, k);
    assert!(across.abs() < 1e-12, "alignment of the complement: {across}");
}

fn assert_metrics_close(a: &Metrics, b: &Metrics, what: &str) {
    for ((name, x), (_, y)) in a.named().iter().zip(b.named()) {
        assert!(close(*x, y, 1e-9, 1e-12), "{what} {name}: {x} vs {y}");
    }
    for (x, y) in a.class_mean_singular_values.iter().zip(&b.class_mean_singular_values) {
        assert!(close(*x, *y, 1e-9, 1e-9 * a.class_mean_singular_values[0]), "{what} singular values: {x} vs {y}");
    }
}

/// With the training samples as the test set, the held-out metrics are the training ones: the
/// test rows follow the training rows' path through every layer (partly on the helper).
#[test]
fn held_out_metrics_of_the_training_set_are_the_training_metrics() {
    let config = RfmConfig {
        data: DataConfig { n_train: 200, n_test: 0, ..DataConfig::default() },
        depth: 3,
        ..RfmConfig::default()
    };
    let mut split = data::load(&config.data, 0, Some(&common::mnist()), None).unwrap();
    split.test = split.train.clone();
    let result = DeepRfm::run(config, split).unwrap();
    for layer in &result.layers {
        let test = layer.stages_test.as_ref().expect("a test set gives held-out metrics");
        for (stage, train, held_out) in [
            ("X", &layer.stages.x, &test.x),
            ("MX", &layer.stages.mx, &test.mx),
            ("PhiMX", &layer.stages.phi_mx, &test.phi_mx),
        ] {
            assert_metrics_close(train, held_out, &format!("layer {} {stage}", layer.layer));
        }
        assert_eq!(layer.test_acc, Some(layer.train_acc));
        assert!((0.0..=1.0).contains(&layer.agop_alignment), "alignment {}", layer.agop_alignment);
    }
}

/// Without a test set there are no held-out metrics, and the JSON has no `stages_test` key.
#[test]
fn no_test_set_no_held_out_metrics() {
    let config = RfmConfig {
        data: DataConfig { n_train: 100, n_test: 0, ..DataConfig::default() },
        depth: 1,
        ..RfmConfig::default()
    };
    let split = data::load(&config.data, 0, Some(&common::mnist()), None).unwrap();
    let result = DeepRfm::run(config, split).unwrap();
    assert!(result.layers[0].stages_test.is_none());
    let json = serde_json::to_string(&result).unwrap();
    assert!(!json.contains("stages_test"));
}

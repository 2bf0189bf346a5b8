//! The network's alignments with the class means, the NFA exponent, the output layer's NC3 and
//! the Adam reset: each against a case whose answer is known.

mod common;

use std::process::Command;

use agop_collapse::data::labels::signed_one_hot;
use agop_collapse::linalg::{Mat, symmetric_eigen, transpose_product};
use agop_collapse::mlp::alignment::{
    alignment, centred_class_means, nc3_output, nfa_alpha, nfa_alpha_from_eigen, nfa_alphas,
};
use agop_collapse::mlp::measure::{Samples, entry_correlation, measure_network};
use agop_collapse::mlp::network::{BETA1, BETA2};
use agop_collapse::mlp::{AdamReset, MlpConfig, MlpTraining, Network};
use agop_collapse::rng::{Purpose, Stream};
use common::gaussian;
use serde_json::Value;

/// 3 classes of 5 samples in dimension 8.
fn labelled() -> (Mat, Vec<usize>) {
    let labels: Vec<usize> = (0..15).map(|i| i % 3).collect();
    (gaussian(15, 8, 3), labels)
}

#[test]
fn the_class_mean_scatter_is_aligned_and_the_identity_gives_r_over_p() {
    let (h, labels) = labelled();
    let means = centred_class_means(&h, &labels, 3);
    // Rows mu_c - mu_G sum to zero: rank K - 1 = 2 of p = 8.
    assert!(means.row_sum().norm() < 1e-12);
    let scatter = transpose_product(&means, &means);
    let aligned = alignment(&scatter, &h, &labels, 3).unwrap();
    assert!((aligned - 1.0).abs() < 1e-12, "{aligned}");
    let identity = alignment(&Mat::identity(8, 8), &h, &labels, 3).unwrap();
    assert!((identity - 2.0 / 8.0).abs() < 1e-12, "{identity}");
    // A direction orthogonal to the class means is not aligned at all.
    let basis = agop_collapse::mlp::alignment::class_mean_basis(&means).unwrap();
    let mut outside = Mat::identity(8, 8) - &basis * basis.transpose();
    outside = &outside * outside.transpose();
    assert!(alignment(&outside, &h, &labels, 3).unwrap().abs() < 1e-12);
}

#[test]
fn the_nfa_exponent_is_one_when_the_gram_is_the_agop() {
    let b = gaussian(8, 6, 5);
    let agop = transpose_product(&b, &b);
    let (alpha, correlation) = nfa_alpha(&agop, &agop).unwrap();
    assert_eq!(alpha, 1.0);
    assert!((correlation - 1.0).abs() < 1e-12, "{correlation}");
    // W^T W = AGOP^{1/2}: the exponent one half.
    let (values, vectors) = symmetric_eigen(&agop).unwrap();
    let root = power(&values, &vectors, 0.5);
    assert_eq!(nfa_alpha(&root, &agop).unwrap().0, 0.5);
    assert_eq!(nfa_alphas().count(), 30);
    assert_eq!(nfa_alphas().last(), Some(1.5));
}

/// `V diag(max(lambda, 0)^alpha) V^T`.
fn power(values: &[f64], vectors: &Mat, alpha: f64) -> Mat {
    let mut scaled = vectors.clone();
    for (mut column, &lambda) in scaled.column_iter_mut().zip(values) {
        column *= if lambda > 0.0 { lambda.powf(alpha) } else { 0.0 };
    }
    &scaled * vectors.transpose()
}

/// The sums of the spectral route give the Pearson correlation of the formed powers' entries,
/// and the grid's best is the best of the formed ones (a rank-deficient AGOP, with negative
/// rounding eigenvalues clipped).
#[test]
fn the_spectral_correlations_equal_those_of_the_formed_powers() {
    let b = gaussian(4, 9, 8);
    let agop = transpose_product(&b, &b);
    let w = gaussian(6, 9, 9);
    let gram = transpose_product(&w, &w);
    let (values, vectors) = symmetric_eigen(&agop).unwrap();
    let mut best = (0.0, f64::NEG_INFINITY);
    for alpha in nfa_alphas() {
        let formed = entry_correlation(&gram, &power(&values, &vectors, alpha)).unwrap();
        if formed > best.1 {
            best = (alpha, formed);
        }
    }
    let (alpha, correlation) = nfa_alpha_from_eigen(&gram, &values, &vectors).unwrap();
    assert_eq!(alpha, best.0);
    assert!((correlation - best.1).abs() < 1e-12, "{correlation} vs {}", best.1);
}

/// The grid's best by forming every power from `values` and `vectors` and correlating its
/// entries with `gram` ([`entry_correlation`]): the direct computation of the definition.
fn best_of_formed_powers(gram: &Mat, values: &[f64], vectors: &Mat) -> (f64, f64) {
    let mut best = (0.0, f64::NEG_INFINITY);
    for alpha in nfa_alphas() {
        let formed = entry_correlation(gram, &power(values, vectors, alpha)).unwrap();
        if formed > best.1 {
            best = (alpha, formed);
        }
    }
    best
}

/// A measurement decomposes each layer's AGOP once for the NFA's root and its exponent: for a
/// layer narrowing its input (12 units on 40 inputs, an AGOP of rank 12) through 12 x 12
/// eigenproblems, for the others through the AGOP's own. Those eigenpairs rebuild the AGOP,
/// their exponent is the direct one (every power formed), and it is the exponent of a whole
/// eigendecomposition of the AGOP.
#[test]
fn one_decomposition_of_the_agop_serves_its_root_and_its_exponent() {
    use agop_collapse::mlp::measure::agop_spectrum;
    use agop_collapse::mlp::network::congruence;
    for (inputs, seed) in [(40, 3), (8, 4)] {
        let network = Network::xavier(inputs, 12, 2, 3, 1.0, &mut Stream::new(seed, Purpose::Init));
        let x = gaussian(30, inputs, 8);
        let pass = network.forward(&x);
        for (l, middle) in network.input_agop_middles(&pass).iter().enumerate() {
            let what = format!("{inputs} inputs, layer {}", l + 1);
            let weight = &network.weights()[l];
            let agop = congruence(middle, weight);
            let gram = transpose_product(weight, weight);
            let spectrum = agop_spectrum(middle, weight, &agop).unwrap();
            let (values, vectors) = (&spectrum.eigenvalues, &spectrum.eigenvectors);
            assert_eq!(vectors.ncols(), values.len(), "{what}");
            let rebuilt = power(values, vectors, 1.0);
            assert!((&rebuilt - &agop).amax() < 1e-12 * agop.amax(), "{what}: the eigenpairs rebuild the AGOP");
            let positive = values.iter().filter(|&&v| v > 0.0).count();
            let kept = vectors.columns(0, positive);
            let identity = Mat::identity(positive, positive);
            assert!((kept.transpose() * kept - identity).amax() < 1e-12, "{what}: orthonormal eigenvectors");
            assert!((&spectrum.root * &spectrum.root - &agop).amax() < 1e-12 * agop.amax(), "{what}: the root");

            let (alpha, correlation) = nfa_alpha_from_eigen(&gram, values, vectors).unwrap();
            let direct = best_of_formed_powers(&gram, values, vectors);
            assert_eq!(alpha, direct.0, "{what}");
            assert!((correlation - direct.1).abs() < 1e-12, "{what}: {correlation} against {}", direct.1);
            // The definition straight from a whole eigendecomposition of the AGOP, every power
            // formed. Its eigenvalues in the AGOP's null space (the narrowing layer's 28) are
            // rounding, about 1e-16 of the largest, and a power raises them to about
            // 1e-16^alpha: clipped to 0 below 1e-12 of the largest, where the AGOP's rank ends.
            let (whole_values, whole_vectors) = symmetric_eigen(&agop).unwrap();
            let top = whole_values[0];
            let clipped: Vec<f64> = whole_values.iter().map(|&v| if v > 1e-12 * top { v } else { 0.0 }).collect();
            let whole = best_of_formed_powers(&gram, &clipped, &whole_vectors);
            assert_eq!(alpha, whole.0, "{what}");
            assert!((correlation - whole.1).abs() < 1e-12, "{what}: {correlation} against {}", whole.1);
        }
    }
}

#[test]
fn nc3_output_is_zero_when_the_output_layer_holds_the_centred_class_means() {
    let (x, labels) = labelled();
    let mut network = Network::xavier(8, 7, 2, 3, 1.0, &mut Stream::new(2, Purpose::Init));
    let last = network.forward(&x).hidden[1].clone();
    // Any positive multiple: NC3 compares directions.
    network.weights_mut()[2] = centred_class_means(&last, &labels, 3) * 3.5;
    let samples = Samples {
        targets: signed_one_hot(&labels, 3),
        train: x,
        labels,
        test: Mat::zeros(0, 8),
        test_labels: Vec::new(),
        classes: 3,
    };
    let measurement = measure_network(&network, &samples, 0).unwrap();
    let nc3 = measurement.nc3_output.unwrap();
    assert!(nc3 < 1e-24, "{nc3}");
    // The opposite direction is as far as can be: 4.
    let means = centred_class_means(&last, &samples.labels, 3);
    assert!((nc3_output(&(-&means), &means).unwrap() - 4.0).abs() < 1e-12);
    for layer in &measurement.layers {
        for value in [layer.weight_alignment, layer.agop_alignment] {
            assert!((0.0..=1.0 + 1e-12).contains(&value.unwrap()), "{value:?}");
        }
        assert!(layer.nfa_alpha_corr.unwrap() >= layer.nfa_agop.unwrap() - 1e-12);
    }
}

/// A run small enough for a test, every epoch one batch so that an epoch's first batch is its
/// only one.
fn one_batch_config(adam_reset: AdamReset) -> MlpConfig {
    let data = agop_collapse::data::DataConfig {
        dataset: agop_collapse::data::DatasetSource::Synthetic,
        classes: 3,
        dim: 10,
        n_train: 60,
        n_test: 0,
        ..Default::default()
    };
    MlpConfig {
        data,
        depth: 2,
        width: 16,
        batch_size: 60,
        epochs: 2,
        measure_every: 1,
        adam_reset,
        ..MlpConfig::default()
    }
}

#[test]
fn with_the_epoch_reset_the_second_epoch_starts_from_a_fresh_adam() {
    let config = one_batch_config(AdamReset::Epoch);
    let split = agop_collapse::data::load(&config.data, 0, None, None).unwrap();
    let mut training = MlpTraining::<f64>::with_precision(config.clone(), split).unwrap();
    training.train_epochs(1).unwrap(); // the measurement before training
    training.train_epochs(1).unwrap();
    let after_first = training.network().clone();
    assert_eq!(training.adam().steps(), 1);
    training.train_epochs(1).unwrap();
    // After the first batch of epoch 2: one step's state, m = (1 - beta1) g and
    // v = (1 - beta2) g^2 with g the batch's gradient at the weights epoch 1 left.
    assert_eq!(training.adam().steps(), 1);
    let x = agop_collapse::linalg::convert(&training_features(&config));
    let targets = signed_one_hot(training.labels(), 3);
    let (_, gradients) = after_first.loss_and_gradients(&x, &targets);
    for (l, g) in gradients.iter().enumerate() {
        let first = &training.adam().first_moments()[l];
        let second = &training.adam().second_moments()[l];
        let expected_first = g * (1.0 - BETA1);
        let expected_second = g.component_mul(g) * (1.0 - BETA2);
        assert!((first - &expected_first).amax() <= 1e-12 * expected_first.amax(), "layer {l}: first moment");
        assert!((second - &expected_second).amax() <= 1e-12 * expected_second.amax(), "layer {l}: second moment");
    }

    let split = agop_collapse::data::load(&config.data, 0, None, None).unwrap();
    let kept = MlpConfig { adam_reset: AdamReset::Never, ..config };
    let mut training = MlpTraining::<f64>::with_precision(kept, split).unwrap();
    while !training.is_done() {
        training.train_epochs(1).unwrap();
    }
    assert_eq!(training.adam().steps(), 2, "one Adam for the run");
}

/// The training features of `config` as the run sees them (loaded and standardised alike).
fn training_features(config: &MlpConfig) -> Mat {
    agop_collapse::data::load(&config.data, config.seed as u64, None, None).unwrap().train.features
}

/// The Result JSON with neither timings nor the fields added since the reference was written
/// (which must be there when `new`).
fn without_new_fields(mut json: Value, new: bool) -> Value {
    let object = json.as_object_mut().unwrap();
    object.remove("seconds_total");
    object.remove("seconds_measuring");
    object["config"].as_object_mut().unwrap().remove("adam_reset");
    for measurement in object["history"].as_array_mut().unwrap() {
        assert!(measurement.as_object_mut().unwrap().remove("nc3_output").is_some() || !new);
        for layer in measurement["layers"].as_array_mut().unwrap() {
            let layer = layer.as_object_mut().unwrap();
            for key in ["weight_alignment", "agop_alignment", "nfa_alpha", "nfa_alpha_corr"] {
                assert!(layer.remove(key).is_some() || !new, "{key} missing");
            }
            // The class-mean geometry every Metrics object has carried since.
            for stage in layer["stages"].as_object_mut().unwrap().values_mut() {
                let metrics = stage.as_object_mut().unwrap();
                for key in ["cdnv", "stable_rank", "class_mean_singular_values", "class_mean_rank"] {
                    assert!(metrics.remove(key).is_some() || !new, "{key} missing");
                }
            }
        }
    }
    json
}

/// The defaults and `--adam-reset never` give the numbers of the network before the option
/// existed, bit for bit (a run written by the CLI then, in tests/reference).
#[test]
fn one_adam_reproduces_the_results_before_the_option() {
    let reference: Value = serde_json::from_str(include_str!("reference/mlp_short_before_alignment.json")).unwrap();
    let reference = without_new_fields(reference, false);
    let args = [
        "mlp",
        "--n-train",
        "300",
        "--n-test",
        "100",
        "--epochs",
        "4",
        "--measure-every",
        "2",
        "--width",
        "32",
        "--depth",
        "3",
        "--batch-size",
        "64",
    ];
    for extra in [&[][..], &["--adam-reset", "never"][..]] {
        let out = Command::new(env!("CARGO_BIN_EXE_agop-collapse")).args(args).args(extra).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["config"]["adam_reset"], "never");
        assert_eq!(without_new_fields(json, true), reference, "{extra:?}");
    }
    let out =
        Command::new(env!("CARGO_BIN_EXE_agop-collapse")).args(["mlp", "--adam-reset", "sometimes"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("never or epoch"), "{stderr}");
}

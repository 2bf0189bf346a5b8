//! The MLP: backpropagation and the per-layer AGOP against finite differences, the
//! singular-structure stages, collapse on separable data, determinism, validation and the CLI.

mod common;

use agop_collapse::Error;
use agop_collapse::data::{self, DataConfig, DatasetSource, Split};
use agop_collapse::kernel::signed_one_hot;
use agop_collapse::linalg::{Mat, Mat32, svd};
use agop_collapse::mlp::measure::{entry_correlation, little_collapse, share};
use agop_collapse::mlp::{Adam, MlpConfig, MlpTraining, Network, OutputInit, batch_gradients};
use agop_collapse::rng::{Purpose, Stream};
use common::{gaussian, relative_difference};

/// 3 hidden layers of width 5 on 6 samples of dimension 4, 3 outputs; gain 1 so that every
/// layer carries signals of order one.
fn tiny_network() -> (Network, Mat, Mat) {
    let network = Network::xavier(4, 5, 3, 3, 1.0, &mut Stream::new(7, Purpose::Init));
    let x = gaussian(6, 4, 11);
    let targets = signed_one_hot(&[0, 1, 2, 0, 1, 2], 3);
    (network, x, targets)
}

#[test]
fn backprop_gradients_equal_central_finite_differences() {
    let (network, x, targets) = tiny_network();
    let (loss, gradients) = network.loss_and_gradients(&x, &targets);
    assert!(loss > 0.1, "loss {loss}");
    assert_eq!(gradients.len(), 4);
    let differences = finite_difference_gradients(&network, &x, &targets);
    for (l, (gradient, expected)) in gradients.iter().zip(&differences).enumerate() {
        assert_eq!(gradient.shape(), network.weights()[l].shape());
        assert!(expected.amax() > 1e-3, "layer {l}: no gradient to compare");
        let error = relative_difference(gradient, expected);
        assert!(error < 1e-6, "layer {l}: relative error {error:e}");
    }
}

/// Central finite differences (step 1e-6) of the loss with respect to every weight.
fn finite_difference_gradients(network: &Network, x: &Mat, targets: &Mat) -> Vec<Mat> {
    let h = 1e-6;
    (0..network.weights().len())
        .map(|l| {
            let (rows, cols) = network.weights()[l].shape();
            Mat::from_fn(rows, cols, |i, j| {
                let mut moved = network.clone();
                moved.weights_mut()[l][(i, j)] += h;
                let plus = moved.loss_and_gradients(x, targets).0;
                moved.weights_mut()[l][(i, j)] -= 2.0 * h;
                let minus = moved.loss_and_gradients(x, targets).0;
                (plus - minus) / (2.0 * h)
            })
        })
        .collect()
}

/// `sum_i J_i^T J_i` with J_i the finite-difference Jacobian of the network's output with respect
/// to the input of layer `l` at sample i.
fn finite_difference_agop(network: &Network, layer_inputs: &Mat, l: usize) -> Mat {
    let (n, p) = layer_inputs.shape();
    let h = 1e-6;
    let mut total = Mat::zeros(p, p);
    for i in 0..n {
        let row = layer_inputs.rows(i, 1).into_owned();
        let mut jacobian = Mat::zeros(network.weights().last().unwrap().nrows(), p);
        for t in 0..p {
            let (mut plus, mut minus) = (row.clone(), row.clone());
            plus[(0, t)] += h;
            minus[(0, t)] -= h;
            let difference = network.output_from(l, &plus) - network.output_from(l, &minus);
            jacobian.column_mut(t).copy_from(&(difference.transpose() / (2.0 * h)));
        }
        total += jacobian.transpose() * &jacobian;
    }
    total
}

#[test]
fn layer_agops_equal_finite_difference_jacobians() {
    let (network, x, _) = tiny_network();
    let pass = network.forward(&x);
    let agops = network.input_agops(&pass);
    assert_eq!(agops.len(), 3);
    for (l, agop) in agops.iter().enumerate() {
        let expected = finite_difference_agop(&network, pass.layer_input(&x, l), l);
        assert!(expected.amax() > 1e-3, "layer {l}: AGOP vanishes");
        let error = relative_difference(agop, &expected);
        assert!(error < 1e-6, "layer {l}: relative error {error:e}");
    }
}

#[test]
fn output_from_the_first_layer_is_the_output() {
    let (network, x, _) = tiny_network();
    let pass = network.forward(&x);
    assert_eq!(network.output_from(0, &x), pass.output);
    assert!(relative_difference(&network.output_from(2, &pass.hidden[1]), &pass.output) < 1e-15);
}

#[test]
fn thin_svd_reconstructs_wide_and_tall_matrices() {
    for (rows, cols) in [(8, 30), (30, 8), (12, 12)] {
        let a = gaussian(rows, cols, 3);
        let f = svd(&a).unwrap();
        let r = rows.min(cols);
        assert_eq!((f.u.shape(), f.v.shape(), f.singular_values.len()), ((rows, r), (cols, r), r));
        assert!(f.singular_values.windows(2).all(|s| s[0] >= s[1] && s[1] >= 0.0));
        let rebuilt = &f.u * Mat::from_diagonal(&f.singular_values.clone().into()) * f.v.transpose();
        assert!(relative_difference(&rebuilt, &a) < 1e-13, "{rows} x {cols}");
        for q in [&f.u, &f.v] {
            assert!(relative_difference(&(q.transpose() * q), &Mat::identity(r, r)) < 1e-13);
        }
    }
}

#[test]
fn the_output_layer_starts_at_pytorchs_default_and_the_hidden_layers_at_small_xavier() {
    let (inputs, width, depth, outputs, gain) = (300, 256, 2, 100, 0.1);
    let draw = |init| Network::init(inputs, width, depth, outputs, gain, init, &mut Stream::new(5, Purpose::Init));
    let (torch, xavier) = (draw(OutputInit::Torch), draw(OutputInit::Xavier));
    let output = &torch.weights()[depth];
    let bound = 1.0 / (width as f64).sqrt();
    assert!(output.amax() <= bound && output.amax() > 0.99 * bound, "largest {} against {bound}", output.amax());
    // U(-b, b) has variance b^2 / 3; with 25,600 draws the estimate is within 2% (four standard errors).
    let variance = output.iter().map(|w| w * w).sum::<f64>() / output.len() as f64;
    assert!((variance / (bound * bound / 3.0) - 1.0).abs() < 0.05, "variance {variance}");
    let mean = output.sum() / output.len() as f64;
    assert!(mean.abs() < 0.05 * bound, "mean {mean}");
    // The hidden layers are the same draws either way; xavier's output layer has the small gain.
    assert_eq!(torch.weights()[..depth], xavier.weights()[..depth]);
    for (l, w) in xavier.weights().iter().enumerate() {
        let small = gain * (6.0 / (w.ncols() + w.nrows()) as f64).sqrt();
        assert!(w.amax() <= small && w.amax() > 0.99 * small, "layer {l}: {} against {small}", w.amax());
    }
    assert_eq!(xavier, Network::xavier(inputs, width, depth, outputs, gain, &mut Stream::new(5, Purpose::Init)));
}

#[test]
fn f32_backprop_gradients_equal_f64_finite_differences_to_f32_tolerance() {
    let (network, x, targets) = tiny_network();
    let single: Network<f32> = network.convert();
    // The finite differences of the very weights the f32 network holds, in f64.
    let exact: Network = single.convert();
    let (x32, targets32): (Mat32, Mat32) = (x.map(|v| v as f32), targets.map(|v| v as f32));
    let (loss, gradients) = single.loss_and_gradients(&x32, &targets32);
    let (exact_loss, _) = exact.loss_and_gradients(&x.map(|v| v as f32 as f64), &targets);
    assert!(((loss as f64) / exact_loss - 1.0).abs() < 1e-5, "loss {loss} against {exact_loss}");
    let differences = finite_difference_gradients(&exact, &x.map(|v| v as f32 as f64), &targets);
    for (l, (gradient, expected)) in gradients.iter().zip(&differences).enumerate() {
        let error = relative_difference(&gradient.map(|v| v as f64), expected);
        // f32 rounding of a few products of length 5: a few units of 6e-8, relative.
        assert!(error < 1e-5, "layer {l}: relative error {error:e}");
    }
}

#[test]
fn the_two_halves_of_a_batch_add_up_to_its_gradient_with_or_without_a_thread() {
    let (network, x, targets) = tiny_network();
    let batch = [4, 0, 5, 2, 1];
    let (whole_loss, whole) = network.loss_and_gradients(&x.select_rows(&batch), &targets.select_rows(&batch));
    let (squared_error, threaded) = batch_gradients(&network, &x, &targets, &batch, true);
    let (_, serial) = batch_gradients(&network, &x, &targets, &batch, false);
    assert_eq!(threaded, serial, "bit for bit");
    assert!(common::close(squared_error / (batch.len() * 3) as f64, whole_loss, 1e-14, 0.0));
    for (part_sum, exact) in threaded.iter().zip(&whole) {
        assert!(relative_difference(part_sum, exact) < 1e-14);
    }
    // A batch of one row has a single part.
    let (_, one) = batch_gradients(&network, &x, &targets, &[3], true);
    assert_eq!(one, network.loss_and_gradients(&x.select_rows(&[3]), &targets.select_rows(&[3])).1);
}

#[test]
fn adam_in_f32_follows_adam_in_f64() {
    let (network, x, targets) = tiny_network();
    let (mut double, mut single) = (network.clone(), network.convert::<f32>());
    let (mut adam64, mut adam32) = (Adam::new(double.weights(), 1e-2), Adam::new(single.weights(), 1e-2));
    let (x32, targets32): (Mat32, Mat32) = (x.map(|v| v as f32), targets.map(|v| v as f32));
    for _ in 0..20 {
        let gradients = double.loss_and_gradients(&x, &targets).1;
        adam64.step(double.weights_mut(), &gradients);
        let gradients = single.loss_and_gradients(&x32, &targets32).1;
        adam32.step(single.weights_mut(), &gradients);
    }
    let moved = relative_difference(&double.weights()[0], &network.weights()[0]);
    let apart = relative_difference(&single.convert::<f64>().weights()[0], &double.weights()[0]);
    assert!(moved > 0.05 && apart < 1e-4 * moved.max(1.0), "moved {moved}, f32 against f64 {apart}");
}

#[test]
fn share_and_correlation_handle_their_edge_cases() {
    assert!((share(1.0, 0.1, 0.01).unwrap() - 0.5).abs() < 1e-12);
    assert_eq!(share(0.5, 0.1, 0.5), None, "NC1 unchanged by the layer");
    assert_eq!(share(0.5, 0.0, 0.1), None, "NC1 of zero");
    // Little collapse: NC1 falling by less than 1.2x, or by less than a tenth of the largest drop.
    assert!(!little_collapse(Some(1.3f64.ln()), 1.3f64.ln()));
    assert!(little_collapse(Some(1.1f64.ln()), 1.1f64.ln()));
    assert!(little_collapse(Some(-0.5), 2.0), "NC1 grows");
    assert!(little_collapse(Some(0.3), 4.0) && !little_collapse(Some(0.5), 4.0));
    assert!(little_collapse(None, 1.0));
    let a = gaussian(5, 5, 1);
    assert!((entry_correlation(&a, &(&a * 3.0).add_scalar(2.0)).unwrap() - 1.0).abs() < 1e-12);
    assert!((entry_correlation(&a, &-&a).unwrap() + 1.0).abs() < 1e-12);
    assert_eq!(entry_correlation(&a, &Mat::from_element(5, 5, 2.0)), None);
}

fn mnist_split(config: &MlpConfig) -> Split {
    data::load(&config.data, config.seed as u64, Some(&common::mnist()), None).unwrap()
}

/// MNIST, so that the first layer's weight is wide (64 x 784).
fn small_mnist_config() -> MlpConfig {
    MlpConfig {
        data: DataConfig { n_train: 200, n_test: 100, ..DataConfig::default() },
        depth: 3,
        width: 64,
        epochs: 10,
        measure_every: 5,
        ..MlpConfig::default()
    }
}

#[test]
fn usvt_has_the_nc1_of_svt_at_every_layer_and_epoch() {
    let config = small_mnist_config();
    let result = MlpTraining::run(config.clone(), mnist_split(&config)).unwrap();
    let epochs: Vec<usize> = result.history.iter().map(|h| h.epoch).collect();
    assert_eq!(epochs, [0, 5, 10]);
    for entry in &result.history {
        assert_eq!(entry.layers.len(), 3);
        assert!(entry.test_acc.is_some());
        for layer in &entry.layers {
            let (svt, usvt) = (layer.stages.svt.nc1, layer.stages.usvt.nc1);
            assert!(
                common::close(svt, usvt, 1e-9, 0.0),
                "epoch {} layer {}: {svt} vs {usvt}",
                entry.epoch,
                layer.layer
            );
            for value in [layer.nfa.unwrap(), layer.nfa_agop.unwrap()] {
                assert!((-1.0..=1.0).contains(&value));
            }
        }
        // The stages chain: a layer's output is the next layer's input.
        for pair in entry.layers.windows(2) {
            assert_eq!(pair[0].stages.out.nc1, pair[1].stages.input.nc1);
        }
    }
}

fn separable_config() -> MlpConfig {
    MlpConfig {
        data: DataConfig {
            dataset: DatasetSource::Synthetic,
            classes: 4,
            dim: 20,
            separation: 5.0,
            n_train: 200,
            n_test: 100,
            ..DataConfig::default()
        },
        depth: 3,
        width: 64,
        batch_size: 32,
        epochs: 100,
        measure_every: 20,
        ..MlpConfig::default()
    }
}

fn synthetic_split(config: &MlpConfig) -> Split {
    data::load(&config.data, config.seed as u64, None, None).unwrap()
}

#[test]
fn training_on_separable_data_collapses_the_last_hidden_layer() {
    let config = separable_config();
    let result = MlpTraining::run(config.clone(), synthetic_split(&config)).unwrap();
    assert_eq!(result.kind, "mlp");
    assert_eq!(result.history.len(), 6);
    let (first, last) = (&result.history[0], result.history.last().unwrap());
    assert_eq!((first.epoch, last.epoch), (0, 100));
    assert!(last.train_loss < first.train_loss / 10.0, "loss {} -> {}", first.train_loss, last.train_loss);
    assert!(
        last.train_acc > 0.95 && last.test_acc.unwrap() > 0.95,
        "accuracies {} {:?}",
        last.train_acc,
        last.test_acc
    );
    // The loss of every epoch as training saw it: one per epoch, from about the initial loss down.
    assert_eq!(result.epoch_losses.len(), 100);
    assert!(
        common::close(result.epoch_losses[0], first.train_loss, 0.2, 0.0),
        "{} vs {}",
        result.epoch_losses[0],
        first.train_loss
    );
    assert!(result.epoch_losses[99] < first.train_loss / 10.0 && result.epoch_losses[99] >= 0.0);
    let (before, after) = (first.layers[2].stages.out.nc1, last.layers[2].stages.out.nc1);
    assert!(before / after >= 10.0, "NC1 of the last hidden layer {before} -> {after}");
}

#[test]
fn stepping_gives_the_history_of_a_whole_run() {
    let config = MlpConfig { epochs: 12, measure_every: 5, ..separable_config() };
    let whole = MlpTraining::run(config.clone(), synthetic_split(&config)).unwrap();
    let mut training = MlpTraining::new(config.clone(), synthetic_split(&config)).unwrap();
    assert_eq!(training.train_epochs(3).unwrap().map(|m| m.epoch), Some(0), "the first call measures epoch 0");
    assert_eq!(training.train_epochs(3).unwrap(), None);
    assert_eq!(training.epoch(), 3);
    assert_eq!(training.train_epochs(100).unwrap().map(|m| m.epoch), Some(5), "stops at a measurement");
    assert_eq!(training.train_epochs(100).unwrap().map(|m| m.epoch), Some(10));
    assert!(!training.is_done());
    assert_eq!(training.train_epochs(100).unwrap().map(|m| m.epoch), Some(12), "the last epoch is measured");
    assert!(training.is_done());
    assert_eq!(training.train_epochs(1).unwrap(), None);
    assert_eq!(training.history(), whole.history.as_slice());
    assert_eq!(training.result().history, whole.history);
}

#[test]
fn same_seed_repeats_exactly_and_another_seed_differs() {
    let config = MlpConfig { epochs: 20, measure_every: 10, ..separable_config() };
    let first = MlpTraining::run(config.clone(), synthetic_split(&config)).unwrap();
    let second = MlpTraining::run(config.clone(), synthetic_split(&config)).unwrap();
    assert_eq!((&first.config, &first.dataset, &first.history), (&second.config, &second.dataset, &second.history));
    let other = MlpConfig { seed: 1, ..config };
    let third = MlpTraining::run(other.clone(), synthetic_split(&other)).unwrap();
    assert_ne!(first.history[1].train_loss, third.history[1].train_loss);
}

#[test]
fn zero_epochs_measure_the_initial_network_only() {
    let config = MlpConfig { epochs: 0, ..separable_config() };
    let result = MlpTraining::run(config.clone(), synthetic_split(&config)).unwrap();
    assert_eq!(result.history.len(), 1);
    assert_eq!(result.history[0].epoch, 0);
}

#[test]
fn a_diverging_run_stops_naming_the_training_loss() {
    let config = MlpConfig { learning_rate: 1e200, epochs: 5, ..separable_config() };
    let error = MlpTraining::run(config.clone(), synthetic_split(&config)).unwrap_err();
    assert!(matches!(error, Error::Diverged { epoch: 1 }), "{error}");
}

#[test]
fn invalid_configs_are_rejected_naming_the_field() {
    let cases: [(MlpConfig, &str); 9] = [
        (MlpConfig { depth: 0, ..MlpConfig::default() }, "depth"),
        (MlpConfig { depth: 21, ..MlpConfig::default() }, "depth"),
        (MlpConfig { width: 0, ..MlpConfig::default() }, "width"),
        (MlpConfig { width: 5000, ..MlpConfig::default() }, "width"),
        (MlpConfig { gain: f64::NAN, ..MlpConfig::default() }, "gain"),
        (MlpConfig { learning_rate: 0.0, ..MlpConfig::default() }, "learning_rate"),
        (MlpConfig { batch_size: 0, ..MlpConfig::default() }, "batch_size"),
        (MlpConfig { epochs: 10_001, ..MlpConfig::default() }, "epochs"),
        (MlpConfig { measure_every: 0, ..MlpConfig::default() }, "measure_every"),
    ];
    for (config, field) in cases {
        let error = config.validate().unwrap_err();
        assert!(matches!(&error, Error::InvalidConfig { field: f, .. } if f == field), "{field}: {error}");
        assert!(error.to_string().contains(field));
        let split = synthetic_split(&separable_config());
        assert!(MlpTraining::new(config, split).is_err(), "{field}: new accepted it");
    }
    assert_eq!(MlpConfig::default().validate(), Ok(()));
    let data_error = MlpConfig { data: DataConfig { pool: 3, ..DataConfig::default() }, ..MlpConfig::default() };
    assert!(data_error.validate().unwrap_err().to_string().contains("pool"));
}

#[test]
fn config_json_fills_defaults_and_rejects_unknown_fields() {
    let config: MlpConfig = serde_json::from_str(r#"{"depth": 2, "learning_rate": 0.01}"#).unwrap();
    assert_eq!(config, MlpConfig { depth: 2, learning_rate: 0.01, ..MlpConfig::default() });
    let error = serde_json::from_str::<MlpConfig>(r#"{"widht": 3}"#).unwrap_err().to_string();
    assert!(error.contains("widht"), "{error}");
}

/// MNIST 300 / 150, 3 x 128: the paper's network, small enough for a test.
fn paper_shaped_config(epochs: usize) -> MlpConfig {
    MlpConfig {
        data: DataConfig { n_train: 300, n_test: 150, ..DataConfig::default() },
        depth: 3,
        width: 128,
        epochs,
        measure_every: 10,
        ..MlpConfig::default()
    }
}

#[test]
fn training_in_f32_follows_training_in_f64() {
    let config = MlpConfig { epochs: 20, measure_every: 5, ..paper_shaped_config(20) };
    let single = MlpTraining::run(config.clone(), mnist_split(&config)).unwrap();
    let double = MlpTraining::<f64>::run_with_precision(config.clone(), mnist_split(&config)).unwrap();
    for (a, b) in single.history.iter().zip(&double.history) {
        let loss = (a.train_loss / b.train_loss - 1.0).abs();
        let nc1 = (a.layers[2].stages.out.nc1 / b.layers[2].stages.out.nc1 - 1.0).abs();
        // Measured apart by at most 5e-8 (loss) and 2e-7 (NC1) relative; f32 rounding that
        // compounded into a different trajectory would show at 1e-3 and more.
        assert!(loss < 1e-5 && nc1 < 1e-5, "epoch {}: loss apart by {loss:e}, NC1 by {nc1:e}", a.epoch);
    }
    assert!(single.history.last().unwrap().train_loss < 0.5 * single.history[0].train_loss);
}

#[test]
fn training_gives_the_same_numbers_with_one_thread_or_two() {
    let config = MlpConfig { epochs: 3, measure_every: 3, ..paper_shaped_config(3) };
    let run = |threads: bool| {
        let mut training = MlpTraining::new(config.clone(), mnist_split(&config)).unwrap();
        training.set_threads(threads);
        while !training.is_done() {
            training.train_epochs(usize::MAX).unwrap();
        }
        training.network().clone()
    };
    assert_eq!(run(true), run(false));
}

#[test]
fn the_papers_network_learns_mnist_and_collapses_at_its_right_singular_structure() {
    // Measured: test accuracy 0.813, shares 0.71, 0.83, 0.83 (seed 0). The output layer drawn
    // with the small gain instead (the init this catches) sits on its plateau far longer.
    let config = paper_shaped_config(60);
    let result = MlpTraining::run(config.clone(), mnist_split(&config)).unwrap();
    let last = result.history.last().unwrap();
    assert!(last.test_acc.unwrap() >= 0.75, "test accuracy {:?}", last.test_acc);
    for layer in &last.layers {
        assert!(layer.share.unwrap() > 0.0, "layer {}: share {:?}", layer.layer, layer.share);
    }
    assert!(result.seconds_measuring > 0.0 && result.seconds_measuring < result.seconds_total);
}

#[test]
fn the_root_of_a_wide_layers_agop_through_its_small_side_equals_the_direct_root() {
    use agop_collapse::linalg::psd_sqrt;
    use agop_collapse::mlp::measure::agop_spectrum;
    use agop_collapse::mlp::network::congruence;
    // A first layer of 12 units on 40 inputs: its AGOP (40 x 40) has rank 12 at most.
    let network = Network::xavier(40, 12, 2, 3, 1.0, &mut Stream::new(3, Purpose::Init));
    let x = gaussian(30, 40, 8);
    let pass = network.forward(&x);
    let middles = network.input_agop_middles(&pass);
    for (l, middle) in middles.iter().enumerate() {
        let weight = &network.weights()[l];
        let agop = congruence(middle, weight);
        assert!(relative_difference(&agop, &network.input_agops(&pass)[l]) < 1e-15);
        let direct = psd_sqrt(&agop).unwrap().power;
        let root = agop_spectrum(middle, weight, &agop).unwrap().root;
        let error = relative_difference(&root, &direct);
        // The direct root's own noise: eigenvalues at rounding level (~1e-16 of the largest)
        // become square roots of ~1e-8.
        assert!(error < 1e-7, "layer {l}: {error:e}");
        assert!(relative_difference(&(&root * &root), &agop) < 1e-12, "layer {l}: the root squares to the AGOP");
    }
}

#[test]
fn the_seconds_count_training_and_measuring_once_each() {
    let config = MlpConfig { epochs: 6, measure_every: 3, ..separable_config() };
    let start = std::time::Instant::now();
    let result = MlpTraining::run(config.clone(), synthetic_split(&config)).unwrap();
    let wall = start.elapsed().as_secs_f64();
    assert!(result.seconds_total <= wall, "{} s counted in {wall} s", result.seconds_total);
    assert!(result.seconds_measuring > 0.0 && result.seconds_measuring < result.seconds_total);
}

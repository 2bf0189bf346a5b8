//! Deep RFM on the real MNIST digits: the collapse the paper reports, and the exact linear case.

mod common;

use agop_collapse::data::{self, DataConfig};
use agop_collapse::kernel::KernelKind;
use agop_collapse::rfm::{DeepRfm, RfmConfig};

/// DIGEST section 5: linear kernel, tiny ridge, raw pixels, N <= d: one AGOP projection makes
/// X M X^T proportional to Y Y^T, so stage MX is collapsed to rounding.
#[test]
fn linear_kernel_collapses_raw_mnist_exactly_after_one_projection() {
    let config = RfmConfig {
        data: DataConfig { n_train: 500, n_test: 0, standardize: false, ..DataConfig::default() },
        depth: 1,
        kernel: KernelKind::Linear,
        ridge: 1e-8,
        ..RfmConfig::default()
    };
    let split = data::load(&config.data, 0, Some(&common::mnist()), None).unwrap();
    let result = DeepRfm::run(config, split).unwrap();
    let stages = &result.layers[0].stages;
    assert!(stages.x.nc1 > 0.1, "raw digits are not collapsed: {}", stages.x.nc1);
    assert!(stages.mx.nc1 < 1e-6, "NC1(MX) = {:e}", stages.mx.nc1);
    assert!(stages.mx.nc2 < 1e-6, "NC2(MX) = {:e}", stages.mx.nc2);
    assert_eq!(result.layers[0].test_acc, None);
}

/// The lab's default run: NC1 of stage X falls at least 30-fold over 8 layers, and the AGOP
/// projection lowers NC1 at every layer.
#[test]
fn default_mnist_run_collapses_layer_by_layer() {
    let config = RfmConfig::default();
    let split = data::load(&config.data, config.seed as u64, Some(&common::mnist()), None).unwrap();
    let result = DeepRfm::run(config, split).unwrap();
    assert_eq!(result.layers.len(), 8);
    assert_eq!((result.dataset.n_train, result.dataset.n_test, result.dataset.dim), (1000, 500, 784));
    let first = result.layers[0].stages.x.nc1;
    let last = result.layers[7].stages.x.nc1;
    assert!(first / last >= 30.0, "NC1(X) fell only from {first} to {last}");
    for layer in &result.layers {
        let s = &layer.stages;
        assert!(s.mx.nc1 < s.x.nc1, "layer {}: NC1(MX) {} >= NC1(X) {}", layer.layer, s.mx.nc1, s.x.nc1);
        assert!(layer.train_acc > 0.95 && layer.test_acc.unwrap() > 0.8, "layer {}: accuracies {layer:?}", layer.layer);
        let rank = layer.agop.effective_rank;
        assert!((5.0..20.0).contains(&rank), "layer {}: AGOP effective rank {rank}", layer.layer);
    }
}

#[test]
fn identity_map_stalls_where_relu_keeps_collapsing() {
    let run = |feature| {
        let config = RfmConfig {
            data: DataConfig { n_train: 300, n_test: 0, ..DataConfig::default() },
            depth: 4,
            feature,
            ..RfmConfig::default()
        };
        let split = data::load(&config.data, 0, Some(&common::mnist()), None).unwrap();
        let result = DeepRfm::run(config, split).unwrap();
        result.layers[3].stages.x.nc1
    };
    let relu = run(agop_collapse::features::FeatureKind::Relu);
    let identity = run(agop_collapse::features::FeatureKind::Identity);
    assert!(relu < identity, "after 4 layers NC1(X): relu {relu}, identity {identity}");
}

/// The large products split the same way whether a helper computes its part or not: a run with
/// a helper thread and a run without give the same numbers, bit for bit.
#[test]
fn a_helper_changes_nothing_but_the_time() {
    use agop_collapse::parallel::{Local, Threads, block_on};
    let config = RfmConfig {
        data: DataConfig { n_train: 300, n_test: 100, ..DataConfig::default() },
        depth: 2,
        ..RfmConfig::default()
    };
    let mnist = common::mnist();
    let run = |threads: bool| {
        let split = data::load(&config.data, 3, Some(&mnist), None).unwrap();
        let mut rfm = DeepRfm::new(config.clone(), split).unwrap();
        while !rfm.is_done() {
            if threads {
                block_on(rfm.step_with(&mut (), &Threads)).unwrap();
            } else {
                block_on(rfm.step_with(&mut (), &Local)).unwrap();
            }
        }
        rfm.layers().iter().map(|l| (l.stages.clone(), l.agop.clone(), l.train_acc, l.test_acc)).collect::<Vec<_>>()
    };
    assert_eq!(format!("{:?}", run(true)), format!("{:?}", run(false)));
}

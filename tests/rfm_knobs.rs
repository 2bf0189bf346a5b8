//! The RFM's own knobs: several RFM iterations per layer (the kernel learning a Mahalanobis
//! metric), the power of the AGOP a layer projects with, and the diagonal AGOP, against their
//! definitions.

mod common;

use agop_collapse::agop::normalise_by_max;
use agop_collapse::data::{self, DataConfig, DatasetSource};
use agop_collapse::kernel::{Kernel, KernelKind, argmax_rows, signed_one_hot};
use agop_collapse::linalg::{Mat, normalize_rows, product, psd_power, psd_sqrt, solve_spd};
use agop_collapse::nc::measure;
use agop_collapse::parallel::{Local, block_on};
use agop_collapse::projection::Projection;
use agop_collapse::rfm::{DeepRfm, RfmConfig};
use agop_collapse::rng::{Purpose, Stream};
use common::{gaussian, kernel_gradients_by_differences, relative_difference};

/// A symmetric positive definite d x d matrix far from the identity (entries up to about 1).
fn metric(d: usize, seed: u64) -> Mat {
    let b = gaussian(d, d, seed);
    &b * b.transpose() / d as f64 + Mat::identity(d, d) * 0.2
}

/// `(1/n) sum_c g_c^T g_c` of per-output gradients (n x d each), optionally centred per output.
fn outer_products(gradients: &[Mat], centred: bool) -> Mat {
    let (n, d) = (gradients[0].nrows(), gradients[0].ncols());
    let mut total = Mat::zeros(d, d);
    for g in gradients {
        let mut g = g.clone();
        if centred {
            for mut column in g.column_iter_mut() {
                let mean = column.sum() / n as f64;
                column.add_scalar_mut(-mean);
            }
        }
        total += g.transpose() * &g / n as f64;
    }
    total
}

/// The matrix a layer learns from a kernel machine fitted in the metric `m` on the rows `x`,
/// computed as the layer computes it: the kernel on the rows of `X M^{1/2}`, the gradients
/// brought back to X's coordinates.
fn learned_matrix(projection: Projection, kernel: &Kernel, x: &Mat, m: &Mat, alpha: &Mat, diagonal: bool) -> Mat {
    let root = psd_sqrt(m).unwrap().power;
    let in_metric = product(x, &root);
    let matrix = kernel.matrix(&in_metric, &in_metric, true);
    let labels = vec![0; x.nrows()];
    block_on(projection.matrix(kernel, &in_metric, &labels, matrix, alpha, Some(&root), diagonal, &Local)).unwrap()
}

#[test]
fn the_mahalanobis_agop_matches_finite_differences() {
    let mut x = gaussian(11, 4, 31);
    normalize_rows(&mut x);
    let alpha = gaussian(11, 3, 32);
    let m = metric(4, 33);
    for kind in [KernelKind::Laplace, KernelKind::Gaussian, KernelKind::Linear] {
        let kernel = Kernel { kind, bandwidth: 1.3 };
        let gradients = kernel_gradients_by_differences(&kernel, Some(&m), &x, &alpha);
        let expected = outer_products(&gradients, false);
        let learned = learned_matrix(Projection::Agop, &kernel, &x, &m, &alpha, false);
        let error = relative_difference(&learned, &normalise_by_max(&expected));
        assert!(error < 1e-7, "{kind:?}: {error:e}");
        // Not the Euclidean AGOP: the metric changes the matrix.
        let euclidean = learned_matrix(Projection::Agop, &kernel, &x, &Mat::identity(4, 4), &alpha, false);
        assert!(relative_difference(&euclidean, &learned) > 1e-2, "{kind:?}: the metric matters");
        assert_eq!(learned, learned.transpose());

        // The diagonal AGOP: its diagonal, normalised by its own largest entry.
        let diagonal = learned_matrix(Projection::Agop, &kernel, &x, &m, &alpha, true);
        let expected_diagonal = normalise_by_max(&Mat::from_diagonal(&expected.diagonal()));
        assert!(relative_difference(&diagonal, &expected_diagonal) < 1e-7, "{kind:?}: diagonal");

        if kind != KernelKind::Linear {
            // The gradients' covariance, in the metric too.
            let centred = learned_matrix(Projection::Centred, &kernel, &x, &m, &alpha, false);
            let expected = normalise_by_max(&outer_products(&gradients, true));
            let error = relative_difference(&centred, &expected);
            assert!(error < 1e-6, "{kind:?}: centred {error:e}");
        }
    }
}

#[test]
fn the_agop_power_raises_the_eigenvalues_and_keeps_the_eigenvectors() {
    let m = metric(6, 41) / 3.0;
    let square_root = psd_sqrt(&m).unwrap();
    for exponent in [0.25, 0.5, 1.0, 1.5, 2.0] {
        let mut rng = Stream::new(0, Purpose::Projection);
        let (matrix, power) = Projection::Agop.root(m.clone(), exponent, &mut rng).unwrap();
        assert_eq!(matrix, m, "the matrix itself is kept");
        let spectrum = psd_sqrt(&power.power).unwrap().eigenvalues;
        for (k, lambda) in square_root.eigenvalues.iter().enumerate() {
            let raised = lambda.powf(exponent);
            assert!((spectrum[k] - raised).abs() < 1e-12, "P = {exponent}: {} against {raised}", spectrum[k]);
        }
        if exponent == 1.0 {
            assert!(relative_difference(&power.power, &m) < 1e-13);
        }
        if exponent == 2.0 {
            assert!(relative_difference(&power.power, &(&m * &m)) < 1e-13);
        }
    }
    // The square root is computed as before, bit for bit.
    assert_eq!(psd_power(&m, 0.5).unwrap().power, square_root.power);
}

#[test]
fn the_diagonal_agop_of_a_diagonal_agop_changes_nothing() {
    // A linear machine whose gradients X^T alpha_c are multiples of the unit vectors: its AGOP
    // is diagonal already.
    let mut x = Mat::zeros(5, 3);
    let mut alpha = Mat::zeros(5, 3);
    for (c, scale) in [1.0, 0.5, 2.0].into_iter().enumerate() {
        x[(c, c)] = 1.0;
        alpha[(c, c)] = scale;
    }
    let kernel = Kernel { kind: KernelKind::Linear, bandwidth: 1.0 };
    let identity = Mat::identity(3, 3);
    let full = learned_matrix(Projection::Agop, &kernel, &x, &identity, &alpha, false);
    let diagonal = learned_matrix(Projection::Agop, &kernel, &x, &identity, &alpha, true);
    assert_eq!(full, diagonal);
    assert_eq!(full, Mat::from_diagonal(&nalgebra::DVector::from_vec(vec![0.25, 0.0625, 1.0])));
}

fn mixture(n_train: usize, n_test: usize) -> DataConfig {
    DataConfig { dataset: DatasetSource::Synthetic, n_train, n_test, dim: 12, classes: 3, ..DataConfig::default() }
}

/// One layer of two RFM iterations, computed step by step from the definitions, is the layer
/// the run computes: the kernel machine refitted in the learned metric, the projection with the
/// second metric's root, the accuracies of the second predictor.
#[test]
fn two_rfm_iterations_refit_the_kernel_machine_in_the_learned_metric() {
    for kind in [KernelKind::Laplace, KernelKind::Gaussian, KernelKind::Linear] {
        let config = RfmConfig { data: mixture(90, 0), depth: 1, kernel: kind, rfm_iters: 2, ..RfmConfig::default() };
        let split = data::load(&config.data, config.seed as u64, None, None).unwrap();
        let (mut x, labels) = (split.train.features.clone(), split.train.labels.clone());
        let result = DeepRfm::run(config.clone(), split).unwrap();
        let layer = &result.layers[0];

        normalize_rows(&mut x);
        let kernel = config.kernel();
        let targets = signed_one_hot(&labels, 3);
        let fit = |rows: &Mat| solve_spd(&kernel.matrix(rows, rows, true).values, config.ridge, &targets).unwrap();
        // The metric a fit on `rows` (the rows of X times `root`, when given) learns.
        let learn = |rows: &Mat, alpha: &Mat, root: Option<&Mat>| {
            let matrix = kernel.matrix(rows, rows, true);
            block_on(Projection::Agop.matrix(&kernel, rows, &labels, matrix, alpha, root, false, &Local)).unwrap()
        };
        let m1 = learn(&x, &fit(&x), None);
        let root1 = psd_sqrt(&m1).unwrap().power;
        let z = product(&x, &root1);
        let second = fit(&z);
        let predicted = argmax_rows(&product(&kernel.matrix(&z, &z, true).values, &second));
        let m2 = learn(&z, &second, Some(&root1));
        // A linear machine refitted in its own AGOP's metric learns the same linear map again
        // (the span of its weights): only the radial kernels learn a new metric.
        if kind != KernelKind::Linear {
            assert!(relative_difference(&m1, &m2) > 1e-3, "{kind:?}: the second metric differs from the first");
        }
        let projected = product(&x, &psd_sqrt(&m2).unwrap().power);
        let expected = measure(&projected, &labels, 3, &predicted);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs());
        assert!(
            close(layer.stages.mx.nc1, expected.nc1),
            "{kind:?}: NC1(MX) {} against {}",
            layer.stages.mx.nc1,
            expected.nc1
        );
        assert!(close(layer.agop.trace, m2.trace()), "{kind:?}: the layer reports the last metric");
        let correct = predicted.iter().zip(&labels).filter(|(p, l)| p == l).count();
        assert_eq!(layer.train_acc, correct as f64 / labels.len() as f64, "{kind:?}: the last predictor's accuracy");
    }
}

/// The defaults are the paper's layer: a run with them written out is the default run, bit for
/// bit; every knob away from its default changes the numbers.
#[test]
fn the_knobs_at_their_defaults_are_the_paper_layer_and_each_knob_acts() {
    let base = RfmConfig { data: mixture(120, 60), depth: 2, ..RfmConfig::default() };
    let run = |config: &RfmConfig| {
        let split = data::load(&config.data, config.seed as u64, None, None).unwrap();
        DeepRfm::run(config.clone(), split).unwrap()
    };
    let strip = |mut result: agop_collapse::report::RfmResult| {
        result.seconds_total = 0.0;
        for layer in &mut result.layers {
            layer.seconds = Default::default();
        }
        serde_json::to_string(&result).unwrap()
    };
    let explicit = RfmConfig { rfm_iters: 1, agop_power: 0.5, diag_agop: false, ..base.clone() };
    let reference = strip(run(&base));
    assert_eq!(strip(run(&explicit)), reference);
    for knob in [
        RfmConfig { rfm_iters: 2, ..base.clone() },
        RfmConfig { agop_power: 1.0, ..base.clone() },
        RfmConfig { diag_agop: true, ..base.clone() },
    ] {
        let result = run(&knob);
        assert_ne!(result.layers[0].stages.mx.nc1, run(&base).layers[0].stages.mx.nc1, "{knob:?}");
        assert!(result.layers[1].stages_test.is_some(), "held-out metrics with every knob");
    }
}

#[test]
fn the_config_refuses_knobs_out_of_range_with_messages() {
    let cases = [
        (RfmConfig { rfm_iters: 0, ..RfmConfig::default() }, "rfm_iters", "between 1 and 10"),
        (RfmConfig { rfm_iters: 11, ..RfmConfig::default() }, "rfm_iters", "between 1 and 10"),
        (
            RfmConfig { rfm_iters: 2, projection: Projection::None, ..RfmConfig::default() },
            "rfm_iters",
            "none does not learn",
        ),
        (RfmConfig { agop_power: 0.0, ..RfmConfig::default() }, "agop_power", "above 0 and at most 2"),
        (RfmConfig { agop_power: -1.0, ..RfmConfig::default() }, "agop_power", "above 0 and at most 2"),
        (RfmConfig { agop_power: 2.01, ..RfmConfig::default() }, "agop_power", "above 0 and at most 2"),
        (RfmConfig { agop_power: f64::NAN, ..RfmConfig::default() }, "agop_power", "above 0 and at most 2"),
        (
            RfmConfig { diag_agop: true, projection: Projection::ClassMeans, ..RfmConfig::default() },
            "diag_agop",
            "agop or centred",
        ),
    ];
    for (config, field, needle) in cases {
        let message = config.validate().unwrap_err().to_string();
        assert!(message.contains(field) && message.contains(needle), "{message}");
    }
    for config in [
        RfmConfig { rfm_iters: 10, agop_power: 2.0, diag_agop: true, ..RfmConfig::default() },
        RfmConfig { rfm_iters: 3, projection: Projection::RandomSpectrum, ..RfmConfig::default() },
        RfmConfig { diag_agop: true, projection: Projection::Centred, ..RfmConfig::default() },
    ] {
        config.validate().unwrap();
    }
}

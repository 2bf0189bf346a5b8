//! What a Deep RFM layer projects with: the controls of "is it really the AGOP?" against their
//! definitions, and what they do to collapse.

mod common;

use agop_collapse::agop::agop;
use agop_collapse::data::{self, DataConfig};
use agop_collapse::features::FeatureKind;
use agop_collapse::kernel::{Kernel, KernelKind};
use agop_collapse::linalg::{Mat, normalize_rows, psd_sqrt};
use agop_collapse::nc::between_class_scatter;
use agop_collapse::projection::{
    Projection, centred_agop, class_means_projection, mean_gradients, on_basis, random_orthonormal,
};
use agop_collapse::rfm::{DeepRfm, RfmConfig};
use agop_collapse::rng::{Purpose, Stream};
use common::{gaussian, kernel_gradients_by_differences, relative_difference};

#[test]
fn centred_is_the_agop_minus_the_mean_gradients_outer_products() {
    let mut x = gaussian(9, 4, 21);
    normalize_rows(&mut x);
    let alpha = gaussian(9, 3, 22);
    for kind in [KernelKind::Laplace, KernelKind::Gaussian, KernelKind::Linear] {
        let kernel = Kernel { kind, bandwidth: 1.5 };
        let gradients = kernel_gradients_by_differences(&kernel, None, &x, &alpha);
        let n = x.nrows() as f64;
        let expected_means = Mat::from_fn(4, 3, |t, c| gradients[c].column(t).sum() / n);
        let matrix = kernel.matrix(&x, &x, true);
        let means = mean_gradients(&kernel, &x, &matrix, &alpha);
        assert!(relative_difference(&means, &expected_means) < 1e-7, "{kind:?}: mean gradients");
        // The covariance of the gradients, from the finite differences directly.
        let mut expected = Mat::zeros(4, 4);
        for (c, g) in gradients.iter().enumerate() {
            let centred = Mat::from_fn(g.nrows(), g.ncols(), |i, t| g[(i, t)] - expected_means[(t, c)]);
            expected += centred.transpose() * &centred / n;
        }
        let full = agop(&kernel, &x, matrix, &alpha);
        let centred = centred_agop(&full, &means);
        if kind == KernelKind::Linear {
            // The linear predictor has the same gradient everywhere: no spread at all.
            assert!(centred.amax() < 1e-12 * full.amax(), "{}", centred.amax());
            continue;
        }
        assert!(expected.amax() > 1e-3, "{kind:?}: nothing to compare");
        assert!(
            relative_difference(&centred, &expected) < 1e-7,
            "{kind:?}: {:e}",
            relative_difference(&centred, &expected)
        );
        assert_eq!(centred, centred.transpose());
    }
}

#[test]
fn class_means_is_the_between_class_scatter_normalised_by_its_largest_entry() {
    // Class means (1, 0), (0, 1) and (2, 2): their mean (1, 1), deviations (0, -1), (-1, 0), (1, 1).
    let features = Mat::from_row_slice(6, 2, &[1.5, 0.0, 0.5, 0.0, 0.0, 2.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0]);
    let labels = [0, 0, 1, 1, 2, 2];
    let scatter = between_class_scatter(&features, &labels, 3);
    let expected = Mat::from_row_slice(2, 2, &[2.0, 1.0, 1.0, 2.0]) / 3.0;
    assert!(relative_difference(&scatter, &expected) < 1e-15);
    let projection = class_means_projection(&features, &labels, 3);
    assert!(relative_difference(&projection, &(expected * 1.5)) < 1e-15, "largest entry 1");
}

#[test]
fn random_spectrum_keeps_the_eigenvalues_on_other_directions() {
    let a = gaussian(12, 7, 5);
    let agop = a.transpose() * &a;
    let original = psd_sqrt(&agop).unwrap();
    let basis = random_orthonormal(7, &mut Stream::new(3, Purpose::Projection));
    assert!(relative_difference(&(basis.transpose() * &basis), &Mat::identity(7, 7)) < 1e-14);
    let (matrix, root) = on_basis(&original.eigenvalues, &basis, 0.5);
    let spectrum = psd_sqrt(&matrix).unwrap().eigenvalues;
    for (got, want) in spectrum.iter().zip(&original.eigenvalues) {
        assert!((got - want).abs() < 1e-10 * original.eigenvalues[0], "{got} vs {want}");
    }
    assert!(relative_difference(&(&root.power * &root.power), &matrix) < 1e-13);
    // Other directions: the eigenvectors do not line up with the AGOP's.
    let overlap = original.eigenvectors.transpose() * &basis;
    assert!(overlap.diagonal().amax() < 0.99, "{}", overlap.diagonal().amax());
    assert!(relative_difference(&matrix, &agop) > 0.1);
}

fn mnist_run(projection: Projection, feature: FeatureKind, depth: usize) -> agop_collapse::report::RfmResult {
    let config = RfmConfig {
        data: DataConfig { n_train: 500, n_test: 0, ..DataConfig::default() },
        depth,
        feature,
        projection,
        ..RfmConfig::default()
    };
    let split = data::load(&config.data, config.seed as u64, Some(&common::mnist()), None).unwrap();
    DeepRfm::run(config, split).unwrap()
}

#[test]
fn without_projection_and_nonlinearity_nothing_changes_but_the_row_normalisation() {
    let result = mnist_run(Projection::None, FeatureKind::Identity, 3);
    let first = result.layers[0].stages.x.nc1;
    for layer in &result.layers {
        for stage in [&layer.stages.x, &layer.stages.mx, &layer.stages.phi_mx] {
            assert!(common::close(stage.nc1, first, 1e-12, 0.0), "layer {}: {} vs {first}", layer.layer, stage.nc1);
        }
    }
}

#[test]
fn the_agop_collapses_far_more_than_its_spectrum_on_random_directions_or_no_projection() {
    let collapse = |projection| {
        let result = mnist_run(projection, FeatureKind::Relu, 4);
        result.layers[0].stages.x.nc1 / result.layers[3].stages.x.nc1
    };
    let (agop, random, none) =
        (collapse(Projection::Agop), collapse(Projection::RandomSpectrum), collapse(Projection::None));
    eprintln!("NC1(X) layer 1 / layer 4: agop {agop:.3}, random-spectrum {random:.3}, none {none:.3}");
    assert!(agop >= 5.0 * random && agop >= 5.0 * none, "agop {agop}, random-spectrum {random}, none {none}");
}

#[test]
fn centred_with_the_linear_kernel_is_refused_naming_the_projection() {
    let config = RfmConfig { kernel: KernelKind::Linear, projection: Projection::Centred, ..RfmConfig::default() };
    let message = config.validate().unwrap_err().to_string();
    assert!(message.contains("projection") && message.contains("linear"), "{message}");
    for projection in Projection::ALL {
        assert_eq!(projection.name().parse::<Projection>(), Ok(projection));
    }
    assert!("agops".parse::<Projection>().unwrap_err().contains("random-spectrum"));
}

//! Numerical failures and degenerate data: every case either runs to finite numbers or stops
//! with a message that names the layer and stage (and the fix, where there is one).

use agop_collapse::Error;
use agop_collapse::data::{self, DataConfig, DatasetSource};
use agop_collapse::features::FeatureKind;
use agop_collapse::report::RfmResult;
use agop_collapse::rfm::{DeepRfm, RfmConfig};

fn run_csv(text: &str, config: RfmConfig) -> agop_collapse::Result<RfmResult> {
    let data = DataConfig { dataset: DatasetSource::Csv("memory.csv".into()), n_test: 0, ..config.data.clone() };
    let config = RfmConfig { data, ..config };
    let split = data::load(&config.data, config.seed as u64, None, Some(text))?;
    DeepRfm::run(config, split)
}

fn run_synthetic(data: DataConfig, config: RfmConfig) -> agop_collapse::Result<RfmResult> {
    let config = RfmConfig { data: DataConfig { dataset: DatasetSource::Synthetic, ..data }, ..config };
    let split = data::load(&config.data, config.seed as u64, None, None)?;
    DeepRfm::run(config, split)
}

fn all_metrics_finite(result: &RfmResult) -> bool {
    result.layers.iter().all(|l| [&l.stages.x, &l.stages.mx, &l.stages.phi_mx].iter().all(|m| m.is_finite()))
}

/// `count` rows per class for `classes` classes, two features, with the given class names.
fn csv_rows(classes: &[String], count: usize) -> String {
    let mut text = String::from("label,a,b\n");
    for (c, name) in classes.iter().enumerate() {
        for i in 0..count {
            text += &format!("{name},{},{}\n", c as f64 + 0.1 * i as f64, (c * i) as f64 * 0.01 - c as f64);
        }
    }
    text
}

/// Duplicate samples and no ridge: the kernel matrix is singular, and the message names the
/// layer and a ridge to try; with the default ridge the same data runs.
#[test]
fn singular_kernel_matrix_names_the_layer_and_suggests_a_ridge() {
    let mut text = csv_rows(&["x".into(), "y".into()], 6);
    text += "x,0.0,0.0\ny,1.0,-1.0\n"; // copies of the first row of each class
    let config = RfmConfig { ridge: 0.0, depth: 2, ..RfmConfig::default() };
    let error = run_csv(&text, config.clone()).unwrap_err();
    assert!(matches!(error, Error::NotPositiveDefinite { layer: 1, ridge: 0.0 }), "{error}");
    assert!(error.to_string().contains("increase the ridge, for example to 1e-3"), "{error}");
    let error = run_csv(&text, RfmConfig { kernel: agop_collapse::kernel::KernelKind::Linear, ..config.clone() });
    assert!(matches!(error, Err(Error::NotPositiveDefinite { layer: 1, .. })), "{error:?}");
    let result = run_csv(&text, RfmConfig { ridge: 1e-3, ..config }).unwrap();
    assert!(all_metrics_finite(&result));
}

/// NaN or infinity in the data, the random weights or the metrics stops the run at the layer
/// and stage where it appears.
#[test]
fn non_finite_values_name_the_layer_and_stage() {
    let small = DataConfig { n_train: 40, n_test: 8, classes: 2, dim: 5, ..DataConfig::default() };
    let cases = [
        // Class means at 1e308: their sum, in the standardisation's mean, overflows.
        (DataConfig { separation: 1e308, ..small.clone() }, RfmConfig::default(), "X"),
        // Cauchy weights of scale 1e308 overflow the cos map's arguments.
        (small.clone(), RfmConfig { feature: FeatureKind::Cos, sigma: 1e308, ..RfmConfig::default() }, "PhiMX"),
        // A bandwidth of 1e-300 overflows the Laplace AGOP's scale 1/L^2.
        (small.clone(), RfmConfig { bandwidth: 1e-300, ..RfmConfig::default() }, "AGOP"),
    ];
    for (data, config, expected_stage) in cases {
        let error = run_synthetic(data.clone(), RfmConfig { depth: 2, ..config }).unwrap_err();
        match &error {
            Error::NonFinite { layer: 1, stage } if stage == expected_stage => {}
            _ => panic!("{data:?}: expected a non-finite error at layer 1, stage {expected_stage}; got {error}"),
        }
        assert!(error.to_string().starts_with(&format!("layer 1, stage {expected_stage}:")), "{error}");
    }
}

/// Constant features, features of tiny or huge spread, two classes and twenty-six classes run to
/// finite numbers; a class with one sample and a single class are refused with the reason.
#[test]
fn degenerate_data_runs_or_is_refused_with_a_reason() {
    let config = RfmConfig { depth: 3, ..RfmConfig::default() };
    let constant_column = "label,a,b,c\n0,1,5,0.1\n0,2,5,0.3\n0,3,5,0.2\n1,4,5,0.9\n1,5,5,0.8\n1,6,5,0.7\n";
    assert!(all_metrics_finite(&run_csv(constant_column, config.clone()).unwrap()));
    for (scale, standardize) in [(1e-200, true), (1e200, true), (1e200, false)] {
        let data = DataConfig { n_train: 40, n_test: 8, classes: 3, dim: 6, standardize, ..DataConfig::default() };
        let tiny_or_huge = DataConfig { separation: 3.0 * scale, noise: scale, ..data };
        let result = run_synthetic(tiny_or_huge, config.clone()).unwrap();
        assert!(all_metrics_finite(&result), "spread {scale:e}, standardised: {standardize}");
    }
    let letters: Vec<String> = ('a'..='z').map(String::from).collect();
    for classes in [&letters[..2], &letters[..]] {
        let result = run_csv(&csv_rows(classes, 4), config.clone()).unwrap();
        assert_eq!(result.dataset.classes, classes.len());
        assert!(all_metrics_finite(&result), "{} classes", classes.len());
    }
    let one_sample = csv_rows(&letters[..3], 3) + "d,9,9\n";
    assert!(run_csv(&one_sample, config.clone()).unwrap_err().to_string().contains("single sample"));
    let one_class = csv_rows(&letters[..1], 5);
    assert!(run_csv(&one_class, config).unwrap_err().to_string().contains("at least two classes"));
}

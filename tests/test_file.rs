//! The user's own test set: a CSV file with the training file's columns, read through the
//! training file's classes, refused with the line of its first problem; held-out collapse
//! measured on its rows.

use agop_collapse::Error;
use agop_collapse::data::csv::{self, MAX_VALUES};
use agop_collapse::data::{self, DataConfig, DatasetSource, Split};
use agop_collapse::features::FeatureKind;
use agop_collapse::hash::{from_hash, to_hash};
use agop_collapse::memory::{CLI_BUDGET, RunShape, rfm_peak_bytes};
use agop_collapse::mlp::{MlpConfig, MlpTraining};
use agop_collapse::report::{DatasetSummary, Metrics};
use agop_collapse::rfm::{DeepRfm, RfmConfig};
use proptest::prelude::*;

/// A CSV data config whose test set is the file `test` (or drawn, without it).
fn csv_config(test: Option<&str>) -> DataConfig {
    DataConfig {
        dataset: DatasetSource::Csv("train.csv".into()),
        // Not used with a test file.
        n_test: 7,
        test_dataset: test.map(|name| DatasetSource::Csv(name.into())),
        ..DataConfig::default()
    }
}

/// Loads `train` with the test file `test` (named test.csv).
fn load(train: &str, test: &str, standardize: bool) -> agop_collapse::Result<Split> {
    let config = DataConfig { standardize, ..csv_config(Some("test.csv")) };
    data::load_with_test_file(&config, 0, None, Some(train), Some(test))
}

/// `rows` rows of three classes (cat, dog, emu) in two features around separated means, the
/// label in the middle column, under the header `x1,label,x2`.
fn three_classes(rows: usize, phase: f64) -> String {
    let mut text = String::from("x1,label,x2\n");
    for i in 0..rows {
        let class = i % 3;
        let t = i as f64 + phase;
        text.push_str(&format!(
            "{},{},{}\n",
            3.0 * class as f64 + t.sin(),
            ["cat", "dog", "emu"][class],
            -2.0 * class as f64 + (1.7 * t).cos()
        ));
    }
    text
}

#[test]
fn a_test_file_is_the_test_set_with_the_training_files_classes() {
    let train = "x1,label,x2\n1,dog,10\n2,cat,20\n3,dog,30\n4,cat,40\n5,emu,50\n6,emu,60\n";
    // Only two of the three classes, the first line blank, a cell with spaces (trimmed as in training).
    let test = "\nx1,label,x2\n7,emu,70\n 8 ,cat,80\n9,emu,90\n";
    let split = load(train, test, false).unwrap();
    assert_eq!(split.train.len(), 6, "every training row trains; n_test is not used");
    assert_eq!(split.train.class_names, vec!["cat", "dog", "emu"]);
    assert_eq!(split.test.class_names, split.train.class_names);
    assert_eq!(split.test.labels, vec![2, 0, 2], "labels numbered as the training file's classes");
    assert_eq!(split.test.features.row(1).iter().copied().collect::<Vec<_>>(), vec![8.0, 80.0]);
    assert_eq!(split.test_file.as_deref(), Some("test.csv"));
    let summary = DatasetSummary::of(&split);
    assert_eq!((summary.n_train, summary.n_test, summary.test_file.as_deref()), (6, 3, Some("test.csv")));

    // Standardised with the training statistics only: x1 has mean 3.5 and deviation sqrt(3.5).
    let standardised = load(train, test, true).unwrap();
    let expected = (7.0 - 3.5) / 3.5f64.sqrt();
    assert!((standardised.test.features[(0, 0)] - expected).abs() < 1e-12, "{}", standardised.test.features[(0, 0)]);

    // Headerless files: the label is the first column of both.
    let split = load("1,0.5\n2,0.25\n1,0.75\n2,1\n", "2,3\n1,4\n", false).unwrap();
    assert_eq!(split.test.labels, vec![1, 0]);
    assert_eq!(split.test.features.column(0).iter().copied().collect::<Vec<_>>(), vec![3.0, 4.0]);

    // Without a test file, the config reads and runs as before: n_test rows drawn from the file.
    let text = three_classes(30, 0.0);
    let drawn = data::load(&csv_config(None), 0, None, Some(&text)).unwrap();
    assert_eq!((drawn.train.len(), drawn.test.len(), drawn.test_file), (23, 7, None));
}

/// The error of loading `test` with `train`: the test file's, naming it.
fn test_file_error(train: &str, test: &str) -> Error {
    let error = load(train, test, true).unwrap_err();
    let Error::InTestFile { name, source } = &error else { panic!("not the test file's error: {error:?}") };
    assert_eq!(name, "test.csv");
    assert!(error.to_string().starts_with("the test file test.csv: "), "{error}");
    *source.clone()
}

/// Asserts that `error` is located at `line` and `column` and says `needle`.
fn located(error: &Error, line: u64, column: usize, needle: &str) {
    match error {
        Error::Csv { line: l, column: c, message } => {
            assert_eq!((*l, *c), (line, column), "{error}");
            assert!(message.contains(needle), "'{needle}' not in: {error}");
            assert!(error.to_string().contains(&format!("line {line}")), "{error}");
        }
        other => panic!("not located: {other:?}"),
    }
}

#[test]
fn a_test_file_with_other_columns_is_refused_at_the_line() {
    let train = "x1,label,x2\n1,cat,10\n2,dog,20\n3,cat,30\n4,dog,40\n";
    let cases: [(&str, u64, usize, &str); 6] = [
        ("x1,label\n1,cat\n", 1, 3, "the header has 2 columns, the training file's has 3: x1,label,x2"),
        ("x1,label,x3\n1,cat,2\n", 1, 3, "names this column 'x3', the training file's names it 'x2'"),
        ("x1,label,x2,x4\n1,cat,2,3\n", 1, 4, "the header has 4 columns"),
        ("1,cat,10\n2,dog,20\n", 1, 1, "no header; the first line must be the training file's: x1,label,x2"),
        // A row of another length, after a blank line: the line as an editor numbers it.
        ("x1,label,x2\n1,cat,2\n\n3,dog\n", 4, 3, "this row has 2 fields, the training file's rows have 3"),
        ("x1,label,x2\n1,cat,2\n3,dog,4,5\n", 3, 4, "this row has 4 fields"),
    ];
    for (test, line, column, needle) in cases {
        located(&test_file_error(train, test), line, column, needle);
    }
    // A header where the training file has none.
    let headerless = "0,1,2\n1,3,4\n0,5,6\n1,7,8\n";
    located(
        &test_file_error(headerless, "label,a,b\n0,1,2\n"),
        1,
        1,
        "looks like a header, but the training file has none",
    );
    located(
        &test_file_error(headerless, "0,1,2\n1,3\n"),
        2,
        3,
        "this row has 2 fields, the training file's rows have 3",
    );
    // Cells that are not numbers, as the training loader says it.
    located(&test_file_error(train, "x1,label,x2\n1,cat,2\n3,dog,oops\n"), 3, 3, "'oops' is not a finite number");
    located(&test_file_error(train, "x1,label,x2\n1,cat,nan\n"), 2, 3, "'nan' is not a finite number");
    located(&test_file_error(train, "x1,label,x2\n1,,2\n"), 2, 2, "the label is empty");
}

#[test]
fn an_unknown_label_is_named_with_its_line() {
    let train = "x1,label,x2\n1,cat,10\n2,dog,20\n3,cat,30\n4,dog,40\n";
    let error = test_file_error(train, "x1,label,x2\n1,cat,2\n\n3,zebra,4\n5,dog,6\n");
    located(&error, 4, 2, "the label 'zebra' is not a class of the training file ('cat', 'dog')");
    // Labels are the training file's text: a numeric label must be written as there.
    let numeric = "1,0.5\n2,0.25\n1,0.75\n2,1\n";
    located(&test_file_error(numeric, "2,3\n1.0,4\n"), 2, 1, "the label '1.0' is not a class");
    // Many classes are listed in part.
    let many: String = (0..24).map(|i| format!("c{:02},{i}\nc{:02},{}\n", i / 2, i / 2, i + 1)).collect();
    let error = test_file_error(&many, "zz,1\n");
    assert!(error.to_string().contains("'c09' and 2 more"), "{error}");
}

#[test]
fn an_empty_test_file_is_refused() {
    let train = "x1,label,x2\n1,cat,10\n2,dog,20\n3,cat,30\n4,dog,40\n";
    for (test, needle) in [
        ("", "it has no rows"),
        ("\n\n \n", "it has no rows"),
        ("x1,label,x2\n", "it has a header (line 1) but no rows"),
        ("\nx1,label,x2\n,,\n", "it has a header (line 2) but no rows"),
    ] {
        let error = test_file_error(train, test);
        assert!(matches!(error, Error::Data(_)), "{error:?}");
        assert!(error.to_string().contains(needle), "{test:?}: {error}");
    }
    // Too many samples in all: the lab's limit counts both files.
    let big: String =
        std::iter::once("label,x\n".to_string()).chain((0..12_000).map(|i| format!("{},{i}\n", i % 2))).collect();
    let error = test_file_error(&big, &big);
    assert!(error.to_string().contains("are 24000 samples; the lab takes at most 20000"), "{error}");
    // The loader needs the test file's text when the config names one.
    let error = data::load(&csv_config(Some("test.csv")), 0, None, Some(train)).unwrap_err();
    assert!(error.to_string().contains("the test file test.csv was not loaded"), "{error}");
}

#[test]
fn a_test_source_is_allowed_only_with_a_csv_training_file() {
    let with_test = |dataset: DatasetSource, test: DatasetSource| DataConfig {
        dataset,
        test_dataset: Some(test),
        ..DataConfig::default()
    };
    let test_file = || DatasetSource::Csv("test.csv".into());
    for config in [
        with_test(DatasetSource::Mnist, test_file()),
        with_test(DatasetSource::Synthetic, test_file()),
        with_test(DatasetSource::Csv("train.csv".into()), DatasetSource::Mnist),
        with_test(DatasetSource::Csv("train.csv".into()), DatasetSource::Csv(String::new())),
    ] {
        let message = config.validate().unwrap_err().to_string();
        assert!(message.starts_with("invalid test_dataset: "), "{message}");
        // Every entry point validates through the config.
        let rfm = RfmConfig { data: config.clone(), ..RfmConfig::default() };
        assert_eq!(rfm.validate().unwrap_err().to_string(), message);
        let mlp = MlpConfig { data: config, ..MlpConfig::default() };
        assert_eq!(mlp.validate().unwrap_err().to_string(), message);
    }
    let message = with_test(DatasetSource::Mnist, test_file()).validate().unwrap_err().to_string();
    assert!(message.contains("a test file goes with a CSV training file"), "{message}");
    csv_config(Some("test.csv")).validate().unwrap();
    // n_test is not used with a test file, so it cannot exceed the sample limit either.
    DataConfig { n_test: 50_000, ..csv_config(Some("test.csv")) }.validate().unwrap();
    assert!(DataConfig { n_test: 50_000, ..csv_config(None) }.validate().is_err());
}

#[test]
fn configs_without_a_test_file_read_and_write_as_before() {
    let json = serde_json::to_value(RfmConfig::default()).unwrap();
    assert!(json["data"].get("test_dataset").is_none(), "absent when not set: {json}");
    let read: RfmConfig = serde_json::from_value(json).unwrap();
    assert_eq!(read, RfmConfig::default());
    let with_test = RfmConfig { data: csv_config(Some("held out.csv")), ..RfmConfig::default() };
    let json = serde_json::to_value(&with_test).unwrap();
    assert_eq!(json["data"]["test_dataset"], "csv:held out.csv");
    assert_eq!(serde_json::from_value::<RfmConfig>(json).unwrap(), with_test);
    assert!(serde_json::from_str::<DataConfig>(r#"{"test_dataset": "csv:"}"#).is_err());

    // The link names the test file as it names the training file, and opens neither.
    let without = RfmConfig { data: csv_config(None), ..RfmConfig::default() };
    assert!(!to_hash(&without).contains("test_dataset"), "{}", to_hash(&without));
    let hash = to_hash(&with_test);
    assert!(hash.starts_with("dataset=csv:train.csv&test_dataset=csv:held out.csv&"), "{hash}");
    let (read, messages) = from_hash(&hash, &[]);
    assert_eq!(read.data.test_dataset, None);
    assert!(
        messages.iter().any(|m| m.contains("a test file cannot be opened from a link; load it again")),
        "{messages:?}"
    );
    let (_, messages) = from_hash("test_dataset=mnist", &[]);
    assert!(messages.iter().any(|m| m.contains("invalid test_dataset")), "{messages:?}");
    // Like the training file's control, the test file's is no setting a teacher link hides.
    assert!(!agop_collapse::hash::setting_keys().contains(&"test_dataset"));
}

/// The scalar metrics and the class-mean spectrum of `a` and `b` agree to `tolerance` (relative).
fn same_metrics(a: &Metrics, b: &Metrics, tolerance: f64, what: &str) {
    let spectra = a.class_mean_singular_values.iter().zip(&b.class_mean_singular_values);
    let named = a.named().into_iter().zip(b.named()).map(|((name, x), (_, y))| (name, x, y));
    for (name, x, y) in named.chain(spectra.map(|(x, y)| ("class_mean_singular_values", *x, *y))) {
        assert!((x - y).abs() <= tolerance * x.abs().max(y.abs()).max(1e-300), "{what} {name}: {x} vs {y}");
    }
}

#[test]
fn the_training_rows_as_test_set_give_stages_test_equal_to_stages() {
    let text = three_classes(90, 0.0);
    let config = RfmConfig { data: csv_config(Some("test.csv")), depth: 3, width: 64, ..RfmConfig::default() };
    let split = data::load_with_test_file(&config.data, 0, None, Some(&text), Some(&text)).unwrap();
    let result = DeepRfm::run(config, split).unwrap();
    assert_eq!((result.dataset.n_train, result.dataset.n_test), (90, 90));
    assert_eq!(result.dataset.test_file.as_deref(), Some("test.csv"));
    for layer in &result.layers {
        let test = layer.stages_test.as_ref().expect("every class is in the test file");
        let what = |stage: &str| format!("layer {} {stage}", layer.layer);
        same_metrics(&layer.stages.x, &test.x, 1e-9, &what("X"));
        same_metrics(&layer.stages.mx, &test.mx, 1e-9, &what("MX"));
        same_metrics(&layer.stages.phi_mx, &test.phi_mx, 1e-9, &what("PhiMX"));
        assert_eq!(layer.test_acc, Some(layer.train_acc), "layer {}", layer.layer);
    }

    // Other rows of the same classes: held-out metrics of their own.
    let held_out = three_classes(45, 0.5);
    let config = RfmConfig { data: csv_config(Some("test.csv")), depth: 2, width: 64, ..RfmConfig::default() };
    let split = data::load_with_test_file(&config.data, 0, None, Some(&text), Some(&held_out)).unwrap();
    let result = DeepRfm::run(config, split).unwrap();
    assert_eq!(result.dataset.n_test, 45);
    let first = &result.layers[0];
    let test = first.stages_test.as_ref().unwrap();
    assert_ne!(test.x.nc1, first.stages.x.nc1);
    assert!(first.test_acc.unwrap() > 0.6, "above chance (1/3): {:?}", first.test_acc);
}

#[test]
fn the_network_measures_its_test_accuracy_on_the_test_file() {
    let text = three_classes(60, 0.0);
    let config = MlpConfig {
        data: csv_config(Some("test.csv")),
        depth: 2,
        width: 16,
        epochs: 2,
        measure_every: 1,
        ..MlpConfig::default()
    };
    let split = data::load_with_test_file(&config.data, 0, None, Some(&text), Some(&text)).unwrap();
    let result = MlpTraining::run(config, split).unwrap();
    assert_eq!((result.dataset.n_test, result.dataset.test_file.as_deref()), (60, Some("test.csv")));
    for measurement in &result.history {
        // The test rows are the training rows: the same accuracy.
        assert_eq!(measurement.test_acc, Some(measurement.train_acc), "epoch {}", measurement.epoch);
    }
}

#[test]
fn the_memory_check_counts_the_test_files_rows() {
    // One feature, the identity map: the kernel matrices dominate. The training rows alone fit
    // the command line's budget, with the test rows they do not.
    let (n, m) = (14_500, 5_400);
    let config =
        RfmConfig { data: csv_config(Some("test.csv")), feature: FeatureKind::Identity, ..RfmConfig::default() };
    let shape = |n_test| RunShape { n_train: n, n_test, dim: 1, classes: 2 };
    assert!(rfm_peak_bytes(shape(0), 1, false) <= CLI_BUDGET && rfm_peak_bytes(shape(m), 1, false) > CLI_BUDGET);
    let rows = |count: usize| -> String {
        std::iter::once("label,x\n".to_string()).chain((0..count).map(|i| format!("{},{}\n", i % 2, i % 97))).collect()
    };
    let split = data::load_with_test_file(&config.data, 0, None, Some(&rows(n)), Some(&rows(m))).unwrap();
    assert_eq!(DatasetSummary::of(&split).shape(), shape(m));
    assert!(matches!(DeepRfm::new(config.clone(), split), Err(Error::MemoryBudget { .. })));
    let split = data::load_with_test_file(&config.data, 0, None, Some(&rows(n)), Some(&rows(10))).unwrap();
    assert!(DeepRfm::new(config, split).is_ok());
}

/// A training file of two classes and three features, its header optional.
fn training_table(header: bool) -> csv::Table {
    let mut text = if header { "a,label,b,c\n".to_string() } else { String::new() };
    for i in 0..6 {
        let label = if header { ["x", "y"][i % 2].to_string() } else { (i % 2).to_string() };
        let row = if header { format!("{i},{label},1,2\n") } else { format!("{label},{i},1,2\n") };
        text.push_str(&row);
    }
    csv::parse_table(&text).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever the test file holds: no panic, an error naming the file, or rows of the training
    /// file's width with its classes and finite values.
    #[test]
    fn any_test_file_is_read_or_refused_with_a_message(
        header in any::<bool>(),
        text in prop_oneof![
            any::<String>(),
            "(a,label,b,c\n)?([0-9xy]{0,2},[0-9xy.e-]{0,3},[0-9.]{0,2},[0-9]{0,2}\r?\n){0,6}",
            "([01],[0-9.-]{0,3},[0-9]{0,2}(,[0-9])?\n){0,6}",
        ],
    ) {
        let training = training_table(header);
        match csv::parse_test(&text, "t.csv", &training) {
            Ok(test) => {
                prop_assert!(!test.is_empty());
                prop_assert_eq!(test.features.ncols(), training.columns.width - 1);
                prop_assert!(test.features.len() <= MAX_VALUES);
                prop_assert!(test.features.iter().all(|v| v.is_finite()));
                prop_assert!(test.labels.iter().all(|&y| y < training.dataset.classes()));
                prop_assert_eq!(&test.class_names, &training.dataset.class_names);
            }
            Err(error) => {
                let is_test_files = matches!(&error, Error::InTestFile { .. });
                prop_assert!(is_test_files, "{:?}", error);
                prop_assert!(error.to_string().starts_with("the test file t.csv: "), "{}", error);
            }
        }
    }
}

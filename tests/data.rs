//! Data: the MNIST binary, balanced seeded splits, pooling, standardisation, synthetic
//! mixtures and CSV parsing.

mod common;

use std::collections::HashSet;

use agop_collapse::Error;
use agop_collapse::data::mnist::Mnist;
use agop_collapse::data::{self, DataConfig, DatasetSource, Split, csv};

fn raw(config: DataConfig, seed: u64) -> Split {
    let config = DataConfig { standardize: false, ..config };
    data::load(&config, seed, Some(&common::mnist()), None).unwrap()
}

fn row_keys(features: &agop_collapse::linalg::Mat) -> Vec<Vec<u64>> {
    features.row_iter().map(|r| r.iter().map(|v| v.to_bits()).collect()).collect()
}

#[test]
fn shipped_mnist_holds_the_packages_ten_thousand_digits() {
    let mnist = common::mnist();
    assert_eq!((mnist.len(), mnist.rows, mnist.cols), (10_000, 28, 28));
    let mut counts = [0usize; 10];
    mnist.labels.iter().for_each(|&l| counts[l as usize] += 1);
    assert_eq!(counts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    let first: Vec<f64> = mnist.image(0).collect();
    assert!(first.iter().all(|v| (0.0..=1.0).contains(v)) && first.iter().any(|&v| v > 0.9));
}

#[test]
fn mnist_binary_round_trips_and_rejects_damage() {
    let values: Vec<f64> = (0..3 * 4).map(|i| [0.0, 0.2, 0.624, 1.0][i % 4]).collect();
    let mnist = Mnist::from_values(2, 2, vec![3, 1, 4], &values).unwrap();
    let bytes = mnist.encode();
    let decoded = Mnist::decode(&bytes).unwrap();
    assert_eq!(decoded, mnist);
    assert_eq!(decoded.image(2).collect::<Vec<_>>(), values[8..12].to_vec(), "grey values restored exactly");

    let mut flipped = bytes.clone();
    flipped[40] ^= 1;
    let truncated = &bytes[..bytes.len() - 3];
    for damaged in [&flipped[..], truncated, b"not a file"] {
        let error = Mnist::decode(damaged).unwrap_err().to_string();
        assert!(error.contains("damaged") && error.contains("./build.sh"), "{error}");
    }
}

#[test]
fn mnist_split_is_balanced_disjoint_and_seeded() {
    let split = raw(DataConfig { n_train: 300, n_test: 100, ..DataConfig::default() }, 4);
    for (set, per_class) in [(&split.train, 30), (&split.test, 10)] {
        let mut counts = vec![0; 10];
        set.labels.iter().for_each(|&y| counts[y] += 1);
        assert_eq!(counts, vec![per_class; 10]);
    }
    let train: HashSet<Vec<u64>> = row_keys(&split.train.features).into_iter().collect();
    assert_eq!(train.len(), 300, "no digit drawn twice");
    assert!(row_keys(&split.test.features).iter().all(|r| !train.contains(r)), "train and test disjoint");

    let again = raw(DataConfig { n_train: 300, n_test: 100, ..DataConfig::default() }, 4);
    assert_eq!(again, split);
    let other = raw(DataConfig { n_train: 300, n_test: 100, ..DataConfig::default() }, 5);
    assert_ne!(other.train.features, split.train.features);
}

#[test]
fn chosen_digits_become_the_classes_in_order() {
    let split = raw(DataConfig { digits: vec![7, 3], n_train: 40, n_test: 0, ..DataConfig::default() }, 0);
    assert_eq!(split.train.class_names, vec!["7", "3"]);
    assert_eq!(split.train.classes(), 2);
    let mnist = common::mnist();
    // Every training image is a 7 (class 0) or a 3 (class 1): find it among the originals.
    let originals: Vec<(Vec<u64>, u8)> =
        (0..mnist.len()).map(|i| (mnist.image(i).map(f64::to_bits).collect(), mnist.labels[i])).collect();
    for (row, &class) in row_keys(&split.train.features).iter().zip(&split.train.labels) {
        let digit = originals.iter().find(|(pixels, _)| pixels == row).expect("an original image").1;
        assert_eq!(digit, [7, 3][class]);
    }
}

#[test]
fn pooling_averages_two_by_two_blocks() {
    let full = raw(DataConfig { n_train: 20, n_test: 0, ..DataConfig::default() }, 1);
    let pooled = raw(DataConfig { n_train: 20, n_test: 0, pool: 2, ..DataConfig::default() }, 1);
    assert_eq!((pooled.train.features.ncols(), pooled.train.image_shape), (196, Some((14, 14))));
    let f = &full.train.features;
    for (r, c) in [(0, 0), (6, 7), (13, 13)] {
        let expected = (f[(3, 56 * r + 2 * c)]
            + f[(3, 56 * r + 2 * c + 1)]
            + f[(3, 56 * r + 28 + 2 * c)]
            + f[(3, 56 * r + 29 + 2 * c)])
            / 4.0;
        assert_eq!(pooled.train.features[(3, 14 * r + c)], expected);
    }
}

#[test]
fn standardisation_uses_training_statistics() {
    let config = DataConfig { n_train: 100, n_test: 50, ..DataConfig::default() };
    let raw_split = raw(config.clone(), 2);
    let split = data::load(&config, 2, Some(&common::mnist()), None).unwrap();
    let n = 100.0;
    let mut constant_columns = 0;
    for j in 0..784 {
        let raw_column = raw_split.train.features.column(j);
        let column = split.train.features.column(j);
        if raw_column.iter().all(|&v| v == raw_column[0]) {
            constant_columns += 1;
            assert!(column.iter().all(|&v| v == 0.0) && split.test.features.column(j).iter().all(|&v| v == 0.0));
            continue;
        }
        let mean = column.sum() / n;
        let var = column.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        assert!(mean.abs() < 1e-12 && (var - 1.0).abs() < 1e-12, "column {j}: mean {mean}, variance {var}");
        // The test set is moved by the training mean and deviation, not its own.
        let raw_mean = raw_column.sum() / n;
        let raw_std = (raw_column.iter().map(|v| (v - raw_mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let expected = (raw_split.test.features[(0, j)] - raw_mean) / raw_std;
        assert!((split.test.features[(0, j)] - expected).abs() < 1e-12);
    }
    assert!(constant_columns > 30, "MNIST's border pixels are constant: {constant_columns}");
}

#[test]
fn synthetic_mixture_has_the_asked_shape_and_rank() {
    let config = DataConfig {
        dataset: DatasetSource::Synthetic,
        classes: 3,
        dim: 20,
        rank: 4,
        n_train: 90,
        n_test: 30,
        standardize: false,
        ..DataConfig::default()
    };
    let split = data::load(&config, 3, None, None).unwrap();
    assert_eq!((split.train.len(), split.test.len(), split.train.features.ncols()), (90, 30, 20));
    assert_eq!(split.train.labels.iter().filter(|&&y| y == 2).count(), 30);
    let singular = split.train.features.clone().singular_values();
    let mut sorted: Vec<f64> = singular.iter().copied().collect();
    sorted.sort_by(|a, b| b.total_cmp(a));
    assert!(sorted[3] > 1e-3 * sorted[0] && sorted[4] < 1e-10 * sorted[0], "rank 4 expected: {sorted:?}");
    assert_eq!(data::load(&config, 3, None, None).unwrap(), split);
}

#[test]
fn csv_with_header_text_labels_and_label_column_anywhere() {
    let text = "x1,class,x2\n1.5,cat,2\n-1,dog,0.5\n2,cat,1e-3\n3,dog,4\n";
    let table = csv::parse(text).unwrap();
    assert_eq!(table.class_names, vec!["cat", "dog"]);
    assert_eq!(table.labels, vec![0, 1, 0, 1]);
    assert_eq!(table.features.row(2).iter().copied().collect::<Vec<_>>(), vec![2.0, 1e-3]);

    let headerless = csv::parse("10,0.1,0.2\n2,0.3,0.4\n10,0.5,0.6\n2,0.7,0.8\n").unwrap();
    assert_eq!(headerless.class_names, vec!["2", "10"], "numeric labels in numeric order");
    assert_eq!(headerless.labels, vec![1, 0, 1, 0]);
}

#[test]
fn bad_csv_gets_a_message_that_locates_the_problem() {
    let cases = [
        ("label,a,b\n0,1,2\n1,3,x\n0,1,1\n1,2,2\n", "line 3, column 3"),
        ("label,a\n0,1\n0,2\n1,3\n", "single sample"),
        ("label,a\n0,1\n0,2\n", "at least two classes"),
        ("label,a,b\n0,1,2\n1,3\n", "line 3"),
        ("", "no rows"),
    ];
    for (text, needle) in cases {
        let error = csv::parse(text).unwrap_err();
        assert!(error.to_string().contains(needle), "{text:?}: {error}");
    }
    assert!(matches!(
        csv::parse("label,a\n0,1\n1,inf\n0,2\n1,1\n").unwrap_err(),
        Error::Csv { line: 3, column: 2, .. }
    ));
    let too_long: String = (0..20_001).map(|i| format!("{},{i}\n", i % 2)).collect();
    assert!(csv::parse(&too_long).unwrap_err().to_string().contains("too large"));
}

#[test]
fn csv_test_split_takes_rows_at_random_and_keeps_every_class_in_training() {
    let text: String = (0..20).map(|i| format!("{},{}\n", i % 2, i)).collect();
    let config = DataConfig {
        dataset: DatasetSource::Csv("mem".into()),
        n_test: 5,
        standardize: false,
        ..DataConfig::default()
    };
    let split = data::load(&config, 0, None, Some(&text)).unwrap();
    assert_eq!((split.train.len(), split.test.len()), (15, 5));
    let mut all: Vec<f64> = split.train.features.iter().chain(split.test.features.iter()).copied().collect();
    all.sort_by(f64::total_cmp);
    assert_eq!(all, (0..20).map(f64::from).collect::<Vec<_>>());
    let too_many = DataConfig { n_test: 20, ..config };
    assert!(
        data::load(&too_many, 0, None, Some(&text))
            .unwrap_err()
            .to_string()
            .contains("more samples than the data holds")
    );
}

#[test]
fn config_validation_names_the_field() {
    let cases: [(DataConfig, &str); 5] = [
        (DataConfig { digits: vec![1, 1], ..DataConfig::default() }, "digits"),
        (DataConfig { pool: 3, ..DataConfig::default() }, "pool"),
        (DataConfig { n_train: 10, ..DataConfig::default() }, "n_train"),
        (DataConfig { dataset: DatasetSource::Synthetic, rank: 60, ..DataConfig::default() }, "rank"),
        (DataConfig { dataset: DatasetSource::Synthetic, noise: f64::NAN, ..DataConfig::default() }, "noise"),
    ];
    for (config, field) in cases {
        let message = config.validate().unwrap_err().to_string();
        assert!(message.starts_with(&format!("invalid {field}:")), "{message}");
    }
}

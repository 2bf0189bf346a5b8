//! Datasets: rows are samples. MNIST, synthetic Gaussian mixtures and the user's CSV all end
//! up as a [`Split`] of two [`Dataset`]s, standardised with the training statistics.

pub mod config;
pub mod csv;
pub mod labels;
pub mod mnist;
pub mod synthetic;

pub use config::{DataConfig, DatasetSource};

use crate::error::{Error, Result};
use crate::linalg::Mat;
use crate::rng::{Purpose, Stream};

/// Labelled samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// n x d, one row per sample.
    pub features: Mat,
    /// Class index (`0..class_names.len()`) of every row.
    pub labels: Vec<usize>,
    /// A display name for every class (for MNIST the digit).
    pub class_names: Vec<String>,
    /// Height and width when the features are the pixels of an image.
    pub image_shape: Option<(usize, usize)>,
}

impl Dataset {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.class_names.len()
    }

    /// The rows at `indices`, in that order.
    pub fn subset(&self, indices: &[usize]) -> Dataset {
        Dataset {
            features: self.features.select_rows(indices),
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
            class_names: self.class_names.clone(),
            image_shape: self.image_shape,
        }
    }
}

/// Training and test samples of the same classes and features (disjoint, unless the user's
/// test file repeats training rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub name: String,
    pub train: Dataset,
    /// May have no rows.
    pub test: Dataset,
    /// The name of the user's test file when `test` holds its rows; `None` when the test samples
    /// were drawn from the data.
    pub test_file: Option<String>,
}

/// Loads the data `config` asks for, with randomness from `seed`. `mnist` must be given when
/// the source is MNIST, `csv_text` when it is a CSV file; validates `config` first. A config
/// with a test file needs [`load_with_test_file`].
pub fn load(config: &DataConfig, seed: u64, mnist: Option<&mnist::Mnist>, csv_text: Option<&str>) -> Result<Split> {
    load_with_test_file(config, seed, mnist, csv_text, None)
}

/// [`load`], with `test_csv_text` the text of the test file when `config.test_dataset` names
/// one: then the training file's rows all train, the test file's rows are the test set (its
/// labels numbered as the training file's classes) and `n_test` is not used. A test file that
/// does not fit the training file is refused with a message naming it and the line.
pub fn load_with_test_file(
    config: &DataConfig,
    seed: u64,
    mnist: Option<&mnist::Mnist>,
    csv_text: Option<&str>,
    test_csv_text: Option<&str>,
) -> Result<Split> {
    config.validate()?;
    let mut rng = Stream::new(seed, Purpose::Data);
    let mut split = match &config.dataset {
        DatasetSource::Mnist => {
            let digits = mnist.ok_or_else(|| Error::Data("the MNIST data was not loaded".into()))?;
            mnist_split(config, digits, &mut rng)?
        }
        DatasetSource::Synthetic => synthetic::generate(config, &mut rng),
        DatasetSource::Csv(path) => {
            let text = csv_text.ok_or_else(|| Error::Data(format!("the CSV file {path} was not loaded")))?;
            match &config.test_dataset {
                // `validate` allows no other test source.
                Some(DatasetSource::Csv(test_path)) => {
                    let test_text = test_csv_text
                        .ok_or_else(|| Error::Data(format!("the test file {test_path} was not loaded")))?;
                    test_file_split(csv::parse_table(text)?, test_path, test_text)?
                }
                _ => csv_split(config, csv::parse(text)?, &mut rng)?,
            }
        }
    };
    if config.standardize {
        standardize(&mut split);
    }
    Ok(split)
}

/// How many of `total` samples each of `classes` classes gets: as equal as possible, the first
/// classes taking one more when `total` does not divide.
pub fn per_class_counts(total: usize, classes: usize) -> Vec<usize> {
    (0..classes).map(|c| total / classes + usize::from(c < total % classes)).collect()
}

/// Seeded, class-balanced, disjoint train and test subsets of the chosen digits.
fn mnist_split(config: &DataConfig, digits: &mnist::Mnist, rng: &mut Stream) -> Result<Split> {
    let classes = config.digits.len();
    let train_counts = per_class_counts(config.n_train, classes);
    let test_counts = per_class_counts(config.n_test, classes);
    let (mut train_rows, mut test_rows) = (Vec::new(), Vec::new());
    for (class, &digit) in config.digits.iter().enumerate() {
        let mut available: Vec<usize> = (0..digits.len()).filter(|&i| digits.labels[i] == digit).collect();
        let wanted = train_counts[class] + test_counts[class];
        if wanted > available.len() {
            return Err(Error::Data(format!(
                "more samples than the data holds: digit {digit} has {} images, {} train + {} test were asked",
                available.len(),
                train_counts[class],
                test_counts[class]
            )));
        }
        rng.shuffle(&mut available);
        train_rows.extend(available[..train_counts[class]].iter().map(|&i| (i, class)));
        test_rows.extend(available[train_counts[class]..wanted].iter().map(|&i| (i, class)));
    }
    let factor = config.pool;
    let (rows, cols) = (digits.rows / factor, digits.cols / factor);
    let build = |chosen: &[(usize, usize)]| {
        let mut features = Mat::zeros(chosen.len(), rows * cols);
        for (r, &(index, _)) in chosen.iter().enumerate() {
            let image: Vec<f64> = digits.image(index).collect();
            let pooled = average_pool(&image, digits.rows, digits.cols, factor);
            for (j, v) in pooled.into_iter().enumerate() {
                features[(r, j)] = v;
            }
        }
        Dataset {
            features,
            labels: chosen.iter().map(|&(_, class)| class).collect(),
            class_names: config.digits.iter().map(|d| d.to_string()).collect(),
            image_shape: Some((rows, cols)),
        }
    };
    Ok(Split { name: "mnist".into(), train: build(&train_rows), test: build(&test_rows), test_file: None })
}

/// Average pooling of a row-major `rows x cols` image over `factor x factor` blocks (a partial
/// block at the edge is dropped). `factor == 1` returns the image as is.
pub fn average_pool(image: &[f64], rows: usize, cols: usize, factor: usize) -> Vec<f64> {
    if factor == 1 {
        return image.to_vec();
    }
    let (out_rows, out_cols) = (rows / factor, cols / factor);
    let area = (factor * factor) as f64;
    let mut out = Vec::with_capacity(out_rows * out_cols);
    for r in 0..out_rows {
        for c in 0..out_cols {
            let mut sum = 0.0;
            for dr in 0..factor {
                for dc in 0..factor {
                    sum += image[(r * factor + dr) * cols + c * factor + dc];
                }
            }
            out.push(sum / area);
        }
    }
    out
}

/// Every CSV row is used: `n_test` of them, drawn at random, form the test set; the rest, in
/// file order, the training set.
fn csv_split(config: &DataConfig, table: Dataset, rng: &mut Stream) -> Result<Split> {
    if config.n_test >= table.len() {
        return Err(Error::Data(format!(
            "more samples than the data holds: the CSV has {} rows, {} were asked for the test set",
            table.len(),
            config.n_test
        )));
    }
    let mut order: Vec<usize> = (0..table.len()).collect();
    rng.shuffle(&mut order);
    let mut test_rows = order[..config.n_test].to_vec();
    let mut train_rows = order[config.n_test..].to_vec();
    test_rows.sort_unstable();
    train_rows.sort_unstable();
    let train = table.subset(&train_rows);
    let mut present = vec![false; train.classes()];
    train.labels.iter().for_each(|&y| present[y] = true);
    if let Some(missing) = present.iter().position(|p| !p) {
        return Err(Error::Data(format!(
            "class '{}' has no training sample left after the test split; use a smaller test set",
            train.class_names[missing]
        )));
    }
    Ok(Split { name: "csv".into(), test: table.subset(&test_rows), train, test_file: None })
}

/// Every row of the training file trains; the rows of the test file `name` (its `text`) are the
/// test set. Their sum is held to the lab's sample limit.
fn test_file_split(table: csv::Table, name: &str, text: &str) -> Result<Split> {
    let test = csv::parse_test(text, name, &table)?;
    let train = table.dataset;
    let samples = train.len() + test.len();
    if samples > config::MAX_SAMPLES {
        return Err(Error::InTestFile {
            name: name.to_string(),
            source: Box::new(Error::Data(format!(
                "together with the training file's {} rows, its {} rows are {samples} samples; the lab takes at most {}",
                train.len(),
                test.len(),
                config::MAX_SAMPLES
            ))),
        });
    }
    Ok(Split { name: "csv".into(), train, test, test_file: Some(name.to_string()) })
}

/// Standardises every feature with the training mean and standard deviation (ddof 1), train
/// and test alike. A feature whose training values are all equal becomes 0.
/// Precondition: at least two training samples.
pub fn standardize(split: &mut Split) {
    let train = &split.train.features;
    let n = train.nrows() as f64;
    let statistics: Vec<Option<(f64, f64)>> = train
        .column_iter()
        .map(|column| {
            // Exact test: a constant column can have a rounding-sized computed deviation.
            let first = column[0];
            if column.iter().all(|&v| v == first) {
                return None;
            }
            let mean = column.sum() / n;
            // Deviations scaled by the largest one, so that their squares neither underflow
            // (a spread of 1e-200) nor overflow (values of 1e200).
            let largest = column.iter().map(|v| (v - mean).abs()).fold(0.0, f64::max);
            let spread = column.iter().map(|v| ((v - mean) / largest).powi(2)).sum::<f64>() / (n - 1.0);
            Some((mean, largest * spread.sqrt()))
        })
        .collect();
    for features in [&mut split.train.features, &mut split.test.features] {
        for (mut column, stats) in features.column_iter_mut().zip(&statistics) {
            match stats {
                Some((mean, std)) => column.apply(|v| *v = (*v - mean) / std),
                None => column.fill(0.0),
            }
        }
    }
}

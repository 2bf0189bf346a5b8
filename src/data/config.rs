//! What data an experiment uses: the validated data part of every config.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::memory::RunShape;

/// Largest number of samples (train + test) the lab accepts.
pub const MAX_SAMPLES: usize = 20_000;
/// Largest dimension of generated data.
pub const MAX_DIM: usize = 4096;

/// Where the samples come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum DatasetSource {
    /// The shipped MNIST subset (10,000 digits).
    Mnist,
    /// A seeded Gaussian mixture.
    Synthetic,
    /// The user's CSV file (the path, or a name for data given in memory).
    Csv(String),
}

impl std::str::FromStr for DatasetSource {
    type Err = String;
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        match text {
            "mnist" => Ok(DatasetSource::Mnist),
            "synthetic" => Ok(DatasetSource::Synthetic),
            _ => match text.strip_prefix("csv:") {
                Some(path) if !path.is_empty() => Ok(DatasetSource::Csv(path.to_string())),
                _ => Err(format!("unknown dataset '{text}' (expected mnist, synthetic or csv:PATH)")),
            },
        }
    }
}

impl TryFrom<String> for DatasetSource {
    type Error = String;
    fn try_from(text: String) -> std::result::Result<Self, String> {
        text.parse()
    }
}

impl From<DatasetSource> for String {
    fn from(source: DatasetSource) -> String {
        match source {
            DatasetSource::Mnist => "mnist".into(),
            DatasetSource::Synthetic => "synthetic".into(),
            DatasetSource::Csv(path) => format!("csv:{path}"),
        }
    }
}

/// The data of an experiment. `Default` is the lab's default: 1000 MNIST training digits
/// (100 per class), 500 test digits, all ten classes, 28 x 28, standardised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataConfig {
    pub dataset: DatasetSource,
    /// Training samples, spread evenly over the classes (for a CSV: every row not in the test set).
    pub n_train: usize,
    /// Test samples, spread evenly over the classes (for a CSV: drawn at random); 0 for none.
    /// Not used with a `test_dataset`.
    pub n_test: usize,
    /// MNIST: the digits used, as classes in this order.
    pub digits: Vec<u8>,
    /// MNIST: 1 keeps 28 x 28, 2 averages 2 x 2 blocks (14 x 14).
    pub pool: usize,
    /// Synthetic: number of classes.
    pub classes: usize,
    /// Synthetic: dimension of the samples.
    pub dim: usize,
    /// Synthetic: distance of every class mean from the origin.
    pub separation: f64,
    /// Synthetic: standard deviation of the noise around each class mean.
    pub noise: f64,
    /// Synthetic: dimension of the random subspace the data lies on; 0 for full rank.
    pub rank: usize,
    /// Standardise every feature with the training mean and standard deviation.
    pub standardize: bool,
    /// The user's own test set: a CSV file with the training file's columns (only with a CSV
    /// training file). Then every row of the training file trains and `n_test` is not used.
    /// `None` (absent from the JSON): the test set is drawn from the data (`n_test`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_dataset: Option<DatasetSource>,
}

impl Default for DataConfig {
    fn default() -> Self {
        DataConfig {
            dataset: DatasetSource::Mnist,
            n_train: 1000,
            n_test: 500,
            digits: (0..10).collect(),
            pool: 1,
            classes: 4,
            dim: 50,
            separation: 3.0,
            noise: 1.0,
            rank: 0,
            standardize: true,
            test_dataset: None,
        }
    }
}

impl DataConfig {
    /// The number of classes, when the config alone decides it (not for a CSV file).
    pub fn class_count(&self) -> Option<usize> {
        match self.dataset {
            DatasetSource::Mnist => Some(self.digits.len()),
            DatasetSource::Synthetic => Some(self.classes),
            DatasetSource::Csv(_) => None,
        }
    }

    /// The sizes of the run's data, when the config alone decides them (not for a CSV file).
    pub fn shape(&self) -> Option<RunShape> {
        let dim = match self.dataset {
            DatasetSource::Mnist => (28 / self.pool.max(1)).pow(2),
            DatasetSource::Synthetic => self.dim,
            DatasetSource::Csv(_) => return None,
        };
        Some(RunShape { n_train: self.n_train, n_test: self.n_test, dim, classes: self.class_count()? })
    }

    /// Checks every value; the message names the field and what it must be.
    pub fn validate(&self) -> Result<()> {
        // Checked for every source: a value that is never used must still read back from JSON.
        if !(self.separation.is_finite() && self.separation >= 0.0) {
            return Err(Error::config("separation", format!("must be a number >= 0, got {}", self.separation)));
        }
        if !(self.noise.is_finite() && self.noise > 0.0) {
            return Err(Error::config("noise", format!("must be a number > 0, got {}", self.noise)));
        }
        // A test file's rows are counted once it is read (see `crate::data::load`).
        let n_test = if self.test_dataset.is_some() { 0 } else { self.n_test };
        let samples = self.n_train.saturating_add(n_test);
        if samples > MAX_SAMPLES {
            return Err(Error::config(
                "n_train",
                format!("train + test samples must be at most {MAX_SAMPLES}, got {samples}"),
            ));
        }
        if let DatasetSource::Csv(name) = &self.dataset
            && name.is_empty()
        {
            return Err(Error::config("dataset", "a CSV file needs a name"));
        }
        match (&self.test_dataset, &self.dataset) {
            (None, _) => {}
            (Some(DatasetSource::Csv(name)), _) if name.is_empty() => {
                return Err(Error::config("test_dataset", "a CSV file needs a name"));
            }
            (Some(DatasetSource::Csv(_)), DatasetSource::Csv(_)) => {}
            (Some(DatasetSource::Csv(_)), _) => {
                return Err(Error::config(
                    "test_dataset",
                    "a test file goes with a CSV training file (dataset csv:PATH); with the shipped or \
                     synthetic data the test samples are drawn from the data (n_test)",
                ));
            }
            (Some(other), _) => {
                return Err(Error::config(
                    "test_dataset",
                    format!("must be a CSV file (csv:PATH), got {}", String::from(other.clone())),
                ));
            }
        }
        if let DatasetSource::Mnist = self.dataset {
            let mut sorted = self.digits.clone();
            sorted.sort_unstable();
            sorted.dedup();
            if sorted.len() != self.digits.len() || self.digits.iter().any(|&d| d > 9) {
                return Err(Error::config("digits", "must be distinct digits from 0 to 9"));
            }
            if self.digits.len() < 2 {
                return Err(Error::config("digits", "choose at least two digits (classes)"));
            }
            if self.pool != 1 && self.pool != 2 {
                return Err(Error::config("pool", format!("must be 1 (28 x 28) or 2 (14 x 14), got {}", self.pool)));
            }
        }
        if let DatasetSource::Synthetic = self.dataset {
            if !(2..=100).contains(&self.classes) {
                return Err(Error::config("classes", format!("must be between 2 and 100, got {}", self.classes)));
            }
            if !(1..=MAX_DIM).contains(&self.dim) {
                return Err(Error::config("dim", format!("must be between 1 and {MAX_DIM}, got {}", self.dim)));
            }
            if self.rank > self.dim {
                return Err(Error::config("rank", format!("must be at most dim ({}), got {}", self.dim, self.rank)));
            }
        }
        if let Some(classes) = self.class_count()
            && self.n_train < 2 * classes
        {
            return Err(Error::config(
                "n_train",
                format!(
                    "needs at least 2 samples per class ({} for {classes} classes), got {}",
                    2 * classes,
                    self.n_train
                ),
            ));
        }
        Ok(())
    }
}

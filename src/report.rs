//! The plain-data results of every experiment: produced once, then sent as they are to the
//! page, the command line's standard output and the tests (the Result JSON contract).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::mlp::MlpConfig;
use crate::config::rfm::RfmConfig;
use crate::data::Split;
use crate::memory::RunShape;
pub use crate::nc::Metrics;

/// What data an experiment ran on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    /// `mnist`, `synthetic` or `csv`.
    pub name: String,
    pub n_train: usize,
    pub n_test: usize,
    /// Number of input features (after pooling).
    pub dim: usize,
    /// Number of classes.
    pub classes: usize,
    /// A display name for every class.
    pub class_names: Vec<String>,
    /// `[height, width]` when the features are the pixels of an image.
    pub image_shape: Option<[usize; 2]>,
    /// The name of the user's test file when the test samples are its rows (`n_test` of them);
    /// absent when they were drawn from the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_file: Option<String>,
}

impl DatasetSummary {
    /// The summary of `split`.
    pub fn of(split: &Split) -> Self {
        DatasetSummary {
            name: split.name.clone(),
            n_train: split.train.len(),
            n_test: split.test.len(),
            dim: split.train.features.ncols(),
            classes: split.train.classes(),
            class_names: split.train.class_names.clone(),
            image_shape: split.train.image_shape.map(|(rows, cols)| [rows, cols]),
            test_file: split.test_file.clone(),
        }
    }

    /// The sizes the run's memory depends on.
    pub fn shape(&self) -> RunShape {
        RunShape { n_train: self.n_train, n_test: self.n_test, dim: self.dim, classes: self.classes }
    }
}

/// The metrics of the three measured stages of a Deep RFM layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmStages {
    /// The layer's input with unit-norm rows.
    #[serde(rename = "X")]
    pub x: Metrics,
    /// After the AGOP projection `X M^{1/2}`.
    #[serde(rename = "MX")]
    pub mx: Metrics,
    /// After the random feature map `Phi(X M^{1/2})`.
    #[serde(rename = "PhiMX")]
    pub phi_mx: Metrics,
}

/// A summary of the normalised AGOP `M` of a layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgopSummary {
    /// `tr(M)`.
    pub trace: f64,
    /// `tr(M)^2 / ||M||_F^2`: about K-1 when the AGOP projects onto the class-mean directions.
    pub effective_rank: f64,
    /// The largest eigenvalues of `M`, largest first (at most [`crate::rfm::TOP_EIGENVALUES`]).
    pub top_eigenvalues: Vec<f64>,
}

/// Seconds spent in every step of a layer, keyed by the steps' names ([`crate::rfm::Step`]),
/// which are not the measured stages ([`RfmStages`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct StepSeconds {
    /// Kernel matrices (train and test).
    pub kernel: f64,
    /// The ridge solve and the predictions.
    pub solve: f64,
    /// The AGOP.
    pub agop: f64,
    /// The square root of M and the projection of the data.
    pub sqrt: f64,
    /// The random feature map.
    pub features: f64,
    /// The collapse metrics.
    pub metrics: f64,
}

/// Everything measured at one Deep RFM layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerReport {
    /// 1-based.
    pub layer: usize,
    /// Number of features entering the layer.
    pub dim_in: usize,
    /// Accuracy of the layer's kernel predictor on the training samples.
    pub train_acc: f64,
    /// The same on the test samples (`None` without a test set).
    pub test_acc: Option<f64>,
    pub stages: RfmStages,
    /// The same metrics of the test samples, pushed through the same standardisation, row
    /// normalisation, projection and feature map, their NCC agreement against the layer's
    /// predictions of them: held-out collapse. `None` without a test set, or when a class has no
    /// test sample (its mean would not exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stages_test: Option<RfmStages>,
    pub agop: AgopSummary,
    /// `tr(U^T M U) / tr(M)` for the matrix M the layer projects with (after its normalisation by
    /// the largest entry, before the square root) and U an orthonormal basis of the centred class
    /// means of the layer's input X (rows normalised): the share of M along the class-mean
    /// directions, in [0, 1]; the identity gives r/p (see [`crate::nc::class_mean_alignment`]).
    pub agop_alignment: f64,
    pub seconds: StepSeconds,
}

/// The result of a whole Deep RFM run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmResult {
    /// Always `"rfm"`.
    pub kind: String,
    /// The validated config, every field.
    pub config: RfmConfig,
    pub dataset: DatasetSummary,
    /// The layers of the run of `config.seed` (with several seeds, the first seed's run, so that a
    /// reader of single runs reads real numbers of one run).
    pub layers: Vec<LayerReport>,
    /// Seconds spent computing the layers (of every seed).
    pub seconds_total: f64,
    /// With `config.seeds` > 1: every seed's run started so far, seed `config.seed` first (its
    /// layers are `layers`). Absent (empty) for a single seed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seed_runs: Vec<SeedRun>,
    /// With `config.seeds` > 1: per layer, the mean and spread of every number over the seeds
    /// that have computed that layer. Absent (empty) for a single seed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub across_seeds: Vec<LayerSpread>,
}

/// One seed's run within a result of several seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedRun {
    pub seed: u32,
    /// Its layers so far, exactly as a single run of this seed reports them.
    pub layers: Vec<LayerReport>,
    /// Seconds spent computing them.
    pub seconds_total: f64,
}

/// The mean and spread of one number over seeds (population standard deviations, numpy's
/// default `ddof = 0`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub mean: f64,
    pub std: f64,
    /// Mean of the natural logarithms (`exp` of it is the geometric mean): the centre of the
    /// band drawn on a log axis. `None` when a value is not positive.
    pub log_mean: Option<f64>,
    /// Standard deviation of the natural logarithms: the band on a log axis is
    /// `exp(log_mean -+ log_std)`. `None` when a value is not positive.
    pub log_std: Option<f64>,
}

/// The spread of every metric (by name, as in [`Metrics`]) at the three stages of a layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageSpreads {
    #[serde(rename = "X")]
    pub x: BTreeMap<String, Spread>,
    #[serde(rename = "MX")]
    pub mx: BTreeMap<String, Spread>,
    #[serde(rename = "PhiMX")]
    pub phi_mx: BTreeMap<String, Spread>,
}

/// The spread over seeds of the numbers of one Deep RFM layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerSpread {
    /// 1-based.
    pub layer: usize,
    /// How many seeds have computed this layer (all of them once the run is done).
    pub seeds: usize,
    pub train_acc: Spread,
    /// `None` without a test set.
    pub test_acc: Option<Spread>,
    pub stages: StageSpreads,
}

/// The metrics of the five measured stages of a hidden MLP layer with input Phi and weight
/// `W = U S V^T`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpStages {
    /// The layer's input Phi.
    #[serde(rename = "in")]
    pub input: Metrics,
    /// `Phi V`.
    #[serde(rename = "Vt")]
    pub vt: Metrics,
    /// `Phi V S`.
    #[serde(rename = "SVt")]
    pub svt: Metrics,
    /// `Phi W^T` (the pre-activation; the same NC1 as `SVt`).
    #[serde(rename = "USVt")]
    pub usvt: Metrics,
    /// `ReLU(Phi W^T)`, the layer's output.
    pub out: Metrics,
}

/// Everything measured at one hidden MLP layer at one epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpLayerReport {
    /// 1-based.
    pub layer: usize,
    pub stages: MlpStages,
    /// Pearson correlation of the entries of `W^T W` and `AGOP^{1/2}` (the Neural Feature
    /// Ansatz); `None` when either matrix has all entries equal.
    pub nfa: Option<f64>,
    /// The same with the AGOP itself.
    pub nfa_agop: Option<f64>,
    /// `tr(U^T W^T W U) / tr(W^T W)`, U an orthonormal basis of the row space of the centred
    /// class means of the layer's input on the training set: 1 when the weights read only the
    /// class-mean directions, r/p for an isotropic matrix. `None` when not finite.
    #[serde(default)]
    pub weight_alignment: Option<f64>,
    /// The same with the layer's AGOP (the one of `nfa`).
    #[serde(default)]
    pub agop_alignment: Option<f64>,
    /// The alpha of 0.05, 0.10, ..., 1.50 that maximises the correlation of `W^T W` and
    /// `AGOP^alpha` (the NFA exponent; ties to the smallest). `None` when no alpha gives a
    /// correlation.
    #[serde(default)]
    pub nfa_alpha: Option<f64>,
    /// That largest correlation.
    #[serde(default)]
    pub nfa_alpha_corr: Option<f64>,
    /// `[ln NC1(in) - ln NC1(SVt)] / [ln NC1(in) - ln NC1(out)]`: the share of the layer's
    /// collapse done by the right singular structure; `None` when NC1 does not change. Raw:
    /// it swings wildly where the layer barely collapses (see `little_collapse`).
    pub share: Option<f64>,
    /// The layer's own collapse, `ln NC1(in) - ln NC1(out)` (natural log; negative when NC1
    /// grows); `None` when not finite.
    pub nc1_drop: Option<f64>,
    /// True when the layer collapses too little for its share to mean anything: NC1 falls by
    /// less than a factor 1.2 (`nc1_drop < ln 1.2`), or by less than a tenth of the largest
    /// drop of any layer at the same measurement (see [`crate::mlp::measure::little_collapse`]).
    pub little_collapse: bool,
}

/// One measurement of an MLP during training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpMeasurement {
    /// Epochs trained before the measurement (0: at initialisation).
    pub epoch: usize,
    /// Mean squared error over all entries of the training targets.
    pub train_loss: f64,
    pub train_acc: f64,
    /// `None` without a test set.
    pub test_acc: Option<f64>,
    /// `|| W_out/||W_out||_F - Mt_L/||Mt_L||_F ||_F^2`, `W_out` the output layer's weights and
    /// `Mt_L` the centred class means of the last hidden layer's output on the training set:
    /// 0 when the output layer is self-dual (NC3). `None` when either is zero.
    #[serde(default)]
    pub nc3_output: Option<f64>,
    /// The hidden layers, first to last.
    pub layers: Vec<MlpLayerReport>,
}

/// The result of an MLP training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpResult {
    /// Always `"mlp"`.
    pub kind: String,
    /// The validated config, every field.
    pub config: MlpConfig,
    pub dataset: DatasetSummary,
    /// The measurements, oldest first.
    pub history: Vec<MlpMeasurement>,
    /// Seconds spent training and measuring.
    pub seconds_total: f64,
    /// The part of `seconds_total` spent measuring.
    #[serde(default)]
    pub seconds_measuring: f64,
    /// The mean training loss of every epoch trained so far, epoch 1 first: the squared errors
    /// of its batches, each taken just before the batch's update, averaged over all entries.
    /// Cheap, so known for every epoch, not only the measured ones.
    #[serde(default)]
    pub epoch_losses: Vec<f64>,
}

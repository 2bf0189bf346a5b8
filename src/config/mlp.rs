//! The validated settings of an MLP training run.

use serde::{Deserialize, Serialize};

use crate::data::DataConfig;
use crate::error::{Error, Result};
use crate::memory::{self, RunShape, mlp_peak_bytes};

/// Most hidden layers the lab builds.
pub const MAX_DEPTH: usize = 20;
/// Widest hidden layer the lab builds.
pub const MAX_WIDTH: usize = 4096;
/// Longest training the lab runs, in epochs.
pub const MAX_EPOCHS: usize = 10_000;

/// How the output layer's weights are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputInit {
    /// PyTorch's `nn.Linear` default, `U(-1/sqrt(fan_in), 1/sqrt(fan_in))`: the authors' code
    /// re-initialises only the hidden layers, so their output layer keeps it. The default.
    #[default]
    Torch,
    /// Xavier-uniform with the hidden layers' small gain: one knob scales the whole network,
    /// and training first sits on a long plateau.
    Xavier,
}

impl OutputInit {
    /// Every choice, in the order the lab lists them.
    pub const ALL: [OutputInit; 2] = [OutputInit::Torch, OutputInit::Xavier];

    /// The lower-case name used in configs, flags and links.
    pub fn name(self) -> &'static str {
        match self {
            OutputInit::Torch => "torch",
            OutputInit::Xavier => "xavier",
        }
    }
}

impl std::str::FromStr for OutputInit {
    type Err = String;
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        OutputInit::ALL
            .into_iter()
            .find(|k| k.name() == text)
            .ok_or_else(|| format!("unknown output initialisation '{text}' (expected torch or xavier)"))
    }
}

/// When Adam's state (moments and step count) starts afresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdamReset {
    /// One Adam for the whole run, as PyTorch users usually train. The default: at Adam 1e-3 on
    /// a small digits set the network leaves its plateau near epoch 80-95 with it, where the
    /// reset kept the authors' code at chance for 201 epochs in three seeds.
    #[default]
    Never,
    /// A fresh Adam at the start of every epoch, as the authors' script does (`nc_nn.py` builds
    /// a new `torch.optim.Adam` every epoch).
    Epoch,
}

impl AdamReset {
    /// Every choice, in the order the lab lists them.
    pub const ALL: [AdamReset; 2] = [AdamReset::Never, AdamReset::Epoch];

    /// The lower-case name used in configs, flags and links.
    pub fn name(self) -> &'static str {
        match self {
            AdamReset::Never => "never",
            AdamReset::Epoch => "epoch",
        }
    }
}

impl std::str::FromStr for AdamReset {
    type Err = String;
    fn from_str(text: &str) -> std::result::Result<Self, String> {
        AdamReset::ALL
            .into_iter()
            .find(|k| k.name() == text)
            .ok_or_else(|| format!("unknown Adam reset '{text}' (expected never or epoch)"))
    }
}

/// An MLP experiment. `Default` is the paper's network with width 256 (the authors' code uses
/// 512): MNIST (see [`DataConfig`]), 5 hidden layers of width 256 drawn xavier-uniform with gain
/// 0.1, the output layer at PyTorch's default, Adam with learning rate 1e-3 on batches of 128,
/// seed 0, one Adam for the whole run; trained for 70 epochs and measured every 20 (and at the end), so that the page's
/// default run shows the plateau and the collapse that ends it in seconds. The paper trains 200
/// epochs. The network trains in f32, as PyTorch does; its measurements are taken in f64.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MlpConfig {
    pub data: DataConfig,
    /// Number of hidden layers.
    pub depth: usize,
    /// Width of every hidden layer.
    pub width: usize,
    /// Gain of the hidden layers' xavier-uniform initialisation; small (0.1) is the
    /// feature-learning regime.
    pub gain: f64,
    /// How the output layer is drawn.
    pub output_init: OutputInit,
    /// Adam's step size.
    pub learning_rate: f64,
    /// Whether Adam starts afresh every epoch (the authors' script) or runs once (the default).
    pub adam_reset: AdamReset,
    /// Samples per mini-batch (the last batch of an epoch may be smaller).
    pub batch_size: usize,
    /// Passes over the training set.
    pub epochs: usize,
    /// Epochs between two measurements (there is always one before training and one at the end).
    pub measure_every: usize,
    /// The seed every random draw flows from.
    pub seed: u32,
}

impl Default for MlpConfig {
    fn default() -> Self {
        MlpConfig {
            data: DataConfig::default(),
            depth: 5,
            width: 256,
            gain: 0.1,
            output_init: OutputInit::Torch,
            learning_rate: 1e-3,
            adam_reset: AdamReset::Never,
            batch_size: 128,
            epochs: 70,
            measure_every: 20,
            seed: 0,
        }
    }
}

impl MlpConfig {
    /// Checks every value; the message names the field and what it must be.
    pub fn validate(&self) -> Result<()> {
        self.data.validate()?;
        if !(1..=MAX_DEPTH).contains(&self.depth) {
            return Err(Error::config("depth", format!("must be between 1 and {MAX_DEPTH}, got {}", self.depth)));
        }
        if !(1..=MAX_WIDTH).contains(&self.width) {
            return Err(Error::config("width", format!("must be between 1 and {MAX_WIDTH}, got {}", self.width)));
        }
        if !(self.gain.is_finite() && self.gain > 0.0) {
            return Err(Error::config("gain", format!("must be a positive number, got {}", self.gain)));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(Error::config(
                "learning_rate",
                format!("must be a positive number, got {}", self.learning_rate),
            ));
        }
        if self.batch_size == 0 {
            return Err(Error::config("batch_size", "must be at least 1, got 0"));
        }
        if self.epochs > MAX_EPOCHS {
            return Err(Error::config("epochs", format!("must be between 0 and {MAX_EPOCHS}, got {}", self.epochs)));
        }
        if self.measure_every == 0 {
            return Err(Error::config("measure_every", "must be at least 1, got 0"));
        }
        match self.data.shape() {
            Some(shape) => self.check_memory(shape),
            None => Ok(()),
        }
    }

    /// Refuses the config on data of `shape` when its peak memory is over this build's budget
    /// ([`memory::default_budget`]).
    pub fn check_memory(&self, shape: RunShape) -> Result<()> {
        memory::check(shape, memory::default_budget(), |s| mlp_peak_bytes(s, self.depth, self.width))
    }
}

//! A trained MLP next to Deep RFM: does its right singular structure do the collapsing, and does
//! `W^T W` track the AGOP (the Neural Feature Ansatz)?
//!
//! A bias-free ReLU network (`depth` hidden layers of `width`, then a linear layer to the K
//! classes) learns the +-1 targets `2 onehot(y) - 1` by mean squared error with Adam on shuffled
//! mini-batches. Before training, every `measure_every` epochs and at the end it is measured:
//! loss, accuracies, and per hidden layer the collapse metrics of the five stages of its
//! singular structure, the share of the collapse done by `S V^T`, and the NFA correlations
//! (see [`measure`]).

pub mod config;
pub mod measure;
pub mod network;

pub use config::MlpConfig;
pub use measure::MlpStage;
pub use network::{Adam, Network};

use web_time::Instant;

use crate::data::Split;
use crate::error::{Error, Result};
use crate::kernel::signed_one_hot;
use crate::report::{DatasetSummary, MlpMeasurement, MlpResult};
use crate::rng::{Purpose, Stream};
use measure::{Samples, measure_network};

/// An MLP training run in progress: call [`MlpTraining::train_epochs`] until
/// [`MlpTraining::is_done`], a few epochs at a time.
pub struct MlpTraining {
    config: MlpConfig,
    dataset: DatasetSummary,
    samples: Samples,
    network: Network,
    adam: Adam,
    shuffle_rng: Stream,
    /// Epochs trained so far.
    epoch: usize,
    history: Vec<MlpMeasurement>,
    /// Seconds spent inside `train_epochs`.
    seconds: f64,
}

impl MlpTraining {
    /// Starts a run of `config` on `split` (already loaded and standardised): draws the initial
    /// weights from the seed's init stream. Fails when the config is invalid.
    pub fn new(config: MlpConfig, split: Split) -> Result<Self> {
        config.validate()?;
        let dataset = DatasetSummary::of(&split);
        config.check_memory(dataset.shape())?;
        let (classes, dim) = (dataset.classes, dataset.dim);
        let seed = config.seed as u64;
        let network = Network::xavier(
            dim,
            config.width,
            config.depth,
            classes,
            config.gain,
            &mut Stream::new(seed, Purpose::Init),
        );
        let samples = Samples {
            targets: signed_one_hot(&split.train.labels, classes),
            train: split.train.features,
            labels: split.train.labels,
            test: split.test.features,
            test_labels: split.test.labels,
            classes,
        };
        Ok(MlpTraining {
            adam: Adam::new(network.weights(), config.learning_rate),
            shuffle_rng: Stream::new(seed, Purpose::Shuffle),
            network,
            samples,
            dataset,
            config,
            epoch: 0,
            history: Vec::new(),
            seconds: 0.0,
        })
    }

    /// Trains and measures every epoch of `config` on `split`.
    pub fn run(config: MlpConfig, split: Split) -> Result<MlpResult> {
        let mut training = MlpTraining::new(config, split)?;
        while !training.is_done() {
            training.train_epochs(usize::MAX)?;
        }
        Ok(training.into_result())
    }

    /// Advances the run. The first call only takes the measurement before training (epoch 0)
    /// and returns it. Later calls train up to `epochs` epochs, stopping right after an epoch
    /// whose measurement falls due (every `measure_every` epochs, and the last), which they
    /// return; `None` when no measurement fell due. Does nothing once [`MlpTraining::is_done`].
    /// Fails with [`Error::Diverged`] when the loss becomes NaN or infinite, and with
    /// [`Error::NonFinite`] when a measurement does.
    pub fn train_epochs(&mut self, epochs: usize) -> Result<Option<&MlpMeasurement>> {
        let start = Instant::now();
        let measured = self.advance(epochs);
        self.seconds += start.elapsed().as_secs_f64();
        Ok(if measured? { self.history.last() } else { None })
    }

    /// [`MlpTraining::train_epochs`]; true when it took a measurement.
    fn advance(&mut self, epochs: usize) -> Result<bool> {
        if self.history.is_empty() {
            self.measure()?;
            return Ok(true);
        }
        for _ in 0..epochs {
            if self.epoch >= self.config.epochs {
                break;
            }
            self.train_epoch()?;
            self.epoch += 1;
            if self.epoch.is_multiple_of(self.config.measure_every) || self.epoch == self.config.epochs {
                self.measure()?;
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// One pass over the training set in a freshly shuffled order; the last batch may be smaller.
    fn train_epoch(&mut self) -> Result<()> {
        let mut order: Vec<usize> = (0..self.samples.train.nrows()).collect();
        self.shuffle_rng.shuffle(&mut order);
        for batch in order.chunks(self.config.batch_size) {
            let x = self.samples.train.select_rows(batch);
            let targets = self.samples.targets.select_rows(batch);
            let (loss, gradients) = self.network.loss_and_gradients(&x, &targets);
            if !loss.is_finite() {
                return Err(Error::Diverged { epoch: self.epoch + 1 });
            }
            self.adam.step(self.network.weights_mut(), &gradients);
        }
        Ok(())
    }

    fn measure(&mut self) -> Result<()> {
        let measurement = measure_network(&self.network, &self.samples, self.epoch)?;
        self.history.push(measurement);
        Ok(())
    }

    /// True when every epoch is trained and measured.
    pub fn is_done(&self) -> bool {
        !self.history.is_empty() && self.epoch >= self.config.epochs
    }

    /// Epochs trained so far.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// The measurements so far, oldest first.
    pub fn history(&self) -> &[MlpMeasurement] {
        &self.history
    }

    /// The network as trained so far.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Class of every training sample.
    pub fn labels(&self) -> &[usize] {
        &self.samples.labels
    }

    /// The validated config of the run.
    pub fn config(&self) -> &MlpConfig {
        &self.config
    }

    /// What the run's data is.
    pub fn dataset(&self) -> &DatasetSummary {
        &self.dataset
    }

    /// The result of the measurements so far (a copy; the run can go on).
    pub fn result(&self) -> MlpResult {
        MlpResult {
            kind: "mlp".into(),
            config: self.config.clone(),
            dataset: self.dataset.clone(),
            history: self.history.clone(),
            seconds_total: self.seconds,
        }
    }

    /// The result of the measurements so far.
    pub fn into_result(self) -> MlpResult {
        MlpResult {
            kind: "mlp".into(),
            config: self.config,
            dataset: self.dataset,
            history: self.history,
            seconds_total: self.seconds,
        }
    }
}

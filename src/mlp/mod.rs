//! A trained MLP next to Deep RFM: does its right singular structure do the collapsing, and does
//! `W^T W` track the AGOP (the Neural Feature Ansatz)?
//!
//! A bias-free ReLU network (`depth` hidden layers of `width`, then a linear layer to the K
//! classes) learns the +-1 targets `2 onehot(y) - 1` by mean squared error with Adam on shuffled
//! mini-batches. Before training, every `measure_every` epochs and at the end it is measured:
//! loss, accuracies, and per hidden layer the collapse metrics of the five stages of its
//! singular structure, the share of the collapse done by `S V^T`, and the NFA correlations
//! (see [`measure`]).
//!
//! Training runs in f32 by default, as PyTorch trains (forward, backward and Adam's state);
//! [`MlpTraining::<f64>`] trains in f64 for comparison. Measurements are always taken in f64, on
//! an f64 copy of the weights. Every mini-batch is cut into two fixed halves of its rows whose
//! gradients are computed apart (natively the second on another thread) and added first half
//! first, so the numbers do not depend on how many cores did the work.

pub mod alignment;
pub mod measure;
pub mod network;

// Re-exported: the config of a run, with its limits, is where a reader of the engine looks.
pub use crate::config::mlp as config;
pub use crate::config::mlp::{AdamReset, MlpConfig, OutputInit};
pub use measure::MlpStage;
pub use network::{Adam, Network};

use std::collections::VecDeque;

use nalgebra::DMatrix;
use web_time::Instant;

use crate::data::Split;
use crate::error::{Error, Result};
use crate::linalg::{Element, convert};
use crate::report::{DatasetSummary, MlpMeasurement, MlpResult};
use crate::rng::{Purpose, Stream};
pub use measure::MlpMeasurer;

/// An MLP training run in progress, training in `T` (f32 by default): call
/// [`MlpTraining::train_epochs`] until [`MlpTraining::is_done`], a few epochs at a time.
pub struct MlpTraining<T: Element = f32> {
    config: MlpConfig,
    dataset: DatasetSummary,
    measurer: MlpMeasurer,
    /// The training features and targets in the training precision.
    train: DMatrix<T>,
    targets: DMatrix<T>,
    network: Network<T>,
    adam: Adam<T>,
    /// Whether the second half of each batch runs on another thread (native builds).
    threads: bool,
    shuffle_rng: Stream,
    /// Epochs trained so far.
    epoch: usize,
    /// Whether the measurement before training has fallen due.
    started: bool,
    /// Epochs whose measurement fell due and is not in `history` yet (taken elsewhere).
    awaited: VecDeque<usize>,
    history: Vec<MlpMeasurement>,
    /// Seconds spent training and measuring, and the part of them spent measuring.
    seconds: f64,
    seconds_measuring: f64,
    /// The mean loss over each epoch's batches, as training saw them.
    epoch_losses: Vec<f64>,
}

impl MlpTraining<f32> {
    /// Starts a run of `config` on `split` that trains in f32, as PyTorch does (see
    /// [`MlpTraining::with_precision`]).
    pub fn new(config: MlpConfig, split: Split) -> Result<Self> {
        Self::with_precision(config, split)
    }

    /// Trains in f32 and measures every epoch of `config` on `split`.
    pub fn run(config: MlpConfig, split: Split) -> Result<MlpResult> {
        Self::run_with_precision(config, split)
    }
}

impl<T: Element> MlpTraining<T> {
    /// Starts a run of `config` on `split` (already loaded and standardised): draws the initial
    /// weights from the seed's init stream (in f64, then rounded to `T`). Fails when the config
    /// is invalid. ([`MlpTraining::new`] is this in f32.)
    pub fn with_precision(config: MlpConfig, split: Split) -> Result<Self> {
        let measurer = MlpMeasurer::new(&config, split)?;
        let (dataset, samples) = (measurer.dataset.clone(), &measurer.samples);
        let seed = config.seed as u64;
        let network = Network::init(
            dataset.dim,
            config.width,
            config.depth,
            dataset.classes,
            config.gain,
            config.output_init,
            &mut Stream::new(seed, Purpose::Init),
        )
        .convert::<T>();
        Ok(MlpTraining {
            train: convert(&samples.train),
            targets: convert(&samples.targets),
            threads: cfg!(not(target_arch = "wasm32")),
            adam: Adam::new(network.weights(), config.learning_rate),
            shuffle_rng: Stream::new(seed, Purpose::Shuffle),
            network,
            measurer,
            dataset,
            config,
            epoch: 0,
            started: false,
            awaited: VecDeque::new(),
            history: Vec::new(),
            seconds: 0.0,
            seconds_measuring: 0.0,
            epoch_losses: Vec::new(),
        })
    }

    /// Trains and measures every epoch of `config` on `split`, in `T`.
    pub fn run_with_precision(config: MlpConfig, split: Split) -> Result<MlpResult> {
        let mut training = Self::with_precision(config, split)?;
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
    /// [`Error::NonFinite`] when a measurement does. Precondition: no measurement is awaited
    /// (see [`MlpTraining::train_until_due`]).
    pub fn train_epochs(&mut self, epochs: usize) -> Result<Option<&MlpMeasurement>> {
        // Training and measuring each add their own seconds.
        if self.train_until_due(epochs)?.is_none() {
            return Ok(None);
        }
        let start = Instant::now();
        let network = self.network.convert::<f64>();
        let measurement = self.measurer.measure(&network, self.epoch);
        let seconds = start.elapsed().as_secs_f64();
        self.record(measurement?, seconds)?;
        Ok(self.history.last())
    }

    /// Trains like [`MlpTraining::train_epochs`] but leaves the measurement to the caller: returns
    /// the epoch whose measurement fell due (0 on the first call, before any training), `None`
    /// when none did. The caller measures [`MlpTraining::network`] as it is now, elsewhere if it
    /// likes (another worker, by [`MlpMeasurer`]), and hands the result to
    /// [`MlpTraining::record`]; training may go on meanwhile. Fails with [`Error::Diverged`] when
    /// the loss becomes NaN or infinite.
    pub fn train_until_due(&mut self, epochs: usize) -> Result<Option<usize>> {
        let start = Instant::now();
        let due = self.advance(epochs);
        self.seconds += start.elapsed().as_secs_f64();
        let due = due?;
        self.awaited.extend(due);
        Ok(due)
    }

    /// [`MlpTraining::train_until_due`] without the clock.
    fn advance(&mut self, epochs: usize) -> Result<Option<usize>> {
        if !self.started {
            self.started = true;
            return Ok(Some(0));
        }
        for _ in 0..epochs {
            if self.epoch >= self.config.epochs {
                break;
            }
            self.train_epoch()?;
            self.epoch += 1;
            if self.epoch.is_multiple_of(self.config.measure_every) || self.epoch == self.config.epochs {
                return Ok(Some(self.epoch));
            }
        }
        Ok(None)
    }

    /// Adds a measurement taken elsewhere of the network at the oldest epoch that
    /// [`MlpTraining::train_until_due`] returned and that has none yet, with the `seconds` it
    /// took. Fails when it is of another epoch or shape (it would corrupt the history).
    pub fn record(&mut self, measurement: MlpMeasurement, seconds: f64) -> Result<()> {
        let expected = self.awaited.front().copied();
        if expected != Some(measurement.epoch) || measurement.layers.len() != self.config.depth {
            return Err(Error::Data(format!(
                "a measurement of epoch {} with {} layers arrived where one of epoch {expected:?} with {} layers was awaited",
                measurement.epoch,
                measurement.layers.len(),
                self.config.depth
            )));
        }
        self.awaited.pop_front();
        self.history.push(measurement);
        self.seconds += seconds;
        self.seconds_measuring += seconds;
        Ok(())
    }

    /// Whether the second half of every batch runs on a thread of its own (native builds; the
    /// default there). The numbers are the same either way.
    pub fn set_threads(&mut self, threads: bool) {
        self.threads = threads && cfg!(not(target_arch = "wasm32"));
    }

    /// One pass over the training set in a freshly shuffled order; the last batch may be smaller.
    /// With [`AdamReset::Epoch`] it starts from a fresh Adam, as the authors' script does.
    fn train_epoch(&mut self) -> Result<()> {
        if self.config.adam_reset == AdamReset::Epoch {
            self.adam = Adam::new(self.network.weights(), self.config.learning_rate);
        }
        let mut order: Vec<usize> = (0..self.train.nrows()).collect();
        self.shuffle_rng.shuffle(&mut order);
        let mut total_squared_error = 0.0;
        for batch in order.chunks(self.config.batch_size) {
            let (squared_error, gradients) =
                batch_gradients(&self.network, &self.train, &self.targets, batch, self.threads);
            if !squared_error.is_finite() {
                return Err(Error::Diverged { epoch: self.epoch + 1 });
            }
            total_squared_error += squared_error.as_f64();
            self.adam.step(self.network.weights_mut(), &gradients);
        }
        self.epoch_losses.push(total_squared_error / self.targets.len() as f64);
        Ok(())
    }

    /// True when every epoch is trained (measurements may still be awaited).
    pub fn is_trained(&self) -> bool {
        self.started && self.epoch >= self.config.epochs
    }

    /// True when every epoch is trained and measured.
    pub fn is_done(&self) -> bool {
        self.is_trained() && self.awaited.is_empty()
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
    pub fn network(&self) -> &Network<T> {
        &self.network
    }

    /// The optimiser's state as training left it (fresh at every epoch's start with
    /// [`AdamReset::Epoch`]).
    pub fn adam(&self) -> &Adam<T> {
        &self.adam
    }

    /// Class of every training sample.
    pub fn labels(&self) -> &[usize] {
        &self.measurer.samples.labels
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
            seconds_measuring: self.seconds_measuring,
            epoch_losses: self.epoch_losses.clone(),
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
            seconds_measuring: self.seconds_measuring,
            epoch_losses: self.epoch_losses,
        }
    }
}

/// The loss gradient of the batch of rows `batch` of `train` and its sum of squared errors:
/// the batch's first `ceil(b / 2)` rows and the rest are two parts computed apart (the second on
/// another thread when `threads`), added first part first, so the result is the same with or
/// without the thread. Precondition: `batch` is not empty and indexes rows of `train` and `targets`.
pub fn batch_gradients<T: Element>(
    network: &Network<T>,
    train: &DMatrix<T>,
    targets: &DMatrix<T>,
    batch: &[usize],
    threads: bool,
) -> (T, Vec<DMatrix<T>>) {
    let entries = batch.len() * targets.ncols();
    let (first, second) = batch.split_at(batch.len().div_ceil(2));
    let part = |rows: &[usize]| network.part_gradients(&train.select_rows(rows), &targets.select_rows(rows), entries);
    if second.is_empty() {
        return part(first);
    }
    let ((error_a, mut gradients), (error_b, rest)) = if threads {
        std::thread::scope(|scope| {
            let helper = scope.spawn(|| part(second));
            let mine = part(first);
            (mine, helper.join().expect("a training thread panicked"))
        })
    } else {
        (part(first), part(second))
    };
    for (total, other) in gradients.iter_mut().zip(&rest) {
        *total += other;
    }
    (error_a + error_b, gradients)
}

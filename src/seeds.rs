//! One Deep RFM config run over consecutive seeds (the paper's figures average seeds 0, 1 and 2
//! and draw mean ± std; the spread itself is [`crate::spread`]'s).
//!
//! The seeds run one after another, each exactly as a single run of its seed (its own subset
//! draw, its own random features), so that only one run's data is in memory at a time.

use crate::config::rfm::RfmConfig;
use crate::data::mnist::Mnist;
use crate::data::{DataConfig, Split};
use crate::error::{Error, Result};
use crate::parallel::Offload;
use crate::report::{LayerReport, RfmResult, SeedRun};
use crate::rfm::{DeepRfm, LayerObserver};

// Re-exported: the limit on the seeds of a run is part of its config, the statistics over
// seeds are their own module; both are what a reader of the runner looks for.
pub use crate::config::rfm::MAX_SEEDS;
pub use crate::spread::{across_seeds, spread};

/// The seed of run `index` (0-based) of a config whose seed is `base`: `base + index`, wrapping
/// past `u32::MAX` to 0.
pub fn seed_of(base: u32, index: usize) -> u32 {
    base.wrapping_add(index as u32)
}

/// Loads the data split of a seed (the subset draw depends on it).
pub type SplitLoader = Box<dyn FnMut(u32) -> Result<Split>>;

/// The loader of `data`'s split for any seed, from the MNIST digits or the CSV text it uses
/// and the test file's text when it names one (read once, by the caller).
pub fn split_loader(
    data: DataConfig,
    mnist: Option<Mnist>,
    csv_text: Option<String>,
    test_csv_text: Option<String>,
) -> SplitLoader {
    Box::new(move |seed| {
        crate::data::load_with_test_file(
            &data,
            seed as u64,
            mnist.as_ref(),
            csv_text.as_deref(),
            test_csv_text.as_deref(),
        )
    })
}

/// A run of `config.seeds` seeds in progress, one layer per step: every layer of seed
/// `config.seed`, then every layer of the next seed, and so on.
pub struct SeededRfm {
    config: RfmConfig,
    load: SplitLoader,
    finished: Vec<SeedRun>,
    current: DeepRfm,
}

impl SeededRfm {
    /// Starts the run of `config`'s first seed; `load` gives the split of any seed (it is
    /// called at once for the first seed, then as each seed starts). Fails when the config is
    /// invalid or the data cannot be loaded.
    pub fn new(config: RfmConfig, mut load: SplitLoader) -> Result<Self> {
        config.validate()?;
        // Errors here are the config's or the data's, so not of one seed.
        let current = DeepRfm::new(Self::single(&config, 0), load(config.seed)?)?;
        Ok(SeededRfm { config, load, finished: Vec::new(), current })
    }

    /// Runs every layer of every seed of `config`, the split of each seed from `load`.
    pub fn run(config: RfmConfig, load: SplitLoader) -> Result<RfmResult> {
        let mut runs = SeededRfm::new(config, load)?;
        while !runs.is_done() {
            runs.step()?;
        }
        Ok(runs.result())
    }

    /// The single-seed config of run `index`: `config` with the seed of that run.
    fn single(config: &RfmConfig, index: usize) -> RfmConfig {
        RfmConfig { seed: seed_of(config.seed, index), seeds: 1, ..config.clone() }
    }

    /// True when every layer of every seed has been computed.
    pub fn is_done(&self) -> bool {
        self.current.is_done() && self.finished.len() + 1 >= self.config.seeds
    }

    /// Which run (0-based, in seed order) the next step computes a layer of.
    /// Precondition: `!is_done()`.
    pub fn next_seed_index(&self) -> usize {
        self.finished.len() + usize::from(self.current.is_done())
    }

    /// The run in progress (for the page's pictures: labels, dataset).
    pub fn current(&self) -> &DeepRfm {
        &self.current
    }

    /// Starts the next seed when the current one has computed every layer.
    fn advance(&mut self) -> Result<()> {
        if self.current.is_done() && !self.is_done() {
            let index = self.finished.len() + 1;
            let seed = seed_of(self.config.seed, index);
            let next = (self.load)(seed)
                .and_then(|split| DeepRfm::new(Self::single(&self.config, index), split))
                .map_err(|error| self.in_seed(seed, error))?;
            let done = std::mem::replace(&mut self.current, next);
            self.finished.push(seed_run(done.into_result()));
        }
        Ok(())
    }

    /// With several seeds, `error` says which seed it happened in.
    fn in_seed(&self, seed: u32, error: Error) -> Error {
        if self.config.seeds > 1 { Error::InSeed { seed, source: Box::new(error) } } else { error }
    }

    /// The seed of the run in progress.
    fn current_seed(&self) -> u32 {
        seed_of(self.config.seed, self.finished.len())
    }

    /// Computes the next layer (of the next seed, when the current one is done); natively a
    /// second thread takes half of the large products. Precondition: `!is_done()`.
    pub fn step(&mut self) -> Result<&LayerReport> {
        self.advance()?;
        let outcome = self.current.step().map(|_| ());
        self.reported(outcome)
    }

    /// [`SeededRfm::step`] with the large products split with `offload`'s helper and `observer`
    /// told what happens (see [`DeepRfm::step_with`]). Precondition: `!is_done()`.
    pub async fn step_with<O: Offload>(
        &mut self,
        observer: &mut dyn LayerObserver,
        offload: &O,
    ) -> Result<&LayerReport> {
        self.advance()?;
        let outcome = self.current.step_with(observer, offload).await.map(|_| ());
        self.reported(outcome)
    }

    /// The report of the layer a step of the run in progress just computed, or the step's
    /// error, naming the seed.
    fn reported(&self, outcome: Result<()>) -> Result<&LayerReport> {
        match outcome {
            Ok(()) => Ok(self.current.layers().last().expect("a layer was computed")),
            Err(error) => Err(self.in_seed(self.current_seed(), error)),
        }
    }

    /// The result so far: the first seed's layers as `layers`; with several seeds, every run
    /// started so far and the spread over them per layer.
    pub fn result(&self) -> RfmResult {
        let mut runs = self.finished.clone();
        runs.push(seed_run(self.current.result()));
        let seconds_total = runs.iter().map(|r| r.seconds_total).sum();
        let several = self.config.seeds > 1;
        let across = if several { across_seeds(&runs) } else { Vec::new() };
        let layers = runs[0].layers.clone();
        RfmResult {
            kind: "rfm".into(),
            config: self.config.clone(),
            dataset: self.current.dataset().clone(),
            layers,
            seconds_total,
            seed_runs: if several { runs } else { Vec::new() },
            across_seeds: across,
        }
    }
}

fn seed_run(result: RfmResult) -> SeedRun {
    SeedRun { seed: result.config.seed, layers: result.layers, seconds_total: result.seconds_total }
}

//! One Deep RFM config run over consecutive seeds, and the mean and spread of its numbers
//! across them (the paper's figures average seeds 0, 1 and 2 and draw mean ± std).
//!
//! The seeds run one after another, each exactly as a single run of its seed (its own subset
//! draw, its own random features), so that only one run's data is in memory at a time.

use std::collections::BTreeMap;

use crate::data::mnist::Mnist;
use crate::data::{DataConfig, Split};
use crate::error::{Error, Result};
use crate::parallel::Offload;
use crate::report::{LayerReport, LayerSpread, RfmResult, SeedRun, Spread, StageSpreads};
use crate::rfm::{DeepRfm, LayerObserver, RfmConfig};

/// Most seeds one result averages.
pub const MAX_SEEDS: usize = 5;

/// The seed of run `index` (0-based) of a config whose seed is `base`: `base + index`, wrapping
/// past `u32::MAX` to 0.
pub fn seed_of(base: u32, index: usize) -> u32 {
    base.wrapping_add(index as u32)
}

/// The mean and population standard deviation of `values`, and the same of their natural
/// logarithms when every value is positive. Precondition: `values` is not empty.
pub fn spread(values: &[f64]) -> Spread {
    let (mean, std) = mean_and_std(values);
    let logs: Option<Vec<f64>> = values.iter().map(|&v| (v > 0.0).then(|| v.ln())).collect();
    let (log_mean, log_std) = match logs {
        Some(logs) => {
            let (m, s) = mean_and_std(&logs);
            (Some(m), Some(s))
        }
        None => (None, None),
    };
    Spread { mean, std, log_mean, log_std }
}

/// Mean and population standard deviation (divided by the count, not count - 1).
fn mean_and_std(values: &[f64]) -> (f64, f64) {
    let count = values.len() as f64;
    let mean = values.iter().sum::<f64>() / count;
    let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / count;
    (mean, variance.sqrt())
}

/// Per layer, the spread of every number over the runs that have computed it (a run that is
/// still going counts for its layers so far). Layers no run has reached are left out.
pub fn across_seeds(runs: &[SeedRun]) -> Vec<LayerSpread> {
    let deepest = runs.iter().map(|r| r.layers.len()).max().unwrap_or(0);
    (0..deepest)
        .map(|index| {
            let reports: Vec<&LayerReport> = runs.iter().filter_map(|r| r.layers.get(index)).collect();
            let of =
                |value: &dyn Fn(&LayerReport) -> f64| spread(&reports.iter().map(|r| value(r)).collect::<Vec<_>>());
            let metrics = |stage: &dyn Fn(&LayerReport) -> crate::nc::Metrics| -> BTreeMap<String, Spread> {
                let named: Vec<_> = reports.iter().map(|r| stage(r).named()).collect();
                (0..named[0].len())
                    .map(|m| (named[0][m].0.to_string(), spread(&named.iter().map(|n| n[m].1).collect::<Vec<_>>())))
                    .collect()
            };
            let tests: Option<Vec<f64>> = reports.iter().map(|r| r.test_acc).collect();
            LayerSpread {
                layer: index + 1,
                seeds: reports.len(),
                train_acc: of(&|r| r.train_acc),
                test_acc: tests.map(|t| spread(&t)),
                stages: StageSpreads {
                    x: metrics(&|r| r.stages.x),
                    mx: metrics(&|r| r.stages.mx),
                    phi_mx: metrics(&|r| r.stages.phi_mx),
                },
            }
        })
        .collect()
}

/// Loads the data split of a seed (the subset draw depends on it).
pub type SplitLoader = Box<dyn FnMut(u32) -> Result<Split>>;

/// The loader of `data`'s split for any seed, from the MNIST digits or the CSV text it uses
/// (read once, by the caller).
pub fn split_loader(data: DataConfig, mnist: Option<Mnist>, csv_text: Option<String>) -> SplitLoader {
    Box::new(move |seed| crate::data::load(&data, seed as u64, mnist.as_ref(), csv_text.as_deref()))
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

//! Deep Recursive Feature Machines, one layer at a time.
//!
//! Every layer: normalise rows (stage X); fit kernel ridge regression; compute its AGOP G and
//! `M = G / max G`; project `X M^{1/2}` (stage MX); apply a freshly drawn random feature map
//! (stage PhiMX), whose output is the next layer's input. Test samples follow the same path with
//! the training samples' M and feature maps.
//!
//! The config's knobs (defaults: the paper's layer): `rfm_iters` T fits the kernel machine T
//! times per layer, each in the Mahalanobis metric `||u||_M = sqrt(u^T M u)` the previous fit
//! learned (M_0 = I, M_t its AGOP normalised), projecting with M_T; `agop_power` P projects
//! with `M^P` instead of `M^{1/2}`; `diag_agop` keeps only the AGOP's diagonal.

use std::sync::Arc;

use web_time::Instant;

use crate::data::Split;
use crate::data::labels::{accuracy, argmax_rows, signed_one_hot};
use crate::error::{Error, Result};
use crate::features::RandomFeatures;
use crate::linalg::{Mat, PsdPower, all_finite, normalize_rows, product, psd_sqrt, rows_times, solve_spd, stack_rows};
use crate::nc::{Metrics, class_mean_alignment, measure};
use crate::parallel::{Job, Offload, block_on, split_rows};
use crate::report::{AgopSummary, DatasetSummary, LayerReport, RfmResult, RfmStages, StepSeconds};
use crate::rng::{Purpose, Stream};

// Re-exported: the config of a run, with its limits, is where a reader of the engine looks.
pub use crate::config::rfm::{MAX_DEPTH, MAX_WIDTH, RfmConfig};

/// How many of the AGOP's largest eigenvalues a layer report keeps.
pub const TOP_EIGENVALUES: usize = 32;

/// Share of a layer's rows (training and test together) projected and mapped here, the helper
/// doing the others: a little over half, for the helper also receives its rows.
const FEATURES_SHARE: f64 = 0.52;

/// The steps of a layer, in the order they run (the keys of its timings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Kernel,
    Solve,
    Agop,
    Sqrt,
    Features,
    Metrics,
}

impl Step {
    /// The step's name, as in the timings of a layer report.
    pub fn name(self) -> &'static str {
        match self {
            Step::Kernel => "kernel",
            Step::Solve => "solve",
            Step::Agop => "agop",
            Step::Sqrt => "sqrt",
            Step::Features => "features",
            Step::Metrics => "metrics",
        }
    }
}

/// The three measured stages of a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The layer's input, rows normalised.
    X,
    /// After the AGOP projection.
    MX,
    /// After the random feature map.
    PhiMX,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 3] = [Stage::X, Stage::MX, Stage::PhiMX];

    /// The stage's name, as in the Result JSON.
    pub fn name(self) -> &'static str {
        match self {
            Stage::X => "X",
            Stage::MX => "MX",
            Stage::PhiMX => "PhiMX",
        }
    }
}

/// Watches a layer being computed: for progress lines and pictures. Every method does nothing
/// by default.
pub trait LayerObserver {
    /// `step` of `layer` is about to run.
    fn step_started(&mut self, _layer: usize, _step: Step) {}
    /// The training features of `stage` at `layer` (rows = samples, in the order of the labels).
    fn stage_features(&mut self, _layer: usize, _stage: Stage, _features: &Mat) {}
    /// The kernel matrix of `layer` between its training samples (rows and columns in the
    /// order of the labels).
    fn kernel_computed(&mut self, _layer: usize, _kernel: &Mat) {}
    /// The normalised AGOP `M` of `layer` and the power it projects with (its square root by
    /// default), with the spectrum.
    fn agop_computed(&mut self, _layer: usize, _m: &Mat, _root: &PsdPower) {}
}

/// The observer that watches nothing.
impl LayerObserver for () {}

/// A Deep RFM run in progress: call [`DeepRfm::step`] once per layer.
pub struct DeepRfm {
    config: RfmConfig,
    dataset: DatasetSummary,
    /// The next layer's input (training samples).
    train: Mat,
    /// The same for the test samples (may have no rows).
    test: Mat,
    labels: Vec<usize>,
    test_labels: Vec<usize>,
    targets: Mat,
    feature_rng: Stream,
    /// Random bases of the `random-spectrum` projection.
    projection_rng: Stream,
    layers: Vec<LayerReport>,
}

impl DeepRfm {
    /// Starts a run of `config` on `split` (already loaded and standardised).
    /// Fails when the config is invalid.
    pub fn new(config: RfmConfig, split: Split) -> Result<Self> {
        config.validate()?;
        let dataset = DatasetSummary::of(&split);
        config.check_memory(dataset.shape())?;
        let classes = dataset.classes;
        Ok(DeepRfm {
            feature_rng: Stream::new(config.seed as u64, Purpose::Features),
            projection_rng: Stream::new(config.seed as u64, Purpose::Projection),
            targets: signed_one_hot(&split.train.labels, classes),
            train: split.train.features,
            test: split.test.features,
            labels: split.train.labels,
            test_labels: split.test.labels,
            config,
            dataset,
            layers: Vec::new(),
        })
    }

    /// Runs every layer of `config` on `split`.
    pub fn run(config: RfmConfig, split: Split) -> Result<RfmResult> {
        let mut rfm = DeepRfm::new(config, split)?;
        while !rfm.is_done() {
            rfm.step()?;
        }
        Ok(rfm.into_result())
    }

    /// True when every layer has been computed.
    pub fn is_done(&self) -> bool {
        self.layers.len() >= self.config.depth
    }

    /// The reports of the layers computed so far.
    pub fn layers(&self) -> &[LayerReport] {
        &self.layers
    }

    /// Class of every training sample, in the order the observer sees the features.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// What the run's data is.
    pub fn dataset(&self) -> &DatasetSummary {
        &self.dataset
    }

    /// Computes the next layer and returns its report. Precondition: `!is_done()`.
    pub fn step(&mut self) -> Result<&LayerReport> {
        self.step_observed(&mut ())
    }

    /// [`DeepRfm::step`], telling `observer` what happens; natively a second thread takes half
    /// of the large products. Precondition: `!is_done()`.
    pub fn step_observed(&mut self, observer: &mut dyn LayerObserver) -> Result<&LayerReport> {
        #[cfg(not(target_arch = "wasm32"))]
        let offload = crate::parallel::Threads;
        #[cfg(target_arch = "wasm32")]
        let offload = crate::parallel::Local;
        block_on(self.step_with(observer, &offload))
    }

    /// [`DeepRfm::step_observed`] with the large products of the layer (the test kernel, the
    /// AGOP's, the test projection) split between this core and `offload`'s helper. The split
    /// is the same with any helper, so are the numbers. Precondition: `!is_done()`.
    pub async fn step_with<O: Offload>(
        &mut self,
        observer: &mut dyn LayerObserver,
        offload: &O,
    ) -> Result<&LayerReport> {
        let layer = self.layers.len() + 1;
        let dim_in = self.train.ncols();
        let classes = self.dataset.classes;
        let kernel = self.config.kernel();
        let mut seconds = StepSeconds::default();
        let mut clock = Instant::now();
        // Adds, for a step runs once per RFM iteration.
        let mut lap = |slot: &mut f64| {
            *slot += clock.elapsed().as_secs_f64();
            clock = Instant::now();
        };

        normalize_rows(&mut self.train);
        normalize_rows(&mut self.test);
        ensure_finite(&self.train, layer, Stage::X.name())?;
        ensure_finite(&self.test, layer, "X (test samples)")?;
        let projection = self.config.projection;
        // RFM iterations: each round fits the kernel machine in the metric the previous round
        // learned (the identity first) and learns the next metric from its AGOP.
        let rounds = self.config.rfm_iters;
        let mut metric_root: Option<Mat> = None; // R = M_{t-1}^{1/2}; None is the identity
        let (mut fitted, mut normalised) = (None, None);
        for round in 1..=rounds {
            let last = round == rounds;
            observer.step_started(layer, Step::Kernel);
            // The Mahalanobis kernel of X is the Euclidean kernel of X R.
            let in_metric = |rows: &Mat| metric_root.as_ref().map(|root| product(rows, root));
            let learned_train = in_metric(&self.train);
            let train = learned_train.as_ref().unwrap_or(&self.train);
            // Only the last round's predictor is tested.
            let test_kernel = (last && !self.test.is_empty()).then(|| {
                let test = in_metric(&self.test).unwrap_or_else(|| self.test.clone());
                offload.start(Job::KernelValues { kernel, a: Arc::new(test), b: Arc::new(train.clone()) })
            });
            let train_kernel = kernel.matrix(train, train, true);
            let test_kernel = match test_kernel {
                Some(pending) => Some(pending.await?),
                None => None,
            };
            ensure_finite(&train_kernel.values, layer, "kernel")?;
            lap(&mut seconds.kernel);
            if last {
                observer.kernel_computed(layer, &train_kernel.values);
            }

            observer.step_started(layer, Step::Solve);
            let alpha = solve_spd(&train_kernel.values, self.config.ridge, &self.targets)
                .ok_or(Error::NotPositiveDefinite { layer, ridge: self.config.ridge })?;
            if last {
                // The layer's predictions of the test samples: their accuracy, and the labels
                // their NCC agreement is measured against.
                let predicted = argmax_rows(&product(&train_kernel.values, &alpha));
                let test_predicted = test_kernel.map(|k| argmax_rows(&product(&k, &alpha)));
                fitted = Some((predicted, test_predicted));
            }
            lap(&mut seconds.solve);

            observer.step_started(layer, Step::Agop);
            let learned = projection
                .matrix(
                    &kernel,
                    train,
                    &self.labels,
                    train_kernel,
                    &alpha,
                    metric_root.as_ref(),
                    self.config.diag_agop,
                    offload,
                )
                .await?;
            ensure_finite(&learned, layer, "AGOP")?;
            lap(&mut seconds.agop);
            if last {
                normalised = Some(learned);
            } else {
                observer.step_started(layer, Step::Sqrt);
                let root = psd_sqrt(&learned).ok_or_else(|| Error::NonFinite { layer, stage: "AGOP".into() })?;
                metric_root = Some(root.power);
                lap(&mut seconds.sqrt);
            }
        }
        let (predicted, test_predicted) = fitted.expect("the last round fits the predictor");
        let normalised = normalised.expect("the last round learns the matrix");
        let train_acc = accuracy(&predicted, &self.labels);
        let test_acc = test_predicted.as_ref().map(|p| accuracy(p, &self.test_labels));

        observer.step_started(layer, Step::Sqrt);
        let (normalised, root) = projection
            .root(normalised, self.config.agop_power, &mut self.projection_rng)
            .ok_or_else(|| Error::NonFinite { layer, stage: "AGOP".into() })?;
        // Drawn now, so that the helper maps the rows it projects at once.
        let map = Arc::new(RandomFeatures::draw(
            self.config.feature,
            dim_in,
            self.config.width,
            self.config.sigma,
            &mut self.feature_rng,
        ));
        // The first `here` training rows are projected and mapped here; the helper does the
        // other training rows and the test rows, stacked.
        let (n, n_test) = (self.train.nrows(), self.test.nrows());
        let here = split_rows(n + n_test, FEATURES_SHARE).min(n);
        let theirs = offload.start(Job::ProjectAndMap {
            x: Arc::new(stack_rows(&self.train, here..n, &self.test)),
            root: Arc::new(root.power.clone()),
            map: map.clone(),
        });
        let projected_here = rows_times(&self.train, 0..here, &root.power, false);
        lap(&mut seconds.sqrt);

        observer.step_started(layer, Step::Features);
        let mapped_here = map.apply(&projected_here);
        let theirs = theirs.await?; // [MX | PhiMX] of their rows
        let (theirs_train, width) = (n - here, mapped_here.ncols());
        let projected = stack_rows(&projected_here, 0..here, &theirs.view((0, 0), (theirs_train, dim_in)).into_owned());
        ensure_finite(&projected, layer, "MX")?;
        let mapped = stack_rows(&mapped_here, 0..here, &theirs.view((0, dim_in), (theirs_train, width)).into_owned());
        let projected_test = theirs.view((theirs_train, 0), (n_test, dim_in)).into_owned();
        let mapped_test = theirs.view((theirs_train, dim_in), (n_test, width)).into_owned();
        ensure_finite(&mapped, layer, "PhiMX")?;
        lap(&mut seconds.features);

        observer.step_started(layer, Step::Metrics);
        let measured = |features: &Mat, labels: &[usize], predicted: &[usize], stage: &str| -> Result<Metrics> {
            let m = measure(features, labels, classes, predicted);
            m.is_finite().then_some(m).ok_or_else(|| Error::NonFinite { layer, stage: stage.into() })
        };
        let metrics = |features: &Mat, stage: Stage| measured(features, &self.labels, &predicted, stage.name());
        let stages = RfmStages {
            x: metrics(&self.train, Stage::X)?,
            mx: metrics(&projected, Stage::MX)?,
            phi_mx: metrics(&mapped, Stage::PhiMX)?,
        };
        // A class without test samples has no test mean: no held-out metrics then.
        let every_class_tested = (0..classes).all(|c| self.test_labels.contains(&c));
        let stages_test = match test_predicted {
            Some(test_predicted) if every_class_tested => {
                let metrics = |features: &Mat, stage: Stage| {
                    measured(features, &self.test_labels, &test_predicted, &format!("{} (test samples)", stage.name()))
                };
                Some(RfmStages {
                    x: metrics(&self.test, Stage::X)?,
                    mx: metrics(&projected_test, Stage::MX)?,
                    phi_mx: metrics(&mapped_test, Stage::PhiMX)?,
                })
            }
            _ => None,
        };
        let agop_alignment = class_mean_alignment(&normalised, &self.train, &self.labels, classes);
        lap(&mut seconds.metrics);

        for (stage, features) in Stage::ALL.into_iter().zip([&self.train, &projected, &mapped]) {
            observer.stage_features(layer, stage, features);
        }
        observer.agop_computed(layer, &normalised, &root);
        let agop_summary = summarise_agop(&normalised, &root.eigenvalues);
        self.train = mapped;
        self.test = mapped_test;
        self.layers.push(LayerReport {
            layer,
            dim_in,
            train_acc,
            test_acc,
            stages,
            stages_test,
            agop: agop_summary,
            agop_alignment,
            seconds,
        });
        Ok(self.layers.last().expect("just pushed"))
    }

    /// Seconds spent computing the layers so far (waiting between steps not counted).
    fn seconds_total(&self) -> f64 {
        self.layers
            .iter()
            .map(|l| {
                let s = &l.seconds;
                s.kernel + s.solve + s.agop + s.sqrt + s.features + s.metrics
            })
            .sum()
    }

    /// The result of the layers computed so far (a copy; the run can go on).
    pub fn result(&self) -> RfmResult {
        RfmResult {
            kind: "rfm".into(),
            seconds_total: self.seconds_total(),
            config: self.config.clone(),
            dataset: self.dataset.clone(),
            layers: self.layers.clone(),
            seed_runs: Vec::new(),
            across_seeds: Vec::new(),
        }
    }

    /// The result of the layers computed so far.
    pub fn into_result(self) -> RfmResult {
        RfmResult {
            kind: "rfm".into(),
            seconds_total: self.seconds_total(),
            config: self.config,
            dataset: self.dataset,
            layers: self.layers,
            seed_runs: Vec::new(),
            across_seeds: Vec::new(),
        }
    }
}

fn ensure_finite(m: &Mat, layer: usize, stage: &str) -> Result<()> {
    all_finite(m).then_some(()).ok_or_else(|| Error::NonFinite { layer, stage: stage.into() })
}

/// Trace, effective rank and top eigenvalues of the normalised AGOP `m`, whose eigenvalues
/// (largest first) are `eigenvalues`.
fn summarise_agop(m: &Mat, eigenvalues: &[f64]) -> AgopSummary {
    let trace = m.trace();
    AgopSummary {
        trace,
        effective_rank: trace * trace / m.norm_squared(),
        top_eigenvalues: eigenvalues.iter().take(TOP_EIGENVALUES).copied().collect(),
    }
}

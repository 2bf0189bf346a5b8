//! The validated settings of a Deep RFM experiment.

use serde::{Deserialize, Serialize};

use crate::data::DataConfig;
use crate::error::{Error, Result};
use crate::features::FeatureKind;
use crate::kernel::{Kernel, KernelKind};
use crate::memory::{self, RunShape, rfm_peak_bytes};
use crate::projection::Projection;

/// Deepest network the lab builds.
pub const MAX_DEPTH: usize = 100;
/// Widest random feature map the lab draws.
pub const MAX_WIDTH: usize = 8192;
/// Most seeds one result averages.
pub const MAX_SEEDS: usize = 5;
/// Most RFM iterations one layer runs.
pub const MAX_RFM_ITERS: usize = 10;
/// Largest power of the AGOP a layer may project with.
pub const MAX_AGOP_POWER: f64 = 2.0;

/// A Deep RFM experiment. `Default` is the lab's default: MNIST (see [`DataConfig`]), depth 8,
/// Laplace kernel of bandwidth 2, ridge 1e-3, ReLU features of width 256, seed 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RfmConfig {
    pub data: DataConfig,
    /// Number of layers.
    pub depth: usize,
    pub kernel: KernelKind,
    /// Kernel bandwidth L (not used by the linear kernel).
    pub bandwidth: f64,
    /// Ridge mu of the kernel regression.
    pub ridge: f64,
    /// Random feature map applied after each projection.
    pub feature: FeatureKind,
    /// Output width of the random feature map (the identity keeps the input's).
    pub width: usize,
    /// Scale of the Cauchy weights of the cos map.
    pub sigma: f64,
    /// What each layer projects with: the AGOP (the paper's Deep RFM) or a control (see
    /// [`Projection`]).
    pub projection: Projection,
    /// The seed every random draw flows from (of the first run, with several seeds).
    pub seed: u32,
    /// How many runs with consecutive seeds (`seed`, `seed + 1`, ...) to average: 1 to
    /// [`MAX_SEEDS`]. A [`crate::rfm::DeepRfm`] computes one seed; [`crate::seeds::SeededRfm`]
    /// all of them.
    pub seeds: usize,
    /// RFM iterations T per layer, 1 to [`MAX_RFM_ITERS`]: each fits the kernel machine with the
    /// Mahalanobis metric the previous one learned (the first with the identity) and learns the
    /// next from its AGOP; the layer projects with the last. 1 is the paper's Deep RFM.
    pub rfm_iters: usize,
    /// The power P of M the layer projects with, `0 < P <=` [`MAX_AGOP_POWER`]: `X M^P`. 0.5
    /// (the square root) is the paper's.
    pub agop_power: f64,
    /// Keep only the AGOP's diagonal (before its normalisation): a per-feature reweighting, no
    /// rotation. Only with the projections `agop` and `centred`.
    pub diag_agop: bool,
}

impl Default for RfmConfig {
    fn default() -> Self {
        RfmConfig {
            data: DataConfig::default(),
            depth: 8,
            kernel: KernelKind::Laplace,
            bandwidth: 2.0,
            ridge: 1e-3,
            feature: FeatureKind::Relu,
            width: 256,
            sigma: 0.05,
            projection: Projection::Agop,
            seed: 0,
            seeds: 1,
            rfm_iters: 1,
            agop_power: 0.5,
            diag_agop: false,
        }
    }
}

impl RfmConfig {
    /// Checks every value; the message names the field and what it must be.
    pub fn validate(&self) -> Result<()> {
        self.data.validate()?;
        if !(1..=MAX_DEPTH).contains(&self.depth) {
            return Err(Error::config("depth", format!("must be between 1 and {MAX_DEPTH}, got {}", self.depth)));
        }
        if !(self.bandwidth.is_finite() && self.bandwidth > 0.0) {
            return Err(Error::config("bandwidth", format!("must be a positive number, got {}", self.bandwidth)));
        }
        if !(self.ridge.is_finite() && self.ridge >= 0.0) {
            return Err(Error::config("ridge", format!("must be a number >= 0, got {}", self.ridge)));
        }
        if !(1..=MAX_WIDTH).contains(&self.width) {
            return Err(Error::config("width", format!("must be between 1 and {MAX_WIDTH}, got {}", self.width)));
        }
        if !(1..=MAX_SEEDS).contains(&self.seeds) {
            return Err(Error::config("seeds", format!("must be between 1 and {MAX_SEEDS}, got {}", self.seeds)));
        }
        if !(self.sigma.is_finite() && self.sigma > 0.0) {
            return Err(Error::config("sigma", format!("must be a positive number, got {}", self.sigma)));
        }
        if self.projection == Projection::Centred && self.kernel == KernelKind::Linear {
            return Err(Error::config(
                "projection",
                "centred needs the laplace or gaussian kernel: a linear predictor has the same gradient \
                 everywhere, so the covariance of its gradients is zero",
            ));
        }
        if !(1..=MAX_RFM_ITERS).contains(&self.rfm_iters) {
            return Err(Error::config(
                "rfm_iters",
                format!("must be between 1 and {MAX_RFM_ITERS}, got {}", self.rfm_iters),
            ));
        }
        if self.rfm_iters > 1 && !self.projection.uses_agop() {
            return Err(Error::config(
                "rfm_iters",
                format!(
                    "more than one RFM iteration needs a projection learned from the AGOP (agop, centred or \
                     random-spectrum): {} does not learn a metric from the kernel machine",
                    self.projection.name()
                ),
            ));
        }
        if !(self.agop_power.is_finite() && self.agop_power > 0.0 && self.agop_power <= MAX_AGOP_POWER) {
            return Err(Error::config(
                "agop_power",
                format!("must be a number above 0 and at most {MAX_AGOP_POWER}, got {}", self.agop_power),
            ));
        }
        if self.diag_agop && !matches!(self.projection, Projection::Agop | Projection::Centred) {
            return Err(Error::config(
                "diag_agop",
                format!(
                    "the diagonal AGOP needs the projection agop or centred, got {}: the others do not \
                     project with the AGOP itself",
                    self.projection.name()
                ),
            ));
        }
        match self.data.shape() {
            Some(shape) => self.check_memory(shape),
            None => Ok(()),
        }
    }

    /// Refuses the config on data of `shape` when its peak memory is over this build's budget
    /// ([`memory::default_budget`]).
    pub fn check_memory(&self, shape: RunShape) -> Result<()> {
        memory::check(shape, memory::default_budget(), |s| {
            rfm_peak_bytes(s, self.output_width(s.dim), self.rfm_iters > 1)
        })
    }

    /// Width of every layer's output when the input has `dim` features.
    fn output_width(&self, dim: usize) -> usize {
        if self.feature == FeatureKind::Identity { dim } else { self.width }
    }

    /// The kernel of every layer's regression. Precondition: the config is valid (a positive
    /// bandwidth).
    pub fn kernel(&self) -> Kernel {
        Kernel { kind: self.kernel, bandwidth: self.bandwidth }
    }
}

//! Random, untrained feature maps applied after every AGOP projection of Deep RFM.

use serde::{Deserialize, Serialize};

use crate::linalg::{Mat, product_transpose};
use crate::rng::Stream;

/// The nonlinearity of a random feature map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeatureKind {
    /// `ReLU(W z)`, W uniform in `(-1/sqrt(d), 1/sqrt(d))`: the default.
    Relu,
    /// Random Fourier features `sqrt(2/D) cos(W z + b)`, W Cauchy(0, sigma), b uniform in [0, 2 pi).
    Cos,
    /// No map at all (`z` itself): collapse then stalls.
    Identity,
}

impl FeatureKind {
    /// Every kind, in the order the lab lists them.
    pub const ALL: [FeatureKind; 3] = [FeatureKind::Relu, FeatureKind::Cos, FeatureKind::Identity];

    /// The lower-case name used in configs, flags and links.
    pub fn name(self) -> &'static str {
        match self {
            FeatureKind::Relu => "relu",
            FeatureKind::Cos => "cos",
            FeatureKind::Identity => "identity",
        }
    }
}

impl std::str::FromStr for FeatureKind {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        FeatureKind::ALL
            .into_iter()
            .find(|k| k.name() == text)
            .ok_or_else(|| format!("unknown feature map '{text}' (expected relu, cos or identity)"))
    }
}

/// One drawn feature map: its weights are fixed once drawn and applied to train and test alike.
pub struct RandomFeatures {
    kind: FeatureKind,
    /// width x d (empty for the identity).
    weights: Mat,
    /// Phases of the cos map, one per output feature.
    phases: Vec<f64>,
}

impl RandomFeatures {
    /// Draws a map from `d` inputs to `width` outputs (the identity keeps `d`).
    /// Preconditions: `d > 0`, `width > 0`, `sigma > 0` for cos.
    pub fn draw(kind: FeatureKind, d: usize, width: usize, sigma: f64, rng: &mut Stream) -> Self {
        match kind {
            FeatureKind::Identity => RandomFeatures { kind, weights: Mat::zeros(0, 0), phases: vec![] },
            FeatureKind::Relu => {
                let bound = 1.0 / (d as f64).sqrt();
                let weights = fill_row_major(Mat::zeros(width, d), || rng.uniform(-bound, bound));
                RandomFeatures { kind, weights, phases: vec![] }
            }
            FeatureKind::Cos => {
                let weights = fill_row_major(Mat::zeros(width, d), || rng.cauchy(sigma));
                let phases = (0..width).map(|_| rng.uniform(0.0, 2.0 * std::f64::consts::PI)).collect();
                RandomFeatures { kind, weights, phases }
            }
        }
    }

    /// A map from its parts, as [`RandomFeatures::kind`], [`RandomFeatures::weights`] and
    /// [`RandomFeatures::phases`] give them (how a map crosses to a helper worker), or `None`
    /// when they do not fit together: the identity has no weights and no phases, ReLU weights
    /// and no phases, cos one phase per row of its weights.
    pub fn from_parts(kind: FeatureKind, weights: Mat, phases: Vec<f64>) -> Option<Self> {
        let fits = match kind {
            FeatureKind::Identity => weights.is_empty() && phases.is_empty(),
            FeatureKind::Relu => phases.is_empty(),
            FeatureKind::Cos => phases.len() == weights.nrows(),
        };
        fits.then_some(RandomFeatures { kind, weights, phases })
    }

    /// The nonlinearity.
    pub fn kind(&self) -> FeatureKind {
        self.kind
    }

    /// The weights, width x d (empty for the identity).
    pub fn weights(&self) -> &Mat {
        &self.weights
    }

    /// The phases of the cos map (empty for the others).
    pub fn phases(&self) -> &[f64] {
        &self.phases
    }

    /// Applies the map to every row of `z` (n x d), giving n x width.
    pub fn apply(&self, z: &Mat) -> Mat {
        match self.kind {
            FeatureKind::Identity => z.clone(),
            FeatureKind::Relu => product_transpose(z, &self.weights).map(|v| v.max(0.0)),
            FeatureKind::Cos => {
                let scale = (2.0 / self.weights.nrows() as f64).sqrt();
                let mut out = product_transpose(z, &self.weights);
                for (mut column, phase) in out.column_iter_mut().zip(&self.phases) {
                    column.apply(|v| *v = scale * (*v + phase).cos());
                }
                out
            }
        }
    }
}

/// Fills `m` in row-major order (row 0 first), so the draw order reads like the math.
fn fill_row_major(mut m: Mat, mut draw: impl FnMut() -> f64) -> Mat {
    for i in 0..m.nrows() {
        for j in 0..m.ncols() {
            m[(i, j)] = draw();
        }
    }
    m
}

//! Kernels and kernel ridge regression.

use serde::{Deserialize, Serialize};

// Re-exported: the label helpers of kernel ridge regression live with the data (data::labels).
pub use crate::data::labels::{accuracy, argmax_rows, signed_one_hot};
use crate::linalg::{Mat, outer_gram, pairwise_distances, product_transpose};

/// The kernel family of a kernel machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KernelKind {
    /// `exp(-||x - z|| / L)`, the default of Deep RFM.
    Laplace,
    /// `exp(-||x - z||^2 / (2 L^2))`.
    Gaussian,
    /// `x . z` (the bandwidth is not used).
    Linear,
}

impl KernelKind {
    /// Every kind, in the order the lab lists them.
    pub const ALL: [KernelKind; 3] = [KernelKind::Laplace, KernelKind::Gaussian, KernelKind::Linear];

    /// The lower-case name used in configs, flags and links.
    pub fn name(self) -> &'static str {
        match self {
            KernelKind::Laplace => "laplace",
            KernelKind::Gaussian => "gaussian",
            KernelKind::Linear => "linear",
        }
    }
}

impl std::str::FromStr for KernelKind {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        KernelKind::ALL
            .into_iter()
            .find(|k| k.name() == text)
            .ok_or_else(|| format!("unknown kernel '{text}' (expected laplace, gaussian or linear)"))
    }
}

/// A kernel with its bandwidth `L`. Precondition: `bandwidth > 0` (unused for linear).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kernel {
    pub kind: KernelKind,
    pub bandwidth: f64,
}

/// A kernel matrix between two point sets, with the distances it was built from.
#[derive(Debug, Clone)]
pub struct KernelMatrix {
    /// `k(a_i, b_j)`.
    pub values: Mat,
    /// Euclidean distances `||a_i - b_j||` (`None` for the linear kernel, which needs none).
    pub distances: Option<Mat>,
}

impl Kernel {
    /// The kernel matrix between the rows of `a` and of `b`. `same` says that `a` and `b` are
    /// the same points (the diagonal distances are then exactly zero).
    pub fn matrix(&self, a: &Mat, b: &Mat, same: bool) -> KernelMatrix {
        match self.kind {
            KernelKind::Linear => {
                let values = if same { outer_gram(a) } else { product_transpose(a, b) };
                KernelMatrix { values, distances: None }
            }
            KernelKind::Laplace => {
                let distances = pairwise_distances(a, b, same);
                let values = distances.map(|d| (-d / self.bandwidth).exp());
                KernelMatrix { values, distances: Some(distances) }
            }
            KernelKind::Gaussian => {
                let distances = pairwise_distances(a, b, same);
                let scale = 2.0 * self.bandwidth * self.bandwidth;
                let values = distances.map(|d| (-d * d / scale).exp());
                KernelMatrix { values, distances: Some(distances) }
            }
        }
    }
}

//! Memory budgets: a run's peak memory is estimated before it allocates, and a run that would
//! not fit is refused with the estimate and the largest training set that fits.
//!
//! The estimates count the f64 matrices alive at once at the peak of a step (see the
//! functions), so they are upper bounds up to small vectors and allocator slack.

use crate::error::{Error, Result};
// Re-exported: budgets are reported in these units.
pub use crate::units::human_bytes;

/// What a page's WebAssembly instance may use: wasm32 memory ends at 4 GiB, and a phone or a
/// blog's tab cannot spare much of it.
pub const BROWSER_BUDGET: u64 = 1_000_000_000;
/// What the command-line tool may use.
pub const CLI_BUDGET: u64 = 8_000_000_000;

/// Room for what the matrix estimates leave out: the product kernels' packing buffers (a few
/// MB each, sized by the CPU's caches), small vectors and allocator slack.
pub const SLACK: u64 = 32_000_000;

/// The budget of this build: [`BROWSER_BUDGET`] in WebAssembly, [`CLI_BUDGET`] natively.
pub const fn default_budget() -> u64 {
    if cfg!(target_arch = "wasm32") { BROWSER_BUDGET } else { CLI_BUDGET }
}

const F64: u64 = 8;

/// The sizes a run's memory depends on. The estimates assume sizes that validated configs allow
/// (each below a million), so that their products fit a u64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunShape {
    pub n_train: usize,
    pub n_test: usize,
    /// Dimension of the input samples.
    pub dim: usize,
    pub classes: usize,
}

/// Peak bytes of a Deep RFM run whose layers map `shape.dim` features to `width` (the identity
/// map keeps the input's dimension: pass `width = dim`).
///
/// Per layer, with n training and m test samples, input dimension p and output width w: the
/// kernel values and distances (2 n^2), the ridge system and its Cholesky factor (2 n^2) or the
/// AGOP's weights and middle matrix (2 n^2), the test kernel (2 m n); inputs, projections and
/// outputs of both sets (2 (n + m) p + (n + m) w); the AGOP, its normalised and symmetrised
/// copies, the eigenvectors, the root and the eigensolver's work (8 p^2); the feature weights
/// (p w). The first layer has p = dim; later ones p = width. With several RFM iterations per layer
/// (`learns_metric`), the rows in the learned metric (n + m) p and the metric and its root (2 p^2)
/// are alive besides.
pub fn rfm_peak_bytes(shape: RunShape, width: usize, learns_metric: bool) -> u64 {
    let (n, m, k) = (shape.n_train as u64, shape.n_test as u64, shape.classes as u64);
    let metric = |p: u64| if learns_metric { (n + m) * p + 2 * p * p } else { 0 };
    let layer = |p: u64, w: u64| {
        4 * n * n + 2 * m * n + 2 * (n + m) * p + (n + m) * w + 8 * p * p + p * w + 4 * n * k + metric(p)
    };
    let (dim, width) = (shape.dim as u64, width as u64);
    SLACK + F64 * layer(dim, width).max(layer(width, width))
}

/// Peak bytes of training an MLP of `depth` hidden layers of `width` on `shape`.
///
/// The weights with their gradients and Adam's two moments (4 (d h + (L - 1) h^2 + h K)); the
/// activations of every layer for the whole training and test sets, kept for the measurements
/// (2 (n + m) h (L + 1)); a measurement's backpropagated gradients (one class at a time), the
/// AGOP of every layer's input, the Gram, root and SVD work, and the rotated and scaled features
/// (4 n q + d^2 + (L + 6) h^2, with q = max(d, h)); and the training set and targets copied to
/// f32 for training (n (d + K) / 2). Weights and moments are counted in f64 though training keeps
/// them in f32: the measurement's f64 copy of the weights takes the difference.
pub fn mlp_peak_bytes(shape: RunShape, depth: usize, width: usize) -> u64 {
    let (n, m, d, k) = (shape.n_train as u64, shape.n_test as u64, shape.dim as u64, shape.classes as u64);
    let (layers, h) = (depth as u64, width as u64);
    let weights = d * h + layers.saturating_sub(1) * h * h + h * k;
    let activations = 2 * (n + m) * h * (layers + 1);
    let widest = d.max(h);
    let measurement = 4 * n * widest + d * d + (layers + 6) * h * h;
    let single_precision_copies = (n * (d + k)).div_ceil(2);
    SLACK + F64 * (4 * weights + activations + measurement + single_precision_copies)
}

/// Refuses a run whose `peak` estimate (a function of the training-set size, the rest of
/// `shape` fixed) is over `budget`, naming the estimate and the largest training set that fits.
pub fn check(shape: RunShape, budget: u64, peak: impl Fn(RunShape) -> u64) -> Result<()> {
    let estimate = peak(shape);
    if estimate <= budget {
        return Ok(());
    }
    // The estimate grows with n_train: bisect for the largest size that fits.
    let fits = |n_train: usize| peak(RunShape { n_train, ..shape }) <= budget;
    let (mut low, mut high) = (0, shape.n_train);
    while low + 1 < high {
        let middle = low + (high - low) / 2;
        if fits(middle) { low = middle } else { high = middle }
    }
    Err(Error::MemoryBudget { estimate_bytes: estimate, budget_bytes: budget, largest_n_train: low })
}

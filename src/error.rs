//! The crate's one error type. Every message names the problem and, where it can, the fix.

use thiserror::Error as ThisError;

use crate::units::human_bytes;

/// Everything that can go wrong in the lab, as a value a user can act on.
#[derive(Debug, Clone, PartialEq, ThisError)]
pub enum Error {
    /// A configuration value is out of range or inconsistent with another.
    #[error("invalid {field}: {message}")]
    InvalidConfig { field: String, message: String },

    /// `K + ridge I` has no Cholesky factor (duplicate points with a tiny ridge, for instance).
    #[error(
        "layer {layer}: the kernel matrix plus the ridge {ridge:e} is not positive definite (duplicate \
         or nearly duplicate samples?); increase the ridge, for example to {:e}",
        suggested_ridge(*.ridge)
    )]
    NotPositiveDefinite { layer: usize, ridge: f64 },

    /// The data cannot be used as asked (missing, malformed, too small for the request).
    #[error("{0}")]
    Data(String),

    /// A helper computing part of a layer (the page's second Web Worker, natively a thread)
    /// stopped with an error or crashed; `helper` says which (`worker`, `thread`), `cause` what
    /// it reported. The layer it was computing cannot be finished.
    #[error("the helper {helper} failed: {cause}")]
    Helper { helper: &'static str, cause: String },

    /// A CSV value that cannot be read, located for the user.
    #[error("CSV line {line}, column {column}: {message}")]
    Csv { line: u64, column: usize, message: String },

    /// Training diverged: the loss is no longer a finite number.
    #[error("epoch {epoch}: the training loss became NaN or infinite; lower the learning rate")]
    Diverged { epoch: usize },

    /// The run would need more memory than this build allows.
    #[error(
        "this run needs about {} of memory, more than the {} allowed here; with these settings at most \
         {largest_n_train} training samples fit (or lower the width or the dimension)",
        human_bytes(*.estimate_bytes),
        human_bytes(*.budget_bytes)
    )]
    MemoryBudget { estimate_bytes: u64, budget_bytes: u64, largest_n_train: usize },

    /// A NaN or an infinity appeared where the computation cannot recover from it.
    #[error("layer {layer}, stage {stage}: the computation produced NaN or infinity")]
    NonFinite { layer: usize, stage: String },

    /// The user's test file cannot be used (the training file can); `name` is the file's.
    #[error("the test file {name}: {source}")]
    InTestFile { name: String, source: Box<Error> },

    /// One seed of a run of several seeds failed (the others may not).
    #[error("seed {seed}: {source}")]
    InSeed { seed: u32, source: Box<Error> },
}

/// A ridge worth trying after `ridge` failed: the lab's default 1e-3, or ten times `ridge` when
/// that is already at least as large.
fn suggested_ridge(ridge: f64) -> f64 {
    if ridge < 1e-3 { 1e-3 } else { ridge * 10.0 }
}

impl Error {
    /// Shorthand for [`Error::InvalidConfig`].
    pub fn config(field: &str, message: impl Into<String>) -> Self {
        Error::InvalidConfig { field: field.to_string(), message: message.into() }
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

//! # agop-collapse
//!
//! The science core of an interactive lab for *deep neural collapse*, after Beaglehole, Súkeník,
//! Mondelli and Belkin, "Average gradient outer product as a mechanism for deep neural collapse"
//! (NeurIPS 2024).
//!
//! Deep Recursive Feature Machines (Deep RFM) alternate, layer after layer: fit kernel ridge
//! regression, compute its average gradient outer product (AGOP), project the data with
//! AGOP^{1/2}, apply a random untrained feature map. The crate measures neural collapse (NC1, NC2
//! and their variants) at every stage of every layer.
//!
//! Module map (a module imports only modules above it in this list; tests/acyclic_imports.rs
//! checks that no import circle forms):
//! - [`units`]: quantities written for people (byte counts).
//! - [`error`]: the one error type, with messages a user can act on.
//! - [`rng`]: seeded, reproducible random streams, one per purpose.
//! - [`linalg`]: the dense kernels everything uses (distances, SPD solve, PSD square root, the
//!   largest eigenvalue by Lanczos).
//! - [`geometry`]: the features' geometry beyond NC1 and NC2 (CDNV, stable rank, class-mean
//!   singular values, alignment with the class-mean directions).
//! - [`memory`]: peak-memory estimates and the budgets that refuse runs too big to fit.
//! - [`data`]: datasets (MNIST, synthetic mixtures, CSV), balanced splits, pooling,
//!   standardisation, their config; `data::labels`: +-1 targets, predicted classes, accuracy.
//! - [`kernel`]: Laplace, Gaussian and linear kernels; kernel ridge regression.
//! - [`features`]: random feature maps (ReLU, cos, identity).
//! - [`sample_pairs`]: rows of the AGOP's n x n sample-pair form, the helper's share of an AGOP.
//! - [`parallel`]: the large products of a layer, split between this core and a helper.
//! - [`agop`]: the closed-form AGOP of a kernel predictor.
//! - [`nc`]: neural-collapse metrics.
//! - [`projection`]: what a Deep RFM layer projects with (the AGOP, or a control), and its root.
//! - [`config`]: the validated configs of the experiments (Deep RFM, the network).
//! - [`report`]: the plain-data results (the JSON contract).
//! - [`rate`]: the rate of collapse, a fitted factor per layer.
//! - [`rfm`]: Deep RFM, one layer at a time.
//! - [`spread`]: the mean and spread of a run's numbers across seeds.
//! - [`seeds`]: one config over consecutive seeds.
//! - [`mlp`]: a trained ReLU network: singular-structure stages of every layer, NFA correlation.
//! - [`views`]: compact pictures of features (Gram matrix, PCA) for display.
//! - [`hash`]: configs as URL hashes, so that a link reproduces a run.
//! - [`link`]: the page's whole link (both configs and its presentation flags), read and written once.
//! - [`bench`]: the reference workloads and kernel figures of the benchmarks.
//! - [`plot`]: charts, drawn with plotters on any backend (canvas in the page, SVG in tests).
//! - `web` (wasm only) and the command-line tool (src/bin): the faces, above everything.
//!
//! The science modules know nothing of the web or of plotting; `web` (wasm only) and the
//! command-line tool translate, they do not compute.

pub mod agop;
pub mod bench;
pub mod config;
pub mod data;
pub mod error;
pub mod features;
pub mod geometry;
pub mod hash;
pub mod kernel;
pub mod linalg;
pub mod link;
pub mod memory;
pub mod mlp;
pub mod nc;
pub mod parallel;
pub mod plot;
pub mod projection;
pub mod rate;
pub mod report;
pub mod rfm;
pub mod rng;
pub mod sample_pairs;
pub mod seeds;
pub mod spread;
pub mod units;
pub mod views;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::{Error, Result};

//! One measurement of a network: loss and accuracies, and for every hidden layer the collapse
//! metrics at the five stages of its singular structure, the Neural Feature Ansatz correlation
//! and exponent, the alignments of `W^T W` and the AGOP with the input's class means, and the
//! output layer's NC3 (see [`super::alignment`]).
//!
//! A hidden layer with input Phi (N x p) and weight `W = U S V^T` (thin SVD) is measured at
//! Phi ("in"), `Phi V` ("Vt"), `Phi V S` ("SVt"), `Phi W^T` ("USVt", the same NC1 as "SVt" since
//! U has orthonormal columns) and `ReLU(Phi W^T)` ("out").

use crate::config::mlp::MlpConfig;
use crate::data::Split;
use crate::data::labels::{accuracy, argmax_rows, signed_one_hot};
use crate::error::{Error, Result};
use crate::linalg::{
    Mat, all_finite, outer_gram, product, psd_sqrt, svd, symmetric_eigen, transpose_gram, transpose_product,
};
use crate::nc::{Metrics, measure};
use crate::report::{DatasetSummary, MlpLayerReport, MlpMeasurement, MlpStages};

use super::alignment::{alignment_in, centred_class_means, class_mean_basis, nc3_output, nfa_alpha_from_eigen};
use super::network::{Network, congruence, layer_sizes, mean_squared_error};

/// The five measured stages of a hidden layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MlpStage {
    /// The layer's input Phi.
    In,
    /// `Phi V`: rotated onto the right singular vectors.
    Vt,
    /// `Phi V S`: the right singular structure applied.
    SVt,
    /// `Phi W^T`: the pre-activation.
    USVt,
    /// `ReLU(Phi W^T)`: the layer's output.
    Out,
}

impl MlpStage {
    /// Every stage, in order.
    pub const ALL: [MlpStage; 5] = [MlpStage::In, MlpStage::Vt, MlpStage::SVt, MlpStage::USVt, MlpStage::Out];

    /// The stage's name, as in the Result JSON.
    pub fn name(self) -> &'static str {
        match self {
            MlpStage::In => "in",
            MlpStage::Vt => "Vt",
            MlpStage::SVt => "SVt",
            MlpStage::USVt => "USVt",
            MlpStage::Out => "out",
        }
    }
}

/// The samples a run trains on and is measured on.
pub struct Samples {
    /// N x d training features.
    pub train: Mat,
    /// Class of every training row.
    pub labels: Vec<usize>,
    /// `2 onehot(labels) - 1`, N x K.
    pub targets: Mat,
    /// Test features (may have no rows).
    pub test: Mat,
    pub test_labels: Vec<usize>,
    pub classes: usize,
}

/// The samples a run is measured on, ready to measure any network of the run: how a second
/// worker measures while the first trains on.
pub struct MlpMeasurer {
    pub(super) samples: Samples,
    pub(super) dataset: DatasetSummary,
}

impl MlpMeasurer {
    /// The measurer of a run of `config` on `split` (loaded and standardised as for training).
    /// Fails when the config is invalid.
    pub fn new(config: &MlpConfig, split: Split) -> Result<Self> {
        config.validate()?;
        let dataset = DatasetSummary::of(&split);
        config.check_memory(dataset.shape())?;
        let classes = dataset.classes;
        Ok(MlpMeasurer {
            dataset,
            samples: Samples {
                targets: signed_one_hot(&split.train.labels, classes),
                train: split.train.features,
                labels: split.train.labels,
                test: split.test.features,
                test_labels: split.test.labels,
                classes,
            },
        })
    }

    /// The network of `config` on this data whose weights are `values` (as
    /// [`Network::to_flat`] gives them). Fails when their number does not fit.
    pub fn network_from_flat(&self, config: &MlpConfig, values: &[f64]) -> Result<Network> {
        let sizes = layer_sizes(self.dataset.dim, config.width, config.depth, self.dataset.classes);
        Network::from_flat(&sizes, values)
    }

    /// Measures `network` at `epoch` (see [`measure_network`]).
    /// Precondition: the network takes the samples' features and has one output per class.
    pub fn measure(&self, network: &Network, epoch: usize) -> Result<MlpMeasurement> {
        measure_network(network, &self.samples, epoch)
    }
}

/// Share of a layer's NC1 reduction that the right singular structure does:
/// `[ln NC1(in) - ln NC1(SVt)] / [ln NC1(in) - ln NC1(out)]`. `None` when the denominator is
/// zero or the ratio is not a finite number (an NC1 of zero, for one).
pub fn share(nc1_in: f64, nc1_svt: f64, nc1_out: f64) -> Option<f64> {
    let denominator = nc1_in.ln() - nc1_out.ln();
    let ratio = (nc1_in.ln() - nc1_svt.ln()) / denominator;
    (denominator != 0.0 && ratio.is_finite()).then_some(ratio)
}

/// A layer's AGOP taken apart once for everything measured from it: its square root (the NFA)
/// and its eigenpairs (the NFA exponent, [`nfa_alpha_from_eigen`]).
pub struct AgopSpectrum {
    /// `AGOP^{1/2}`, negative eigenvalues (rounding) clipped to 0.
    pub root: Mat,
    /// The AGOP's eigenvalues, largest first; the AGOP's other eigenvalues are 0.
    pub eigenvalues: Vec<f64>,
    /// Unit eigenvectors as columns (d x m, m = `eigenvalues.len()`), in the order of `eigenvalues`.
    pub eigenvectors: Mat,
}

/// The [`AgopSpectrum`] of a layer whose AGOP is `W^T M W` (`agop`), `W` of r rows and d
/// columns. When the layer narrows its input (r < d, MNIST's 784 into 256), it comes from r x r
/// eigenproblems instead of one of d x d (about a tenth of the work there): with
/// `B = M^{1/2} W`, `W^T M W = B^T B`; with `B B^T = U diag(l) U^T`, the AGOP's eigenpairs are
/// `l_i` and `B^T u_i / sqrt(l_i)` and its root `B^T (B B^T)^{-1/2} B`, over the eigenvalues
/// above 1e-24 of the largest (below, a direction adds less than 1e-12 of the largest to the
/// root); its other d - r eigenvalues are exactly 0, where a d x d eigensolver would return
/// rounding noise. Otherwise one eigendecomposition of the AGOP ([`psd_sqrt`]). `None` when an
/// eigensolver fails (NaN or infinite entries).
/// Precondition: `M` is symmetric PSD, `agop` is `congruence(M, W)`.
pub fn agop_spectrum(middle: &Mat, weight: &Mat, agop: &Mat) -> Option<AgopSpectrum> {
    if weight.nrows() >= weight.ncols() {
        let root = psd_sqrt(agop)?;
        return Some(AgopSpectrum { root: root.power, eigenvalues: root.eigenvalues, eigenvectors: root.eigenvectors });
    }
    let factor = product(&psd_sqrt(middle)?.power, weight);
    let small = outer_gram(&factor);
    let (eigenvalues, eigenvectors) = symmetric_eigen(&small)?;
    let largest = eigenvalues.first().copied().unwrap_or(0.0).max(0.0);
    let kept = eigenvalues.iter().take_while(|&&lambda| lambda > 1e-24 * largest).count();
    let mut scaled = eigenvectors;
    for (k, mut column) in scaled.column_iter_mut().enumerate() {
        column *= if k < kept { 1.0 / eigenvalues[k].sqrt().sqrt() } else { 0.0 };
    }
    // (B B^T)^{-1/2} = S S^T with S = U diag(l^{-1/4}); the root is (S^T B)^T (S^T B), and the
    // eigenvectors B^T u_i l_i^{-1/2} are the first rows of S^T B, transposed, times l_i^{-1/4}.
    let half = transpose_product(&scaled, &factor);
    let root = transpose_gram(&half);
    let mut vectors = half.rows(0, kept).transpose();
    for (mut column, &lambda) in vectors.column_iter_mut().zip(&eigenvalues) {
        column *= 1.0 / lambda.sqrt().sqrt();
    }
    Some(AgopSpectrum { root, eigenvalues: eigenvalues[..kept].to_vec(), eigenvectors: vectors })
}

/// A layer whose NC1 falls by less than this factor collapses too little for its share to mean
/// anything: the share's denominator is then near zero and the ratio swings (shares of 13.8
/// and -2 are seen on MNIST in layers that barely change NC1).
pub const LITTLE_COLLAPSE_FACTOR: f64 = 1.2;
/// Likewise a layer whose log-NC1 drop is under this fraction of the largest drop of any layer
/// at the same measurement.
pub const LITTLE_COLLAPSE_FRACTION: f64 = 0.1;

/// Whether a layer with log-NC1 drop `drop` collapses too little for a share, when the largest
/// drop of the measurement's layers is `largest_drop`: `drop < ln 1.2` or
/// `drop < 0.1 largest_drop`, or no drop (`None`).
pub fn little_collapse(drop: Option<f64>, largest_drop: f64) -> bool {
    match drop {
        Some(drop) => drop < LITTLE_COLLAPSE_FACTOR.ln() || drop < LITTLE_COLLAPSE_FRACTION * largest_drop,
        None => true,
    }
}

/// Pearson correlation of all entries of `a` and `b`:
/// `<a - mean(a), b - mean(b)> / (||a - mean(a)|| ||b - mean(b)||)`. `None` when either has all
/// entries equal (no spread) or the result is not finite. Precondition: equal shapes.
pub fn entry_correlation(a: &Mat, b: &Mat) -> Option<f64> {
    let count = a.len() as f64;
    let (mean_a, mean_b) = (a.sum() / count, b.sum() / count);
    let (mut cross, mut spread_a, mut spread_b) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b.iter()) {
        let (x, y) = (x - mean_a, y - mean_b);
        cross += x * y;
        spread_a += x * x;
        spread_b += y * y;
    }
    let correlation = cross / (spread_a.sqrt() * spread_b.sqrt());
    (spread_a > 0.0 && spread_b > 0.0 && correlation.is_finite()).then_some(correlation)
}

/// Measures `network` on `samples` at `epoch`. Fails with [`Error::Diverged`] when the loss is
/// NaN or infinite, and with [`Error::NonFinite`] naming the layer and stage when a metric or an
/// AGOP is.
/// Precondition: the network takes the samples' features and has one output per class.
pub fn measure_network(network: &Network, samples: &Samples, epoch: usize) -> Result<MlpMeasurement> {
    let depth = network.depth();
    let pass = network.forward(&samples.train);
    let train_loss = mean_squared_error(&pass.output, &samples.targets);
    if !train_loss.is_finite() {
        return Err(Error::Diverged { epoch });
    }
    let predicted = argmax_rows(&pass.output);
    let train_acc = accuracy(&predicted, &samples.labels);
    let test_acc = (samples.test.nrows() > 0)
        .then(|| accuracy(&argmax_rows(&network.output(&samples.test)), &samples.test_labels));
    let middles = network.input_agop_middles(&pass);

    let mut layers: Vec<MlpLayerReport> = Vec::with_capacity(depth);
    for (l, middle) in middles.iter().enumerate() {
        let layer = l + 1;
        let non_finite = |stage: &str| Error::NonFinite { layer, stage: stage.into() };
        let weight = &network.weights()[l];
        let phi = pass.layer_input(&samples.train, l);
        let factors = svd(weight).ok_or_else(|| non_finite("SVD of the weights"))?;
        let rotated = product(phi, &factors.v);
        let mut scaled = rotated.clone();
        for (mut column, &s) in scaled.column_iter_mut().zip(&factors.singular_values) {
            column *= s;
        }
        let metrics = |features: &Mat, stage: MlpStage| -> Result<Metrics> {
            let m = measure(features, &samples.labels, samples.classes, &predicted);
            m.is_finite().then_some(m).ok_or_else(|| non_finite(stage.name()))
        };
        // A layer's input after the first is the previous layer's output, measured there.
        let input = match layers.last() {
            Some(previous) => previous.stages.out.clone(),
            None => metrics(phi, MlpStage::In)?,
        };
        let stages = MlpStages {
            input,
            vt: metrics(&rotated, MlpStage::Vt)?,
            svt: metrics(&scaled, MlpStage::SVt)?,
            usvt: metrics(&pass.pre[l], MlpStage::USVt)?,
            out: metrics(&pass.hidden[l], MlpStage::Out)?,
        };

        let agop = congruence(middle, weight);
        if !all_finite(&agop) {
            return Err(non_finite("AGOP"));
        }
        let spectrum = agop_spectrum(middle, weight, &agop).ok_or_else(|| non_finite("AGOP"))?;
        let gram = transpose_product(weight, weight);
        // The class-mean directions of the layer's input on the training set.
        let basis = class_mean_basis(&centred_class_means(phi, &samples.labels, samples.classes))
            .ok_or_else(|| non_finite("class means"))?;
        let (nfa_alpha, nfa_alpha_corr) =
            nfa_alpha_from_eigen(&gram, &spectrum.eigenvalues, &spectrum.eigenvectors).unzip();
        let drop = stages.input.nc1.ln() - stages.out.nc1.ln();
        layers.push(MlpLayerReport {
            layer,
            share: share(stages.input.nc1, stages.svt.nc1, stages.out.nc1),
            nc1_drop: drop.is_finite().then_some(drop),
            little_collapse: false,
            stages,
            nfa: entry_correlation(&gram, &spectrum.root),
            nfa_agop: entry_correlation(&gram, &agop),
            weight_alignment: alignment_in(&gram, &basis),
            agop_alignment: alignment_in(&agop, &basis),
            nfa_alpha,
            nfa_alpha_corr,
        });
    }
    let largest_drop = layers.iter().filter_map(|l| l.nc1_drop).fold(0.0, f64::max);
    for layer in &mut layers {
        layer.little_collapse = little_collapse(layer.nc1_drop, largest_drop);
    }
    let last_means = centred_class_means(&pass.hidden[depth - 1], &samples.labels, samples.classes);
    let nc3_output = nc3_output(&network.weights()[depth], &last_means);
    Ok(MlpMeasurement { epoch, train_loss, train_acc, test_acc, nc3_output, layers })
}

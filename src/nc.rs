//! Neural-collapse metrics of a feature matrix (rows = samples), exactly as the paper's code.
//!
//! With class means `mu_c`, the global mean `mu_G` = mean of the class means,
//! `Sigma_W = (1/N) sum_i (h_i - mu_{y_i})(..)^T`, `Sigma_B = (1/K) sum_c (mu_c - mu_G)(..)^T`
//! and `Sigma_T = (1/N) sum_i (h_i - mu_G)(..)^T`. Only traces and K-dimensional projections
//! are needed, so no p x p matrix is ever formed by the paper's metrics (the stable rank forms
//! the smaller Gram of the features, see [`crate::geometry`]).

use nalgebra::SymmetricEigen;
use serde::{Deserialize, Serialize};

use crate::geometry::{ClassMeanSpectrum, cdnv, stable_rank};
use crate::linalg::{Mat, row_norms_squared, transpose_gram};

/// Eigenvalues of `Sigma_B` below this share of its largest are treated as zero in its
/// pseudo-inverse (the centred means have rank at most K-1, so one is always exactly zero).
pub const PINV_RELATIVE_TOLERANCE: f64 = 1e-12;

/// Every collapse metric of one feature matrix. The paper's tend to 0 under collapse, except
/// `ncc_agreement`, which tends to 1; of the others (DIGEST.md section 8), `cdnv` tends to 0 and
/// the class means' rank to K-1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// `tr(Sigma_W) / (K tr(Sigma_B))`: what the paper's figures plot.
    pub nc1: f64,
    /// `tr(Sigma_W) / tr(Sigma_B)` (= K nc1).
    pub nc1_trace: f64,
    /// `tr(Sigma_W Sigma_B^+) / K` (Papyan, Han and Donoho).
    pub nc1_papyan: f64,
    /// `tr(Sigma_W) / tr(Sigma_T)`, in [0, 1].
    pub nc1_wt: f64,
    /// Mean over the K^2 entries of `(G - E)^2`: G the cosine Gram of the centred class means,
    /// E that of a simplex ETF (1 on the diagonal, -1/(K-1) off it).
    pub nc2: f64,
    /// Mean over the K^2 entries of `(G_u - I)^2`, G_u the cosine Gram of the uncentred means.
    pub nc2_orth: f64,
    /// std/mean of the norms `||mu_c - mu_G||` (population std).
    pub nc2_equinorm: f64,
    /// Mean over ordered pairs c != c' of `|cos(mu_c - mu_G, mu_c' - mu_G) + 1/(K-1)|`.
    pub nc2_equiangle: f64,
    /// Share of samples whose nearest class mean (Euclidean) is the predictor's label.
    pub ncc_agreement: f64,
    /// The class-distance normalised variance: the mean over class pairs `c < c'` of
    /// `(V_c + V_c') / (2 ||mu_c - mu_c'||^2)`, `V_c` the mean squared distance of class c's
    /// samples to their mean (see [`crate::geometry::cdnv`]).
    pub cdnv: f64,
    /// `||Hc||_F^2 / sigma_max(Hc)^2`, Hc the features less `mu_G`.
    pub stable_rank: f64,
    /// The K singular values of the centred class means (K x p, rows `mu_c - mu_G`), largest
    /// first, zeros beyond p: a simplex has K-1 equal ones and a zero.
    pub class_mean_singular_values: Vec<f64>,
    /// How many of `class_mean_singular_values` exceed 1e-6 times the largest.
    pub class_mean_rank: usize,
}

impl Metrics {
    /// The scalar metrics as (name, value) pairs, in declaration order (`class_mean_rank` as a
    /// number; the singular values, an array, are left out).
    pub fn named(&self) -> [(&'static str, f64); 12] {
        [
            ("nc1", self.nc1),
            ("nc1_trace", self.nc1_trace),
            ("nc1_papyan", self.nc1_papyan),
            ("nc1_wt", self.nc1_wt),
            ("nc2", self.nc2),
            ("nc2_orth", self.nc2_orth),
            ("nc2_equinorm", self.nc2_equinorm),
            ("nc2_equiangle", self.nc2_equiangle),
            ("ncc_agreement", self.ncc_agreement),
            ("cdnv", self.cdnv),
            ("stable_rank", self.stable_rank),
            ("class_mean_rank", self.class_mean_rank as f64),
        ]
    }

    /// True when every metric is a finite number.
    pub fn is_finite(&self) -> bool {
        self.named().iter().all(|(_, v)| v.is_finite()) && self.class_mean_singular_values.iter().all(|v| v.is_finite())
    }
}

/// Class means (K x p) of the rows of `features`.
/// Preconditions: `labels.len() == features.nrows()`, every label `< classes`, every class present.
pub fn class_means(features: &Mat, labels: &[usize], classes: usize) -> Mat {
    let mut sums = Mat::zeros(classes, features.ncols());
    let mut counts = vec![0usize; classes];
    for &y in labels {
        counts[y] += 1;
    }
    // Column by column (the storage's order); every sum still runs over the samples in order.
    for (mut sum, column) in sums.column_iter_mut().zip(features.column_iter()) {
        for (&v, &y) in column.iter().zip(labels) {
            sum[y] += v;
        }
    }
    for (c, &count) in counts.iter().enumerate() {
        let mut row = sums.row_mut(c);
        row /= count as f64;
    }
    sums
}

/// The between-class scatter `Sigma_B = (1/K) sum_c (mu_c - mu_G)(mu_c - mu_G)^T` (p x p), with
/// `mu_G` the mean of the class means; its trace is the denominator of NC1. Preconditions: every
/// class in `0..classes` has a sample; labels within it.
pub fn between_class_scatter(features: &Mat, labels: &[usize], classes: usize) -> Mat {
    let means = class_means(features, labels, classes);
    let global_mean = means.row_mean();
    let mut centred = means;
    for mut row in centred.row_iter_mut() {
        row -= &global_mean;
    }
    transpose_gram(&centred) / classes as f64
}

/// Measures every collapse metric of `features` (N x p) with class `labels` in `0..classes`
/// and the labels `predicted` by the model being studied (for the NCC agreement).
/// Preconditions: `classes >= 2`, every class present, `labels` and `predicted` of length N.
pub fn measure(features: &Mat, labels: &[usize], classes: usize, predicted: &[usize]) -> Metrics {
    let n = features.nrows() as f64;
    let k = classes as f64;
    let means = class_means(features, labels, classes);
    let global_mean = means.row_mean();
    let mut centred_means = means.clone();
    for mut row in centred_means.row_iter_mut() {
        row -= &global_mean;
    }

    // Within-class deviations h_i - mu_{y_i}; their squared norm is N tr(Sigma_W). Column by
    // column, the storage's order (the same numbers as row by row).
    let mut within = features.clone();
    for (j, mut column) in within.column_iter_mut().enumerate() {
        for (v, &y) in column.iter_mut().zip(labels) {
            *v -= means[(y, j)];
        }
    }
    let within_norms = row_norms_squared(&within);
    let trace_within = within.norm_squared() / n;
    let trace_between = centred_means.norm_squared() / k;
    let mut centred = features.clone();
    for (mut column, &mean) in centred.column_iter_mut().zip(global_mean.iter()) {
        for v in column.iter_mut() {
            *v -= mean;
        }
    }
    // Row by row, in the order the paper's numbers have always been summed.
    let trace_total = row_norms_squared(&centred).iter().sum::<f64>() / n;

    // Sigma_B = (1/K) C^T C for the centred means C (K x p). With C C^T = U diag(lambda) U^T,
    // the directions v_k = C^T u_k / sqrt(lambda_k) span Sigma_B's range and
    // tr(Sigma_W Sigma_B^+) / K = sum_k ||H_w v_k||^2 / (N lambda_k) = sum_k ||H_w C^T u_k||^2 / (N lambda_k^2).
    // The K x K eigenproblem is cheap and reliable (nalgebra's SVD can return inaccurate
    // factors for such wide matrices).
    let gram = &centred_means * centred_means.transpose();
    let eigen = SymmetricEigen::new(gram);
    let largest = eigen.eigenvalues.max();
    let projected = &within * centred_means.transpose(); // N x K
    let mut nc1_papyan = 0.0;
    for (index, &lambda) in eigen.eigenvalues.iter().enumerate() {
        if lambda > PINV_RELATIVE_TOLERANCE * largest && lambda > 0.0 {
            let along = &projected * eigen.eigenvectors.column(index);
            nc1_papyan += along.norm_squared() / (n * lambda * lambda);
        }
    }

    let etf_off_diagonal = -1.0 / (k - 1.0);
    let centred_gram = cosine_gram(&centred_means);
    let uncentred_gram = cosine_gram(&means);
    let (mut nc2, mut nc2_orth, mut equiangle) = (0.0, 0.0, 0.0);
    for a in 0..classes {
        for b in 0..classes {
            let (etf, identity) = if a == b { (1.0, 1.0) } else { (etf_off_diagonal, 0.0) };
            nc2 += (centred_gram[(a, b)] - etf).powi(2);
            nc2_orth += (uncentred_gram[(a, b)] - identity).powi(2);
            if a != b {
                equiangle += (centred_gram[(a, b)] - etf_off_diagonal).abs();
            }
        }
    }

    let spectrum = ClassMeanSpectrum::of(&centred_means);
    let norms: Vec<f64> = centred_means.row_iter().map(|r| r.norm()).collect();
    let mean_norm = norms.iter().sum::<f64>() / k;
    let norm_variance = norms.iter().map(|v| (v - mean_norm).powi(2)).sum::<f64>() / k;

    Metrics {
        nc1: trace_within / (k * trace_between),
        nc1_trace: trace_within / trace_between,
        nc1_papyan,
        nc1_wt: trace_within / trace_total,
        nc2: nc2 / (k * k),
        nc2_orth: nc2_orth / (k * k),
        nc2_equinorm: norm_variance.sqrt() / mean_norm,
        nc2_equiangle: equiangle / (k * (k - 1.0)),
        ncc_agreement: ncc_agreement(features, &means, predicted),
        cdnv: cdnv(within_norms.as_slice(), labels, &means),
        stable_rank: stable_rank(&centred),
        class_mean_rank: spectrum.rank(),
        class_mean_singular_values: spectrum.singular_values,
    }
}

/// The centred class means `mu_c - mu_G` (K x p) of `features`. Preconditions as [`class_means`].
pub fn centred_class_means(features: &Mat, labels: &[usize], classes: usize) -> Mat {
    let mut centred = class_means(features, labels, classes);
    let global_mean = centred.row_mean();
    for mut row in centred.row_iter_mut() {
        row -= &global_mean;
    }
    centred
}

/// The alignment `tr(U^T A U) / tr(A)` of the PSD matrix `a` (p x p) with the class-mean
/// directions of `features` (N x p), U an orthonormal basis of the centred class means' row
/// space (see [`ClassMeanSpectrum::alignment`]): in [0, 1], r/p for the identity.
/// Preconditions: as [`measure`]; `a` symmetric PSD with a positive trace.
pub fn class_mean_alignment(a: &Mat, features: &Mat, labels: &[usize], classes: usize) -> f64 {
    ClassMeanSpectrum::of(&centred_class_means(features, labels, classes)).alignment(a)
}

/// Cosine similarities between the rows of `vectors` (K x K).
fn cosine_gram(vectors: &Mat) -> Mat {
    let norms: Vec<f64> = vectors.row_iter().map(|r| r.norm()).collect();
    let mut gram = vectors * vectors.transpose();
    for a in 0..gram.nrows() {
        for b in 0..gram.ncols() {
            gram[(a, b)] /= norms[a] * norms[b];
        }
    }
    gram
}

/// Share of rows whose nearest class mean (Euclidean) equals `predicted`. Ties go to the first class.
fn ncc_agreement(features: &Mat, means: &Mat, predicted: &[usize]) -> f64 {
    let mean_norms: Vec<f64> = means.row_iter().map(|r| r.norm_squared()).collect();
    // ||h - mu_c||^2 = ||h||^2 - 2 h.mu_c + ||mu_c||^2; ||h||^2 is the same for every c.
    let cross = features * means.transpose();
    let agreeing = cross
        .row_iter()
        .zip(predicted)
        .filter(|(row, p)| {
            let mut nearest = 0;
            let mut best = f64::INFINITY;
            for (c, norm) in mean_norms.iter().enumerate() {
                let distance = norm - 2.0 * row[c];
                if distance < best {
                    best = distance;
                    nearest = c;
                }
            }
            nearest == **p
        })
        .count();
    agreeing as f64 / features.nrows() as f64
}

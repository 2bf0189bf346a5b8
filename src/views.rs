//! Compact pictures of a feature matrix for display: the Gram picture of the paper's Figure 1
//! and a two-dimensional PCA projection. Both are small enough to send to a page per stage.

use nalgebra::SymmetricEigen;

use crate::linalg::{Mat, normalize_rows, outer_gram, product, transpose_product};
use crate::rng::{Purpose, Stream};

/// Cosine similarities between a few samples of every class, sorted by class.
#[derive(Debug, Clone, PartialEq)]
pub struct GramPicture {
    /// Number of samples shown (the picture is size x size).
    pub size: usize,
    /// Row-major size x size values in [-1, 1].
    pub values: Vec<f32>,
    /// Index of the first shown sample of every class.
    pub class_starts: Vec<usize>,
}

/// The Gram picture of `features` (N x p): subtract the mean of all samples, normalise rows,
/// and show `X X^T` for the first `per_class` samples of every class, sorted by class.
/// Under collapse it becomes blocks of 1 on the diagonal and -1/(K-1) elsewhere.
/// Preconditions: `labels.len() == features.nrows()`, labels in `0..classes`.
pub fn gram_picture(features: &Mat, labels: &[usize], classes: usize, per_class: usize) -> GramPicture {
    let (chosen, class_starts) = shown_samples(labels, classes, per_class);
    let mean = features.row_mean();
    let mut shown = features.select_rows(&chosen);
    for mut row in shown.row_iter_mut() {
        row -= &mean;
    }
    normalize_rows(&mut shown);
    let gram = outer_gram(&shown);
    let size = chosen.len();
    let values = (0..size * size).map(|k| gram[(k / size, k % size)] as f32).collect();
    GramPicture { size, values, class_starts }
}

/// The samples a picture shows: the first `per_class` of every class, sorted by class, and
/// where each class starts among them.
fn shown_samples(labels: &[usize], classes: usize, per_class: usize) -> (Vec<usize>, Vec<usize>) {
    let mut chosen = Vec::new();
    let mut class_starts = Vec::with_capacity(classes);
    for class in 0..classes {
        class_starts.push(chosen.len());
        chosen.extend((0..labels.len()).filter(|&i| labels[i] == class).take(per_class));
    }
    (chosen, class_starts)
}

/// The kernel matrix `kernel` (N x N, between the samples of `labels`) at the samples a Gram
/// picture of the same arguments shows, sorted by class: its values as they are (a Laplace or
/// Gaussian kernel's lie in (0, 1]). Preconditions: as for [`gram_picture`], `kernel` square of
/// side `labels.len()`.
pub fn kernel_picture(kernel: &Mat, labels: &[usize], classes: usize, per_class: usize) -> GramPicture {
    let (chosen, class_starts) = shown_samples(labels, classes, per_class);
    let size = chosen.len();
    let values = (0..size * size).map(|k| kernel[(chosen[k / size], chosen[k % size])] as f32).collect();
    GramPicture { size, values, class_starts }
}

/// Coordinates of every row of `features` on its two leading principal axes (N x 2, row-major
/// pairs). Four steps of subspace iteration on eight directions, then Rayleigh-Ritz: on the
/// lab's kinds of features the coordinates are the exact PCA's to a cosine of 1 - 1e-6
/// (tests/views.rs), from ten products with `features` instead of a p x p eigendecomposition.
/// A single feature gives a second coordinate of 0.
pub fn pca_2d(features: &Mat) -> Vec<[f64; 2]> {
    let (n, p) = features.shape();
    let mut centred = features.clone();
    let mean = features.row_mean();
    for mut row in centred.row_iter_mut() {
        row -= &mean;
    }
    let width = p.min(8).min(n.max(1));
    let mut rng = Stream::new(0, Purpose::Views);
    let mut basis = Mat::from_fn(p, width, |_, _| rng.normal()).qr().q();
    // The crate's product kernels: in wasm several times faster than nalgebra's for these shapes.
    for _ in 0..4 {
        let image = product(&centred, &basis);
        basis = transpose_product(&centred, &image).qr().q();
    }
    let projected = product(&centred, &basis); // n x width
    let small = SymmetricEigen::new(projected.transpose() * &projected);
    let mut order: Vec<usize> = (0..width).collect();
    order.sort_by(|&a, &b| small.eigenvalues[b].total_cmp(&small.eigenvalues[a]));
    let coordinate = |axis: usize| order.get(axis).map(|&i| &projected * small.eigenvectors.column(i));
    let (first, second) = (coordinate(0), coordinate(1));
    (0..n).map(|i| [first.as_ref().map_or(0.0, |c| c[i]), second.as_ref().map_or(0.0, |c| c[i])]).collect()
}

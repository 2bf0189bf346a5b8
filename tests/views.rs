//! The pictures sent to the page: the two-dimensional PCA and the Gram picture.

mod common;

use agop_collapse::linalg::Mat;
use agop_collapse::views::{gram_picture, pca_2d};
use common::{gaussian, orthogonal};
use nalgebra::SymmetricEigen;

/// Coordinates on the two leading principal axes, by a full eigendecomposition.
fn exact_pca(features: &Mat) -> [Vec<f64>; 2] {
    let mean = features.row_mean();
    let mut centred = features.clone();
    for mut row in centred.row_iter_mut() {
        row -= &mean;
    }
    let eigen = SymmetricEigen::new(centred.transpose() * &centred);
    let mut order: Vec<usize> = (0..eigen.eigenvalues.len()).collect();
    order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]));
    let axis = |k: usize| (&centred * eigen.eigenvectors.column(order[k])).iter().copied().collect();
    [axis(0), axis(1)]
}

/// |cosine| between two coordinate vectors, and the ratio of their norms.
fn agreement(a: &[f64], b: &[f64]) -> (f64, f64) {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let (na, nb) = (a.iter().map(|x| x * x).sum::<f64>().sqrt(), b.iter().map(|x| x * x).sum::<f64>().sqrt());
    ((dot / (na * nb)).abs(), na / nb)
}

/// On data whose spread falls off axis by axis (as features do before collapse), and on ten
/// clusters (as after), the picture's coordinates are those of the exact PCA, up to sign.
#[test]
fn pca_coordinates_are_the_leading_principal_components() {
    let (n, p) = (400, 60);
    let decaying = {
        let scales = Mat::from_fn(p, p, |i, j| if i == j { 3.0 * 0.8f64.powi(i as i32) } else { 0.0 });
        gaussian(n, p, 1) * scales * orthogonal(p, 2) + Mat::from_element(n, p, 5.0)
    };
    let clustered = {
        let centres = gaussian(10, p, 3) * 4.0;
        let noise = gaussian(n, p, 4) * 0.3;
        Mat::from_fn(n, p, |i, j| centres[(i % 10, j)] * (1.0 + (i % 10) as f64 * 0.15) + noise[(i, j)])
    };
    for (name, features) in [("decaying", decaying), ("clustered", clustered)] {
        let picture = pca_2d(&features);
        assert_eq!(picture.len(), n);
        let exact = exact_pca(&features);
        for axis in 0..2 {
            let shown: Vec<f64> = picture.iter().map(|c| c[axis]).collect();
            let (cosine, norms) = agreement(&shown, &exact[axis]);
            assert!(cosine > 1.0 - 1e-5, "{name}, axis {axis}: |cos| {cosine}");
            assert!((norms - 1.0).abs() < 1e-4, "{name}, axis {axis}: norm ratio {norms}");
        }
    }
}

/// A single feature gives a second coordinate of 0; a single sample, the origin.
#[test]
fn pca_of_degenerate_features() {
    let line = Mat::from_fn(5, 1, |i, _| i as f64);
    let picture = pca_2d(&line);
    assert!(picture.iter().all(|c| c[1] == 0.0));
    assert!(((picture[4][0] - picture[0][0]).abs() - 4.0).abs() < 1e-12);
    let one = pca_2d(&Mat::from_element(1, 3, 2.0));
    assert_eq!(one.len(), 1);
    assert!(one[0].iter().all(|v| v.abs() < 1e-12));
}

/// The Gram picture takes the first samples of every class, sorted by class; its diagonal is 1;
/// under collapse onto a simplex its blocks are 1 and -1/(K-1) off them.
#[test]
fn gram_picture_of_a_collapsed_simplex() {
    let classes = 4;
    let labels: Vec<usize> = (0..40).map(|i| (i * 7) % classes).collect();
    // The vertices of a regular simplex: the centred standard basis.
    let features = Mat::from_fn(40, classes, |i, j| if labels[i] == j { 1.0 } else { 0.0 } - 1.0 / classes as f64);
    let picture = gram_picture(&features, &labels, classes, 3);
    assert_eq!(picture.size, 12);
    assert_eq!(picture.class_starts, vec![0, 3, 6, 9]);
    for a in 0..12 {
        for b in 0..12 {
            let expected = if a / 3 == b / 3 { 1.0 } else { -1.0 / (classes as f64 - 1.0) };
            let value = picture.values[a * 12 + b] as f64;
            assert!((value - expected).abs() < 1e-6, "({a}, {b}): {value} against {expected}");
        }
    }
}

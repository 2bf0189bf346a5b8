//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use agop_collapse::data::mnist::Mnist;
use agop_collapse::linalg::Mat;
use agop_collapse::rng::{Purpose, Stream};

/// The MNIST binary that ./build.sh writes.
pub fn mnist() -> Mnist {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/data/mnist.bin");
    let bytes =
        std::fs::read(&path).unwrap_or_else(|e| panic!("{} is missing ({e}): run ./build.sh first", path.display()));
    Mnist::decode(&bytes).expect("valid MNIST file")
}

/// A seeded standard-normal matrix.
pub fn gaussian(rows: usize, cols: usize, seed: u64) -> Mat {
    let mut rng = Stream::new(seed, Purpose::Data);
    Mat::from_fn(rows, cols, |_, _| rng.normal())
}

/// A random orthogonal d x d matrix.
pub fn orthogonal(d: usize, seed: u64) -> Mat {
    gaussian(d, d, seed).qr().q()
}

/// `|a - b| <= tol * max(|a|, |b|, floor)`.
pub fn close(a: f64, b: f64, tol: f64, floor: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(floor)
}

/// Largest entry-wise difference relative to the largest entry of `b`.
pub fn relative_difference(a: &Mat, b: &Mat) -> f64 {
    (a - b).amax() / b.amax()
}

//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use agop_collapse::data::mnist::Mnist;
use agop_collapse::kernel::{Kernel, KernelKind};
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

/// Central finite-difference gradients of `f_c(z) = sum_j alpha_jc k(z, x_j)` at every row of
/// `x`: one n x d matrix per output. With `metric` M, the Mahalanobis kernel of
/// `||u||_M = sqrt(u^T M u)` (linear: `z^T M x_j`). Distances are taken directly (the kernel
/// matrix's expanded formula cannot resolve the tiny distance to the point itself that the
/// differences need); the Laplace term of a point with itself is symmetric in the step, so
/// central differences drop it, as the closed form does.
pub fn kernel_gradients_by_differences(kernel: &Kernel, metric: Option<&Mat>, x: &Mat, alpha: &Mat) -> Vec<Mat> {
    let h = 1e-6;
    let k = |z: &Mat, j: usize| -> f64 {
        let u = z - x.rows(j, 1);
        let squared = match metric {
            Some(m) => (&u * m * u.transpose())[(0, 0)],
            None => u.norm_squared(),
        };
        match kernel.kind {
            KernelKind::Laplace => (-squared.sqrt() / kernel.bandwidth).exp(),
            KernelKind::Gaussian => (-squared / (2.0 * kernel.bandwidth * kernel.bandwidth)).exp(),
            KernelKind::Linear => match metric {
                Some(m) => (z * m * x.rows(j, 1).transpose())[(0, 0)],
                None => (z * x.rows(j, 1).transpose())[(0, 0)],
            },
        }
    };
    let f = |z: &Mat, c: usize| -> f64 { (0..x.nrows()).map(|j| alpha[(j, c)] * k(z, j)).sum() };
    (0..alpha.ncols())
        .map(|c| {
            Mat::from_fn(x.nrows(), x.ncols(), |i, t| {
                let (mut plus, mut minus) = (x.rows(i, 1).into_owned(), x.rows(i, 1).into_owned());
                plus[(0, t)] += h;
                minus[(0, t)] -= h;
                (f(&plus, c) - f(&minus, c)) / (2.0 * h)
            })
        })
        .collect()
}

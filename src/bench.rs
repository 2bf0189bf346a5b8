//! Reference workloads and kernel figures for the benchmarks (`./build.sh bench`): the same
//! definitions run natively (benches/stages.rs) and in the page's worker.

use faer::{Accum, Mat as FaerMat, Par};
use web_time::Instant;

use crate::data::{DataConfig, DatasetSource};
use crate::report::RfmResult;
use crate::rfm::RfmConfig;

/// The reference workloads, by name:
/// - R1: the page's default run (MNIST, 1000 training digits, depth 8, width 256, 28 x 28);
/// - R2: MNIST, 2000 training digits, depth 10, width 1024, 28 x 28;
/// - R3: a Gaussian mixture of 5000 samples, d = 100, K = 10, depth 5, width 256.
pub fn workloads() -> Vec<(&'static str, RfmConfig)> {
    let mnist = |n_train, depth, width| RfmConfig {
        data: DataConfig { n_train, ..DataConfig::default() },
        depth,
        width,
        ..RfmConfig::default()
    };
    let mixture = RfmConfig {
        data: DataConfig { dataset: DatasetSource::Synthetic, n_train: 5000, dim: 100, classes: 10, ..DataConfig::default() },
        depth: 5,
        width: 256,
        ..RfmConfig::default()
    };
    vec![("R1", mnist(1000, 8, 256)), ("R2", mnist(2000, 10, 1024)), ("R3", mixture)]
}

/// Seconds per step of a run, summed over its layers, with their total.
pub fn stage_seconds(result: &RfmResult) -> [(&'static str, f64); 7] {
    let mut sums = [("kernel", 0.0), ("solve", 0.0), ("agop", 0.0), ("sqrt", 0.0), ("features", 0.0), ("metrics", 0.0)];
    for layer in &result.layers {
        let s = &layer.seconds;
        for (slot, value) in sums.iter_mut().zip([s.kernel, s.solve, s.agop, s.sqrt, s.features, s.metrics]) {
            slot.1 += value;
        }
    }
    let total = sums.iter().map(|(_, v)| v).sum();
    let [a, b, c, d, e, f] = sums;
    [a, b, c, d, e, f, ("total", total)]
}

/// GFLOP/s of an n x n by n x n matrix product in f32 (`single`) or f64 by the product kernel
/// the crate uses (faer, one thread): the best of `repeats` timed products after one warm-up.
/// Precondition: `n >= 1`, `repeats >= 1`.
pub fn product_gflops(n: usize, single: bool, repeats: usize) -> f64 {
    if single { gflops::<f32>(n, repeats) } else { gflops::<f64>(n, repeats) }
}

fn gflops<T: faer::traits::ComplexField + From<f32>>(n: usize, repeats: usize) -> f64 {
    let a = FaerMat::<T>::from_fn(n, n, |i, j| T::from(((i * 7 + j * 3) % 13) as f32 / 13.0));
    let b = FaerMat::<T>::from_fn(n, n, |i, j| T::from(((i * 5 + j * 11) % 17) as f32 / 17.0));
    let mut out = FaerMat::<T>::zeros(n, n);
    let mut best = f64::INFINITY;
    for round in 0..=repeats {
        let start = Instant::now();
        faer::linalg::matmul::matmul(out.as_mut(), Accum::Replace, a.as_ref(), b.as_ref(), T::from(1.0), Par::Seq);
        if round > 0 {
            best = best.min(start.elapsed().as_secs_f64());
        }
    }
    2.0 * (n as f64).powi(3) / best / 1e9
}

//! Reference workloads and kernel figures for the benchmarks (`./build.sh bench`): the same
//! definitions run natively (benches/stages.rs) and in the page's worker.

use web_time::Instant;

use crate::data::{DataConfig, DatasetSource};
use crate::linalg::{Mat, product, product_f32};
use crate::mlp::MlpConfig;
use crate::report::RfmResult;
use crate::rfm::RfmConfig;

/// The reference workloads, by name:
/// - R1: the page's default run (MNIST, 1000 training digits, depth 8, width 256, 28 x 28);
/// - R2: MNIST, 2000 training digits, depth 10, width 1024, 28 x 28;
/// - R3: a Gaussian mixture of 5000 samples, d = 100, K = 10, depth 5, width 256;
/// - R4: R1 with two RFM iterations per layer (the cost of the kernel machine's refit).
pub fn workloads() -> Vec<(&'static str, RfmConfig)> {
    let mnist = |n_train, depth, width| RfmConfig {
        data: DataConfig { n_train, ..DataConfig::default() },
        depth,
        width,
        ..RfmConfig::default()
    };
    let mixture = RfmConfig {
        data: DataConfig {
            dataset: DatasetSource::Synthetic,
            n_train: 5000,
            dim: 100,
            classes: 10,
            ..DataConfig::default()
        },
        depth: 5,
        width: 256,
        ..RfmConfig::default()
    };
    let refitted = RfmConfig { rfm_iters: 2, ..mnist(1000, 8, 256) };
    vec![("R1", mnist(1000, 8, 256)), ("R2", mnist(2000, 10, 1024)), ("R3", mixture), ("R4", refitted)]
}

/// The network's reference workload, M1: the paper's setting (`MlpConfig::default()` trained
/// 200 epochs, measured every 20), the run of the exercise "the paper's network setting".
pub fn mlp_workload() -> MlpConfig {
    MlpConfig { epochs: 200, measure_every: 20, ..MlpConfig::default() }
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
/// the crate uses (one thread: [`crate::linalg::product`] for f64, the same kernel for f32):
/// the best of `repeats` timed products after one warm-up. Precondition: `n >= 1`, `repeats >= 1`.
pub fn product_gflops(n: usize, single: bool, repeats: usize) -> f64 {
    let entry = |i: usize, j: usize, p: usize| ((i * 7 + j * 3) % p) as f64 / p as f64;
    let seconds = if single {
        let a: Vec<f32> = (0..n * n).map(|t| entry(t % n, t / n, 13) as f32).collect();
        let b: Vec<f32> = (0..n * n).map(|t| entry(t % n, t / n, 17) as f32).collect();
        let mut out = vec![0f32; n * n];
        best_of(repeats, || product_f32(n, &a, &b, &mut out))
    } else {
        let a = Mat::from_fn(n, n, |i, j| entry(i, j, 13));
        let b = Mat::from_fn(n, n, |i, j| entry(i, j, 17));
        best_of(repeats, || drop(product(&a, &b)))
    };
    2.0 * (n as f64).powi(3) / seconds / 1e9
}

/// Seconds of the fastest of `repeats` calls of `work`, after one call to warm up.
fn best_of(repeats: usize, mut work: impl FnMut()) -> f64 {
    work();
    (0..repeats)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

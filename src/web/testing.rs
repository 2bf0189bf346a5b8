//! Entry points for the benchmarks and the browser tests only: built with the feature
//! `testing`, which the page's own module is built without.

use wasm_bindgen::prelude::*;

/// The benchmarks' reference workloads as JSON: `[{ "name": "R1", "config": { ... } }, ...]`.
#[wasm_bindgen(js_name = benchWorkloads)]
pub fn bench_workloads() -> String {
    let list: Vec<serde_json::Value> = crate::bench::workloads()
        .into_iter()
        .map(|(name, config)| serde_json::json!({ "name": name, "config": config }))
        .collect();
    serde_json::to_string(&list).expect("workloads serialise")
}

/// The network's reference workload M1 as a config JSON (see [`crate::bench::mlp_workload`]).
#[wasm_bindgen(js_name = benchMlpWorkload)]
pub fn bench_mlp_workload() -> String {
    serde_json::to_string(&crate::bench::mlp_workload()).expect("config serialises")
}

/// GFLOP/s of an n x n matrix product in f32 (`single`) or f64, best of `repeats` (see
/// [`crate::bench::product_gflops`]).
#[wasm_bindgen(js_name = productGflops)]
pub fn product_gflops(n: usize, single: bool, repeats: usize) -> f64 {
    crate::bench::product_gflops(n.max(1), single, repeats.max(1))
}

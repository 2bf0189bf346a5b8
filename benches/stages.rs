//! Native timings of the reference workloads, stage by stage, and of the product kernel.
//!
//!     cargo bench --bench stages -- [--repeats R1,R2,R3,R4] [--json OUT]
//!
//! Prints one line per workload and writes `{ "workloads": { "R1": { "repeats", "median_seconds":
//! { kernel, solve, agop, sqrt, features, metrics, total }, "one_thread_seconds": {...} } },
//! "products": { "f32", "f64" } }` (GFLOP/s at n = 1024); `one_thread_seconds` (R1 and R2) is
//! one run with every job on this thread, beside the medians with a helper thread.
//! `./build.sh bench` puts these figures beside the browser's and numpy's.

use std::path::PathBuf;

use agop_collapse::bench::{mlp_workload, product_gflops, stage_seconds, workloads};
use agop_collapse::data::Split;
use agop_collapse::data::{self, DatasetSource, mnist::Mnist};
use agop_collapse::mlp::MlpTraining;
use agop_collapse::parallel::{Local, block_on};
use agop_collapse::rfm::{DeepRfm, RfmConfig};
use serde_json::{Map, Value, json};

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 { values[middle] } else { (values[middle - 1] + values[middle]) / 2.0 }
}

/// The network's workload M1 (the paper's setting): seconds per training epoch and per
/// measurement, the whole run's seconds and its final test accuracy; and the gain of training
/// each batch's second half on a second thread, on 10 epochs.
fn mlp_figures(mnist: &Mnist) -> Value {
    let config = mlp_workload();
    let load = || data::load(&config.data, config.seed as u64, Some(mnist), None).expect("the workload loads");
    let result = MlpTraining::run(config.clone(), load()).expect("the network trains");
    let measurements = result.history.len() as f64;
    let training = result.seconds_total - result.seconds_measuring;
    let epochs_of = |threads: bool| {
        let short = agop_collapse::mlp::MlpConfig { epochs: 10, measure_every: 10, ..config.clone() };
        let mut run = MlpTraining::new(short, load()).expect("the network starts");
        run.set_threads(threads);
        while !run.is_done() {
            run.train_epochs(usize::MAX).expect("the network trains");
        }
        let result = run.into_result();
        (result.seconds_total - result.seconds_measuring) / 10.0
    };
    let (one_thread, two_threads) = (epochs_of(false), epochs_of(true));
    let figures = json!({
        "epochs": config.epochs,
        "seconds_total": result.seconds_total,
        "epoch_seconds": training / config.epochs as f64,
        "measure_seconds": result.seconds_measuring / measurements,
        "measurements": measurements,
        "test_acc": result.history.last().and_then(|m| m.test_acc),
        "epoch_seconds_one_thread": one_thread,
        "epoch_seconds_two_threads": two_threads,
    });
    eprintln!("native M1: {figures}");
    figures
}

/// A run with every job of every layer on this thread (no helper thread).
fn run_on_one_thread(config: RfmConfig, split: Split) -> agop_collapse::report::RfmResult {
    let mut rfm = DeepRfm::new(config, split).expect("the workload starts");
    while !rfm.is_done() {
        block_on(rfm.step_with(&mut (), &Local)).expect("the workload runs");
    }
    rfm.into_result()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut repeats, mut out) = (vec![5, 3, 3, 3], None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--repeats" => {
                let list = args.next().expect("--repeats takes a list such as 5,3,3,3");
                repeats = list.split(',').map(|r| r.parse().expect("a whole number of repeats")).collect();
            }
            "--json" => out = Some(PathBuf::from(args.next().expect("--json takes a file name"))),
            "--bench" => {} // passed by cargo bench
            other => panic!("unknown argument {other}"),
        }
    }
    let mnist_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/data/mnist.bin");
    let mnist = Mnist::decode(&std::fs::read(&mnist_path).expect("www/data/mnist.bin: run ./build.sh first"))
        .expect("a valid MNIST file");

    let mut results = Map::new();
    for ((name, config), &count) in workloads().into_iter().zip(repeats.iter().chain(std::iter::repeat(&1))) {
        let mut runs: Vec<[(&str, f64); 7]> = Vec::new();
        for _ in 0..count.max(1) {
            let digits = (config.data.dataset == DatasetSource::Mnist).then_some(&mnist);
            let split = data::load(&config.data, config.seed as u64, digits, None).expect("the workload loads");
            runs.push(stage_seconds(&DeepRfm::run(config.clone(), split).expect("the workload runs")));
        }
        let mut medians = Map::new();
        for (index, (stage, _)) in runs[0].iter().enumerate() {
            let mut values: Vec<f64> = runs.iter().map(|r| r[index].1).collect();
            medians.insert(stage.to_string(), json!(median(&mut values)));
        }
        eprintln!("native {name}: {:.2} s (median of {})", medians["total"].as_f64().unwrap_or(0.0), runs.len());
        let mut entry = json!({ "repeats": runs.len(), "median_seconds": medians });
        if count > 0 && (name == "R1" || name == "R2") {
            let digits = (config.data.dataset == DatasetSource::Mnist).then_some(&mnist);
            let split = data::load(&config.data, config.seed as u64, digits, None).expect("the workload loads");
            let one: Map<String, Value> = stage_seconds(&run_on_one_thread(config.clone(), split))
                .iter()
                .map(|(s, v)| (s.to_string(), json!(v)))
                .collect();
            eprintln!("native {name} on one thread: {:.2} s", one["total"].as_f64().unwrap_or(0.0));
            entry["one_thread_seconds"] = Value::Object(one);
        }
        results.insert(name.into(), entry);
    }
    let mlp = mlp_figures(&mnist);
    let products = json!({ "f32": product_gflops(1024, true, 5), "f64": product_gflops(1024, false, 5) });
    eprintln!("native products at n = 1024: {products}");
    let report = json!({ "workloads": Value::Object(results), "products": products, "mlp": mlp });
    match out {
        Some(path) => std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap()).expect("writing the JSON"),
        None => println!("{}", serde_json::to_string_pretty(&report).unwrap()),
    }
}

//! The command-line tool: its JSON, its determinism and its messages for bad input.
#![cfg(feature = "cli")]

use std::process::{Command, Output};

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agop-collapse"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the CLI starts")
}

/// The Result JSON without its timings, serialised again: what must repeat byte for byte.
fn without_timings(stdout: &[u8]) -> String {
    let mut json: Value = serde_json::from_slice(stdout).expect("stdout is JSON");
    json.as_object_mut().unwrap().remove("seconds_total").expect("seconds_total");
    for layer in json["layers"].as_array_mut().unwrap() {
        layer.as_object_mut().unwrap().remove("seconds").expect("seconds");
    }
    serde_json::to_string(&json).unwrap()
}

const SMALL: [&str; 7] = ["rfm", "--n-train", "200", "--n-test", "100", "--depth", "3"];

#[test]
fn result_json_follows_the_contract() {
    let out = run(&SMALL);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["kind"], "rfm");
    assert_eq!(json["config"]["depth"], 3);
    assert_eq!(json["config"]["kernel"], "laplace");
    assert_eq!(json["config"]["data"]["dataset"], "mnist");
    let dataset = &json["dataset"];
    assert_eq!((dataset["n_train"].as_u64(), dataset["n_test"].as_u64()), (Some(200), Some(100)));
    assert_eq!((dataset["dim"].as_u64(), dataset["classes"].as_u64()), (Some(784), Some(10)));
    let layers = json["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 3);
    for (i, layer) in layers.iter().enumerate() {
        assert_eq!(layer["layer"], i + 1);
        assert_eq!(layer["dim_in"], if i == 0 { 784 } else { 256 });
        for stage in ["X", "MX", "PhiMX"] {
            for metric in [
                "nc1",
                "nc1_trace",
                "nc1_papyan",
                "nc1_wt",
                "nc2",
                "nc2_orth",
                "nc2_equinorm",
                "nc2_equiangle",
                "ncc_agreement",
            ] {
                assert!(layer["stages"][stage][metric].is_f64(), "layer {} {stage} {metric}", i + 1);
            }
        }
        for key in ["trace", "effective_rank"] {
            assert!(layer["agop"][key].as_f64().unwrap() > 0.0);
        }
        assert!(!layer["agop"]["top_eigenvalues"].as_array().unwrap().is_empty());
        for key in ["kernel", "solve", "agop", "sqrt", "features", "metrics"] {
            assert!(layer["seconds"][key].as_f64().unwrap() >= 0.0);
        }
        assert!(layer["train_acc"].is_f64() && layer["test_acc"].is_f64());
    }
    assert!(json["seconds_total"].as_f64().unwrap() > 0.0);
}

#[test]
fn same_seed_repeats_exactly_and_another_seed_differs() {
    let first = run(&SMALL);
    let second = run(&SMALL);
    assert!(first.status.success() && second.status.success());
    assert_eq!(without_timings(&first.stdout), without_timings(&second.stdout));

    let mut other_seed = SMALL.to_vec();
    other_seed.extend(["--seed", "1"]);
    let third = run(&other_seed);
    assert!(third.status.success());
    let (a, c): (Value, Value) =
        (serde_json::from_slice(&first.stdout).unwrap(), serde_json::from_slice(&third.stdout).unwrap());
    assert_ne!(a["layers"][0]["stages"]["X"]["nc1"], c["layers"][0]["stages"]["X"]["nc1"]);
}

/// Every bad input exits non-zero with one line on stderr that names the problem, never a panic.
#[test]
fn bad_input_gets_a_one_line_message() {
    let cases: [(&[&str], &str); 9] = [
        (&["rfm", "--no-such-flag"], "--no-such-flag"),
        (&["rfm", "--bandwidth", "-1"], "bandwidth"),
        (&["rfm", "--depth", "0"], "depth"),
        (&["rfm", "--n-train", "9000"], "more samples than the data holds"),
        (&["rfm", "--mnist-file", "/nonexistent/mnist.bin"], "MNIST data file was not found"),
        (&["rfm", "--dataset", "csv:/nonexistent/data.csv"], "/nonexistent/data.csv"),
        (&["rfm", "--kernel", "cubic"], "cubic"),
        (&["rfm", "--ridge", "nan"], "ridge"),
        (&["rfm", "--digits", "3"], "digits"),
    ];
    for (args, needle) in cases {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: not one line: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: message does not name '{needle}': {stderr}");
        assert!(out.stdout.is_empty(), "{args:?} printed a result");
    }
}

#[test]
fn help_explains_every_flag() {
    let out = run(&["rfm", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--dataset",
        "--n-train",
        "--n-test",
        "--depth",
        "--kernel",
        "--bandwidth",
        "--ridge",
        "--feature",
        "--width",
        "--sigma",
        "--pool",
        "--no-standardize",
        "--seed",
    ] {
        let line = help.lines().find(|l| l.trim_start().starts_with(flag)).unwrap_or_else(|| panic!("{flag} missing"));
        assert!(line.len() > flag.len() + 20, "{flag} has no explanation: {line}");
    }
}

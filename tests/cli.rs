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

/// Every metric of the Result JSON, by name.
const METRICS: [&str; 9] =
    ["nc1", "nc1_trace", "nc1_papyan", "nc1_wt", "nc2", "nc2_orth", "nc2_equinorm", "nc2_equiangle", "ncc_agreement"];

/// The line of `--help` output that documents `flag`.
fn help_line<'a>(help: &'a str, flag: &str) -> &'a str {
    help.lines().find(|l| l.trim_start().starts_with(flag)).unwrap_or_else(|| panic!("{flag} missing"))
}

/// Runs the CLI with `args`, which must fail: non-zero exit, no result, no panic, and one line on
/// stderr that names `needle`.
fn fails_with_one_line(args: &[&str], needle: &str) {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} succeeded");
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: not one line: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: message does not name '{needle}': {stderr}");
    assert!(out.stdout.is_empty(), "{args:?} printed a result");
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
            for metric in METRICS {
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

#[test]
fn several_seeds_add_every_run_and_their_spread_to_the_result() {
    let mut args = SMALL.to_vec();
    args.extend(["--seed", "5", "--seeds", "2"]);
    let out = run(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["config"]["seeds"], 2);
    let runs = json["seed_runs"].as_array().unwrap();
    assert_eq!(runs.iter().map(|r| r["seed"].as_u64().unwrap()).collect::<Vec<_>>(), [5, 6]);
    assert_eq!(json["layers"], runs[0]["layers"]);
    let spread = &json["across_seeds"][2];
    assert_eq!((spread["layer"].as_u64(), spread["seeds"].as_u64()), (Some(3), Some(2)));
    for key in ["mean", "std", "log_mean", "log_std"] {
        assert!(spread["stages"]["MX"]["nc1"][key].is_f64(), "{key}");
    }
    // A single seed's result has neither key (the contract as it was).
    let single: Value = serde_json::from_slice(&run(&SMALL).stdout).unwrap();
    assert!(single.get("seed_runs").is_none() && single.get("across_seeds").is_none());
}

/// Every bad input exits non-zero with one line on stderr that names the problem, never a panic.
#[test]
fn bad_input_gets_a_one_line_message() {
    let cases: [(&[&str], &str); 12] = [
        (&["rfm", "--seeds", "0"], "seeds"),
        (&["rfm", "--seeds", "6"], "seeds"),
        (&["rfm", "--no-such-flag"], "--no-such-flag"),
        (&["rfm", "--dataset", "synthetic", "--n-train", "19000"], "at most 15550 training samples fit"),
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
        fails_with_one_line(args, needle);
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
        "--seeds",
        "--link",
    ] {
        let line = help_line(&help, flag);
        assert!(line.len() > flag.len() + 20, "{flag} has no explanation: {line}");
    }
}

/// A CSV file of 60 rows, three classes around separated means, with a header; `phase` shifts
/// the noise, so that two files of the same classes differ.
fn three_class_csv(path: &std::path::Path, phase: f64) {
    let mut text = String::from("a,label,b\n");
    for i in 0..60 {
        let (class, t) = (i % 3, i as f64 + phase);
        text.push_str(&format!(
            "{},{},{}\n",
            3.0 * class as f64 + t.sin(),
            ["x", "y", "z"][class],
            t.cos() - class as f64
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// `--test-dataset csv:PATH`: the test rows are the file's, every training row trains, the
/// Result says where the test set came from; a bad test file is named with its line.
#[test]
fn a_test_file_is_the_held_out_set() {
    let folder = std::env::temp_dir().join(format!("agop-collapse-cli-test-file-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let (train, test, bad) = (folder.join("train.csv"), folder.join("test.csv"), folder.join("bad.csv"));
    three_class_csv(&train, 0.0);
    three_class_csv(&test, 0.5);
    std::fs::write(&bad, "a,label,b\n1,x,2\n\n1,w,2\n").unwrap();
    let path = |p: &std::path::Path| format!("csv:{}", p.display());
    let (train, test, bad) = (path(&train), path(&test), path(&bad));

    let json = json_of(&[
        "rfm",
        "--dataset",
        &train,
        "--test-dataset",
        &test,
        "--n-test",
        "30",
        "--depth",
        "2",
        "--width",
        "32",
    ]);
    assert_eq!(json["config"]["data"]["test_dataset"], test.as_str());
    let dataset = &json["dataset"];
    assert_eq!((dataset["n_train"].as_u64(), dataset["n_test"].as_u64()), (Some(60), Some(60)), "--n-test is ignored");
    assert_eq!(dataset["test_file"], test.trim_start_matches("csv:"));
    for layer in json["layers"].as_array().unwrap() {
        assert!(layer["test_acc"].as_f64().is_some(), "{layer}");
        let held_out = &layer["stages_test"];
        assert!(held_out["X"]["nc1"].as_f64().is_some() && held_out["PhiMX"]["nc1"].as_f64().is_some(), "{layer}");
        assert_ne!(held_out["X"]["nc1"], layer["stages"]["X"]["nc1"]);
    }
    let network = json_of(&[
        "mlp",
        "--dataset",
        &train,
        "--test-dataset",
        &test,
        "--depth",
        "1",
        "--width",
        "16",
        "--epochs",
        "2",
    ]);
    assert_eq!(network["dataset"]["n_test"].as_u64(), Some(60));
    assert!(network["history"][0]["test_acc"].as_f64().is_some());
    // Without the flag, the Result reads as before.
    let drawn = json_of(&["rfm", "--dataset", &train, "--n-test", "30", "--depth", "1", "--width", "32"]);
    assert!(drawn["dataset"].get("test_file").is_none() && drawn["config"]["data"].get("test_dataset").is_none());

    fails_with_one_line(
        &["rfm", "--dataset", &train, "--test-dataset", &bad],
        "line 4, column 2: the label 'w' is not a class",
    );
    fails_with_one_line(
        &["mlp", "--dataset", &train, "--test-dataset", &bad],
        "line 4, column 2: the label 'w' is not a class",
    );
    fails_with_one_line(
        &["rfm", "--test-dataset", &test],
        "invalid test_dataset: a test file goes with a CSV training file",
    );
    fails_with_one_line(
        &["rfm", "--dataset", &train, "--test-dataset", "csv:/nonexistent/test.csv"],
        "cannot read the test file",
    );
    let help = String::from_utf8_lossy(&run(&["rfm", "--help"]).stdout).to_string();
    assert!(help.contains("--test-dataset") && help.contains("Ignored with --test-dataset"), "{help}");
    std::fs::remove_dir_all(&folder).unwrap();
}

// The network side: `agop-collapse mlp`.
const SMALL_MLP: [&str; 13] = [
    "mlp",
    "--n-train",
    "100",
    "--n-test",
    "50",
    "--depth",
    "2",
    "--width",
    "32",
    "--epochs",
    "4",
    "--measure-every",
    "2",
];

#[test]
fn mlp_result_json_follows_the_contract() {
    let out = run(&SMALL_MLP);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["kind"], "mlp");
    let config = &json["config"];
    assert_eq!((config["depth"].as_u64(), config["width"].as_u64()), (Some(2), Some(32)));
    assert_eq!((config["gain"].as_f64(), config["learning_rate"].as_f64()), (Some(0.1), Some(1e-3)));
    assert_eq!((config["batch_size"].as_u64(), config["epochs"].as_u64()), (Some(128), Some(4)));
    assert_eq!((config["measure_every"].as_u64(), config["seed"].as_u64()), (Some(2), Some(0)));
    assert_eq!(config["data"]["dataset"], "mnist");
    let dataset = &json["dataset"];
    assert_eq!((dataset["n_train"].as_u64(), dataset["n_test"].as_u64()), (Some(100), Some(50)));
    assert_eq!((dataset["dim"].as_u64(), dataset["classes"].as_u64()), (Some(784), Some(10)));
    let history = json["history"].as_array().unwrap();
    let epochs: Vec<u64> = history.iter().map(|h| h["epoch"].as_u64().unwrap()).collect();
    assert_eq!(epochs, [0, 2, 4]);
    for entry in history {
        assert!(entry["train_loss"].as_f64().unwrap() > 0.0);
        assert!(entry["train_acc"].is_f64() && entry["test_acc"].is_f64());
        let layers = entry["layers"].as_array().unwrap();
        assert_eq!(layers.len(), 2);
        for (i, layer) in layers.iter().enumerate() {
            assert_eq!(layer["layer"], i + 1);
            for stage in ["in", "Vt", "SVt", "USVt", "out"] {
                for metric in METRICS {
                    assert!(layer["stages"][stage][metric].is_f64(), "layer {} {stage} {metric}", i + 1);
                }
            }
            assert!(layer["nfa"].is_f64() && layer["nfa_agop"].is_f64());
            assert!(layer["share"].is_f64() || layer["share"].is_null());
        }
    }
    assert!(json["seconds_total"].as_f64().unwrap() > 0.0);
}

/// Every bad input exits non-zero with one line on stderr that names the problem.
#[test]
fn bad_mlp_flags_get_a_one_line_message() {
    let cases: [(&[&str], &str); 8] = [
        (&["mlp", "--gain", "-1"], "gain"),
        (&["mlp", "--lr", "nan"], "learning_rate"),
        (&["mlp", "--depth", "0"], "depth"),
        (&["mlp", "--width", "wide"], "--width"),
        (&["mlp", "--batch-size", "0"], "batch_size"),
        (&["mlp", "--epochs", "20000"], "epochs"),
        (&["mlp", "--measure-every", "0"], "measure_every"),
        (&["mlp", "--kernel", "laplace"], "--kernel"),
    ];
    for (args, needle) in cases {
        fails_with_one_line(args, needle);
    }
}

#[test]
fn mlp_help_explains_every_flag_with_its_default() {
    let out = run(&["mlp", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--dataset",
        "--n-train",
        "--n-test",
        "--digits",
        "--pool",
        "--classes",
        "--dim",
        "--separation",
        "--noise",
        "--rank",
        "--depth",
        "--width",
        "--gain",
        "--lr",
        "--batch-size",
        "--epochs",
        "--measure-every",
        "--seed",
    ] {
        let line = help_line(&help, flag);
        assert!(line.len() > flag.len() + 20 && line.contains("[default: "), "{flag}: {line}");
    }
    assert!(help.contains("--no-standardize"));
}

/// The JSON result of a run that must succeed.
fn json_of(args: &[&str]) -> Value {
    let out = run(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `--link` reads a page's hash: the same config as the flags that say the same, flags given as
/// well override it, and a value the page would replace by its default is an error.
#[test]
fn a_link_sets_the_config_as_the_page_reads_it() {
    let link = "#dataset=synthetic&n=120&test=0&classes=4&dim=30&rank=3&standardize=0&depth=2&kernel=gaussian&width=64&seed=7&preset=x";
    let by_link = json_of(&["rfm", "--link", link]);
    let by_flags = json_of(&[
        "rfm",
        "--dataset",
        "synthetic",
        "--n-train",
        "120",
        "--n-test",
        "0",
        "--classes",
        "4",
        "--dim",
        "30",
        "--rank",
        "3",
        "--no-standardize",
        "--depth",
        "2",
        "--kernel",
        "gaussian",
        "--width",
        "64",
        "--seed",
        "7",
    ]);
    assert_eq!(by_link["config"], by_flags["config"]);
    assert_eq!(by_link["layers"][1]["stages"]["MX"]["nc1"], by_flags["layers"][1]["stages"]["MX"]["nc1"]);
    let overridden = json_of(&["rfm", "--link", link, "--rank", "10", "--depth", "1"]);
    assert_eq!(
        (overridden["config"]["data"]["rank"].as_u64(), overridden["config"]["depth"].as_u64()),
        (Some(10), Some(1))
    );
    assert_eq!(overridden["config"]["kernel"], "gaussian");

    let net = json_of(&[
        "mlp",
        "--link",
        "n=100&test=50&net_depth=2&net_width=32&gain=0.5&epochs=2&every=1&seed=3",
        "--lr",
        "0.01",
    ]);
    let config = &net["config"];
    assert_eq!(
        (config["depth"].as_u64(), config["width"].as_u64(), config["epochs"].as_u64()),
        (Some(2), Some(32), Some(2))
    );
    assert_eq!(
        (config["gain"].as_f64(), config["learning_rate"].as_f64(), config["seed"].as_u64()),
        (Some(0.5), Some(0.01), Some(3))
    );
    assert_eq!(config["data"]["n_train"], 100);

    fails_with_one_line(&["rfm", "--link", "depth=0"], "depth");
    fails_with_one_line(&["rfm", "--link", "n=200&kernel=cubic"], "cubic");
    fails_with_one_line(&["rfm", "--link", "n=200&colour=red"], "colour");
    fails_with_one_line(&["mlp", "--link", "n=100&gain=-1"], "gain");
}

/// The RFM's own knobs: the flags and the link set the same config and the same numbers, their
/// help names them with their defaults, and a value the config refuses gets its one line.
#[test]
fn the_rfm_knobs_are_flags_and_link_keys() {
    let small = ["rfm", "--dataset", "synthetic", "--n-train", "90", "--n-test", "30", "--depth", "2"];
    let by_flags = json_of(
        &[&small[..], &["--rfm-iters", "2", "--agop-power", "1", "--diag-agop", "--projection", "centred"]].concat(),
    );
    let by_link =
        json_of(&[&small[..], &["--link", "rfm_iters=2&agop_power=1&diag_agop=1&projection=centred"]].concat());
    assert_eq!(by_flags["config"], by_link["config"]);
    let config = &by_flags["config"];
    assert_eq!(
        (config["rfm_iters"].as_u64(), config["agop_power"].as_f64(), config["diag_agop"].as_bool()),
        (Some(2), Some(1.0), Some(true))
    );
    assert_eq!(by_flags["layers"][1]["stages"]["MX"]["nc1"], by_link["layers"][1]["stages"]["MX"]["nc1"]);
    let paper = json_of(&small);
    assert_eq!((paper["config"]["rfm_iters"].as_u64(), paper["config"]["agop_power"].as_f64()), (Some(1), Some(0.5)));
    assert_ne!(paper["layers"][0]["stages"]["MX"]["nc1"], by_flags["layers"][0]["stages"]["MX"]["nc1"]);

    let help = String::from_utf8_lossy(&run(&["rfm", "--help"]).stdout).into_owned();
    for (flag, default) in
        [("--rfm-iters", Some("[default: 1]")), ("--agop-power", Some("[default: 0.5]")), ("--diag-agop", None)]
    {
        let line = help_line(&help, flag);
        assert!(line.len() > flag.len() + 20, "{flag} has no explanation: {line}");
        if let Some(default) = default {
            assert!(help.contains(default), "{flag}: {default} missing");
        }
    }
    fails_with_one_line(&["rfm", "--rfm-iters", "11"], "rfm_iters");
    fails_with_one_line(&["rfm", "--agop-power", "0"], "agop_power");
    fails_with_one_line(&["rfm", "--diag-agop", "--projection", "none"], "diag_agop");
}

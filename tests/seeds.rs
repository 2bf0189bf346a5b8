//! Several seeds: each run exactly a single run of its seed, and their mean and spread.

use agop_collapse::data::{self, DataConfig, DatasetSource};
use agop_collapse::report::{LayerReport, RfmResult, StepSeconds};
use agop_collapse::rfm::{DeepRfm, RfmConfig};
use agop_collapse::seeds::{SeededRfm, seed_of, spread};

fn config(seed: u32, seeds: usize) -> RfmConfig {
    RfmConfig {
        data: DataConfig {
            dataset: DatasetSource::Synthetic,
            n_train: 120,
            n_test: 60,
            classes: 3,
            dim: 20,
            ..DataConfig::default()
        },
        depth: 3,
        width: 64,
        seed,
        seeds,
        ..RfmConfig::default()
    }
}

fn synthetic(config: &RfmConfig) -> agop_collapse::seeds::SplitLoader {
    let data = config.data.clone();
    Box::new(move |seed| data::load(&data, seed as u64, None, None))
}

/// The layers with their timings zeroed: everything else must repeat exactly.
fn untimed(layers: &[LayerReport]) -> Vec<LayerReport> {
    layers.iter().map(|l| LayerReport { seconds: StepSeconds::default(), ..l.clone() }).collect()
}

fn single_run(seed: u32) -> RfmResult {
    let single = config(seed, 1);
    let split = data::load(&single.data, seed as u64, None, None).unwrap();
    DeepRfm::run(single, split).unwrap()
}

#[test]
fn three_seeds_are_exactly_three_single_runs() {
    let base = 11;
    let result = SeededRfm::run(config(base, 3), synthetic(&config(base, 3))).unwrap();
    assert_eq!(result.config, config(base, 3));
    assert_eq!(result.seed_runs.len(), 3);
    for (k, run) in result.seed_runs.iter().enumerate() {
        let single = single_run(base + k as u32);
        assert_eq!(run.seed, base + k as u32);
        assert_eq!(untimed(&run.layers), untimed(&single.layers), "seed {}", run.seed);
    }
    assert_eq!(result.layers, result.seed_runs[0].layers);
    let seconds: f64 = result.seed_runs.iter().map(|r| r.seconds_total).sum();
    assert_eq!(result.seconds_total, seconds);
    // The runs differ: new subset draw, new random features.
    assert_ne!(result.seed_runs[0].layers[0].stages.x.nc1, result.seed_runs[1].layers[0].stages.x.nc1);
}

#[test]
fn one_seed_is_a_single_run_with_nothing_added() {
    let result = SeededRfm::run(config(3, 1), synthetic(&config(3, 1))).unwrap();
    assert!(result.seed_runs.is_empty() && result.across_seeds.is_empty());
    assert_eq!(untimed(&result.layers), untimed(&single_run(3).layers));
    let json = serde_json::to_value(&result).unwrap();
    assert!(json.get("seed_runs").is_none() && json.get("across_seeds").is_none());
    // A result written before several seeds existed still reads.
    let mut old = json.clone();
    old["config"].as_object_mut().unwrap().remove("seeds");
    let back: RfmResult = serde_json::from_value(old).unwrap();
    assert_eq!(back.config.seeds, 1);
}

#[test]
fn the_spread_is_the_mean_and_population_std_of_values_and_of_logs() {
    let s = spread(&[1.0, 2.0, 4.0]);
    let mean = 7.0 / 3.0;
    let std =
        (((1.0 - mean) * (1.0f64 - mean) + (2.0 - mean) * (2.0 - mean) + (4.0 - mean) * (4.0 - mean)) / 3.0).sqrt();
    assert!((s.mean - mean).abs() < 1e-15 && (s.std - std).abs() < 1e-15, "{s:?}");
    let ln2 = 2.0f64.ln();
    assert!((s.log_mean.unwrap() - ln2).abs() < 1e-15);
    assert!((s.log_std.unwrap() - ln2 * (2.0f64 / 3.0).sqrt()).abs() < 1e-15);
    let one = spread(&[0.25]);
    assert_eq!((one.mean, one.std, one.log_std), (0.25, 0.0, Some(0.0)));
    let with_zero = spread(&[0.0, 1.0]);
    assert_eq!((with_zero.mean, with_zero.log_mean, with_zero.log_std), (0.5, None, None));
}

#[test]
fn across_seeds_matches_a_direct_computation_on_every_number() {
    let result = SeededRfm::run(config(0, 3), synthetic(&config(0, 3))).unwrap();
    assert_eq!(result.across_seeds.len(), 3);
    for (index, layer) in result.across_seeds.iter().enumerate() {
        assert_eq!((layer.layer, layer.seeds), (index + 1, 3));
        let reports: Vec<&LayerReport> = result.seed_runs.iter().map(|r| &r.layers[index]).collect();
        let check = |values: Vec<f64>, got: &agop_collapse::report::Spread, what: &str| {
            let n = values.len() as f64;
            let mean = values.iter().sum::<f64>() / n;
            let std = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
            let logs: Vec<f64> = values.iter().map(|v| v.ln()).collect();
            let log_mean = logs.iter().sum::<f64>() / n;
            let log_std = (logs.iter().map(|v| (v - log_mean).powi(2)).sum::<f64>() / n).sqrt();
            let near = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1e-300) + 1e-300;
            assert!(near(got.mean, mean) && near(got.std, std), "{what}: {got:?} vs {mean} {std}");
            if values.iter().all(|&v| v > 0.0) {
                assert!(near(got.log_mean.unwrap(), log_mean) && near(got.log_std.unwrap(), log_std), "{what}");
            }
        };
        check(reports.iter().map(|r| r.train_acc).collect(), &layer.train_acc, "train_acc");
        check(reports.iter().map(|r| r.test_acc.unwrap()).collect(), layer.test_acc.as_ref().unwrap(), "test_acc");
        for (name, stage, spreads) in
            [("X", 0, &layer.stages.x), ("MX", 1, &layer.stages.mx), ("PhiMX", 2, &layer.stages.phi_mx)]
        {
            assert_eq!(spreads.len(), 12); // the scalar metrics, the singular values left out
            for (m, (metric, _)) in reports[0].stages.x.named().iter().enumerate() {
                let values =
                    reports.iter().map(|r| [&r.stages.x, &r.stages.mx, &r.stages.phi_mx][stage].named()[m].1).collect();
                check(values, &spreads[*metric], &format!("{name} {metric}"));
            }
        }
    }
}

#[test]
fn a_run_in_progress_spreads_over_the_seeds_that_reached_each_layer() {
    let mut runs = SeededRfm::new(config(0, 2), synthetic(&config(0, 2))).unwrap();
    let mut seed_indices = Vec::new();
    while !runs.is_done() {
        seed_indices.push(runs.next_seed_index());
        runs.step().unwrap();
        if seed_indices.len() == 4 {
            // Seed 0 has three layers, seed 1 one.
            let result = runs.result();
            assert_eq!(result.layers.len(), 3);
            assert_eq!(result.seed_runs.iter().map(|r| r.layers.len()).collect::<Vec<_>>(), [3, 1]);
            assert_eq!(result.across_seeds.iter().map(|l| l.seeds).collect::<Vec<_>>(), [2, 1, 1]);
        }
    }
    assert_eq!(seed_indices, [0, 0, 0, 1, 1, 1]);
}

#[test]
fn seeds_are_consecutive_and_wrap_past_the_largest() {
    assert_eq!(seed_of(7, 2), 9);
    assert_eq!(seed_of(u32::MAX, 1), 0);
    let result = SeededRfm::run(RfmConfig { depth: 1, ..config(u32::MAX, 2) }, synthetic(&config(0, 2))).unwrap();
    assert_eq!(result.seed_runs.iter().map(|r| r.seed).collect::<Vec<_>>(), [u32::MAX, 0]);
}

#[test]
fn seeds_outside_one_to_five_are_refused_by_name() {
    for seeds in [0, 6] {
        let error = config(0, seeds).validate().unwrap_err().to_string();
        assert!(error.contains("seeds") && error.contains("between 1 and 5"), "{error}");
    }
}

#[test]
fn an_error_in_a_later_seed_names_the_seed() {
    let mut calls = 0;
    let data = config(0, 2).data.clone();
    let load = Box::new(move |seed: u32| {
        calls += 1;
        if calls == 2 {
            return Err(agop_collapse::error::Error::Data("the data went away".into()));
        }
        data::load(&data, seed as u64, None, None)
    });
    let error = SeededRfm::run(RfmConfig { depth: 1, ..config(4, 2) }, load).unwrap_err().to_string();
    assert_eq!(error, "seed 5: the data went away");
}

//! The mean and spread of a run's numbers across seeds: per layer, of every accuracy and every
//! collapse metric, over the seeds that have computed that layer.

use std::collections::BTreeMap;

use crate::nc::Metrics;
use crate::report::{LayerReport, LayerSpread, SeedRun, Spread, StageSpreads};

/// The mean and population standard deviation of `values`, and the same of their natural
/// logarithms when every value is positive. Precondition: `values` is not empty.
pub fn spread(values: &[f64]) -> Spread {
    let (mean, std) = mean_and_std(values);
    let logs: Option<Vec<f64>> = values.iter().map(|&v| (v > 0.0).then(|| v.ln())).collect();
    let (log_mean, log_std) = match logs {
        Some(logs) => {
            let (m, s) = mean_and_std(&logs);
            (Some(m), Some(s))
        }
        None => (None, None),
    };
    Spread { mean, std, log_mean, log_std }
}

/// Mean and population standard deviation (divided by the count, not count - 1).
fn mean_and_std(values: &[f64]) -> (f64, f64) {
    let count = values.len() as f64;
    let mean = values.iter().sum::<f64>() / count;
    let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / count;
    (mean, variance.sqrt())
}

/// Per layer, the spread of every number over the runs that have computed it (a run that is
/// still going counts for its layers so far). Layers no run has reached are left out.
pub fn across_seeds(runs: &[SeedRun]) -> Vec<LayerSpread> {
    let deepest = runs.iter().map(|r| r.layers.len()).max().unwrap_or(0);
    (0..deepest)
        .map(|index| {
            let reports: Vec<&LayerReport> = runs.iter().filter_map(|r| r.layers.get(index)).collect();
            let of =
                |value: &dyn Fn(&LayerReport) -> f64| spread(&reports.iter().map(|r| value(r)).collect::<Vec<_>>());
            let metrics = |stage: &dyn Fn(&LayerReport) -> &Metrics| -> BTreeMap<String, Spread> {
                let named: Vec<_> = reports.iter().map(|r| stage(r).named()).collect();
                (0..named[0].len())
                    .map(|m| (named[0][m].0.to_string(), spread(&named.iter().map(|n| n[m].1).collect::<Vec<_>>())))
                    .collect()
            };
            let tests: Option<Vec<f64>> = reports.iter().map(|r| r.test_acc).collect();
            LayerSpread {
                layer: index + 1,
                seeds: reports.len(),
                train_acc: of(&|r| r.train_acc),
                test_acc: tests.map(|t| spread(&t)),
                stages: StageSpreads {
                    x: metrics(&|r| &r.stages.x),
                    mx: metrics(&|r| &r.stages.mx),
                    phi_mx: metrics(&|r| &r.stages.phi_mx),
                },
            }
        })
        .collect()
}

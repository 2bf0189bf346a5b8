//! The rate of collapse. The paper's asymptotic analysis has Deep RFM approach collapse
//! exponentially in depth, so a collapse metric behaves like `C q^l` at layer l: a least-squares
//! line through `(l, ln value)` gives the factor q by which it shrinks per layer.

use serde::Serialize;

/// A fitted exponential `value ~ exp(intercept) factor^layer`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateFit {
    /// The factor per layer, `exp(slope)`: 0.5 means the metric halves at every layer.
    pub factor: f64,
    /// The fitted `ln value` at layer 0.
    pub intercept: f64,
}

impl RateFit {
    /// The fitted value at `layer`.
    pub fn at(&self, layer: f64) -> f64 {
        (self.intercept + layer * self.factor.ln()).exp()
    }
}

/// The least-squares fit of `ln value` against `layer` over `points` (layer, value). `None` when
/// fewer than two distinct layers are given, or a value is not a positive finite number (its
/// logarithm would not be), or a layer is not finite.
pub fn fit_rate(points: &[(f64, f64)]) -> Option<RateFit> {
    if points.iter().any(|&(layer, value)| !(layer.is_finite() && value.is_finite() && value > 0.0)) {
        return None;
    }
    let count = points.len() as f64;
    let mean_layer = points.iter().map(|p| p.0).sum::<f64>() / count;
    let mean_log = points.iter().map(|p| p.1.ln()).sum::<f64>() / count;
    let (mut cross, mut spread) = (0.0, 0.0);
    for &(layer, value) in points {
        cross += (layer - mean_layer) * (value.ln() - mean_log);
        spread += (layer - mean_layer) * (layer - mean_layer);
    }
    if points.len() < 2 || spread <= 0.0 {
        return None;
    }
    let slope = cross / spread;
    Some(RateFit { factor: slope.exp(), intercept: mean_log - slope * mean_layer })
}

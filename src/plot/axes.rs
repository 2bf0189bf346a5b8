//! Axis ranges fitted to data, tick positions and tick labels.
//!
//! Tick positions are always chosen here and handed to plotters as fixed key points, so that
//! the labels of one axis can share one number style. Linear ticks come from plotters' own
//! "nice number" algorithm; log ticks are chosen here because plotters' log axis shows no tick at
//! all when its range holds no power of ten (e.g. 0.3..0.8).

use std::ops::Range;

use plotters::coord::combinators::{IntoLogRange, LogCoord};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::{RangedCoordf64, RangedCoordi64};

/// Fraction of the data span added on each side of a fitted range.
const MARGIN: f64 = 0.05;

/// An axis: its range and its labelled ticks, with the label style fixed for all of them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Axis {
    /// Lower and upper end (lower < upper, both finite; both > 0 on a log axis).
    pub(crate) range: (f64, f64),
    /// Labelled tick positions, inside `range`, increasing.
    pub(crate) ticks: Vec<f64>,
    /// Unlabelled minor grid lines (log axes only).
    pub(crate) minor: Vec<f64>,
    /// Label the ticks as 1e-4 rather than 0.0001.
    pub(crate) scientific: bool,
}

impl Axis {
    /// The label of tick value `value` in this axis' style.
    pub(crate) fn label(&self, value: f64) -> String {
        format_tick(value, self.scientific)
    }

    /// The linear plotters coordinate of this axis.
    pub(crate) fn linear(&self) -> Ticked<RangedCoordf64> {
        Ticked { inner: (self.range.0..self.range.1).into(), ticks: self.ticks.clone(), minor: self.minor.clone() }
    }

    /// The log-scaled plotters coordinate of this axis (precondition: a range above 0, as
    /// [`log_axis`] makes).
    pub(crate) fn log(&self) -> Ticked<LogCoord<f64>> {
        Ticked {
            inner: (self.range.0..self.range.1).log_scale().into(),
            ticks: self.ticks.clone(),
            minor: self.minor.clone(),
        }
    }
}

/// A plotters coordinate (linear or log) with the ticks of an [`Axis`]. plotters' own
/// `WithKeyPoints` would do, but it loses the label formatting that `configure_mesh` requires
/// for f64 axes.
pub(crate) struct Ticked<R> {
    inner: R,
    ticks: Vec<f64>,
    minor: Vec<f64>,
}

impl<R: Ranged<ValueType = f64>> Ranged for Ticked<R> {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() { self.minor.clone() } else { self.ticks.clone() }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }

    fn axis_pixel_range(&self, limit: (i32, i32)) -> Range<i32> {
        self.inner.axis_pixel_range(limit)
    }
}

/// The finite extent (min, max) of `values`, or `None` when no value is finite.
pub(crate) fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().filter(|v| v.is_finite()).fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// A linear axis over `extent` (finite, min <= max) with a small margin on both sides (none on a
/// side given as `tight`), at most `max_ticks` (>= 2) ticks.
pub(crate) fn linear_axis(extent: (f64, f64), tight: bool, max_ticks: usize) -> Axis {
    let (lo, hi) = extent;
    let range = if hi > lo {
        let pad = if tight { 0.0 } else { (hi - lo) * MARGIN };
        (lo - pad, hi + pad)
    } else {
        // One value: centre it in a range of sensible width.
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo - pad, hi + pad)
    };
    let ticks = linear_ticks(range, max_ticks);
    let scientific = wants_scientific(&ticks);
    Axis { range, ticks, minor: Vec::new(), scientific }
}

/// An axis from `start` to `end` (finite, start < end) whose ticks are plotters' nice linear
/// values, at most `max_ticks` of them.
pub(crate) fn linear_axis_between(start: f64, end: f64, max_ticks: usize) -> Axis {
    let ticks = linear_ticks((start, end), max_ticks);
    let scientific = wants_scientific(&ticks);
    Axis { range: (start, end), ticks, minor: Vec::new(), scientific }
}

/// An axis over whole numbers spanning `extent` (finite, min <= max), padded by a fraction of a
/// step so that markers at the ends are not cut, with ticks at whole numbers only.
pub(crate) fn integer_axis(extent: (f64, f64), max_ticks: usize) -> Axis {
    let (lo, hi) = (extent.0.floor(), extent.1.ceil());
    let pad = ((hi - lo) * MARGIN).max(0.3);
    let range = (lo - pad, hi + pad);
    // Whole-number key points are plotters' integer axis' own ("1, 2, 5 times a power of ten").
    let ticks: Vec<f64> = RangedCoordi64::from(lo as i64..hi as i64)
        .key_points(max_ticks.max(2))
        .into_iter()
        .map(|v| v as f64)
        .filter(|v| *v >= lo && *v <= hi)
        .collect();
    let scientific = wants_scientific(&ticks);
    Axis { range, ticks, minor: Vec::new(), scientific }
}

/// A log axis over `extent` (finite, 0 < min <= max) with a small margin in decades, at most
/// `max_ticks` (>= 2) labelled ticks: powers of ten when the range holds at least two, else
/// 1, 2, 5 times powers of ten, else plain linear ticks.
pub(crate) fn log_axis(extent: (f64, f64), max_ticks: usize) -> Axis {
    let (lo, hi) = (extent.0.log10(), extent.1.log10());
    let (lo, hi) = if hi - lo < 1e-9 {
        (lo - 0.5, hi + 0.5)
    } else {
        let pad = (hi - lo) * MARGIN;
        (lo - pad, hi + pad)
    };
    let range = (10f64.powf(lo), 10f64.powf(hi));
    let max_ticks = max_ticks.max(2);

    let first = lo.ceil() as i32;
    let last = hi.floor() as i32;
    let (ticks, minor) = if last > first {
        let decades = (last - first + 1) as usize;
        let stride = decades.div_ceil(max_ticks);
        let ticks = (first..=last).step_by(stride).map(|k| power_of_ten(1, k)).collect();
        // Minor lines at 2..9 times each power help read a few decades but clutter many.
        let minor = if decades <= 5 {
            (first - 1..=last)
                .flat_map(|k| (2..10).map(move |m| power_of_ten(m, k)))
                .filter(|v| *v >= range.0 && *v <= range.1)
                .collect()
        } else {
            Vec::new()
        };
        (ticks, minor)
    } else {
        let one_two_five: Vec<f64> = (lo.floor() as i32..=hi.ceil() as i32)
            .flat_map(|k| [1, 2, 5].map(|m| power_of_ten(m, k)))
            .filter(|v| *v >= range.0 && *v <= range.1)
            .collect();
        if one_two_five.len() >= 2 {
            (one_two_five, Vec::new())
        } else {
            (linear_ticks(range, max_ticks.min(5)), Vec::new())
        }
    };
    let scientific = wants_scientific(&ticks);
    Axis { range, ticks, minor, scientific }
}

/// `mantissa` times ten to the `exponent`, parsed from its decimal form so that it is the nearest
/// double (powi accumulates rounding errors for negative exponents).
fn power_of_ten(mantissa: u32, exponent: i32) -> f64 {
    format!("{mantissa}e{exponent}").parse().unwrap_or(f64::NAN)
}

/// plotters' nice linear key points in `range` (finite, start < end).
fn linear_ticks(range: (f64, f64), max_ticks: usize) -> Vec<f64> {
    snap_noisy_zero(RangedCoordf64::from(range.0..range.1).key_points(max_ticks.max(2)))
}

/// Sets to exactly 0 a tick that should be 0 but carries float noise (-1.1e-16 after stepping
/// from -0.6 by 0.2), which would otherwise print as "-1.11022e-16".
fn snap_noisy_zero(ticks: Vec<f64>) -> Vec<f64> {
    let step = ticks.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f64::max);
    ticks.into_iter().map(|t| if t.abs() < 1e-9 * step { 0.0 } else { t }).collect()
}

/// Whether the labels of `ticks` read better as 1e-4 than as 0.0001 (or 100000).
fn wants_scientific(ticks: &[f64]) -> bool {
    ticks.iter().map(|v| tidy(*v).abs()).any(|v| v != 0.0 && !(1e-3..1e5).contains(&v))
}

/// `value` rounded to six significant digits, dropping the float noise of tick arithmetic
/// (0.30000000000000004 becomes 0.3).
fn tidy(value: f64) -> f64 {
    format!("{value:.5e}").parse().unwrap_or(value)
}

/// The label of a tick: "1e-4", "2.5e3" when `scientific`, else "0.25", "100"; "0" for zero.
pub(crate) fn format_tick(value: f64, scientific: bool) -> String {
    let value = tidy(value);
    if value == 0.0 {
        "0".to_string()
    } else if scientific {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axis_over_four_decades_labels_each_power_of_ten() {
        let axis = log_axis((1e-4, 1.0), 8);
        let labels: Vec<String> = axis.ticks.iter().map(|v| axis.label(*v)).collect();
        assert_eq!(labels, ["1e-4", "1e-3", "1e-2", "1e-1", "1e0"]);
        assert!(axis.range.0 < 1e-4 && axis.range.1 > 1.0);
    }

    #[test]
    fn log_axis_within_one_decade_still_has_ticks() {
        let axis = log_axis((0.3, 0.8), 8);
        assert!(axis.ticks.len() >= 2, "{axis:?}");
        assert!(axis.ticks.iter().all(|v| *v >= axis.range.0 && *v <= axis.range.1));
        let axis = log_axis((0.41, 0.42), 8);
        assert!(axis.ticks.len() >= 2, "{axis:?}");
    }

    #[test]
    fn log_axis_over_many_decades_thins_labels() {
        let axis = log_axis((1e-30, 1e10), 6);
        assert!(axis.ticks.len() <= 6 && axis.ticks.len() >= 2, "{axis:?}");
    }

    #[test]
    fn integer_axis_ticks_whole_layers() {
        let axis = integer_axis((1.0, 5.0), 10);
        assert_eq!(axis.ticks, [1.0, 2.0, 3.0, 4.0, 5.0]);
        let axis = integer_axis((1.0, 784.0), 8);
        assert!(axis.ticks.iter().all(|v| v.fract() == 0.0) && axis.ticks.len() <= 8, "{axis:?}");
        let axis = integer_axis((3.0, 3.0), 8);
        assert_eq!(axis.ticks, [3.0]);
    }

    #[test]
    fn a_noisy_zero_tick_is_zero_and_labels_stay_decimal() {
        let noisy = vec![-0.6, -0.4, -0.2, -0.6 + 0.2 + 0.2 + 0.2, 0.2, 0.4];
        assert!(wants_scientific(&noisy), "the noise alone would switch to 1e-1 labels");
        let ticks = snap_noisy_zero(noisy);
        assert_eq!(ticks[3], 0.0);
        assert!(!wants_scientific(&ticks), "{ticks:?}");
    }

    #[test]
    fn tick_labels_drop_float_noise() {
        assert_eq!(format_tick(0.1 + 0.2, false), "0.3");
        assert_eq!(format_tick(-0.0, false), "0");
        assert_eq!(format_tick(2.5e-5, true), "2.5e-5");
    }
}

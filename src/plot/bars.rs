//! Stacked bar charts: time spent in each step, per layer; a spectrum against a reference level.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Deserialize;

use super::axes::{self, Axis};
use super::frame::{Labels, Look, chart_builder, draw_axes, draw_no_data, failed};
use super::legend::{draw_side_legend, split_for_side_legend};
use super::palette::{class_colour, parse_hex_colour};
use super::plottable;

/// Half the width of a bar, in slots (one slot per bar).
const HALF_BAR: f64 = 0.35;

/// Bars made of stacked parts, the same parts in every bar.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StackedBars {
    /// Drawn above the chart; empty for none.
    pub title: String,
    /// Description of the x axis; empty for none.
    pub x_label: String,
    /// Description of the y axis; empty for none.
    pub y_label: String,
    /// Legend text of each part, bottom first (e.g. kernel, solve, agop, sqrt, features,
    /// metrics); part `i` has the class palette colour `i`.
    pub parts: Vec<String>,
    /// CSS hex colours (`"#rrggbb"`) of the parts, in the order of `parts`; a part without one,
    /// or with one that does not parse, has the class palette colour of its index.
    pub colours: Vec<String>,
    /// The bars, left to right.
    pub bars: Vec<Bar>,
    /// A reference level per bar, in the order of `bars`, drawn as a dashed step line across the
    /// bars' columns (e.g. a regular simplex's singular values beside the measured ones). A level
    /// that cannot be shown (in JSON `null`) breaks the line there; levels beyond the bars are
    /// ignored. Empty for none.
    #[serde(deserialize_with = "super::nullable::numbers")]
    pub reference: Vec<f64>,
    /// Legend text of the reference line; empty for no legend entry.
    pub reference_name: String,
    /// `"#rrggbb"` of the reference line; near-black when absent or not of that form.
    pub reference_colour: String,
}

/// The reference line's colour when none is given.
const REFERENCE_COLOUR: RGBColor = RGBColor(0x22, 0x22, 0x22);

/// One bar of [`StackedBars`].
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Bar {
    /// Tick label under the bar.
    pub label: String,
    /// One value per part, in the order of `parts`; a missing, negative or not finite value
    /// counts as 0 (in JSON a value may be `null`), values beyond the parts are ignored.
    #[serde(deserialize_with = "super::nullable::numbers")]
    pub values: Vec<f64>,
}

/// Draws `bars` filling `area` (the caller clears it first); `scale` is the device pixel ratio
/// (fonts, lines and margins are multiplied by it; a non-positive or non-finite scale counts as
/// 1). The legend of the parts stands in a strip on the right (left out when the names are too
/// long for it). With no bars or only zero totals it draws the title and "no data yet". Errors only when
/// the backend fails.
pub fn draw_stacked_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    bars: &StackedBars,
    scale: f64,
) -> Result<(), String> {
    let look = Look::new(scale);
    let stacks: Vec<Vec<f64>> = bars
        .bars
        .iter()
        .map(|bar| {
            (0..bars.parts.len())
                .map(|part| bar.values.get(part).copied().filter(|v| plottable(*v) && *v > 0.0).unwrap_or(0.0))
                .collect()
        })
        .collect();
    let totals: Vec<f64> = stacks.iter().map(|stack| stack.iter().sum()).collect();
    let levels = reference_levels(bars);
    let tallest = totals.iter().chain(levels.iter().flatten()).copied().fold(0.0, f64::max);
    if !(totals.iter().any(|total| *total > 0.0) && tallest.is_finite()) {
        return draw_no_data(area, &bars.title, look);
    }
    let reference_colour = parse_hex_colour(&bars.reference_colour).unwrap_or(REFERENCE_COLOUR);
    let reference_named = !bars.reference_name.is_empty() && levels.iter().any(Option::is_some);

    // Bars fill their columns from the axis up, leaving no free corner: the legend goes beside.
    let mut named: Vec<String> = bars.parts.iter().filter(|name| !name.is_empty()).cloned().collect();
    if reference_named {
        named.push(bars.reference_name.clone());
    }
    let (plot_area, legend_area) = split_for_side_legend(area, &named, look)?;
    let (width, height) = plot_area.dim_in_pixel();
    let count = bars.bars.len();
    let max_labels = (width as usize / look.px(48.0).max(1) as usize).max(1);
    let stride = count.div_ceil(max_labels).max(1);
    let x_ticks: Vec<f64> = (0..count).step_by(stride).map(|i| i as f64).collect();
    let x = Axis { range: (-0.5, count as f64 - 0.5), ticks: x_ticks, minor: Vec::new(), scientific: false };
    let max_y_ticks = (height as usize / look.px(36.0).max(1) as usize).clamp(2, 10);
    let y = axes::linear_axis_between(0.0, tallest * 1.08, max_y_ticks);

    let labels = Labels { title: &bars.title, x: &bars.x_label, y: &bars.y_label };
    let mut chart =
        chart_builder(&plot_area, &labels, &y, look)?.build_cartesian_2d(x.linear(), y.linear()).map_err(failed)?;
    let bar_label = |v: &f64| {
        let index = v.round();
        let bar = if index >= 0.0 { bars.bars.get(index as usize) } else { None };
        bar.map(|bar| bar.label.clone()).unwrap_or_default()
    };
    draw_axes(&mut chart, &labels, &bar_label, &y, false, look)?;

    let part_colour = |part: usize| {
        bars.colours.get(part).and_then(|text| parse_hex_colour(text)).unwrap_or_else(|| class_colour(part))
    };
    for part in 0..bars.parts.len() {
        let colour = part_colour(part);
        let blocks = stacks.iter().enumerate().filter(|(_, stack)| stack[part] > 0.0).map(|(i, stack)| {
            let base: f64 = stack[..part].iter().sum();
            let centre = i as f64;
            Rectangle::new([(centre - HALF_BAR, base), (centre + HALF_BAR, base + stack[part])], colour.filled())
        });
        chart.draw_series(blocks).map_err(failed)?;
    }
    // The reference over the bars: level `r_i` across column i, a vertical step between columns.
    let reference_style = ShapeStyle::from(reference_colour).stroke_width(look.stroke(2.0));
    for run in step_runs(&levels) {
        let dashes = DashedLineSeries::new(run, look.px(7.0), look.px(4.0), reference_style);
        chart.draw_series(dashes).map_err(failed)?;
    }

    if let Some(legend_area) = legend_area {
        // Listed top part first, as the parts are stacked.
        let top = chart.plotting_area().get_pixel_range().1.start - area.get_pixel_range().1.start;
        let entries: Vec<(String, RGBColor)> = (0..bars.parts.len())
            .rev()
            .filter(|part| !bars.parts[*part].is_empty())
            .map(|part| (bars.parts[part].clone(), part_colour(part)))
            .collect();
        let lines: Vec<(String, RGBColor)> =
            if reference_named { vec![(bars.reference_name.clone(), reference_colour)] } else { Vec::new() };
        draw_side_legend(&legend_area, &entries, &lines, top, look)?;
    }
    Ok(())
}

/// The reference level of every bar (`None`: none, or one that cannot be shown).
fn reference_levels(bars: &StackedBars) -> Vec<Option<f64>> {
    (0..bars.bars.len()).map(|i| bars.reference.get(i).copied().filter(|v| plottable(*v) && *v >= 0.0)).collect()
}

/// The step line through `levels` (one per bar, bar i's column from i - 1/2 to i + 1/2), as runs of
/// points over consecutive bars that have a level.
fn step_runs(levels: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for (i, level) in levels.iter().enumerate() {
        match level {
            Some(level) => {
                let centre = i as f64;
                current.push((centre - 0.5, *level));
                current.push((centre + 0.5, *level));
            }
            None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

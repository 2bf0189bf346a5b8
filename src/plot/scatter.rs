//! Scatter plots of labelled points: 2-D projections of features, coloured by class.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Deserialize;

use super::axes;
use super::frame::{Labels, Look, chart_builder, draw_axes, draw_no_data, failed};
use super::legend::{draw_side_legend, split_for_side_legend};
use super::palette::class_colour;
use super::plottable;

/// Points coloured by class (e.g. a PCA projection of one layer's features).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Scatter {
    /// Drawn above the chart; empty for none.
    pub title: String,
    /// Description of the x axis; empty for none.
    pub x_label: String,
    /// Description of the y axis; empty for none.
    pub y_label: String,
    /// Legend text of class `k` at index `k`; a class without a name is listed by its number.
    pub class_names: Vec<String>,
    /// (x, y) of each point; points with a coordinate not finite or beyond 1e100 are skipped (in
    /// JSON a coordinate may be `null`, read as NaN).
    #[serde(deserialize_with = "super::nullable::points")]
    pub points: Vec<[f64; 2]>,
    /// The class of each point, as many as `points`; class `k` has the class palette colour `k`.
    pub classes: Vec<usize>,
}

/// Draws `scatter` filling `area` (the caller clears it first): one filled circle per showable
/// point in its class colour, and a legend of the classes present in a strip on the right (left
/// out when the names are too long for it).
/// `scale` is the device pixel ratio (fonts, lines, margins and marks are multiplied by it; a
/// non-positive or non-finite scale counts as 1). With no showable point it draws the title and
/// "no data yet". Errors: `points` and `classes` of different lengths, or a failing backend.
pub fn draw_scatter<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scatter: &Scatter,
    scale: f64,
) -> Result<(), String> {
    let look = Look::new(scale);
    if scatter.points.len() != scatter.classes.len() {
        return Err(format!(
            "scatter has {} points but {} classes: each point needs its class",
            scatter.points.len(),
            scatter.classes.len()
        ));
    }
    let shown: Vec<((f64, f64), usize)> = scatter
        .points
        .iter()
        .zip(&scatter.classes)
        .filter(|([x, y], _)| plottable(*x) && plottable(*y))
        .map(|([x, y], class)| ((*x, *y), *class))
        .collect();
    let x_extent = axes::extent(shown.iter().map(|((x, _), _)| *x));
    let y_extent = axes::extent(shown.iter().map(|((_, y), _)| *y));
    let (Some(x_extent), Some(y_extent)) = (x_extent, y_extent) else {
        return draw_no_data(area, &scatter.title, look);
    };

    let mut present: Vec<usize> = shown.iter().map(|(_, class)| *class).collect();
    present.sort_unstable();
    present.dedup();
    let names: Vec<String> = present
        .iter()
        .map(|class| {
            scatter
                .class_names
                .get(*class)
                .filter(|name| !name.is_empty())
                .cloned()
                .unwrap_or_else(|| class.to_string())
        })
        .collect();

    let (_, height) = area.dim_in_pixel();
    let (plot_area, legend_area) = split_for_side_legend(area, &names, look)?;
    let (plot_width, _) = plot_area.dim_in_pixel();

    let max_x_ticks = (plot_width as usize / look.px(80.0).max(1) as usize).clamp(2, 10);
    let max_y_ticks = (height as usize / look.px(36.0).max(1) as usize).clamp(2, 10);
    let x = axes::linear_axis(x_extent, false, max_x_ticks);
    let y = axes::linear_axis(y_extent, false, max_y_ticks);

    let labels = Labels { title: &scatter.title, x: &scatter.x_label, y: &scatter.y_label };
    let mut chart =
        chart_builder(&plot_area, &labels, &y, look)?.build_cartesian_2d(x.linear(), y.linear()).map_err(failed)?;
    draw_axes(&mut chart, &labels, &|v| x.label(*v), &y, true, look)?;

    let radius = look.px(2.5).max(1);
    chart
        .draw_series(shown.iter().map(|(point, class)| Circle::new(*point, radius, class_colour(*class).filled())))
        .map_err(failed)?;

    if let Some(legend_area) = legend_area {
        // The rows start level with the top of the plot.
        let top = chart.plotting_area().get_pixel_range().1.start - area.get_pixel_range().1.start;
        let entries: Vec<(String, RGBColor)> =
            present.iter().zip(names).map(|(class, name)| (name, class_colour(*class))).collect();
        draw_side_legend(&legend_area, &entries, &[], top, look)?;
    }
    Ok(())
}

//! Line charts: metrics per layer, spectra, loss curves.

use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::{DefaultFormatting, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use serde::Deserialize;

use super::axes::{self, Axis, Ticked};
use super::frame::{Labels, Look, chart_builder, draw_axes, draw_no_data, failed};
use super::legend::{
    LegendEntry, LegendPlacement, PixelRect, along_polyline, draw_legend_box, draw_legend_strip, legend_box_size,
    legend_strip_height, place_legend,
};
use super::palette::{class_colour, parse_hex_colour, stage_colour};
use super::{LARGEST_SHOWN, plottable};

/// Series with at most this many points also get a marker at each point (layers, a few epochs);
/// longer ones (spectra) are lines only.
const MAX_MARKED_POINTS: usize = 40;

/// A line chart with any number of named series over shared axes.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct LineChart {
    /// Drawn above the chart; empty for none.
    pub title: String,
    /// Description of the x axis; empty for none.
    pub x_label: String,
    /// Description of the y axis; empty for none.
    pub y_label: String,
    /// Log-scaled y axis; points with y <= 0 cannot be shown on it and are skipped.
    pub log_y: bool,
    /// The x values are whole numbers (layers 1..L, epochs): ticks only at whole numbers.
    pub integer_x: bool,
    /// The lines, drawn in order (later on top).
    pub series: Vec<Series>,
}

/// One line of a [`LineChart`].
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Series {
    /// Legend text; an empty name gives no legend entry.
    pub name: String,
    /// `"#rrggbb"`; when absent, the stage colour if `name` is a model stage (see
    /// [`stage_colour`](super::palette::stage_colour)), else the class palette colour of the
    /// series' index.
    pub colour: Option<String>,
    /// (x, y) points in drawing order. A point with a coordinate that cannot be shown (not
    /// finite, beyond 1e100 in size, or y <= 0 on a log axis) is skipped and breaks the line;
    /// in JSON a coordinate may be `null`, read as NaN.
    #[serde(deserialize_with = "super::nullable::points")]
    pub points: Vec<[f64; 2]>,
    /// Draw the line dashed (e.g. the test set against the train set's solid line).
    pub dashed: bool,
    /// A shaded band in the series' colour, under every line: `[x, low, high]` in drawing
    /// order (e.g. mean -+ std over seeds). A triple that cannot be shown (as for points) breaks
    /// the band. Empty for none.
    #[serde(deserialize_with = "super::nullable::triples")]
    pub band: Vec<[f64; 3]>,
}

/// Opacity of a band's fill: light enough for lines and other bands to show through.
const BAND_OPACITY: f64 = 0.2;

/// A series' drawable pieces: the runs of consecutive showable points, and its style.
struct Prepared<'a> {
    series: &'a Series,
    colour: RGBColor,
    runs: Vec<Vec<(f64, f64)>>,
    /// The runs of consecutive showable band triples, as (x, low, high).
    band_runs: Vec<Vec<(f64, f64, f64)>>,
}

impl Prepared<'_> {
    fn point_count(&self) -> usize {
        self.runs.iter().map(Vec::len).sum()
    }
}

/// Draws `chart` filling `area` (the caller clears it first); `scale` is the device pixel ratio
/// (fonts, lines and margins are multiplied by it; a non-positive or non-finite scale counts as
/// 1). With nothing showable it draws the title and "no data yet". Errors: a series colour that
/// is not `"#rrggbb"`, or a failing backend.
pub fn draw_line_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &LineChart,
    scale: f64,
) -> Result<(), String> {
    draw_line_chart_placed(area, chart, scale).map(|_| ())
}

/// What a drawn line chart put where, in the backend's pixels: its legend's rectangle (None:
/// no legend) and every point drawn (the data points of the lines, not the bands).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinesDrawn {
    pub legend: Option<PixelRect>,
    pub points: Vec<(f64, f64)>,
}

/// As [`draw_line_chart`], and says where the legend and the points went. The legend goes where
/// it covers no point and no line ([`place_legend`](super::place_legend)), else below the plot.
pub fn draw_line_chart_placed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &LineChart,
    scale: f64,
) -> Result<LinesDrawn, String> {
    let look = Look::new(scale);
    let prepared = prepare(chart)?;
    let band_triples = || prepared.iter().flat_map(|p| p.band_runs.iter().flatten());
    let xs = prepared.iter().flat_map(|p| p.runs.iter().flatten().map(|(x, _)| *x)).chain(band_triples().map(|t| t.0));
    let ys = prepared
        .iter()
        .flat_map(|p| p.runs.iter().flatten().map(|(_, y)| *y))
        .chain(band_triples().flat_map(|t| [t.1, t.2]));
    let (Some(x_extent), Some(y_extent)) = (axes::extent(xs), axes::extent(ys)) else {
        return draw_no_data(area, &chart.title, look).map(|()| LinesDrawn::default());
    };

    let (width, height) = area.dim_in_pixel();
    let max_x_ticks = (width as usize / look.px(80.0).max(1) as usize).clamp(2, 12);
    let max_y_ticks = (height as usize / look.px(36.0).max(1) as usize).clamp(2, 10);
    let x = if chart.integer_x && x_extent.0.abs().max(x_extent.1.abs()) < 1e15 {
        axes::integer_axis(x_extent, max_x_ticks)
    } else {
        axes::linear_axis(x_extent, true, max_x_ticks)
    };
    if chart.log_y {
        let y = axes::log_axis(y_extent, max_y_ticks);
        draw_lines(area, chart, &prepared, &x, &y, || y.log(), look)
    } else {
        let y = axes::linear_axis(y_extent, false, max_y_ticks);
        draw_lines(area, chart, &prepared, &x, &y, || y.linear(), look)
    }
}

/// Each series' colour and runs of showable points.
fn prepare(chart: &LineChart) -> Result<Vec<Prepared<'_>>, String> {
    chart
        .series
        .iter()
        .enumerate()
        .map(|(index, series)| {
            let colour = match &series.colour {
                Some(text) => parse_hex_colour(text).ok_or_else(|| {
                    format!("series \"{}\": colour \"{text}\" is not of the form #rrggbb", series.name)
                })?,
                None => stage_colour(&series.name).unwrap_or_else(|| class_colour(index)),
            };
            let showable_y = |y: f64| plottable(y) && (!chart.log_y || y >= 1.0 / LARGEST_SHOWN);
            let showable = |&[x, y]: &[f64; 2]| plottable(x) && showable_y(y);
            let runs = series
                .points
                .split(|point| !showable(point))
                .filter(|run| !run.is_empty())
                .map(|run| run.iter().map(|&[x, y]| (x, y)).collect())
                .collect();
            let band_runs = series
                .band
                .split(|&[x, low, high]| !(plottable(x) && showable_y(low) && showable_y(high)))
                .filter(|run| !run.is_empty())
                .map(|run| run.iter().map(|&[x, low, high]| (x, low, high)).collect())
                .collect();
            Ok(Prepared { series, colour, runs, band_runs })
        })
        .collect()
}

/// Draws axes, lines, markers and legend, with `y_coord` making the y axis' coordinate (linear or log):
/// the legend inside the plot where it covers no data, else in a strip below a shortened plot.
fn draw_lines<DB, Y>(
    area: &DrawingArea<DB, Shift>,
    chart: &LineChart,
    prepared: &[Prepared<'_>],
    x: &Axis,
    y: &Axis,
    y_coord: impl Fn() -> Y,
    look: Look,
) -> Result<LinesDrawn, String>
where
    DB: DrawingBackend,
    Y: Ranged<ValueType = f64, FormatOption = DefaultFormatting>,
{
    let labels = Labels { title: &chart.title, x: &chart.x_label, y: &chart.y_label };
    let entries: Vec<LegendEntry> = prepared
        .iter()
        .filter(|p| !p.runs.is_empty() && !p.series.name.is_empty())
        .map(|p| LegendEntry { name: p.series.name.clone(), colour: p.colour, dashed: p.series.dashed })
        .collect();
    let mut plot = chart_builder(area, &labels, y, look)?.build_cartesian_2d(x.linear(), y_coord()).map_err(failed)?;
    if entries.is_empty() {
        let points = draw_data(&mut plot, &labels, prepared, x, y, look)?;
        return Ok(LinesDrawn { legend: None, points });
    }
    // Where the data fall, in pixels: every point and samples along every line.
    let mut occupied = Vec::new();
    for p in prepared {
        for run in &p.runs {
            let pixels: Vec<(f64, f64)> = run
                .iter()
                .map(|point| {
                    let (px, py) = plot.backend_coord(point);
                    (f64::from(px), f64::from(py))
                })
                .collect();
            occupied.extend(along_polyline(&pixels, look.px(3.0).max(1) as f64));
        }
    }
    let (xs, ys) = plot.plotting_area().get_pixel_range();
    let plot_rect = PixelRect {
        left: f64::from(xs.start),
        top: f64::from(ys.start),
        width: f64::from(xs.end - xs.start),
        height: f64::from(ys.end - ys.start),
    };
    let size = legend_box_size(area, &entries, look)?;
    let clearance = f64::from(look.px(4.0));
    match place_legend(plot_rect, size, f64::from(look.px(6.0)), &occupied, clearance) {
        LegendPlacement::Inside(rect) => {
            let points = draw_data(&mut plot, &labels, prepared, x, y, look)?;
            let (base_x, base_y) = area.get_base_pixel();
            let relative = PixelRect { left: rect.left - f64::from(base_x), top: rect.top - f64::from(base_y), ..rect };
            draw_legend_box(area, relative, &entries, look)?;
            Ok(LinesDrawn { legend: Some(rect), points })
        }
        LegendPlacement::Below => {
            let (width, height) = area.dim_in_pixel();
            let strip_height = legend_strip_height(area, &entries, width as i32, look)?;
            let (upper, strip) = area.split_vertically(height as i32 - strip_height);
            area.fill(&WHITE).map_err(failed)?;
            let mut plot =
                chart_builder(&upper, &labels, y, look)?.build_cartesian_2d(x.linear(), y_coord()).map_err(failed)?;
            let points = draw_data(&mut plot, &labels, prepared, x, y, look)?;
            let taken = draw_legend_strip(&strip, &entries, look)?;
            let (base_x, base_y) = strip.get_base_pixel();
            let rect = PixelRect { left: taken.left + f64::from(base_x), top: taken.top + f64::from(base_y), ..taken };
            Ok(LinesDrawn { legend: Some(rect), points })
        }
    }
}

/// Draws the axes, bands, lines and markers on `plot`; returns the drawn points in pixels.
fn draw_data<DB, Y>(
    plot: &mut ChartContext<'_, DB, Cartesian2d<Ticked<RangedCoordf64>, Y>>,
    labels: &Labels,
    prepared: &[Prepared<'_>],
    x: &Axis,
    y: &Axis,
    look: Look,
) -> Result<Vec<(f64, f64)>, String>
where
    DB: DrawingBackend,
    Y: Ranged<ValueType = f64, FormatOption = DefaultFormatting>,
{
    draw_axes(plot, labels, &|v| x.label(*v), y, true, look)?;
    let line_width = look.stroke(2.0);
    let (dash, gap) = (look.px(7.0), look.px(4.0));
    // Every band first, so that no band hides a line.
    for p in prepared {
        let fill = p.colour.mix(BAND_OPACITY).filled();
        for run in &p.band_runs {
            if let [(x0, low, high)] = run[..] {
                // A band at one x has no area: an error bar shows it.
                let bar = ShapeStyle::from(p.colour.mix(0.5)).stroke_width(look.stroke(4.0));
                plot.draw_series(std::iter::once(PathElement::new(vec![(x0, low), (x0, high)], bar)))
                    .map_err(failed)?;
                continue;
            }
            let outline: Vec<(f64, f64)> =
                run.iter().map(|t| (t.0, t.2)).chain(run.iter().rev().map(|t| (t.0, t.1))).collect();
            plot.draw_series(std::iter::once(Polygon::new(outline, fill))).map_err(failed)?;
        }
    }
    let mut points = Vec::new();
    for p in prepared.iter().filter(|p| !p.runs.is_empty()) {
        let style = ShapeStyle::from(p.colour).stroke_width(line_width);
        for run in &p.runs {
            points.extend(run.iter().map(|point| {
                let (px, py) = plot.backend_coord(point);
                (f64::from(px), f64::from(py))
            }));
            if run.len() < 2 {
                continue;
            }
            if p.series.dashed {
                plot.draw_series(DashedLineSeries::new(run.iter().copied(), dash, gap, style)).map_err(failed)?;
            } else {
                plot.draw_series(LineSeries::new(run.iter().copied(), style)).map_err(failed)?;
            }
        }
        // A lone point has no line to show it, so it always gets a marker.
        let marked = p.point_count() <= MAX_MARKED_POINTS;
        let markers = p.runs.iter().filter(|run| marked || run.len() == 1).flatten();
        plot.draw_series(markers.map(|point| Circle::new(*point, look.px(3.0), style.filled()))).map_err(failed)?;
    }
    Ok(points)
}

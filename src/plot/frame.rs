//! The look shared by every chart: sizes scaled to the device pixel ratio, fonts, title and axes,
//! the empty-chart message, and drawing errors turned into messages.

use std::fmt::Display;

use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::Axis;

/// The text drawn in place of a chart that has nothing to show.
pub const NO_DATA_TEXT: &str = "no data yet";

/// The grey of the tick labels and axes, softer than black so that the data stand out.
const AXIS_COLOUR: RGBColor = RGBColor(0x44, 0x44, 0x44);

/// Font family of every chart text; the browser and SVG viewers resolve it to the system font.
const FONT_FAMILY: &str = "sans-serif";

/// Sizes in CSS pixels, turned into device pixels by the device pixel ratio.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Look {
    scale: f64,
}

impl Look {
    /// A look for the given device pixel ratio; a ratio that is not a positive finite number is
    /// taken as 1.
    pub(crate) fn new(scale: f64) -> Self {
        let scale = if scale.is_finite() && scale > 0.0 { scale } else { 1.0 };
        Look { scale }
    }

    /// `css_pixels` in device pixels, rounded.
    pub(crate) fn px(self, css_pixels: f64) -> i32 {
        (css_pixels * self.scale).round() as i32
    }

    /// `css_pixels` in device pixels, rounded, at least 1 (line widths).
    pub(crate) fn stroke(self, css_pixels: f64) -> u32 {
        (css_pixels * self.scale).round().max(1.0) as u32
    }

    /// The font of size `css_pixels`.
    pub(crate) fn font(self, css_pixels: f64) -> TextStyle<'static> {
        (FONT_FAMILY, css_pixels * self.scale).into_font().color(&BLACK)
    }

    /// Titles.
    pub(crate) fn title_font(self) -> TextStyle<'static> {
        self.font(15.0)
    }

    /// Axis descriptions.
    pub(crate) fn axis_font(self) -> TextStyle<'static> {
        self.font(13.0)
    }

    /// Tick labels and legends.
    pub(crate) fn label_font(self) -> TextStyle<'static> {
        self.font(12.0)
    }
}

/// The texts around a chart with two axes; empty ones are not drawn.
pub(crate) struct Labels<'s> {
    pub(crate) title: &'s str,
    pub(crate) x: &'s str,
    pub(crate) y: &'s str,
}

/// A chart builder on `area` with the title as caption and label areas just wide enough for the
/// axis descriptions of `labels` and the tick labels of `y`.
pub(crate) fn chart_builder<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    labels: &Labels,
    y: &Axis,
    look: Look,
) -> Result<ChartBuilder<'a, 'b, DB>, String> {
    let y_ticks_width = widest_text(area, y.ticks.iter().map(|v| y.label(*v)), &look.label_font())?;
    let y_desc_room = if labels.y.is_empty() { 0 } else { look.px(20.0) };
    let x_desc_room = if labels.x.is_empty() { 0 } else { look.px(18.0) };
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(look.px(10.0))
        .x_label_area_size(look.px(22.0) + x_desc_room)
        .y_label_area_size(y_ticks_width as i32 + look.px(12.0) + y_desc_room);
    if !labels.title.is_empty() {
        builder.caption(labels.title, look.title_font());
    }
    Ok(builder)
}

/// Draws the axes, their tick labels (x ones by `x_label`, y ones in `y`'s style) and
/// descriptions, and a light grid (no vertical lines unless `vertical_grid`).
pub(crate) fn draw_axes<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    labels: &Labels,
    x_label: &dyn Fn(&f64) -> String,
    y: &Axis,
    vertical_grid: bool,
    look: Look,
) -> Result<(), String>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let y_label = |v: &f64| y.label(*v);
    let mut mesh = chart.configure_mesh();
    if !labels.x.is_empty() {
        mesh.x_desc(labels.x);
    }
    if !labels.y.is_empty() {
        mesh.y_desc(labels.y);
    }
    if !vertical_grid {
        mesh.disable_x_mesh();
    }
    mesh.x_label_formatter(x_label)
        .y_label_formatter(&y_label)
        .label_style(look.label_font().color(&AXIS_COLOUR))
        .axis_desc_style(look.axis_font())
        .axis_style(ShapeStyle::from(AXIS_COLOUR).stroke_width(look.stroke(1.0)))
        .bold_line_style(ShapeStyle::from(BLACK.mix(0.1)).stroke_width(look.stroke(1.0)))
        .light_line_style(ShapeStyle::from(BLACK.mix(0.04)).stroke_width(look.stroke(1.0)))
        .set_all_tick_mark_size(look.px(4.0))
        .draw()
        .map_err(failed)
}

/// Draws the title (when not empty) and the centred [`NO_DATA_TEXT`] on `area`.
pub(crate) fn draw_no_data<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    look: Look,
) -> Result<(), String> {
    let (width, height) = area.dim_in_pixel();
    if !title.is_empty() {
        let style = look.title_font().pos(Pos::new(HPos::Center, VPos::Top));
        area.draw_text(title, &style, (width as i32 / 2, look.px(8.0))).map_err(failed)?;
    }
    let style = look.axis_font().color(&RGBColor(0x77, 0x77, 0x77)).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(NO_DATA_TEXT, &style, (width as i32 / 2, height as i32 / 2)).map_err(failed)
}

/// The message of a drawing error (a backend failure, not bad data).
pub(crate) fn failed<E: Display>(error: E) -> String {
    format!("drawing the chart failed: {error}")
}

/// The widest estimated width of `texts` in `font` on `area`, in device pixels (0 when empty).
pub(crate) fn widest_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    texts: impl IntoIterator<Item = String>,
    font: &TextStyle,
) -> Result<u32, String> {
    let mut widest = 0;
    for text in texts {
        let (width, _) = area.estimate_text_size(&text, font).map_err(failed)?;
        widest = widest.max(width);
    }
    Ok(widest)
}

//! Legends: inside the plot where they cover no data (a corner, else the middle of an edge), else in
//! a strip below the plot; or in a strip beside it (bars, scatter).

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{Look, failed, widest_text};

/// A rectangle in pixels: its left and top edges (y downwards), width and height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PixelRect {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl PixelRect {
    /// Whether `(x, y)` lies inside the rectangle grown by `clearance` on every side.
    pub fn covers(&self, (x, y): (f64, f64), clearance: f64) -> bool {
        x >= self.left - clearance
            && x <= self.left + self.width + clearance
            && y >= self.top - clearance
            && y <= self.top + self.height + clearance
    }
}

/// Where a chart's legend goes: inside the plot area at a rectangle that covers no data, or in
/// a strip below the plot when every place inside would cover some.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LegendPlacement {
    Inside(PixelRect),
    Below,
}

/// The place for a legend of `size` (width, height) in the plot area `plot`, all in pixels: the
/// first of the upper right, upper left, lower right and lower left corners (each `inset` from
/// the edges), then the middles of the upper, lower, right and left edges, whose rectangle
/// keeps `clearance` pixels away from every one of `occupied` (the drawn points and samples
/// along the drawn lines); [`LegendPlacement::Below`] when none does, or when the legend does not
/// fit inside the plot area.
pub fn place_legend(
    plot: PixelRect,
    size: (f64, f64),
    inset: f64,
    occupied: &[(f64, f64)],
    clearance: f64,
) -> LegendPlacement {
    let (width, height) = size;
    if width + 2.0 * inset > plot.width || height + 2.0 * inset > plot.height {
        return LegendPlacement::Below;
    }
    let left = plot.left + inset;
    let right = plot.left + plot.width - inset - width;
    let top = plot.top + inset;
    let bottom = plot.top + plot.height - inset - height;
    let centre_x = plot.left + (plot.width - width) / 2.0;
    let centre_y = plot.top + (plot.height - height) / 2.0;
    let candidates = [
        (right, top),
        (left, top),
        (right, bottom),
        (left, bottom),
        (centre_x, top),
        (centre_x, bottom),
        (right, centre_y),
        (left, centre_y),
    ];
    candidates
        .into_iter()
        .map(|(left, top)| PixelRect { left, top, width, height })
        .find(|rect| !occupied.iter().any(|&point| rect.covers(point, clearance)))
        .map_or(LegendPlacement::Below, LegendPlacement::Inside)
}

/// `points` (pixels, in drawing order) with extra samples at most `step` pixels apart along the
/// segments between consecutive points, so that a line crossing a place counts as occupying it.
pub fn along_polyline(points: &[(f64, f64)], step: f64) -> Vec<(f64, f64)> {
    let mut samples = points.to_vec();
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        let length = (x1 - x0).hypot(y1 - y0);
        let steps = if length.is_finite() { (length / step.max(0.5)).ceil().min(10_000.0) as usize } else { 0 };
        for i in 1..steps {
            let t = i as f64 / steps as f64;
            samples.push((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t));
        }
    }
    samples
}

/// One entry of a line chart's legend: its text, colour and whether its line is dashed.
pub(crate) struct LegendEntry {
    pub name: String,
    pub colour: RGBColor,
    pub dashed: bool,
}

/// Sizes of the legend's parts, in device pixels.
struct LegendMetrics {
    row: i32,
    pad: i32,
    sample: i32,
    gap: i32,
}

impl LegendMetrics {
    fn new(look: Look) -> Self {
        LegendMetrics { row: look.px(17.0), pad: look.px(6.0), sample: look.px(22.0), gap: look.px(6.0) }
    }
}

/// The width and height in pixels of a boxed legend of `entries`, one per row.
pub(crate) fn legend_box_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    look: Look,
) -> Result<(f64, f64), String> {
    let m = LegendMetrics::new(look);
    let text = widest_text(area, entries.iter().map(|e| e.name.clone()), &look.label_font())? as i32;
    let width = 2 * m.pad + m.sample + m.gap + text;
    let height = m.pad + m.row * entries.len() as i32;
    Ok((f64::from(width), f64::from(height)))
}

/// Draws `entries` in a box at `rect` (pixels relative to `area`): a sample of each line, then
/// its name, one per row, on translucent white.
pub(crate) fn draw_legend_box<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rect: PixelRect,
    entries: &[LegendEntry],
    look: Look,
) -> Result<(), String> {
    let m = LegendMetrics::new(look);
    let (left, top) = (rect.left.round() as i32, rect.top.round() as i32);
    let corners = [(left, top), (left + rect.width.round() as i32, top + rect.height.round() as i32)];
    area.draw(&Rectangle::new(corners, WHITE.mix(0.85).filled())).map_err(failed)?;
    let border = ShapeStyle::from(BLACK.mix(0.25)).stroke_width(look.stroke(1.0));
    area.draw(&Rectangle::new(corners, border)).map_err(failed)?;
    for (i, entry) in entries.iter().enumerate() {
        let centre_y = top + m.pad / 2 + m.row / 2 + i as i32 * m.row;
        draw_entry(area, entry, (left + m.pad, centre_y), look)?;
    }
    Ok(())
}

/// Draws one entry with its line sample starting at `(x, centre_y)`; returns its width.
fn draw_entry<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entry: &LegendEntry,
    (x, centre_y): (i32, i32),
    look: Look,
) -> Result<i32, String> {
    let m = LegendMetrics::new(look);
    let style = ShapeStyle::from(entry.colour).stroke_width(look.stroke(2.0));
    let ends = [(x, centre_y), (x + m.sample, centre_y)];
    if entry.dashed {
        area.draw(&DashedPathElement::new(ends, look.px(7.0), look.px(4.0), style)).map_err(failed)?;
    } else {
        area.draw(&PathElement::new(ends.to_vec(), style)).map_err(failed)?;
    }
    let text = look.label_font().pos(Pos::new(HPos::Left, VPos::Center));
    area.draw_text(&entry.name, &text, (x + m.sample + m.gap, centre_y)).map_err(failed)?;
    let (width, _) = area.estimate_text_size(&entry.name, &look.label_font()).map_err(failed)?;
    Ok(m.sample + m.gap + width as i32)
}

/// The rows of a legend laid out left to right in `width` pixels: each row the indices of its
/// entries and their x offsets.
fn flow_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    width: i32,
    look: Look,
) -> Result<Vec<Vec<(usize, i32)>>, String> {
    let m = LegendMetrics::new(look);
    let spacing = look.px(14.0);
    let mut rows: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut x = m.pad;
    for (i, entry) in entries.iter().enumerate() {
        let (text, _) = area.estimate_text_size(&entry.name, &look.label_font()).map_err(failed)?;
        let item = m.sample + m.gap + text as i32;
        if x > m.pad && x + item > width - m.pad {
            rows.push(Vec::new());
            x = m.pad;
        }
        rows.last_mut().expect("a row").push((i, x));
        x += item + spacing;
    }
    Ok(rows)
}

/// The height in pixels of the strip below a plot that holds `entries` side by side in `width`.
pub(crate) fn legend_strip_height<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    width: i32,
    look: Look,
) -> Result<i32, String> {
    let m = LegendMetrics::new(look);
    Ok(flow_rows(area, entries, width, look)?.len() as i32 * m.row + m.pad)
}

/// Draws `entries` side by side, wrapping, in the strip `strip`; returns the rectangle they take
/// (relative to `strip`).
pub(crate) fn draw_legend_strip<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    look: Look,
) -> Result<PixelRect, String> {
    let m = LegendMetrics::new(look);
    let (width, _) = strip.dim_in_pixel();
    let rows = flow_rows(strip, entries, width as i32, look)?;
    let mut right = 0;
    for (r, row) in rows.iter().enumerate() {
        let centre_y = m.pad / 2 + m.row / 2 + r as i32 * m.row;
        for &(i, x) in row {
            right = right.max(x + draw_entry(strip, &entries[i], (x, centre_y), look)?);
        }
    }
    let height = rows.len() as i32 * m.row + m.pad;
    Ok(PixelRect { left: 0.0, top: 0.0, width: f64::from(right + m.pad), height: f64::from(height) })
}

/// A plot area and, when there is room, the strip beside it for the legend.
pub(crate) type WithSideLegend<DB> = (DrawingArea<DB, Shift>, Option<DrawingArea<DB, Shift>>);

/// Splits `area` into a plot area and, on its right, a strip just wide enough for a legend of
/// `names` with square swatches. No strip (`None`) when it would take more than a third of the
/// width: the legend is then left out rather than squeezing the chart.
pub(crate) fn split_for_side_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    names: &[String],
    look: Look,
) -> Result<WithSideLegend<DB>, String> {
    let (width, _) = area.dim_in_pixel();
    let strip = widest_text(area, names.iter().cloned(), &look.label_font())? as i32 + look.px(29.0);
    if names.is_empty() || strip >= width as i32 / 3 {
        return Ok((area.clone(), None));
    }
    let (plot, legend) = area.split_horizontally(width as i32 - strip);
    Ok((plot, Some(legend)))
}

/// Draws `entries` (name, colour) one per row, a square swatch then the name, down the strip
/// `legend` from `top` pixels below its upper edge, then `lines` (name, colour) the same way with
/// a short dashed line for a swatch (reference lines); rows that do not fit are left out.
pub(crate) fn draw_side_legend<DB: DrawingBackend>(
    legend: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor)],
    lines: &[(String, RGBColor)],
    top: i32,
    look: Look,
) -> Result<(), String> {
    let (_, height) = legend.dim_in_pixel();
    let row = look.px(17.0);
    let swatch = look.px(9.0);
    let left = look.px(6.0);
    let text = look.label_font().pos(Pos::new(HPos::Left, VPos::Center));
    let rows = entries.iter().map(|entry| (entry, false)).chain(lines.iter().map(|entry| (entry, true)));
    for (i, ((name, colour), line)) in rows.enumerate() {
        let centre_y = top + row / 2 + i as i32 * row;
        if centre_y + row / 2 > height as i32 {
            break;
        }
        if line {
            // Two dashes as wide as a swatch: a line, not a block.
            let style = ShapeStyle::from(*colour).stroke_width(look.stroke(2.0));
            let ends = [(left, centre_y), (left + swatch, centre_y)];
            legend.draw(&DashedPathElement::new(ends, look.px(4.0), look.px(1.0), style)).map_err(failed)?;
        } else {
            let swatch_box = [(left, centre_y - swatch / 2), (left + swatch, centre_y + swatch / 2)];
            legend.draw(&Rectangle::new(swatch_box, colour.filled())).map_err(failed)?;
        }
        legend.draw_text(name, &text, (left + swatch + look.px(6.0), centre_y)).map_err(failed)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_through_a_place_occupies_it() {
        let samples = along_polyline(&[(0.0, 0.0), (100.0, 0.0)], 4.0);
        assert!(samples.len() >= 26);
        assert!(samples.iter().any(|&(x, _)| (x - 50.0).abs() <= 2.0));
    }
}

//! Legends: inside the plot in the corner that hides the least data, or in a strip beside it.

use plotters::chart::{ChartContext, SeriesLabelPosition};
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{Look, failed, widest_text};

/// How far into the plot a corner reaches, as a fraction of each side: about a legend's size.
const CORNER_REACH: f64 = 0.4;

/// The corner of the plot that holds the fewest of `samples`, each given as fractions (0..1)
/// along the x and y axes (y upwards). Ties go to upper right, upper left, lower right, lower
/// left, in that order; samples outside 0..1 or not finite are ignored.
pub(crate) fn quietest_corner(samples: &[(f64, f64)]) -> SeriesLabelPosition {
    let corners = [
        (SeriesLabelPosition::UpperRight, true, true),
        (SeriesLabelPosition::UpperLeft, false, true),
        (SeriesLabelPosition::LowerRight, true, false),
        (SeriesLabelPosition::LowerLeft, false, false),
    ];
    let near = |at: f64, high: bool| {
        if high { at >= 1.0 - CORNER_REACH } else { at <= CORNER_REACH }
    };
    let crowding = |right: bool, upper: bool| {
        samples
            .iter()
            .filter(|(x, y)| (0.0..=1.0).contains(x) && (0.0..=1.0).contains(y))
            .filter(|(x, y)| near(*x, right) && near(*y, upper))
            .count()
    };
    let mut best = (SeriesLabelPosition::UpperRight, usize::MAX);
    for (position, right, upper) in corners {
        let count = crowding(right, upper);
        if count < best.1 {
            best = (position, count);
        }
    }
    best.0
}

/// `points` (fractions along the axes, in drawing order) with extra samples along the segments
/// between consecutive points, so that a line crossing a corner counts as crowding it.
pub(crate) fn along_polyline(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    const STEPS: usize = 8;
    let mut samples = points.to_vec();
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        for step in 1..STEPS {
            let t = step as f64 / STEPS as f64;
            samples.push((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t));
        }
    }
    samples
}

/// Draws the legend of the labelled series of `chart` at `position`, on a translucent white box.
pub(crate) fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    look: Look,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .margin(look.px(8.0))
        .legend_area_size(look.px(24.0))
        .label_font(look.label_font())
        .background_style(WHITE.mix(0.85))
        .border_style(ShapeStyle::from(BLACK.mix(0.25)).stroke_width(look.stroke(1.0)))
        .draw()
        .map_err(failed)
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
/// `legend` from `top` pixels below its upper edge; rows that do not fit are left out.
pub(crate) fn draw_side_legend<DB: DrawingBackend>(
    legend: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor)],
    top: i32,
    look: Look,
) -> Result<(), String> {
    let (_, height) = legend.dim_in_pixel();
    let row = look.px(17.0);
    let swatch = look.px(9.0);
    let left = look.px(6.0);
    let text = look.label_font().pos(Pos::new(HPos::Left, VPos::Center));
    for (i, (name, colour)) in entries.iter().enumerate() {
        let centre_y = top + row / 2 + i as i32 * row;
        if centre_y + row / 2 > height as i32 {
            break;
        }
        let swatch_box = [(left, centre_y - swatch / 2), (left + swatch, centre_y + swatch / 2)];
        legend.draw(&Rectangle::new(swatch_box, colour.filled())).map_err(failed)?;
        legend.draw_text(name, &text, (left + swatch + look.px(6.0), centre_y)).map_err(failed)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legend_avoids_the_corners_a_line_crosses() {
        let rising = along_polyline(&[(0.0, 0.0), (1.0, 1.0)]);
        assert!(matches!(quietest_corner(&rising), SeriesLabelPosition::UpperLeft));
        let falling = along_polyline(&[(0.0, 1.0), (1.0, 0.0)]);
        assert!(matches!(quietest_corner(&falling), SeriesLabelPosition::UpperRight));
        let top_row = along_polyline(&[(0.0, 0.9), (1.0, 0.9)]);
        assert!(matches!(quietest_corner(&top_row), SeriesLabelPosition::LowerRight));
    }
}

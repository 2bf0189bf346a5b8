//! Charts drawn with plotters, generic over any drawing backend.
//!
//! Every chart is plain data ([`LineChart`], [`StackedBars`], [`Scatter`]: what the page sends as
//! JSON) and one drawing function taking a plotters `DrawingArea` of any backend (canvas in the
//! page, SVG in tests) and the device pixel ratio. The functions never panic on odd data: values
//! that cannot be shown are skipped, and a chart with nothing to show says [`NO_DATA_TEXT`].
//! Matrices and images are not charts: [`image`] turns them into RGBA pixels for the page to blit.

mod axes;
mod bars;
mod frame;
pub mod image;
mod legend;
mod line;
mod nullable;
pub mod palette;
mod scatter;

pub use bars::{Bar, StackedBars, draw_stacked_bars};
pub use frame::NO_DATA_TEXT;
pub use image::{Colormap, heatmap_rgba, image_grid_rgba, value_range};
pub use legend::{LegendPlacement, PixelRect, along_polyline, place_legend};
pub use line::{LineChart, LinesDrawn, Series, draw_line_chart, draw_line_chart_placed};
pub use palette::{class_colour, stage_colour};
pub use scatter::{Scatter, draw_scatter};

/// Values beyond this size are treated like NaN: they would only flatten every other value (and
/// the axis arithmetic overflows near f64::MAX).
const LARGEST_SHOWN: f64 = 1e100;

/// Whether a data coordinate can be placed on a chart: finite and not beyond 1e100 in size.
fn plottable(value: f64) -> bool {
    value.is_finite() && value.abs() <= LARGEST_SHOWN
}

//! Matrices and small images as RGBA pixel buffers (one pixel per value), for the page to blit
//! and scale: drawing them value by value through a chart backend is far too slow.

use plotters::prelude::{ColorMap, DerivedColorMap, RGBColor, ViridisRGB};
use serde::Deserialize;

/// Colour of a cell whose value is missing or not finite.
const MISSING: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);

/// Colour of the gaps between images in a grid.
const GAP: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);

/// How values become colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Colormap {
    /// Blue, white, red (ColorBrewer RdBu with a pure white centre): for signed values centred on
    /// 0 such as cosine similarities in [-1, 1] or eigenvector entries; the middle of the range
    /// is white.
    Diverging,
    /// Viridis, dark violet to yellow, perceptually uniform and colour-blind safe: for magnitudes
    /// such as an AGOP diagonal.
    Sequential,
}

impl Colormap {
    /// The colour at position `t` along the map, 0 the low end and 1 the high end (clamped into
    /// 0..1; a NaN gives the missing-value grey).
    pub fn colour(self, t: f32) -> RGBColor {
        if t.is_nan() {
            return MISSING;
        }
        let t = t.clamp(0.0, 1.0);
        match self {
            Colormap::Diverging => {
                let stops = [
                    RGBColor(0x21, 0x66, 0xAC),
                    RGBColor(0x92, 0xC5, 0xDE),
                    RGBColor(0xFF, 0xFF, 0xFF),
                    RGBColor(0xF4, 0xA5, 0x82),
                    RGBColor(0xB2, 0x18, 0x2B),
                ];
                DerivedColorMap::new(&stops).get_color(t)
            }
            Colormap::Sequential => ViridisRGB.get_color(t),
        }
    }
}

/// The range that [`image_grid_rgba`] gives an image: (-m, m) with m the largest finite |value|
/// when `symmetric` (so that 0 sits in the middle of the map), else (min, max) of the finite
/// values. An image without finite values, or all zero when symmetric, gets (-1, 1); a constant
/// one gets its value for both ends (drawn in the middle colour).
pub fn value_range(values: &[f32], symmetric: bool) -> (f32, f32) {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    if symmetric {
        let largest = finite.fold(0.0f32, |m, v| m.max(v.abs()));
        if largest > 0.0 { (-largest, largest) } else { (-1.0, 1.0) }
    } else {
        finite
            .fold(None, |acc: Option<(f32, f32)>, v| Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v)))))
            .unwrap_or((-1.0, 1.0))
    }
}

/// The RGBA pixels (row-major, 4 bytes per value, alpha 255) of the `rows` x `cols` matrix
/// `values` (row-major) under `colormap`, `range.0` mapping to the low end and `range.1` to the
/// high end, values outside clamped. A range with `range.0 >= range.1` (or not finite) maps every
/// value to the middle of the map. Missing values (when `values` is shorter than rows x cols)
/// and values that are not finite are light grey; extra values are ignored. The result always
/// has `rows * cols * 4` bytes.
pub fn heatmap_rgba(values: &[f32], rows: usize, cols: usize, range: (f32, f32), colormap: Colormap) -> Vec<u8> {
    let cells = rows.saturating_mul(cols);
    let (lo, hi) = range;
    let spread = hi - lo;
    let position = |v: f32| {
        if !v.is_finite() {
            f32::NAN
        } else if spread > 0.0 && spread.is_finite() {
            (v - lo) / spread
        } else {
            0.5
        }
    };
    let mut pixels = Vec::with_capacity(cells.saturating_mul(4));
    for index in 0..cells {
        let RGBColor(r, g, b) = match values.get(index) {
            Some(v) => colormap.colour(position(*v)),
            None => MISSING,
        };
        pixels.extend_from_slice(&[r, g, b, 255]);
    }
    pixels
}

/// Lays `images` (each `rows` x `cols`, row-major; shorter ones padded as in [`heatmap_rgba`])
/// out in a grid of `columns_in_grid` columns (0 counts as 1), filled row by row, with `gap`
/// white pixels between neighbours and no border. Each image is coloured over its own
/// [`value_range`] (symmetric around 0 when `symmetric`). Returns the RGBA pixels (row-major,
/// alpha 255) with the grid's width and height in pixels: image `k` has its top-left corner at
/// x = (k % columns) * (cols + gap), y = (k / columns) * (rows + gap), where columns is
/// `columns_in_grid` capped at the number of images. With no image, or `rows` or `cols` 0, the
/// result is empty with size 0 x 0.
pub fn image_grid_rgba(
    images: &[Vec<f32>],
    rows: usize,
    cols: usize,
    columns_in_grid: usize,
    gap: usize,
    colormap: Colormap,
    symmetric: bool,
) -> (Vec<u8>, usize, usize) {
    if images.is_empty() || rows == 0 || cols == 0 {
        return (Vec::new(), 0, 0);
    }
    let columns = columns_in_grid.clamp(1, images.len());
    let grid_rows = images.len().div_ceil(columns);
    let width = columns * cols + (columns - 1) * gap;
    let height = grid_rows * rows + (grid_rows - 1) * gap;
    let RGBColor(r, g, b) = GAP;
    let mut pixels = [r, g, b, 255].repeat(width * height);
    for (k, image) in images.iter().enumerate() {
        let tile = heatmap_rgba(image, rows, cols, value_range(image, symmetric), colormap);
        let (left, top) = ((k % columns) * (cols + gap), (k / columns) * (rows + gap));
        for (row, source) in tile.chunks_exact(cols * 4).enumerate() {
            let start = ((top + row) * width + left) * 4;
            pixels[start..start + cols * 4].copy_from_slice(source);
        }
    }
    (pixels, width, height)
}

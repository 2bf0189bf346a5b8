//! Main-thread draw calls: the page's charts on its canvases.
//!
//! Each call first sizes the canvas' drawing buffer to its CSS size times the device pixel ratio,
//! so that charts stay sharp on high-DPI screens, then draws everything anew. They need the
//! page's `window` and DOM, so they work on the main thread only, not in a worker.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::canvas::MeasuredCanvas;
use crate::plot::{self, Colormap, LineChart, Scatter, StackedBars};

/// Draws a line chart. `specJson` is a [`LineChart`] as JSON (missing fields take their
/// defaults; coordinates may be `null`). Throws on invalid JSON, an invalid colour, or when
/// called off the main thread.
#[wasm_bindgen(js_name = drawLineChart)]
pub fn draw_line_chart(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(js_name = specJson)] spec_json: &str,
) -> Result<(), JsError> {
    let drawn = draw_chart::<LineChart, _>(canvas.clone(), spec_json, "line chart", plot::draw_line_chart_placed)?;
    // Where the legend and the points went, in CSS pixels, for tests and tools to check that
    // the legend covers no data: `data-legend` "left top width height" (empty: no legend),
    // `data-points` "x,y x,y ...".
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let ratio = if ratio.is_finite() && ratio > 0.0 { ratio } else { 1.0 };
    let css = |v: f64| format!("{:.1}", v / ratio);
    let legend = drawn
        .legend
        .map(|r| format!("{} {} {} {}", css(r.left), css(r.top), css(r.width), css(r.height)))
        .unwrap_or_default();
    let points: Vec<String> = drawn.points.iter().map(|&(x, y)| format!("{},{}", css(x), css(y))).collect();
    canvas.set_attribute("data-legend", &legend).map_err(|_| JsError::new("cannot record the legend's place"))?;
    canvas
        .set_attribute("data-points", &points.join(" "))
        .map_err(|_| JsError::new("cannot record the points' places"))?;
    Ok(())
}

/// Draws stacked bars. `specJson` is a [`StackedBars`] as JSON (missing fields take their
/// defaults; values may be `null`). Throws on invalid JSON or when called off the main thread.
#[wasm_bindgen(js_name = drawStackedBars)]
pub fn draw_stacked_bars(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(js_name = specJson)] spec_json: &str,
) -> Result<(), JsError> {
    draw_chart::<StackedBars, _>(canvas, spec_json, "stacked bars", plot::draw_stacked_bars)
}

/// Draws a scatter plot coloured by class. `specJson` is a [`Scatter`] as JSON (missing fields
/// take their defaults; coordinates may be `null`). Throws on invalid JSON, points and classes
/// of different lengths, or when called off the main thread.
#[wasm_bindgen(js_name = drawScatter)]
pub fn draw_scatter(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(js_name = specJson)] spec_json: &str,
) -> Result<(), JsError> {
    draw_chart::<Scatter, _>(canvas, spec_json, "scatter", plot::draw_scatter)
}

/// Draws the `rows` x `cols` matrix `values` (row-major, exactly rows x cols of them) one cell per
/// value, scaled to fill the canvas as far as its aspect ratio allows, centred, with crisp cell
/// edges. `min` maps to the low end of the colour map and `max` to the high end: blue, white, red
/// when `diverging` (cosine Gram matrices, with min -1 and max 1), viridis otherwise.
/// `boundaries` are the indices where a new class starts (sorted or not): a thin dark line
/// separates the classes there, vertical where the index is below `cols` and horizontal where it
/// is below `rows` (indices 0 and beyond are ignored). Throws when the sizes disagree or when
/// called off the main thread.
#[wasm_bindgen(js_name = drawHeatmap)]
#[allow(clippy::too_many_arguments)] // the page's call mirrors the picture: data, shape, range, style
pub fn draw_heatmap(
    canvas: HtmlCanvasElement,
    values: &[f32],
    rows: usize,
    cols: usize,
    min: f32,
    max: f32,
    diverging: bool,
    boundaries: Vec<u32>,
) -> Result<(), JsError> {
    if rows == 0 || cols == 0 {
        return Err(JsError::new(&format!("a heatmap needs at least 1 x 1 cells, got {rows} x {cols}")));
    }
    if rows.checked_mul(cols) != Some(values.len()) {
        return Err(JsError::new(&format!(
            "a heatmap of {rows} x {cols} needs {} values, got {}",
            rows.saturating_mul(cols),
            values.len()
        )));
    }
    let colormap = if diverging { Colormap::Diverging } else { Colormap::Sequential };
    let pixels = plot::heatmap_rgba(values, rows, cols, (min, max), colormap);
    let scale = fit_to_device_pixels(&canvas)?;
    let placed = blit_crisp(&canvas, &pixels, cols, rows)?;

    let context = context_2d(&canvas)?;
    context.set_stroke_style_str("rgba(0, 0, 0, 0.6)");
    context.set_line_width(scale.max(1.0));
    context.begin_path();
    for boundary in boundaries.iter().map(|b| *b as usize) {
        if boundary > 0 && boundary < cols {
            let x = placed.left + placed.width * boundary as f64 / cols as f64;
            context.move_to(x, placed.top);
            context.line_to(x, placed.top + placed.height);
        }
        if boundary > 0 && boundary < rows {
            let y = placed.top + placed.height * boundary as f64 / rows as f64;
            context.move_to(placed.left, y);
            context.line_to(placed.left + placed.width, y);
        }
    }
    context.stroke();
    Ok(())
}

/// Draws `count` images of `rows` x `cols` pixels, concatenated row-major in `values` (exactly
/// count x rows x cols of them), side by side in one row with thin white gaps, scaled up crisply
/// to fit the canvas. Each image is coloured over its own range: symmetric around 0 with the
/// blue-white-red map when `symmetric` (signed eigenvectors), else min to max with viridis (an
/// AGOP diagonal). Throws when the sizes disagree or when called off the main thread.
#[wasm_bindgen(js_name = drawImageGrid)]
pub fn draw_image_grid(
    canvas: HtmlCanvasElement,
    values: &[f32],
    count: usize,
    rows: usize,
    cols: usize,
    symmetric: bool,
) -> Result<(), JsError> {
    if count == 0 || rows == 0 || cols == 0 {
        return Err(JsError::new(&format!(
            "an image grid needs at least one image of at least 1 x 1 pixels, got {count} of {rows} x {cols}"
        )));
    }
    if rows.checked_mul(cols).and_then(|n| n.checked_mul(count)) != Some(values.len()) {
        return Err(JsError::new(&format!(
            "{count} images of {rows} x {cols} need {} values, got {}",
            count.saturating_mul(rows).saturating_mul(cols),
            values.len()
        )));
    }
    let per_image = rows * cols;
    let images: Vec<Vec<f32>> = values.chunks_exact(per_image).map(<[f32]>::to_vec).collect();
    // About one gap pixel per 14 image pixels: 2 between 28 x 28 digits.
    let gap = (rows.min(cols) / 14).max(1);
    let colormap = if symmetric { Colormap::Diverging } else { Colormap::Sequential };
    let (pixels, width, height) = plot::image_grid_rgba(&images, rows, cols, count, gap, colormap, symmetric);
    fit_to_device_pixels(&canvas)?;
    blit_crisp(&canvas, &pixels, width, height)?;
    Ok(())
}

/// One of the chart drawing functions of [`plot`] on the canvas backend.
type DrawOnCanvas<Spec, Drawn> = fn(&DrawingArea<MeasuredCanvas, Shift>, &Spec, f64) -> Result<Drawn, String>;

/// Parses a chart spec and draws it on a white canvas with the plotters canvas backend.
fn draw_chart<Spec: DeserializeOwned, Drawn>(
    canvas: HtmlCanvasElement,
    spec_json: &str,
    kind: &str,
    draw: DrawOnCanvas<Spec, Drawn>,
) -> Result<Drawn, JsError> {
    let spec: Spec = serde_json::from_str(spec_json).map_err(|e| JsError::new(&format!("invalid {kind} spec: {e}")))?;
    let scale = fit_to_device_pixels(&canvas)?;
    let context = context_2d(&canvas)?;
    let backend = MeasuredCanvas::new(canvas, context)
        .ok_or_else(|| JsError::new(&format!("cannot draw the {kind}: the canvas has no 2-D context")))?;
    let area = backend.into_drawing_area();
    area.fill(&WHITE).map_err(|e| JsError::new(&format!("cannot draw the {kind}: {e}")))?;
    let drawn = draw(&area, &spec, scale).map_err(|e| JsError::new(&format!("cannot draw the {kind}: {e}")))?;
    area.present().map_err(|e| JsError::new(&format!("cannot draw the {kind}: {e}")))?;
    Ok(drawn)
}

/// Sets the canvas' drawing buffer to its CSS size times the device pixel ratio (at least 1 x 1)
/// and returns the ratio. Resizing also clears the canvas.
fn fit_to_device_pixels(canvas: &HtmlCanvasElement) -> Result<f64, JsError> {
    let window = web_sys::window()
        .ok_or_else(|| JsError::new("charts are drawn on the page's main thread only (no window here)"))?;
    let ratio = window.device_pixel_ratio();
    let ratio = if ratio.is_finite() && ratio > 0.0 { ratio } else { 1.0 };
    let device = |css: i32| ((f64::from(css) * ratio).round() as u32).max(1);
    canvas.set_width(device(canvas.client_width()));
    canvas.set_height(device(canvas.client_height()));
    Ok(ratio)
}

/// Where a picture landed on the canvas, in device pixels.
struct Placement {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
}

/// Draws the RGBA `pixels` of a `width` x `height` picture on a white `canvas`, as large as fits
/// with its aspect ratio kept, centred, without smoothing (each value stays a sharp block).
fn blit_crisp(canvas: &HtmlCanvasElement, pixels: &[u8], width: usize, height: usize) -> Result<Placement, JsError> {
    let context = context_2d(canvas)?;
    let (canvas_width, canvas_height) = (f64::from(canvas.width()), f64::from(canvas.height()));
    context.set_fill_style_str("white");
    context.fill_rect(0.0, 0.0, canvas_width, canvas_height);
    if width == 0 || height == 0 {
        return Ok(Placement { left: 0.0, top: 0.0, width: 0.0, height: 0.0 });
    }

    // putImageData ignores scaling: put the pixels on a canvas of their own size, then draw that.
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| JsError::new("charts are drawn on the page's main thread only (no document here)"))?;
    let source: HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|_| JsError::new("cannot create a canvas for the picture"))?
        .dyn_into()
        .map_err(|_| JsError::new("cannot create a canvas for the picture"))?;
    let (width_u32, height_u32) = (u32::try_from(width)?, u32::try_from(height)?);
    source.set_width(width_u32);
    source.set_height(height_u32);
    let source_context = context_2d(&source)?;
    // The ImageData views wasm memory: put it at once, before anything could grow the memory.
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(pixels), width_u32, height_u32)
        .map_err(|_| JsError::new(&format!("cannot make a {width} x {height} image")))?;
    source_context.put_image_data(&image, 0.0, 0.0).map_err(|_| JsError::new("cannot fill the picture"))?;

    let zoom = (canvas_width / width as f64).min(canvas_height / height as f64);
    let placed = Placement {
        left: ((canvas_width - width as f64 * zoom) / 2.0).round(),
        top: ((canvas_height - height as f64 * zoom) / 2.0).round(),
        width: width as f64 * zoom,
        height: height as f64 * zoom,
    };
    context.set_image_smoothing_enabled(false);
    context
        .draw_image_with_html_canvas_element_and_dw_and_dh(
            &source,
            placed.left,
            placed.top,
            placed.width,
            placed.height,
        )
        .map_err(|_| JsError::new("cannot draw the picture on the canvas"))?;
    Ok(placed)
}

/// The 2-D context of `canvas`.
fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsError> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|context| context.dyn_into().ok())
        .ok_or_else(|| JsError::new("the canvas has no 2-D context (is it used for WebGL?)"))
}

//! The charts drawn into SVG and read back: texts, marks and colours; the RGBA image buffers.

use agop_collapse::plot::palette::{NETWORK_STAGES, RFM_STAGES, hex_colour};
use agop_collapse::plot::*;
use plotters::coord::Shift;
use plotters::prelude::*;

type Svg<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// The SVG of one chart drawn on a 640 x 400 area; panics if drawing fails.
fn svg_of(draw: impl FnOnce(&Svg) -> Result<(), String>) -> String {
    try_svg_of(draw).unwrap()
}

fn try_svg_of(draw: impl FnOnce(&Svg) -> Result<(), String>) -> Result<String, String> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
        draw(&area)?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Every element `<tag .../>` or `<tag ...>` of the SVG, as its attribute text.
fn elements<'s>(svg: &'s str, tag: &str) -> Vec<&'s str> {
    let open = format!("<{tag} ");
    svg.match_indices(&open)
        .map(|(at, _)| {
            let rest = &svg[at + open.len()..];
            &rest[..rest.find('>').unwrap()]
        })
        .collect()
}

/// The value of attribute `name` in an element's attribute text.
fn attribute<'s>(element: &'s str, name: &str) -> Option<&'s str> {
    let key = format!(" {name}=\"");
    let padded_at = format!(" {element}").find(&key)?;
    let rest = &element[padded_at + key.len() - 1..];
    Some(&rest[..rest.find('"')?])
}

/// The contents of every `<text>` element, trimmed.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .map(|chunk| {
            let body = &chunk[chunk.find('>').unwrap() + 1..chunk.find("</text>").unwrap()];
            body.trim().to_string()
        })
        .collect()
}

fn has_text(svg: &str, wanted: &str) -> bool {
    texts(svg).iter().any(|t| t == wanted)
}

/// How many `tag` elements have `fill` (or `stroke`, by `which`) equal to `colour` (any case).
fn count_coloured(svg: &str, tag: &str, which: &str, colour: RGBColor) -> usize {
    let wanted = hex_colour(colour);
    elements(svg, tag).iter().filter(|e| attribute(e, which).is_some_and(|c| c.eq_ignore_ascii_case(&wanted))).count()
}

fn series(name: &str, points: &[[f64; 2]], dashed: bool) -> Series {
    Series { name: name.into(), colour: None, points: points.to_vec(), dashed, band: Vec::new() }
}

fn nc1_chart() -> LineChart {
    let layers =
        |values: [f64; 5]| -> Vec<[f64; 2]> { values.iter().enumerate().map(|(i, v)| [(i + 1) as f64, *v]).collect() };
    LineChart {
        title: "NC1 per layer".into(),
        x_label: "layer".into(),
        y_label: "NC1 (trace ratio)".into(),
        log_y: true,
        integer_x: true,
        series: vec![
            series("X", &layers([1.0, 0.1, 0.01, 1e-3, 1e-4]), false),
            series("MX", &layers([0.5, 0.05, 5e-3, 5e-4, 2e-4]), false),
            series("PhiMX", &layers([0.7, 0.07, 7e-3, 7e-4, 3e-4]), true),
        ],
    }
}

#[test]
fn line_chart_shows_title_axis_descriptions_legend_and_whole_layer_ticks() {
    let svg = svg_of(|area| draw_line_chart(area, &nc1_chart(), 1.0));
    for wanted in ["NC1 per layer", "layer", "NC1 (trace ratio)", "X", "MX", "PhiMX", "1", "2", "3", "4", "5"] {
        assert!(has_text(&svg, wanted), "no text {wanted:?} in {:?}", texts(&svg));
    }
    // Only whole layers are ticked.
    assert!(!texts(&svg).iter().any(|t| t == "1.5" || t == "2.5"), "{:?}", texts(&svg));
    // Each stage is drawn in its own colour: a line (and a legend sample) per stage.
    for stage in ["X", "MX", "PhiMX"] {
        let colour = stage_colour(stage).unwrap();
        let lines = count_coloured(&svg, "polyline", "stroke", colour);
        assert!(lines >= 1, "no line in the colour of {stage}");
        assert_eq!(count_coloured(&svg, "circle", "fill", colour), 5, "one marker per layer for {stage}");
    }
}

#[test]
fn log_axis_tick_labels_cover_four_decades_and_no_more() {
    let svg = svg_of(|area| draw_line_chart(area, &nc1_chart(), 1.0));
    for wanted in ["1e-4", "1e-3", "1e-2", "1e-1", "1e0"] {
        assert!(has_text(&svg, wanted), "no tick {wanted:?} in {:?}", texts(&svg));
    }
    for unwanted in ["1e-5", "1e1", "0", "0.0001"] {
        assert!(!has_text(&svg, unwanted), "tick {unwanted:?} outside the data in {:?}", texts(&svg));
    }
}

#[test]
fn linear_axis_fits_the_data_not_zero() {
    let chart = LineChart {
        y_label: "accuracy".into(),
        integer_x: true,
        series: vec![series("train", &[[1.0, 0.90], [2.0, 0.95], [3.0, 0.99]], false)],
        ..LineChart::default()
    };
    let svg = svg_of(|area| draw_line_chart(area, &chart, 1.0));
    let labels = texts(&svg);
    assert!(labels.iter().any(|t| t == "0.95"), "{labels:?}");
    assert!(!labels.iter().any(|t| t == "0" || t == "0.5"), "range not fitted: {labels:?}");
}

#[test]
fn log_axis_skips_nan_zero_and_negative_values_without_panicking() {
    let chart = LineChart {
        log_y: true,
        integer_x: true,
        series: vec![series(
            "X",
            &[[1.0, 1.0], [2.0, 0.0], [3.0, f64::NAN], [4.0, 0.01], [5.0, -1.0], [6.0, 1e-3]],
            false,
        )],
        ..LineChart::default()
    };
    let svg = svg_of(|area| draw_line_chart(area, &chart, 1.0));
    let colour = stage_colour("X").unwrap();
    // Three showable points, none joined (each gap breaks the line): three markers, no line
    // except the legend sample.
    assert_eq!(count_coloured(&svg, "circle", "fill", colour), 3);
    assert_eq!(count_coloured(&svg, "polyline", "stroke", colour), 1);
    // Three decades: plain decimals read best.
    assert!(has_text(&svg, "0.001") && has_text(&svg, "1"), "{:?}", texts(&svg));
    assert!(!has_text(&svg, NO_DATA_TEXT));
}

#[test]
fn a_chart_with_nothing_showable_says_no_data_yet() {
    let empty_charts = [
        LineChart { title: "NC2".into(), ..LineChart::default() },
        LineChart { title: "NC2".into(), series: vec![series("X", &[], false)], ..LineChart::default() },
        LineChart {
            title: "NC2".into(),
            log_y: true,
            series: vec![series("X", &[[1.0, 0.0], [2.0, f64::NAN], [f64::INFINITY, 1.0]], false)],
            ..LineChart::default()
        },
    ];
    for chart in &empty_charts {
        let svg = svg_of(|area| draw_line_chart(area, chart, 1.0));
        assert!(has_text(&svg, NO_DATA_TEXT) && has_text(&svg, "NC2"), "{:?}", texts(&svg));
        assert!(elements(&svg, "polyline").is_empty());
    }
    let svg = svg_of(|area| draw_stacked_bars(area, &StackedBars::default(), 1.0));
    assert!(has_text(&svg, NO_DATA_TEXT));
    let zero_bars = StackedBars {
        parts: vec!["kernel".into()],
        bars: vec![Bar { label: "1".into(), values: vec![0.0] }, Bar { label: "2".into(), values: vec![f64::NAN] }],
        ..StackedBars::default()
    };
    assert!(has_text(&svg_of(|area| draw_stacked_bars(area, &zero_bars, 1.0)), NO_DATA_TEXT));
    assert!(has_text(&svg_of(|area| draw_scatter(area, &Scatter::default(), 1.0)), NO_DATA_TEXT));
}

#[test]
fn a_single_point_gets_a_marker_and_sensible_axes() {
    let chart = LineChart { series: vec![series("X", &[[1.0, 0.5]], false)], integer_x: true, ..LineChart::default() };
    let svg = svg_of(|area| draw_line_chart(area, &chart, 1.0));
    assert_eq!(count_coloured(&svg, "circle", "fill", stage_colour("X").unwrap()), 1);
    assert!(has_text(&svg, "1"), "{:?}", texts(&svg));
    let log_chart = LineChart { log_y: true, ..chart };
    let svg = svg_of(|area| draw_line_chart(area, &log_chart, 1.0));
    assert!(texts(&svg).len() >= 3, "the y axis has ticks: {:?}", texts(&svg));
}

#[test]
fn explicit_colours_are_used_and_bad_ones_are_reported() {
    let mut chart =
        LineChart { series: vec![series("train", &[[0.0, 1.0], [1.0, 2.0]], true)], ..LineChart::default() };
    chart.series[0].colour = Some("#0072b2".into());
    let svg = svg_of(|area| draw_line_chart(area, &chart, 1.0));
    // Dashed: several short strokes, plus the legend's dashes.
    assert!(count_coloured(&svg, "polyline", "stroke", RGBColor(0x00, 0x72, 0xB2)) >= 2);

    chart.series[0].colour = Some("blue".into());
    let error = try_svg_of(|area| draw_line_chart(area, &chart, 1.0)).unwrap_err();
    assert!(error.contains("train") && error.contains("#rrggbb"), "{error}");
}

#[test]
fn a_band_is_shaded_under_its_line_in_its_colour_and_widens_the_axis() {
    let mut chart = nc1_chart();
    // Around X: a band up to 10 (the lines reach 1 at most), broken at layer 3 by a null.
    chart.series[0].band =
        vec![[1.0, 0.5, 10.0], [2.0, 0.05, 0.2], [3.0, f64::NAN, 0.02], [4.0, 5e-4, 2e-3], [5.0, 5e-5, 2e-4]];
    let svg = svg_of(|area| draw_line_chart(area, &chart, 1.0));
    let x_colour = stage_colour("X").unwrap();
    let bands = elements(&svg, "polygon");
    let x_bands: Vec<_> = bands
        .iter()
        .filter(|e| attribute(e, "fill").is_some_and(|c| c.eq_ignore_ascii_case(&hex_colour(x_colour))))
        .collect();
    assert_eq!(x_bands.len(), 2, "two runs of the band: {bands:?}");
    for band in &x_bands {
        let opacity: f64 = attribute(band, "opacity").or(attribute(band, "fill-opacity")).unwrap().parse().unwrap();
        assert!(opacity > 0.0 && opacity < 0.5, "translucent: {band}");
    }
    assert!(has_text(&svg, "1e1"), "the axis reaches the band's top: {:?}", texts(&svg));
    // The bands come before every stage's line, so that no band hides one.
    let last_band = svg.rfind(x_bands[1]).unwrap();
    let first_line = elements(&svg, "polyline")
        .into_iter()
        .filter(|e| attribute(e, "stroke").is_some_and(|c| c.eq_ignore_ascii_case(&hex_colour(x_colour))))
        .map(|e| svg.find(e).unwrap())
        .min()
        .unwrap();
    assert!(last_band < first_line);

    let spec: LineChart =
        serde_json::from_str(r#"{"series": [{"name": "X", "points": [[1, 1]], "band": [[1, null, 2]]}]}"#).unwrap();
    assert!(spec.series[0].band[0][1].is_nan());
    assert!(serde_json::from_str::<LineChart>(r#"{"series": [{"band": [[1, 2]]}]}"#).is_err());
}

#[test]
fn specs_read_from_json_with_nulls_and_missing_fields() {
    let chart: LineChart = serde_json::from_str(
        r#"{"log_y": true, "series": [{"name": "X", "colour": null, "points": [[1, null], [2, 0.5]]}]}"#,
    )
    .unwrap();
    assert!(chart.log_y && chart.title.is_empty() && !chart.series[0].dashed);
    assert!(chart.series[0].points[0][1].is_nan());
    assert_eq!(chart.series[0].points[1], [2.0, 0.5]);

    let bars: StackedBars =
        serde_json::from_str(r#"{"parts": ["kernel", "solve"], "bars": [{"label": "1", "values": [0.2, null]}]}"#)
            .unwrap();
    assert!(bars.bars[0].values[1].is_nan());
    let scatter: Scatter = serde_json::from_str(r#"{"points": [[0, 1]], "classes": [3]}"#).unwrap();
    assert_eq!(scatter.classes, [3]);
    assert!(serde_json::from_str::<LineChart>(r#"{"series": [{"points": [[1]]}]}"#).is_err());
}

#[test]
fn scatter_draws_one_mark_per_point_in_its_class_colour() {
    let points: Vec<[f64; 2]> = (0..30).map(|i| [(i as f64).cos() * i as f64, (i as f64).sin()]).collect();
    let classes: Vec<usize> = (0..30).map(|i| i % 3).collect();
    let mut scatter = Scatter {
        title: "PCA of the features".into(),
        x_label: "first principal axis".into(),
        y_label: "second principal axis".into(),
        class_names: vec!["zero".into(), "one".into(), "two".into()],
        points,
        classes,
    };
    scatter.points[4] = [f64::NAN, 0.0]; // class 1: skipped
    let svg = svg_of(|area| draw_scatter(area, &scatter, 1.0));
    assert_eq!(elements(&svg, "circle").len(), 29);
    assert_eq!(count_coloured(&svg, "circle", "fill", class_colour(0)), 10);
    assert_eq!(count_coloured(&svg, "circle", "fill", class_colour(1)), 9);
    assert_eq!(count_coloured(&svg, "circle", "fill", class_colour(2)), 10);
    for wanted in ["PCA of the features", "first principal axis", "second principal axis", "zero", "one", "two"] {
        assert!(has_text(&svg, wanted), "no text {wanted:?} in {:?}", texts(&svg));
    }
    // The legend's swatches are squares in the class colours.
    for class in 0..3 {
        assert_eq!(count_coloured(&svg, "rect", "fill", class_colour(class)), 1);
    }
}

#[test]
fn scatter_names_unnamed_classes_by_number_and_rejects_missing_classes() {
    let scatter = Scatter { points: vec![[0.0, 0.0], [1.0, 1.0]], classes: vec![0, 12], ..Scatter::default() };
    let svg = svg_of(|area| draw_scatter(area, &scatter, 1.0));
    assert!(has_text(&svg, "0") && has_text(&svg, "12"), "{:?}", texts(&svg));
    assert_eq!(count_coloured(&svg, "circle", "fill", class_colour(12)), 1);

    let broken = Scatter { points: vec![[0.0, 0.0], [1.0, 1.0]], classes: vec![0], ..Scatter::default() };
    let error = try_svg_of(|area| draw_scatter(area, &broken, 1.0)).unwrap_err();
    assert!(error.contains("2 points") && error.contains("1 classes"), "{error}");
}

#[test]
fn stacked_bars_stack_each_part_in_its_colour_with_a_legend() {
    let parts = ["kernel", "solve", "agop", "sqrt", "features", "metrics"];
    let bars = StackedBars {
        title: "time per step".into(),
        x_label: "layer".into(),
        y_label: "seconds".into(),
        parts: parts.iter().map(|p| p.to_string()).collect(),
        bars: vec![
            Bar { label: "L1".into(), values: vec![1.0, 2.0, 0.5, 0.2, 0.1, 0.3] },
            Bar { label: "L2".into(), values: vec![1.5, 2.5, 0.0, -3.0, f64::NAN] },
        ],
        ..StackedBars::default()
    };
    let svg = svg_of(|area| draw_stacked_bars(area, &bars, 1.0));
    for wanted in ["time per step", "layer", "seconds", "L1", "L2"].iter().chain(&parts) {
        assert!(has_text(&svg, wanted), "no text {wanted:?} in {:?}", texts(&svg));
    }
    // Blocks with a positive value, plus one legend swatch per part.
    let blocks = [2, 2, 1, 1, 1, 1];
    for (part, expected) in blocks.iter().enumerate() {
        assert_eq!(count_coloured(&svg, "rect", "fill", class_colour(part)), expected + 1, "part {}", parts[part]);
    }
    // The axis reaches the tallest bar (4.1 s).
    assert!(has_text(&svg, "4"), "{:?}", texts(&svg));

    // Colours of their own for some parts; the others keep the palette's.
    let grey = RGBColor(0xbb, 0xbb, 0xbb);
    let coloured = StackedBars { colours: vec!["#BBBBBB".into(), "not a colour".into()], ..bars };
    let svg = svg_of(|area| draw_stacked_bars(area, &coloured, 1.0));
    assert_eq!(count_coloured(&svg, "rect", "fill", grey), blocks[0] + 1);
    assert_eq!(count_coloured(&svg, "rect", "fill", class_colour(0)), 0);
    assert_eq!(count_coloured(&svg, "rect", "fill", class_colour(1)), blocks[1] + 1);
}

#[test]
fn bars_draw_a_dashed_reference_step_over_their_columns_with_a_legend_line() {
    // A spectrum of 4 singular values against a simplex's: 1 for the first K-1 = 3, 0 for the last.
    let reference_colour = RGBColor(0x22, 0x22, 0x22);
    let spectrum = StackedBars {
        x_label: "singular value".into(),
        y_label: "σ / σ max".into(),
        parts: vec!["measured".into()],
        colours: vec!["#0072B2".into()],
        bars: [1.0, 0.8, 0.3, 0.0]
            .iter()
            .enumerate()
            .map(|(i, v)| Bar { label: format!("{}", i + 1), values: vec![*v] })
            .collect(),
        reference: vec![1.0, 1.0, 1.0, 0.0],
        reference_name: "simplex".into(),
        ..StackedBars::default()
    };
    let svg = svg_of(|area| draw_stacked_bars(area, &spectrum, 1.0));
    for wanted in ["measured", "simplex", "1", "4"] {
        assert!(has_text(&svg, wanted), "no text {wanted:?} in {:?}", texts(&svg));
    }
    let blue = RGBColor(0x00, 0x72, 0xB2);
    // Three bars with a height (the zero draws none) and the legend's swatch.
    assert_eq!(count_coloured(&svg, "rect", "fill", blue), 3 + 1);
    // The step line's dashes, in the reference's colour: many short pieces, none without the line.
    let pieces = |svg: &str| {
        count_coloured(svg, "polyline", "stroke", reference_colour)
            + count_coloured(svg, "line", "stroke", reference_colour)
    };
    let dashes = pieces(&svg);
    assert!(dashes >= 8, "a dashed line across four columns and its legend sample: {dashes}");

    // Without the reference: no such pieces; a reference above the bars widens the axis.
    let plain = StackedBars { reference: Vec::new(), ..spectrum.clone() };
    let svg_plain = svg_of(|area| draw_stacked_bars(area, &plain, 1.0));
    assert_eq!(pieces(&svg_plain), 0);
    assert!(!has_text(&svg_plain, "simplex"), "no legend line without a reference");
    let low = StackedBars {
        bars: vec![Bar { label: "1".into(), values: vec![0.2] }, Bar { label: "2".into(), values: vec![0.1] }],
        reference: vec![3.0, 3.0],
        ..spectrum.clone()
    };
    assert!(has_text(&svg_of(|area| draw_stacked_bars(area, &low, 1.0)), "3"), "the axis reaches the reference");

    // From JSON: a null level breaks the line, missing fields default, a bad colour falls back.
    let spec: StackedBars = serde_json::from_str(
        r#"{"parts": ["a"], "bars": [{"label": "1", "values": [1]}, {"label": "2", "values": [0.5]}],
            "reference": [1, null], "reference_name": "r", "reference_colour": "nope"}"#,
    )
    .unwrap();
    assert!(spec.reference[1].is_nan());
    let svg = svg_of(|area| draw_stacked_bars(area, &spec, 1.0));
    assert!(pieces(&svg) >= 1, "the first column's level is drawn");
    let bare: StackedBars = serde_json::from_str(r#"{"parts": ["a"], "bars": []}"#).unwrap();
    assert!(bare.reference.is_empty() && bare.reference_name.is_empty());
    // Only a reference, no bar with a height: nothing measured to show.
    let empty =
        StackedBars { bars: vec![Bar { label: "1".into(), values: vec![0.0] }], reference: vec![1.0], ..spectrum };
    assert!(has_text(&svg_of(|area| draw_stacked_bars(area, &empty, 1.0)), NO_DATA_TEXT));
}

#[test]
fn the_device_pixel_ratio_scales_text_and_marks() {
    let font_size = |svg: &str| -> f64 {
        let title = elements(svg, "text").into_iter().next().unwrap();
        attribute(title, "font-size").unwrap().parse().unwrap()
    };
    let chart = LineChart { title: "T".into(), ..nc1_chart() };
    let (one, two) =
        (svg_of(|area| draw_line_chart(area, &chart, 1.0)), svg_of(|area| draw_line_chart(area, &chart, 2.0)));
    assert!((font_size(&two) / font_size(&one) - 2.0).abs() < 1e-9);
    let radius = |svg: &str| -> f64 { attribute(elements(svg, "circle")[0], "r").unwrap().parse().unwrap() };
    assert_eq!(radius(&two), 2.0 * radius(&one));
    // An unusable ratio counts as 1.
    assert_eq!(svg_of(|area| draw_line_chart(area, &chart, f64::NAN)), one);
}

#[test]
fn palette_is_ten_distinct_colours_cycling_and_stages_have_fixed_distinct_colours() {
    let colours: Vec<String> = (0..10).map(|i| hex_colour(class_colour(i))).collect();
    assert_eq!(colours[0], "#332288");
    assert_eq!(colours[9], "#555555");
    for (i, a) in colours.iter().enumerate() {
        assert!(colours[i + 1..].iter().all(|b| a != b), "{colours:?}");
    }
    assert_eq!(class_colour(13), class_colour(3));
    let stages: Vec<String> =
        RFM_STAGES.iter().chain(&NETWORK_STAGES).map(|s| hex_colour(stage_colour(s).unwrap())).collect();
    for (i, a) in stages.iter().enumerate() {
        assert!(stages[i + 1..].iter().all(|b| a != b), "{stages:?}");
    }
    assert_eq!(stage_colour("mx"), None);
}

/// The RGB of pixel `index` of an RGBA buffer.
fn rgb(pixels: &[u8], index: usize) -> [u8; 3] {
    [pixels[index * 4], pixels[index * 4 + 1], pixels[index * 4 + 2]]
}

#[test]
fn heatmap_maps_minus_one_zero_one_to_the_ends_and_middle_of_the_diverging_map() {
    let values = [-1.0, 0.0, 1.0, -5.0, 5.0, f32::NAN];
    let pixels = heatmap_rgba(&values, 2, 3, (-1.0, 1.0), Colormap::Diverging);
    assert_eq!(pixels.len(), 2 * 3 * 4);
    assert!(pixels.chunks(4).all(|p| p[3] == 255));
    let (blue, white, red) = ([0x21, 0x66, 0xAC], [0xFF, 0xFF, 0xFF], [0xB2, 0x18, 0x2B]);
    assert_eq!(rgb(&pixels, 0), blue);
    assert_eq!(rgb(&pixels, 1), white);
    assert_eq!(rgb(&pixels, 2), red);
    assert_eq!(rgb(&pixels, 3), blue, "below the range clamps to its end");
    assert_eq!(rgb(&pixels, 4), red, "above the range clamps to its end");
    assert_eq!(rgb(&pixels, 5), [0xDD, 0xDD, 0xDD], "NaN is grey");
    // Half-way between white and red is in between them.
    let half = heatmap_rgba(&[0.5], 1, 1, (-1.0, 1.0), Colormap::Diverging);
    assert!(half[0] > red[0] && half[1] < white[1] && half[1] > red[1], "{half:?}");
}

#[test]
fn heatmap_sequential_runs_viridis_and_tolerates_odd_input() {
    let pixels = heatmap_rgba(&[0.0, 10.0], 1, 2, (0.0, 10.0), Colormap::Sequential);
    assert_eq!(rgb(&pixels, 0), [68, 1, 84]);
    assert_eq!(rgb(&pixels, 1), [254, 232, 37]);
    // An empty range puts everything in the middle; missing values are grey; extra ignored.
    let flat = heatmap_rgba(&[3.0, 3.0], 1, 2, (3.0, 3.0), Colormap::Diverging);
    assert_eq!(rgb(&flat, 0), [0xFF, 0xFF, 0xFF]);
    let short = heatmap_rgba(&[0.0], 2, 2, (-1.0, 1.0), Colormap::Diverging);
    assert_eq!(short.len(), 16);
    assert_eq!(rgb(&short, 3), [0xDD, 0xDD, 0xDD]);
    assert_eq!(heatmap_rgba(&[1.0, 2.0, 3.0], 1, 1, (0.0, 1.0), Colormap::Sequential).len(), 4);
}

#[test]
fn image_grid_lays_images_out_at_their_offsets_each_on_its_own_range() {
    // Three 2 x 3 images in a grid of 2 columns with 1-pixel gaps: 7 x 5 pixels.
    let image = |low: f32, high: f32| vec![low, high, high, high, high, high];
    let images = [image(0.0, 1.0), image(-100.0, 100.0), image(5.0, 6.0)];
    let (pixels, width, height) = image_grid_rgba(&images, 2, 3, 2, 1, Colormap::Sequential, false);
    assert_eq!((width, height), (7, 5));
    assert_eq!(pixels.len(), 7 * 5 * 4);
    assert!(pixels.chunks(4).all(|p| p[3] == 255));
    let at = |x: usize, y: usize| rgb(&pixels, y * width + x);
    let (low, high, gap) = ([68, 1, 84], [254, 232, 37], [255, 255, 255]);
    // Each image's own minimum and maximum take the ends of the map, whatever its scale.
    for (left, top) in [(0, 0), (4, 0), (0, 3)] {
        assert_eq!(at(left, top), low, "top-left of the image at ({left}, {top})");
        assert_eq!(at(left + 1, top), high);
        assert_eq!(at(left + 2, top + 1), high);
    }
    // Gaps between columns and rows, and the empty fourth cell, are white.
    for y in 0..height {
        assert_eq!(at(3, y), gap);
    }
    for x in 0..width {
        assert_eq!(at(x, 2), gap);
    }
    assert_eq!(at(5, 4), gap);
}

#[test]
fn image_grid_symmetric_ranges_centre_zero() {
    let images = [vec![-2.0, 0.0, 1.0, 2.0]];
    let (pixels, width, height) = image_grid_rgba(&images, 2, 2, 5, 3, Colormap::Diverging, true);
    assert_eq!((width, height), (2, 2), "columns beyond the images take no room");
    assert_eq!(rgb(&pixels, 0), [0x21, 0x66, 0xAC]);
    assert_eq!(rgb(&pixels, 1), [0xFF, 0xFF, 0xFF]);
    assert_eq!(rgb(&pixels, 3), [0xB2, 0x18, 0x2B]);
    assert_eq!(value_range(&[0.0, 0.0], true), (-1.0, 1.0));
    assert_eq!(value_range(&[f32::NAN, 3.0, -1.0], false), (-1.0, 3.0));
    assert_eq!(image_grid_rgba(&[], 28, 28, 4, 2, Colormap::Sequential, false), (Vec::new(), 0, 0));
}

#[test]
fn tiny_canvases_do_not_panic() {
    let scatter = Scatter { points: vec![[0.0, 0.0], [1.0, 1.0]], classes: vec![0, 1], ..Scatter::default() };
    let bars = StackedBars {
        parts: vec!["kernel".into()],
        bars: vec![Bar { label: "1".into(), values: vec![1.0] }],
        ..StackedBars::default()
    };
    for size in [(1, 1), (0, 0), (30, 20)] {
        for scale in [1.0, 3.0] {
            let mut svg = String::new();
            let area = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            let _ = draw_line_chart(&area, &nc1_chart(), scale);
            let _ = draw_stacked_bars(&area, &bars, scale);
            let _ = draw_scatter(&area, &scatter, scale);
        }
    }
}

/// The plot area of the legend tests: 400 x 300 pixels from (50, 20).
const PLOT: PixelRect = PixelRect { left: 50.0, top: 20.0, width: 400.0, height: 300.0 };

#[test]
fn the_legend_goes_to_the_first_corner_that_covers_no_point() {
    // Nothing drawn: the upper right corner, inset from the edges.
    let LegendPlacement::Inside(rect) = place_legend(PLOT, (120.0, 60.0), 6.0, &[], 4.0) else {
        panic!("an empty plot has room for its legend")
    };
    assert_eq!(rect, PixelRect { left: 324.0, top: 26.0, width: 120.0, height: 60.0 });
    // A point in the upper right corner: the legend moves to the upper left, and covers no point.
    let points = [(400.0, 50.0), (250.0, 200.0)];
    let LegendPlacement::Inside(rect) = place_legend(PLOT, (120.0, 60.0), 6.0, &points, 4.0) else {
        panic!("the upper left corner is free")
    };
    assert_eq!((rect.left, rect.top), (56.0, 26.0));
    assert!(points.iter().all(|&p| !rect.covers(p, 4.0)));
}

#[test]
fn a_legend_avoids_lines_not_only_points() {
    // Lines along every edge of the plot: every place tried is crossed, so the legend goes below.
    let frame = along_polyline(&[(60.0, 30.0), (440.0, 30.0), (440.0, 310.0), (60.0, 310.0), (60.0, 30.0)], 3.0);
    assert_eq!(place_legend(PLOT, (120.0, 60.0), 6.0, &frame, 4.0), LegendPlacement::Below);
    // A falling diagonal (its ends alone cover no corner): the legend avoids the line between them.
    let falling = along_polyline(&[(50.0, 20.0), (450.0, 320.0)], 3.0);
    let LegendPlacement::Inside(rect) = place_legend(PLOT, (120.0, 60.0), 6.0, &falling, 4.0) else {
        panic!("the upper right corner is free")
    };
    assert_eq!((rect.left, rect.top), (324.0, 26.0));
    // A rise, then a level line through the upper right corner between two points outside it.
    let rise_then_level = along_polyline(&[(50.0, 320.0), (250.0, 40.0), (450.0, 40.0)], 3.0);
    assert!(
        matches!(place_legend(PLOT, (120.0, 60.0), 6.0, &rise_then_level, 4.0), LegendPlacement::Inside(r) if (r.left, r.top) == (56.0, 26.0))
    );
}

#[test]
fn a_full_plot_or_a_legend_too_big_goes_below() {
    // A dense grid of points everywhere.
    let grid: Vec<(f64, f64)> = (0..=40)
        .flat_map(|i| (0..=30).map(move |j| (50.0 + 10.0 * f64::from(i), 20.0 + 10.0 * f64::from(j))))
        .collect();
    assert_eq!(place_legend(PLOT, (120.0, 60.0), 6.0, &grid, 4.0), LegendPlacement::Below);
    assert_eq!(place_legend(PLOT, (500.0, 60.0), 6.0, &[], 4.0), LegendPlacement::Below);
}

#[test]
fn the_drawn_legend_of_a_line_chart_covers_none_of_its_points() {
    // Lines that fill the upper right corner (where the legend went before) and cross the others.
    let chart = LineChart {
        log_y: false,
        series: vec![
            Series {
                name: "rising".into(),
                points: (0..=10).map(|i| [f64::from(i), f64::from(i)]).collect(),
                ..Series::default()
            },
            Series {
                name: "high".into(),
                points: (0..=10).map(|i| [f64::from(i), 9.5]).collect(),
                ..Series::default()
            },
            Series { name: "low".into(), points: (0..=10).map(|i| [f64::from(i), 0.5]).collect(), ..Series::default() },
        ],
        ..LineChart::default()
    };
    let mut svg = String::new();
    let drawn = {
        let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
        let drawn = draw_line_chart_placed(&area, &chart, 1.0).unwrap();
        area.present().unwrap();
        drawn
    };
    let legend = drawn.legend.expect("a legend");
    assert_eq!(drawn.points.len(), 33);
    for point in &drawn.points {
        assert!(!legend.covers(*point, 0.0), "the legend {legend:?} covers the point {point:?}");
    }
    for name in ["rising", "high", "low"] {
        assert!(has_text(&svg, name), "{name} is in the legend");
    }
}

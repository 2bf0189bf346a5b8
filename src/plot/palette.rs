//! Colours: a colour-blind-safe class palette and one fixed colour per model stage.

use plotters::style::RGBColor;

/// Paul Tol's "muted" qualitative scheme (safe for the common colour-vision deficiencies), with a
/// dark grey as the tenth colour so that ten classes (MNIST digits) get ten distinct colours.
pub const CLASS_PALETTE: [RGBColor; 10] = [
    RGBColor(0x33, 0x22, 0x88), // indigo
    RGBColor(0x88, 0xCC, 0xEE), // cyan
    RGBColor(0x44, 0xAA, 0x99), // teal
    RGBColor(0x11, 0x77, 0x33), // green
    RGBColor(0x99, 0x99, 0x33), // olive
    RGBColor(0xDD, 0xCC, 0x77), // sand
    RGBColor(0xCC, 0x66, 0x77), // rose
    RGBColor(0x88, 0x22, 0x55), // wine
    RGBColor(0xAA, 0x44, 0x99), // purple
    RGBColor(0x55, 0x55, 0x55), // grey
];

/// The colour of class (or series) `index`; any index is accepted, colours repeat every 10.
pub fn class_colour(index: usize) -> RGBColor {
    CLASS_PALETTE[index % CLASS_PALETTE.len()]
}

/// The Deep RFM stages within a layer, in order: the input features, their projection by the
/// AGOP square root, and the random feature map applied to that.
pub const RFM_STAGES: [&str; 3] = ["X", "MX", "PhiMX"];

/// The stages within a layer of a trained network whose weight is W = U S Vᵀ: the layer input,
/// its images by Vᵀ, S Vᵀ and U S Vᵀ, and the layer output after the nonlinearity.
pub const NETWORK_STAGES: [&str; 5] = ["in", "Vt", "SVt", "USVt", "out"];

/// The fixed colour of a model stage named in [`RFM_STAGES`] or [`NETWORK_STAGES`] (exact,
/// case-sensitive names), or `None` for any other name. All eight colours differ from each other
/// and are dark enough for thin lines on white (the pale colours of the class palette are avoided).
pub fn stage_colour(stage: &str) -> Option<RGBColor> {
    let colour = match stage {
        "X" => RGBColor(0x33, 0x22, 0x88),
        "MX" => RGBColor(0xCC, 0x66, 0x77),
        "PhiMX" => RGBColor(0x11, 0x77, 0x33),
        "in" => RGBColor(0x55, 0x55, 0x55),
        "Vt" => RGBColor(0x44, 0xAA, 0x99),
        "SVt" => RGBColor(0x99, 0x99, 0x33),
        "USVt" => RGBColor(0xAA, 0x44, 0x99),
        "out" => RGBColor(0x88, 0x22, 0x55),
        _ => return None,
    };
    Some(colour)
}

/// Parses a CSS hex colour `"#rrggbb"` (the leading `#` is required, digits of either case);
/// `None` for anything else.
pub fn parse_hex_colour(text: &str) -> Option<RGBColor> {
    let digits = text.strip_prefix('#')?;
    // from_str_radix alone would accept a sign ("+f").
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |at: usize| u8::from_str_radix(&digits[at..at + 2], 16).ok();
    Some(RGBColor(channel(0)?, channel(2)?, channel(4)?))
}

/// The CSS hex form `"#rrggbb"` of a colour (lower case), for HTML legends drawn by the page.
pub fn hex_colour(colour: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", colour.0, colour.1, colour.2)
}

//! The page's link, read once and written from the page's state (see [`crate::link`]): the only
//! two calls through which settings enter and leave the page.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::link::{self, Presentation};
use crate::mlp::MlpConfig;
use crate::rfm::RfmConfig;

use super::parse_json;

/// JSON text as a plain JavaScript object.
fn object(json: String) -> JsValue {
    js_sys::JSON::parse(&json).expect("serde_json writes valid JSON")
}

/// Reads a URL hash: `{ state: { rfm, mlp, view: { preset, hide, lock, tour } }, messages }`,
/// every config whole (defaults where the link is silent) and one message per value that could
/// not be used or key that is not known.
#[wasm_bindgen(js_name = readLink)]
pub fn read_link(hash: &str) -> JsValue {
    let (state, messages) = link::read_link(hash);
    object(serde_json::to_string(&ReadLink { state, messages }).expect("a link's state serialises"))
}

/// What [`read_link`] gives (a struct, so that the configs' keys keep their order).
#[derive(Serialize)]
struct ReadLink {
    state: link::LinkState,
    messages: Vec<String>,
}

/// What [`write_link`] gives.
#[derive(Serialize)]
struct WrittenLink {
    hash: String,
    rfm: RfmConfig,
    mlp: MlpConfig,
    network_problem: Option<String>,
}

/// The parts of the page's state a link holds; the rest of its `view` is presentation that no
/// link carries, passed over here.
#[derive(Deserialize)]
struct PageState {
    rfm: RfmConfig,
    mlp: MlpConfig,
    #[serde(default)]
    view: Presentation,
}

/// Writes the page's state (`{ rfm, mlp, view }` as JSON text; missing config fields take their
/// defaults) as a link: `{ hash, rfm, mlp, network_problem }`, with the configs whole as the
/// link holds them (the network with the data and seed of `rfm`). Throws the message that names
/// the problem when the Deep RFM config does not validate; when only the network's does not,
/// `network_problem` says why and its settings are left out of the link.
#[wasm_bindgen(js_name = writeLink)]
pub fn write_link(state_json: &str) -> Result<JsValue, JsError> {
    // A field of the wrong type is named as the page's settings name it (`depth`, not `rfm.depth`).
    let state: PageState = parse_json(state_json).map_err(|e| {
        let message = String::from(js_sys::Error::from(JsValue::from(e)).message());
        JsError::new(&message.replacen("invalid rfm.", "invalid ", 1).replacen("invalid mlp.", "invalid network ", 1))
    })?;
    let written = link::write_link(&state.rfm, &state.mlp, &state.view)?;
    let out =
        WrittenLink { hash: written.hash, rfm: state.rfm, mlp: written.mlp, network_problem: written.network_problem };
    Ok(object(serde_json::to_string(&out).expect("a link serialises")))
}

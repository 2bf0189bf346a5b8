//! The wasm face of the lab (compiled for wasm32 only). Thin: it translates JSON and bytes to the
//! core's types and back; every check and every number comes from the core.

pub mod canvas;
pub mod draw;
pub mod experiment;
pub mod network;
pub mod offload;

use wasm_bindgen::prelude::*;

use crate::data::mnist::Mnist;
use crate::data::{DataConfig, DatasetSource, Split};
use crate::hash;
use crate::rfm::RfmConfig;

/// Name of the global through which a panic's message reaches the JavaScript around the module:
/// after a panic the instance traps, and the caller reads the message here instead of the
/// trap's bare "unreachable".
const PANIC_GLOBAL: &str = "agopCollapsePanic";

/// Runs when the module is instantiated (in the page and in every worker): installs the hook
/// that makes panics readable.
#[wasm_bindgen(start)]
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let what = payload.downcast_ref::<&str>().copied().or(payload.downcast_ref::<String>().map(String::as_str));
        let place = info.location().map(|l| format!(" (at {}:{})", l.file(), l.line())).unwrap_or_default();
        let message = format!("internal error: {}{place}", what.unwrap_or("a panic"));
        web_sys::console::error_1(&JsValue::from_str(&message));
        let _ = js_sys::Reflect::set(&js_sys::global(), &PANIC_GLOBAL.into(), &message.into());
    }));
}

/// Panics on purpose, with a known message: lets the page's tests check that a crashed worker
/// is reported and replaced.
#[wasm_bindgen(js_name = panicOnPurpose)]
pub fn panic_on_purpose() {
    panic!("a deliberate panic, to check the lab's recovery");
}

/// The benchmarks' reference workloads as JSON: `[{ "name": "R1", "config": { ... } }, ...]`.
#[wasm_bindgen(js_name = benchWorkloads)]
pub fn bench_workloads() -> String {
    let list: Vec<serde_json::Value> = crate::bench::workloads()
        .into_iter()
        .map(|(name, config)| serde_json::json!({ "name": name, "config": config }))
        .collect();
    serde_json::to_string(&list).expect("workloads serialise")
}

/// The network's reference workload M1 as a config JSON (see [`crate::bench::mlp_workload`]).
#[wasm_bindgen(js_name = benchMlpWorkload)]
pub fn bench_mlp_workload() -> String {
    serde_json::to_string(&crate::bench::mlp_workload()).expect("config serialises")
}

/// GFLOP/s of an n x n matrix product in f32 (`single`) or f64, best of `repeats` (see
/// [`crate::bench::product_gflops`]).
#[wasm_bindgen(js_name = productGflops)]
pub fn product_gflops(n: usize, single: bool, repeats: usize) -> f64 {
    crate::bench::product_gflops(n.max(1), single, repeats.max(1))
}

/// The rate of collapse over the points `(layers[i], values[i])` (see [`crate::rate::fit_rate`]):
/// `{ factor, intercept }`, or `null` when no fit exists (fewer than two layers, a value not
/// positive). Precondition: as many layers as values.
#[wasm_bindgen(js_name = fitRate)]
pub fn fit_rate(layers: &[f64], values: &[f64]) -> String {
    let points: Vec<(f64, f64)> = layers.iter().copied().zip(values.iter().copied()).collect();
    serde_json::to_string(&crate::rate::fit_rate(&points)).expect("a fit serialises")
}

/// The crate version, for the page's footer and for bug reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The lab's default Deep RFM config, as JSON.
#[wasm_bindgen(js_name = defaultRfmConfig)]
pub fn default_rfm_config() -> String {
    serde_json::to_string(&RfmConfig::default()).expect("config serialises")
}

/// Parses and validates a Deep RFM config (missing fields take the defaults); returns it whole,
/// as JSON, or throws the message that names the problem.
#[wasm_bindgen(js_name = validateRfmConfig)]
pub fn validate_rfm_config(json: &str) -> Result<String, JsError> {
    let config = parse_rfm_config(json)?;
    Ok(serde_json::to_string(&config).expect("config serialises"))
}

/// The URL hash (without `#`) of a config given as JSON (validated first).
#[wasm_bindgen(js_name = configToHash)]
pub fn config_to_hash(json: &str) -> Result<String, JsError> {
    Ok(hash::to_hash(&parse_rfm_config(json)?))
}

/// Reads a URL hash: `{ config, messages }` with the config as JSON text and one message per
/// value that could not be used. `other_keys` are presentation flags to pass over silently.
#[wasm_bindgen(js_name = configFromHash)]
pub fn config_from_hash(text: &str, other_keys: Vec<String>) -> js_sys::Object {
    let other: Vec<&str> = other_keys.iter().map(String::as_str).collect();
    let (config, messages) = hash::from_hash(text, &other);
    config_and_messages(serde_json::to_string(&config).expect("config serialises"), messages)
}

/// `{ config, messages }` for JavaScript.
fn config_and_messages(config_json: String, messages: Vec<String>) -> js_sys::Object {
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"config".into(), &config_json.into()).expect("plain object");
    let list: js_sys::Array = messages.into_iter().map(JsValue::from).collect();
    js_sys::Reflect::set(&out, &"messages".into(), &list).expect("plain object");
    out
}

/// A fresh random seed from the browser's entropy, for the "new seed" button.
#[wasm_bindgen(js_name = freshSeed)]
pub fn fresh_seed() -> Result<u32, JsError> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| JsError::new(&format!("no random source: {e}")))?;
    Ok(u32::from_le_bytes(bytes))
}

/// The split `data` asks for, from the page's bytes: `mnist` holds `data/mnist.bin` when the
/// data is MNIST, `csv_text` the user's file when it is a CSV.
pub(crate) fn load_split(data: &DataConfig, seed: u32, mnist: &[u8], csv_text: &str) -> Result<Split, JsError> {
    let (digits, csv) = page_data(data, mnist, csv_text)?;
    Ok(crate::data::load(data, seed as u64, digits.as_ref(), csv.as_deref())?)
}

/// The page's bytes as the data `data` uses: the MNIST digits decoded, or the CSV text.
pub(crate) fn page_data(
    data: &DataConfig,
    mnist: &[u8],
    csv_text: &str,
) -> Result<(Option<Mnist>, Option<String>), JsError> {
    let digits = match data.dataset {
        DatasetSource::Mnist => Some(Mnist::decode(mnist)?),
        _ => None,
    };
    let csv = matches!(data.dataset, DatasetSource::Csv(_)).then(|| csv_text.to_string());
    Ok((digits, csv))
}

/// A Deep RFM config from JSON (missing fields take the defaults), validated.
pub(crate) fn parse_rfm_config(json: &str) -> Result<RfmConfig, JsError> {
    let config: RfmConfig = parse_json(json)?;
    config.validate()?;
    Ok(config)
}

/// A config from JSON. A value of the wrong type is reported with the name of its field, e.g.
/// `invalid data.n_train: invalid type: null, expected usize`.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, JsError> {
    let mut reader = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(&mut reader).map_err(|e| {
        let field = e.path().to_string();
        let message = e.into_inner().to_string();
        // serde_json appends the position in the JSON text, which means nothing to a reader.
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        JsError::new(&format!("invalid {field}: {message}"))
    })
}

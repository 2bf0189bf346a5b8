//! The wasm face of the lab (compiled for wasm32 only). Thin: it translates JSON and bytes to the
//! core's types and back; every check and every number comes from the core.

pub mod draw;

use wasm_bindgen::prelude::*;

use crate::data::mnist::Mnist;
use crate::data::{self, DatasetSource};
use crate::rfm::{DeepRfm, RfmConfig};

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
    let config = parse_config(json)?;
    Ok(serde_json::to_string(&config).expect("config serialises"))
}

/// Runs a whole Deep RFM experiment and returns its Result JSON. `mnist` holds the bytes of
/// `data/mnist.bin` (may be empty when the config does not use MNIST); `csv_text` the user's
/// CSV (empty otherwise).
#[wasm_bindgen(js_name = runRfm)]
pub fn run_rfm(config_json: &str, mnist: &[u8], csv_text: &str) -> Result<String, JsError> {
    let config = parse_config(config_json)?;
    let digits = match config.data.dataset {
        DatasetSource::Mnist => Some(Mnist::decode(mnist)?),
        _ => None,
    };
    let csv = matches!(config.data.dataset, DatasetSource::Csv(_)).then_some(csv_text);
    let split = data::load(&config.data, config.seed as u64, digits.as_ref(), csv)?;
    let result = DeepRfm::run(config, split)?;
    Ok(serde_json::to_string(&result).expect("result serialises"))
}

fn parse_config(json: &str) -> Result<RfmConfig, JsError> {
    let config: RfmConfig = serde_json::from_str(json).map_err(|e| JsError::new(&format!("invalid config: {e}")))?;
    config.validate()?;
    Ok(config)
}

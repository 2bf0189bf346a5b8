//! The worker-side handle of the neural-network experiment: an MLP trained a few epochs per
//! call, so that the page can pause, resume and cancel between calls.

use wasm_bindgen::prelude::*;

use crate::hash;
use crate::mlp::{MlpConfig, MlpTraining};

use super::{load_split, parse_json, parse_rfm_config};

/// An MLP training run, stepped from JavaScript.
#[wasm_bindgen]
pub struct NetworkExperiment {
    training: MlpTraining,
}

#[wasm_bindgen]
impl NetworkExperiment {
    /// Validates `config_json` (an MLP config), loads its data (`mnist` and `csv_text` as for
    /// Deep RFM) and prepares the network.
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str, mnist: &[u8], csv_text: &str) -> Result<NetworkExperiment, JsError> {
        let config = parse_network_config(config_json)?;
        let split = load_split(&config.data, config.seed, mnist, csv_text)?;
        Ok(NetworkExperiment { training: MlpTraining::new(config, split)? })
    }

    /// Trains up to `epochs` epochs (the first call measures the untrained network only) and
    /// returns the measurement JSON when one falls due, else `undefined`.
    pub fn train(&mut self, epochs: usize) -> Result<Option<String>, JsError> {
        let measurement = self.training.train_epochs(epochs)?;
        Ok(measurement.map(|m| serde_json::to_string(m).expect("measurement serialises")))
    }

    /// Epochs trained so far.
    pub fn epoch(&self) -> usize {
        self.training.epoch()
    }

    /// True when every epoch has been trained and measured.
    pub fn done(&self) -> bool {
        self.training.is_done()
    }

    /// The MLP Result JSON so far.
    pub fn result(&self) -> String {
        serde_json::to_string(&self.training.result()).expect("result serialises")
    }
}

fn parse_network_config(json: &str) -> Result<MlpConfig, JsError> {
    let config: MlpConfig = parse_json(json)?;
    config.validate()?;
    Ok(config)
}

/// Parses and validates an MLP config (missing fields take the defaults); returns it whole.
#[wasm_bindgen(js_name = validateNetworkConfig)]
pub fn validate_network_config(json: &str) -> Result<String, JsError> {
    Ok(serde_json::to_string(&parse_network_config(json)?).expect("config serialises"))
}

/// The network's own settings as hash parameters, for a config given as JSON.
#[wasm_bindgen(js_name = networkToHash)]
pub fn network_to_hash(json: &str) -> Result<String, JsError> {
    Ok(hash::network_to_hash(&parse_network_config(json)?))
}

/// Reads the network settings of a URL hash: `{ config, messages }`, the config as JSON text
/// with the data and seed of the Deep RFM config `rfm_json`.
#[wasm_bindgen(js_name = networkFromHash)]
pub fn network_from_hash(text: &str, rfm_json: &str) -> Result<js_sys::Object, JsError> {
    let rfm = parse_rfm_config(rfm_json)?;
    let (config, messages) = hash::network_from_hash(text, &rfm);
    Ok(super::config_and_messages(serde_json::to_string(&config).expect("config serialises"), messages))
}

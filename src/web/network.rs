//! The worker-side handles of the neural-network experiment: an MLP trained a few epochs per
//! call, so that the page can pause, resume and cancel between calls, and a measurer, so that a
//! second worker measures the network while the first trains on.

use wasm_bindgen::prelude::*;

use crate::data::Split;
use crate::hash;
use crate::mlp::{MlpConfig, MlpMeasurer, MlpTraining};
use crate::report::MlpMeasurement;

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
        let (config, split) = load_network_run(config_json, mnist, csv_text)?;
        Ok(NetworkExperiment { training: MlpTraining::new(config, split)? })
    }

    /// Trains up to `epochs` epochs without measuring; returns the epoch whose measurement fell
    /// due (0 on the first call), else `undefined`. The page then measures [`Self::weights`] in
    /// its measuring worker and hands the result back with [`Self::record`].
    #[wasm_bindgen(js_name = trainUntilDue)]
    pub fn train_until_due(&mut self, epochs: usize) -> Result<Option<u32>, JsError> {
        Ok(self.training.train_until_due(epochs)?.map(|epoch| epoch as u32))
    }

    /// The network's weights now, as f64, every matrix column by column, output layer last.
    pub fn weights(&self) -> Vec<f64> {
        self.training.network().to_flat()
    }

    /// Adds a measurement (JSON, from [`NetworkMeasurer::measure`]) of the oldest epoch awaiting
    /// one, and the seconds it took.
    pub fn record(&mut self, measurement_json: &str, seconds: f64) -> Result<(), JsError> {
        let measurement: MlpMeasurement = super::parse_json(measurement_json)?;
        Ok(self.training.record(measurement, seconds)?)
    }

    /// Epochs trained so far.
    pub fn epoch(&self) -> usize {
        self.training.epoch()
    }

    /// True when every epoch has been trained (measurements may still be awaited).
    pub fn trained(&self) -> bool {
        self.training.is_trained()
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

/// Measures the networks of one training run on its data (in a worker of its own).
#[wasm_bindgen]
pub struct NetworkMeasurer {
    config: MlpConfig,
    measurer: MlpMeasurer,
}

#[wasm_bindgen]
impl NetworkMeasurer {
    /// Validates `config_json` and loads its data exactly as [`NetworkExperiment::new`] does.
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str, mnist: &[u8], csv_text: &str) -> Result<NetworkMeasurer, JsError> {
        let (config, split) = load_network_run(config_json, mnist, csv_text)?;
        Ok(NetworkMeasurer { measurer: MlpMeasurer::new(&config, split)?, config })
    }

    /// The measurement JSON of the network with `weights` (as [`NetworkExperiment::weights`]
    /// gives them) at `epoch`.
    pub fn measure(&self, epoch: usize, weights: &[f64]) -> Result<String, JsError> {
        let network = self.measurer.network_from_flat(&self.config, weights)?;
        let measurement = self.measurer.measure(&network, epoch)?;
        Ok(serde_json::to_string(&measurement).expect("measurement serialises"))
    }
}

/// The validated config of `config_json` and its data, from the page's bytes (as [`load_split`]).
fn load_network_run(config_json: &str, mnist: &[u8], csv_text: &str) -> Result<(MlpConfig, Split), JsError> {
    let config = parse_network_config(config_json)?;
    let split = load_split(&config.data, config.seed, mnist, csv_text)?;
    Ok((config, split))
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

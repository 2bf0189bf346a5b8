//! The worker-side handles of the neural-network experiment: an MLP trained a few epochs per
//! call, so that the page can pause, resume and cancel between calls, and a measurer, so that a
//! second worker measures the network while the first trains on.

use wasm_bindgen::prelude::*;

use crate::data::Split;
use crate::mlp::{MlpConfig, MlpMeasurer, MlpTraining};
use crate::report::MlpMeasurement;

use super::{load_split, parse_json};

/// An MLP training run, stepped from JavaScript.
#[wasm_bindgen]
pub struct MlpRun {
    training: MlpTraining,
}

#[wasm_bindgen]
impl MlpRun {
    /// Validates `config_json` (an MLP config), loads its data (`mnist`, `csv_text` and
    /// `test_csv_text` as for Deep RFM) and prepares the network.
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str, mnist: &[u8], csv_text: &str, test_csv_text: &str) -> Result<MlpRun, JsError> {
        let (config, split) = load_network_run(config_json, mnist, csv_text, test_csv_text)?;
        Ok(MlpRun { training: MlpTraining::new(config, split)? })
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

    /// Adds a measurement (JSON, from [`MlpRunMeasurer::measure`]) of the oldest epoch awaiting
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

    /// The mean training loss of every epoch after the first `from` epochs (see the result's
    /// `epoch_losses`): what a call to [`Self::train_until_due`] added.
    #[wasm_bindgen(js_name = epochLosses)]
    pub fn epoch_losses(&self, from: usize) -> Vec<f64> {
        self.training.result().epoch_losses.get(from..).map(<[f64]>::to_vec).unwrap_or_default()
    }

    /// `{ total, measuring }`: the result's `seconds_total` and `seconds_measuring` now.
    pub fn seconds(&self) -> JsValue {
        let result = self.training.result();
        let out = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&out, &"total".into(), &result.seconds_total.into());
        let _ = js_sys::Reflect::set(&out, &"measuring".into(), &result.seconds_measuring.into());
        out.into()
    }

    /// The MLP Result JSON so far.
    pub fn result(&self) -> String {
        serde_json::to_string(&self.training.result()).expect("result serialises")
    }
}

/// Measures the networks of one training run on its data (in a worker of its own).
#[wasm_bindgen]
pub struct MlpRunMeasurer {
    config: MlpConfig,
    measurer: MlpMeasurer,
}

#[wasm_bindgen]
impl MlpRunMeasurer {
    /// Validates `config_json` and loads its data exactly as [`MlpRun::new`] does.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config_json: &str,
        mnist: &[u8],
        csv_text: &str,
        test_csv_text: &str,
    ) -> Result<MlpRunMeasurer, JsError> {
        let (config, split) = load_network_run(config_json, mnist, csv_text, test_csv_text)?;
        Ok(MlpRunMeasurer { measurer: MlpMeasurer::new(&config, split)?, config })
    }

    /// The measurement JSON of the network with `weights` (as [`MlpRun::weights`]
    /// gives them) at `epoch`.
    pub fn measure(&self, epoch: usize, weights: &[f64]) -> Result<String, JsError> {
        let network = self.measurer.network_from_flat(&self.config, weights)?;
        let measurement = self.measurer.measure(&network, epoch)?;
        Ok(serde_json::to_string(&measurement).expect("measurement serialises"))
    }
}

/// The validated config of `config_json` and its data, from the page's bytes (as [`load_split`]).
fn load_network_run(
    config_json: &str,
    mnist: &[u8],
    csv_text: &str,
    test_csv_text: &str,
) -> Result<(MlpConfig, Split), JsError> {
    let config = parse_network_config(config_json)?;
    let split = load_split(&config.data, config.seed, mnist, csv_text, test_csv_text)?;
    Ok((config, split))
}

fn parse_network_config(json: &str) -> Result<MlpConfig, JsError> {
    let config: MlpConfig = parse_json(json)?;
    config.validate()?;
    Ok(config)
}

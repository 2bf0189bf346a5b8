//! The wasm face of the lab (compiled for wasm32 only). Thin: it translates JSON and bytes to the
//! core's types and back; every check and every number comes from the core.

pub mod canvas;
pub mod draw;
pub mod link;
pub mod mlp;
pub mod offload;
pub mod rfm;
#[cfg(feature = "testing")]
pub mod testing;

use wasm_bindgen::prelude::*;

use crate::data::mnist::Mnist;
use crate::data::{DataConfig, DatasetSource, Split};
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
/// is reported and replaced. Only in the build the tests load (feature `testing`).
#[cfg(feature = "testing")]
#[wasm_bindgen(js_name = panicOnPurpose)]
pub fn panic_on_purpose() {
    panic!("a deliberate panic, to check the lab's recovery");
}

/// The rates of collapse of every metric at every stage over the layers `from`..=`to` (`to`
/// 0: the last), for the per-layer numbers the charts draw (`layers_json`: a JSON array of
/// `{ layer, stages: { X | MX | PhiMX: { metric: value } } }`). One call per redraw: `{ metric:
/// { stage: { factor, intercept, line: [[first layer, value], [last layer, value]] } | null } }`
/// (see [`crate::rate::fit_rate`]; null where no fit exists).
#[wasm_bindgen(js_name = collapseRates)]
pub fn collapse_rates(layers_json: &str, from: u32, to: u32) -> Result<JsValue, JsError> {
    let layers: Vec<ChartLayer> = parse_json(layers_json)?;
    let chosen: Vec<&ChartLayer> =
        layers.iter().filter(|l| l.layer >= from as f64 && (to == 0 || l.layer <= to as f64)).collect();
    let mut out = serde_json::Map::new();
    let metrics: Vec<&String> = layers.first().map(|l| l.stages.x.keys().collect()).unwrap_or_default();
    for metric in metrics {
        let mut stages = serde_json::Map::new();
        for (name, pick) in [("X", 0), ("MX", 1), ("PhiMX", 2)] {
            let points: Vec<(f64, f64)> = chosen
                .iter()
                .map(|l| (l.layer, l.stages.get(pick).get(metric.as_str()).copied().flatten().unwrap_or(f64::NAN)))
                .collect();
            let fit = crate::rate::fit_rate(&points).map(|fit| {
                let (first, last) = (points[0].0, points[points.len() - 1].0);
                serde_json::json!({
                    "factor": fit.factor,
                    "intercept": fit.intercept,
                    "line": [[first, fit.at(first)], [last, fit.at(last)]],
                })
            });
            stages.insert(name.to_string(), fit.unwrap_or(serde_json::Value::Null));
        }
        out.insert(metric.clone(), serde_json::Value::Object(stages));
    }
    Ok(js_sys::JSON::parse(&serde_json::Value::Object(out).to_string()).expect("JSON text parses"))
}

/// One layer as the charts draw it (a run's layer, or the geometric means over seeds).
#[derive(serde::Deserialize)]
struct ChartLayer {
    layer: f64,
    stages: ChartStages,
}

/// A metric's value per name; null where it is not a number (a geometric mean of values that
/// are not all positive).
type NamedValues = std::collections::BTreeMap<String, Option<f64>>;

#[derive(serde::Deserialize)]
struct ChartStages {
    #[serde(rename = "X")]
    x: NamedValues,
    #[serde(rename = "MX")]
    mx: NamedValues,
    #[serde(rename = "PhiMX")]
    phi_mx: NamedValues,
}

impl ChartStages {
    fn get(&self, index: usize) -> &NamedValues {
        [&self.x, &self.mx, &self.phi_mx][index]
    }
}

/// The crate version, for the page's footer and for bug reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A fresh random seed from the browser's entropy, for the "new seed" button.
#[wasm_bindgen(js_name = freshSeed)]
pub fn fresh_seed() -> Result<u32, JsError> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| JsError::new(&format!("no random source: {e}")))?;
    Ok(u32::from_le_bytes(bytes))
}

/// The split `data` asks for, from the page's bytes: `mnist` holds `data/mnist.bin` when the
/// data is MNIST, `csv_text` the user's file when it is a CSV, `test_csv_text` the user's test
/// file when the data names one.
pub(crate) fn load_split(
    data: &DataConfig,
    seed: u32,
    mnist: &[u8],
    csv_text: &str,
    test_csv_text: &str,
) -> Result<Split, JsError> {
    let PageData { mnist, csv, test_csv } = page_data(data, mnist, csv_text, test_csv_text)?;
    Ok(crate::data::load_with_test_file(data, seed as u64, mnist.as_ref(), csv.as_deref(), test_csv.as_deref())?)
}

/// The page's bytes as the data a config uses.
pub(crate) struct PageData {
    /// The MNIST digits, decoded, when the data is MNIST.
    pub mnist: Option<Mnist>,
    /// The user's CSV text, when the data is a CSV file.
    pub csv: Option<String>,
    /// The user's test file's text, when the data names one.
    pub test_csv: Option<String>,
}

/// The page's bytes as the data `data` uses (see [`PageData`]).
pub(crate) fn page_data(
    data: &DataConfig,
    mnist: &[u8],
    csv_text: &str,
    test_csv_text: &str,
) -> Result<PageData, JsError> {
    let digits = match data.dataset {
        DatasetSource::Mnist => Some(Mnist::decode(mnist)?),
        _ => None,
    };
    let csv = matches!(data.dataset, DatasetSource::Csv(_)).then(|| csv_text.to_string());
    let test_csv = data.test_dataset.is_some().then(|| test_csv_text.to_string());
    Ok(PageData { mnist: digits, csv, test_csv })
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

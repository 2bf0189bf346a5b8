//! The worker-side handle of a Deep RFM run (of one seed or several), computed one layer per
//! call: each call gives that layer's message for the page (its report, and what changed in the
//! result: the spread over seeds of its layer and the seconds so far), never the whole result
//! again, with the pictures of every stage of the first seed prepared for the page.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Float32Array, Function, Object, Promise, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::linalg::{Mat, PsdPower};
use crate::report::{LayerReport, LayerSpread};
use crate::rfm::{LayerObserver, Stage, Step};
use crate::seeds::{SeededRfm, split_loader};
use crate::views::{GramPicture, gram_picture, kernel_picture, pca_2d};

use super::offload::WorkerOffload;
use super::{PageData, page_data, parse_rfm_config};
use crate::parallel::Local;

/// Samples shown per class in a Gram picture: about 200 in all, at least 2 per class.
const GRAM_SAMPLES: usize = 200;
/// AGOP eigenvectors drawn as images.
const AGOP_IMAGES: usize = 5;

/// A Deep RFM run, stepped from JavaScript.
#[wasm_bindgen]
pub struct RfmRun {
    /// Shared with the step in progress, which holds it across its waits for the helper.
    run: Rc<RefCell<Run>>,
}

struct Run {
    rfm: SeededRfm,
    views: Object,
}

#[wasm_bindgen]
impl RfmRun {
    /// Validates `config_json`, loads the data (`mnist` holds `data/mnist.bin` when the config
    /// uses MNIST, `csv_text` the user's file when it uses a CSV, `test_csv_text` the user's test
    /// file when it names one) and prepares the run. With several seeds, each seed's data is
    /// drawn as it starts.
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str, mnist: &[u8], csv_text: &str, test_csv_text: &str) -> Result<RfmRun, JsError> {
        let config = parse_rfm_config(config_json)?;
        let PageData { mnist, csv, test_csv } = page_data(&config.data, mnist, csv_text, test_csv_text)?;
        let load = split_loader(config.data.clone(), mnist, csv, test_csv);
        let run = Run { rfm: SeededRfm::new(config, load)?, views: Object::new() };
        Ok(RfmRun { run: Rc::new(RefCell::new(run)) })
    }

    /// True when every layer of every seed has been computed.
    pub fn done(&self) -> Result<bool, JsError> {
        Ok(self.borrow()?.rfm.is_done())
    }

    /// Which run, 0-based in seed order, the next step computes a layer of (0 for a single
    /// seed). Precondition: not done.
    #[wasm_bindgen(js_name = nextSeedIndex)]
    pub fn next_seed_index(&self) -> Result<u32, JsError> {
        Ok(self.borrow()?.rfm.next_seed_index() as u32)
    }

    /// Computes the next layer (of the next seed, once a seed has every layer); the promise
    /// gives its message for the page as JSON: `{ seed_index, report, spread, seconds_total,
    /// seed_seconds_total, done }`, where `report` is the layer's LayerReport, `spread` the
    /// layer's entry of the result's `across_seeds` after this layer (null for one seed),
    /// `seconds_total` the result's and `seed_seconds_total` that of the layer's seed run. Its
    /// size does not grow with the layer's index. Calls `progress(layer, step, seedIndex)` before each step
    /// (`step` as in the report's timings). With `run_job` (see [`WorkerOffload`]) a helper
    /// worker computes half of the large products; without it this worker computes everything,
    /// with the same numbers. Afterwards [`RfmRun::views`] holds the layer's pictures when
    /// it is a layer of the first seed, else nothing (the page shows the first seed's).
    pub fn step(&self, progress: Function, run_job: Option<Function>) -> Promise {
        let run = self.run.clone();
        future_to_promise(async move {
            let mut run = run.try_borrow_mut().map_err(|_| JsError::new("a layer is being computed"))?;
            if run.rfm.is_done() {
                return Err(JsError::new("every layer has been computed").into());
            }
            let seed_index = run.rfm.next_seed_index();
            let first_seed = seed_index == 0;
            let labels = if first_seed { run.rfm.current().labels().to_vec() } else { Vec::new() };
            let dataset = run.rfm.current().dataset().clone();
            let mut pictures = Pictures {
                progress: &progress,
                seed_index,
                draw: first_seed,
                labels: &labels,
                classes: dataset.classes,
                image_shape: dataset.image_shape,
                views: Object::new(),
            };
            let report = match run_job {
                Some(run_job) => run.rfm.step_with(&mut pictures, &WorkerOffload { run_job }).await,
                None => run.rfm.step_with(&mut pictures, &Local).await,
            };
            let report = report.map_err(JsError::from)?.clone();
            run.views = pictures.views;
            let json = layer_message(&run.rfm, seed_index, &report);
            Ok(JsValue::from_str(&json))
        })
    }

    /// The pictures of the last computed layer: `{ X | MX | PhiMX: { gram: { size, values,
    /// classStarts }, pca: Float32Array of x, y pairs }, kernel: { size, values, classStarts }
    /// (the kernel matrix at the Gram picture's samples), labels, agop: { diagonal,
    /// eigenvectors, count, shape } | undefined }` (typed arrays, ready to transfer to the page).
    pub fn views(&self) -> Result<Object, JsError> {
        Ok(self.borrow()?.views.clone())
    }

    /// The Result JSON of the layers computed so far (the page assembles its own from the
    /// layers' messages; this one is the reference the tests compare it with).
    pub fn result(&self) -> Result<String, JsError> {
        Ok(serde_json::to_string(&self.borrow()?.rfm.result()).expect("result serialises"))
    }
}

impl RfmRun {
    fn borrow(&self) -> Result<std::cell::Ref<'_, Run>, JsError> {
        self.run.try_borrow().map_err(|_| JsError::new("a layer is being computed"))
    }
}

/// The page's message for a layer just computed (see [`RfmRun::step`]); a struct, so that the
/// report's keys keep the order of the Result JSON.
#[derive(serde::Serialize)]
struct LayerMessage<'a> {
    seed_index: usize,
    report: &'a LayerReport,
    spread: Option<&'a LayerSpread>,
    seconds_total: f64,
    seed_seconds_total: f64,
    done: bool,
}

/// The page's message for `report`, a layer of the run `seed_index` just computed by `rfm`.
fn layer_message(rfm: &SeededRfm, seed_index: usize, report: &LayerReport) -> String {
    let result = rfm.result();
    let seed_seconds_total = result.seed_runs.get(seed_index).map_or(result.seconds_total, |r| r.seconds_total);
    let message = LayerMessage {
        seed_index,
        report,
        spread: result.across_seeds.get(report.layer - 1),
        seconds_total: result.seconds_total,
        seed_seconds_total,
        done: rfm.is_done(),
    };
    serde_json::to_string(&message).expect("a layer message serialises")
}

/// Collects the pictures of one layer while it is computed, and reports progress.
struct Pictures<'a> {
    progress: &'a Function,
    /// The run the layer belongs to, 0-based in seed order.
    seed_index: usize,
    /// Whether to make the pictures (only of the first seed: the page shows those).
    draw: bool,
    labels: &'a [usize],
    classes: usize,
    image_shape: Option<[usize; 2]>,
    views: Object,
}

fn set(target: &Object, key: &str, value: &JsValue) {
    Reflect::set(target, &JsValue::from_str(key), value).expect("setting a property of a plain object");
}

/// A picture as `{ size, values, classStarts }` (typed arrays, ready to transfer).
fn picture_object(picture: &GramPicture) -> Object {
    let object = Object::new();
    set(&object, "size", &JsValue::from(picture.size as u32));
    set(&object, "values", &Float32Array::from(picture.values.as_slice()));
    let starts: Vec<u32> = picture.class_starts.iter().map(|&s| s as u32).collect();
    set(&object, "classStarts", &Uint32Array::from(starts.as_slice()));
    object
}

fn floats(values: impl Iterator<Item = f64>) -> Float32Array {
    let values: Vec<f32> = values.map(|v| v as f32).collect();
    Float32Array::from(values.as_slice())
}

impl LayerObserver for Pictures<'_> {
    fn step_started(&mut self, layer: usize, step: Step) {
        // A progress callback that throws must not stop the computation.
        let (layer, step, seed) = (JsValue::from(layer as u32), JsValue::from_str(step.name()), self.seed_index as u32);
        let _ = self.progress.call3(&JsValue::NULL, &layer, &step, &JsValue::from(seed));
    }

    fn stage_features(&mut self, _layer: usize, stage: Stage, features: &Mat) {
        if !self.draw {
            return;
        }
        let per_class = (GRAM_SAMPLES / self.classes).max(2);
        let gram = gram_picture(features, self.labels, self.classes, per_class);
        let stage_object = Object::new();
        set(&stage_object, "gram", &picture_object(&gram));
        set(&stage_object, "pca", &floats(pca_2d(features).into_iter().flatten()));
        set(&self.views, stage.name(), &stage_object);
        if stage == Stage::X {
            let labels: Vec<u32> = self.labels.iter().map(|&l| l as u32).collect();
            set(&self.views, "labels", &Uint32Array::from(labels.as_slice()));
        }
    }

    fn kernel_computed(&mut self, _layer: usize, kernel: &Mat) {
        if !self.draw {
            return;
        }
        let per_class = (GRAM_SAMPLES / self.classes).max(2);
        set(&self.views, "kernel", &picture_object(&kernel_picture(kernel, self.labels, self.classes, per_class)));
    }

    fn agop_computed(&mut self, _layer: usize, m: &Mat, root: &PsdPower) {
        if !self.draw {
            return;
        }
        // In pixel space (layer 1 of image data) the AGOP itself is a picture.
        let Some([rows, cols]) = self.image_shape.filter(|[r, c]| r * c == m.nrows()) else {
            return;
        };
        let count = AGOP_IMAGES.min(root.eigenvectors.ncols());
        let agop = Object::new();
        set(&agop, "diagonal", &floats(m.diagonal().iter().copied()));
        set(
            &agop,
            "eigenvectors",
            &floats((0..count).flat_map(|k| root.eigenvectors.column(k).iter().copied().collect::<Vec<_>>())),
        );
        set(&agop, "count", &JsValue::from(count as u32));
        let shape = Array::of2(&JsValue::from(rows as u32), &JsValue::from(cols as u32));
        set(&agop, "shape", &shape);
        set(&self.views, "agop", &agop);
    }
}

//! The page's helper: the jobs of [`crate::parallel`] sent to a second Web Worker (each worker
//! has its own wasm instance; no shared memory is needed, so any static host will do).
//!
//! A job crosses as a plain object: `{ kind: "rows" | "samplePairs" | "projectAndMap" |
//! "kernel", a, aRows, aCols, b, bRows, bCols, alpha, ..., s, ..., weights, ..., phases,
//! transposeB, from, feature, kernel, bandwidth }` with the matrices as column-major
//! `Float64Array`s (only those of the job); the result comes back as
//! `{ values, valuesRows, valuesCols }`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use js_sys::{Float64Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::{Error, Result};
use crate::features::{FeatureKind, RandomFeatures};
use crate::kernel::{Kernel, KernelKind};
use crate::linalg::Mat;
use crate::parallel::{Job, Offload};

/// Jobs handed to `run_job(job) -> Promise<{ values, valuesRows, valuesCols }>`, which posts them to the
/// helper worker (worker.js).
pub struct WorkerOffload {
    pub run_job: Function,
}

fn set(target: &Object, key: &str, value: &JsValue) {
    Reflect::set(target, &JsValue::from_str(key), value).expect("setting a property of a plain object");
}

fn get(source: &JsValue, key: &str) -> JsValue {
    Reflect::get(source, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Writes `m` (or its rows `rows`) as `{name}`, `{name}Rows`, `{name}Cols`: each column's
/// segment is copied once, straight from wasm memory into the array that crosses.
fn put_matrix(target: &Object, name: &str, m: &Mat, rows: std::ops::Range<usize>) {
    let values = Float64Array::new_with_length((rows.len() * m.ncols()) as u32);
    for (j, column) in m.as_slice().chunks_exact(m.nrows().max(1)).enumerate().take(m.ncols()) {
        let at = (j * rows.len()) as u32;
        values.subarray(at, at + rows.len() as u32).copy_from(&column[rows.clone()]);
    }
    set(target, name, &values);
    set(target, &format!("{name}Rows"), &JsValue::from(rows.len() as u32));
    set(target, &format!("{name}Cols"), &JsValue::from(m.ncols() as u32));
}

fn take_matrix(source: &JsValue, name: &str) -> Result<Mat> {
    let rows = get(source, &format!("{name}Rows")).as_f64().unwrap_or(-1.0);
    let cols = get(source, &format!("{name}Cols")).as_f64().unwrap_or(-1.0);
    let values = get(source, name).dyn_into::<Float64Array>().map(|a| a.to_vec());
    match values {
        Ok(values) if rows >= 0.0 && cols >= 0.0 && values.len() == rows as usize * cols as usize => {
            Ok(Mat::from_vec(rows as usize, cols as usize, values))
        }
        _ => Err(Error::Data(format!("a helper's message holds no valid matrix '{name}'"))),
    }
}

fn job_message(job: &Job) -> Object {
    let message = Object::new();
    match job {
        Job::RowsTimes { a, rows, b, transpose_b } => {
            set(&message, "kind", &"rows".into());
            put_matrix(&message, "a", a, rows.clone());
            put_matrix(&message, "b", b, 0..b.nrows());
            set(&message, "transposeB", &JsValue::from(*transpose_b));
        }
        Job::SamplePairsRows { weights, alpha, s, x, rows } => {
            // The rows up to the last one asked for: the others never enter these products.
            set(&message, "kind", &"samplePairs".into());
            put_matrix(&message, "a", weights, 0..rows.end);
            put_matrix(&message, "alpha", alpha, 0..rows.end);
            put_matrix(&message, "s", s, 0..rows.end);
            put_matrix(&message, "b", x, 0..rows.end);
            set(&message, "from", &JsValue::from(rows.start as u32));
        }
        Job::ProjectAndMap { x, root, map } => {
            set(&message, "kind", &"projectAndMap".into());
            put_matrix(&message, "a", x, 0..x.nrows());
            put_matrix(&message, "b", root, 0..root.nrows());
            put_matrix(&message, "weights", map.weights(), 0..map.weights().nrows());
            set(&message, "phases", &Float64Array::from(map.phases()));
            set(&message, "feature", &map.kind().name().into());
        }
        Job::KernelValues { kernel, a, b } => {
            set(&message, "kind", &"kernel".into());
            put_matrix(&message, "a", a, 0..a.nrows());
            put_matrix(&message, "b", b, 0..b.nrows());
            set(&message, "kernel", &kernel.kind.name().into());
            set(&message, "bandwidth", &JsValue::from(kernel.bandwidth));
        }
    }
    message
}

fn job_from_message(message: &JsValue) -> Result<Job> {
    let a = Arc::new(take_matrix(message, "a")?);
    let b = || take_matrix(message, "b").map(Arc::new);
    match get(message, "kind").as_string().as_deref() {
        Some("rows") => {
            let transpose_b = get(message, "transposeB").as_bool().unwrap_or(false);
            Ok(Job::RowsTimes { rows: 0..a.nrows(), a, b: b()?, transpose_b })
        }
        Some("samplePairs") => {
            let from = get(message, "from").as_f64().unwrap_or(-1.0);
            let (alpha, s, x) = (take_matrix(message, "alpha")?, take_matrix(message, "s")?, b()?);
            let end = a.nrows();
            let consistent = (0.0..=end as f64).contains(&from)
                && [alpha.nrows(), s.nrows(), x.nrows()] == [end; 3]
                && alpha.shape() == s.shape();
            if !consistent {
                return Err(Error::Data("a helper was sent an AGOP job of inconsistent shapes".into()));
            }
            Ok(Job::SamplePairsRows { weights: a, alpha: Arc::new(alpha), s: Arc::new(s), x, rows: from as usize..end })
        }
        Some("projectAndMap") => {
            let root = b()?;
            let feature: FeatureKind =
                get(message, "feature").as_string().unwrap_or_default().parse().map_err(Error::Data)?;
            let phases = get(message, "phases").dyn_into::<Float64Array>().map(|p| p.to_vec()).unwrap_or_default();
            let map = RandomFeatures::from_parts(feature, take_matrix(message, "weights")?, phases);
            let fits = |m: &RandomFeatures| {
                root.is_square()
                    && root.nrows() == a.ncols()
                    && (m.weights().is_empty() || m.weights().ncols() == a.ncols())
            };
            match map {
                Some(map) if fits(&map) => Ok(Job::ProjectAndMap { x: a, root, map: Arc::new(map) }),
                _ => Err(Error::Data("a helper was sent a feature map that does not fit its rows".into())),
            }
        }
        Some("kernel") => {
            let kind: KernelKind =
                get(message, "kernel").as_string().unwrap_or_default().parse().map_err(Error::Data)?;
            let bandwidth = get(message, "bandwidth").as_f64().unwrap_or(f64::NAN);
            Ok(Job::KernelValues { kernel: Kernel { kind, bandwidth }, a, b: b()? })
        }
        _ => Err(Error::Data("a helper was sent a job of no known kind".into())),
    }
}

fn result_message(m: &Mat) -> Object {
    let message = Object::new();
    put_matrix(&message, "values", m, 0..m.nrows());
    message
}

/// Runs one job sent by a computing worker (in the helper worker) and returns its result.
#[wasm_bindgen(js_name = runJob)]
pub fn run_job(message: &JsValue) -> std::result::Result<Object, JsError> {
    Ok(result_message(&job_from_message(message)?.run()))
}

impl Offload for WorkerOffload {
    type Pending = Pin<Box<dyn Future<Output = Result<Mat>>>>;

    fn start(&self, job: Job) -> Self::Pending {
        // Posted now, so that the helper works while this core goes on.
        let promise = self.run_job.call1(&JsValue::NULL, &job_message(&job)).map(Promise::from);
        drop(job);
        Box::pin(async move {
            let failed = |e: JsValue| Error::Helper { helper: "worker", cause: describe(&e) };
            let answer = JsFuture::from(promise.map_err(failed)?).await.map_err(failed)?;
            take_matrix(&answer, "values")
        })
    }
}

fn describe(error: &JsValue) -> String {
    error.as_string().or_else(|| get(error, "message").as_string()).unwrap_or_else(|| format!("{error:?}"))
}

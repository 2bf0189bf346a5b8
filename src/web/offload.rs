//! The page's worker pool: the blocks of [`crate::parallel`] shared between the computing worker
//! and its helper workers (each worker has its own wasm instance; no shared memory is needed,
//! so any static host will do).
//!
//! A batch of jobs crosses as a plain object: `{ batch, shared, jobs }`. `shared` lists the
//! batch's input matrices once each, as `{ values, rows, cols }` with column-major
//! `Float64Array` values; a job names its inputs by their index in `shared`: `{ kind: "rows" |
//! "samplePairs" | "projectAndMap" | "kernel", from, to, a, b, alpha, s, x, root, weights,
//! phases, feature, transposeB, kernel, bandwidth }` (only the fields of its kind). The pool
//! (worker.js) sends a helper the shared matrices once per batch ([`receive_shared`]), then
//! jobs one at a time ([`run_shared_job`]), whichever helper is free taking the next; the
//! computing worker takes jobs too, between its own waits ([`run_local_job`], which runs the
//! job it kept, without a copy). A result comes back as `{ values, valuesRows, valuesCols }`,
//! or `null` for a job the computing worker ran.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use js_sys::{Array, Float64Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::{Error, Result};
use crate::features::{FeatureKind, RandomFeatures};
use crate::kernel::{Kernel, KernelKind};
use crate::linalg::Mat;
use crate::parallel::{Job, Offload, Pending};

/// Batches handed to `run_batch(batch) -> Promise<results>`, the pool of worker.js.
pub struct WorkerPool {
    pub run_batch: Function,
}

thread_local! {
    /// The computing worker's batches in flight: their jobs, and the results of those it ran.
    static LOCAL: RefCell<HashMap<u32, LocalBatch>> = RefCell::new(HashMap::new());
    /// A helper's inputs of the batch it works on (a newer batch replaces them).
    static SHARED: RefCell<Option<(u32, Vec<Arc<Mat>>)>> = const { RefCell::new(None) };
    static NEXT_BATCH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

struct LocalBatch {
    jobs: Vec<Job>,
    results: Vec<Option<Mat>>,
}

fn set(target: &Object, key: &str, value: &JsValue) {
    Reflect::set(target, &JsValue::from_str(key), value).expect("setting a property of a plain object");
}

fn get(source: &JsValue, key: &str) -> JsValue {
    Reflect::get(source, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `m` as `{ values, rows, cols }`.
fn matrix_object(m: &Mat) -> Object {
    let object = Object::new();
    set(&object, "values", &Float64Array::from(m.as_slice()));
    set(&object, "rows", &JsValue::from(m.nrows() as u32));
    set(&object, "cols", &JsValue::from(m.ncols() as u32));
    object
}

fn matrix_from(object: &JsValue, what: &str) -> Result<Mat> {
    let rows = get(object, "rows").as_f64().unwrap_or(-1.0);
    let cols = get(object, "cols").as_f64().unwrap_or(-1.0);
    let values = get(object, "values").dyn_into::<Float64Array>().map(|a| a.to_vec());
    match values {
        Ok(values) if rows >= 0.0 && cols >= 0.0 && values.len() == rows as usize * cols as usize => {
            Ok(Mat::from_vec(rows as usize, cols as usize, values))
        }
        _ => Err(Error::Data(format!("a worker's message holds no valid matrix '{what}'"))),
    }
}

/// The batch's distinct input matrices (by identity), and a way to name each by its index.
#[derive(Default)]
struct SharedInputs {
    matrices: Vec<Arc<Mat>>,
}

impl SharedInputs {
    fn index(&mut self, m: &Arc<Mat>) -> u32 {
        let at = self.matrices.iter().position(|known| Arc::ptr_eq(known, m)).unwrap_or_else(|| {
            self.matrices.push(m.clone());
            self.matrices.len() - 1
        });
        at as u32
    }
}

fn job_message(job: &Job, shared: &mut SharedInputs) -> Object {
    let message = Object::new();
    let mut name = |key: &str, m: &Arc<Mat>| set(&message, key, &JsValue::from(shared.index(m)));
    let rows = match job {
        Job::RowsTimes { a, rows, b, transpose_b } => {
            name("a", a);
            name("b", b);
            set(&message, "kind", &"rows".into());
            set(&message, "transposeB", &JsValue::from(*transpose_b));
            rows
        }
        Job::SamplePairsRows { weights, alpha, s, x, rows } => {
            name("a", weights);
            name("alpha", alpha);
            name("s", s);
            name("x", x);
            set(&message, "kind", &"samplePairs".into());
            rows
        }
        Job::ProjectAndMap { x, rows, root, map } => {
            name("a", x);
            name("root", root);
            set(&message, "kind", &"projectAndMap".into());
            set(&message, "weights", &matrix_object(map.weights()));
            set(&message, "phases", &Float64Array::from(map.phases()));
            set(&message, "feature", &map.kind().name().into());
            rows
        }
        Job::KernelValues { kernel, a, rows, b } => {
            name("a", a);
            name("b", b);
            set(&message, "kind", &"kernel".into());
            set(&message, "kernel", &kernel.kind.name().into());
            set(&message, "bandwidth", &JsValue::from(kernel.bandwidth));
            rows
        }
    };
    set(&message, "from", &JsValue::from(rows.start as u32));
    set(&message, "to", &JsValue::from(rows.end as u32));
    message
}

fn job_from_message(message: &JsValue, shared: &[Arc<Mat>]) -> Result<Job> {
    let input = |key: &str| -> Result<Arc<Mat>> {
        get(message, key)
            .as_f64()
            .and_then(|i| shared.get(i as usize))
            .cloned()
            .ok_or_else(|| Error::Data(format!("a worker was sent a job without its input '{key}'")))
    };
    let (from, to) = (get(message, "from").as_f64().unwrap_or(-1.0), get(message, "to").as_f64().unwrap_or(-1.0));
    let a = input("a")?;
    if !(0.0 <= from && from <= to && to <= a.nrows() as f64) {
        return Err(Error::Data("a worker was sent a job whose rows are not those of its input".into()));
    }
    let rows = from as usize..to as usize;
    let inconsistent = |what: &str| Error::Data(format!("a worker was sent {what} of inconsistent shapes"));
    match get(message, "kind").as_string().as_deref() {
        Some("rows") => {
            let (b, transpose_b) = (input("b")?, get(message, "transposeB").as_bool().unwrap_or(false));
            let inner = if transpose_b { b.ncols() } else { b.nrows() };
            if inner != a.ncols() {
                return Err(inconsistent("a product"));
            }
            Ok(Job::RowsTimes { a, rows, b, transpose_b })
        }
        Some("samplePairs") => {
            let (alpha, s, x) = (input("alpha")?, input("s")?, input("x")?);
            let n = a.nrows();
            if !(a.is_square() && [alpha.nrows(), s.nrows(), x.nrows()] == [n; 3] && alpha.shape() == s.shape()) {
                return Err(inconsistent("an AGOP job"));
            }
            Ok(Job::SamplePairsRows { weights: a, alpha, s, x, rows })
        }
        Some("projectAndMap") => {
            let root = input("root")?;
            let feature: FeatureKind =
                get(message, "feature").as_string().unwrap_or_default().parse().map_err(Error::Data)?;
            let phases = get(message, "phases").dyn_into::<Float64Array>().map(|p| p.to_vec()).unwrap_or_default();
            let map = RandomFeatures::from_parts(feature, matrix_from(&get(message, "weights"), "weights")?, phases);
            let fits = |m: &RandomFeatures| {
                root.is_square()
                    && root.nrows() == a.ncols()
                    && (m.weights().is_empty() || m.weights().ncols() == a.ncols())
            };
            match map {
                Some(map) if fits(&map) => Ok(Job::ProjectAndMap { x: a, rows, root, map: Arc::new(map) }),
                _ => Err(Error::Data("a worker was sent a feature map that does not fit its rows".into())),
            }
        }
        Some("kernel") => {
            let kind: KernelKind =
                get(message, "kernel").as_string().unwrap_or_default().parse().map_err(Error::Data)?;
            let bandwidth = get(message, "bandwidth").as_f64().unwrap_or(f64::NAN);
            let b = input("b")?;
            if b.ncols() != a.ncols() {
                return Err(inconsistent("a kernel job"));
            }
            Ok(Job::KernelValues { kernel: Kernel { kind, bandwidth }, a, rows, b })
        }
        _ => Err(Error::Data("a worker was sent a job of no known kind".into())),
    }
}

fn result_message(m: &Mat) -> Object {
    let message = Object::new();
    set(&message, "values", &Float64Array::from(m.as_slice()));
    set(&message, "valuesRows", &JsValue::from(m.nrows() as u32));
    set(&message, "valuesCols", &JsValue::from(m.ncols() as u32));
    message
}

fn result_from(message: &JsValue) -> Result<Mat> {
    let object = Object::new();
    set(&object, "values", &get(message, "values"));
    set(&object, "rows", &get(message, "valuesRows"));
    set(&object, "cols", &get(message, "valuesCols"));
    matrix_from(&object, "values")
}

/// In a helper: keeps the inputs of batch `batch` (its `shared` list) for the jobs that follow.
#[wasm_bindgen(js_name = receiveShared)]
pub fn receive_shared(batch: u32, shared: &Array) -> std::result::Result<(), JsError> {
    let matrices = shared.iter().map(|m| matrix_from(&m, "shared").map(Arc::new)).collect::<Result<Vec<_>>>()?;
    SHARED.with(|slot| *slot.borrow_mut() = Some((batch, matrices)));
    Ok(())
}

/// In a helper: runs one job of batch `batch` on the inputs [`receive_shared`] kept.
#[wasm_bindgen(js_name = runSharedJob)]
pub fn run_shared_job(batch: u32, job: &JsValue) -> std::result::Result<Object, JsError> {
    let job = SHARED.with(|slot| match &*slot.borrow() {
        Some((kept, shared)) if *kept == batch => job_from_message(job, shared),
        _ => Err(Error::Data(format!("a worker was sent a job of batch {batch} without its inputs"))),
    })?;
    Ok(result_message(&job.run()))
}

/// In the computing worker: runs job `index` of its own batch `batch` and keeps the result.
#[wasm_bindgen(js_name = runLocalJob)]
pub fn run_local_job(batch: u32, index: u32) -> std::result::Result<(), JsError> {
    let job = LOCAL.with(|batches| batches.borrow().get(&batch).and_then(|b| b.jobs.get(index as usize).cloned()));
    let job = job.ok_or_else(|| JsError::new(&format!("no job {index} in batch {batch}")))?;
    let result = job.run();
    LOCAL.with(|batches| {
        if let Some(kept) = batches.borrow_mut().get_mut(&batch) {
            kept.results[index as usize] = Some(result);
        }
    });
    Ok(())
}

impl Offload for WorkerPool {
    fn start(&self, jobs: Vec<Job>) -> Pending<'_> {
        let batch = NEXT_BATCH.with(|next| {
            let id = next.get();
            next.set(id.wrapping_add(1));
            id
        });
        let mut shared = SharedInputs::default();
        let messages = Array::new();
        for job in &jobs {
            messages.push(&job_message(job, &mut shared));
        }
        let message = Object::new();
        set(&message, "batch", &JsValue::from(batch));
        set(&message, "shared", &shared.matrices.iter().map(|m| JsValue::from(matrix_object(m))).collect::<Array>());
        set(&message, "jobs", &messages);
        let count = jobs.len();
        LOCAL.with(|batches| batches.borrow_mut().insert(batch, LocalBatch { jobs, results: vec![None; count] }));
        // Posted now, so that the helpers work while this worker goes on.
        let promise = self.run_batch.call1(&JsValue::NULL, &message).map(Promise::from);
        Box::pin(async move {
            let failed = |e: JsValue| Error::Data(format!("a helper worker failed: {}", describe(&e)));
            let answers = match promise {
                Ok(promise) => JsFuture::from(promise).await.map_err(failed),
                Err(e) => Err(failed(e)),
            };
            let kept = LOCAL.with(|batches| batches.borrow_mut().remove(&batch));
            let answers = Array::from(&answers?);
            let mut kept = kept.ok_or_else(|| Error::Data("a batch of jobs was lost".into()))?;
            (0..count)
                .map(|index| match kept.results[index].take() {
                    Some(result) => Ok(result),
                    None => result_from(&answers.get(index as u32)),
                })
                .collect()
        })
    }
}

fn describe(error: &JsValue) -> String {
    error.as_string().or_else(|| get(error, "message").as_string()).unwrap_or_else(|| format!("{error:?}"))
}

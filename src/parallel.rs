//! Work handed to a second core: the large products of a layer, split in two fixed parts, one
//! computed here and one by a helper (a thread natively, a Web Worker with its own wasm instance
//! in the page).
//!
//! A helper only ever runs a [`Job`]: plain data in, a matrix out, so that it can be sent to a
//! worker by message (no shared memory, which a page gets only with cross-origin isolation).
//! The split does not depend on whether a helper exists: with [`Local`] the same jobs run here,
//! one after the other, and the numbers are the same bit for bit.

use std::future::Future;
use std::ops::Range;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use crate::features::RandomFeatures;
use crate::kernel::Kernel;
use crate::linalg::{Mat, product, rows_times};
use crate::sample_pairs::sample_pairs_rows;

/// A computation a helper can run: its inputs are shared, read-only; its output is one matrix.
#[derive(Clone)]
pub enum Job {
    /// `a[rows] b`, or `a[rows] b^T` when `transpose_b`.
    RowsTimes { a: Arc<Mat>, rows: Range<usize>, b: Arc<Mat>, transpose_b: bool },
    /// The rows `rows` of an AGOP's n x n form ([`sample_pairs_rows`]).
    SamplePairsRows { weights: Arc<Mat>, alpha: Arc<Mat>, s: Arc<Mat>, x: Arc<Mat>, rows: Range<usize> },
    /// `[x root | map(x root)]`: rows projected by an AGOP's root, next to their random features.
    ProjectAndMap { x: Arc<Mat>, root: Arc<Mat>, map: Arc<RandomFeatures> },
    /// The kernel values between the rows of `a` and of `b` (distinct point sets).
    KernelValues { kernel: Kernel, a: Arc<Mat>, b: Arc<Mat> },
}

impl Job {
    /// Computes the job here.
    pub fn run(&self) -> Mat {
        match self {
            Job::RowsTimes { a, rows, b, transpose_b } => rows_times(a, rows.clone(), b, *transpose_b),
            Job::SamplePairsRows { weights, alpha, s, x, rows } => {
                sample_pairs_rows(weights, alpha, s, x, rows.clone())
            }
            Job::ProjectAndMap { x, root, map } => {
                let projected = product(x, root);
                let mapped = map.apply(&projected);
                let mut both = Mat::zeros(x.nrows(), projected.ncols() + mapped.ncols());
                both.columns_mut(0, projected.ncols()).copy_from(&projected);
                both.columns_mut(projected.ncols(), mapped.ncols()).copy_from(&mapped);
                both
            }
            Job::KernelValues { kernel, a, b } => kernel.matrix(a, b, false).values,
        }
    }
}

/// Where jobs run. `start` hands a job over and returns at once (the helper works meanwhile);
/// awaiting the returned future gives the result.
pub trait Offload {
    /// The result of a started job.
    type Pending: Future<Output = crate::Result<Mat>>;
    /// Starts `job`.
    fn start(&self, job: Job) -> Self::Pending;
}

/// No helper: a job runs when it is started.
pub struct Local;

impl Offload for Local {
    type Pending = std::future::Ready<crate::Result<Mat>>;
    fn start(&self, job: Job) -> Self::Pending {
        std::future::ready(Ok(job.run()))
    }
}

/// A helper thread per job (native builds).
#[cfg(not(target_arch = "wasm32"))]
pub struct Threads;

#[cfg(not(target_arch = "wasm32"))]
impl Offload for Threads {
    type Pending = Joined;
    fn start(&self, job: Job) -> Joined {
        Joined(Some(std::thread::spawn(move || job.run())))
    }
}

/// A job running on its own thread; polling it waits for the thread.
#[cfg(not(target_arch = "wasm32"))]
pub struct Joined(Option<std::thread::JoinHandle<Mat>>);

#[cfg(not(target_arch = "wasm32"))]
impl Future for Joined {
    type Output = crate::Result<Mat>;
    fn poll(mut self: std::pin::Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Self::Output> {
        let handle = self.0.take().expect("polled after completion");
        Poll::Ready(
            handle.join().map_err(|panic| crate::Error::Helper { helper: "thread", cause: panic_message(&*panic) }),
        )
    }
}

/// What a panic said, when it said it with a string (as `panic!` and `expect` do).
#[cfg(not(target_arch = "wasm32"))]
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text =
        payload.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| payload.downcast_ref::<String>().cloned());
    text.unwrap_or_else(|| "it panicked".into())
}

/// Runs a future whose waits all end by themselves ([`Local`], [`Threads`]) to completion.
/// Precondition: the future never waits on something only an event loop could complete.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
    }
}

/// Rows `0..split` and `split..n` of `n` rows, the first part a fraction `share` of them.
pub fn split_rows(n: usize, share: f64) -> usize {
    ((n as f64 * share).round() as usize).min(n)
}

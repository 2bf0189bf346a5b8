//! The large products of a layer, cut into a fixed number of blocks ([`BLOCKS`]) that any number
//! of workers share: threads natively, Web Workers with their own wasm instances in the page.
//!
//! A block is a [`Job`]: plain data in, a matrix out, so that it can be sent to a worker by
//! message (no shared memory, which a page gets only with cross-origin isolation). The cut does
//! not depend on how many workers there are, each block computes the same numbers wherever it
//! runs, and the caller combines the blocks' results in their fixed order: so every number is
//! the same bit for bit with 1 worker or 8, and with [`Local`] (everything here, in order).

use std::future::Future;
use std::ops::Range;
use std::pin::{Pin, pin};
use std::sync::Arc;
#[cfg(not(target_arch = "wasm32"))]
use std::sync::Mutex;
#[cfg(not(target_arch = "wasm32"))]
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use crate::agop::sample_pairs_rows;
use crate::features::RandomFeatures;
use crate::kernel::Kernel;
use crate::linalg::{Mat, rows_times};

/// How many blocks a parallel step is cut into, whatever the number of workers: enough to keep
/// 8 workers busy, few enough that each block is a large product.
pub const BLOCKS: usize = 8;

/// A computation a worker can run: its inputs are shared, read-only; its output is one matrix.
#[derive(Clone)]
pub enum Job {
    /// `a[rows] b`, or `a[rows] b^T` when `transpose_b`.
    RowsTimes { a: Arc<Mat>, rows: Range<usize>, b: Arc<Mat>, transpose_b: bool },
    /// The rows `rows` of an AGOP's n x n form ([`sample_pairs_rows`]).
    SamplePairsRows { weights: Arc<Mat>, alpha: Arc<Mat>, s: Arc<Mat>, x: Arc<Mat>, rows: Range<usize> },
    /// `[x[rows] root | map(x[rows] root)]`: rows projected by an AGOP's root, next to their
    /// random features.
    ProjectAndMap { x: Arc<Mat>, rows: Range<usize>, root: Arc<Mat>, map: Arc<RandomFeatures> },
    /// The kernel values between the rows `rows` of `a` and every row of `b` (distinct point
    /// sets).
    KernelValues { kernel: Kernel, a: Arc<Mat>, rows: Range<usize>, b: Arc<Mat> },
}

impl Job {
    /// Computes the job here.
    pub fn run(&self) -> Mat {
        match self {
            Job::RowsTimes { a, rows, b, transpose_b } => rows_times(a, rows.clone(), b, *transpose_b),
            Job::SamplePairsRows { weights, alpha, s, x, rows } => {
                sample_pairs_rows(weights, alpha, s, x, rows.clone())
            }
            Job::ProjectAndMap { x, rows, root, map } => {
                let projected = rows_times(x, rows.clone(), root, false);
                let mapped = map.apply(&projected);
                let mut both = Mat::zeros(rows.len(), projected.ncols() + mapped.ncols());
                both.columns_mut(0, projected.ncols()).copy_from(&projected);
                both.columns_mut(projected.ncols(), mapped.ncols()).copy_from(&mapped);
                both
            }
            Job::KernelValues { kernel, a, rows, b } => {
                let block = a.rows(rows.start, rows.len()).into_owned();
                kernel.matrix(&block, b, false).values
            }
        }
    }

    /// The number of rows of the job's result.
    pub fn rows(&self) -> usize {
        match self {
            Job::RowsTimes { rows, .. }
            | Job::SamplePairsRows { rows, .. }
            | Job::ProjectAndMap { rows, .. }
            | Job::KernelValues { rows, .. } => rows.len(),
        }
    }
}

/// The results of started jobs, in the order of the jobs.
pub type Pending<'a> = Pin<Box<dyn Future<Output = crate::Result<Vec<Mat>>> + 'a>>;

/// Where jobs run. `start` hands the jobs over and returns at once (the workers compute while
/// the caller goes on, which is how a layer overlaps its serial work with its blocks); awaiting
/// the returned future gives every result, in the order of `jobs`.
pub trait Offload {
    /// Starts `jobs`.
    fn start(&self, jobs: Vec<Job>) -> Pending<'_>;
}

/// No other worker: the jobs run when they are started, one after the other.
pub struct Local;

impl Offload for Local {
    fn start(&self, jobs: Vec<Job>) -> Pending<'_> {
        let results = jobs.iter().map(Job::run).collect();
        Box::pin(std::future::ready(Ok(results)))
    }
}

/// `count` threads that take the jobs in order, each the next one not yet taken (native
/// builds). With `count` 1 the jobs run on one thread beside the caller.
#[cfg(not(target_arch = "wasm32"))]
pub struct Threads {
    pub count: usize,
}

#[cfg(not(target_arch = "wasm32"))]
impl Threads {
    /// As many threads as the machine has cores, at most [`BLOCKS`].
    pub fn all_cores() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Threads { count: cores.clamp(1, BLOCKS) }
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Offload for Threads {
    fn start(&self, jobs: Vec<Job>) -> Pending<'_> {
        let jobs = Arc::new(jobs);
        let results: Arc<Mutex<Vec<Option<Mat>>>> = Arc::new(Mutex::new(vec![None; jobs.len()]));
        let next = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..self.count.clamp(1, jobs.len().max(1)))
            .map(|_| {
                let (jobs, results, next) = (jobs.clone(), results.clone(), next.clone());
                std::thread::spawn(move || {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(index) else { break };
                        let result = job.run();
                        results.lock().expect("no worker thread panics holding the results")[index] = Some(result);
                    }
                })
            })
            .collect();
        Box::pin(async move {
            for thread in threads {
                thread.join().map_err(|_| crate::Error::Data("a worker thread failed".into()))?;
            }
            let mut results = results.lock().map_err(|_| crate::Error::Data("a worker thread failed".into()))?;
            Ok(results.iter_mut().map(|r| r.take().expect("every job ran")).collect())
        })
    }
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

/// `n` rows cut into [`BLOCKS`] consecutive ranges of (nearly) equal length; empty ranges are
/// left out (fewer than [`BLOCKS`] rows).
pub fn row_blocks(n: usize) -> Vec<Range<usize>> {
    bounded_blocks(n, |k| n * k / BLOCKS)
}

/// `n` rows cut into [`BLOCKS`] consecutive ranges for work that grows with the square of the
/// last row (a lower triangle: rows `a..b` cost about `b^2 - a^2`), so that each range costs
/// about the same: range `k` ends at `n sqrt((k + 1) / BLOCKS)`.
pub fn triangle_blocks(n: usize) -> Vec<Range<usize>> {
    bounded_blocks(n, |k| ((n as f64) * (k as f64 / BLOCKS as f64).sqrt()).round() as usize)
}

fn bounded_blocks(n: usize, start_of: impl Fn(usize) -> usize) -> Vec<Range<usize>> {
    (0..BLOCKS)
        .map(|k| start_of(k).min(n)..if k + 1 == BLOCKS { n } else { start_of(k + 1).min(n) })
        .filter(|range| !range.is_empty())
        .collect()
}

/// The results of row blocks stacked in order into one matrix of `cols` columns.
/// Precondition: every block has `cols` columns.
pub fn stack_blocks(blocks: &[Mat], cols: usize) -> Mat {
    let rows = blocks.iter().map(Mat::nrows).sum();
    let mut out = Mat::zeros(rows, cols);
    let mut at = 0;
    for block in blocks {
        out.rows_mut(at, block.nrows()).copy_from(block);
        at += block.nrows();
    }
    out
}

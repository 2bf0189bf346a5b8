//! Memory budgets: the peak estimates bound what runs really allocate, and a run over the budget
//! is refused before it allocates, with a message that names the estimate and what fits.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use agop_collapse::Error;
use agop_collapse::data::{DataConfig, DatasetSource, load};
use agop_collapse::memory::{self, BROWSER_BUDGET, CLI_BUDGET, RunShape, SLACK, mlp_peak_bytes, rfm_peak_bytes};
use agop_collapse::mlp::{MlpConfig, MlpTraining};
use agop_collapse::rfm::{DeepRfm, RfmConfig};

/// Counts the bytes live on the heap and their high-water mark.
struct CountingAllocator;

static LIVE: AtomicU64 = AtomicU64::new(0);
static PEAK: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size() as u64, Ordering::SeqCst) + layout.size() as u64;
            PEAK.fetch_max(live, Ordering::SeqCst);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size() as u64, Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// The heap counters are global: tests that read them take turns.
static MEASURING: Mutex<()> = Mutex::new(());

/// Bytes allocated at the peak of `work`, above what was live when it started.
fn peak_of<T>(work: impl FnOnce() -> T) -> (T, u64) {
    let start = LIVE.load(Ordering::SeqCst);
    PEAK.store(start, Ordering::SeqCst);
    let value = work();
    (value, PEAK.load(Ordering::SeqCst) - start)
}

fn synthetic(n_train: usize, n_test: usize, dim: usize, classes: usize) -> DataConfig {
    DataConfig { dataset: DatasetSource::Synthetic, n_train, n_test, dim, classes, ..DataConfig::default() }
}

/// The estimate is an upper bound of the real peak, and not a wild one (within 3x, beyond the
/// constant slack), for shapes where the kernel matrices dominate and where the features do.
#[test]
fn rfm_estimate_bounds_the_real_peak() {
    let _turn = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let shapes = [(1500, 300, 60, 100, 1), (300, 100, 400, 500, 1), (300, 100, 400, 500, 3)];
    for (n_train, n_test, dim, width, rfm_iters) in shapes {
        let data = synthetic(n_train, n_test, dim, 4);
        let config = RfmConfig { data, depth: 2, width, rfm_iters, ..RfmConfig::default() };
        let split = load(&config.data, 1, None, None).unwrap();
        let (result, peak) = peak_of(|| DeepRfm::run(config.clone(), split));
        result.unwrap();
        let estimate = rfm_peak_bytes(RunShape { n_train, n_test, dim, classes: 4 }, width, rfm_iters > 1);
        assert!(peak <= estimate, "{n_train}x{dim}, width {width}: real peak {peak} B above the estimate {estimate} B");
        assert!(estimate <= 3 * peak + SLACK, "{n_train}x{dim}, width {width}: estimate {estimate} B, peak {peak} B");
    }
}

#[test]
fn mlp_estimate_bounds_the_real_peak() {
    let _turn = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let (n_train, n_test, dim, depth, width) = (400, 100, 50, 3, 64);
    let config =
        MlpConfig { data: synthetic(n_train, n_test, dim, 4), depth, width, epochs: 2, ..MlpConfig::default() };
    let split = load(&config.data, 1, None, None).unwrap();
    let (result, peak) = peak_of(|| MlpTraining::run(config.clone(), split));
    result.unwrap();
    let estimate = mlp_peak_bytes(RunShape { n_train, n_test, dim, classes: 4 }, depth, width);
    assert!(peak <= estimate, "real peak {peak} B above the estimate {estimate} B");
    assert!(estimate <= 3 * peak + SLACK, "estimate {estimate} B, peak {peak} B");
}

/// Over the budget: refused with the estimate, the budget and the largest training set that
/// fits, and that size does fit while one more sample does not.
#[test]
fn over_budget_names_the_estimate_and_the_largest_size_that_fits() {
    let shape = RunShape { n_train: 9000, n_test: 500, dim: 784, classes: 10 };
    let peak = |s: RunShape| rfm_peak_bytes(s, 256, false);
    let error = memory::check(shape, BROWSER_BUDGET, peak).unwrap_err();
    let Error::MemoryBudget { estimate_bytes, budget_bytes, largest_n_train } = error.clone() else {
        panic!("expected a memory-budget error, got {error}");
    };
    assert_eq!((estimate_bytes, budget_bytes), (peak(shape), BROWSER_BUDGET));
    assert!(peak(RunShape { n_train: largest_n_train, ..shape }) <= BROWSER_BUDGET);
    assert!(peak(RunShape { n_train: largest_n_train + 1, ..shape }) > BROWSER_BUDGET);
    let message = error.to_string();
    assert!(message.contains("2.9 GB") && message.contains("1.0 GB"), "{message}");
    assert!(message.contains(&format!("at most {largest_n_train} training samples")), "{message}");
    // The command line's larger budget takes the same run.
    assert!(memory::check(shape, CLI_BUDGET, peak).is_ok());
}

/// The lab's defaults fit the browser's budget; validation refuses what does not fit this build's.
#[test]
fn validation_applies_the_budget() {
    let shape = RfmConfig::default().data.shape().unwrap();
    assert!(rfm_peak_bytes(shape, 256, false) < BROWSER_BUDGET / 4);
    assert!(mlp_peak_bytes(shape, 5, 256) < BROWSER_BUDGET / 4);
    let too_big = RfmConfig { data: synthetic(19_000, 1000, 100, 10), ..RfmConfig::default() };
    assert!(matches!(too_big.validate(), Err(Error::MemoryBudget { .. })), "{:?}", too_big.validate());
    let too_wide =
        MlpConfig { data: synthetic(19_000, 1000, 4096, 10), width: 4096, depth: 20, ..MlpConfig::default() };
    assert!(matches!(too_wide.validate(), Err(Error::MemoryBudget { .. })), "{:?}", too_wide.validate());
    // A CSV's shape is known only once it is read: the run checks it then.
    let csv = DataConfig { dataset: DatasetSource::Csv("big.csv".into()), ..DataConfig::default() };
    assert_eq!(csv.shape(), None);
}

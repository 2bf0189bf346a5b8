//! Generated inputs for everything that reads values from outside: links (URL hashes), configs and
//! CSV files. Nothing may panic, every error carries a message, and what is accepted is sane.
//!
//! `AGOP_FUZZ_CASES` sets the number of generated inputs per test (default [`DEFAULT_CASES`]);
//! `PROPTEST_RNG_SEED` replays a run.

use agop_collapse::config::rfm::{MAX_AGOP_POWER, MAX_RFM_ITERS};
use agop_collapse::data::config::{MAX_DIM, MAX_SAMPLES};
use agop_collapse::data::csv::{MAX_VALUES, parse};
use agop_collapse::data::{DataConfig, DatasetSource};
use agop_collapse::features::FeatureKind;
use agop_collapse::hash::{from_hash, network_from_hash, network_to_hash, to_hash};
use agop_collapse::kernel::KernelKind;
use agop_collapse::link::{LinkState, Presentation, read_link, write_link};
use agop_collapse::memory::default_budget;
use agop_collapse::mlp::config::{MAX_DEPTH as NET_MAX_DEPTH, MAX_EPOCHS, MAX_WIDTH as NET_MAX_WIDTH};
use agop_collapse::mlp::{AdamReset, MlpConfig, OutputInit};
use agop_collapse::projection::Projection;
use agop_collapse::rfm::{MAX_DEPTH, MAX_WIDTH, RfmConfig};
use agop_collapse::seeds::MAX_SEEDS;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Ten generated tests of 10,000 inputs each: 100,000 inputs, a few seconds in release mode.
const DEFAULT_CASES: u32 = 10_000;

fn fuzz_config() -> ProptestConfig {
    let cases = match std::env::var("AGOP_FUZZ_CASES") {
        Ok(text) => text.trim().parse().expect("AGOP_FUZZ_CASES must be a whole number"),
        Err(_) => DEFAULT_CASES,
    };
    // No failure persistence: a failing case is printed, never written into the repository.
    // The valid configs are filtered by `validate` (about one draw in two is refused): the
    // allowance of refused draws grows with the number of cases.
    let max_local_rejects = cases.saturating_mul(8).max(ProptestConfig::default().max_local_rejects);
    ProptestConfig { cases, failure_persistence: None, max_local_rejects, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------------
// Values

/// The Deep RFM keys of a hash, as in `SETTINGS` of src/hash.rs.
const RFM_KEYS: [&str; 20] = [
    "dataset",
    "n",
    "test",
    "digits",
    "pool",
    "classes",
    "dim",
    "rank",
    "separation",
    "noise",
    "standardize",
    "depth",
    "kernel",
    "bandwidth",
    "ridge",
    "feature",
    "width",
    "sigma",
    "projection",
    "seed",
];

/// The network keys of a hash, as in `NETWORK_SETTINGS` of src/hash.rs.
const NETWORK_KEYS: [&str; 9] =
    ["net_depth", "net_width", "gain", "output_init", "lr", "adam_reset", "batch", "epochs", "every"];

/// Values chosen to hit edges: of the number parsers, of the ranges, of the encodings.
const HOSTILE_VALUES: &[&str] = &[
    "",
    " ",
    "0",
    "-0",
    "+0",
    "0.0",
    "-0.0",
    "1",
    "2",
    "-1",
    "+1",
    "1e308",
    "-1e308",
    "1e309",
    "1.7976931348623157e308",
    "5e-324",
    "4e-324",
    "2.2250738585072014e-308",
    "1e-400",
    "NaN",
    "nan",
    "-NaN",
    "inf",
    "-inf",
    "+inf",
    "Infinity",
    "infinity",
    "0x10",
    "1_000",
    "1,000",
    " 1",
    "1 ",
    "1.",
    ".5",
    "1e",
    "e1",
    "255",
    "256",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "-18446744073709551615",
    "9223372036854775807",
    "9223372036854775808",
    "4611686018427387904",
    "6148914691236517205",
    "99999999999999999999999999999999999999",
    "%",
    "%%",
    "%FF",
    "%ff%fe",
    "%00",
    "%zz",
    "%2",
    "%26",
    "%3D",
    "%23",
    "+",
    "&",
    "=",
    "#",
    "==",
    "&&",
    "mnist",
    "synthetic",
    "csv:",
    "csv:data.csv",
    "csv:../../etc/passwd",
    "MNIST",
    "laplace",
    "gaussian",
    "linear",
    "relu",
    "cos",
    "identity",
    "true",
    "false",
    "yes",
    "0,1",
    "1,0",
    "0,1,2,3,4,5,6,7,8,9",
    "9,8,7,6,5,4,3,2,1,0",
    "0,0",
    "1,1",
    "0,10",
    "0,-1",
    ",",
    "0,",
    ",0",
    "0,,1",
    " 0 , 1 ",
    "0;1",
    "é",
    "数字",
    "🦀",
    "\u{0}",
    "\u{feff}1",
    "١٢",
    "１",
    "\n",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "\"'><svg/onload=alert(1)>",
    "javascript:alert(1)",
];

/// Any usize, with extra weight on the edges (0, small, the sample limits, the top).
fn edgy_usize() -> impl Strategy<Value = usize> {
    prop_oneof![
        2 => any::<usize>(),
        2 => 0usize..=64,
        1 => 0usize..=2 * MAX_SAMPLES,
        1 => (usize::MAX - 64)..=usize::MAX,
        1 => select(vec![0, 1, 2, MAX_SAMPLES, MAX_SAMPLES + 1, usize::MAX / 2, usize::MAX / 2 + 1, usize::MAX]),
    ]
}

/// Any f64: NaN, infinities, zeros of both signs, subnormals and normals of either sign.
fn edgy_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => prop::num::f64::ANY,
        1 => -10.0f64..10.0,
        1 => select(vec![
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
        ]),
    ]
}

/// Any finite f64: zeros, subnormals and normals of either sign.
fn finite_f64() -> impl Strategy<Value = f64> + Clone {
    use prop::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}

/// Positive, finite and not zero, from the smallest subnormal to the largest f64.
fn positive_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::num::f64::POSITIVE | prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL,
        1e-6f64..100.0,
        select(vec![5e-324, f64::MIN_POSITIVE, 1.0, f64::MAX]),
    ]
}

/// Finite and >= 0 (both zeros included).
fn non_negative_f64() -> impl Strategy<Value = f64> {
    prop_oneof![positive_f64(), Just(0.0), Just(-0.0)]
}

/// From 1 to `max`, as often small as large (log-uniform), so that widths and depths which fit
/// the memory budget are drawn often.
fn log_uniform(max: usize) -> impl Strategy<Value = usize> {
    (0.0..=(max as f64).ln()).prop_map(move |e: f64| (e.exp().round() as usize).clamp(1, max))
}

fn kernel_kind() -> impl Strategy<Value = KernelKind> {
    select(KernelKind::ALL.to_vec())
}

fn feature_kind() -> impl Strategy<Value = FeatureKind> {
    select(FeatureKind::ALL.to_vec())
}

// ---------------------------------------------------------------------------------------------
// What every accepted config must satisfy: the limits their documentation states, checked
// without overflow (independently of how `validate` computes them).

fn check_data_limits(data: &DataConfig) -> Result<(), TestCaseError> {
    if let Some(test) = &data.test_dataset {
        prop_assert!(
            matches!((test, &data.dataset), (DatasetSource::Csv(name), DatasetSource::Csv(_)) if !name.is_empty()),
            "test_dataset {test:?} was accepted with dataset {:?}",
            data.dataset
        );
    }
    if data.class_count().is_some() {
        // The MNIST and synthetic loaders add the two (a CSV's n_train is whatever is left).
        prop_assert!(
            data.n_train.checked_add(data.n_test).is_some(),
            "n_train {} + n_test {} overflows and was accepted",
            data.n_train,
            data.n_test
        );
    }
    let classes = match &data.dataset {
        DatasetSource::Mnist => {
            let mut distinct = data.digits.clone();
            distinct.sort_unstable();
            distinct.dedup();
            prop_assert_eq!(distinct.len(), data.digits.len(), "repeated digits: {:?}", data.digits);
            prop_assert!(data.digits.iter().all(|&d| d <= 9), "digits {:?}", data.digits);
            prop_assert!(data.pool == 1 || data.pool == 2, "pool {}", data.pool);
            data.digits.len()
        }
        DatasetSource::Synthetic => {
            prop_assert!((2..=100).contains(&data.classes), "classes {}", data.classes);
            prop_assert!((1..=MAX_DIM).contains(&data.dim), "dim {}", data.dim);
            prop_assert!(data.rank <= data.dim, "rank {} > dim {}", data.rank, data.dim);
            prop_assert!(data.separation.is_finite() && data.separation >= 0.0, "separation {}", data.separation);
            prop_assert!(data.noise.is_finite() && data.noise > 0.0, "noise {}", data.noise);
            let total = data.n_train.checked_add(data.n_test);
            prop_assert!(
                total.is_some_and(|t| t <= MAX_SAMPLES),
                "n_train {} + n_test {} is over MAX_SAMPLES = {MAX_SAMPLES} and was accepted",
                data.n_train,
                data.n_test
            );
            data.classes
        }
        DatasetSource::Csv(_) => return Ok(()),
    };
    prop_assert!(classes >= 2, "{classes} classes");
    prop_assert!(data.n_train >= 2 * classes, "n_train {} for {classes} classes", data.n_train);
    Ok(())
}

/// Bytes of `count` f64 values, without overflow.
fn f64_bytes(count: u128) -> u128 {
    8 * count
}

fn check_rfm_limits(config: &RfmConfig) -> Result<(), TestCaseError> {
    check_data_limits(&config.data)?;
    if config.data.class_count().is_some() {
        // Whatever else a run holds, its n x n kernel matrix must fit the budget `validate` enforces.
        let n = config.data.n_train as u128;
        prop_assert!(
            f64_bytes(n * n) <= u128::from(default_budget()),
            "n_train {} was accepted, but its kernel matrix alone is over the memory budget",
            n
        );
    }
    prop_assert!((1..=MAX_DEPTH).contains(&config.depth), "depth {}", config.depth);
    prop_assert!(config.bandwidth.is_finite() && config.bandwidth > 0.0, "bandwidth {}", config.bandwidth);
    prop_assert!(config.ridge.is_finite() && config.ridge >= 0.0, "ridge {}", config.ridge);
    prop_assert!((1..=MAX_WIDTH).contains(&config.width), "width {}", config.width);
    prop_assert!(config.sigma.is_finite() && config.sigma > 0.0, "sigma {}", config.sigma);
    Ok(())
}

fn check_mlp_limits(config: &MlpConfig) -> Result<(), TestCaseError> {
    check_data_limits(&config.data)?;
    if config.data.class_count().is_some() {
        // Whatever else a run holds, one layer's activations of every sample must fit the budget
        // `validate` enforces.
        let samples = config.data.n_train as u128 + config.data.n_test as u128;
        prop_assert!(
            f64_bytes(samples * config.width as u128) <= u128::from(default_budget()),
            "{} samples through width {} were accepted, but their activations alone are over the memory budget",
            samples,
            config.width
        );
    }
    prop_assert!((1..=NET_MAX_DEPTH).contains(&config.depth), "depth {}", config.depth);
    prop_assert!((1..=NET_MAX_WIDTH).contains(&config.width), "width {}", config.width);
    prop_assert!(config.gain.is_finite() && config.gain > 0.0, "gain {}", config.gain);
    prop_assert!(config.learning_rate.is_finite() && config.learning_rate > 0.0, "lr {}", config.learning_rate);
    prop_assert!(config.batch_size >= 1 && config.measure_every >= 1);
    prop_assert!(config.epochs <= MAX_EPOCHS, "epochs {}", config.epochs);
    Ok(())
}

/// An accepted config must survive JSON, the form in which the page and the config files carry
/// it (serde_json writes NaN and the infinities as `null`, which does not read back as a number).
fn check_json<C: Serialize + DeserializeOwned + std::fmt::Debug>(config: &C) -> Result<(), TestCaseError> {
    let json = serde_json::to_string(config).map_err(|e| TestCaseError::fail(format!("{e}: {config:?}")))?;
    let back: Result<C, _> = serde_json::from_str(&json);
    prop_assert!(back.is_ok(), "an accepted config does not read back from its JSON ({:?}): {}", back.err(), json);
    Ok(())
}

/// `validate` either accepts a config within its documented limits or says why not.
fn check_verdict<C: Serialize + DeserializeOwned + std::fmt::Debug>(
    config: &C,
    verdict: agop_collapse::Result<()>,
    limits: fn(&C) -> Result<(), TestCaseError>,
) -> Result<(), TestCaseError> {
    match verdict {
        Ok(()) => {
            limits(config)?;
            check_json(config)
        }
        Err(error) => {
            prop_assert!(!error.to_string().trim().is_empty(), "an error without a message: {error:?}");
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hashes

/// One `key=value` item of a hash: known keys (mostly), unknown ones, and hostile values, written
/// raw (so that `&`, `=`, `#` and `%` in them break the item up) or percent-encoded (so that the
/// parser sees them whole).
fn hash_item() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        6 => select(RFM_KEYS.to_vec()).prop_map(String::from),
        3 => select(NETWORK_KEYS.to_vec()).prop_map(String::from),
        1 => "[a-zA-Z_ ]{0,10}",
        1 => any::<String>(),
    ];
    let value = prop_oneof![
        6 => select(HOSTILE_VALUES.to_vec()).prop_map(String::from),
        3 => (0u64..300).prop_map(|v| v.to_string()),
        1 => any::<f64>().prop_map(|v| v.to_string()),
        1 => any::<u64>().prop_map(|v| v.to_string()),
        1 => (u64::MAX - 1000..=u64::MAX).prop_map(|v| v.to_string()),
        1 => (0u32..64).prop_map(|bits| (1u64 << bits).to_string()),
        1 => any::<i64>().prop_map(|v| v.to_string()),
        1 => "[0-9]{20,400}",
        1 => "[-+]?[0-9]{0,4}(\\.[0-9]{0,4})?([eE][-+]?[0-9]{1,4})?",
        1 => vec(0u8..12, 0..12).prop_map(|d| d.iter().map(u8::to_string).collect::<Vec<_>>().join(",")),
        1 => any::<String>(),
    ];
    (key, value, 0u8..5).prop_map(|(key, value, style)| match style {
        0 | 1 => format!("{key}={value}"),
        2 => {
            let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
            format!("{}={}", encode(&key), encode(&value))
        }
        3 => key,
        _ => format!("={value}"),
    })
}

/// A whole hash: items joined by `&` (sometimes doubled), with or without the leading `#`.
fn structured_hash() -> impl Strategy<Value = String> {
    (vec(hash_item(), 0..12), any::<bool>(), select(vec!["&", "&", "&", "&&", ";", "#"])).prop_map(
        |(items, leading, separator)| {
            let body = items.join(separator);
            if leading { format!("#{body}") } else { body }
        },
    )
}

/// Keys that belong to someone else (presentation flags), passed over silently.
fn other_keys() -> impl Strategy<Value = Vec<String>> {
    vec(prop_oneof![Just("embed".to_string()), select(RFM_KEYS.to_vec()).prop_map(String::from), any::<String>()], 0..3)
}

/// Both parsers on one hash: every message has text, both configs validate and stay within their
/// documented limits, and the network shares the data and seed of the Deep RFM config.
fn check_hash(hash: &str, other_keys: &[String]) -> Result<(), TestCaseError> {
    let other_keys: Vec<&str> = other_keys.iter().map(String::as_str).collect();
    let items = form_urlencoded::parse(hash.strip_prefix('#').unwrap_or(hash).as_bytes()).count();
    let (rfm, messages) = from_hash(hash, &other_keys);
    prop_assert!(messages.iter().all(|m| !m.trim().is_empty()), "an empty message: {messages:?}");
    // At most one message per item: an unknown key, or the last value of a known one.
    prop_assert!(messages.len() <= items, "{} messages for {items} items: {messages:?}", messages.len());
    prop_assert!(rfm.validate().is_ok(), "from_hash returned an invalid config: {:?}", rfm.validate());
    check_rfm_limits(&rfm)?;
    check_json(&rfm)?;

    let (network, messages) = network_from_hash(hash, &rfm);
    prop_assert!(messages.iter().all(|m| !m.trim().is_empty()), "an empty message: {messages:?}");
    // One more message when the network cannot fit the data whatever the hash says.
    let unfit = messages.iter().any(|m| m.starts_with("the network cannot be trained on this data"));
    prop_assert!(messages.len() <= items + usize::from(unfit));
    prop_assert!(
        network.validate().is_ok() || unfit,
        "network_from_hash returned an invalid config without saying so: {:?}",
        network.validate()
    );
    check_mlp_limits(&network)?;
    check_json(&network)?;
    // Compared as text so that a NaN in a setting the data source ignores compares equal.
    prop_assert_eq!(format!("{:?}", network.data), format!("{:?}", rfm.data));
    prop_assert_eq!(network.seed, rfm.seed);
    Ok(())
}

/// A valid MNIST or synthetic data config; the settings that do not apply to its source keep
/// their defaults, since a link leaves them out.
fn valid_data_config() -> impl Strategy<Value = DataConfig> {
    let mnist = (Just((0..10).collect::<Vec<u8>>()).prop_shuffle(), 2usize..=10, 1usize..=2, 0usize..=MAX_SAMPLES)
        .prop_flat_map(|(shuffled, count, pool, n_test)| {
            let digits = shuffled[..count].to_vec();
            (2 * count..=MAX_SAMPLES).prop_map(move |n_train| DataConfig {
                dataset: DatasetSource::Mnist,
                n_train,
                n_test,
                digits: digits.clone(),
                pool,
                ..DataConfig::default()
            })
        });
    let synthetic = (2usize..=100, 1usize..=MAX_DIM, non_negative_f64(), positive_f64()).prop_flat_map(
        |(classes, dim, separation, noise)| {
            (0usize..=dim, 2 * classes..=MAX_SAMPLES).prop_flat_map(move |(rank, n_train)| {
                (0usize..=MAX_SAMPLES - n_train).prop_map(move |n_test| DataConfig {
                    dataset: DatasetSource::Synthetic,
                    n_train,
                    n_test,
                    classes,
                    dim,
                    rank,
                    separation,
                    noise,
                    ..DataConfig::default()
                })
            })
        },
    );
    (prop_oneof![mnist, synthetic], any::<bool>()).prop_map(|(data, standardize)| DataConfig { standardize, ..data })
}

/// A valid Deep RFM config (sigma keeps its default unless the cos map uses it). Drawing every
/// field in its range is not enough: the run must also fit the memory budget, which `validate`
/// alone knows.
fn projection_kind() -> impl Strategy<Value = Projection> {
    select(Projection::ALL.to_vec())
}

fn valid_rfm_config() -> impl Strategy<Value = RfmConfig> {
    (
        valid_data_config(),
        1usize..=MAX_DEPTH,
        kernel_kind(),
        positive_f64(),
        non_negative_f64(),
        feature_kind(),
        prop_oneof![1usize..=MAX_WIDTH, log_uniform(MAX_WIDTH)],
        positive_f64(),
        (any::<u32>(), projection_kind(), 1usize..=MAX_SEEDS),
        (1usize..=MAX_RFM_ITERS, prop_oneof![Just(0.5), 0.01f64..=MAX_AGOP_POWER, Just(MAX_AGOP_POWER)], any::<bool>()),
    )
        .prop_map(
            |(
                data,
                depth,
                kernel,
                bandwidth,
                ridge,
                feature,
                width,
                sigma,
                (seed, projection, seeds),
                (rfm_iters, agop_power, diag_agop),
            )| RfmConfig {
                data,
                depth,
                kernel,
                bandwidth,
                ridge,
                feature,
                width,
                sigma: if feature == FeatureKind::Cos { sigma } else { RfmConfig::default().sigma },
                projection,
                seed,
                seeds,
                rfm_iters,
                agop_power,
                diag_agop,
            },
        )
        .prop_filter("fits the memory budget", |config| config.validate().is_ok())
}

/// A valid Deep RFM config and a valid network config for its data and seed (filtered together
/// by `validate`: some data leave no network within the memory budget).
fn valid_rfm_and_network_configs() -> impl Strategy<Value = (RfmConfig, MlpConfig)> {
    let network = (
        log_uniform(NET_MAX_DEPTH),
        log_uniform(NET_MAX_WIDTH),
        positive_f64(),
        positive_f64(),
        prop_oneof![1usize..=1024, 1usize..=usize::MAX],
        0usize..=MAX_EPOCHS,
        prop_oneof![1usize..=100, 1usize..=usize::MAX],
    );
    (valid_rfm_config(), network, any::<bool>())
        .prop_map(|(rfm, (depth, width, gain, learning_rate, batch_size, epochs, measure_every), torch)| {
            let network = MlpConfig {
                data: rfm.data.clone(),
                depth,
                width,
                gain,
                output_init: if torch { OutputInit::Torch } else { OutputInit::Xavier },
                learning_rate,
                adam_reset: if torch { AdamReset::Never } else { AdamReset::Epoch },
                batch_size,
                epochs,
                measure_every,
                seed: rfm.seed,
            };
            (rfm, network)
        })
        .prop_filter("fits the memory budget", |(_, network)| network.validate().is_ok())
}

/// Presentation flags of a link: any exercise id, any hidden and locked settings, any tour step.
fn presentation() -> impl Strategy<Value = Presentation> {
    let keys = agop_collapse::hash::setting_keys();
    let subset = proptest::sample::subsequence(keys.clone(), 0..=keys.len());
    let preset = prop_oneof![
        Just(None),
        "[a-z0-9-]{1,24}".prop_map(Some),
        any::<String>().prop_filter("not empty", |s| !s.is_empty()).prop_map(Some)
    ];
    (preset, subset.clone(), subset, proptest::option::of(any::<u32>())).prop_map(|(preset, hide, lock, tour)| {
        Presentation {
            preset,
            hide: hide.into_iter().map(String::from).collect(),
            lock: lock.into_iter().map(String::from).collect(),
            tour,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Configs with arbitrary field values

fn any_data_config() -> impl Strategy<Value = DataConfig> {
    let dataset = prop_oneof![
        Just(DatasetSource::Mnist),
        Just(DatasetSource::Synthetic),
        any::<String>().prop_map(DatasetSource::Csv),
    ];
    let digits = prop_oneof![vec(any::<u8>(), 0..16), vec(0u8..10, 0..12)];
    let test_dataset = prop_oneof![
        4 => Just(None),
        1 => Just(Some(DatasetSource::Mnist)),
        1 => Just(Some(DatasetSource::Synthetic)),
        2 => any::<String>().prop_map(|name| Some(DatasetSource::Csv(name))),
    ];
    (
        (dataset, edgy_usize(), edgy_usize(), digits, edgy_usize()),
        (edgy_usize(), edgy_usize(), edgy_f64(), edgy_f64(), edgy_usize(), any::<bool>(), test_dataset),
    )
        .prop_map(
            |(
                (dataset, n_train, n_test, digits, pool),
                (classes, dim, separation, noise, rank, standardize, test_dataset),
            )| {
                DataConfig {
                    dataset,
                    n_train,
                    n_test,
                    digits,
                    pool,
                    classes,
                    dim,
                    separation,
                    noise,
                    rank,
                    standardize,
                    test_dataset,
                }
            },
        )
}

/// A data config that is often valid (so that the checks after the data's are reached too).
fn mostly_valid_data_config() -> impl Strategy<Value = DataConfig> {
    prop_oneof![Just(DataConfig::default()), valid_data_config(), any_data_config()]
}

fn any_rfm_config() -> impl Strategy<Value = RfmConfig> {
    (
        mostly_valid_data_config(),
        prop_oneof![edgy_usize(), 0usize..=MAX_DEPTH + 1],
        kernel_kind(),
        edgy_f64(),
        edgy_f64(),
        feature_kind(),
        prop_oneof![edgy_usize(), 0usize..=MAX_WIDTH + 1],
        edgy_f64(),
        (any::<u32>(), projection_kind(), prop_oneof![edgy_usize(), 0usize..=MAX_SEEDS + 1]),
        (prop_oneof![edgy_usize(), 0usize..=MAX_RFM_ITERS + 1], edgy_f64(), any::<bool>()),
    )
        .prop_map(
            |(
                data,
                depth,
                kernel,
                bandwidth,
                ridge,
                feature,
                width,
                sigma,
                (seed, projection, seeds),
                (rfm_iters, agop_power, diag_agop),
            )| {
                RfmConfig {
                    data,
                    depth,
                    kernel,
                    bandwidth,
                    ridge,
                    feature,
                    width,
                    sigma,
                    projection,
                    seed,
                    seeds,
                    rfm_iters,
                    agop_power,
                    diag_agop,
                }
            },
        )
}

fn any_mlp_config() -> impl Strategy<Value = MlpConfig> {
    (
        mostly_valid_data_config(),
        prop_oneof![edgy_usize(), 0usize..=NET_MAX_DEPTH + 1],
        prop_oneof![edgy_usize(), 0usize..=NET_MAX_WIDTH + 1],
        edgy_f64(),
        edgy_f64(),
        edgy_usize(),
        prop_oneof![edgy_usize(), 0usize..=MAX_EPOCHS + 1],
        edgy_usize(),
        (any::<u32>(), any::<bool>()),
    )
        .prop_map(|(data, depth, width, gain, learning_rate, batch_size, epochs, measure_every, (seed, torch))| {
            MlpConfig {
                data,
                depth,
                width,
                gain,
                output_init: if torch { OutputInit::Torch } else { OutputInit::Xavier },
                learning_rate,
                adam_reset: if torch { AdamReset::Never } else { AdamReset::Epoch },
                batch_size,
                epochs,
                measure_every,
                seed,
            }
        })
}

// ---------------------------------------------------------------------------------------------
// CSV

/// A CSV cell: mostly numbers (so that whole files parse), and every kind of trouble.
fn csv_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (-1000i32..1000).prop_map(|v| v.to_string()),
        4 => (-1e3f64..1e3).prop_map(|v| v.to_string()),
        1 => any::<f64>().prop_map(|v| v.to_string()),
        1 => prop::num::f64::ANY.prop_map(|v| format!("{v:e}")),
        1 => "[-+]?[0-9]{0,3}(\\.[0-9]{0,3})?([eE][-+]?[0-9]{1,4})?",
        1 => "[0-9]{30,400}",
        2 => select(vec![
            "", " ", "NaN", "nan", "inf", "-inf", "+inf", "infinity", "1e308", "1e309", "-1e309", "1e-400", "5e-324",
            "-0", "0x1F", "1_0", "1,5", "\"1.5\"", "\" 2 \"", "\"a,b\"", "\"a\"\"b\"", "\"\"", "a\"b", "\"open",
            "\"x\"y", "é", "数", "🦀", "\u{0}", "\u{feff}", "label", "class", "LABEL", "Class", "x", " 7 ", "\t8\t",
            "<img src=x onerror=alert(1)>",
        ])
        .prop_map(String::from),
        1 => any::<String>(),
    ]
}

/// A cell that always reads as a finite number, in the many ways a file may write one.
fn clean_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (-1000i32..1000).prop_map(|v| v.to_string()),
        4 => (-1e3f64..1e3).prop_map(|v| v.to_string()),
        1 => finite_f64().prop_map(|v| v.to_string()),
        1 => finite_f64().prop_map(|v| format!("{v:e}")),
        1 => select(vec![
            "-0", "+3", ".5", "5.", "1e308", "-1e308", "5e-324", "1e-400", "1E3", " 7 ", "\t8\t", "\"1.5\"", "\" 2 \"",
            "007",
        ])
        .prop_map(String::from),
    ]
}

/// A label from anything a file may hold.
fn any_label() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(vec!["0", "1", "2", "3", "cat", "dog", "é", "1.0", "01", "-1", "NaN"]).prop_map(String::from),
        1 => csv_cell(),
    ]
}

/// How much trouble a generated file holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mess {
    /// Every cell a number, every label one of a few, every row complete: often a valid file.
    Clean,
    /// As clean, with a bad cell, label or row now and then.
    Sprinkled,
    /// Anything in every cell.
    Hostile,
}

/// CSV-like text: an optional header, a random number of columns, ragged rows, LF, CRLF or CR
/// line ends, blank lines and a trailing line end or not.
fn structured_csv() -> impl Strategy<Value = String> {
    let mess = prop_oneof![2 => Just(Mess::Clean), 1 => Just(Mess::Sprinkled), 1 => Just(Mess::Hostile)];
    let labels = vec(select(vec!["0", "1", "2", "3", "cat", "dog", "é", "1.0", "01", "-1", "NaN", "class"]), 2..4);
    (1usize..7, 0usize..6, any::<bool>(), mess, labels)
        .prop_flat_map(|(columns, label_column, header, mess, labels)| {
            // Without a header the first column holds the labels.
            let label_column = if header { label_column.min(columns - 1) } else { 0 };
            let label = match mess {
                Mess::Clean => select(labels).prop_map(String::from).boxed(),
                Mess::Sprinkled => prop_oneof![30 => select(labels).prop_map(String::from), 1 => any_label()].boxed(),
                Mess::Hostile => any_label().boxed(),
            };
            let cell = match mess {
                Mess::Clean => clean_cell().boxed(),
                Mess::Sprinkled => prop_oneof![200 => clean_cell(), 1 => csv_cell()].boxed(),
                Mess::Hostile => csv_cell().boxed(),
            };
            let ragged = match mess {
                Mess::Clean => Just(0i32).boxed(),
                Mess::Sprinkled => prop_oneof![200 => Just(0i32), 1 => -2i32..3].boxed(),
                Mess::Hostile => prop_oneof![12 => Just(0i32), 1 => -2i32..3].boxed(),
            };
            let row = (label, vec(cell, columns - 1), ragged).prop_map(move |(label, mut cells, ragged)| {
                cells.insert(label_column.min(cells.len()), label);
                match ragged {
                    0 => {}
                    extra if extra > 0 => cells.extend((0..extra).map(|_| "1".to_string())),
                    fewer => cells.truncate(cells.len().saturating_sub(fewer.unsigned_abs() as usize)),
                }
                cells.join(",")
            });
            let blank = if mess == Mess::Clean { 0 } else { 1 };
            let header_name = if mess == Mess::Hostile {
                select(vec!["label", "class", "Label", "CLASS", "x", "y", "é", "", "\"q\"", "1", "nan"]).boxed()
            } else {
                select(vec!["x", "y", "feature", "é", "x 1"]).boxed()
            };
            let label_name = select(vec!["label", "class", "Label", "CLASS"]);
            let header_line = (vec(header_name, columns), label_name).prop_map(move |(mut names, label_name)| {
                if mess != Mess::Hostile {
                    names[label_column] = label_name;
                }
                names.join(",")
            });
            (
                if header { header_line.prop_map(Some).boxed() } else { Just(None).boxed() },
                vec(prop_oneof![20 => row, blank => Just(String::new()), blank => "[ ,]{1,4}"], 0..40),
                select(vec!["\n", "\n", "\r\n", "\r"]),
                any::<bool>(),
            )
        })
        .prop_map(|(header, rows, line_end, trailing)| {
            let mut lines: Vec<String> = header.into_iter().collect();
            lines.extend(rows);
            let mut text = lines.join(line_end);
            if trailing {
                text.push_str(line_end);
            }
            text
        })
}

/// On success, what `parse` guarantees: finite values, one label per row, labels naming one of
/// at least two distinct classes, at least two samples per class, and the size limits.
fn check_csv(text: &str) -> Result<(), TestCaseError> {
    let dataset = match parse(text) {
        Ok(dataset) => dataset,
        Err(error) => {
            prop_assert!(!error.to_string().trim().is_empty(), "an error without a message: {error:?}");
            return Ok(());
        }
    };
    let (rows, features) = dataset.features.shape();
    prop_assert_eq!(dataset.labels.len(), rows);
    prop_assert!(features >= 1, "no feature column");
    prop_assert!(rows <= MAX_SAMPLES && rows * features <= MAX_VALUES);
    prop_assert!(dataset.features.iter().all(|v| v.is_finite()), "a value that is not finite");
    let classes = dataset.classes();
    prop_assert!(classes >= 2, "{classes} classes");
    let mut names = dataset.class_names.clone();
    names.sort();
    names.dedup();
    prop_assert_eq!(names.len(), classes, "class names repeat: {:?}", dataset.class_names);
    prop_assert!(dataset.class_names.iter().all(|name| !name.is_empty()), "an empty class name");
    let mut counts = vec![0usize; classes];
    for &label in &dataset.labels {
        prop_assert!(label < classes, "label {label} of {classes} classes");
        counts[label] += 1;
    }
    prop_assert!(counts.iter().all(|&c| c >= 2), "a class with fewer than two samples: {counts:?}");
    prop_assert_eq!(dataset.image_shape, None);
    Ok(())
}

/// A table with whole-number labels and finite values, written the way a user's program would.
#[derive(Debug, Clone)]
struct Table {
    labels: Vec<i64>,
    rows: Vec<Vec<f64>>,
    header: bool,
}

fn well_formed_table() -> impl Strategy<Value = Table> {
    let value = prop_oneof![finite_f64(), -100.0f64..100.0];
    (vec(-5i64..50, 2..6), 1usize..6, any::<bool>())
        .prop_flat_map(move |(class_labels, features, header)| {
            let mut class_labels = class_labels;
            class_labels.sort_unstable();
            class_labels.dedup();
            let classes = class_labels.len();
            (
                vec(0..classes, 0..30),
                Just(class_labels),
                vec(vec(value.clone(), features), 2 * classes + 30),
                Just(header),
            )
        })
        .prop_filter("at least two classes", |(_, class_labels, _, _)| class_labels.len() >= 2)
        .prop_map(|(extra, class_labels, mut rows, header)| {
            // Every class twice, then random classes; the order is mixed by the extra draws.
            let mut labels: Vec<i64> = class_labels.iter().chain(&class_labels).copied().collect();
            labels.extend(extra.iter().map(|&c| class_labels[c]));
            let turn = extra.len() % labels.len();
            labels.rotate_left(turn);
            rows.truncate(labels.len());
            Table { labels, rows, header }
        })
}

// ---------------------------------------------------------------------------------------------
// The tests

proptest! {
    #![proptest_config(fuzz_config())]

    #[test]
    fn arbitrary_text_hashes_never_panic(hash in any::<String>(), other_keys in other_keys()) {
        check_hash(&hash, &other_keys)?;
    }

    #[test]
    fn structured_hashes_give_valid_configs_and_messages(hash in structured_hash(), other_keys in other_keys()) {
        check_hash(&hash, &other_keys)?;
    }

    /// A link made from any valid config gives that config back, with no message.
    #[test]
    fn valid_configs_round_trip_through_the_hash(config in valid_rfm_config()) {
        let hash = to_hash(&config);
        let (back, messages) = from_hash(&format!("#{hash}"), &[]);
        prop_assert!(messages.is_empty(), "#{}: {:?}", hash, messages);
        prop_assert_eq!(back, config, "#{}", hash);
    }

    /// The network's part of a link gives its settings back, next to any Deep RFM part.
    #[test]
    fn valid_network_configs_round_trip_through_the_hash(
        (rfm, network) in valid_rfm_and_network_configs()
    ) {
        let hash = format!("#{}&{}", to_hash(&rfm), network_to_hash(&network));
        let (back, messages) = network_from_hash(&hash, &rfm);
        prop_assert!(messages.is_empty(), "{}: {:?}", hash, messages);
        prop_assert_eq!(back, network, "{}", hash);
    }

    /// The page's whole State (both configs and the presentation flags) round-trips through
    /// its link: written once, read once, the same State and no message.
    #[test]
    fn the_page_state_round_trips_through_its_link(
        (rfm, network) in valid_rfm_and_network_configs(),
        view in presentation(),
    ) {
        let written = write_link(&rfm, &network, &view).expect("a valid config writes");
        prop_assert_eq!(&written.network_problem, &None);
        let (back, messages) = read_link(&format!("#{}", written.hash));
        prop_assert!(messages.is_empty(), "#{}: {:?}", written.hash, messages);
        prop_assert_eq!(back, LinkState { rfm, mlp: network, view }, "#{}", written.hash);
    }

    #[test]
    fn arbitrary_text_links_never_panic(hash in any::<String>()) {
        let (state, _) = read_link(&hash);
        prop_assert!(state.rfm.validate().is_ok());
        let written = write_link(&state.rfm, &state.mlp, &state.view);
        prop_assert!(written.is_ok());
    }

    #[test]
    fn data_config_validation_never_panics(config in any_data_config()) {
        check_verdict(&config, config.validate(), check_data_limits)?;
    }

    #[test]
    fn rfm_config_validation_never_panics(config in any_rfm_config()) {
        check_verdict(&config, config.validate(), check_rfm_limits)?;
    }

    #[test]
    fn mlp_config_validation_never_panics(config in any_mlp_config()) {
        check_verdict(&config, config.validate(), check_mlp_limits)?;
    }

    #[test]
    fn arbitrary_text_csv_never_panics(text in prop_oneof![any::<String>(), "[0-9a-z,.;\"' \t\r\n-]{0,300}"]) {
        check_csv(&text)?;
    }

    #[test]
    fn structured_csv_gives_sane_datasets(text in structured_csv()) {
        check_csv(&text)?;
    }

    /// A table written with f64's `Display` parses back to exactly its values, with the classes
    /// in numeric order.
    #[test]
    fn well_formed_csv_round_trips(table in well_formed_table()) {
        let features = table.rows[0].len();
        let mut text = String::new();
        if table.header {
            let names: Vec<String> = (0..features).map(|j| format!("x{j}")).collect();
            text.push_str(&format!("label,{}\n", names.join(",")));
        }
        for (label, row) in table.labels.iter().zip(&table.rows) {
            let cells: Vec<String> = row.iter().map(f64::to_string).collect();
            text.push_str(&format!("{label},{}\n", cells.join(",")));
        }
        let dataset = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let mut classes = table.labels.clone();
        classes.sort_unstable();
        classes.dedup();
        let names: Vec<String> = classes.iter().map(i64::to_string).collect();
        prop_assert_eq!(&dataset.class_names, &names);
        let labels: Vec<usize> = table.labels.iter().map(|l| classes.binary_search(l).unwrap()).collect();
        prop_assert_eq!(&dataset.labels, &labels);
        prop_assert_eq!(dataset.features.shape(), (table.rows.len(), features));
        for (i, row) in table.rows.iter().enumerate() {
            for (j, &value) in row.iter().enumerate() {
                prop_assert_eq!(dataset.features[(i, j)], value, "row {}, feature {}", i, j);
            }
        }
    }
}

/// The key lists above must be the parser's: every key a link is written with is listed, and
/// every listed key is written by some config.
#[test]
fn fuzzed_keys_are_the_parsers_keys() {
    let mnist = RfmConfig { feature: FeatureKind::Cos, projection: Projection::None, ..RfmConfig::default() };
    let synthetic =
        RfmConfig { data: DataConfig { dataset: DatasetSource::Synthetic, ..DataConfig::default() }, ..mnist.clone() };
    let keys_of = |hash: String| -> Vec<String> {
        form_urlencoded::parse(hash.as_bytes()).map(|(key, _)| key.into_owned()).collect()
    };
    let mut written: Vec<String> = keys_of(to_hash(&mnist));
    written.extend(keys_of(to_hash(&synthetic)));
    written.sort();
    written.dedup();
    let mut listed: Vec<String> = RFM_KEYS.iter().map(|k| k.to_string()).collect();
    listed.sort();
    assert_eq!(written, listed);
    let mut network_keys = keys_of(network_to_hash(&MlpConfig::default()));
    // The reset is written only when not the default.
    network_keys.extend(keys_of(network_to_hash(&MlpConfig { adam_reset: AdamReset::Epoch, ..MlpConfig::default() })));
    network_keys.sort();
    network_keys.dedup();
    let mut listed: Vec<String> = NETWORK_KEYS.iter().map(|k| k.to_string()).collect();
    listed.sort();
    assert_eq!(network_keys, listed);
}

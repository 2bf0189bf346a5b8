//! Experiment configs as URL hashes (`#dataset=mnist&n=1000&depth=8&...&seed=0`), so that a link
//! reproduces a run. Every value goes through the same parsing and validation as everywhere
//! else; a bad value is reported and that one setting falls back to its default.
//!
//! One hash holds both experiments of the page: the Deep RFM settings (with the data and the
//! seed, which the network shares) and the network's own settings (`net_depth`, `lr`, ...).

use std::str::FromStr;

use crate::config::rfm::{MAX_RFM_ITERS, MAX_SEEDS};
use crate::data::DatasetSource;
use crate::mlp::MlpConfig;
use crate::rfm::RfmConfig;

/// One setting of a config `C`: its key in the hash (named once: the messages take it from
/// here), how to write it, how to read it (an error says what is wrong with the value; the key
/// is prefixed), and whether it matters for a given config (synthetic-only settings are left out
/// of MNIST links).
struct Setting<C> {
    key: &'static str,
    write: fn(&C) -> String,
    read: fn(&mut C, &str) -> Result<(), String>,
    applies: fn(&C) -> bool,
}

impl<C> Setting<C> {
    /// Reads `value` into `config`, or says why not, naming the setting.
    fn read_into(&self, config: &mut C, value: &str) -> Result<(), String> {
        (self.read)(config, value).map_err(|why| format!("invalid {}: {why}", self.key))
    }
}

fn parse<T: FromStr>(value: &str, what: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("'{value}' is not {what}"))
}

/// Parses `value` into `slot`, or says that it is not `what`.
fn set<T: FromStr>(slot: &mut T, value: &str, what: &str) -> Result<(), String> {
    *slot = parse(value, what)?;
    Ok(())
}

/// A switch's value in a link: 1 (or true) on, 0 (or false) off.
fn flag(value: &str) -> Result<bool, String> {
    match value {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(format!("'{value}' is not 1 or 0")),
    }
}

fn always(_: &RfmConfig) -> bool {
    true
}

fn mnist_only(c: &RfmConfig) -> bool {
    c.data.dataset == DatasetSource::Mnist
}

fn synthetic_only(c: &RfmConfig) -> bool {
    c.data.dataset == DatasetSource::Synthetic
}

fn cos_only(c: &RfmConfig) -> bool {
    c.feature == crate::features::FeatureKind::Cos
}

/// The link key naming the user's test file.
const TEST_DATASET_KEY: &str = "test_dataset";

/// In the order they are applied (`rank` after `dim`, so that their joint check sees both) and
/// written (the seed last, so links read naturally).
const SETTINGS: [Setting<RfmConfig>; 25] = [
    Setting {
        key: "dataset",
        write: |c| String::from(c.data.dataset.clone()),
        read: |c, v| {
            let source: DatasetSource = v.parse()?;
            if let DatasetSource::Csv(_) = source {
                return Err("a CSV file cannot be opened from a link; load it again".into());
            }
            c.data.dataset = source;
            Ok(())
        },
        applies: always,
    },
    // Written so that the link names the user's test file, as `dataset` names the training
    // file; like it, never opened from a link (a file does not travel in one).
    Setting {
        key: TEST_DATASET_KEY,
        write: |c| c.data.test_dataset.clone().map(String::from).unwrap_or_default(),
        read: |_, v| {
            let _: DatasetSource = v.parse()?;
            Err("a test file cannot be opened from a link; load it again".into())
        },
        applies: |c| c.data.test_dataset.is_some(),
    },
    Setting {
        key: "n",
        write: |c| c.data.n_train.to_string(),
        read: |c, v| set(&mut c.data.n_train, v, "a whole number"),
        applies: always,
    },
    Setting {
        key: "test",
        write: |c| c.data.n_test.to_string(),
        read: |c, v| set(&mut c.data.n_test, v, "a whole number"),
        applies: always,
    },
    Setting {
        key: "digits",
        write: |c| c.data.digits.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(","),
        read: |c, v| {
            let digits = v.split(',').map(|d| parse(d.trim(), "a digit")).collect::<Result<Vec<u8>, _>>()?;
            c.data.digits = digits;
            Ok(())
        },
        applies: mnist_only,
    },
    Setting {
        key: "pool",
        write: |c| c.data.pool.to_string(),
        read: |c, v| set(&mut c.data.pool, v, "1 or 2"),
        applies: mnist_only,
    },
    Setting {
        key: "classes",
        write: |c| c.data.classes.to_string(),
        read: |c, v| set(&mut c.data.classes, v, "a whole number"),
        applies: synthetic_only,
    },
    Setting {
        key: "dim",
        write: |c| c.data.dim.to_string(),
        read: |c, v| set(&mut c.data.dim, v, "a whole number"),
        applies: synthetic_only,
    },
    Setting {
        key: "rank",
        write: |c| c.data.rank.to_string(),
        read: |c, v| set(&mut c.data.rank, v, "a whole number"),
        applies: synthetic_only,
    },
    Setting {
        key: "separation",
        write: |c| c.data.separation.to_string(),
        read: |c, v| set(&mut c.data.separation, v, "a number"),
        applies: synthetic_only,
    },
    Setting {
        key: "noise",
        write: |c| c.data.noise.to_string(),
        read: |c, v| set(&mut c.data.noise, v, "a number"),
        applies: synthetic_only,
    },
    Setting {
        key: "standardize",
        write: |c| u8::from(c.data.standardize).to_string(),
        read: |c, v| {
            c.data.standardize = flag(v)?;
            Ok(())
        },
        applies: always,
    },
    Setting {
        key: "depth",
        write: |c| c.depth.to_string(),
        read: |c, v| set(&mut c.depth, v, "a whole number"),
        applies: always,
    },
    Setting {
        key: "kernel",
        write: |c| c.kernel.name().to_string(),
        read: |c, v| {
            c.kernel = v.parse()?;
            Ok(())
        },
        applies: always,
    },
    Setting {
        key: "bandwidth",
        write: |c| c.bandwidth.to_string(),
        read: |c, v| set(&mut c.bandwidth, v, "a number"),
        applies: always,
    },
    Setting {
        key: "ridge",
        write: |c| c.ridge.to_string(),
        read: |c, v| set(&mut c.ridge, v, "a number"),
        applies: always,
    },
    Setting {
        key: "feature",
        write: |c| c.feature.name().to_string(),
        read: |c, v| {
            c.feature = v.parse()?;
            Ok(())
        },
        applies: always,
    },
    Setting {
        key: "width",
        write: |c| c.width.to_string(),
        read: |c, v| set(&mut c.width, v, "a whole number"),
        applies: always,
    },
    Setting {
        key: "sigma",
        write: |c| c.sigma.to_string(),
        read: |c, v| set(&mut c.sigma, v, "a number"),
        applies: cos_only,
    },
    Setting {
        key: "projection",
        write: |c| c.projection.name().to_string(),
        read: |c, v| set(&mut c.projection, v, "agop, none, centred, class-means or random-spectrum"),
        // Links of the paper's Deep RFM stay as they were.
        applies: |c| c.projection != crate::projection::Projection::Agop,
    },
    Setting {
        key: "seed",
        write: |c| c.seed.to_string(),
        read: |c, v| set(&mut c.seed, v, &format!("a whole number from 0 to {}", u32::MAX)),
        applies: always,
    },
    Setting {
        key: "seeds",
        write: |c| c.seeds.to_string(),
        read: |c, v| set(&mut c.seeds, v, &format!("a whole number from 1 to {MAX_SEEDS}")),
        // Links of single runs stay as they were.
        applies: |c| c.seeds != 1,
    },
    // The RFM's own knobs: written only away from the paper's layer, so that its links stay
    // as they were.
    Setting {
        key: "rfm_iters",
        write: |c| c.rfm_iters.to_string(),
        read: |c, v| set(&mut c.rfm_iters, v, &format!("a whole number from 1 to {MAX_RFM_ITERS}")),
        applies: |c| c.rfm_iters != 1,
    },
    Setting {
        key: "agop_power",
        write: |c| c.agop_power.to_string(),
        read: |c, v| set(&mut c.agop_power, v, "a number"),
        applies: |c| c.agop_power != 0.5,
    },
    Setting {
        key: "diag_agop",
        write: |c| u8::from(c.diag_agop).to_string(),
        read: |c, v| {
            c.diag_agop = flag(v)?;
            Ok(())
        },
        applies: |c| c.diag_agop,
    },
];

/// The network's own settings; its data and seed are those of the Deep RFM settings.
const NETWORK_SETTINGS: [Setting<MlpConfig>; 9] = [
    Setting {
        key: "net_depth",
        write: |c| c.depth.to_string(),
        read: |c, v| set(&mut c.depth, v, "a whole number"),
        applies: |_| true,
    },
    Setting {
        key: "net_width",
        write: |c| c.width.to_string(),
        read: |c, v| set(&mut c.width, v, "a whole number"),
        applies: |_| true,
    },
    Setting {
        key: "gain",
        write: |c| c.gain.to_string(),
        read: |c, v| set(&mut c.gain, v, "a number"),
        applies: |_| true,
    },
    Setting {
        key: "output_init",
        write: |c| c.output_init.name().to_string(),
        read: |c, v| set(&mut c.output_init, v, "torch or xavier"),
        applies: |_| true,
    },
    Setting {
        key: "lr",
        write: |c| c.learning_rate.to_string(),
        read: |c, v| set(&mut c.learning_rate, v, "a number"),
        applies: |_| true,
    },
    Setting {
        key: "adam_reset",
        write: |c| c.adam_reset.name().to_string(),
        read: |c, v| set(&mut c.adam_reset, v, "never or epoch"),
        // Links of one Adam per run (the default) stay as they were.
        applies: |c| c.adam_reset != crate::mlp::AdamReset::Never,
    },
    Setting {
        key: "batch",
        write: |c| c.batch_size.to_string(),
        read: |c, v| set(&mut c.batch_size, v, "a whole number"),
        applies: |_| true,
    },
    Setting {
        key: "epochs",
        write: |c| c.epochs.to_string(),
        read: |c, v| set(&mut c.epochs, v, "a whole number"),
        applies: |_| true,
    },
    Setting {
        key: "every",
        write: |c| c.measure_every.to_string(),
        read: |c, v| set(&mut c.measure_every, v, "a whole number"),
        applies: |_| true,
    },
];

fn write_settings<C>(settings: &[Setting<C>], config: &C) -> Vec<String> {
    settings.iter().filter(|s| (s.applies)(config)).map(|s| format!("{}={}", s.key, (s.write)(config))).collect()
}

/// The hash of `config` (without the leading `#`): every setting that matters for it.
pub fn to_hash(config: &RfmConfig) -> String {
    write_settings(&SETTINGS, config).join("&")
}

/// The network's own settings as hash parameters (`net_depth=5&net_width=256&...`), to follow
/// the Deep RFM part of a hash.
pub fn network_to_hash(config: &MlpConfig) -> String {
    write_settings(&NETWORK_SETTINGS, config).join("&")
}

/// The decoded `key=value` pairs of a hash (leading `#` optional), in order.
pub(crate) fn pairs_of(hash: &str) -> Vec<(String, String)> {
    let text = hash.strip_prefix('#').unwrap_or(hash);
    form_urlencoded::parse(text.as_bytes()).into_owned().collect()
}

/// Applies every setting found in `pairs` to `config` and records why a value could not be
/// kept. All values are tried together first; when the whole does not validate, each is kept
/// only if the config still validates with it, in passes until no more can be kept, so that
/// settings checked against each other (`n` against `digits`, the memory budget against `width`)
/// do not depend on their order in the link.
fn apply_settings<C: Clone>(
    settings: &[Setting<C>],
    pairs: &[(String, String)],
    config: &mut C,
    validate: fn(&C) -> crate::Result<()>,
    messages: &mut Vec<String>,
) {
    let present: Vec<(&Setting<C>, &str)> = settings
        .iter()
        .filter_map(|s| pairs.iter().rev().find(|(k, _)| k == s.key).map(|(_, v)| (s, v.as_str())))
        .collect();
    let mut all = config.clone();
    if present.iter().all(|(setting, value)| setting.read_into(&mut all, value).is_ok()) && validate(&all).is_ok() {
        *config = all;
        return;
    }
    let mut pending = present;
    loop {
        let mut rejected = Vec::new();
        for (setting, value) in pending.iter().copied() {
            let mut candidate = config.clone();
            match setting
                .read_into(&mut candidate, value)
                .and_then(|()| validate(&candidate).map_err(|e| e.to_string()))
            {
                Ok(()) => *config = candidate,
                Err(message) => rejected.push((setting, value, message)),
            }
        }
        if rejected.is_empty() || rejected.len() == pending.len() {
            messages.extend(rejected.into_iter().map(|(_, _, message)| format!("{message} (the default is used)")));
            return;
        }
        pending = rejected.into_iter().map(|(setting, value, _)| (setting, value)).collect();
    }
}

/// The Deep RFM config a hash describes (leading `#` optional), starting from the defaults, and
/// one message per value that could not be used (that setting keeps its default). The network's
/// settings are read by [`network_from_hash`]; keys listed in `other_keys` belong to someone
/// else (presentation flags) and are passed over silently; any other key is reported.
pub fn from_hash(hash: &str, other_keys: &[&str]) -> (RfmConfig, Vec<String>) {
    let pairs = pairs_of(hash);
    let mut config = RfmConfig::default();
    let mut messages = Vec::new();
    for (key, _) in &pairs {
        let known = SETTINGS.iter().any(|s| s.key == key)
            || NETWORK_SETTINGS.iter().any(|s| s.key == key)
            || other_keys.contains(&key.as_str());
        if !known {
            messages.push(format!("unknown setting '{key}' in the link was ignored"));
        }
    }
    apply_settings(&SETTINGS, &pairs, &mut config, RfmConfig::validate, &mut messages);
    (config, messages)
}

/// The network config a hash describes: its own settings from the hash (defaults otherwise),
/// the data and seed of `rfm` (the config [`from_hash`] read from the same hash), and one
/// message per value that could not be used. The config may not validate (then a message says
/// why) when no setting in the hash makes the network fit the data.
pub fn network_from_hash(hash: &str, rfm: &RfmConfig) -> (MlpConfig, Vec<String>) {
    let pairs = pairs_of(hash);
    let mut config = MlpConfig { data: rfm.data.clone(), seed: rfm.seed, ..MlpConfig::default() };
    let mut messages = Vec::new();
    apply_settings(&NETWORK_SETTINGS, &pairs, &mut config, MlpConfig::validate, &mut messages);
    // The network's defaults need not suit the Deep RFM data (a network too big for its memory
    // budget): say so, so that the page shows it before anyone trains.
    if let Err(error) = config.validate() {
        messages.push(format!("the network cannot be trained on this data: {error}"));
    }
    (config, messages)
}

/// The keys of the Deep RFM settings in a link (`dataset`, `n`, ..., `seeds`), in link order:
/// the names a teacher link may hide or lock. The test file is not among them: like the
/// training file's, its file control is no setting a link hides or locks.
pub fn setting_keys() -> Vec<&'static str> {
    SETTINGS.iter().map(|s| s.key).filter(|&key| key != TEST_DATASET_KEY).collect()
}

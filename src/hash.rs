//! Experiment configs as URL hashes (`#dataset=mnist&n=1000&depth=8&...&seed=0`), so that a link
//! reproduces a run. Every value goes through the same parsing and validation as everywhere
//! else; a bad value is reported and that one setting falls back to its default.

use std::str::FromStr;

use crate::data::DatasetSource;
use crate::rfm::RfmConfig;

/// One setting: its key in the hash, how to write it, how to read it, and whether it matters
/// for a given config (synthetic-only settings are left out of MNIST links, and so on).
struct Setting {
    key: &'static str,
    write: fn(&RfmConfig) -> String,
    read: fn(&mut RfmConfig, &str) -> Result<(), String>,
    applies: fn(&RfmConfig) -> bool,
}

fn parse<T: FromStr>(key: &str, value: &str, what: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("invalid {key}: '{value}' is not {what}"))
}

/// Parses `value` into `slot`, or says that it is not `what`.
fn set<T: FromStr>(slot: &mut T, key: &str, value: &str, what: &str) -> Result<(), String> {
    *slot = parse(key, value, what)?;
    Ok(())
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

/// In the order they are applied: `rank` after `dim`, so that their joint check sees both.
const SETTINGS: [Setting; 18] = [
    Setting {
        key: "dataset",
        write: |c| String::from(c.data.dataset.clone()),
        read: |c, v| {
            let source: DatasetSource = v.parse()?;
            if let DatasetSource::Csv(_) = source {
                return Err("invalid dataset: a CSV file cannot be opened from a link; load it again".into());
            }
            c.data.dataset = source;
            Ok(())
        },
        applies: always,
    },
    Setting {
        key: "n",
        write: |c| c.data.n_train.to_string(),
        read: |c, v| set(&mut c.data.n_train, "n", v, "a whole number"),
        applies: always,
    },
    Setting {
        key: "test",
        write: |c| c.data.n_test.to_string(),
        read: |c, v| set(&mut c.data.n_test, "test", v, "a whole number"),
        applies: always,
    },
    Setting {
        key: "digits",
        write: |c| c.data.digits.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(","),
        read: |c, v| {
            let digits = v.split(',').map(|d| parse("digits", d.trim(), "a digit")).collect::<Result<Vec<u8>, _>>()?;
            c.data.digits = digits;
            Ok(())
        },
        applies: mnist_only,
    },
    Setting {
        key: "pool",
        write: |c| c.data.pool.to_string(),
        read: |c, v| set(&mut c.data.pool, "pool", v, "1 or 2"),
        applies: mnist_only,
    },
    Setting {
        key: "classes",
        write: |c| c.data.classes.to_string(),
        read: |c, v| set(&mut c.data.classes, "classes", v, "a whole number"),
        applies: synthetic_only,
    },
    Setting {
        key: "dim",
        write: |c| c.data.dim.to_string(),
        read: |c, v| set(&mut c.data.dim, "dim", v, "a whole number"),
        applies: synthetic_only,
    },
    Setting {
        key: "rank",
        write: |c| c.data.rank.to_string(),
        read: |c, v| set(&mut c.data.rank, "rank", v, "a whole number"),
        applies: synthetic_only,
    },
    Setting {
        key: "separation",
        write: |c| c.data.separation.to_string(),
        read: |c, v| set(&mut c.data.separation, "separation", v, "a number"),
        applies: synthetic_only,
    },
    Setting {
        key: "noise",
        write: |c| c.data.noise.to_string(),
        read: |c, v| set(&mut c.data.noise, "noise", v, "a number"),
        applies: synthetic_only,
    },
    Setting {
        key: "standardize",
        write: |c| u8::from(c.data.standardize).to_string(),
        read: |c, v| {
            c.data.standardize = match v {
                "1" | "true" => true,
                "0" | "false" => false,
                _ => return Err(format!("invalid standardize: '{v}' is not 1 or 0")),
            };
            Ok(())
        },
        applies: always,
    },
    Setting {
        key: "depth",
        write: |c| c.depth.to_string(),
        read: |c, v| set(&mut c.depth, "depth", v, "a whole number"),
        applies: always,
    },
    Setting {
        key: "kernel",
        write: |c| c.kernel.name().to_string(),
        read: |c, v| {
            c.kernel = v.parse().map_err(|e| format!("invalid kernel: {e}"))?;
            Ok(())
        },
        applies: always,
    },
    Setting {
        key: "bandwidth",
        write: |c| c.bandwidth.to_string(),
        read: |c, v| set(&mut c.bandwidth, "bandwidth", v, "a number"),
        applies: always,
    },
    Setting {
        key: "ridge",
        write: |c| c.ridge.to_string(),
        read: |c, v| set(&mut c.ridge, "ridge", v, "a number"),
        applies: always,
    },
    Setting {
        key: "feature",
        write: |c| c.feature.name().to_string(),
        read: |c, v| {
            c.feature = v.parse().map_err(|e| format!("invalid feature: {e}"))?;
            Ok(())
        },
        applies: always,
    },
    Setting {
        key: "width",
        write: |c| c.width.to_string(),
        read: |c, v| set(&mut c.width, "width", v, "a whole number"),
        applies: always,
    },
    Setting {
        key: "sigma",
        write: |c| c.sigma.to_string(),
        read: |c, v| set(&mut c.sigma, "sigma", v, "a number"),
        applies: cos_only,
    },
];

/// The seed is written last, so links read naturally.
const SEED_KEY: &str = "seed";

/// The hash of `config` (without the leading `#`): every setting that matters for it.
pub fn to_hash(config: &RfmConfig) -> String {
    let mut parts: Vec<String> =
        SETTINGS.iter().filter(|s| (s.applies)(config)).map(|s| format!("{}={}", s.key, (s.write)(config))).collect();
    parts.push(format!("{SEED_KEY}={}", config.seed));
    parts.join("&")
}

/// The config a hash describes (leading `#` optional), starting from the defaults, and one
/// message per value that could not be used (that setting keeps its default). Keys listed in
/// `other_keys` belong to someone else (presentation flags) and are passed over silently.
pub fn from_hash(hash: &str, other_keys: &[&str]) -> (RfmConfig, Vec<String>) {
    let text = hash.strip_prefix('#').unwrap_or(hash);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes()).into_owned().collect();
    let mut config = RfmConfig::default();
    let mut messages = Vec::new();
    for (key, _) in &pairs {
        let known = SETTINGS.iter().any(|s| s.key == key) || key == SEED_KEY || other_keys.contains(&key.as_str());
        if !known {
            messages.push(format!("unknown setting '{key}' in the link was ignored"));
        }
    }
    let value_of = |key: &str| pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let mut apply = |config: &mut RfmConfig, key: &str, read: &dyn Fn(&mut RfmConfig, &str) -> Result<(), String>| {
        let Some(value) = value_of(key) else { return };
        let mut candidate = config.clone();
        match read(&mut candidate, value).and_then(|()| candidate.validate().map_err(|e| e.to_string())) {
            Ok(()) => *config = candidate,
            Err(message) => messages.push(format!("{message} (the default is used)")),
        }
    };
    for setting in &SETTINGS {
        apply(&mut config, setting.key, &setting.read);
    }
    apply(&mut config, SEED_KEY, &|c, v| set(&mut c.seed, SEED_KEY, v, "a whole number from 0 to 4294967295"));
    (config, messages)
}

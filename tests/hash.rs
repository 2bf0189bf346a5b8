//! Configs as URL hashes: a link reproduces a run; a bad value is reported and falls back.

use agop_collapse::data::{DataConfig, DatasetSource};
use agop_collapse::features::FeatureKind;
use agop_collapse::hash::{from_hash, to_hash};
use agop_collapse::kernel::KernelKind;
use agop_collapse::rfm::RfmConfig;

fn non_default() -> RfmConfig {
    RfmConfig {
        data: DataConfig {
            n_train: 300,
            n_test: 0,
            digits: vec![1, 7, 9],
            pool: 2,
            standardize: false,
            ..DataConfig::default()
        },
        depth: 5,
        kernel: KernelKind::Gaussian,
        bandwidth: 0.75,
        ridge: 1e-8,
        feature: FeatureKind::Cos,
        width: 512,
        sigma: 0.2,
        projection: agop_collapse::projection::Projection::RandomSpectrum,
        seed: 4_000_000_000,
        seeds: 3,
        ..RfmConfig::default()
    }
}

#[test]
fn a_hash_round_trips_every_setting() {
    let mnist = non_default();
    let synthetic = RfmConfig {
        data: DataConfig {
            dataset: DatasetSource::Synthetic,
            classes: 3,
            dim: 40,
            rank: 5,
            separation: 2.5,
            noise: 0.3,
            ..DataConfig::default()
        },
        ..RfmConfig::default()
    };
    for config in [RfmConfig::default(), mnist, synthetic] {
        let hash = to_hash(&config);
        let (back, messages) = from_hash(&format!("#{hash}"), &[]);
        assert!(messages.is_empty(), "{hash}: {messages:?}");
        // Settings that do not apply (e.g. sigma without the cos map) keep their defaults.
        assert_eq!(to_hash(&back), hash);
        if config.feature == FeatureKind::Cos {
            assert_eq!(back, config);
        }
    }
    assert!(to_hash(&RfmConfig::default()).starts_with("dataset=mnist&n=1000&test=500&digits=0,1,2,3,4,5,6,7,8,9"));
    assert!(to_hash(&RfmConfig::default()).ends_with("&seed=0"));
    // A single seed is not written, so that links of single runs read as before.
    assert!(!to_hash(&RfmConfig::default()).contains("seeds"));
    assert!(to_hash(&non_default()).ends_with("&seed=4000000000&seeds=3"));
}

#[test]
fn seeds_out_of_range_are_reported_and_fall_back_to_one() {
    for bad in ["0", "6", "two", "-1"] {
        let (config, messages) = from_hash(&format!("#seeds={bad}"), &[]);
        assert_eq!(config.seeds, 1, "{bad}");
        assert!(messages.iter().any(|m| m.contains("seeds")), "{bad}: {messages:?}");
    }
    let (config, messages) = from_hash("#seeds=5&seed=7", &[]);
    assert!(messages.is_empty(), "{messages:?}");
    assert_eq!((config.seed, config.seeds), (7, 5));
}

#[test]
fn a_bad_value_is_reported_and_that_setting_keeps_its_default() {
    let (config, messages) = from_hash("#depth=0&kernel=cubic&bandwidth=-2&ridge=1e-2&n=abc&digits=1,1&seed=-1", &[]);
    assert_eq!(config.ridge, 1e-2, "good values are kept");
    let defaults = RfmConfig::default();
    assert_eq!(
        (config.depth, config.kernel, config.bandwidth, config.data.n_train),
        (defaults.depth, defaults.kernel, defaults.bandwidth, defaults.data.n_train)
    );
    assert_eq!((config.data.digits.clone(), config.seed), (defaults.data.digits.clone(), defaults.seed));
    assert_eq!(messages.len(), 6, "{messages:?}");
    for needle in ["depth", "cubic", "bandwidth", "'abc'", "digits", "seed"] {
        assert!(messages.iter().any(|m| m.contains(needle)), "no message names {needle}: {messages:?}");
    }
}

#[test]
fn joint_checks_see_both_settings_and_unknown_keys_are_reported() {
    let (config, messages) = from_hash("dataset=synthetic&rank=30&dim=40", &[]);
    assert!(messages.is_empty(), "{messages:?}");
    assert_eq!((config.data.dim, config.data.rank), (40, 30));

    let (_, messages) = from_hash("depth=3&colour=red&embed=1", &["embed"]);
    assert_eq!(messages, vec!["unknown setting 'colour' in the link was ignored".to_string()]);

    let (config, messages) = from_hash("dataset=csv:data.csv", &[]);
    assert_eq!(config.data.dataset, DatasetSource::Mnist);
    assert!(messages[0].contains("CSV"), "{messages:?}");
}

#[test]
fn the_network_settings_share_the_hash_with_deep_rfm() {
    use agop_collapse::hash::{network_from_hash, network_to_hash};
    use agop_collapse::mlp::MlpConfig;
    let rfm = RfmConfig { seed: 9, data: DataConfig { n_train: 300, ..DataConfig::default() }, ..RfmConfig::default() };
    let network = MlpConfig {
        depth: 3,
        width: 64,
        gain: 1.0,
        output_init: agop_collapse::mlp::OutputInit::Xavier,
        learning_rate: 0.01,
        batch_size: 32,
        epochs: 40,
        measure_every: 5,
        ..MlpConfig::default()
    };
    let hash = format!("{}&{}", to_hash(&rfm), network_to_hash(&network));
    assert!(
        hash.contains("&net_depth=3&net_width=64&gain=1&output_init=xavier&lr=0.01&batch=32&epochs=40&every=5"),
        "{hash}"
    );
    let (rfm_back, messages) = from_hash(&hash, &[]);
    assert!(messages.is_empty(), "network keys are known: {messages:?}");
    assert_eq!(rfm_back, rfm);
    let (network_back, messages) = network_from_hash(&hash, &rfm_back);
    assert!(messages.is_empty(), "{messages:?}");
    assert_eq!(network_back, MlpConfig { data: rfm.data.clone(), seed: 9, ..network });

    let (fallback, messages) = network_from_hash("net_depth=0&lr=-1&epochs=20&output_init=normal", &rfm);
    assert_eq!((fallback.depth, fallback.learning_rate, fallback.epochs), (5, 1e-3, 20));
    assert_eq!(fallback.output_init, agop_collapse::mlp::OutputInit::Torch, "the default, PyTorch's");
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("output_init") && m.contains("torch or xavier")), "{messages:?}");
}

/// Settings checked against each other are kept whatever their order in the link, and values
/// no config can hold (wrapping sample counts, NaN in a setting the data ignores) are refused.
#[test]
fn settings_checked_together_do_not_depend_on_their_order() {
    for hash in
        ["n=4&digits=0,1", "digits=0,1&n=4", "dataset=synthetic&n=6&classes=2", "n=15000&test=0&width=1&depth=1"]
    {
        let (config, messages) = from_hash(hash, &[]);
        assert_eq!(messages, Vec::<String>::new(), "{hash}");
        assert_eq!(from_hash(&to_hash(&config), &[]), (config, vec![]), "{hash} round-trips");
    }
    let (config, _) = from_hash("n=4&digits=0,1", &[]);
    assert_eq!((config.data.n_train, config.data.digits.clone()), (4, vec![0, 1]));
    for hash in ["n=18446744073709551615&test=18446744073709551615&digits=0,1", "separation=NaN", "noise=inf"] {
        let (config, messages) = from_hash(hash, &[]);
        assert!(!messages.is_empty(), "{hash} is refused");
        let defaults = RfmConfig::default().data;
        assert_eq!((config.data.n_train, config.data.n_test), (defaults.n_train, defaults.n_test), "{hash}");
        assert_eq!((config.data.separation, config.data.noise), (defaults.separation, defaults.noise), "{hash}");
    }
}

/// The Adam reset is written only when it is not the default, so that existing links read and
/// write as before, and comes back from its link; a bad value is named with what it may be.
#[test]
fn the_adam_reset_round_trips_and_stays_out_of_default_links() {
    use agop_collapse::hash::{network_from_hash, network_to_hash};
    use agop_collapse::mlp::{AdamReset, MlpConfig};
    let rfm = RfmConfig::default();
    let default_hash = network_to_hash(&MlpConfig::default());
    assert!(!default_hash.contains("adam_reset"), "{default_hash}");
    let (back, messages) = network_from_hash(&default_hash, &rfm);
    assert!(messages.is_empty(), "{messages:?}");
    assert_eq!(back.adam_reset, AdamReset::Never);

    let reset = MlpConfig { adam_reset: AdamReset::Epoch, ..MlpConfig::default() };
    let hash = format!("{}&{}", to_hash(&rfm), network_to_hash(&reset));
    assert!(hash.contains("&lr=0.001&adam_reset=epoch&batch=128"), "{hash}");
    let (rfm_back, messages) = from_hash(&hash, &[]);
    assert!(messages.is_empty(), "the key is known: {messages:?}");
    let (back, messages) = network_from_hash(&hash, &rfm_back);
    assert!(messages.is_empty(), "{messages:?}");
    assert_eq!(back, reset);
    assert_eq!(network_to_hash(&back), network_to_hash(&reset));

    let (fallback, messages) = network_from_hash("adam_reset=sometimes&epochs=20", &rfm);
    assert_eq!((fallback.adam_reset, fallback.epochs), (AdamReset::Never, 20));
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("adam_reset")
            && messages[0].contains("'sometimes'")
            && messages[0].contains("never or epoch"),
        "{messages:?}"
    );
}

/// The RFM's own knobs are written only away from the paper's layer, so that existing links read
/// and write as before, come back from their link, and a value out of range or a combination the
/// config refuses is named and falls back.
#[test]
fn the_rfm_knobs_round_trip_and_stay_out_of_default_links() {
    let default_hash = to_hash(&RfmConfig::default());
    for key in ["rfm_iters", "agop_power", "diag_agop"] {
        assert!(!default_hash.contains(key), "{default_hash}");
    }
    let knobs = RfmConfig { rfm_iters: 3, agop_power: 1.0, diag_agop: true, ..RfmConfig::default() };
    let hash = to_hash(&knobs);
    assert!(hash.ends_with("&seed=0&rfm_iters=3&agop_power=1&diag_agop=1"), "{hash}");
    let (back, messages) = from_hash(&hash, &[]);
    assert!(messages.is_empty(), "{messages:?}");
    assert_eq!(back, knobs);

    for (bad, key) in [
        ("rfm_iters=0", "rfm_iters"),
        ("rfm_iters=11", "rfm_iters"),
        ("agop_power=0", "agop_power"),
        ("agop_power=2.5", "agop_power"),
        ("agop_power=NaN", "agop_power"),
        ("diag_agop=yes", "diag_agop"),
        ("projection=none&diag_agop=1", "diag_agop"),
        ("diag_agop=1&projection=random-spectrum", "diag_agop"),
        ("projection=class-means&rfm_iters=2", "rfm_iters"),
    ] {
        let (config, messages) = from_hash(bad, &[]);
        let defaults = RfmConfig::default();
        assert_eq!(
            (config.rfm_iters, config.agop_power, config.diag_agop),
            (defaults.rfm_iters, defaults.agop_power, defaults.diag_agop),
            "{bad}"
        );
        assert_eq!(messages.len(), 1, "{bad}: {messages:?}");
        assert!(messages[0].contains(key), "{bad}: {messages:?}");
    }
    let (config, messages) = from_hash("rfm_iters=10&agop_power=2&projection=centred&diag_agop=1", &[]);
    assert!(messages.is_empty(), "{messages:?}");
    assert_eq!((config.rfm_iters, config.agop_power, config.diag_agop), (10, 2.0, true));
}

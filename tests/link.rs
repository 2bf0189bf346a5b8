//! The page's whole link: both configs and the presentation flags, read once and written once.

use agop_collapse::data::DataConfig;
use agop_collapse::link::{Presentation, read_link, write_link};
use agop_collapse::mlp::MlpConfig;
use agop_collapse::rfm::RfmConfig;

#[test]
fn a_link_gives_both_configs_and_its_presentation_flags() {
    let (state, messages) =
        read_link("#n=300&depth=3&net_depth=2&lr=0.01&preset=binary-and-ridge&hide=kernel,ridge&lock=seed&tour=3");
    assert!(messages.is_empty(), "{messages:?}");
    assert_eq!((state.rfm.data.n_train, state.rfm.depth), (300, 3));
    assert_eq!((state.mlp.depth, state.mlp.learning_rate), (2, 0.01));
    assert_eq!(state.mlp.data, state.rfm.data, "the network shares the data");
    assert_eq!(state.view.preset.as_deref(), Some("binary-and-ridge"));
    assert_eq!(state.view.hide, ["kernel", "ridge"]);
    assert_eq!(state.view.lock, ["seed"]);
    assert_eq!(state.view.tour, Some(3));

    let written = write_link(&state.rfm, &state.mlp, &state.view).unwrap();
    assert!(written.hash.ends_with("&preset=binary-and-ridge&hide=kernel,ridge&lock=seed&tour=3"), "{}", written.hash);
    assert_eq!(read_link(&written.hash).0, state);
}

#[test]
fn unknown_flags_and_bad_steps_are_named() {
    let (state, messages) = read_link("#hide=kernel,nonsense&lock=other&tour=abc");
    assert_eq!(state.view.hide, ["kernel", "nonsense"]);
    assert!(messages.contains(&"unknown setting(s) to hide or lock: nonsense, other".to_string()), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("invalid tour: 'abc'")), "{messages:?}");
    assert_eq!(state.view.tour, None);
}

#[test]
fn an_invalid_deep_rfm_config_is_refused_and_a_network_that_cannot_train_is_left_out() {
    let bad = RfmConfig { bandwidth: -1.0, ..RfmConfig::default() };
    let error = write_link(&bad, &MlpConfig::default(), &Presentation::default()).unwrap_err();
    assert!(error.to_string().contains("bandwidth"), "{error}");

    let network = MlpConfig { gain: -1.0, ..MlpConfig::default() };
    let written = write_link(&RfmConfig::default(), &network, &Presentation::default()).unwrap();
    assert!(written.network_problem.as_deref().is_some_and(|p| p.contains("gain")), "{:?}", written.network_problem);
    assert!(!written.hash.contains("net_depth"), "{}", written.hash);

    // The network always takes the data and seed of the Deep RFM config.
    let rfm = RfmConfig { data: DataConfig { n_train: 200, ..DataConfig::default() }, seed: 9, ..RfmConfig::default() };
    let written = write_link(&rfm, &MlpConfig::default(), &Presentation::default()).unwrap();
    assert_eq!((written.mlp.data.n_train, written.mlp.seed), (200, 9));
}

#[test]
fn a_preset_id_is_escaped_in_the_link() {
    let view = Presentation { preset: Some("a&b=c#d".into()), ..Presentation::default() };
    let written = write_link(&RfmConfig::default(), &MlpConfig::default(), &view).unwrap();
    assert_eq!(read_link(&written.hash).0.view.preset.as_deref(), Some("a&b=c#d"));
}

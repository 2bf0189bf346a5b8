//! The page's link as one value: the experiment settings (Deep RFM and the network, see
//! [`crate::hash`]) and the presentation flags (an exercise to show, settings a teacher hides or
//! locks). The page reads its link once, through [`read_link`], and writes it from its state
//! alone, through [`write_link`]: every value passes the config types' validation on the way.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::hash;
use crate::mlp::MlpConfig;
use crate::rfm::RfmConfig;

/// Keys of the presentation flags in a link, beside the experiment settings.
pub const PRESENTATION_KEYS: [&str; 4] = ["preset", "hide", "lock", "tour"];

/// The presentation flags a link carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Presentation {
    /// The exercise whose text is shown (its id), if any.
    pub preset: Option<String>,
    /// Settings (by link key, e.g. `kernel`) a teacher hides from students.
    pub hide: Vec<String>,
    /// Settings shown but fixed.
    pub lock: Vec<String>,
    /// The step of the guided tour to open (1-based); `Some(0)` starts without the tour and
    /// `None` leaves the choice to the page.
    pub tour: Option<u32>,
}

/// Everything a link describes: both experiments' configs and the presentation flags. The
/// network shares the data and the seed of the Deep RFM config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkState {
    pub rfm: RfmConfig,
    pub mlp: MlpConfig,
    pub view: Presentation,
}

/// A state written as a link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WrittenLink {
    /// The hash, without `#`.
    pub hash: String,
    /// The network config as the link holds it (the data and seed of the Deep RFM config).
    pub mlp: MlpConfig,
    /// Why the network cannot be trained with these settings (its part of the link is then
    /// left out), if it cannot.
    pub network_problem: Option<String>,
}

/// Reads a link's hash (leading `#` optional): the state it describes, every setting it does
/// not name at its default, and one message per value that could not be used (that setting
/// keeps its default) or key that is not known.
pub fn read_link(text: &str) -> (LinkState, Vec<String>) {
    let (rfm, mut messages) = hash::from_hash(text, &PRESENTATION_KEYS);
    let (mlp, network_messages) = hash::network_from_hash(text, &rfm);
    messages.extend(network_messages);
    let mut view = Presentation::default();
    let known = hash::setting_keys();
    let mut unknown = Vec::new();
    for (key, value) in hash::pairs_of(text) {
        let listed = || value.split(',').map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect::<Vec<_>>();
        match key.as_str() {
            "preset" => view.preset = Some(value.clone()).filter(|v| !v.is_empty()),
            "hide" => view.hide = listed(),
            "lock" => view.lock = listed(),
            "tour" => match value.parse::<u32>() {
                Ok(step) => view.tour = Some(step),
                Err(_) => messages.push(format!("invalid tour: '{value}' is not a step number")),
            },
            _ => {}
        }
    }
    for key in view.hide.iter().chain(&view.lock) {
        if !known.contains(&key.as_str()) && !unknown.contains(key) {
            unknown.push(key.clone());
        }
    }
    if !unknown.is_empty() {
        messages.push(format!("unknown setting(s) to hide or lock: {}", unknown.join(", ")));
    }
    (LinkState { rfm, mlp, view }, messages)
}

/// Writes a state as a link. The Deep RFM config must validate (else its error is returned);
/// the network takes the Deep RFM config's data and seed, and its settings join the link only
/// when it validates with them (else `network_problem` says why). Presentation flags follow
/// the settings.
pub fn write_link(rfm: &RfmConfig, mlp: &MlpConfig, view: &Presentation) -> Result<WrittenLink> {
    rfm.validate()?;
    let mlp = MlpConfig { data: rfm.data.clone(), seed: rfm.seed, ..mlp.clone() };
    let mut parts = vec![hash::to_hash(rfm)];
    let network_problem = match mlp.validate() {
        Ok(()) => {
            parts.push(hash::network_to_hash(&mlp));
            None
        }
        Err(error) => Some(error.to_string()),
    };
    if let Some(preset) = view.preset.as_deref().filter(|p| !p.is_empty()) {
        parts.push(format!("preset={}", encode(preset)));
    }
    for (key, list) in [("hide", &view.hide), ("lock", &view.lock)] {
        if !list.is_empty() {
            parts.push(format!("{key}={}", list.iter().map(|k| encode(k)).collect::<Vec<_>>().join(",")));
        }
    }
    if let Some(step) = view.tour {
        parts.push(format!("tour={step}"));
    }
    Ok(WrittenLink { hash: parts.join("&"), mlp, network_problem })
}

/// `text` as one value of a link (`&`, `=`, `#` and the like escaped).
fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

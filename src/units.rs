//! Quantities written for people. A leaf, so that the error messages ([`crate::error`]) and the
//! memory budgets ([`crate::memory`]) can both use it.

/// A byte count for people: "1.5 GB", "820 MB" (at least "1 MB").
pub fn human_bytes(bytes: u64) -> String {
    const MB: f64 = 1e6;
    let value = bytes as f64;
    if value >= 1e9 { format!("{:.1} GB", value / 1e9) } else { format!("{:.0} MB", (value / MB).max(1.0)) }
}

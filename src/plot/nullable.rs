//! Reading numbers that JSON may carry as `null`: JSON has no NaN, so serde_json and
//! `JSON.stringify` write a NaN or an infinity as `null`. A chart reads it back as NaN and skips it.

use serde::{Deserialize, Deserializer};

/// Points `[x, y]` whose coordinates may be `null` (read as NaN).
pub(crate) fn points<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<[f64; 2]>, D::Error> {
    let points = Vec::<[Option<f64>; 2]>::deserialize(deserializer)?;
    Ok(points.into_iter().map(|point| point.map(|v| v.unwrap_or(f64::NAN))).collect())
}

/// Triples `[x, low, high]` whose entries may be `null` (read as NaN).
pub(crate) fn triples<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<[f64; 3]>, D::Error> {
    let triples = Vec::<[Option<f64>; 3]>::deserialize(deserializer)?;
    Ok(triples.into_iter().map(|triple| triple.map(|v| v.unwrap_or(f64::NAN))).collect())
}

/// Numbers that may be `null` (read as NaN).
pub(crate) fn numbers<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f64>, D::Error> {
    let numbers = Vec::<Option<f64>>::deserialize(deserializer)?;
    Ok(numbers.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

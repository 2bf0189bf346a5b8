//! The user's own data: a CSV file with a label column and numeric features.
//!
//! The header is optional: the first record is a header when one of its feature fields is not a
//! number. The label column is the one named `label` or `class` (any case) when there is a
//! header that has one, else the first column. Labels may be numbers or any text; classes are
//! ordered numerically when every label is a number, else alphabetically.

use super::Dataset;
use crate::error::{Error, Result};
use crate::linalg::Mat;

/// Largest number of values (rows x features) accepted from a CSV file.
pub const MAX_VALUES: usize = 20_000_000;

/// Parses CSV text into a dataset (all rows, in file order). Errors name the line and column of
/// the first bad value, or what is wrong with the whole (too few classes, a class of one sample).
pub fn parse(text: &str) -> Result<Dataset> {
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).trim(::csv::Trim::All).from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::Csv { line, column: 0, message: e.to_string() }
        })?;
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        records.push((line, record));
    }
    let Some((_, first)) = records.first() else {
        return Err(Error::Data("the CSV file has no rows".into()));
    };
    let header_label = |fields: &::csv::StringRecord| {
        fields.iter().position(|f| f.eq_ignore_ascii_case("label") || f.eq_ignore_ascii_case("class"))
    };
    let label_column = header_label(first).unwrap_or(0);
    let has_header = first.iter().enumerate().any(|(j, f)| j != label_column && f.parse::<f64>().is_err());
    let label_column = if has_header { label_column } else { 0 };
    let width = first.len();
    if width < 2 {
        return Err(Error::Data("the CSV file needs a label column and at least one feature column".into()));
    }
    let body = &records[usize::from(has_header)..];
    if body.len() > super::config::MAX_SAMPLES {
        return Err(Error::Data(format!(
            "the CSV file is too large: {} rows; the lab takes at most {} samples",
            body.len(),
            super::config::MAX_SAMPLES
        )));
    }
    if body.len() * (width - 1) > MAX_VALUES {
        return Err(Error::Data(format!(
            "the CSV file is too large: {} rows x {} features; at most {MAX_VALUES} values fit",
            body.len(),
            width - 1
        )));
    }

    let mut features = Mat::zeros(body.len(), width - 1);
    let mut raw_labels = Vec::with_capacity(body.len());
    for (row, (line, record)) in body.iter().enumerate() {
        if record.len() != width {
            return Err(Error::Csv {
                line: *line,
                column: record.len().min(width) + 1,
                message: format!("expected {width} fields, found {}", record.len()),
            });
        }
        let mut feature = 0;
        for (j, field) in record.iter().enumerate() {
            if j == label_column {
                if field.is_empty() {
                    return Err(Error::Csv { line: *line, column: j + 1, message: "the label is empty".into() });
                }
                raw_labels.push(field.to_string());
                continue;
            }
            let value: f64 = field.parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| Error::Csv {
                line: *line,
                column: j + 1,
                message: format!("'{field}' is not a finite number"),
            })?;
            features[(row, feature)] = value;
            feature += 1;
        }
    }

    let mut class_names: Vec<String> = raw_labels.clone();
    class_names.sort();
    class_names.dedup();
    if class_names.iter().all(|c| c.parse::<f64>().is_ok()) {
        class_names.sort_by(|a, b| {
            let number = |text: &str| text.parse::<f64>().unwrap_or(f64::NAN);
            number(a).total_cmp(&number(b))
        });
    }
    if class_names.len() < 2 {
        return Err(Error::Data(format!("the CSV file needs at least two classes, found {}", class_names.len())));
    }
    let index: std::collections::HashMap<&str, usize> =
        class_names.iter().enumerate().map(|(i, name)| (name.as_str(), i)).collect();
    let labels: Vec<usize> = raw_labels.iter().map(|l| index[l.as_str()]).collect();
    let mut counts = vec![0usize; class_names.len()];
    labels.iter().for_each(|&y| counts[y] += 1);
    if let Some(single) = counts.iter().position(|&c| c < 2) {
        return Err(Error::Data(format!(
            "class '{}' has a single sample; every class needs at least two",
            class_names[single]
        )));
    }
    Ok(Dataset { features, labels, class_names, image_shape: None })
}

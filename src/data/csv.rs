//! The user's own data: a CSV file with a label column and numeric features, and optionally a
//! second file with the same columns as the test set.
//!
//! The header is optional: the first record is a header when one of its feature fields is not a
//! number. The label column is the one named `label` or `class` (any case) when there is a
//! header that has one, else the first column. Labels may be numbers or any text; classes are
//! ordered numerically when every label is a number, else alphabetically.
//!
//! A test file repeats the training file's columns: the same header (or none when the training
//! file has none) and the same number of fields; its labels must be classes of the training
//! file, and are numbered as the training file numbers them.

use super::Dataset;
use crate::error::{Error, Result};
use crate::linalg::Mat;

/// Largest number of values (rows x features) accepted from a CSV file.
pub const MAX_VALUES: usize = 20_000_000;

/// The columns of a CSV file, as the loader read them: what a test file must repeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// The header's fields (trimmed), when the file has a header.
    pub header: Option<Vec<String>>,
    /// Index of the label column among the fields.
    pub label: usize,
    /// Number of fields of every row (the label and the features).
    pub width: usize,
}

/// A training file read: its samples and its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub dataset: Dataset,
    pub columns: Columns,
}

/// A record and the 1-based line of the file it starts on.
type Line = (u64, ::csv::StringRecord);

/// Parses CSV text into a dataset (all rows, in file order). Errors name the line and column of
/// the first bad value, or what is wrong with the whole (too few classes, a class of one sample).
pub fn parse(text: &str) -> Result<Dataset> {
    Ok(parse_table(text)?.dataset)
}

/// [`parse`], keeping the columns the file was read with (for [`parse_test`]).
pub fn parse_table(text: &str) -> Result<Table> {
    let records = records(text, false)?;
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
    let columns =
        Columns { header: has_header.then(|| first.iter().map(str::to_string).collect()), label: label_column, width };
    let body = &records[usize::from(has_header)..];
    check_size(body.len(), width, "the CSV file")?;
    let (features, raw_labels) = read_rows(body, &columns, |_, label| Ok(label.to_string()))?;

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
    Ok(Table { dataset: Dataset { features, labels, class_names, image_shape: None }, columns })
}

/// Parses the test file `name` (its `text`) for the training file `training`: the same columns
/// (its header, or none when it has none, and its number of fields), labels among its classes
/// (numbered as there), at least one row. A test set may leave classes out. Errors are
/// [`Error::InTestFile`], naming the file, the problem and the 1-based line.
pub fn parse_test(text: &str, name: &str, training: &Table) -> Result<Dataset> {
    read_test(text, training).map_err(|error| Error::InTestFile { name: name.to_string(), source: Box::new(error) })
}

fn read_test(text: &str, training: &Table) -> Result<Dataset> {
    let columns = &training.columns;
    let classes = &training.dataset.class_names;
    let records = records(text, true)?;
    let Some((first_line, first)) = records.first() else {
        return Err(Error::Data("it has no rows".into()));
    };
    // The first line's feature fields (all but the label's): numbers in a row, words in a header.
    let first_features: Vec<&str> =
        first.iter().enumerate().filter(|&(j, _)| j != columns.label).map(|(_, f)| f).collect();
    let skip = match &columns.header {
        Some(header) => {
            let located = |column: usize, message: String| Error::Csv { line: *first_line, column, message };
            if first_features.iter().all(|f| f.parse::<f64>().is_ok()) {
                return Err(located(
                    1,
                    format!("no header; the first line must be the training file's: {}", header.join(",")),
                ));
            }
            if first.len() != header.len() {
                return Err(located(
                    first.len().min(header.len()) + 1,
                    format!(
                        "the header has {} columns, the training file's has {}: {}",
                        first.len(),
                        header.len(),
                        header.join(",")
                    ),
                ));
            }
            if let Some(j) = header.iter().zip(first.iter()).position(|(expected, found)| expected != found) {
                return Err(located(
                    j + 1,
                    format!(
                        "the header names this column '{}', the training file's names it '{}'",
                        &first[j], header[j]
                    ),
                ));
            }
            1
        }
        None => {
            if !first_features.is_empty() && first_features.iter().all(|f| f.parse::<f64>().is_err()) {
                return Err(Error::Csv {
                    line: *first_line,
                    column: 1,
                    message: "this line looks like a header, but the training file has none: remove it".into(),
                });
            }
            0
        }
    };
    let body = &records[skip..];
    if body.is_empty() {
        return Err(Error::Data(format!("it has a header (line {first_line}) but no rows")));
    }
    check_size(body.len(), columns.width, "it")?;
    if let Some((line, record)) = body.iter().find(|(_, record)| record.len() != columns.width) {
        return Err(Error::Csv {
            line: *line,
            column: record.len().min(columns.width) + 1,
            message: format!("this row has {} fields, the training file's rows have {}", record.len(), columns.width),
        });
    }
    let index: std::collections::HashMap<&str, usize> =
        classes.iter().enumerate().map(|(i, name)| (name.as_str(), i)).collect();
    let (features, labels) = read_rows(body, columns, |line, label| {
        index.get(label).copied().ok_or_else(|| Error::Csv {
            line,
            column: columns.label + 1,
            message: format!("the label '{label}' is not a class of the training file ({})", listed(classes)),
        })
    })?;
    Ok(Dataset { features, labels, class_names: classes.clone(), image_shape: None })
}

/// The records of `text` that are not blank, with their lines. With `flexible`, rows of other
/// lengths are left for the caller to report.
fn records(text: &str, flexible: bool) -> Result<Vec<Line>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(flexible)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text);
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
            Error::Csv { line, column: 0, message: e.to_string() }
        })?;
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        records.push((line, record));
    }
    Ok(records)
}

/// Lines as a text editor numbers them (from 1; a line ends at `\n`, `\r\n` or a lone `\r`,
/// blank lines included), of byte offsets asked in increasing order. The CSV reader's own line
/// count passes over blank lines.
struct LineCounter<'a> {
    text: &'a [u8],
    /// Bytes counted so far, and the line the next byte is on.
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter { text: text.as_bytes(), offset: 0, line: 1 }
    }

    /// The line of the record the reader places at `byte`: the reader's place is before the
    /// empty lines it passes over, so the record starts after them. Precondition: not before an
    /// offset asked already.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut end = (byte as usize).clamp(self.offset, self.text.len().max(self.offset));
        while matches!(self.text.get(end), Some(b'\n' | b'\r')) {
            end += 1;
        }
        for i in self.offset..end {
            let ends_line = match self.text[i] {
                b'\n' => true,
                b'\r' => self.text.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            self.line += u64::from(ends_line);
        }
        self.offset = end;
        self.line
    }
}

/// Refuses `rows` rows of `width` fields (a label and features) over the lab's limits; `what`
/// names the file.
fn check_size(rows: usize, width: usize, what: &str) -> Result<()> {
    if rows > super::config::MAX_SAMPLES {
        return Err(Error::Data(format!(
            "{what} is too large: {rows} rows; the lab takes at most {} samples",
            super::config::MAX_SAMPLES
        )));
    }
    if rows * (width - 1) > MAX_VALUES {
        return Err(Error::Data(format!(
            "{what} is too large: {rows} rows x {} features; at most {MAX_VALUES} values fit",
            width - 1
        )));
    }
    Ok(())
}

/// The features of `body` (rows x `columns.width - 1`) and the label of every row as `label`
/// reads it from its line and text. Every row must have `columns.width` fields, a label that is
/// not empty and finite numbers for features. Precondition: within [`check_size`]'s limits.
fn read_rows<L>(body: &[Line], columns: &Columns, label: impl Fn(u64, &str) -> Result<L>) -> Result<(Mat, Vec<L>)> {
    let width = columns.width;
    let mut features = Mat::zeros(body.len(), width - 1);
    let mut labels = Vec::with_capacity(body.len());
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
            if j == columns.label {
                if field.is_empty() {
                    return Err(Error::Csv { line: *line, column: j + 1, message: "the label is empty".into() });
                }
                labels.push(label(*line, field)?);
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
    Ok((features, labels))
}

/// The class names for a message: all of them, or the first ones and how many more.
fn listed(classes: &[String]) -> String {
    const SHOWN: usize = 10;
    let names: Vec<String> = classes.iter().take(SHOWN).map(|c| format!("'{c}'")).collect();
    match classes.len().checked_sub(SHOWN) {
        Some(more) if more > 0 => format!("{} and {more} more", names.join(", ")),
        _ => names.join(", "),
    }
}

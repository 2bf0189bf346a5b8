//! The shipped MNIST subset: 10,000 real digits (28 x 28) in a compact, checksummed binary.
//!
//! Layout (little-endian): magic `AGOPMNST`, u32 version (1), u32 count, u32 rows, u32 cols,
//! u32 number of grey levels L (at most 256), L f64 grey values, `count` u8 labels,
//! `count * rows * cols` u8 pixel codes (indices into the grey values), u32 CRC-32 of all the
//! bytes before it. The grey values are the exact numbers of the source, so decoding restores
//! every pixel bit for bit.

use crate::error::{Error, Result};

const MAGIC: &[u8; 8] = b"AGOPMNST";
const VERSION: u32 = 1;

/// Decoded MNIST digits.
#[derive(Debug, Clone, PartialEq)]
pub struct Mnist {
    /// Image height and width in pixels.
    pub rows: usize,
    pub cols: usize,
    /// The digit (0..9) of every image.
    pub labels: Vec<u8>,
    /// `labels.len() * rows * cols` codes, image after image, row-major within an image.
    pub pixels: Vec<u8>,
    /// The grey value of every pixel code.
    pub levels: Vec<f64>,
}

impl Mnist {
    /// Builds the set from images given as grey values: `values` holds `labels.len()` images of
    /// `rows * cols` values each. Fails when the values take more than 256 distinct levels.
    pub fn from_values(rows: usize, cols: usize, labels: Vec<u8>, values: &[f64]) -> Result<Self> {
        if values.len() != labels.len() * rows * cols {
            return Err(Error::Data(format!(
                "{} grey values for {} images of {rows} x {cols} pixels",
                values.len(),
                labels.len()
            )));
        }
        if let Some(bad) = labels.iter().find(|&&l| l > 9) {
            return Err(Error::Data(format!("digit label {bad} is not in 0..9")));
        }
        let mut levels: Vec<f64> = values.to_vec();
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        if levels.len() > 256 || levels.iter().any(|v| !v.is_finite()) {
            return Err(Error::Data(format!(
                "the images take {} distinct grey values; at most 256 finite ones fit a byte",
                levels.len()
            )));
        }
        let pixels =
            values.iter().map(|v| levels.binary_search_by(|l| l.total_cmp(v)).expect("level present") as u8).collect();
        Ok(Mnist { rows, cols, labels, pixels, levels })
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Pixels per image.
    pub fn pixels_per_image(&self) -> usize {
        self.rows * self.cols
    }

    /// The grey values of image `index`. Precondition: `index < len()`.
    pub fn image(&self, index: usize) -> impl Iterator<Item = f64> + '_ {
        let size = self.pixels_per_image();
        self.pixels[index * size..(index + 1) * size].iter().map(|&code| self.levels[code as usize])
    }

    /// The binary form described in the module docs.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + self.levels.len() * 8 + self.labels.len() + self.pixels.len());
        out.extend_from_slice(MAGIC);
        for value in [VERSION, self.len() as u32, self.rows as u32, self.cols as u32, self.levels.len() as u32] {
            out.extend_from_slice(&value.to_le_bytes());
        }
        for level in &self.levels {
            out.extend_from_slice(&level.to_le_bytes());
        }
        out.extend_from_slice(&self.labels);
        out.extend_from_slice(&self.pixels);
        let checksum = crc32fast::hash(&out);
        out.extend_from_slice(&checksum.to_le_bytes());
        out
    }

    /// Reads the binary form, checking its magic, version, sizes, checksum and contents.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let corrupt =
            |why: &str| Error::Data(format!("the MNIST data file is damaged ({why}); rebuild it with ./build.sh"));
        if bytes.len() < 32 || &bytes[..8] != MAGIC {
            return Err(corrupt("not an agop-collapse MNIST file"));
        }
        let (body, tail) = bytes.split_at(bytes.len() - 4);
        if crc32fast::hash(body) != u32::from_le_bytes(tail.try_into().expect("4 bytes")) {
            return Err(corrupt("checksum mismatch"));
        }
        let word = |at: usize| u32::from_le_bytes(body[at..at + 4].try_into().expect("4 bytes")) as usize;
        if word(8) != VERSION as usize {
            return Err(corrupt("unknown version"));
        }
        let (count, rows, cols, level_count) = (word(12), word(16), word(20), word(24));
        let levels_end = 28 + level_count * 8;
        let labels_end = levels_end + count;
        if level_count == 0 || level_count > 256 || body.len() != labels_end + count * rows * cols {
            return Err(corrupt("inconsistent sizes"));
        }
        let levels: Vec<f64> =
            body[28..levels_end].chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
        let labels = body[levels_end..labels_end].to_vec();
        let pixels = body[labels_end..].to_vec();
        if labels.iter().any(|&l| l > 9) || pixels.iter().any(|&p| p as usize >= level_count) {
            return Err(corrupt("values out of range"));
        }
        Ok(Mnist { rows, cols, labels, pixels, levels })
    }
}

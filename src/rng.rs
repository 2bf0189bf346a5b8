//! Seeded, reproducible random streams.
//!
//! Every random draw of an experiment flows from the one user-visible seed. Each purpose
//! (choosing data, drawing feature maps, initialising networks) reads its own ChaCha8 stream, so
//! changing, say, the width of the feature map never changes which samples were drawn.
//! ChaCha8 is specified bit for bit, so the same seed gives the same numbers on every platform.

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// What a random stream is used for; each purpose gets an independent stream of the same seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Subsets, splits and synthetic data.
    Data = 1,
    /// Random feature maps of Deep RFM.
    Features = 2,
    /// Network weight initialisation.
    Init = 3,
    /// Mini-batch order during training.
    Shuffle = 4,
    /// Starting directions of iterative methods behind pictures (PCA).
    Views = 5,
    /// Random bases of Deep RFM's `random-spectrum` projection.
    Projection = 6,
}

/// A seeded random stream.
pub struct Stream(ChaCha8Rng);

impl Stream {
    /// The stream of `purpose` for `seed`.
    pub fn new(seed: u64, purpose: Purpose) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(purpose as u64);
        Stream(rng)
    }

    /// Uniform in `[low, high)`. Precondition: `low < high`, both finite.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.0.random::<f64>()
    }

    /// A standard normal draw.
    pub fn normal(&mut self) -> f64 {
        StandardNormal.sample(&mut self.0)
    }

    /// A Cauchy draw with location 0 and the given `scale` (> 0), by inverting the CDF.
    pub fn cauchy(&mut self, scale: f64) -> f64 {
        // u in (0, 1) excluded endpoints keeps tan finite.
        let mut u = self.0.random::<f64>();
        while u == 0.0 {
            u = self.0.random::<f64>();
        }
        scale * (std::f64::consts::PI * (u - 0.5)).tan()
    }

    /// Shuffles `items` in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        items.shuffle(&mut self.0);
    }
}

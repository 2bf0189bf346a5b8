//! Seeded Gaussian mixtures: K classes whose means lie at distance `separation` from the origin
//! in random directions, with isotropic noise, optionally on a random low-dimensional subspace.

use super::{DataConfig, Dataset, Split, per_class_counts};
use crate::linalg::Mat;
use crate::rng::Stream;

/// Draws the mixture `config` describes (the synthetic fields, `n_train` and `n_test`).
///
/// In the intrinsic dimension r (`rank`, or `dim` when 0): class means `separation * g / ||g||`
/// with g standard normal, samples `mean + noise * N(0, I_r)`; when r < dim, every sample is
/// then mapped into R^dim by a random orthonormal basis of an r-dimensional subspace.
/// Precondition: `config.validate()` passed.
pub fn generate(config: &DataConfig, rng: &mut Stream) -> Split {
    let classes = config.classes;
    let intrinsic = if config.rank == 0 { config.dim } else { config.rank };
    let mut means = Mat::from_fn(classes, intrinsic, |_, _| 0.0);
    for mut row in means.row_iter_mut() {
        row.apply(|v| *v = rng.normal());
        let norm = row.norm();
        if norm > 0.0 {
            row *= config.separation / norm;
        }
    }
    let basis = (intrinsic < config.dim).then(|| {
        let gaussian = Mat::from_fn(config.dim, intrinsic, |_, _| rng.normal());
        gaussian.qr().q() // dim x r, orthonormal columns
    });
    let mut draw = |total: usize| {
        let counts = per_class_counts(total, classes);
        let labels: Vec<usize> = counts.iter().enumerate().flat_map(|(c, &n)| std::iter::repeat_n(c, n)).collect();
        let mut latent = Mat::zeros(labels.len(), intrinsic);
        for (i, &class) in labels.iter().enumerate() {
            for j in 0..intrinsic {
                latent[(i, j)] = means[(class, j)] + config.noise * rng.normal();
            }
        }
        let features = match &basis {
            Some(q) => latent * q.transpose(),
            None => latent,
        };
        Dataset {
            features,
            labels,
            class_names: (0..classes).map(|c| format!("class {c}")).collect(),
            image_shape: None,
        }
    };
    let train = draw(config.n_train);
    let test = draw(config.n_test);
    Split { name: "synthetic".into(), train, test, test_file: None }
}

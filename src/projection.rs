//! What a Deep RFM layer projects its features with: the question the paper leaves open is
//! whether it is the AGOP itself that collapses the classes, or any matrix of the kind. Every
//! variant gives a symmetric PSD matrix M and its square root; the layer then maps `X M^{1/2}`.
//!
//! - `agop` (the paper's): the AGOP normalised by its largest entry;
//! - `none`: M = I, only the row normalisation and the random features act (the control);
//! - `centred`: the covariance of the gradients, the AGOP minus the outer products of the mean
//!   gradient of every output, normalised the same way;
//! - `class-means`: the between-class scatter Sigma_B of the layer's input, no kernel machine at
//!   all, normalised the same way;
//! - `random-spectrum`: the AGOP's own eigenvalues on a random orthonormal basis (the same
//!   spectrum, other directions).

use serde::{Deserialize, Serialize};

use crate::agop::{AgopForm, agop_with, normalise_by_max, radial_weights};
use crate::error;
use crate::kernel::{Kernel, KernelMatrix};
use crate::linalg::{Mat, PsdPower, product, psd_power, transpose_gram, transpose_product};
use crate::nc::between_class_scatter;
use crate::parallel::Offload;
use crate::rng::Stream;

/// The matrix a Deep RFM layer projects with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Projection {
    /// The AGOP, normalised by its largest entry: the paper's Deep RFM. The default.
    #[default]
    Agop,
    /// The identity.
    None,
    /// The AGOP minus the mean gradients' outer products, normalised by its largest entry.
    Centred,
    /// The between-class scatter of the layer's input, normalised by its largest entry.
    ClassMeans,
    /// The AGOP's eigenvalues on a random orthonormal basis.
    RandomSpectrum,
}

impl Projection {
    /// Every variant, in the order the lab lists them.
    pub const ALL: [Projection; 5] =
        [Projection::Agop, Projection::None, Projection::Centred, Projection::ClassMeans, Projection::RandomSpectrum];

    /// The name used in configs, flags and links.
    pub fn name(self) -> &'static str {
        match self {
            Projection::Agop => "agop",
            Projection::None => "none",
            Projection::Centred => "centred",
            Projection::ClassMeans => "class-means",
            Projection::RandomSpectrum => "random-spectrum",
        }
    }

    /// True for the variants computed from the kernel machine's AGOP (`agop`, `centred`,
    /// `random-spectrum`); `none` and `class-means` need no kernel machine.
    pub fn uses_agop(self) -> bool {
        matches!(self, Projection::Agop | Projection::Centred | Projection::RandomSpectrum)
    }

    /// The matrix M a layer projects with, before its power: normalised by its largest entry
    /// (the identity for `none`) and made exactly symmetric. `none` and `class-means` need no
    /// AGOP; `centred` subtracts the mean gradients' part from it. The AGOP's large products
    /// are split with `offload`'s helper (see [`agop_with`]); the kernel matrix is consumed,
    /// its memory becoming the AGOP's weights.
    ///
    /// With a learned metric (`metric_root` = `R = M_prev^{1/2}`), the kernel machine was fitted
    /// on the rows of `X R` (its Mahalanobis kernel on X is the Euclidean one on `X R`) and `x`
    /// holds those rows: its gradients in X's coordinates are R times theirs, so the AGOP and
    /// the mean gradients' part become `R G R` ([`to_input_coordinates`]). With `diagonal`, the
    /// off-diagonal entries are dropped before the normalisation.
    ///
    /// Preconditions: `x` (n x d) the layer's training rows (times `metric_root` when given) and
    /// `labels` their classes; `train` the kernel matrix of `x` with itself; `alpha` the n x K
    /// ridge coefficients, K the number of classes; `metric_root` symmetric d x d, and only with
    /// a variant that [`Projection::uses_agop`]. Fails only when the helper does.
    #[allow(clippy::too_many_arguments)]
    pub async fn matrix<O: Offload>(
        self,
        kernel: &Kernel,
        x: &Mat,
        labels: &[usize],
        train: KernelMatrix,
        alpha: &Mat,
        metric_root: Option<&Mat>,
        diagonal: bool,
        offload: &O,
    ) -> error::Result<Mat> {
        let (dim, classes) = (x.ncols(), alpha.ncols());
        // Taken before the AGOP consumes the kernel matrix.
        let means = (self == Projection::Centred).then(|| mean_gradients(kernel, x, &train, alpha));
        let normalised = match self {
            Projection::None => Mat::identity(dim, dim),
            Projection::ClassMeans => class_means_projection(x, labels, classes),
            Projection::Agop | Projection::Centred | Projection::RandomSpectrum => {
                let form = AgopForm::cheaper(x.nrows(), dim, classes);
                let gradient_outer = agop_with(form, kernel, x, train, alpha, offload).await?;
                let mut learned = match &means {
                    Some(means) => centred_agop(&gradient_outer, means),
                    None => gradient_outer,
                };
                if let Some(root) = metric_root {
                    learned = to_input_coordinates(&learned, root);
                }
                if diagonal {
                    learned = Mat::from_diagonal(&learned.diagonal());
                }
                normalise_by_max(&learned)
            }
        };
        // Symmetric in exact arithmetic; make it so in floating point before the eigensolver.
        Ok((&normalised + normalised.transpose()) * 0.5)
    }

    /// The power `M^exponent` a layer projects with (its square root in the paper's Deep RFM), of
    /// `m` as [`Projection::matrix`] made it, with the matrix it is the power of: `m` itself, but
    /// for `random-spectrum`, whose matrix is `m`'s eigenvalues on a basis drawn from `rng` (the
    /// only variant that draws). `none` needs no eigensolver. Returns `None` when the eigensolver
    /// does not converge (only with NaN or infinite entries). Preconditions: `m` square and
    /// symmetric, `exponent > 0`.
    pub fn root(self, m: Mat, exponent: f64, rng: &mut Stream) -> Option<(Mat, PsdPower)> {
        if self == Projection::None {
            let dim = m.nrows();
            return Some((m, identity_root(dim)));
        }
        let root = psd_power(&m, exponent)?;
        if self == Projection::RandomSpectrum {
            let basis = random_orthonormal(m.nrows(), rng);
            Some(on_basis(&root.eigenvalues, &basis, exponent))
        } else {
            Some((m, root))
        }
    }
}

impl std::str::FromStr for Projection {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Projection::ALL.into_iter().find(|p| p.name() == text).ok_or_else(|| {
            format!("unknown projection '{text}' (expected agop, none, centred, class-means or random-spectrum)")
        })
    }
}

/// The mean gradient of every output of the kernel predictor with coefficients `alpha` over
/// the training points, `(1/n) sum_i grad f_c(x_i)`, as the columns of a d x K matrix. With the
/// gradient weights A and scale s of the AGOP's closed form (src/agop.rs),
/// `sum_i grad f_c(x_i) = s X^T [alpha_c o (A 1) - A alpha_c]` (A symmetric); for the linear
/// kernel every gradient is `X^T alpha_c`. Preconditions: `train` is the kernel matrix of the
/// rows of `x` with themselves, `alpha` n x K.
pub fn mean_gradients(kernel: &Kernel, x: &Mat, train: &KernelMatrix, alpha: &Mat) -> Mat {
    let Some((weights, scale)) = radial_weights(kernel, train.clone()) else {
        return transpose_product(x, alpha);
    };
    let row_sums: Vec<f64> = weights.row_iter().map(|row| row.sum()).collect();
    let mut inner = product(&weights, alpha); // A alpha
    for c in 0..alpha.ncols() {
        for i in 0..alpha.nrows() {
            inner[(i, c)] = alpha[(i, c)] * row_sums[i] - inner[(i, c)];
        }
    }
    transpose_product(x, &inner) * (scale / x.nrows() as f64)
}

/// `R G R`: a gradient outer product `G` taken in the coordinates of `X R` brought back to X's
/// (every gradient is multiplied by `R`, symmetric). Made exactly symmetric. Precondition: `g`
/// and `root` d x d, `root` symmetric.
pub fn to_input_coordinates(g: &Mat, root: &Mat) -> Mat {
    let conjugated = product(&product(root, g), root);
    (&conjugated + conjugated.transpose()) * 0.5
}

/// The gradient covariance `agop - sum_c g_c g_c^T` for the raw (unnormalised) AGOP and the
/// mean gradients `g_c` (columns of `means`), made exactly symmetric.
pub fn centred_agop(agop: &Mat, means: &Mat) -> Mat {
    let centred = agop - transpose_gram(&means.transpose());
    (&centred + centred.transpose()) * 0.5
}

/// A d x d matrix with orthonormal columns drawn uniformly (Haar): the Q factor of a matrix of
/// standard normal entries, its columns' signs fixed by R's diagonal.
pub fn random_orthonormal(d: usize, rng: &mut Stream) -> Mat {
    let mut gaussian = Mat::zeros(d, d);
    for i in 0..d {
        for j in 0..d {
            gaussian[(i, j)] = rng.normal();
        }
    }
    let qr = gaussian.qr();
    let (mut q, r) = (qr.q(), qr.r());
    for (j, mut column) in q.column_iter_mut().enumerate() {
        if r[(j, j)] < 0.0 {
            column *= -1.0;
        }
    }
    q
}

/// `Q diag(eigenvalues) Q^T` and its power `exponent` for the orthonormal columns of `basis`;
/// negative eigenvalues (rounding) are clipped to zero in the power. Preconditions: `basis`
/// d x d orthonormal, `eigenvalues` d of them, `exponent > 0`.
pub fn on_basis(eigenvalues: &[f64], basis: &Mat, exponent: f64) -> (Mat, PsdPower) {
    let scaled = |f: &dyn Fn(f64) -> f64| {
        let mut m = basis.clone();
        for (mut column, &lambda) in m.column_iter_mut().zip(eigenvalues) {
            column *= f(lambda);
        }
        m
    };
    let matrix = product(&scaled(&|l| l), &basis.transpose());
    let raised = |l: f64| if exponent == 0.5 { l.max(0.0).sqrt() } else { l.max(0.0).powf(exponent) };
    let power = product(&scaled(&raised), &basis.transpose());
    let symmetric = |m: Mat| (&m + m.transpose()) * 0.5;
    let root = PsdPower { power: symmetric(power), eigenvalues: eigenvalues.to_vec(), eigenvectors: basis.clone() };
    (symmetric(matrix), root)
}

/// The between-class scatter of `features` normalised by its largest entry (`class-means`).
pub fn class_means_projection(features: &Mat, labels: &[usize], classes: usize) -> Mat {
    normalise_by_max(&between_class_scatter(features, labels, classes))
}

/// Every power of the d x d identity (`none`): itself, with no eigensolver.
pub fn identity_root(d: usize) -> PsdPower {
    let identity = Mat::identity(d, d);
    PsdPower { power: identity.clone(), eigenvalues: vec![1.0; d], eigenvectors: identity }
}

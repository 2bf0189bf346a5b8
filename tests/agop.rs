//! The closed-form AGOP against finite differences of the kernel predictor, and the n x n
//! form against the direct per-class form.

mod common;

use agop_collapse::agop::{AgopForm, agop, agop_by};
use agop_collapse::kernel::{Kernel, KernelKind};
use agop_collapse::linalg::{GRAM_BLOCK, Mat, normalize_rows};
use common::{gaussian, relative_difference};

const KINDS: [KernelKind; 3] = [KernelKind::Laplace, KernelKind::Gaussian, KernelKind::Linear];

fn points(n: usize, d: usize, seed: u64) -> Mat {
    let mut x = gaussian(n, d, seed);
    normalize_rows(&mut x);
    x
}

/// `f_c(z) = sum_{j != skip} alpha_jc k(z, x_j)`.
fn predictor(kernel: &Kernel, x: &Mat, alpha: &Mat, z: &Mat, skip: usize) -> Vec<f64> {
    let k = kernel.matrix(z, x, false).values;
    (0..alpha.ncols()).map(|c| (0..x.nrows()).filter(|&j| j != skip).map(|j| alpha[(j, c)] * k[(0, j)]).sum()).collect()
}

/// The AGOP from central finite differences of the predictor at every training point. The
/// Laplace term j = i has no gradient at x_i (a cusp); the closed form leaves it out, so does this.
fn finite_difference_agop(kernel: &Kernel, x: &Mat, alpha: &Mat) -> Mat {
    let (n, d) = (x.nrows(), x.ncols());
    let h = 1e-6;
    let mut total = Mat::zeros(d, d);
    for i in 0..n {
        let skip = if kernel.kind == KernelKind::Laplace { i } else { usize::MAX };
        let mut jacobian = Mat::zeros(alpha.ncols(), d);
        for t in 0..d {
            let mut plus = x.rows(i, 1).into_owned();
            let mut minus = plus.clone();
            plus[(0, t)] += h;
            minus[(0, t)] -= h;
            let (fp, fm) = (predictor(kernel, x, alpha, &plus, skip), predictor(kernel, x, alpha, &minus, skip));
            for c in 0..alpha.ncols() {
                jacobian[(c, t)] = (fp[c] - fm[c]) / (2.0 * h);
            }
        }
        total += jacobian.transpose() * &jacobian;
    }
    total / n as f64
}

#[test]
fn closed_forms_equal_finite_differences_for_every_kernel() {
    let x = points(9, 5, 1);
    let alpha = gaussian(9, 3, 2);
    for kind in KINDS {
        let kernel = Kernel { kind, bandwidth: 1.3 };
        let train = kernel.matrix(&x, &x, true);
        let expected = finite_difference_agop(&kernel, &x, &alpha);
        for (form, g) in [
            ("n x n", agop_by(AgopForm::SamplePairs, &kernel, &x, train.clone(), &alpha)),
            ("per class", agop_by(AgopForm::PerClass, &kernel, &x, train.clone(), &alpha)),
        ] {
            let error = relative_difference(&g, &expected);
            assert!(error < 1e-6, "{kind:?} {form} form differs from finite differences by {error:e}");
        }
    }
}

#[test]
fn n_by_n_form_equals_per_class_form() {
    // More points than dimensions and the other way round; with several row blocks.
    for (n, d, k) in [(60, 7, 4), (25, 40, 10), (3 * GRAM_BLOCK + 11, 30, 3)] {
        let x = points(n, d, 3);
        let alpha = gaussian(n, k, 4);
        for kind in KINDS {
            let kernel = Kernel { kind, bandwidth: 2.0 };
            let train = kernel.matrix(&x, &x, true);
            let cheap = agop_by(AgopForm::SamplePairs, &kernel, &x, train.clone(), &alpha);
            let direct = agop_by(AgopForm::PerClass, &kernel, &x, train.clone(), &alpha);
            let error = relative_difference(&cheap, &direct);
            assert!(error < 1e-10, "{kind:?} n={n} d={d}: forms differ by {error:e}");
        }
    }
}

#[test]
fn duplicate_points_give_a_finite_laplace_agop() {
    let mut x = points(6, 3, 5);
    let first = x.row(0).into_owned();
    x.row_mut(1).copy_from(&first);
    let alpha = gaussian(6, 2, 6);
    let kernel = Kernel { kind: KernelKind::Laplace, bandwidth: 2.0 };
    let train = kernel.matrix(&x, &x, true);
    assert_eq!(train.distances.as_ref().unwrap()[(0, 1)], 0.0, "coincident points are at distance 0");
    let g = agop(&kernel, &x, train.clone(), &alpha);
    assert!(g.iter().all(|v| v.is_finite()));
    assert!(relative_difference(&g, &agop_by(AgopForm::PerClass, &kernel, &x, train.clone(), &alpha)) < 1e-10);
}

/// The cost model picks the n x n form for the lab's default (1000 digits of 784 pixels, 10
/// classes) and the per-class form for many samples of few dimensions.
#[test]
fn the_cheaper_form_is_chosen_by_cost() {
    assert_eq!(AgopForm::cheaper(1000, 784, 10), AgopForm::SamplePairs);
    assert_eq!(AgopForm::cheaper(1000, 256, 10), AgopForm::SamplePairs);
    assert_eq!(AgopForm::cheaper(5000, 100, 10), AgopForm::PerClass);
    assert_eq!(AgopForm::cheaper(2000, 50, 2), AgopForm::PerClass);
}

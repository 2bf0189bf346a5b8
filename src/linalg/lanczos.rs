//! The largest eigenvalue of a symmetric positive semi-definite matrix by the Lanczos iteration,
//! for the metrics that need only it (the stable rank): a few dozen products of the matrix with
//! a vector instead of a whole eigendecomposition, with the same number to rounding.
//!
//! Lanczos builds an orthonormal basis Q of the Krylov space of a start vector and the
//! tridiagonal `T = Q^T A Q`; the largest eigenvalue of T (a Ritz value) rises towards A's
//! largest with every step. Every new basis vector is orthogonalised again against all the
//! earlier ones (twice), so that the basis stays orthonormal to rounding and no Ritz value is
//! found twice. The iteration stops when the Ritz vector `y = Q s` of the largest Ritz value
//! `rho = s^T T s` has a residual `||A y - rho y||` at most [`RELATIVE_RESIDUAL`] times `rho`.
//! That residual bounds the distance of rho to an eigenvalue of A; when the largest eigenvalues
//! of A are nearly equal, the Ritz vector may still mix their eigenvectors, and rho's distance to
//! the largest is then at most the residual divided by the Ritz vector's component along the
//! largest one's eigenvector (itself bounded below by that of the start vector, a pseudo-random
//! vector with no preferred direction): about 1e-14 relative in practice, far below the 1e-10
//! the metrics need. Without convergence within [`MAX_STEPS`] steps, or with a converged value
//! below A's largest diagonal entry (a lower bound of its largest eigenvalue, so a value the
//! iteration cannot have found right), the whole eigendecomposition decides.

use nalgebra::DVector;

use super::{Mat, all_finite, kernels};

/// The residual of the accepted Ritz pair, relative to its Ritz value (see the module's text).
pub const RELATIVE_RESIDUAL: f64 = 1e-14;

/// Lanczos steps at most before the whole eigendecomposition takes over. A matrix of at most
/// this size never needs it: after as many steps as its size, T holds its whole spectrum.
pub const MAX_STEPS: usize = 320;

/// The largest eigenvalue of `a`, equal to that of a whole eigendecomposition to about 1e-14
/// relative (see the module's text); 0 for the zero matrix. `None` when an entry is not finite.
/// Preconditions: `a` is square, symmetric and positive semi-definite, at least 1 x 1.
pub fn largest_eigenvalue(a: &Mat) -> Option<f64> {
    largest_eigenvalue_within(a, MAX_STEPS)
}

/// [`largest_eigenvalue`] with at most `max_steps` Lanczos steps (at least 1) before the whole
/// eigendecomposition decides. Preconditions: those of [`largest_eigenvalue`].
pub fn largest_eigenvalue_within(a: &Mat, max_steps: usize) -> Option<f64> {
    if !all_finite(a) {
        return None;
    }
    let d = a.nrows();
    let steps = d.min(max_steps.max(1));
    let largest_diagonal = a.diagonal().max();
    let mut basis = Mat::zeros(d, steps + 1);
    basis.set_column(0, &start_vector(d));
    let (mut diagonal, mut off_diagonal) = (Vec::with_capacity(steps), Vec::with_capacity(steps));
    let mut next = DVector::zeros(d);
    let mut coefficients = DVector::zeros(steps);
    for step in 0..steps {
        next.gemv(1.0, a, &basis.column(step), 0.0);
        diagonal.push(basis.column(step).dot(&next));
        // Against every earlier vector, twice ("twice is enough" for classical Gram-Schmidt):
        // this also takes out the three-term recurrence's own two terms.
        let earlier = basis.columns(0, step + 1);
        for _ in 0..2 {
            let mut c = coefficients.rows_mut(0, step + 1);
            c.gemv_tr(1.0, &earlier, &next, 0.0);
            next.gemv(-1.0, &earlier, &c, 1.0);
        }
        let beta = next.norm();
        let (rho, residual) = top_ritz_pair(&diagonal, &off_diagonal, beta);
        if residual <= RELATIVE_RESIDUAL * rho || rho <= 0.0 && beta == 0.0 {
            // A's largest eigenvalue is at least its largest diagonal entry (the Rayleigh
            // quotient of a unit vector): a Ritz value below it has missed the largest.
            if rho >= largest_diagonal * (1.0 - 1e-12) {
                return Some(rho.max(0.0));
            }
            break;
        }
        if beta == 0.0 {
            // An invariant subspace without a converged pair cannot happen in exact arithmetic;
            // let the eigensolver decide.
            break;
        }
        off_diagonal.push(beta);
        basis.set_column(step + 1, &(&next / beta));
    }
    kernels::symmetric_eigen(a).map(|(values, _)| values[0].max(0.0))
}

/// The start vector of every run: a pseudo-random unit vector of `d` entries, the same in every
/// build and run (SplitMix64 of the index), so that no direction of the data is preferred.
pub fn start_vector(d: usize) -> DVector<f64> {
    let v = DVector::from_fn(d, |i, _| {
        let mut z = (i as u64).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    });
    let norm = v.norm();
    v / norm
}

/// The largest Ritz value `rho = s^T T s` of the tridiagonal T (`diagonal`, k entries;
/// `off_diagonal`, k - 1) and the residual `||A y - rho y||` of its Ritz vector `y = Q s`, where
/// `beta` is the norm of the next Lanczos vector: `A Q = Q T + beta q e_k^T` gives
/// `||A y - rho y||^2 = ||(T - rho) s||^2 + beta^2 s_k^2`. The eigenvalue by bisection (Sturm
/// counts), its unit eigenvector s by two steps of inverse iteration.
fn top_ritz_pair(diagonal: &[f64], off_diagonal: &[f64], beta: f64) -> (f64, f64) {
    let k = diagonal.len();
    let scale = diagonal.iter().chain(off_diagonal).fold(0.0f64, |m, v| m.max(v.abs()));
    if scale == 0.0 {
        // T = 0: every s is an eigenvector of eigenvalue 0; e_1 has no last component unless k = 1.
        return (0.0, if k == 1 { beta } else { 0.0 });
    }
    let theta = largest_tridiagonal_eigenvalue(diagonal, off_diagonal);
    let mut s: Vec<f64> = start_vector(k).iter().copied().collect();
    for _ in 0..2 {
        solve_shifted(diagonal, off_diagonal, theta, scale, &mut s);
        let norm = s.iter().map(|v| v * v).sum::<f64>().sqrt();
        if !(norm > 0.0 && norm.is_finite()) {
            // Only for a 0 x 0 or NaN system; the caller then falls back.
            return (theta, f64::INFINITY);
        }
        s.iter_mut().for_each(|v| *v /= norm);
    }
    let ts = |i: usize| {
        let mut v = diagonal[i] * s[i];
        if i > 0 {
            v += off_diagonal[i - 1] * s[i - 1];
        }
        if i + 1 < k {
            v += off_diagonal[i] * s[i + 1];
        }
        v
    };
    let applied: Vec<f64> = (0..k).map(ts).collect();
    let rho: f64 = applied.iter().zip(&s).map(|(a, b)| a * b).sum();
    let inside: f64 = applied.iter().zip(&s).map(|(a, b)| (a - rho * b).powi(2)).sum();
    let residual = (inside + (beta * s[k - 1]).powi(2)).sqrt();
    (rho, residual)
}

/// The largest eigenvalue of a symmetric tridiagonal matrix by bisection on Sturm counts, to
/// the last bits: within the Gershgorin bounds, halve the interval holding it until its ends
/// are neighbouring floating-point numbers.
fn largest_tridiagonal_eigenvalue(diagonal: &[f64], off_diagonal: &[f64]) -> f64 {
    let k = diagonal.len();
    let radius = |i: usize| {
        (if i > 0 { off_diagonal[i - 1].abs() } else { 0.0 }) + (if i + 1 < k { off_diagonal[i].abs() } else { 0.0 })
    };
    let mut low = (0..k).map(|i| diagonal[i] - radius(i)).fold(f64::INFINITY, f64::min);
    let mut high = (0..k).map(|i| diagonal[i] + radius(i)).fold(f64::NEG_INFINITY, f64::max);
    let scale = low.abs().max(high.abs());
    // The smallest pivot magnitude of the Sturm recurrence (as LAPACK's pivmin).
    let pivot_floor = f64::MIN_POSITIVE.max(f64::EPSILON * f64::EPSILON * scale * scale);
    loop {
        let middle = 0.5 * (low + high);
        if !(middle > low && middle < high) {
            return high;
        }
        if count_above(diagonal, off_diagonal, middle, pivot_floor) > 0 {
            low = middle;
        } else {
            high = middle;
        }
    }
}

/// How many eigenvalues of the symmetric tridiagonal matrix exceed `x`: the number of positive
/// pivots of the LDL^T factorisation of `T - x I` (Sylvester's law of inertia).
fn count_above(diagonal: &[f64], off_diagonal: &[f64], x: f64, pivot_floor: f64) -> usize {
    let mut count = 0;
    let mut pivot = 1.0;
    for i in 0..diagonal.len() {
        let coupling = if i > 0 { off_diagonal[i - 1] * off_diagonal[i - 1] / pivot } else { 0.0 };
        pivot = diagonal[i] - x - coupling;
        if pivot.abs() < pivot_floor {
            pivot = -pivot_floor;
        }
        if pivot > 0.0 {
            count += 1;
        }
    }
    count
}

/// Solves `(T - shift I) x = rhs` in place (`rhs` becomes x) by Gaussian elimination with
/// partial pivoting (LAPACK's dgtsv); a zero pivot, expected since the shift is an eigenvalue,
/// is replaced by `f64::EPSILON * scale`, as inverse iteration does.
fn solve_shifted(diagonal: &[f64], off_diagonal: &[f64], shift: f64, scale: f64, rhs: &mut [f64]) {
    let k = diagonal.len();
    let tiny = f64::EPSILON * scale.max(f64::MIN_POSITIVE);
    let mut d: Vec<f64> = diagonal.iter().map(|v| v - shift).collect();
    let mut upper: Vec<f64> = off_diagonal.to_vec();
    let mut lower: Vec<f64> = off_diagonal.to_vec(); // becomes the second superdiagonal
    for i in 0..k.saturating_sub(1) {
        if d[i].abs() >= lower[i].abs() {
            if d[i] == 0.0 {
                d[i] = tiny;
            }
            let factor = lower[i] / d[i];
            d[i + 1] -= factor * upper[i];
            rhs[i + 1] -= factor * rhs[i];
            lower[i] = 0.0;
        } else {
            // Rows i and i + 1 swap.
            let factor = d[i] / lower[i];
            d[i] = lower[i];
            let below = d[i + 1];
            d[i + 1] = upper[i] - factor * below;
            if i + 2 < k {
                lower[i] = upper[i + 1];
                upper[i + 1] = -factor * lower[i];
            } else {
                lower[i] = 0.0;
            }
            upper[i] = below;
            let top = rhs[i];
            rhs[i] = rhs[i + 1];
            rhs[i + 1] = top - factor * rhs[i + 1];
        }
    }
    if d[k - 1] == 0.0 {
        d[k - 1] = tiny;
    }
    rhs[k - 1] /= d[k - 1];
    if k > 1 {
        rhs[k - 2] = (rhs[k - 2] - upper[k - 2] * rhs[k - 1]) / d[k - 2];
    }
    for i in (0..k.saturating_sub(2)).rev() {
        rhs[i] = (rhs[i] - upper[i] * rhs[i + 1] - lower[i] * rhs[i + 2]) / d[i];
    }
}

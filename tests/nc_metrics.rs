//! Neural-collapse metrics on constructed cases with known answers.

mod common;

use agop_collapse::linalg::Mat;
use agop_collapse::nc::measure;
use common::{close, gaussian, orthogonal};

/// Features equal to their class means, the means a simplex ETF, rotated into a larger space.
#[test]
fn simplex_etf_features_have_zero_nc1_and_nc2() {
    let (k, d, per_class) = (4, 6, 3);
    let mut etf = Mat::zeros(k, d);
    for c in 0..k {
        for j in 0..k {
            etf[(c, j)] = if c == j { 1.0 } else { 0.0 } - 1.0 / k as f64;
        }
    }
    let shift = gaussian(1, d, 9);
    let etf = &etf * orthogonal(d, 7) * 3.0;
    let labels: Vec<usize> = (0..k * per_class).map(|i| i % k).collect();
    let features = Mat::from_fn(labels.len(), d, |i, j| etf[(labels[i], j)] + shift[(0, j)]);
    let m = measure(&features, &labels, k, &labels);
    for (name, value) in [("nc1", m.nc1), ("nc1_papyan", m.nc1_papyan), ("nc1_wt", m.nc1_wt), ("nc2", m.nc2)] {
        assert!(value.abs() < 1e-12, "{name} = {value:e}, expected 0");
    }
    assert!(m.nc2_equinorm < 1e-9 && m.nc2_equiangle < 1e-9, "{m:?}");
    assert_eq!(m.ncc_agreement, 1.0);
}

/// Two classes in the plane: means (-1, 0) and (1, 0), deviations (+-t, +-s), so
/// Sigma_W = diag(t^2, s^2) and Sigma_B = diag(1, 0).
#[test]
fn known_scatter_matrices_give_known_values() {
    let (t, s) = (0.3, 0.5);
    let rows = [[-1.0 - t, s], [-1.0 + t, -s], [1.0 + t, s], [1.0 - t, -s]];
    let features = Mat::from_fn(4, 2, |i, j| rows[i][j]);
    let labels = [0, 0, 1, 1];
    let m = measure(&features, &labels, 2, &labels);
    let within = t * t + s * s;
    let expected = [
        ("nc1", m.nc1, within / 2.0),
        ("nc1_trace", m.nc1_trace, within),
        ("nc1_papyan", m.nc1_papyan, t * t / 2.0),
        ("nc1_wt", m.nc1_wt, within / (1.0 + within)),
        ("nc2", m.nc2, 0.0),
        ("nc2_orth", m.nc2_orth, 0.5),
        ("nc2_equinorm", m.nc2_equinorm, 0.0),
        ("nc2_equiangle", m.nc2_equiangle, 0.0),
        ("ncc_agreement", m.ncc_agreement, 1.0),
    ];
    for (name, got, want) in expected {
        assert!(close(got, want, 1e-12, 1e-12), "{name}: got {got}, expected {want}");
    }
}

#[test]
fn nc1_trace_is_k_times_nc1_and_metrics_ignore_rotation_and_scale() {
    let (k, n, d) = (5, 60, 8);
    let labels: Vec<usize> = (0..n).map(|i| i % k).collect();
    let mut features = gaussian(n, d, 11);
    for i in 0..n {
        features[(i, labels[i])] += 2.0;
    }
    let predicted: Vec<usize> = (0..n).map(|i| (i * 7) % k).collect();
    let m = measure(&features, &labels, k, &predicted);
    assert!(close(m.nc1_trace, k as f64 * m.nc1, 1e-14, 0.0));
    assert!(m.nc1 > 0.0 && m.nc1_wt > 0.0 && m.nc1_wt < 1.0);

    let moved = &features * orthogonal(d, 12) * 4.5;
    let r = measure(&moved, &labels, k, &predicted);
    for ((name, a), (_, b)) in m.named().iter().zip(r.named().iter()) {
        assert!(close(*a, *b, 1e-9, 1e-12), "{name} changed under rotation and scaling: {a} vs {b}");
    }
}

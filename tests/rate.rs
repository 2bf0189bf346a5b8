//! The rate of collapse: the fitted factor per layer.

use agop_collapse::rate::fit_rate;

#[test]
fn a_geometric_sequence_gives_its_exact_factor() {
    for factor in [0.49, 0.5, 0.9, 1.3] {
        let points: Vec<(f64, f64)> = (2..=9).map(|l| (l as f64, 0.7 * f64::powi(factor, l))).collect();
        let fit = fit_rate(&points).unwrap();
        assert!((fit.factor / factor - 1.0).abs() < 1e-12, "{} vs {factor}", fit.factor);
        assert!((fit.intercept - 0.7f64.ln()).abs() < 1e-10);
        assert!((fit.at(5.0) / points[3].1 - 1.0).abs() < 1e-12);
    }
}

#[test]
fn the_fit_is_least_squares_on_the_logarithm() {
    // ln values 0, -1, -1, -3 at layers 1..4: slope -0.9 (least squares), factor exp(-0.9).
    let points = [(1.0, 1.0), (2.0, (-1.0f64).exp()), (3.0, (-1.0f64).exp()), (4.0, (-3.0f64).exp())];
    let fit = fit_rate(&points).unwrap();
    assert!((fit.factor.ln() + 0.9).abs() < 1e-12, "{}", fit.factor.ln());
}

#[test]
fn no_fit_without_two_layers_or_with_a_value_that_is_not_positive() {
    assert_eq!(fit_rate(&[]), None);
    assert_eq!(fit_rate(&[(3.0, 0.1)]), None);
    assert_eq!(fit_rate(&[(3.0, 0.1), (3.0, 0.2)]), None, "one distinct layer");
    assert_eq!(fit_rate(&[(1.0, 0.1), (2.0, 0.0)]), None);
    assert_eq!(fit_rate(&[(1.0, 0.1), (2.0, f64::NAN)]), None);
    assert_eq!(fit_rate(&[(1.0, 0.1), (f64::INFINITY, 0.2)]), None);
}

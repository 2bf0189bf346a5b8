//! The dense kernels: the symmetric products by blocks, and the PSD square root, with and
//! without zero rows.

mod common;

use agop_collapse::linalg::{
    GRAM_BLOCK, Mat, lower_gram_rows, outer_gram, product_transpose, psd_sqrt, symmetric_eigen,
};
use common::{gaussian, relative_difference};

/// A random PSD matrix of rank `rank` (d x d), embedded at the rows and columns `at` of a
/// `size` x `size` zero matrix.
fn embedded_psd(d: usize, rank: usize, size: usize, at: &[usize], seed: u64) -> (Mat, Mat) {
    let factor = gaussian(d, rank, seed);
    let block = &factor * factor.transpose();
    let mut full = Mat::zeros(size, size);
    for (a, &i) in at.iter().enumerate() {
        for (b, &j) in at.iter().enumerate() {
            full[(i, j)] = block[(a, b)];
        }
    }
    (block, full)
}

/// Zero rows (constant features) split off: the root, spectrum and eigenvectors are those of
/// the whole matrix.
#[test]
fn zero_rows_are_split_off_exactly() {
    let active = [0, 2, 3, 5, 8, 9, 11, 12];
    for rank in [3, 8] {
        let (block, full) = embedded_psd(active.len(), rank, 14, &active, rank as u64);
        let root = psd_sqrt(&full).unwrap();
        let block_root = psd_sqrt(&block).unwrap();
        assert!(relative_difference(&(&root.power * &root.power), &full) < 1e-10, "rank {rank}: root squared");
        for (a, &i) in active.iter().enumerate() {
            for (b, &j) in active.iter().enumerate() {
                assert!((root.power[(i, j)] - block_root.power[(a, b)]).abs() < 1e-12);
            }
        }
        assert!((0..14).filter(|i| !active.contains(i)).all(|i| root.power.row(i).iter().all(|&v| v == 0.0)));

        assert_eq!(root.eigenvalues.len(), 14);
        assert!(root.eigenvalues.windows(2).all(|w| w[0] >= w[1]), "largest first: {:?}", root.eigenvalues);
        for (k, lambda) in block_root.eigenvalues.iter().enumerate().take(rank) {
            assert!((root.eigenvalues[k] - lambda).abs() < 1e-10 * block_root.eigenvalues[0]);
        }
        let vectors = &root.eigenvectors;
        assert!(relative_difference(&(vectors.transpose() * vectors), &Mat::identity(14, 14)) < 1e-12);
        let values = Mat::from_diagonal(&nalgebra::DVector::from_vec(root.eigenvalues.clone()));
        assert!(relative_difference(&(&full * vectors), &(vectors * values)) < 1e-10, "M V = V diag(lambda)");
    }
}

/// The eigensolver at sizes where it divides and conquers and applies several blocks of
/// reflectors, the last one shorter (d - 1 not a multiple of the block) or not: `M V = V diag`,
/// orthonormal V, eigenvalues largest first and equal to nalgebra's own solver's (an
/// independent algorithm); the lower triangle alone is read.
#[test]
fn symmetric_eigen_matches_an_independent_solver() {
    for (d, seed) in [(2, 1), (3, 2), (97, 6), (130, 3), (257, 4), (300, 5)] {
        let factor = gaussian(d, d / 2 + 1, seed);
        // A few dominant directions over a tail, as an AGOP has.
        let mut m = &factor * factor.transpose();
        let strong = gaussian(d, 3, seed + 30);
        m += &strong * strong.transpose() * 100.0;
        let mut upper_garbage = m.clone();
        for j in 1..d {
            for i in 0..j {
                upper_garbage[(i, j)] = 7.0;
            }
        }
        let (values, vectors) = symmetric_eigen(&upper_garbage).unwrap();
        assert_eq!(values.len(), d);
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "d {d}: largest first");
        let independent = nalgebra::SymmetricEigen::new(m.clone()).eigenvalues;
        let mut expected: Vec<f64> = independent.iter().copied().collect();
        expected.sort_by(|a, b| b.total_cmp(a));
        for (got, want) in values.iter().zip(&expected) {
            assert!((got - want).abs() < 1e-11 * expected[0], "d {d}: {got} against {want}");
        }
        assert!(
            relative_difference(&(vectors.transpose() * &vectors), &Mat::identity(d, d)) < 1e-13,
            "d {d}: orthonormal"
        );
        let diagonal = Mat::from_diagonal(&nalgebra::DVector::from_vec(values.clone()));
        assert!(relative_difference(&(&m * &vectors), &(&vectors * diagonal)) < 1e-12, "d {d}: M V = V diag(lambda)");
    }
    let mut broken = Mat::identity(4, 4);
    broken[(2, 1)] = f64::INFINITY;
    assert!(symmetric_eigen(&broken).is_none());
}

/// `a a^T` by blocks of rows is the product (to rounding), exactly symmetric, and its rows
/// computed in two parts, split anywhere, are the same bit for bit as computed whole.
#[test]
fn gram_by_blocks_is_the_product_and_splits_exactly() {
    let n = 2 * GRAM_BLOCK + 37; // blocks of both sizes
    let a = gaussian(n, 50, 5);
    let gram = outer_gram(&a);
    assert!(relative_difference(&gram, &product_transpose(&a, &a)) < 1e-13);
    assert_eq!(gram, gram.transpose());
    let whole = lower_gram_rows(&a, 0..n);
    for split in [1, GRAM_BLOCK - 1, GRAM_BLOCK, n / 2, n - 1] {
        let (top, bottom) = (lower_gram_rows(&a, 0..split), lower_gram_rows(&a, split..n));
        for i in 0..n {
            for j in 0..=i {
                let part = if i < split { top[(i, j)] } else { bottom[(i - split, j)] };
                assert_eq!(part.to_bits(), whole[(i, j)].to_bits(), "split {split}, entry ({i}, {j})");
            }
        }
    }
}

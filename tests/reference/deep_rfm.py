#!/usr/bin/env python3
"""Independent NumPy reference for Deep RFM and neural-collapse metrics.

Written from /work/shared/paper/DIGEST.md, sections 2 and 3, to cross-check the Rust
implementation. Identity feature map only (random maps cannot be compared across
implementations). Everything is float64.

    python3 tests/reference/deep_rfm.py --csv PATH [--depth L] [--kernel laplace|gaussian|linear]
        [--bandwidth B] [--ridge R] [--no-standardize]

Prints one JSON object on stdout (layout in the README of the brief / run_deep_rfm below).
"""
import argparse
import json
import sys

import numpy as np

# Pairs closer than this are dropped from the Laplace gradient (DIGEST 2.3).
LAPLACE_MIN_DIST = 1e-10
# Relative cut-off for the pseudo-inverse of Sigma_B in NC1 (Papyan): eigenvalues
# <= PINV_RTOL * (largest eigenvalue) are treated as zero (Sigma_B has rank <= K-1).
PINV_RTOL = 1e-12


# ----------------------------------------------------------------------------- input

def read_csv(path):
    """Header line, then rows `label,f0,f1,...`. Returns (X float64 N x d, y int N)."""
    with open(path) as fh:
        header = fh.readline().strip().split(",")
    if header[0].strip() != "label":
        raise ValueError(f"first column must be 'label', got {header[0]!r}")
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    y_float = data[:, 0]
    y = y_float.astype(np.int64)
    if not np.array_equal(y, y_float):
        raise ValueError("labels must be integers")
    return data[:, 1:].copy(), y


def standardize(X):
    """Per-feature (x - mean) / std with ddof = 1.

    A feature counts as zero-variance when all its values are identical (checked exactly,
    not through the computed std, which can be ~1e-17 instead of 0 after rounding);
    such a feature becomes 0.
    """
    mean = X.mean(axis=0)
    std = X.std(axis=0, ddof=1)
    constant = np.all(X == X[0:1, :], axis=0)
    out = np.zeros_like(X)
    keep = ~constant
    out[:, keep] = (X[:, keep] - mean[keep]) / std[keep]
    return out


def pm1_labels(y, K):
    """Y = 2 * onehot(y) - 1."""
    Y = -np.ones((y.shape[0], K))
    Y[np.arange(y.shape[0]), y] = 1.0
    return Y


# ----------------------------------------------------------------------------- Deep RFM pieces

def normalize_rows(X):
    """x_i / ||x_i||; a zero row stays zero."""
    norms = np.linalg.norm(X, axis=1)
    safe = np.where(norms > 0, norms, 1.0)
    return X / safe[:, None]


def pairwise_distances(X):
    """Euclidean distances by the expanded formula ||x||^2 + ||z||^2 - 2 x.z.

    Clamped at 0 before the sqrt; the diagonal is set to exactly 0 because the expanded
    formula leaves ~1e-8 residues there.
    """
    sq = np.sum(X * X, axis=1)
    D2 = sq[:, None] + sq[None, :] - 2.0 * (X @ X.T)
    D = np.sqrt(np.maximum(D2, 0.0))
    np.fill_diagonal(D, 0.0)
    return D


def kernel_matrix(X, kernel, bandwidth):
    """Returns (K, D); D is None for the linear kernel."""
    if kernel == "linear":
        return X @ X.T, None
    D = pairwise_distances(X)
    if kernel == "laplace":
        return np.exp(-D / bandwidth), D
    if kernel == "gaussian":
        return np.exp(-(D * D) / (2.0 * bandwidth ** 2)), D
    raise ValueError(f"unknown kernel {kernel!r}")


def solve_krr(Kmat, Y, ridge):
    """alpha = (K + ridge I)^{-1} Y through the Cholesky factor C (K + ridge I = C C^T)."""
    N = Kmat.shape[0]
    C = np.linalg.cholesky(Kmat + ridge * np.eye(N))
    Z = np.linalg.solve(C, Y)        # forward substitution  C Z = Y
    return np.linalg.solve(C.T, Z)   # back substitution     C^T alpha = Z


def agop_unnormalized(X, alpha, kernel, bandwidth, Kmat=None, D=None):
    """G = (1/N) sum_i sum_c grad f_c(x_i) grad f_c(x_i)^T, the DIRECT per-class way.

    f_c(x) = sum_j alpha_jc k(x, x_j). Gradients per DIGEST 2.3:
      Laplace : (1/L)   sum_{j != i} alpha_jc k_ij / ||x_i - x_j|| (x_j - x_i)   (pairs with D < 1e-10 dropped)
      Gaussian: (1/L^2) sum_j        alpha_jc k_ij                 (x_j - x_i)
      Linear  : X^T alpha_c at every point.
    With a weight matrix A (A_ij multiplying alpha_jc (x_j - x_i)) and S = A alpha, the
    gradients of class c at all points, stacked as rows, are
      Grad_c = scale * ((A * alpha[:, c][None, :]) @ X - S[:, c][:, None] * X).
    """
    N, d = X.shape
    if kernel == "linear":
        # Same gradient at all N points, so the average over points is just its outer product.
        V = X.T @ alpha              # d x K, column c = grad f_c
        return V @ V.T
    if Kmat is None or D is None:
        Kmat, D = kernel_matrix(X, kernel, bandwidth)
    if kernel == "laplace":
        # A = K / D off the diagonal; the j = i term and near-coincident pairs are dropped
        # (the Laplace kernel is not differentiable there).
        far = D >= LAPLACE_MIN_DIST
        np.fill_diagonal(far, False)
        A = np.where(far, Kmat / np.where(far, D, 1.0), 0.0)
        scale = 1.0 / bandwidth
    elif kernel == "gaussian":
        # The j = i term has (x_j - x_i) = 0, so keeping A = K as written in DIGEST is harmless.
        A = Kmat
        scale = 1.0 / bandwidth ** 2
    else:
        raise ValueError(f"unknown kernel {kernel!r}")
    S = A @ alpha                    # N x K
    G = np.zeros((d, d))
    for c in range(alpha.shape[1]):
        grad_c = scale * ((A * alpha[:, c][None, :]) @ X - S[:, c][:, None] * X)   # N x d
        G += grad_c.T @ grad_c
    return G / N


def normalize_agop(G):
    """M = G / max_ab G_ab (largest entry, DIGEST 2.3)."""
    gmax = G.max()
    if not gmax > 0:
        raise ValueError("AGOP is zero (or not finite); cannot normalise by its largest entry")
    return G / gmax


def psd_sqrt(M):
    """Symmetric PSD square root: eigh, clip negative eigenvalues to 0, V diag(sqrt(lam)) V^T.

    M is symmetrised first: the accumulated AGOP is symmetric only up to rounding, and eigh
    would otherwise silently read only one triangle.
    """
    Ms = 0.5 * (M + M.T)
    lam, V = np.linalg.eigh(Ms)
    lam = np.clip(lam, 0.0, None)
    return (V * np.sqrt(lam)[None, :]) @ V.T


# ----------------------------------------------------------------------------- NC metrics

def _cosine_gram(V):
    """Cosine similarity matrix of the rows of V."""
    n = np.linalg.norm(V, axis=1)
    U = V / n[:, None]
    return U @ U.T


def nc_metrics(H, y, K, pred):
    """The nine collapse metrics of DIGEST section 3 for features H (N x p).

    pred: the layer's kernel-predictor labels, used by ncc_agreement.
    """
    N = H.shape[0]
    counts = np.bincount(y, minlength=K)
    if np.any(counts == 0):
        raise ValueError("every class 0..K-1 needs at least one sample")
    means = np.stack([H[y == c].mean(axis=0) for c in range(K)])    # K x p
    mu_G = means.mean(axis=0)                                          # mean of class means

    W = H - means[y]                      # within-class deviations
    Bc = means - mu_G                     # centred class means
    T = H - mu_G
    Sw = W.T @ W / N
    Sb = Bc.T @ Bc / K
    St = T.T @ T / N
    tr_w, tr_b, tr_t = np.trace(Sw), np.trace(Sb), np.trace(St)

    # Pseudo-inverse of Sigma_B from its eigendecomposition; eigenvalues <= PINV_RTOL * max
    # are treated as zero (Sigma_B has rank <= K-1).
    lam, V = np.linalg.eigh(0.5 * (Sb + Sb.T))
    keep = lam > PINV_RTOL * lam.max()
    Sb_pinv = (V[:, keep] / lam[keep][None, :]) @ V[:, keep].T

    Gc = _cosine_gram(Bc)
    E = np.full((K, K), -1.0 / (K - 1))
    np.fill_diagonal(E, 1.0)
    Gu = _cosine_gram(means)

    norms = np.linalg.norm(Bc, axis=1)
    off = ~np.eye(K, dtype=bool)

    # Nearest class mean (Euclidean) on H; argmin takes the first class on ties.
    d2 = np.sum((H[:, None, :] - means[None, :, :]) ** 2, axis=2)
    ncc = np.argmin(d2, axis=1)

    return {
        "nc1": float(tr_w / (K * tr_b)),
        "nc1_trace": float(tr_w / tr_b),
        "nc1_papyan": float(np.trace(Sw @ Sb_pinv) / K),
        "nc1_wt": float(tr_w / tr_t),
        "nc2": float(np.mean((Gc - E) ** 2)),
        "nc2_orth": float(np.mean((Gu - np.eye(K)) ** 2)),
        "nc2_equinorm": float(np.std(norms) / np.mean(norms)),
        "nc2_equiangle": float(np.mean(np.abs(Gc[off] + 1.0 / (K - 1)))),
        "ncc_agreement": float(np.mean(ncc == pred)),
    }


def agop_summary(M, top=10):
    lam = np.sort(np.linalg.eigvalsh(0.5 * (M + M.T)))[::-1]
    tr = float(np.trace(M))
    return {
        "trace": tr,
        "effective_rank": float(tr * tr / np.sum(M * M)),
        "top_eigenvalues": [float(v) for v in lam[:top]],
    }


# ----------------------------------------------------------------------------- driver

def run_deep_rfm(X, y, depth=3, kernel="laplace", bandwidth=2.0, ridge=1e-3, standardize_input=True,
                 keep_arrays=False):
    """Deep RFM with the identity feature map. Returns {"layers": [...]}.

    keep_arrays=True adds the stage arrays and M under "_arrays" in each layer (for tests;
    not JSON-serialisable).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    if y.min() < 0:
        raise ValueError("labels must be in 0..K-1")
    K = int(y.max()) + 1
    if K < 2:
        raise ValueError("need at least 2 classes")
    Y = pm1_labels(y, K)
    if standardize_input:
        X = standardize(X)

    layers = []
    for layer in range(1, depth + 1):
        dim_in = X.shape[1]
        Xn = normalize_rows(X)                                   # stage "X"
        Kmat, D = kernel_matrix(Xn, kernel, bandwidth)
        alpha = solve_krr(Kmat, Y, ridge)
        pred = np.argmax(Kmat @ alpha, axis=1)                   # train predictions
        G = agop_unnormalized(Xn, alpha, kernel, bandwidth, Kmat, D)
        M = normalize_agop(G)
        MX = Xn @ psd_sqrt(M)                                    # stage "MX"
        PhiMX = MX                                               # identity feature map: stage "PhiMX"
        entry = {
            "layer": layer,
            "dim_in": int(dim_in),
            "train_acc": float(np.mean(pred == y)),
            "stages": {
                "X": nc_metrics(Xn, y, K, pred),
                "MX": nc_metrics(MX, y, K, pred),
                "PhiMX": nc_metrics(PhiMX, y, K, pred),
            },
            "agop": agop_summary(M),
        }
        if keep_arrays:
            entry["_arrays"] = {"X": Xn, "MX": MX, "PhiMX": PhiMX, "M": M, "G": G,
                                "alpha": alpha, "K": Kmat, "pred": pred}
        layers.append(entry)
        X = PhiMX
    return {"layers": layers}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", required=True)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--kernel", choices=["laplace", "gaussian", "linear"], default="laplace")
    ap.add_argument("--bandwidth", type=float, default=2.0)
    ap.add_argument("--ridge", type=float, default=1e-3)
    ap.add_argument("--no-standardize", action="store_true")
    args = ap.parse_args(argv)
    X, y = read_csv(args.csv)
    result = run_deep_rfm(X, y, depth=args.depth, kernel=args.kernel, bandwidth=args.bandwidth,
                          ridge=args.ridge, standardize_input=not args.no_standardize)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

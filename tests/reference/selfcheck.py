#!/usr/bin/env python3
"""Self-checks of the NumPy reference (deep_rfm.py). Exits non-zero if any check fails.

    python3 tests/reference/selfcheck.py
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import deep_rfm as ref          # noqa: E402
import make_mixture             # noqa: E402

FAILURES = []


def check(name, value, limit):
    """Pass when value <= limit (value is an error measure)."""
    ok = bool(np.isfinite(value) and value <= limit)
    print(f"[{'ok' if ok else 'FAIL'}] {name}: {value:.3e} (limit {limit:.0e})")
    if not ok:
        FAILURES.append(name)


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def random_rotation(rng, p):
    Q, R = np.linalg.qr(rng.standard_normal((p, p)))
    return Q * np.sign(np.diag(R))[None, :]


# ----------------------------------------------------------------------------- metrics

def metrics_naive(H, y, K, pred):
    """Loop-by-definition version of DIGEST section 3, to compare with the vectorised one."""
    N, p = H.shape
    mu = [np.mean([H[i] for i in range(N) if y[i] == c], axis=0) for c in range(K)]
    muG = sum(mu) / K
    Sw = sum(np.outer(H[i] - mu[y[i]], H[i] - mu[y[i]]) for i in range(N)) / N
    Sb = sum(np.outer(m - muG, m - muG) for m in mu) / K
    St = sum(np.outer(H[i] - muG, H[i] - muG) for i in range(N)) / N

    def cos(a, b):
        return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))

    G = np.array([[cos(mu[a] - muG, mu[b] - muG) for b in range(K)] for a in range(K)])
    Gu = np.array([[cos(mu[a], mu[b]) for b in range(K)] for a in range(K)])
    E = np.array([[1.0 if a == b else -1.0 / (K - 1) for b in range(K)] for a in range(K)])
    norms = np.array([np.linalg.norm(m - muG) for m in mu])
    pairs = [abs(G[a, b] + 1.0 / (K - 1)) for a in range(K) for b in range(K) if a != b]
    ncc = [int(np.argmin([np.linalg.norm(H[i] - m) for m in mu])) for i in range(N)]
    return {
        "nc1": np.trace(Sw) / (K * np.trace(Sb)),
        "nc1_trace": np.trace(Sw) / np.trace(Sb),
        "nc1_papyan": np.trace(Sw @ np.linalg.pinv(Sb, rcond=1e-12, hermitian=True)) / K,
        "nc1_wt": np.trace(Sw) / np.trace(St),
        "nc2": np.mean((G - E) ** 2),
        "nc2_orth": np.mean((Gu - np.eye(K)) ** 2),
        "nc2_equinorm": np.sqrt(np.mean((norms - norms.mean()) ** 2)) / norms.mean(),
        "nc2_equiangle": np.mean(pairs),
        "ncc_agreement": np.mean(np.array(ncc) == pred),
    }


def check_metrics():
    print("== NC metrics")
    rng = np.random.default_rng(1)
    K, p = 4, 7
    # Simplex ETF: centred, equal-norm, pairwise cosine -1/(K-1); rotated into R^p and shifted
    # by an arbitrary global mean (the metrics centre by the mean of class means).
    etf = np.eye(K) - 1.0 / K
    means = np.zeros((K, p))
    means[:, :K] = 3.0 * etf
    means = means @ random_rotation(rng, p) + rng.standard_normal(p)
    y = np.array([0, 1, 2, 3, 0, 0, 1, 2, 3, 3, 3, 2])          # unbalanced on purpose
    H = means[y]
    m = ref.nc_metrics(H, y, K, pred=y)
    for key in ["nc1", "nc1_trace", "nc1_papyan", "nc1_wt", "nc2", "nc2_equinorm", "nc2_equiangle"]:
        check(f"ETF features: {key} == 0", abs(m[key]), 1e-12)
    check("ETF features: ncc_agreement == 1", abs(m["ncc_agreement"] - 1.0), 0.0)

    # Orthogonal frame (uncentred means orthonormal, times a common scale): nc2_orth == 0.
    frame = 2.5 * random_rotation(rng, p)[:K]
    m = ref.nc_metrics(frame[y], y, K, pred=y)
    check("orthogonal-frame features: nc2_orth == 0", abs(m["nc2_orth"]), 1e-12)

    # Random, non-collapsed features: nc1_trace == K * nc1, and everything matches the loops.
    y = rng.integers(0, K, size=40)
    y[:K] = np.arange(K)
    H = rng.standard_normal((40, p)) + 0.8 * rng.standard_normal((K, p))[y]
    pred = rng.integers(0, K, size=40)
    m = ref.nc_metrics(H, y, K, pred)
    check("random features: nc1_trace == K * nc1", rel(m["nc1_trace"], K * m["nc1"]), 1e-14)
    naive = metrics_naive(H, y, K, pred)
    for key in naive:
        check(f"random features: {key} vectorised == loops", rel(m[key], naive[key]), 1e-10)


# ----------------------------------------------------------------------------- AGOP

def f_value(x, Xtr, alpha, kernel, L, skip=None):
    """f(x) = sum_j alpha_j k(x, x_j) (all classes), optionally without the term j = skip."""
    diff = Xtr - x[None, :]
    if kernel == "laplace":
        k = np.exp(-np.sqrt(np.sum(diff * diff, axis=1)) / L)
    elif kernel == "gaussian":
        k = np.exp(-np.sum(diff * diff, axis=1) / (2 * L * L))
    else:
        k = Xtr @ x
    if skip is not None:
        k = k.copy()
        k[skip] = 0.0
    return k @ alpha


def agop_finite_differences(Xtr, alpha, kernel, L, h=1e-5):
    """(1/N) sum_i J_i^T J_i with J_i from central differences of f at x_i.

    For Laplace the j = i term is left out (its gradient is singular at x_i), as in DIGEST.
    """
    N, d = Xtr.shape
    G = np.zeros((d, d))
    for i in range(N):
        skip = i if kernel == "laplace" else None
        J = np.zeros((alpha.shape[1], d))
        for a in range(d):
            e = np.zeros(d)
            e[a] = h
            J[:, a] = (f_value(Xtr[i] + e, Xtr, alpha, kernel, L, skip)
                       - f_value(Xtr[i] - e, Xtr, alpha, kernel, L, skip)) / (2 * h)
        G += J.T @ J
    return G / N


def agop_closed_form(X, alpha, kernel, L):
    """DIGEST's 'cheap exact form' (independent algebra from the direct per-class loop)."""
    N = X.shape[0]
    Kmat, D = ref.kernel_matrix(X, kernel, L)
    if kernel == "laplace":
        far = D >= ref.LAPLACE_MIN_DIST
        np.fill_diagonal(far, False)
        A = np.where(far, Kmat / np.where(far, D, 1.0), 0.0)
        denom = N * L ** 2
    else:
        A = Kmat
        denom = N * L ** 4
    S = A @ alpha
    B = (A.T @ A) * (alpha @ alpha.T) - A * (S @ alpha.T) - A.T * (alpha @ S.T) + np.diag(np.sum(S * S, axis=1))
    return X.T @ B @ X / denom


def check_agop():
    print("== AGOP: direct vectorised vs finite differences vs closed form")
    rng = np.random.default_rng(2)
    N, d, K, L = 7, 4, 3, 2.0
    X = ref.normalize_rows(rng.standard_normal((N, d)))
    y = np.array([0, 1, 2, 0, 1, 2, 0])
    Y = ref.pm1_labels(y, K)
    for kernel, bw in [("laplace", L), ("gaussian", 0.7), ("linear", L)]:
        Kmat, D = ref.kernel_matrix(X, kernel, bw)
        alpha = ref.solve_krr(Kmat, Y, 1e-3)
        G = ref.agop_unnormalized(X, alpha, kernel, bw, Kmat, D)
        G_fd = agop_finite_differences(X, alpha, kernel, bw)
        check(f"{kernel}: direct AGOP vs finite differences (rel)", rel(G, G_fd), 1e-7)
        if kernel != "linear":
            check(f"{kernel}: direct AGOP vs DIGEST closed form (rel)", rel(G, agop_closed_form(X, alpha, kernel, bw)), 1e-12)

    # Duplicate rows: the Laplace pair at distance 0 must be dropped, not produce NaN/inf.
    Xdup = np.vstack([X, X[:1]])
    Kmat, D = ref.kernel_matrix(Xdup, "laplace", L)
    alpha = rng.standard_normal((N + 1, K))
    G = ref.agop_unnormalized(Xdup, alpha, "laplace", L, Kmat, D)
    check("laplace with a duplicated row: AGOP finite (0 = yes)", float(not np.all(np.isfinite(G))), 0.0)


# ----------------------------------------------------------------------------- building blocks

def check_blocks():
    print("== building blocks")
    rng = np.random.default_rng(3)
    X = rng.standard_normal((9, 5)) * np.array([1, 2, 3, 4, 5]) + 10.0
    X[:, 2] = 0.1                                    # constant column (mean not exactly 0.1 in floats)
    Z = ref.standardize(X)
    check("standardize: constant column -> 0", float(np.max(np.abs(Z[:, 2]))), 0.0)
    keep = [0, 1, 3, 4]
    check("standardize: mean 0", float(np.max(np.abs(Z[:, keep].mean(axis=0)))), 1e-14)
    check("standardize: std (ddof 1) = 1", float(np.max(np.abs(Z[:, keep].std(axis=0, ddof=1) - 1))), 1e-14)

    Xz = rng.standard_normal((4, 3))
    Xz[1] = 0.0
    U = ref.normalize_rows(Xz)
    check("normalize_rows: zero row stays zero", float(np.max(np.abs(U[1]))), 0.0)
    check("normalize_rows: unit norms", float(np.max(np.abs(np.linalg.norm(U[[0, 2, 3]], axis=1) - 1))), 1e-15)

    Xn = ref.normalize_rows(rng.standard_normal((8, 5)))
    D = ref.pairwise_distances(Xn)
    D_direct = np.sqrt(np.sum((Xn[:, None, :] - Xn[None, :, :]) ** 2, axis=2))
    check("distances: diagonal exactly 0", float(np.max(np.abs(np.diag(D)))), 0.0)
    check("distances: expanded formula vs direct", float(np.max(np.abs(D - D_direct))), 1e-7)

    Kmat, _ = ref.kernel_matrix(Xn, "laplace", 2.0)
    Y = ref.pm1_labels(np.arange(8) % 3, 3)
    alpha = ref.solve_krr(Kmat, Y, 1e-3)
    check("cholesky KRR: residual of (K + ridge I) alpha = Y", float(np.max(np.abs((Kmat + 1e-3 * np.eye(8)) @ alpha - Y))), 1e-10)

    B = rng.standard_normal((6, 3))
    M = B @ B.T                                      # PSD, rank 3 (eigh may give tiny negatives)
    R = ref.psd_sqrt(M)
    check("psd_sqrt: R @ R == M (rank-deficient M)", rel(R @ R, M), 1e-12)
    check("psd_sqrt: symmetric", float(np.max(np.abs(R - R.T))), 1e-14)


# ----------------------------------------------------------------------------- DIGEST section 5

def check_linear_exact():
    print("== linear kernel, ridge 1e-8, no standardisation, N <= d (DIGEST section 5)")
    rng = np.random.default_rng(4)
    K, per, d = 4, 5, 30
    y = np.tile(np.arange(K), per)                  # N = 20 <= d = 30
    X = rng.standard_normal((K * per, d)) + 0.5 * rng.standard_normal((K, d))[y]
    out = ref.run_deep_rfm(X, y, depth=2, kernel="linear", ridge=1e-8, standardize_input=False,
                           keep_arrays=True)
    l1 = out["layers"][0]
    mx = l1["stages"]["MX"]
    print(f"   stage X : nc1 = {l1['stages']['X']['nc1']:.3e}, nc2 = {l1['stages']['X']['nc2']:.3e}")
    print(f"   stage MX: nc1 = {mx['nc1']:.3e}, nc2 = {mx['nc2']:.3e}, nc1_papyan = {mx['nc1_papyan']:.3e}, "
          f"equinorm = {mx['nc2_equinorm']:.3e}, equiangle = {mx['nc2_equiangle']:.3e}")
    check("linear exact: MX nc1 ~ 0", mx["nc1"], 1e-12)
    check("linear exact: MX nc2 ~ 0", mx["nc2"], 1e-12)
    check("linear exact: MX nc2_equinorm ~ 0", mx["nc2_equinorm"], 1e-6)
    check("linear exact: MX nc2_equiangle ~ 0", mx["nc2_equiangle"], 1e-6)
    # X M X^T proportional to Y Y^T.
    a = l1["_arrays"]
    XMXt = a["MX"] @ a["MX"].T
    Y = ref.pm1_labels(y, K)
    YYt = Y @ Y.T
    scale = np.sum(XMXt * YYt) / np.sum(YYt * YYt)
    check("linear exact: X M X^T proportional to Y Y^T (rel)", rel(XMXt, scale * YYt), 1e-6)
    check("linear exact: train accuracy 1", 1.0 - l1["train_acc"], 0.0)

    # Collapse weakens as the ridge grows.
    nc1s = []
    for ridge in [1e-8, 1e-2, 1e0]:
        o = ref.run_deep_rfm(X, y, depth=1, kernel="linear", ridge=ridge, standardize_input=False)
        nc1s.append(o["layers"][0]["stages"]["MX"]["nc1"])
    print("   MX nc1 for ridge 1e-8, 1e-2, 1: " + ", ".join(f"{v:.3e}" for v in nc1s))
    check("linear: MX nc1 increases with ridge (0 = yes)", float(not (nc1s[0] < nc1s[1] < nc1s[2])), 0.0)
    return X, y


# ----------------------------------------------------------------------------- command line

def check_cli(X, y):
    print("== command line: CSV in, JSON out, same numbers as in-process")
    script = os.path.join(HERE, "deep_rfm.py")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lin.csv")
        make_mixture.write_csv(path, X, y)
        cmd = [sys.executable, script, "--csv", path, "--depth", "2", "--kernel", "linear",
               "--ridge", "1e-8", "--no-standardize"]
        cli = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    mem = ref.run_deep_rfm(X, y, depth=2, kernel="linear", ridge=1e-8, standardize_input=False)
    diff = max(abs(cli["layers"][l]["stages"][s][k] - mem["layers"][l]["stages"][s][k])
               for l in range(2) for s in ["X", "MX", "PhiMX"] for k in mem["layers"][l]["stages"][s])
    check("CLI (linear, via CSV) == in-process metrics", diff, 1e-12)

    Xm, ym = make_mixture.make_mixture()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "mix.csv")
        make_mixture.write_csv(path, Xm, ym)
        for kernel in ["laplace", "gaussian"]:
            cmd = [sys.executable, script, "--csv", path, "--kernel", kernel]
            out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
            vals = [v for lay in out["layers"] for st in lay["stages"].values() for v in st.values()]
            check(f"CLI mixture ({kernel}, depth 3): all metrics finite (0 = yes)",
                  float(not np.all(np.isfinite(vals))), 0.0)
            mx = [lay["stages"]["MX"]["nc1"] for lay in out["layers"]]
            xx = [lay["stages"]["X"]["nc1"] for lay in out["layers"]]
            print(f"   {kernel}: nc1 X per layer  " + ", ".join(f"{v:.3e}" for v in xx))
            print(f"   {kernel}: nc1 MX per layer " + ", ".join(f"{v:.3e}" for v in mx))
            check(f"CLI mixture ({kernel}): PhiMX == MX (identity map)",
                  max(abs(lay["stages"]["PhiMX"][k] - lay["stages"]["MX"][k])
                      for lay in out["layers"] for k in lay["stages"]["MX"]), 0.0)


def main():
    check_blocks()
    check_metrics()
    check_agop()
    X, y = check_linear_exact()
    check_cli(X, y)
    print()
    if FAILURES:
        print(f"{len(FAILURES)} check(s) FAILED: " + "; ".join(FAILURES))
        sys.exit(1)
    print("all self-checks passed")


if __name__ == "__main__":
    main()

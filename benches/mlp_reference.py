#!/usr/bin/env python3
"""NumPy reference timings of the network side (src/mlp), for comparison with the Rust crate.

    python3 benches/mlp_reference.py [--epochs 200] [--measure-every 20] [--mnist DIGITS_DIR] [--json OUT]

The same network and training as `MlpConfig::default()` with the paper's epochs: MNIST 1000 train /
500 test (standardised with the training mean and std, ddof 1), 5 hidden ReLU layers of width 256
without biases, hidden weights xavier-uniform with gain 0.1, the output layer at PyTorch's
nn.Linear default U(-1/sqrt(fan_in), 1/sqrt(fan_in)), MSE on +-1 targets, Adam (lr 1e-3, PyTorch's
betas and eps) on shuffled batches of 128; forward, backward and Adam in float32, as PyTorch
trains. Each measurement does the work of src/mlp/measure.rs in float64: a forward pass of the
training and test sets, the per-layer AGOP middles M_l (one backward pass per class over all
samples), W^T M W and its square root (through the small side for the wide first layer), the SVD
of every weight, NC1 and NC2 at the five stages (in, Vt, SVt, USVt, out) and the NFA correlations.
Timed: seconds per training epoch (median) and per measurement (median). BLAS uses the threads
it finds (two on the lab's reference machine), as numpy users run it.
"""
import argparse
import json
import statistics
import time

import numpy as np

from reference import DEFAULT_MNIST, blas_info, load_mnist, standardize

WIDTH, DEPTH, GAIN, LR, BATCH = 256, 5, 0.1, 1e-3, 128
BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


def init(dim, classes, rng):
    sizes = [dim] + [WIDTH] * DEPTH + [classes]
    weights = []
    for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        bound = 1 / np.sqrt(fan_in) if l == DEPTH else GAIN * np.sqrt(6 / (fan_in + fan_out))
        weights.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
    return weights


def forward(weights, x):
    pre, hidden, h = [], [], x
    for w in weights[:-1]:
        z = h @ w.T
        h = np.maximum(z, 0)
        pre.append(z)
        hidden.append(h)
    return pre, hidden, h @ weights[-1].T


def gradients(weights, x, targets):
    pre, hidden, out = forward(weights, x)
    up = (out - targets) * np.float32(2 / targets.size)
    grads = [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grads[l] = up.T @ (hidden[l - 1] if l > 0 else x)
        if l > 0:
            up = (up @ weights[l]) * (pre[l - 1] > 0)
    return grads


def nc1_nc2(h, y, classes):
    means = np.stack([h[y == c].mean(0) for c in range(classes)])
    centred = means - means.mean(0)
    within = ((h - means[y]) ** 2).sum() / len(h)
    nc1 = within / (classes * (centred ** 2).sum() / classes)
    unit = centred / np.linalg.norm(centred, axis=1, keepdims=True)
    etf = np.full((classes, classes), -1 / (classes - 1)) + np.eye(classes) * (1 + 1 / (classes - 1))
    return nc1, ((unit @ unit.T - etf) ** 2).mean()


def psd_sqrt(m):
    values, vectors = np.linalg.eigh(m)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def corr(a, b):
    a, b = a - a.mean(), b - b.mean()
    return (a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum())


def measure(weights32, x, y, x_test, y_test, classes):
    weights = [w.astype(np.float64) for w in weights32]
    pre, hidden, out = forward(weights, x)
    forward(weights, x_test)
    middles = [np.zeros((w.shape[0], w.shape[0])) for w in weights[:-1]]
    for c in range(classes):
        up = np.broadcast_to(weights[-1][c], (len(x), WIDTH)).copy()
        for l in range(DEPTH - 1, -1, -1):
            up *= pre[l] > 0
            middles[l] += up.T @ up
            if l > 0:
                up = up @ weights[l]
    nfa = []
    for l, (w, m) in enumerate(zip(weights[:-1], middles)):
        phi = hidden[l - 1] if l > 0 else x
        u, s, vt = np.linalg.svd(w, full_matrices=False)
        for stage in (phi, phi @ vt.T, (phi @ vt.T) * s, pre[l], hidden[l]):
            nc1_nc2(stage, y, classes)
        agop = w.T @ m @ w
        if w.shape[0] < w.shape[1]:
            b = psd_sqrt(m) @ w
            values, vectors = np.linalg.eigh(b @ b.T)
            keep = values > 1e-24 * values.max()
            half = (vectors[:, keep] * values[keep] ** -0.25).T @ b
            root = half.T @ half
        else:
            root = psd_sqrt(agop)
        gram = w.T @ w
        nfa.append((corr(gram, root), corr(gram, agop)))
    return nfa


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--measure-every", type=int, default=20)
    ap.add_argument("--mnist", default=DEFAULT_MNIST)
    ap.add_argument("--json")
    args = ap.parse_args()
    x, y, x_test, y_test = load_mnist(args.mnist, 1000, 500)
    x, x_test = standardize(x, x_test)
    classes = 10
    targets = (2 * np.eye(classes)[y] - 1).astype(np.float32)
    x32 = x.astype(np.float32)
    rng = np.random.default_rng(0)
    weights = init(x.shape[1], classes, rng)
    first = [np.zeros_like(w) for w in weights]
    second = [np.zeros_like(w) for w in weights]
    epoch_seconds, measure_seconds, step = [], [], 0
    for epoch in range(args.epochs + 1):
        if epoch % args.measure_every == 0 or epoch == args.epochs:
            start = time.perf_counter()
            measure(weights, x, y, x_test, y_test, classes)
            measure_seconds.append(time.perf_counter() - start)
        if epoch == args.epochs:
            break
        start = time.perf_counter()
        order = rng.permutation(len(x32))
        for batch in range(0, len(order), BATCH):
            rows = order[batch:batch + BATCH]
            step += 1
            size = np.float32(LR / (1 - BETA1 ** step))
            root = np.float32(np.sqrt(1 - BETA2 ** step))
            for w, g, m, v in zip(weights, gradients(weights, x32[rows], targets[rows]), first, second):
                m *= np.float32(BETA1)
                m += np.float32(1 - BETA1) * g
                v *= np.float32(BETA2)
                v += np.float32(1 - BETA2) * g * g
                w -= size * m / (np.sqrt(v) / root + np.float32(EPS))
        epoch_seconds.append(time.perf_counter() - start)
    _, _, out = forward(weights, x_test.astype(np.float32))
    accuracy = float((out.argmax(1) == y_test).mean())
    _, threads = blas_info()
    report = {"numpy": np.__version__, "threads": threads, "epochs": args.epochs,
              "epoch_seconds": statistics.median(epoch_seconds), "measure_seconds": statistics.median(measure_seconds),
              "measurements": len(measure_seconds), "train_seconds": sum(epoch_seconds),
              "total_seconds": sum(epoch_seconds) + sum(measure_seconds), "test_acc": accuracy}
    print(json.dumps(report))
    if args.json:
        with open(args.json, "w") as fh:
            fh.write(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()

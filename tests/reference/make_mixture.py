#!/usr/bin/env python3
"""Write a small seeded Gaussian-mixture CSV (header `label,f0,...`) for cross-checks.

    python3 tests/reference/make_mixture.py [--out PATH] [--classes 4] [--per-class 30] [--dim 12]
        [--sep 1.5] [--seed 0]

Class c has mean m_c ~ sep * N(0, I_d) and samples m_c + N(0, I_d). Rows are written in a
seeded random order (classes interleaved), values with 17 significant digits so the file
round-trips exactly to float64.
"""
import argparse
import os

import numpy as np


def make_mixture(classes=4, per_class=30, dim=12, sep=1.5, seed=0):
    rng = np.random.default_rng(seed)
    centres = sep * rng.standard_normal((classes, dim))
    y = np.repeat(np.arange(classes), per_class)
    X = centres[y] + rng.standard_normal((y.size, dim))
    order = rng.permutation(y.size)
    return X[order], y[order]


def write_csv(path, X, y):
    with open(path, "w") as fh:
        fh.write(",".join(["label"] + [f"f{j}" for j in range(X.shape[1])]) + "\n")
        for label, row in zip(y, X):
            fh.write(str(int(label)) + "," + ",".join(f"{v:.17g}" for v in row) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="seeded Gaussian mixture CSV")
    ap.add_argument("--out", default=os.path.join(here, "mixture_k4_n120_d12.csv"))
    ap.add_argument("--classes", type=int, default=4)
    ap.add_argument("--per-class", type=int, default=30)
    ap.add_argument("--dim", type=int, default=12)
    ap.add_argument("--sep", type=float, default=1.5)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    X, y = make_mixture(a.classes, a.per_class, a.dim, a.sep, a.seed)
    write_csv(a.out, X, y)
    print(a.out)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Null distribution of the classifier's footprint split test
(lib/classifier/units.c, footprint_level), from numpy: run once with
Debian's python3-numpy,

    /usr/bin/python3 tests/classifier/gen_footprint_null.py [trials] [discharges]

A unit's latest 16 (or `discharges`: the library tests 16, then the 32 it
keeps) discharges are projected on its rows
(main channel and neighbours) in noise sigma: a common footprint (the main
row 12 sigma, the neighbours 2-8), scaled per discharge by a common factor
of 1 +- 3 % (the synthetic units' amplitude jitter), plus unit Gaussian
noise on every row. The footprints are split by 2-means started on the two
farthest apart, as the library does; both halves hold at least 3. The
statistic is the halves' mean difference across the direction of the mean
footprint, squared, over (1/n_a + 1/n_b). It prints quantiles per number
of rows.
"""
import sys

import numpy as np

HIST = int(sys.argv[2]) if len(sys.argv) > 2 else 16
UNIT_MIN = 3


def two_means(x):
    d = ((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2)
    i0, i1 = np.unravel_index(np.argmax(d), d.shape)
    ma, mb = x[i0].copy(), x[i1].copy()
    g = None
    for _ in range(32):
        new = ((x - mb) ** 2).sum(axis=1) < ((x - ma) ** 2).sum(axis=1)
        if g is not None and (new == g).all():
            break
        g = new
        if int(g.sum()) in (0, len(x)):
            break
        ma, mb = x[~g].mean(axis=0), x[g].mean(axis=0)
    return g


def statistic(z):
    g = two_means(z)
    na, nb = int((~g).sum()), int(g.sum())
    if min(na, nb) < UNIT_MIN:
        return 0.0
    za, zb = z[~g].mean(axis=0), z[g].mean(axis=0)
    f = (na * za + nb * zb) / HIST
    e = za - zb
    across = e @ e - (e @ f) ** 2 / (f @ f)
    return across / (1.0 / na + 1.0 / nb)


def main():
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    rng = np.random.default_rng(1)
    for rows in (2, 3, 4, 5):
        s = np.empty(trials)
        for k in range(trials):
            foot = np.concatenate([[12.0], rng.uniform(2.0, 8.0, rows - 1)])
            gain = 1.0 + 0.03 * rng.standard_normal(HIST)
            z = np.outer(gain, foot) + rng.standard_normal((HIST, rows))
            s[k] = statistic(z)
        q = np.quantile(s, [0.99, 0.999, 0.9999])
        print(f"rows {rows}: 99% {q[0]:.1f}  99.9% {q[1]:.1f}  99.99% {q[2]:.1f}  "
              f"max {s.max():.1f} of {trials}")


if __name__ == "__main__":
    main()

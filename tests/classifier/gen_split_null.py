#!/usr/bin/python3
"""Null distribution of the classifier's split test (lib/classifier/units.c,
split_level), from numpy/scipy: run once with Debian's python3-scipy,

    /usr/bin/python3 tests/classifier/gen_split_null.py [trials] [windows]

It prints quantiles of the statistic for a unit whose latest 16 (or
`windows`: the library tests 16, then 32) discharges are one waveform plus Gaussian noise of the filter bank's
broadband stream (20 Hz high-pass order 2, 450 Hz low-pass order 4, at
2048 Hz), in windows of unit_pre_s + unit_post_s (10 + 15 ms), the waveform
a Mexican hat of 3 samples' width and 10 sigma peak-to-peak (20 dB, the
accuracy bench's median). The split is 2-means started on the two farthest
apart windows, as the library does. The statistic is what the two halves'
means differ by beyond a change of size and a sub-sample shift (least
squares on the pooled mean and its slope), over len sigma^2 (1/n_a +
1/n_b); both halves hold at least unit_min_discharges (3).
"""
import sys

import numpy as np
from scipy import signal

FS = 2048.0
LEN = int(round(0.010 * FS)) + int(round(0.015 * FS)) + 1
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
        nb = int(g.sum())
        if nb in (0, len(x)):
            break
        ma, mb = x[~g].mean(axis=0), x[g].mean(axis=0)
    nb = int(g.sum())
    na = len(x) - nb
    if min(na, nb) < UNIT_MIN:
        return 0.0
    m = (na * ma + nb * mb) / (na + nb)
    slope = np.gradient(m)
    basis = np.stack([m, slope], axis=1)
    diff = ma - mb
    coef, *_ = np.linalg.lstsq(basis, diff, rcond=None)
    rest = diff - basis @ coef
    return (rest ** 2).sum() / (x.shape[1] * (1.0 / na + 1.0 / nb))


def hat(width):
    u = np.arange(LEN) - int(round(0.010 * FS))
    v = (1.0 - (u / width) ** 2) * np.exp(-0.5 * (u / width) ** 2)
    return v / (v.max() - v.min())


def main():
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 40000
    hp = signal.butter(2, 20.0, "highpass", fs=FS, output="sos")
    lp = signal.butter(4, 450.0, "lowpass", fs=FS, output="sos")
    rng = np.random.default_rng(20261127)
    settle = 400
    wave = 10.0 * hat(3.0)
    stats = np.empty(trials)
    for t in range(trials):
        z = rng.standard_normal(HIST * (LEN + settle))
        z = signal.sosfilt(lp, signal.sosfilt(hp, z)).reshape(HIST, LEN + settle)[:, settle:]
        stats[t] = two_means(wave + z / z.std())
    print("# split statistic on band-limited Gaussian noise, %d trials of %d windows of %d samples"
          % (trials, HIST, LEN))
    for q in (0.5, 0.9, 0.99, 0.999, 0.9999):
        print("quantile %.4f: %.2f" % (q, np.quantile(stats, q)))
    for level in (3.0, 3.5, 4.0):
        print("P(statistic > %.1f) = %.2g" % (level, (stats > level).mean()))
    print("largest: %.2f" % stats.max())


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Reference vectors for the filter bank tests, from scipy.signal.

Run once with Debian's python3-scipy (/usr/bin/python3); the tests read the
committed output and never run Python:

    /usr/bin/python3 tests/filterbank/gen_reference.py tests/data/filterbank

Format: blocks of `name count` followed by `count` values, one per line;
lines starting with '#' are comments.
"""
import sys

import numpy as np
import scipy
from scipy import signal

N_DESIGN = 160  # samples per design impulse/step response
N_BANK = 256    # samples per filter bank stream

# type, order, f1, f2, fs  (f2 unused for low/high-pass)
DESIGN_CASES = [
    ("lowpass", 1, 100.0, 0.0, 500.0),
    ("lowpass", 4, 450.0, 0.0, 2048.0),
    ("lowpass", 8, 3000.0, 0.0, 44100.0),
    ("highpass", 2, 20.0, 0.0, 2048.0),
    ("highpass", 5, 20.0, 0.0, 4000.0),
    ("bandpass", 2, 20.0, 43.6, 2048.0),
    ("bandpass", 3, 95.0, 207.0, 2048.0),
    ("bandstop", 2, 45.0, 55.0, 1000.0),
]
NOTCHES = [(50.0, 30.0, 2048.0), (150.0, 30.0, 2048.0), (60.0, 10.0, 500.0)]


def write_block(out, name, values):
    out.write(f"{name} {len(values)}\n")
    for v in values:
        out.write(f"{v:.12e}\n")


def responses(sos, n):
    impulse = np.zeros(n)
    impulse[0] = 1.0
    return signal.sosfilt(sos, impulse), signal.sosfilt(sos, np.ones(n))


def design(out):
    out.write(f"# scipy {scipy.__version__}: butter(..., output='sos') + sosfilt\n")
    for i, (kind, order, f1, f2, fs) in enumerate(DESIGN_CASES):
        wn = f1 if kind in ("lowpass", "highpass") else [f1, f2]
        sos = signal.butter(order, wn, btype=kind, fs=fs, output="sos")
        imp, step = responses(sos, N_DESIGN)
        write_block(out, f"case{i}_impulse", imp)
        write_block(out, f"case{i}_step", step)
    for i, (f0, q, fs) in enumerate(NOTCHES):
        b, a = signal.iirnotch(f0, q, fs=fs)
        write_block(out, f"notch{i}", [b[0], b[1], b[2], a[1], a[2]])


def bank(out):
    """Default bank at 2048 Hz, one channel, notches fixed at 50 Hz."""
    fs = 2048.0
    pre = np.vstack([
        signal.butter(2, 20.0, btype="highpass", fs=fs, output="sos"),
        signal.butter(4, 450.0, btype="lowpass", fs=fs, output="sos"),
    ] + [np.hstack(signal.iirnotch(50.0 * k, 30.0, fs=fs)).reshape(1, 6)
         for k in (1, 2, 3)])
    ratio = (450.0 / 20.0) ** 0.25
    edges = [20.0 * ratio ** b for b in range(4)] + [450.0]
    out.write(f"# scipy {scipy.__version__}: default bank at 2048 Hz, 50 Hz notches\n")
    for kind, x in (("impulse", np.eye(1, N_BANK)[0]), ("step", np.ones(N_BANK))):
        y0 = signal.sosfilt(pre, x)
        write_block(out, f"bank_{kind}_0", y0)
        for b in range(4):
            sos = signal.butter(2, [edges[b], edges[b + 1]], btype="bandpass",
                                fs=fs, output="sos")
            write_block(out, f"bank_{kind}_{b + 1}", signal.sosfilt(sos, y0))


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "tests/data/filterbank"
    with open(f"{outdir}/design_ref.txt", "w") as out:
        design(out)
    with open(f"{outdir}/bank_ref.txt", "w") as out:
        bank(out)


if __name__ == "__main__":
    main()

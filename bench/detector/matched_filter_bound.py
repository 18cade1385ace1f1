#!/usr/bin/python3
"""How many fasciculations a detector could find on fasc-synth recordings at
rest if it knew every unit's exact waveform in advance: the bound the 14 dB
target of the detector issue sits against.

For each seed, fasc-synth writes the recording twice, with and without its
background noise (same seed: same units, same discharges). Each unit's
noise-free waveform on every channel that holds at least 2 % of its energy,
in sigma units of each channel's noise, is a spatio-temporal matched filter
(the optimum linear detector of a known signal in Gaussian noise; band-
passed 20-450 Hz like the detector's input, zero phase). Its output is
scaled by its own standard deviation on the noise alone, so a threshold k
is a Gaussian z. A true discharge counts as found when its own unit's
filter reaches k within 3 ms of its peak; false detections per minute are
the crossings (10 ms apart) of the largest of all units' filters on the
noise alone. A blind detector, which must learn the waveforms from the
data, cannot do better.

Usage: matched_filter_bound.py FASC_SYNTH [SNR_DB [FIRST_SEED LAST_SEED]]
(defaults 14 dB, seeds 1-3; 8 channels, 5 minutes, as bench_detector_accuracy).
Needs numpy and scipy (Debian python3-scipy).
"""
import csv
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import scipy.io.wavfile as wavfile
import scipy.signal as signal

FS = 2048
HALF = 40  # template half-length, samples (about 20 ms)


def fps(path):
    with open(path) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [(float(r["peak"]), int(r["unit"])) for r in rows if r["class"] == "fasciculation"]


def crossings(z, k):
    idx = np.flatnonzero(z > k)
    return 0 if len(idx) == 0 else 1 + int(np.sum(np.diff(idx) > int(0.010 * FS)))


def one_seed(synth, snr, seed, tmp):
    base = os.path.join(tmp, f"s{seed}")
    for suffix, extra in (("", []), ("-clean", ["--no-noise"])):
        subprocess.run([synth, "-q", "-o", base + suffix + ".wav", "-t", base + suffix + ".tsv",
                        "--seconds", "300", "--seed", str(seed), "--snr-db", str(snr)] + extra,
                       check=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the WAV's own chunks
        noisy = wavfile.read(base + ".wav")[1].astype(np.float64).T
        clean = wavfile.read(base + "-clean.wav")[1].astype(np.float64).T
    sos = signal.butter(4, [20, 450], btype="band", fs=FS, output="sos")
    x = signal.sosfiltfilt(sos, noisy, axis=1)
    s = signal.sosfiltfilt(sos, clean, axis=1)
    noise = x - s
    sigma = np.median(np.abs(noise), axis=1) / 0.6745
    truth = fps(base + ".tsv")
    units = sorted({u for _, u in truth})
    on_x, on_n = {}, {}
    for u in units:
        peak = int(round(next(p for p, v in truth if v == u) * FS))
        tmpl = s[:, peak - HALF:peak + HALF + 1] / sigma[:, None]
        energy = (tmpl ** 2).sum(axis=1)
        zx = np.zeros(x.shape[1])
        zn = np.zeros(x.shape[1])
        for c in np.flatnonzero(energy > 0.02 * energy.max()):
            h = tmpl[c][::-1]
            zx += signal.fftconvolve(x[c] / sigma[c], h, "same")
            zn += signal.fftconvolve(noise[c] / sigma[c], h, "same")
        sd = zn.std()
        on_x[u], on_n[u] = zx / sd, zn / sd
    best = np.array([on_x[u][int(round(p * FS)) - 6:int(round(p * FS)) + 7].max() for p, u in truth])
    noise_max = np.max([on_n[u] for u in units], axis=0)
    minutes = x.shape[1] / FS / 60
    return best, noise_max, minutes, len(truth)


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    synth = sys.argv[1]
    snr = float(sys.argv[2]) if len(sys.argv) > 2 else 14.0
    first, last = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (1, 3)
    levels = (4.0, 4.5, 5.0, 5.5)
    print(f"known-waveform matched filters on fasc-synth at rest, {snr:g} dB, 8 channels, 5 min")
    print(f"{'seed':>4} {'FPs':>5} " + " ".join(f"{'z>' + str(k):>18}" for k in levels))
    print(f"{'':>4} {'':>5} " + " ".join(f"{'sens  false/min':>18}" for _ in levels))
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(first, last + 1):
            best, noise_max, minutes, n = one_seed(synth, snr, seed, tmp)
            cells = [f"{np.mean(best > k):8.3f} {crossings(noise_max, k) / minutes:9.2f}" for k in levels]
            print(f"{seed:>4} {n:>5} " + " ".join(cells))
    print("precision 0.90 at 20 FPs per minute allows about 1.8 false detections per minute")
    return 0


if __name__ == "__main__":
    sys.exit(main())

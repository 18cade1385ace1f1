#!/usr/bin/python3
"""Why a recording's unit count is off: each true unit and each counted
found unit of bench_classifier_accuracy's recordings, put in one class.

Run the benchmark with FASC_BENCH_DUMP=PREFIX (it writes PREFIX-SEED.truth.tsv
and PREFIX-SEED.found.tsv, the found events of the last pass), then

    unit_errors.py PREFIX FIRST_SEED LAST_SEED [--all] [--shapes FASC_SYNTH]

Each found fasciculation is given the true unit of the nearest true one
within 20 ms ('-' for none). A found unit counts from 3 discharges, as
unit_min_discharges does. A true unit's primary found unit is the counted
one holding most of its discharges.

  ok             the true unit is the most of its primary found unit
  unidentifiable fewer than 3 of its discharges at rest (outside voluntary
                 and movement epochs): no count from 3 can count it
  undetected     3 or more at rest, fewer than 3 found as fasciculations
  merged         3 or more found, in a found unit that another true unit
                 holds most of
  scattered      3 or more found, in no counted unit of 3 of its own
  fragment       a counted found unit of a true unit whose primary is
                 another found unit
  false          a counted found unit most of whose discharges match no
                 true one

found - true = fragment + false - (unidentifiable + undetected + merged +
scattered). Recordings off by 2 or more are listed (all with --all).

--shapes FASC_SYNTH: for each merged pair, how far apart the two units'
waveforms are without noise: fasc-synth writes the recording again with
--no-noise --mains 0 (same seed: same units and discharges), 20-450 Hz at
zero phase; each unit's median waveform over its discharges on its main
channel and the channels beside it, 10 ms before and 15 ms after its peak
(the template window), compared at the best lag within 15 ms, in units of
L sigma^2 (L samples, sigma the noise the recording had at 20 dB: median
FP peak-to-peak / 10), as the classifier's mismatch is; also beyond a
change of size. A discharge of one against the other's template then
leaves about 1 + that; the classifier joins below 2.
Needs numpy and scipy (Debian python3-scipy) for --shapes.
"""
import bisect
import collections
import csv
import os
import subprocess
import sys
import tempfile

MIN_DISCHARGES = 3   # unit_min_discharges (fasc/classifier.h)
MATCH_S = 0.020      # the benchmark's phase tolerance (fp_phase_tolerance_s)


def rows(path, cls=None):
    with open(path) as f:
        return [r for r in csv.DictReader(f, delimiter='\t') if cls is None or r['class'] == cls]


def nearest_unit(keys, units, t):
    i = bisect.bisect_left(keys, t - MATCH_S)
    best = None
    while i < len(keys) and keys[i] <= t + MATCH_S:
        if best is None or abs(keys[i] - t) < abs(keys[best] - t):
            best = i
        i += 1
    return units[best] if best is not None else '-'


def classify(prefix, seed):
    truth_all = rows(f'{prefix}-{seed}.truth.tsv')
    found = rows(f'{prefix}-{seed}.found.tsv', 'fasciculation')
    truth = [r for r in truth_all if r['class'] == 'fasciculation']
    excluded = [(float(r['onset']), float(r['onset']) + float(r['duration']))
                for r in truth_all if r['class'] in ('voluntary', 'movement')]
    order = sorted((float(r['peak']), r['unit']) for r in truth)
    keys = [t for t, _ in order]
    units = [u for _, u in order]
    at_rest = collections.Counter(u for t, u in order
                                  if not any(a <= t <= b for a, b in excluded))
    members = collections.defaultdict(collections.Counter)
    for r in found:
        members[r['unit']][nearest_unit(keys, units, float(r['peak']))] += 1
    counted = {u: c for u, c in members.items()
               if sum(c.values()) >= MIN_DISCHARGES and u not in ('0', 'n/a')}
    matched = collections.Counter()
    for c in members.values():
        for tu, n in c.items():
            matched[tu] += n
    primary = {}
    for fu, c in counted.items():
        for tu, n in c.items():
            if tu != '-' and (tu not in primary or n > counted[primary[tu]][tu]):
                primary[tu] = fu
    out = []  # (class, text, merged-with true unit or None)
    for fu, c in sorted(counted.items(), key=lambda x: int(x[0])):
        top = c.most_common(1)[0][0]
        if top == '-':
            out.append(('false', f'found unit {fu} {dict(c)}', None))
        elif primary.get(top) != fu:
            out.append(('fragment', f'found unit {fu} {dict(c)}, of true unit {top}', None))
        else:
            out.append(('ok', '', None))
    for tu in sorted(set(units), key=int):
        fu = primary.get(tu)
        if fu is not None and counted[fu].most_common(1)[0][0] == tu:
            continue
        where = f', in found unit {fu} {dict(counted[fu])}' if fu is not None else ''
        text = f'true unit {tu} ({at_rest[tu]} at rest, {matched[tu]} found{where})'
        if at_rest[tu] < MIN_DISCHARGES:
            out.append(('unidentifiable', text, None))
        elif matched[tu] < MIN_DISCHARGES:
            out.append(('undetected', text, None))
        elif fu is not None and counted[fu][tu] >= MIN_DISCHARGES:
            out.append(('merged', text, (tu, counted[fu].most_common(1)[0][0])))
        else:
            out.append(('scattered', text, None))
    return len(set(units)), len(counted), out


def shape_gaps(synth, seed, n_units, pairs):
    """Noise-free differences of each (a, b) pair of true units."""
    import numpy as np
    from scipy.io import wavfile
    from scipy.signal import butter, sosfiltfilt
    with tempfile.TemporaryDirectory() as tmp:
        wav, tsv = os.path.join(tmp, 'r.wav'), os.path.join(tmp, 'r.tsv')
        subprocess.run([synth, '-q', '-o', wav, '-t', tsv, '--seconds', '600', '--seed', str(seed),
                        '--units', str(n_units), '--snr-db', '20', '--all-artefacts', '--mains', '0',
                        '--no-noise', '--channels', '8'], check=True)
        fs, x = wavfile.read(wav)
        truth = rows(tsv, 'fasciculation')
    x = np.asarray(x, dtype=float).T
    y = sosfiltfilt(butter(4, [20, 450], btype='band', fs=fs, output='sos'), x, axis=1)
    sd = np.median([float(r['peak_to_peak_uv']) for r in truth]) / 10.0
    peaks = collections.defaultdict(list)
    for r in truth:
        peaks[r['unit']].append(float(r['peak']))
    main = {u: int(collections.Counter(r['channel'] for r in truth if r['unit'] == u)
                   .most_common(1)[0][0][2:]) - 1 for u in peaks}
    pre, post, reach = int(0.010 * fs), int(0.015 * fs), int(0.015 * fs)
    length = pre + post + 1

    def wave(u, c, lag):
        w = [y[c, int(round(t * fs)) - pre + lag:int(round(t * fs)) + post + 1 + lag]
             for t in peaks[u] if int(round(t * fs)) - pre - reach >= 0 and
             int(round(t * fs)) + post + 1 + reach <= y.shape[1]]
        return np.median(np.array(w), axis=0)

    out = []
    for a, b in pairs:
        chans = [c for c in (main[a] - 1, main[a], main[a] + 1) if 0 <= c < y.shape[0]]
        wa = np.concatenate([wave(a, c, 0) for c in chans])
        best = None
        for lag in range(-reach, reach + 1):
            wb = np.concatenate([wave(b, c, lag) for c in chans])
            raw = float(((wa - wb) ** 2).sum()) / (length * sd * sd)
            size = float(wa @ wb) / float(wb @ wb)
            scaled = float(((wa - size * wb) ** 2).sum()) / (length * sd * sd)
            if best is None or raw < best[0]:
                best = (raw, scaled, size, lag)
        out.append((a, b, [c + 1 for c in chans], best))
    return out


def main(argv):
    args = [a for a in argv[1:] if not a.startswith('--')]
    show_all = '--all' in argv
    synth = argv[argv.index('--shapes') + 1] if '--shapes' in argv else None
    if synth in args:
        args.remove(synth)
    if len(args) != 3:
        sys.stderr.write(__doc__)
        return 2
    prefix, first, last = args[0], int(args[1]), int(args[2])
    total = collections.Counter()
    off = 0
    for seed in range(first, last + 1):
        try:
            n_true, n_found, out = classify(prefix, seed)
        except FileNotFoundError as e:
            sys.stderr.write(f'unit_errors.py: seed {seed}: {e.filename}: not found\n')
            return 1
        total.update(k for k, _, _ in out)
        off += abs(n_found - n_true) >= 2
        if show_all or abs(n_found - n_true) >= 2:
            print(f'seed {seed}: {n_true} true units, {n_found} found')
            for k, text, _ in out:
                if k != 'ok':
                    print(f'  {k:14s} {text}')
            pairs = [p for k, _, p in out if k == 'merged']
            if synth and pairs:
                for a, b, chans, (raw, scaled, size, lag) in shape_gaps(synth, seed, n_true, pairs):
                    print(f'  {"":14s} units {a} and {b} without noise on channels {chans}: '
                          f'{raw:.2f} L sigma^2 apart ({scaled:.2f} beyond a size of {size:.2f}), '
                          f'lag {lag}')
    print(f'{last - first + 1} recordings, {off} off by 2 or more; ' +
          ', '.join(f'{k} {total[k]}' for k in ('ok', 'unidentifiable', 'undetected', 'merged',
                                                  'scattered', 'fragment', 'false')))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))

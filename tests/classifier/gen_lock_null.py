#!/usr/bin/python3
"""How often the classifier's heartbeat lock (lib/classifier/units.c,
note_beat_lag) takes a motor unit that fires independently of the heart:

    /usr/bin/python3 tests/classifier/gen_lock_null.py [trials] [rr_s]

Each simulated unit has N discharges at lags uniform over one beat interval
(rr_s, default 0.75 s, the synthetic bench's median). As the library does
at every discharge: an unlocked unit searches the lags within ecg_window_s
(60 ms) of the nearest beat among its latest CLS_UNIT_TIMES (8) for the
most within lock_span_s (10 ms) of one another, and locks when those are
at least unit_min_discharges (3) and at least the given share of all its
discharges so far; a locked unit counts the discharges within lock_span_s
of the middle of that cluster, and stays locked while they are at least
half of all. Printed, by N, for an entry share of one half and of two
thirds (the library's): the share of units that ever lock (some of their
discharges are then taken for ecg) and that are locked at the end (not
counted).
"""
import sys

import numpy as np

TRIALS = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
RR = float(sys.argv[2]) if len(sys.argv) > 2 else 0.75
WINDOW, SPAN, RING, UNIT_MIN = 0.060, 0.010, 8, 3


def run(lags, share):
    """(ever locked, locked at the end)"""
    ever = locked = False
    middle = at_lock = 0
    for n in range(1, len(lags) + 1):
        lag = lags[n - 1]
        if not locked:
            kept = lags[max(0, n - RING):n]
            kept = np.sort(kept[np.abs(kept) <= WINDOW])
            most = 0
            for a in kept:
                inside = kept[(kept >= a) & (kept <= a + SPAN)]
                if len(inside) > most:
                    most, middle = len(inside), (inside[0] + inside[-1]) / 2
            if most < UNIT_MIN or most < share * n:
                continue
            locked = ever = True
            at_lock = most - 1
        at_lock += abs(lag) <= WINDOW and abs(lag - middle) <= SPAN
        locked = 2 * at_lock >= n
    return ever, locked


def main():
    rng = np.random.default_rng(1)
    for share in (1 / 2, 2 / 3):
        for n in (3, 5, 10, 30, 100):
            trials = TRIALS if n < 30 else TRIALS // 4
            runs = [run(rng.uniform(-RR / 2, RR / 2, n), share) for _ in range(trials)]
            ever = sum(r[0] for r in runs)
            end = sum(r[1] for r in runs)
            print(f"share {share:.2f}  discharges {n:3d}  ever locked {ever / trials:.5f}"
                  f"  locked at the end {end / trials:.5f}  of {trials}")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Reference levels of the classifier's row tests (lib/classifier/units.c,
fasc_cls_rows_levels), from scipy: run with Debian's python3-scipy,

    /usr/bin/python3 tests/classifier/gen_rows_levels.py [unit_match]

and paste its arrays into tests/classifier/test_cls_levels.c. One row's
mismatch is taken as chi-square with k = 22 degrees of freedom over k.
rows_match[n] is the mean of n rows' mismatches (chi-square with n k) at
the tail one row has at unit_match; row_cap is one row's level at the
normal deviate of that tail plus 1. The library computes both from
Wilson & Hilferty's cube-root approximation.
"""
import sys

from scipy.stats import chi2, norm

K = 22
ROWS = 5  # main + CLS_NB_ROWS neighbours

match = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
tail = chi2.sf(match * K, K)
print(f'/* gen_rows_levels.py {match:g}: tail {tail:.3e} */')
levels = ', '.join(f'{chi2.isf(tail, n * K) / (n * K):.4f}' for n in range(1, ROWS + 1))
print(f'static const double ref_rows_match_{int(match)}[{ROWS}] = {{{levels}}}; /* n = 1..{ROWS} */')
cap = chi2.isf(norm.sf(norm.isf(tail) + 1.0), K) / K
print(f'static const double ref_row_cap_{int(match)} = {cap:.4f};')

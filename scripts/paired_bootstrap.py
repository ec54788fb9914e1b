#!/usr/bin/env python3
"""Paired comparison of two localisation rows from two `./wsol eval` runs on the same images (eval.csv files).

    python3 scripts/paired_bootstrap.py A/eval.csv ROW_A B/eval.csv ROW_B

ROW is a column prefix of eval.csv: graphcut (the run's first mode), extent (a second mode named extent; other
modes use their own id), threshold or centre. For top-1 error, top-5 error and GT-known accuracy it prints the
two figures, the images right only in A / only in B, and the paired difference A - B in points with a 95%
percentile bootstrap interval (1000 resamples of the images, seed 11), as org.wsol.cli.eval.Bootstrap does
within one run. Plain Python, no packages.
"""
import csv
import random
import sys


def outcomes(path, row):
    out = {}
    with open(path, newline='') as f:
        for r in csv.DictReader(f):
            iou = float(r[row + '_gtknown_iou'])
            out[r['image']] = (r[row + '_top1_correct'] == 'true', r[row + '_top5_correct'] == 'true', iou >= 0.5)
    return out


def main(a_csv, a_row, b_csv, b_row):
    a, b = outcomes(a_csv, a_row), outcomes(b_csv, b_row)
    if set(a) != set(b):
        sys.exit('the two runs are not on the same images')
    images = sorted(a)
    n = len(images)
    rng = random.Random(11)
    samples = [[rng.randrange(n) for _ in range(n)] for _ in range(1000)]
    for k, (name, is_error) in enumerate((('top-1 loc. err.', True), ('top-5 loc. err.', True),
                                          ('GT-known acc.', False))):
        def value(o):  # per image: 1 for an error (errors) or a hit (accuracy)
            return float(not o[k]) if is_error else float(o[k])
        va = [value(a[i]) for i in images]
        vb = [value(b[i]) for i in images]
        only_a = sum(1 for i in images if a[i][k] and not b[i][k])
        only_b = sum(1 for i in images if b[i][k] and not a[i][k])
        diffs = sorted(100 * sum(va[j] - vb[j] for j in s) / n for s in samples)
        print(f'{name}: A {100 * sum(va) / n:.1f}%  B {100 * sum(vb) / n:.1f}%  right only in A {only_a}, only in B '
              f'{only_b}  A-B {100 * (sum(va) - sum(vb)) / n:+.1f} [{diffs[25]:+.1f}, {diffs[974]:+.1f}] points')


if __name__ == '__main__':
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])

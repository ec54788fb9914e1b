"""Compares oneDNN's per-primitive times between two runs' verbose logs, pass by pass (BENCHMARKS.md, Saliency).

    DNNL_VERBOSE=1 /usr/bin/python3 scripts/saliency-cpu/pass_times.py 4 3 300 2 2>&1 | grep exec > pt.log
    ONEDNN_VERBOSE=1 java ... scripts/saliency-cpu/PassTimes.java 4 3 300 2 2>&1 | grep exec > djl.log
    python3 scripts/saliency-cpu/onednn_compare.py pt.log djl.log

Reads both verbose formats (oneDNN 2.x: 'onednn_verbose,exec,cpu,...'; 3.x: 'onednn_verbose,v1,primitive,exec,...').
A pass starts at the stem's weight reorder (32x3x3x3). Prints, for the last pass, the time by primitive kind on
each side, then every convolution's time on both sides (median over the last passes) and their ratio.
"""
import collections
import statistics
import sys

STEM_WEIGHTS = '32x3x3x3'


def passes(path):
    found, current = [], None
    for line in open(path):
        f = line.strip().split(',')
        if 'exec' not in f or 'info' in f:
            continue
        i = f.index('exec')
        primitive, implementation, problem, ms = f[i + 2], f[i + 3], f[-2], float(f[-1])
        if primitive == 'reorder' and problem == STEM_WEIGHTS:
            current = []
            found.append(current)
        if current is not None:
            current.append((primitive, implementation, problem, ms))
    return found


def kinds(one_pass):
    total = collections.defaultdict(float)
    for primitive, implementation, _, ms in one_pass:
        total[primitive + ' ' + implementation] += ms
    return total


def main(reference, other):
    a, b = passes(reference), passes(other)
    for path, ps in ((reference, a), (other, b)):
        print('%s: %d passes, last one %.1f ms in oneDNN' % (path, len(ps), sum(x[3] for x in ps[-1])))
        for k, ms in sorted(kinds(ps[-1]).items(), key=lambda kv: -kv[1]):
            print('    %-40s %7.2f ms' % (k, ms))
    last = min(len(a), len(b), 3)

    def convolutions(ps):
        per_pass = [[x for x in p if x[0] == 'convolution'] for p in ps[-last:]]
        return [(per_pass[0][j][2], statistics.median(p[j][3] for p in per_pass)) for j in range(len(per_pass[0]))]

    print('convolution (median of the last %d passes)                       %s  %s  ratio' % (last, 'ref ms', 'other'))
    sums = [0.0, 0.0]
    for (problem, ta), (_, tb) in zip(convolutions(a), convolutions(b)):
        sums[0] += ta
        sums[1] += tb
        print('  %-68s %6.2f %6.2f %5.2f' % (problem[:68], ta, tb, tb / ta))
    print('  all convolutions %50s %6.2f %6.2f %5.2f' % ('', sums[0], sums[1], sums[1] / sums[0]))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])

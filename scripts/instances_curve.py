#!/usr/bin/python3
"""Draws docs/instances-curve.png from an eval's instances-curve.csv (wsol eval writes it next to eval.md).

    /usr/bin/python3 scripts/instances_curve.py wsol-out/eval/instances-curve.csv docs/instances-curve.png

Left: instance precision against instance recall for each idea as its score threshold rises (labels: the
threshold), the main box alone as the baseline, the goal (60% / 60%) shaded. Right: both against the threshold.
Needs Debian's python3-matplotlib (run with /usr/bin/python3).
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(src, dst):
    rows = list(csv.DictReader(open(src)))
    ideas = {}
    for r in rows:
        ideas.setdefault(r["idea"], []).append(r)
    main_box = ideas.pop("main-box")[0]
    pipeline = ideas.pop("pipeline")[0]
    colours = ["tab:blue", "tab:orange", "tab:green", "tab:purple"]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 5))
    ax.axhspan(0.6, 1.0, xmin=0.6, xmax=1.0, color="tab:green", alpha=0.08, label="goal: both at least 60%")
    for (idea, rs), c in zip(ideas.items(), colours):
        t = [float(r["min_score"]) for r in rs]
        rec = [float(r["recall"]) for r in rs]
        pre = [float(r["precision"]) if r["precision"] != "nan" else float("nan") for r in rs]
        ax.plot(rec, pre, "o-", color=c, ms=3, label=idea)
        for i in range(0, len(t), 4):
            ax.annotate("%.2f" % t[i], (rec[i], pre[i]), fontsize=7, color=c, xytext=(3, 3), textcoords="offset points")
        bx.plot(t, rec, "-", color=c, label=idea + " recall")
        bx.plot(t, pre, "--", color=c, label=idea + " precision")
    ax.plot([float(main_box["recall"])], [float(main_box["precision"])], "k*", ms=12, label="main box alone")
    ax.plot([float(pipeline["recall"])], [float(pipeline["precision"])], "rs", ms=7, label="the pipeline's instances")
    n = main_box["boxes"]
    m = main_box["images"]
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="instance recall (true boxes matched, IoU >= 0.5)",
           ylabel="instance precision (instances matching a true box)",
           title="%s images with 2+ true boxes of >= 5%% of the image (%s boxes)" % (m, n))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    bx.axhline(float(main_box["recall"]), color="k", lw=0.8, ls=":", label="main box recall")
    bx.set(xlim=(0, 1), ylim=(0, 1), xlabel="min score (map peak inside the instance / map maximum)",
           ylabel="share", title="recall (solid) and precision (dashed) against the threshold")
    bx.grid(alpha=0.3)
    bx.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(dst, dpi=100)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

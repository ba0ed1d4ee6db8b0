#!/usr/bin/python3
"""Draw DIR/fgd.png from DIR/fgd-summary.csv (written by `fleetsim fgd`).

Three panels against the arrived workload (% of GPU capacity), as Figs. 7 and 9a
of Weng et al., ATC'23: GPU allocation ratio, fragmentation amount (% of GPU
capacity) and fragmentation ratio (% of free GPU). One line per policy: the
median over seeds, with the min-max band shaded.

Usage: /usr/bin/python3 scripts/plot_fgd.py DIR
Needs python3-pandas and python3-matplotlib (scripts/install-deps.sh).
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

PANELS = [
    ("alloc_pct", "GPU allocation ratio (%)"),
    ("frag_pct", "GPU fragmentation amount\n(% of GPU capacity)"),
    ("frag_ratio_pct", "GPU fragmentation ratio\n(% of free GPU)"),
]


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    out_dir = Path(argv[1])
    stats = pd.read_csv(out_dir / "fgd-summary.csv")
    policies = list(dict.fromkeys(stats["policy"]))
    fig, axes = plt.subplots(1, len(PANELS), figsize=(16, 4.6))
    for ax, (column, label) in zip(axes, PANELS):
        for policy in policies:
            rows = stats[stats["policy"] == policy]
            med = rows[rows["statistic"] == "median"].sort_values("arrived_pct")
            lo = rows[rows["statistic"] == "min"].sort_values("arrived_pct")
            hi = rows[rows["statistic"] == "max"].sort_values("arrived_pct")
            (line,) = ax.plot(med["arrived_pct"], med[column], label=policy, linewidth=1.4)
            ax.fill_between(lo["arrived_pct"], lo[column], hi[column].values, color=line.get_color(), alpha=0.2,
                            linewidth=0)
        ax.set_xlabel("arrived workload (% of GPU capacity)")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
    axes[0].plot([0, 100], [0, 100], color="grey", linestyle=":", linewidth=1)
    axes[0].legend(loc="upper left", fontsize=9)
    seeds = ""
    runs = out_dir / "fgd-runs.csv"
    if runs.exists():
        seeds = ", %d seeds per policy" % pd.read_csv(runs).groupby("policy").size().max()
    fig.suptitle("GPU-sharing placement, pods never depart: median and min-max over seeds%s" % seeds)
    fig.tight_layout()
    fig.savefig(out_dir / "fgd.png", dpi=110)


if __name__ == "__main__":
    main(sys.argv)

"""Plots of sensitivity indices: Morris mu*-sigma, Sobol/FAST S1 and ST bars, time-resolved heatmaps."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def _short(name: str) -> str:
    return name if len(name) <= 38 else "…" + name[-37:]


def morris_plot(ind: pd.DataFrame, output: str, path: Path) -> None:
    """mu* against sigma for one output (factors far from the origin matter; above the diagonal: interactions
    or non-linearity)."""
    d = ind[(ind["output"] == output)].pivot(index="factor", columns="index", values="value")
    conf = ind[(ind["output"] == output) & (ind["index"] == "mu_star")].set_index("factor")["conf"]
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ax.errorbar(d["mu_star"], d["sigma"], xerr=conf.reindex(d.index), fmt="o", ms=4, capsize=2)
    for fac, row in d.iterrows():
        ax.annotate(_short(fac), (row["mu_star"], row["sigma"]), fontsize=6, xytext=(3, 3), textcoords="offset points")
    lim = max(float(d["mu_star"].max()), float(d["sigma"].max())) * 1.1 or 1.0
    ax.plot([0, lim], [0, lim], ls=":", color="0.6")
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_ylabel("sigma (spread of elementary effects)")
    ax.set_title(f"Morris screening: {output}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def bars_plot(ind: pd.DataFrame, output: str, path: Path) -> None:
    """First-order (S1) and total-order (ST) indices with their intervals, factors sorted by ST."""
    d = ind[ind["output"] == output]
    st = d[d["index"] == "ST"].set_index("factor")
    s1 = d[d["index"] == "S1"].set_index("factor").reindex(st.index)
    order = st["value"].sort_values(ascending=True).index
    y = np.arange(len(order))
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(order) + 1.5))
    ax.barh(y + 0.2, st.loc[order, "value"], height=0.4, xerr=st.loc[order, "conf"], label="ST (total)",
            color="tab:blue", capsize=2)
    ax.barh(y - 0.2, s1.loc[order, "value"], height=0.4, xerr=s1.loc[order, "conf"], label="S1 (first order)",
            color="tab:orange", capsize=2)
    ax.set_yticks(y)
    ax.set_yticklabels([_short(f) for f in order], fontsize=7)
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_xlabel("share of output variance")
    ax.set_title(f"Sobol indices with 95% intervals: {output}", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def heatmap_plot(ind: pd.DataFrame, base_output: str, index: str, path: Path) -> None:
    """Time-resolved index (rows: factors, columns: weeks)."""
    d = ind[(ind["base_output"] == base_output) & (ind["index"] == index) & ind["week"].notna()]
    grid = d.pivot(index="factor", columns="week", values="value")
    grid = grid.loc[grid.max(axis=1).sort_values(ascending=False).index]
    fig, ax = plt.subplots(figsize=(0.35 * grid.shape[1] + 3.5, 0.3 * grid.shape[0] + 1.5))
    im = ax.imshow(grid.to_numpy(), aspect="auto", cmap="viridis")
    ax.set_yticks(range(grid.shape[0]))
    ax.set_yticklabels([_short(f) for f in grid.index], fontsize=7)
    ax.set_xticks(range(grid.shape[1]))
    ax.set_xticklabels([str(int(w)) for w in grid.columns], fontsize=7, rotation=90)
    ax.set_xlabel("week")
    fig.colorbar(im, ax=ax, label=index)
    ax.set_title(f"{index} of {base_output} over time", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_all(result, folder: Path) -> list[Path]:
    """Every plot of a result into ``folder/figures``; returns the files written."""
    figs = Path(folder) / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    ind = result.indices
    method = result.meta.get("method")
    written = []
    summary_outputs = ind.loc[ind["week"].isna(), "output"].unique()
    for out in summary_outputs:
        if ind.loc[ind["output"] == out, "index"].eq("constant").all():
            continue
        path = figs / f"{method}_{out}.png"
        if method == "morris":
            morris_plot(ind, out, path)
        elif method in ("sobol", "fast"):
            bars_plot(ind, out, path)
        else:
            continue
        written.append(path)
    index = {"morris": "mu_star", "sobol": "ST", "fast": "ST", "pawn": "median"}[method]
    for base in ind.loc[ind["week"].notna(), "base_output"].unique():
        path = figs / f"{method}_{base}_over_time.png"
        heatmap_plot(ind, base, index, path)
        written.append(path)
    return written

"""The exploration report: robustness across futures, whether the ranking is stable, and the discovered boxes."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from model.outcomes import SUMMARIES  # noqa: E402

from .explore import MEASURE_WORDS, MEASURES, future_means  # noqa: E402
from .report import _fmt, _render_html, _render_md  # noqa: E402


def futures_plot(table: pd.DataFrame, outputs, titles: dict, path: Path) -> None:
    """One panel per output: every future's value of every policy (dots), its mean (bar) and its 10% worst
    futures (line), so spread and tails are seen, not only averages."""
    fig, axes = plt.subplots(1, len(outputs), figsize=(4.2 * len(outputs), 3.6), squeeze=False)
    for ax, output in zip(axes[0], outputs):
        v = future_means(table, output)
        lower = SUMMARIES[output].direction == "lower"
        for i, policy in enumerate(v.columns):
            x = v[policy].to_numpy(float)
            jitter = (np.arange(x.size) % 7 - 3) * 0.03
            ax.scatter(np.full(x.size, i) + jitter, x, s=6, alpha=0.4, color=f"C{i % 10}", lw=0)
            ax.hlines(x.mean(), i - 0.3, i + 0.3, color="k", lw=1.5)
            ax.hlines(np.quantile(x, 0.9 if lower else 0.1), i - 0.3, i + 0.3, color="tab:red", lw=1, ls="--")
        ax.set_xticks(range(len(v.columns)))
        ax.set_xticklabels([titles.get(p, p)[:22] for p in v.columns], rotation=30, ha="right", fontsize=7)
        ax.set_title(f"{SUMMARIES[output].label[:50]}\n({SUMMARIES[output].unit}; "
                     f"{'lower' if lower else 'higher'} is better)", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle("Every future (dots), mean (black) and the 10% worst futures (red dashed)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def prim_plot(trajectories: dict, titles: dict, path: Path) -> None:
    """PRIM peeling trajectories: coverage against density of every box peeled, the chosen one circled."""
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for i, ((policy, context), trajs) in enumerate(trajectories.items()):
        for k, t in enumerate(trajs):
            ax.plot(t["coverage"], t["density"], ".-", color=f"C{i % 10}", alpha=0.7, lw=0.8,
                    label=f"{titles.get(policy, policy)[:30]} ({context}) box {k + 1}")
            c = t[t["chosen"]]
            ax.scatter(c["coverage"], c["density"], s=90, facecolor="none", edgecolor=f"C{i % 10}", lw=1.5)
    ax.set_xlabel("coverage (share of the futures where the condition holds that are in the box)")
    ax.set_ylabel("density (share of the box's futures where it holds)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=6, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def robustness_table(rob: pd.DataFrame, titles: dict) -> pd.DataFrame:
    """One row per (outcome, policy), one column per measure."""
    wide = rob.pivot_table(index=["outcome", "policy"], columns="measure", values="value", sort=False,
                           dropna=False).reset_index()
    wide.columns.name = None
    cols = [m for m in MEASURES if m in wide]
    out = pd.DataFrame({"outcome": wide["outcome"].map(lambda o: SUMMARIES[o].label),
                        "policy": wide["policy"].map(lambda p: titles.get(p, p))})
    for m in cols:
        out[MEASURE_WORDS[m]] = wide[m].map(lambda v: _fmt(v, 3))
    return out


def write_report(result, spec, path: Path, layout, arm_titles: dict, trajectories: dict) -> tuple[Path, Path]:
    """Write ``report.html`` and ``report.md`` (with ``figures/``) of an exploration."""
    folder = Path(result.folder)
    figs = folder / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    titles = {p: arm_titles.get(p, p) for p in dict.fromkeys(result.experiments["policy"])}
    futures_plot(result.experiments, spec.outputs, titles, figs / "futures.png")
    n_futures = result.experiments.groupby(["context", "sample"]).ngroups
    n_runs = len(result.experiments)
    speed = (f" This call ran {result.ran} experiments in {result.seconds:.0f} s "
             f"({result.ran / result.seconds:.2f} experiments per second)." if result.ran and result.seconds else "")
    what = (f"rows of the calibrated ensemble {spec.ensemble}" if spec.ensemble else
            f"a {'Latin hypercube' if spec.sampler == 'lhs' else 'scrambled Sobol'} sample over the declared "
            f"plausible ranges of {', '.join(c for c in result.experiments.columns if '.' in c)}")
    intro = (f"{len(titles)} policies (reference: {layout.reference}) in {n_futures} futures: "
             f"{spec.samples} sampled sets of uncertainties ({what}) in {len(layout.contexts)} context(s) "
             f"({', '.join(layout.contexts)}), {spec.replicates} replicate(s) each, {spec.weeks} weeks after a "
             f"{spec.burn_in_weeks}-week burn-in: {n_runs} runs (experiments.parquet). Replicate r has the same seed "
             f"in every future and policy (common random numbers); each future's value is its replicate mean."
             + speed)
    sections = [
        ("Robustness across futures", [
            "Per policy and outcome (robustness.csv; McPhail et al. 2018): the mean over futures (Laplace), the value "
            "in the 10% worst futures, the worst case (maximin), mean and maximum regret (regret: the distance to the "
            "best policy in the same future; minimax regret is Savage's criterion), the share of futures in which "
            "the policy beats the reference, and the share meeting a threshold where one is set (satisficing).",
            result.stability], robustness_table(result.robustness, titles), "futures.png"),
    ]
    if spec.discover is not None:
        if not result.boxes.empty:
            prim_plot(trajectories, titles, figs / "prim.png")
        boxes = result.boxes.assign(policy=result.boxes["policy"].map(lambda p: titles.get(p, p)))
        for col in ("base_rate", "coverage", "density", "mass", "min", "max", "qp_low", "qp_high"):
            boxes[col] = boxes[col].map(lambda v: f"{v:.3g}" if pd.notna(v) else "–")
        sections.append(("Scenario discovery (PRIM)", [
            f"Where does '{spec.discover.condition}' hold? PRIM (Friedman & Fisher 1999, as implemented by EMA "
            "Workbench) finds boxes of futures where it holds more often than overall, in each context; each box "
            "restricts some "
            "uncertainties (min and max; qp values: the quasi-p-value of each restriction, small means the bound is "
            "not chance). prim.csv holds every box.", *result.sentences],
            boxes if not boxes.empty else None, "prim.png" if not result.boxes.empty else None))
    html_path, md_path = folder / "report.html", folder / "report.md"
    title = spec.title or f"Exploration: {path.stem}"
    html_path.write_text(_render_html(intro, sections, figs, title=title), encoding="utf-8")
    md_path.write_text(_render_md(intro, sections, title=title), encoding="utf-8")
    return html_path, md_path

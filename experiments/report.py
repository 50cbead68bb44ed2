"""The comparison report: a self-contained HTML file and the same content as Markdown.

Contents: where the numbers come from, the ranking and its criterion, a forest plot of effects with 95%
intervals, fan charts (median, 50% and 90% bands over replicates) of key outcomes over time, the cost table,
and the parameters and seeds that produced it. Labels and units come from the outcome registry.
"""

from __future__ import annotations

import base64
import html
import io
import json
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from model.outcomes import SUMMARIES, get  # noqa: E402

from . import comparison as cmp  # noqa: E402
from .comparison import norm_sd  # noqa: E402
from .executors import SerialExecutor  # noqa: E402
from .results import atomic_write  # noqa: E402

#: shown as fan charts: (weekly outcome, or a flow's "cum" summary drawn as its running total; title or None)
FAN_OUTCOMES = (("mean_bo", None), ("mean_sts", None), ("mean_cs", None), ("prop_high_bo", None),
                ("n_waitlist", None), ("n_in_post", None), ("cum_total_cost", "Cumulative total cost"))
EFFECT_ROWS = (  # metric, column title, scale, unit shown
    ("proqol_bo_raw_mean", "Burnout (ProQOL BO)", "sd", "norm SD"),
    ("proqol_sts_raw_mean", "Secondary traumatic stress (ProQOL STS)", "sd", "norm SD"),
    ("proqol_cs_raw_mean", "Compassion satisfaction (ProQOL CS)", "sd", "norm SD"),
    ("prop_high_bo_mean", "Share with high burnout", "pp", "percentage points"),
    ("annual_turnover", "Annual turnover", "pp", "percentage points"),
    ("n_waitlist_mean", "Clients waiting", "raw", "clients"),
)


def _running_total_of(column: str) -> str | None:
    """The flow whose running total a ``cum`` summary name stands for in a fan chart, else None."""
    s = SUMMARIES.get(column)
    return s.outcome if s is not None and s.reduction == "cum" else None


def _fan_data(ts: pd.DataFrame, column: str) -> pd.DataFrame:
    df = ts[["scenario", "replicate", "week"]].copy()
    flow = _running_total_of(column)
    if flow is not None:
        df["value"] = ts.groupby(["scenario", "replicate"])[flow].cumsum()
    else:
        df["value"] = ts[column]
    df = df.dropna(subset=["value"])
    levels = [0.05, 0.25, 0.5, 0.75, 0.95]
    if df.empty:  # never measured (a survey outcome in a run shorter than the survey interval): empty panels
        return pd.DataFrame({c: pd.Series(dtype=float) for c in ["scenario", "week", *levels]})
    q = df.groupby(["scenario", "week"])["value"].quantile(levels).unstack()
    return q.reset_index()


#: zlib level of the report's PNG figures: lossless at any level; 3 encodes in about a third of the time of
#: matplotlib's default (6) for files a few per cent larger
PNG_COMPRESS_LEVEL = 3
#: resolution of the fan charts (dots per inch)
FAN_DPI = 90


def save_png(fig, path: Path, **kwargs) -> None:
    """Save ``fig`` as a PNG at :data:`PNG_COMPRESS_LEVEL` and close it (``kwargs``: ``savefig``'s, e.g. ``dpi``)."""
    fig.savefig(path, format="png", pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL}, **kwargs)
    plt.close(fig)


def fan_figure(ts: pd.DataFrame, column: str, title: str | None, baseline: str = "baseline",
               references: dict[str, str] | None = None, titles: dict | None = None):
    """Small multiples, one panel per arm: median and 50%/90% bands over replicates, the arm's reference dashed
    (``references``: each arm's reference arm; default ``baseline`` for all). Every panel has the same scale, wide
    enough for every arm's 90% band."""
    # arms in order of appearance (pd.unique: far cheaper than a dict over the rows)
    return _fan_panels(_fan_data(ts, column), list(pd.unique(ts["scenario"])), column, title, baseline, references,
                       titles)


def fan_png(q: pd.DataFrame, scenarios: list[str], column: str, title: str | None, baseline: str = "baseline",
            references: dict[str, str] | None = None, titles: dict | None = None) -> bytes:
    """The fan chart of the quantile table ``q`` (:func:`_fan_data`) as PNG bytes, at the report's resolution.

    Top-level and picklable: the report hands its fan charts to the comparison's worker processes.
    """
    fig = _fan_panels(q, scenarios, column, title, baseline, references, titles)
    out = io.BytesIO()
    save_png(fig, out, dpi=FAN_DPI)
    return out.getvalue()


def _fan_panels(q: pd.DataFrame, scenarios: list[str], column: str, title: str | None, baseline: str,
                references: dict[str, str] | None, titles: dict | None):
    references = references or {}
    ncols = min(4, len(scenarios))
    nrows = int(np.ceil(len(scenarios) / ncols))
    # one scale for every panel, set before drawing with autoscaling off: shared axes would rescale every
    # sibling at each band drawn, which costs seconds per chart at 48 panels
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 2.5 * nrows), squeeze=False)
    # with no data at all, min and max are NaN and _padded gives a unit scale
    x_lim = _padded(q["week"].min(), q["week"].max(), 0.0)
    y_lim = _padded(q[[0.05, 0.5]].min().min(), q[[0.5, 0.95]].max().max(), 0.05)
    for ax in axes.ravel():
        ax.set_xlim(x_lim)
        ax.set_ylim(y_lim)
        ax.set_autoscale_on(False)
    by_arm = dict(tuple(q.groupby("scenario")))
    empty = q.iloc[:0]
    for ax, name in zip(axes.ravel(), scenarios):
        d = by_arm.get(name, empty)
        ref = references.get(name, baseline)
        base = by_arm.get(ref, empty)
        ax.fill_between(d["week"], d[0.05], d[0.95], color="tab:blue", alpha=0.15, lw=0, label="90% band")
        ax.fill_between(d["week"], d[0.25], d[0.75], color="tab:blue", alpha=0.3, lw=0, label="50% band")
        ax.plot(d["week"], d[0.5], color="tab:blue", lw=1.2, label="median")
        if name != ref:
            ax.plot(base["week"], base[0.5], color="0.3", lw=1, ls="--", label="reference median")
        # a title placed at y = 1 skips matplotlib's search for overlapping tick labels (a third of the drawing)
        ax.set_title(_short((titles or {}).get(name, name), 40), fontsize=8, y=1.0, pad=3)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(4))
    for ax in axes.ravel()[len(scenarios):]:
        ax.set_visible(False)
    for col in range(ncols):  # the lowest panel of each column shows the week axis, the first column the values
        last = max(r for r in range(nrows) if r * ncols + col < len(scenarios))
        for row in range(nrows):
            axes[row, col].tick_params(labelbottom=row == last, labelleft=col == 0)
    axes[0, 0].legend(fontsize=6, loc="best")
    meta = SUMMARIES[column] if _running_total_of(column) else get(column)
    label, unit = title or meta.label, meta.unit
    fig.suptitle(f"{label} ({unit}) over weeks after the burn-in", fontsize=11, y=1 - 0.12 / (2.5 * nrows))
    # fixed margins in inches: tight_layout over many panels costs more than drawing them
    height = 2.5 * nrows
    fig.subplots_adjust(left=0.55 / (3.4 * ncols), right=0.99, bottom=0.45 / height, top=1 - 0.6 / height,
                        wspace=0.12, hspace=0.35)
    return fig


def _padded(lo: float, hi: float, share: float) -> tuple[float, float]:
    """(lo, hi) widened by ``share`` of the range on each side (a point gets a unit's width)."""
    if not np.isfinite(lo) or not np.isfinite(hi):
        return (0.0, 1.0)
    pad = (hi - lo) * share if hi > lo else 0.5
    return (float(lo - pad), float(hi + pad))


def _short(text: str, n: int = 44) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def forest_plot(diffs: pd.DataFrame, order: list[str], path: Path, titles: dict | None = None) -> None:
    """Paired mean differences against the reference with 95% intervals, one panel per key outcome (arms labelled
    by their titles when ``titles`` are given)."""
    panels = [r for r in EFFECT_ROWS if r[0] in set(diffs["metric"])][:5]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.3 * len(panels), 0.35 * len(order) + 1.6),
                             sharey=True, squeeze=False)
    y = np.arange(len(order))[::-1]
    for ax, (metric, title, scale, unit) in zip(axes[0], panels):
        d = diffs[diffs["metric"] == metric].set_index("scenario").loc[order]
        k = _scale(metric, scale)
        mean, lo, hi = d["diff"] * k, d["ci_low"] * k, d["ci_high"] * k
        colour = ["tab:green" if b == True else "tab:red" if b == False else "0.4"  # noqa: E712 (NaN: neither)
                  for b in d["better"]]
        ax.errorbar(mean, y, xerr=[mean - lo, hi - mean], fmt="none", ecolor=colour, elinewidth=1.5)
        ax.scatter(mean, y, c=colour, s=18, zorder=3)
        ax.axvline(0, color="0.5", lw=0.8)
        ax.set_title(f"{title}\n({unit})", fontsize=9)
        ax.tick_params(labelsize=7)
    axes[0, 0].set_yticks(y)
    axes[0, 0].set_yticklabels([_short((titles or {}).get(a, a)) for a in order], fontsize=8)
    fig.suptitle("Effect against the reference in the same context: paired mean difference and 95% interval "
                 "(green: better, red: worse)", fontsize=10)
    fig.tight_layout()
    save_png(fig, path, dpi=100)


def _scale(metric: str, scale: str) -> float:
    if scale == "sd":
        return 1.0 / norm_sd(metric)
    if scale == "pp":
        return 100.0
    return 1.0


def _fmt(x: float, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "–"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def ce_plane(runs: pd.DataFrame, layout, ranking: pd.DataFrame, weeks: int, titles: dict, currency: str,
             path: Path) -> None:
    """The cost-effectiveness plane, one panel per context: incremental total cost per year against
    high-burnout person-years averted per year, each paired replicate a small dot and each policy's mean a large
    one, one colour per policy."""
    years = weeks / 52.0
    contexts = list(dict.fromkeys(ranking["context"]))
    fig, axes = plt.subplots(1, len(contexts), figsize=(6.5 * len(contexts), 4.6), squeeze=False)
    colours = {p: f"C{i % 10}" for i, p in enumerate(dict.fromkeys(ranking["policy"]))}
    markers = {p: "osD^v<>"[(i // 10) % 7] for i, p in enumerate(dict.fromkeys(ranking["policy"]))}
    for ax, context in zip(axes[0], contexts):
        for r in ranking[ranking["context"] == context].itertuples():
            b, s = cmp._paired(runs, r.scenario, layout.reference_arm(r.context))
            x = (cmp._high_burnout(b) - cmp._high_burnout(s)).to_numpy(float)
            y = ((s["cum_total_cost"] - b["cum_total_cost"]) / years).to_numpy(float)
            ax.scatter(x, y, s=8, alpha=0.35, color=colours[r.policy], marker=markers[r.policy], lw=0)
            ax.scatter(x.mean(), y.mean(), s=60, color=colours[r.policy], marker=markers[r.policy], edgecolor="k",
                       lw=0.6, label=_short(titles.get(r.policy, r.policy), 40))
        ax.axhline(0, color="0.5", lw=0.8)
        ax.axvline(0, color="0.5", lw=0.8)
        ax.set_xlabel("high-burnout person-years averted per year")
        ax.set_title(f"context: {context}", fontsize=9)
        ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(0, -0.15), frameon=False)
    axes[0, 0].set_ylabel(f"incremental total cost per year ({currency or 'currency units'})")
    fig.suptitle("Cost-effectiveness plane (right: less burnout; below 0: saves money)", fontsize=10)
    save_png(fig, path, dpi=100, bbox_inches="tight")


def decision_table(decision: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The decision summary as text cells: each figure "diff [low, high]" on its scale, costs with intervals."""
    out = pd.DataFrame({"context": decision["context"], "rank": decision["rank"], "policy": decision["title"]})
    for metric, words, scale in cmp.DECISION_FIGURES:
        if metric in decision:
            digits = 0 if scale == "raw" else 2
            out[f"{words} ({cmp.SCALE_UNIT[scale]})"] = [
                f"{m:+.{digits}f} [{a:+.{digits}f}, {b:+.{digits}f}]"
                for m, a, b in zip(decision[metric], decision[f"{metric}_low"], decision[f"{metric}_high"])]
    out["cost per year"] = [f"{cmp.money(m, currency)} [{cmp.money(a, currency)}, {cmp.money(b, currency)}]"
                            for m, a, b in zip(decision["cost_per_year"], decision["cost_per_year_low"],
                                               decision["cost_per_year_high"])]
    out["cost over the horizon"] = decision["cost_over_horizon"].map(lambda v: cmp.money(v, currency))
    out["cost-effectiveness"] = decision["cost_effectiveness"]
    out["flags"] = decision["flags"].replace("", "–")
    return out


def acceptability_plot(ceac: pd.DataFrame, order: list[str], path: Path, titles: dict | None = None) -> None:
    """Cost-effectiveness acceptability curves, one line per arm, one panel per context (when ``ceac`` has a
    ``context`` column)."""
    contexts = list(dict.fromkeys(ceac["context"])) if "context" in ceac else [None]
    fig, axes = plt.subplots(1, len(contexts), figsize=(6.5 * len(contexts), 4.2), sharey=True, squeeze=False)
    for ax, context in zip(axes[0], contexts):
        d_ctx = ceac if context is None else ceac[ceac["context"] == context]
        for name in [a for a in order if a in set(d_ctx["scenario"])]:
            d = d_ctx[d_ctx["scenario"] == name]
            ax.plot(d["wtp"], d["prob_cost_effective"], label=_short((titles or {}).get(name, name), 40))
        ax.set_xlabel("willingness to pay per high-burnout person-year averted")
        ax.set_title("" if context is None else f"context: {context}", fontsize=9)
        ax.set_ylim(-0.02, 1.02)
        ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(0, -0.15), ncol=1, frameon=False)
    axes[0, 0].set_ylabel("probability cost-effective")
    save_png(fig, path, dpi=100, bbox_inches="tight")


def effects_table(diffs: pd.DataFrame, order: list[str], titles: dict | None = None) -> pd.DataFrame:
    """Key effects per arm as text: mean [95% interval] in the stated units (arms by title when ``titles``)."""
    rows = []
    for name in order:
        row = {"scenario": (titles or {}).get(name, name)}
        for metric, title, scale, unit in EFFECT_ROWS:
            d = diffs[(diffs["scenario"] == name) & (diffs["metric"] == metric)]
            if d.empty:
                continue
            k = _scale(metric, scale)
            r = d.iloc[0]
            row[f"{title} ({unit})"] = f"{_fmt(r['diff'] * k)} [{_fmt(r['ci_low'] * k)}, {_fmt(r['ci_high'] * k)}]"
            if metric == EFFECT_ROWS[0][0] and "prob_better" in r:
                row[f"P(better): {title}"] = f"{r['prob_better']:.0%}"
        rows.append(row)
    return pd.DataFrame(rows)


def team_type_table(typed: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """One row per (scenario, team type), one column per figure: "mean [low, high]"."""
    rank = {name: i for i, name in enumerate(order)}
    cells = typed.assign(cell=[f"{_fmt(m, 3)} [{_fmt(a, 3)}, {_fmt(b, 3)}]" if np.isfinite(a) else _fmt(m, 3)
                               for m, a, b in zip(typed["mean"], typed["ci_low"], typed["ci_high"])])
    wide = cells.pivot_table(index=["scenario", "team_type"], columns="label", values="cell", aggfunc="first",
                             sort=False).reset_index()
    wide.columns.name = None
    labels = list(dict.fromkeys(typed["label"]))
    wide = wide[["scenario", "team_type", *labels]]
    return wide.sort_values("scenario", key=lambda s: s.map(lambda n: rank.get(n, len(rank))), kind="stable")


def _per_averted(value: float) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    return f"saves {_fmt(-value)} (dominant)" if value < 0 else _fmt(value)


def cost_table(costs: pd.DataFrame, order: list[str], titles: dict | None = None) -> pd.DataFrame:
    """Incremental costs per year and cost per outcome averted, formatted (negative: a saving, 'dominant')."""
    c = costs.set_index("scenario").loc[order].reset_index()
    return pd.DataFrame({
        "scenario": c["scenario"].map(lambda a: (titles or {}).get(a, a)),
        "programme cost / year": c["programme_cost_per_year"].map(_fmt),
        "turnover cost / year": c["turnover_cost_per_year"].map(_fmt),
        "total cost / year": c["total_cost_per_year"].map(_fmt),
        "high-burnout person-years averted / year": c["high_burnout_person_years_averted_per_year"].map(_fmt),
        "departures averted / year": c["departures_averted_per_year"].map(_fmt),
        "cost per high-burnout person-year averted": c["cost_per_high_burnout_person_year_averted"].map(_per_averted),
        "cost per departure averted": c["cost_per_departure_averted"].map(_per_averted),
    })


def md_cell(value) -> str:
    """A value as the text of a Markdown table cell: pipes escaped, HTML shown as text, one line."""
    text = html.escape(str(value), quote=False).replace("|", "\\|")
    return " ".join(text.split())


def _md_table(df: pd.DataFrame) -> str:
    cols = [md_cell(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in df.iterrows():
        lines.append("| " + " | ".join(md_cell(v) for v in row.to_numpy()) + " |")
    return "\n".join(lines)


def write_report(result, folder: Path | None = None, executor: Executor | None = None) -> tuple[Path, Path]:
    """Write ``report.html`` (self-contained) and ``report.md`` (with ``figures/``) for a comparison.

    Args:
        result: a :class:`experiments.experiment.ComparisonResult`.
        folder: where to write (default: the experiment's results folder).
        executor: where to draw the fan charts, the report's slowest part (a comparison passes the workers of
            its runs); the rest of the report is written meanwhile. Default: in this process, one after another.

    Returns:
        (html path, markdown path).
    """
    store = result.store
    folder = Path(folder or store.folder)
    figs = folder / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    man = store.manifest
    spec = man["spec"]
    ts = store.timeseries()
    ranking = result.ranking
    layout = result.layout or cmp.Layout.from_spec(spec)
    titles = result.titles or {a: a for a in layout.arms}
    currency = result.currency
    order = list(ranking["scenario"])
    policy_diffs = result.diffs[result.diffs.get("comparison", "policy") == "policy"] if not result.diffs.empty \
        else result.diffs
    references = {a: layout.reference_arm(c) for a, (_, c) in layout.arms.items()}
    arms = list(pd.unique(ts["scenario"]))
    fan_args = {f"fan_{column}.png": (_fan_data(ts, column), arms, column, title, "baseline", references, titles)
                for column, title in FAN_OUTCOMES}
    drawer = executor or SerialExecutor()
    fans = {name: drawer.submit(fan_png, *args) for name, args in fan_args.items()}
    fan_files = list(fans)
    if order:
        forest_plot(policy_diffs, order, figs / "forest.png", titles)
    result.diffs.to_csv(folder / "differences.csv", index=False)
    result.costs.to_csv(folder / "costs.csv", index=False)
    if not result.decision.empty:
        result.decision.to_csv(folder / "decision.csv", index=False)
        ce_plane(result.runs, layout, ranking, int(spec["weeks"]), titles, currency, figs / "ce_plane.png")
    ceac = result.acceptability
    if not ceac.empty:
        ceac.to_csv(folder / "acceptability.csv", index=False)
        acceptability_plot(ceac, order, figs / "acceptability.png", titles)

    typed = cmp.by_team_type(result.runs)
    if not typed.empty:
        typed.to_csv(folder / "team_types.csv", index=False)
    effects = effects_table(policy_diffs, order, titles)
    costs = cost_table(result.costs, order, titles) if order else None
    rank_df = ranking.assign(diff=ranking["diff"].map(lambda v: _fmt(v, 3)),
                             ci=[f"[{_fmt(a, 3)}, {_fmt(b, 3)}]" for a, b in zip(ranking["ci_low"],
                                                                                  ranking["ci_high"])],
                             title=[titles.get(a, a) for a in ranking["scenario"]],
                             score=ranking["score"].map(lambda v: _fmt(v, 3)))
    unit = ranking["unit"].iloc[0] if len(ranking) else ""
    rank_df = rank_df[["context", "rank", "title", "score", "diff", "ci"]].rename(
        columns={"title": "policy", "diff": f"difference ({unit})", "ci": "95% interval"})
    settings = pd.DataFrame([{"arm": n, "title": d["title"],
                              "settings": ", ".join(f"{k} = {v}" for k, v in sorted(d["settings"].items()))
                              or "defaults"} for n, d in man["scenarios"].items()])
    n_runs = len(result.runs)
    ctx_titles = [titles.get(layout.reference_arm(c), c) for c in layout.contexts]
    intro = (f"{len(layout.policies)} polic{'y' if len(layout.policies) == 1 else 'ies'} against the reference "
             f"({layout.reference}) in {len(layout.contexts)} context{'s' if len(layout.contexts) > 1 else ''} "
             f"({'; '.join(ctx_titles)}): {len(spec['scenarios'])} arms × {spec['replicates']} replicates = "
             f"{n_runs} runs of "
             f"{spec['clinicians'] or 'the scenario’s'} budgeted posts for {spec['weeks']} weeks after a "
             f"{spec['burn_in_weeks']}-week burn-in. Replicate r uses the same seed in every arm (common "
             "random numbers), so every comparison is paired: intervals are 95% t intervals of the paired "
             "differences over replicates. ProQOL effects are in units of the published norm SDs "
             "(BO 5.4, STS 5.7, CS 6.5 raw points; Stamm 2010). Costs are in "
             f"{currency or 'the prices’ currency units'}.")
    ens = spec.get("ensemble")
    if ens:
        intro += (f" Parameters: a calibrated ensemble ({ens['file']}, {len(ens['parameters'])} calibrated "
                  f"parameters); each replicate runs one weighted draw of its rows (listed in manifest.json) in every "
                  "scenario, so the "
                  "intervals and P(better) include parameter uncertainty, not only run-to-run noise.")
    context_rows = result.diffs[result.diffs.get("comparison", "") == "context"] if "comparison" in result.diffs \
        else result.diffs.iloc[:0]
    decision_text = ([f"What each policy does against the reference, in each context, and what it costs "
                      f"({ranking.attrs.get('criterion', '')}; decision.csv). Effects: paired mean difference "
                      "[95% interval]; high burnout and turnover in percentage points, ProQOL scores in norm SDs, the "
                      "waiting list in clients. Cost: incremental total cost (programmes and turnover) per year "
                      f"[95% percentile bootstrap interval over paired replicates; a t interval below "
                      f"{cmp.MIN_BOOTSTRAP_REPLICATES} replicates] and over the horizon. Flags: "
                      "harms access (longer waiting list), worse on a figure, no clear effect on the ranking "
                      "figure, works only in some contexts."]
                     + list(result.decision["sentence"])) if not result.decision.empty else (
                         "No policy besides the reference was compared.")
    sections = [
        ("Decision summary", decision_text,
         decision_table(result.decision, currency) if not result.decision.empty else None,
         "ce_plane.png" if not result.decision.empty else None),
        *([("What the contexts do", "Each context's reference against the reference in "
            f"{ctx_titles[0]}: paired mean difference [95% interval]. A context is what the organisation does not "
            "control; it is not ranked or costed as a policy.",
            effects_table(context_rows, list(dict.fromkeys(context_rows["scenario"])), titles), None)]
          if not context_rows.empty else []),
        ("Ranking", ranking.attrs.get("criterion", ""), rank_df, None),
        ("Effects against the reference", "Paired mean difference [95% interval], each policy against the reference "
         "in its own context.", effects, "forest.png" if order else None),
        ("Costs", "Incremental to the reference in the same context, per year, paired means over replicates, in "
                  f"{currency or 'currency units'}. A high-burnout "
                  "person-year is one clinician at work with ProQOL BO T ≥ 56 for a year; – means the policy "
                  "does not avert that outcome; 'dominant' means it averts it and saves money.", costs, None),
        ("Probability of being cost-effective", "Share of paired replicates whose net monetary benefit "
         "(willingness to pay × high-burnout person-years averted − incremental total cost, per year) is positive, "
         "by willingness to pay per high-burnout person-year averted (acceptability.csv).", None,
         None if ceac.empty else "acceptability.png"),
        *([("By team type", "Each scenario's figures in each of its team types: mean over replicates "
            "[95% interval] (team_types.csv).", team_type_table(typed, list(layout.arms)), None)]
          if not typed.empty else []),
        ("Outcomes over time", "Median and 50% / 90% bands over replicates; dashed: the median of the arm's "
         "reference (the reference policy in the same context).", None, fan_files),
        ("Scenarios, parameters and seeds",
         f"Root seed {spec['root_seed']}; replicate seeds {man['seeds']}. Package versions "
         f"{json.dumps(man['versions'])}; git commit {man['git_commit']}; started {man['started']}, finished "
         f"{man['finished']}. Full resolved parameters of every arm are in manifest.json; every paired "
         "difference is in differences.csv.", settings, None),
    ]
    for name, png in fans.items():
        try:
            data = png.result()
        except BrokenProcessPool:  # a worker died drawing (the runs are all stored): drawn here instead
            data = fan_png(*fan_args[name])
        atomic_write(figs / name, lambda tmp, data=data: tmp.write_bytes(data))
    html_path = folder / "report.html"
    md_path = folder / "report.md"
    html_path.write_text(_render_html(intro, sections, figs), encoding="utf-8")
    md_path.write_text(_render_md(intro, sections), encoding="utf-8")
    return html_path, md_path


def _img_tag(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}" style="max-width:100%">'


def _render_html(intro, sections, figs: Path, title: str = "Policy comparison") -> str:
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title><style>"
             "body{font-family:sans-serif;max-width:1200px;margin:auto;padding:1em;color:#222}"
             "table{border-collapse:collapse;font-size:12px;margin:0.5em 0}"
             "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}th{background:#f3f3f3}"
             "</style></head><body>", f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(intro)}</p>"]
    for title, text, table, images in sections:
        lead, *items = [text] if isinstance(text, str) else text
        parts.append(f"<h2>{html.escape(title)}</h2><p>{html.escape(lead)}</p>")
        if items:
            parts.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
        if table is not None:
            parts.append(table.to_html(index=False, escape=True, border=0))
        for img in ([images] if isinstance(images, str) else images or []):
            parts.append(_img_tag(figs / img))
    parts.append("</body></html>")
    return "\n".join(parts)


def _render_md(intro, sections, title: str = "Policy comparison") -> str:
    parts = [f"# {title}", "", intro, ""]
    for title, text, table, images in sections:
        lead, *items = [text] if isinstance(text, str) else text
        parts += [f"## {title}", "", lead, ""]
        if items:
            parts += [f"- {md_cell(i)}" for i in items] + [""]
        if table is not None:
            parts += [_md_table(table), ""]
        for img in ([images] if isinstance(images, str) else images or []):
            parts += [f"![{img}](figures/{img})", ""]
    return "\n".join(parts)

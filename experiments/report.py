"""The comparison report: a self-contained HTML file and the same content as Markdown.

Contents: where the numbers come from, the ranking and its criterion, a forest plot of effects with 95%
intervals, fan charts (median, 50% and 90% bands over replicates) of key outcomes over time, the cost table,
and the parameters and seeds that produced it. Labels and units come from the outcome registry.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from model.outcomes import SUMMARIES, get  # noqa: E402

from . import comparison as cmp  # noqa: E402
from .comparison import norm_sd  # noqa: E402

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
    q = df.groupby(["scenario", "week"])["value"].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
    return q.reset_index()


def fan_chart(ts: pd.DataFrame, column: str, title: str | None, path: Path, baseline: str = "baseline") -> None:
    """Small multiples, one panel per scenario: median and 50%/90% bands over replicates, baseline dashed."""
    q = _fan_data(ts, column)
    scenarios = list(dict.fromkeys(ts["scenario"]))
    ncols = min(4, len(scenarios))
    nrows = int(np.ceil(len(scenarios) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 2.5 * nrows), sharex=True, sharey=True,
                             squeeze=False)
    base = q[q["scenario"] == baseline]
    for ax, name in zip(axes.ravel(), scenarios):
        d = q[q["scenario"] == name]
        ax.fill_between(d["week"], d[0.05], d[0.95], color="tab:blue", alpha=0.15, lw=0, label="90% band")
        ax.fill_between(d["week"], d[0.25], d[0.75], color="tab:blue", alpha=0.3, lw=0, label="50% band")
        ax.plot(d["week"], d[0.5], color="tab:blue", lw=1.2, label="median")
        if name != baseline:
            ax.plot(base["week"], base[0.5], color="0.3", lw=1, ls="--", label="baseline median")
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(scenarios):]:
        ax.set_visible(False)
    for col in range(ncols):  # the lowest panel of each column shows the week axis
        last = max(r for r in range(nrows) if r * ncols + col < len(scenarios))
        axes[last, col].xaxis.set_tick_params(labelbottom=True)
    axes[0, 0].legend(fontsize=6, loc="best")
    meta = SUMMARIES[column] if _running_total_of(column) else get(column)
    label, unit = title or meta.label, meta.unit
    fig.suptitle(f"{label} ({unit}) over weeks after the burn-in", fontsize=11, y=1 - 0.12 / (2.5 * nrows))
    # fixed margins in inches: tight_layout over many panels costs more than drawing them
    height = 2.5 * nrows
    fig.subplots_adjust(left=0.55 / (3.4 * ncols), right=0.99, bottom=0.45 / height, top=1 - 0.6 / height,
                        wspace=0.12, hspace=0.35)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def forest_plot(diffs: pd.DataFrame, order: list[str], path: Path) -> None:
    """Paired mean differences against the baseline with 95% intervals, one panel per key outcome."""
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
    axes[0, 0].set_yticklabels(order, fontsize=8)
    fig.suptitle("Effect against the baseline: paired mean difference and 95% interval "
                 "(green: better, red: worse)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


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


def acceptability_plot(ceac: pd.DataFrame, order: list[str], path: Path) -> None:
    """Cost-effectiveness acceptability curves, one line per scenario."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for name in order:
        d = ceac[ceac["scenario"] == name]
        ax.plot(d["wtp"], d["prob_cost_effective"], label=name)
    ax.set_xlabel("willingness to pay per high-burnout person-year averted")
    ax.set_ylabel("probability cost-effective")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def effects_table(diffs: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Key effects per scenario as text: mean [95% interval] in the stated units."""
    rows = []
    for name in order:
        row = {"scenario": name}
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


def cost_table(costs: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Incremental costs per year and cost per outcome averted, formatted (negative: a saving, 'dominant')."""
    c = costs.set_index("scenario").loc[order].reset_index()
    return pd.DataFrame({
        "scenario": c["scenario"],
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


def write_report(result, folder: Path | None = None) -> tuple[Path, Path]:
    """Write ``report.html`` (self-contained) and ``report.md`` (with ``figures/``) for a comparison.

    Args:
        result: a :class:`experiments.experiment.ComparisonResult`.
        folder: where to write (default: the experiment's results folder).

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
    order = list(ranking["scenario"])
    forest_plot(result.diffs, order, figs / "forest.png")
    fan_files = []
    for column, title in FAN_OUTCOMES:
        name = f"fan_{column}.png"
        fan_chart(ts, column, title, figs / name)
        fan_files.append(name)
    result.diffs.to_csv(folder / "differences.csv", index=False)
    result.costs.to_csv(folder / "costs.csv", index=False)
    ceac = result.acceptability
    if not ceac.empty:
        ceac.to_csv(folder / "acceptability.csv", index=False)
        acceptability_plot(ceac, order, figs / "acceptability.png")

    typed = cmp.by_team_type(result.runs)
    if not typed.empty:
        typed.to_csv(folder / "team_types.csv", index=False)
    effects = effects_table(result.diffs, order)
    costs = cost_table(result.costs, order)
    rank_df = ranking.assign(diff=ranking["diff"].map(lambda v: _fmt(v, 3)),
                             ci=[f"[{_fmt(a, 3)}, {_fmt(b, 3)}]" for a, b in zip(ranking["ci_low"],
                                                                                  ranking["ci_high"])])
    rank_df = rank_df[["rank", "scenario", "diff", "ci"]].rename(
        columns={"diff": f"difference ({ranking['unit'].iloc[0]})", "ci": "95% interval"})
    settings = pd.DataFrame([{"scenario": n, "title": d["title"],
                              "settings": ", ".join(f"{k} = {v}" for k, v in sorted(d["settings"].items()))
                              or "defaults"} for n, d in man["scenarios"].items()])
    n_runs = len(result.runs)
    intro = (f"{len(spec['scenarios'])} scenarios × {spec['replicates']} replicates = {n_runs} runs of "
             f"{spec['clinicians'] or 'the scenario’s'} budgeted posts for {spec['weeks']} weeks after a "
             f"{spec['burn_in_weeks']}-week burn-in. Replicate r uses the same seed in every scenario (common "
             "random numbers), so every comparison is paired: intervals are 95% t intervals of the paired "
             "differences over replicates. ProQOL effects are in units of the published norm SDs "
             "(BO 5.4, STS 5.7, CS 6.5 raw points; Stamm 2010).")
    ens = spec.get("ensemble")
    if ens:
        intro += (f" Parameters: a calibrated ensemble ({ens['file']}, {len(ens['parameters'])} calibrated "
                  f"parameters); each replicate runs one weighted draw of its rows (listed in manifest.json) in every "
                  "scenario, so the "
                  "intervals and P(better) include parameter uncertainty, not only run-to-run noise.")
    sections = [
        ("Ranking", ranking.attrs.get("criterion", ""), rank_df, None),
        ("Effects against the baseline", "Paired mean difference [95% interval].", effects, "forest.png"),
        ("Costs", "Incremental to the baseline, per year, paired means over replicates. A high-burnout "
                  "person-year is one clinician at work with ProQOL BO T ≥ 56 for a year; – means the scenario "
                  "does not avert that outcome; 'dominant' means it averts it and saves money.", costs, None),
        ("Probability of being cost-effective", "Share of paired replicates whose net monetary benefit "
         "(willingness to pay × high-burnout person-years averted − incremental total cost, per year) is positive, "
         "by willingness to pay per high-burnout person-year averted (acceptability.csv).", None,
         None if ceac.empty else "acceptability.png"),
        *([("By team type", "Each scenario's figures in each of its team types: mean over replicates "
            "[95% interval] (team_types.csv).", team_type_table(typed, order), None)] if not typed.empty else []),
        ("Outcomes over time", "Median and 50% / 90% bands over replicates; dashed: baseline median.", None,
         fan_files),
        ("Scenarios, parameters and seeds",
         f"Root seed {spec['root_seed']}; replicate seeds {man['seeds']}. Package versions "
         f"{json.dumps(man['versions'])}; git commit {man['git_commit']}; started {man['started']}, finished "
         f"{man['finished']}. Full resolved parameters of every scenario are in manifest.json; every paired "
         "difference is in differences.csv.", settings, None),
    ]
    html_path = folder / "report.html"
    md_path = folder / "report.md"
    html_path.write_text(_render_html(intro, sections, figs), encoding="utf-8")
    md_path.write_text(_render_md(intro, sections), encoding="utf-8")
    return html_path, md_path


def _img_tag(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}" style="max-width:100%">'


def _render_html(intro, sections, figs: Path) -> str:
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>Policy comparison</title><style>"
             "body{font-family:sans-serif;max-width:1200px;margin:auto;padding:1em;color:#222}"
             "table{border-collapse:collapse;font-size:12px;margin:0.5em 0}"
             "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}th{background:#f3f3f3}"
             "</style></head><body>", "<h1>Policy comparison</h1>", f"<p>{html.escape(intro)}</p>"]
    for title, text, table, images in sections:
        parts.append(f"<h2>{html.escape(title)}</h2><p>{html.escape(text)}</p>")
        if table is not None:
            parts.append(table.to_html(index=False, escape=True, border=0))
        for img in ([images] if isinstance(images, str) else images or []):
            parts.append(_img_tag(figs / img))
    parts.append("</body></html>")
    return "\n".join(parts)


def _render_md(intro, sections) -> str:
    parts = ["# Policy comparison", "", intro, ""]
    for title, text, table, images in sections:
        parts += [f"## {title}", "", text, ""]
        if table is not None:
            parts += [_md_table(table), ""]
        for img in ([images] if isinstance(images, str) else images or []):
            parts += [f"![{img}](figures/{img})", ""]
    return "\n".join(parts)

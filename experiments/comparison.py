"""Comparison of scenarios against the baseline: paired differences with intervals, effect sizes, costs.

Runs of the same replicate share their seed in every scenario (common random numbers), so each scenario is
compared with the baseline replicate by replicate: the paired difference d_r = scenario_r - baseline_r, its
mean, and a t interval over replicates (Student's t with n - 1 degrees of freedom). ProQOL raw-score
differences are also given in units of the published norm SD (Stamm 2010), comparable to the standardised
mean differences of intervention meta-analyses.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from model import outcomes
from model.proqol import NORMS

from .errors import ExperimentError

#: default ranking criterion: the reduction in the share of clinicians with high burnout
DEFAULT_RANK_BY = "prop_high_bo_mean"
#: the summary figures :func:`cost_effectiveness` reads (registered names; a test keeps them so)
COST_INPUTS = ("cum_programme_cost", "cum_turnover_cost", "cum_total_cost", "cum_departures", "prop_high_bo_mean",
               "n_in_post_mean", "n_on_leave_mean")


#: the figures broken down by team type in tables and reports (registered summaries recorded per type)
TEAM_TYPE_FIGURES = ("proqol_bo_raw_mean", "proqol_sts_raw_mean", "proqol_cs_raw_mean", "prop_high_bo_mean",
                     "annual_turnover", "prop_vacant_mean", "prop_on_leave_mean", "caseload_per_clinician_mean",
                     "n_waitlist_mean")


def team_types_of(table: pd.DataFrame) -> list[str]:
    """The team types whose figures a runs table (or a summary as a one-row table) holds, in column order."""
    return list(dict.fromkeys(kind for c in table.columns for kind in [outcomes.split_team_type(str(c))[1]]
                              if kind is not None))


def by_team_type(runs: pd.DataFrame, figures: Iterable[str] = TEAM_TYPE_FIGURES, level: float = 0.95) -> pd.DataFrame:
    """Each scenario's figures for each team type: the mean over replicates with a t interval.

    Args:
        runs: one row per run (``scenario``, ``replicate`` and the summary columns, ``name[team_type]`` included).
        figures: the summaries to break down (each recorded per team type).
        level: confidence level of the intervals.

    Returns:
        tidy table, one row per (scenario, team type, metric): ``n`` replicates, ``mean``, ``ci_low``,
        ``ci_high``, ``label``, ``unit``, ``direction``; empty when no run has team types.
    """
    rows = []
    for kind in team_types_of(runs):
        for scenario, group in runs.groupby("scenario", sort=False):
            for m in figures:
                col = outcomes.of_team_type(m, kind)
                if col not in group:
                    continue
                x = group[col].to_numpy(float)
                x = x[~np.isnan(x)]
                n = len(x)
                if n == 0:  # a scenario without this team type (another service)
                    continue
                mean = float(x.mean())
                half = (float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / np.sqrt(n)) if n > 1
                        else float("nan"))
                s = outcomes.SUMMARIES[m]
                rows.append({"scenario": scenario, "team_type": kind, "metric": m, "n": n, "mean": mean,
                             "ci_low": mean - half, "ci_high": mean + half, "label": s.label, "unit": s.unit,
                             "direction": s.direction})
    return pd.DataFrame(rows, columns=["scenario", "team_type", "metric", "n", "mean", "ci_low", "ci_high", "label",
                                       "unit", "direction"])


def metric_catalogue() -> pd.DataFrame:
    """Every summary metric a comparison reports: :data:`model.outcomes.SUMMARIES` as a table.

    Returns:
        one row per metric (index ``metric``) with ``label``, ``unit``, ``direction`` and ``how``.
    """
    rows = [(s.name, s.label, s.unit, s.direction, s.how) for s in outcomes.SUMMARIES.values()]
    return pd.DataFrame(rows, columns=["metric", "label", "unit", "direction", "how"]).set_index("metric")


def check_rank_by(metric: str) -> None:
    """Raise :class:`ExperimentError` unless ``metric`` is a summary metric that can rank scenarios."""
    if metric not in outcomes.SUMMARIES:
        close = outcomes.suggest_summary(metric)
        hint = f"; did you mean '{close}'?" if close else ""
        raise ExperimentError(f"--rank-by {metric!r} is not a summary metric{hint} (see differences.csv for the "
                              "list)")
    if outcomes.SUMMARIES[metric].direction == "info":
        raise ExperimentError(f"--rank-by {metric!r} has no better direction; choose a metric where lower or "
                              "higher is better")


def norm_sd(metric: str) -> float:
    """Norm SD of a ProQOL score summary (raw: Stamm's SD; T: 10 by construction), NaN for anything else."""
    s = outcomes.SUMMARIES.get(metric)
    if s is None or s.reduction not in ("mean", "end"):
        return float("nan")  # a total or a derived figure is not on the score's scale
    for scale, (_, sd) in NORMS.items():
        if s.outcome == f"proqol_{scale}_raw":
            return sd
        if s.outcome == f"proqol_{scale}_t":
            return 10.0
    return float("nan")


def paired_differences(runs: pd.DataFrame, baseline: str = "baseline", metrics: Iterable[str] | None = None,
                       level: float = 0.95) -> pd.DataFrame:
    """Paired differences of every metric, each scenario against the baseline.

    Args:
        runs: one row per run with columns ``scenario``, ``replicate`` and the metrics.
        baseline: name of the reference scenario.
        metrics: metrics to compare (default: every metric of :func:`metric_catalogue` present in ``runs``).
        level: confidence level of the intervals.

    Returns:
        tidy table, one row per (scenario, metric): ``n`` pairs, ``baseline`` and ``scenario`` means,
        ``diff`` (mean paired difference), ``sd_diff``, ``ci_low``, ``ci_high``, ``effect_sd`` (difference in
        ProQOL norm SDs, NaN for other metrics), ``rel_change`` (diff / baseline mean), ``label``, ``unit``,
        ``direction``, ``better`` (True when the interval excludes 0 on the good side, False when it excludes
        0 on the bad side, NaN otherwise or for "info" metrics), ``prob_better`` (the share of paired
        replicates in which the scenario is on the good side of the baseline; NaN for "info" metrics). Over a
        calibrated ensemble (``compare --ensemble``) each replicate carries its own plausible parameter set, so
        ``prob_better`` is the probability of benefit given what is known and not known.

    Raises:
        ValueError: the baseline is missing, or a scenario has no replicate in common with it.
    """
    if baseline not in set(runs["scenario"]):
        raise ExperimentError(f"baseline scenario '{baseline}' is not among the runs "
                         f"({', '.join(sorted(set(runs['scenario'])))})")
    known = outcomes.SUMMARIES
    metrics = [m for m in (metrics or known) if m in runs.columns]
    base = runs[runs["scenario"] == baseline].set_index("replicate")
    order = list(dict.fromkeys(runs["scenario"]))
    rows = []
    for scenario in order:
        if scenario == baseline:
            continue
        other = runs[runs["scenario"] == scenario].set_index("replicate")
        common = base.index.intersection(other.index)
        if common.empty:
            raise ExperimentError(f"scenario '{scenario}' shares no replicate with the baseline")
        n = len(common)
        tcrit = stats.t.ppf(0.5 + level / 2, n - 1) if n > 1 else float("nan")
        for m in metrics:
            b = base.loc[common, m].to_numpy(float)
            s = other.loc[common, m].to_numpy(float)
            d = s - b
            mean = float(np.mean(d))
            sd = float(np.std(d, ddof=1)) if n > 1 else float("nan")
            half = tcrit * sd / np.sqrt(n) if n > 1 else float("nan")
            meta = known.get(m)  # a metric outside the registry (a custom column) has no better side
            direction = meta.direction if meta else "info"
            lo, hi = mean - half, mean + half
            better = float("nan")
            if direction != "info" and n > 1 and (lo > 0 or hi < 0):
                better = bool(hi < 0) if direction == "lower" else bool(lo > 0)
            b_mean = float(np.mean(b))
            good = d < 0 if direction == "lower" else d > 0
            rows.append({
                "scenario": scenario, "metric": m, "n": n, "baseline": b_mean, "scenario_mean": float(np.mean(s)),
                "diff": mean, "sd_diff": sd, "ci_low": lo, "ci_high": hi,
                "effect_sd": mean / norm_sd(m),
                "rel_change": mean / b_mean if b_mean else float("nan"),
                "label": meta.label if meta else m,
                "unit": meta.unit if meta else "",
                "direction": direction, "better": better,
                "prob_better": float(np.mean(good)) if direction != "info" else float("nan"),
            })
    return pd.DataFrame(rows)


def _paired(runs: pd.DataFrame, scenario: str, baseline: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cost inputs of the baseline and of ``scenario`` over their common replicates, aligned by replicate."""
    cols = list(COST_INPUTS)
    b = runs[runs["scenario"] == baseline].set_index("replicate")[cols]
    s = runs[runs["scenario"] == scenario].set_index("replicate")[cols]
    common = b.index.intersection(s.index)
    return b.loc[common], s.loc[common]


def _high_burnout(x: pd.DataFrame) -> pd.Series:
    """Clinicians at work with high burnout, per run (= high-burnout person-years per year)."""
    return x["prop_high_bo_mean"] * (x["n_in_post_mean"] - x["n_on_leave_mean"])


def cost_effectiveness(runs: pd.DataFrame, weeks: int, baseline: str = "baseline") -> pd.DataFrame:
    """Costs and what they buy, per scenario against the baseline (paired means over replicates).

    High-burnout person-years = share of survey respondents (clinicians at work) with high burnout (ProQOL BO
    T >= 56) x clinicians at work x years. A scenario that averts an outcome *and* saves money is marked
    ``dominant`` (its cost per outcome averted is negative: a saving).

    Returns:
        one row per scenario: incremental programme, turnover and total cost per year; high-burnout
        person-years and departures averted per year; cost per high-burnout person-year averted and per
        departure averted (NaN when nothing is averted: the scenario does not buy that outcome).
    """
    years = weeks / 52.0
    out = []
    for scenario in dict.fromkeys(runs["scenario"]):
        if scenario == baseline:
            continue
        b, s = _paired(runs, scenario, baseline)
        high_b, high_s = _high_burnout(b).mean(), _high_burnout(s).mean()
        d_total = (s["cum_total_cost"] - b["cum_total_cost"]).mean() / years
        averted_high = high_b - high_s  # clinicians with high burnout at any time = person-years per year
        averted_dep = (b["cum_departures"] - s["cum_departures"]).mean() / years
        out.append({
            "scenario": scenario,
            "programme_cost_per_year": (s["cum_programme_cost"] - b["cum_programme_cost"]).mean() / years,
            "turnover_cost_per_year": (s["cum_turnover_cost"] - b["cum_turnover_cost"]).mean() / years,
            "total_cost_per_year": d_total,
            "high_burnout_person_years_averted_per_year": averted_high,
            "departures_averted_per_year": averted_dep,
            "cost_per_high_burnout_person_year_averted": d_total / averted_high if averted_high > 0 else np.nan,
            "cost_per_departure_averted": d_total / averted_dep if averted_dep > 0 else np.nan,
            "dominant": bool(d_total < 0 and (averted_high > 0 or averted_dep > 0)),
        })
    return pd.DataFrame(out)


#: willingness to pay per high-burnout person-year averted at which acceptability is evaluated (the costs'
#: currency units; a presentation grid, not a model parameter)
WTP_GRID = tuple(range(0, 200_001, 5_000))


def acceptability(runs: pd.DataFrame, weeks: int, baseline: str = "baseline",
                  wtp: Iterable[float] = WTP_GRID) -> pd.DataFrame:
    """Cost-effectiveness acceptability curves (van Hout et al. 1994, Health Econ 3:309): for each scenario and
    willingness to pay ``wtp`` per high-burnout person-year averted, the share of paired replicates whose net
    monetary benefit ``wtp * averted - incremental cost`` is positive.

    With a calibrated ensemble each replicate carries its own plausible parameter set, so the share is the
    probability of being cost-effective given parameter uncertainty as well as run-to-run noise.

    Returns:
        tidy table: ``scenario``, ``wtp``, ``prob_cost_effective``.
    """
    rows = []
    for scenario in dict.fromkeys(runs["scenario"]):
        if scenario == baseline:
            continue
        b, s = _paired(runs, scenario, baseline)
        d_cost = ((s["cum_total_cost"] - b["cum_total_cost"]) / (weeks / 52.0)).to_numpy(float)
        averted = (_high_burnout(b) - _high_burnout(s)).to_numpy(float)
        for w in wtp:
            rows.append({"scenario": scenario, "wtp": float(w),
                         "prob_cost_effective": float(np.mean(w * averted - d_cost > 0)) if len(d_cost) else
                         float("nan")})
    return pd.DataFrame(rows, columns=["scenario", "wtp", "prob_cost_effective"])


def rank(diffs: pd.DataFrame, by: str = DEFAULT_RANK_BY) -> pd.DataFrame:
    """Scenarios ranked by the paired mean difference of ``by`` in its better direction.

    Returns:
        one row per scenario with ``rank`` (1 = best), the difference, its interval and whether the interval
        excludes no change; the criterion is in the attribute ``criterion``.
    """
    rows = diffs[diffs["metric"] == by].copy()
    if rows.empty:
        raise ExperimentError(f"unknown ranking metric '{by}'")
    direction = rows["direction"].iloc[0]
    ascending = direction != "higher"
    rows = rows.sort_values("diff", ascending=ascending).reset_index(drop=True)
    rows.insert(0, "rank", range(1, len(rows) + 1))
    good = "lowest" if ascending else "highest"
    rows.attrs["criterion"] = (f"scenarios ranked by the paired mean difference in {rows['label'].iloc[0]} "
                               f"against the baseline ({good} first)")
    return rows[["rank", "scenario", "diff", "ci_low", "ci_high", "better", "label", "unit"]]

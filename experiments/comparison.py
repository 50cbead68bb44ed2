"""Comparison of scenarios against the baseline: paired differences with intervals, effect sizes, costs.

Runs of the same replicate share their seed in every scenario (common random numbers), so each scenario is
compared with the baseline replicate by replicate: the paired difference d_r = scenario_r - baseline_r, its
mean, and a t interval over replicates (Student's t with n - 1 degrees of freedom). ProQOL raw-score
differences are also given in units of the published norm SD (Stamm 2010), comparable to the standardised
mean differences of intervention meta-analyses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Layout:
    """Which runs are compared with which: every policy against the reference policy within each context.

    A run of a comparison is an *arm*: one policy applied in one context. Within a context every policy's arm is
    compared with the reference policy's arm (the reference is ``baseline``, the service as it runs, unless
    ``compare --baseline`` names a policy); each context's reference arm is also compared with the reference arm
    of the first context, which says what the context itself does (it is not ranked or costed: nobody funds it).

    Attributes:
        reference: the reference policy.
        contexts: the contexts, the first one the base.
        arms: ``{arm: (policy, context)}``, in run order.
    """

    reference: str
    contexts: tuple[str, ...]
    arms: dict[str, tuple[str, str]] = field(default_factory=dict)

    @staticmethod
    def arm_name(policy: str, context: str, reference: str) -> str:
        """The arm's name: a policy in the default service (context ``baseline``) by its own name, the
        ``baseline`` reference policy by its context's name, anything else ``policy@context``."""
        if policy == reference == "baseline":
            return context
        return policy if context == "baseline" else f"{policy}@{context}"

    def reference_arm(self, context: str) -> str:
        """The reference policy's arm in ``context``."""
        return next(a for a, (p, c) in self.arms.items() if p == self.reference and c == context)

    def policy_arms(self, context: str) -> list[str]:
        """The arms of the policies other than the reference in ``context``, in run order."""
        return [a for a, (p, c) in self.arms.items() if c == context and p != self.reference]

    @property
    def policies(self) -> list[str]:
        """The policies compared with the reference, in run order."""
        return list(dict.fromkeys(p for p, _ in self.arms.values() if p != self.reference))

    def to_json(self) -> dict:
        return {"reference": self.reference, "contexts": list(self.contexts),
                "arms": {a: list(pc) for a, pc in self.arms.items()}}

    @classmethod
    def from_spec(cls, spec: Mapping) -> Layout:
        """The layout a store's spec records (a comparison written before contexts: every scenario a policy of
        the one context, against ``spec["baseline"]``)."""
        if "layout" in spec:
            d = spec["layout"]
            return cls(d["reference"], tuple(d["contexts"]), {a: (p, c) for a, (p, c) in d["arms"].items()})
        ref = spec.get("baseline", "baseline")
        return cls(ref, (ref,), {a: (a, ref) for a in spec["scenarios"]})


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
        # one block per side, read by column below: a .loc per metric and side cost most of the report's analysis
        b_block = base.loc[common, metrics].to_numpy(float)
        s_block = other.loc[common, metrics].to_numpy(float)
        for j, m in enumerate(metrics):
            b = b_block[:, j]
            s = s_block[:, j]
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


# ---------------------------------------------------------------------------------------------------------------
# policies against the reference within contexts


def _tag(table: pd.DataFrame, layout: Layout, context: str, reference: str, comparison: str) -> pd.DataFrame:
    table = table.copy()
    table.insert(1, "policy", [layout.arms[a][0] for a in table["scenario"]])
    table.insert(2, "context", context)
    table.insert(3, "reference", reference)
    table.insert(4, "comparison", comparison)
    return table


def within_contexts(runs: pd.DataFrame, layout: Layout, analysis, **kwargs) -> pd.DataFrame:
    """``analysis(runs, baseline=..., **kwargs)`` of every policy against the reference, context by context.

    Args:
        runs: one row per run (``scenario`` is the arm).
        layout: which arms compare with which.
        analysis: :func:`paired_differences`, :func:`cost_effectiveness` or :func:`acceptability`.

    Returns:
        the analysis's rows of every context, with ``policy``, ``context``, ``reference`` and ``comparison``
        ("policy") after ``scenario``.
    """
    frames = []
    for context in layout.contexts:
        ref, arms = layout.reference_arm(context), layout.policy_arms(context)
        sub = runs[runs["scenario"].isin([ref, *arms])]
        if arms and set(arms) & set(sub["scenario"]):
            frames.append(_tag(analysis(sub, baseline=ref, **kwargs), layout, context, ref, "policy"))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def context_differences(runs: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    """What each context does: its reference arm against the first context's, as :func:`paired_differences`
    rows with ``comparison`` "context" (empty with one context)."""
    base = layout.reference_arm(layout.contexts[0])
    frames = []
    for context in layout.contexts[1:]:
        ref = layout.reference_arm(context)
        sub = runs[runs["scenario"].isin([base, ref])]
        if ref in set(sub["scenario"]):
            frames.append(_tag(paired_differences(sub, baseline=base), layout, context, base, "context"))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@dataclass(frozen=True)
class Criterion:
    """How policies are ranked within a context.

    Attributes:
        rank_by: the summary whose paired mean difference ranks them (the default criterion).
        wtp: when set, rank by net monetary benefit per year instead: ``wtp`` x high-burnout person-years averted
            per year - incremental total cost per year (currency per high-burnout person-year averted).
        weights: when set (and no ``wtp``), rank by a weighted sum of relative improvements: for each summary
            ``m`` with weight ``w``, ``w`` x the paired mean difference over the reference's mean, signed so that
            better is positive (a unit-free multi-criteria score; weights need not sum to 1).
    """

    rank_by: str = DEFAULT_RANK_BY
    wtp: float | None = None
    weights: tuple[tuple[str, float], ...] = ()

    def check(self) -> None:
        """Raise :class:`ExperimentError` for an unknown or directionless summary or a negative amount."""
        check_rank_by(self.rank_by)
        if self.wtp is not None and not (np.isfinite(self.wtp) and self.wtp >= 0):
            raise ExperimentError(f"--wtp {self.wtp!r} is not allowed (allowed: an amount of 0 or more per "
                                  "high-burnout person-year averted)")
        for metric, w in self.weights:
            try:
                check_rank_by(metric)
            except ExperimentError as exc:
                raise ExperimentError(str(exc).replace("--rank-by", "--weight", 1)) from None
            if not (np.isfinite(w) and w > 0):
                raise ExperimentError(f"--weight {metric}={w!r} is not allowed (allowed: a weight above 0)")

    def describe(self, currency: str = "") -> str:
        """The criterion in words."""
        if self.wtp is not None:
            return (f"policies ranked by net monetary benefit per year at {money(self.wtp, currency)} per "
                    "high-burnout person-year averted (value of the high-burnout person-years averted minus the "
                    "incremental total cost), highest first")
        if self.weights:
            parts = ", ".join(f"{w:g} x {outcomes.SUMMARIES[m].label}" for m, w in self.weights)
            return ("policies ranked by a weighted score of relative improvements against the reference "
                    f"({parts}; each the paired mean difference over the reference's mean, better positive), "
                    "highest first")
        s = outcomes.SUMMARIES[self.rank_by]
        good = "lowest" if s.direction == "lower" else "highest"
        return f"policies ranked by the paired mean difference in {s.label} against the reference ({good} first)"


def money(value: float, currency: str = "") -> str:
    """An amount for people: ``GBP 12,300`` (or ``12,300 currency units`` without a currency)."""
    if value is None or not np.isfinite(value):
        return "–"
    text = f"{abs(value):,.0f}" if abs(value) < 1e6 else f"{abs(value) / 1e6:,.2f} million"
    sign = "-" if value < 0 else ""
    return f"{sign}{currency} {text}" if currency else f"{sign}{text} currency units"


def rank_within(diffs: pd.DataFrame, costs: pd.DataFrame, criterion: Criterion = Criterion(),
                currency: str = "") -> pd.DataFrame:
    """Policies ranked within each context by ``criterion``.

    Args:
        diffs: policy rows of :func:`within_contexts` over :func:`paired_differences`.
        costs: :func:`within_contexts` over :func:`cost_effectiveness`.
        criterion: the ranking criterion.
        currency: the prices' currency, for the criterion's text.

    Returns:
        one row per (context, policy): ``context``, ``rank`` (1 = best in its context), ``scenario`` (the arm),
        ``policy``, ``score`` (what ranks them), and the ``rank_by`` summary's ``diff``, ``ci_low``,
        ``ci_high``, ``better``, ``label``, ``unit``; the criterion in words in ``attrs["criterion"]``.
    """
    criterion.check()
    frames = []
    for context, d in (diffs.groupby("context", sort=False) if "context" in diffs else ()):
        base = d[d["metric"] == criterion.rank_by].set_index("scenario")
        if base.empty:
            raise ExperimentError(f"unknown ranking metric '{criterion.rank_by}'")
        direction = base["direction"].iloc[0]
        if criterion.wtp is not None:
            c = costs[costs["context"] == context].set_index("scenario")
            score = (criterion.wtp * c["high_burnout_person_years_averted_per_year"] - c["total_cost_per_year"])
        elif criterion.weights:
            score = pd.Series(0.0, index=base.index)
            for metric, w in criterion.weights:
                m = d[d["metric"] == metric].set_index("scenario")
                if m.empty:
                    raise ExperimentError(f"--weight {metric}: the comparison has no such summary")
                if (m["baseline"] == 0).any() or m["baseline"].isna().any():
                    raise ExperimentError(f"--weight {metric}: its reference mean is 0 in the context {context}, so "
                                          "a relative improvement is undefined; weight another summary")
                sign = -1.0 if m["direction"].iloc[0] == "lower" else 1.0
                score = score + w * sign * m["diff"] / m["baseline"].abs()
        else:
            score = base["diff"] if direction == "higher" else -base["diff"]
        t = base.assign(score=score.reindex(base.index)).reset_index()
        t = t.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
        t.insert(0, "rank", range(1, len(t) + 1))
        frames.append(t)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["rank", "scenario", "policy", "context", "score", "diff", "ci_low", "ci_high", "better", "label",
                 "unit"])
    out = out[["context", "rank", "scenario", "policy", "score", "diff", "ci_low", "ci_high", "better", "label",
               "unit"]]
    out.attrs["criterion"] = criterion.describe(currency)
    out.attrs["rank_by"] = criterion.rank_by
    out.attrs["score"] = ("net monetary benefit per year" if criterion.wtp is not None else
                          "weighted score" if criterion.weights else "effect")
    return out


#: the figures of the decision summary: (summary, words, scale) with scale "pp" (percentage points), "sd" (ProQOL
#: norm SDs) or "raw"
DECISION_FIGURES = (("prop_high_bo_mean", "high burnout", "pp"), ("proqol_bo_raw_mean", "burnout", "sd"),
                    ("proqol_sts_raw_mean", "STS", "sd"), ("proqol_cs_raw_mean", "compassion satisfaction", "sd"),
                    ("annual_turnover", "turnover", "pp"), ("n_waitlist_mean", "waiting list", "raw"))
#: bootstrap resamples of the paired replicates for the cost intervals
BOOTSTRAP_RESAMPLES = 2000
#: paired replicates from which cost intervals are bootstrapped; below it, a t interval (a percentile bootstrap of
#: a handful of values is far too narrow)
MIN_BOOTSTRAP_REPLICATES = 10


def _t_interval(x: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    x = np.asarray(x, float)
    if x.size < 2:
        return float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + level / 2, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
    return float(x.mean()) - half, float(x.mean()) + half


def scaled(metric: str, scale: str) -> float:
    """The factor that puts a difference of ``metric`` on ``scale`` (pp: x100; sd: per norm SD; raw: 1)."""
    if scale == "sd":
        return 1.0 / norm_sd(metric)
    return 100.0 if scale == "pp" else 1.0


SCALE_UNIT = {"pp": "points", "sd": "SD", "raw": "clients"}


def bootstrap_mean_interval(x: np.ndarray, rng: np.random.Generator, level: float = 0.95,
                            resamples: int = BOOTSTRAP_RESAMPLES) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``x`` (Efron & Tibshirani 1993, ch. 13); NaNs with < 2 values."""
    x = np.asarray(x, float)
    if x.size < 2:
        return float("nan"), float("nan")
    means = x[rng.integers(0, x.size, (resamples, x.size))].mean(axis=1)
    return float(np.quantile(means, 0.5 - level / 2)), float(np.quantile(means, 0.5 + level / 2))


def decision_summary(runs: pd.DataFrame, diffs: pd.DataFrame, costs: pd.DataFrame, layout: Layout, weeks: int,
                     ranking: pd.DataFrame, titles: Mapping[str, str] | None = None, currency: str = "",
                     seed: int = 0) -> pd.DataFrame:
    """The decision summary: for each policy in each context, its effects, costs and flags, and one sentence.

    Effects are the paired differences of :data:`DECISION_FIGURES` (the rows of ``diffs``); costs are
    ``costs``' incremental total cost per year, with a percentile bootstrap interval over paired replicates
    (seeded by ``seed``; a t interval below :data:`MIN_BOOTSTRAP_REPLICATES` replicates), and over the horizon
    (per year x years). The cost per high-burnout person-year averted is given only when the effect on high
    burnout is clear, whatever ranks the policies. Flags: ``harms access`` (the waiting list is
    longer, its interval above 0), ``worse on ...`` (any other figure worse, its interval on the bad side),
    ``no clear effect`` (the ranking figure's interval covers 0), ``works only in some contexts`` (better on the
    ranking figure in some contexts but not in all).

    Returns:
        one row per (context, policy) in ranking order: ``context``, ``rank``, ``scenario``, ``policy``, ``title``;
        for each figure ``{metric}`` (diff on its scale), ``{metric}_low``, ``{metric}_high``;
        ``cost_per_year``, ``cost_per_year_low``, ``cost_per_year_high``, ``cost_over_horizon``,
        ``cost_over_horizon_low``, ``cost_over_horizon_high``, ``cost_per_high_burnout_person_year_averted``,
        ``flags``, ``cost_effectiveness`` (in words: the cost per high-burnout person-year averted, "dominant"
        only when the saving's interval is below 0 and the effect is clear, or why there is none) and
        ``sentence``.
    """
    titles = titles or {}
    years = weeks / 52.0
    rng = np.random.default_rng(seed)
    rank_by = ranking.attrs.get("rank_by", DEFAULT_RANK_BY)
    works = {}
    for policy, d in diffs[(diffs["metric"] == rank_by)].groupby("policy", sort=False):
        works[policy] = list(d["better"] == True)  # noqa: E712 (NaN: not better)
    rows = []
    for r in ranking.itertuples():
        d = diffs[(diffs["scenario"] == r.scenario) & (diffs["context"] == r.context)].set_index("metric")
        c = costs[(costs["scenario"] == r.scenario) & (costs["context"] == r.context)].iloc[0]
        ref = layout.reference_arm(r.context)
        b, s = _paired(runs, r.scenario, ref)
        per_year = ((s["cum_total_cost"] - b["cum_total_cost"]) / years).to_numpy(float)
        lo, hi = (bootstrap_mean_interval(per_year, rng) if len(per_year) >= MIN_BOOTSTRAP_REPLICATES
                  else _t_interval(per_year))
        row = {"context": r.context, "rank": r.rank, "scenario": r.scenario, "policy": r.policy,
               "title": titles.get(r.scenario, r.scenario)}
        flags, parts = [], []
        for metric, words, scale in DECISION_FIGURES:
            if metric not in d.index:
                continue
            k = scaled(metric, scale)
            e = d.loc[metric]
            row[metric], row[f"{metric}_low"], row[f"{metric}_high"] = e["diff"] * k, e["ci_low"] * k, e["ci_high"] * k
            shown = float(np.round(e["diff"] * k, 0 if scale == "raw" else 2)) + 0.0  # no "-0"
            parts.append(f"{words} {shown:+.{0 if scale == 'raw' else 2}f} {SCALE_UNIT[scale]}"
                         + (f" [{e['ci_low'] * k:+.2f}, {e['ci_high'] * k:+.2f}]" if metric == rank_by else ""))
            if e["better"] == False:  # noqa: E712 (NaN: neither)
                flags.append("harms access" if metric == "n_waitlist_mean" else f"worse on {words}")
        if rank_by in d.index and pd.isna(d.loc[rank_by, "better"]):  # the interval covers 0
            flags.append("no clear effect")
        if len(works.get(r.policy, [])) > 1 and any(works[r.policy]) and not all(works[r.policy]):
            flags.append("works only in some contexts")
        row.update({"cost_per_year": float(c["total_cost_per_year"]), "cost_per_year_low": lo,
                    "cost_per_year_high": hi, "cost_over_horizon": float(c["total_cost_per_year"]) * years,
                    "cost_over_horizon_low": lo * years, "cost_over_horizon_high": hi * years,
                    "cost_per_high_burnout_person_year_averted":
                        float(c["cost_per_high_burnout_person_year_averted"]),
                    "flags": "; ".join(dict.fromkeys(flags))})
        per_averted = row["cost_per_high_burnout_person_year_averted"]
        horizon = f"{years:g} years"
        if row["cost_per_year"] == 0 and lo == hi == 0:
            cost_words = "costs nothing"
        elif lo > 0 or (not np.isfinite(lo) and row["cost_per_year"] > 0):
            cost_words = (f"costs {money(row['cost_per_year'], currency)} a year [{money(lo, currency)} to "
                          f"{money(hi, currency)}], {money(row['cost_over_horizon'], currency)} over {horizon}")
        elif hi < 0 or (not np.isfinite(hi) and row["cost_per_year"] < 0):
            cost_words = (f"saves {money(-row['cost_per_year'], currency)} a year [{money(-hi, currency)} to "
                          f"{money(-lo, currency)}], {money(-row['cost_over_horizon'], currency)} over {horizon}")
        else:
            cost_words = (f"a net cost of {money(row['cost_per_year'], currency)} a year [{money(lo, currency)} to "
                          f"{money(hi, currency)}: not clearly a cost or a saving]")
        priced = "prop_high_bo_mean"  # what the cost per person-year averted prices, whatever ranks the policies
        clear = priced not in d.index or not pd.isna(d.loc[priced, "better"])
        if not clear:
            ce = "no clear effect on high burnout to price"
        elif c["high_burnout_person_years_averted_per_year"] <= 0:
            ce = "averts no high burnout"
        elif hi < 0:
            ce = "averts high burnout and saves money (dominant)"
        elif lo > 0:
            ce = f"{money(per_averted, currency)} per high-burnout person-year averted"
        else:
            ce = "averts high burnout at no clear net cost"
        row["cost_effectiveness"] = ce
        row["sentence"] = (f"{row['title']}: " + ", ".join(parts) + f"; {cost_words}; {ce}."
                           + (f" Flags: {row['flags']}." if row["flags"] else ""))
        rows.append(row)
    return pd.DataFrame(rows)

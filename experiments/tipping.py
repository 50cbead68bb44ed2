"""Tipping points of the staffing loop: sustained understaffing (or demand) swept up and then down.

One run per replicate holds each level of the forcing parameter for ``hold_weeks`` and moves to the next (the
model's :meth:`~model.WorkforceModel.apply`), first up from the lowest level to the highest, then back down. Each
level is measured over the second half of its hold. The loop *tips* where burnout rises most steeply on the way up
(the steepest slope between successive levels, against the average slope over the whole range); it shows
*hysteresis* where the way down differs from the way up at the same level (paired over replicates: the same run
visits both), and it *comes back* when, at the end, the lowest level gives what it gave at the start. The idea of a forcing swept both ways to find
where a feedback system tips and whether it recovers is Scheffer et al. (2009, Nature 461:53); in mental-health
workforce terms it is the vicious circle of vacancies, workload and burnout (Maslach & Leiter 2016).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from model import DEFAULT_BURN_IN_WEEKS, Parameters, WorkforceModel
from model.outcomes import BY_NAME

from .errors import ExperimentError
from .executors import executor_for, stream

#: what is measured at each level (weekly outcomes; departures as an annual rate of those in post)
TIPPING_OUTCOMES = ("mean_bo", "prop_vacant", "caseload_per_clinician", "n_waitlist", "mean_intention")
#: parameters a sweep may force: sustained understaffing and demand (uncertainties the organisation faces)
FORCINGS = ("hiring.frozen_share", "hiring.mean_delay_weeks", "clients.referrals_per_post_week",
            "clients.prop_trauma_high")


@dataclass(frozen=True)
class SweepRun:
    """One replicate of a sweep (picklable): the levels in visiting order, the base parameters, the seed."""

    params: Parameters
    parameter: str
    path: tuple[float, ...]
    hold_weeks: int
    burn_in_weeks: int
    seed: int
    replicate: int

    def __call__(self) -> list[dict]:
        m = WorkforceModel(self.params.with_overrides({self.parameter: self.path[0]}), rng=self.seed,
                           burn_in_weeks=self.burn_in_weeks)
        rows = []
        for step, level in enumerate(self.path):
            m.apply(self.params.with_overrides({self.parameter: level}))
            weeks = []
            for _ in range(self.hold_weeks):
                m.step()
                weeks.append({k: m.metrics[k] for k in (*TIPPING_OUTCOMES, "new_departures", "n_in_post")})
            late = pd.DataFrame(weeks).iloc[self.hold_weeks // 2:]
            row = {"replicate": self.replicate, "step": step, "level": level,
                   "branch": "up" if step < (len(self.path) + 1) // 2 else "down",
                   **{k: float(late[k].mean()) for k in TIPPING_OUTCOMES},
                   "annual_turnover": float(52 * late["new_departures"].sum()
                                            / max(late["n_in_post"].mean(), 1.0) / len(late))}
            rows.append(row)
        return rows


def _run(task: SweepRun) -> list[dict]:
    return task()


@dataclass
class TippingResult:
    """A finished sweep: ``levels`` (one row per replicate and step), ``summary`` (one row per level and branch:
    means and 95% t intervals), ``hysteresis`` (per level: down minus up, paired), and ``sentences``."""

    levels: pd.DataFrame
    summary: pd.DataFrame
    hysteresis: pd.DataFrame
    sentences: list[str]
    parameter: str


def sweep(parameter: str = "hiring.frozen_share", levels: Sequence[float] | None = None, *, scenario: str = "baseline",
          hold_weeks: int = 52, replicates: int = 4, clinicians: int | None = 200, seed: int = 0,
          burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS, executor: Executor | None = None, workers: int | None = None,
          outcome: str = "mean_bo") -> TippingResult:
    """Sweep ``parameter`` through ``levels`` up and back down, ``replicates`` runs, and find where it tips.

    Args:
        parameter: the forcing (one of :data:`FORCINGS`).
        levels: ascending levels (default: 8 levels over the parameter's plausible range).
        scenario: the service the sweep runs on (a library name or file).
        hold_weeks: weeks at each level (measured over the second half).
        replicates: runs (seeds from the root ``seed``).
        clinicians: budgeted posts (None: the scenario's).
        outcome: the weekly outcome the tipping point and the hysteresis are read from.

    Raises:
        ExperimentError: an unknown forcing or outcome, levels outside the parameter's bounds or not ascending,
            too few levels, weeks or replicates.
    """
    from scenarios import load

    from .runner import replicate_seeds

    if parameter not in FORCINGS:
        raise ExperimentError(f"--parameter {parameter!r} is not allowed (allowed: {', '.join(FORCINGS)})")
    if outcome not in TIPPING_OUTCOMES:
        raise ExperimentError(f"--outcome {outcome!r} is not allowed (allowed: {', '.join(TIPPING_OUTCOMES)})")
    spec = Parameters.spec(parameter)
    if levels is None:
        levels = list(np.linspace(spec.range[0], spec.range[1], 8))
    levels = [float(v) for v in levels]
    lo, hi = spec.bounds
    if len(levels) < 3 or any(b <= a for a, b in zip(levels, levels[1:])):
        raise ExperimentError(f"--levels {levels}: give at least three ascending levels")
    if not all(lo <= v <= hi for v in levels):
        raise ExperimentError(f"--levels: {parameter} must lie within {lo:g}-{hi:g} ({spec.unit}), got {levels}")
    if hold_weeks < 4 or replicates < 2:
        raise ExperimentError(f"--hold-weeks {hold_weeks} and --replicates {replicates}: at least 4 weeks at each "
                              "level and 2 replicates (for intervals)")
    sc = load(scenario)
    if sc.kind == "policy":
        raise ExperimentError(f"--scenario {scenario} is a policy; a sweep runs on a service or a context")
    if parameter in sc.overrides:
        raise ExperimentError(f"--scenario {scenario} sets {parameter} itself; the sweep sets it")
    params = sc.params if clinicians is None or sc.fixed_posts else sc.params.with_overrides(
        {"service.n_posts": clinicians})
    path = tuple(levels + levels[-2::-1])
    tasks = [SweepRun(params, parameter, path, hold_weeks, burn_in_weeks, s, r)
             for r, s in enumerate(replicate_seeds(seed, replicates))]
    rows = []
    with executor_for(executor, workers=workers) as ex:
        for _, result in stream(ex, _run, tasks):
            rows += result
    table = pd.DataFrame(rows).sort_values(["replicate", "step"]).reset_index(drop=True)
    return analyse(table, parameter, outcome)


def _interval(x: np.ndarray) -> tuple[float, float, float]:
    n = len(x)
    mean = float(np.mean(x))
    half = float(stats.t.ppf(0.975, n - 1) * np.std(x, ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return mean, mean - half, mean + half


def analyse(table: pd.DataFrame, parameter: str, outcome: str = "mean_bo") -> TippingResult:
    """Summaries, the tipping point, the hysteresis and their sentences from a sweep's level table."""
    summary_rows = []
    for (level, branch), d in table.groupby(["level", "branch"], sort=False):
        row = {"level": level, "branch": branch}
        for k in (*TIPPING_OUTCOMES, "annual_turnover"):
            row[k], row[f"{k}_low"], row[f"{k}_high"] = _interval(d[k].to_numpy(float))
        summary_rows.append(row)
    summary = pd.DataFrame(summary_rows)
    up = table[table["branch"] == "up"].pivot(index="replicate", columns="level", values=outcome)
    down = table[table["branch"] == "down"].pivot(index="replicate", columns="level", values=outcome)
    hyst = []
    for level in down.columns:
        mean, lo, hi = _interval((down[level] - up[level]).to_numpy(float))
        hyst.append({"level": level, "diff": mean, "ci_low": lo, "ci_high": hi,
                     "differs": bool(lo > 0 or hi < 0)})
    hysteresis = pd.DataFrame(hyst)
    levels = list(up.columns)
    # slopes, not rises: unevenly spaced levels must not make the widest gap look like a tip
    slopes = (up.diff(axis=1).iloc[:, 1:] / np.diff(levels)).mean()
    steepest = slopes.idxmax()
    before = levels[levels.index(steepest) - 1]
    average = (up[levels[-1]] - up[levels[0]]).mean() / (levels[-1] - levels[0])
    label = BY_NAME[outcome].label.lower()
    sentences = []
    ratio = slopes.max() / average if average > 0 else float("nan")
    if np.isfinite(ratio) and ratio >= 2.0:
        sentences.append(f"The loop tips between {parameter} = {before:.3g} and {steepest:.3g}: {label} rises by "
                         f"{slopes.max():.3g} per unit of {parameter} there, {ratio:.1f} times its average slope.")
    else:
        sentences.append(f"No tipping point: {label} rises smoothly with {parameter} (the steepest slope, between "
                         f"{before:.3g} and {steepest:.3g}, is {ratio:.1f} times the average slope).")
    differs = hysteresis[hysteresis["differs"]]
    if differs.empty:
        sentences.append(f"No hysteresis: on the way down {label} is within its interval of the way up at every "
                         "level.")
    else:
        worst = differs.loc[differs["diff"].abs().idxmax()]
        sentences.append(f"Hysteresis: on the way down {label} differs from the way up at {len(differs)} of "
                         f"{len(hysteresis)} levels, most at {parameter} = {worst['level']:.3g} "
                         f"({worst['diff']:+.3g} [{worst['ci_low']:+.3g}, {worst['ci_high']:+.3g}]).")
    start = hysteresis.loc[hysteresis["level"].idxmin()]
    if start["differs"]:
        back = "the service does not come back"
    else:
        back = "the service is not detectably different from the start (with these replicates)"
    sentences.append(f"At the lowest level again {back}: {label} {start['diff']:+.3g} "
                     f"[{start['ci_low']:+.3g}, {start['ci_high']:+.3g}] against the start.")
    return TippingResult(table, summary, hysteresis, sentences, parameter)


def plot(result: TippingResult, path: Path, outcome: str = "mean_bo") -> None:
    """The two branches of ``outcome`` and of the vacancy rate against the forcing, with 95% intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for ax, k in zip(axes, (outcome, "prop_vacant")):
        for branch, colour in (("up", "tab:red"), ("down", "tab:blue")):
            d = result.summary[result.summary["branch"] == branch].sort_values("level")
            ax.fill_between(d["level"], d[f"{k}_low"], d[f"{k}_high"], color=colour, alpha=0.2, lw=0)
            ax.plot(d["level"], d[k], "o-", color=colour, ms=3, label=f"way {branch}")
        ax.set_xlabel(result.parameter)
        ax.set_title(f"{BY_NAME[k].label} ({BY_NAME[k].unit})", fontsize=9)
        ax.legend(fontsize=7)
    fig.suptitle("Sustained forcing swept up, then down (95% intervals over replicates)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write(result: TippingResult, folder: Path, outcome: str = "mean_bo") -> Path:
    """``tipping.csv`` (levels), ``tipping_summary.csv``, ``hysteresis.csv``, ``tipping.png`` and ``report.md``."""
    from .report import _md_table
    from .results import atomic_write

    folder.mkdir(parents=True, exist_ok=True)
    for name, df in (("tipping.csv", result.levels), ("tipping_summary.csv", result.summary),
                     ("hysteresis.csv", result.hysteresis)):
        atomic_write(folder / name, lambda p, df=df: df.to_csv(p, index=False))
    plot(result, folder / "tipping.png", outcome)
    cols = ["level", "branch", outcome, "prop_vacant", "annual_turnover", "n_waitlist"]
    table = result.summary[cols].round(4)
    text = "\n".join(["# Tipping points of the staffing loop", "", *[f"- {s}" for s in result.sentences], "",
                      "![tipping](tipping.png)", "", _md_table(table), ""])
    atomic_write(folder / "report.md", lambda p: p.write_text(text, encoding="utf-8"))
    return folder / "report.md"

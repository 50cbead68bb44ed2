"""Validation against published patterns: the targets file, the patterns of a run, and the validation report.

``resilience validate`` runs the defaults over replicates, measures every pattern of
``experiments/targets.toml`` the way it is published (ProQOL means, spreads, alphas and correlations on the
simulated survey; stability on latent states; turnover, early-tenure exits and sick leave on clinicians over
time; team clustering on teams; programme effects on paired runs of two scenarios), and writes a report that
puts each simulated value, with its 95% interval over replicates, beside the published value and a verdict.

The statistics are small pure functions with known-answer tests (``cronbach_alpha`` is in :mod:`model.proqol`).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from model import DEFAULT_BURN_IN_WEEKS, Parameters, WorkforceModel
from model.outcomes import SUMMARIES
from model.proqol import SUBSCALES, cronbach_alpha, scored
from model.state import ACTIVE, LATENT_STATES, VACANT

from .comparison import norm_sd, paired_differences
from .errors import ExperimentError
from .executors import executor_for, stream
from .results import atomic_write
from .runner import Task, clinician_weeks, replicate_seeds, run_task
from .single import prepare_folder
from scenarios.loader import read_text

#: the outcomes a validation replicate records (it reads the state arrays and surveys directly)
_RECORD = ("n_in_post",)
#: scenarios whose effect on burnout is a target of its own, and those that are not single programmes
_EFFECT_SCENARIOS = {"effect_wellness": "wellness-programme", "effect_bundle": "organisational-bundle"}
#: the run summary whose paired fall is a programme's effect on burnout
_EFFECT_METRIC = "proqol_bo_raw_mean"
#: the run summaries every library scenario is compared on (besides its own target)
EFFECT_METRICS = (_EFFECT_METRIC, "proqol_sts_raw_mean", "proqol_cs_raw_mean", "annual_turnover", "n_waitlist_mean",
                  "cum_programme_cost", "cum_total_cost")
_NOT_SINGLE = {"baseline", "understaffed", "high-trauma-caseload", "organisational-bundle"}


@dataclass(frozen=True)
class Target:
    """One published pattern (a row of the targets file)."""

    name: str
    title: str
    low: float
    high: float
    level: str
    unit: str
    source: str
    metric: str = ""  # the run summary that measures the same pattern, if there is one (for calibration)

    @property
    def observation(self) -> tuple[float, float]:
        """(value, standard error) of the published range read as a 95% interval: the midpoint, a quarter of the
        width."""
        return (self.low + self.high) / 2, (self.high - self.low) / 4


def load_targets(path: Path | None = None) -> list[Target]:
    """The targets file (default: the packaged ``experiments/targets.toml``), checked field by field.

    Raises:
        ExperimentError: the file cannot be read, or a target lacks a field or has ``low > high`` (one line
            naming the file, the target and the field).
    """
    where = str(path) if path is not None else "experiments/targets.toml"
    try:
        text = (read_text(Path(path)) if path is not None
                else resources.files("experiments").joinpath("targets.toml").read_text(encoding="utf-8"))
        data = tomllib.loads(text)
    except OSError as exc:
        raise ExperimentError(f"{where}: cannot read the targets file: {exc.strerror or exc}") from None
    except (ValueError, tomllib.TOMLDecodeError) as exc:  # TOMLDecodeError is a ValueError
        raise ExperimentError(f"{where}: cannot read the targets file: {exc}") from None
    out = []
    for k, row in enumerate(data.get("target", [])):
        label = f"{where}: target {k + 1} ({row.get('name', '?')})"
        for field, kind in (("name", str), ("title", str), ("level", str), ("unit", str), ("source", str),
                            ("low", (int, float)), ("high", (int, float))):
            if not isinstance(row.get(field), kind) or isinstance(row.get(field), bool):
                raise ExperimentError(f"{label}: field '{field}' is {row.get(field)!r}; expected a "
                                      f"{'number' if field in ('low', 'high') else 'string'}")
        if row["low"] > row["high"]:
            raise ExperimentError(f"{label}: low {row['low']} is above high {row['high']}")
        if row["name"] not in PATTERNS:
            raise ExperimentError(f"{label}: field 'name' is '{row['name']}'; known patterns: {', '.join(PATTERNS)}")
        if "metric" in row and row["metric"] not in SUMMARIES:
            raise ExperimentError(f"{label}: field 'metric' is {row['metric']!r}; expected a run summary")
        out.append(Target(**{f: row[f] for f in Target.__dataclass_fields__ if f in row}))
    if not out:
        raise ExperimentError(f"{where}: no [[target]] entries")
    return out


# ----------------------------------------------------------------------------------------------------------------
# statistics
# ----------------------------------------------------------------------------------------------------------------


def icc1(values: np.ndarray, groups: np.ndarray) -> float:
    """ICC(1) of ``values`` clustered in ``groups``: one-way ANOVA, ``(MSB - MSW) / (MSB + (k0 - 1) MSW)``.

    ``k0`` is the adjusted mean group size for unequal groups (Bliese 2000; Shrout & Fleiss 1979).
    """
    values = np.asarray(values, float)
    _, inverse, sizes = np.unique(groups, return_inverse=True, return_counts=True)
    g, n = sizes.size, values.size
    if g < 2 or n <= g:
        return float("nan")
    means = np.bincount(inverse, weights=values) / sizes
    grand = values.mean()
    msb = float((sizes * (means - grand) ** 2).sum() / (g - 1))
    msw = float(((values - means[inverse]) ** 2).sum() / (n - g))
    k0 = (n - (sizes**2).sum() / n) / (g - 1)
    denom = msb + (k0 - 1.0) * msw
    return (msb - msw) / denom if denom > 0 else float("nan")


def odds_ratio(exposed_events: int, exposed: int, other_events: int, other: int) -> float:
    """Odds ratio of an event among the exposed against the others, with 0.5 added to every cell (Haldane)."""
    a, b = exposed_events + 0.5, exposed - exposed_events + 0.5
    c, d = other_events + 0.5, other - other_events + 0.5
    return float((a / b) / (c / d))


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation, NaN when either variable is constant or fewer than three pairs."""
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def slope_per_year(yearly: np.ndarray) -> float:
    """Least-squares slope of yearly values (per year)."""
    if len(yearly) < 2:
        return float("nan")
    return float(np.polyfit(np.arange(len(yearly)), yearly, 1)[0])


# ----------------------------------------------------------------------------------------------------------------
# one replicate of the defaults
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicateTask:
    """One validation replicate (picklable, for the executors)."""

    replicate: int
    seed: int
    params: Parameters
    weeks: int
    burn_in_weeks: int


def measure_replicate(task: ReplicateTask) -> tuple[dict[str, float], pd.DataFrame]:
    """Run one replicate and measure every person-level pattern; also return its survey microdata.

    Surveys run on the model's cadence (quarterly by default); a clinician is "the same person" a year later when
    their slot's time in post has grown by exactly 52 weeks.

    Returns:
        (patterns, microdata): pattern name to value (:data:`PATTERNS` except the paired-run effects), and one
        row per survey respondent.
    """
    m = WorkforceModel(task.params, rng=task.seed, burn_in_weeks=task.burn_in_weeks, record=_RECORD)
    ws = m.workforce
    interval = task.params.measurement.survey_interval_weeks
    rounds = []  # per survey: week, microdata frame, latent snapshot of every slot, weeks in post, present
    present_weeks = leave_weeks = fy_weeks = 0
    departures = fy_departures = 0
    weekly_bo = []

    def snapshot(week: int) -> None:
        s = m.last_survey
        rounds.append({"week": week, "survey": s, "latent": ws.latent.copy(), "ei": ws.ei.copy(),
                       "wip": ws.weeks_in_post.copy(), "present": ws.status != VACANT,
                       "micro": s.microdata(ws.team, week)})

    snapshot(0)
    for week in range(1, task.weeks + 1):
        present = ws.status != VACANT
        wip = ws.weeks_in_post.copy()
        m.step()
        left = present & (ws.status == VACANT)
        present_weeks += int(present.sum())
        leave_weeks += int((present & (ws.status != ACTIVE) & (ws.status != VACANT)).sum())
        first_year = present & (wip < 52)
        fy_weeks += int(first_year.sum())
        departures += int(left.sum())
        fy_departures += int((left & first_year).sum())
        now = ws.status != VACANT
        weekly_bo.append(float(ws.bo[now].mean()))
        if week % interval == 0:
            snapshot(week)

    out: dict[str, float] = {}
    raw = np.vstack([r["survey"].raw for r in rounds])
    for j, s in enumerate(SUBSCALES):
        out[f"proqol_{s}_mean"] = float(raw[:, j].mean())
        out[f"proqol_{s}_sd"] = float(raw[:, j].std(ddof=1))
        out[f"alpha_{s}"] = float(np.nanmean([cronbach_alpha(scored(r["survey"].items)[:, j]) for r in rounds]))
    out["r_bo_sts"] = float(np.nanmean([pearson(r["survey"].raw[:, 1], r["survey"].raw[:, 2]) for r in rounds]))
    out["r_cs_bo"] = float(np.nanmean([pearson(r["survey"].raw[:, 0], r["survey"].raw[:, 1]) for r in rounds]))
    out["team_icc_bo"] = float(np.nanmean([icc1(r["survey"].raw[:, 1], ws.team[r["survey"].slots]) for r in rounds]))
    se, cs, bo, growth = (LATENT_STATES.index(s) for s in ("se", "cs", "bo", "growth"))
    out["r_ei_se"] = float(np.nanmean([pearson(r["ei"][r["present"]], r["latent"][se, r["present"]])
                                       for r in rounds]))
    out["r_growth_cs"] = float(np.nanmean([pearson(r["latent"][growth, r["present"]], r["latent"][cs, r["present"]])
                                           for r in rounds]))
    # a year on: the same person (tenure grew by 52 weeks) or gone
    retest, top_left, top_n, rest_left, rest_n = [], 0, 0, 0, 0
    by_week = {r["week"]: r for r in rounds}
    for r in rounds:
        later = by_week.get(r["week"] + 52)
        if later is None:
            continue
        same = r["present"] & later["present"] & (later["wip"] == r["wip"] + 52)
        retest.append(pearson(r["latent"][bo, same], later["latent"][bo, same]))
        slots = r["survey"].slots
        stayed = same[slots]
        bo_raw = r["survey"].raw[:, 1]
        top = bo_raw >= np.quantile(bo_raw, 0.75)
        top_left += int((top & ~stayed).sum())
        top_n += int(top.sum())
        rest_left += int((~top & ~stayed).sum())
        rest_n += int((~top).sum())
    out["retest_bo_1y"] = float(np.nanmean(retest)) if retest else float("nan")
    out["or_leave_top_bo"] = odds_ratio(top_left, top_n, rest_left, rest_n) if top_n else float("nan")
    years = present_weeks / 52
    out["annual_turnover"] = departures / years
    fy_rate = fy_departures / (fy_weeks / 52) if fy_weeks else float("nan")
    out["first_year_exit_ratio"] = fy_rate / out["annual_turnover"] if departures else float("nan")
    out["sick_leave_share"] = leave_weeks / present_weeks
    n_years = task.weeks // 52
    yearly = [np.mean(weekly_bo[y * 52:(y + 1) * 52]) for y in range(n_years)]
    out["drift_bo_per_year"] = slope_per_year(np.array(yearly))
    micro = pd.concat([r["micro"] for r in rounds], ignore_index=True)
    micro.insert(0, "replicate", task.replicate)
    return out, micro


def _measure(task):
    if isinstance(task, ReplicateTask):
        return measure_replicate(task)
    return run_task(task).summary


#: every pattern the validation measures (the names the targets file may use)
PATTERNS = (*(f"proqol_{s}_{k}" for k in ("mean", "sd") for s in SUBSCALES), *(f"alpha_{s}" for s in SUBSCALES),
            "r_bo_sts", "r_cs_bo", "retest_bo_1y", "annual_turnover", "first_year_exit_ratio", "sick_leave_share",
            "team_icc_bo", "or_leave_top_bo", "r_ei_se", "r_growth_cs", "drift_bo_per_year", "effect_wellness",
            "effect_bundle", "max_single_programme_effect")


# ----------------------------------------------------------------------------------------------------------------
# the validation run
# ----------------------------------------------------------------------------------------------------------------


@dataclass
class Validation:
    """A finished validation: one row per target (``table``), per-replicate values, survey microdata."""

    table: pd.DataFrame
    replicates: pd.DataFrame
    microdata: pd.DataFrame
    effects: pd.DataFrame
    settings: dict


def _interval(values: np.ndarray) -> tuple[float, float, float]:
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(v.mean())
    if v.size < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))
    return mean, mean - half, mean + half


def verdict(mean: float, low: float, high: float, ci_low: float, ci_high: float) -> str:
    """``meets`` (mean within the published range), ``near`` (the interval reaches it) or ``misses``."""
    if not np.isfinite(mean):
        return "not measured"
    if low <= mean <= high:
        return "meets"
    if np.isfinite(ci_low) and ci_low <= high and ci_high >= low:
        return "near"
    return "misses"


def fingerprint(params: Parameters | None = None, targets: list[Target] | None = None, effects: bool = True) -> str:
    """SHA-256 of what a validation's result depends on besides the code: the parameters of the validated model
    and (with ``effects``) of every library scenario, without the service size, and the targets.

    docs/ODD.md section 9 is generated from a stored validation; a test compares its fingerprint with this one, so
    a change of a default, a scenario file or a target asks for the validation to be run again.
    """
    def flat(p: Parameters) -> dict:
        return {k: v for k, v in p.flat().items() if k != "service.n_posts"}

    # a target's `metric` only links it to a run summary for calibration: it changes no validation result
    doc: dict = {"model": flat(params or Parameters()),
                 "targets": [{k: v for k, v in t.__dict__.items() if k != "metric"}
                             for t in (targets if targets is not None else load_targets())]}
    if effects:
        from scenarios import library_names, load

        scenarios = {n: load(n) for n in library_names() if n != "baseline"}
        doc["scenarios"] = {n: [flat(sc.params), sc.target, sc.target_direction] for n, sc in scenarios.items()}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


#: columns of the effects table
EFFECT_COLUMNS = ("scenario", "title", "metric", "label", "unit", "baseline", "scenario_mean", "diff", "ci_low",
                  "ci_high", "effect_sd", "is_target", "target_direction", "moves_target")


def effects_table(runs: pd.DataFrame | None, declared: dict[str, tuple[str, str, str]],
                  metrics: list[str]) -> pd.DataFrame:
    """Paired differences of each library scenario against the baseline, with its declared target marked.

    Args:
        runs: one row per run (``scenario``, ``replicate`` and the metrics), or None for an empty table.
        declared: scenario name to (title, target, target direction) from its file.
        metrics: the run summaries to compare.

    Returns:
        one row per (scenario, metric): the columns of :func:`experiments.comparison.paired_differences`
        (``diff`` = scenario minus baseline, ``effect_sd`` in ProQOL norm SDs), the scenario's title,
        ``is_target``, its ``target_direction`` and ``moves_target``: True when the 95% interval of the paired
        difference excludes 0 on the declared side.
    """
    if runs is None or runs.empty:
        return pd.DataFrame(columns=list(EFFECT_COLUMNS))
    d = paired_differences(runs, metrics=metrics)
    d["title"] = [declared[s][0] for s in d["scenario"]]
    d["is_target"] = [declared[s][1] == m for s, m in zip(d["scenario"], d["metric"])]
    d["target_direction"] = [declared[s][2] if it else "" for s, it in zip(d["scenario"], d["is_target"])]
    moves = []
    for r in d.itertuples():
        if not r.is_target:
            moves.append(float("nan"))
        else:
            moves.append(bool(r.ci_high < 0) if r.target_direction == "lower" else bool(r.ci_low > 0))
    d["moves_target"] = moves
    # runs arrive in completion order: sort, so the table is the same on any executor
    d["_order"] = [metrics.index(m) for m in d["metric"]]
    d = d.sort_values(["scenario", "_order"], kind="stable")
    return d[list(EFFECT_COLUMNS)].reset_index(drop=True)


def validate(*, replicates: int = 10, clinicians: int = 300, weeks: int = 260,
             burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS, seed: int = 20261201, effects: bool = True,
             params: Parameters | None = None, targets: list[Target] | None = None, workers: int | None = None,
             scheduler: str | None = None, executor=None, ensemble: str | Path | None = None) -> Validation:
    """Run the validation: replicates of the defaults, and paired runs of the library's programmes if ``effects``.

    Args:
        replicates: replicates of every run (paired: replicate ``r`` has the same seed in every scenario).
        clinicians: posts of the service.
        weeks: recorded weeks (at least 104: the one-year patterns need a year after a survey).
        burn_in_weeks: unrecorded weeks before week 0.
        seed: root seed of the replicate seeds.
        effects: also run the library scenarios for the programme-effect patterns.
        params: parameters of the validated model (default: the defaults); the service size is set from
            ``clinicians``.
        targets: the targets (default: :func:`load_targets`).
        workers, scheduler, executor: where to run (see :mod:`experiments.executors`).
        ensemble: a calibrated ensemble (``ensemble.parquet``): replicate ``r`` runs one weighted draw of its
            parameter sets, in the defaults and in every scenario (a scenario's own settings win), so the
            intervals include parameter uncertainty (:mod:`experiments.ensemble`).
    """
    if replicates < 2:
        raise ExperimentError(f"--replicates is {replicates}; the intervals need at least 2")
    if weeks < 104:
        raise ExperimentError(f"--weeks is {weeks}; the one-year patterns need at least 104")
    targets = targets if targets is not None else load_targets()
    base = (params or Parameters()).with_overrides({"service.n_posts": clinicians}, context="validation")
    seeds = replicate_seeds(seed, replicates)
    drawn: list[dict] = [{} for _ in range(replicates)]
    ens_settings = None
    if ensemble is not None:
        from . import ensemble as ens

        drawn, ens_settings = ens.replicate_draws(ensemble, replicates, seed)
    tasks: list = [ReplicateTask(r, seeds[r], base.with_overrides(drawn[r], context=f"--ensemble {ensemble}"),
                                 weeks, burn_in_weeks) for r in range(replicates)]
    scenarios: dict[str, Parameters] = {}
    declared: dict[str, tuple[str, str, str]] = {}  # name -> (title, target, direction)
    own: dict[str, set[str]] = {}  # name -> the parameters the scenario sets itself
    if effects:
        from scenarios import library_names, load

        for name in library_names():
            if name == "baseline":
                continue
            sc = load(name)
            scenarios[name] = sc.params.with_overrides({"service.n_posts": clinicians}, context=name)
            declared[name] = (sc.title, sc.target, sc.target_direction)
            own[name] = set(sc.overrides)
        tasks += [Task(name, r, seeds[r], p.with_overrides({k: v for k, v in drawn[r].items()
                                                            if k not in own.get(name, ())}), weeks, burn_in_weeks)
                  for r in range(replicates) for name, p in [("baseline", base), *scenarios.items()]]
    metrics = list(dict.fromkeys([*EFFECT_METRICS, *(d[1] for d in declared.values() if d[1])]))
    rows, micro, summaries = [], [], []
    with executor_for(executor, workers=workers, scheduler=scheduler, size=clinician_weeks(tasks)) as ex:
        for task, result in stream(ex, _measure, tasks):
            if isinstance(task, ReplicateTask):
                values, md = result
                rows.append({"replicate": task.replicate, **values})
                micro.append(md)
            else:
                summaries.append({"scenario": task.scenario, "replicate": task.replicate,
                                  **{m: result[m] for m in metrics}})
    reps = pd.DataFrame(rows).sort_values("replicate").reset_index(drop=True)
    runs = pd.DataFrame(summaries) if effects else None
    eff = effects_table(runs, declared, metrics)
    if effects:
        s = runs.pivot(index="replicate", columns="scenario", values=_EFFECT_METRIC)
        sd = norm_sd(_EFFECT_METRIC)
        per_rep = {name: (s["baseline"] - s[name]) / sd for name in scenarios}
        for pattern, name in _EFFECT_SCENARIOS.items():
            reps[pattern] = per_rep[name].values
        singles = [n for n in scenarios if n not in _NOT_SINGLE]
        reps["max_single_programme_effect"] = pd.DataFrame({n: per_rep[n] for n in singles}).abs().max(axis=1).values
    table = []
    for t in targets:
        mean, lo, hi = _interval(reps[t.name].values) if t.name in reps else (float("nan"),) * 3
        table.append({"pattern": t.name, "title": t.title, "level": t.level, "unit": t.unit, "simulated": mean,
                      "ci_low": lo, "ci_high": hi, "published_low": t.low, "published_high": t.high,
                      "verdict": verdict(mean, t.low, t.high, lo, hi), "source": t.source})
    settings = {"replicates": replicates, "clinicians": clinicians, "weeks": weeks,
                "burn_in_weeks": burn_in_weeks, "seed": seed, "effects": effects,
                "fingerprint": fingerprint(params, targets, effects)}
    if ens_settings is not None:
        settings["ensemble"] = ens_settings
    return Validation(pd.DataFrame(table), reps, pd.concat(micro, ignore_index=True), eff, settings)


def effects_wide(effects: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """One row per scenario: its target's change and verdict, then the common outcomes (for reports and the ODD).

    Args:
        effects: the table of :func:`effects_table`.
        weeks: recorded weeks of the runs (costs are turned into costs per year).

    Returns:
        columns ``scenario``, ``title``, ``target``, ``target_direction``, ``target_diff``, ``target_ci_low``,
        ``target_ci_high``, ``moves_target``, then ``bo_sd``, ``sts_sd``, ``cs_sd`` (paired differences in
        ProQOL norm SDs), ``turnover`` (annual rate), ``waitlist`` (clients), ``programme_cost_year``,
        ``total_cost_year``.
    """
    years = weeks / 52.0
    rows = []
    for name, g in effects.groupby("scenario", sort=False):
        by = g.set_index("metric")
        tgt = g[g["is_target"].astype(bool)]
        row = {"scenario": name, "title": g["title"].iloc[0]}
        if len(tgt):
            r = tgt.iloc[0]
            row.update(target=r["metric"], target_direction=r["target_direction"], target_diff=r["diff"],
                       target_ci_low=r["ci_low"], target_ci_high=r["ci_high"], moves_target=bool(r["moves_target"]))
        else:
            row.update(target="", target_direction="", target_diff=float("nan"), target_ci_low=float("nan"),
                       target_ci_high=float("nan"), moves_target=False)
        row.update(bo_sd=by.loc["proqol_bo_raw_mean", "effect_sd"], sts_sd=by.loc["proqol_sts_raw_mean", "effect_sd"],
                   cs_sd=by.loc["proqol_cs_raw_mean", "effect_sd"], turnover=by.loc["annual_turnover", "diff"],
                   waitlist=by.loc["n_waitlist_mean", "diff"],
                   programme_cost_year=by.loc["cum_programme_cost", "diff"] / years,
                   total_cost_year=by.loc["cum_total_cost", "diff"] / years)
        rows.append(row)
    return pd.DataFrame(rows)


def _num(x: float, digits: int = 2) -> str:
    if not np.isfinite(x):
        return "–"
    return f"{x:+,.{digits}f}".replace("-", "−")


def patterns_markdown(table: pd.DataFrame) -> str:
    """The validation's patterns as a Markdown table (docs/ODD.md section 9)."""
    lines = ["| pattern | measured on | simulated [95% interval] | published | verdict |", "|---|---|---|---|---|"]
    for r in table.itertuples():
        lines.append(f"| {r.title} (`{r.pattern}`) | {r.level} | {_fmt(r.simulated)} [{_fmt(r.ci_low)}, "
                     f"{_fmt(r.ci_high)}] | {_fmt(r.published_low)} to {_fmt(r.published_high)} {r.unit} | {r.verdict} |")
    return "\n".join(lines) + "\n"


def effects_markdown(effects: pd.DataFrame, weeks: int) -> str:
    """Each library scenario against the baseline as a Markdown table (docs/ODD.md section 9)."""
    lines = ["| scenario | target | target change [95% interval] | moves it | BO (SD) | STS (SD) | CS (SD) | "
             "annual turnover | waiting clients | programme cost / year | total cost / year |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in effects_wide(effects, weeks).itertuples():
        digits = 0 if abs(r.target_diff) >= 10 else 3
        lines.append(
            f"| `{r.scenario}` | `{r.target}` {r.target_direction} | {_num(r.target_diff, digits)} "
            f"[{_num(r.target_ci_low, digits)}, {_num(r.target_ci_high, digits)}] | "
            f"{'yes' if r.moves_target else 'no'} | {_num(r.bo_sd)} | {_num(r.sts_sd)} | {_num(r.cs_sd)} | "
            f"{_num(r.turnover, 3)} | {_num(r.waitlist, 0)} | {_num(r.programme_cost_year, 0)} | "
            f"{_num(r.total_cost_year, 0)} |")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------------------------------------------

_STYLE = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;"
          "width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;font-size:14px}"
          ".meets{color:#1a7f37;font-weight:bold}.near{color:#9a6700;font-weight:bold}"
          ".misses{color:#cf222e;font-weight:bold}")


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "–"
    return f"{x:.3f}" if abs(x) < 10 else f"{x:.1f}"


def write_validation(v: Validation, out: Path) -> Path:
    """Write ``report.html``, ``patterns.csv``, ``replicates.csv``, ``effects.csv``, ``survey_microdata.parquet``
    and ``settings.json`` into ``out``; each file is written whole or not at all.
    """
    out = prepare_folder(out)
    counts = v.table["verdict"].value_counts()
    head = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("meets", "near", "misses"))
    rows = "".join(
        f"<tr><td>{html.escape(r.title)}</td><td>{html.escape(r.level)}</td>"
        f"<td>{_fmt(r.simulated)} [{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]</td>"
        f"<td>{_fmt(r.published_low)}–{_fmt(r.published_high)} {html.escape(r.unit)}</td>"
        f"<td class='{r.verdict.split()[0]}'>{r.verdict}</td><td>{html.escape(r.source)}</td></tr>"
        for r in v.table.itertuples())
    wide = effects_wide(v.effects, v.settings["weeks"]) if len(v.effects) else pd.DataFrame()
    eff_rows = "".join(
        f"<tr><td>{html.escape(r.title)} (<code>{html.escape(r.scenario)}</code>)</td>"
        f"<td><code>{html.escape(r.target)}</code> {r.target_direction}</td>"
        f"<td>{_num(r.target_diff, 3)} [{_num(r.target_ci_low, 3)}, {_num(r.target_ci_high, 3)}]</td>"
        f"<td class='{'meets' if r.moves_target else 'misses'}'>{'yes' if r.moves_target else 'no'}</td>"
        f"<td>{_num(r.bo_sd)}</td><td>{_num(r.sts_sd)}</td><td>{_num(r.cs_sd)}</td><td>{_num(r.turnover, 3)}</td>"
        f"<td>{_num(r.waitlist, 0)}</td><td>{_num(r.total_cost_year, 0)}</td></tr>"
        for r in wide.itertuples())
    s = v.settings
    doc = (f"<!doctype html><html><head><meta charset='utf-8'><title>Validation report</title><style>{_STYLE}"
           f"</style></head><body><h1>Validation against published patterns</h1>"
           f"<p>The default model, {s['replicates']} replicates of a {s['clinicians']}-post service over "
           f"{s['weeks']} recorded weeks after a {s['burn_in_weeks']}-week burn-in (root seed {s['seed']}). "
           f"Simulated values are means over replicates with 95% intervals; a pattern <em>meets</em> its target "
           f"when the mean lies in the published range, is <em>near</em> when the interval reaches it.</p>"
           f"<p><strong>{head}</strong> of {len(v.table)} patterns.</p>"
           f"<table><tr><th>pattern</th><th>measured on</th><th>simulated [95% interval]</th><th>published</th>"
           f"<th>verdict</th><th>source</th></tr>{rows}</table>")
    if len(v.effects):
        doc += ("<h2>Each library scenario against the baseline</h2><p>Paired replicates (the same seeds). The "
                "target is the run summary the scenario file declares; it <em>moves</em> when the 95% interval "
                "of the paired difference excludes 0 on the declared side. ProQOL columns are differences of "
                "the mean raw scores in norm SDs (BO 5.4, STS 5.7, CS 6.5; negative is better for BO and STS); "
                "costs are per year.</p><table><tr><th>scenario</th><th>target</th><th>target change [95% "
                "interval]</th><th>moves it</th><th>BO (SD)</th><th>STS (SD)</th><th>CS (SD)</th><th>annual "
                f"turnover</th><th>waiting clients</th><th>total cost / year</th></tr>{eff_rows}</table>")
    doc += ("<p>Files: <code>patterns.csv</code> (this table), <code>replicates.csv</code> (every pattern per "
            "replicate), <code>effects.csv</code>, <code>survey_microdata.parquet</code> (one row per respondent "
            "and survey: the 30 answers, raw and T scores).</p></body></html>")
    atomic_write(out / "patterns.csv", lambda p: v.table.to_csv(p, index=False))
    atomic_write(out / "replicates.csv", lambda p: v.replicates.to_csv(p, index=False))
    atomic_write(out / "effects.csv", lambda p: v.effects.to_csv(p, index=False))
    atomic_write(out / "survey_microdata.parquet", lambda p: v.microdata.to_parquet(p, index=False))
    atomic_write(out / "settings.json", lambda p: p.write_text(json.dumps(s, indent=2)))
    atomic_write(out / "report.html", lambda p: p.write_text(doc, encoding="utf-8"))
    return out / "report.html"

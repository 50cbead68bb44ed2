"""Exploratory modelling: policies x contexts x sampled futures, robustness across them, and scenario discovery.

The anchors are EMA Workbench (levers against uncertainties, PRIM) and robust decision making (McPhail et al.
2018, Earth's Future 6:169: the robustness metrics below). An exploration file (``experiments/explore/*.toml``)::

    title = "Which policy holds up when trauma load and hiring go wrong?"
    policies = ["baseline", "reflective-supervision", "organisational-bundle"]
    contexts = ["baseline", "understaffed"]
    uncertainties = ["clients.prop_trauma_high", "burnout.rate_gain"]   # names, groups or "uncertainties"
    # ensemble = "ensemble.parquet"   # instead: futures drawn from a calibrated ensemble's rows, by weight
    sampler = "lhs"                    # or "sobol" (scrambled; samples a power of two)
    samples = 64
    replicates = 2
    weeks = 156
    clinicians = 200
    warm_start = true                  # false: start cold, skipping the pilot (faster; the burn-in settles it)
    outputs = ["prop_high_bo_mean", "annual_turnover", "n_waitlist_mean"]

    [ranges]                           # optional: narrower ranges than the declared plausible ones
    "burnout.rate_gain" = [0.02, 0.03]

    [robustness.satisficing]           # optional: the value each output must reach in a future
    prop_high_bo_mean = 0.25

    [discover]
    condition = "annual_turnover > quantile(0.75)"   # or "effect(prop_high_bo_mean) > -0.01"

A *future* is one sampled set of uncertainty values in one context. Every policy (the reference included) runs in
every future ``replicates`` times; replicate r has the same seed in every future and policy (common random
numbers), so policies are compared future by future on the same draws. Runs go through the usual executors and are
stored chunk by chunk (resumable, like a sensitivity analysis).
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from model import DEFAULT_BURN_IN_WEEKS, ParameterError, Parameters, simulate
from model.outcomes import SUMMARIES, outcome_of
from model.service import Service
from scenarios import ScenarioError

from .errors import ExperimentError
from .executors import executor_for
from .results import ExploreStore, release_lock
from .sensitivity import SensitivityError, evaluate, problem_from_parameters

LIBRARY = Path(__file__).resolve().parent / "explore"
SAMPLERS = ("lhs", "sobol")
#: robustness measures, in the order of robustness.csv
MEASURES = ("mean", "worst_decile", "worst", "mean_regret", "max_regret", "share_better_than_reference",
            "satisficing")
MEASURE_WORDS = {"mean": "mean (Laplace)", "worst_decile": "10% worst futures", "worst": "worst case",
                 "mean_regret": "mean regret", "max_regret": "minimax regret",
                 "share_better_than_reference": "share of futures better than the reference",
                 "satisficing": "share of futures meeting the threshold"}
#: measures where a higher value is better (the others are on the output's own scale or are regrets)
HIGHER_IS_BETTER = ("share_better_than_reference", "satisficing")


class ExploreError(ExperimentError):
    """Bad exploration input; the message names the file, the key, the value and what is allowed."""


class Discover(BaseModel):
    """Scenario discovery: where in the futures does a condition hold (PRIM)."""

    model_config = ConfigDict(extra="forbid")
    condition: str = Field(description="OUTPUT op VALUE or effect(OUTPUT) op VALUE; VALUE a number or quantile(Q)")
    policies: list[str] = Field(default_factory=list, description="policies to discover for (default: all; with "
                                                                  "effect(), all but the reference)")
    threshold: float = Field(0.8, gt=0.0, le=1.0, description="PRIM's density threshold")
    peel_alpha: float = Field(0.05, gt=0.0, lt=0.5)
    max_boxes: int = Field(2, ge=1, le=5)


class Robustness(BaseModel):
    """Options of the robustness measures."""

    model_config = ConfigDict(extra="forbid")
    satisficing: dict[str, float] = Field(default_factory=dict, description="threshold per output")


class ExploreFile(BaseModel):
    """An exploration."""

    model_config = ConfigDict(extra="forbid")
    title: str = ""
    policies: list[str] = Field(min_length=1)
    contexts: list[str] = Field(default_factory=lambda: ["baseline"], min_length=1)
    reference: str = "baseline"
    uncertainties: list[str] = Field(default_factory=list)
    ensemble: str | None = None
    ranges: dict[str, tuple[float, float]] = Field(default_factory=dict)
    sampler: Literal["lhs", "sobol"] = "lhs"
    samples: int = Field(ge=1, le=100_000)
    replicates: int = Field(1, ge=1, le=1000)
    seed: int = Field(0, ge=0)
    weeks: int = Field(156, ge=1, le=5200)
    burn_in_weeks: int = Field(DEFAULT_BURN_IN_WEEKS, ge=0, le=5200)
    clinicians: int = Field(200, ge=1, le=1_000_000)
    warm_start: bool = Field(True, description="draw the staff from a settled pilot run of each future's "
                                               "parameters (false: start cold, skipping the pilot)")
    outputs: list[str] = Field(min_length=1)
    robustness: Robustness = Field(default_factory=Robustness)
    discover: Discover | None = None


# --------------------------------------------------------------------------------------------------------------
# the file
# --------------------------------------------------------------------------------------------------------------


def library_names() -> list[str]:
    """Ready exploration files in ``experiments/explore``."""
    return sorted(p.stem for p in LIBRARY.glob("*.toml"))


def load(path_or_name: str | Path) -> tuple[Path, ExploreFile]:
    """Read and validate an exploration file (a path, or a ready one's name); checks that need the model's
    declarations (outputs, uncertainties, the condition) are made here too.

    Raises:
        ExploreError: one line naming the file, the key, the value and what is allowed.
    """
    from .sensitivity_file import read_validated, ready_file

    path = ready_file(path_or_name, LIBRARY, "exploration", ExploreError)
    spec = read_validated(path, ExploreFile, ExploreError, {"discover": Discover, "robustness": Robustness})
    for output in spec.outputs:
        _check_output(path, "outputs", output)
    for output, value in spec.robustness.satisficing.items():
        _check_output(path, "robustness.satisficing", output)
        if output not in spec.outputs:
            raise ExploreError(f"{path}: robustness.satisficing.{output} = {value!r}: not among the outputs "
                               f"({', '.join(spec.outputs)})")
    if (spec.ensemble is None) == (not spec.uncertainties):
        raise ExploreError(f"{path}: give either uncertainties (names, groups or \"uncertainties\") or ensemble "
                           "(a calibrated ensemble.parquet), not both and not neither")
    if spec.sampler == "sobol" and spec.samples & (spec.samples - 1):
        raise ExploreError(f"{path}: samples = {spec.samples}: a Sobol sample needs a power of two (e.g. "
                           f"{2 ** int(np.log2(spec.samples))})")
    if spec.discover is not None:
        try:
            parse_condition(spec.discover.condition, spec.outputs)
        except ValueError as exc:
            raise ExploreError(f"{path}: discover.condition = {spec.discover.condition!r}: {exc}") from None
    return path, spec


def _check_output(path: Path, key: str, name: str) -> None:
    if name not in SUMMARIES:
        close = difflib.get_close_matches(name, list(SUMMARIES), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ExploreError(f"{path}: {key} = {name!r} is not a run summary{hint} (allowed: the run summaries of "
                           "docs/ODD.md section 10.1)")
    if SUMMARIES[name].direction == "info":
        raise ExploreError(f"{path}: {key} = {name!r} has no better direction, so no robustness can be measured "
                           "on it (allowed: a summary where lower or higher is better)")


def factors_of(path: Path, spec: ExploreFile) -> dict[str, Any]:
    """The sampled uncertainties as a SALib-style problem (names, bounds from the declared ranges, int_names).

    Raises:
        ExploreError: an unknown name or group, or a lever among them (a policy's business).
    """
    names = [u for u in spec.uncertainties if "." in u]
    groups = [u for u in spec.uncertainties if "." not in u and u not in ("uncertainties", "uncertainty")]
    tags = ["uncertainties"] if set(spec.uncertainties) & {"uncertainties", "uncertainty"} else []
    try:
        problem = problem_from_parameters(names, groups, tags, spec.ranges)
    except SensitivityError as exc:
        raise ExploreError(f"{path}: uncertainties: {exc}") from None
    if groups:  # a group's levers are left out: only what the organisation does not control is sampled
        keep = [i for i, n in enumerate(problem["names"]) if Parameters.spec(n).tag == "uncertainty"]
        problem = {**problem, "names": [problem["names"][i] for i in keep],
                   "bounds": [problem["bounds"][i] for i in keep], "num_vars": len(keep),
                   "int_names": [n for n in problem["int_names"] if Parameters.spec(n).tag == "uncertainty"]}
    levers = [n for n in problem["names"] if Parameters.spec(n).tag == "lever"]
    if levers:
        raise ExploreError(f"{path}: uncertainties = {levers[0]!r} is a lever (the organisation decides it): set it "
                           "in a policy file and name the policy in policies (allowed: parameters tagged "
                           "uncertainty, see `resilience parameters --tag uncertainty`)")
    if not problem["names"]:
        raise ExploreError(f"{path}: uncertainties = {spec.uncertainties!r} select no uncertain parameter")
    return problem


# --------------------------------------------------------------------------------------------------------------
# futures and runs
# --------------------------------------------------------------------------------------------------------------


def sample_futures(problem: Mapping[str, Any], sampler: str, n: int, seed: int) -> pd.DataFrame:
    """``n`` points over the factors' bounds: a Latin hypercube (McKay, Beckman & Conover 1979) or a scrambled
    Sobol' sequence (Owen 1998), both from scipy.stats.qmc, seeded by ``seed``; whole-number factors rounded."""
    from scipy.stats import qmc

    d = len(problem["names"])
    if sampler not in SAMPLERS:
        raise ExploreError(f"sampler = {sampler!r} is not allowed (allowed: {', '.join(SAMPLERS)})")
    engine = qmc.LatinHypercube(d=d, seed=seed) if sampler == "lhs" else qmc.Sobol(d=d, scramble=True, seed=seed)
    u = engine.random(n)
    lo, hi = np.array(problem["bounds"], float).T
    x = pd.DataFrame(qmc.scale(u, lo, hi) if d else u, columns=problem["names"])
    for name in problem.get("int_names", []):
        x[name] = x[name].round()
    return x


@dataclass(frozen=True)
class ArmFunction:
    """One run of an arm (a policy in a context) in a future, as ``f(inputs) -> outputs`` (picklable).

    ``inputs`` holds ``"arm"`` (an index into ``arms``), the future's values of ``factors`` and ``"seed"``.
    """

    arms: tuple[Parameters, ...]
    services: tuple[Service | None, ...]
    factors: tuple[str, ...]
    int_names: tuple[str, ...]
    outputs: tuple[str, ...]
    weeks: int
    burn_in_weeks: int
    warm_start: bool = True

    def __call__(self, inputs: Mapping[str, Any]) -> dict[str, float]:
        a = int(inputs["arm"])
        values = {k: (int(round(inputs[k])) if k in self.int_names else float(inputs[k])) for k in self.factors}
        params = self.arms[a].with_overrides(values)
        record = {n for key in self.outputs for n in outcome_of(key)}
        r = simulate(params, seed=int(inputs["seed"]), weeks=self.weeks, burn_in_weeks=self.burn_in_weeks,
                     record=record, service=self.services[a], warm_start=self.warm_start)
        return {k: float(r.summary[k]) for k in self.outputs}


@dataclass
class ExploreResult:
    """A finished exploration.

    Attributes:
        experiments: one row per (policy, context, sample, replicate): the uncertainty values and the outputs.
        robustness: tidy robustness measures (:func:`robustness`).
        stability: the sentence saying whether the ranking is stable across the measures.
        boxes: PRIM boxes (:func:`discover`), empty without ``[discover]``.
        sentences: one sentence per box (or why there is none).
        folder: the results folder.
        ran: evaluations run by this call.
        seconds: wall time of the runs made by this call.
    """

    experiments: pd.DataFrame
    robustness: pd.DataFrame
    stability: str
    boxes: pd.DataFrame
    sentences: list[str]
    folder: Path
    ran: int
    seconds: float


def run_file(path_or_name: str | Path, *, out: str | Path, workers: int | None = None,
             scheduler: str | None = None, executor=None, progress: bool | None = None,
             chunk_size: int = 4) -> ExploreResult:
    """Run (or resume) the exploration a file describes into ``out`` and write its tables, plots and report.

    Raises:
        ExploreError: bad input (one line). StoreMismatchError: ``out`` holds another experiment.
    """
    from .experiment import resolve_arms

    path, spec = load(path_or_name)
    try:
        for name in spec.policies:
            if _scenario(name).kind == "context":
                raise ExploreError(f"{path}: policies = {name!r} is a context (it sets only what the organisation does "
                                   "not control); name it in contexts")
        layout, arms = resolve_arms(spec.policies, None, spec.reference, spec.contexts)
    except (ScenarioError, ExperimentError) as exc:
        raise ExploreError(f"{path}: {exc}") from None
    fixed = sorted({a.context.name for a in arms.values() if a.context.fixed_posts})
    if fixed and "clinicians" in spec.model_fields_set:
        raise ExploreError(f"{path}: clinicians = {spec.clinicians}: the context '{fixed[0]}' has "
                           f"{_scenario_fixed(arms, fixed[0])}; leave clinicians out")
    arms = {n: (a if a.context.fixed_posts else
                dataclasses.replace(a, params=a.params.with_overrides({"service.n_posts": spec.clinicians})))
            for n, a in arms.items()}
    if spec.discover is not None:
        check_discover(path, spec.discover, spec.outputs, layout)
    if spec.ensemble is not None:
        from . import ensemble as ens

        ensemble_path = (path.parent / spec.ensemble) if not Path(spec.ensemble).is_absolute() else Path(spec.ensemble)
        try:
            drawn, _ = ens.replicate_draws(ensemble_path, spec.samples, spec.seed)
        except ExperimentError as exc:
            raise ExploreError(f"{path}: ensemble = {spec.ensemble!r}: {exc}") from None
        futures = pd.DataFrame(drawn)
        problem = {"names": list(futures.columns),
                   "int_names": [n for n in futures.columns if Parameters.spec(n).type is int]}
    else:
        problem = factors_of(path, spec)
        futures = sample_futures(problem, spec.sampler, spec.samples, spec.seed)
    for arm in arms.values():  # a context's (or its service's) setting would silently be overwritten by the samples
        clash = sorted(set(problem["names"]) & set(arm.context.overrides))
        if clash:
            raise ExploreError(f"{path}: uncertainties: {clash[0]} is set by the context '{arm.context.name}' "
                               f"({arm.context.overrides[clash[0]]!r}); sample it or let the context set it, "
                               "not both")
    for i, row in enumerate(futures.to_dict("records")):
        try:
            Parameters().with_overrides(row)
        except ParameterError as exc:
            raise ExploreError(f"{path}: future {i}: {exc}") from None
    names = list(arms)
    design = pd.DataFrame([{**futures.iloc[s].to_dict(), "sample": s, "arm": a}
                           for s in range(len(futures)) for a in range(len(names))])
    design["point"] = np.arange(len(design))
    factors = tuple(problem["names"])
    f = ArmFunction(tuple(a.params for a in arms.values()),
                    tuple(None if a.context.service.empty else a.context.service for a in arms.values()),
                    factors, tuple(problem["int_names"]), tuple(spec.outputs), spec.weeks, spec.burn_in_weeks,
                    spec.warm_start)
    store = ExploreStore(Path(out))
    # the analysis (robustness thresholds, discovery) is not part of the identity: changing it reuses the runs
    key = {"function": "experiments.explore.ArmFunction",
           "file": spec.model_dump(exclude={"title", "robustness", "discover"}), "layout": layout.to_json(),
           "factors": list(factors),
           "futures": futures.to_dict("list"), "arms": {n: a.params.model_dump() for n, a in arms.items()}}
    store.open(key, {"file": str(path)})
    try:
        done = store.done()
        store.write_design(design)
        show = sys.stderr.isatty() if progress is None else progress
        X = design[["arm", *factors]].to_numpy(float)
        t0 = time.perf_counter()
        n_before = 0 if done is None else len(done)
        with executor_for(executor, workers=workers, scheduler=scheduler) as ex:
            evals = evaluate(f, {"names": ["arm", *factors]}, X, replicates=spec.replicates, seed=spec.seed,
                             executor=ex, chunk_size=chunk_size, done=done, on_chunk=store.add_chunk,
                             progress=show)
        seconds = time.perf_counter() - t0
        table = experiments_table(design, evals, names, layout, factors, spec.outputs)
        rob = robustness(table, layout, spec.outputs, spec.robustness.satisficing)
        stability = ranking_stability(rob, spec.outputs[0])
        boxes, sentences, trajectories = pd.DataFrame(), [], {}
        if spec.discover is not None:
            boxes, sentences, trajectories = discover(table, layout, factors, spec.discover, spec.outputs,
                                                      {a.policy.name: a.policy.title for a in arms.values()})
        result = ExploreResult(table, rob, stability, boxes, sentences, store.folder, len(evals) - n_before,
                               seconds)
        from .explore_report import write_report

        store.finish({"experiments.parquet": table, "robustness.csv": rob,
                      **({"prim.csv": boxes} if spec.discover is not None else {})})
        write_report(result, spec, path, layout, {a.name: a.title for a in arms.values()}, trajectories)
    finally:
        release_lock(store.folder)
    return result


def _scenario_fixed(arms, context: str) -> str:
    return next(a.context.fixed_posts for a in arms.values() if a.context.name == context)


def check_discover(path: Path | None, spec: Discover, outputs: Sequence[str], layout) -> None:
    """Refuse, before anything runs, discovery for a policy that is not compared or for the reference with
    ``effect()`` (always 0); messages start with ``path`` when given."""
    cond = parse_condition(spec.condition, outputs)
    where = f"{path}: " if path is not None else ""
    known = set(layout.policies) | {layout.reference}
    for policy in spec.policies:
        if policy not in known:
            raise ExploreError(f"{where}discover.policies = {policy!r} is not among the policies "
                               f"({', '.join(sorted(known))})")
        if cond.effect and policy == layout.reference:
            raise ExploreError(f"{where}discover.policies = {policy!r} is the reference; effect() of the reference "
                               "against itself is always 0")


def _scenario(name: str):
    from scenarios import load as load_scenario

    return load_scenario(name)


def experiments_table(design: pd.DataFrame, evals: pd.DataFrame, arms: Sequence[str], layout,
                      factors: Sequence[str], outputs: Sequence[str]) -> pd.DataFrame:
    """One row per (policy, context, sample, replicate): the arm, the seed, the uncertainty values, the outputs."""
    d = design.set_index("point")
    t = evals.join(d[["arm", "sample", *factors]], on="point")
    t["arm"] = [arms[int(a)] for a in t["arm"]]
    t.insert(0, "policy", [layout.arms[a][0] for a in t["arm"]])
    t.insert(1, "context", [layout.arms[a][1] for a in t["arm"]])
    cols = ["policy", "context", "arm", "sample", "replicate", "seed", *factors, *outputs]
    return t[cols].sort_values(["sample", "context", "policy", "replicate"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------------------------
# robustness
# --------------------------------------------------------------------------------------------------------------


def future_means(table: pd.DataFrame, output: str) -> pd.DataFrame:
    """Replicate means of ``output``: one row per future (context, sample), one column per policy."""
    return table.groupby(["context", "sample", "policy"], sort=False)[output].mean().unstack("policy")


def robustness(table: pd.DataFrame, layout, outputs: Sequence[str],
               thresholds: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Robustness of every policy on every output across the futures (McPhail et al. 2018).

    Per future the replicate mean is used. For an output where lower is better (higher: mirrored):
    ``mean`` (Laplace's principle of insufficient reason), ``worst_decile`` (the 90th percentile: the value in
    the 10% worst futures), ``worst`` (the maximum: Wald's maximin), ``mean_regret`` and ``max_regret``
    (Savage's minimax regret: the regret in a future is the distance to the best policy in that future),
    ``share_better_than_reference`` (futures in which the policy beats the reference policy; NaN for the
    reference) and ``satisficing`` (Starr's domain criterion: the share of futures meeting the output's
    threshold, when one is given).

    Returns:
        tidy table: ``policy``, ``outcome``, ``measure``, ``value``.
    """
    thresholds = thresholds or {}
    rows = []
    for output in outputs:
        lower = SUMMARIES[output].direction == "lower"
        v = future_means(table, output)
        best = v.min(axis=1) if lower else v.max(axis=1)
        regret = (v.sub(best, axis=0)).abs()
        ref = v[layout.reference] if layout.reference in v else None
        for policy in v.columns:
            x = v[policy]
            m = {"mean": x.mean(), "worst_decile": x.quantile(0.9 if lower else 0.1),
                 "worst": x.max() if lower else x.min(), "mean_regret": regret[policy].mean(),
                 "max_regret": regret[policy].max(),
                 "share_better_than_reference": (float(((x < ref) if lower else (x > ref)).mean())
                                                 if ref is not None and policy != layout.reference else np.nan)}
            if output in thresholds:
                t = thresholds[output]
                m["satisficing"] = float(((x <= t) if lower else (x >= t)).mean())
            rows += [{"policy": policy, "outcome": output, "measure": k, "value": float(val)} for k, val in m.items()]
    return pd.DataFrame(rows, columns=["policy", "outcome", "measure", "value"])


def rank_by_measure(rob: pd.DataFrame, output: str) -> dict[str, pd.Series]:
    """Each policy's rank (1 = best; ties share the best rank) under each robustness measure of ``output``
    (``share_better_than_reference`` leaves the reference out, so it ranks no full set and is not used)."""
    lower = SUMMARIES[output].direction == "lower"
    out = {}
    for measure, d in rob[rob["outcome"] == output].groupby("measure", sort=False):
        d = d.dropna(subset=["value"])
        if measure == "share_better_than_reference" or d.empty:
            continue
        if measure in HIGHER_IS_BETTER:
            ascending = False
        elif measure in ("mean_regret", "max_regret"):
            ascending = True
        else:  # on the output's own scale
            ascending = lower
        values = d.set_index("policy")["value"].round(12)  # equal up to rounding is a tie
        out[measure] = values.rank(method="min", ascending=ascending).astype(int).sort_values(kind="stable")
    return out


def _order_words(ranks: pd.Series) -> str:
    groups = ranks.groupby(ranks, sort=True).groups
    return ", ".join(" = ".join(groups[r]) for r in sorted(groups))


def ranking_stability(rob: pd.DataFrame, output: str) -> str:
    """Whether the policies' order on ``output`` is the same under every robustness measure, in words (tied
    policies are written ``a = b``; a tie under one measure is a difference from a strict order under another)."""
    ranks = rank_by_measure(rob, output)
    label = SUMMARIES[output].label
    distinct = {tuple(sorted(r.items())) for r in ranks.values()}
    if len(distinct) <= 1:
        order = _order_words(next(iter(ranks.values()))) if ranks else ""
        return f"The ranking on {label} is stable: every robustness measure puts the policies in the order {order}."
    parts = "; ".join(f"{MEASURE_WORDS[m]}: {_order_words(r)}" for m, r in ranks.items())
    return f"The ranking on {label} depends on the robustness measure ({parts})."


# --------------------------------------------------------------------------------------------------------------
# scenario discovery
# --------------------------------------------------------------------------------------------------------------

_CONDITION = re.compile(r"^\s*(?:(effect)\(\s*([A-Za-z0-9_\[\]]+)\s*\)|([A-Za-z0-9_\[\]]+))\s*(<=|>=|<|>)\s*"
                        r"(?:quantile\(\s*([0-9.eE+-]+)\s*\)|([0-9.eE+-]+))\s*$")


@dataclass(frozen=True)
class Condition:
    """A parsed discovery condition: ``metric op value`` or ``effect(metric) op value``."""

    effect: bool
    metric: str
    op: str
    value: float
    quantile: bool

    def describe(self) -> str:
        s = SUMMARIES[self.metric]
        what = f"the effect on {s.label.lower()} (against the reference)" if self.effect else s.label.lower()
        words = {">": "is above", ">=": "is at least", "<": "is below", "<=": "is at most"}[self.op]
        value = f"its {self.value:.0%} quantile" if self.quantile else f"{self.value:g}"
        return f"{what} {words} {value}"


def parse_condition(text: str, outputs: Sequence[str]) -> Condition:
    """Parse a discovery condition.

    Raises:
        ValueError: it does not parse, names an output not among ``outputs``, or a quantile outside 0-1.
    """
    m = _CONDITION.match(text)
    if not m:
        raise ValueError("does not parse (allowed: OUTPUT op VALUE or effect(OUTPUT) op VALUE, op one of < <= > >=, "
                         "VALUE a number or quantile(Q) with Q in 0-1, e.g. \"annual_turnover > quantile(0.75)\")")
    effect, e_metric, metric, op, q, number = m.groups()
    metric = e_metric or metric
    if metric not in outputs:
        close = difflib.get_close_matches(metric, list(outputs), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"names '{metric}', which is not among the outputs{hint} ({', '.join(outputs)})")
    try:
        value = float(q if q is not None else number)
    except ValueError:
        raise ValueError(f"'{q if q is not None else number}' is not a number") from None
    if q is not None and not 0.0 <= value <= 1.0:
        raise ValueError(f"quantile({value:g}) is not allowed (allowed: a quantile from 0 to 1)")
    return Condition(effect is not None, metric, op, value, q is not None)


def condition_holds(cond: Condition, values: pd.Series) -> np.ndarray:
    """Which of ``values`` meet the condition (a quantile is of ``values`` themselves)."""
    threshold = float(values.quantile(cond.value)) if cond.quantile else cond.value
    return {"<": values < threshold, "<=": values <= threshold, ">": values > threshold,
            ">=": values >= threshold}[cond.op].to_numpy(bool)


#: futures a PRIM peel removes at least
MIN_PEELED = 3.5


def find_boxes(x: pd.DataFrame, y: np.ndarray, threshold: float = 0.8, peel_alpha: float = 0.05,
               max_boxes: int = 2) -> tuple[list[dict], list[pd.DataFrame]]:
    """PRIM boxes (Friedman & Fisher 1999; the implementation of EMA Workbench, Kwakkel 2017) of ``y`` over ``x``.

    The peeling fraction is at least ``MIN_PEELED`` futures' worth (EMA Workbench's PRIM does not peel a sample
    of a few dozen futures at the usual 5%). Each box is taken from its peeling trajectory: the box with the largest coverage among those with at least
    ``threshold`` density, else the densest. Up to ``max_boxes`` boxes (covering: the next box is sought among
    the points not yet in a box) while a box still has density above the base rate.

    Returns:
        (one dict per box: ``box``, ``coverage``, ``density``, ``mass``, ``n``, ``limits`` (a DataFrame of the
        restricted dimensions: ``min``, ``max``, ``qp_low``, ``qp_high``), the peeling trajectories).
    """
    import warnings

    with warnings.catch_warnings():  # ema_workbench warns about optional packages it does not need here
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
        import logging

        logging.getLogger("EMA").setLevel(logging.ERROR)
        # a peel must remove a few futures, or PRIM stops at once on small samples
        alpha = min(max(peel_alpha, MIN_PEELED / max(len(x), 1)), 0.45)
        p = prim.Prim(x.reset_index(drop=True), np.asarray(y, bool), threshold=threshold, peel_alpha=alpha)
        boxes, trajectories = [], []
        base = float(np.mean(y))
        for k in range(max_boxes):
            try:
                box = p.find_box()
            except Exception:  # noqa: BLE001 - PRIM stops when no point is left to peel
                break
            if box is None:
                break
            traj = box.peeling_trajectory
            dense = traj[traj["density"] >= threshold]
            i = int(dense["coverage"].idxmax()) if not dense.empty else int(traj["density"].idxmax())
            box.select(i)
            stats, lims = box.inspect(i, style="data")[0]
            if stats["density"] <= base or stats["coverage"] == 0:
                break
            lims.columns = ["min", "max", "qp_low", "qp_high"]
            boxes.append({"box": k + 1, "coverage": float(stats["coverage"]), "density": float(stats["density"]),
                          "mass": float(stats["mass"]), "n": int(stats["n"]), "limits": lims})
            trajectories.append(traj.assign(chosen=traj.index == i))
    return boxes, trajectories


def _bound_words(name: str, lo, hi, x: pd.Series) -> str:
    low_cut, high_cut = lo > x.min(), hi < x.max()
    unit = Parameters.spec(name).unit if name in Parameters.names() else ""
    name = f"{name} ({unit})" if unit else name
    if low_cut and high_cut:
        return f"{name} is between {lo:.3g} and {hi:.3g}"
    return f"{name} is above {lo:.3g}" if low_cut else f"{name} is below {hi:.3g}"


def discover(table: pd.DataFrame, layout, factors: Sequence[str], spec: Discover, outputs: Sequence[str],
             titles: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, list[str], dict]:
    """Scenario discovery for each policy: the futures where the condition holds, boxed by PRIM.

    The condition is evaluated per future (replicate means; a quantile is over every context's futures);
    ``effect(m)`` is the policy's value minus the reference policy's in the same future. PRIM boxes the sampled
    uncertainties within each context separately (EMA Workbench's PRIM does not peel categorical or 0/1
    dimensions reliably, so the context is not one of its dimensions).

    Returns:
        (``prim.csv`` rows: policy, context, condition, base_rate, box, coverage, density, mass, n, dimension, min,
        max, qp_low, qp_high; one sentence per box, or per policy and context without one; peeling trajectories
        by (policy, context)).
    """
    cond = parse_condition(spec.condition, outputs)
    titles = titles or {}
    policies = spec.policies or [p for p in dict.fromkeys(table["policy"])
                                 if not (cond.effect and p == layout.reference)]
    check_discover(None, spec, outputs, layout)
    per_future = table.groupby(["context", "sample", "policy"], sort=False)[[cond.metric, *factors]].mean()
    rows, sentences, trajectories = [], [], {}
    several = len(layout.contexts) > 1
    for policy in policies:
        v = per_future.xs(policy, level="policy")
        values = v[cond.metric]
        if cond.effect:
            values = values - per_future.xs(layout.reference, level="policy")[cond.metric].reindex(values.index)
        y_all = pd.Series(condition_holds(cond, values), index=values.index)  # a quantile is over every context
        for context in layout.contexts:
            here = v.index.get_level_values("context") == context
            y = y_all[here].to_numpy(bool)
            x = v.loc[here, list(factors)].reset_index(drop=True)
            name = titles.get(policy, policy) + (f" in the context {context}" if several else "")
            base = float(y.mean())
            if y.all() or not y.any():
                sentences.append(f"{name}: {cond.describe()} in {'every' if y.all() else 'no'} future, so there is "
                                 "no region to discover.")
                continue
            boxes, trajs = find_boxes(x, y, spec.threshold, spec.peel_alpha, spec.max_boxes)
            trajectories[(policy, context)] = trajs
            if not boxes:
                sentences.append(f"{name}: {cond.describe()} in {base:.0%} of the futures, with no region where it "
                                 "is more likely than that.")
            for b in boxes:
                lims = b["limits"]
                words = [_bound_words(dim, r["min"], r["max"], x[dim]) for dim, r in lims.iterrows()]
                sentences.append(f"{name}: {cond.describe()} when " + " and ".join(words)
                                 + f" (box {b['box']}: {b['density']:.0%} of the {b['n']} futures in it, against "
                                   f"{base:.0%} of all; it holds {b['coverage']:.0%} of the futures where the "
                                   "condition holds).")
                for dim, r in lims.iterrows():
                    rows.append({"policy": policy, "context": context, "condition": spec.condition,
                                 "base_rate": base, "box": b["box"], "coverage": b["coverage"],
                                 "density": b["density"], "mass": b["mass"], "n": b["n"], "dimension": dim,
                                 "min": float(r["min"]), "max": float(r["max"]),
                                 "qp_low": float(r["qp_low"]) if pd.notna(r["qp_low"]) else np.nan,
                                 "qp_high": float(r["qp_high"]) if pd.notna(r["qp_high"]) else np.nan})
    cols = ["policy", "context", "condition", "base_rate", "box", "coverage", "density", "mass", "n", "dimension",
            "min", "max", "qp_low", "qp_high"]
    return pd.DataFrame(rows, columns=cols), sentences, trajectories


__all__ = ["ExploreFile", "ExploreError", "load", "run_file", "robustness", "ranking_stability", "discover",
           "find_boxes", "parse_condition", "sample_futures", "library_names"]

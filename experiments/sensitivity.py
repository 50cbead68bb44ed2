"""Global sensitivity analysis with SALib: sample -> evaluate -> analyse, kept apart.

* **Problems** come from the declared parameter ranges (:func:`problem_from_parameters`), selected by dotted
  name, group or tag; ranges are never retyped, only narrowed.
* **Methods**: Morris elementary effects (Morris 1991; Campolongo, Cariboni & Saltelli 2007 for mu*), Sobol
  first- and total-order indices with Saltelli/Jansen estimators on a Sobol' sequence (Sobol 2001; Saltelli
  2002; Saltelli et al. 2010), extended FAST (Saltelli, Tarantola & Chan 1999) and PAWN (Pianosi & Wagener
  2015, 2018). Confidence intervals are SALib's bootstrap intervals.
* **Stochastic models**: every design point is run ``replicates`` times; indices are computed on the replicate
  means, and the share of output variance that is replicate noise is reported. By default replicate r uses the
  same seed at every design point (common random numbers: differences between points are then due to the
  factors, not to the draws); with ``common_random_numbers=False`` each (point, replicate) gets its own seed.
  Seeds depend on the root seed, the replicate (and the point) only, so results do not depend on chunking,
  executor or the number of workers.
* **Any callable**: ``f(inputs: dict) -> dict`` of outputs works (inputs also carry the key ``"seed"``);
  :class:`ModelFunction` wraps the workforce model, with time-resolved outputs ``"<outcome>@<week>"``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from model import DEFAULT_BURN_IN_WEEKS, ParameterError, Parameters, simulate
from model.outcomes import BY_NAME, outcome_of
from model.service import Service

from .errors import SensitivityError
from .executors import SerialExecutor, executor_for, stream
from .results import SensitivityStore, release_lock

METHODS = ("morris", "sobol", "fast", "pawn")
TAGS = {"levers": "lever", "uncertainties": "uncertainty", "lever": "lever", "uncertainty": "uncertainty"}


# --------------------------------------------------------------------------------------------------------------
# problems
# --------------------------------------------------------------------------------------------------------------


def problem_from_parameters(names: Sequence[str] = (), groups: Sequence[str] = (), tags: Sequence[str] = (),
                            ranges: Mapping[str, Sequence[float]] | None = None,
                            exclude: Sequence[str] = (), start_weeks: bool = True) -> dict[str, Any]:
    """A SALib problem over model parameters, with the declared plausible ranges.

    Args:
        names: dotted parameter names.
        groups: parameter groups (every field of each group).
        tags: ``"levers"`` and/or ``"uncertainties"``.
        ranges: narrowed ranges ``{name: (low, high)}`` for some of the selected parameters; each must lie
            within the parameter's declared plausible range and have low < high.
        exclude: names to leave out of the selection.
        start_weeks: keep the lever groups' ``start_week`` fields (timing, not policy) in a selection by group
            or tag; False leaves out every one of them, whatever groups the parameters declare.

    Returns:
        ``{"num_vars", "names", "bounds", "int_names"}`` (``int_names``: whole-number parameters, rounded when
        evaluated).

    Raises:
        SensitivityError: unknown name/group/tag, empty selection, bad narrowed range.
    """
    specs = Parameters.specs()
    groups_known = sorted({s.path[0] for s in specs})
    chosen: list[str] = []
    for name in names:
        try:
            Parameters.spec(name)
        except ParameterError as exc:
            raise SensitivityError(str(exc)) from None
        chosen.append(name)
    for g in groups:
        if g not in groups_known:
            raise SensitivityError(f"unknown parameter group '{g}'; groups: {', '.join(groups_known)}")
        chosen += [s.name for s in specs if s.path[0] == g]
    for t in tags:
        if t not in TAGS:
            raise SensitivityError(f"unknown tag '{t}'; allowed: levers, uncertainties")
        chosen += [s.name for s in specs if s.tag == TAGS[t]]
    excluded = set(exclude)
    if not start_weeks:
        excluded |= {s.name for s in specs if s.path[1] == "start_week" and s.name not in names}
    for name in excluded:
        try:
            Parameters.spec(name)
        except ParameterError as exc:
            raise SensitivityError(f"exclude: {exc}") from None
    chosen = [n for n in dict.fromkeys(chosen) if n not in excluded]
    if not chosen:
        raise SensitivityError("no parameters selected: give names, groups or tags")
    ranges = dict(ranges or {})
    for name in ranges:
        if name not in chosen:
            raise SensitivityError(f"range given for '{name}', which is not among the selected parameters")
    bounds = []
    for name in chosen:
        spec = Parameters.spec(name)
        lo, hi = ranges.get(name, spec.range)
        rlo, rhi = spec.range
        if not (lo < hi):
            raise SensitivityError(f"ranges.{name} = [{lo}, {hi}] is empty: the low end must be below the high end")
        if lo < rlo or hi > rhi:
            raise SensitivityError(f"ranges.{name} = [{lo}, {hi}] is outside the declared range "
                                   f"[{rlo:g}, {rhi:g}] ({spec.unit}); ranges may only be narrowed")
        bounds.append([float(lo), float(hi)])
    return {"num_vars": len(chosen), "names": chosen, "bounds": bounds,
            "int_names": [n for n in chosen if Parameters.spec(n).type is int]}


def check_problem(problem: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a generic SALib problem (names unique, bounds non-empty); return a copy with ``int_names``."""
    names = list(problem.get("names", []))
    bounds = [list(map(float, b)) for b in problem.get("bounds", [])]
    if not names or len(names) != len(bounds):
        raise SensitivityError("problem needs 'names' and one [low, high] pair of 'bounds' per name")
    if len(set(names)) != len(names):
        raise SensitivityError("problem names must be unique")
    for n, (lo, hi) in zip(names, bounds):
        if not lo < hi:
            raise SensitivityError(f"bounds of '{n}' = [{lo}, {hi}] are empty: low must be below high")
    return {"num_vars": len(names), "names": names, "bounds": bounds, "int_names": list(problem.get("int_names", []))}


# --------------------------------------------------------------------------------------------------------------
# sample
# --------------------------------------------------------------------------------------------------------------


def sample(problem: Mapping[str, Any], method: str, n: int, seed: int = 0, *, calc_second_order: bool = False,
           num_levels: int = 4, m: int = 4) -> np.ndarray:
    """The design matrix of a method (rows = points, columns = factors).

    Args:
        problem: SALib problem.
        method: one of :data:`METHODS`.
        n: base sample size: trajectories (Morris), N (Sobol, a power of two), samples per factor (FAST),
            points (PAWN).
        seed: seed of the sampler.
        calc_second_order: Sobol only: also sample for second-order indices (N (2D + 2) points instead of
            N (D + 2)); must be stated explicitly.
        num_levels: Morris grid levels.
        m: FAST interference parameter.

    Raises:
        SensitivityError: unknown method, N not a power of two for Sobol, N too small.
    """
    from SALib.sample import fast_sampler, latin, morris
    from SALib.sample import sobol as sobol_sampler

    p = {k: problem[k] for k in ("num_vars", "names", "bounds")}
    if method not in METHODS:
        raise SensitivityError(f"method = '{method}' is not known; allowed: {', '.join(METHODS)}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise SensitivityError(f"n = {n!r} must be a whole number of at least 2")
    if method == "sobol":
        if n & (n - 1):
            raise SensitivityError(f"n = {n} must be a power of two for Sobol sampling (e.g. "
                                   f"{2 ** int(math.log2(n))} or {2 ** math.ceil(math.log2(n))})")
        return sobol_sampler.sample(p, n, calc_second_order=calc_second_order, seed=seed)
    if method == "morris":
        return morris.sample(p, n, num_levels=num_levels, seed=seed)
    if method == "fast":
        if n <= 4 * m * m:
            raise SensitivityError(f"n = {n} must exceed 4 M^2 = {4 * m * m} for FAST")
        return fast_sampler.sample(p, n, M=m, seed=seed)
    return latin.sample(p, n, seed=seed)


# --------------------------------------------------------------------------------------------------------------
# evaluate
# --------------------------------------------------------------------------------------------------------------


def point_seed(root: int, point: int, replicate: int, common: bool = True) -> int:
    """Seed of (point, replicate) as a 63-bit integer.

    ``SeedSequence(root, spawn_key=(replicate,))`` with common random numbers (the same at every point), else
    ``SeedSequence(root, spawn_key=(point, replicate))``.
    """
    key = (replicate,) if common else (point, replicate)
    state = np.random.SeedSequence(root, spawn_key=key).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


@dataclass(frozen=True)
class ModelFunction:
    """The workforce model as ``f(inputs) -> outputs`` for sensitivity analysis (picklable).

    Attributes:
        outputs: summary metrics (see :func:`model.outcomes.summarise`), e.g. ``"proqol_bo_raw_mean"``.
        time_resolved: weekly outcomes (registry names) reported every ``every_weeks`` as ``"<name>@<week>"``.
        weeks: recorded weeks.
        burn_in_weeks: unrecorded weeks before week 0.
        every_weeks: spacing of time-resolved outputs (a multiple of the survey interval suits survey outcomes).
        base: dotted overrides applied before the factors (e.g. ``{"service.n_posts": 200}``).
        int_names: factors rounded to whole numbers.
        warm_start: draw the established staff from a settled pilot of the run's burn-in parameters (default;
            see :class:`model.WorkforceModel`); False starts cold from the ``initial_staff`` distributions.
        service: the service's team types and staff snapshot (:class:`~model.service.Service`), or None.
    """

    outputs: tuple[str, ...]
    time_resolved: tuple[str, ...] = ()
    weeks: int = 156
    burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS
    every_weeks: int = 13
    base: tuple[tuple[str, Any], ...] = ()
    int_names: tuple[str, ...] = ()
    warm_start: bool = True
    service: Service | None = None

    def clinician_weeks(self) -> float:
        """Clinician-weeks of one evaluation, burn-in included (the size of a job, for the executors): the
        service's posts, else the base's ``service.n_posts``, else its default."""
        posts = (self.service.n_posts if self.service is not None else None) or dict(self.base).get(
            "service.n_posts", Parameters.spec("service.n_posts").default)
        return float(posts) * (self.weeks + self.burn_in_weeks)

    def output_names(self) -> list[str]:
        """Every output key this function returns, in order."""
        times = range(self.every_weeks, self.weeks + 1, self.every_weeks)
        return list(self.outputs) + [f"{name}@{w}" for name in self.time_resolved for w in times]

    def __call__(self, inputs: Mapping[str, Any]) -> dict[str, float]:
        overrides = dict(self.base)
        for k, v in inputs.items():
            if k != "seed":
                overrides[k] = int(round(v)) if k in self.int_names else float(v)
        params = Parameters().with_overrides(overrides)
        # record only what the outputs are computed from (same random numbers, less work per week)
        record = {n for key in self.outputs for n in outcome_of(key)} | set(self.time_resolved)
        r = simulate(params, seed=int(inputs.get("seed", 0)), weeks=self.weeks, burn_in_weeks=self.burn_in_weeks,
                     record=record, warm_start=self.warm_start,
                     service=self.service)
        out = {k: float(r.summary[k]) for k in self.outputs}
        weekly = r.weekly.set_index("week")
        for name in self.time_resolved:
            for w in range(self.every_weeks, self.weeks + 1, self.every_weeks):
                out[f"{name}@{w}"] = float(weekly.at[w, name])
        return out


def _evaluate_chunk(f: Callable, names: list[str], rows: list[tuple[int, int, int, list[float]]]) -> list[dict]:
    out = []
    for point, rep, seed, x in rows:
        y = f({**dict(zip(names, x)), "seed": seed})
        out.append({"point": point, "replicate": rep, "seed": seed, **{k: float(v) for k, v in y.items()}})
    return out


def evaluate(f: Callable, problem: Mapping[str, Any], X: np.ndarray, *, replicates: int = 1, seed: int = 0,
             common_random_numbers: bool = True, executor: Executor | None = None, chunk_size: int = 16,
             done: pd.DataFrame | None = None,
             on_chunk: Callable[[pd.DataFrame], None] | None = None, progress: bool = False) -> pd.DataFrame:
    """Evaluate ``f`` at every design point and replicate.

    Args:
        f: ``f(inputs) -> dict of outputs``; ``inputs`` maps factor names to values plus ``"seed"``.
        problem: the SALib problem (for the factor names).
        X: design matrix.
        replicates: runs per point.
        seed: root seed for the per-(point, replicate) seeds.
        common_random_numbers: the same seed for a replicate at every point (see :func:`point_seed`).
        executor: where to run (default: in this process).
        chunk_size: (point, replicate) pairs per task.
        done: evaluations already made (they are not repeated).
        on_chunk: called with each finished chunk (e.g. to store it).
        progress: show a progress bar.

    Returns:
        one row per (point, replicate): ``point``, ``replicate``, ``seed`` and the outputs, ordered.
    """
    names = list(problem["names"])
    have = set() if done is None or done.empty else set(zip(done["point"], done["replicate"]))
    todo = [(i, r, point_seed(seed, i, r, common_random_numbers), [float(v) for v in X[i]])
            for i in range(X.shape[0]) for r in range(replicates) if (i, r) not in have]
    chunks = [todo[k:k + chunk_size] for k in range(0, len(todo), chunk_size)]
    ex = executor or SerialExecutor()
    frames = [] if done is None or done.empty else [done]
    total = X.shape[0] * replicates
    with tqdm(total=total, initial=total - len(todo), desc="evaluations", disable=not progress) as bar:
        for chunk, rows in stream(ex, partial(_evaluate_chunk, f, names), chunks):
            df = pd.DataFrame(rows)
            if on_chunk is not None:
                on_chunk(df)
            frames.append(df)
            bar.update(len(chunk))
    if not frames:
        return pd.DataFrame(columns=["point", "replicate", "seed"])
    return pd.concat(frames, ignore_index=True).sort_values(["point", "replicate"]).reset_index(drop=True)


def replicate_means(evals: pd.DataFrame, outputs: Sequence[str], n_points: int) -> np.ndarray:
    """Output means over replicates, shape (points, outputs).

    Raises:
        SensitivityError: a point has no evaluation.
    """
    means = evals.groupby("point")[list(outputs)].mean().reindex(range(n_points))
    if means.isna().any().any():
        bad_points = means.index[means.isna().any(axis=1)].tolist()[:5]
        bad_outputs = means.columns[means.isna().any(axis=0)].tolist()
        raise SensitivityError(f"output(s) {bad_outputs} have no value at points {bad_points} (for survey "
                               "outcomes: no survey fell in the run at those settings)")
    return means.to_numpy()


def noise_share(evals: pd.DataFrame, outputs: Sequence[str]) -> pd.DataFrame:
    """Share of each output's variation that is replicate noise (one-way ANOVA over design points).

    ``noise_share = SS_within / SS_total``: the sum of squared deviations of the runs from their design point's
    mean over the sum of squared deviations from the grand mean (between 0 and 1).

    Returns:
        one row per output: ``total_var`` (variance of all runs), ``noise_var`` (mean within-point variance),
        ``noise_share`` (NaN with one replicate per point).
    """
    rows = []
    for o in outputs:
        y = evals[o].astype(float)
        point_mean = y.groupby(evals["point"]).transform("mean")
        ss_total = float(((y - y.mean()) ** 2).sum())
        ss_within = float(((y - point_mean) ** 2).sum())
        replicated = evals.groupby("point")[o].size().max() > 1
        within = evals.groupby("point")[o].var(ddof=1)
        rows.append({"output": o, "total_var": float(y.var(ddof=1)),
                     "noise_var": float(within.mean()) if replicated else float("nan"),
                     "noise_share": ss_within / ss_total if replicated and ss_total > 0 else float("nan")})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------------------------
# analyse
# --------------------------------------------------------------------------------------------------------------


def analyse(problem: Mapping[str, Any], method: str, X: np.ndarray, Y: np.ndarray, outputs: Sequence[str], *,
            calc_second_order: bool = False, num_levels: int = 4, m: int = 4, seed: int = 0,
            num_resamples: int = 200, conf_level: float = 0.95) -> pd.DataFrame:
    """Sensitivity indices of every output as a tidy table.

    Returns:
        columns ``output``, ``base_output`` and ``week`` (split from ``"<name>@<week>"``; week NaN for run
        summaries), ``factor``, ``index`` (mu_star, mu, sigma for Morris; S1, ST (and S2 pairs) for Sobol;
        S1, ST for FAST; median, mean, max, CV for PAWN), ``value``, ``conf`` (half-width of the interval, NaN
        where SALib gives none).
    """
    from SALib.analyze import fast, morris, pawn
    from SALib.analyze import sobol as sobol_an

    p = {k: problem[k] for k in ("num_vars", "names", "bounds")}
    names = p["names"]
    rows = []
    for j, out in enumerate(outputs):
        y = np.asarray(Y[:, j], dtype=float)
        if np.ptp(y) == 0:  # a constant output: every index is 0
            for fac in names:
                rows.append((out, fac, "constant", 0.0, float("nan")))
            continue
        if method == "morris":
            r = morris.analyze(p, X, y, num_resamples=num_resamples, conf_level=conf_level, num_levels=num_levels,
                               seed=seed)
            for k, fac in enumerate(names):
                rows += [(out, fac, "mu_star", r["mu_star"][k], r["mu_star_conf"][k]),
                         (out, fac, "mu", r["mu"][k], float("nan")), (out, fac, "sigma", r["sigma"][k], float("nan"))]
        elif method == "sobol":
            r = sobol_an.analyze(p, y, calc_second_order=calc_second_order, num_resamples=num_resamples,
                                 conf_level=conf_level, seed=seed)
            for k, fac in enumerate(names):
                rows += [(out, fac, "S1", r["S1"][k], r["S1_conf"][k]), (out, fac, "ST", r["ST"][k], r["ST_conf"][k])]
            if calc_second_order:
                for a in range(len(names)):
                    for b in range(a + 1, len(names)):
                        rows.append((out, f"{names[a]} x {names[b]}", "S2", r["S2"][a, b], r["S2_conf"][a, b]))
        elif method == "fast":
            r = fast.analyze(p, y, M=m, num_resamples=num_resamples, conf_level=conf_level, seed=seed)
            for k, fac in enumerate(names):
                rows += [(out, fac, "S1", r["S1"][k], r["S1_conf"][k]), (out, fac, "ST", r["ST"][k], r["ST_conf"][k])]
        else:
            r = pawn.analyze(p, X, y, seed=seed)
            for k, fac in enumerate(names):
                rows += [(out, fac, stat, r[stat][k], float("nan")) for stat in ("median", "mean", "maximum", "CV")]
    df = pd.DataFrame(rows, columns=["output", "factor", "index", "value", "conf"])
    split = df["output"].str.partition("@")
    df.insert(1, "base_output", split[0])
    df.insert(2, "week", pd.to_numeric(split[2].where(split[2] != ""), errors="coerce"))
    return df


# --------------------------------------------------------------------------------------------------------------
# the whole pipeline with a resumable store
# --------------------------------------------------------------------------------------------------------------


@dataclass
class SensitivityResult:
    """A finished analysis.

    Attributes:
        problem: the SALib problem.
        X: design matrix.
        evaluations: one row per (point, replicate).
        indices: tidy indices (see :func:`analyse`).
        noise: replicate-noise share per output.
        folder: results folder (None when not stored).
        ran: evaluations made by this call.
    """

    problem: dict[str, Any]
    X: np.ndarray
    evaluations: pd.DataFrame
    indices: pd.DataFrame
    noise: pd.DataFrame
    folder: Path | None = None
    ran: int = 0
    meta: dict[str, Any] = field(default_factory=dict)


def run_sensitivity(*args: Any, **kwargs: Any) -> SensitivityResult:
    """Sample, evaluate (resuming a stored partial run) and analyse; see :func:`_run_sensitivity` for the arguments.

    The results folder ``out`` is locked against other processes while the analysis runs.
    """
    try:
        return _run_sensitivity(*args, **kwargs)
    finally:
        if kwargs.get("out") is not None:
            release_lock(Path(kwargs["out"]))


def _run_sensitivity(f: Callable, problem: Mapping[str, Any], method: str, n: int, *, outputs: Sequence[str] | None = None,
                    replicates: int = 1, seed: int = 0, common_random_numbers: bool = True,
                    calc_second_order: bool = False, num_levels: int = 4,
                    m: int = 4, executor: Executor | None = None, workers: int | None = None,
                    scheduler: str | None = None, out: str | Path | None = None, chunk_size: int = 16,
                    progress: bool | None = None, spec: Mapping[str, Any] | None = None) -> SensitivityResult:
    """Sample, evaluate (resuming a stored partial run) and analyse.

    Args:
        f: ``f(inputs) -> dict``; for the model, a :class:`ModelFunction`.
        problem: SALib problem (e.g. from :func:`problem_from_parameters`).
        method: one of :data:`METHODS`.
        n: base sample size (see :func:`sample`).
        outputs: outputs to analyse (default: ``f.output_names()`` if defined, else every output returned).
        replicates: runs per design point (their mean is analysed).
        seed: root seed (sampler and per-point seeds).
        common_random_numbers: replicate r uses the same seed at every point (default).
        calc_second_order, num_levels, m: method options (see :func:`sample`).
        executor / workers / scheduler: where to evaluate (default: local process pool; ``workers=1``: here).
        out: results folder for a resumable run (None: nothing stored).
        chunk_size: (point, replicate) pairs per task.
        progress: progress bar; default only on a terminal.
        spec: extra description stored in the manifest.

    Raises:
        SensitivityError: bad input. StoreMismatchError: ``out`` holds another analysis.
    """
    problem = check_problem(problem)
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise SensitivityError(f"replicates = {replicates!r} must be a whole number of at least 1")
    X = sample(problem, method, n, seed, calc_second_order=calc_second_order, num_levels=num_levels, m=m)
    outputs = list(outputs or (f.output_names() if hasattr(f, "output_names") else []))
    store = SensitivityStore(Path(out)) if out is not None else None
    done = None
    manifest: dict[str, Any] = {}
    if store is not None:
        key = {"problem": problem, "method": method, "n": n, "replicates": replicates, "seed": seed,
               "common_random_numbers": common_random_numbers,
               "calc_second_order": calc_second_order, "num_levels": num_levels, "m": m,
               "function": _describe(f), "outputs": outputs}
        manifest = store.open(key, spec or {})
        done = store.done()
        store.write_design(pd.DataFrame(X, columns=problem["names"]))

    show = sys.stderr.isatty() if progress is None else progress
    if executor is None and (workers != 1 or scheduler):
        import pickle

        try:  # worker processes receive the function by pickling
            pickle.dumps(f)
        except Exception as exc:  # noqa: BLE001 - any pickling failure means the same thing
            raise SensitivityError(f"the function cannot be sent to worker processes ({exc}); define it at module "
                                   "level (not a lambda or a notebook-local closure) or pass workers=1") from None
    n_before = 0 if done is None else len(done)
    with executor_for(executor, workers=workers, scheduler=scheduler) as ex:
        evals = evaluate(f, problem, X, replicates=replicates, seed=seed,
                         common_random_numbers=common_random_numbers, executor=ex, chunk_size=chunk_size,
                         done=done, on_chunk=store.add_chunk if store is not None else None, progress=show)
    if not outputs:
        outputs = [c for c in evals.columns if c not in ("point", "replicate", "seed")]
    missing = [o for o in outputs if o not in evals.columns]
    if missing:
        raise SensitivityError(f"outputs {missing} are not returned by the function")
    Y = replicate_means(evals, outputs, X.shape[0])
    indices = analyse(problem, method, X, Y, outputs, calc_second_order=calc_second_order, num_levels=num_levels,
                      m=m, seed=seed)
    noise = noise_share(evals, outputs)
    result = SensitivityResult(problem=problem, X=X, evaluations=evals, indices=indices, noise=noise,
                               folder=store.folder if store is not None else None, ran=len(evals) - n_before,
                               meta={"method": method, **manifest})
    if store is not None:
        store.finish(evals, indices, noise)
    return result


def _describe(f: Callable) -> str:
    """A stable description of the evaluated function (no memory addresses), part of the store's identity."""
    import dataclasses

    if dataclasses.is_dataclass(f):
        return repr(f)
    name = getattr(f, "__qualname__", type(f).__qualname__)
    return f"{getattr(f, '__module__', type(f).__module__)}.{name}"


def known_outputs() -> list[str]:
    """Summary metrics the model reports (valid ``outputs`` of a :class:`ModelFunction`): the summary registry."""
    from model.outcomes import SUMMARIES

    return list(SUMMARIES)


def known_time_resolved() -> list[str]:
    """Weekly outcomes usable as time-resolved outputs."""
    return list(BY_NAME)

"""Calibration: fit chosen parameters to a service's observed figures and keep a weighted *set* of plausible values.

The method is approximate Bayesian computation by sequential Monte Carlo (ABC-SMC; Toni et al. 2009, J R Soc
Interface 6:187; Beaumont et al. 2009, Biometrika 96:983) as implemented by pyABC (Klinger, Rickert & Hasenauer
2018, Bioinformatics 34:3591; Schälte et al. 2022, JOSS 7:4304). Why this method:

* the model is stochastic and has no likelihood; ABC needs only simulations, compared with the observations the way
  they were measured (the same summary metric of the same survey cadence);
* it returns weighted particles, which are the ensemble (``ensemble.parquet``: one row per plausible parameter set,
  a ``weight`` summing to 1) that comparisons then draw from; history matching would return a non-implausible
  region without weights, and simulation-based inference needs a neural-network stack this project does not carry;
* pyABC is well kept, stores every generation in an SQLite database (so an interrupted calibration resumes after
  the last finished generation) and leaves the choice of where simulations run to a map function, which here is
  the project's executors (in this process, a local pool, or a dask cluster).

The distance of a simulation from the observations is the root mean square of the standardised differences
``(simulated - observed) / se`` (:class:`StandardisedDistance`), so a distance of 1 means "within one standard error
on average". The prior is uniform over each parameter's declared plausible range (or a narrowed one). The
tolerance of each generation is the median distance of the previous one (pyABC's default); the run stops when the
tolerance reaches ``min_epsilon``, after ``max_generations``, when ``max_simulations`` have run, or when the
acceptance rate falls below ``min_acceptance_rate``.

Reproducibility: each generation's sampling jobs are seeded from the root seed, the generation and the job
(:class:`SeededMappingSampler`), and each simulation's model seed from the root seed and the parameter values, so
a calibration gives the same ensemble whatever the executor and the number of workers, and a resumed one the same
as an uninterrupted one. (pyABC draws particles from NumPy's global generator; the model never does.)
"""

from __future__ import annotations

import functools
import hashlib
import logging
import random
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyabc

from model import Parameters

from .errors import ExperimentError
from .executors import executor_for
from .results import ResultsFolder, release_lock
from .sensitivity import ModelFunction, SensitivityError, check_problem

#: the pyABC database of a calibration's generations, in its results folder
DATABASE = "abc.db"
#: the weighted intervals reported (5% and 95%)
QUANTILES = (0.05, 0.5, 0.95)
#: the ensemble is flagged as degenerate when the last generation's effective sample size is below this share of
#: the population (a few particles carry the weight: the intervals are then unreliable)
MIN_ESS_SHARE = 0.2
#: an observation "fits" when the ensemble's simulated 5-95% interval, widened by two observation standard
#: errors, contains the observed value
FIT_SE = 2.0


class CalibrationError(SensitivityError):
    """Bad calibration input (one line: file, key, value and what is allowed)."""


@dataclass(frozen=True)
class Observation:
    """One observed figure of the service.

    Attributes:
        metric: a run summary (:data:`model.outcomes.SUMMARIES`), computed from the simulated service the way the
            figure was measured (e.g. ``proqol_bo_raw_mean``: the mean raw ProQOL burnout score over the surveys),
            or one team type's (``proqol_bo_raw_mean[crisis]``, :func:`model.outcomes.of_team_type`).
        value: the observed value.
        se: its standard error (> 0), in the metric's unit.
    """

    metric: str
    value: float
    se: float


def parameter_seed(root: int, values: Sequence[float]) -> int:
    """The model seed of one simulation: a 63-bit integer from the root seed and the exact parameter values.

    The same parameter set gets the same seed wherever and whenever it is simulated (a resumed or parallel run
    matches a serial one); different sets get independent seeds.
    """
    digest = hashlib.sha256(np.asarray(values, dtype=np.float64).tobytes()).digest()
    key = tuple(int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4))
    state = np.random.SeedSequence(root, spawn_key=key).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


@dataclass(frozen=True)
class Simulator:
    """The model as pyABC's ``model(parameters) -> summary statistics`` (picklable, for worker processes).

    Attributes:
        function: the model function (overrides of the scenario, size, weeks, outputs).
        names: calibrated parameters, dotted names.
        root_seed: root of the per-simulation seeds (:func:`parameter_seed`).
    """

    function: ModelFunction
    names: tuple[str, ...]
    root_seed: int = 0

    def __call__(self, par: Mapping[str, float]) -> dict[str, float]:
        values = [float(par[n]) for n in self.names]
        return self.function({**dict(zip(self.names, values)), "seed": parameter_seed(self.root_seed, values)})


@dataclass(frozen=True)
class StandardisedDistance:
    """Root mean square of the standardised differences ``(x - x0) / se`` over the observed metrics.

    A simulation that produced no value for a metric (NaN: no survey in the window) is infinitely far.
    """

    metrics: tuple[str, ...]
    se: tuple[float, ...]

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        z = [(float(x[m]) - float(x0[m])) / s for m, s in zip(self.metrics, self.se)]
        d = float(np.sqrt(np.mean(np.square(z))))
        return d if np.isfinite(d) else float("inf")


#: held by a sampling job while it uses NumPy's global generator (see :class:`SeededMappingSampler`)
_GLOBAL_RNG_LOCK = threading.Lock()


class SeededMappingSampler(pyabc.sampler.MappingSampler):
    """pyABC's mapping sampler with seeded jobs: one job per particle, run on any executor.

    Each job draws and simulates parameter sets until one is accepted (as pyABC's ``MappingSampler`` does), but
    seeds NumPy's global generator from the ``job``-th child of ``SeedSequence(root, spawn_key=(generation + 1,))``
    instead of fresh entropy, so the accepted particles do not depend on where or in what order jobs run.

    Args:
        executor: a ``concurrent.futures.Executor`` (:mod:`experiments.executors`); its ``map`` runs the jobs.
        root: root seed.
    """

    def __init__(self, executor, root: int):
        super().__init__(map_=executor.map)
        self.root = int(root)

    def __getstate__(self):
        return (self.pickle, self.unpickle, self.nr_evaluations_, self.sample_factory, self.root)

    def __setstate__(self, state):
        self.pickle, self.unpickle, self.nr_evaluations_, self.sample_factory, self.root = state

    def map_function(self, simulate_one, job_seed):
        simulate_one = self.unpickle(simulate_one)
        # pyABC samples and perturbs particles with NumPy's global generator, which threads of one process share:
        # a job holds it from seeding to its accepted particle (threads of a dask worker take turns)
        with _GLOBAL_RNG_LOCK:
            np.random.seed(job_seed)
            random.seed(job_seed)
            n = 0
            sample = self._create_empty_sample()
            while True:
                new = simulate_one()
                n += 1
                sample.append(new)
                if new.accepted:
                    return sample, n

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):
        seeds = [int(s.generate_state(1, np.uint32)[0]) for s in
                 np.random.SeedSequence(self.root, spawn_key=(int(t) + 1,)).spawn(n)]
        job = functools.partial(self.map_function, self.pickle(simulate_one))
        results = list(self.map_(job, seeds))
        self.nr_evaluations_ = sum(r[1] for r in results)
        sample = self._create_empty_sample()
        for s, _ in results:
            sample += s
        return sample


def _prior(problem: Mapping[str, Any]):
    return pyabc.Distribution(**{n: pyabc.RV("uniform", lo, hi - lo)
                                 for n, (lo, hi) in zip(problem["names"], problem["bounds"])})


class CalibrationStore(ResultsFolder):
    """The results folder of a calibration::

        manifest.json      identity (problem, observations, function, settings), versions, times
        abc.db             pyABC's database: every generation's particles, weights, distances, summaries
        ensemble.parquet   one row per particle of the last generation: the calibrated parameters and ``weight``
        posterior.csv      per parameter: prior range, default, weighted mean and 5/50/95% quantiles, narrowing
        fit.csv            per observation: observed value and se, simulated 5/50/95% over the ensemble, z, fits
        generations.csv    per generation: tolerance, simulations, acceptance rate, effective sample size
        report.html        the report (see :mod:`experiments.calibration_report`)
    """

    kind = "calibration"

    @property
    def database(self) -> Path:
        return self.folder / DATABASE


@dataclass
class CalibrationResult:
    """A finished calibration.

    Attributes:
        problem: calibrated parameters and prior ranges (``names``, ``bounds``).
        observations: the observed figures.
        ensemble: one row per plausible parameter set, one column per parameter, and ``weight`` (sums to 1).
        posterior: per-parameter summary (see :class:`CalibrationStore`).
        fit: per-observation fit.
        generations: per-generation diagnostics.
        stopped: why the sequence stopped.
        ran: generations run by this call (0 when everything was stored).
        warnings: what makes the ensemble less trustworthy (degenerate weights, a tolerance far above 1, misfits).
        folder: the results folder, or None.
        simulated: the summary statistics of the ensemble's particles (one row per particle, aligned with
            ``ensemble``).
    """

    problem: dict[str, Any]
    observations: list[Observation]
    ensemble: pd.DataFrame
    posterior: pd.DataFrame
    fit: pd.DataFrame
    generations: pd.DataFrame
    stopped: str
    ran: int = 0
    warnings: list[str] = field(default_factory=list)
    folder: Path | None = None
    simulated: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    meta: dict[str, Any] = field(default_factory=dict)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: Sequence[float] = QUANTILES) -> list[float]:
    """Weighted quantiles by the inverse of the weighted empirical distribution (the smallest value whose
    cumulative weight reaches ``q``)."""
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cum = np.cumsum(w) / w.sum()
    return [float(v[min(np.searchsorted(cum, q), len(v) - 1)]) for q in qs]


def _check_observations(observations: Sequence[Observation]) -> list[Observation]:
    obs = list(observations)
    if not obs:
        raise CalibrationError("no observations: give at least one [[observed]] metric")
    seen = set()
    for o in obs:
        if o.metric in seen:
            raise CalibrationError(f"observed metric '{o.metric}' is given twice; give each metric once")
        seen.add(o.metric)
        if not np.isfinite(o.value):
            raise CalibrationError(f"observed {o.metric}: value = {o.value!r} must be a finite number")
        if not (np.isfinite(o.se) and o.se > 0):
            raise CalibrationError(f"observed {o.metric}: se = {o.se!r} must be a positive number (the standard "
                                   "error of the observation)")
    return obs


def calibrate(function: ModelFunction, problem: Mapping[str, Any], observations: Sequence[Observation], *,
              population: int = 100, max_generations: int = 8, min_epsilon: float = 1.0,
              max_simulations: int = 5000, min_acceptance_rate: float = 0.02, seed: int = 0,
              workers: int | None = None, scheduler: str | None = None, executor=None,
              out: str | Path | None = None, progress: bool | None = None,
              spec: Mapping[str, Any] | None = None) -> CalibrationResult:
    """Fit ``problem``'s parameters to ``observations`` by ABC-SMC (resuming a stored partial calibration).

    Args:
        function: the model function; its ``outputs`` must include every observed metric.
        problem: parameters and prior ranges (:func:`experiments.sensitivity.problem_from_parameters`).
        observations: the observed figures.
        population: particles per generation (the ensemble's size).
        max_generations: generations at most (the first samples the prior).
        min_epsilon: stop when the tolerance (RMS of standardised differences) is at or below this.
        max_simulations: stop after a generation once this many simulations have run in all.
        min_acceptance_rate: stop after a generation whose acceptance rate is below this.
        seed: root seed of the sampling and of the simulations.
        workers / scheduler / executor: where simulations run (see :mod:`experiments.executors`; by default a
            local pool, or this process for a calibration under ``MIN_POOL_CLINICIAN_WEEKS``).
        out: results folder (None: a temporary database, nothing kept).
        progress: progress bar over generations (default: on a terminal).
        spec: description stored in the manifest.

    Raises:
        CalibrationError: bad input. StoreMismatchError: ``out`` holds another experiment.
    """
    try:
        return _calibrate(function, problem, observations, population=population, max_generations=max_generations,
                          min_epsilon=min_epsilon, max_simulations=max_simulations,
                          min_acceptance_rate=min_acceptance_rate, seed=seed, workers=workers, scheduler=scheduler,
                          executor=executor, out=out, progress=progress, spec=spec)
    finally:
        if out is not None:
            release_lock(Path(out))


def _check_settings(population, max_generations, min_epsilon, max_simulations, min_acceptance_rate) -> None:
    checks = [("population", population, isinstance(population, int) and 2 <= population <= 100_000,
               "a whole number from 2 to 100,000"),
              ("max_generations", max_generations, isinstance(max_generations, int) and 1 <= max_generations <= 100,
               "a whole number from 1 to 100"),
              ("min_epsilon", min_epsilon, isinstance(min_epsilon, (int, float)) and min_epsilon >= 0,
               "a number of at least 0"),
              ("max_simulations", max_simulations, isinstance(max_simulations, int) and max_simulations >= 1,
               "a whole number of at least 1"),
              ("min_acceptance_rate", min_acceptance_rate,
               isinstance(min_acceptance_rate, (int, float)) and 0 <= min_acceptance_rate < 1, "from 0 to below 1")]
    for name, value, ok, allowed in checks:
        if isinstance(value, bool) or not ok:
            raise CalibrationError(f"{name} = {value!r}: expected {allowed}")


def _calibrate(function, problem, observations, *, population, max_generations, min_epsilon, max_simulations,
               min_acceptance_rate, seed, workers, scheduler, executor, out, progress, spec) -> CalibrationResult:
    import tempfile

    problem = check_problem(problem)
    obs = _check_observations(observations)
    _check_settings(population, max_generations, min_epsilon, max_simulations, min_acceptance_rate)
    metrics = tuple(o.metric for o in obs)
    missing = [m for m in metrics if m not in function.outputs]
    if missing:
        raise CalibrationError(f"observed metric(s) {missing} are not outputs of the model function")
    names = tuple(problem["names"])
    sim = Simulator(function, names, seed)
    distance = StandardisedDistance(metrics, tuple(o.se for o in obs))
    x0 = {o.metric: float(o.value) for o in obs}
    settings = {"population": population, "max_generations": max_generations, "min_epsilon": float(min_epsilon),
                "max_simulations": max_simulations, "min_acceptance_rate": float(min_acceptance_rate), "seed": seed}
    store = CalibrationStore(Path(out)) if out is not None else None
    tmp = None
    if store is not None:
        # the stopping rules are not part of the identity: a finished calibration continues with a stricter one
        identity = {"problem": problem, "observations": [o.__dict__ for o in obs], "function": repr(function),
                    "method": "abc-smc", "population": population, "seed": seed}
        store.open_manifest(identity, {**identity, "settings": settings, "spec": dict(spec or {})})
        db_path = store.database
    else:
        tmp = tempfile.TemporaryDirectory(prefix="calibration-")
        db_path = Path(tmp.name) / DATABASE
    logging.getLogger("ABC").setLevel(logging.WARNING)  # progress is ours; pyABC's per-generation log is noise
    logging.getLogger("pyabc").setLevel(logging.WARNING)
    show = sys.stderr.isatty() if progress is None else progress
    try:
        # a small calibration runs in this process by default, as a small comparison does: about two
        # simulations per particle per generation (the acceptance rate is not known before it runs)
        runs = min(max_simulations, population * max_generations * 2)
        with executor_for(executor, workers=workers, scheduler=scheduler,
                          size=function.clinician_weeks() * runs) as ex:
            sampler = SeededMappingSampler(ex, seed)
            # a fresh ABCSMC for every generation, continued from the database: the tolerance and the transition
            # kernel are then set from the last stored generation, the same way whether or not the run was resumed
            make = functools.partial(pyabc.ABCSMC, sim, _prior(problem), distance, population_size=population,
                                     sampler=sampler)
            db = f"sqlite:///{db_path.resolve()}"
            history = _open_history(make(), db, db_path, x0)
            ran, stopped = _run_generations(make, db, history, max_generations=max_generations,
                                            min_epsilon=min_epsilon, max_simulations=max_simulations,
                                            min_acceptance_rate=min_acceptance_rate, show=show)
        result = _result(history, problem, obs, function, stopped, ran)
    finally:
        if tmp is not None:
            tmp.cleanup()
    if store is not None:
        result.folder = store.folder
        store.manifest["stopped"] = stopped
        store.consolidate({"ensemble.parquet": result.ensemble, "posterior.csv": result.posterior,
                           "fit.csv": result.fit, "generations.csv": result.generations,
                           "simulated.parquet": result.simulated})
        result.meta = dict(store.manifest)
        from .calibration_report import write_report

        write_report(result, store.folder)
    return result


def _open_history(abc, db: str, db_path: Path, x0: Mapping[str, float]):
    """Continue the run stored in ``db_path`` (its observations must be ``x0``), or start a new one."""
    if db_path.exists():
        try:
            history = abc.load(db, 1)
            stored = history.observed_sum_stat()
            if {k: float(v) for k, v in stored.items()} == dict(x0):
                return history
        except Exception:  # noqa: BLE001 - a database killed before its first commit holds nothing to resume
            pass
        db_path.unlink()
    return abc.new(db, dict(x0))


def _run_generations(make, db: str, history, *, max_generations, min_epsilon, max_simulations, min_acceptance_rate,
                     show) -> tuple[int, str]:
    """Run generations one at a time until a stopping rule holds; returns (generations run now, why it stopped)."""
    from tqdm import tqdm

    ran = 0
    bar = tqdm(total=max_generations, initial=history.max_t + 1, desc="calibration generations", disable=not show,
               file=sys.stderr)
    try:
        while True:
            why = _stop_reason(history, max_generations, min_epsilon, max_simulations, min_acceptance_rate)
            if why:
                return ran, why
            abc = make()
            history = abc.load(db, 1)
            abc.run(max_nr_populations=1)
            ran += 1
            pops = history.get_all_populations()
            last = pops.iloc[-1]
            bar.update(1)
            bar.set_postfix(epsilon=f"{last.epsilon:.3g}", simulations=int(pops.samples.sum()))
    finally:
        bar.close()


def _stop_reason(history, max_generations, min_epsilon, max_simulations, min_acceptance_rate) -> str:
    t = history.max_t
    if t < 0:
        return ""
    pops = history.get_all_populations()
    pops = pops[pops.t >= 0]
    last = pops.iloc[-1]
    if last.epsilon <= min_epsilon:
        return f"tolerance {last.epsilon:.3g} reached min_epsilon {min_epsilon:g}"
    if t + 1 >= max_generations:
        return f"max_generations {max_generations} run (tolerance {last.epsilon:.3g})"
    if int(pops.samples.sum()) >= max_simulations:
        return f"max_simulations {max_simulations:,} reached (tolerance {last.epsilon:.3g})"
    rate = history.get_nr_particles_per_population()[t] / last.samples
    if rate < min_acceptance_rate:
        return f"acceptance rate {rate:.3g} below min_acceptance_rate {min_acceptance_rate:g}"
    return ""


def _result(history, problem, obs, function, stopped, ran) -> CalibrationResult:
    from pyabc.weighted_statistics import effective_sample_size

    t = history.max_t
    if t < 0:
        raise ExperimentError("the calibration ran no generation")
    names = list(problem["names"])
    df, w = history.get_distribution(m=0, t=t)
    ensemble = df[names].reset_index(drop=True).astype(float)
    for name in problem["int_names"]:  # as simulated (:class:`ModelFunction` rounds them)
        ensemble[name] = ensemble[name].round().astype(int)
    ensemble["weight"] = np.asarray(w, float) / np.sum(w)
    weights, stats = history.get_weighted_sum_stats(t=t)
    simulated = pd.DataFrame([{o.metric: float(s[o.metric]) for o in obs} for s in stats])
    simulated.insert(0, "weight", np.asarray(weights, float) / np.sum(weights))
    posterior = []
    for name, (lo, hi) in zip(names, problem["bounds"]):
        q05, q50, q95 = weighted_quantiles(ensemble[name].to_numpy(), ensemble["weight"].to_numpy())
        spec = Parameters.spec(name)
        posterior.append({"parameter": name, "unit": spec.unit, "prior_low": lo, "prior_high": hi,
                          "default": float(spec.default),
                          "mean": float(np.average(ensemble[name], weights=ensemble["weight"])),
                          "q05": q05, "q50": q50, "q95": q95, "narrowing": (q95 - q05) / (hi - lo)})
    fit = []
    for o in obs:
        q05, q50, q95 = weighted_quantiles(simulated[o.metric].to_numpy(), simulated["weight"].to_numpy())
        mean = float(np.average(simulated[o.metric], weights=simulated["weight"]))
        fit.append({"metric": o.metric, "observed": o.value, "se": o.se, "simulated_mean": mean,
                    "simulated_q05": q05, "simulated_q50": q50, "simulated_q95": q95,
                    "z": (mean - o.value) / o.se,
                    "fits": bool(q05 - FIT_SE * o.se <= o.value <= q95 + FIT_SE * o.se)})
    pops = history.get_all_populations()
    pops = pops[pops.t >= 0]
    gens = []
    for row in pops.itertuples():
        _, wt = history.get_distribution(m=0, t=int(row.t))
        n = len(wt)
        gens.append({"generation": int(row.t), "epsilon": float(row.epsilon), "simulations": int(row.samples),
                     "accepted": n, "acceptance_rate": n / row.samples,
                     "effective_sample_size": float(effective_sample_size(np.asarray(wt, float)))})
    gens = pd.DataFrame(gens)
    return CalibrationResult(problem=problem, observations=list(obs), ensemble=ensemble,
                             posterior=pd.DataFrame(posterior), fit=pd.DataFrame(fit), generations=gens,
                             stopped=stopped, ran=ran, simulated=simulated,
                             warnings=diagnose(gens, pd.DataFrame(fit)))


def diagnose(generations: pd.DataFrame, fit: pd.DataFrame) -> list[str]:
    """Warnings about a calibration: degenerate weights, a tolerance far from the observations, misfits."""
    out = []
    last = generations.iloc[-1]
    if last.effective_sample_size < MIN_ESS_SHARE * last.accepted:
        out.append(f"the weights are degenerate: the last generation's effective sample size is "
                   f"{last.effective_sample_size:.1f} of {int(last.accepted)} particles, so a few parameter sets "
                   "carry the ensemble and its intervals are unreliable; rerun into a new folder with a larger "
                   "population")
    if last.epsilon > 2:
        out.append(f"the final tolerance is {last.epsilon:.2g} standard errors (RMS): the ensemble is not yet close "
                   "to the observations; allow more generations or simulations (the same folder continues)")
    bad = fit[~fit["fits"]]
    if not bad.empty:
        out.append("not reproduced within two standard errors of the ensemble's 5-95% interval: "
                   + ", ".join(f"{r.metric} (z = {r.z:+.1f})" for r in bad.itertuples()))
    return out


__all__ = ["Observation", "SeededMappingSampler", "Simulator", "StandardisedDistance", "CalibrationError", "CalibrationResult",
           "CalibrationStore", "calibrate", "parameter_seed", "weighted_quantiles"]

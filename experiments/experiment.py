"""Policy comparison as one call: run (or resume) a replicated experiment, compare, and report.

The Python API mirrors ``resilience compare``::

    from experiments import compare
    res = compare(["reflective-supervision", "organisational-bundle"], replicates=10, weeks=260,
                  clinicians=300, seed=1, out="results/cmp")
    res.diffs        # tidy paired differences, one row per (scenario, metric)
    res.costs        # cost-effectiveness per scenario
    res.ranking      # scenarios ranked, criterion in res.ranking.attrs["criterion"]
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from model import DEFAULT_BURN_IN_WEEKS, Parameters
from scenarios import Scenario, load

from . import comparison as cmp
from .errors import ExperimentError
from .executors import default_workers, executor_for
from .results import ExperimentStore, release_lock
from .runner import execute as run_tasks
from .runner import clinician_weeks, make_tasks, replicate_seeds

BASELINE = "baseline"


@dataclass
class ComparisonResult:
    """Tables of a finished comparison.

    Attributes:
        store: the results store.
        runs: one row per run.
        diffs: paired differences (see :func:`experiments.comparison.paired_differences`).
        costs: cost-effectiveness per scenario.
        ranking: scenarios ranked by the stated criterion.
        ran: number of runs executed by this call (0 when everything was already stored).
        acceptability: cost-effectiveness acceptability curves (see
            :func:`experiments.comparison.acceptability`).
    """

    store: ExperimentStore
    runs: pd.DataFrame
    diffs: pd.DataFrame
    costs: pd.DataFrame
    ranking: pd.DataFrame
    ran: int
    acceptability: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)


def resolve_scenarios(names: Sequence[str], clinicians: int | None) -> dict[str, tuple[Scenario, Parameters]]:
    """Load scenarios (baseline first, added if missing), optionally resized to ``clinicians`` posts.

    Returns:
        ``{name: (scenario, parameters)}``.

    Raises:
        ExperimentError: no scenario besides the baseline, or a name given twice.
    """
    ordered = [BASELINE] + [n for n in names if n != BASELINE]
    if len(ordered) < 2:
        raise ExperimentError("nothing to compare: name at least one scenario besides the baseline "
                              "(see `resilience scenarios list`)")
    out: dict[str, tuple[Scenario, Parameters]] = {}
    for name in ordered:
        sc = load(name)
        if sc.name in out:
            raise ExperimentError(f"scenario '{sc.name}' is given twice")
        params = sc.params
        if clinicians is not None and sc.fixed_posts:
            raise ExperimentError(f"--clinicians {clinicians}: scenario '{sc.name}' has {sc.fixed_posts}; "
                                  "leave --clinicians out")
        if clinicians is not None:
            params = params.with_overrides({"service.n_posts": clinicians}, context="--clinicians")
        out[sc.name] = (sc, params)
    return out


def run_experiment(names: Sequence[str], *, replicates: int, weeks: int, out: Path,
                   clinicians: int | None = None, seed: int = 0, burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS,
                   workers: int | None = None, scheduler: str | None = None, executor: Executor | None = None,
                   progress: bool | None = None, ensemble: str | Path | None = None) -> tuple[ExperimentStore, int]:
    """Run the missing runs of an experiment into its results folder (resuming a partial one).

    Args:
        names: scenario names or files (the baseline is added if missing).
        replicates: replicates per scenario (at least 1; 2 or more for intervals).
        weeks: recorded weeks per run.
        out: results folder.
        clinicians: budgeted posts, overriding the scenarios' ``service.n_posts``.
        seed: root seed of the replicate seeds.
        burn_in_weeks: unrecorded weeks before week 0.
        workers: local worker processes (default: the machine's CPUs; 1 runs in this process).
        scheduler: address of a dask.distributed scheduler (instead of local workers).
        executor: any ``concurrent.futures.Executor`` (overrides ``workers`` and ``scheduler``).
        progress: progress bar over runs; default only when standard error is a terminal.
        ensemble: a calibrated ensemble (``ensemble.parquet`` of ``resilience calibrate``): replicate r runs the
            parameter set of one weighted draw from it, the same in every scenario (:mod:`experiments.ensemble`);
            a scenario's own settings win over the ensemble's values of the same parameters.

    Returns:
        (store, number of runs executed now).

    Raises:
        ExperimentError: bad input. ScenarioError, StoreMismatchError, OutputError: from the loaders/store.
    """
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise ExperimentError(f"replicates must be a whole number of at least 1, got {replicates!r}")
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise ExperimentError(f"weeks must be a whole number of at least 1, got {weeks!r}")
    if workers is not None and workers < 1:
        raise ExperimentError(f"workers must be at least 1, got {workers}")
    resolved = resolve_scenarios(names, clinicians)
    scenarios = {name: params for name, (_, params) in resolved.items()}
    _check_start_weeks(scenarios, weeks)
    seeds = replicate_seeds(seed, replicates)
    spec = {"scenarios": list(scenarios), "replicates": replicates, "weeks": weeks, "burn_in_weeks": burn_in_weeks,
            "clinicians": clinicians, "root_seed": seed, "baseline": BASELINE}
    plan = None
    if ensemble is not None:
        plan = _ensemble_plan(ensemble, resolved, replicates, seed)
        spec["ensemble"] = plan["spec"]
    described = {name: {"title": sc.title, "file": str(sc.path), "extends": list(sc.chain),
                        "settings": sc.overrides, "parameters": params.model_dump(),
                        **sc.service.describe()}
                 for name, (sc, params) in resolved.items()}
    services = {name: sc.service for name, (sc, _) in resolved.items() if not sc.service.empty}
    store = ExperimentStore(Path(out))
    store.open(spec, described, seeds)  # takes the folder's lock
    try:
        return _run_missing(store, scenarios, replicates, seed, weeks, burn_in_weeks, workers, scheduler, executor,
                            progress, plan, services)
    finally:
        release_lock(store.folder)


#: clinician-weeks one worker simulates per second, burn-in included (benchmarks/bench_model.py, 300 clinicians)
CLINICIAN_WEEKS_PER_SECOND = 280_000
#: bytes of stored weekly table per recorded run-week (about 80 columns, compressed Parquet)
BYTES_PER_RUN_WEEK = 400
#: memory of a worker process before it simulates anything (interpreter, NumPy, pandas, compiled kernels), bytes
WORKER_BASE_BYTES = 300e6
#: memory per simulated clinician, peer ties and Mesa agents included (benchmarks/bench_model.py), bytes
BYTES_PER_CLINICIAN = 2_000
#: jobs expected to take longer than this get an estimate before they start (seconds)
ESTIMATE_NOTICE_SECONDS = 60.0


def job_estimate(tasks, workers: int) -> tuple[float, float, float]:
    """(seconds, bytes of results, bytes of memory per worker) a list of run tasks is expected to take on
    ``workers`` processes."""
    seconds = clinician_weeks(tasks) / CLINICIAN_WEEKS_PER_SECOND / max(1, workers)
    memory = WORKER_BASE_BYTES + max((t.params.service.n_posts * BYTES_PER_CLINICIAN
                                      + (t.weeks + 1) * BYTES_PER_RUN_WEEK * 20 for t in tasks), default=0)
    return seconds, float(sum(t.weeks + 1 for t in tasks) * BYTES_PER_RUN_WEEK), float(memory)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _ensemble_plan(path, resolved, replicates: int, seed: int) -> dict:
    """The ensemble row of every replicate and the parameters of every (scenario, replicate) over an ensemble."""
    from . import ensemble as ens

    drawn, described = ens.replicate_draws(path, replicates, seed)
    params = {(name, r): p.with_overrides({k: v for k, v in values.items() if k not in sc.overrides},
                                          context=f"--ensemble {path}")
              for name, (sc, p) in resolved.items() for r, values in enumerate(drawn)}
    return {"rows": described["rows"], "params": params, "spec": described}


def _run_missing(store, scenarios, replicates, seed, weeks, burn_in_weeks, workers, scheduler, executor, progress,
                 plan=None, services=None):
    done = store.done()
    tasks = make_tasks(scenarios, replicates, seed, weeks, burn_in_weeks, services)
    if plan is not None:
        tasks = [dataclasses.replace(t, params=plan["params"][t.key], ensemble_row=plan["rows"][t.replicate])
                 for t in tasks]
    tasks = [t for t in tasks if t.key not in done]
    if not tasks:
        if not store.manifest.get("finished") or not store.tables_complete(store.TABLES):
            store.finish()  # first time, or the consolidated tables were deleted or damaged: write them again
        return store, 0
    show = sys.stderr.isatty() if progress is None else progress
    n_workers = 1 if workers == 1 or executor is not None else (workers or default_workers())
    size = clinician_weeks(tasks)
    seconds, stored, memory = job_estimate(tasks, n_workers)
    if seconds > ESTIMATE_NOTICE_SECONDS and scheduler is None:
        print(f"resilience: {len(tasks)} runs, {size / 1e6:,.1f} M clinician-weeks: about "
              f"{_duration(seconds)} on {n_workers} worker(s), about {memory / 1e6:,.0f} MB of memory per worker "
              f"and {stored / 1e6:,.1f} MB of results in {store.folder}; Ctrl-C stops it and the same command resumes",
              file=sys.stderr)
    total = replicates * len(scenarios)
    with tqdm(total=total, initial=total - len(tasks), desc="runs", unit="run", disable=not show) as bar, \
            executor_for(executor, workers=workers, scheduler=scheduler, size=size) as ex:
        def on_result(result):
            store.add(result)
            bar.update()

        run_tasks(tasks, ex, on_result)
    store.finish()
    return store, len(tasks)


def analyse(store: ExperimentStore, rank_by: str = cmp.DEFAULT_RANK_BY) -> ComparisonResult:
    """Comparison tables from a stored experiment.

    Raises:
        ExperimentError: no finished run of the baseline and another scenario, or an unknown ranking metric.
    """
    cmp.check_rank_by(rank_by)
    runs = store.runs()
    if runs.empty or "scenario" not in runs or runs["scenario"].nunique() < 2:
        raise ExperimentError(f"'{store.folder}' has no finished runs of the baseline and another scenario "
                              "to compare yet; run `resilience compare` with the same options to finish it")
    weeks = int(store.manifest["spec"]["weeks"])
    diffs = cmp.paired_differences(runs, baseline=BASELINE)
    return ComparisonResult(store=store, runs=runs, diffs=diffs,
                            costs=cmp.cost_effectiveness(runs, weeks, baseline=BASELINE),
                            ranking=cmp.rank(diffs, rank_by), ran=0,
                            acceptability=cmp.acceptability(runs, weeks, baseline=BASELINE))


def _check_start_weeks(scenarios: dict[str, Parameters], weeks: int) -> None:
    """A lever group that changes something but starts after the last recorded week would silently be the
    baseline: refuse it."""
    base = scenarios[BASELINE].flat()
    for name, params in scenarios.items():
        flat = params.flat()
        for key, start in flat.items():
            if not key.endswith(".start_week") or start < weeks:
                continue
            group = key.rsplit(".", 1)[0]
            changed = [k for k in flat if k.startswith(group + ".") and k != key and flat[k] != base[k]]
            if changed:
                raise ExperimentError(f"scenario {name}: {key} = {start} is not before the end of the run "
                                      f"(--weeks {weeks}), so {', '.join(changed)} would never act; use --weeks "
                                      f"{start + 1} or more, or an earlier start week")


def _check_survey_horizon(names: Sequence[str], clinicians: int | None, weeks: int, rank_by: str) -> None:
    """A ranking by a survey outcome needs a survey inside the recorded weeks."""
    from model import outcomes

    if not outcomes.SUMMARIES[rank_by].surveyed or not isinstance(weeks, int):
        return
    intervals = {name: params.measurement.survey_interval_weeks
                 for name, (_, params) in resolve_scenarios(names, clinicians).items()}
    name, interval = max(intervals.items(), key=lambda kv: kv[1])
    if weeks < interval:
        raise ExperimentError(f"--weeks {weeks} is shorter than the survey interval of {interval} weeks "
                              f"(measurement.survey_interval_weeks, scenario {name}): the ranking metric {rank_by} "
                              f"would have no survey to read; use --weeks {interval} or more, or --rank-by a "
                              "weekly outcome such as mean_bo_mean")


def compare(names: Sequence[str], *, replicates: int = 10, weeks: int = 260, out: str | Path,
            clinicians: int | None = None, seed: int = 0, burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS,
            workers: int | None = None, scheduler: str | None = None, executor: Executor | None = None,
            progress: bool | None = None, report: bool = True,
            rank_by: str = cmp.DEFAULT_RANK_BY, ensemble: str | Path | None = None) -> ComparisonResult:
    """Run (or resume) a comparison of scenarios against the baseline, analyse it, and write the report.

    See :func:`run_experiment` for the arguments; ``report`` writes ``report.html`` and ``report.md`` into the
    results folder; ``rank_by`` is the summary metric that orders the scenarios.
    """
    cmp.check_rank_by(rank_by)
    if isinstance(replicates, int) and not isinstance(replicates, bool) and replicates == 1:
        raise ExperimentError("--replicates 1 gives no intervals for the paired differences; use at least 2")
    _check_survey_horizon(names, clinicians, weeks, rank_by)
    store, ran = run_experiment(names, replicates=replicates, weeks=weeks, out=Path(out), clinicians=clinicians,
                                seed=seed, burn_in_weeks=burn_in_weeks, workers=workers, scheduler=scheduler,
                                executor=executor, progress=progress, ensemble=ensemble)
    result = analyse(store, rank_by)
    result.ran = ran
    if report:
        from .report import write_report

        write_report(result)
    return result

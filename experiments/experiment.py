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

import contextlib
import dataclasses
import sys
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from model import DEFAULT_BURN_IN_WEEKS, Parameters, burn_in
from scenarios import Scenario, load

from . import comparison as cmp
from .errors import ExperimentError
from .executors import SerialExecutor, Workers, default_workers
from .results import ExperimentStore, acquire_lock, release_lock
from .runner import execute as run_tasks
from .runner import batch_size, clinician_weeks, make_tasks, replicate_seeds, runs_per_replicate

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
        layout: which arms were compared with which (policies, contexts, the reference).
        decision: the decision summary (:func:`experiments.comparison.decision_summary`).
        currency: the ISO 4217 code of the prices, or "".
        titles: each arm's title.
    """

    store: ExperimentStore
    runs: pd.DataFrame
    diffs: pd.DataFrame
    costs: pd.DataFrame
    ranking: pd.DataFrame
    ran: int
    acceptability: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    layout: cmp.Layout | None = None
    decision: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    currency: str = ""
    titles: dict = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Arm:
    """One arm of a comparison: a policy applied in a context (see :class:`experiments.comparison.Layout`).

    Attributes:
        name: the arm's name (runs, tables and the report use it).
        policy: the policy (``baseline``: the service as it runs, no policy added).
        context: the context (a context file, or a service such as ``baseline``).
        params: the parameters of the arm: the context's, with the policy's own settings.
    """

    name: str
    policy: Scenario
    context: Scenario
    params: Parameters

    @property
    def title(self) -> str:
        """The arm's title, for people: the policy's, with the context's unless it is the default service."""
        if self.policy.own == {} and self.policy.kind == "service":
            return self.context.title
        if self.context.name == BASELINE:
            return self.policy.title
        return f"{self.policy.title} (in: {self.context.title})"

    @property
    def settings(self) -> dict:
        """What the arm sets: the context's settings, then the policy's own."""
        return {**self.context.overrides, **self.policy.own}


def _written_for(scenarios: Sequence[Scenario]) -> str:
    """The service the policies among ``scenarios`` are written for (the last service file of their chains), as
    the default context: ``baseline`` unless they all extend another service.

    Raises:
        ExperimentError: policies written for different services.
    """
    library = load(BASELINE).path.resolve()
    services = {sc.service_path.resolve() for sc in scenarios
                if sc.kind == "policy" and sc.service_path is not None} - {library}
    if len(services) > 1:
        raise ExperimentError(f"the policies are written for different services ({', '.join(sorted(map(str, services)))}); "
                              "name the one to compare them in with --context")
    return str(next(iter(services))) if services else BASELINE


def resolve_arms(names: Sequence[str], clinicians: int | None, baseline: str = BASELINE,
                 contexts: Sequence[str] | None = None) -> tuple[cmp.Layout, dict[str, Arm]]:
    """The arms of a comparison: every policy named, and the reference, in every context.

    Args:
        names: scenario names or files. Policies are compared; contexts (and services other than the reference)
            named here are added to the contexts.
        clinicians: budgeted posts of every arm (refused for services with team types or a staff snapshot).
        baseline: the reference: a policy (compared in every context), or a context or service (then the one
            context, with no policy added, unless ``contexts`` are given, which only ``baseline`` allows).
        contexts: the contexts (default: the reference's if it is a context or a service, else the service the
            policies are written for: ``baseline`` unless they extend another service).

    Returns:
        (layout, ``{arm name: Arm}``) in run order: context by context, the reference first.

    Raises:
        ExperimentError: nothing to compare, a name given twice, a policy named as a context, or a context named
            as the reference together with ``contexts``. ScenarioError: from loading.
    """
    ref = load(baseline)
    loaded = [load(n) for n in names]
    if ref.kind == "policy":
        reference, ctx_names = ref, list(contexts or [_written_for([ref, *loaded])])
    else:
        if contexts and ref.name != BASELINE:
            raise ExperimentError(f"--baseline {baseline} is a {ref.kind}; with --context, --baseline names the "
                                  "reference policy (a policy file, or leave it out for the service as it runs)")
        reference = load(BASELINE)
        ctx_names = list(contexts or [_written_for(loaded) if ref.name == BASELINE else baseline])
    ctxs: dict[str, Scenario] = {}
    for name in ctx_names:
        sc = load(name)
        if sc.kind == "policy":
            raise ExperimentError(f"--context {name} is a policy (it sets levers); a context sets only what the "
                                  "organisation does not control (see `resilience scenarios list`)")
        if sc.name in ctxs:
            raise ExperimentError(f"context '{sc.name}' is given twice")
        ctxs[sc.name] = sc
    policies: dict[str, Scenario] = {}
    for sc in loaded:
        if sc.name == BASELINE and reference.name != BASELINE:  # against another reference: "do nothing"
            policies[sc.name] = sc
            continue
        if sc.name == reference.name or (sc.kind != "policy" and sc.name in ctxs):
            continue  # the reference, or a context already named
        if sc.kind == "policy":
            if sc.name in policies:
                raise ExperimentError(f"scenario '{sc.name}' is given twice")
            policies[sc.name] = sc
        else:
            ctxs[sc.name] = sc
    if not policies and len(ctxs) < 2:
        raise ExperimentError("nothing to compare: name at least one policy besides the reference, or a context "
                              "(see `resilience scenarios list`)")
    arms: dict[str, Arm] = {}
    for ctx in ctxs.values():
        if clinicians is not None and ctx.fixed_posts:
            raise ExperimentError(f"--clinicians {clinicians}: scenario '{ctx.name}' has {ctx.fixed_posts}; "
                                  "leave --clinicians out")
        for pol in (reference, *policies.values()):
            name = cmp.Layout.arm_name(pol.name, ctx.name, reference.name)
            if name in arms:
                raise ExperimentError(f"two arms would be called '{name}'; rename a scenario")
            params = ctx.params.with_overrides(pol.own, context=f"{pol.name} in {ctx.name}")
            if clinicians is not None:
                params = params.with_overrides({"service.n_posts": clinicians}, context="--clinicians")
            arms[name] = Arm(name, pol, ctx, params)
    currencies = {a.context.currency for a in arms.values()} - {""}  # "": a file that names none
    if len(currencies) > 1:
        raise ExperimentError(f"the contexts price their costs in different currencies ({', '.join(sorted(currencies))}); "
                              "compare them separately")
    layout = cmp.Layout(reference.name, tuple(ctxs), {a.name: (a.policy.name, a.context.name) for a in arms.values()})
    return layout, arms


def run_experiment(names: Sequence[str], *, replicates: int, weeks: int, out: Path,
                   clinicians: int | None = None, seed: int = 0, burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS,
                   workers: int | None = None, scheduler: str | None = None, executor: Executor | None = None,
                   progress: bool | None = None, ensemble: str | Path | None = None, baseline: str = BASELINE,
                   contexts: Sequence[str] | None = None, held: Workers | None = None
                   ) -> tuple[ExperimentStore, int]:
    """Run the missing runs of an experiment into its results folder (resuming a partial one).

    Args:
        names: scenario names or files: policies, and contexts to compare them in (see :func:`resolve_arms`).
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
        baseline: the reference policy, or the one context (see :func:`resolve_arms`).
        contexts: the contexts every policy is compared in.
        held: keep the executor of the runs open in ``held`` (its ``executor``) after they end, for later steps
            (:func:`compare` draws the report's charts on it); default: shut down when the runs end.

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
    layout, arms = resolve_arms(names, clinicians, baseline, contexts)
    scenarios = {name: arm.params for name, arm in arms.items()}
    _check_start_weeks(arms, layout, weeks)
    seeds = replicate_seeds(seed, replicates)
    spec = {"scenarios": list(scenarios), "replicates": replicates, "weeks": weeks, "burn_in_weeks": burn_in_weeks,
            "clinicians": clinicians, "root_seed": seed, "baseline": layout.reference_arm(layout.contexts[0]),
            "layout": layout.to_json()}
    plan = None
    if ensemble is not None:
        plan = _ensemble_plan(ensemble, arms, replicates, seed)
        spec["ensemble"] = plan["spec"]
    described = {name: {"title": arm.title, "policy": arm.policy.name, "context": arm.context.name,
                        "kind": "reference" if arm.policy.name == layout.reference else "policy",
                        "file": str(arm.policy.path), "context_file": str(arm.context.path),
                        "extends": list(arm.policy.chain), "settings": arm.settings,
                        "currency": arm.context.currency, "parameters": arm.params.model_dump(),
                        **arm.context.service.describe()}
                 for name, arm in arms.items()}
    services = {name: arm.context.service for name, arm in arms.items() if not arm.context.service.empty}
    store = ExperimentStore(Path(out))
    store.open(spec, described, seeds)  # takes the folder's lock
    if held is not None:
        # the held workers may still be writing parts after this returns (a run cut short, Ctrl-C): the folder
        # stays locked until they have shut down (the stack releases this second hold after the executor)
        acquire_lock(store.folder)
        held.defer(release_lock, store.folder)
    try:
        return _run_missing(store, scenarios, replicates, seed, weeks, burn_in_weeks, workers, scheduler, executor,
                            progress, plan, services, held)
    finally:
        release_lock(store.folder)


#: clinician-weeks one worker simulates per second in a comparison, burn-in (shared by the policies of a context,
#: model.burn_in), warm-start pilot, worker start-up and storage included (measured: `make run`, 480 runs of 300
#: clinicians x 416 weeks, 60 M clinician-weeks, in about 57 s of runs on 2 workers, 525,000 per worker-second;
#: the 240 runs of benchmarks/bench_compare.py on one worker, 30 M in about 57 s; rounded down for busier machines)
CLINICIAN_WEEKS_PER_SECOND = 450_000
#: bytes of stored weekly table per recorded run-week (about 80 columns, compressed Parquet)
BYTES_PER_RUN_WEEK = 400
#: memory of a worker process before it simulates anything (interpreter, NumPy, pandas, compiled kernels), bytes
WORKER_BASE_BYTES = 300e6
#: memory per simulated clinician, peer ties and Mesa agents included (benchmarks/bench_model.py), bytes
BYTES_PER_CLINICIAN = 2_000
#: memory of this process per run-week of the results while it joins them (about 80 columns of 8 bytes held as
#: Arrow tables, about 640 bytes, and once more as the pandas table converted from them; measured), bytes
JOIN_BYTES_PER_RUN_WEEK = 1_300
#: jobs expected to take longer than this get an estimate before they start (seconds)
ESTIMATE_NOTICE_SECONDS = 60.0


def job_estimate(tasks, workers: int, every=None) -> tuple[float, float, float, float]:
    """(seconds, bytes of results, bytes of memory per worker, bytes of memory of this process) a list of run
    tasks is expected to take on ``workers`` processes.

    This process joins the weekly rows of ``every`` run of the experiment at the end (default: ``tasks``; the runs
    of an earlier session included when it resumes), so its memory grows with the whole experiment, not with one
    run as a worker's does.
    """
    seconds = clinician_weeks(tasks) / CLINICIAN_WEEKS_PER_SECOND / max(1, workers)
    memory = WORKER_BASE_BYTES + max((t.params.service.n_posts * BYTES_PER_CLINICIAN
                                      + (t.weeks + 1) * BYTES_PER_RUN_WEEK * 20 for t in tasks), default=0)
    joined = WORKER_BASE_BYTES + sum(t.weeks + 1 for t in (tasks if every is None else every)) * JOIN_BYTES_PER_RUN_WEEK
    return seconds, float(sum(t.weeks + 1 for t in tasks) * BYTES_PER_RUN_WEEK), float(memory), float(joined)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _ensemble_plan(path, arms: dict[str, Arm], replicates: int, seed: int) -> dict:
    """The ensemble row of every replicate and the parameters of every (arm, replicate) over an ensemble."""
    from . import ensemble as ens

    drawn, described = ens.replicate_draws(path, replicates, seed)
    params = {(name, r): arm.params.with_overrides({k: v for k, v in values.items() if k not in arm.settings},
                                                   context=f"--ensemble {path}")
              for name, arm in arms.items() for r, values in enumerate(drawn)}
    return {"rows": described["rows"], "params": params, "spec": described}


def _run_missing(store, scenarios, replicates, seed, weeks, burn_in_weeks, workers, scheduler, executor, progress,
                 plan=None, services=None, held=None):
    done = store.done()
    tasks = make_tasks(scenarios, replicates, seed, weeks, burn_in_weeks, services)
    if plan is not None:
        tasks = [dataclasses.replace(t, params=plan["params"][t.key], ensemble_row=plan["rows"][t.replicate])
                 for t in tasks]
    every, tasks = tasks, [t for t in tasks if t.key not in done]
    if not tasks:
        if not store.manifest.get("finished") or not store.tables_complete(store.TABLES):
            store.finish()  # first time, or the consolidated tables were deleted or damaged: write them again
        return store, 0
    show = sys.stderr.isatty() if progress is None else progress
    n_workers = 1 if workers == 1 or executor is not None else (workers or default_workers())
    size = clinician_weeks(tasks)
    seconds, stored, memory, joined = job_estimate(tasks, n_workers, every)
    if seconds > ESTIMATE_NOTICE_SECONDS and scheduler is None:
        print(f"resilience: {len(tasks)} runs, {size / 1e6:,.1f} M clinician-weeks: about "
              f"{_duration(seconds)} on {n_workers} worker(s), about {memory / 1e6:,.0f} MB of memory per worker "
              f"and {joined / 1e6:,.0f} MB in this process to join the results, and {stored / 1e6:,.1f} MB of "
              f"results in {store.folder}; Ctrl-C stops it and the same command resumes",
              file=sys.stderr)
    total = replicates * len(scenarios)
    with tqdm(total=total, initial=total - len(tasks), desc="runs", unit="run", disable=not show) as bar, \
            (contextlib.nullcontext(held) if held is not None else Workers()) as pool:
        ex = pool.open(executor, workers=workers, scheduler=scheduler, size=size)

        def on_result(result):
            if result.stored:  # by a worker: its tables are held for consolidation
                store.keep(result.key, result.tables)
            else:
                store.add(result)
            bar.update()

        if isinstance(ex, SerialExecutor):
            # one process sees every run: each replicate's first run keeps its burn-in for the others, and every
            # run is stored as soon as it ends
            with burn_in.keeping() if runs_per_replicate(tasks) > 1 else contextlib.nullcontext():
                run_tasks(tasks, ex, on_result)
        else:
            # this process's own workers get a replicate's runs in batches, so that each simulates the replicate's
            # burn-in once, and store each run in the folder as it ends; an executor of unknown size and place
            # (the caller's, dask's) gets one run at a time, which keeps every worker busy, and the runs are stored
            # here
            own = executor is None and scheduler is None
            run_tasks(tasks, ex, on_result, batch=batch_size(tasks, n_workers) if own else 1,
                      parts=store.parts if own else None, workers=n_workers if own else None)
    store.finish()
    return store, len(tasks)


def analyse(store: ExperimentStore, rank_by: str = cmp.DEFAULT_RANK_BY,
            criterion: cmp.Criterion | None = None) -> ComparisonResult:
    """Comparison tables from a stored experiment: every policy against the reference within each context, and
    what each context does against the first.

    Args:
        store: the results store.
        rank_by: the summary that ranks the policies (when ``criterion`` is not given).
        criterion: the ranking criterion (default: the paired difference in ``rank_by``).

    Raises:
        ExperimentError: no finished run of the reference and another arm, or an unknown ranking metric.
    """
    criterion = criterion or cmp.Criterion(rank_by)
    criterion.check()
    runs = store.runs()
    if runs.empty or "scenario" not in runs or runs["scenario"].nunique() < 2:
        raise ExperimentError(f"'{store.folder}' has no finished runs of the baseline and another scenario "
                              "to compare yet; run `resilience compare` with the same options to finish it")
    spec = store.manifest["spec"]
    weeks = int(spec["weeks"])
    layout = cmp.Layout.from_spec(spec)
    described = store.manifest.get("scenarios", {})
    currency = next((d["currency"] for d in described.values() if d.get("currency")), "")
    policy_diffs = cmp.within_contexts(runs, layout, cmp.paired_differences)
    diffs = pd.concat([policy_diffs, cmp.context_differences(runs, layout)], ignore_index=True)
    costs = cmp.within_contexts(runs, layout, cmp.cost_effectiveness, weeks=weeks)
    ranking = cmp.rank_within(policy_diffs, costs, criterion, currency)
    titles = {a: d.get("title", a) for a, d in described.items()}
    decision = (cmp.decision_summary(runs, policy_diffs, costs, layout, weeks, ranking, titles, currency,
                                     seed=int(spec.get("root_seed", 0))) if not ranking.empty else pd.DataFrame())
    return ComparisonResult(store=store, runs=runs, diffs=diffs, costs=costs, ranking=ranking, ran=0,
                            acceptability=cmp.within_contexts(runs, layout, cmp.acceptability, weeks=weeks),
                            layout=layout, decision=decision, currency=currency, titles=titles)


def _check_start_weeks(arms: dict[str, Arm], layout: cmp.Layout, weeks: int) -> None:
    """A lever group that changes something but starts after the last recorded week would silently be the
    reference: refuse it."""
    for name, arm in arms.items():
        base = arms[layout.reference_arm(arm.context.name)].params.flat()
        flat = arm.params.flat()
        for key, start in flat.items():
            if not key.endswith(".start_week") or start < weeks:
                continue
            group = key.rsplit(".", 1)[0]
            changed = [k for k in flat if k.startswith(group + ".") and k != key and flat[k] != base[k]]
            if changed:
                raise ExperimentError(f"scenario {arm.policy.name}: {key} = {start} is not before the end of the run "
                                      f"(--weeks {weeks}), so {', '.join(changed)} would never act; use --weeks "
                                      f"{start + 1} or more, or an earlier start week")


def _check_survey_horizon(names: Sequence[str], clinicians: int | None, weeks: int, rank_by: str,
                          baseline: str = BASELINE, contexts: Sequence[str] | None = None) -> None:
    """A ranking by a survey outcome needs a survey inside the recorded weeks."""
    from model import outcomes

    if not outcomes.SUMMARIES[rank_by].surveyed or not isinstance(weeks, int):
        return
    intervals = {name: arm.params.measurement.survey_interval_weeks
                 for name, arm in resolve_arms(names, clinicians, baseline, contexts)[1].items()}
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
            rank_by: str = cmp.DEFAULT_RANK_BY, ensemble: str | Path | None = None, baseline: str = BASELINE,
            contexts: Sequence[str] | None = None, criterion: cmp.Criterion | None = None) -> ComparisonResult:
    """Run (or resume) a comparison of policies against the reference within contexts, analyse it, and write
    the report.

    See :func:`run_experiment` for the arguments; ``report`` writes ``report.html`` and ``report.md`` into the
    results folder; ``rank_by`` is the summary metric that orders the policies, unless ``criterion`` says
    otherwise (net monetary benefit at a willingness to pay, or a weighted score).
    """
    criterion = criterion or cmp.Criterion(rank_by)
    criterion.check()
    if isinstance(replicates, int) and not isinstance(replicates, bool) and replicates == 1:
        raise ExperimentError("--replicates 1 gives no intervals for the paired differences; use at least 2")
    _check_survey_horizon(names, clinicians, weeks, criterion.rank_by, baseline, contexts)
    with Workers() as held:  # the workers of the runs draw the report's fan charts, then shut down
        store, ran = run_experiment(names, replicates=replicates, weeks=weeks, out=Path(out), clinicians=clinicians,
                                    seed=seed, burn_in_weeks=burn_in_weeks, workers=workers, scheduler=scheduler,
                                    executor=executor, progress=progress, ensemble=ensemble, baseline=baseline,
                                    contexts=contexts, held=held)
        result = analyse(store, criterion=criterion)
        result.ran = ran
        if report:
            from .report import write_report

            write_report(result, executor=held.executor)
    return result

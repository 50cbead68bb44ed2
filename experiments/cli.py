"""The ``resilience`` command line.

    resilience run [SCENARIO] [--weeks N] [--clinicians N] [--seed N] [--burn-in N] [--set NAME=VALUE ...]
                   [--out DIR]
    resilience compare SCENARIO... | --all [--replicates N] [--weeks N] [--clinicians N] [--seed N]
                       [--ensemble ENSEMBLE.parquet] [--workers N | --scheduler ADDRESS] [--out DIR]
    resilience report DIR
    resilience sensitivity EXPERIMENT.toml [--workers N | --scheduler ADDRESS] [--out DIR]
    resilience calibrate CALIBRATION.toml [--workers N | --scheduler ADDRESS] [--out DIR]
    resilience validate [--replicates N] [--clinicians N] [--weeks N] [--no-effects] [--targets FILE]
                        [--ensemble ENSEMBLE.parquet]
                        [--workers N | --scheduler ADDRESS] [--out DIR]
    resilience scenarios list | show NAME | validate FILE... | schema [--write]
    resilience parameters [--tag lever|uncertainty] [--group GROUP]

Bad input ends with a one-line message on standard error and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
import sys
import tomllib
from pathlib import Path

from model import DEFAULT_BURN_IN_WEEKS, ParameterError, Parameters
from model.outcomes import of_team_type
from model.proqol import NORMS
from scenarios import ScenarioError, library_names, load
from scenarios import schema as scenario_schema

from .errors import ExperimentError, SensitivityError
from .single import OutputError, prepare_folder, run_to_folder
from .results import StoreMismatchError


def _parse_assignment(text: str) -> tuple[str, object]:
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise ParameterError([f"--set expects NAME=VALUE, got '{text}'"])
    try:  # TOML literal syntax: 3, 0.5, true, "text"
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return name.strip(), value


#: the largest job sizes accepted on the command line (a typo like 10**9 replicates would run for days)
MAX_REPLICATES = 1000
MAX_WEEKS = 5200  # a hundred years
MAX_CLINICIANS = 1_000_000  # the bound of service.n_posts
MAX_WORKERS = 1024


def _int_at_least(minimum: int, maximum: int | None = None):
    """An argparse type: a whole number of at least ``minimum`` (and at most ``maximum``)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
        if value < minimum or (maximum is not None and value > maximum):
            allowed = f"from {minimum:,} to {maximum:,}" if maximum is not None else f"of at least {minimum}"
            raise argparse.ArgumentTypeError(f"expected a whole number {allowed}, got {value:,}")
        return value

    return parse


_positive = _int_at_least(1)
_non_negative = _int_at_least(0)
_replicates = _int_at_least(1, MAX_REPLICATES)
_weeks = _int_at_least(1, MAX_WEEKS)
_burn_in = _int_at_least(0, MAX_WEEKS)
_clinicians = _int_at_least(1, MAX_CLINICIANS)
_workers = _int_at_least(1, MAX_WORKERS)


def _add_where(parser: argparse.ArgumentParser) -> None:
    """The options that choose where a command's runs go: ``--workers N`` or ``--scheduler ADDRESS``."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_workers, default=None, help="local worker processes (1 = here)")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS", help="dask.distributed scheduler")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="resilience",
        description="Simulate the resilience of a mental-health clinician workforce under organisational policies.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one scenario once and write a results folder",
                         description="Run one scenario once and write weekly.parquet, summary.json and plots "
                                     "(states, ProQOL bands, staffing, costs) into the results folder.")
    run.add_argument("scenario", nargs="?", default="baseline",
                     help="scenario name from the library (see `resilience scenarios list`) or a .toml file "
                          "(default: baseline)")
    run.add_argument("--weeks", type=_weeks, default=260, help="recorded weeks after the burn-in (default 260)")
    run.add_argument("--clinicians", type=_clinicians, default=None,
                     help="budgeted posts (service.n_posts; default from the parameters, 300)")
    run.add_argument("--seed", type=_non_negative, default=0, help="root seed (default 0)")
    run.add_argument("--burn-in", type=_burn_in, default=DEFAULT_BURN_IN_WEEKS, dest="burn_in",
                     help=f"unrecorded weeks before week 0 (default {DEFAULT_BURN_IN_WEEKS})")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="override a parameter by dotted name, e.g. --set supervision.sessions_per_month=2")
    run.add_argument("--out", type=Path, default=None, help="results folder (default results/SCENARIO)")
    run.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                     help="progress bar (default: when the terminal is interactive)")
    cmp_ = sub.add_parser("compare", help="compare policies against the baseline, within contexts, over paired "
                                          "replicates",
                          description="Run every policy and the reference in every context for the same replicate "
                                      "seeds, store the runs, and write report.html and report.md: a decision "
                                      "summary (effects, waiting list, costs with intervals, flags), paired "
                                      "differences, what each context does, fan charts, a forest plot, a "
                                      "cost-effectiveness plane and costs. Contexts named among the scenarios join "
                                      "--context. Running the same command again resumes an interrupted "
                                      "experiment.")
    cmp_.add_argument("scenarios", nargs="*", help="policy (and context) names or .toml files")
    cmp_.add_argument("--file", type=Path, default=None, metavar="COMPARISON.toml",
                      help="a comparison file (policies, contexts, reference, replicates, weeks, clinicians, seed "
                           "and the ranking criterion; ready: experiments/compare); the other options then say "
                           "only where to run and write")
    cmp_.add_argument("--all", action="store_true",
                      help="every policy of the library, in the default service and every library context")
    cmp_.add_argument("--baseline", default="baseline", metavar="NAME",
                      help="the reference: a policy (compared in every context), or a context or service (then "
                           "the one context; default: baseline, the service as it runs)")
    cmp_.add_argument("--context", nargs="+", default=None, metavar="NAME", dest="contexts",
                      help="contexts to compare every policy in (context or service files; default: baseline)")
    cmp_.add_argument("--wtp", type=float, default=None, metavar="AMOUNT",
                      help="rank by net monetary benefit at AMOUNT per high-burnout person-year averted")
    cmp_.add_argument("--weight", action="append", default=[], metavar="SUMMARY=W",
                      help="rank by a weighted score of relative improvements (repeat: --weight "
                           "prop_high_bo_mean=2 --weight n_waitlist_mean=1)")
    cmp_.add_argument("--replicates", type=_replicates, default=10, help="replicates per scenario (default 10)")
    cmp_.add_argument("--weeks", type=_weeks, default=260, help="recorded weeks (default 260)")
    cmp_.add_argument("--clinicians", type=_clinicians, default=None, help="budgeted posts for every scenario")
    cmp_.add_argument("--seed", type=_non_negative, default=0, help="root seed of the replicate seeds")
    cmp_.add_argument("--burn-in", type=_burn_in, default=DEFAULT_BURN_IN_WEEKS, dest="burn_in",
                      help=f"unrecorded weeks before week 0 (default {DEFAULT_BURN_IN_WEEKS})")
    where = cmp_.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_workers, default=None,
                       help="local worker processes (default: all CPUs; 1 = in this process)")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="dask.distributed scheduler address, to run beyond one machine")
    cmp_.add_argument("--rank-by", default="prop_high_bo_mean", dest="rank_by",
                      help="summary metric that orders the scenarios (default prop_high_bo_mean)")
    cmp_.add_argument("--out", type=Path, default=Path("results/comparison"), help="results folder")
    cmp_.add_argument("--ensemble", type=Path, default=None, metavar="ENSEMBLE.parquet",
                      help="a calibrated ensemble (`resilience calibrate`): each replicate runs one weighted draw of "
                           "its plausible parameter sets, the same in every scenario, so intervals include "
                           "parameter uncertainty")
    cmp_.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                      help="progress bar (default: when the terminal is interactive)")
    rep = sub.add_parser("report", help="rebuild the report of a stored experiment without rerunning")
    rep.add_argument("folder", type=Path, help="results folder of a comparison")
    rep.add_argument("--rank-by", default="prop_high_bo_mean", dest="rank_by")
    rep.add_argument("--wtp", type=float, default=None, metavar="AMOUNT")
    rep.add_argument("--weight", action="append", default=[], metavar="SUMMARY=W")
    exp = sub.add_parser("explore", help="policies x contexts x sampled futures: robustness and scenario discovery",
                         description="Run the exploration a TOML file describes (ready: trauma-and-hiring in "
                                     "experiments/explore): every policy in every context across sampled "
                                     "uncertainties (Latin hypercube, Sobol, or a calibrated ensemble's rows), with "
                                     "common random numbers; writes experiments.parquet, robustness.csv, prim.csv "
                                     "and a report. Running it again resumes.")
    exp.add_argument("exploration", help="exploration file, or the name of a ready one")
    _add_where(exp)
    exp.add_argument("--out", type=Path, default=None, help="results folder (default results/explore-NAME)")
    exp.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    dash = sub.add_parser("dashboard", help="the teaching dashboard in a browser: a policy against the baseline on "
                                            "paired replicates, live",
                          description="Serve the Solara dashboard (experiments/dashboard/) on HOST:PORT; open the "
                                      "address it prints in a browser. Ctrl-C stops it.")
    dash.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1: this machine only)")
    dash.add_argument("--port", type=_int_at_least(1, 65535), default=8765, help="port (default 8765)")
    tip = sub.add_parser("tipping", help="sweep sustained understaffing (or demand) up and down: tipping point and "
                                         "hysteresis of the staffing loop",
                         description="Hold each level of a forcing parameter for --hold-weeks, from the lowest to "
                                     "the highest and back, in --replicates runs; report where burnout rises "
                                     "most steeply, whether the way down differs from the way up (hysteresis) and "
                                     "whether the service comes back. Writes report.md, tipping.png and CSV tables.")
    tip.add_argument("--parameter", default="hiring.frozen_share", help="the forcing (default hiring.frozen_share)")
    tip.add_argument("--levels", default=None, metavar="A,B,C", help="ascending levels (default: 8 over the "
                                                                     "parameter's plausible range)")
    tip.add_argument("--scenario", default="baseline", help="the service or context to sweep on")
    tip.add_argument("--outcome", default="mean_bo", help="weekly outcome read for tipping and hysteresis")
    tip.add_argument("--hold-weeks", type=_int_at_least(4, MAX_WEEKS), default=52, dest="hold_weeks")
    tip.add_argument("--replicates", type=_int_at_least(2, MAX_REPLICATES), default=4)
    tip.add_argument("--clinicians", type=_clinicians, default=200)
    tip.add_argument("--seed", type=_non_negative, default=0)
    tip.add_argument("--workers", type=_workers, default=None)
    tip.add_argument("--out", type=Path, default=Path("results/tipping"), help="results folder")
    sen = sub.add_parser("sensitivity", help="global sensitivity analysis (SALib Morris, Sobol, FAST, PAWN)",
                         description="Run the sensitivity experiment a TOML file describes (ready ones: "
                                     "levers-morris, uncertainties-sobol, quick-demo in experiments/sa) and write "
                                     "indices.csv/.parquet, evaluations.parquet, noise.csv and plots. Running it "
                                     "again resumes an interrupted analysis.")
    sen.add_argument("experiment", help="experiment file, or the name of a ready one")
    _add_where(sen)
    sen.add_argument("--out", type=Path, default=None, help="results folder (default results/sensitivity-NAME)")
    sen.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    cal = sub.add_parser("calibrate", help="fit parameters to a service's observed figures (ABC-SMC, pyABC)",
                         description="Fit the parameters a calibration file names to its observed figures (ProQOL "
                                     "survey summaries, turnover, vacancy, sickness absence, waiting list) by "
                                     "ABC-SMC, and write ensemble.parquet (the weighted plausible parameter sets), "
                                     "posterior.csv, fit.csv, generations.csv and report.html. Running it again "
                                     "resumes after the last finished generation. Ready files: "
                                     "experiments/calibration.")
    cal.add_argument("calibration", help="calibration file, or the name of a ready one")
    _add_where(cal)
    cal.add_argument("--out", type=Path, default=None, help="results folder (default results/calibration-NAME)")
    cal.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    val_ = sub.add_parser("validate", help="compare the defaults with published patterns (ProQOL, turnover, ...)",
                          description="Run the default model over replicates, measure each pattern of the targets "
                                      "file as it is published (survey, latent states, clinicians over time, "
                                      "teams, paired runs of the library's programmes) and write report.html "
                                      "with the simulated value, its 95% interval, the published range and a "
                                      "verdict, plus the survey microdata.")
    val_.add_argument("--replicates", type=_int_at_least(2, MAX_REPLICATES), default=10, help="replicates (default 10)")
    val_.add_argument("--clinicians", type=_clinicians, default=300, help="budgeted posts (default 300)")
    val_.add_argument("--weeks", type=_int_at_least(104, MAX_WEEKS), default=260, help="recorded weeks (default 260)")
    val_.add_argument("--burn-in", type=_burn_in, default=DEFAULT_BURN_IN_WEEKS, dest="burn_in",
                      help=f"unrecorded weeks before week 0 (default {DEFAULT_BURN_IN_WEEKS})")
    val_.add_argument("--seed", type=_non_negative, default=20261201, help="root seed of the replicate seeds")
    val_.add_argument("--targets", type=Path, default=None, help="targets file (default: the packaged one)")
    val_.add_argument("--ensemble", type=Path, default=None, metavar="ENSEMBLE.parquet",
                      help="validate a calibrated ensemble: each replicate runs one weighted draw of its parameter "
                           "sets (e.g. of `resilience calibrate published-targets`)")
    val_.add_argument("--no-effects", action="store_false", dest="effects",
                      help="skip the paired runs of the library's programmes")
    _add_where(val_)
    val_.add_argument("--out", type=Path, default=Path("results/validation"), help="results folder")
    scn = sub.add_parser("scenarios", help="list, show or validate scenario files")
    scn_sub = scn.add_subparsers(dest="action", required=True)
    scn_sub.add_parser("list", help="the scenario library with titles")
    show = scn_sub.add_parser("show", help="a scenario's description, evidence and resolved settings")
    show.add_argument("scenario", help="scenario name or .toml file")
    val = scn_sub.add_parser("validate", help="check scenario files; exit 2 at the first invalid one")
    val.add_argument("files", nargs="+", help="scenario names or .toml files")
    sch = scn_sub.add_parser("schema", help="print (or --write) the JSON schema of scenario files")
    sch.add_argument("--write", action="store_true", help=f"write it to {scenario_schema.SCHEMA_PATH.name}")
    par = sub.add_parser("parameters", help="list the parameters with defaults, units and ranges")
    par.add_argument("--tag", choices=("lever", "uncertainty"), help="only levers or only uncertainties")
    par.add_argument("--group", help="only one group, e.g. supervision")
    return parser


def _cmd_run(args: argparse.Namespace) -> int:
    scenario = load(args.scenario)
    _warn(scenario)
    overrides = dict(_parse_assignment(a) for a in args.set)
    if args.clinicians is not None and scenario.fixed_posts:
        raise ExperimentError(f"--clinicians {args.clinicians}: scenario '{scenario.name}' has {scenario.fixed_posts};"
                              " leave --clinicians out")
    if "service.n_posts" in overrides and scenario.fixed_posts:
        raise ExperimentError(f"--set service.n_posts: scenario '{scenario.name}' has {scenario.fixed_posts}")
    if args.clinicians is not None:
        overrides["service.n_posts"] = args.clinicians
    params = scenario.params.with_overrides(overrides, context="command line")
    out = args.out if args.out is not None else Path("results") / scenario.name
    result = run_to_folder(params, seed=args.seed, weeks=args.weeks, out=out, burn_in_weeks=args.burn_in,
                           name=scenario.name, progress=args.progress,
                           scenario={"title": scenario.title, "file": str(scenario.path),
                                     "extends": list(scenario.chain), "settings": scenario.overrides,
                                     "command_line_overrides": overrides,
                                     **scenario.service.describe()},
                           service=scenario.service)
    s = result.summary
    print(f"{scenario.name}: results written to {out}/ (weekly.parquet, summary.json, states.png, proqol.png, "
          f"staffing.png, costs.png)")
    print(f"  ProQOL raw means over the run: CS {s['proqol_cs_raw_mean']:.1f}, BO {s['proqol_bo_raw_mean']:.1f}, "
          f"STS {s['proqol_sts_raw_mean']:.1f} (published norms "
          f"{', '.join(f'{NORMS[k][0]:g}' for k in ('cs', 'bo', 'sts'))})")
    for t in scenario.team_types:
        of = {m: s[of_team_type(m, t.name)] for m in ("proqol_bo_raw_mean", "proqol_sts_raw_mean", "annual_turnover",
                                                       "n_waitlist_mean")}
        print(f"  {scenario.team_type_titles.get(t.name, t.name)} ({t.n_posts} posts): BO {of['proqol_bo_raw_mean']:.1f}, "
              f"STS {of['proqol_sts_raw_mean']:.1f}, turnover {of['annual_turnover']:.0%}/year, "
              f"{of['n_waitlist_mean']:.0f} waiting (team_types.csv)")
    print(f"  high burnout {s['prop_high_bo_mean']:.0%}, high STS {s['prop_high_sts_mean']:.0%}, "
          f"annual turnover {s['annual_turnover']:.0%}, vacancy rate {s['prop_vacant_mean']:.0%}")
    years = args.weeks / 52
    print(f"  cost per year: programmes {s['cum_programme_cost'] / years:,.0f}, turnover "
          f"{s['cum_turnover_cost'] / years:,.0f}, total {s['cum_total_cost'] / years:,.0f}")
    return 0


#: what a comparison file says, with the command line's defaults (the options may not say it as well)
_FILE_DECIDES = {"scenarios": [], "all": False, "replicates": 10, "weeks": 260, "clinicians": None, "seed": 0,
                 "burn_in": DEFAULT_BURN_IN_WEEKS, "rank_by": "prop_high_bo_mean", "baseline": "baseline",
                 "contexts": None, "wtp": None, "weight": [], "ensemble": None}


def _cmd_compare(args: argparse.Namespace) -> int:
    from .experiment import compare

    if args.file is not None:
        from .comparison_file import run_file

        given = [k for k, default in _FILE_DECIDES.items() if getattr(args, k) != default]
        if given:
            raise ExperimentError(f"--file {args.file}: the file says what to compare; leave out "
                                  f"{', '.join('--' + k.replace('_', '-') if k != 'scenarios' else 'scenario names' for k in given)}")
        res = run_file(args.file, out=args.out, workers=args.workers, scheduler=args.scheduler,
                       progress=args.progress)
        print(f"report: {args.out}/report.html (and report.md)")
        print(f"ran {res.ran} of {len(res.runs)} runs" if res.ran else
              f"nothing to run: all {len(res.runs)} runs are already stored in {args.out}/; report rebuilt")
        _print_ranking(res)
        return 0
    names = library_names() if args.all else list(args.scenarios)
    for name in names:
        _warn(load(name))
    if args.all and args.scenarios:
        raise ExperimentError("give scenario names or --all, not both")
    if not names:
        raise ExperimentError("no scenarios: name at least one (see `resilience scenarios list`) or use --all")
    res = compare(names, replicates=args.replicates, weeks=args.weeks, out=args.out, clinicians=args.clinicians,
                  seed=args.seed, burn_in_weeks=args.burn_in, workers=args.workers, scheduler=args.scheduler,
                  progress=args.progress, rank_by=args.rank_by, ensemble=args.ensemble, baseline=args.baseline,
                  contexts=args.contexts, criterion=_criterion(args))
    n = len(res.runs)
    print(f"report: {args.out}/report.html (and report.md)")
    if res.ran == 0:
        print(f"nothing to run: all {n} runs are already stored in {args.out}/; report rebuilt")
    else:
        print(f"ran {res.ran} of {n} runs")
    _print_ranking(res)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .experiment import analyse
    from .report import write_report
    from .results import ExperimentStore

    res = analyse(ExperimentStore.load(args.folder), criterion=_criterion(args))
    write_report(res)
    print(f"report: {args.folder}/report.html (and report.md)")
    _print_ranking(res)
    return 0


def _criterion(args: argparse.Namespace):
    """The ranking criterion of ``--rank-by``, ``--wtp`` and ``--weight SUMMARY=W``."""
    from .comparison import Criterion

    weights = []
    for item in args.weight:
        metric, sep, value = item.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = None
        if not sep or weight is None:
            raise ExperimentError(f"--weight {item!r} is not allowed (allowed: SUMMARY=WEIGHT, e.g. "
                                  "prop_high_bo_mean=2)")
        weights.append((metric.strip(), weight))
    if args.wtp is not None and weights:
        raise ExperimentError("give --wtp or --weight, not both: each is a ranking criterion")
    return Criterion(args.rank_by, args.wtp, tuple(weights))


def _print_ranking(res) -> None:
    print(res.ranking.attrs["criterion"] + ":")
    for context, d in res.ranking.groupby("context", sort=False):
        if res.layout is not None and len(res.layout.contexts) > 1:
            print(f" in {res.titles.get(res.layout.reference_arm(context), context)}:")
        for _, r in d.head(5).iterrows():
            what = res.ranking.attrs.get("score", "effect")
            score = "" if what == "effect" else f"{what} {r['score']:+,.4g}; "
            print(f"  {r['rank']:2d}. {r['scenario']:40s} {score}difference {r['diff']:+.3f} "
                  f"[{r['ci_low']:+.3f}, {r['ci_high']:+.3f}]")



def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from .sensitivity_file import run_file

    out = args.out or Path("results") / f"sensitivity-{Path(args.experiment).stem}"
    res = run_file(args.experiment, out=out, workers=args.workers, scheduler=args.scheduler,
                   progress=args.progress)
    n = len(res.evaluations)
    print(f"results: {out}/ (indices.csv, indices.parquet, evaluations.parquet, noise.csv, figures/)")
    print(f"ran {res.ran} of {n} evaluations" if res.ran else f"nothing to run: all {n} evaluations were stored")
    key = {"morris": "mu_star", "sobol": "ST", "fast": "ST", "pawn": "median"}[res.meta["method"]]
    ind = res.indices[(res.indices["index"] == key) & res.indices["week"].isna()]
    for out_name, d in ind.groupby("output", sort=False):
        top = d.sort_values("value", ascending=False).head(3)
        noise = res.noise.set_index("output").loc[out_name, "noise_share"]
        print(f"  {out_name}: " + ", ".join(f"{r.factor} {r.value:.3g}" for r in top.itertuples())
              + (f"  (replicate noise {noise:.0%} of variance)" if noise == noise else ""))
    return 0


def _cmd_explore(args: argparse.Namespace) -> int:
    from .explore import run_file

    out = args.out or Path("results") / f"explore-{Path(args.exploration).stem}"
    res = run_file(args.exploration, out=out, workers=args.workers, scheduler=args.scheduler, progress=args.progress)
    print(f"results: {out}/ (report.html, experiments.parquet, robustness.csv"
          + (", prim.csv" if not res.boxes.empty or res.sentences else "") + ")")
    n = len(res.experiments)
    print(f"ran {res.ran} of {n} experiments" + (f" in {res.seconds:.0f} s ({res.ran / res.seconds:.2f} per second)"
                                                 if res.ran and res.seconds else ""))
    print(res.stability)
    for sentence in res.sentences:
        print(f"  {sentence}")
    return 0


def dashboard_command(host: str, port: int) -> list[str]:
    """The command that serves the dashboard (Solara's server, offline: its assets come from solara-assets)."""
    return [sys.executable, "-m", "solara", "run", "experiments.dashboard", "--host", host, "--port", str(port),
            "--production", "--no-open"]


def _cmd_dashboard(args: argparse.Namespace) -> int:
    import subprocess

    print(f"dashboard: http://{args.host}:{args.port} (Ctrl-C stops it)", flush=True)
    try:
        return subprocess.call(dashboard_command(args.host, args.port))
    except KeyboardInterrupt:
        return 0


def _cmd_tipping(args: argparse.Namespace) -> int:
    from .tipping import sweep, write

    levels = None
    if args.levels is not None:
        try:
            levels = [float(v) for v in args.levels.split(",")]
        except ValueError:
            raise ExperimentError(f"--levels {args.levels!r} is not allowed (allowed: numbers separated by commas, "
                                  "e.g. 0,0.1,0.2,0.3)") from None
    res = sweep(args.parameter, levels, scenario=args.scenario, hold_weeks=args.hold_weeks,
                replicates=args.replicates, clinicians=args.clinicians, seed=args.seed, workers=args.workers,
                outcome=args.outcome)
    report = write(res, args.out, args.outcome)
    print(f"report: {report} (tipping.png, tipping.csv, tipping_summary.csv, hysteresis.csv)")
    for sentence in res.sentences:
        print(f"  {sentence}")
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from .calibration_file import run_file

    out = args.out or Path("results") / f"calibration-{Path(args.calibration).stem}"
    res = run_file(args.calibration, out=out, workers=args.workers, scheduler=args.scheduler,
                   progress=args.progress)
    print(f"results: {out}/ (ensemble.parquet, posterior.csv, fit.csv, generations.csv, report.html)")
    print(f"ran {res.ran} generation(s); {len(res.generations)} in all, "
          f"{int(res.generations.simulations.sum()):,} simulations; stopped: {res.stopped}")
    for r in res.posterior.itertuples():
        print(f"  {r.parameter}: {r.q50:.4g} (5-95% {r.q05:.4g} to {r.q95:.4g}; prior {r.prior_low:g} to "
              f"{r.prior_high:g}, default {r.default:g})")
    if res.fit["fits"].all():
        print("every observation fits")
    for warning in res.warnings:
        print(f"warning: {warning}")
    return 0


def _warn(sc) -> None:
    for line in sc.warnings:
        print(f"resilience: warning: {line}", file=sys.stderr)


KIND_WORDS = {"policy": "levers the organisation decides", "context": "what the organisation does not control",
              "service": "a service as it runs today: the default policy and context of its comparisons"}


def _cmd_scenarios(args: argparse.Namespace) -> int:
    if args.action == "list":
        for name in library_names():
            sc = load(name)
            print(f"{name:34s} {sc.kind:8s} {sc.title}")
    elif args.action == "show":
        sc = load(args.scenario)
        target = f"\n  target: {sc.target} ({sc.target_direction})" if sc.target else ""
        print(f"{sc.name}: {sc.title}\n  kind: {sc.kind} ({KIND_WORDS[sc.kind]})\n  file: {sc.path}\n"
              f"  extends: {' -> '.join(sc.chain)}{target}\n")
        print(sc.description + "\n\nEvidence: " + sc.evidence + "\n\nSettings (differences from the defaults):")
        for key, value in sorted(sc.overrides.items()):
            spec = Parameters.spec(key)
            print(f"  {key} = {value!r}  ({spec.unit}; default {spec.default!r}; {spec.tag})")
        if not sc.overrides:
            print("  none: the default parameters" if sc.team_types or sc.staff else "  none: this is the default service")
        if sc.staff is not None:
            d = sc.staff.describe()
            print(f"\nStaff snapshot: {d['source']} ({d['posts']} posts in {d['teams']} teams, {d['filled']} filled, "
                  f"{d['open_cases']} open cases)")
        if sc.team_types:
            print("\nTeam types (relative to the service-wide values: 1 = the same):")
            for t in sc.team_types:
                rel = ", ".join(f"{k.removeprefix('rel_')} x{v:.3g}" for k, v in t.__dict__.items()
                                if k.startswith("rel_") and v != 1.0)
                teams = ("in the snapshot's teams" if sc.staff is not None else
                         f"in teams of {t.team_size_min}-{t.team_size_max}")
                print(f"  {t.name} ({sc.team_type_titles.get(t.name, t.name)}): {t.n_posts} posts {teams}"
                      + (f"; {rel}" if rel else ""))
    elif args.action == "validate":
        for item in args.files:
            sc = load(item)
            print(f"ok: {sc.path} ({sc.name}: {len(sc.overrides)} settings)")
            _warn(sc)
    else:
        if args.write:
            print(f"wrote {scenario_schema.write()}")
        else:
            print(scenario_schema.render(), end="")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .validation import load_targets, validate, write_validation

    targets = load_targets(args.targets)
    if args.ensemble is not None:
        from .ensemble import read_ensemble

        read_ensemble(args.ensemble)  # a bad ensemble stops before the results folder is made
    prepare_folder(args.out)
    v = validate(replicates=args.replicates, clinicians=args.clinicians, weeks=args.weeks,
                 burn_in_weeks=args.burn_in, seed=args.seed, effects=args.effects, targets=targets,
                 workers=args.workers, scheduler=args.scheduler, ensemble=args.ensemble)
    report = write_validation(v, args.out)
    counts = v.table["verdict"].value_counts()
    print(f"validation report: {report}")
    print(f"  {len(v.table)} patterns: " + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("meets", "near", "misses")))
    for r in v.table.itertuples():
        if r.verdict != "meets":
            print(f"  {r.verdict:6s} {r.title}: {r.simulated:.3g} (published {r.published_low:g}-{r.published_high:g})")
    return 0


def _cmd_parameters(args: argparse.Namespace) -> int:
    specs = Parameters.specs()
    if args.group:
        groups = sorted({s.path[0] for s in specs})
        if args.group not in groups:
            raise ParameterError([f"unknown group '{args.group}'; groups: {', '.join(groups)}"])
        specs = [s for s in specs if s.path[0] == args.group]
    if args.tag:
        specs = [s for s in specs if s.tag == args.tag]
    for s in specs:
        print(f"{s.name:45s} {s.default!s:>8} {s.unit:32s} range {s.range[0]:g}-{s.range[1]:g}  [{s.tag}]")
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("workforce-resilience")
    except PackageNotFoundError:  # run from a source tree that was not installed
        return "unknown (not installed)"


class Terminated(KeyboardInterrupt):
    """SIGTERM (a batch scheduler's time limit, ``timeout``, ``kill``), handled like Ctrl-C."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main_thread else None
    try:
        return _dispatch(args)
    except BrokenPipeError:
        # the reader went away (`resilience parameters | head`): stop quietly, and keep Python from complaining
        # again when it flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if in_main_thread:  # a caller (a test, a notebook) keeps its own SIGTERM handling
            signal.signal(signal.SIGTERM, previous)


def _dispatch(args: argparse.Namespace) -> int:
    try:
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "scenarios":
            return _cmd_scenarios(args)
        if args.command == "compare":
            return _cmd_compare(args)
        if args.command == "report":
            return _cmd_report(args)
        if args.command == "sensitivity":
            return _cmd_sensitivity(args)
        if args.command == "explore":
            return _cmd_explore(args)
        if args.command == "tipping":
            return _cmd_tipping(args)
        if args.command == "dashboard":
            return _cmd_dashboard(args)
        if args.command == "calibrate":
            return _cmd_calibrate(args)
        if args.command == "validate":
            return _cmd_validate(args)
        return _cmd_parameters(args)
    except (ParameterError, OutputError, ScenarioError, ExperimentError, StoreMismatchError,
            SensitivityError) as exc:
        print(f"resilience: error: {exc}", file=sys.stderr)
        return 2
    except Terminated:
        print("resilience: terminated (SIGTERM); run the same command again to resume", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("resilience: interrupted; run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

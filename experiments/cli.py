"""The ``resilience`` command line.

    resilience run [--weeks N] [--clinicians N] [--seed N] [--burn-in N] [--set NAME=VALUE ...] [--out DIR]
    resilience parameters [--tag lever|uncertainty] [--group GROUP]

Bad input ends with a one-line message on standard error and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from model import DEFAULT_BURN_IN_WEEKS, ParameterError, Parameters

from .single import OutputError, run_to_folder


def _parse_assignment(text: str) -> tuple[str, object]:
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise ParameterError([f"--set expects NAME=VALUE, got '{text}'"])
    try:  # TOML literal syntax: 3, 0.5, true, "text"
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return name.strip(), value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value}")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="resilience",
        description="Simulate the resilience of a mental-health clinician workforce under organisational policies.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the model once and write a results folder",
                         description="Run the model once (default parameters unless --set) and write "
                                     "weekly.parquet, summary.json and plots into the results folder.")
    run.add_argument("--weeks", type=_positive, default=260, help="recorded weeks after the burn-in (default 260)")
    run.add_argument("--clinicians", type=_positive, default=None,
                     help="budgeted posts (service.n_posts; default from the parameters, 300)")
    run.add_argument("--seed", type=_non_negative, default=0, help="root seed (default 0)")
    run.add_argument("--burn-in", type=_non_negative, default=DEFAULT_BURN_IN_WEEKS, dest="burn_in",
                     help=f"unrecorded weeks before week 0 (default {DEFAULT_BURN_IN_WEEKS})")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="override a parameter by dotted name, e.g. --set supervision.sessions_per_month=2")
    run.add_argument("--out", type=Path, default=Path("results/baseline"), help="results folder")
    run.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                     help="progress bar (default: when the terminal is interactive)")
    par = sub.add_parser("parameters", help="list the parameters with defaults, units and ranges")
    par.add_argument("--tag", choices=("lever", "uncertainty"), help="only levers or only uncertainties")
    par.add_argument("--group", help="only one group, e.g. supervision")
    return parser


def _cmd_run(args: argparse.Namespace) -> int:
    overrides = dict(_parse_assignment(a) for a in args.set)
    if args.clinicians is not None:
        overrides["service.n_posts"] = args.clinicians
    params = Parameters().with_overrides(overrides, context="command line")
    result = run_to_folder(params, seed=args.seed, weeks=args.weeks, out=args.out, burn_in_weeks=args.burn_in,
                           progress=args.progress)
    s = result.summary
    print(f"results written to {args.out}/ (weekly.parquet, summary.json, states.png, proqol.png, staffing.png)")
    print(f"  ProQOL raw means over the run: CS {s['proqol_cs_raw_mean']:.1f}, BO {s['proqol_bo_raw_mean']:.1f}, "
          f"STS {s['proqol_sts_raw_mean']:.1f} (published norms 37.7, 22.8, 16.7)")
    print(f"  high burnout {s['prop_high_bo_mean']:.0%}, high STS {s['prop_high_sts_mean']:.0%}, "
          f"annual turnover {s['annual_turnover']:.0%}, vacancy rate {s['prop_vacant_mean']:.0%}")
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return _cmd_run(args)
        return _cmd_parameters(args)
    except (ParameterError, OutputError) as exc:
        print(f"resilience: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("resilience: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

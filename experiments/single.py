"""One run written to a results folder: weekly table, summary with resolved parameters, plots."""

from __future__ import annotations

import json
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from model import DEFAULT_BURN_IN_WEEKS, Parameters, RunResult, simulate


class OutputError(RuntimeError):
    """The results folder cannot be written."""


def prepare_folder(out: Path) -> Path:
    """Create ``out`` (and parents) and check it is writable; raise :class:`OutputError` if not."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write results to '{out}': {exc.strerror or exc}") from None
    return out


def single_run_files() -> tuple[str, ...]:
    """The files a single run writes (``summary.json`` last: its presence marks a finished run)."""
    from .plots import RUN_PLOTS  # matplotlib only where a run's figures are drawn, not in workers that store

    return ("weekly.parquet", *RUN_PLOTS, "summary.json")


def check_single_run_folder(out: Path) -> None:
    """Refuse to write a single run into a folder holding anything else (a comparison, other files).

    An empty or missing folder, or one holding only a previous single run's files, is fine: the new run replaces
    the old one.

    Raises:
        OutputError: the folder holds files that are not a single run's (named in the message).
    """
    out = Path(out)
    if not out.is_dir():
        if out.exists():
            raise OutputError(f"cannot write results to '{out}': it is a file, not a folder")
        return
    ours = single_run_files()
    other = sorted(p.name for p in out.iterdir() if p.name not in ours and not p.name.startswith("."))
    if other:
        shown = ", ".join(other[:3]) + (f" and {len(other) - 3} more" if len(other) > 3 else "")
        raise OutputError(f"'{out}' is not empty and is not a single-run folder (it holds {shown}); choose "
                          "another --out or delete it")


def versions() -> dict[str, str]:
    """Versions of Python and the packages a result depends on."""
    out = {"python": platform.python_version()}
    for pkg in ("workforce-resilience", "mesa", "numpy", "scipy", "pandas", "networkx", "pydantic"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def team_type_figures(summary: dict) -> pd.DataFrame:
    """A run's headline figures for each team type (``team_type``, ``metric``, ``label``, ``unit``, ``value``);
    empty for a service without team types."""
    from .comparison import by_team_type

    typed = by_team_type(pd.DataFrame([{"scenario": "run", "replicate": 0, **summary}]))
    return typed.rename(columns={"mean": "value"})[["team_type", "metric", "label", "unit", "value"]]


def run_to_folder(params: Parameters, *, seed: int, weeks: int, out: Path,
                  burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS, name: str = "baseline",
                  progress: bool | None = None, scenario: dict | None = None, service=None) -> RunResult:
    """Run the model once and write ``weekly.parquet``, ``summary.json`` and PNG plots into ``out``.

    Args:
        params: resolved parameters.
        seed: root seed.
        weeks: recorded weeks.
        out: results folder (created if missing).
        burn_in_weeks: unrecorded weeks before week 0.
        name: run name written into the summary.
        progress: show a progress bar; default: only when standard error is a terminal.
        scenario: description of the scenario (title, file, settings) written into the summary.
        service: the scenario's team types and staff snapshot (:class:`~model.service.Service`), or None.

    Returns:
        the :class:`~model.RunResult`.

    Raises:
        OutputError: the folder cannot be written.
    """
    from .results import atomic_write  # results builds on this module

    check_single_run_folder(out)
    out = prepare_folder(out)
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(total=weeks, desc=f"{name}: weeks", unit="wk", disable=not show, leave=False) as bar:
        result = simulate(params, seed=seed, weeks=weeks, burn_in_weeks=burn_in_weeks,
                          on_week=lambda _w: bar.update(), service=service)
    (out / "summary.json").unlink(missing_ok=True)  # until the new run is whole, the folder is not a finished run
    atomic_write(out / "weekly.parquet", lambda tmp: result.weekly.to_parquet(tmp, index=False))
    summary = {
        "name": name,
        "seed": seed,
        "weeks": weeks,
        "burn_in_weeks": burn_in_weeks,
        "scenario": scenario or {},
        "summary": result.summary,
        "parameters": params.model_dump(),
        "versions": versions(),
        "command": " ".join([os.path.basename(sys.argv[0])] + sys.argv[1:]),
    }
    from .plots import plot_run

    plot_run(result.weekly, out)
    typed = team_type_figures(result.summary)
    if not typed.empty:
        atomic_write(out / "team_types.csv", lambda tmp: typed.to_csv(tmp, index=False))
    atomic_write(out / "summary.json",
                 lambda tmp: tmp.write_text(json.dumps(summary, indent=2, default=float), encoding="utf-8"))
    return result

"""Sensitivity-analysis experiment files (TOML), validated, and the run they describe.

Example (``experiments/sa/uncertainties-sobol.toml``)::

    method = "sobol"
    n = 256
    calc_second_order = false
    replicates = 1
    outputs = ["proqol_bo_raw_mean", "annual_turnover", "cum_total_cost"]
    time_resolved = ["mean_bo"]
    every_weeks = 13
    weeks = 156
    clinicians = 200

    [parameters]
    tags = ["uncertainties"]
    exclude = ["measurement.item_noise_sd_bo"]

    [ranges]
    "burnout.rate_gain" = [0.018, 0.034]
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from model.outcomes import BY_NAME, SUMMARIES
from scenarios import ScenarioError
from scenarios import load as load_scenario
from scenarios.loader import read_text

from .sensitivity import (
    METHODS,
    ModelFunction,
    SensitivityError,
    SensitivityResult,
    known_outputs,
    known_time_resolved,
    problem_from_parameters,
    run_sensitivity,
)

LIBRARY = Path(__file__).resolve().parent / "sa"


class Selection(BaseModel):
    """Which parameters are factors."""

    model_config = ConfigDict(extra="forbid")
    names: list[str] = Field(default_factory=list, description="dotted parameter names")
    groups: list[str] = Field(default_factory=list, description="parameter groups")
    tags: list[Literal["levers", "uncertainties"]] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list, description="names to leave out")
    start_weeks: bool = Field(True, description="keep the lever groups' start weeks in a selection by group or "
                                                "tag (false: leave every start_week out)")


class SensitivityFile(BaseModel):
    """A sensitivity experiment."""

    model_config = ConfigDict(extra="forbid")
    title: str = ""
    method: Literal["morris", "sobol", "fast", "pawn"]
    n: int = Field(gt=1, le=65_536, description="base sample size (Sobol: a power of two)")
    calc_second_order: bool = False
    num_levels: int = Field(4, ge=2, le=20)
    replicates: int = Field(1, ge=1, le=1000)
    seed: int = Field(0, ge=0)
    common_random_numbers: bool = True
    scenario: str = "baseline"
    weeks: int = Field(156, ge=1, le=5200)
    burn_in_weeks: int = Field(52, ge=0, le=5200)
    clinicians: int = Field(200, ge=1, le=1_000_000)
    outputs: list[str] = Field(min_length=1)
    time_resolved: list[str] = Field(default_factory=list)
    every_weeks: int = Field(13, ge=1)
    parameters: Selection
    ranges: dict[str, tuple[float, float]] = Field(default_factory=dict)

    @field_validator("outputs")
    @classmethod
    def _known_outputs(cls, v: list[str]) -> list[str]:
        return [_check_name(o, known_outputs(), "output") for o in v]

    @field_validator("time_resolved")
    @classmethod
    def _known_series(cls, v: list[str]) -> list[str]:
        return [_check_name(o, known_time_resolved(), "weekly outcome") for o in v]


def _check_name(name: str, known: list[str], what: str) -> str:
    if name not in known:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"unknown {what} '{name}'{hint}")
    return name


def library_names() -> list[str]:
    """Ready-made experiment files in ``experiments/sa``."""
    return sorted(p.stem for p in LIBRARY.glob("*.toml"))


def load(path_or_name: str | Path) -> tuple[Path, SensitivityFile]:
    """Read and validate an experiment file (a path, or a name from ``experiments/sa``).

    Raises:
        SensitivityError: missing file, invalid TOML, or invalid fields (file, key path, value, what is allowed).
    """
    path = ready_file(path_or_name, LIBRARY, "experiment", SensitivityError)
    return path, read_validated(path, SensitivityFile, SensitivityError, {"parameters": Selection})


def ready_file(path_or_name: str | Path, library: Path, what: str, error: type[Exception]) -> Path:
    """The file a command names: a path, else a ready one's name in ``library``.

    Raises:
        error: neither exists (the message lists the ready ones).
    """
    path = Path(path_or_name)
    if not path.is_file() and (library / f"{path_or_name}.toml").is_file():
        path = library / f"{path_or_name}.toml"
    if not path.exists():
        ready = ", ".join(sorted(p.stem for p in library.glob("*.toml")))
        raise error(f"{path}: no such {what} file (ready ones: {ready})")
    return path


def read_validated(path: Path, model: type[BaseModel], error: type[Exception],
                   nested: dict[str, type[BaseModel]] | None = None) -> BaseModel:
    """Read a TOML file and validate it as ``model``; every problem in one line of ``error``.

    Args:
        path: the file.
        model: the pydantic model of the file.
        error: the exception raised (its message: the file, then ``key = value: what is allowed`` per problem).
        nested: models of nested tables by top-level key, for the "did you mean" of an unknown key in them.
    """
    if path.is_dir():
        raise error(f"{path}: is a directory, not an experiment file")
    try:
        data = tomllib.loads(read_text(path))
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: invalid TOML: {exc}") from None
    except ValueError as exc:
        raise error(f"{path}: {exc}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
                fields = (nested or {}).get(str(err["loc"][0]), model).model_fields if len(err["loc"]) > 1 \
                    else model.model_fields
                close = difflib.get_close_matches(str(err["loc"][-1]), list(fields), n=1)
                msg += f"; did you mean '{close[0]}'?" if close else ""
            lines.append(f"{loc} = {err.get('input')!r}: {msg}")
        raise error(f"{path}: " + "; ".join(lines)) from None


def scenario_of(path: Path, name: str, error: type[Exception]):
    """The scenario an experiment file names: a ``.toml`` file next to it, else a library scenario or a path.

    Raises:
        error: the scenario cannot be loaded (one line: the experiment file, the key and the reason).
    """
    try:
        sibling = path.parent / name
        return load_scenario(sibling if sibling.suffix == ".toml" and sibling.is_file() else name)
    except ScenarioError as exc:
        raise error(f"{path}: scenario = {name!r}: {exc}") from None


def check_survey_horizon(path: Path, scenario, weeks: int, metrics: list[str], what: str,
                         error: type[Exception]) -> None:
    """Refuse ``weeks`` shorter than the scenario's survey interval when a survey summary among ``metrics`` would
    then have no value (``what`` names them in the message: "output", "metric")."""
    every = scenario.params.measurement.survey_interval_weeks
    surveyed = [m for m in metrics if m in SUMMARIES and SUMMARIES[m].surveyed]
    if surveyed and weeks < every:
        raise error(f"{path}: weeks = {weeks} is shorter than the survey interval ({every} weeks, "
                    f"measurement.survey_interval_weeks), so the survey {what}(s) {surveyed} would have no value; "
                    f"use weeks = {every} or more")


def run_file(path_or_name: str | Path, *, out: str | Path, workers: int | None = None, scheduler: str | None = None,
             executor=None, progress: bool | None = None) -> SensitivityResult:
    """Run the experiment a file describes into ``out`` (resumable) and write tables and plots."""
    path, spec = load(path_or_name)
    try:
        problem = problem_from_parameters(spec.parameters.names, spec.parameters.groups, spec.parameters.tags,
                                          spec.ranges, spec.parameters.exclude, spec.parameters.start_weeks)
    except SensitivityError as exc:
        raise SensitivityError(f"{path}: {exc}") from None
    scenario = scenario_of(path, spec.scenario, SensitivityError)
    if scenario.fixed_posts and "clinicians" in spec.model_fields_set:
        raise SensitivityError(f"{path}: clinicians = {spec.clinicians}: scenario '{spec.scenario}' has "
                               f"{scenario.fixed_posts}; leave clinicians out")
    base = scenario.overrides | {"service.n_posts": scenario.service.n_posts or spec.clinicians}
    survey_every = scenario.params.measurement.survey_interval_weeks
    surveyed = [o for o in spec.time_resolved if BY_NAME[o].kind == "survey"]
    check_survey_horizon(path, scenario, spec.weeks, spec.outputs, "output", SensitivityError)
    if spec.time_resolved and spec.every_weeks > spec.weeks:
        raise SensitivityError(f"{path}: every_weeks = {spec.every_weeks} exceeds weeks = {spec.weeks}: no time "
                               "point would be recorded")
    if surveyed and spec.every_weeks % survey_every:
        raise SensitivityError(f"{path}: time_resolved survey outcome(s) {surveyed} need every_weeks to be a "
                               f"multiple of the survey interval ({survey_every} weeks), got {spec.every_weeks}")
    f = ModelFunction(outputs=tuple(spec.outputs), time_resolved=tuple(spec.time_resolved), weeks=spec.weeks,
                      burn_in_weeks=spec.burn_in_weeks, every_weeks=spec.every_weeks,
                      base=tuple(sorted(base.items())), int_names=tuple(problem["int_names"]),
                      service=None if scenario.service.empty else scenario.service)
    try:
        result = run_sensitivity(f, problem, spec.method, spec.n, replicates=spec.replicates, seed=spec.seed,
                                 common_random_numbers=spec.common_random_numbers,
                                 calc_second_order=spec.calc_second_order, num_levels=spec.num_levels,
                                 executor=executor, workers=workers, scheduler=scheduler, out=out,
                                 progress=progress, spec={"file": str(path), **spec.model_dump()})
    except SensitivityError as exc:
        raise SensitivityError(f"{path}: {exc}") from None
    from .sensitivity_plots import plot_all

    plot_all(result, Path(out))
    return result


__all__ = ["METHODS", "SensitivityFile", "load", "run_file", "library_names"]

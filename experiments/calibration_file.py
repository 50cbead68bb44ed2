"""Calibration files (TOML), validated, and the calibration they describe.

Example (``experiments/calibration/community-service.toml``)::

    title = "Community mental health service, spring survey"
    scenario = "baseline"            # a library scenario or a scenario file next to this one
    clinicians = 200
    weeks = 156                      # simulated weeks the observed figures summarise
    burn_in_weeks = 52

    [[observed]]
    metric = "proqol_bo_raw_mean"    # a run summary (`resilience calibrate --metrics` lists them)
    value = 24.1
    se = 0.45                        # standard error of the observation

    [[observed]]
    metric = "annual_turnover"
    value = 0.36
    se = 0.03

    [[observed]]                     # a survey figure: its se from the number of respondents (and the SD)
    metric = "proqol_bo_raw_mean"
    team_type = "crisis"             # of one team type of a service description (scenario with [[team_types]])
    value = 26.0
    sd = 6.1
    respondents = 31

    [calibrate]
    parameters = ["burnout.rate_gain", "turnover.p_quit_week"]   # dotted names, groups or tags
    population = 100                 # particles per generation: the ensemble's size
    max_generations = 8
    min_epsilon = 1.0                # stop when the simulations are within about one se of the observations

    [calibrate.ranges]               # narrowed priors (within the declared plausible ranges)
    "burnout.rate_gain" = [0.02, 0.035]
"""

from __future__ import annotations

import math
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from model import Parameters
from model.outcomes import BY_TEAM_TYPE, SUMMARIES, of_team_type

from .calibration import CalibrationError, CalibrationResult, Observation, calibrate
from .sensitivity import ModelFunction, SensitivityError, known_outputs, problem_from_parameters
from .sensitivity_file import _check_name, check_survey_horizon, read_validated, ready_file, scenario_of
from .validation import load_targets

LIBRARY = Path(__file__).resolve().parent / "calibration"
#: tags accepted in ``calibrate.parameters`` besides dotted names and group names
TAG_WORDS = ("levers", "uncertainties")


def survey_se(metric: str, value: float, respondents: int, sd: float | None) -> float:
    """The standard error of a survey figure observed over ``respondents`` people.

    A mean score: ``sd / sqrt(n)`` (``sd`` needed). A share of respondents (a band, a cut-point): the
    Agresti-Coull standard error ``sqrt(p (1 - p) / (n + 4))`` with ``p = (value n + 2) / (n + 4)``, which stays
    above 0 for a share of 0 or 1 (Agresti & Coull 1998). An SD across respondents: ``value / sqrt(2 (n - 1))``,
    its large-sample standard error under normality.

    Raises:
        ValueError: the metric is not a survey figure, or a mean without ``sd``.
    """
    outcome = SUMMARIES[metric].outcomes[0]
    if not SUMMARIES[metric].surveyed:
        raise ValueError(f"respondents gives a standard error only for survey figures; '{metric}' is not one, so "
                         "give its se")
    if outcome.endswith("_sd"):
        if value <= 0:
            raise ValueError(f"value = {value!r}: an SD across respondents is above 0")
        return value / math.sqrt(2 * (respondents - 1))
    if outcome.startswith("prop_"):
        if not 0 <= value <= 1:
            raise ValueError(f"value = {value!r}: '{metric}' is a share of respondents, from 0 to 1")
        p = (value * respondents + 2) / (respondents + 4)
        return math.sqrt(p * (1 - p) / (respondents + 4))
    if sd is None:
        raise ValueError(f"'{metric}' is a mean score: give sd (the SD across respondents) with respondents, or its se")
    return sd / math.sqrt(respondents)


class Observed(BaseModel):
    """One observed figure: ``metric``, ``value`` and ``se`` (or, for a survey figure, ``respondents`` and, for a
    mean score, ``sd``), optionally of one ``team_type``; or ``target`` (a published target of
    ``experiments/targets.toml`` that names its run summary; its range is read as a 95% interval)."""

    model_config = ConfigDict(extra="forbid")
    metric: str | None = Field(None, description="a run summary, e.g. proqol_bo_raw_mean, annual_turnover")
    value: float | None = Field(None, description="the observed value, in the metric's unit")
    se: float | None = Field(None, description="standard error of the observation (> 0)")
    respondents: int | None = Field(None, ge=2, description="survey respondents the figure is over (instead of se)")
    sd: float | None = Field(None, gt=0, description="SD across respondents of a mean score (with respondents)")
    team_type: str | None = Field(None, description="the team type the figure is of (a service with team types)")
    target: str | None = Field(None, description="a published target with a metric (instead of metric, value, se)")
    note: str = ""

    @property
    def key(self) -> str:
        """The run summary the figure is compared with: ``metric``, or ``metric[team_type]``."""
        return self.metric if self.team_type is None else of_team_type(self.metric, self.team_type)

    @field_validator("metric")
    @classmethod
    def _known(cls, v: str | None) -> str | None:
        return v if v is None else _check_name(v, known_outputs(), "metric")

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v

    @field_validator("se")
    @classmethod
    def _positive(cls, v: float | None) -> float | None:
        if v is not None and not (math.isfinite(v) and v > 0):
            raise ValueError("must be a positive number (the standard error of the observed value)")
        return v

    @model_validator(mode="after")
    def _complete(self) -> Observed:
        given = [k for k in ("metric", "value", "se", "respondents", "sd", "team_type") if getattr(self, k) is not None]
        if self.target is None:
            if self.se is not None and self.respondents is not None:
                raise ValueError("give se or respondents, not both")
            if self.sd is not None and self.respondents is None:
                raise ValueError("sd comes with respondents (the se is sd / sqrt(respondents))")
            missing = [k for k in ("metric", "value") if k not in given]
            if self.se is None and self.respondents is None:
                missing.append("se")
            if missing:
                raise ValueError(f"missing {', '.join(missing)}: an observation has metric, value and se (or "
                                 "respondents, for a survey figure; or a published target)")
            if self.team_type is not None and not all(o in BY_TEAM_TYPE for o in SUMMARIES[self.metric].outcomes):
                raise ValueError(f"metric '{self.metric}' is not recorded per team type (costs, float staff's cases, "
                                 "notices and sick-leave starts are service-wide only)")
            if self.respondents is not None:
                self.se = survey_se(self.metric, self.value, self.respondents, self.sd)
            return self
        if given:
            raise ValueError(f"target = {self.target!r} comes with its own metric, value and se; leave out "
                             f"{', '.join(given)}")
        targets = {t.name: t for t in load_targets()}
        usable = sorted(n for n, t in targets.items() if t.metric)
        if self.target not in targets or not targets[self.target].metric:
            raise ValueError(f"target = {self.target!r}: expected a target of experiments/targets.toml that names "
                             f"its run summary ({', '.join(usable)})")
        t = targets[self.target]
        self.metric = t.metric
        self.value, self.se = t.observation
        return self


class Calibrate(BaseModel):
    """What is calibrated and how long the sequence may run."""

    model_config = ConfigDict(extra="forbid")
    parameters: list[str] = Field(min_length=1, description="dotted names, group names or tags (levers, "
                                                            "uncertainties)")
    exclude: list[str] = Field(default_factory=list, description="names to leave out of a group or tag")
    ranges: dict[str, tuple[float, float]] = Field(default_factory=dict, description="narrowed prior ranges")
    population: int = Field(100, ge=2, le=100_000, description="particles per generation")
    max_generations: int = Field(8, ge=1, le=100)
    min_epsilon: float = Field(1.0, ge=0, description="stop at this tolerance (RMS of (sim - obs) / se)")
    max_simulations: int = Field(5000, ge=1, le=10_000_000)
    min_acceptance_rate: float = Field(0.02, ge=0, lt=1)


class CalibrationFile(BaseModel):
    """A calibration."""

    model_config = ConfigDict(extra="forbid")
    title: str = ""
    scenario: str = "baseline"
    clinicians: int = Field(200, ge=1, le=1_000_000)
    weeks: int = Field(156, ge=1, le=5200)
    burn_in_weeks: int = Field(52, ge=0, le=5200)
    warm_start: bool = True
    seed: int = Field(0, ge=0)
    observed: list[Observed] = Field(min_length=1)
    calibrate: Calibrate

    @field_validator("observed")
    @classmethod
    def _once(cls, v: list[Observed]) -> list[Observed]:
        seen: set[str] = set()
        for o in v:
            if o.key in seen:
                of = f" of team type '{o.team_type}'" if o.team_type else ""
                raise ValueError(f"metric '{o.metric}'{of} is observed twice; give each metric once")
            seen.add(o.key)
        return v


def library_names() -> list[str]:
    """Ready-made calibration files in ``experiments/calibration``."""
    return sorted(p.stem for p in LIBRARY.glob("*.toml"))


def load(path_or_name: str | Path) -> tuple[Path, CalibrationFile]:
    """Read and validate a calibration file (a path, or a name from ``experiments/calibration``).

    Raises:
        CalibrationError: missing file, invalid TOML or invalid fields (file, key path, value, what is allowed).
    """
    path = ready_file(path_or_name, LIBRARY, "calibration", CalibrationError)
    return path, read_validated(path, CalibrationFile, CalibrationError, {"calibrate": Calibrate})


def selection(entries: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Split ``calibrate.parameters`` into (names, groups, tags): a dotted entry is a name, a tag word a tag, and
    anything else a group (checked by :func:`experiments.sensitivity.problem_from_parameters`)."""
    names = [e for e in entries if "." in e]
    tags = [e for e in entries if e in TAG_WORDS]
    groups = [e for e in entries if "." not in e and e not in TAG_WORDS]
    return names, groups, tags


def prepare(path_or_name: str | Path):
    """Everything a calibration file describes: ``(path, spec, function, problem, observations)``.

    Raises:
        CalibrationError: bad input (one line naming the file, the key and the value).
    """
    path, spec = load(path_or_name)
    c = spec.calibrate
    names, groups, tags = selection(c.parameters)
    try:
        problem = problem_from_parameters(names, groups, tags, c.ranges, c.exclude, start_weeks=False)
    except SensitivityError as exc:
        raise CalibrationError(f"{path}: calibrate: {exc}") from None
    scenario = scenario_of(path, spec.scenario, CalibrationError)
    fixed = sorted(set(problem["names"]) & set(scenario.overrides))
    if fixed:
        raise CalibrationError(f"{path}: calibrate.parameters: {fixed} are set by scenario '{spec.scenario}', so "
                               "they cannot also be calibrated; leave them out or use a scenario that does not set "
                               "them")
    check_survey_horizon(path, scenario, spec.weeks, [o.metric for o in spec.observed], "metric", CalibrationError)
    if scenario.fixed_posts and "clinicians" in spec.model_fields_set:
        raise CalibrationError(f"{path}: clinicians = {spec.clinicians}: scenario '{spec.scenario}' has "
                               f"{scenario.fixed_posts}; leave clinicians out")
    declared = [t.name for t in scenario.team_types]
    for i, o in enumerate(spec.observed):
        if o.team_type is not None and o.team_type not in declared:
            allowed = (f"one of {', '.join(declared)}" if declared else
                       "none: the scenario has no team types (a service description declares [[team_types]])")
            raise CalibrationError(f"{path}: observed.{i}.team_type = {o.team_type!r}: expected {allowed}")
    posts = scenario.service.n_posts or spec.clinicians
    base = scenario.overrides | {"service.n_posts": posts}
    Parameters().with_overrides(base)  # the scenario and the size together are valid
    f = ModelFunction(outputs=tuple(o.key for o in spec.observed), weeks=spec.weeks,
                      burn_in_weeks=spec.burn_in_weeks, base=tuple(sorted(base.items())),
                      int_names=tuple(problem["int_names"]), warm_start=spec.warm_start,
                      service=None if scenario.service.empty else scenario.service)
    observations = [Observation(o.key, o.value, o.se) for o in spec.observed]
    return path, spec, f, problem, observations


def run_file(path_or_name: str | Path, *, out: str | Path, workers: int | None = None, scheduler: str | None = None,
             executor=None, progress: bool | None = None) -> CalibrationResult:
    """Run the calibration a file describes into ``out`` (resumable); writes the ensemble, tables and report."""
    path, spec, f, problem, observations = prepare(path_or_name)
    c = spec.calibrate
    try:
        return calibrate(f, problem, observations, population=c.population, max_generations=c.max_generations,
                         min_epsilon=c.min_epsilon, max_simulations=c.max_simulations,
                         min_acceptance_rate=c.min_acceptance_rate, seed=spec.seed, workers=workers,
                         scheduler=scheduler, executor=executor, out=out, progress=progress,
                         spec={"file": str(path), **spec.model_dump()})
    except CalibrationError as exc:
        raise CalibrationError(f"{path}: {exc}") from None


__all__ = ["CalibrationFile", "load", "prepare", "run_file", "library_names"]

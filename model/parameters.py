"""The model's parameters: one pydantic object, declared once, with units, ranges, tags and sources.

Every field is declared with :func:`param`, which records

* ``unit`` – the unit the value is in (``"clients"``, ``"/week"``, ``"0-1 index"``),
* ``range`` – the plausible range; sensitivity analysis samples from it and the docs print it,
* ``bounds`` – the values the model accepts (defaults to ``range``); anything outside raises,
* ``tag`` – ``"lever"`` (the organisation controls it) or ``"uncertainty"`` (it does not),
* ``source`` – the evidence or rationale for the default.

Fields are addressed by flat dotted names (``"supervision.sessions_per_month"``) everywhere: scenario files,
SALib problems, the CLI and ``mesa.batch_run``. :meth:`Parameters.with_overrides` validates such overrides and
raises :class:`ParameterError` naming the field, the value and the allowed range, with the closest valid name
for a typo.

Values are checked strictly, with one convenience for numbers produced by samplers and grids (``mesa.batch_run``,
SALib, the EMA Workbench): NumPy scalars count as the Python numbers they hold, and a float with no fractional
part (``3.0``) is accepted for a whole-number field. Everything else keeps its type: ``3.5`` or ``"3"`` for a
whole number, or a boolean for any number, is refused.

The defaults describe a generic publicly funded outpatient mental-health service and were calibrated so that
ProQOL means, spread and annual turnover sit near published figures (see ``docs/ODD.md`` section 9).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Tag = Literal["lever", "uncertainty"]

__all__ = ["Parameters", "ParameterError", "FieldSpec", "param"]


class ParameterError(ValueError):
    """A parameter value or name was rejected.

    Attributes:
        problems: one human-readable line per rejected field.
    """

    def __init__(self, problems: list[str], context: str = ""):
        self.problems = list(problems)
        self.context = context
        head = f"{context}: " if context else ""
        if len(problems) == 1:
            super().__init__(head + problems[0])
        else:
            super().__init__(head + f"{len(problems)} invalid parameters:\n  - " + "\n  - ".join(problems))


def param(
    default: Any,
    *,
    unit: str,
    range: tuple[float, float],  # noqa: A002 - the word users know
    tag: Tag,
    source: str,
    doc: str,
    bounds: tuple[float, float] | None = None,
) -> Any:
    """Declare one parameter field with its metadata.

    Args:
        default: the default value (its Python type is the field's type).
        unit: unit of the value.
        range: plausible (low, high), used by sensitivity analysis and printed in the docs.
        tag: ``"lever"`` or ``"uncertainty"``.
        source: evidence or rationale for the default.
        doc: one-sentence meaning of the parameter.
        bounds: accepted (low, high); defaults to ``range``.

    Returns:
        A pydantic ``Field`` carrying the metadata in ``json_schema_extra``.
    """
    lo, hi = bounds if bounds is not None else range
    if not (lo <= range[0] <= range[1] <= hi):
        raise ValueError(f"range {range} must lie within bounds {(lo, hi)}")
    if not (lo <= default <= hi):
        raise ValueError(f"default {default} outside bounds {(lo, hi)}")
    return Field(
        default,
        ge=lo,
        le=hi,
        description=doc,
        json_schema_extra={"unit": unit, "range": list(range), "tag": tag, "source": source},
    )


def start_week(what: str) -> Any:
    """The ``start_week`` field of a lever group: when the group's levers take their scenario values."""
    return param(
        0, unit="weeks after burn-in", range=(0, 52), bounds=(0, 5200), tag="lever",
        source="Scenario design: policies start at a chosen week; before it the group's levers keep their defaults.",
        doc=f"The {what} levers of this group apply in the weeks after this one (0: from the first recorded "
            "week); until then, and during the burn-in, they take their default values.",
    )


def _as_number(value: Any, kind: type) -> Any:
    """``value`` as the Python number a field of type ``kind`` (``int`` or ``float``) takes, where that is exact.

    NumPy scalars become the Python numbers they hold; for a whole-number field, an integral float becomes an
    ``int`` (a float field takes ``int`` values as they are and stores them as floats). Booleans (Python or NumPy)
    become Python booleans, which strict validation refuses for numbers. Anything else (a fractional float for a
    whole number, a string) is returned unchanged, so that validation refuses it with the usual message.
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.integer):
        value = int(value)
    elif isinstance(value, np.floating):
        value = float(value)
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Group(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, validate_default=False)

    @model_validator(mode="before")
    @classmethod
    def _numbers_from_samplers(cls, data: Any) -> Any:
        """Accept NumPy scalars and integral floats for whole numbers (see :func:`_as_number`)."""
        if not isinstance(data, Mapping):
            return data
        out: dict[str, Any] | None = None
        for name, value in data.items():
            info = cls.model_fields.get(name)
            if info is None:
                continue
            new = _as_number(value, info.annotation)
            if new is not value:
                out = dict(data) if out is None else out
                out[name] = new
        return data if out is None else out


# --------------------------------------------------------------------------------------------------------------
# Groups, one per concern. Order of groups = order in docs.
# --------------------------------------------------------------------------------------------------------------


class Service(_Group):
    """Size and make-up of the service."""

    n_posts: int = param(
        300, unit="posts", range=(50, 5000), bounds=(1, 1_000_000), tag="lever",
        source="DESIGN: services of 50 to 5,000 clinicians; default a mid-sized regional service.",
        doc="Budgeted clinical posts (each post holds at most one clinician).",
    )
    team_size_min: int = param(
        6, unit="posts", range=(4, 8), bounds=(2, 50), tag="lever",
        source="Community mental-health teams typically hold 6-12 clinicians (DESIGN section 3).",
        doc="Smallest team.",
    )
    team_size_max: int = param(
        12, unit="posts", range=(10, 16), bounds=(2, 50), tag="lever",
        source="Community mental-health teams typically hold 6-12 clinicians (DESIGN section 3).",
        doc="Largest team.",
    )
    initial_vacancy_rate: float = param(
        0.08, unit="share of posts", range=(0.0, 0.25), bounds=(0.0, 0.9), tag="uncertainty",
        source="Behavioural-health vacancy rates of 5-15% are commonly reported in workforce surveys.",
        doc="Share of posts vacant at week 0 (posts are vacated, or filled by new hires, at the end of the "
            "burn-in to reach it; the burn-in itself starts from the default).",
    )
    prop_part_time: float = param(
        0.25, unit="share of clinicians", range=(0.0, 0.5), bounds=(0.0, 1.0), tag="uncertainty",
        source="Roughly a quarter of the clinical workforce works part-time (NHS workforce statistics).",
        doc="Share of clinicians working part-time.",
    )
    part_time_fte: float = param(
        0.6, unit="FTE", range=(0.4, 0.8), bounds=(0.1, 1.0), tag="uncertainty",
        source="Typical part-time contract of three days a week.",
        doc="Full-time equivalent of a part-time clinician.",
    )
    prop_trauma_specialist: float = param(
        0.2, unit="share of clinicians", range=(0.0, 0.5), bounds=(0.0, 1.0), tag="lever",
        source="Assumption: about one clinician in five holds a trauma-focused therapy specialism.",
        doc="Share of clinicians who are trauma specialists (the pool that concentrated allocation uses).",
    )

    @model_validator(mode="after")
    def _team_sizes_ordered(self) -> Service:
        if self.team_size_min > self.team_size_max:
            raise ValueError(
                f"service.team_size_min ({self.team_size_min}) must not exceed "
                f"service.team_size_max ({self.team_size_max})"
            )
        return self


class InitialStaff(_Group):
    """Established clinicians at the start of a run (before the burn-in): distributions of their states.

    Each latent state and emotional intelligence is Beta-distributed with the given mean and SD; an SD above what
    a Beta with that mean can have is capped (:func:`model.state.beta_shapes`), and a mean of 0 or 1 or an SD of
    0 gives every clinician the mean.
    """

    ei_mean: float = param(
        0.5, unit="0-1 EI", range=(0.4, 0.6), bounds=(0.0, 1.0), tag="uncertainty",
        source="Scale convention: trait EI centred on the scale midpoint; the EI-training gain (0.1) is about two "
               "thirds of this SD (Mattingly & Kraiger 2019, g about 0.6).",
        doc="Mean emotional intelligence of established staff at the start of a run (Beta distribution).",
    )
    ei_sd: float = param(
        0.15, unit="0-1 EI (SD)", range=(0.1, 0.2), bounds=(0.0, 0.5), tag="uncertainty",
        source="Scale convention: trait EI centred on the scale midpoint; the EI-training gain (0.1) is about two "
               "thirds of this SD (Mattingly & Kraiger 2019, g about 0.6).",
        doc="Standard deviation of emotional intelligence among established staff (Beta; capped at sqrt(mean (1 - "
            "mean) / 2)).",
    )
    se_mean: float = param(
        0.56, unit="0-1 SE", range=(0.45, 0.65), bounds=(0.0, 1.0), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9).",
        doc="Mean self-efficacy of established staff at the start of a run (Beta distribution).",
    )
    se_sd: float = param(
        0.2, unit="0-1 SE (SD)", range=(0.12, 0.25), bounds=(0.0, 0.5), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9).",
        doc="Standard deviation of self-efficacy among established staff (Beta; capped at sqrt(mean (1 - mean) / 2)).",
    )
    cs_mean: float = param(
        0.67, unit="0-1 CS", range=(0.55, 0.75), bounds=(0.0, 1.0), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9); ProQOL CS norm (Stamm 2010).",
        doc="Mean compassion satisfaction of established staff at the start of a run (Beta distribution).",
    )
    cs_sd: float = param(
        0.115, unit="0-1 CS (SD)", range=(0.07, 0.16), bounds=(0.0, 0.5), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9); ProQOL CS norm (Stamm 2010).",
        doc="Standard deviation of compassion satisfaction among established staff (Beta; capped at sqrt(mean (1 - "
            "mean) / 2)).",
    )
    bo_mean: float = param(
        0.31, unit="0-1 BO", range=(0.2, 0.4), bounds=(0.0, 1.0), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9); ProQOL BO norm (Stamm 2010).",
        doc="Mean burnout of established staff at the start of a run (Beta distribution).",
    )
    bo_sd: float = param(
        0.15, unit="0-1 BO (SD)", range=(0.09, 0.2), bounds=(0.0, 0.5), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9); ProQOL BO norm (Stamm 2010).",
        doc="Standard deviation of burnout among established staff (Beta; capped at sqrt(mean (1 - mean) / 2)).",
    )
    sts_mean: float = param(
        0.16, unit="0-1 STS", range=(0.1, 0.25), bounds=(0.0, 1.0), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9); ProQOL STS norm (Stamm 2010).",
        doc="Mean secondary traumatic stress of established staff at the start of a run (Beta distribution).",
    )
    sts_sd: float = param(
        0.11, unit="0-1 STS (SD)", range=(0.07, 0.15), bounds=(0.0, 0.5), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9); ProQOL STS norm (Stamm 2010).",
        doc="Standard deviation of secondary traumatic stress among established staff (Beta; capped at sqrt(mean (1 -"
            " mean) / 2)).",
    )
    intention_mean: float = param(
        0.28, unit="0-1 intention", range=(0.18, 0.38), bounds=(0.0, 1.0), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9).",
        doc="Mean turnover intention of established staff at the start of a run (Beta distribution).",
    )
    intention_sd: float = param(
        0.15, unit="0-1 intention (SD)", range=(0.09, 0.2), bounds=(0.0, 0.5), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9).",
        doc="Standard deviation of turnover intention among established staff (Beta; capped at sqrt(mean (1 - mean) /"
            " 2)).",
    )
    reserves_mean: float = param(
        0.435, unit="0-1 reserves", range=(0.35, 0.55), bounds=(0.0, 1.0), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9).",
        doc="Mean personal reserves (COR) of established staff at the start of a run (Beta distribution).",
    )
    reserves_sd: float = param(
        0.065, unit="0-1 reserves (SD)", range=(0.04, 0.1), bounds=(0.0, 0.5), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9).",
        doc="Standard deviation of personal reserves (COR) among established staff (Beta; capped at sqrt(mean (1 - "
            "mean) / 2)).",
    )
    growth_mean: float = param(
        0.107, unit="0-1 growth", range=(0.05, 0.17), bounds=(0.0, 1.0), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9).",
        doc="Mean post-traumatic growth of established staff at the start of a run (Beta distribution).",
    )
    growth_sd: float = param(
        0.085, unit="0-1 growth (SD)", range=(0.05, 0.12), bounds=(0.0, 0.5), tag="uncertainty",
        source="Calibration: near the model's own long-run distribution under default parameters, which the burn-in "
               "then lets settle (docs/ODD.md, section 9).",
        doc="Standard deviation of post-traumatic growth among established staff (Beta; capped at sqrt(mean (1 - "
            "mean) / 2)).",
    )
    mean_tenure_weeks: float = param(
        200.0, unit="weeks", range=(100.0, 400.0), bounds=(1.0, 2000.0), tag="uncertainty",
        source="Assumption: about four years in post on average, in line with annual turnover of 25-30% in "
               "behavioural health (Brabson et al. 2020).",
        doc="Mean time in post of established staff at the start (geometric distribution, at least 1 week).",
    )
    mastery: float = param(
        0.7, unit="share of ended episodes", range=(0.5, 0.85), bounds=(0.0, 1.0), tag="uncertainty",
        source="About two thirds of episodes end in improvement (Saxon et al. 2017): clients.p_recovery_week / "
               "(p_recovery_week + p_dropout_week) is 0.71 at the defaults.",
        doc="Starting value of the smoothed share of ended episodes that were recoveries (mastery).",
    )
    vicarious_resilience: float = param(
        0.33, unit="trauma-weighted recoveries/week", range=(0.15, 0.5), bounds=(0.0, 10.0), tag="uncertainty",
        source="Calibration: near the model's own long-run value under default parameters.",
        doc="Starting value of the smoothed trauma-weighted client recoveries per week (vicarious resilience).",
    )


class NewHires(_Group):
    """Clinicians hired into vacant posts: distributions of their states when they start.

    Drawn like :class:`InitialStaff` (Beta with mean and SD, SD capped where infeasible). The mean self-efficacy
    of a new hire is ``self_efficacy.new_hire_mean`` (it belongs to the self-efficacy mechanism and keeps its
    name); new hires start with no time in post, no caseload and no vicarious resilience.
    """

    ei_mean: float = param(
        0.5, unit="0-1 EI", range=(0.4, 0.6), bounds=(0.0, 1.0), tag="uncertainty",
        source="Scale convention: trait EI centred on the scale midpoint; the EI-training gain (0.1) is about two "
               "thirds of this SD (Mattingly & Kraiger 2019, g about 0.6).",
        doc="Mean emotional intelligence of new hires (Beta distribution).",
    )
    ei_sd: float = param(
        0.15, unit="0-1 EI (SD)", range=(0.1, 0.2), bounds=(0.0, 0.5), tag="uncertainty",
        source="Scale convention: trait EI centred on the scale midpoint; the EI-training gain (0.1) is about two "
               "thirds of this SD (Mattingly & Kraiger 2019, g about 0.6).",
        doc="Standard deviation of emotional intelligence among new hires (Beta; capped at sqrt(mean (1 - mean) / "
            "2)).",
    )
    se_sd: float = param(
        0.1, unit="0-1 SE (SD)", range=(0.06, 0.15), bounds=(0.0, 0.5), tag="uncertainty",
        source="Assumption: new hires differ less in confidence than established staff; mean in "
               "self_efficacy.new_hire_mean.",
        doc="Standard deviation of self-efficacy among new hires (Beta; capped at sqrt(mean (1 - mean) / 2)).",
    )
    cs_mean: float = param(
        0.65, unit="0-1 CS", range=(0.55, 0.75), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: new hires start with neutral-to-good satisfaction (near the ProQOL CS norm, Stamm 2010).",
        doc="Mean compassion satisfaction of new hires (Beta distribution).",
    )
    cs_sd: float = param(
        0.1, unit="0-1 CS (SD)", range=(0.06, 0.15), bounds=(0.0, 0.5), tag="uncertainty",
        source="Assumption: new hires start with a moderate spread of satisfaction.",
        doc="Standard deviation of compassion satisfaction among new hires (Beta; capped at sqrt(mean (1 - mean) / "
            "2)).",
    )
    bo_mean: float = param(
        0.2, unit="0-1 BO", range=(0.1, 0.3), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: new hires start with low burnout (early-career burnout builds over the first years, "
               "Rodolfa et al. 2005 on trainees).",
        doc="Mean burnout of new hires (Beta distribution).",
    )
    bo_sd: float = param(
        0.08, unit="0-1 BO (SD)", range=(0.05, 0.12), bounds=(0.0, 0.5), tag="uncertainty",
        source="Assumption: new hires start with a small spread of burnout.",
        doc="Standard deviation of burnout among new hires (Beta; capped at sqrt(mean (1 - mean) / 2)).",
    )
    sts_mean: float = param(
        0.1, unit="0-1 STS", range=(0.05, 0.18), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: new hires start with low STS (little trauma caseload yet).",
        doc="Mean secondary traumatic stress of new hires (Beta distribution).",
    )
    sts_sd: float = param(
        0.06, unit="0-1 STS (SD)", range=(0.03, 0.09), bounds=(0.0, 0.5), tag="uncertainty",
        source="Assumption: new hires start with a small spread of STS.",
        doc="Standard deviation of secondary traumatic stress among new hires (Beta; capped at sqrt(mean (1 - mean) /"
            " 2)).",
    )
    intention_mean: float = param(
        0.1, unit="0-1 intention", range=(0.05, 0.2), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: new hires start with little intention to leave the post they just chose.",
        doc="Mean turnover intention of new hires (Beta distribution).",
    )
    intention_sd: float = param(
        0.05, unit="0-1 intention (SD)", range=(0.03, 0.08), bounds=(0.0, 0.5), tag="uncertainty",
        source="Assumption: new hires start with a small spread of turnover intention.",
        doc="Standard deviation of turnover intention among new hires (Beta; capped at sqrt(mean (1 - mean) / 2)).",
    )
    reserves_mean: float = param(
        0.6, unit="0-1 reserves", range=(0.45, 0.7), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: new hires start with fuller personal reserves than established staff (COR, Hobfoll 2001).",
        doc="Mean personal reserves (COR) of new hires (Beta distribution).",
    )
    reserves_sd: float = param(
        0.1, unit="0-1 reserves (SD)", range=(0.06, 0.15), bounds=(0.0, 0.5), tag="uncertainty",
        source="Assumption: new hires start with a moderate spread of reserves.",
        doc="Standard deviation of personal reserves (COR) among new hires (Beta; capped at sqrt(mean (1 - mean) / "
            "2)).",
    )
    growth_mean: float = param(
        0.05, unit="0-1 growth", range=(0.0, 0.1), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: new hires start with little post-traumatic growth from this kind of work.",
        doc="Mean post-traumatic growth of new hires (Beta distribution).",
    )
    growth_sd: float = param(
        0.03, unit="0-1 growth (SD)", range=(0.02, 0.05), bounds=(0.0, 0.5), tag="uncertainty",
        source="Assumption: new hires start with a small spread of growth.",
        doc="Standard deviation of post-traumatic growth among new hires (Beta; capped at sqrt(mean (1 - mean) / 2)).",
    )
    mastery: float = param(
        0.7, unit="share of ended episodes", range=(0.5, 0.85), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: new hires expect the service's usual success share, about 0.7 (Saxon et al. 2017).",
        doc="Starting value of a new hire's smoothed share of ended episodes that were recoveries (mastery).",
    )


class Traits(_Group):
    """Stable person-level differences: negative affectivity, emotional intelligence, calling."""

    ei_affectivity_correlation: float = param(
        0.4, unit="correlation", range=(0.2, 0.6), bounds=(0.0, 0.95), tag="uncertainty",
        source="Trait EI correlates negatively with neuroticism/negative affectivity (Petrides et al. 2010; "
               "Frajo-Apor et al. 2016 on EI and resilience).",
        doc="Correlation of a clinician's emotional intelligence with low vulnerability (negative affectivity) at "
            "the draw (Gaussian copula).",
    )
    ei_vulnerability: float = param(
        0.6, unit="rel. change per unit EI", range=(0.3, 0.9), bounds=(0.0, 1.5), tag="uncertainty",
        source="EI as a personal resource lowers emotional vulnerability to work stressors (Zeidner et al. 2012; "
               "Mikolajczak et al. 2008).",
        doc="Fall of burnout and STS accrual per unit of emotional intelligence above traits.ei_reference "
            "(multiplier 1 - this x (EI - reference), at least 0.1).",
    )
    ei_recovery: float = param(
        0.6, unit="rel. change per unit EI", range=(0.3, 1.0), bounds=(0.0, 2.0), tag="uncertainty",
        source="Emotion regulation speeds recovery from stress (Mikolajczak et al. 2008).",
        doc="Rise of burnout and STS recovery per unit of emotional intelligence above traits.ei_reference.",
    )
    ei_reference: float = param(
        0.5, unit="0-1 EI", range=(0.4, 0.6), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: the mean trait EI neither protects nor sensitises.",
        doc="Emotional intelligence at which its vulnerability and recovery paths are neutral.",
    )
    calling_sd: float = param(
        1.15, unit="relative SD", range=(0.6, 1.4), bounds=(0.0, 3.0), tag="uncertainty",
        source="A sense of calling or meaning in the work is a stable difference behind compassion satisfaction "
               "(Stamm 2010; Duffy & Dik 2013).",
        doc="Spread of a clinician's meaning-of-work gain of CS (multiplier max(0, 1 + this x z), z standard "
            "normal); calibrated to the raw CS SD of 6.5.",
    )


class Clients(_Group):
    """Referrals, trauma mix and episodes of care."""

    referrals_per_post_week: float = param(
        1.4, unit="referrals/post/week", range=(1.0, 2.5), bounds=(0.0, 20.0), tag="uncertainty",
        source="Calibrated so a fully staffed service runs at about 90% of its caseload capacity.",
        doc="Mean weekly referrals per budgeted post (Poisson arrivals).",
    )
    prop_trauma_moderate: float = param(
        0.35, unit="share of referrals", range=(0.2, 0.5), bounds=(0.0, 1.0), tag="uncertainty",
        source="Most adults in mental-health services report trauma exposure (Mauritz et al. 2013).",
        doc="Share of referrals with moderate trauma (trauma-related but not the main presentation).",
    )
    prop_trauma_high: float = param(
        0.20, unit="share of referrals", range=(0.1, 0.4), bounds=(0.0, 1.0), tag="uncertainty",
        source="PTSD and complex trauma in about 15-30% of secondary-care caseloads (Mauritz et al. 2013).",
        doc="Share of referrals with high trauma (PTSD, complex trauma, recent assault).",
    )
    p_recovery_week: float = param(
        0.045, unit="probability/week", range=(0.03, 0.07), bounds=(0.0, 1.0), tag="uncertainty",
        source="Episodes of 12-20 sessions (Saxon et al. 2017); about two thirds end in improvement.",
        doc="Weekly chance that a low-trauma episode ends in recovery, with an average clinician.",
    )
    p_dropout_week: float = param(
        0.018, unit="probability/week", range=(0.01, 0.03), bounds=(0.0, 1.0), tag="uncertainty",
        source="Psychotherapy drop-out about 20-35% of episodes (Swift & Greenberg 2012).",
        doc="Weekly chance that an episode ends in drop-out, with an average clinician.",
    )
    rel_recovery_moderate: float = param(
        0.85, unit="multiplier", range=(0.7, 1.0), bounds=(0.1, 2.0), tag="uncertainty",
        source="Trauma histories predict slower response to treatment (Nanni et al. 2012).",
        doc="Recovery chance of moderate-trauma episodes relative to low-trauma ones.",
    )
    rel_recovery_high: float = param(
        0.7, unit="multiplier", range=(0.5, 0.9), bounds=(0.1, 2.0), tag="uncertainty",
        source="Trauma histories predict slower response to treatment (Nanni et al. 2012).",
        doc="Recovery chance of high-trauma episodes relative to low-trauma ones.",
    )
    quality_se_effect: float = param(
        0.6, unit="rel. change per unit SE", range=(0.2, 1.0), bounds=(0.0, 3.0), tag="uncertainty",
        source="Therapist effects and confidence in outcomes (Baldwin & Imel 2013).",
        doc="Care quality rises by this share per unit of self-efficacy above clients.quality_se_reference.",
    )
    quality_bo_effect: float = param(
        0.8, unit="rel. change per unit BO", range=(0.3, 1.5), bounds=(0.0, 3.0), tag="uncertainty",
        source="Burnout lowers care quality and patient outcomes (Salyers et al. 2017; Delgadillo et al. 2018).",
        doc="Care quality falls by this share per unit of burnout above clients.quality_bo_reference.",
    )
    p_waitlist_dropout_week: float = param(
        0.04, unit="probability/week", range=(0.01, 0.1), bounds=(0.0, 1.0), tag="uncertainty",
        source="Waiting-list attrition of roughly a third over two to three months (Westin et al. 2014).",
        doc="Weekly chance that a waiting client leaves the waiting list untreated.",
    )
    quality_se_reference: float = param(
        0.5, unit="0-1 SE", range=(0.4, 0.6), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: the middle of the self-efficacy scale is the average clinician, whose care quality is 1.",
        doc="Self-efficacy at which care quality is not adjusted for self-efficacy.",
    )
    quality_bo_reference: float = param(
        0.3, unit="0-1 BO", range=(0.2, 0.4), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: about the workforce's mean burnout (near the ProQOL BO norm, Stamm 2010), where care "
               "quality is 1.",
        doc="Burnout at which care quality is not adjusted for burnout.",
    )
    quality_min: float = param(
        0.2, unit="rel. care quality", range=(0.1, 0.4), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: keeps therapist effects plausible; recovery rates differ several-fold between the least "
               "and most effective therapists (Saxon & Barkham 2012).",
        doc="Lowest relative care quality (multiplies the recovery chance; 1 = average clinician).",
    )
    quality_max: float = param(
        2.0, unit="rel. care quality", range=(1.5, 3.0), bounds=(1.0, 10.0), tag="uncertainty",
        source="Assumption: keeps therapist effects plausible; recovery rates differ several-fold between the least "
               "and most effective therapists (Saxon & Barkham 2012).",
        doc="Highest relative care quality (multiplies the recovery chance; 1 = average clinician).",
    )

    @model_validator(mode="after")
    def _mix_sums_to_one_or_less(self) -> Clients:
        total = self.prop_trauma_moderate + self.prop_trauma_high
        if total > 1.0:
            raise ValueError(
                f"clients.prop_trauma_moderate + clients.prop_trauma_high = {total:g} must not exceed 1"
            )
        return self


class Caseload(_Group):
    """Caseload cap and how clients are allocated."""

    cap_per_fte: float = param(
        30.0, unit="clients/FTE", range=(15.0, 45.0), bounds=(1.0, 200.0), tag="lever",
        source="Outpatient therapist caseloads of 25-40 (Yanchus et al. 2017; NHS Talking Therapies guidance).",
        doc="Maximum open cases per full-time clinician.",
    )
    vacancy_stretch: float = param(
        0.3, unit="rel. cap increase", range=(0.0, 0.6), bounds=(0.0, 2.0), tag="lever",
        source="Assumption: managers let caps stretch when posts are empty (King's Fund 2019, workforce report).",
        doc="Rise of the cap when the whole rest of the team is absent (scales with the team's absent share).",
    )
    trauma_concentration: float = param(
        0.0, unit="share of high-trauma referrals", range=(0.0, 1.0), tag="lever",
        source="Trade-off between specialist concentration and rotation (Bride 2007; Sprang et al. 2007).",
        doc="Share of high-trauma referrals routed to trauma specialists first (0 = rotated evenly).",
    )
    initial_fill: float = param(
        0.9, unit="share of the cap", range=(0.75, 1.0), bounds=(0.0, 1.0), tag="uncertainty",
        source="Calibration: referrals keep a fully staffed service at about 90% of its caseload capacity "
               "(clients.referrals_per_post_week).",
        doc="Expected share of the caseload cap filled for established staff at the start of a run (each place "
            "filled with this chance).",
    )
    onboarding_weeks: float = param(
        12.0, unit="weeks", range=(4.0, 26.0), bounds=(0.0, 104.0), tag="uncertainty",
        source="Structured onboarding builds a new clinician's caseload over the first months (preceptorship "
               "guidance; Hom et al. 2017 on socialisation and early turnover).",
        doc="Weeks over which a new hire's caseload cap rises linearly to the full cap (0: full cap at once).",
    )
    onboarding_start_share: float = param(
        0.3, unit="share of the cap", range=(0.1, 0.6), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: a new clinician starts with about a third of a full caseload.",
        doc="Share of the full caseload cap a new hire may carry in the first week.",
    )
    start_week: int = start_week("caseload")


class Exposure(_Group):
    """Trauma exposure and critical incidents."""

    trauma_weight_moderate: float = param(
        0.4, unit="exposure per client", range=(0.2, 0.6), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: moderate cases expose at a fraction of the rate of high-trauma cases.",
        doc="Trauma exposure of a moderate-trauma client relative to a high-trauma client.",
    )
    reference_trauma_clients: float = param(
        10.0, unit="high-trauma client-equivalents", range=(8.0, 12.0), bounds=(1.0, 100.0), tag="uncertainty",
        source="Scale constant: a typical full caseload holds about ten high-trauma client-equivalents.",
        doc="Trauma-weighted caseload that counts as exposure 1.",
    )
    p_incident_per_high_client_week: float = param(
        0.0004, unit="probability/client/week", range=(0.0001, 0.001), bounds=(0.0, 0.05), tag="uncertainty",
        source="About half of psychiatrists and a fifth of psychologists lose a patient to suicide (Chemtob 1988).",
        doc="Weekly chance of a critical incident (client suicide or violence) per high-trauma client.",
    )
    incident_sts_shock: float = param(
        0.15, unit="STS units", range=(0.05, 0.3), bounds=(0.0, 1.0), tag="uncertainty",
        source="Client suicide produces intrusive symptoms in about half of clinicians (Chemtob et al. 1988).",
        doc="Immediate rise of STS in the clinician whose client it was (scaled by 1 - STS).",
    )
    incident_team_shock: float = param(
        0.04, unit="STS units", range=(0.0, 0.1), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: team members are affected at about a quarter of the direct shock.",
        doc="Rise of STS in each team colleague (scaled by 1 - STS).",
    )


class Work(_Group):
    """Job demands and resources (JD-R)."""

    sustainable_caseload_per_fte: float = param(
        30.0, unit="clients/FTE", range=(22.0, 38.0), bounds=(1.0, 200.0), tag="uncertainty",
        source="Caseloads above about 30 are where burnout rises in outpatient settings (Yanchus et al. 2017).",
        doc="Caseload a full-time clinician experiences as a full load (load = caseload / (this x FTE)).",
    )
    admin_burden: float = param(
        0.35, unit="share of working time", range=(0.15, 0.55), bounds=(0.0, 0.9), tag="lever",
        source="Clinicians spend about a third of their time on documentation (Sinsky et al. 2016).",
        doc="Share of time spent on administration and documentation.",
    )
    schedule_autonomy: float = param(
        0.5, unit="0-1 index", range=(0.2, 0.8), bounds=(0.0, 1.0), tag="lever",
        source="Job control as a resource (Karasek 1979; Bakker & Demerouti 2007).",
        doc="Control clinicians have over their schedule.",
    )
    demand_weight_load: float = param(
        0.6, unit="demand per unit load", range=(0.4, 0.8), bounds=(0.0, 3.0), tag="uncertainty",
        source="Workload is the strongest demand correlate of burnout (O'Connor et al. 2018).",
        doc="Weight of caseload relative to capacity in demands.",
    )
    demand_weight_trauma: float = param(
        0.5, unit="demand per unit exposure", range=(0.2, 0.8), bounds=(0.0, 3.0), tag="uncertainty",
        source="Emotional demands of trauma work (Sodeke-Gregson et al. 2013).",
        doc="Weight of trauma exposure in demands.",
    )
    demand_weight_admin: float = param(
        0.6, unit="demand per unit admin share", range=(0.3, 0.9), bounds=(0.0, 3.0), tag="uncertainty",
        source="Documentation burden predicts burnout (Sinsky et al. 2016).",
        doc="Weight of administrative burden in demands.",
    )
    demand_weight_cover: float = param(
        0.6, unit="demand per unit absent share", range=(0.3, 1.0), bounds=(0.0, 3.0), tag="uncertainty",
        source="Covering for vacant posts adds duty work (King's Fund 2019).",
        doc="Weight of the team's absent share (vacant posts, leave) in demands.",
    )
    demand_weight_waitlist: float = param(
        0.4, unit="demand at full waiting-list pressure", range=(0.0, 0.8), bounds=(0.0, 3.0), tag="uncertainty",
        source="Assumption: waiting clients reach clinicians as duty, triage and holding work; workload pressure is "
               "the strongest demand correlate of burnout in mental-health staff (O'Connor et al. 2018).",
        doc="Weight of waiting-list pressure in demands (pressure = w / (w + 1), w the waiting clients per "
            "clinician at work over work.waitlist_reference_per_clinician).",
    )
    waitlist_reference_per_clinician: float = param(
        5.0, unit="waiting clients per clinician at work", range=(2.0, 15.0), bounds=(0.1, 1000.0),
        tag="uncertainty",
        source="Assumption: a waiting list of about a week's referrals per clinician is felt as half the "
               "possible pressure.",
        doc="Waiting clients per clinician at work at which the waiting-list pressure is one half.",
    )
    match_load_autonomy: float = param(
        0.3, unit="share of load demand buffered per unit autonomy", range=(0.0, 0.6), bounds=(0.0, 1.0),
        tag="uncertainty",
        source="Matching principle: resources buffer the demands they correspond to (de Jonge & Dormann 2006, "
               "DISC model); job control buffers workload (Karasek 1979).",
        doc="Extra buffering of the caseload-load demand by schedule autonomy (on top of the general buffer).",
    )
    match_load_recognition: float = param(
        0.3, unit="share of load demand buffered per unit recognition", range=(0.0, 0.6), bounds=(0.0, 1.0),
        tag="uncertainty",
        source="Effort-reward imbalance: high effort without reward predicts burnout (Siegrist 1996; Maslach & "
               "Leiter 2016 on reward as an area of worklife).",
        doc="Extra buffering of the caseload-load demand by recognition received (effort met by reward).",
    )
    match_trauma_supervision: float = param(
        0.4, unit="share of trauma demand buffered per unit supervision", range=(0.0, 0.8), bounds=(0.0, 1.0),
        tag="uncertainty",
        source="Matching principle (de Jonge & Dormann 2006): supervision processes the emotional demands of "
               "trauma work (Knight 2013).",
        doc="Extra buffering of the trauma-exposure demand by supervision received.",
    )
    buffer_strength: float = param(
        0.6, unit="share of demand buffered", range=(0.3, 0.9), bounds=(0.0, 1.0), tag="uncertainty",
        source="JD-R buffering hypothesis (Bakker, Demerouti & Euwema 2005).",
        doc="Share of demands buffered at full resources (strain = demands x (1 - buffer x resources)).",
    )
    detachment_base: float = param(
        0.5, unit="detachment units", range=(0.25, 0.75), bounds=(0.0, 2.0), tag="uncertainty",
        source="Assumption: detachment = this + schedule autonomy, so that average autonomy (0.5) gives the average "
               "recovery rates; recovery needs detachment from work (Sonnentag & Fritz 2007).",
        doc="Detachment from work with no schedule autonomy (multiplies the weekly recovery of burnout and STS).",
    )
    resource_weight_leader: float = param(
        2.0, unit="relative weight", range=(0.5, 2.0), bounds=(0.0, 10.0), tag="uncertainty",
        source="Leader support is among the resources most strongly associated with lower exhaustion (Aronsson et al. 2017, meta-analysis; Green et al. 2013 in mental-health services).",
        doc="Weight of leader support in the resources index (weighted mean: divided by the sum of "
            "the work.resource_weight_* weights).",
    )
    resource_weight_supervision: float = param(
        1.0, unit="relative weight", range=(0.5, 2.0), bounds=(0.0, 10.0), tag="uncertainty",
        source="Reference weight (1) of the resources index (Bakker & Demerouti 2007).",
        doc="Weight of supervision received in the resources index (weighted mean: divided by the sum of "
            "the work.resource_weight_* weights).",
    )
    resource_weight_peer: float = param(
        1.0, unit="relative weight", range=(0.5, 2.0), bounds=(0.0, 10.0), tag="uncertainty",
        source="Reference weight (1) of the resources index (Bakker & Demerouti 2007).",
        doc="Weight of peer support in the resources index (weighted mean: divided by the sum of "
            "the work.resource_weight_* weights).",
    )
    resource_weight_autonomy: float = param(
        1.5, unit="relative weight", range=(0.5, 2.0), bounds=(0.0, 10.0), tag="uncertainty",
        source="Job control is among the resources most strongly associated with lower exhaustion (Aronsson et al. 2017; Karasek 1979).",
        doc="Weight of schedule autonomy in the resources index (weighted mean: divided by the sum of "
            "the work.resource_weight_* weights).",
    )
    resource_weight_recognition: float = param(
        1.0, unit="relative weight", range=(0.5, 2.0), bounds=(0.0, 10.0), tag="uncertainty",
        source="Reference weight (1) of the resources index (Maslach & Leiter 2016).",
        doc="Weight of recognition received in the resources index (weighted mean: divided by the sum of "
            "the work.resource_weight_* weights).",
    )
    resource_weight_self_efficacy: float = param(
        1.0, unit="relative weight", range=(0.5, 2.0), bounds=(0.0, 10.0), tag="uncertainty",
        source="Reference weight (1) of the resources index (Xanthopoulou et al. 2007).",
        doc="Weight of self-efficacy (a personal resource) in the resources index (weighted mean: divided by "
            "the sum of the work.resource_weight_* weights).",
    )
    resource_weight_ei: float = param(
        0.5, unit="relative weight", range=(0.5, 2.0), bounds=(0.0, 10.0), tag="uncertainty",
        source="EI acts mainly through its own paths (vulnerability, recovery, CS: traits.ei_*); a small weight as a JD-R personal resource (Xanthopoulou et al. 2007).",
        doc="Weight of emotional intelligence (a personal resource) in the resources index (weighted mean: divided "
            "by the sum of the work.resource_weight_* weights).",
    )
    start_week: int = start_week("administrative-burden and schedule-autonomy")

    @model_validator(mode="after")
    def _some_resource_counts(self) -> Work:
        total = sum(getattr(self, f"resource_weight_{k}") for k in RESOURCE_KEYS)
        if not total > 0:
            raise ValueError("the work.resource_weight_* parameters must not all be 0 (the resources index is "
                             "their weighted mean)")
        return self


#: the resources of the JD-R resources index, in the order of ``work.resource_weight_*``
RESOURCE_KEYS = ("leader", "supervision", "peer", "autonomy", "recognition", "self_efficacy", "ei")

class Leadership(_Group):
    """Supportive and compassionate leadership."""

    leader_support: float = param(
        0.5, unit="0-1 index", range=(0.2, 0.8), bounds=(0.0, 1.0), tag="lever",
        source="Supportive leadership lowers burnout (Green et al. 2013; West 2021, compassionate leadership).",
        doc="Mean support given by team leaders.",
    )
    leader_support_sd: float = param(
        0.25, unit="0-1 index", range=(0.1, 0.35), bounds=(0.0, 0.5), tag="uncertainty",
        source="Leaders differ more than anything else between teams (Green et al. 2013); calibrated to a team ICC(1) of burnout of about .05-.2.",
        doc="Spread of leader support between teams.",
    )
    recognition: float = param(
        0.4, unit="0-1 index", range=(0.1, 0.8), bounds=(0.0, 1.0), tag="lever",
        source="Recognition and reward as a resource (Maslach & Leiter 2016, areas of worklife).",
        doc="How often effort and successes are recognised.",
    )
    training: float = param(
        0.0, unit="0-1 intensity", range=(0.0, 1.0), tag="lever",
        source="Leadership development programmes improve leader behaviour over months (Kelloway & Barling 2010; "
               "West 2021).",
        doc="Intensity of supportive/compassionate leadership training for team leaders (0 = none).",
    )
    training_gain: float = param(
        0.15, unit="leader-support units", range=(0.05, 0.25), bounds=(0.0, 1.0), tag="uncertainty",
        source="Leadership training effects of about 0.3-0.6 SD on follower ratings (Avolio et al. 2009).",
        doc="Rise of leader support at full training intensity once the effect has built up.",
    )
    training_weeks: float = param(
        26.0, unit="weeks", range=(13.0, 52.0), bounds=(1.0, 260.0), tag="uncertainty",
        source="Assumption: behaviour change builds over about six months.",
        doc="Time constant with which leader support approaches its trained level.",
    )
    recognition_leader_share: float = param(
        0.5, unit="share", range=(0.25, 0.75), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: recognition received comes equally from the organisation's recognition practice and "
               "from the own team leader (Maslach & Leiter 2016, reward and recognition).",
        doc="Share of recognition received that comes from the own leader's support; the rest is the "
            "leadership.recognition lever.",
    )
    start_week: int = start_week("leadership")


class Supervision(_Group):
    """Reflective supervision."""

    sessions_per_month: float = param(
        1.0, unit="sessions/month", range=(0.0, 4.0), bounds=(0.0, 8.0), tag="lever",
        source="Monthly clinical supervision is common; reflective models recommend more (Gunn et al. 2021).",
        doc="Supervision sessions per supervised clinician per month.",
    )
    reflective_quality: float = param(
        0.5, unit="0-1 index", range=(0.1, 0.9), bounds=(0.0, 1.0), tag="lever",
        source="Reflective rather than case-management supervision protects against STS (Knight 2013).",
        doc="Share of supervision time that is reflective rather than administrative.",
    )
    coverage: float = param(
        0.7, unit="share of clinicians", range=(0.3, 1.0), bounds=(0.0, 1.0), tag="lever",
        source="Assumption: not all clinicians get regular supervision in practice.",
        doc="Share of clinicians receiving regular supervision.",
    )
    sts_protection: float = param(
        0.4, unit="rel. reduction at full supervision", range=(0.2, 0.6), bounds=(0.0, 1.0), tag="uncertainty",
        source="Supervision moderates STS (Bride et al. 2007; Knight 2013).",
        doc="Reduction of STS accrual at full supervision intensity.",
    )
    dose_scale_sessions: float = param(
        2.0, unit="sessions/month", range=(1.0, 4.0), bounds=(0.1, 20.0), tag="uncertainty",
        source="Assumption: diminishing returns in frequency (dose = 1 - exp(-sessions / scale)); two sessions a "
               "month give 63% of the full dose.",
        doc="Scale of the supervision dose: dose = 1 - exp(-sessions_per_month / this).",
    )
    admin_value: float = param(
        0.3, unit="rel. to reflective supervision", range=(0.1, 0.5), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: administrative (case-management) supervision supports less than reflective "
               "supervision (Knight 2013).",
        doc="Value of administrative supervision relative to reflective: intensity = dose x (this + (1 - this) x "
            "reflective_quality).",
    )
    start_week: int = start_week("supervision")


class Peers(_Group):
    """Peer network and emotional contagion."""

    cross_team_ties: float = param(
        2.0, unit="ties/clinician", range=(0.0, 6.0), bounds=(0.0, 50.0), tag="lever",
        source="Assumption: a few colleagues outside the own team (peer networks, Hargreaves 2013).",
        doc="Mean number of peer ties to clinicians in other teams.",
    )
    psych_safety: float = param(
        0.5, unit="0-1 index", range=(0.2, 0.8), bounds=(0.0, 1.0), tag="lever",
        source="Team psychological safety enables support seeking (Edmondson 1999).",
        doc="Mean psychological safety of teams (how usable peer support is).",
    )
    psych_safety_sd: float = param(
        0.2, unit="0-1 index", range=(0.05, 0.3), bounds=(0.0, 0.5), tag="uncertainty",
        source="Psychological safety differs between teams (Edmondson 1999); calibrated with leader_support_sd to the team ICC(1) of burnout.",
        doc="Spread of psychological safety between teams.",
    )
    contagion_rate: float = param(
        0.025, unit="/week", range=(0.0, 0.05), bounds=(0.0, 0.5), tag="uncertainty",
        source="Burnout crossover between colleagues (Bakker, Le Blanc & Schaufeli 2005); calibrated with the team spread of leadership to a team ICC(1) of burnout of about .05-.2.",
        doc="Weekly pull of a clinician's burnout towards the mean of their peers.",
    )
    start_week: int = start_week("psychological-safety (the cross-team network is built once, at the start)")


class Burnout(_Group):
    """Burnout: JD-R health impairment, COR loss spiral, self-efficacy vulnerability."""

    rate_gain: float = param(
        0.026, unit="/week per unit strain", range=(0.015, 0.04), bounds=(0.0, 1.0), tag="uncertainty",
        source="Burnout builds over months (Maslach & Leiter 2016); calibrated to the ProQOL BO norm (22.8).",
        doc="Weekly accrual of burnout per unit of strain.",
    )
    rate_recovery: float = param(
        0.025, unit="/week", range=(0.01, 0.05), bounds=(0.0, 1.0), tag="uncertainty",
        source="Recovery through detachment (Sonnentag & Fritz 2007).",
        doc="Weekly recovery from burnout at average detachment.",
    )
    se_vulnerability: float = param(
        1.0, unit="rel. increase per unit SE below the reference", range=(0.3, 2.0), bounds=(0.0, 5.0),
        tag="uncertainty",
        source="Low self-efficacy predicts later burnout (Shoji et al. 2016, meta-analysis).",
        doc="Extra burnout accrual per unit of last week's self-efficacy below burnout.se_reference.",
    )
    cor_spiral: float = param(
        1.0, unit="rel. increase at empty reserves", range=(0.3, 2.0), bounds=(0.0, 5.0), tag="uncertainty",
        source="Conservation of Resources loss spirals (Hobfoll 1989; Hobfoll et al. 2018).",
        doc="Extra burnout accrual when personal reserves are fully depleted (linear below the threshold).",
    )
    reserve_threshold: float = param(
        0.35, unit="reserve level", range=(0.2, 0.5), bounds=(0.01, 1.0), tag="uncertainty",
        source="Assumption: losses accelerate once reserves fall below about a third.",
        doc="Reserve level below which the loss spiral starts.",
    )
    rate_reserves: float = param(
        0.05, unit="/week", range=(0.02, 0.1), bounds=(0.0, 1.0), tag="uncertainty",
        source="COR: resources are gained and lost over weeks (Hobfoll 2001).",
        doc="Weekly rate at which personal reserves follow resources and strain.",
    )
    vulnerability_sd: float = param(
        0.8, unit="log-sd", range=(0.5, 1.0), bounds=(0.0, 1.5), tag="uncertainty",
        source="Personality (negative affectivity) explains a large share of burnout variance (Alarcon et al. 2009); calibrated to the raw BO and STS SDs.",
        doc="Log-normal spread of individual vulnerability (multiplies burnout and STS accrual).",
    )
    noise_sd: float = param(
        0.03, unit="per week", range=(0.01, 0.06), bounds=(0.0, 0.5), tag="uncertainty",
        source="Calibrated: weekly fluctuation of states within persons is small against stable between-person "
               "differences (one-year burnout stability about .5-.7).",
        doc="Weekly idiosyncratic shock to SE, CS, BO and STS, one per state (scaled by sqrt(x(1-x))); turnover "
            "intention has none.",
    )
    affect_shock_sd: float = param(
        0.03, unit="per week", range=(0.0, 0.06), bounds=(0.0, 0.5), tag="uncertainty",
        source="A common weekly affect shock (life events, mood) moves exhaustion, traumatic stress and satisfaction "
               "together (Watson & Clark 1984 on negative affectivity; Cieslak et al. 2014 on shared BO-STS "
               "variance).",
        doc="Weekly shock common to one clinician's states: raises BO and STS and lowers CS and SE by the same draw "
            "(scaled by sqrt(x(1-x))).",
    )
    cs_protection: float = param(
        0.8, unit="rel. recovery per unit CS above the reference", range=(0.3, 1.5), bounds=(0.0, 5.0),
        tag="uncertainty",
        source="Compassion satisfaction is protective against burnout (Stamm 2010; Samios et al. 2013); the "
               "motivational path of JD-R (Bakker & Demerouti 2007).",
        doc="Rise of weekly burnout recovery per unit of compassion satisfaction above burnout.cs_reference.",
    )
    cs_reference: float = param(
        0.7, unit="0-1 CS", range=(0.6, 0.8), bounds=(0.0, 1.0), tag="uncertainty",
        source="The latent CS of the ProQOL norm (raw 37.7 is about 0.7 of the scale).",
        doc="Compassion satisfaction at which burnout recovery is not adjusted (burnout.cs_protection).",
    )
    reserve_loss_weight: float = param(
        1.5, unit="multiplier", range=(1.0, 2.5), bounds=(0.0, 10.0), tag="uncertainty",
        source="Primacy of loss: resource losses weigh more than equal gains (Hobfoll et al. 2018).",
        doc="Weight of strain and burnout in draining reserves relative to resources replenishing them.",
    )
    se_reference: float = param(
        0.5, unit="0-1 SE", range=(0.4, 0.6), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: below the middle of the self-efficacy scale low efficacy raises burnout (Shoji et al. "
               "2016).",
        doc="Self-efficacy below which burnout accrual rises (burnout.se_vulnerability).",
    )

class Sts(_Group):
    """Secondary traumatic stress: Figley's compassion-stress pathway."""

    rate_gain: float = param(
        0.019, unit="/week per unit exposure", range=(0.01, 0.03), bounds=(0.0, 2.0), tag="uncertainty",
        source="Figley (1995) compassion-stress model; exposure dose-response (Bride 2007); calibrated to the ProQOL STS norm (16.7).",
        doc="Weekly accrual of STS per unit trauma exposure.",
    )
    rate_recovery: float = param(
        0.05, unit="/week", range=(0.02, 0.1), bounds=(0.0, 1.0), tag="uncertainty",
        source="Figley (1995): disengagement and satisfaction relieve compassion stress.",
        doc="Weekly recovery from STS at average detachment.",
    )
    rel_trauma_history: float = param(
        1.5, unit="multiplier", range=(1.0, 2.0), bounds=(0.5, 3.0), tag="uncertainty",
        source="Own trauma history raises STS risk (Hensel et al. 2015, meta-analysis).",
        doc="STS accrual of clinicians with their own trauma history relative to others.",
    )
    p_trauma_history: float = param(
        0.35, unit="share of clinicians", range=(0.2, 0.6), bounds=(0.0, 1.0), tag="uncertainty",
        source="A third or more of therapists report their own trauma history (Elliott & Guy 1993).",
        doc="Share of clinicians with their own trauma history.",
    )
    ei_protection: float = param(
        0.3, unit="rel. change per unit EI", range=(0.1, 0.5), bounds=(0.0, 1.0), tag="uncertainty",
        source="Emotional intelligence protects against compassion fatigue (Zeidner et al. 2013).",
        doc="Reduction of STS accrual per unit of emotional intelligence above sts.ei_reference.",
    )
    ei_reference: float = param(
        0.5, unit="0-1 EI", range=(0.4, 0.6), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: the mean trait EI (the middle of the scale) neither protects nor sensitises.",
        doc="Emotional intelligence at which STS accrual is not adjusted (sts.ei_protection).",
    )
    cs_recovery_base: float = param(
        0.5, unit="multiplier", range=(0.25, 0.75), bounds=(0.0, 2.0), tag="uncertainty",
        source="Figley (1995): satisfaction relieves compassion stress; assumption: STS recovery scales with this "
               "+ CS.",
        doc="STS recovery multiplier with no compassion satisfaction (recovery x (this + CS)).",
    )

class Satisfaction(_Group):
    """Compassion satisfaction: successes, recognition, vicarious resilience, growth."""

    rate: float = param(
        0.03, unit="/week", range=(0.015, 0.05), bounds=(0.0, 1.0), tag="uncertainty",
        source="Chosen for changes over months (Stamm 2010).",
        doc="Weekly rate at which CS moves between its gains and losses.",
    )
    w_meaning: float = param(
        1.02, unit="gain weight", range=(0.7, 1.5), bounds=(0.0, 5.0), tag="uncertainty",
        source="Meaning of helping work as the base of CS (Stamm 2010).",
        doc="Baseline CS gain from meaningful work.",
    )
    w_mastery: float = param(
        0.5, unit="gain weight", range=(0.2, 0.8), bounds=(0.0, 5.0), tag="uncertainty",
        source="Client progress is the main source of CS (Stamm 2010; Radey & Figley 2007).",
        doc="CS gain per unit of recent success share (recoveries among ended episodes).",
    )
    w_recognition: float = param(
        0.4, unit="gain weight", range=(0.1, 0.7), bounds=(0.0, 5.0), tag="uncertainty",
        source="Recognition and reward (Maslach & Leiter 2016).",
        doc="CS gain per unit of recognition received.",
    )
    w_vicarious_resilience: float = param(
        0.3, unit="gain per trauma-weighted recovery/week", range=(0.1, 0.6), bounds=(0.0, 5.0),
        tag="uncertainty",
        source="Vicarious resilience from witnessing trauma recovery (Hernandez, Gangsei & Engstrom 2007).",
        doc="CS gain per trauma-weighted client recovery per week (smoothed).",
    )
    w_growth: float = param(
        1.2, unit="gain weight", range=(0.6, 1.8), bounds=(0.0, 5.0), tag="uncertainty",
        source="Vicarious post-traumatic growth raises satisfaction (Arnold et al. 2005); growth and CS go "
               "together in therapists (Samios, Abel & Rodzik 2013; Manning-Jones et al. 2015).",
        doc="CS gain per unit of post-traumatic growth; calibrated so that growth is about a tenth of the CS "
            "gain and r(growth, CS) is about .25.",
    )
    w_ei: float = param(
        0.3, unit="gain weight", range=(0.1, 0.6), bounds=(0.0, 5.0), tag="uncertainty",
        source="Emotional intelligence supports compassion satisfaction (Zeidner et al. 2013).",
        doc="CS gain per unit of emotional intelligence.",
    )
    loss_base: float = param(
        0.28, unit="loss weight", range=(0.1, 0.5), bounds=(0.0, 5.0), tag="uncertainty",
        source="Calibrated to the ProQOL CS norm (Stamm 2010).",
        doc="Baseline CS loss (habituation).",
    )
    w_bo_erosion: float = param(
        1.8, unit="loss per unit BO", range=(1.0, 2.5), bounds=(0.0, 5.0), tag="uncertainty",
        source="BO and CS correlate about -0.5 to -0.6 (Stamm 2010).",
        doc="CS loss per unit of burnout.",
    )
    w_sts_erosion: float = param(
        0.4, unit="loss per unit STS", range=(0.1, 0.8), bounds=(0.0, 5.0), tag="uncertainty",
        source="STS and CS correlate weakly negatively (Stamm 2010).",
        doc="CS loss per unit of STS.",
    )


class SelfEfficacy(_Group):
    """Self-efficacy from Bandura's four sources."""

    rate: float = param(
        0.02, unit="/week", range=(0.01, 0.04), bounds=(0.0, 1.0), tag="uncertainty",
        source="Self-efficacy changes over months of practice (Bandura 1997).",
        doc="Weekly rate at which self-efficacy moves between its gains and losses.",
    )
    w_mastery: float = param(
        0.6, unit="gain weight", range=(0.3, 1.0), bounds=(0.0, 5.0), tag="uncertainty",
        source="Mastery experience, the strongest source (Bandura 1977).",
        doc="Gain per unit of recent success share.",
    )
    w_vicarious: float = param(
        0.25, unit="gain weight", range=(0.1, 0.5), bounds=(0.0, 5.0), tag="uncertainty",
        source="Vicarious experience of similar others' success (Bandura 1977).",
        doc="Gain per unit of peers' mean success share.",
    )
    w_persuasion: float = param(
        0.4, unit="gain weight", range=(0.1, 0.8), bounds=(0.0, 5.0), tag="uncertainty",
        source="Verbal persuasion: supervision and leader feedback (Bandura 1977).",
        doc="Gain per unit of persuasion: supervision and leader support, weighted by "
            "self_efficacy.persuasion_leader_share.",
    )
    w_growth: float = param(
        0.3, unit="gain weight", range=(0.0, 0.6), bounds=(0.0, 5.0), tag="uncertainty",
        source="Post-traumatic growth includes a stronger sense of competence (Tedeschi & Calhoun 2004).",
        doc="Gain per unit of post-traumatic growth.",
    )
    w_ei: float = param(
        0.3, unit="gain weight", range=(0.1, 0.6), bounds=(0.0, 5.0), tag="uncertainty",
        source="Resource caravans: personal resources travel together (Hobfoll 2011); EI and resilience correlate "
               "(Frajo-Apor et al. 2016).",
        doc="Self-efficacy gain per unit of emotional intelligence.",
    )
    w_failure: float = param(
        0.6, unit="loss weight", range=(0.3, 1.0), bounds=(0.0, 5.0), tag="uncertainty",
        source="Mastery failures lower efficacy (Bandura 1977).",
        doc="Loss per unit of recent failure share (drop-outs among ended episodes).",
    )
    w_affective: float = param(
        0.8, unit="loss weight", range=(0.3, 1.5), bounds=(0.0, 5.0), tag="uncertainty",
        source="Physiological and affective states (Bandura 1977): exhaustion is read as incapacity.",
        doc="Loss per unit of the mean of burnout and STS.",
    )
    loss_base: float = param(
        0.1, unit="loss weight", range=(0.0, 0.3), bounds=(0.0, 5.0), tag="uncertainty",
        source="Calibration constant: keeps experienced clinicians' efficacy below the ceiling.",
        doc="Baseline self-efficacy loss.",
    )
    new_hire_mean: float = param(
        0.4, unit="0-1 SE", range=(0.3, 0.55), bounds=(0.0, 1.0), tag="uncertainty",
        source="Early-career clinicians report lower self-efficacy (Rodolfa et al. 2005 on trainees).",
        doc="Mean self-efficacy of a new hire (Beta distribution with SD new_hires.se_sd; any mean from 0 to 1 "
            "runs).",
    )
    persuasion_leader_share: float = param(
        0.5, unit="share", range=(0.25, 0.75), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: supervision and leader feedback weigh equally in verbal persuasion (Bandura 1977).",
        doc="Share of persuasion that comes from leader support; the rest from supervision received.",
    )
    mastery_memory_weight: float = param(
        0.1, unit="weight of this week", range=(0.05, 0.2), bounds=(0.01, 1.0), tag="uncertainty",
        source="Assumption: clinicians weigh about the last ten weeks of successes (a memory of about 1 / weight "
               "weeks).",
        doc="Weight of this week in the smoothed success signals (mastery, vicarious resilience).",
    )

class Growth(_Group):
    """Post-traumatic growth (vicarious)."""

    rate_gain: float = param(
        0.02, unit="/week per unit exposure x support", range=(0.005, 0.04), bounds=(0.0, 1.0),
        tag="uncertainty",
        source="Vicarious PTG with support (Tedeschi & Calhoun 2004; Arnold et al. 2005; Manning-Jones 2015).",
        doc="Weekly growth per unit exposure times support above the threshold.",
    )
    support_threshold: float = param(
        0.3, unit="0-1 support", range=(0.1, 0.5), bounds=(0.0, 0.99), tag="uncertainty",
        source="Growth needs processing with support (Manning-Jones et al. 2015).",
        doc="Support (mean of supervision, leader and peer support) above which exposure yields growth.",
    )
    rate_decay: float = param(
        0.005, unit="/week", range=(0.002, 0.01), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: growth fades slowly over years without new processing.",
        doc="Weekly fading of growth.",
    )


class Absence(_Group):
    """Strain-related sick leave."""

    p_other_leave_week: float = param(
        0.011, unit="probability/week", range=(0.006, 0.016), bounds=(0.0, 0.5), tag="uncertainty",
        source="All-cause sickness absence of mental-health staff of about 4-6% of time (NHS Digital sickness "
               "absence statistics), most of it unrelated to burnout.",
        doc="Weekly chance of starting sick leave for reasons unrelated to burnout.",
    )
    p_leave_max_week: float = param(
        0.02, unit="probability/week", range=(0.01, 0.04), bounds=(0.0, 1.0), tag="uncertainty",
        source="Burnout predicts long sickness absence (Ahola et al. 2008).",
        doc="Weekly chance of going on sick leave at very high burnout.",
    )
    bo_half_max: float = param(
        0.55, unit="BO", range=(0.45, 0.7), bounds=(0.0, 1.0), tag="uncertainty",
        source="Assumption: sick leave concentrates in the high-burnout band.",
        doc="Burnout at which the leave chance is half its maximum (logistic).",
    )
    bo_slope: float = param(
        0.08, unit="BO", range=(0.04, 0.15), bounds=(0.001, 1.0), tag="uncertainty",
        source="Assumption.",
        doc="Logistic scale of the leave chance in burnout units.",
    )
    mean_leave_weeks: float = param(
        4.0, unit="weeks", range=(2.0, 10.0), bounds=(1.0, 52.0), tag="uncertainty",
        source="Stress-related absences last weeks to months (Ahola et al. 2008).",
        doc="Mean duration of a sick-leave episode (geometric).",
    )
    rel_recovery_on_leave: float = param(
        2.0, unit="multiplier", range=(1.5, 3.0), bounds=(1.0, 10.0), tag="uncertainty",
        source="Detachment during absence speeds recovery (Sonnentag & Fritz 2007).",
        doc="Burnout and STS recovery on leave relative to at work.",
    )


class Turnover(_Group):
    """Two-stage turnover: intention, then leaving."""

    rate_intention: float = param(
        0.03, unit="/week", range=(0.015, 0.06), bounds=(0.0, 1.0), tag="uncertainty",
        source="Turnover intention follows job attitudes within months (Mobley 1977).",
        doc="Weekly rate at which intention moves between its drivers.",
    )
    w_bo: float = param(
        1.2, unit="gain weight", range=(0.6, 2.0), bounds=(0.0, 5.0), tag="uncertainty",
        source="Burnout is the strongest predictor of intention to leave (Scanlan & Still 2019).",
        doc="Intention gain per unit burnout.",
    )
    w_sts: float = param(
        0.5, unit="gain weight", range=(0.2, 1.0), bounds=(0.0, 5.0), tag="uncertainty",
        source="STS predicts intention to leave (Bride & Kintzle 2011).",
        doc="Intention gain per unit STS.",
    )
    w_cs: float = param(
        0.8, unit="loss weight", range=(0.4, 1.2), bounds=(0.0, 5.0), tag="uncertainty",
        source="CS protects retention (Stamm 2010; Bride & Kintzle 2011).",
        doc="Intention loss per unit CS.",
    )
    w_leader: float = param(
        0.6, unit="loss weight", range=(0.2, 1.0), bounds=(0.0, 5.0), tag="uncertainty",
        source="Supportive leadership lowers turnover (Green et al. 2013; Hom et al. 2017).",
        doc="Intention loss per unit leader support.",
    )
    intention_threshold: float = param(
        0.35, unit="intention", range=(0.25, 0.5), bounds=(0.0, 0.99), tag="uncertainty",
        source="Intention is necessary but not sufficient for leaving (Mobley 1977; Griffeth et al. 2000).",
        doc="Intention above which a clinician may give notice.",
    )
    p_quit_week: float = param(
        0.05, unit="probability/week", range=(0.02, 0.1), bounds=(0.0, 1.0), tag="uncertainty",
        source="Calibrated to ~30% annual turnover in behavioural health (Brabson et al. 2020) with the odds of leaving 2-4x higher in the top burnout quartile.",
        doc="Weekly chance of giving notice at full intention, on top of p_other_week (linear above the threshold).",
    )
    p_other_week: float = param(
        0.002, unit="probability/week", range=(0.001, 0.003), bounds=(0.0, 0.1), tag="uncertainty",
        source="Retirement, relocation and family reasons: about 10% a year irrespective of attitudes (Brabson et al. 2020).",
        doc="Weekly chance of leaving for reasons unrelated to the job.",
    )
    p_early_week: float = param(
        0.012, unit="probability/week", range=(0.006, 0.02), bounds=(0.0, 0.5), tag="uncertainty",
        source="Reality shock: exits are highest in the first year of tenure (Kramer 1974; Griffeth, Hom & "
               "Gaertner 2000; Brabson et al. 2020).",
        doc="Extra weekly chance of giving notice on arrival, falling with tenure (x exp(-weeks in post / "
            "turnover.early_tenure_weeks)).",
    )
    early_tenure_weeks: float = param(
        26.0, unit="weeks", range=(13.0, 52.0), bounds=(1.0, 520.0), tag="uncertainty",
        source="Assumption: the early-tenure hazard fades over the first year.",
        doc="Time constant of the early-tenure exit hazard.",
    )
    notice_weeks: int = param(
        4, unit="weeks", range=(2, 8), bounds=(0, 26), tag="uncertainty",
        source="Common notice period of one month.",
        doc="Weeks worked between giving notice and leaving.",
    )


class Hiring(_Group):
    """Filling vacant posts: the labour market and budget the service faces, and its own recruitment practice."""

    mean_delay_weeks: float = param(
        12.0, unit="weeks", range=(4.0, 26.0), bounds=(1.0, 104.0), tag="uncertainty",
        source="Time to fill behavioural-health posts of about 2-4 months (NHS vacancy statistics).",
        doc="Mean time from a post falling vacant to the new hire starting under the service's usual "
            "recruitment practice, as the labour market sets it (Poisson, at least 1 week; times "
            "hiring.rel_delay).",
    )
    rel_delay: float = param(
        1.0, unit="multiplier", range=(0.5, 1.0), bounds=(0.1, 2.0), tag="lever",
        source="Scenario design: a streamlined process (pre-approved posts, rolling adverts) at most halves the "
               "2-4 months to fill a post (NHS vacancy statistics; King's Fund 2019); no trial measures it.",
        doc="Multiplier of the time to fill a post from the service's recruitment practice (1: as the market "
            "gives; 0.5: half the time).",
    )
    frozen_share: float = param(
        0.0, unit="share of posts", range=(0.0, 0.3), bounds=(0.0, 0.9), tag="uncertainty",
        source="Recruitment freezes and budget caps keep funded posts empty for long periods (King's Fund 2019).",
        doc="Share of posts that may not be filled (a freeze or budget cap imposed on the service): vacancies "
            "are refilled only while fewer than (1 - this) of the posts are filled.",
    )
    start_week: int = start_week("hiring")


class Staffing(_Group):
    """Float (bank) staff covering absent posts and taking waiting clients."""

    float_fte_per_100_posts: float = param(
        0.0, unit="FTE per 100 posts", range=(0.0, 8.0), bounds=(0.0, 50.0), tag="lever",
        source="Bank and float pools are a standard response to vacancies (Buchan et al. 2019).",
        doc="Float staff, in FTE per 100 budgeted posts; they cover vacant or absent posts and take waiting "
            "clients up to their own caseload cap.",
    )
    start_week: int = start_week("float-staff")


class Wellness(_Group):
    """Wellness initiatives (mindfulness, stress management): person-directed, fading without boosters."""

    uptake: float = param(
        0.0, unit="share of clinicians", range=(0.0, 0.8), bounds=(0.0, 1.0), tag="lever",
        source="Voluntary wellness programmes reach a third to two thirds of staff (Panagioti et al. 2017).",
        doc="Share of clinicians who take the course (0 = no programme).",
    )
    effect: float = param(
        0.3, unit="rel. recovery increase", range=(0.1, 0.5), bounds=(0.0, 2.0), tag="uncertainty",
        source="Mindfulness-based stress reduction for health workers: small-to-moderate effects on burnout "
               "(Spinelli et al. 2019; Dreison et al. 2018, g about 0.13 for provider interventions).",
        doc="Rise of recovery from burnout and STS (detachment) right after the course.",
    )
    half_life_weeks: float = param(
        12.0, unit="weeks", range=(6.0, 26.0), bounds=(1.0, 520.0), tag="uncertainty",
        source="Person-directed effects fade within about six months without refreshers (Awa et al. 2010).",
        doc="Half-life of the course effect.",
    )
    booster_interval_weeks: int = param(
        0, unit="weeks", range=(0, 26), bounds=(0, 520), tag="lever",
        source="Refresher sessions sustain intervention effects (Awa et al. 2010).",
        doc="Weeks between booster sessions that restore the full effect (0 = no boosters).",
    )
    start_week: int = start_week("wellness")


class PeerSupport(_Group):
    """Peer support programme: extra ties across teams that carry support (and contagion)."""

    coverage: float = param(
        0.0, unit="share of posts", range=(0.0, 1.0), tag="lever",
        source="Structured peer support for clinicians (Shapiro & Galowitz 2016; Hu et al. 2012).",
        doc="Share of clinicians enrolled in the peer support programme (0 = no programme).",
    )
    extra_ties: float = param(
        3.0, unit="ties/participant", range=(1.0, 6.0), bounds=(0.0, 30.0), tag="lever",
        source="Peer groups of four to six colleagues (Shapiro & Galowitz 2016).",
        doc="New peer ties each participant gets with other participants (they also carry burnout contagion).",
    )
    support: float = param(
        0.25, unit="peer-support units", range=(0.1, 0.4), bounds=(0.0, 1.0), tag="uncertainty",
        source="Peer support is a valued resource; effects on burnout are small (Hu et al. 2012).",
        doc="Peer support resource added for participants.",
    )
    start_week: int = start_week("peer-support")


class TraumaInformed(_Group):
    """Trauma-informed organisation: psychological safety and help-seeking without stigma."""

    level: float = param(
        0.0, unit="0-1 implementation", range=(0.0, 1.0), tag="lever",
        source="Trauma-informed organisational change (Sweeney et al. 2018; Hanson & Lang 2016).",
        doc="Degree of implementation of a trauma-informed organisation (0 = none).",
    )
    safety_gain: float = param(
        0.25, unit="psych-safety units", range=(0.1, 0.35), bounds=(0.0, 1.0), tag="uncertainty",
        source="Organisational climate interventions raise psychological safety (Edmondson & Lei 2014).",
        doc="Rise of team psychological safety at full implementation.",
    )
    stigma_shift: float = param(
        0.08, unit="BO units", range=(0.0, 0.15), bounds=(0.0, 0.5), tag="uncertainty",
        source="Stigma delays help-seeking among clinicians (Clement et al. 2015; Edwards & Crisp 2017).",
        doc="How much earlier (in burnout) clinicians take leave at full implementation (lowers bo_half_max).",
    )
    start_week: int = start_week("trauma-informed")


class Mentoring(_Group):
    """Career development and mentoring of new and early-career clinicians."""

    coverage: float = param(
        0.0, unit="share of early-career clinicians", range=(0.0, 1.0), tag="lever",
        source="Mentoring supports retention and confidence of new clinicians (Kashiwagi et al. 2013).",
        doc="Share of early-career clinicians who get a mentor (0 = no programme).",
    )
    early_career_weeks: int = param(
        104, unit="weeks in post", range=(52, 156), bounds=(1, 1040), tag="uncertainty",
        source="Assumption: the first two years in post.",
        doc="Weeks in post during which a clinician counts as early-career.",
    )
    se_gain: float = param(
        0.3, unit="gain weight", range=(0.1, 0.5), bounds=(0.0, 5.0), tag="uncertainty",
        source="Mentoring as verbal persuasion and vicarious experience (Bandura 1997).",
        doc="Extra self-efficacy gain weight for mentees.",
    )
    intention_relief: float = param(
        0.3, unit="loss weight", range=(0.1, 0.5), bounds=(0.0, 5.0), tag="uncertainty",
        source="Mentored new staff are less likely to leave (Zhang et al. 2016, nurse mentoring meta-analysis).",
        doc="Extra turnover-intention loss weight for mentees.",
    )
    start_week: int = start_week("mentoring")


class EiTraining(_Group):
    """Emotional-intelligence training."""

    uptake: float = param(
        0.0, unit="share of clinicians", range=(0.0, 1.0), tag="lever",
        source="EI training for health professionals (Mattingly & Kraiger 2019).",
        doc="Share of clinicians trained (0 = no programme).",
    )
    gain: float = param(
        0.1, unit="EI units", range=(0.05, 0.15), bounds=(0.0, 0.5), tag="uncertainty",
        source="EI training effect about g = 0.6 (Mattingly & Kraiger 2019), about half the trait SD here.",
        doc="Lasting rise of emotional intelligence after training.",
    )
    start_week: int = start_week("emotional-intelligence training")


class Rotation(_Group):
    """Clinical rotation: trauma-informed caseload management."""

    share_steered: float = param(
        0.0, unit="share of high-trauma clients", range=(0.0, 1.0), tag="lever",
        source="Limiting and distributing trauma caseloads protects against STS (Bell, Kulkarni & Dalton 2003; "
               "Bride 2007; Sprang, Clark & Whitt-Woosley 2007).",
        doc="Share of each week's high-trauma clients first offered only to clinicians whose STS is at or below "
            "the threshold (0 = no rotation).",
    )
    sts_threshold: float = param(
        0.3, unit="STS (0-1 latent)", range=(0.2, 0.45), bounds=(0.0, 1.0), tag="lever",
        source="Assumption: about the top tenth of the STS distribution at the defaults (ProQOL STS high band "
               "and T >= 56 research cut-point, Stamm 2010).",
        doc="STS above which a clinician is rotated out of new high-trauma allocation for the week.",
    )
    cost_per_rotated_week: float = param(
        25.0, unit="currency/rotated clinician-week", range=(10.0, 60.0), bounds=(0.0, 1e4), tag="uncertainty",
        source="Assumption: about half an hour of a team leader's caseload-coordination time per rotated clinician.",
        doc="Cost of coordinating the caseload of one rotated clinician for one week.",
    )
    start_week: int = start_week("clinical-rotation")


class Costs(_Group):
    """Prices of staff time and programmes (currency units, e.g. GBP or USD)."""

    salary_per_fte_year: float = param(
        55_000.0, unit="currency/FTE-year", range=(40_000.0, 80_000.0), bounds=(0.0, 1e7), tag="uncertainty",
        source="Salary plus on-costs of a mid-career clinician (NHS Agenda for Change band 7, PSSRU 2023).",
        doc="Employer cost of one full-time clinician per year.",
    )
    replacement_share: float = param(
        0.5, unit="share of annual salary", range=(0.3, 1.0), bounds=(0.0, 5.0), tag="uncertainty",
        source="Replacing a clinician costs about half to one annual salary (Waldman et al. 2004; Bond et al. "
               "2020).",
        doc="Cost of one departure (recruitment, vacancy cover, induction, lost productivity).",
    )
    float_premium: float = param(
        0.3, unit="share of salary", range=(0.1, 0.6), bounds=(0.0, 5.0), tag="uncertainty",
        source="Bank and agency premium over substantive staff (NHS Improvement 2019).",
        doc="Extra cost of float staff over the salary of substantive staff.",
    )
    supervision_per_session: float = param(
        110.0, unit="currency/session", range=(60.0, 200.0), bounds=(0.0, 1e5), tag="uncertainty",
        source="One hour of supervisor and one hour of clinician time.",
        doc="Cost of one supervision session.",
    )
    leadership_training_per_leader_year: float = param(
        4_000.0, unit="currency/leader-year", range=(2_000.0, 8_000.0), bounds=(0.0, 1e6), tag="uncertainty",
        source="Leadership development programmes (King's Fund 2016 estimates).",
        doc="Cost per team leader per year of training at full intensity.",
    )
    recognition_per_clinician_year: float = param(
        150.0, unit="currency/clinician-year", range=(50.0, 400.0), bounds=(0.0, 1e5), tag="uncertainty",
        source="Assumption: awards, events and leaders' time.",
        doc="Cost per clinician per year of recognition at the maximum level (scales with the lever).",
    )
    wellness_course: float = param(
        450.0, unit="currency/participant", range=(200.0, 900.0), bounds=(0.0, 1e5), tag="uncertainty",
        source="Eight-week group MBSR course including staff time (Spinelli et al. 2019).",
        doc="Cost of the wellness course per participant.",
    )
    wellness_booster: float = param(
        60.0, unit="currency/participant", range=(30.0, 150.0), bounds=(0.0, 1e5), tag="uncertainty",
        source="One refresher session including staff time.",
        doc="Cost of one booster session per participant.",
    )
    peer_support_per_participant_week: float = param(
        15.0, unit="currency/participant-week", range=(5.0, 30.0), bounds=(0.0, 1e4), tag="uncertainty",
        source="Monthly facilitated group plus coordination time.",
        doc="Cost of the peer support programme per participant per week.",
    )
    trauma_informed_per_clinician_week: float = param(
        12.0, unit="currency/clinician-week", range=(5.0, 25.0), bounds=(0.0, 1e4), tag="uncertainty",
        source="Training, policy review and leadership time of organisational change programmes.",
        doc="Cost per clinician per week at full implementation (scales with the level).",
    )
    mentoring_per_mentee_week: float = param(
        35.0, unit="currency/mentee-week", range=(15.0, 70.0), bounds=(0.0, 1e4), tag="uncertainty",
        source="About an hour of senior time a fortnight plus the mentee's time.",
        doc="Cost of mentoring per mentee per week.",
    )
    ei_training_per_participant: float = param(
        600.0, unit="currency/participant", range=(300.0, 1_200.0), bounds=(0.0, 1e5), tag="uncertainty",
        source="Two-day workshop including staff time (Mattingly & Kraiger 2019).",
        doc="Cost of emotional-intelligence training per participant.",
    )
    admin_support_per_fte_year: float = param(
        32_000.0, unit="currency/FTE-year", range=(25_000.0, 45_000.0), bounds=(0.0, 1e7), tag="uncertainty",
        source="Administrative or scribe support that takes documentation off clinicians.",
        doc="Cost of administrative support per FTE; reducing the admin share below its default buys this "
            "support for the share removed.",
    )


class Measurement(_Group):
    """ProQOL-5 survey."""

    survey_interval_weeks: int = param(
        13, unit="weeks", range=(4, 52), bounds=(1, 520), tag="lever",
        source="Quarterly pulse surveys are common; ProQOL covers the last 30 days (Stamm 2010).",
        doc="Weeks between ProQOL surveys (a survey runs at week 0 and every interval after).",
    )
    item_loading_cs: float = param(
        4.0, unit="answer points per unit CS", range=(3.0, 5.0), bounds=(0.5, 8.0), tag="uncertainty",
        source="Assumption: the latent 0-1 scale spans the 1-5 answer scale (4 points); the ProQOL CS items are the "
               "most discriminating of the three subscales (Heritage et al. 2018).",
        doc="Answer points per unit of compassion satisfaction on a CS item (around the scale's middle).",
    )
    item_loading_bo: float = param(
        4.0, unit="answer points per unit BO", range=(3.0, 5.0), bounds=(0.5, 8.0), tag="uncertainty",
        source="Assumption: the latent 0-1 scale spans the 1-5 answer scale (4 points).",
        doc="Answer points per unit of the state a BO item reflects (around the scale's middle).",
    )
    item_loading_sts: float = param(
        4.0, unit="answer points per unit STS", range=(3.0, 5.0), bounds=(0.5, 8.0), tag="uncertainty",
        source="Assumption: the latent 0-1 scale spans the 1-5 answer scale (4 points).",
        doc="Answer points per unit of STS on an STS item (around the scale's middle).",
    )
    item_difficulty_cs: float = param(
        0.5, unit="answer points", range=(0.25, 1.0), bounds=(0.0, 2.0), tag="uncertainty",
        source="Assumption: ProQOL item means within a subscale differ by about one answer point (Stamm 2010).",
        doc="Half-range of the CS items' difficulties (evenly spaced from minus to plus this).",
    )
    item_difficulty_bo: float = param(
        0.5, unit="answer points", range=(0.25, 1.0), bounds=(0.0, 2.0), tag="uncertainty",
        source="Assumption: ProQOL item means within a subscale differ by about one answer point (Stamm 2010).",
        doc="Half-range of the BO items' difficulties (evenly spaced from minus to plus this).",
    )
    item_difficulty_sts: float = param(
        0.5, unit="answer points", range=(0.25, 1.0), bounds=(0.0, 2.0), tag="uncertainty",
        source="Assumption: ProQOL item means within a subscale differ by about one answer point (Stamm 2010).",
        doc="Half-range of the STS items' difficulties (evenly spaced from minus to plus this).",
    )
    item_noise_sd_cs: float = param(
        0.55, unit="answer points", range=(0.4, 0.8), bounds=(0.0, 3.0), tag="uncertainty",
        source="Calibrated to the CS alpha of 0.88 (Stamm 2010).",
        doc="Standard deviation of the response noise of a CS item before rounding.",
    )
    item_noise_sd_bo: float = param(
        0.9, unit="answer points", range=(0.6, 1.2), bounds=(0.0, 3.0), tag="uncertainty",
        source="Calibrated to the BO alpha of 0.75 (Stamm 2010).",
        doc="Standard deviation of the response noise of a BO item before rounding.",
    )
    item_noise_sd_sts: float = param(
        0.7, unit="answer points", range=(0.5, 1.0), bounds=(0.0, 3.0), tag="uncertainty",
        source="Calibrated to the STS alpha of 0.81 (Stamm 2010).",
        doc="Standard deviation of the response noise of an STS item before rounding.",
    )
    bo_reverse_cs_loading: float = param(
        0.3, unit="share", range=(0.0, 0.6), bounds=(0.0, 1.0), tag="uncertainty",
        source="The five positively worded, reverse-scored BO items (1, 4, 15, 17, 29) behave as a CS-like factor "
               "(Heritage, Rees & Hegney 2018, Rasch analysis of the ProQOL).",
        doc="Share of compassion satisfaction (the rest: absence of burnout) in what the reverse-keyed BO items "
            "reflect.",
    )


class Parameters(BaseModel):
    """All parameters of the workforce model, nested by concern.

    Frozen and strict: unknown keys raise, values are checked against their bounds. Use
    :meth:`with_overrides` to derive a new object from flat dotted names.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    service: Service = Service()
    initial_staff: InitialStaff = InitialStaff()
    new_hires: NewHires = NewHires()
    traits: Traits = Traits()
    clients: Clients = Clients()
    caseload: Caseload = Caseload()
    exposure: Exposure = Exposure()
    work: Work = Work()
    leadership: Leadership = Leadership()
    supervision: Supervision = Supervision()
    peers: Peers = Peers()
    burnout: Burnout = Burnout()
    sts: Sts = Sts()
    satisfaction: Satisfaction = Satisfaction()
    self_efficacy: SelfEfficacy = SelfEfficacy()
    growth: Growth = Growth()
    absence: Absence = Absence()
    turnover: Turnover = Turnover()
    hiring: Hiring = Hiring()
    staffing: Staffing = Staffing()
    wellness: Wellness = Wellness()
    peer_support: PeerSupport = PeerSupport()
    trauma_informed: TraumaInformed = TraumaInformed()
    mentoring: Mentoring = Mentoring()
    ei_training: EiTraining = EiTraining()
    rotation: Rotation = Rotation()
    costs: Costs = Costs()
    measurement: Measurement = Measurement()

    # ---------------------------------------------------------------------------------------------------------
    @classmethod
    def specs(cls) -> list[FieldSpec]:
        """Metadata of every parameter, in declaration order."""
        return list(_SPECS.values())

    @classmethod
    def spec(cls, name: str) -> FieldSpec:
        """Metadata of one parameter by dotted name.

        Raises:
            ParameterError: the name is unknown (with the closest valid names).
        """
        try:
            return _SPECS[name]
        except KeyError:
            raise ParameterError([_unknown_message(name)]) from None

    @classmethod
    def names(cls) -> list[str]:
        """All dotted parameter names."""
        return list(_SPECS)

    def get(self, name: str) -> Any:
        """Value of a parameter by dotted name."""
        group, field = self.spec(name).path
        return getattr(getattr(self, group), field)

    def flat(self) -> dict[str, Any]:
        """All values as ``{dotted name: value}``."""
        return {name: self.get(name) for name in _SPECS}

    def with_overrides(self, overrides: Mapping[str, Any] | None = None, *, context: str = "",
                       **kw: Any) -> Parameters:
        """Return a copy with some values replaced.

        Args:
            overrides: ``{dotted name: value}``; nested dicts (``{"supervision": {"coverage": 1}}``) work too.
            context: prefix for error messages (for example the scenario file name).
            **kw: more overrides (dotted names work as keyword strings: ``**{"a.b": 1}``).

        Returns:
            A new validated :class:`Parameters`.

        Raises:
            ParameterError: an unknown name, a wrong type or a value out of bounds; the message names each
                field, its value and the allowed range.
        """
        items = dict(_flatten(overrides or {}))
        items.update(_flatten(kw))
        unknown = [_unknown_message(k) for k in items if k not in _SPECS]
        nested = self.model_dump()
        for key, value in items.items():
            if key in _SPECS:
                group, field = _SPECS[key].path
                nested[group][field] = value
        if not unknown:
            return Parameters.validate_nested(nested, context=context)
        # report every problem at once: the unknown names, and what is wrong with the known ones
        try:
            Parameters.validate_nested(nested, context=context)
        except ParameterError as exc:
            raise ParameterError([*unknown, *exc.problems], context) from None
        raise ParameterError(unknown, context)

    def start_weeks(self) -> list[int]:
        """Distinct start weeks of the lever groups, ascending (levers switch at the start of the next week)."""
        return sorted({getattr(self, g).start_week for g in _STAGED_GROUPS})

    def at_week(self, week: int) -> Parameters:
        """The parameters in force while simulating ``week`` (weeks after the burn-in; 0 or less during it).

        A lever group's levers apply in the weeks after its ``start_week`` (start week 0: from week 1, the first
        recorded week). In every group with ``start_week >= week`` the staged levers (fields tagged ``lever``)
        take their default values; uncertainties and groups already started keep this object's values. So the
        burn-in runs under the default policies, and paired scenarios share it. Not staged: the ``service``
        group (the structure of the service), ``measurement`` (not a policy) and the network-shaping levers in
        ``STRUCTURAL``, which are built once at the start of the run.

        Returns:
            ``self`` when nothing is reset, otherwise a new object.
        """
        defaults = _DEFAULTS.model_dump()
        nested = None
        for group in _STAGED_GROUPS:
            if getattr(self, group).start_week >= week:
                nested = nested if nested is not None else self.model_dump()
                for field in _STAGED_FIELDS[group]:
                    nested[group][field] = defaults[group][field]
        return self if nested is None else Parameters.model_validate(nested)

    @classmethod
    def validate_nested(cls, data: Mapping[str, Any], *, context: str = "") -> Parameters:
        """Validate a nested mapping (as read from a file) into :class:`Parameters`.

        Raises:
            ParameterError: with one readable line per problem.
        """
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ParameterError(_explain(exc, data), context) from None


@dataclass(frozen=True)
class FieldSpec:
    """Metadata of one parameter.

    Attributes:
        name: dotted name (``group.field``).
        path: (group, field).
        default: default value.
        type: ``int`` or ``float``.
        unit: unit of the value.
        range: plausible (low, high) for sensitivity analysis.
        bounds: accepted (low, high).
        tag: ``"lever"`` or ``"uncertainty"``.
        source: evidence or rationale.
        doc: meaning.
        group_doc: the docstring of the group.
    """

    name: str
    path: tuple[str, str]
    default: Any
    type: type
    unit: str
    range: tuple[float, float]
    bounds: tuple[float, float]
    tag: str
    source: str
    doc: str
    group_doc: str


def _collect_specs() -> dict[str, FieldSpec]:
    specs: dict[str, FieldSpec] = {}
    for group, ginfo in Parameters.model_fields.items():
        gcls = ginfo.annotation
        for field, finfo in gcls.model_fields.items():
            extra = finfo.json_schema_extra or {}
            lo = hi = None
            for m in finfo.metadata:
                lo = getattr(m, "ge", lo) if getattr(m, "ge", None) is not None else lo
                hi = getattr(m, "le", hi) if getattr(m, "le", None) is not None else hi
            specs[f"{group}.{field}"] = FieldSpec(
                name=f"{group}.{field}", path=(group, field), default=finfo.default,
                type=finfo.annotation, unit=extra["unit"], range=tuple(extra["range"]), bounds=(lo, hi),
                tag=extra["tag"], source=extra["source"], doc=finfo.description or "",
                group_doc=(gcls.__doc__ or "").strip().splitlines()[0],
            )
    return specs


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, name + ".")
        else:
            yield name, value


def _unknown_message(name: str) -> str:
    close = difflib.get_close_matches(name, list(_SPECS), n=1, cutoff=0.6)
    if not close:  # a typo in the field part only: compare within the group
        group, _, field = name.partition(".")
        fields = [n.partition(".")[2] for n in _SPECS if n.startswith(group + ".")]
        near = difflib.get_close_matches(field, fields, n=1, cutoff=0.5)
        close = [f"{group}.{near[0]}"] if near else []
    hint = f"; did you mean '{close[0]}'?" if close else "; see `resilience parameters` or docs/ODD.md"
    return f"unknown parameter '{name}'{hint}"


def _describe_allowed(spec: FieldSpec) -> str:
    lo, hi = spec.bounds
    kind = "a whole number" if spec.type is int else "a number"
    return f"{kind} from {_fmt(lo)} to {_fmt(hi)} ({spec.unit})"


def _fmt(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _explain(exc: ValidationError, data: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        name = ".".join(loc)
        value = err.get("input")
        if isinstance(value, np.generic):  # show 3.5, not np.float64(3.5)
            value = value.item()
        if err["type"] == "extra_forbidden":
            lines.append(_unknown_message(name))
            continue
        spec = _SPECS.get(name)
        if spec is None:  # a cross-field check inside a group
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(msg)
            continue
        lines.append(f"{name} = {value!r} is not allowed: {err['msg'].lower()}; "
                     f"allowed: {_describe_allowed(spec)}")
    return lines


_SPECS: dict[str, FieldSpec] = _collect_specs()
_DEFAULTS = Parameters()
#: groups whose levers start at their ``start_week``, and those levers (``start_week`` itself excluded)
_STAGED_GROUPS = tuple(g for g, info in Parameters.model_fields.items() if "start_week" in info.annotation.model_fields)
#: levers that shape the network, built once at the start of a run; they are not staged
STRUCTURAL = ("peers.cross_team_ties", "peer_support.extra_ties")
_STAGED_FIELDS = {g: tuple(s.path[1] for s in _SPECS.values()
                           if s.path[0] == g and s.tag == "lever" and s.path[1] != "start_week"
                           and s.name not in STRUCTURAL)
                  for g in _STAGED_GROUPS}


def staged_levers() -> dict[str, tuple[str, ...]]:
    """The lever groups that start at their ``start_week``, each with its staged levers (what
    :meth:`Parameters.at_week` resets before the start), in the order of the parameter block."""
    return dict(_STAGED_FIELDS)


def markdown_table() -> str:
    """All parameters as Markdown tables, one per group (the table in ``docs/ODD.md`` is generated by this).

    Columns: dotted name, default, unit, plausible range, accepted bounds, tag, meaning, source.
    """
    lines: list[str] = []
    current = None
    for spec in _SPECS.values():
        group = spec.path[0]
        if group != current:
            current = group
            lines += ["", f"**`{group}`** – {spec.group_doc}", "",
                      "| parameter | default | unit | range | bounds | tag | meaning | source |",
                      "|---|---|---|---|---|---|---|---|"]
        lo, hi = spec.range
        blo, bhi = spec.bounds
        lines.append(
            f"| `{spec.name}` | {_fmt(spec.default)} | {spec.unit} | {_fmt(lo)}–{_fmt(hi)} | "
            f"{_fmt(blo)}–{_fmt(bhi)} | {spec.tag} | {spec.doc} | {spec.source} |"
        )
    return "\n".join(lines).strip() + "\n"

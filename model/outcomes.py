"""Outcome registry: every weekly series the model reports, with label, unit and direction.

The registry drives the Mesa ``DataCollector`` (one model reporter per outcome), the run summary, and the
labels and units of tables and plots. ``kind`` says how an outcome is summarised over a run:

* ``stock`` – a level (mean over the evaluation window, and the end value),
* ``flow`` – a count per week (cumulative total over the window),
* ``survey`` – a ProQOL survey figure, NaN in weeks without a survey (mean over surveys, and the last one).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .programmes import COST_COMPONENTS

Direction = Literal["lower", "higher", "info"]
Kind = Literal["stock", "flow", "survey"]


@dataclass(frozen=True)
class Outcome:
    """One registered outcome.

    Attributes:
        name: column name.
        label: human-readable label for plots and tables.
        unit: unit of the value.
        direction: ``"lower"`` or ``"higher"`` is better, or ``"info"``.
        kind: ``"stock"``, ``"flow"`` or ``"survey"``.
    """

    name: str
    label: str
    unit: str
    direction: Direction
    kind: Kind


def _o(name, label, unit, direction, kind="stock"):
    return Outcome(name, label, unit, direction, kind)


_STATE_LABELS = {"se": "self-efficacy", "cs": "compassion satisfaction", "bo": "burnout",
                 "sts": "secondary traumatic stress"}
_STATE_DIRECTION = {"se": "higher", "cs": "higher", "bo": "lower", "sts": "lower"}

OUTCOMES: tuple[Outcome, ...] = (
    _o("n_in_post", "Clinicians in post", "clinicians", "higher"),
    _o("n_vacant", "Vacant posts", "posts", "lower"),
    _o("prop_vacant", "Vacancy rate", "share of posts", "lower"),
    _o("n_on_leave", "Clinicians on sick leave", "clinicians", "lower"),
    _o("prop_on_leave", "Sick-leave rate", "share of clinicians in post", "lower"),
    _o("n_notice", "Clinicians working their notice", "clinicians", "lower"),
    _o("caseload_per_clinician", "Caseload per clinician at work", "clients", "info"),
    _o("mean_load", "Load (caseload over sustainable caseload)", "ratio", "lower"),
    _o("n_open_cases", "Open cases", "clients", "info"),
    _o("n_waitlist", "Clients waiting", "clients", "lower"),
    _o("mean_exposure", "Trauma exposure", "index", "info"),
    _o("mean_strain", "Strain (unbuffered demands)", "index", "lower"),
    *[_o(f"mean_{s}", f"Mean {lab}", "0-1 latent", _STATE_DIRECTION[s]) for s, lab in _STATE_LABELS.items()],
    *[_o(f"{q}_{s}", f"{q.upper()} of {lab}", "0-1 latent", "info")
      for s, lab in _STATE_LABELS.items() for q in ("p10", "p50", "p90")],
    _o("mean_intention", "Mean turnover intention", "0-1 latent", "lower"),
    _o("mean_reserves", "Mean personal reserves (COR)", "0-1 latent", "higher"),
    _o("mean_growth", "Mean post-traumatic growth", "0-1 latent", "higher"),
    _o("new_referrals", "Referrals", "clients/week", "info", "flow"),
    _o("new_recoveries", "Client recoveries", "clients/week", "higher", "flow"),
    _o("new_dropouts", "Client drop-outs", "clients/week", "lower", "flow"),
    _o("new_waitlist_dropouts", "Clients leaving the waiting list", "clients/week", "lower", "flow"),
    _o("new_incidents", "Critical incidents", "incidents/week", "lower", "flow"),
    _o("new_leave_starts", "Sick-leave episodes started", "episodes/week", "lower", "flow"),
    _o("new_notices", "Notices given", "clinicians/week", "lower", "flow"),
    _o("new_departures", "Departures", "clinicians/week", "lower", "flow"),
    _o("new_hires", "Hires", "clinicians/week", "info", "flow"),
    _o("n_float_cases", "Open cases held by float staff", "clients", "info"),
    _o("new_programme_cost", "Programme cost", "currency/week", "lower", "flow"),
    _o("new_turnover_cost", "Turnover (replacement) cost", "currency/week", "lower", "flow"),
    _o("new_total_cost", "Total cost (programmes and turnover)", "currency/week", "lower", "flow"),
    *[_o(f"new_cost_{c}", f"Cost of {c.replace('_', ' ')}", "currency/week", "info", "flow")
      for c in COST_COMPONENTS],
    *[_o(f"proqol_{s}_raw", f"ProQOL {s.upper()} raw score", "raw sum 10-50", _STATE_DIRECTION[s], "survey")
      for s in ("cs", "bo", "sts")],
    *[_o(f"proqol_{s}_t", f"ProQOL {s.upper()} standard score", "T score", _STATE_DIRECTION[s], "survey")
      for s in ("cs", "bo", "sts")],
    *[_o(f"prop_{s}_{b}", f"ProQOL {s.upper()} {b} band", "share of respondents",
         "info", "survey") for s in ("cs", "bo", "sts") for b in ("low", "average", "high")],
    _o("prop_high_bo", "High burnout (T >= 56)", "share of respondents", "lower", "survey"),
    _o("prop_high_sts", "High STS (T >= 56)", "share of respondents", "lower", "survey"),
    _o("prop_low_cs", "Low compassion satisfaction (T <= 44)", "share of respondents", "lower", "survey"),
)

BY_NAME: dict[str, Outcome] = {o.name: o for o in OUTCOMES}


def get(name: str) -> Outcome:
    """Registered outcome by name (KeyError lists the valid names)."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown outcome '{name}'; registered: {', '.join(BY_NAME)}") from None


#: outcomes the run summary's derived figures need; always recorded
REQUIRED = ("n_in_post", "new_departures", "new_hires", "new_recoveries", "new_dropouts")


def recorded(names=None) -> list[str]:
    """The outcomes a run records: ``names`` (validated) plus :data:`REQUIRED`, in registry order.

    Raises:
        KeyError: an unknown outcome name (the message lists the registered ones).
    """
    if names is None:
        return [o.name for o in OUTCOMES]
    wanted = set(REQUIRED)
    for n in names:
        wanted.add(get(n).name)
    return [o.name for o in OUTCOMES if o.name in wanted]


def outcome_of(summary_key: str) -> list[str]:
    """The recorded outcomes a summary figure is computed from (e.g. ``cum_departures`` -> ``new_departures``)."""
    derived = {"annual_turnover": ["n_in_post", "new_departures"], "annual_hires": ["n_in_post", "new_hires"],
               "prop_episodes_recovered": ["new_recoveries", "new_dropouts"]}
    if summary_key in derived:
        return derived[summary_key]
    if summary_key.startswith("cum_"):
        return [get("new_" + summary_key.removeprefix("cum_")).name]
    for suffix in ("_mean", "_end"):
        if summary_key.endswith(suffix):
            return [get(summary_key.removesuffix(suffix)).name]
    return [get(summary_key).name]


def summarise(weekly: pd.DataFrame, eval_start_week: int = 0) -> dict[str, float]:
    """Run summary from the weekly table.

    The evaluation window is the weeks after ``eval_start_week`` (week 0 is the state at the end of the burn-in,
    before any policy acts, so it is never in the window). Stocks: ``<name>_mean`` over the window and
    ``<name>_end``. Flows: ``cum_<name without new_>`` summed over the window. Survey outcomes: ``<name>_mean``
    over the surveys in the window (NaN if none) and ``<name>_end`` (the last of them).
    Derived: ``annual_turnover`` (departures per mean clinicians in post per year), ``annual_hires``,
    ``prop_episodes_recovered``.

    Args:
        weekly: the weekly table (column ``week`` plus one column per outcome).
        eval_start_week: first week of the evaluation window.

    Returns:
        flat dict of floats.
    """
    weeks = weekly["week"].to_numpy()
    in_window = weeks > eval_start_week
    out: dict[str, float] = {}
    # one array per kind of outcome, reduced column-wise in one call each
    present = set(weekly.columns)  # a run may record only some outcomes
    flow_names = [n for n in _FLOW_NAMES if n in present]
    flows = weekly[flow_names].to_numpy(dtype=float)[in_window]
    out.update(zip(("cum_" + n.removeprefix("new_") for n in flow_names), flows.sum(axis=0).tolist()))
    stock_names = [n for n in _STOCK_NAMES if n in present]
    stocks = weekly[stock_names].to_numpy(dtype=float)[in_window]
    out.update(zip((f"{n}_mean" for n in stock_names), stocks.mean(axis=0).tolist()))
    out.update(zip((f"{n}_end" for n in stock_names), stocks[-1].tolist()))
    survey_names = [n for n in _SURVEY_NAMES if n in present]
    surveys = weekly[survey_names].to_numpy(dtype=float)[in_window]
    surveys = surveys[~np.isnan(surveys).all(axis=1)]  # survey weeks only
    if len(surveys) and survey_names:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a survey with no respondents is NaN
            means = np.nanmean(surveys, axis=0).tolist()
        ends = surveys[-1].tolist()
    else:
        means = ends = [float("nan")] * len(survey_names)
    out.update(zip((f"{n}_mean" for n in survey_names), means))
    out.update(zip((f"{n}_end" for n in survey_names), ends))
    years = max(len(flows), 1) / 52.0
    in_post = max(out["n_in_post_mean"], 1e-9)
    out["annual_turnover"] = out["cum_departures"] / in_post / years
    out["annual_hires"] = out["cum_hires"] / in_post / years
    ended = out["cum_recoveries"] + out["cum_dropouts"]
    out["prop_episodes_recovered"] = out["cum_recoveries"] / ended if ended else float("nan")
    return out


_FLOW_NAMES = tuple(o.name for o in OUTCOMES if o.kind == "flow")
_STOCK_NAMES = tuple(o.name for o in OUTCOMES if o.kind == "stock")
_SURVEY_NAMES = tuple(o.name for o in OUTCOMES if o.kind == "survey")

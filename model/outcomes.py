"""Outcome registry: every weekly series the model reports, and every figure of the run summary.

The registry drives the Mesa ``DataCollector`` (one model reporter per outcome), the run summary, the labels,
units and directions of tables and plots, and the outcome table of ``docs/ODD.md``. ``kind`` says what an
outcome is, and so how it is summarised over a run unless the outcome says otherwise (``reductions``):

* ``stock`` – a level: ``<name>_mean`` over the evaluation window and ``<name>_end``, its last value;
* ``flow`` – a count per week: ``cum_<name without new_>``, the total over the window;
* ``survey`` – a ProQOL survey figure, NaN in weeks without a survey: ``<name>_mean`` over the surveys and
  ``<name>_end``, the last one.

Every summary figure is a :class:`Summary` in :data:`SUMMARIES` (name -> summary): the ones reduced from one
outcome, and the derived ones (:data:`DERIVED`: annual turnover and hires, share of episodes recovered)
computed from other summaries. Code that needs a summary's label, unit, direction or source outcomes looks it
up there rather than rebuilding names.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Literal

import numpy as np
import pandas as pd

from .jit import njit
from .programmes import COST_COMPONENTS

Direction = Literal["lower", "higher", "info"]
Kind = Literal["stock", "flow", "survey"]
#: how a summary reduces one outcome over the evaluation window; ``derived`` summaries combine other summaries
Reduction = Literal["mean", "end", "cum", "derived"]

#: the reductions of each kind unless an outcome overrides them
KIND_REDUCTIONS: dict[str, tuple[str, ...]] = {"stock": ("mean", "end"), "flow": ("cum",),
                                                "survey": ("mean", "end")}
# survey weeks only for surveys: the other weeks are NaN by design, not missing data
_HOW: dict[tuple[str, str], str] = {
    ("stock", "mean"): "mean over the evaluation window",
    ("stock", "end"): "value in the last week of the window",
    ("flow", "cum"): "sum over the evaluation window",
    ("flow", "mean"): "mean per week over the evaluation window",
    ("flow", "end"): "value in the last week of the window",
    ("survey", "mean"): "mean over the surveys in the window (NaN if none)",
    ("survey", "end"): "the last survey in the window (NaN if none)",
}
_LABEL: dict[tuple[str, str], str] = {
    ("stock", "mean"): "{}, mean over the run",
    ("stock", "end"): "{}, at the end of the run",
    ("flow", "cum"): "{}, total over the run",
    ("flow", "mean"): "{}, mean per week over the run",
    ("flow", "end"): "{}, in the last week of the run",
    ("survey", "mean"): "{}, mean over the run's surveys",
    ("survey", "end"): "{}, at the run's last survey",
}


def summary_name(outcome: str, reduction: str) -> str:
    """The summary key of ``outcome`` reduced by ``reduction`` (the one place summary names are made).

    ``cum`` drops the ``new_`` of a flow (``new_departures`` -> ``cum_departures``); ``mean`` and ``end`` are
    suffixes (``n_in_post_mean``, ``n_in_post_end``).
    """
    if reduction == "cum":
        return "cum_" + outcome.removeprefix("new_")
    return f"{outcome}_{reduction}"


#: what a :class:`Measure` reads from the week's :class:`~model.context.Snapshot`
Source = Literal["count", "mean_at_work", "mean_in_post", "quantile", "flow", "cost", "survey"]


@dataclass(frozen=True)
class Measure:
    """How an outcome is computed from the week's :class:`~model.context.Snapshot` (declared once, with it).

    Attributes:
        source: ``count`` (a whole-service figure of the snapshot, e.g. ``n_in_post``), ``mean_at_work`` (mean
            of a per-slot array over clinicians at work), ``mean_in_post`` (mean of a latent state over clinicians
            in post), ``quantile`` (of a latent state over clinicians in post), ``flow`` (a count or cost of the
            week's :class:`~model.context.Flows`), ``cost`` (one programme cost component), ``survey`` (a figure
            of this week's ProQOL survey; NaN in weeks without one).
        of: the snapshot field, latent state, flow, cost component or survey figure.
        q: the quantile, for ``quantile``.
    """

    source: Source
    of: str
    q: float | None = None


@dataclass(frozen=True)
class Outcome:
    """One registered weekly outcome.

    Attributes:
        name: column name.
        label: human-readable label for plots and tables.
        unit: unit of the value.
        direction: ``"lower"`` or ``"higher"`` is better, or ``"info"``.
        kind: ``"stock"``, ``"flow"`` or ``"survey"``.
        reductions: how the run summary reduces it (``"mean"``, ``"end"``, ``"cum"``); None: the kind's
            default (:data:`KIND_REDUCTIONS`).
        measure: how it is computed each week (:class:`Measure`).
    """

    name: str
    label: str
    unit: str
    direction: Direction
    kind: Kind
    reductions: tuple[str, ...] | None = None
    measure: Measure | None = None

    @property
    def summarised_by(self) -> tuple[str, ...]:
        """The reductions the run summary applies to this outcome."""
        return KIND_REDUCTIONS[self.kind] if self.reductions is None else self.reductions

    @property
    def summaries(self) -> tuple[str, ...]:
        """Names of this outcome's summary figures, in the order of :attr:`summarised_by`."""
        return tuple(summary_name(self.name, r) for r in self.summarised_by)


@dataclass(frozen=True)
class Summary:
    """One figure of the run summary.

    Attributes:
        name: key in the summary dict.
        label: human-readable label for tables.
        unit: unit of the value.
        direction: ``"lower"`` or ``"higher"`` is better, or ``"info"``.
        outcomes: the weekly outcomes it is computed from (what a run must record to report it).
        how: the formula in words (shown in the ODD).
        reduction: ``"mean"``, ``"end"`` or ``"cum"`` of its one outcome, or ``"derived"``.
        inputs: summaries a derived figure is computed from (empty for reductions).
        formula: a derived figure's computation, ``formula(summary, years)`` with the summary so far and the
            window's length in years (None for reductions).
    """

    name: str
    label: str
    unit: str
    direction: Direction
    outcomes: tuple[str, ...]
    how: str
    reduction: Reduction = "derived"
    inputs: tuple[str, ...] = ()
    formula: Callable[[Mapping[str, float], float], float] | None = field(default=None, compare=False,
                                                                            repr=False)

    @property
    def surveyed(self) -> bool:
        """True when the figure reads a survey outcome (it has no value in a run without a survey)."""
        return any(get(o).kind == "survey" for o in self.outcomes)

    @property
    def outcome(self) -> str:
        """The one outcome a reduction summarises (ValueError for a derived figure of several)."""
        if len(self.outcomes) != 1:
            raise ValueError(f"summary '{self.name}' derives from {len(self.outcomes)} outcomes")
        return self.outcomes[0]


def _o(name, label, unit, direction, kind="stock", measure=None):
    if measure is None:  # the kind's natural measure: a snapshot count, a flow, or a survey figure
        measure = {"stock": Measure("count", name), "flow": Measure("flow", name.removeprefix("new_")),
                   "survey": Measure("survey", name)}[kind]
    return Outcome(name, label, unit, direction, kind, measure=measure)


def _mean(name, label, unit, direction, of, over="mean_at_work"):
    return _o(name, label, unit, direction, "stock", Measure(over, of))


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
    _mean("caseload_per_clinician", "Caseload per clinician at work", "clients", "info", "caseload_total"),
    _mean("mean_load", "Load (caseload over sustainable caseload)", "ratio", "lower", "load"),
    _o("n_open_cases", "Open cases", "clients", "info"),
    _o("n_waitlist", "Clients waiting", "clients", "lower"),
    _mean("mean_exposure", "Trauma exposure", "index", "info", "exposure"),
    _mean("mean_strain", "Strain (unbuffered demands)", "index", "lower", "strain"),
    *[_mean(f"mean_{s}", f"Mean {lab}", "0-1 latent", _STATE_DIRECTION[s], s, "mean_in_post")
      for s, lab in _STATE_LABELS.items()],
    *[_o(f"{q}_{s}", f"{q.upper()} of {lab}", "0-1 latent", "info", "stock",
         Measure("quantile", s, int(q[1:]) / 100)) for s, lab in _STATE_LABELS.items() for q in ("p10", "p50", "p90")],
    _mean("mean_intention", "Mean turnover intention", "0-1 latent", "lower", "intention", "mean_in_post"),
    _mean("mean_reserves", "Mean personal reserves (COR)", "0-1 latent", "higher", "reserves", "mean_in_post"),
    _mean("mean_growth", "Mean post-traumatic growth", "0-1 latent", "higher", "growth", "mean_in_post"),
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
    *[_o(f"new_cost_{c}", f"Cost of {c.replace('_', ' ')}", "currency/week", "info", "flow", Measure("cost", c))
      for c in COST_COMPONENTS],
    *[_o(f"proqol_{s}_raw", f"ProQOL {s.upper()} raw score", "raw sum 10-50", _STATE_DIRECTION[s], "survey")
      for s in ("cs", "bo", "sts")],
    *[_o(f"proqol_{s}_t", f"ProQOL {s.upper()} standard score", "T score", _STATE_DIRECTION[s], "survey")
      for s in ("cs", "bo", "sts")],
    *[_o(f"proqol_{s}_raw_sd", f"ProQOL {s.upper()} raw score, SD across respondents", "raw score points", "info",
         "survey") for s in ("cs", "bo", "sts")],
    *[_o(f"prop_{s}_{b}", f"ProQOL {s.upper()} {b} band", "share of respondents",
         "info", "survey") for s in ("cs", "bo", "sts") for b in ("low", "average", "high")],
    _o("prop_high_bo", "High burnout (T >= 56)", "share of respondents", "lower", "survey"),
    _o("prop_high_sts", "High STS (T >= 56)", "share of respondents", "lower", "survey"),
    _o("prop_low_cs", "Low compassion satisfaction (T <= 44)", "share of respondents", "lower", "survey"),
)

BY_NAME: dict[str, Outcome] = {o.name: o for o in OUTCOMES}

#: the outcomes a service with team types also records for each team type: everything measured from the
#: clinicians, posts, caseloads, waiting list and survey respondents of the type, and the flows the engine counts
#: per type. Costs, float staff's cases, notices and sick-leave starts are service-wide only.
BY_TEAM_TYPE: tuple[str, ...] = tuple(
    o.name for o in OUTCOMES
    if (o.measure.source in ("count", "mean_at_work", "mean_in_post", "quantile", "survey") and o.name != "n_float_cases")
    or o.name in ("new_referrals", "new_recoveries", "new_dropouts", "new_waitlist_dropouts", "new_incidents",
                  "new_departures", "new_hires"))


def of_team_type(name: str, team_type: str) -> str:
    """The column or summary key of an outcome or summary figure for one team type: ``name[team_type]``."""
    return f"{name}[{team_type}]"


def split_team_type(key: str) -> tuple[str, str | None]:
    """``("name", "team_type")`` of a key made by :func:`of_team_type`, or ``(key, None)``."""
    if key.endswith("]") and "[" in key:
        name, _, kind = key[:-1].partition("[")
        return name, kind
    return key, None


def get(name: str) -> Outcome:
    """Registered outcome by name (KeyError lists the valid names)."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown outcome '{name}'; registered: {', '.join(BY_NAME)}") from None


def _reduced(o: Outcome, reduction: str) -> Summary:
    if (o.kind, reduction) not in _HOW:
        # a total of a level, say, has no meaning; catch it when the registry is built
        raise ValueError(f"outcome '{o.name}': a {o.kind} cannot be summarised by '{reduction}'")
    unit = o.unit.removesuffix("/week") if reduction == "cum" else o.unit
    return Summary(summary_name(o.name, reduction), _LABEL[o.kind, reduction].format(o.label), unit, o.direction,
                   (o.name,), _HOW[o.kind, reduction], reduction)


_REDUCED: dict[str, Summary] = {s.name: s for o in OUTCOMES for s in (_reduced(o, r) for r in o.summarised_by)}


def _derived(name: str, label: str, unit: str, direction: Direction, inputs: tuple[str, ...], how: str,
             formula: Callable[[Mapping[str, float], float], float]) -> Summary:
    outcomes = tuple(dict.fromkeys(o for i in inputs for o in _REDUCED[i].outcomes))
    return Summary(name, label, unit, direction, outcomes, how, "derived", inputs, formula)


def _recovered_share(s: Mapping[str, float], years: float) -> float:
    ended = s["cum_recoveries"] + s["cum_dropouts"]
    return s["cum_recoveries"] / ended if ended else float("nan")


_YEARS = "years = max(weeks in the window, 1) / 52"
DERIVED: tuple[Summary, ...] = (
    _derived("annual_turnover", "Annual turnover", "share of clinicians in post per year", "lower",
             ("n_in_post_mean", "cum_departures"), f"`cum_departures` / max(`n_in_post_mean`, 1e-9) / years; {_YEARS}",
             lambda s, years: s["cum_departures"] / max(s["n_in_post_mean"], 1e-9) / years),
    _derived("annual_hires", "Annual hires", "share of clinicians in post per year", "info",
             ("n_in_post_mean", "cum_hires"), f"`cum_hires` / max(`n_in_post_mean`, 1e-9) / years; {_YEARS}",
             lambda s, years: s["cum_hires"] / max(s["n_in_post_mean"], 1e-9) / years),
    _derived("prop_episodes_recovered", "Episodes ending in recovery", "share of ended episodes", "higher",
             ("cum_recoveries", "cum_dropouts"),
             "`cum_recoveries` / (`cum_recoveries` + `cum_dropouts`); NaN if no episode ended", _recovered_share),
)

#: every summary figure by name: the reductions of each outcome (registry order), then the derived ones
SUMMARIES: dict[str, Summary] = {**_REDUCED, **{s.name: s for s in DERIVED}}

#: outcomes the run summary's derived figures need; always recorded
REQUIRED: tuple[str, ...] = tuple(dict.fromkeys(o for s in DERIVED for o in s.outcomes))


def summary(name: str) -> Summary:
    """Registered summary figure by name (KeyError suggests the nearest name, or an outcome's summaries)."""
    try:
        return SUMMARIES[name]
    except KeyError:
        raise KeyError(f"unknown summary '{name}'{_hint(name)}") from None


def suggest_summary(name: str) -> str | None:
    """The summary a mistyped ``name`` most likely meant: an outcome's first summary, else the closest name."""
    if name in BY_NAME:
        # an outcome's name is nearer its "_end" than its "_mean" by spelling, but the mean is what people want
        return BY_NAME[name].summaries[0]
    close = difflib.get_close_matches(name, list(SUMMARIES), n=1)
    return close[0] if close else None


def _hint(name: str) -> str:
    close = suggest_summary(name)
    return f"; did you mean '{close}'?" if close else ""


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


class MeasurePlan:
    """The recorded outcomes' measures grouped into a few array operations, evaluated once a week.

    Built once per run from the outcome names; :meth:`evaluate` reads a :class:`~model.context.Snapshot` and
    returns ``{outcome name: float}`` for the recorded outcomes (and nothing else).

    Args:
        names: the outcomes recorded (registry names).
        latent_states: the latent states in the row order of ``Snapshot.latent``.
    """

    def __init__(self, names, latent_states: tuple[str, ...]):
        measures = {n: get(n).measure for n in names}
        by = {src: [(n, m) for n, m in measures.items() if m.source == src] for src in Source.__args__}
        self.counts = [(n, m.of) for n, m in by["count"]]
        self.flows = [(n, m.of) for n, m in by["flow"]]
        self.costs = [(n, m.of) for n, m in by["cost"]]
        self.surveys = [(n, m.of) for n, m in by["survey"]]
        self.at_work_names = [n for n, _ in by["mean_at_work"]]
        self.at_work_arrays = [m.of for _, m in by["mean_at_work"]]
        self.in_post_names = [n for n, _ in by["mean_in_post"]]
        self.in_post_rows = [latent_states.index(m.of) for _, m in by["mean_in_post"]]
        self.quantile_names = [n for n, _ in by["quantile"]]
        self.quantile_rows = sorted({latent_states.index(m.of) for _, m in by["quantile"]})
        self.quantile_qs = sorted({m.q for _, m in by["quantile"]})
        # where each quantile outcome sits in the (rows, qs) table
        self.quantile_at = [(self.quantile_rows.index(latent_states.index(m.of)), self.quantile_qs.index(m.q))
                            for _, m in by["quantile"]]
        self.all_rows = self.in_post_rows == list(range(len(latent_states)))
        rows = self.quantile_rows
        # a run of consecutive rows is read as a slice (a view), not copied by fancy indexing
        self._quantile_take = (slice(rows[0], rows[-1] + 1) if rows and rows == list(range(rows[0], rows[-1] + 1))
                               else rows)
        self._quantile_q = np.array(self.quantile_qs, dtype=np.float64)
        # each quantile outcome's place in the flattened (rows, qs) table; None when the outcomes are in table order
        flat = [r * len(self.quantile_qs) + k for r, k in self.quantile_at]
        self._quantile_flat = None if flat == list(range(len(flat))) else np.array(flat, dtype=np.intp)
        # one C-level read of each group of scalars (a comprehension of getattr calls costs several times more)
        self._read_counts = _reader(attrgetter, [of for _, of in self.counts])
        self._read_flows = _reader(attrgetter, [of for _, of in self.flows])
        self._read_costs = _reader(itemgetter, [of for _, of in self.costs])
        self._read_survey = _reader(itemgetter, [of for _, of in self.surveys])
        self._no_survey = [float("nan")] * len(self.surveys)
        # the outcome names in the order evaluate lists their values
        self._names = [n for n, _ in self.counts + self.flows + self.costs] + self.at_work_names \
            + self.in_post_names + self.quantile_names + [n for n, _ in self.surveys]

    def evaluate(self, snap) -> dict[str, float]:
        """This week's value of every recorded outcome."""
        # the values in one list and the dict made once: several dict updates cost more than the arithmetic
        f = snap.flows
        values = [*self._read_counts(snap), *self._read_flows(f), *self._read_costs(f.cost)]
        if self.at_work_arrays:
            # np.array stacks the rows as np.vstack would, without its Python-level argument handling
            block = np.array([getattr(snap, a) for a in self.at_work_arrays])
            values += (block @ snap.at_work / max(snap.n_at_work, 1)).tolist()
        if self.in_post_rows:
            latent = snap.latent if self.all_rows else snap.latent[self.in_post_rows]
            means = (latent @ snap.present / snap.n_in_post if snap.n_in_post
                     else np.full(len(self.in_post_rows), np.nan))
            values += means.tolist()
        if self.quantile_names:
            table = quantiles(snap.latent[self._quantile_take], snap.present, snap.n_in_post, self._quantile_q)
            values += (table.ravel() if self._quantile_flat is None else table.take(self._quantile_flat)).tolist()
        survey = snap.survey
        values += self._no_survey if survey is None else self._read_survey(survey)
        return dict(zip(self._names, values))


def _reader(getter, keys: list[str]) -> Callable[[object], tuple]:
    """``getter(*keys)`` (``operator.attrgetter`` or ``itemgetter``) that always returns a tuple, of 0, 1 or more."""
    if not keys:
        return lambda _: ()
    read = getter(*keys)
    return read if len(keys) > 1 else (lambda obj: (read(obj),))


@njit
def quantiles(rows: np.ndarray, mask: np.ndarray, n: int, q: np.ndarray) -> np.ndarray:
    """Quantiles over the masked columns of each row, with numpy's default linear interpolation.

    Compiled: per row, a counting sort of the ``n`` masked values into about ``n / 4`` equal-width buckets
    between the row's minimum and maximum (linear time, few unpredictable branches), then a sort of only the
    buckets that hold the order statistics around each ``q (n - 1)``, and the interpolation between them. The
    bucket of a value never decreases as the value grows, so the order statistics are exact: the result is
    ``np.quantile(rows[:, mask], q, axis=1).T`` to the last bit (the interpolation is written ``a (1 - t) + b t``).
    A partial sort (``np.partition``) gives the same numbers at four times the cost on a week's changing data.
    A row with NaN or infinite values, or a range too wide or too narrow for a finite bucket width, is sorted
    whole (NaN last, as ``np.partition`` orders it).

    Returns:
        shape (rows, len(q)); NaN when no column is masked in.
    """
    out = np.full((rows.shape[0], q.shape[0]), np.nan)
    if n == 0:
        return out
    lo = np.empty(q.shape[0], np.int64)
    hi = np.empty(q.shape[0], np.int64)
    frac = np.empty(q.shape[0])
    for k in range(q.shape[0]):
        pos = q[k] * (n - 1)
        lo[k] = int(pos)
        hi[k] = min(lo[k] + 1, n - 1)
        frac[k] = pos - lo[k]
    n_buckets = max(1, n // 4)
    values = np.empty(n)
    bucket = np.empty(n, np.int64)
    ordered = np.empty(n)
    start = np.empty(n_buckets + 1, np.int64)  # where each bucket begins in ``ordered``
    fill = np.empty(n_buckets, np.int64)
    sorted_bucket = np.zeros(n_buckets, np.bool_)
    for r in range(rows.shape[0]):
        j = 0
        for c in range(mask.shape[0]):
            if mask[c]:
                values[j] = rows[r, c]
                j += 1
        span = values.max() - values.min()
        scale = n_buckets / span if span > 0.0 else 0.0
        if not (np.isfinite(span) and np.isfinite(scale)):
            # NaN, an infinite value, a range too wide or too narrow for a finite scale: one bucket, sorted whole
            # (NaN last, as np.partition puts it)
            scale = 0.0
        low = values.min() if scale > 0.0 else 0.0
        start[:] = 0
        for i in range(n):
            b = min(max(int((values[i] - low) * scale), 0), n_buckets - 1) if scale > 0.0 else 0
            bucket[i] = b
            start[b + 1] += 1
        for b in range(n_buckets):
            start[b + 1] += start[b]
            fill[b] = start[b]
        for i in range(n):
            b = bucket[i]
            ordered[fill[b]] = values[i]
            fill[b] += 1
        sorted_bucket[:] = False
        for k in range(q.shape[0]):
            for rank in (lo[k], hi[k]):
                b = np.searchsorted(start, rank, side="right") - 1
                if not sorted_bucket[b]:
                    ordered[start[b]:start[b + 1]].sort()
                    sorted_bucket[b] = True
            out[r, k] = ordered[lo[k]] * (1.0 - frac[k]) + ordered[hi[k]] * frac[k]
    return out


def outcome_of(summary_key: str) -> list[str]:
    """The recorded outcomes a summary figure is computed from (e.g. ``cum_departures`` -> ``new_departures``).

    An outcome's own name gives itself, so weekly and summary names can be mixed.

    Raises:
        KeyError: neither a summary nor an outcome.
    """
    summary_key, team_type = split_team_type(summary_key)
    if team_type is not None:
        found = outcome_of(summary_key)
        missing = [o for o in found if o not in BY_TEAM_TYPE]
        if missing:
            raise KeyError(f"'{summary_key}' is not recorded per team type (it reads {', '.join(missing)}); per team "
                           f"type: the summaries of {', '.join(BY_TEAM_TYPE)}")
        return found
    if summary_key in SUMMARIES:
        return list(SUMMARIES[summary_key].outcomes)
    if summary_key in BY_NAME:
        return [summary_key]
    raise KeyError(f"unknown summary '{summary_key}'{_hint(summary_key)}")


def summarise(weekly: pd.DataFrame, eval_start_week: int = 0) -> dict[str, float]:
    """Run summary from the weekly table: every :data:`SUMMARIES` figure of the recorded outcomes.

    The evaluation window is the weeks after ``eval_start_week`` (week 0 is the state at the end of the burn-in,
    before any policy acts, so it is never in the window). Each outcome is reduced as it declares
    (:attr:`Outcome.summarised_by`): ``mean`` and ``end`` over the window's weeks, or its survey weeks for survey
    outcomes (NaN if none), ``cum`` summed over the window. Then the :data:`DERIVED` figures.

    Args:
        weekly: the weekly table (column ``week`` plus one column per outcome).
        eval_start_week: first week of the evaluation window.

    Returns:
        flat dict of floats.
    """
    in_window = weekly["week"].to_numpy() > eval_start_week
    out: dict[str, float] = {}
    present = set(weekly.columns)  # a run may record only some outcomes
    for kind in ("flow", "stock", "survey"):  # the summary's key order since before the registry said how
        names = [n for n in _NAMES_OF_KIND[kind] if n in present]
        values = weekly[names].to_numpy(dtype=float)[in_window]
        if kind == "survey":
            values = values[~np.isnan(values).all(axis=1)]  # survey weeks only
        for reduction in ("cum", "mean", "end"):
            wanted = [n for n in names if reduction in BY_NAME[n].summarised_by]
            if not wanted:
                continue
            # reduce the whole block in one call, then pick the columns that want it
            reduced = dict(zip(names, _reduce(values, reduction, kind, len(names))))
            out.update((summary_name(n, reduction), reduced[n]) for n in wanted)
    years = max(int(in_window.sum()), 1) / 52.0
    for s in DERIVED:
        out[s.name] = s.formula(out, years)
    return out


def summarise_by_team_type(weekly: pd.DataFrame, team_types, eval_start_week: int = 0) -> dict[str, float]:
    """The run summary of each team type, keyed ``summary[team_type]``, from the weekly columns ``outcome[team_type]``
    (the same reductions and derived figures as :func:`summarise`)."""
    out: dict[str, float] = {}
    for t in team_types:
        cols = {of_team_type(n, t): n for n in BY_TEAM_TYPE if of_team_type(n, t) in weekly.columns}
        if not cols:
            continue
        part = weekly[["week", *cols]].rename(columns=cols)
        out.update((of_team_type(k, t), v) for k, v in summarise(part, eval_start_week).items())
    return out


def _reduce(values: np.ndarray, reduction: str, kind: str, n: int) -> list[float]:
    if reduction == "cum":
        return values.sum(axis=0).tolist()
    if kind == "survey":
        if not len(values):
            return [float("nan")] * n
        if reduction == "end":
            return values[-1].tolist()
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a survey with no respondents is NaN
            return np.nanmean(values, axis=0).tolist()
    return (values[-1] if reduction == "end" else values.mean(axis=0)).tolist()


_NAMES_OF_KIND = {k: tuple(o.name for o in OUTCOMES if o.kind == k) for k in KIND_REDUCTIONS}


def markdown_table() -> str:
    """The outcome and summary tables of ``docs/ODD.md`` section 10 (generated by this; see docs/build_tables.py).

    Three tables: how each kind is reduced, every weekly outcome with its summary figures, and the derived
    figures with their formulas.
    """
    # one row per (kind, reduction) in use, with its first outcome as the example of the name it makes
    used = dict.fromkeys(((o.kind, r), o.name) for o in OUTCOMES for r in o.summarised_by)
    examples: dict[tuple[str, str], str] = {}
    for key, name in used:
        examples.setdefault(key, name)
    lines = ["| kind | reduction | how | example |", "|---|---|---|---|"]
    lines += [f"| {k} | {r} | {_HOW[k, r]} | `{n}` → `{summary_name(n, r)}` |" for (k, r), n in examples.items()]
    lines += ["", "| name | label | unit | direction | kind | summaries |", "|---|---|---|---|---|---|"]
    lines += [f"| `{o.name}` | {o.label} | {o.unit} | {o.direction} | {o.kind} | "
              + ", ".join(f"`{s}`" for s in o.summaries) + " |" for o in OUTCOMES]
    lines += ["", "| derived summary | label | unit | direction | from outcomes | formula |",
              "|---|---|---|---|---|---|"]
    lines += [f"| `{s.name}` | {s.label} | {s.unit} | {s.direction} | "
              + ", ".join(f"`{o}`" for o in s.outcomes) + f" | {s.how} |" for s in DERIVED]
    return "\n".join(lines) + "\n"

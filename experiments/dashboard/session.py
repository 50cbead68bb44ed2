"""What the dashboard simulates: a policy and the reference on paired replicates in one context, stepped live.

:class:`Session` holds the paired models and what they measured; :func:`arm_parameters` composes the two arms the
way comparisons do (:func:`experiments.experiment.resolve_arms`); :func:`typed_lever` reads a lever typed as
``name = value``; :func:`lever_timeline` says which levers the policy changes and when they start; :func:`play`
is the loop behind *Go* (stepping until paused or the cap).
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import stats

from model import Parameters, WorkforceModel, network
from model.parameters import ParameterError, staged_levers
from model.programmes import PROGRAMMES
from scenarios import library_names, load

from ..experiment import resolve_arms

#: levers offered as sliders (each bounded by its declared plausible range); any other lever can be typed
LEVERS = ("supervision.coverage", "supervision.sessions_per_month", "supervision.reflective_quality",
          "leadership.training", "work.admin_burden", "caseload.cap_per_fte", "staffing.float_fte_per_100_posts",
          "wellness.uptake")
#: what each week records for the charts
RECORDED = ("mean_bo", "mean_sts", "mean_cs", "prop_vacant", "caseload_per_clinician", "n_waitlist",
            "new_departures", "new_total_cost", "prop_bo_low", "prop_bo_average", "prop_bo_high", "proqol_bo_raw",
            "prop_high_bo")
#: most clinicians x replicates x weeks a browser session simulates per arm (a few seconds of work a click)
MAX_WORK = 300 * 4 * 520
BURN_IN_WEEKS = 52
#: the reference the dashboard compares a policy with (the service as it runs, in the chosen context)
REFERENCE = "baseline"


def policies() -> list[str]:
    """The library's policies (what the dashboard lets a learner choose)."""
    return [n for n in library_names() if load(n).kind == "policy"]


def contexts() -> list[str]:
    """Where a policy can be tried: the service as it runs, then the library's contexts (what the organisation
    does not control: understaffing, a high-trauma caseload)."""
    return [REFERENCE, *(n for n in library_names() if load(n).kind == "context")]


def lever_label(name: str) -> str:
    """The caption under a lever's slider: its unit and plausible range (its source is the slider's tooltip)."""
    spec = Parameters.spec(name)
    lo, hi = spec.range
    return f"{spec.unit}; plausible {lo:g}-{hi:g}"


def check_work(clinicians: int, replicates: int, weeks: int) -> str:
    """"" when the session is small enough, else a friendly message saying what to reduce."""
    work = clinicians * replicates * 2 * weeks
    if work > 2 * MAX_WORK:
        return (f"{clinicians} clinicians x {replicates} replicates x {weeks} weeks is more than this dashboard "
                f"simulates in a browser (at most {MAX_WORK:,} clinician-weeks per arm); use fewer, or the "
                "command line (`resilience compare`).")
    return ""


def typed_lever(text: str) -> tuple[str, object]:
    """A lever typed as ``name = value`` (TOML syntax for the value), checked as a scenario file's would be.

    Raises:
        ParameterError: not ``name = value``, an unknown name, not a lever (uncertainties come with the context),
            or a value the declaration refuses; one line with the usual message, prefixed "typed lever".
    """
    name, eq, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not eq or not name or not value:
        raise ParameterError([f"{text.strip()!r}: type a lever as name = value, e.g. supervision.coverage = 0.9"],
                             "typed lever")
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        raise ParameterError([f"{name} = {value}: not a value (a number, true/false or a quoted string)"],
                             "typed lever") from None
    Parameters().with_overrides({name: parsed}, context="typed lever")  # unknown names and bad values
    spec = Parameters.spec(name)
    if spec.tag != "lever":
        raise ParameterError([f"{name} is an {spec.tag}, not a lever: the context sets it (choose a context)"],
                             "typed lever")
    return name, parsed


@dataclass(frozen=True)
class LeverChange:
    """One row of the lever timeline: a lever group the policy changes, when it starts, and what it sets."""

    group: str
    label: str
    start_week: int
    settings: dict


def lever_timeline(base: Parameters, policy: Parameters) -> list[LeverChange]:
    """The lever groups whose staged levers differ between the reference and the policy, in the order of the
    parameter block: each with its programme's name (where a programme reads the group), its start week and the
    levers it sets (``Parameters.at_week`` applies them in the weeks after the start week)."""
    labels: dict[str, list[str]] = {}
    for prog in PROGRAMMES:
        labels.setdefault(prog.group, []).append(prog.label)
    rows = []
    for group, fields in staged_levers().items():
        changed = {f: policy.get(f"{group}.{f}") for f in fields
                   if policy.get(f"{group}.{f}") != base.get(f"{group}.{f}")}
        if changed:
            rows.append(LeverChange(group, " and ".join(labels.get(group, [group])),
                                    int(policy.get(f"{group}.start_week")), changed))
    return rows


def start_settings(base: Parameters, policy: Parameters, week: int) -> dict[str, int]:
    """The settings that start every lever group the policy changes (against ``base``) in ``week``."""
    return {f"{c.group}.start_week": week for c in lever_timeline(base, policy)}


def arm_parameters(policy: str, context: str, clinicians: int, overrides: Mapping[str, object] | None = None,
                   start_week: int | None = None) -> tuple[Parameters, Parameters]:
    """The reference's and the policy's parameters in ``context``, composed as a comparison composes its arms
    (the context's, then the policy's own settings), with the levers ``overrides`` set and, if ``start_week`` is
    given, every lever group the policy changes starting in that week.

    Raises:
        ParameterError: a lever value or start week the declarations refuse (the usual one-line message).
        ExperimentError, ScenarioError: from composing the arms.
    """
    _, arms = resolve_arms([policy], clinicians, contexts=[context])
    base = next(a.params for a in arms.values() if a.policy.name == REFERENCE)
    pol = next(a.params for a in arms.values() if a.policy.name != REFERENCE)
    pol = pol.with_overrides(dict(overrides or {}), context="dashboard")
    if start_week is not None:
        pol = pol.with_overrides(start_settings(base, pol, start_week), context="dashboard")
    return base, pol


@dataclass
class Session:
    """Paired runs: ``replicates`` models of the reference and of the policy, replicate r with the same seed in both.

    Stepping and reading hold :attr:`lock`, so *Go* can step in a thread while the page draws.

    Attributes:
        base: the reference's parameters.
        policy: the policy's parameters.
        replicates: replicates per arm.
        seed: root seed (replicate r uses ``seed + r``).
        rows: one dict per (arm, replicate, week) with the :data:`RECORDED` outcomes.
    """

    base: Parameters
    policy: Parameters
    replicates: int = 2
    seed: int = 1
    rows: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lock = threading.RLock()
        self._table: pd.DataFrame | None = None
        self.models = {(arm, r): WorkforceModel(p, rng=self.seed + r, burn_in_weeks=BURN_IN_WEEKS)
                       for arm, p in (("baseline", self.base), ("policy", self.policy))
                       for r in range(self.replicates)}
        self._record()

    @property
    def week(self) -> int:
        return next(iter(self.models.values())).week

    def _record(self) -> None:
        for (arm, r), m in self.models.items():
            self.rows.append({"arm": arm, "replicate": r, "week": m.week, **{k: m.metrics[k] for k in RECORDED}})

    def step(self, weeks: int = 1) -> None:
        """Advance every model ``weeks`` weeks."""
        for _ in range(weeks):
            with self.lock:
                for m in self.models.values():
                    m.step()
                self._record()

    def table(self) -> pd.DataFrame:
        """One row per arm, replicate and week (built once per week recorded: every chart of a frame reads it)."""
        with self.lock:
            if self._table is None or len(self._table) != len(self.rows):
                self._table = pd.DataFrame(list(self.rows))
            return self._table

    def paired_difference(self, outcome: str = "mean_bo") -> tuple[float, float, float]:
        """The policy minus the reference in ``outcome``, averaged over the weeks so far (week 0 excluded),
        paired by replicate: (mean, low, high) of a 95% t interval (NaN with one replicate or no week)."""
        t = self.table()
        t = t[t["week"] > 0]
        if t.empty:
            return float("nan"), float("nan"), float("nan")
        means = t.groupby(["arm", "replicate"])[outcome].mean().unstack("arm")
        d = (means["policy"] - means["baseline"]).to_numpy(float)
        mean = float(d.mean())
        if d.size < 2:
            return mean, float("nan"), float("nan")
        half = float(stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size))
        return mean, mean - half, mean + half

    @cached_property
    def positions(self) -> np.ndarray:
        """Where each post of the policy's first replicate is drawn in the network view: a spring layout
        (networkx) of the team and cross-team ties built at the start, fixed for the session so the picture
        does not jump as ties come and go."""
        import networkx as nx

        m = self.models[("policy", 0)]
        graph = nx.from_scipy_sparse_array(network.peer_network(m.workforce.team, m.cross_ties))
        layout = nx.spring_layout(graph, seed=self.seed, iterations=40)
        return np.array([layout[i] for i in range(graph.number_of_nodes())])


def play(session: Session, weeks_per_frame: int, stop: Callable[[], bool], frame: Callable[[], None],
         allowed: Callable[[int], str]) -> str:
    """The loop behind *Go*: step ``weeks_per_frame`` weeks, then draw a frame, until ``stop()`` says so or the
    next frame would pass the cap.

    Args:
        allowed: the message (or "") for running to a week (:func:`check_work` for the session's size).

    Returns:
        "" when stopped, else the cap's message.
    """
    while not stop():
        problem = allowed(session.week + weeks_per_frame)
        if problem:
            return problem
        session.step(weeks_per_frame)
        frame()
    return ""

"""Typed objects the phases of a week pass to each other (no dicts, row numbers or scratch attributes).

* :class:`Flows` – this week's counts and costs, the flow outcomes of the registry;
* :class:`Climate` – team-level gains the programmes add before the roster is built;
* :class:`Roster` – per-clinician resources that change only with the roster or the levers in force;
* :class:`Snapshot` – what the outcome measures (:class:`model.outcomes.Measure`) read at the end of a week;
* :class:`Week` – everything one week's phases hand on: who is in post and at work, the flows, the cover share,
  incidents, and the inputs of the state update that programmes change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .parameters import Parameters
from .state import LATENT_STATES


class _Rows:
    """Row of each latent state by name: ``S.bo`` is the burnout row of ``Workforce.latent`` and the rate blocks."""

    def __init__(self, names: tuple[str, ...]):
        for k, name in enumerate(names):
            setattr(self, name, k)
        self.names = names

    def __len__(self) -> int:
        return len(self.names)


S = _Rows(LATENT_STATES)


@dataclass(slots=True)
class Flows:
    """Counts and costs of one week (the registry's flow outcomes without their ``new_`` prefix).

    Attributes:
        referrals, recoveries, dropouts, waitlist_dropouts, incidents, leave_starts, notices, departures,
            hires: counts this week.
        turnover_cost: replacement cost of this week's departures.
        cost: cost of each programme cost component this week, keyed by component name.
    """

    referrals: int = 0
    recoveries: int = 0
    dropouts: int = 0
    waitlist_dropouts: int = 0
    incidents: int = 0
    leave_starts: int = 0
    notices: int = 0
    departures: int = 0
    hires: int = 0
    turnover_cost: float = 0.0
    cost: dict[str, float] = field(default_factory=dict)

    @property
    def programme_cost(self) -> float:
        """Sum of the programme cost components, in registry order."""
        return sum(self.cost.values())

    @property
    def total_cost(self) -> float:
        """Programme and turnover cost."""
        return self.programme_cost + self.turnover_cost


@dataclass(slots=True)
class Climate:
    """Team-level gains that programmes add to the service means before the roster is built.

    Attributes:
        leader_gain: added to every team's leader support (leadership training).
        safety_gain: added to every team's psychological safety (trauma-informed organisation).
        leave_threshold_shift: subtracted from the burnout level at which sick leave is half its maximum
            (help-seeking without stigma).
    """

    leader_gain: float = 0.0
    safety_gain: float = 0.0
    leave_threshold_shift: float = 0.0


@dataclass(slots=True)
class Roster:
    """Per-clinician resources that change only with the roster (a hire) or the levers in force.

    Attributes:
        leader: leader support of the clinician's team (0-1).
        safety: psychological safety of the clinician's team (0-1).
        supervision: effective supervision received (0-1).
        persuasion: verbal persuasion (supervision and leadership feedback, 0-1).
        recognition: recognition of effort and success (0-1).
        cap: caseload cap (clients, scaled by FTE).
        inv_sustainable: 1 / sustainable caseload (per client).
        bo_half_max: burnout level at which the weekly chance of sick leave is half its maximum.
        p_recovery_level: weekly recovery chance by trauma level with an average clinician, shape (3,).
    """

    leader: np.ndarray
    safety: np.ndarray
    supervision: np.ndarray
    persuasion: np.ndarray
    recognition: np.ndarray
    cap: np.ndarray
    inv_sustainable: np.ndarray
    bo_half_max: float
    p_recovery_level: np.ndarray


@dataclass(slots=True, eq=False)
class Week:
    """What the phases of one week hand on to each other.

    Attributes:
        week: the week being simulated (weeks after the burn-in).
        p: the parameters in force.
        present: bool per slot, clinician in post (fixed from the start of the week until phase 6).
        at_work: bool per slot, in post and not on leave.
        flows: this week's counts and costs.
        cover: share of each clinician's team colleagues' posts that are absent and not covered (phase 2).
        direct: bool per slot, a critical incident of the clinician's own client (phase 3).
        colleague: critical incidents among the clinician's team colleagues (phase 3).
        rel_detachment: multiplier of detachment, i.e. recovery (programmes, phase 4).
        extra_gain, extra_loss: additions to the gain and loss rates of the latent states, rows ``S``
            (programmes, phase 4).
        peer_support_extra: peer support added by programmes (phase 4).
        present_end: bool per slot, in post at the end of the week, after departures and hires (phase 6).
        type_flows: the week's counts of each team type (a service with team types; empty otherwise): referrals,
            recoveries, drop-outs, waiting-list drop-outs, incidents, departures and hires.
    """

    week: int
    p: Parameters
    present: np.ndarray
    at_work: np.ndarray
    flows: Flows
    cover: np.ndarray
    direct: np.ndarray
    colleague: np.ndarray
    rel_detachment: np.ndarray
    extra_gain: np.ndarray
    extra_loss: np.ndarray
    peer_support_extra: np.ndarray
    present_end: np.ndarray
    type_flows: tuple[Flows, ...] = ()


@dataclass(slots=True, eq=False)
class Snapshot:
    """The state the outcome measures read at the end of a week (phase 8).

    Attributes:
        n_posts: budgeted posts.
        n_in_post, n_at_work, n_notice: clinicians in post, at work, working their notice.
        n_open_cases, n_float_cases, n_waitlist: open cases (float staff's included), those of float staff,
            clients waiting.
        present, at_work: bool per slot.
        caseload_total, load, exposure, strain: per-slot quantities of the week.
        latent: the latent states, rows in :data:`~model.state.LATENT_STATES` order.
        flows: the week's counts and costs.
        survey: the week's ProQOL survey figures, or None in a week without a survey.
    """

    n_posts: int
    n_in_post: int
    n_at_work: int
    n_notice: int
    n_open_cases: int
    n_float_cases: int
    n_waitlist: int
    present: np.ndarray
    at_work: np.ndarray
    caseload_total: np.ndarray
    load: np.ndarray
    exposure: np.ndarray
    strain: np.ndarray
    latent: np.ndarray
    flows: Flows
    survey: dict | None

    @property
    def n_vacant(self) -> int:
        """Vacant posts."""
        return self.n_posts - self.n_in_post

    @property
    def prop_vacant(self) -> float:
        """Share of posts vacant."""
        return (self.n_posts - self.n_in_post) / self.n_posts

    @property
    def n_on_leave(self) -> int:
        """Clinicians in post on sick leave."""
        return self.n_in_post - self.n_at_work

    @property
    def prop_on_leave(self) -> float:
        """Share of clinicians in post on sick leave."""
        return self.n_on_leave / self.n_in_post if self.n_in_post else 0.0

"""Team types: the kinds of team a service is made of (crisis, community, inpatient, ...).

A service without team types is one kind of team, set by the service-wide parameters. With team types, each type
has its own posts and team sizes, and its caseload cap, referral rate, trauma mix and share of trauma specialists
are *relative* to the service-wide parameters in force (``rel_*`` multipliers, 1 = the service-wide value). Keeping
them relative means the service-wide levers and uncertainties still reach every team type: a policy that lowers
``caseload.cap_per_fte`` by a fifth lowers every type's cap by a fifth, a context with more high-trauma referrals
raises every type's high-trauma share in proportion, and sensitivity analysis and calibration over those parameters
act on typed services as on plain ones. Scenario files give a type's values in the parameters' own units; the
loader (:mod:`scenarios.loader`) turns them into multipliers against the service-wide values of the file that
declares the types.

Each type's referrals arrive at its own rate and mix and join its own waiting list, and are allocated only to its
own posts; the waiting list presses on the clinicians of its own type. Everything else (leadership, programmes,
peer ties across teams, hiring) is service-wide.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

import numpy as np

from .staff import StaffSnapshot

#: the service-wide parameter each relative field of a team type scales
RELATIVE_TO = {
    "rel_cap": "caseload.cap_per_fte",
    "rel_referrals": "clients.referrals_per_post_week",
    "rel_trauma_moderate": "clients.prop_trauma_moderate",
    "rel_trauma_high": "clients.prop_trauma_high",
    "rel_specialist": "service.prop_trauma_specialist",
}


@dataclass(frozen=True)
class TeamType:
    """One kind of team.

    Attributes:
        name: the type's name (for example "crisis").
        n_posts: budgeted posts of the type.
        team_size_min, team_size_max: smallest and largest team of the type (posts).
        rel_cap: caseload cap per FTE, relative to ``caseload.cap_per_fte``.
        rel_referrals: referrals per post and week, relative to ``clients.referrals_per_post_week``.
        rel_trauma_moderate, rel_trauma_high: shares of moderate- and high-trauma referrals (and of the
            established caseloads), relative to ``clients.prop_trauma_moderate`` and ``clients.prop_trauma_high``.
        rel_specialist: share of trauma specialists among the type's clinicians, relative to
            ``service.prop_trauma_specialist``.
    """

    name: str
    n_posts: int
    team_size_min: int
    team_size_max: int
    rel_cap: float = 1.0
    rel_referrals: float = 1.0
    rel_trauma_moderate: float = 1.0
    rel_trauma_high: float = 1.0
    rel_specialist: float = 1.0


def trauma_mix(p, types: tuple[TeamType, ...]) -> np.ndarray:
    """Referral mix by trauma level (low, moderate, high) of each team type under the parameters ``p``.

    The high share is ``min(rel_trauma_high x clients.prop_trauma_high, 1)`` and the moderate share is
    ``min(rel_trauma_moderate x clients.prop_trauma_moderate, 1 - high)``, so a lever that raises the service-wide
    shares cannot push a type's mix past 1 (the loader refuses types whose own mix exceeds 1).

    Returns:
        shape (n_types, 3), rows summing to 1.
    """
    mix = np.empty((len(types), 3))
    for t, tt in enumerate(types):
        high = min(tt.rel_trauma_high * p.clients.prop_trauma_high, 1.0)
        moderate = min(tt.rel_trauma_moderate * p.clients.prop_trauma_moderate, 1.0 - high)
        mix[t] = (1.0 - moderate - high, moderate, high)
    return mix


def fingerprint(types: tuple[TeamType, ...]) -> str:
    """A content hash of the team types (part of experiment identities: other team types are another service)."""
    if not types:
        return ""
    return hashlib.sha256(repr(types).encode()).hexdigest()[:16]


@dataclass(frozen=True, eq=False)
class Service:
    """What a service is made of beyond its parameters: its team types and its staff snapshot (either or both).

    Attributes:
        team_types: the team types, in order (empty: one kind of team, set by the service-wide parameters).
        staff: the staff snapshot imposed at week 0, or None.
    """

    team_types: tuple[TeamType, ...] = ()
    staff: StaffSnapshot | None = None

    @property
    def n_posts(self) -> int | None:
        """Posts the service fixes (the snapshot's rows, else the team types' posts), or None if it fixes none."""
        if self.staff is not None:
            return self.staff.n_posts
        return sum(t.n_posts for t in self.team_types) if self.team_types else None

    @property
    def empty(self) -> bool:
        return not self.team_types and self.staff is None

    def describe(self) -> dict:
        """A short JSON-able description (for manifests)."""
        out: dict = {}
        if self.team_types:
            out["team_types"] = [dataclasses.asdict(t) for t in self.team_types]
        if self.staff is not None:
            out["staff"] = self.staff.describe()
        return out

    def __repr__(self) -> str:  # stable and short: part of experiment identities
        return f"Service(team_types={fingerprint(self.team_types)!r}, staff={self.staff!r})"

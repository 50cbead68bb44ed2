"""A staff snapshot: the posts of a real service (team, role, FTE, tenure, caseload), imposed at week 0.

The snapshot fixes the service's structure from the start (one post per row, teams of the sizes the snapshot
has), and at week 0, the end of the burn-in, gives each post the snapshot's occupancy, FTE, role, tenure and
caseload. The people in post keep the traits and latent states the burn-in settled (nobody surveys burnout in a
staff list); a post that is filled in the snapshot but vacant at the end of the burn-in takes a settled
clinician's traits and states. Reading and checking snapshot files is :mod:`scenarios.staff`'s job.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class StaffSnapshot:
    """One row per post, posts ordered by team.

    Attributes:
        team: team index of each post (0 .. n_teams - 1, non-decreasing).
        team_names: the snapshot's name of each team index.
        occupied: the post is filled.
        fte: full-time equivalent of the post's clinician (of the post, if vacant).
        specialist: the clinician is a trauma specialist.
        weeks_in_post: tenure of the clinician in the post (weeks).
        caseload: open cases by trauma level (low, moderate, high), shape (3, n).
        source: where the snapshot came from (for messages and manifests).
        type_of_team: the team type of each team index (empty: the snapshot names no team types).
    """

    team: np.ndarray
    team_names: tuple[str, ...]
    occupied: np.ndarray
    fte: np.ndarray
    specialist: np.ndarray
    weeks_in_post: np.ndarray
    caseload: np.ndarray
    source: str = ""
    type_of_team: tuple[str, ...] = ()

    @property
    def n_posts(self) -> int:
        return int(self.team.size)

    @property
    def team_sizes(self) -> np.ndarray:
        """Posts per team."""
        return np.bincount(self.team, minlength=len(self.team_names)).astype(np.int64)

    def posts_by_type(self) -> dict[str, int]:
        """Posts of each team type the snapshot names (empty if it names none)."""
        out: dict[str, int] = {}
        for name, size in zip(self.type_of_team, self.team_sizes):
            out[name] = out.get(name, 0) + int(size)
        return out

    def type_index(self, names) -> np.ndarray:
        """Index into ``names`` of each team's type."""
        names = list(names)
        return np.array([names.index(t) for t in self.type_of_team], np.int64)

    def __repr__(self) -> str:  # stable and short: part of experiment identities
        return f"StaffSnapshot(source={self.source!r}, fingerprint={self.fingerprint()!r})"

    def fingerprint(self) -> str:
        """A content hash (part of an experiment's identity: another snapshot is another service)."""
        h = hashlib.sha256()
        for a in (self.team, self.occupied, self.fte, self.specialist, self.weeks_in_post, self.caseload):
            h.update(np.ascontiguousarray(a).tobytes())
        h.update("\0".join(self.team_names).encode())
        if self.type_of_team:
            h.update(("\1" + "\0".join(self.type_of_team)).encode())
        return h.hexdigest()[:16]

    def describe(self) -> dict:
        """A short JSON-able description: source, fingerprint, posts, teams, filled posts, open cases."""
        return {"source": self.source, "fingerprint": self.fingerprint(), "posts": self.n_posts,
                "teams": len(self.team_names), "filled": int(self.occupied.sum()),
                "open_cases": int(self.caseload.sum())}

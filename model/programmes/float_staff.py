"""Float (bank) staff: cover for absent posts, and a caseload of waiting clients."""

from __future__ import annotations

import numpy as np

from .. import processes as pr
from .base import WEEKS_PER_YEAR, Programme


def float_cover(float_fte: float, absent_posts: int) -> float:
    """Share of absent posts (vacant or on leave) that float staff cover: ``min(1, float FTE / absent)``.

    References:
        Bank and float pools as vacancy cover (Buchan et al. 2019).
    """
    if float_fte <= 0.0:
        return 0.0
    if absent_posts <= 0:
        return 1.0
    return min(1.0, float_fte / absent_posts)


class FloatStaff(Programme):
    """A pool of float staff sized per 100 budgeted posts.

    Float staff cover the duty work of absent posts (which lowers the cover demand and the cap stretch of the
    clinicians who stay) and take waiting clients up to their own caseload cap, treating them at average
    quality. Their own states are not modelled.

    Attributes:
        caseload: open cases held by float staff, by trauma level, shape (3,).

    References:
        Buchan et al. 2019 (bank and agency staff); NHS Improvement 2019 (premium).
    """

    name = "float_staff"
    group = "staffing"
    label = "Float (bank) staff"
    mechanism = ("cover a share of absent posts (JD-R cover demand and cap stretch of those who stay) and hold "
                 "a caseload of waiting clients up to their own cap")
    cost_basis = "`costs.salary_per_fte_year` x (1 + `costs.float_premium`) per float FTE"
    cost_components = ("float",)

    def __init__(self, model):
        super().__init__(model)
        self.caseload = np.zeros(pr.N_LEVELS, dtype=np.int64)

    @classmethod
    def running(cls, p) -> bool:
        return p.staffing.float_fte_per_100_posts > 0

    def fte(self, p) -> float:
        """Float staff employed (FTE)."""
        return p.staffing.float_fte_per_100_posts * self.model.workforce.n / 100.0

    def cover(self, week, n_absent: int) -> float:
        return float_cover(self.fte(week.p), n_absent)

    def take_waiting(self, week, unplaced):
        room = int(self.fte(week.p) * week.p.caseload.cap_per_fte) - int(self.caseload.sum())
        taken = pr.take_clients(self.model.streams["allocation"], unplaced, room)
        self.caseload += taken.reshape(-1, pr.N_LEVELS).sum(axis=0)  # float staff hold waiting clients of any type
        return unplaced - taken

    def end_episodes(self, week) -> tuple[int, int]:
        if not self.caseload.any():
            return 0, 0
        p_level = self.model.roster.p_recovery_level
        u = self.model.streams["episodes"].random(2 * self.caseload.size)
        rec, drop = pr.episode_endings(u, self.caseload[:, None], p_level[:, None],
                                       np.full(1, week.p.clients.p_dropout_week))
        self.caseload -= (rec + drop)[:, 0]
        return int(rec.sum()), int(drop.sum())

    def running_costs(self, week) -> None:
        c = week.p.costs
        self.charge(week, self.fte(week.p) * c.salary_per_fte_year * (1.0 + c.float_premium) * (1.0 / WEEKS_PER_YEAR))

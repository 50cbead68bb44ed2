"""Supportive and compassionate leadership: training for team leaders."""

from __future__ import annotations

import math

from .base import WEEKS_PER_YEAR, Programme


def training_ramp(week: int, start_week: int, weeks: float) -> float:
    """Share of the full training effect reached in ``week``: ``1 - exp(-(week - start) / weeks)`` after the start
    week, 0 until then.

    References:
        Leadership behaviour changes gradually after training (Kelloway & Barling 2010).
    """
    if week <= start_week:
        return 0.0
    return 1.0 - math.exp(-(week - start_week) / weeks)


class Leadership(Programme):
    """Supportive/compassionate leadership training for team leaders.

    Training raises every team's leader support towards ``leadership.training_gain x training`` with the time
    constant ``leadership.training_weeks``.

    References:
        Kelloway & Barling 2010; West 2021 (compassionate leadership).
    """

    name = "leadership"
    group = "leadership"
    label = "Compassionate-leadership training"
    mechanism = ("raises leader support (a JD-R resource, half of persuasion and of recognition, a reason to stay, "
                 "a third of the support for growth) as the training builds up")
    cost_basis = "`costs.leadership_training_per_leader_year` per team leader, times the training intensity"
    cost_components = ("leadership",)

    @classmethod
    def running(cls, p) -> bool:
        return p.leadership.training > 0

    def begin_week(self, week) -> None:
        self.model.refresh_roster()  # leader support is still building up

    def climate(self, climate) -> None:
        ld = self.model.p.leadership
        climate.leader_gain += ld.training_gain * ld.training * training_ramp(
            self.model.week, ld.start_week, ld.training_weeks)

    def running_costs(self, week) -> None:
        p = week.p
        self.charge(week, self.model.n_teams * p.leadership.training * p.costs.leadership_training_per_leader_year
                    * (1.0 / WEEKS_PER_YEAR))

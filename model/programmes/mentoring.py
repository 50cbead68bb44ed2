"""Career development and mentoring for early-career clinicians."""

from __future__ import annotations

import numpy as np

from ..context import S
from .base import Programme


def mentees(present: np.ndarray, weeks_in_post: np.ndarray, early_career_weeks: int, u_mentor: np.ndarray,
            coverage: float) -> np.ndarray:
    """Clinicians in post, early in their career in this post, and drawn into mentoring.

    References:
        Mentoring of new clinicians (Kashiwagi et al. 2013; Zhang et al. 2016).
    """
    return present & (weeks_in_post < early_career_weeks) & (u_mentor < coverage)


class Mentoring(Programme):
    """Mentoring of clinicians in their first ``mentoring.early_career_weeks`` in post.

    Attributes:
        n_mentees: clinicians mentored this week.

    References:
        Bandura 1997 (persuasion and vicarious experience); Kashiwagi et al. 2013 (mentoring and retention).
    """

    name = "mentoring"
    group = "mentoring"
    label = "Mentoring of early-career staff"
    mechanism = ("mentees gain self-efficacy (`mentoring.se_gain` x the self-efficacy rate) and lose turnover "
                 "intention (`mentoring.intention_relief` x the intention rate) every week")
    cost_basis = "`costs.mentoring_per_mentee_week` per mentee"
    cost_components = ("mentoring",)
    n_mentees = 0

    @classmethod
    def running(cls, p) -> bool:
        return p.mentoring.coverage > 0

    def inputs(self, week) -> None:
        p, ws = week.p, self.model.workforce
        mentored = mentees(week.present, ws.weeks_in_post, p.mentoring.early_career_weeks, ws.u_mentor,
                           p.mentoring.coverage)
        week.extra_gain[S.se] += p.self_efficacy.rate * p.mentoring.se_gain * mentored
        week.extra_loss[S.intention] += p.turnover.rate_intention * p.mentoring.intention_relief * mentored
        self.n_mentees = int(mentored.sum())

    def running_costs(self, week) -> None:
        self.charge(week, self.n_mentees * week.p.costs.mentoring_per_mentee_week)

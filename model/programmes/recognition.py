"""Recognition of effort and success by leaders and the organisation."""

from __future__ import annotations

import numpy as np

from .base import WEEKS_PER_YEAR, Programme


class Recognition(Programme):
    """Recognition of effort and success at the level ``leadership.recognition`` (0-1).

    The engine builds each clinician's recognition as the mean of this level and their team's leader support;
    recognition is a JD-R resource and a gain of compassion satisfaction.

    References:
        Maslach & Leiter 2016 (reward and recognition as an area of worklife).
    """

    name = "recognition"
    group = "leadership"
    label = "Recognition of effort and success"
    mechanism = ("recognition (the mean of `leadership.recognition` and the team's leader support) is a JD-R "
                 "resource and a gain of compassion satisfaction")
    cost_basis = "`costs.recognition_per_clinician_year` per clinician in post, times the recognition level"
    cost_components = ("recognition",)

    @classmethod
    def running(cls, p) -> bool:
        return p.leadership.recognition > 0

    def running_costs(self, week) -> None:
        p = week.p
        self.charge(week, int(np.count_nonzero(week.present_end)) * p.leadership.recognition
                    * p.costs.recognition_per_clinician_year * (1.0 / WEEKS_PER_YEAR))

"""Wellness initiatives: a mindfulness / stress-management course with fading effects and optional boosters."""

from __future__ import annotations

import numpy as np

from ..state import VACANT
from .base import Programme


def decay_factor(half_life_weeks: float) -> float:
    """Weekly multiplier of an effect with the given half-life."""
    return 0.5 ** (1.0 / half_life_weeks)


def booster_due(week: int, start_week: int, interval_weeks: int) -> bool:
    """True in the weeks a booster is given: every ``interval_weeks`` after the course (never if 0).

    The course is given in the first week of the programme, ``start_week + 1``.

    References:
        Refresher sessions sustain the effects of person-directed interventions (Awa et al. 2010).
    """
    first = start_week + 1
    return interval_weeks > 0 and week > first and (week - first) % interval_weeks == 0


class Wellness(Programme):
    """A wellness course for the clinicians who take it up, with boosters.

    Participants are those whose fixed draw ``u_wellness`` is below ``wellness.uptake``. The course sets their
    dose to 1; it fades with the half-life ``wellness.half_life_weeks`` and boosters restore it. The dose raises
    detachment (recovery from burnout and STS) by ``wellness.effect x dose``. New hires take the course on
    arrival while the programme runs.

    References:
        Sonnentag & Fritz 2007 (detachment); Spinelli et al. 2019 (MBSR for clinicians, small effects that fade).
    """

    name = "wellness"
    group = "wellness"
    label = "Wellness course with boosters"
    mechanism = "the course dose multiplies detachment (recovery from burnout and STS) by 1 + `wellness.effect` x dose"
    cost_basis = "`costs.wellness_course` per participant and `costs.wellness_booster` per booster session"
    cost_components = ("wellness",)

    @classmethod
    def running(cls, p) -> bool:
        return p.wellness.uptake > 0

    def _members(self) -> np.ndarray:
        ws = self.model.workforce
        return (ws.status != VACANT) & (ws.u_wellness < self.model.p.wellness.uptake)

    def _give(self, week, slots: np.ndarray, unit_cost: float) -> None:
        self.model.workforce.wellness_dose[slots] = 1.0
        self.charge(week, slots.size * unit_cost)

    def start(self, week) -> None:
        self.decay = decay_factor(week.p.wellness.half_life_weeks)
        self._give(week, np.flatnonzero(self._members()), week.p.costs.wellness_course)

    def begin_week(self, week) -> None:
        w = week.p.wellness
        if week.week == w.start_week + 1:  # the course was given this week (``start``): nothing has faded yet
            return
        self.model.workforce.wellness_dose *= self.decay
        if booster_due(week.week, w.start_week, w.booster_interval_weeks):
            self._give(week, np.flatnonzero(self._members()), week.p.costs.wellness_booster)

    def on_hire(self, slots, week) -> None:
        ws = self.model.workforce
        self._give(week, slots[ws.u_wellness[slots] < week.p.wellness.uptake], week.p.costs.wellness_course)

    def inputs(self, week) -> None:
        week.rel_detachment = week.rel_detachment * (1.0 + week.p.wellness.effect * self.model.workforce.wellness_dose)

"""Trauma-informed organisation: psychological safety, and help-seeking without stigma."""

from __future__ import annotations

from .base import Programme


class TraumaInformed(Programme):
    """An organisation-wide trauma-informed change programme at an implementation level of 0-1.

    References:
        Edmondson 1999 (psychological safety); Substance Abuse and Mental Health Services Administration 2014
        (trauma-informed approach); Ahola et al. 2008 (earlier sick leave prevents long absence).
    """

    name = "trauma_informed"
    group = "trauma_informed"
    label = "Trauma-informed organisation"
    mechanism = ("raises every team's psychological safety (how usable peer support is) by "
                 "`trauma_informed.safety_gain` x level and lowers the burnout level at which sick leave is "
                 "taken (help-seeking without stigma) by `trauma_informed.stigma_shift` x level")
    cost_basis = "`costs.trauma_informed_per_clinician_week` per clinician in post, times the level"
    cost_components = ("trauma_informed",)

    @classmethod
    def running(cls, p) -> bool:
        return p.trauma_informed.level > 0

    def climate(self, climate) -> None:
        ti = self.model.p.trauma_informed
        climate.safety_gain += ti.safety_gain * ti.level
        climate.leave_threshold_shift += ti.stigma_shift * ti.level

    def running_costs(self, week) -> None:
        p = week.p
        self.charge(week, int(week.present_end.sum()) * p.trauma_informed.level
                    * p.costs.trauma_informed_per_clinician_week)

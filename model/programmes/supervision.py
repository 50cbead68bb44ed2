"""Reflective supervision: a JD-R resource, persuasion for self-efficacy, and protection against STS."""

from __future__ import annotations

import numpy as np

from .. import processes as pr
from .base import WEEKS_PER_YEAR, Programme


class Supervision(Programme):
    """Regular (reflective) supervision for a share of clinicians.

    Members are the clinicians whose fixed draw ``u_supervision`` is below ``supervision.coverage``, so a
    higher coverage keeps the same people in (common random numbers).

    References:
        Knight 2013 and Gunn et al. 2021 (reflective supervision and STS); Bandura 1997 (persuasion).
    """

    name = "supervision"
    group = "supervision"
    label = "Reflective supervision"
    mechanism = ("effective supervision (frequency with diminishing returns x reflective quality) is a JD-R "
                 "resource, half of verbal persuasion for self-efficacy, a third of the support that turns "
                 "exposure into growth, and lowers STS accrual by `supervision.sts_protection` at full intensity")
    cost_basis = "`costs.supervision_per_session` per session of each supervised clinician in post"
    cost_components = ("supervision",)

    @classmethod
    def running(cls, p) -> bool:
        return p.supervision.coverage > 0 and p.supervision.sessions_per_month > 0

    def slot_resources(self, roster, slots) -> None:
        s, ws = self.model.p.supervision, self.model.workforce
        idx = slice(None) if slots is None else slots
        roster.supervision[idx] = pr.supervision_intensity(ws.u_supervision[idx] < s.coverage, s)

    def running_costs(self, week) -> None:
        p, ws = week.p, self.model.workforce
        n_supervised = int(np.count_nonzero(week.present_end & (ws.u_supervision < p.supervision.coverage)))
        sessions_per_week = p.supervision.sessions_per_month * 12.0 / WEEKS_PER_YEAR
        self.charge(week, n_supervised * sessions_per_week * p.costs.supervision_per_session)

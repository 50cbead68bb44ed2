"""Less paperwork: administrative or scribe support that lowers the administrative burden."""

from __future__ import annotations

from ..parameters import Parameters
from .base import WEEKS_PER_YEAR, Programme

_DEFAULT_ADMIN = Parameters.spec("work.admin_burden").default


class AdminSupport(Programme):
    """Administrative support bought for the share of working time removed below the default burden.

    The lever ``work.admin_burden`` enters the JD-R demands directly; this module owns its cost.

    References:
        Sinsky et al. 2016 (documentation time); Bakker & Demerouti 2007 (demands).
    """

    name = "admin_support"
    group = "work"
    label = "Administrative support"
    mechanism = "lowers the administrative share of working time (`work.admin_burden`), a JD-R demand"
    cost_basis = ("`costs.admin_support_per_fte_year` per FTE in post for the share of time removed below the "
                  "default administrative burden")
    cost_components = ("admin_support",)

    @classmethod
    def running(cls, p) -> bool:
        return p.work.admin_burden < _DEFAULT_ADMIN

    def running_costs(self, week) -> None:
        p, ws = week.p, self.model.workforce
        fte_in_post = float(ws.fte[week.present_end].sum())
        self.charge(week, fte_in_post * max(0.0, _DEFAULT_ADMIN - p.work.admin_burden)
                    * p.costs.admin_support_per_fte_year * (1.0 / WEEKS_PER_YEAR))

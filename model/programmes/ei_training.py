"""Emotional-intelligence training: a lasting gain of the EI trait."""

from __future__ import annotations

import numpy as np

from ..state import VACANT
from .base import Programme


class EiTraining(Programme):
    """Emotional-intelligence training for those who take it up (once per clinician).

    Participants are those whose fixed draw ``u_ei`` is below ``ei_training.uptake``: staff in post when the
    programme starts and new hires on arrival.

    References:
        Mattingly & Kraiger 2019 (EI training effects, meta-analysis); Zeidner et al. 2013 (EI and STS).
    """

    name = "ei_training"
    group = "ei_training"
    label = "Emotional-intelligence training"
    mechanism = ("raises the EI trait by `ei_training.gain` (capped at 1); EI is a personal JD-R resource and "
                 "protects against STS accrual")
    cost_basis = "`costs.ei_training_per_participant` per participant, once"
    cost_components = ("ei_training",)

    @classmethod
    def running(cls, p) -> bool:
        return p.ei_training.uptake > 0

    def _train(self, week, slots: np.ndarray) -> None:
        ws, p = self.model.workforce, week.p
        slots = slots[~ws.ei_trained[slots]]
        ws.ei[slots] = np.minimum(ws.ei[slots] + p.ei_training.gain, 1.0)
        ws.ei_trained[slots] = True
        self.charge(week, slots.size * p.costs.ei_training_per_participant)

    def start(self, week) -> None:
        ws = self.model.workforce
        self._train(week, np.flatnonzero((ws.status != VACANT) & (ws.u_ei < week.p.ei_training.uptake)))

    def on_hire(self, slots, week) -> None:
        self._train(week, slots[self.model.workforce.u_ei[slots] < week.p.ei_training.uptake])

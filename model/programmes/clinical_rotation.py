"""Clinical rotation: trauma-informed caseload management that steers high-trauma clients away from clinicians
whose secondary traumatic stress is high."""

from __future__ import annotations

import numpy as np

from .base import Programme


def rotated_out(at_work: np.ndarray, sts: np.ndarray, threshold: float) -> np.ndarray:
    """Clinicians at work whose STS is above the threshold: they get no new high-trauma clients while others can
    take them.

    References:
        Bride 2007 and Sprang, Clark & Whitt-Woosley 2007 (a mixed caseload and limiting trauma exposure as
        protection against STS); Bell, Kulkarni & Dalton 2003 (organisational strategies: caseload
        management).
    """
    return at_work & (sts > threshold)


class ClinicalRotation(Programme):
    """Steer a share of the week's high-trauma clients to clinicians whose STS is at or below a threshold.

    Each week ``rotation.share_steered`` of the high-trauma clients to be allocated (rounded) are first offered only the free places of clinicians at work with STS at or below
    ``rotation.sts_threshold``; those who find no place there join the general allocation, so no client waits
    longer because of the rotation. Clinicians above the threshold are "rotated" for that week.

    Attributes:
        n_rotated: clinicians rotated out of high-trauma allocation this week.
    """

    name = "clinical_rotation"
    group = "rotation"
    label = "Clinical rotation (trauma-informed caseload management)"
    mechanism = ("new high-trauma clients go first to clinicians whose STS is at or below `rotation.sts_threshold`, "
                 "which lowers the trauma exposure (STS accrual, JD-R trauma demand) of those above it")
    cost_basis = "`rotation.cost_per_rotated_week` per clinician rotated out in a week (caseload coordination)"
    cost_components = ("rotation",)
    n_rotated = 0

    @classmethod
    def running(cls, p) -> bool:
        return p.rotation.share_steered > 0

    def route_high_trauma(self, week, n_high: int):
        rot, ws = week.p.rotation, self.model.workforce
        out = rotated_out(week.at_work, ws.sts, rot.sts_threshold)
        self.n_rotated = int(out.sum())
        # a fixed share rather than a draw, so that the allocation stream stays aligned with other policies
        return week.at_work & ~out, int(round(rot.share_steered * n_high))

    def running_costs(self, week) -> None:
        self.charge(week, self.n_rotated * week.p.rotation.cost_per_rotated_week)

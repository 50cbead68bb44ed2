"""Structured peer support: a peer-support resource and extra cross-team ties, which also carry contagion."""

from __future__ import annotations

import numpy as np

from .. import network
from .base import Programme


class PeerSupport(Programme):
    """A cross-team peer support programme for a share of posts.

    Members are the posts whose fixed draw ``u_peer`` is below ``peer_support.coverage``; the programme's ties
    are drawn once at the start of the run among the members at the scenario's coverage (they belong to posts,
    so a new hire in a member post joins the programme) and are in force while the programme runs.

    Attributes:
        ties: the programme's cross-team ties (CSR, 0/1), drawn at construction.
        cross_with_programme: the service's cross-team ties joined with the programme's.

    References:
        Shapiro & Galowitz 2016 (structured peer support); Bakker, Le Blanc & Schaufeli 2005 (crossover runs
        through the same ties).
    """

    name = "peer_support"
    group = "peer_support"
    label = "Peer support programme"
    mechanism = ("members get `peer_support.support` of peer support (a JD-R resource and support for growth) "
                 "and extra cross-team ties, over which peer means (contagion, vicarious mastery) are taken")
    cost_basis = "`costs.peer_support_per_participant_week` per member in post"
    cost_components = ("peer_support",)
    setup_reads = ("peer_support.coverage", "peer_support.extra_ties")

    @classmethod
    def running(cls, p) -> bool:
        return p.peer_support.coverage > 0

    def setup(self, rng) -> None:
        m = self.model
        ws, sc = m.workforce, m.params
        ws.u_peer[:] = rng.random(ws.n)
        # the seed is drawn even without members, so later draws of the init stream stay aligned
        self.ties = network.programme_ties(int(rng.integers(2**31 - 1)), ws.u_peer < sc.peer_support.coverage,
                                           sc.peer_support.extra_ties, ws.team)
        self.cross_with_programme = network.union(m.cross_ties, self.ties)

    def members(self) -> np.ndarray:
        """Bool per post: in the programme under the levers in force."""
        return self.model.workforce.u_peer < self.model.p.peer_support.coverage

    def start(self, week) -> None:
        self.model.set_cross_ties(self.cross_with_programme)

    def inputs(self, week) -> None:
        week.peer_support_extra = week.p.peer_support.support * self.members()

    def running_costs(self, week) -> None:
        n_members = int((week.present_end & self.members()).sum())
        self.charge(week, n_members * week.p.costs.peer_support_per_participant_week)

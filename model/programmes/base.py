"""The programme plug-in interface: what an organisational programme may do to a week, and nothing else.

A programme is one class in one module of this package. It names the parameter group it reads, says when it
runs, and overrides only the hooks it needs; the engine (:mod:`model.workforce`) calls a hook only for the
programmes that are running under the levers in force and that override it, at the fixed point of the weekly
schedule written in :meth:`model.workforce.WorkforceModel.step`. Programmes never subtract burnout: every hook
changes an *input* of the mechanisms (team climate, a clinician's resources, the allocation of clients, the
rates of the state update) or charges a cost.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

import numpy as np

if TYPE_CHECKING:  # the engine imports the programmes, not the other way round
    from ..context import Climate, Roster, Week
    from ..parameters import Parameters
    from ..workforce import WorkforceModel

WEEKS_PER_YEAR = 52.0

#: the hooks a programme can override, in the order they run within a week (see ``WorkforceModel.step``)
HOOKS = ("setup", "start", "begin_week", "climate", "slot_resources", "on_hire", "cover", "route_high_trauma",
         "take_waiting", "end_episodes", "inputs", "running_costs")


class Programme(ABC):
    """Base class of organisational programmes.

    Class attributes (the registry and the docs read them):
        name: registry key (snake case).
        group: the parameter group the programme reads (its levers and its ``start_week``).
        label: a short human-readable name.
        mechanism: which inputs of which mechanisms it changes (one sentence, printed in docs/ODD.md).
        cost_basis: how it is costed (one sentence, printed in docs/ODD.md).
        cost_components: names of the cost outcomes it charges (``new_cost_<component>``).
        setup_reads: dotted names of the run's parameters that :meth:`setup` reads from ``model.params`` (the
            parameters of the whole run, not those in force): the state built from them is fixed before the
            burn-in, so runs that differ in them do not share a burn-in (:mod:`model.burn_in`).

    Attributes:
        model: the model the programme belongs to (one instance per run holds the run's programme state).
    """

    name: ClassVar[str]
    group: ClassVar[str]
    label: ClassVar[str]
    mechanism: ClassVar[str]
    cost_basis: ClassVar[str]
    cost_components: ClassVar[tuple[str, ...]]
    setup_reads: ClassVar[tuple[str, ...]] = ()

    def __init__(self, model: WorkforceModel):
        self.model = model

    # ------------------------------------------------------------------------------------------------------
    @classmethod
    @abstractmethod
    def running(cls, p: Parameters) -> bool:
        """Whether the programme runs under the parameters ``p`` in force (its levers switched on)."""

    @classmethod
    def start_week(cls, p: Parameters) -> int:
        """The start week of the programme's parameter group: it first runs in the week after it."""
        return getattr(p, cls.group).start_week

    @classmethod
    def overrides(cls, hook: str) -> bool:
        """Whether the class overrides ``hook`` (the engine calls no hook that does nothing)."""
        return getattr(cls, hook) is not getattr(Programme, hook)

    # ------------------------------------------------------------------------------------------------------
    # hooks; each is called only while the programme runs, except ``setup`` (once, always)
    def setup(self, rng: np.random.Generator) -> None:
        """At construction, after the network is built: per-run state; draws only from ``rng`` (the init stream)."""

    def start(self, week: Week) -> None:
        """In the first week the programme runs (the week after its group's ``start_week``)."""

    def begin_week(self, week: Week) -> None:
        """At the start of every week it runs, after the lever schedule has switched the levers in force."""

    def climate(self, climate: Climate) -> None:
        """Add to the team climate the engine builds the roster from (leader support, psychological safety)."""

    def slot_resources(self, roster: Roster, slots: np.ndarray | None) -> None:
        """Set the per-clinician resources it provides in ``roster`` (all slots if ``slots`` is None)."""

    def on_hire(self, slots: np.ndarray, week: Week) -> None:
        """New hires have started in ``slots``."""

    def cover(self, week: Week, n_absent: int) -> float:
        """Share of the ``n_absent`` absent posts (vacant or on leave) whose duty work it covers (0-1)."""
        return 0.0

    def route_high_trauma(self, week: Week, n_high: int) -> tuple[np.ndarray, int]:
        """Route high-trauma clients to a pool of clinicians first.

        Args:
            week: this week.
            n_high: high-trauma clients to be allocated this week (waiting and new) not yet routed.

        Returns:
            (pool, n): bool mask of the clinicians whose free places take the first ``n`` of them; those not
            placed there join the general allocation.
        """
        return np.zeros(self.model.workforce.n, bool), 0

    def take_waiting(self, week: Week, unplaced: np.ndarray) -> np.ndarray:
        """Take clients (by trauma level) from those left unplaced this week; returns those still unplaced."""
        return unplaced

    def end_episodes(self, week: Week) -> tuple[int, int]:
        """Episodes it holds itself that end this week: (recoveries, drop-outs)."""
        return 0, 0

    def inputs(self, week: Week) -> None:
        """Change this week's inputs of the state update (``week.rel_detachment``, ``week.extra_gain`` ...)."""

    def running_costs(self, week: Week) -> None:
        """Charge this week's running costs with :meth:`charge` (one-off costs are charged when they occur)."""

    # ------------------------------------------------------------------------------------------------------
    def charge(self, week: Week, amount: float, component: str | None = None) -> None:
        """Add ``amount`` (currency) to this week's cost of one of the programme's cost components."""
        component = component or self.cost_components[0]
        if component not in self.cost_components:
            raise KeyError(f"{self.name} has no cost component '{component}'")
        week.flows.cost[component] += amount

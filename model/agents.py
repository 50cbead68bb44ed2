"""The clinician as a Mesa agent whose attributes are views of the model's arrays."""

from __future__ import annotations

import itertools

import mesa

from .state import ACTIVE, NO_NOTICE, ON_LEAVE

_VIEWS = {
    # agent attribute: (array on model.workforce, description)
    "self_efficacy": ("se", "self-efficacy, 0-1"),
    "compassion_satisfaction": ("cs", "compassion satisfaction, 0-1"),
    "burnout": ("bo", "burnout, 0-1"),
    "sts": ("sts", "secondary traumatic stress, 0-1"),
    "turnover_intention": ("intention", "turnover intention, 0-1"),
    "reserves": ("reserves", "personal resource reserves (COR), 0-1"),
    "growth": ("growth", "vicarious post-traumatic growth, 0-1"),
    "emotional_intelligence": ("ei", "emotional intelligence trait, 0-1"),
    "trauma_history": ("trauma_history", "own trauma history"),
    "fte": ("fte", "full-time equivalent"),
    "specialist": ("specialist", "trauma specialist"),
    "weeks_in_post": ("weeks_in_post", "tenure in the post, weeks"),
    "exposure": ("exposure", "trauma exposure this week"),
    "strain": ("strain", "unbuffered demands this week"),
}


def _view(array_name: str, doc: str) -> property:
    def fget(self):
        return getattr(self.model.workforce, array_name)[self.slot].item()

    def fset(self, value):
        getattr(self.model.workforce, array_name)[self.slot] = value

    return property(fget, fset, doc=doc)


class Clinician(mesa.Agent):
    """A clinician holding one post.

    The agent holds no state of its own beyond its slot: every attribute reads or writes the model's arrays
    (``model.workforce``), so the weekly update stays vectorised while Mesa's AgentSet, DataCollector agent
    reporters and visualisation keep working.

    Attributes:
        slot: index of the post in the model's arrays.
        self_efficacy, compassion_satisfaction, burnout, sts, turnover_intention, reserves, growth: latent
            states (0-1), read-write views.
        emotional_intelligence, trauma_history, fte, specialist, weeks_in_post: traits.
        exposure, strain: this week's trauma exposure and unbuffered demands.
        caseload: open cases (all trauma levels).
        team: team index.
        on_leave: on sick leave.
        notice_given: has given notice.
    """

    def __init__(self, model: mesa.Model, slot: int):
        super().__init__(model)
        self.slot = int(slot)

    @property
    def caseload(self) -> int:
        return int(self.model.workforce.caseload[:, self.slot].sum())

    @property
    def team(self) -> int:
        return int(self.model.workforce.team[self.slot])

    @property
    def on_leave(self) -> bool:
        return bool(self.model.workforce.status[self.slot] == ON_LEAVE)

    @property
    def in_post(self) -> bool:
        return bool(self.model.workforce.status[self.slot] in (ACTIVE, ON_LEAVE))

    @property
    def notice_given(self) -> bool:
        return bool(self.model.workforce.notice_left[self.slot] != NO_NOTICE)


for _name, (_array, _doc) in _VIEWS.items():
    setattr(Clinician, _name, _view(_array, _doc))


def next_agent_id(model: mesa.Model) -> int:
    """The unique id Mesa will give the model's next agent (without using it up)."""
    if hasattr(model, "agent_id_counter"):  # Mesa 3.5+: a counter on the model
        return int(model.agent_id_counter)
    ids = mesa.Agent._ids  # Mesa 3.3: a counter per model on the Agent class
    n = next(ids[model])
    ids[model] = itertools.count(n)
    return n


def continue_agent_ids(model: mesa.Model, n: int) -> None:
    """Make Mesa give the model's next agent the unique id ``n`` (a model resumed from a copy continues its ids)."""
    if hasattr(model, "agent_id_counter"):
        model.agent_id_counter = n
    else:
        mesa.Agent._ids[model] = itertools.count(n)

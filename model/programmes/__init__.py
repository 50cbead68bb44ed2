"""Organisational programmes, one module each, and their registry.

Every programme is a :class:`~model.programmes.base.Programme` subclass in its own module: the parameter group it
reads, when it runs, who takes part, how it changes the week's inputs, and what it costs. :data:`PROGRAMMES` is
the registry: the engine instantiates it per run, and the cost outcomes (:data:`COST_COMPONENTS`), the lever
schedule's start-week exclusions in sensitivity analysis, the ODD programme table and the tests' "is it running"
all derive from it. Adding a programme is one module here, one line below, one parameter group, a scenario
file and a test module; the engine does not change.
"""

from __future__ import annotations

from .admin_support import AdminSupport
from .base import HOOKS, Programme
from .clinical_rotation import ClinicalRotation
from .ei_training import EiTraining
from .float_staff import FloatStaff
from .leadership import Leadership
from .mentoring import Mentoring
from .peer_support import PeerSupport
from .recognition import Recognition
from .supervision import Supervision
from .trauma_informed import TraumaInformed
from .wellness import Wellness

#: the registry, in the order hooks run and costs are reported
PROGRAMMES: tuple[type[Programme], ...] = (
    Supervision, Leadership, Recognition, Wellness, PeerSupport, TraumaInformed, Mentoring, EiTraining, AdminSupport,
    FloatStaff, ClinicalRotation,
)
#: programme cost components, in registry order (turnover cost is reported separately)
COST_COMPONENTS: tuple[str, ...] = tuple(c for prog in PROGRAMMES for c in prog.cost_components)
BY_NAME: dict[str, type[Programme]] = {prog.name: prog for prog in PROGRAMMES}
#: the run parameters programme setups read (each once, registry order): what a shared burn-in depends on
#: beyond the parameters in force (:mod:`model.burn_in`)
SETUP_READS: tuple[str, ...] = tuple(dict.fromkeys(f for prog in PROGRAMMES for f in prog.setup_reads))


def running(p) -> list[str]:
    """Names of the programmes that run under the parameters ``p`` (the levers in force)."""
    return [prog.name for prog in PROGRAMMES if prog.running(p)]


def markdown_table() -> str:
    """The registry as a Markdown table (generated into docs/ODD.md)."""
    lines = ["| programme | parameter group | mechanism (what it changes) | cost |", "|---|---|---|---|"]
    for prog in PROGRAMMES:
        lines.append(f"| {prog.label} (`{prog.name}`) | `{prog.group}` | {prog.mechanism} | {prog.cost_basis} |")
    return "\n".join(lines) + "\n"


__all__ = ["PROGRAMMES", "COST_COMPONENTS", "BY_NAME", "SETUP_READS", "HOOKS", "Programme", "running", "markdown_table"]

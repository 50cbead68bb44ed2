"""The teaching dashboard (Solara): a policy against the service as it runs, on paired replicates, live as weeks pass.

Run ``resilience dashboard`` (served on 127.0.0.1 only unless ``--host`` says otherwise; Solara serves the
``Page`` of this package). The controls follow NetLogo's conventions: choose a library policy and where to try it,
move its levers (each slider shows its unit, plausible range and source from the parameter declarations) or type
any lever, choose when it starts, then *Set up*, *Step* a week, *Run* several or *Go* until *Pause*. Every
replicate of the policy has the same seed as the same replicate of the reference (common random numbers), so the
paired difference shown is the policy's effect, not luck.

One concept per module: :mod:`.session` (what is simulated), :mod:`.figures` (the charts), :mod:`.files`
(scenario files in and out), :mod:`.about` (the Info panel and the ODD sections), :mod:`.page` (the components).
Mesa's SolaraViz is not used: it draws one model, and this page's unit is a pair of arms over replicates.
"""

from .about import ABOUT, odd_section
from .files import read_uploaded, scenario_text
from .figures import ODD_SECTIONS, network_figure, teams_figure, timeline_figure, weeks_figure
from .page import Page
from .session import (BURN_IN_WEEKS, LEVERS, MAX_WORK, RECORDED, LeverChange, Session, arm_parameters, check_work,
                      contexts, lever_label, lever_timeline, play, policies, start_settings, typed_lever)

__all__ = ["ABOUT", "BURN_IN_WEEKS", "LEVERS", "MAX_WORK", "ODD_SECTIONS", "RECORDED", "LeverChange", "Page",
           "Session", "arm_parameters", "check_work", "contexts", "lever_label", "lever_timeline", "network_figure",
           "odd_section", "play", "policies", "read_uploaded", "scenario_text", "teams_figure", "timeline_figure",
           "start_settings", "typed_lever", "weeks_figure"]

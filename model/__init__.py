"""The workforce-resilience simulation model.

Public API:
    Parameters, ParameterError: the parameter object and its validation error.
    WorkforceModel: the Mesa model.
    Clinician: the Mesa agent (views of the model's arrays).
    simulate, RunResult: one run as a function.
    OUTCOMES: the outcome registry.
    Service, TeamType: what a service is made of (team types, staff snapshot).
"""

from .agents import Clinician
from .outcomes import OUTCOMES, Outcome
from .parameters import ParameterError, Parameters
from .service import Service, TeamType
from .simulate import RunResult, simulate
from .workforce import DEFAULT_BURN_IN_WEEKS, WorkforceModel

__all__ = ["DEFAULT_BURN_IN_WEEKS", "Parameters", "ParameterError", "WorkforceModel", "Clinician", "simulate", "RunResult",
           "OUTCOMES", "Outcome", "Service", "TeamType"]

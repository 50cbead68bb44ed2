"""Every library scenario moves the outcome it declares as its target, the way it declares (paired seeds).

A scenario file names its ``target`` (a run summary) and ``target_direction``; this runs each library scenario
and the baseline over the same seeds and asserts the direction with a one-sided paired t above 3 (as in
``tests/test_levers.py``). 150 posts, one recorded year after a one-year burn-in from a cold start (both arms
start from the same drawn staff, so contexts that change uncertainties stay paired). How large the effects are
against the evidence is the validation's business (``resilience validate``, docs/ODD.md section 9).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from model import simulate
from scenarios import library_names, load

from .paired import paired_t

pytestmark = pytest.mark.slow

SEEDS = tuple(range(71, 79))
N_POSTS = 150
T_MIN = 3.0
POLICIES = [n for n in library_names() if n != "baseline"]


@functools.cache
def _summary(name: str, seed: int) -> dict[str, float]:
    params = load(name).params.with_overrides({"service.n_posts": N_POSTS}, context=name)
    return simulate(params, seed=seed, weeks=52, burn_in_weeks=52, warm_start=False).summary


def test_every_scenario_but_the_baseline_declares_a_target():
    assert not load("baseline").target
    assert [n for n in POLICIES if not (load(n).target and load(n).target_direction)] == []


@pytest.mark.parametrize("name", POLICIES)
def test_scenario_moves_its_target(name):
    sc = load(name)
    diff = np.array([_summary(name, s)[sc.target] - _summary("baseline", s)[sc.target] for s in SEEDS])
    sign = -1 if sc.target_direction == "lower" else 1
    t = paired_t(sign * diff)
    assert t > T_MIN, f"{name}: {sc.target} paired differences {np.round(diff, 4).tolist()}, t = {t:.2f}"

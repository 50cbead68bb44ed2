"""Every value the parameter block accepts runs: each parameter alone at each of its bounds, and random sets
drawn from the accepted bounds (not only the plausible ranges).

A run passes when it raises nothing, warns nothing (NumPy ``RuntimeWarning`` as an error: no division by zero,
no invalid value), keeps every latent state finite and in [0, 1], and yields a summary without infinities. Means over
nobody (no clinician at work in a service emptied by extreme settings) are NaN by design. Small service (40 posts),
short horizon (20 burn-in and 30 recorded weeks: two surveys), cold start; a few random sets with the warm start.
The service size is the one exception: its upper bound (a million posts) is a question of memory and time, which
``benchmarks/bench_model.py`` measures.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from model import ParameterError, Parameters, WorkforceModel
from model.outcomes import summarise

N_POSTS = 40
NAMES = [n for n in Parameters.names() if n != "service.n_posts"]
#: whole-number parameters in weeks are drawn up to this (their bounds reach 100 years)
MAX_DRAWN_WEEKS = 600


def _run(overrides: dict, seed: int = 1, warm: bool = False) -> None:
    p = Parameters().with_overrides({"service.n_posts": N_POSTS, **overrides})
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        m = WorkforceModel(p, rng=seed, burn_in_weeks=20, warm_start=warm)
        for _ in range(30):
            m.step()
        latent = m.workforce.latent
        assert np.isfinite(latent).all() and latent.min() >= 0.0 and latent.max() <= 1.0, overrides
        weekly = m.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        weekly.insert(0, "week", range(len(weekly)))
        summary = summarise(weekly)
    assert not any(isinstance(v, float) and math.isinf(v) for v in summary.values()), overrides


def _accepted(name: str, value) -> bool:
    try:
        Parameters().with_overrides({"service.n_posts": N_POSTS, name: value})
    except ParameterError:  # a joint rule (team sizes, trauma shares) refuses it: nothing to run
        return False
    return True


BOUND_CASES = [(n, b) for n in NAMES for b in Parameters.spec(n).bounds if _accepted(n, b)]


def test_almost_every_bound_is_accepted_alone():
    # only the joint rules refuse a bound set alone: the team sizes and the trauma shares
    refused = sorted({n for n in NAMES for b in Parameters.spec(n).bounds if not _accepted(n, b)})
    assert refused == ["clients.prop_trauma_high", "clients.prop_trauma_moderate", "service.team_size_max",
                       "service.team_size_min"]


@pytest.mark.parametrize(("name", "bound"), BOUND_CASES, ids=[f"{n}={b}" for n, b in BOUND_CASES])
def test_each_parameter_alone_at_each_bound_runs(name, bound):
    _run({name: bound})


def _random_set(rng: np.random.Generator) -> dict:
    ov = {}
    for n in NAMES:
        spec = Parameters.spec(n)
        lo, hi = spec.bounds
        if isinstance(spec.default, int) and not isinstance(spec.default, bool):
            ov[n] = int(rng.integers(lo, (min(hi, MAX_DRAWN_WEEKS) if "week" in n else hi) + 1))
        else:
            ov[n] = float(rng.uniform(lo, hi))
    ov["service.team_size_min"], ov["service.team_size_max"] = sorted(
        (ov["service.team_size_min"], ov["service.team_size_max"]))
    total = ov["clients.prop_trauma_moderate"] + ov["clients.prop_trauma_high"]
    if total > 1.0:  # keep the shares' sum within 1 (a joint rule)
        ov["clients.prop_trauma_moderate"] /= total * 1.001
        ov["clients.prop_trauma_high"] /= total * 1.001
    return ov


@pytest.mark.parametrize("seed", range(60))
def test_random_sets_from_the_accepted_bounds_run(seed):
    _run(_random_set(np.random.default_rng([2026, seed])), seed=seed, warm=seed < 4)

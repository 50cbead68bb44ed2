"""The EMA Workbench model and the SALib ProblemSpec adapters, each run by the tool itself on a tiny problem."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.adapters import ema_model, identifier, salib_evaluator, salib_problem
from experiments.sensitivity import ModelFunction, SensitivityError
from model import Parameters

TINY = {"weeks": 4, "clinicians": 20, "burn_in_weeks": 2, "warm_start": False}


def test_ema_workbench_runs_the_model_over_declared_uncertainties_and_levers():
    from ema_workbench import ScalarOutcome, SequentialEvaluator, perform_experiments

    model = ema_model(uncertainties=["burnout.rate_gain", "service.team_size_min"],
                      levers=["supervision.sessions_per_month"], outputs=["mean_bo_mean", "annual_turnover",
                                                                         "n_in_post_mean"], seed=5, **TINY)
    unc = {u.name: u for u in model.uncertainties}
    assert set(unc) == {"burnout__rate_gain", "service__team_size_min"}
    for u in unc.values():  # the declared plausible ranges, the dotted name passed to the function
        (dotted,) = u.variable_name
        assert (u.lower_bound, u.upper_bound) == pytest.approx(Parameters.spec(dotted).range)
    assert type(unc["service__team_size_min"]).__name__ == "IntegerParameter"
    assert [lv.name for lv in model.levers] == [identifier("supervision.sessions_per_month")]
    kinds = {o.name: o.kind for o in model.outcomes}
    assert kinds == {"mean_bo_mean": ScalarOutcome.MINIMIZE, "annual_turnover": ScalarOutcome.MINIMIZE,
                     "n_in_post_mean": ScalarOutcome.MAXIMIZE}
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=3, policies=2, evaluator=evaluator)
    assert len(experiments) == 6 and outcomes["mean_bo_mean"].shape == (6,)
    # each experiment is the model function at the sampled values
    row = experiments.iloc[4]
    f = ModelFunction(outputs=("mean_bo_mean",), weeks=4, burn_in_weeks=2, base=(("service.n_posts", 20),),
                      int_names=("service.team_size_min",), warm_start=False)
    direct = f({"burnout.rate_gain": row["burnout__rate_gain"], "service.team_size_min": row["service__team_size_min"],
                "supervision.sessions_per_month": row["supervision__sessions_per_month"], "seed": 5})
    assert outcomes["mean_bo_mean"][4] == pytest.approx(direct["mean_bo_mean"])
    assert len(set(np.round(outcomes["mean_bo_mean"], 12))) > 1  # the uncertainties reach the outcome


def test_ema_model_rejects_an_unknown_parameter():
    with pytest.raises(SensitivityError, match="burnout.rate_gian"):
        ema_model(uncertainties=["burnout.rate_gian"], **TINY)


def test_salib_problem_spec_samples_evaluates_and_analyses():
    sp = salib_problem(["burnout.rate_gain", "sts.rate_gain"], outputs=["mean_bo_mean", "mean_sts_mean"])
    assert sp["bounds"] == [list(Parameters.spec(n).range) for n in ("burnout.rate_gain", "sts.rate_gain")]
    f = salib_evaluator(sp, seed=2, **TINY)
    sp.sample_morris(2, seed=1).evaluate(f).analyze_morris(seed=1)
    assert sp.samples.shape == (6, 2) and sp.results.shape == (6, 2)
    assert np.allclose(sp.results[0], f(sp.samples[:1])[0])
    morris = sp.analysis["mean_bo_mean"]
    assert list(morris["names"]) == ["burnout.rate_gain", "sts.rate_gain"] and np.isfinite(morris["mu_star"]).all()

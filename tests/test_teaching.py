"""The helpers the notebook course calls: each checked against the arrays or tables it summarises."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments.teaching import burnout_clustering, effects_against_evidence, pairing_gain, team_view
from experiments.validation import icc1, load_targets
from model import Parameters, WorkforceModel
from model.state import VACANT


@pytest.fixture(scope="module")
def model():
    m = WorkforceModel(Parameters().with_overrides({"service.n_posts": 60}), rng=3, burn_in_weeks=20)
    for _ in range(5):
        m.step()
    return m


def test_team_view_summarises_the_teams_of_a_running_model(model):
    t = team_view(model)
    ws = model.workforce
    here = ws.status != VACANT
    assert t["clinicians"].sum() == here.sum() and set(t["team"]) == set(ws.team[here])
    team = int(t["team"].iloc[0])
    assert t["burnout"].iloc[0] == pytest.approx(ws.bo[here & (ws.team == team)].mean())
    assert list(t["burnout"]) == sorted(t["burnout"], reverse=True)
    assert t["leader_support"].between(0, 1).all()


def test_burnout_clustering_is_the_icc_of_those_in_post(model):
    ws = model.workforce
    here = ws.status != VACANT
    assert burnout_clustering(model) == pytest.approx(icc1(ws.bo[here], ws.team[here]))


def test_pairing_gain_against_scipy():
    rng = np.random.default_rng(0)
    shared = rng.normal(0, 1, 8)  # the noise both arms share (common random numbers)
    a, b = 0.5 + shared + rng.normal(0, 0.1, 8), shared + rng.normal(0, 0.1, 8)
    runs = pd.DataFrame({"scenario": ["x"] * 8 + ["base"] * 8, "replicate": list(range(8)) * 2,
                         "m": np.r_[a, b]})
    g = pairing_gain(runs, "x", "base", "m").set_index("comparison")
    paired = stats.ttest_rel(a, b).confidence_interval()
    welch = stats.ttest_ind(a, b, equal_var=False).confidence_interval()
    assert (g.loc["paired", "ci_low"], g.loc["paired", "ci_high"]) == pytest.approx((paired.low, paired.high))
    assert (g.loc["unpaired", "ci_low"], g.loc["unpaired", "ci_high"]) == pytest.approx((welch.low, welch.high))
    assert g.loc["paired", "width"] < g.loc["unpaired", "width"] / 3


def test_effects_are_set_against_the_published_ranges():
    diffs = pd.DataFrame({"scenario": ["wellness-programme", "mentoring"], "metric": ["proqol_bo_raw_mean"] * 2,
                          "diff": [-0.54, 0.27], "ci_low": [-1.08, -0.27], "ci_high": [0.0, 0.81]})
    e = effects_against_evidence(diffs).set_index("scenario")
    assert e.loc["wellness-programme", "fall_in_sd"] == pytest.approx(0.1)  # 0.54 raw points / SD 5.4
    assert e.loc["wellness-programme", "ci_low"] == pytest.approx(0.0)
    target = {t.name: t for t in load_targets()}["effect_wellness"]
    assert e.loc["wellness-programme", "published_range"].startswith(f"{target.low:g}-{target.high:g} SD")
    assert e.loc["mentoring", "published_range"] == "" and e.loc["mentoring", "fall_in_sd"] == pytest.approx(-0.05)

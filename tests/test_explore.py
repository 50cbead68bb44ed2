"""Exploratory modelling: futures, robustness measures on hand-made tables, PRIM known answers, the file's bad
input, and one small exploration end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments import comparison as cmp
from experiments.cli import main
from experiments.explore import (
    ExploreError,
    condition_holds,
    find_boxes,
    load,
    parse_condition,
    ranking_stability,
    robustness,
    run_file,
    sample_futures,
)
from experiments.runner import SerialExecutor

LAYOUT = cmp.Layout("baseline", ("baseline",), {"baseline": ("baseline", "baseline"), "a": ("a", "baseline"),
                                                "b": ("b", "baseline")})


def _table(values: dict[str, list[float]], output: str = "prop_high_bo_mean") -> pd.DataFrame:
    """One replicate per future (sample), one row per policy and future."""
    rows = [{"policy": p, "context": "baseline", "sample": s, "replicate": 0, output: v}
            for p, vs in values.items() for s, v in enumerate(vs)]
    return pd.DataFrame(rows)


def test_robustness_measures_on_a_hand_made_table():
    # lower is better; futures 0-3; a is best on average, b is never the worst
    t = _table({"baseline": [0.30, 0.30, 0.30, 0.30], "a": [0.10, 0.10, 0.10, 0.50], "b": [0.20, 0.20, 0.20, 0.20]})
    r = robustness(t, LAYOUT, ["prop_high_bo_mean"], {"prop_high_bo_mean": 0.25}).set_index(["policy", "measure"])
    v = r["value"]
    assert v["a", "mean"] == pytest.approx(0.2) and v["b", "mean"] == pytest.approx(0.2)
    assert v["a", "worst"] == pytest.approx(0.5) and v["b", "worst"] == pytest.approx(0.2)
    # regret: best per future is 0.10, 0.10, 0.10, 0.20
    assert v["a", "max_regret"] == pytest.approx(0.3) and v["a", "mean_regret"] == pytest.approx(0.075)
    assert v["b", "max_regret"] == pytest.approx(0.1) and v["baseline", "max_regret"] == pytest.approx(0.2)
    assert v["a", "share_better_than_reference"] == pytest.approx(0.75)
    assert v["b", "share_better_than_reference"] == pytest.approx(1.0)
    assert np.isnan(v["baseline", "share_better_than_reference"])
    assert v["a", "satisficing"] == pytest.approx(0.75) and v["baseline", "satisficing"] == pytest.approx(0.0)
    # the 90th percentile of a's four futures (linear interpolation): 0.10 + 0.7 * 0.40
    assert v["a", "worst_decile"] == pytest.approx(0.38)


def test_a_higher_is_better_output_is_mirrored():
    t = _table({"baseline": [30.0, 30.0], "a": [40.0, 20.0], "b": [35.0, 35.0]}, "proqol_cs_raw_mean")
    v = robustness(t, LAYOUT, ["proqol_cs_raw_mean"]).set_index(["policy", "measure"])["value"]
    assert v["a", "worst"] == pytest.approx(20.0) and v["b", "max_regret"] == pytest.approx(5.0)
    assert v["a", "max_regret"] == pytest.approx(15.0) and v["a", "share_better_than_reference"] == 0.5


def test_ranking_stability_is_reported():
    stable = _table({"baseline": [0.3, 0.3], "a": [0.1, 0.1], "b": [0.2, 0.2]})
    text = ranking_stability(robustness(stable, LAYOUT, ["prop_high_bo_mean"]), "prop_high_bo_mean")
    assert "is stable" in text and "a, b, baseline" in text
    unstable = _table({"baseline": [0.30, 0.30, 0.30, 0.30], "a": [0.05, 0.05, 0.05, 0.50],
                       "b": [0.20, 0.20, 0.20, 0.20]})
    text = ranking_stability(robustness(unstable, LAYOUT, ["prop_high_bo_mean"]), "prop_high_bo_mean")
    assert "depends on the robustness measure" in text
    assert "mean (Laplace): a, b, baseline" in text and "worst case: b, baseline, a" in text


def test_prim_finds_the_one_input_that_drives_the_output():
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.random(400), "b": rng.random(400), "c": rng.random(400)})
    y = (x["a"] > 0.7).to_numpy()
    boxes, _ = find_boxes(x, y, threshold=0.95, max_boxes=1)
    assert len(boxes) == 1
    lims = boxes[0]["limits"]
    assert list(lims.index) == ["a"] and lims.loc["a", "min"] == pytest.approx(0.7, abs=0.03)
    assert boxes[0]["density"] >= 0.95 and boxes[0]["coverage"] >= 0.9
    assert lims.loc["a", "qp_low"] < 1e-6  # the restriction is not chance
    # a lower density threshold keeps more of the condition's futures in a looser box on the same input
    loose, _ = find_boxes(x, y, threshold=0.8, max_boxes=1)
    assert list(loose[0]["limits"].index) == ["a"] and 0.6 <= loose[0]["limits"].loc["a", "min"] <= 0.7
    assert loose[0]["coverage"] >= boxes[0]["coverage"] and loose[0]["density"] >= 0.8


@pytest.mark.parametrize(("text", "parsed"), [
    ("annual_turnover > quantile(0.75)", (False, "annual_turnover", ">", 0.75, True)),
    ("effect(prop_high_bo_mean) >= -0.01", (True, "prop_high_bo_mean", ">=", -0.01, False)),
    ("  annual_turnover<0.3 ", (False, "annual_turnover", "<", 0.3, False)),
])
def test_conditions_parse(text, parsed):
    c = parse_condition(text, ["annual_turnover", "prop_high_bo_mean"])
    assert (c.effect, c.metric, c.op, c.value, c.quantile) == parsed


@pytest.mark.parametrize(("text", "message"), [
    ("annual_turnover is high", "does not parse"),
    ("turnover > 0.3", "names 'turnover', which is not among the outputs"),
    ("annual_turnover > quantile(1.5)", "quantile(1.5) is not allowed"),
    ("import os > 1", "does not parse"),
])
def test_bad_conditions(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_condition(text, ["annual_turnover"])


def test_a_quantile_condition_is_of_the_values_themselves():
    v = pd.Series(np.arange(100.0))
    assert condition_holds(parse_condition("annual_turnover > quantile(0.75)", ["annual_turnover"]), v).sum() == 25


def test_latin_hypercube_futures_are_stratified_within_the_declared_ranges():
    problem = {"names": ["clients.prop_trauma_high", "burnout.rate_gain"], "bounds": [[0.1, 0.4], [0.01, 0.05]],
               "int_names": []}
    x = sample_futures(problem, "lhs", 20, seed=3)
    for name, (lo, hi) in zip(problem["names"], problem["bounds"]):
        strata = np.floor((x[name] - lo) / (hi - lo) * 20).astype(int)
        assert sorted(strata) == list(range(20))  # one point per stratum in each dimension
    assert not x.equals(sample_futures(problem, "lhs", 20, seed=4))
    assert sample_futures(problem, "lhs", 20, seed=3).equals(x)
    assert len(sample_futures(problem, "sobol", 16, seed=3)) == 16


# ---------------------------------------------------------------------------------------------------------------
# the file

BASE = """policies = ["baseline", "mentoring"]
contexts = ["baseline", "understaffed"]
samples = 3
weeks = 13
burn_in_weeks = 4
clinicians = 30
outputs = ["prop_high_bo_mean", "annual_turnover"]
"""


@pytest.mark.parametrize(("text", "message"), [
    (BASE.replace("samples = 3", "samples = 0") + 'uncertainties = ["burnout.rate_gain"]\n',
     "samples = 0: Input should be greater than or equal to 1"),
    (BASE + 'uncertainties = ["supervision.coverage"]\n', "uncertainties = 'supervision.coverage' is a lever"),
    (BASE + 'uncertainties = ["hiring.mean_delay_weeks"]\n',
     "uncertainties: hiring.mean_delay_weeks is set by the context 'understaffed' (24.0)"),
    (BASE, "give either uncertainties"),
    (BASE + 'uncertainties = ["burnout.rate_gain"]\nensemble = "e.parquet"\n', "give either uncertainties"),
    (BASE + 'uncertainties = ["burnout.rate_gain"]\nsampler = "sobol"\n', "samples = 3: a Sobol sample needs a "
                                                                          "power of two"),
    (BASE.replace('"annual_turnover"]', '"annual_turnovr"]') + 'uncertainties = ["burnout.rate_gain"]\n',
     "outputs = 'annual_turnovr' is not a run summary; did you mean 'annual_turnover'?"),
    (BASE + 'uncertainties = ["burnout.rate_gain"]\n[discover]\ncondition = "turnover > 1"\n',
     "discover.condition = 'turnover > 1': names 'turnover', which is not among the outputs"),
    (BASE + 'uncertainties = ["burnout.rate_gain"]\n[robustness.satisficing]\nmean_bo_mean = 0.3\n',
     "robustness.satisficing.mean_bo_mean = 0.3: not among the outputs"),
    (BASE + 'uncertainties = ["burnout.rate_gain"]\nsampels = 4\n', "sampels = 4: unknown key; did you mean "
                                                                   "'samples'?"),
    (BASE.replace('"mentoring"]', '"understaffed"]') + 'uncertainties = ["burnout.rate_gain"]\n',
     "policies = 'understaffed' is a context"),
    (BASE + 'uncertainties = ["nonexistent.thing"]\n', "uncertainties: "),
])
def test_bad_exploration_files(tmp_path, capsys, text, message):
    path = tmp_path / "x.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(ExploreError) as exc:
        run_file(path, out=out, executor=SerialExecutor())
    assert str(exc.value).startswith(f"{path}: ") and message in str(exc.value)
    assert main(["explore", str(path), "--out", str(out), "--workers", "1", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and not out.exists()


def test_the_ready_exploration_loads():
    path, spec = load("trauma-and-hiring")
    assert spec.discover is not None and path.name == "trauma-and-hiring.toml"


# ---------------------------------------------------------------------------------------------------------------
# end to end


def test_a_small_exploration_end_to_end(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text(BASE + 'uncertainties = ["burnout.rate_gain", "clients.prop_trauma_high"]\n'
                    '[robustness.satisficing]\nannual_turnover = 0.3\n'
                    '[discover]\ncondition = "effect(prop_high_bo_mean) > quantile(0.5)"\n', encoding="utf-8")
    out = tmp_path / "out"
    res = run_file(path, out=out, executor=SerialExecutor(), progress=False)
    t = pd.read_parquet(out / "experiments.parquet")
    assert len(t) == 3 * 2 * 2 and res.ran == 12
    assert set(zip(t["policy"], t["context"])) == {("baseline", "baseline"), ("mentoring", "baseline"),
                                                   ("baseline", "understaffed"), ("mentoring", "understaffed")}
    assert t["seed"].nunique() == 1  # one replicate: the same seed in every future and policy
    # every arm of a sample runs the same future
    assert (t.groupby("sample")[["burnout.rate_gain", "clients.prop_trauma_high"]].nunique() == 1).all().all()
    assert t.groupby(["policy", "context"])["sample"].nunique().eq(3).all()
    rob = pd.read_csv(out / "robustness.csv")
    assert set(rob["measure"]) >= {"mean", "worst", "max_regret", "satisficing", "share_better_than_reference"}
    prim = pd.read_csv(out / "prim.csv")
    assert set(prim["policy"]) <= {"mentoring"}
    md = (out / "report.md").read_text()
    assert "## Robustness across futures" in md and "## Scenario discovery (PRIM)" in md
    assert any(s.startswith(load_title("mentoring")) for s in res.sentences)
    again = run_file(path, out=out, executor=SerialExecutor(), progress=False)
    assert again.ran == 0 and again.experiments.equals(res.experiments)


def load_title(name: str) -> str:
    from scenarios import load as load_scenario

    return load_scenario(name).title


def test_a_tie_is_reported_as_a_tie_not_as_an_order():
    # every measure puts a first except satisficing, under which a and b tie (both always meet 0.25)
    t = _table({"baseline": [0.30, 0.30], "a": [0.10, 0.12], "b": [0.20, 0.20]})
    text = ranking_stability(robustness(t, LAYOUT, ["prop_high_bo_mean"], {"prop_high_bo_mean": 0.25}),
                             "prop_high_bo_mean")
    assert "share of futures meeting the threshold: a = b, baseline" in text and "mean (Laplace): a, b, baseline" in text
    tied = _table({"baseline": [0.30, 0.30], "a": [0.20, 0.20], "b": [0.20, 0.20]})
    text = ranking_stability(robustness(tied, LAYOUT, ["prop_high_bo_mean"]), "prop_high_bo_mean")
    assert text.startswith("The ranking on") and "is stable" in text and "a = b, baseline" in text


@pytest.mark.parametrize(("extra", "message"), [
    ('[discover]\ncondition = "annual_turnover > 0.3"\npolicies = ["reflective-supervision"]\n',
     "discover.policies = 'reflective-supervision' is not among the policies"),
    ('[discover]\ncondition = "effect(annual_turnover) > 0"\npolicies = ["baseline"]\n',
     "discover.policies = 'baseline' is the reference"),
])
def test_discovery_is_checked_before_anything_runs(tmp_path, extra, message):
    path = tmp_path / "x.toml"
    path.write_text(BASE + 'uncertainties = ["burnout.rate_gain"]\n' + extra, encoding="utf-8")
    with pytest.raises(ExploreError, match=message):
        run_file(path, out=tmp_path / "out", executor=SerialExecutor())
    assert not (tmp_path / "out").exists()


def test_a_service_context_setting_a_sampled_uncertainty_is_refused(tmp_path):
    (tmp_path / "frozen-svc.toml").write_text('kind = "service"\nextends = "baseline"\n[hiring]\n'
                                              'frozen_share = 0.2\n')
    path = tmp_path / "x.toml"
    path.write_text(BASE.replace('"understaffed"', f'"{tmp_path / "frozen-svc.toml"}"')
                    + 'uncertainties = ["hiring.frozen_share"]\n', encoding="utf-8")
    with pytest.raises(ExploreError, match="hiring.frozen_share is set by the context 'frozen-svc' \\(0.2\\)"):
        run_file(path, out=tmp_path / "out", executor=SerialExecutor())


def test_contexts_without_fixed_posts_take_the_clinicians(tmp_path):
    from pathlib import Path

    (tmp_path / "svc.toml").write_text(Path("experiments/calibration/services/mixed-service.toml").read_text())
    text = (BASE.replace('"understaffed"', f'"{tmp_path / "svc.toml"}"') + 'uncertainties = ["burnout.rate_gain"]\n')
    path = tmp_path / "x.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExploreError, match="clinicians = 30: the context 'svc' has team types"):
        run_file(path, out=tmp_path / "out", executor=SerialExecutor())


@pytest.mark.parametrize("warm", [True, False])
def test_one_experiment_is_the_arm_in_its_future(warm):
    from experiments.explore import ArmFunction
    from model import Parameters, simulate

    arm = Parameters().with_overrides({"service.n_posts": 30, "supervision.coverage": 1.0})
    f = ArmFunction((Parameters(), arm), (None, None), ("burnout.rate_gain",), (), ("mean_bo_mean",), 13, 4, warm)
    got = f({"arm": 1, "burnout.rate_gain": 0.03, "seed": 11})
    direct = simulate(arm.with_overrides({"burnout.rate_gain": 0.03}), seed=11, weeks=13, burn_in_weeks=4,
                      warm_start=warm)
    assert got == {"mean_bo_mean": pytest.approx(direct.summary["mean_bo_mean"], rel=1e-12)}
    other = simulate(arm.with_overrides({"burnout.rate_gain": 0.03}), seed=11, weeks=13, burn_in_weeks=4,
                     warm_start=not warm)
    assert got["mean_bo_mean"] != other.summary["mean_bo_mean"]

"""Sensitivity analysis: analytic answers, problems from parameters, determinism, resume, bad input."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest

from experiments.runner import SerialExecutor
from experiments.sensitivity import (
    ModelFunction,
    SensitivityError,
    noise_share,
    point_seed,
    problem_from_parameters,
    run_sensitivity,
    sample,
)
from experiments.sensitivity_file import load as load_file
from experiments.sensitivity_file import run_file
from model import Parameters
from experiments.store import StoreMismatchError

ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
# analytic indices of the Ishigami function with a = 7, b = 0.1 (Ishigami & Homma 1990; Saltelli et al. 2008)
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


def ishigami(inputs):
    """The Ishigami function as f(dict) -> dict (the extra 'seed' key is ignored)."""
    x1, x2, x3 = inputs["x1"], inputs["x2"], inputs["x3"]
    return {"y": np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)}


def linear(inputs):
    """y = 4 a + 2 b + 1 c + 0 d: Morris mu* equals |coefficient| x range for a linear model."""
    return {"y": 4 * inputs["a"] + 2 * inputs["b"] + inputs["c"] + 0 * inputs["d"]}


def test_sobol_recovers_ishigami_indices():
    res = run_sensitivity(ishigami, ISHIGAMI, "sobol", 4096, seed=1, executor=SerialExecutor(), chunk_size=4096,
                          progress=False)
    ind = res.indices.pivot(index="factor", columns="index", values="value").loc[ISHIGAMI["names"]]
    conf = res.indices.pivot(index="factor", columns="index", values="conf").loc[ISHIGAMI["names"]]
    # SALib's own Ishigami regression test uses atol 5e-2 with N = 512; N = 4096 is tighter
    np.testing.assert_allclose(ind["S1"], ISHIGAMI_S1, atol=0.03)
    np.testing.assert_allclose(ind["ST"], ISHIGAMI_ST, atol=0.03)
    assert (conf["ST"] < 0.1).all()


def test_fast_recovers_ishigami_indices():
    res = run_sensitivity(ishigami, ISHIGAMI, "fast", 2000, seed=2, executor=SerialExecutor(), chunk_size=10000,
                          progress=False)
    ind = res.indices.pivot(index="factor", columns="index", values="value").loc[ISHIGAMI["names"]]
    np.testing.assert_allclose(ind["S1"], ISHIGAMI_S1, atol=0.05)
    np.testing.assert_allclose(ind["ST"], ISHIGAMI_ST, atol=0.07)


def test_morris_mu_star_on_a_linear_function_and_ignored_factor_last():
    prob = {"num_vars": 4, "names": ["a", "b", "c", "d"], "bounds": [[0, 1]] * 4}
    res = run_sensitivity(linear, prob, "morris", 20, seed=3, executor=SerialExecutor(), progress=False)
    mu = res.indices[res.indices["index"] == "mu_star"].set_index("factor")["value"]
    np.testing.assert_allclose(mu.loc[["a", "b", "c", "d"]], [4, 2, 1, 0], atol=1e-9)


def test_pawn_ranks_the_ignored_factor_last():
    prob = {"num_vars": 4, "names": ["a", "b", "c", "d"], "bounds": [[0, 1]] * 4}
    res = run_sensitivity(linear, prob, "pawn", 2000, seed=4, executor=SerialExecutor(), chunk_size=5000,
                          progress=False)
    med = res.indices[res.indices["index"] == "median"].set_index("factor")["value"]
    assert med.idxmin() == "d" and med.idxmax() == "a"


def test_problem_uses_declared_ranges_never_retyped():
    prob = problem_from_parameters(groups=["supervision"], tags=[], names=["burnout.rate_gain"])
    assert prob["names"][0] == "burnout.rate_gain"
    for name, bounds in zip(prob["names"], prob["bounds"]):
        assert tuple(bounds) == Parameters.spec(name).range
    assert "supervision.start_week" in prob["int_names"]
    levers = problem_from_parameters(tags=["levers"])
    assert set(levers["names"]) == {s.name for s in Parameters.specs() if s.tag == "lever"}
    narrowed = problem_from_parameters(names=["burnout.rate_gain"], ranges={"burnout.rate_gain": (0.02, 0.03)})
    assert narrowed["bounds"] == [[0.02, 0.03]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(names=["burnout.rate_gian"]), "unknown parameter 'burnout.rate_gian'; did you mean 'burnout.rate_gain'?"),
        (dict(groups=["superivsion"]), "unknown parameter group 'superivsion'"),
        (dict(tags=["knobs"]), "unknown tag 'knobs'; allowed: levers, uncertainties"),
        (dict(), "no parameters selected"),
        (dict(names=["burnout.rate_gain"], ranges={"burnout.rate_gain": (0.02, 0.02)}), "is empty"),
        (dict(names=["burnout.rate_gain"], ranges={"burnout.rate_gain": (0.5, 2.0)}), "outside the declared range"),
        (dict(names=["burnout.rate_gain"], ranges={"burnout.rate_gain": (0.0, 0.02)}), "may only be narrowed"),
        (dict(names=["burnout.rate_gain"], exclude=["burnout.rate_gian"]), "exclude: unknown parameter"),
        (dict(names=["burnout.rate_gain"], ranges={"sts.rate_gain": (0.01, 0.02)}), "not among the selected"),
    ],
)
def test_bad_problem_input(kwargs, message):
    with pytest.raises(SensitivityError, match=message):
        problem_from_parameters(**kwargs)


def test_sobol_n_must_be_a_power_of_two():
    with pytest.raises(SensitivityError, match="n = 100 must be a power of two for Sobol sampling"):
        sample(ISHIGAMI, "sobol", 100)
    with pytest.raises(SensitivityError, match="method = 'sobel' is not known"):
        sample(ISHIGAMI, "sobel", 64)
    assert sample(ISHIGAMI, "sobol", 64).shape == (64 * 5, 3)  # N (D + 2), second order off
    assert sample(ISHIGAMI, "sobol", 64, calc_second_order=True).shape == (64 * 8, 3)


def test_seeds_depend_only_on_root_replicate_and_point():
    assert point_seed(7, 3, 1) == point_seed(7, 9, 1) != point_seed(7, 3, 0)  # common random numbers
    assert point_seed(7, 3, 1, common=False) != point_seed(7, 9, 1, common=False)


MODEL_F = ModelFunction(outputs=("annual_turnover", "mean_bo_mean"), time_resolved=("mean_bo",), weeks=26,
                        burn_in_weeks=8, every_weeks=13, base=(("service.n_posts", 40),))
MODEL_PROBLEM = problem_from_parameters(names=["supervision.sessions_per_month", "burnout.rate_gain",
                                               "measurement.survey_interval_weeks"])


def _model_run(**kw):
    f = ModelFunction(**{**MODEL_F.__dict__, "int_names": tuple(MODEL_PROBLEM["int_names"])})
    return run_sensitivity(f, MODEL_PROBLEM, "morris", 4, replicates=2, seed=5, progress=False, **kw)


def test_model_sensitivity_serial_equals_parallel_and_chunking(tmp_path):
    serial = _model_run(executor=SerialExecutor(), chunk_size=3)
    with ProcessPoolExecutor(2) as ex:
        parallel = _model_run(executor=ex, chunk_size=7)
    pd.testing.assert_frame_equal(serial.evaluations, parallel.evaluations)
    pd.testing.assert_frame_equal(serial.indices, parallel.indices)
    mu = serial.indices[(serial.indices["index"] == "mu_star") & (serial.indices["output"] == "mean_bo_mean")]
    ranked = mu.sort_values("value")["factor"].tolist()
    # the survey cadence does not touch burnout (its draws come from their own stream): ranked last, at zero
    assert ranked[0] == "measurement.survey_interval_weeks"
    assert mu.set_index("factor").loc["measurement.survey_interval_weeks", "value"] == 0.0
    assert set(serial.indices["week"].dropna()) == {13.0, 26.0}
    assert set(serial.noise["output"]) >= {"mean_bo_mean", "mean_bo@13"}
    assert ((serial.noise["noise_share"] >= 0) & (serial.noise["noise_share"] <= 1)).all()


def test_noise_share_hand_values():
    ev = pd.DataFrame({"point": [0, 0, 1, 1], "replicate": [0, 1, 0, 1], "y": [1.0, 3.0, 5.0, 7.0]})
    ns = noise_share(ev, ["y"]).iloc[0]
    # point means 2 and 6: within sum of squares 4; around the grand mean 4: 9 + 1 + 1 + 9 = 20
    assert ns["noise_var"] == pytest.approx(2.0) and ns["noise_share"] == pytest.approx(4 / 20)


_CALLS = {"n": 0, "fail_at": None}


def counting_linear(inputs):
    """``linear``, but raises KeyboardInterrupt at a chosen call (simulates a kill part-way)."""
    _CALLS["n"] += 1
    if _CALLS["n"] == _CALLS["fail_at"]:
        raise KeyboardInterrupt
    return linear(inputs)


def test_interrupted_analysis_resumes(tmp_path):
    out = tmp_path / "sa"
    _CALLS.update(n=0, fail_at=23)
    flaky = counting_linear
    prob = {"num_vars": 4, "names": ["a", "b", "c", "d"], "bounds": [[0, 1]] * 4}
    with pytest.raises(KeyboardInterrupt):
        run_sensitivity(flaky, prob, "morris", 10, seed=3, executor=SerialExecutor(), chunk_size=5, out=out,
                        progress=False)
    stored = sum(len(pd.read_parquet(p)) for p in (out / "parts").glob("chunk-*.parquet"))
    assert stored == 20  # four chunks of five finished before the interruption in the fifth
    _CALLS["fail_at"] = None
    res = run_sensitivity(counting_linear, prob, "morris", 10, seed=3, executor=SerialExecutor(), chunk_size=5, out=out,
                          progress=False)
    assert res.ran == 50 - 20 and len(res.evaluations) == 50
    assert not res.evaluations.duplicated(["point", "replicate"]).any()
    fresh = run_sensitivity(linear, prob, "morris", 10, seed=3, executor=SerialExecutor(), progress=False)
    pd.testing.assert_frame_equal(res.indices, fresh.indices)
    again = run_sensitivity(counting_linear, prob, "morris", 10, seed=3, executor=SerialExecutor(), out=out,
                            progress=False)
    assert again.ran == 0
    with pytest.raises(StoreMismatchError, match="different sensitivity analysis"):
        run_sensitivity(counting_linear, prob, "morris", 12, seed=3, executor=SerialExecutor(), out=out, progress=False)


def test_ready_experiment_files_validate():
    from experiments.sensitivity_file import library_names

    names = library_names()
    assert {"levers-morris", "uncertainties-sobol"} <= set(names)
    for name in names:
        _, spec = load_file(name)
        prob = problem_from_parameters(spec.parameters.names, spec.parameters.groups, spec.parameters.tags,
                                       spec.ranges, spec.parameters.exclude)
        assert prob["num_vars"] >= 5
    _, sob = load_file("uncertainties-sobol")
    assert sob.n == 256 and sob.calc_second_order is False
    assert problem_from_parameters(sob.parameters.names)["num_vars"] >= 12


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('method = "sobol"\nn = 100\noutputs = ["mean_bo_mean"]\n[parameters]\nnames = ["burnout.rate_gain"]\n',
         "n = 100 must be a power of two"),
        ('method = "sobel"\nn = 64\noutputs = ["mean_bo_mean"]\n[parameters]\nnames = ["burnout.rate_gain"]\n',
         "method = 'sobel'"),
        ('method = "morris"\nn = 4\noutputs = ["mean_bo_men"]\n[parameters]\nnames = ["burnout.rate_gain"]\n',
         "unknown output 'mean_bo_men'; did you mean 'mean_bo_mean'?"),
        ('method = "morris"\nn = 4\noutputs = ["mean_bo_mean"]\n[parameters]\nnames = ["burnout.rate_gian"]\n',
         "unknown parameter 'burnout.rate_gian'"),
        ('method = "morris"\nn = 4\noutputs = ["mean_bo_mean"]\nreplicate = 2\n[parameters]\nnames = ["burnout.rate_gain"]\n',
         "replicate = 2: unknown key; did you mean 'replicates'?"),
        ('method = "morris"\nn = 4\noutputs = ["mean_bo_mean"]\n[parameters]\nnames = ["burnout.rate_gain"]\n'
         '[ranges]\n"burnout.rate_gain" = [0.02, 0.01]\n', "is empty"),
        ('method = "morris"\nn = 1000000000\noutputs = ["mean_bo_mean"]\n[parameters]\nnames = ["burnout.rate_gain"]\n',
         "n = 1000000000"),
        ('method = "morris"\nn = 2\nweeks = 4\noutputs = ["proqol_bo_raw_mean"]\n[parameters]\n'
         'names = ["burnout.rate_gain"]\n', "weeks = 4 is shorter than the survey interval (13 weeks"),
    ],
)
def test_bad_experiment_files(tmp_path, text, message):
    path = tmp_path / "exp.toml"
    path.write_text(text)
    with pytest.raises(SensitivityError) as info:
        run_file(path, out=tmp_path / "out", workers=1, progress=False)
    assert message in str(info.value) and str(path) in str(info.value)


def test_cli_sensitivity_end_to_end(tmp_path, capsys):
    from experiments.cli import main

    exp = tmp_path / "tiny.toml"
    exp.write_text('method = "morris"\nn = 3\nweeks = 13\nburn_in_weeks = 4\nclinicians = 30\n'
                   'outputs = ["mean_bo_mean", "annual_turnover"]\ntime_resolved = ["mean_bo"]\nevery_weeks = 13\n'
                   '[parameters]\nnames = ["leadership.leader_support", "work.admin_burden"]\n')
    out = tmp_path / "res"
    assert main(["sensitivity", str(exp), "--workers", "1", "--out", str(out), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "ran 9 of 9 evaluations" in text and "mean_bo_mean:" in text
    ind = pd.read_csv(out / "indices.csv")
    assert {"output", "base_output", "week", "factor", "index", "value", "conf"} <= set(ind.columns)
    assert (out / "figures" / "morris_mean_bo_mean.png").exists()
    assert (out / "figures" / "morris_mean_bo_over_time.png").exists()
    assert json.loads((out / "manifest.json").read_text())["finished"]
    assert main(["sensitivity", str(exp), "--workers", "1", "--out", str(out), "--no-progress"]) == 0
    assert "nothing to run" in capsys.readouterr().out
    assert main(["sensitivity", str(tmp_path / "none.toml"), "--workers", "1"]) == 2
    assert "no such experiment file" in capsys.readouterr().err


def test_unpicklable_function_gets_a_clear_message():
    prob = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1]] * 2}
    with pytest.raises(SensitivityError, match="cannot be sent to worker processes"):
        run_sensitivity(lambda x: {"y": x["a"]}, prob, "morris", 4, workers=2, progress=False)
    res = run_sensitivity(lambda x: {"y": x["a"]}, prob, "morris", 4, workers=1, progress=False)
    assert len(res.evaluations) == 12


def test_constant_output_is_reported_as_such():
    prob = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1]] * 2}
    res = run_sensitivity(lambda x: {"y": 1e7, "z": 1e7 + x["a"]}, prob, "morris", 4, workers=1, progress=False)
    assert set(res.indices.loc[res.indices["output"] == "y", "index"]) == {"constant"}
    assert "mu_star" in set(res.indices.loc[res.indices["output"] == "z", "index"])  # large but not constant


def test_time_resolved_survey_outputs_need_survey_weeks(tmp_path):
    path = tmp_path / "exp.toml"
    path.write_text('method = "morris"\nn = 3\nweeks = 26\noutputs = ["mean_bo_mean"]\n'
                    'time_resolved = ["proqol_bo_raw"]\nevery_weeks = 10\n'
                    '[parameters]\nnames = ["burnout.rate_gain"]\n')
    with pytest.raises(SensitivityError, match="multiple of the survey interval"):
        run_file(path, out=tmp_path / "out", workers=1, progress=False)


def test_a_directory_is_not_an_experiment_file(tmp_path):
    with pytest.raises(SensitivityError, match="is a directory, not an experiment file"):
        run_file(tmp_path, out=tmp_path / "out", workers=1, progress=False)

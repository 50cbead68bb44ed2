"""Replicated comparisons: executors agree, interrupted experiments resume, statistics are right."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from experiments import compare, paired_differences, rank, run_experiment
from experiments.experiment import ExperimentError
from experiments.runner import SerialExecutor, replicate_seeds
from experiments.store import ExperimentStore, StoreMismatchError

SMALL = dict(replicates=3, weeks=13, clinicians=40, seed=5, burn_in_weeks=6, progress=False)  # one survey
NAMES = ["mentoring", "reflective-supervision"]


def _runs(folder):
    return ExperimentStore.load(folder).runs().sort_values(["scenario", "replicate"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def serial_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    run_experiment(NAMES, out=out, executor=SerialExecutor(), **SMALL)
    return out, _runs(out)


def test_store_layout_and_manifest(serial_runs):
    out, runs = serial_runs
    assert len(runs) == 9 and set(runs["scenario"]) == {"baseline", *NAMES}
    ts = ExperimentStore.load(out).timeseries()
    assert len(ts) == 9 * (SMALL["weeks"] + 1)  # weeks 0 to weeks
    man = json.loads((out / "manifest.json").read_text())
    assert man["spec"]["replicates"] == 3 and man["finished"]
    assert man["seeds"] == replicate_seeds(5, 3)
    assert man["scenarios"]["mentoring"]["parameters"]["mentoring"]["coverage"] == 1.0
    assert {"git_commit", "versions", "started"} <= set(man)
    # the same replicate seed in every scenario (common random numbers)
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all()


def test_two_process_workers_give_identical_results(serial_runs, tmp_path):
    _, serial = serial_runs
    with ProcessPoolExecutor(2) as ex:
        run_experiment(NAMES, out=tmp_path / "pool", executor=ex, **SMALL)
    pd.testing.assert_frame_equal(_runs(tmp_path / "pool"), serial)


def test_own_workers_running_replicates_in_batches_give_identical_results(serial_runs, tmp_path):
    _, serial = serial_runs
    run_experiment(NAMES, out=tmp_path / "own", workers=2, **SMALL)  # its own pool: batches of a replicate's runs
    pd.testing.assert_frame_equal(_runs(tmp_path / "own"), serial)


def test_own_workers_get_a_replicates_runs_in_batches_and_other_executors_one_at_a_time(tmp_path, monkeypatch):
    from experiments import experiment

    seen = []
    real = experiment.run_tasks

    def recording(tasks, ex, on_result, batch=1, parts=None, workers=None):
        seen.append((type(ex).__name__, batch, parts is not None, workers))
        real(tasks, ex, on_result, batch=batch, parts=parts, workers=workers)

    monkeypatch.setattr(experiment, "run_tasks", recording)
    small = {**SMALL, "replicates": 2}
    run_experiment(NAMES, out=tmp_path / "a", workers=2, **{**small, "replicates": 8})  # 24 runs: batches of 2
    run_experiment(NAMES, out=tmp_path / "b", executor=ThreadPoolExecutor(2), **small)
    # own workers store their runs themselves and get the pilots computed while they start; a caller's executor
    # hands the runs back to be stored here
    assert seen == [("ProcessPoolExecutor", 2, True, 2), ("ThreadPoolExecutor", 1, False, None)]
    assert len(_runs(tmp_path / "a")) == 24 and len(_runs(tmp_path / "b")) == 6


def test_pilots_are_computed_here_while_the_workers_start_and_held_by_the_workers(monkeypatch):
    from concurrent.futures import Executor, Future

    from experiments.runner import Task, pilots_while_workers_start, run_batch
    from model import Parameters, burn_in, workforce
    from model.workforce import clear_settled_pools, pilot_key, settled_pool

    class Starting(Executor):  # workers that never finish starting
        def submit(self, fn, /, *args, **kwargs):
            return Future()

    p = Parameters().with_overrides({"service.n_posts": 20})
    # a lever group starting after week 0: its burn-in runs at the group's defaults, and so does its pilot
    q = p.with_overrides({"clients.referrals_per_post_week": 1.1, "supervision.sessions_per_month": 4,
                          "supervision.start_week": 1})
    assert pilot_key(q, 2) != q.model_dump_json()
    tasks = [Task("a", 0, 1, p, 3, 2), Task("b", 0, 1, q, 3, 2), Task("a", 1, 2, p, 3, 2)]
    pools = {key: settled_pool(key) for key in (pilot_key(p, 2), pilot_key(q, 2))}
    simulated = []
    monkeypatch.setattr(workforce, "_pilot", lambda key: simulated.append(key) or pools[key])
    clear_settled_pools()
    # while workers start, every pilot in the order the tasks need them; once they have started, only the first
    assert list(pilots_while_workers_start(tasks, Starting(), 2)) == simulated == list(pools)
    clear_settled_pools()
    simulated.clear()
    assert list(pilots_while_workers_start(tasks, SerialExecutor(), 2)) == simulated == [pilot_key(p, 2)]
    # a worker handed the pools simulates none of them, and its runs are those that simulate their own
    expected = run_batch(tuple(tasks))
    clear_settled_pools()
    burn_in.SHARED.clear()  # the kept burn-ins would spare the pilots too
    simulated.clear()
    got = run_batch(tuple(tasks), pilots=pools)
    assert simulated == []
    pd.testing.assert_frame_equal(pd.DataFrame([r.summary for r in got]), pd.DataFrame([r.summary for r in expected]))
    clear_settled_pools()


def test_a_serial_experiment_simulates_each_replicates_burn_in_once(tmp_path):
    from model import burn_in

    burn_in.SHARED.clear()
    run_experiment(NAMES, out=tmp_path / "s", executor=SerialExecutor(), **SMALL)
    # three arms a replicate: the first simulates the burn-in and keeps it, the other two resume it
    assert burn_in.SHARED.hits == 2 * SMALL["replicates"]
    burn_in.SHARED.clear()


def test_dask_local_cluster_gives_identical_results(serial_runs, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        run_experiment(NAMES, out=tmp_path / "dask", scheduler=cluster.scheduler_address, **SMALL)
    pd.testing.assert_frame_equal(_runs(tmp_path / "dask"), serial_runs[1])


def test_rerun_does_nothing(serial_runs):
    out, runs = serial_runs
    store, ran = run_experiment(NAMES, out=out, executor=SerialExecutor(), **SMALL)
    assert ran == 0
    pd.testing.assert_frame_equal(_runs(out), runs)


def test_killed_experiment_resumes_without_loss_or_duplicates(tmp_path):
    out = tmp_path / "killed"
    args = [sys.executable, "-m", "experiments", "compare", *NAMES, "--replicates", "4", "--weeks", "60",
            "--clinicians", "60", "--burn-in", "10", "--seed", "9", "--workers", "1", "--out", str(out),
            "--no-progress"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        if len(list((out / "parts").glob("runs-*.parquet"))) >= 3 if (out / "parts").exists() else False:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    partial = len(list((out / "parts").glob("runs-*.parquet")))
    assert 3 <= partial < 12, "the experiment was interrupted part-way"
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"ran {12 - partial} of 12 runs" in done.stdout
    resumed = _runs(out)
    assert len(resumed) == 12 and not resumed.duplicated(["scenario", "replicate"]).any()
    fresh = tmp_path / "fresh"
    assert subprocess.run([*args[:-2], str(fresh), "--no-progress"], capture_output=True, timeout=300).returncode == 0
    pd.testing.assert_frame_equal(resumed, _runs(fresh))
    ts_a = ExperimentStore.load(out).timeseries().sort_values(["scenario", "replicate", "week"])
    ts_b = ExperimentStore.load(fresh).timeseries().sort_values(["scenario", "replicate", "week"])
    pd.testing.assert_frame_equal(ts_a.reset_index(drop=True), ts_b.reset_index(drop=True))


def test_paired_differences_hand_made_table():
    runs = pd.DataFrame({
        "scenario": ["baseline"] * 3 + ["a"] * 3,
        "replicate": [0, 1, 2, 0, 1, 2],
        "proqol_bo_raw_mean": [22.0, 24.0, 20.0, 21.0, 22.0, 18.5],
    })
    d = paired_differences(runs, metrics=["proqol_bo_raw_mean"]).iloc[0]
    # paired differences -1, -2, -1.5: mean -1.5, sd 0.5, t(0.975, 2) = 4.3027
    assert d["diff"] == pytest.approx(-1.5)
    assert d["sd_diff"] == pytest.approx(0.5)
    half = 4.302652729911275 * 0.5 / np.sqrt(3)
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((-1.5 - half, -1.5 + half))
    assert d["effect_sd"] == pytest.approx(-1.5 / 5.4)
    assert d["better"] == True and d["n"] == 3  # noqa: E712 - numpy bool
    # unpaired rows (replicate 2 missing in the scenario) are dropped from both arms
    d2 = paired_differences(runs.drop(index=5), metrics=["proqol_bo_raw_mean"]).iloc[0]
    assert d2["n"] == 2 and d2["diff"] == pytest.approx(-1.5)


def test_intervals_cover_a_known_effect_at_the_nominal_rate():
    # synthetic paired data with a true effect of -1 and correlated noise; 2,000 experiments of 8 pairs
    rng = np.random.default_rng(0)
    hits, trials = 0, 2000
    for _ in range(trials):
        common = rng.normal(0, 3, 8)
        base = 22 + common + rng.normal(0, 0.5, 8)
        scen = 21 + common + rng.normal(0, 0.5, 8)
        runs = pd.DataFrame({"scenario": ["baseline"] * 8 + ["x"] * 8, "replicate": list(range(8)) * 2,
                             "proqol_bo_raw_mean": np.concatenate([base, scen])})
        d = paired_differences(runs, metrics=["proqol_bo_raw_mean"]).iloc[0]
        hits += d["ci_low"] <= -1.0 <= d["ci_high"]
    # binomial SE of the coverage with 2,000 trials is 0.005: 0.95 +- 0.015 is a 3-SE band
    assert abs(hits / trials - 0.95) < 0.015


def test_ranking_states_its_criterion():
    runs = pd.DataFrame({"scenario": ["baseline", "baseline", "a", "a", "b", "b"], "replicate": [0, 1] * 3,
                         "prop_high_bo_mean": [0.25, 0.27, 0.20, 0.21, 0.26, 0.27]})
    r = rank(paired_differences(runs, metrics=["prop_high_bo_mean"]))
    assert list(r["scenario"]) == ["a", "b"]
    assert "lowest first" in r.attrs["criterion"]


def test_compare_api_writes_report(tmp_path):
    res = compare(["peer-support"], out=tmp_path / "c", executor=SerialExecutor(), **SMALL)
    assert set(res.diffs["scenario"]) == {"peer-support"}
    assert {"cost_per_high_burnout_person_year_averted", "cost_per_departure_averted"} <= set(res.costs.columns)
    html = (tmp_path / "c" / "report.html").read_text()
    assert "data:image/png;base64," in html and "Ranking" in html and "replicate seeds" in html
    md = (tmp_path / "c" / "report.md").read_text()
    assert "![forest.png](figures/forest.png)" in md
    assert (tmp_path / "c" / "figures" / "fan_mean_bo.png").stat().st_size > 5000


def test_the_workers_of_the_runs_draw_the_report_and_give_the_same_figures(tmp_path, monkeypatch):
    from experiments import report, results
    from experiments.results import ExperimentStore as Store

    seen = []
    real = report.write_report

    def recording(result, folder=None, executor=None):
        seen.append((type(executor).__name__, executor.submit(int, "3").result()))  # open: it still takes work
        # and the folder stays locked while the workers are open (they may still be writing parts)
        seen.append(str((result.store.folder / results.LOCK).resolve()) in results._HELD)
        return real(result, folder, executor)

    monkeypatch.setattr(report, "write_report", recording)
    res = compare(["peer-support"], out=tmp_path / "c", workers=2, **SMALL)
    assert seen == [("ProcessPoolExecutor", 3), True]  # the run's own pool, still open for the report
    figures = tmp_path / "c" / "figures"
    pool_figures = {p.name: p.read_bytes() for p in figures.glob("fan_*.png")}
    assert len(pool_figures) == len(report.FAN_OUTCOMES)
    real(res, tmp_path / "serial")  # the same report drawn in this process
    assert pool_figures == {p.name: p.read_bytes() for p in (tmp_path / "serial" / "figures").glob("fan_*.png")}
    assert (tmp_path / "c" / "report.md").read_text() == (tmp_path / "serial" / "report.md").read_text()
    assert Store.load(tmp_path / "c").manifest["finished"]


def _dies_in_a_worker(*args):
    import multiprocessing
    import os

    from experiments import report

    if multiprocessing.parent_process() is not None:
        os._exit(1)  # a worker killed while drawing (the system's OOM killer, say)
    return report.__dict__["_real_fan_png"](*args)


def test_a_worker_dying_while_drawing_the_report_leaves_a_whole_report(tmp_path, monkeypatch):
    from experiments import report
    from experiments.results import ExperimentStore as Store

    monkeypatch.setattr(report, "_real_fan_png", report.fan_png, raising=False)
    monkeypatch.setattr(report, "fan_png", _dies_in_a_worker)
    compare(["peer-support"], out=tmp_path / "c", workers=2, **SMALL)  # no error: the charts are drawn here
    assert len(list((tmp_path / "c" / "figures").glob("fan_*.png"))) == len(report.FAN_OUTCOMES)
    assert Store.load(tmp_path / "c").manifest["finished"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(names=["nosuch"]), Exception, "unknown scenario 'nosuch'"),
        (dict(replicates=0), ExperimentError, "replicates must be a whole number of at least 1, got 0"),
        (dict(weeks=0), ExperimentError, "weeks must be a whole number of at least 1"),
        (dict(names=["mentoring", "mentoring"]), ExperimentError, "scenario 'mentoring' is given twice"),
    ],
)
def test_bad_experiment_input(tmp_path, kwargs, error, message):
    args = {**SMALL, "names": ["mentoring"], "out": tmp_path / "x", "executor": SerialExecutor(), **kwargs}
    names = args.pop("names")
    with pytest.raises(error, match=message):
        run_experiment(names, **args)


def test_results_folder_of_a_different_experiment(serial_runs):
    out, _ = serial_runs
    with pytest.raises(StoreMismatchError, match="holds results of a different experiment.*replicates: stored 3, now 4"):
        run_experiment(NAMES, out=out, executor=SerialExecutor(), **{**SMALL, "replicates": 4})


def test_unrelated_non_empty_folder_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreMismatchError, match="is not empty and is not an experiment results folder"):
        run_experiment(NAMES, out=tmp_path, executor=SerialExecutor(), **SMALL)


def test_cli_compare_and_report(tmp_path, capsys):
    from experiments.cli import main

    out = tmp_path / "cli"
    argv = ["compare", "mentoring", "--replicates", "2", "--weeks", "13", "--clinicians", "30", "--burn-in", "4",
            "--workers", "1", "--out", str(out), "--no-progress"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "ran 4 of 4 runs" in text and "report:" in text and "1. mentoring" in text
    assert main(argv) == 0
    assert "nothing to run: all 4 runs are already stored" in capsys.readouterr().out
    (out / "report.html").unlink()
    assert main(["report", str(out)]) == 0
    assert (out / "report.html").exists()
    assert main(["compare", "--workers", "1", "--out", str(tmp_path / "none")]) == 2
    assert "no scenarios" in capsys.readouterr().err
    assert main(["report", str(tmp_path)]) == 2
    assert "not an experiment results folder" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main([*argv[:-2], str(blocker / "sub"), "--no-progress"]) == 2
    assert "cannot write results" in capsys.readouterr().err


def test_compare_a_user_scenario_file(tmp_path):
    plan = tmp_path / "my-plan.toml"
    plan.write_text('extends = "baseline"\ntitle = "My plan"\n[supervision]\nsessions_per_month = 3.0\n')
    res = compare([str(plan)], out=tmp_path / "c", executor=SerialExecutor(), report=False, **SMALL)
    man = res.store.manifest
    assert man["scenarios"]["my-plan"]["title"] == "My plan"
    assert man["scenarios"]["my-plan"]["file"] == str(plan)
    assert set(res.diffs["scenario"]) == {"my-plan"}


def test_comparison_errors_are_explained_before_running(tmp_path, capsys):
    from experiments.cli import main

    assert main(["compare", "mentoring", "--rank-by", "prop_high_bo", "--workers", "1", "--out",
                 str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert "--rank-by 'prop_high_bo' is not a summary metric; did you mean 'prop_high_bo_mean'?" in err
    assert not (tmp_path / "a").exists()
    assert main(["compare", "baseline", "--workers", "1", "--out", str(tmp_path / "b")]) == 2
    assert "nothing to compare" in capsys.readouterr().err


def test_moved_results_folder_resumes(serial_runs, tmp_path):
    import shutil

    out, runs = serial_runs
    moved = tmp_path / "moved"
    shutil.copytree(out, moved)
    store, ran = run_experiment(NAMES, out=moved, executor=SerialExecutor(), **SMALL)
    assert ran == 0


def test_cost_table_marks_dominant_scenarios():
    from experiments.comparison import cost_effectiveness

    runs = pd.DataFrame({
        "scenario": ["baseline", "baseline", "x", "x"], "replicate": [0, 1, 0, 1],
        "cum_programme_cost": [0.0, 0.0, 100.0, 100.0], "cum_turnover_cost": [1000.0, 1000.0, 500.0, 500.0],
        "cum_total_cost": [1000.0, 1000.0, 600.0, 600.0], "cum_departures": [10.0, 10.0, 5.0, 5.0],
        "prop_high_bo_mean": [0.2, 0.2, 0.1, 0.1], "n_in_post_mean": [100.0, 100.0, 100.0, 100.0],
        "n_on_leave_mean": [0.0, 0.0, 0.0, 0.0]})
    c = cost_effectiveness(runs, weeks=52).iloc[0]
    assert c["total_cost_per_year"] == pytest.approx(-400.0)
    assert c["high_burnout_person_years_averted_per_year"] == pytest.approx(10.0)
    assert c["cost_per_high_burnout_person_year_averted"] == pytest.approx(-40.0)
    assert c["dominant"]


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(weeks=4), "--weeks 4 is shorter than the survey interval of 13 weeks (measurement.survey_interval_weeks"),
    (dict(replicates=1), "--replicates 1 gives no intervals"),
])
def test_compare_refuses_a_design_that_cannot_rank(tmp_path, kwargs, message):
    with pytest.raises(ExperimentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compare(["mentoring"], out=tmp_path / "c", executor=SerialExecutor(), **{**SMALL, **kwargs})
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("rank_by", ["mean_bo_mean", "annual_turnover"])  # a weekly and a derived metric
def test_a_weekly_ranking_metric_needs_no_survey(tmp_path, rank_by):
    res = compare(["mentoring"], out=tmp_path / "c", executor=SerialExecutor(), report=False, rank_by=rank_by,
                  **{**SMALL, "weeks": 4})
    assert len(res.runs) == 2 * SMALL["replicates"]


def test_a_lever_group_starting_after_the_run_is_refused(tmp_path):
    plan = tmp_path / "late.toml"
    plan.write_text('extends = "baseline"\n[supervision]\nsessions_per_month = 2.0\nstart_week = 20\n')
    with pytest.raises(ExperimentError, match=r"scenario late: supervision.start_week = 20 is not before the end of "
                                              r"the run \(--weeks 13\), so supervision.sessions_per_month would "
                                              r"never act; use --weeks 21 or more"):
        compare([str(plan)], out=tmp_path / "c", executor=SerialExecutor(), **SMALL)
    # a start week after the run with nothing changed in its group is harmless
    quiet = tmp_path / "quiet.toml"
    quiet.write_text('extends = "baseline"\n[supervision]\nstart_week = 20\n[mentoring]\ncoverage = 1.0\n')
    compare([str(quiet)], out=tmp_path / "q", executor=SerialExecutor(), report=False, **SMALL)


def test_resume_compares_resolved_parameters_and_names_the_real_difference(tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text('title = "Mentoring"\nextends = "baseline"\n[mentoring]\ncoverage = 1\n')
    kw = dict(out=tmp_path / "c", executor=SerialExecutor(), report=False, **SMALL)
    first = compare([str(plan)], **kw)
    assert first.ran == 2 * SMALL["replicates"]
    # the same experiment spelled differently: 1.0 for 1, a new title, a setting equal to its default
    plan.write_text('title = "Mentoring for all"\nextends = "baseline"\n[mentoring]\ncoverage = 1.0\n'
                    '[supervision]\nsessions_per_month = 1.0\n')
    assert compare([str(plan)], **kw).ran == 0
    plan.write_text('extends = "baseline"\n[mentoring]\ncoverage = 0.5\n')
    with pytest.raises(StoreMismatchError, match=r"scenario plan: mentoring.coverage stored 1.0, now 0.5"):
        compare([str(plan)], **kw)
    with pytest.raises(StoreMismatchError, match=r"replicates: stored 3, now 4"):
        compare([str(plan)], **{**kw, "replicates": 4})


def test_the_memory_of_joining_counts_every_run_of_the_experiment_a_resumed_one_included():
    from experiments import experiment
    from experiments.runner import Task
    from model import Parameters

    task = Task("baseline", 0, 1, Parameters(), weeks=99, burn_in_weeks=0)
    one = experiment.job_estimate([task], 1)
    resumed = experiment.job_estimate([task], 1, every=[task] * 10)
    assert resumed[:3] == one[:3]  # the time, results and workers' memory are those of the runs still to do
    assert resumed[3] - experiment.WORKER_BASE_BYTES == 10 * (one[3] - experiment.WORKER_BASE_BYTES) == \
        10 * 100 * experiment.JOIN_BYTES_PER_RUN_WEEK


def test_a_long_job_says_how_long_and_how_much_before_it_starts(tmp_path, capsys, monkeypatch):
    from experiments import experiment

    monkeypatch.setattr(experiment, "CLINICIAN_WEEKS_PER_SECOND", 10.0)  # pretend a very slow machine
    monkeypatch.setattr(experiment, "JOIN_BYTES_PER_RUN_WEEK", 1e6)  # and big weeks: a figure each run changes
    compare(["mentoring"], out=tmp_path / "c", executor=SerialExecutor(), report=False, **SMALL)
    err = capsys.readouterr().err
    runs = 2 * SMALL["replicates"]
    seconds = runs * SMALL["clinicians"] * (SMALL["weeks"] + SMALL["burn_in_weeks"]) / 10.0
    assert f"resilience: {runs} runs, " in err and f"about {seconds / 60:.0f} min on 1 worker(s)" in err
    assert "the same command resumes" in err and "MB of memory per worker" in err
    # this process joins every run's weekly rows at the end: its memory grows with the whole experiment
    joined = (experiment.WORKER_BASE_BYTES + runs * (SMALL["weeks"] + 1) * experiment.JOIN_BYTES_PER_RUN_WEEK) / 1e6
    assert f"and {joined:,.0f} MB in this process to join the results" in err
    # resumed with one run missing: the time is that run's, the joining still every run's
    (tmp_path / "c" / "parts" / "weekly-mentoring__r0.parquet").unlink()
    compare(["mentoring"], out=tmp_path / "c", executor=SerialExecutor(), report=False, **SMALL)
    err = capsys.readouterr().err
    assert "resilience: 1 runs, " in err and f"and {joined:,.0f} MB in this process to join the results" in err
    monkeypatch.setattr(experiment, "CLINICIAN_WEEKS_PER_SECOND", 280_000.0)
    compare(["mentoring"], out=tmp_path / "d", executor=SerialExecutor(), report=False, **SMALL)
    assert "clinician-weeks" not in capsys.readouterr().err  # a short job starts without a word

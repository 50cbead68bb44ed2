"""The ``resilience`` command line, end to end in a temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from experiments import single
from experiments.cli import main


def test_run_writes_results_folder(tmp_path, capsys):
    out = tmp_path / "res"
    rc = main(["run", "--weeks", "30", "--clinicians", "60", "--seed", "3", "--burn-in", "10", "--out", str(out),
               "--set", "supervision.sessions_per_month=2", "--no-progress"])
    assert rc == 0
    assert f"baseline: results written to {out}" in capsys.readouterr().out
    weekly = pd.read_parquet(out / "weekly.parquet")
    assert len(weekly) == 31 and weekly["week"].iloc[-1] == 30
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 3 and summary["weeks"] == 30 and summary["burn_in_weeks"] == 10
    assert summary["parameters"]["supervision"]["sessions_per_month"] == 2
    assert summary["parameters"]["service"]["n_posts"] == 60
    assert 10 <= summary["summary"]["proqol_bo_raw_mean"] <= 50
    assert summary["scenario"]["extends"] == ["baseline"]
    for png in ("states.png", "proqol.png", "staffing.png", "costs.png"):
        assert (out / png).stat().st_size > 10_000


def test_same_seed_same_table(tmp_path):
    args = ["run", "--weeks", "10", "--clinicians", "40", "--burn-in", "0", "--no-progress"]
    main(args + ["--out", str(tmp_path / "a")])
    main(args + ["--out", str(tmp_path / "b")])
    a = pd.read_parquet(tmp_path / "a" / "weekly.parquet")
    b = pd.read_parquet(tmp_path / "b" / "weekly.parquet")
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "supervison.sessions_per_month=2"], "did you mean 'supervision.sessions_per_month'?"),
        (["--set", "supervision.sessions_per_month=20"], "allowed: a number from 0 to 8 (sessions/month)"),
        (["--set", "service.n_posts=many"], "service.n_posts = 'many' is not allowed"),
        (["--set", "nonsense"], "--set expects NAME=VALUE, got 'nonsense'"),
    ],
)
def test_bad_input_one_line_and_exit_2(tmp_path, capsys, args, message):
    rc = main(["run", "--weeks", "2", "--out", str(tmp_path / "x"), "--no-progress", *args])
    err = capsys.readouterr().err
    assert rc == 2
    assert message in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_unwritable_output_folder(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    rc = main(["run", "--weeks", "2", "--clinicians", "20", "--out", str(blocker / "sub"), "--no-progress"])
    assert rc == 2
    assert f"cannot write results to '{blocker / 'sub'}'" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["run", "--weeks", "0"], "expected a whole number from 1 to 5,200, got 0"),
    (["run", "--weeks", "100000000"], "--weeks: expected a whole number from 1 to 5,200, got 100,000,000"),
    (["run", "--burn-in", "100000000"], "--burn-in: expected a whole number from 0 to 5,200"),
    (["compare", "--replicates", "1000000000"], "--replicates: expected a whole number from 1 to 1,000"),
    (["compare", "--clinicians", "2000000"], "--clinicians: expected a whole number from 1 to 1,000,000"),
    (["validate", "--replicates", "5000"], "--replicates: expected a whole number from 2 to 1,000"),
    (["sensitivity", "quick-demo", "--workers", "100000"], "--workers: expected a whole number from 1 to 1,024"),
])
def test_argparse_errors_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_parameters_listing(capsys):
    assert main(["parameters", "--group", "supervision", "--tag", "lever"]) == 0
    out = capsys.readouterr().out
    assert "supervision.sessions_per_month" in out and "supervision.sts_protection" not in out
    assert main(["parameters", "--group", "nope"]) == 2
    assert "unknown group 'nope'" in capsys.readouterr().err


def test_installed_console_script(tmp_path):
    exe = os.path.join(os.path.dirname(sys.executable), "resilience")
    proc = subprocess.run([exe, "run", "--weeks", "3", "--clinicians", "30", "--burn-in", "0",
                           "--out", str(tmp_path / "r")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r" / "weekly.parquet").exists()
    help_text = subprocess.run([exe, "run", "--help"], capture_output=True, text=True).stdout
    assert "--clinicians" in help_text and "--set NAME=VALUE" in help_text


def test_run_a_library_scenario(tmp_path, capsys):
    out = tmp_path / "bundle"
    assert main(["run", "organisational-bundle", "--weeks", "12", "--clinicians", "50", "--burn-in", "4",
                 "--out", str(out), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "organisational-bundle: results written" in text and "cost per year: programmes" in text
    summary = json.loads((out / "summary.json").read_text())
    assert summary["name"] == "organisational-bundle"
    assert summary["scenario"]["settings"]["leadership.training"] == 1.0
    assert summary["parameters"]["leadership"]["training"] == 1.0
    assert summary["summary"]["cum_cost_leadership"] > 0


def test_run_a_scenario_file_with_an_error(tmp_path, capsys):
    bad = tmp_path / "mine.toml"
    bad.write_text('extends = "baseline"\n[leadership]\nleader_suport = 0.9\n')
    assert main(["run", str(bad), "--weeks", "2", "--out", str(tmp_path / "x"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: unknown parameter 'leadership.leader_suport'; did you mean 'leadership.leader_support'?" in err
    assert err.count("\n") == 1


def test_default_output_folder_is_named_after_the_scenario(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "mentoring", "--weeks", "2", "--clinicians", "20", "--burn-in", "0", "--no-progress"]) == 0
    assert (tmp_path / "results" / "mentoring" / "summary.json").exists()


def test_scenarios_subcommands(tmp_path, capsys):
    assert main(["scenarios", "list"]) == 0
    listing = capsys.readouterr().out
    assert "organisational-bundle" in listing and "Combined organisational bundle" in listing
    assert main(["scenarios", "show", "understaffed"]) == 0
    shown = capsys.readouterr().out
    assert "service.initial_vacancy_rate = 0.2" in shown and "extends: baseline -> understaffed" in shown
    assert "target: prop_vacant_mean (higher)" in shown
    assert main(["scenarios", "validate", "baseline", "mentoring"]) == 0
    assert capsys.readouterr().out.count("ok: ") == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[mentoring]\ncoverage = 3\n")
    assert main(["scenarios", "validate", "baseline", str(bad)]) == 2
    assert "mentoring.coverage = 3 is not allowed" in capsys.readouterr().err
    assert main(["scenarios", "schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Workforce resilience scenario"


def test_user_files_bom_not_utf8_and_directories(tmp_path, capsys):
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b'\xef\xbb\xbftitle = "with a byte-order mark"\nextends = "baseline"\n')
    assert main(["scenarios", "validate", str(bom)]) == 0
    latin = tmp_path / "latin.toml"
    latin.write_bytes('title = "caf\u00e9"\n'.encode("latin-1"))
    folder = tmp_path / "folder"
    folder.mkdir()
    capsys.readouterr()
    for argv, expected in (
        (["scenarios", "validate", str(latin)], "latin.toml: is not UTF-8 text (byte 0xe9 at position 12)"),
        (["scenarios", "validate", str(folder)], "folder: is a directory, not a scenario file"),
        (["sensitivity", str(latin), "--out", str(tmp_path / "sa")], "latin.toml: is not UTF-8 text"),
        (["validate", "--targets", str(latin), "--out", str(tmp_path / "v")], "latin.toml: cannot read the "
                                                                              "targets file: is not UTF-8 text"),
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert expected in err and err.count("\n") == 1, err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.startswith("resilience 0.")


def test_closed_pipe_ends_quietly(tmp_path):
    import subprocess
    import sys

    cmd = (f"{sys.executable} -m experiments parameters | head -1")
    run = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.startswith("service.") and "Traceback" not in run.stderr, run.stderr


def test_run_refuses_a_folder_that_is_not_a_single_run(tmp_path, capsys):
    args = ["run", "--weeks", "4", "--clinicians", "20", "--burn-in", "0", "--no-progress", "--out"]
    out = tmp_path / "single"
    assert main([*args, str(out)]) == 0
    first = (out / "summary.json").read_text()
    assert main([*args, str(out), "--seed", "9"]) == 0  # a single run replaces the previous one
    assert (out / "summary.json").read_text() != first
    assert sorted(p.name for p in out.iterdir()) == sorted(single.single_run_files())
    comparison = tmp_path / "cmp"
    comparison.mkdir()
    (comparison / "manifest.json").write_text("{}")
    (comparison / "notes.txt").write_text("mine")
    capsys.readouterr()
    assert main([*args, str(comparison)]) == 2
    err = capsys.readouterr().err
    assert "is not empty and is not a single-run folder (it holds manifest.json, notes.txt)" in err
    assert err.count("\n") == 1 and sorted(p.name for p in comparison.iterdir()) == ["manifest.json", "notes.txt"]


def test_every_problem_of_a_file_at_once_and_warnings_outside_the_plausible_range(tmp_path, capsys):
    bad = tmp_path / "multi.toml"
    bad.write_text("[supervision]\nsesions_per_month = 2\ncoverage = 5\n")
    assert main(["scenarios", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "2 problems" in err and "unknown parameter 'supervision.sesions_per_month'" in err
    assert "supervision.coverage = 5 is not allowed" in err
    odd = tmp_path / "odd.toml"
    odd.write_text('extends = "baseline"\n[caseload]\ncap_per_fte = 5\n')
    assert main(["scenarios", "validate", str(odd)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("ok: ")
    assert ("warning: " + str(odd) + ": caseload.cap_per_fte = 5 is outside the plausible range 15-45 "
            "(clients/FTE); it runs, but check the value") in captured.err
    # the library is inside its own plausible ranges
    from scenarios import library_names, load

    assert [w for n in library_names() for w in load(n).warnings] == []


def test_a_scenario_error_inside_an_experiment_file_names_the_file(tmp_path, capsys):
    exp = tmp_path / "exp.toml"
    exp.write_text('method = "morris"\nn = 2\nscenario = "nosuch"\noutputs = ["mean_bo_mean"]\n'
                   '[parameters]\nnames = ["burnout.rate_gain"]\n')
    assert main(["sensitivity", str(exp), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"{exp}: scenario = 'nosuch': unknown scenario 'nosuch'" in err and err.count("\n") == 1


def test_report_on_a_sensitivity_folder_says_what_it_is(tmp_path, capsys):
    from experiments.results import SensitivityStore

    store = SensitivityStore(tmp_path / "sa")
    store.open({"problem": {}, "method": "morris", "function": "f", "outputs": ["y"]}, {})
    assert main(["report", str(tmp_path / "sa")]) == 2
    assert "holds a sensitivity analysis, not a comparison" in capsys.readouterr().err


def test_markdown_cells_escape_pipes_and_html():
    from experiments.report import md_cell

    assert md_cell("Plan | <b>bold</b>\nsecond line") == "Plan \\| &lt;b&gt;bold&lt;/b&gt; second line"


def test_main_restores_the_callers_sigterm_handler():
    import signal

    before = signal.getsignal(signal.SIGTERM)
    assert main(["parameters", "--group", "mentoring"]) == 0
    assert signal.getsignal(signal.SIGTERM) is before

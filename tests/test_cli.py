"""The ``resilience`` command line, end to end in a temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from experiments.cli import main


def test_run_writes_results_folder(tmp_path, capsys):
    out = tmp_path / "res"
    rc = main(["run", "--weeks", "30", "--clinicians", "60", "--seed", "3", "--burn-in", "10", "--out", str(out),
               "--set", "supervision.sessions_per_month=2", "--no-progress"])
    assert rc == 0
    assert f"results written to {out}" in capsys.readouterr().out
    weekly = pd.read_parquet(out / "weekly.parquet")
    assert len(weekly) == 31 and weekly["week"].iloc[-1] == 30
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 3 and summary["weeks"] == 30 and summary["burn_in_weeks"] == 10
    assert summary["parameters"]["supervision"]["sessions_per_month"] == 2
    assert summary["parameters"]["service"]["n_posts"] == 60
    assert 10 <= summary["summary"]["proqol_bo_raw_mean"] <= 50
    for png in ("states.png", "proqol.png", "staffing.png"):
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


def test_argparse_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", "--weeks", "0"])
    assert info.value.code == 2
    assert "expected a whole number of at least 1" in capsys.readouterr().err


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

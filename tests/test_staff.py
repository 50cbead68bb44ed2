"""Staff snapshots: reading and checking the file, and the service it starts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.cli import main
from model import Parameters, WorkforceModel, simulate
from model.state import VACANT
from scenarios import ScenarioError, load
from scenarios.staff import StaffError, read_staff

HEADER = "post,team,role,fte,tenure_weeks,caseload_low,caseload_moderate,caseload_high,vacant\n"
ROWS = ["1,North,clinician,1.0,120,12,8,4,",
        "2,North,specialist,1.0,300,5,6,10,",
        "3,North,clinician,0.6,20,6,4,2,",
        "4,North,,1.0,,0,0,0,true",
        "5,South,clinician,1.0,52,10,10,5,",
        "6,South,clinician,0.8,400,9,7,3,",
        "7,South,clinician,1.0,8,3,2,1,"]


def _write(tmp_path, rows=ROWS, header=HEADER, name="staff.csv"):
    path = tmp_path / name
    path.write_text(header + "\n".join(rows) + "\n")
    return path


def _scenario(tmp_path, staff="staff.csv", extra=""):
    path = tmp_path / "mine.toml"
    path.write_text(f'title = "mine"\nextends = "baseline"\nstaff_snapshot = "{staff}"\n{extra}')
    return path


def test_read_groups_posts_by_team_and_keeps_every_field(tmp_path):
    rows = ROWS[:4] + ["8,West,clinician,1.0,10,1,1,1,"] + ROWS[4:]  # a team in between: posts are grouped
    s = read_staff(_write(tmp_path, rows))
    assert s.team_names == ("North", "West", "South")
    assert list(s.team_sizes) == [4, 1, 3]
    assert list(s.occupied) == [True, True, True, False, True, True, True, True]
    assert list(s.specialist) == [False, True, False, False, False, False, False, False]
    assert list(s.weeks_in_post[:3]) == [120, 300, 20]
    assert list(s.caseload[:, 4]) == [1, 1, 1]
    assert s.caseload.sum() == sum(sum(int(x) for x in r.split(",")[5:8]) for r in rows)


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        (ROWS, HEADER.replace(",vacant", ",name"), "unknown column(s) name"),
        (ROWS, HEADER.replace("fte,", ""), "missing column(s) fte"),
        ([], HEADER, "no rows"),
        (ROWS + ["3,South,clinician,1.0,5,1,1,1,"], HEADER, "row 8: post = '3' is given twice"),
        (["1,North,clinician,-0.5,120,1,1,1,"], HEADER, "row 1: fte = '-0.5': expected a number above 0 and at most 1"),
        (["1,North,clinician,1.5,120,1,1,1,"], HEADER, "row 1: fte = '1.5'"),
        (["1,North,clinician,1.0,120,30,10,10,"], HEADER, "row 1: caseload 50 is above the cap of the post"),
        (["1,North,clinician,1.0,120,-1,0,0,"], HEADER, "row 1: caseload_low = '-1'"),
        (["1,North,clinician,1.0,120,1.5,0,0,"], HEADER, "row 1: caseload_low = '1.5': expected a whole number"),
        (["1,North,nurse,1.0,120,1,1,1,"], HEADER, "row 1: role = 'nurse': expected one of clinician, specialist"),
        (["1,North,clinician,1.0,long,1,1,1,"], HEADER, "row 1: tenure_weeks = 'long'"),
        (["1,North,,1.0,,3,0,0,true"], HEADER, "row 1: a vacant post has 3 open cases"),
        (["1,North,clinician,1.0,1,0,0,0,perhaps"], HEADER, "row 1: vacant = 'perhaps'"),
        (["1,,clinician,1.0,1,0,0,0,"], HEADER, "row 1: team is empty"),
    ],
)
def test_bad_snapshot_names_file_row_column_and_value(tmp_path, rows, header, message):
    path = _write(tmp_path, rows, header)
    with pytest.raises(StaffError) as err:
        read_staff(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_cap_follows_the_scenario_parameters(tmp_path):
    path = _write(tmp_path, ["1,North,clinician,1.0,120,20,5,5,"])  # 30 cases
    read_staff(path, Parameters())  # default cap 32 per FTE
    with pytest.raises(StaffError, match="above the cap"):
        read_staff(path, Parameters().with_overrides({"caseload.cap_per_fte": 25}))


def test_parquet_snapshot_reads_like_csv(tmp_path):
    csv = _write(tmp_path)
    pd.read_csv(csv, dtype=str, keep_default_na=False).to_parquet(tmp_path / "staff.parquet")
    a, b = read_staff(csv), read_staff(tmp_path / "staff.parquet")
    assert a.fingerprint() == b.fingerprint()


def test_a_bad_snapshot_is_one_line_through_the_command_line(tmp_path, capsys):
    _write(tmp_path, ["1,North,clinician,2,120,1,1,1,"])
    rc = main(["run", str(_scenario(tmp_path)), "--weeks", "2", "--out", str(tmp_path / "out"), "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 2 and "mine.toml: staff_snapshot = 'staff.csv'" in err and "row 1: fte = '2'" in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_snapshot_and_n_posts_or_clinicians_conflict(tmp_path, capsys):
    _write(tmp_path)
    with pytest.raises(ScenarioError, match="leave service.n_posts out"):
        load(_scenario(tmp_path, extra="[service]\nn_posts = 50\n"))
    rc = main(["run", str(_scenario(tmp_path)), "--clinicians", "50", "--weeks", "2", "--out",
               str(tmp_path / "out"), "--no-progress"])
    assert rc == 2 and "has a staff snapshot" in capsys.readouterr().err


def test_week_zero_is_the_snapshot(tmp_path):
    _write(tmp_path)
    sc = load(_scenario(tmp_path))
    assert sc.params.service.n_posts == 7
    m = WorkforceModel(sc.params, rng=1, burn_in_weeks=30, staff=sc.staff)
    ws, s = m.workforce, sc.staff
    assert list(ws.status != VACANT) == list(s.occupied)
    assert list(ws.team) == list(s.team) and m.n_teams == 2
    np.testing.assert_array_equal(ws.fte, s.fte)
    np.testing.assert_array_equal(ws.caseload, s.caseload)
    np.testing.assert_array_equal(ws.weeks_in_post[s.occupied], s.weeks_in_post[s.occupied])
    np.testing.assert_array_equal(ws.specialist[s.occupied], s.specialist[s.occupied])
    np.testing.assert_allclose(m.roster.cap, sc.params.caseload.cap_per_fte * s.fte)
    assert len(m.agents) == int(s.occupied.sum())
    # the people in post keep latent states the burn-in settled (a post filled from vacancy copies a settled
    # clinician's): they differ between people
    assert np.unique(ws.bo[s.occupied]).size >= 3


def test_snapshot_posts_must_match_n_posts(tmp_path):
    _write(tmp_path)
    sc = load(_scenario(tmp_path))
    with pytest.raises(ValueError, match="has 7 posts but service.n_posts is 8"):
        WorkforceModel(sc.params.with_overrides({"service.n_posts": 8}), rng=1, burn_in_weeks=0, staff=sc.staff)


def test_the_snapshot_moves_outcomes(tmp_path):
    """A service whose staff start at their caps carries more load in its first weeks than one that starts
    with few cases (the snapshot is not a label)."""
    full = [f"{i},T{i // 8},clinician,1.0,100,14,10,6," for i in range(40)]
    light = [f"{i},T{i // 8},clinician,1.0,100,2,1,0," for i in range(40)]
    loads = []
    for name, rows in (("full.csv", full), ("light.csv", light)):
        _write(tmp_path, rows, name=name)
        sc = load(_scenario(tmp_path, staff=name))
        r = simulate(sc.params, seed=2, weeks=4, burn_in_weeks=10, staff=sc.staff)
        loads.append(r.weekly["mean_load"].iloc[1])
    assert loads[0] > loads[1] + 0.3


def test_compare_runs_a_snapshot_scenario_and_records_it(tmp_path):
    from experiments.experiment import compare

    _write(tmp_path)
    res = compare([str(_scenario(tmp_path))], replicates=2, weeks=4, burn_in_weeks=4, out=tmp_path / "cmp",
                  workers=1, progress=False, report=False, rank_by="mean_bo_mean")
    described = res.store.manifest["scenarios"]["mine"]["staff"]
    assert described["posts"] == 7 and described["filled"] == 6 and described["teams"] == 2
    assert set(res.runs.scenario) == {"baseline", "mine"}

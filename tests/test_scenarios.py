"""Scenario files: the library loads and runs; bad files get clear messages."""

from __future__ import annotations

import math

import pytest

from model import Parameters, simulate
from scenarios import ScenarioError, library_names, load

LIBRARY = library_names()


def test_library_has_the_required_scenarios():
    required = {"baseline", "understaffed", "high-trauma-caseload", "organisational-bundle"}
    assert required <= set(LIBRARY)
    assert len(LIBRARY) >= 12


def test_baseline_is_the_defaults():
    assert load("baseline").params == Parameters()


@pytest.mark.parametrize("name", LIBRARY)
def test_every_scenario_loads_documents_itself_and_runs(name):
    sc = load(name)
    assert sc.title and len(sc.description) > 80 and len(sc.evidence) > 40, name
    assert sc.chain[0] == "baseline"
    if name != "baseline":
        assert sc.overrides, f"{name} changes nothing"
    r = simulate(sc.params.with_overrides({"service.n_posts": 40}), seed=1, weeks=8, burn_in_weeks=4)
    assert math.isfinite(r.summary["mean_bo_mean"])


def _write(tmp_path, name, text):
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_extends_chain_later_files_win(tmp_path):
    _write(tmp_path, "parent", 'extends = "baseline"\n[supervision]\nsessions_per_month = 2.0\ncoverage = 0.9\n')
    child = _write(tmp_path, "child", 'extends = "parent"\n[supervision]\nsessions_per_month = 3.0\n')
    sc = load(child)
    assert sc.chain == ("baseline", "parent", "child")
    assert sc.params.supervision.sessions_per_month == 3.0
    assert sc.params.supervision.coverage == 0.9
    assert sc.name == "child"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[supervision]\nsesions_per_month = 2\n',
         "bad.toml: unknown parameter 'supervision.sesions_per_month'; "
         "did you mean 'supervision.sessions_per_month'?"),
        ('[supervison]\nsessions_per_month = 2\n', "bad.toml: unknown key 'supervison'; did you mean 'supervision'?"),
        ('[supervision]\nsessions_per_month = "two"\n',
         "bad.toml: supervision.sessions_per_month = 'two' is not allowed: input should be a valid number"),
        ('[supervision]\nsessions_per_month = 12\n',
         "bad.toml: supervision.sessions_per_month = 12 is not allowed: input should be less than or equal to 8; "
         "allowed: a number from 0 to 8 (sessions/month)"),
        ('[service]\nn_posts = 2.5\n', "service.n_posts = 2.5 is not allowed: input should be a valid integer"),
        ('supervision = 3\n', "bad.toml: 'supervision' must be a table of parameters ([supervision]), got 3"),
        ('title = 3\n', "bad.toml: 'title' must be text, got 3"),
        ('extends = "nosuch"\n', "bad.toml: extends = 'nosuch': unknown scenario 'nosuch'"),
        ('[supervision\nx = 1\n', "bad.toml: invalid TOML: "),
        ('[service]\nteam_size_min = 14\n', "service.team_size_min (14) must not exceed service.team_size_max (12)"),
        ('target = "mean_bo"\ntarget_direction = "lower"\n',
         "bad.toml: target = 'mean_bo' is not a run summary; did you mean 'mean_bo_end'?"),
        ('target = "mean_bo_mean"\ntarget_direction = "down"\n',
         "bad.toml: target_direction = 'down' is not allowed (allowed: lower, higher)"),
        ('target = "mean_bo_mean"\n', "bad.toml: 'target' needs 'target_direction' as well"),
        ('target_direction = "lower"\n', "bad.toml: 'target_direction' needs 'target' as well"),
    ],
)
def test_bad_scenario_files(tmp_path, text, expected):
    path = _write(tmp_path, "bad", text)
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)


def test_several_problems_reported_together(tmp_path):
    path = _write(tmp_path, "bad", '[supervision]\nsessions_per_month = 12\ncoverage = 2\n')
    with pytest.raises(ScenarioError, match="2 problems"):
        load(path)


def test_circular_extends(tmp_path):
    _write(tmp_path, "a", 'extends = "b"\n')
    path = _write(tmp_path, "b", 'extends = "a"\n')
    with pytest.raises(ScenarioError, match=r"circular 'extends': b -> a -> b"):
        load(path)


def test_missing_file_and_unknown_name(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load(tmp_path / "nothere.toml")
    with pytest.raises(ScenarioError, match="unknown scenario 'basline'; did you mean 'baseline'"):
        load("basline")


def test_error_in_a_parent_names_the_parent(tmp_path):
    parent = _write(tmp_path, "parent", '[leadership]\nleader_support = 7\n')
    child = _write(tmp_path, "child", 'extends = "parent"\n')
    with pytest.raises(ScenarioError) as info:
        load(child)
    assert str(parent) in str(info.value) and "leadership.leader_support = 7" in str(info.value)


def test_a_child_valid_only_with_its_parent_is_accepted(tmp_path):
    _write(tmp_path, "parent", '[service]\nteam_size_min = 3\n')
    child = _write(tmp_path, "child", 'extends = "parent"\n[service]\nteam_size_max = 5\n')
    p = load(child).params
    assert (p.service.team_size_min, p.service.team_size_max) == (3, 5)


def test_scenario_names_must_be_safe_for_file_names(tmp_path):
    path = _write(tmp_path, "odd", 'name = "a/b"\n')
    with pytest.raises(ScenarioError, match="name = 'a/b' is not allowed"):
        load(path)


def test_target_is_read(tmp_path):
    path = _write(tmp_path, "t", 'extends = "baseline"\ntarget = "annual_turnover"\ntarget_direction = "lower"\n')
    sc = load(path)
    assert (sc.target, sc.target_direction) == ("annual_turnover", "lower")


@pytest.mark.parametrize("parent", ["/etc/passwd", "../baseline", "sub/child", "..", "/tmp/x.toml"])
def test_extends_takes_names_not_paths(tmp_path, parent):
    path = _write(tmp_path, "bad", f'extends = "{parent}"\n')
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert f"extends = '{parent}': must be a scenario name" in str(info.value) and str(path) in str(info.value)


def test_extends_resolves_next_to_the_child_whatever_the_working_directory(tmp_path, monkeypatch):
    sub = tmp_path / "plans"
    sub.mkdir()
    _write(sub, "parent", 'extends = "baseline"\n[supervision]\ncoverage = 0.9\n')
    child = _write(sub, "child", 'extends = "parent.toml"\n')
    decoy = _write(tmp_path, "parent", '[supervision]\ncoverage = 0.1\n')
    for cwd in (tmp_path, sub, decoy.parent.parent):
        monkeypatch.chdir(cwd)
        assert load(child).params.supervision.coverage == 0.9
        assert load(child).chain == ("baseline", "parent", "child")

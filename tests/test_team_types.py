"""Team types: the scenario-file format, the engine's per-type clients and caps, and the per-type results."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.cli import main
from model import Parameters, Service, TeamType, WorkforceModel, simulate
from model.outcomes import BY_TEAM_TYPE, of_team_type, outcome_of, split_team_type
from model.state import VACANT
from scenarios import ScenarioError, load

CRISIS = """
[[team_types]]
name = "crisis"
title = "Crisis resolution"
posts = 40
team_size_min = 6
team_size_max = 8
cap_per_fte = 15
referrals_per_post_week = 2.1
prop_trauma_high = 0.4
prop_trauma_specialist = 0.5
"""
COMMUNITY = """
[[team_types]]
name = "community"
posts = 80
"""


def _service(tmp_path, body=CRISIS + COMMUNITY, name="svc.toml", head='title = "two types"\n'):
    path = tmp_path / name
    path.write_text(head + body)
    return path


def _two_types(**crisis) -> tuple[Parameters, Service]:
    p = Parameters().with_overrides({"service.n_posts": 120})
    types = (TeamType("crisis", 40, 6, 8, **crisis), TeamType("community", 80, 6, 12))
    return p, Service(team_types=types)


# ---------------------------------------------------------------------------------------------------------------
# the file format


def test_values_become_multipliers_of_the_declaring_files_parameters(tmp_path):
    sc = load(_service(tmp_path))
    crisis, community = sc.team_types
    p = Parameters()
    assert sc.params.service.n_posts == 120
    assert (crisis.name, crisis.n_posts, crisis.team_size_min, crisis.team_size_max) == ("crisis", 40, 6, 8)
    assert crisis.rel_cap == pytest.approx(15 / p.caseload.cap_per_fte)
    assert crisis.rel_referrals == pytest.approx(2.1 / p.clients.referrals_per_post_week)
    assert crisis.rel_trauma_high == pytest.approx(0.4 / p.clients.prop_trauma_high)
    assert crisis.rel_specialist == pytest.approx(0.5 / p.service.prop_trauma_specialist)
    assert crisis.rel_trauma_moderate == 1.0
    assert community == TeamType("community", 80, p.service.team_size_min, p.service.team_size_max)
    assert sc.team_type_titles == {"crisis": "Crisis resolution", "community": "community"}
    # a policy that extends the service and lowers the service-wide cap lowers every type's cap in proportion
    policy = tmp_path / "lower-cap.toml"
    policy.write_text('extends = "svc"\n[caseload]\ncap_per_fte = 24\n')
    pol = load(policy)
    assert pol.team_types == sc.team_types
    m = WorkforceModel(pol.params, rng=3, burn_in_weeks=0, service=pol.service, warm_start=False)
    m.step()  # levers act from the week after their start week
    in_post = m.workforce.status != VACANT
    expected = 24 * np.where(m.post_type == 0, 15 / 30, 1.0) * m.workforce.fte
    assert np.allclose(m.roster.cap[in_post], expected[in_post])


def test_a_value_outside_the_plausible_range_warns(tmp_path):
    sc = load(_service(tmp_path, CRISIS.replace("cap_per_fte = 15", "cap_per_fte = 8") + COMMUNITY))
    assert any("team_types[1] (crisis): cap_per_fte = 8 is outside the plausible range 15-45" in w
               for w in sc.warnings)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (CRISIS.replace("posts = 40\n", "") + COMMUNITY, "team_types[1] (crisis): posts is missing"),
        (CRISIS.replace("posts = 40", "posts = 0") + COMMUNITY, "posts = 0: expected a whole number of at least 1"),
        (CRISIS.replace("posts = 40", "posts = 4.5") + COMMUNITY, "posts = 4.5"),
        (CRISIS.replace("cap_per_fte = 15", "cap_per_fte = 500") + COMMUNITY,
         "team_types[1] (crisis): cap_per_fte = 500 is outside 1-200 (clients/FTE), the bounds of caseload.cap_per_fte"),
        (CRISIS.replace("cap_per_fte = 15", 'cap_per_fte = "high"') + COMMUNITY, "cap_per_fte = 'high': expected a number"),
        (CRISIS.replace("team_size_min = 6", "team_size_min = 6.5") + COMMUNITY, "expected a whole number"),
        (CRISIS.replace("team_size_max = 8", "team_size_max = 4") + COMMUNITY, "team_size_min = 6 is above team_size_max = 4"),
        (CRISIS.replace("prop_trauma_high = 0.4", "prop_trauma_high = 0.4\nprop_trauma_moderate = 0.7") + COMMUNITY,
         "prop_trauma_moderate = 0.7 + prop_trauma_high = 0.4 = 1.1: the shares of referrals may add up to at most 1"),
        (CRISIS.replace("team_size_min = 6", "team_size_min = 13") + COMMUNITY,
         "team_size_min = 13 is above team_size_max = 8"),
        (CRISIS.replace("team_size_max = 8\n", "").replace("team_size_min = 6", "team_size_min = 13") + COMMUNITY,
         "team_size_min = 13 is above team_size_max = 12 (the service-wide service.team_size_max)"),
        (CRISIS + CRISIS, "team_types[2] (crisis): name 'crisis' is given twice"),
        (CRISIS.replace('name = "crisis"', 'name = "a b"'), "team_types[1]: name = 'a b'"),
        (CRISIS.replace("posts = 40", "posts = 40\ncaseload_cap = 12"), "unknown key 'caseload_cap' (allowed: name, title"),
        ('team_types = "crisis"\n', "'team_types' must be one or more [[team_types]] tables"),
        (CRISIS + "[service]\nn_posts = 40\n", "team_types and service.n_posts are both set"),
        ("[service]\nprop_trauma_specialist = 0.0\n" + CRISIS, "prop_trauma_specialist = 0.5 while the service-wide "
                                                               "service.prop_trauma_specialist is 0"),
    ],
)
def test_bad_team_types_name_the_file_table_key_and_value(tmp_path, body, message):
    path = _service(tmp_path, body)
    with pytest.raises(ScenarioError) as err:
        load(path)
    text = str(err.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text


def test_n_posts_set_below_the_declaring_file_names_the_file_that_sets_it(tmp_path):
    _service(tmp_path)
    child = tmp_path / "child.toml"
    child.write_text('extends = "svc"\n[service]\nn_posts = 50\n')
    with pytest.raises(ScenarioError) as err:
        load(child)
    assert str(err.value).startswith(f"{child}: team_types and service.n_posts are both set (team_types in ")


def test_the_engine_refuses_impossible_team_types(tmp_path):
    p = Parameters().with_overrides({"service.n_posts": 20})
    with pytest.raises(ValueError, match="at least one post"):
        WorkforceModel(p, rng=1, burn_in_weeks=0, service=Service(team_types=(TeamType("a", 20, 6, 10),
                                                                               TeamType("b", 0, 6, 10))))
    with pytest.raises(ValueError, match="add up to 19"):
        WorkforceModel(p, rng=1, burn_in_weeks=0, service=Service(team_types=(TeamType("a", 19, 6, 10),)))
    (tmp_path / "staff.csv").write_text(HEADER.replace("team_type,", "") + "1,A,clinician,1.0,50,5,4,3\n")
    from scenarios.staff import read_staff

    staff = read_staff(tmp_path / "staff.csv")
    with pytest.raises(ValueError, match="names no team types"):
        WorkforceModel(p.with_overrides({"service.n_posts": 1}), rng=1, burn_in_weeks=0,
                       service=Service(team_types=(TeamType("a", 1, 6, 10),), staff=staff))


def test_a_sensitivity_file_runs_the_typed_service(tmp_path):
    from experiments.sensitivity_file import run_file

    _service(tmp_path, CRISIS.replace("posts = 40", "posts = 8") + COMMUNITY.replace("posts = 80", "posts = 8"))
    sa = tmp_path / "sa.toml"
    sa.write_text('title = "t"\nscenario = "svc.toml"\nmethod = "morris"\nn = 2\nweeks = 4\nburn_in_weeks = 2\n'
                  'outputs = ["mean_bo_mean"]\n[parameters]\nnames = ["burnout.rate_gain"]\n')
    run_file(sa, out=tmp_path / "out", workers=1, progress=False)
    function = __import__("json").loads((tmp_path / "out" / "manifest.json").read_text())["function"]
    assert "Service(team_types=" in function and "('service.n_posts', 16)" in function
    sa.write_text(sa.read_text().replace('weeks = 4', 'weeks = 4\nclinicians = 50'))
    with pytest.raises(Exception, match="clinicians = 50: scenario 'svc.toml' has team types"):
        run_file(sa, out=tmp_path / "out2", workers=1, progress=False)


def test_a_bad_team_type_is_one_line_and_status_2_on_the_command_line(tmp_path, capsys):
    path = _service(tmp_path, CRISIS.replace("posts = 40", "posts = -3") + COMMUNITY)
    out = tmp_path / "out"
    assert main(["run", str(path), "--weeks", "4", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "posts = -3" in err and len(err.splitlines()) == 1 and not out.exists()


def test_clinicians_cannot_resize_a_typed_service(tmp_path, capsys):
    path = _service(tmp_path)
    assert main(["run", str(path), "--weeks", "4", "--clinicians", "50", "--out", str(tmp_path / "o")]) == 2
    assert "has team types (crisis 40, community 80 posts)" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------------------------
# staff snapshots with team types

HEADER = "post,team,team_type,role,fte,tenure_weeks,caseload_low,caseload_moderate,caseload_high\n"


def _snapshot_service(tmp_path, rows, body=CRISIS.replace("posts = 40\n", "") + COMMUNITY.replace("posts = 80\n", "")):
    (tmp_path / "staff.csv").write_text(HEADER + "\n".join(rows) + "\n")
    return _service(tmp_path, body, head='title = "snap"\nstaff_snapshot = "staff.csv"\n')


ROWS = ["1,A,crisis,clinician,1.0,50,5,4,3", "2,A,crisis,specialist,1.0,80,2,2,6",
        "3,B,community,clinician,1.0,90,12,8,4", "4,B,community,clinician,0.5,10,6,3,2",
        "5,C,community,clinician,1.0,200,10,10,5"]


def test_a_snapshot_gives_each_type_its_posts_and_teams(tmp_path):
    sc = load(_snapshot_service(tmp_path, ROWS))
    assert [(t.name, t.n_posts) for t in sc.team_types] == [("crisis", 2), ("community", 3)]
    assert sc.params.service.n_posts == 5 and sc.staff.type_of_team == ("crisis", "community", "community")
    m = WorkforceModel(sc.params, rng=1, burn_in_weeks=10, service=sc.service)
    assert list(m.post_type) == [0, 0, 1, 1, 1] and list(m.team_type_of_team) == [0, 1, 1]
    assert m.workforce.caseload[:, 1].tolist() == [2, 2, 6]


def test_a_snapshot_without_declared_types_still_breaks_results_down_by_its_types(tmp_path):
    (tmp_path / "staff.csv").write_text(HEADER + "\n".join(ROWS) + "\n")
    sc = load(_service(tmp_path, "", head='title = "snap"\nstaff_snapshot = "staff.csv"\n'))
    assert [(t.name, t.n_posts, t.rel_cap) for t in sc.team_types] == [("crisis", 2, 1.0), ("community", 3, 1.0)]
    r = simulate(sc.params, seed=1, weeks=13, burn_in_weeks=4, service=sc.service)
    assert r.summary["n_in_post_mean[crisis]"] + r.summary["n_in_post_mean[community]"] == pytest.approx(
        r.summary["n_in_post_mean"])


@pytest.mark.parametrize(
    ("rows", "body", "message"),
    [
        (["1,A,inpatient,clinician,1.0,50,5,4,3"], None, "row 1: team_type = 'inpatient': expected one of crisis, community"),
        (["1,A,crisis,clinician,1.0,50,5,4,3", "2,A,community,clinician,1.0,50,5,4,3"], None,
         "row 2: team_type = 'community' but team 'A' is 'crisis' in an earlier row; a team has one type"),
        # the crisis type's cap is 15 per FTE: 16 cases are too many there, not in a community post
        (["1,A,crisis,clinician,1.0,50,8,4,4", "2,B,community,clinician,1.0,50,8,4,4"], None,
         "row 1: caseload 16 is above the cap of the post (15 = cap_per_fte 15 of team type crisis x fte 1)"),
        (["1,A,crisis,clinician,1.0,50,5,4,3", "2,B,community,clinician,1.0,50,5,4,3"],
         CRISIS + COMMUNITY.replace("posts = 80\n", ""), "team_types[1] (crisis): posts = 40 but the staff snapshot has 1"),
        (["1,A,crisis,clinician,1.0,50,5,4,3"], None, "team_types[2] (community): the staff snapshot has no posts of this"),
        (["1,A,crisis,clinician,1.0,50,5,4,3", "2,B,community,clinician,1.0,50,5,4,3"],
         CRISIS.replace("posts = 40", 'posts = "1"') + COMMUNITY.replace("posts = 80\n", ""),
         "team_types[1] (crisis): posts = '1': expected a whole number of at least 1"),
        (["1,A,crisis team,clinician,1.0,50,5,4,3"], "", "row 1: team_type = 'crisis team': expected a team type name"),
    ],
)
def test_a_snapshot_inconsistent_with_the_team_types_is_one_line(tmp_path, rows, body, message):
    path = _snapshot_service(tmp_path, rows, **({"body": body} if body is not None else {}))
    with pytest.raises(ScenarioError) as err:
        load(path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_declared_types_need_the_team_type_column(tmp_path):
    (tmp_path / "staff.csv").write_text(HEADER.replace("team_type,", "") + "1,A,clinician,1.0,50,5,4,3\n")
    path = _service(tmp_path, CRISIS.replace("posts = 40\n", ""), head='staff_snapshot = "staff.csv"\n')
    with pytest.raises(ScenarioError, match="missing column team_type; the scenario declares team types"):
        load(path)


# ---------------------------------------------------------------------------------------------------------------
# the engine


def test_each_type_takes_only_its_own_referrals():
    # community referrals carry no trauma; crisis referrals are all high-trauma: community posts must never hold a
    # moderate or high-trauma case (routing to specialists and re-allocation of leavers' clients included)
    p = Parameters().with_overrides({"service.n_posts": 120, "caseload.trauma_concentration": 0.8})
    types = (TeamType("community", 80, 6, 12, rel_trauma_moderate=0.0, rel_trauma_high=0.0, rel_specialist=2.0),
             TeamType("crisis", 40, 6, 8, rel_trauma_moderate=0.0, rel_trauma_high=5.0, rel_referrals=1.5))
    m = WorkforceModel(p, rng=5, burn_in_weeks=0, service=Service(team_types=types), warm_start=False)
    community = m.post_type == 0
    departures = 0
    for _ in range(60):
        m.step()
        assert m.workforce.caseload[1:, community].sum() == 0
        assert m.waitlist[0, 1:].sum() == 0
        departures += m.metrics["new_departures"]
    assert departures > 0  # leavers' clients were re-allocated along the way
    assert m.workforce.caseload[2, ~community].sum() > 0 and m.waitlist[1].sum() > 0


def test_caps_specialists_and_pressure_follow_the_type():
    p, service = _two_types(rel_cap=0.5, rel_specialist=3.0, rel_referrals=2.0)
    m = WorkforceModel(p, rng=2, burn_in_weeks=26, service=service)
    ws, crisis = m.workforce, m.post_type == 0
    cap = p.caseload.cap_per_fte * np.where(crisis, 0.5, 1.0) * ws.fte
    in_post = ws.status != VACANT
    assert np.allclose(m.roster.cap[in_post], cap[in_post])
    assert ws.caseload.sum(axis=0)[crisis & in_post].max() <= np.floor(cap[crisis].max() * 2)  # cap, stretched
    # a three-times share of specialists (0.6 against 0.2) among the crisis posts, drawn for every filled post
    assert ws.specialist[crisis & in_post].mean() > 0.4 > ws.specialist[~crisis & in_post].mean()
    # double referrals on half the cap: the crisis waiting list presses on crisis clinicians only
    assert m.waitlist[0].sum() > 10 * max(m.waitlist[1].sum(), 1)
    pressure = np.asarray(m.waitlist_pressure)
    assert pressure.shape == (120,) and pressure[crisis].min() > pressure[~crisis].max()


def test_a_type_with_more_trauma_has_more_sts_and_a_lower_cap_a_longer_wait():
    p, service = _two_types(rel_trauma_high=2.5, rel_trauma_moderate=0.5, rel_cap=0.7)
    r = simulate(p, seed=4, weeks=104, burn_in_weeks=104, service=service)
    s = r.summary
    assert s["mean_sts_mean[crisis]"] > s["mean_sts_mean[community]"] + 0.02
    assert s["mean_exposure_mean[crisis]"] > s["mean_exposure_mean[community]"]
    assert s["n_waitlist_mean[crisis]"] / 40 > s["n_waitlist_mean[community]"] / 80
    assert s["caseload_per_clinician_mean[crisis]"] < s["caseload_per_clinician_mean[community]"]


# ---------------------------------------------------------------------------------------------------------------
# results by team type


def test_type_breakdowns_add_up_to_the_service():
    p, service = _two_types(rel_referrals=1.3)
    r = simulate(p, seed=7, weeks=52, burn_in_weeks=52, service=service)
    w, s = r.weekly, r.summary
    for name in ("n_in_post", "n_waitlist", "new_referrals", "new_departures", "new_hires", "n_on_leave",
                 "new_waitlist_dropouts", "new_incidents", "n_notice"):
        assert (w[of_team_type(name, "crisis")] + w[of_team_type(name, "community")] == w[name]).all(), name
    # float staff hold none of the cases here, so the clinicians' endings are all of them
    for name in ("new_recoveries", "new_dropouts", "n_open_cases"):
        assert (w[of_team_type(name, "crisis")] + w[of_team_type(name, "community")] == w[name]).all(), name
    share = s["n_in_post_mean[crisis]"] / s["n_in_post_mean"]
    mixed = share * s["mean_bo_mean[crisis]"] + (1 - share) * s["mean_bo_mean[community]"]
    assert mixed == pytest.approx(s["mean_bo_mean"], abs=2e-3)
    assert s["annual_turnover[crisis]"] > 0 and "new_total_cost[crisis]" not in w.columns
    assert {split_team_type(c)[1] for c in w.columns} == {None, "crisis", "community"}


def test_one_type_breakdown_equals_the_service():
    p = Parameters().with_overrides({"service.n_posts": 60})
    r = simulate(p, seed=3, weeks=26, burn_in_weeks=26,
                 service=Service(team_types=(TeamType("all", 60, 6, 12),)))
    for name in BY_TEAM_TYPE:
        a, b = r.weekly[name].to_numpy(), r.weekly[of_team_type(name, "all")].to_numpy()
        assert np.allclose(a, b, equal_nan=True), name


def test_survey_sd_is_the_respondents_sd():
    m = WorkforceModel(Parameters().with_overrides({"service.n_posts": 80}), rng=1, burn_in_weeks=13)
    raw = m.last_survey.raw
    for j, s in enumerate(("cs", "bo", "sts")):
        assert m.metrics[f"proqol_{s}_raw_sd"] == pytest.approx(np.std(raw[:, j], ddof=1))


def test_outcome_of_a_team_type_key():
    assert outcome_of("annual_turnover[crisis]") == outcome_of("annual_turnover")
    assert split_team_type("proqol_bo_raw_mean[crisis]") == ("proqol_bo_raw_mean", "crisis")
    with pytest.raises(KeyError, match="not recorded per team type"):
        outcome_of("cum_total_cost[crisis]")


def test_untyped_runs_record_no_type_columns():
    r = simulate({"service.n_posts": 40}, seed=1, weeks=4, burn_in_weeks=4)
    assert not [c for c in r.weekly.columns if "[" in c] and not [k for k in r.summary if "[" in k]


# ---------------------------------------------------------------------------------------------------------------
# calibrating a typed service to figures of each type

TYPED_CALIBRATION = """
title = "typed"
scenario = "svc.toml"
weeks = 13
burn_in_weeks = 4
warm_start = false

[[observed]]
metric = "annual_turnover"
team_type = "crisis"
value = 0.4
se = 0.1

[[observed]]
metric = "proqol_bo_raw_mean"
team_type = "community"
value = 23.0
sd = 5.5
respondents = 60

[[observed]]
metric = "prop_bo_high_mean"
value = 0.0
respondents = 96

[calibrate]
parameters = ["burnout.rate_gain"]
population = 4
max_generations = 1
"""


def _calibration(tmp_path, text=TYPED_CALIBRATION):
    _service(tmp_path, CRISIS.replace("posts = 40", "posts = 12") + COMMUNITY.replace("posts = 80", "posts = 18"))
    path = tmp_path / "cal.toml"
    path.write_text(text)
    return path


def test_a_typed_service_is_calibrated_to_each_types_figures(tmp_path, capsys):
    from experiments.calibration_file import prepare

    path = _calibration(tmp_path)
    _, _, f, _, obs = prepare(path)
    assert [o.metric for o in obs] == ["annual_turnover[crisis]", "proqol_bo_raw_mean[community]", "prop_bo_high_mean"]
    assert obs[1].se == pytest.approx(5.5 / 60**0.5)
    p = (0 * 96 + 2) / 100
    assert obs[2].se == pytest.approx((p * (1 - p) / 100) ** 0.5)  # Agresti-Coull: above 0 for a share of 0
    assert f.service.team_types[0].n_posts == 12 and dict(f.base)["service.n_posts"] == 30
    out = tmp_path / "out"
    assert main(["calibrate", str(path), "--out", str(out), "--no-progress", "--workers", "1"]) == 0
    fit = (out / "fit.csv").read_text()
    assert "annual_turnover[crisis]" in fit and "proqol_bo_raw_mean[community]" in fit


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('team_type = "crisis"', 'team_type = "inpatient"', "observed.0.team_type = 'inpatient': expected one of "
                                                            "crisis, community"),
        ('metric = "annual_turnover"', 'metric = "cum_total_cost"', "is not recorded per team type"),
        ("se = 0.1", "respondents = 40", "respondents gives a standard error only for survey figures"),
        ("sd = 5.5\n", "", "is a mean score: give sd"),
        ("value = 0.4\nse = 0.1", "value = 0.4", "missing se"),
        ("se = 0.1", "se = 0.1\nsd = 2.0", "sd comes with respondents"),
        ("respondents = 60", "respondents = 60\nse = 0.4", "give se or respondents, not both"),
        ("value = 0.0\nrespondents = 96", "value = 35.0\nrespondents = 96", "value = 35.0: 'prop_bo_high_mean' is a share"),
        ('metric = "prop_bo_high_mean"\nvalue = 0.0', 'metric = "proqol_bo_raw_sd_mean"\nvalue = 0.0',
         "an SD across respondents is above 0"),
        ('metric = "proqol_bo_raw_mean"\nteam_type = "community"\nvalue = 23.0\nsd = 5.5\nrespondents = 60',
         'metric = "annual_turnover"\nteam_type = "crisis"\nvalue = 0.3\nse = 0.1',
         "metric 'annual_turnover' of team type 'crisis' is observed twice"),
    ],
)
def test_bad_typed_observations_are_one_line(tmp_path, capsys, old, new, message):
    assert old in TYPED_CALIBRATION
    path = _calibration(tmp_path, TYPED_CALIBRATION.replace(old, new, 1))
    out = tmp_path / "out"
    assert main(["calibrate", str(path), "--out", str(out), "--no-progress", "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and not out.exists()


def test_team_type_observations_need_a_typed_scenario(tmp_path, capsys):
    path = _calibration(tmp_path, TYPED_CALIBRATION.replace('scenario = "svc.toml"', 'scenario = "baseline"\n'
                                                                                      "clinicians = 30"))
    assert main(["calibrate", str(path), "--out", str(tmp_path / "o"), "--no-progress", "--workers", "1"]) == 2
    assert "expected none: the scenario has no team types" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------------------------
# results folders and reports


def test_a_run_folder_holds_each_types_figures(tmp_path, capsys):
    path = _service(tmp_path)
    out = tmp_path / "run"
    assert main(["run", str(path), "--weeks", "13", "--burn-in", "13", "--out", str(out), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "Crisis resolution (40 posts): BO" in text and "community (80 posts): BO" in text
    import pandas as pd

    typed = pd.read_csv(out / "team_types.csv")
    assert set(typed["team_type"]) == {"crisis", "community"}
    summary = __import__("json").loads((out / "summary.json").read_text())["summary"]
    row = typed[(typed.team_type == "crisis") & (typed.metric == "annual_turnover")]
    assert row["value"].iloc[0] == pytest.approx(summary["annual_turnover[crisis]"])


def test_a_comparison_breaks_results_down_by_team_type(tmp_path):
    from experiments.experiment import compare

    path = _service(tmp_path)
    policy = tmp_path / "supervised.toml"
    policy.write_text('title = "supervised"\nextends = "svc"\n[supervision]\nsessions_per_month = 2.0\n')
    # the typed service is the reference context: the policy runs in it and compares with it, not the generic one
    res = compare([str(policy)], baseline=str(path), replicates=2, weeks=13, burn_in_weeks=4, out=tmp_path / "cmp",
                  workers=1, progress=False, report=True, rank_by="mean_bo_mean")
    assert res.store.manifest["scenarios"]["svc"]["team_types"][0]["name"] == "crisis"
    assert list(res.layout.arms) == ["svc", "supervised@svc"] and set(res.runs["scenario"]) == set(res.layout.arms)
    import pandas as pd

    typed = pd.read_csv(tmp_path / "cmp" / "team_types.csv")
    assert set(typed["scenario"]) == {"svc", "supervised@svc"} and set(typed["team_type"]) == {"crisis", "community"}
    runs = res.runs[res.runs.scenario == "svc"]
    mean = typed[(typed.scenario == "svc") & (typed.team_type == "crisis") & (typed.metric == "n_waitlist_mean")]
    assert mean["mean"].iloc[0] == pytest.approx(runs["n_waitlist_mean[crisis]"].mean())
    page = (tmp_path / "cmp" / "report.html").read_text()
    assert "By team type" in page and "community" in page

"""The dashboard without a browser: the paired session it drives, and the page rendered headless with
``solara.render`` (buttons clicked, sliders moved, text read)."""

from __future__ import annotations

import warnings

import pytest

solara = pytest.importorskip("solara")
import ipyvuetify as v  # noqa: E402

from experiments.dashboard import LEVERS, MAX_WORK, Page, Session, check_work, lever_label, policies  # noqa: E402
from model import Parameters  # noqa: E402
from scenarios import load  # noqa: E402
from tests.waiting import eventually, settled  # noqa: E402

SMALL = {"service.n_posts": 40}


def test_the_same_policy_as_the_baseline_differs_by_exactly_nothing():
    p = Parameters().with_overrides(SMALL)
    s = Session(p, p, replicates=2)
    s.step(5)
    assert s.paired_difference("mean_bo") == (0.0, 0.0, 0.0)  # common random numbers: identical runs


def test_the_paired_difference_is_the_mean_of_the_replicate_differences():
    base = Parameters().with_overrides(SMALL)
    s = Session(base, load("organisational-bundle").params.with_overrides(SMALL), replicates=3)
    s.step(8)
    t = s.table()
    t = t[t["week"] > 0]
    per = t.groupby(["arm", "replicate"])["mean_bo"].mean().unstack("arm")
    d = per["policy"] - per["baseline"]
    mean, lo, hi = s.paired_difference("mean_bo")
    assert mean == pytest.approx(d.mean()) and lo < mean < hi
    assert set(t["week"]) == set(range(1, 9)) and len(t) == 2 * 3 * 8


def test_work_beyond_the_cap_gets_a_friendly_message():
    assert check_work(100, 2, 52) == ""
    message = check_work(300, 4, 600)
    assert "more than this dashboard simulates" in message and f"{MAX_WORK:,}" in message
    assert "resilience compare" in message


def test_sliders_show_unit_range_and_source():
    spec = Parameters.spec("supervision.coverage")
    assert lever_label("supervision.coverage") == f"{spec.unit}; plausible {spec.range[0]:g}-{spec.range[1]:g}"
    assert set(policies()) >= {"reflective-supervision", "organisational-bundle"} and "understaffed" not in policies()


def _texts(rc) -> str:
    """What the page says: its templates and the HTML its prose is rendered to."""
    html = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets if isinstance(w.unsafe_innerHTML, str)]
    return " ".join([*(w.template for w in rc.find(v.VuetifyTemplate).widgets if isinstance(w.template, str)), *html])


def _render():
    warnings.simplefilter("ignore")
    return solara.render(Page(), handle_error=False)


def test_the_page_sets_up_steps_and_runs():
    _, rc = _render()
    assert "press Set up" in str(rc.find(v.Alert).widgets[0].children)
    click = lambda label: rc.find(v.Btn, children=[label]).widget.click()  # noqa: E731
    click("Step")  # before set-up: told what to do, nothing breaks
    assert "Press Set up first." in str(rc.find(v.Alert).widgets[0].children)
    click("Set up")
    assert "Week 0." in _texts(rc)
    click("Step")
    assert "Week 1." in _texts(rc) and "paired over 2 replicates" in _texts(rc)
    click("Run 13 weeks")
    assert "Week 14." in _texts(rc)


def test_moving_a_lever_changes_the_policy_that_is_set_up():
    _, rc = _render()
    sliders = {w.label: w for w in rc.find(v.Slider).widgets}
    assert all(n in sliders for n in LEVERS)
    captions = " ".join(str(w.children) for w in rc.find(v.Html).widgets)
    assert all(lever_label(n) in captions for n in LEVERS)  # every lever shows its unit and plausible range
    sliders["supervision.coverage"].v_model = 0.25
    rc.find(v.Btn, children=["Set up"]).widget.click()
    rc.find(v.Btn, children=["Run 13 weeks"]).widget.click()
    assert "Week 13." in _texts(rc)
    # the page's session runs the moved lever: a fresh session with the same settings shows the same effect,
    # and the file's own coverage would show another
    import re

    shown = float(re.search(r"replicates: <strong>([-+0-9.]+)</strong>", _texts(rc)).group(1))
    base = load("baseline").params.with_overrides({"service.n_posts": 100})

    def effect(coverage: float) -> float:
        policy = load("reflective-supervision").params.with_overrides({"supervision.coverage": coverage,
                                                                       "service.n_posts": 100})
        s = Session(base, policy, replicates=2)
        s.step(13)
        return s.paired_difference("mean_bo")[0]

    moved, unmoved = effect(0.25), effect(load("reflective-supervision").params.supervision.coverage)
    assert shown == pytest.approx(moved, abs=5e-4) and abs(moved - unmoved) > 1e-3


def test_a_downloaded_scenario_loads_back_with_its_settings(tmp_path):
    from experiments.dashboard import read_uploaded, scenario_text

    text = scenario_text("reflective-supervision", {"supervision.coverage": 0.4, "wellness.uptake": 0.3})
    path = tmp_path / "mine.toml"
    path.write_text(text)
    sc = load(path)  # a valid policy file on the library policy
    assert sc.kind == "policy" and sc.params.supervision.coverage == 0.4 and sc.params.wellness.uptake == 0.3
    name, levers = read_uploaded("mine.toml", text.encode())
    assert name == "reflective-supervision" and levers == {"supervision.coverage": 0.4, "wellness.uptake": 0.3}


@pytest.mark.parametrize(("text", "message"), [
    ('extends = "understaffed"\n', "kind 'context': the dashboard compares policies"),
    ('extends = "baseline"\n[supervision]\ncoverage = 7.0\n', "supervision.coverage"),
    ('title = "x"\n[mentoring]\ncoverage = 1.0\n', "extends no library policy"),
])
def test_a_bad_upload_is_one_line_on_the_page(text, message):
    from experiments.dashboard import read_uploaded
    from scenarios import ScenarioError

    with pytest.raises(ScenarioError, match=message) as exc:
        read_uploaded("up.toml", text.encode())
    assert str(exc.value).startswith("up.toml: ") and "\n" not in str(exc.value).strip()


def test_the_page_draws_the_loop_the_survey_bands_and_the_teams():
    from experiments.dashboard import teams_figure, weeks_figure
    from experiments.teaching import team_view

    _, rc = _render()
    rc.find(v.Btn, children=["Set up"]).widget.click()
    rc.find(v.Btn, children=["Run 13 weeks"]).widget.click()
    import ipywidgets

    images = rc.find(ipywidgets.Image).widgets
    assert len(images) == 4 and all(len(i.value) > 1000 for i in images)  # every figure is on the page
    base = Parameters().with_overrides(SMALL)
    s = Session(base, load("mentoring").params.with_overrides(SMALL), replicates=2)
    s.step(13)
    titles = [ax.get_title() for ax in weeks_figure(s).axes]
    assert any("ProQOL burnout bands, survey of week 13" in t for t in titles)
    assert any("Caseload per clinician" in t for t in titles) and any("departures" in t for t in titles)
    bars = teams_figure(s).axes[0].patches
    assert len(bars) == len(team_view(s.models[("policy", 0)]))


# --- contexts, start weeks, typed levers, Go and Pause, the network and the timeline ---------------------------

def test_a_context_composes_the_arms_as_a_comparison_does():
    from experiments.dashboard import arm_parameters, contexts
    from experiments.experiment import resolve_arms

    assert contexts()[0] == "baseline" and {"understaffed", "high-trauma-caseload"} <= set(contexts())
    base, pol = arm_parameters("reflective-supervision", "understaffed", 60)
    _, arms = resolve_arms(["reflective-supervision"], 60, contexts=["understaffed"])
    expected = {a.policy.name: a.params for a in arms.values()}
    assert base == expected["baseline"] and pol == expected["reflective-supervision"]
    assert base.hiring.frozen_share == load("understaffed").params.hiring.frozen_share != Parameters().hiring.frozen_share


def test_the_start_week_holds_the_policy_back_until_then():
    from experiments.dashboard import arm_parameters, lever_timeline

    base, pol = arm_parameters("reflective-supervision", "baseline", 40, start_week=6)
    rows = lever_timeline(base, pol)
    assert [r.group for r in rows] == ["supervision"] and rows[0].start_week == 6
    assert rows[0].settings == {k.split(".", 1)[1]: v for k, v in load("reflective-supervision").own.items()
                                if k.startswith("supervision.") and not k.endswith("start_week")}
    s = Session(base, pol, replicates=2)
    s.step(10)
    t = s.table().pivot_table(index=["replicate", "week"], columns="arm", values="mean_bo")
    gap = (t["policy"] - t["baseline"]).abs().groupby("week").max()
    assert gap.loc[:6].max() == 0.0 and gap.loc[7:].min() > 0  # identical through week 6, then the levers act


def test_the_same_policy_changes_no_lever_on_the_timeline():
    from experiments.dashboard import lever_timeline, timeline_figure

    p = Parameters().with_overrides(SMALL)
    assert lever_timeline(p, p) == []
    s = Session(p, p, replicates=2)
    assert "changes no lever" in " ".join(t.get_text() for t in timeline_figure(s).axes[0].texts)


@pytest.mark.parametrize(("text", "message"), [
    ("supervision.coverage", "type a lever as name = value"),
    ("supervision.coverage = 9", "supervision.coverage = 9 is not allowed"),
    ("supervision.coverage = lots", "not a value"),
    ("supervision.coverag = 0.5", "did you mean 'supervision.coverage'"),
    ("hiring.mean_delay_weeks = 4", "is an uncertainty, not a lever"),
])
def test_a_typed_lever_is_refused_with_the_usual_message(text, message):
    from experiments.dashboard import typed_lever
    from model.parameters import ParameterError

    with pytest.raises(ParameterError, match=message) as exc:
        typed_lever(text)
    assert str(exc.value).startswith("typed lever: ") and "\n" not in str(exc.value)


def test_a_typed_lever_is_read_as_toml():
    from experiments.dashboard import typed_lever

    assert typed_lever(" peer_support.coverage=0.5 ") == ("peer_support.coverage", 0.5)
    assert typed_lever("caseload.cap_per_fte = 30") == ("caseload.cap_per_fte", 30)


def test_the_page_applies_a_typed_lever_and_refuses_a_bad_one():
    _, rc = _render()
    field = rc.find(v.TextField, label="Set any lever: name = value").widget
    field.v_model = "supervision.coverage = 3"
    rc.find(v.Btn, children=["Apply"]).widget.click()
    assert "typed lever: supervision.coverage = 3 is not allowed" in str(rc.find(v.Alert).widgets[0].children)
    field.v_model = "peer_support.coverage = 0.5"
    rc.find(v.Btn, children=["Apply"]).widget.click()
    assert "set beyond the file: peer_support.coverage = 0.5" in " ".join(
        str(w.children) for w in rc.find(v.Html).widgets)
    assert not rc.find(v.Alert, children=["typed lever"]).widgets or "not allowed" not in _texts(rc)


def test_play_steps_frame_by_frame_until_stopped_or_capped():
    from experiments.dashboard import check_work, play

    p = Parameters().with_overrides(SMALL)
    s = Session(p, p, replicates=2)
    frames = []
    assert play(s, 3, lambda: len(frames) >= 4, lambda: frames.append(s.week), lambda w: "") == ""
    assert frames == [3, 6, 9, 12]
    capped = play(s, 5, lambda: False, lambda: None, lambda w: "cap" if w > 20 else "")
    assert capped == "cap" and s.week == 17  # the frame that would pass the cap (to week 22) is not run
    assert "more than this dashboard" in check_work(300, 4, 2 * MAX_WORK)


def test_go_runs_until_pause():
    _, rc = _render()
    rc.find(v.Btn, children=["Set up"]).widget.click()
    rc.find(v.Btn, children=["Go"]).widget.click()
    week = lambda: int(__import__("re").search(r"Week (\d+)\.", _texts(rc)).group(1))  # noqa: E731
    assert eventually(lambda: week() >= 2)  # weeks pass without a click
    rc.find(v.Btn, children=["Pause"]).widget.click()
    paused = settled(week)  # fails if the weeks go on passing
    assert paused >= 2
    assert eventually(lambda: bool(rc.find(v.Btn, children=["Go"]).widgets))  # Go is offered again


def test_the_network_view_draws_the_ties_in_force():
    from experiments.dashboard import arm_parameters, network_figure

    base, pol = arm_parameters("peer-support", "baseline", 60)
    s = Session(base, pol, replicates=2)
    before = network_figure(s)
    s.step(3)
    after = network_figure(s)
    m = s.models[("policy", 0)]
    ties = m.peer_network().nnz // 2
    assert f"{ties:,} ties" in after.axes[0].get_title()
    assert len(after.axes[0].collections[0].get_segments()) == ties
    assert before.axes[0].get_title() != after.axes[0].get_title()  # the programme's ties join after its start
    assert s.positions.shape == (m.workforce.team.size, 2)


def test_every_chart_names_an_odd_section_that_exists():
    from experiments.dashboard import ODD_SECTIONS, odd_section

    for chart, numbers in ODD_SECTIONS.items():
        for number in numbers:
            heading, text = odd_section(number)
            assert heading.startswith(number + " ") and len(text) > 200, (chart, number)
    heading, text = odd_section("7.4")
    assert heading == "7.4 State updates" and "### 7.5" not in text
    with pytest.raises(KeyError):
        odd_section("99.9")


def test_the_run_downloads_as_parquet_and_a_set_policy_as_a_file_with_its_start(tmp_path):
    import io

    import pandas as pd

    from experiments.dashboard import arm_parameters, scenario_text
    from experiments.dashboard.page import _parquet, _settings

    p = Parameters().with_overrides(SMALL)
    s = Session(p, p, replicates=2)
    s.step(2)
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(_parquet(s))), s.table())
    settings = _settings("reflective-supervision", "baseline", 40, {"wellness.uptake": 0.3}, 26)
    assert settings == {"wellness.uptake": 0.3, "supervision.start_week": 26, "wellness.start_week": 26}
    path = tmp_path / "set.toml"
    path.write_text(scenario_text("reflective-supervision", settings))
    sc = load(path)
    _, pol = arm_parameters("reflective-supervision", "baseline", 40, {"wellness.uptake": 0.3}, 26)
    assert sc.params.with_overrides({"service.n_posts": 40}) == pol


def test_a_chart_opens_its_odd_section_on_request():
    from experiments.dashboard import odd_section

    _, rc = _render()
    rc.find(v.Btn, children=["Set up"]).widget.click()
    heading, text = odd_section("7.6")
    label = f"▸ How this is computed: docs/ODD.md, section {heading}"
    assert "ProQOL-5 measurement" in heading and "raw sums" not in _texts(rc)
    rc.find(v.Btn, children=[label]).widget.click()
    assert text.split("\n")[0][:40] in _texts(rc).replace("<p>", "").replace("</p>", "")
    assert rc.find(v.Btn, children=["▾" + label[1:]]).widgets


def test_choosing_a_context_runs_both_arms_in_it():
    _, rc = _render()
    select = rc.find(v.Select, label="Where (the service as it runs, or a context)").widget
    assert select.items == ["baseline", "high-trauma-caseload", "understaffed"]
    import re

    vacant = lambda: float(re.search(r"vacant posts: ([0-9.]+)%", _texts(rc)).group(1))  # noqa: E731
    rc.find(v.Btn, children=["Set up"]).widget.click()
    as_it_runs = vacant()
    select.v_model = "understaffed"
    rc.find(v.Btn, children=["Set up"]).widget.click()
    assert f"(in: {load('understaffed').title})" in _texts(rc) and "Week 0." in _texts(rc)
    assert vacant() > as_it_runs + 5  # the monitors read the understaffed service's runs

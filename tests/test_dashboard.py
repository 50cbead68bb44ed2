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
    return " ".join(w.template for w in rc.find(v.VuetifyTemplate).widgets if isinstance(w.template, str))


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
    from experiments.dashboard import _figure, _teams_figure
    from experiments.teaching import team_view

    _, rc = _render()
    rc.find(v.Btn, children=["Set up"]).widget.click()
    rc.find(v.Btn, children=["Run 13 weeks"]).widget.click()
    import ipywidgets

    images = rc.find(ipywidgets.Image).widgets
    assert len(images) == 2 and all(len(i.value) > 1000 for i in images)  # both figures are on the page
    base = Parameters().with_overrides(SMALL)
    s = Session(base, load("mentoring").params.with_overrides(SMALL), replicates=2)
    s.step(13)
    titles = [ax.get_title() for ax in _figure(s).axes]
    assert any("ProQOL burnout bands, survey of week 13" in t for t in titles)
    assert any("Caseload per clinician" in t for t in titles) and any("departures" in t for t in titles)
    bars = _teams_figure(s).axes[0].patches
    assert len(bars) == len(team_view(s.models[("policy", 0)]))

"""Each programme's weekly cost equals its cost model computed by hand from the model's arrays and unit prices."""

from __future__ import annotations

import pytest

from model import Parameters, WorkforceModel
from model.programmes.mentoring import mentees
from model.state import VACANT

ALL_ON = {"supervision.sessions_per_month": 2.0, "supervision.coverage": 0.8, "leadership.training": 0.7,
          "leadership.recognition": 0.6, "peer_support.coverage": 0.5, "trauma_informed.level": 0.8,
          "mentoring.coverage": 1.0, "work.admin_burden": 0.25, "staffing.float_fte_per_100_posts": 3.0,
          "wellness.uptake": 0.5, "ei_training.uptake": 0.4, "service.n_posts": 150}
WEEK = 1.0 / 52.0


@pytest.fixture(scope="module")
def first_week():
    m = WorkforceModel(Parameters().with_overrides(ALL_ON), rng=11, burn_in_weeks=10)
    ws = m.workforce
    # mentees are counted on the week's start roster, before tenure grows in phase 5
    start = (ws.status != VACANT).copy(), ws.weeks_in_post.copy()
    m.step()
    return m, start


def test_running_costs_follow_their_cost_models(first_week):
    m, _ = first_week
    p, ws, met = m.p, m.workforce, m.metrics
    c = p.costs
    in_post = ws.status != VACANT
    n = int(in_post.sum())
    expected = {
        "supervision": int((in_post & (ws.u_supervision < p.supervision.coverage)).sum())
        * p.supervision.sessions_per_month * 12.0 / 52.0 * c.supervision_per_session,
        "leadership": m.n_teams * p.leadership.training * c.leadership_training_per_leader_year * WEEK,
        "recognition": n * p.leadership.recognition * c.recognition_per_clinician_year * WEEK,
        "peer_support": int((in_post & (ws.u_peer < p.peer_support.coverage)).sum())
        * c.peer_support_per_participant_week,
        "trauma_informed": n * p.trauma_informed.level * c.trauma_informed_per_clinician_week,
        "admin_support": float(ws.fte[in_post].sum()) * (Parameters().work.admin_burden - p.work.admin_burden)
        * c.admin_support_per_fte_year * WEEK,
        "float": p.staffing.float_fte_per_100_posts * ws.n / 100.0 * c.salary_per_fte_year * (1 + c.float_premium)
        * WEEK,
    }
    for component, value in expected.items():
        assert met[f"new_cost_{component}"] == pytest.approx(value, rel=1e-12), component


def test_mentoring_cost_counts_the_weeks_mentees(first_week):
    m, (present, weeks_in_post) = first_week
    p, ws = m.p, m.workforce
    n = int(mentees(present, weeks_in_post, p.mentoring.early_career_weeks, ws.u_mentor, p.mentoring.coverage).sum())
    assert n > 0
    assert m.metrics["new_cost_mentoring"] == pytest.approx(n * p.costs.mentoring_per_mentee_week, rel=1e-12)


def test_one_off_costs_are_charged_per_participant(first_week):
    m, _ = first_week
    ws, c = m.workforce, m.p.costs
    # week 1 is the first week of both programmes: everyone taking part got the course or the training once
    n_course = int((ws.wellness_dose == 1.0).sum())
    assert n_course > 0
    assert m.metrics["new_cost_wellness"] == pytest.approx(n_course * c.wellness_course, rel=1e-12)
    assert m.metrics["new_cost_ei_training"] == pytest.approx(int(ws.ei_trained.sum())
                                                              * c.ei_training_per_participant, rel=1e-12)


def test_turnover_cost_is_departures_times_replacement_cost(first_week):
    m, _ = first_week
    c, met = m.p.costs, m.metrics
    assert met["new_turnover_cost"] == pytest.approx(met["new_departures"] * c.replacement_share
                                                     * c.salary_per_fte_year, rel=1e-12)
    assert met["new_total_cost"] == pytest.approx(met["new_programme_cost"] + met["new_turnover_cost"])


def test_float_staff_cover_absent_posts(monkeypatch):
    """Float staff cover min(1, float FTE / absent posts) of the absence that stretches caps and adds duty work."""
    from model import kernels

    seen = []
    original = kernels.places

    def spy(caseload, at_work, team, team_posts, cap, vacancy_stretch, uncovered, *onboarding):
        seen.append((int((~at_work).sum()), uncovered))
        return original(caseload, at_work, team, team_posts, cap, vacancy_stretch, uncovered, *onboarding)

    monkeypatch.setattr(kernels, "places", spy)
    m = WorkforceModel(Parameters().with_overrides({"service.n_posts": 150, "service.initial_vacancy_rate": 0.2,
                                                    "staffing.float_fte_per_100_posts": 4.0}), rng=2, burn_in_weeks=3)
    seen.clear()
    m.step()
    n_absent, uncovered = seen[-1]
    assert n_absent > 6
    assert uncovered == pytest.approx(1.0 - min(1.0, 4.0 * 150 / 100.0 / n_absent))

"""The Mesa model: invariants, reproducibility, agents as views, Mesa tools."""

from __future__ import annotations

import mesa
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import OUTCOMES, Clinician, Parameters, WorkforceModel, simulate
from model.state import LATENT_STATES, VACANT

from .conftest import small


def _draw_value(spec):
    lo, hi = spec.range
    if spec.name == "service.n_posts":
        return st.integers(20, 150)
    if spec.type is int:
        return st.integers(int(lo), int(hi))
    return st.floats(lo, hi, allow_nan=False)


PARAMETER_DRAWS = st.fixed_dictionaries({s.name: _draw_value(s) for s in Parameters.specs()})


def check_week(m: WorkforceModel, prev: dict | None) -> dict:
    """Assert the invariants of one week; return the stocks needed for next week's flow checks."""
    ws = m.workforce
    present = ws.status != VACANT
    assert set(np.unique(ws.status)) <= {0, 1, 2}
    assert np.isfinite(ws.latent[:, present]).all()
    assert (ws.latent[:, present] >= 0).all() and (ws.latent[:, present] <= 1).all()
    assert (ws.caseload >= 0).all() and ws.caseload[:, ~present].sum() == 0
    assert (m.waitlist >= 0).all()
    for name in ("exposure", "demand", "resource", "strain", "mastery", "vicarious_resilience"):
        assert np.isfinite(getattr(ws, name)).all(), name
    met = m.metrics
    for o in OUTCOMES:
        if o.kind != "survey" and met["n_in_post"] > 0:
            assert np.isfinite(met[o.name]), o.name
    # headcount: posts are conserved and agents mirror the occupied posts
    assert met["n_in_post"] + met["n_vacant"] == ws.n
    slots = sorted(a.slot for a in m.agents)
    assert slots == list(np.flatnonzero(present))
    clients = met["n_open_cases"] + met["n_waitlist"]
    if prev is not None:
        assert met["n_in_post"] == prev["n_in_post"] - met["new_departures"] + met["new_hires"]
        # clients are conserved: in = referrals, out = recoveries, drop-outs and waiting-list give-ups
        assert clients == (prev["clients"] + met["new_referrals"] - met["new_recoveries"] - met["new_dropouts"]
                           - met["new_waitlist_dropouts"])
    return {"n_in_post": met["n_in_post"], "clients": clients}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=PARAMETER_DRAWS, seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_every_week_under_random_parameters(values, seed):
    m = WorkforceModel(Parameters().with_overrides(values), rng=seed, burn_in_weeks=0)
    state = check_week(m, None)
    for _ in range(40):
        m.step()
        state = check_week(m, state)


def test_invariants_in_a_stressed_service():
    p = small(60, **{"service.initial_vacancy_rate": 0.5, "hiring.mean_delay_weeks": 30.0,
                     "clients.referrals_per_post_week": 2.5, "burnout.rate_gain": 0.03})
    m = WorkforceModel(p, rng=5, burn_in_weeks=0)
    state = check_week(m, None)
    for _ in range(150):
        m.step()
        state = check_week(m, state)
    assert m.metrics["n_waitlist"] > 0  # the stress test really overflowed


def test_same_seed_identical_different_seed_differs():
    a = simulate(small(), seed=11, weeks=30, burn_in_weeks=10)
    b = simulate(small(), seed=11, weeks=30, burn_in_weeks=10)
    c = simulate(small(), seed=12, weeks=30, burn_in_weeks=10)
    assert a.weekly.equals(b.weekly)
    assert not a.weekly.equals(c.weekly)


def test_seed_sequence_and_int_seed():
    m = WorkforceModel(small(), rng=np.random.SeedSequence(99), burn_in_weeks=0)
    assert m.seed == 99
    fresh = WorkforceModel(small(), burn_in_weeks=0)  # a fresh seed is drawn and kept
    again = WorkforceModel(small(), rng=fresh.seed, burn_in_weeks=0)
    assert fresh.metrics == pytest.approx(again.metrics, nan_ok=True)


@pytest.mark.parametrize("bad", [-1, 1.5, "x", True])
def test_bad_seed_rejected(bad):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        WorkforceModel(small(), rng=bad)


def test_bad_run_arguments_rejected():
    with pytest.raises(ValueError, match="burn_in_weeks"):
        WorkforceModel(small(), rng=1, burn_in_weeks=-3)
    with pytest.raises(ValueError, match="weeks must be a positive integer"):
        simulate(small(), seed=1, weeks=0)
    with pytest.raises(ValueError, match="eval_start_week"):
        simulate(small(), seed=1, weeks=5, eval_start_week=5)


def test_common_random_numbers_keep_other_streams_aligned():
    # a lever that changes only the supervision resource must not shift the weekly noise stream: with all
    # feedback removed, the noise draws of the two arms are the same numbers
    p0 = small(50)
    p1 = p0.with_overrides({"supervision.sessions_per_month": 4.0})
    m0, m1 = WorkforceModel(p0, rng=3, burn_in_weeks=0), WorkforceModel(p1, rng=3, burn_in_weeks=0)
    assert np.array_equal(m0.streams["noise"].random(5), m1.streams["noise"].random(5))
    assert np.array_equal(m0.workforce.ei, m1.workforce.ei)  # same clinicians drawn at the start


def test_agents_are_views_of_the_arrays():
    m = WorkforceModel(small(), rng=2, burn_in_weeks=5)
    agent = next(iter(m.agents))
    assert isinstance(agent, Clinician)
    ws = m.workforce
    assert agent.burnout == ws.bo[agent.slot]
    assert agent.caseload == ws.caseload[:, agent.slot].sum()
    agent.burnout = 0.77
    assert ws.bo[agent.slot] == 0.77  # writes go to the array
    assert agent.in_post and agent.team == ws.team[agent.slot]
    mean_bo = m.agents.agg("burnout", np.mean)
    present = ws.status != VACANT
    assert mean_bo == pytest.approx(ws.bo[present].mean())


def test_departures_remove_agents_and_hires_add_them():
    p = small(80, **{"turnover.p_other_week": 0.05, "hiring.mean_delay_weeks": 2.0})
    m = WorkforceModel(p, rng=4, burn_in_weeks=0)
    first_ids = {a.unique_id for a in m.agents}
    for _ in range(30):
        m.step()
    ids = {a.unique_id for a in m.agents}
    assert first_ids - ids, "some clinicians left"
    assert ids - first_ids, "some clinicians were hired"
    new = [a for a in m.agents if a.unique_id not in first_ids]
    assert all(a.weeks_in_post <= 30 for a in new)
    assert int((m.workforce.status != VACANT).sum()) == len(m.agents)


def test_absence_notice_and_due_posts_follow_the_rules_of_the_arrays():
    """The compiled pass of phase 6 gives what the array rules give: leave starts for those at work, returns for
    those on leave, notices for those in post without one, the count-down, and as leavers the slots whose notice
    has run out; the posts due for a hire are the vacant ones whose hiring week has come."""
    from model import kernels
    from model.state import ACTIVE, NO_NOTICE, ON_LEAVE

    r = np.random.default_rng(8)
    n = 301
    status = r.choice(np.array([VACANT, ACTIVE, ON_LEAVE], np.int8), n)
    notice = np.where(r.random(n) < 0.3, r.integers(0, 4, n), NO_NOTICE).astype(np.int16)
    notice[status == VACANT] = NO_NOTICE
    u_leave, u_quit, p_start, p_notice = r.random((2, n)), r.random(n), r.random(n) * 0.3, r.random(n) * 0.3
    starts = (status == ACTIVE) & (u_leave[0] < p_start)
    ends = (status == ON_LEAVE) & (u_leave[1] < 0.4)
    gives = (status != VACANT) & (notice == NO_NOTICE) & (u_quit < p_notice)
    after = np.where(gives, 5, notice)
    serving = (status != VACANT) & (after != NO_NOTICE)
    want_status = np.where(starts, ON_LEAVE, np.where(ends, ACTIVE, status))
    want_notice = np.where(serving & (after > 0), after - 1, after)
    got_status, got_notice = status.copy(), notice.copy()
    n_starts, n_notices, leaving = kernels.absence_and_notice(got_status, got_notice, u_leave, p_start, 0.4, u_quit,
                                                             p_notice, 5)
    assert (n_starts, n_notices) == (starts.sum(), gives.sum()) and n_starts and n_notices
    np.testing.assert_array_equal(got_status, want_status)
    np.testing.assert_array_equal(got_notice, want_notice)
    assert leaving.dtype == np.int64 and leaving.size
    np.testing.assert_array_equal(leaving, np.flatnonzero(serving & (after <= 0)))

    hire_week = r.integers(0, 10, n).astype(np.int32)
    due = kernels.due_posts(status, hire_week, 4)
    assert due.dtype == np.int64 and due.size
    np.testing.assert_array_equal(due, np.flatnonzero((status == VACANT) & (hire_week <= 4)))
    assert kernels.due_posts(np.full(3, ACTIVE, np.int8), np.zeros(3, np.int32), 4).size == 0



def test_departures_and_hires_set_posts_waiting_lists_and_roster():
    """Vacating posts gives their clients back to the waiting list of their own team type, ends notices and sets
    each post's hiring delay; hiring into them gives the roster, for those posts, the numbers of a full refresh."""
    import copy

    from model import Service, TeamType
    from model.state import NO_NOTICE

    types = (TeamType("crisis", 20, 6, 8, rel_cap=0.5, rel_specialist=2.0), TeamType("community", 40, 6, 12))
    m = WorkforceModel(small(60, **{"service.prop_part_time": 0.5}), rng=5, burn_in_weeks=6,
                       service=Service(team_types=types))
    ws, hiring = m.workforce, m.p.hiring
    slots = np.sort(np.random.default_rng(0).choice(np.flatnonzero(ws.status != VACANT), 8, replace=False))
    assert set(m.post_type[slots]) == {0, 1} and ws.caseload[:, slots].sum() > 0
    expected = m.waitlist.copy()
    np.add.at(expected, m.post_type[slots], ws.caseload[:, slots].T)
    twin = copy.deepcopy(m.streams["hiring"])
    delays = np.maximum(1, twin.poisson(hiring.mean_delay_weeks * hiring.rel_delay, slots.size))
    n_agents, others = len(m.agents), np.setdiff1d(np.arange(ws.n), slots)
    caseload_others = ws.caseload[:, others].copy()
    m._vacate(slots)
    np.testing.assert_array_equal(m.waitlist, expected)
    assert (ws.caseload[:, slots] == 0).all() and (ws.status[slots] == VACANT).all()
    assert (ws.notice_left[slots] == NO_NOTICE).all()
    np.testing.assert_array_equal(ws.hire_week[slots], m.week + delays)
    np.testing.assert_array_equal(ws.caseload[:, others], caseload_others)
    assert len(m.agents) == n_agents - slots.size
    m._hire(slots, m._new_week())
    assert len(m.agents) == n_agents and {a.slot for a in m.agents} == set(np.flatnonzero(ws.status != VACANT))
    assert len(set(ws.fte[slots])) == 2  # part-time and full-time hires
    hired = {f: getattr(m.roster, f).copy() for f in ("supervision", "persuasion", "cap", "inv_sustainable")}
    m.refresh_roster()
    for f, x in hired.items():
        np.testing.assert_array_equal(x, getattr(m.roster, f), err_msg=f)

def test_datacollector_has_every_outcome_each_week():
    m = WorkforceModel(small(), rng=1, burn_in_weeks=0)
    for _ in range(14):
        m.step()
    df = m.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == [o.name for o in OUTCOMES]
    assert len(df) == 15  # week 0 plus 14 steps
    surveys = df["proqol_bo_raw"].notna()
    assert list(np.flatnonzero(surveys)) == [0, 13]


def test_agent_reporters_still_work():
    m = WorkforceModel(small(30), rng=1, burn_in_weeks=0)
    m.datacollector = mesa.DataCollector(model_reporters={"bo": lambda mm: mm.metrics["mean_bo"]},
                                         agent_reporters={"burnout": "burnout"})
    m.step()
    m.datacollector.collect(m)
    agents = m.datacollector.get_agent_vars_dataframe()
    assert len(agents) == len(m.agents)


def test_batch_run_with_dotted_parameters():
    results = mesa.batch_run(
        WorkforceModel,
        parameters={"service.n_posts": 40, "supervision.sessions_per_month": [0.0, 4.0],
                    "leadership.leader_support": [0.3, 0.7], "burn_in_weeks": 0, "rng": 7},
        iterations=1, max_steps=8, number_processes=1, data_collection_period=-1, display_progress=False,
    )
    assert len(results) == 4
    combos = {(r["supervision.sessions_per_month"], r["leadership.leader_support"]) for r in results}
    assert combos == {(0.0, 0.3), (0.0, 0.7), (4.0, 0.3), (4.0, 0.7)}
    assert all(np.isfinite(r["mean_bo"]) for r in results)


def test_dotted_override_via_constructor_is_validated():
    with pytest.raises(ValueError, match="supervision.sessions_per_month = 99"):
        WorkforceModel(**{"supervision.sessions_per_month": 99})


def test_peer_network_whole_matrix():
    m = WorkforceModel(small(60), rng=1, burn_in_weeks=0)
    adj = m.peer_network()
    team = m.workforce.team
    rows, cols = adj.nonzero()
    same = team[rows] == team[cols]
    assert same.sum() == sum(s * (s - 1) for s in m.team_posts)  # all team ties present
    assert (~same).sum() == m.cross_ties.nnz  # no programme running: cross-team ties only


def test_memory_is_arrays_not_objects():
    from dataclasses import fields

    from model import burn_in

    with burn_in.keeping():  # the second model resumes the first one's burn-in: its arrays come from a pickle
        models = [WorkforceModel(small(500), rng=1, burn_in_weeks=1) for _ in range(2)]
    assert burn_in.SHARED.hits >= 1
    for m in models:
        ws = m.workforce
        assert ws.nbytes() == sum(getattr(ws, f.name).nbytes for f in fields(ws)) - ws.latent.nbytes
        assert ws.nbytes() / ws.n < 600  # bytes of state arrays per post (the benchmark measures the whole model)


def test_latent_rows_are_views():
    m = WorkforceModel(small(20), rng=1, burn_in_weeks=0)
    for k, name in enumerate(LATENT_STATES):
        assert np.shares_memory(getattr(m.workforce, name), m.workforce.latent[k])


def test_new_hires_start_with_lower_self_efficacy():
    p = small(150, **{"turnover.p_other_week": 0.03, "hiring.mean_delay_weeks": 1.0})
    # established staff from the initial_staff distributions (a warm start would bring the pilot's short tenures)
    m = WorkforceModel(p, rng=8, burn_in_weeks=0, warm_start=False)
    for _ in range(8):
        m.step()
    ws = m.workforce
    present = ws.status != VACANT
    new = present & (ws.weeks_in_post <= 6)
    old = present & (ws.weeks_in_post > 52)
    assert new.sum() >= 8 and old.sum() > 50
    assert ws.se[new].mean() < ws.se[old].mean() - 0.08


def test_recording_a_subset_gives_the_same_figures():
    full = simulate(small(), seed=3, weeks=30, burn_in_weeks=8)
    sub = simulate(small(), seed=3, weeks=30, burn_in_weeks=8, record=["mean_bo", "proqol_sts_raw"])
    assert set(sub.weekly.columns) == {"week", "mean_bo", "proqol_sts_raw", "n_in_post", "new_departures",
                                       "new_hires", "new_recoveries", "new_dropouts"}
    for key, value in sub.summary.items():
        assert value == pytest.approx(full.summary[key], nan_ok=True), key
    assert "p10_bo_mean" not in sub.summary and "annual_turnover" in sub.summary
    with pytest.raises(KeyError, match="unknown outcome 'mean_boo'"):
        simulate(small(), seed=3, weeks=2, burn_in_weeks=0, record=["mean_boo"])

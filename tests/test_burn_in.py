"""Shared burn-ins (model.burn_in): a run that starts from another run's burn-in is the run that simulated its own."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from experiments.experiment import resolve_arms
from model import Parameters, Service, TeamType, WorkforceModel, burn_in, simulate
from model.agents import next_agent_id
from model.programmes import SETUP_READS
from model.state import LATENT_STATES
from scenarios import library_names, load

POSTS, BURN_IN, WEEKS = 60, 30, 60
CONTEXTS = ["baseline", "understaffed", "high-trauma-caseload"]


@pytest.fixture(autouse=True)
def empty_cache():
    burn_in.SHARED.clear()
    yield
    burn_in.SHARED.clear()


def _own(params, seed, **kw):
    with burn_in.unshared():
        return simulate(params, seed=seed, weeks=WEEKS, burn_in_weeks=BURN_IN, **kw)


def _streams(m: WorkforceModel) -> dict:
    return {name: g.bit_generator.state for name, g in m.streams.items()}


def test_every_policy_in_every_context_runs_the_same_from_the_references_burn_in():
    policies = [n for n in library_names() if load(n).kind == "policy" and n != "baseline"]
    layout, arms = resolve_arms(policies, clinicians=POSTS, contexts=CONTEXTS)
    for context in CONTEXTS:
        burn_in.SHARED.clear()
        ref = arms[layout.reference_arm(context)]
        simulate(ref.params, seed=7, weeks=1, burn_in_weeks=BURN_IN)
        assert len(burn_in.SHARED) == 0  # a burn-in simulated once is not kept
        simulate(ref.params, seed=7, weeks=1, burn_in_weeks=BURN_IN)  # the second time it is
        assert len(burn_in.SHARED) == 1
        hits = burn_in.SHARED.hits
        for name in layout.policy_arms(context):
            shared = simulate(arms[name].params, seed=7, weeks=WEEKS, burn_in_weeks=BURN_IN)
            own = _own(arms[name].params, 7)
            pd.testing.assert_frame_equal(shared.weekly, own.weekly, obj=f"{name} in {context}")
        # most policies resumed the reference's burn-in (those whose programme setup differs simulated their own)
        assert burn_in.SHARED.hits - hits >= len(layout.policy_arms(context)) - 3


def test_a_resumed_run_ends_in_the_same_state_with_the_same_agents():
    p = Parameters().with_overrides({"service.n_posts": POSTS})
    policy = p.with_overrides({"supervision.coverage": 0.9, "wellness.uptake": 0.5, "wellness.start_week": 8,
                               "supervision.start_week": 8})
    for _ in range(2):
        WorkforceModel(p, rng=3, burn_in_weeks=BURN_IN)
    resumed = WorkforceModel(policy, rng=3, burn_in_weeks=BURN_IN)
    assert burn_in.SHARED.hits == 1
    with burn_in.unshared():
        own = WorkforceModel(policy, rng=3, burn_in_weeks=BURN_IN)
    assert resumed.params == own.params and resumed._switch_weeks == own._switch_weeks
    assert resumed.p == own.p == policy.at_week(resumed.week)  # in force: this run's, start weeks included
    assert next_agent_id(resumed) == next_agent_id(own)
    for _ in range(40):
        resumed.step()
        own.step()
    assert _streams(resumed) == _streams(own)
    for name in ("latent", "caseload", "status", "hire_week", "weeks_in_post", "u_supervision"):
        np.testing.assert_array_equal(getattr(resumed.workforce, name), getattr(own.workforce, name))
    assert sorted(a.unique_id for a in resumed.agents) == sorted(a.unique_id for a in own.agents)
    assert all(a.model is resumed for a in resumed.agents)
    assert all(prog.model is resumed for prog in resumed.programmes)
    (agent,) = [a for a in resumed.agents if a.slot == 5]
    assert resumed.workforce.bo[5] == agent.burnout


def test_a_resumed_run_does_not_change_the_kept_burn_in():
    p = Parameters().with_overrides({"service.n_posts": POSTS})
    first = simulate(p, seed=4, weeks=WEEKS, burn_in_weeks=BURN_IN)
    kept = simulate(p, seed=4, weeks=WEEKS, burn_in_weeks=BURN_IN)  # its burn-in kept
    resumed = simulate(p, seed=4, weeks=WEEKS, burn_in_weeks=BURN_IN)
    again = simulate(p, seed=4, weeks=WEEKS, burn_in_weeks=BURN_IN)  # resumed after a resumed run's 60 weeks
    assert burn_in.SHARED.hits == 2
    for run in (kept, resumed, again):
        pd.testing.assert_frame_equal(first.weekly, run.weekly)


def test_team_types_and_a_cold_start_share_their_burn_in_too():
    types = (TeamType("community", 36, 6, 10, rel_referrals=1.2), TeamType("crisis", 24, 5, 8, rel_cap=0.8))
    p = Parameters().with_overrides({"service.n_posts": POSTS})
    policy = p.with_overrides({"peer_support.coverage": 0.0, "leadership.training": 0.5})
    for warm in (True, False):
        for _ in range(2):
            simulate(p, seed=2, weeks=1, burn_in_weeks=BURN_IN, service=Service(team_types=types), warm_start=warm)
        hits = burn_in.SHARED.hits
        shared = simulate(policy, seed=2, weeks=WEEKS, burn_in_weeks=BURN_IN, service=Service(team_types=types),
                          warm_start=warm)
        assert burn_in.SHARED.hits == hits + 1
        own = _own(policy, 2, service=Service(team_types=types), warm_start=warm)
        pd.testing.assert_frame_equal(shared.weekly, own.weekly)


@pytest.mark.parametrize("change", [
    {"seed": 9}, {"burn_in_weeks": BURN_IN + 1}, {"warm_start": False},
    {"service": Service(team_types=(TeamType("a", 30, 5, 8), TeamType("b", 30, 5, 8)))},
    {"params": {"referrals_per_post_week": None, "clients.referrals_per_post_week": 1.3}},  # an uncertainty
    {"params": {"peers.cross_team_ties": 3}},  # a structural lever, built before the burn-in
    {"params": {"peer_support.coverage": 0.4}},  # read by a programme's setup (setup_reads)
])
def test_what_the_burn_in_depends_on_separates_runs(change):
    p = Parameters().with_overrides({"service.n_posts": POSTS})
    base = dict(params=p, seed=1, burn_in_weeks=BURN_IN, warm_start=True, service=Service())
    setup = SETUP_READS
    other = dict(base)
    for k, v in change.items():
        if k == "params":
            v = p.with_overrides({name: x for name, x in v.items() if x is not None})
        other[k] = v
    assert burn_in.key(setup_reads=setup, **base) != burn_in.key(setup_reads=setup, **other)


def test_a_subclass_does_not_resume_its_parents_burn_in():
    class Other(WorkforceModel):
        pass

    p = Parameters().with_overrides({"service.n_posts": 20})
    for _ in range(2):
        WorkforceModel(p, rng=1, burn_in_weeks=2, warm_start=False)
    Other(p, rng=1, burn_in_weeks=2, warm_start=False)
    assert burn_in.SHARED.hits == 0


def test_levers_that_start_after_the_burn_in_share_it():
    p = Parameters().with_overrides({"service.n_posts": POSTS})
    setup = SETUP_READS
    policy = p.with_overrides({"supervision.coverage": 0.9, "wellness.uptake": 0.6, "wellness.start_week": 20,
                               "leadership.training": 0.5})
    assert (burn_in.key(p, 1, BURN_IN, True, Service(), setup)
            == burn_in.key(policy, 1, BURN_IN, True, Service(), setup))


def test_peer_support_declares_what_its_setup_reads():
    # the programme's ties are drawn at construction among the members at the run's coverage
    assert "peer_support.coverage" in SETUP_READS


def test_the_cache_is_bounded_and_skips_big_services(monkeypatch):
    monkeypatch.setattr(burn_in, "MAX_POSTS", POSTS - 1)
    for _ in range(3):
        WorkforceModel(Parameters().with_overrides({"service.n_posts": POSTS}), rng=1, burn_in_weeks=2,
                       warm_start=False)
    assert len(burn_in.SHARED) == 0
    monkeypatch.setattr(burn_in, "MAX_POSTS", 5_000)
    kept = burn_in.BurnIns(max_entries=2)
    monkeypatch.setattr(burn_in, "SHARED", kept)
    for seed in [0, 0, 1, 1, 2, 2, 3, 3]:
        WorkforceModel(Parameters().with_overrides({"service.n_posts": 20}), rng=seed, burn_in_weeks=2,
                       warm_start=False)
    assert len(kept) == 2


def test_a_burn_in_simulated_once_is_not_kept():
    p = Parameters().with_overrides({"service.n_posts": 20})
    for seed in range(3):
        WorkforceModel(p, rng=seed, burn_in_weeks=2, warm_start=False)
    assert len(burn_in.SHARED) == 0
    WorkforceModel(p, rng=1, burn_in_weeks=2, warm_start=False)
    assert len(burn_in.SHARED) == 1 and burn_in.SHARED.hits == 0


def test_the_kept_posts_are_bounded(monkeypatch):
    monkeypatch.setattr(burn_in, "MAX_KEPT_POSTS", 50)
    for seed in [0, 0, 1, 1, 2, 2]:
        WorkforceModel(Parameters().with_overrides({"service.n_posts": 20}), rng=seed, burn_in_weeks=2,
                       warm_start=False)
    assert len(burn_in.SHARED) == 2 and burn_in.SHARED.kept_posts() == 40


def test_the_warm_start_pilot_is_not_kept_as_a_burn_in():
    from model.workforce import clear_settled_pools

    clear_settled_pools()
    for _ in range(2):
        WorkforceModel(Parameters().with_overrides({"service.n_posts": 20, "clients.referrals_per_post_week": 1.1}),
                       rng=1, burn_in_weeks=2)
        clear_settled_pools()  # the pilot simulated again
    assert len(burn_in.SHARED) == 1  # the run's own, not the pilot's
    assert burn_in.SHARED.kept_posts() == 20


def test_unshared_neither_reads_nor_keeps():
    p = Parameters().with_overrides({"service.n_posts": 20})
    with burn_in.unshared():
        for _ in range(3):
            WorkforceModel(p, rng=1, burn_in_weeks=2, warm_start=False)
    assert len(burn_in.SHARED) == 0 and burn_in.SHARED.hits == 0
    assert burn_in.SHARED.enabled and burn_in.SHARED.active


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_a_workforce_copy_keeps_its_latent_states_views_of_the_block(how):
    import pickle

    m = WorkforceModel(Parameters().with_overrides({"service.n_posts": 20}), rng=1, burn_in_weeks=0,
                       warm_start=False)
    ws = copy.deepcopy(m.workforce) if how == "deepcopy" else pickle.loads(pickle.dumps(m.workforce))
    assert (ws.latent == m.workforce.latent).all() and (ws.status == m.workforce.status).all()
    ws.latent[:] = 0.25
    for name in LATENT_STATES:
        assert (getattr(ws, name) == 0.25).all(), name
    assert not (m.workforce.latent == 0.25).all()


def test_a_state_that_cannot_be_pickled_is_not_kept_and_says_so(monkeypatch):
    init = WorkforceModel._init_service

    def with_a_lambda(self, warm_start):
        init(self, warm_start)
        self.weight = lambda x: x  # a local function: cannot be pickled

    monkeypatch.setattr(WorkforceModel, "_init_service", with_a_lambda)
    p = Parameters().with_overrides({"service.n_posts": 20})
    with burn_in.keeping(), pytest.warns(RuntimeWarning, match="cannot be pickled .* every run simulates its own"):
        a = WorkforceModel(p, rng=1, burn_in_weeks=3, warm_start=False)
    with burn_in.keeping(), pytest.warns(RuntimeWarning):
        b = WorkforceModel(p, rng=1, burn_in_weeks=3, warm_start=False)
    assert len(burn_in.SHARED) == 0 and burn_in.SHARED.hits == 0
    assert (a.workforce.latent == b.workforce.latent).all()


def test_a_kept_burn_in_is_frozen_and_thawed_into_each_model_that_resumes_it():
    p = Parameters().with_overrides({"service.n_posts": 20})
    with burn_in.keeping():
        first = WorkforceModel(p, rng=1, burn_in_weeks=3, warm_start=False)
        frozen, _ = burn_in.SHARED.get(next(iter(burn_in.SHARED._entries)))
        first.workforce.latent[:] = 0.5  # a run changes its own state, never the kept one
        hits = burn_in.SHARED.hits
        a, b = (WorkforceModel(p, rng=1, burn_in_weeks=3, warm_start=False) for _ in range(2))
    assert isinstance(frozen, bytes) and burn_in.SHARED.hits == hits + 2
    assert a.workforce is not b.workforce and not (a.workforce.latent == 0.5).all()
    for m in (a, b):  # the state's references to the kept model are the resuming model
        assert all(agent.model is m for agent in m.agents)
        assert all(prog.model is m for prog in m.programmes)
    a.step()  # Mesa's step of each model is its own
    assert (a.steps, b.steps) == (1, 0) and a.week == b.week + 1


def test_a_staff_snapshot_shares_its_burn_in_and_is_imposed_on_each_run(tmp_path):
    from scenarios.staff import read_staff

    rows = [f"{i},{'North' if i <= 12 else 'South'},clinician,{1.0 if i % 3 else 0.6},{10 * i},{i % 7},3,{i % 4},"
            for i in range(1, 25) if i % 9] + [f"{i},{'North' if i <= 12 else 'South'},,1.0,,0,0,0,true"
                                               for i in (9, 18)]
    path = tmp_path / "staff.csv"
    path.write_text("post,team,role,fte,tenure_weeks,caseload_low,caseload_moderate,caseload_high,vacant\n"
                    + "\n".join(rows) + "\n")
    p = Parameters().with_overrides({"service.n_posts": 24})
    staff = read_staff(path, p)
    policy = p.with_overrides({"supervision.coverage": 0.8})
    for _ in range(2):
        simulate(p, seed=5, weeks=1, burn_in_weeks=BURN_IN, service=Service(staff=staff))
    shared = simulate(policy, seed=5, weeks=WEEKS, burn_in_weeks=BURN_IN, service=Service(staff=staff))
    assert burn_in.SHARED.hits == 1
    own = _own(policy, 5, service=Service(staff=staff))
    pd.testing.assert_frame_equal(shared.weekly, own.weekly)
    assert shared.weekly["n_in_post"].iloc[0] == int(staff.occupied.sum()) == 22  # the snapshot, imposed at week 0


def test_the_odd_states_the_bounds_of_the_kept_burn_ins():
    from pathlib import Path

    text = " ".join((Path(__file__).resolve().parents[1] / "docs" / "ODD.md").read_text().split())
    assert (f"at most {burn_in.MAX_ENTRIES} services of at most {burn_in.MAX_POSTS:,} posts and "
            f"{burn_in.MAX_KEPT_POSTS:,} posts in all") in text
    setup = sorted(SETUP_READS)
    assert " and ".join(f"`{f}`" for f in setup) in text  # the run parameters programme setups read


def test_unshared_holds_for_its_own_thread_only_and_nests():
    import threading

    inside, release = threading.Event(), threading.Event()
    seen = {}

    def other():
        with burn_in.unshared():
            inside.set()
            release.wait(10)
            seen["other, inside"] = burn_in.SHARED.active

    t = threading.Thread(target=other)
    t.start()
    inside.wait(10)
    seen["main, while the other is inside"] = burn_in.SHARED.active
    with burn_in.unshared():
        with burn_in.unshared():
            seen["main, nested"] = burn_in.SHARED.active
        seen["main, outer"] = burn_in.SHARED.active
    release.set()
    t.join(10)
    seen["main, after"] = burn_in.SHARED.active
    assert seen == {"main, while the other is inside": True, "main, nested": False, "main, outer": False,
                    "other, inside": False, "main, after": True}


def test_inside_keeping_a_burn_in_is_kept_the_first_time_it_is_simulated():
    p = Parameters().with_overrides({"service.n_posts": 20})
    with burn_in.keeping():
        with burn_in.keeping():
            WorkforceModel(p, rng=1, burn_in_weeks=2, warm_start=False)
        assert len(burn_in.SHARED) == 1
        WorkforceModel(p, rng=2, burn_in_weeks=2, warm_start=False)
        assert len(burn_in.SHARED) == 2
    WorkforceModel(p, rng=3, burn_in_weeks=2, warm_start=False)  # outside: kept the second time only
    assert len(burn_in.SHARED) == 2
    with burn_in.keeping(), burn_in.unshared():  # unshared wins
        WorkforceModel(p, rng=4, burn_in_weeks=2, warm_start=False)
    assert len(burn_in.SHARED) == 2


def test_keeping_holds_for_its_own_thread_only():
    import threading

    p = Parameters().with_overrides({"service.n_posts": 20})
    inside, release = threading.Event(), threading.Event()

    def other():
        with burn_in.keeping():
            inside.set()
            release.wait(10)

    t = threading.Thread(target=other)
    t.start()
    inside.wait(10)
    WorkforceModel(p, rng=1, burn_in_weeks=2, warm_start=False)
    release.set()
    t.join(10)
    assert len(burn_in.SHARED) == 0

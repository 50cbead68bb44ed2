"""Submodels against hand-computed values and exact properties."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy import stats

from model import Parameters
from model import processes as pr
from model.jit import struct


def rng(seed=0):
    return np.random.default_rng(seed)


def alloc(g, free, waiting, new, routes=()):
    """``pr.allocate`` with uniforms drawn from ``g`` and routes given as ``(pool, n)`` pairs."""
    free, waiting, new = (np.asarray(x, dtype=np.int64) for x in (free, waiting, new))
    pools = np.array([pool for pool, _ in routes], bool).reshape(len(routes), free.size)
    counts = np.array([n for _, n in routes], np.int64)
    return pr.allocate(g.random(3 * int(waiting.sum() + new.sum())), free, waiting, new, pools, counts)


def grp(name, **values):
    """The parameter group ``name`` with some values set, as the record the compiled submodels read."""
    return struct(getattr(Parameters().with_overrides({f"{name}.{k}": v for k, v in values.items()}), name))[0]


# ---- 1. clients -------------------------------------------------------------------------------------------


def test_referral_means_follow_the_mix():
    draws = np.array([pr.referrals(rng(s), 100.0, 0.3, 0.2) for s in range(400)])
    np.testing.assert_allclose(draws.mean(axis=0), [50, 30, 20], rtol=0.05)


def test_capacity():
    free = pr.capacity(np.array([10, 30, 5, 0]), np.array([30.0, 30.0, 18.9, 30.0]),
                       np.array([True, True, True, False]))
    np.testing.assert_array_equal(free, [20, 0, 13, 0])


def test_allocation_conserves_clients_and_respects_free_places():
    free = np.array([3, 0, 5, 2, 0, 1])
    assigned, unplaced = alloc(rng(), free, np.array([1, 0, 1]), np.array([2, 3, 1]))
    assert assigned.shape == (3, 6)
    assert assigned.sum() == 8 and unplaced.sum() == 0
    np.testing.assert_array_equal(assigned.sum(axis=1), [3, 3, 2])
    assert np.all(assigned.sum(axis=0) <= free)
    assert assigned[:, [1, 4]].sum() == 0


def test_allocation_overflow_waiting_clients_first():
    free = np.array([2, 1])
    assigned, unplaced = alloc(rng(), free, np.array([0, 2, 0]), np.array([5, 0, 0]))
    # three places: both waiting (moderate) clients are placed, then one of the five new ones
    np.testing.assert_array_equal(assigned.sum(axis=1), [1, 2, 0])
    np.testing.assert_array_equal(unplaced, [4, 0, 0])
    np.testing.assert_array_equal(assigned.sum(axis=0), free)


def test_allocation_is_uniform_over_places():
    # a clinician with 3 free places gets on average 3x the clients of one with 1 free place
    free = np.array([3, 1, 0])
    got = sum(alloc(rng(s), free, np.zeros(3, int), np.array([1, 0, 0]))[0].sum(axis=0) for s in range(4000))
    assert got[2] == 0
    assert got[0] / got[1] == pytest.approx(3.0, rel=0.1)


def test_allocation_counts_are_hypergeometric():
    # 5 clients into 10 places, 3 of them one clinician's: Hypergeometric(N=10, K=3, n=5),
    # mean 1.5 and variance 5 (3/10)(7/10)(5/9) = 0.5833
    free = np.array([3, 2, 4, 1])
    got = np.array([alloc(rng(s), free, np.zeros(3, int), np.array([2, 2, 1]))[0].sum(axis=0)[0]
                    for s in range(6000)])
    assert got.mean() == pytest.approx(1.5, abs=0.03)
    assert got.var() == pytest.approx(5 * 0.3 * 0.7 * 5 / 9, rel=0.06)
    counts = np.bincount(got, minlength=4)
    expected = stats.hypergeom.pmf(np.arange(4), 10, 3, 5) * got.size
    assert ((counts - expected) ** 2 / expected).sum() < 16.3  # chi-square(3) 0.999 quantile


def test_overflow_places_a_random_subset_of_each_group():
    # 4 places, 10 new clients 6/3/1 by level: the placed levels are Hypergeometric(10; 6, 3, 1; 4)
    placed = np.array([alloc(rng(s), np.array([2, 2]), np.zeros(3, int), np.array([6, 3, 1]))[0].sum(axis=1)
                       for s in range(4000)])
    np.testing.assert_allclose(placed.mean(axis=0), [2.4, 1.2, 0.4], atol=0.05)


def test_fenwick_place_search_matches_the_cumulative_sum():
    g = rng(7)
    counts = g.integers(0, 4, 37)
    for _ in range(30):
        total = int(counts.sum())
        if total == 0:
            break
        target = int(g.integers(total))
        expected = int(np.searchsorted(np.cumsum(counts), target, side="right"))
        tree = pr._fenwick(counts.copy())
        work = counts.copy()
        assert pr._take_place(tree, work, target) == expected
        counts[expected] -= 1
        np.testing.assert_array_equal(work, counts)


def test_concentration_routes_high_trauma_to_specialists():
    free = np.array([5, 5, 5, 5])
    specialist = np.array([True, False, False, False])
    assigned, _ = alloc(rng(), free, np.zeros(3, int), np.array([0, 0, 4]), [(specialist, 4)])
    np.testing.assert_array_equal(assigned[2], [4, 0, 0, 0])
    # when specialists are full the rest spill over to everyone
    assigned, unplaced = alloc(rng(), free, np.zeros(3, int), np.array([0, 0, 8]), [(specialist, 8)])
    assert assigned[2, 0] == 5 and assigned[2].sum() == 8 and unplaced.sum() == 0


def test_routes_apply_in_turn_and_only_to_high_trauma_clients():
    free = np.array([2, 2, 2, 2])
    first, second = np.array([True, False, False, False]), np.array([False, True, False, False])
    assigned, unplaced = alloc(rng(), free, np.zeros(3, int), np.array([0, 0, 4]), [(first, 2), (second, 2)])
    np.testing.assert_array_equal(assigned[2], [2, 2, 0, 0])
    # a route never takes low- or moderate-trauma clients
    assigned, _ = alloc(rng(), free, np.zeros(3, int), np.array([3, 3, 0]), [(first, 4)])
    assert assigned.sum() == 6 and assigned[2].sum() == 0


def test_care_quality_hand_values():
    q = pr.care_quality(np.array([0.5, 1.0, 0.0]), np.array([0.3, 0.3, 1.0]),
                        grp("clients", quality_se_effect=0.6, quality_bo_effect=0.8))
    # 1 + 0.6*(SE-0.5) - 0.8*(BO-0.3): 1, 1.3, 1-0.3-0.56=0.14 -> clipped to 0.2
    np.testing.assert_allclose(q, [1.0, 1.3, 0.2])


def endings(g, caseload, p_rec, p_drop):
    return pr.episode_endings(g.random(2 * caseload.size), caseload, p_rec, p_drop)


def test_episode_endings_marginal_rates():
    caseload = np.full((3, 20000), 10)
    p_rec = np.full((3, 20000), 0.05)
    p_drop = np.full(20000, 0.02)
    rec, drop = endings(rng(), caseload, p_rec, p_drop)
    assert np.all(rec + drop <= caseload)
    assert rec.mean() == pytest.approx(10 * 0.05, rel=0.02)
    assert drop.mean() == pytest.approx(10 * 0.02, rel=0.03)
    # per cell the endings are Binomial(10, 0.07): compare the distribution
    ended = (rec + drop).ravel()
    counts = np.bincount(ended, minlength=11)[:4]
    expected = stats.binom.pmf(np.arange(4), 10, 0.07) * ended.size
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 16.3  # chi-square(3) 0.999 quantile


def test_episode_endings_no_recovery_when_paused():
    caseload = np.full((3, 50), 8)
    rec, drop = endings(rng(), caseload, np.zeros((3, 50)), np.full(50, 0.1))
    assert rec.sum() == 0 and drop.sum() > 0


@pytest.mark.parametrize("n, p", [(1, 0.3), (12, 0.07), (30, 0.5), (45, 0.9)])
def test_binomial_inverse_matches_the_binomial_distribution(n, p):
    draws = np.array([pr.binomial_inverse(u, n, p) for u in rng(n).random(20000)])
    counts = np.bincount(draws, minlength=n + 1)
    expected = stats.binom.pmf(np.arange(n + 1), n, p) * draws.size
    keep = expected > 5
    chi2 = ((counts[keep] - expected[keep]) ** 2 / expected[keep]).sum()
    assert chi2 < stats.chi2.ppf(0.999, keep.sum() - 1)
    assert pr.binomial_inverse(0.5, 0, p) == 0 and pr.binomial_inverse(0.5, n, 0.0) == 0
    assert pr.binomial_inverse(0.5, n, 1.0) == n


def test_episode_endings_use_each_cells_own_draws():
    """A change of one clinician's caseload leaves every other cell's endings as they were."""
    g = rng(3)
    caseload = g.integers(0, 15, (3, 40))
    u = g.random(2 * caseload.size)
    p_rec, p_drop = np.full((3, 40), 0.06), np.full(40, 0.03)
    rec, drop = pr.episode_endings(u, caseload, p_rec, p_drop)
    changed = caseload.copy()
    changed[1, 7] += 5
    rec2, drop2 = pr.episode_endings(u, changed, p_rec, p_drop)
    other = np.ones_like(caseload, bool)
    other[1, 7] = False
    np.testing.assert_array_equal(rec[other], rec2[other])
    np.testing.assert_array_equal(drop[other], drop2[other])



def test_allocate_type_places_a_types_clients_in_its_own_posts():
    """``kernels.allocate_type``: ``allocate`` on the free places of the type's posts only, the placed clients added
    to the caseload in place."""
    from model import kernels

    g = rng(8)
    n = 60
    post_type = np.repeat([0, 1, 0], [20, 25, 15])
    free = g.integers(0, 4, n)
    waiting, new = np.array([3, 2, 4]), np.array([6, 1, 5])
    pools, counts = (g.random((1, n)) < 0.3), np.array([4], np.int64)
    u = g.random(3 * int(waiting.sum() + new.sum()))
    caseload = g.integers(0, 10, (3, n))
    before = caseload.copy()
    unplaced = kernels.allocate_type(u, free, post_type, 0, waiting, new, pools, counts, caseload)
    assigned, expected = pr.allocate(u, np.where(post_type == 0, free, 0), waiting, new, pools, counts)
    np.testing.assert_array_equal(unplaced, expected)
    np.testing.assert_array_equal(caseload, before + assigned)
    assert assigned.sum() > 0 and not assigned[:, post_type == 1].any()


def test_episodes_end_the_weeks_episodes_and_count_them_by_type():
    """``kernels.episodes``: ``episode_endings`` with the chances of ``episode_chances``, taken off the caseload in
    place, with the recoveries and drop-outs summed over each type's posts."""
    from model import kernels

    g = rng(9)
    n = 50
    se, bo, at_work = g.random(n), g.random(n), g.random(n) < 0.9
    p_level = np.array([0.05, 0.04, 0.03])
    clients = struct(Parameters().clients)
    post_type = np.repeat([0, 1, 2], [10, 30, 10])
    caseload = g.integers(0, 20, (3, n))
    before = caseload.copy()
    u = g.random(2 * caseload.size)
    rec, drop, by_type = kernels.episodes(u, caseload, se, bo, at_work, p_level, clients, post_type, 3)
    p_rec, p_drop = kernels.episode_chances(se, bo, at_work, p_level, clients)
    rec0, drop0 = pr.episode_endings(u, before, p_rec, p_drop)
    np.testing.assert_array_equal(rec, rec0)
    np.testing.assert_array_equal(drop, drop0)
    np.testing.assert_array_equal(caseload, before - rec0 - drop0)
    np.testing.assert_array_equal(by_type, [np.bincount(post_type, x.sum(axis=0)) for x in (rec0, drop0)])
    assert by_type.dtype == np.int64 and (by_type > 0).all()

# ---- 2. exposure ------------------------------------------------------------------------------------------


def test_trauma_exposure_hand_values():
    caseload = np.array([[10, 0], [5, 5], [2, 10]])  # rows: low, moderate, high; two clinicians
    e = pr.trauma_exposure(caseload, 0.4, 10.0, np.array([True, False]))
    np.testing.assert_allclose(e, [(5 * 0.4 + 2) / 10, 0.0])


def test_critical_incidents_probability_and_team_reach():
    u = np.array([0.0005, 0.5, 0.9, 0.0001])
    high = np.array([10, 10, 0, 1])
    team = np.array([0, 0, 0, 1])
    direct, colleague = pr.critical_incidents(u, high, 0.0001, team, 2)
    # p = 1 - (1 - 1e-4)^10 ~ 0.0009995: slot 0 yes, slot 3 (p = 1e-4): u = 1e-4 is not below p
    np.testing.assert_array_equal(direct, [True, False, False, False])
    np.testing.assert_array_equal(colleague, [0, 1, 1, 0])


def test_colleague_incidents_are_the_team_count_less_the_own():
    r = np.random.default_rng(3)
    team = r.integers(0, 7, 211).astype(np.int32)
    direct = r.random(211) < 0.2
    got = pr.colleague_incidents(direct, team, 7)
    per_team = np.bincount(team, weights=direct, minlength=7)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, per_team[team] - direct)


# ---- 3. JD-R ----------------------------------------------------------------------------------------------


def test_team_absent_share_excludes_self():
    absent = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    team = np.array([0, 0, 0, 1, 1])
    share = pr.team_absent_share(absent, team, np.array([3, 2]))
    np.testing.assert_allclose(share, [0.0, 0.5, 0.5, 1.0, 1.0])


EQUAL = {f"resource_weight_{k}": 1.0 for k in ("leader", "supervision", "peer", "autonomy", "recognition",
                                               "self_efficacy", "ei")}


def test_demands_resources_strain_hand_values():
    w = grp("work", demand_weight_load=0.6, demand_weight_trauma=0.5, demand_weight_admin=0.6, demand_weight_cover=0.6,
            demand_weight_waitlist=0.4)
    d = pr.demands(np.array([1.0]), np.array([0.5]), 0.3, np.array([0.2]), 0.5, w)
    assert d[0] == pytest.approx(0.6 + 0.25 + 0.18 + 0.12 + 0.2)
    r = pr.resources(np.array([0.5]), np.array([0.2]), np.array([0.4]), np.array([0.45]), np.array([0.6]),
                     np.array([0.5]), grp("work", schedule_autonomy=0.5, **EQUAL))
    assert r[0] == pytest.approx(3.15 / 7)
    # weights: autonomy counted twice, EI not at all -> (3.15 + 0.5 - 0.5) / 7
    r = pr.resources(np.array([0.5]), np.array([0.2]), np.array([0.4]), np.array([0.45]), np.array([0.6]),
                     np.array([0.5]), grp("work", schedule_autonomy=0.5, **{**EQUAL, "resource_weight_autonomy": 2.0,
                                                                           "resource_weight_ei": 0.0}))
    assert r[0] == pytest.approx(3.15 / 7)
    s = pr.strain(d, r, 0.6)
    assert s[0] == pytest.approx(1.35 * (1 - 0.6 * 0.45))
    # the default weights put leader support (2) and job control (1.5) first: a leader at 1 instead of 0 moves the
    # index by 2 / 8 (the weights sum to 8)
    lo, hi = (pr.resources(np.array([x]), np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1),
                           grp("work", schedule_autonomy=0.0))[0] for x in (0.0, 1.0))
    assert hi - lo == pytest.approx(2.0 / 8.0)


def test_matched_strain_hand_values():
    w = grp("work", demand_weight_load=0.6, demand_weight_trauma=0.5, demand_weight_admin=0.6, demand_weight_cover=0.6,
            demand_weight_waitlist=0.4, admin_burden=0.3, schedule_autonomy=0.5, buffer_strength=0.6,
            match_load_autonomy=0.3, match_load_recognition=0.2, match_trauma_supervision=0.4)
    one = np.array([1.0])
    s = pr.matched_strain(one, np.array([0.5]), np.array([0.2]), 0.5, np.array([0.45]), np.array([0.5]),
                          np.array([0.25]), np.array([True]), w)
    demand = 0.6 * 1.0 * (1 - 0.15 - 0.1) + 0.5 * 0.5 * (1 - 0.1) + 0.18 + 0.12 + 0.2
    assert s[0] == pytest.approx(demand * (1 - 0.6 * 0.45))
    # with no matching it is the general buffer alone; not at work, no strain
    plain = grp("work", demand_weight_load=0.6, demand_weight_trauma=0.5, demand_weight_admin=0.6,
                demand_weight_cover=0.6, demand_weight_waitlist=0.4, admin_burden=0.3, buffer_strength=0.6,
                match_load_autonomy=0.0, match_load_recognition=0.0, match_trauma_supervision=0.0)
    args = (one, np.array([0.5]), np.array([0.2]), 0.5, np.array([0.45]), np.array([0.5]), np.array([0.25]))
    d = pr.demands(one, np.array([0.5]), 0.3, np.array([0.2]), 0.5, plain)
    assert pr.matched_strain(*args, np.array([True]), plain)[0] == pytest.approx(pr.strain(d, np.array([0.45]), 0.6)[0])
    assert pr.matched_strain(*args, np.array([False]), w)[0] == 0.0


def test_matching_resources_buffer_their_own_demand():
    w = grp("work")
    base = dict(load=np.array([1.2]), exposure=np.array([0.0]), cover=np.zeros(1), pressure=0.0,
                resource=np.array([0.5]), recognition=np.array([0.3]), supervision=np.array([0.0]),
                at_work=np.array([True]))
    strain = lambda **kw: pr.matched_strain(**{**base, **kw}, w=w)[0]  # noqa: E731
    # supervision buffers trauma exposure only: no exposure, no effect; with exposure, less strain
    assert strain(supervision=np.array([1.0])) == strain()
    assert strain(exposure=np.array([0.8]), supervision=np.array([1.0])) < strain(exposure=np.array([0.8]))
    # recognition buffers the caseload load (effort-reward)
    assert strain(recognition=np.array([0.9])) < strain()
    assert strain(load=np.array([0.0]), recognition=np.array([0.9])) == strain(load=np.array([0.0]))


def test_waitlist_pressure_hand_values():
    assert pr.waitlist_pressure(0.0, 100.0, 5.0) == 0.0
    assert pr.waitlist_pressure(500.0, 100.0, 5.0) == pytest.approx(0.5)
    assert pr.waitlist_pressure(1500.0, 100.0, 5.0) == pytest.approx(0.75)
    assert pr.waitlist_pressure(10.0, 0.0, 5.0) == 1.0


def test_ei_paths_hand_values():
    t = grp("traits", ei_vulnerability=0.6, ei_recovery=0.5, ei_reference=0.5)
    vuln, rec = pr.ei_paths(np.array([0.5, 0.9, 0.1]), np.array([1.0, 2.0, 1.0]), t)
    np.testing.assert_allclose(vuln, [1.0, 2.0 * (1 - 0.24), 1 + 0.24])
    np.testing.assert_allclose(rec, [1.0, 1.2, 0.8])


def test_onboarding_share_ramps_the_cap():
    np.testing.assert_allclose(pr.onboarding_share(np.array([0, 6, 12, 40]), 12.0, 0.4), [0.4, 0.7, 1.0, 1.0])
    np.testing.assert_allclose(pr.onboarding_share(np.array([0, 3]), 0.0, 0.4), [1.0, 1.0])



def test_roster_resources_hand_values():
    fte = np.array([1.0, 0.5, 0.05])
    np.testing.assert_allclose(pr.caseload_cap(fte, np.array([1.0, 0.5, 2.0]), 30.0), [30.0, 7.5, 3.0])
    np.testing.assert_allclose(pr.inv_sustainable_caseload(fte, 30.0), [1 / 30, 1 / 15, 1 / 3])  # FTE at least 0.1
    np.testing.assert_allclose(pr.persuasion(np.array([1.0, 0.0]), np.array([0.2, 0.6]), 0.25), [0.8, 0.15])
    # one clinician (a hire) gets the numbers of the arrays' element, to the bit
    rng = np.random.default_rng(3)
    fte, rel, sup, lead = rng.random(20), rng.random(20) + 0.5, rng.random(20), rng.random(20)
    for i in range(20):
        assert pr.caseload_cap(fte[i], rel[i], 31.7) == pr.caseload_cap(fte, rel, 31.7)[i] == 31.7 * rel[i] * fte[i]
        assert pr.inv_sustainable_caseload(fte[i], 27.3) == pr.inv_sustainable_caseload(fte, 27.3)[i]
        assert pr.persuasion(sup[i], lead[i], 0.37) == pr.persuasion(sup, lead, 0.37)[i]

def test_resources_buffer_demands_interaction():
    # the same extra resource removes more strain when demands are high (an interaction, not an addition)
    low_d, high_d = np.array([0.5]), np.array([1.5])
    gain_low = pr.strain(low_d, np.array([0.2]), 0.6) - pr.strain(low_d, np.array([0.6]), 0.6)
    gain_high = pr.strain(high_d, np.array([0.2]), 0.6) - pr.strain(high_d, np.array([0.6]), 0.6)
    assert gain_high[0] == pytest.approx(3 * gain_low[0])


def test_supervision_intensity_hand_values():
    s = pr.supervision_intensity(np.array([True, False]),
                                 Parameters().with_overrides({"supervision.sessions_per_month": 2.0,
                                                              "supervision.reflective_quality": 1.0}).supervision)
    np.testing.assert_allclose(s, [1 - np.exp(-1), 0.0])
    s = pr.supervision_intensity(np.array([True]),
                                 Parameters().with_overrides({"supervision.sessions_per_month": 2.0,
                                                              "supervision.reflective_quality": 0.0}).supervision)
    np.testing.assert_allclose(s, [(1 - np.exp(-1)) * 0.3])


def test_peer_means_match_the_full_adjacency():
    from model import network

    g = np.random.default_rng(3)
    team = np.repeat(np.arange(5), [3, 4, 2, 5, 1]).astype(np.int32)
    cross = network.cross_team_ties(g, team, 2.0)
    adj = network.peer_network(team, cross).toarray()
    values = g.random((2, team.size))
    present = g.random(team.size) < 0.7
    got = pr.peer_means(team, 5, cross.indptr.astype(np.int64), cross.indices.astype(np.int64), values, present)
    for i in range(team.size):
        peers = (adj[i] > 0) & present
        expected = values[:, peers].mean(axis=1) if peers.any() else values[:, i]
        np.testing.assert_allclose(got[:, i], expected)


# ---- 4. state updates -------------------------------------------------------------------------------------


def test_balance_update_fixed_point_and_bounds():
    x = np.array([0.2, 0.5, 0.9])
    g, lo = np.full(3, 0.03), np.full(3, 0.07)
    for _ in range(2000):
        x = pr.balance_update(x, g, lo)
    np.testing.assert_allclose(x, 0.3, atol=1e-9)  # gain / (gain + loss)
    assert np.all(pr.balance_update(np.array([0.99]), np.array([5.0]), np.array([0.0])) <= 1.0)


def test_burnout_rates_hand_values():
    b = grp("burnout", rate_gain=0.02, rate_recovery=0.03, se_vulnerability=1.0, cor_spiral=1.0,
            reserve_threshold=0.4, cs_protection=0.8, cs_reference=0.7)
    g, lo = pr.burnout_rates(np.array([1.0]), np.array([1.0]), np.array([0.3]), np.array([0.1]),
                             np.array([1.0]), np.array([0.4]), np.array([0.7]), b, 0.02)
    # rel_se = 1 + 0.2; rel_cor = 1 + (0.4 - 0.1) / 0.4 = 1.75; CS at the reference: recovery unchanged
    assert g[0] == pytest.approx(0.02 * 1.2 * 1.75 + 0.02 * 0.4)
    assert lo[0] == pytest.approx(0.03 + 0.02 * 0.6)
    # CS protects: 0.2 above the reference raises recovery by 0.8 x 0.2
    _, hi_cs = pr.burnout_rates(np.array([1.0]), np.array([1.0]), np.array([0.3]), np.array([0.1]),
                                np.array([1.0]), np.array([0.4]), np.array([0.9]), b, 0.02)
    assert hi_cs[0] == pytest.approx(0.03 * 1.16 + 0.02 * 0.6)


def test_contagion_is_crossover_towards_peers():
    bo, peer = np.array([0.2]), np.array([0.6])
    g, lo = pr.burnout_rates(np.zeros(1), np.ones(1), np.ones(1), np.ones(1), np.zeros(1), peer, np.ones(1),
                             grp("burnout", rate_gain=0.0, rate_recovery=0.0, se_vulnerability=0.0, cor_spiral=0.0,
                                 reserve_threshold=0.3), 0.05)
    assert pr.balance_update(bo, g, lo)[0] == pytest.approx(0.2 + 0.05 * (0.6 - 0.2))


def test_low_self_efficacy_and_low_reserves_raise_burnout_gain():
    b = grp("burnout", rate_gain=0.02, rate_recovery=0.03, se_vulnerability=1.0, cor_spiral=1.0,
            reserve_threshold=0.35)
    one = np.ones(1)
    cs = one * 0.7
    base, _ = pr.burnout_rates(one, one, np.array([0.7]), np.array([0.6]), one, one * 0.3, cs, b, 0.0)
    low_se, _ = pr.burnout_rates(one, one, np.array([0.2]), np.array([0.6]), one, one * 0.3, cs, b, 0.0)
    low_res, _ = pr.burnout_rates(one, one, np.array([0.7]), np.array([0.1]), one, one * 0.3, cs, b, 0.0)
    assert low_se[0] > base[0] and low_res[0] > base[0]


def test_sts_rates_hand_values():
    g, lo = pr.sts_rates(np.array([1.0]), np.array([1.0]), np.array([True]), np.array([0.5]), np.array([0.7]),
                         np.array([0.6]), np.array([1.0]), np.array([True]), np.array([2.0]),
                         grp("sts", rate_gain=0.01, rate_recovery=0.05, rel_trauma_history=1.3, ei_protection=0.3),
                         0.4, grp("exposure", incident_sts_shock=0.15, incident_team_shock=0.04))
    assert g[0] == pytest.approx(0.01 * 1.3 * 0.8 * (1 - 0.3 * 0.2) + 0.15 + 0.08)
    assert lo[0] == pytest.approx(0.05 * 1.1)


def test_satisfaction_and_self_efficacy_rates_hand_values():
    g, lo = pr.satisfaction_rates(np.array([0.7]), np.array([0.4]), np.array([0.3]), np.array([0.1]),
                                  np.array([0.3]), np.array([0.2]), np.array([0.6]), np.array([1.5]),
                                  grp("satisfaction", rate=0.03, w_meaning=1.0, w_mastery=0.5, w_recognition=0.4,
                                      w_vicarious_resilience=0.3, w_growth=0.4, loss_base=0.3, w_bo_erosion=1.8,
                                      w_sts_erosion=0.4, w_ei=0.3))
    # calling 1.5 scales the meaning gain; EI 0.6 adds 0.3 x 0.6
    assert g[0] == pytest.approx(0.03 * (1.5 + 0.35 + 0.16 + 0.09 + 0.04 + 0.18))
    assert lo[0] == pytest.approx(0.03 * (0.3 + 0.54 + 0.08))
    g, lo = pr.self_efficacy_rates(np.array([0.7]), np.array([0.6]), np.array([0.4]), np.array([0.1]),
                                   np.array([0.3]), np.array([0.1]), np.array([0.5]),
                                   grp("self_efficacy", rate=0.02, w_mastery=0.6, w_vicarious=0.25, w_persuasion=0.4,
                                       w_growth=0.3, w_failure=0.6, w_affective=0.8, loss_base=0.1, w_ei=0.3))
    assert g[0] == pytest.approx(0.02 * (0.42 + 0.15 + 0.16 + 0.03 + 0.15))
    assert lo[0] == pytest.approx(0.02 * (0.1 + 0.18 + 0.16))


def test_reserves_growth_intention_rates_hand_values():
    g, lo = pr.reserves_rates(np.array([0.4]), np.array([0.8]), np.array([0.2]),
                              grp("burnout", rate_reserves=0.05, reserve_loss_weight=1.0))
    assert (g[0], lo[0]) == pytest.approx((0.02, 0.025))
    # losses weigh more than gains (primacy of loss)
    _, heavy = pr.reserves_rates(np.array([0.4]), np.array([0.8]), np.array([0.2]),
                                 grp("burnout", rate_reserves=0.05, reserve_loss_weight=1.5))
    assert heavy[0] == pytest.approx(0.0375)
    g, lo = pr.growth_rates(np.array([1.0, 1.0]), np.array([0.2, 0.65]),
                            grp("growth", rate_gain=0.02, support_threshold=0.3, rate_decay=0.005))
    np.testing.assert_allclose(g, [0.0, 0.02 * 0.35 / 0.7])
    np.testing.assert_allclose(lo, [0.005, 0.005])
    g, lo = pr.intention_rates(np.array([0.5]), np.array([0.2]), np.array([0.6]), np.array([0.5]),
                               grp("turnover", rate_intention=0.03, w_bo=1.2, w_sts=0.5, w_cs=0.8, w_leader=0.6))
    assert (g[0], lo[0]) == pytest.approx((0.03 * 0.7, 0.03 * 0.78))


def test_ewma_only_moves_where_observed():
    out = pr.ewma(np.array([0.5, 0.5]), np.array([1.0, 1.0]), np.array([True, False]), 0.1)
    np.testing.assert_allclose(out, [0.55, 0.5])


def test_noise_is_centred_with_the_stated_sd_and_vanishes_at_bounds():
    # a state's own shock (no common affect shock)
    x = np.full((4, 200000), 0.5)
    out = pr.affect_noise(x, rng().random((5, x.shape[1])), 0.1, 0.0)[2]
    assert (out - x[2]).mean() == pytest.approx(0.0, abs=1e-3)
    assert (out - x[2]).std() == pytest.approx(0.1 * 0.5, rel=0.01)
    bounds = np.array([[0.0, 1.0]] * 4)
    np.testing.assert_array_equal(pr.affect_noise(bounds, np.array([[0.5, 0.5]] + [[0.9, 0.1]] * 4), 0.5, 0.0)[2],
                                  [0.0, 1.0])


# ---- 6. absence and turnover ------------------------------------------------------------------------------


def test_sick_leave_logistic():
    p = pr.p_sick_leave(np.array([0.55, 1.0]), 0.02, 0.55, 0.08)
    assert p[0] == pytest.approx(0.01)
    assert p[1] == pytest.approx(0.02 / (1 + np.exp(-0.45 / 0.08)))
    # all-cause leave adds the same chance at every burnout level
    np.testing.assert_allclose(pr.p_sick_leave(np.array([0.0, 0.55]), 0.02, 0.55, 0.08, 0.01) - p[[0]] * [0, 1],
                               [0.01 + 0.02 / (1 + np.exp(0.55 / 0.08)), 0.01])


def test_affect_noise_moves_states_together():
    x = np.full((4, 100000), 0.5)
    u = rng().random((5, 100000))
    out = pr.affect_noise(x, u, 0.0, 0.1)  # the common shock alone: SE and CS against BO and STS
    d = out - x
    assert d[2].std() == pytest.approx(0.05, rel=0.02)
    np.testing.assert_allclose(d[2], d[3])
    np.testing.assert_allclose(d[0], -d[2])
    np.testing.assert_allclose(d[1], -d[2])
    ind = pr.affect_noise(x, u, 0.1, 0.0) - x  # idiosyncratic shocks only: uncorrelated
    assert abs(np.corrcoef(ind[2], ind[3])[0, 1]) < 0.02
    np.testing.assert_array_equal(pr.affect_noise(np.zeros((4, 2)), u[:, :2], 0.5, 0.5), np.zeros((4, 2)))


def test_notice_needs_intention_above_threshold():
    p = pr.p_give_notice(np.array([0.1, 0.3, 0.65, 1.0]), 0.3, 0.08, 0.001)
    np.testing.assert_allclose(p, [0.001, 0.001, 0.08 * 0.5 + 0.001, 0.081])


def test_early_tenure_hazard_falls_with_tenure():
    p = pr.p_give_notice(np.zeros(3), 0.3, 0.08, 0.001, np.array([0, 26, 520]), 0.012, 26.0)
    np.testing.assert_allclose(p, [0.013, 0.001 + 0.012 / np.e, 0.001 + 0.012 * np.exp(-20)])


def test_network_structure():
    from model import network

    g = np.random.default_rng(1)
    sizes = network.team_sizes(g, 100, 6, 12)
    assert sizes.sum() == 100 and sizes.min() >= 6
    team = network.team_of_post(sizes)
    cross = network.cross_team_ties(g, team, 2.0)
    assert (cross != cross.T).nnz == 0
    rows, cols = cross.nonzero()
    assert np.all(team[rows] != team[cols])
    assert cross.nnz / 100 == pytest.approx(2.0, abs=0.6)
    full = network.peer_network(team, cross)
    assert isinstance(full, sp.csr_matrix) and full.diagonal().sum() == 0
    degree = np.asarray(full.sum(axis=1)).ravel()
    assert np.all(degree >= sizes[team] - 1)

"""Clinical rotation (``model/programmes/clinical_rotation.py``, parameter group ``rotation``).

Unit test of :func:`rotated_out`; the routing of one week's high-trauma clients, checked on the allocation the
engine really makes (clinicians above the STS threshold get no new high-trauma client while a colleague at or
below it has room, and no client is left unplaced because of the routing); the cost wiring; and a paired
directional test over seeds (common random numbers): rotation lowers STS a little, by far less than half a
ProQOL SD, without lengthening the waiting list.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import model.workforce as workforce
from model import Parameters, WorkforceModel, simulate
from model.programmes.clinical_rotation import ClinicalRotation, rotated_out
from model.proqol import NORMS
from model.state import ACTIVE
from scenarios import load

from .paired import _default, _hi, paired_t

ON = {"rotation.share_steered": _hi("rotation.share_steered")}


def test_rotated_out_is_at_work_and_above_the_threshold():
    at_work = np.array([True, True, False, True, True])
    sts = np.array([0.2, 0.31, 0.9, 0.3, 0.8])
    assert rotated_out(at_work, sts, 0.3).tolist() == [False, True, False, False, True]  # 0.3 itself stays in
    assert not rotated_out(at_work, sts, 1.0).any()


def test_scenario_file_switches_rotation_on():
    p = load("clinical-rotation").params
    assert ClinicalRotation.running(p) and not ClinicalRotation.running(Parameters())
    assert p.rotation.start_week == 0


# ------------------------------------------------------------------------------------------------------------
# the allocation of one week


def _allocations(monkeypatch, overrides: dict, weeks: int = 20, seed: int = 2):
    """Step a rotation run and capture every call of the engine's allocation (``kernels.allocate_type``) with the
    rotation state of that week.

    Returns:
        One dict per week: ``out`` (rotated out), ``pool`` (at work, not rotated out), ``free`` (places before
        allocation), ``assigned``, ``unplaced``, ``clients`` (waiting + new by level), ``n_rotated``.
    """
    calls = []
    original = workforce.kernels.allocate_type

    def capture(u, free, post_type, t, waiting, new, pools, counts, caseload):
        before = caseload.copy()
        unplaced = original(u, free, post_type, t, waiting, new, pools, counts, caseload)
        calls.append({"free": np.where(post_type == t, free, 0), "assigned": caseload - before,
                      "unplaced": unplaced, "clients": np.asarray(waiting) + np.asarray(new)})
        return unplaced

    p = Parameters().with_overrides({"service.n_posts": 120, "caseload.trauma_concentration": 0.0, **overrides})
    m = WorkforceModel(p, rng=seed, burn_in_weeks=20)
    monkeypatch.setattr(workforce.kernels, "allocate_type", capture)
    rows = []
    for _ in range(weeks):
        ws = m.workforce
        at_work = ws.status == ACTIVE  # allocation happens before this week's absence changes
        out = rotated_out(at_work, ws.sts, m.params.rotation.sts_threshold)
        m.step()
        rows.append({**calls[-1], "out": out, "pool": at_work & ~out,
                     "n_rotated": m.programme("clinical_rotation").n_rotated})
    return rows


def test_high_trauma_clients_go_only_to_clinicians_below_the_threshold_while_they_have_room(monkeypatch):
    # a threshold near the median STS, so that many clinicians are rotated out and the rule is exercised
    rows = _allocations(monkeypatch, {**ON, "rotation.sts_threshold": 0.2})
    exercised = 0
    for week, r in enumerate(rows, start=1):
        assert r["n_rotated"] == int(r["out"].sum()), week  # the programme saw the same clinicians
        to_out = int(r["assigned"][2][r["out"]].sum())
        room_left = int((r["free"] - r["assigned"].sum(axis=0))[r["pool"]].sum())
        assert to_out == 0 or room_left == 0, (
            f"week {week}: {to_out} high-trauma clients went to rotated-out clinicians while clinicians at or "
            f"below the threshold still had {room_left} free places")
        exercised += int(r["out"].any() and r["assigned"][2].sum() > 0)
        # nobody waits because of the routing: as many clients are placed as there are places
        placed = int(r["assigned"].sum())
        assert placed == min(int(r["clients"].sum()), int(r["free"].sum())), week
    assert exercised >= 10, "too few weeks with rotated clinicians and high-trauma clients to test the rule"


def test_without_rotation_rotated_out_clinicians_do_get_high_trauma_clients(monkeypatch):
    """The check above is not vacuous: without the programme the same clinicians receive high-trauma clients."""
    rows = _allocations(monkeypatch, {"rotation.sts_threshold": 0.2})
    assert sum(int(r["assigned"][2][r["out"]].sum()) for r in rows) > 0
    assert all(r["n_rotated"] == 0 for r in rows)


def test_route_high_trauma_offers_the_pool_below_the_threshold():
    p = Parameters().with_overrides({"service.n_posts": 60, **ON})
    m = WorkforceModel(p, rng=4, burn_in_weeks=10)
    m.step()  # week 1: the levers are in force
    prog = m.programme("clinical_rotation")
    week = m._new_week()
    pool, n = prog.route_high_trauma(week, 17)
    out = rotated_out(week.at_work, m.workforce.sts, p.rotation.sts_threshold)
    assert n == 17  # share_steered = 1: every high-trauma client is steered
    assert np.array_equal(pool, week.at_work & ~out)
    assert prog.n_rotated == int(out.sum())


def test_rotation_cost_is_the_rotated_clinician_weeks_times_the_unit_cost():
    p = Parameters().with_overrides({"service.n_posts": 120, **ON})
    m = WorkforceModel(p, rng=6, burn_in_weeks=20)
    rotated = 0
    for _ in range(12):
        m.step()
        rotated += m.programme("clinical_rotation").n_rotated
    cost = m.datacollector.get_model_vars_dataframe()["new_cost_rotation"]
    assert rotated > 0
    assert cost.sum() == pytest.approx(rotated * _default("rotation.cost_per_rotated_week"))


# ------------------------------------------------------------------------------------------------------------
# paired directional test

N_POSTS = 200
BURN_IN_WEEKS = 52
WEEKS = 104
SEEDS = tuple(range(4100, 4108))  # the seed set of tests/test_levers.py, first eight
T_MIN = 2.0
#: ProQOL STS raw-score norm SD; raw is about 10 + 40 x latent, so a latent difference d is about 40 d points
STS_SD = NORMS["sts"][1]
RAW_PER_LATENT = 40.0


@functools.cache
def _run(on: bool, seed: int):
    p = Parameters().with_overrides({"service.n_posts": N_POSTS, **(ON if on else {})})
    return simulate(p, seed=seed, weeks=WEEKS, burn_in_weeks=BURN_IN_WEEKS).summary


def _diff(key: str) -> np.ndarray:
    return np.array([_run(True, s)[key] - _run(False, s)[key] for s in SEEDS])


@pytest.mark.xfail(strict=False, reason=(
    "measured, 200 posts, 8 seeds: mean_sts -0.00097 (t -1.17), prop_high_sts -0.0039 (t -1.79) on seeds "
    "4100-4107; on four other sets of 8 seeds mean_sts t was -0.04 to -2.54. The effect on the mean is about "
    "0.04 raw ProQOL points, too small for 8 paired seeds; the tail test below carries the directional check"))
def test_rotation_lowers_sts_a_little():
    """Rotation lowers mean STS (Bride 2007; Sprang et al. 2007), by less than half a ProQOL STS SD."""
    d_mean, d_high = _diff("mean_sts_mean"), _diff("prop_high_sts_mean")
    t_mean, t_high = paired_t(-d_mean), paired_t(-d_high)
    msg = (f"mean_sts {d_mean.mean():+.5f} (t {-t_mean:.2f}), prop_high_sts {d_high.mean():+.4f} "
           f"(t {-t_high:.2f}) over seeds {SEEDS}")
    assert max(t_mean, t_high) > T_MIN, msg
    assert abs(d_mean.mean()) * RAW_PER_LATENT < 0.5 * STS_SD, msg


def test_rotation_lowers_the_top_of_the_sts_distribution():
    """Rotation acts on the clinicians with high STS: the 90th percentile of STS falls, by less than half an SD."""
    # Measured on five sets of 8 seeds: p90_sts -0.008 to -0.011 latent (about 0.3-0.4 raw points,
    # 0.06-0.07 SD), t -4.0 to -7.4.
    d = _diff("p90_sts_mean")
    assert paired_t(-d) > T_MIN, (d.round(5).tolist(), paired_t(-d))
    assert abs(d.mean()) * RAW_PER_LATENT < 0.5 * STS_SD, d.mean()
    assert abs(_diff("mean_sts_mean").mean()) * RAW_PER_LATENT < 0.5 * STS_SD


def test_rotation_costs_only_when_on():
    assert all(_run(True, s)["cum_cost_rotation"] > 0 for s in SEEDS)
    assert all(_run(False, s)["cum_cost_rotation"] == 0 for s in SEEDS)


def test_rotation_does_not_lengthen_the_waiting_list():
    """No client waits longer because of the rotation: the mean waiting list changes by less than a few percent."""
    d = _diff("n_waitlist_mean")
    base = np.array([_run(False, s)["n_waitlist_mean"] for s in SEEDS])
    # the waiting list (about 36 clients, mostly the clients of the week's leavers) is noisy between arms whose
    # allocation draws differ; the bound is on the mean paired change relative to the base mean
    assert d.mean() < 0.1 * base.mean(), (d.round(2).tolist(), base.mean())

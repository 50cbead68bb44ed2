"""Every mechanism the framework names is live, and acts through the paths it names (paired seeds).

:data:`MECHANISMS` lists each named mechanism with a switch (off, or on for a programme that is off in the
defaults), the outcome it moves and the direction. The test runs paired replicates (the same seeds) of the
defaults and of the switched settings and asserts the direction with a one-sided paired t above 3. Its negative
control cuts the paths or the substrate the mechanism acts through (both arms) and asserts that the switch then
moves the outcome by at most a quarter of the intact effect: an effect that leaks through some unnamed path, or a
switch wired to nothing, fails one of the two. Emotional contagion has no control of this kind (it has no path
but itself and no substrate that can be removed).

Other tests here check the wiring of single rules (waiting-list pressure, recruitment freeze, early-tenure exits,
all-cause leave, matched supervision). 120 posts, one year after a one-year burn-in from a cold start (both arms
start from the same drawn staff; the warm start's pilot would differ between arms whose uncertainties differ).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pytest

from model import Parameters, WorkforceModel
from model import processes as pr
from model.jit import struct
from model.state import VACANT

from .paired import _off, paired_t

SEEDS = tuple(range(31, 39))
N_POSTS = 120
T_MIN = 3.0
#: a cold start: both arms start from the same drawn staff (the warm start's pilot would differ between arms
#: whose uncertainties differ, and unpair them)
BURN_IN_WEEKS = 52


@functools.cache
def _run_cached(items: tuple, seed: int, weeks: int = 52, warm: bool = False) -> dict[str, float]:
    p = Parameters().with_overrides({"service.n_posts": N_POSTS, **dict(items)})
    m = WorkforceModel(p, rng=seed, burn_in_weeks=BURN_IN_WEEKS, warm_start=warm)
    bo, bo_cs_gap, intention, leave, present, fy_dep, fy_weeks, dep, waiting = [], [], [], 0, 0, 0, 0, 0, []
    for _ in range(weeks):
        was = m.workforce.status != VACANT
        wip = m.workforce.weeks_in_post.copy()
        m.step()
        ws = m.workforce
        now = ws.status != VACANT
        left = was & ~now
        bo.append(ws.bo[now].mean())
        high_cs = ws.cs >= np.median(ws.cs[now])
        bo_cs_gap.append(ws.bo[now & ~high_cs].mean() - ws.bo[now & high_cs].mean())
        intention.append(ws.intention[now].mean())
        present += int(now.sum())
        leave += int((ws.status == 2).sum())
        fy_weeks += int((was & (wip < 52)).sum())
        fy_dep += int((left & (wip < 52)).sum())
        dep += int(left.sum())
        waiting.append(m.waitlist.sum())
    ws = m.workforce
    now = ws.status != VACANT
    team_sd = [ws.bo[now & (ws.team == k)].std() for k in np.unique(ws.team[now])]
    return {"bo": float(np.mean(bo)), "bo_cs_gap": float(np.mean(bo_cs_gap)), "intention": float(np.mean(intention)),
            "r_ei_se": float(np.corrcoef(ws.ei[now], ws.se[now])[0, 1]),
            "r_cs_bo": float(np.corrcoef(ws.cs[now], ws.bo[now])[0, 1]),
            "r_se_bo": float(np.corrcoef(ws.se[now], ws.bo[now])[0, 1]),
            "leave_share": leave / present, "fy_exit_rate": fy_dep / max(fy_weeks, 1) * 52,
            "exit_rate": dep / present * 52, "vacant": float(1 - now.mean()), "waiting": float(np.mean(waiting)),
            "sts": float(ws.sts[now].mean()), "cs": float(ws.cs[now].mean()), "se": float(ws.se[now].mean()),
            "within_team_sd_bo": float(np.mean(team_sd))}


def _run(overrides: dict, seed: int, weeks: int = 52, warm: bool = False) -> dict[str, float]:
    """Outcomes of one year after a one-year burn-in (cold start unless ``warm``); each run once per session."""
    return _run_cached(tuple(sorted(overrides.items())), seed, weeks, warm)


def _paired(off: dict, base: dict | None = None, outcome: str = "bo") -> np.ndarray:
    return np.array([_run(off, s)[outcome] - _run(base or {}, s)[outcome] for s in SEEDS])


def _assert(diff: np.ndarray, direction: int, what: str) -> None:
    t = paired_t(direction * diff)
    assert t > T_MIN, f"{what}: paired differences {np.round(diff, 4).tolist()}, t = {t:.2f} (need > {T_MIN})"


def test_ei_paths_tie_ei_to_resilience_and_lower_burnout():
    off = {"traits.ei_vulnerability": _off("traits.ei_vulnerability"), "traits.ei_recovery": _off("traits.ei_recovery"),
           "satisfaction.w_ei": _off("satisfaction.w_ei"), "self_efficacy.w_ei": _off("self_efficacy.w_ei"),
           "traits.ei_affectivity_correlation": 0.0}
    _assert(_paired(off, outcome="r_ei_se"), -1, "EI paths off: EI no longer goes with self-efficacy")


def test_ei_vulnerability_path_lowers_burnout_of_high_ei_clinicians():
    # EI training raises EI; with the vulnerability and recovery paths it lowers burnout, without them much less
    train = {"ei_training.uptake": 1.0}
    off = {"traits.ei_vulnerability": 0.0, "traits.ei_recovery": 0.0}
    with_paths = _paired(train, outcome="bo")
    without = _paired({**train, **off}, off, outcome="bo")
    _assert(with_paths, -1, "EI training lowers burnout")
    assert with_paths.mean() < without.mean(), (with_paths.mean(), without.mean())


def test_waitlist_pressure_reaches_clinicians_when_understaffed():
    # under a freeze the waiting list grows and presses on everyone at work: their demand carries the term
    # w_wait x P on top of the other demands (pairing across values of the weight is not possible here: it is an
    # uncertainty, so it changes the settled pilot population of the warm start)
    p = Parameters().with_overrides({"service.n_posts": N_POSTS, "hiring.frozen_share": 0.3,
                                     "hiring.mean_delay_weeks": 24.0})
    m = WorkforceModel(p, rng=5, burn_in_weeks=52)
    for _ in range(51):
        m.step()
    was_at_work = m.workforce.status == 1  # at work through the last week's states (status changes in phase 6)
    m.step()
    assert m.waitlist.sum() > 100 and m.waitlist_pressure > 0.3
    ws, w = m.workforce, m.p.work
    at_work = was_at_work & (ws.status == 1)
    others = pr.demands(m.load, ws.exposure, w.admin_burden, np.zeros(ws.n), 0.0, struct(w)[0])
    extra = ws.demand[at_work] - others[at_work]
    cover = extra - w.demand_weight_waitlist * m.waitlist_pressure  # what is left is the cover duty
    assert np.all(cover >= -1e-12) and np.all(cover <= w.demand_weight_cover + 1e-12)
    # the default service has spare capacity: no waiting list, no pressure
    m0 = WorkforceModel(Parameters().with_overrides({"service.n_posts": N_POSTS}), rng=5, burn_in_weeks=52)
    m0.step()
    assert m0.waitlist_pressure < 0.1


def test_recruitment_freeze_keeps_posts_vacant():
    diff = _paired({"hiring.frozen_share": 0.2}, outcome="vacant")
    assert diff.min() > 0.05, diff


def test_early_tenure_hazard_makes_new_hires_leave_most():
    # the warm start: established staff from a settled service, with its own tenure mix (unpaired comparison)
    rates = [_run({}, s, warm=True) for s in SEEDS]
    ratio = np.mean([r["fy_exit_rate"] for r in rates]) / np.mean([r["exit_rate"] for r in rates])
    off = [_run({"turnover.p_early_week": 0.0}, s, warm=True) for s in SEEDS]
    ratio_off = np.mean([r["fy_exit_rate"] for r in off]) / np.mean([r["exit_rate"] for r in off])
    assert ratio > 1.1 and ratio > ratio_off + 0.2, (ratio, ratio_off)


def test_all_cause_leave_sets_the_absence_level():
    diff = _paired({"absence.p_other_leave_week": 0.0}, outcome="leave_share")
    assert diff.max() < -0.02, diff


@pytest.mark.parametrize("name", ["work.match_trauma_supervision"])
def test_matching_makes_supervision_buffer_trauma(name):
    sup = {"supervision.coverage": 1.0, "supervision.sessions_per_month": 2.0, "supervision.reflective_quality": 0.8}
    with_match = _paired(sup, outcome="bo")
    without = _paired({**sup, name: 0.0}, {name: 0.0}, outcome="bo")
    assert with_match.mean() < without.mean(), (with_match.mean(), without.mean())


# ----------------------------------------------------------------------------------------------------------------
# One test per mechanism the framework names: switch it, watch its outcome move; cut its paths, watch it not move
# ----------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mechanism:
    """A named mechanism, how to switch it, what it moves, and the paths it acts through.

    Attributes:
        name: the mechanism, as the framework names it.
        switch: overrides that switch the mechanism off (or, for a programme off in the defaults, on).
        outcome: the key of :func:`_run` it moves.
        direction: the sign of ``switched - defaults`` the theory expects.
        cut: overrides, applied to both arms, that remove the paths or the substrate the mechanism acts
            through; with them, the switch must move the outcome by at most :data:`CONTROL_SHARE` of the
            intact effect (the negative control: the effect runs through the named paths and nowhere else).
    """

    name: str
    switch: dict
    outcome: str
    direction: int
    cut: dict = field(default_factory=dict)


#: how much of the intact effect may survive with the mechanism's paths cut
CONTROL_SHARE = 0.25

_EI_WEIGHTS = {"traits.ei_vulnerability": 0.0, "traits.ei_recovery": 0.0, "sts.ei_protection": 0.0,
               "satisfaction.w_ei": 0.0, "self_efficacy.w_ei": 0.0, "work.resource_weight_ei": 0.0}

MECHANISMS = (
    # EI raised by training lowers burnout through its personal-resource paths
    Mechanism("emotional intelligence", {"ei_training.uptake": 1.0}, "bo", -1, _EI_WEIGHTS),
    # own trauma history sensitises to STS; nothing to sensitise when nobody has one
    Mechanism("own trauma history", {"sts.rel_trauma_history": 1.0}, "sts", -1, {"sts.p_trauma_history": 0.0}),
    # vicarious resilience comes from trauma-affected clients who recover
    Mechanism("vicarious resilience", {"satisfaction.w_vicarious_resilience": 0.0}, "cs", -1,
              {"clients.prop_trauma_moderate": 0.0, "clients.prop_trauma_high": 0.0}),
    # growth needs exposure processed with support above the threshold
    Mechanism("post-traumatic growth", {"growth.rate_gain": 0.0}, "cs", -1, {"growth.support_threshold": 0.99}),
    Mechanism("reflective supervision", {"supervision.coverage": 0.0}, "sts", +1,
              {"supervision.sts_protection": 0.0, "work.match_trauma_supervision": 0.0,
               "work.resource_weight_supervision": 0.0}),
    Mechanism("leadership", {"leadership.leader_support": 0.2}, "bo", +1,
              {"work.resource_weight_leader": 0.0, "turnover.w_leader": 0.0,
               "self_efficacy.persuasion_leader_share": 0.0, "leadership.recognition_leader_share": 0.0}),
    Mechanism("recognition", {"leadership.recognition": 0.1}, "bo", +1,
              {"work.resource_weight_recognition": 0.0, "work.match_load_recognition": 0.0,
               "satisfaction.w_recognition": 0.0}),
    Mechanism("peer support", {"peer_support.coverage": 1.0}, "bo", -1, {"peer_support.support": 0.0}),
    # crossover pulls each clinician towards the peers' mean: without it, teams spread out
    Mechanism("emotional contagion", {"peers.contagion_rate": 0.0}, "within_team_sd_bo", +1),
    Mechanism("wellness programme", {"wellness.uptake": 0.6, "wellness.booster_interval_weeks": 13}, "bo", -1,
              {"wellness.effect": 0.0}),
    # low self-efficacy raises later burnout; no one is below a reference of 0
    Mechanism("self-efficacy on later burnout", {"burnout.se_vulnerability": 0.0}, "bo", -1,
              {"burnout.se_reference": 0.0}),
    # CS speeds burnout recovery above the reference and slows it below, so the low-CS half is more burnt out
    # than the high-CS half; with no recovery there is nothing to speed
    Mechanism("compassion satisfaction protects", {"burnout.cs_protection": 0.0}, "bo_cs_gap", -1,
              {"burnout.rate_recovery": 0.0}),
    # mentoring relieves the turnover intention of early-career staff (turnover itself: tests/test_levers.py)
    Mechanism("mentoring", {"mentoring.coverage": 1.0}, "intention", -1,
              {"mentoring.se_gain": 0.0, "mentoring.intention_relief": 0.0}),
    Mechanism("trauma-informed organisation", {"trauma_informed.level": 1.0}, "bo", -1,
              {"trauma_informed.safety_gain": 0.0, "trauma_informed.stigma_shift": 0.0}),
    # a recruitment freeze: vacancies reach those who stay through cover duty, cap stretch and the waiting list
    Mechanism("staffing loop", {"hiring.frozen_share": 0.2}, "bo", +1,
              {"work.demand_weight_cover": 0.0, "caseload.vacancy_stretch": 0.0, "work.demand_weight_waitlist": 0.0,
               "work.demand_weight_load": 0.0}),
)


def _diffs(switch: dict, outcome: str, cut: dict | None = None) -> np.ndarray:
    cut = cut or {}
    return np.array([_run({**cut, **switch}, s)[outcome] - _run(cut, s)[outcome] for s in SEEDS])


@pytest.mark.parametrize("mech", MECHANISMS, ids=lambda m: m.name.replace(" ", "-"))
def test_mechanism_is_live_and_acts_through_its_paths(mech: Mechanism):
    intact = _diffs(mech.switch, mech.outcome)
    _assert(intact, mech.direction, f"{mech.name}: switching {mech.switch} moves {mech.outcome}")
    if mech.cut:
        control = _diffs(mech.switch, mech.outcome, mech.cut)
        assert abs(control.mean()) <= CONTROL_SHARE * abs(intact.mean()), (
            f"{mech.name}: with {mech.cut} the switch still moves {mech.outcome} by {control.mean():+.4f} "
            f"(intact {intact.mean():+.4f})")


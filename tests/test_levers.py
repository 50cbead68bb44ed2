"""Every lever moves the outcome it should, in the direction the evidence says, by a plausible amount.

Each test compares a lever arm with a comparison arm (usually the shared default arm ``base``) over the same
seeds: common random numbers, so the model's named random streams line up and most run-to-run noise cancels
in the per-seed difference. The verdict on direction is a paired statistic over those differences:

* the mean paired difference must point in the expected direction and be at least a stated smallest effect
  that matters, and
* the one-sided paired t statistic ``mean(d) / (sd(d) / sqrt(n))`` must exceed :data:`T_MIN`.

Why both. With ``n = 10`` pairs (9 degrees of freedom) a one-sided ``t > 3`` has a p-value below 0.0075
(``t_0.99,9 = 2.82``; with 20 pairs below 0.004), so an arm difference with no real effect passes less than 1%
of the time. But common
random numbers make the paired differences so tight that negligible side effects through other paths also
reach ``t > 3``: with a lever's own mechanism switched off through its uncertainty parameter (for example
``supervision.sts_protection = 0`` or ``mentoring.se_gain = 0``), the remaining indirect paths gave paired t
up to 3.6 on effects a sixth or less of those of the intact mechanism. Each floor sits between the effect seen
with the mechanism switched off and the effect seen with it intact; both are quoted in the comments.

Plausibility. Realistic effects are small: interventions for mental-health providers pooled at about
g = 0.13 (Dreison et al. 2018), organisation-directed interventions for physicians at about SMD 0.45 and
person-directed ones at about 0.18 (Panagioti et al. 2017). So no single lever, even at the end of its
plausible range, may move the mean ProQOL burnout raw score by half a norm SD (0.5 x 5.4 = 2.7 points) or
more, and a bundle of six organisational programmes not by a whole SD. A model in which a wellness course
erases burnout fails here.

Lever values come from the declared plausible ``range`` (read through :meth:`Parameters.spec`, never
retyped) for single levers, and from the scenario library for programmes defined by several settings
(wellness with and without boosters, the organisational bundle, the understaffed service, the float pool).
Every (arm, seed) is simulated once per test session (``functools.cache``); the default arm is shared. Service
of 200 posts, 104-week burn-in, 104 recorded weeks, 10 seeds (the two smallest effects: 600 posts, 20 seeds):
about 270 runs, roughly 50 seconds on two cores. Observed values in the comments are for these settings and
seeds, at the time of writing; "mechanism off" values come from the same design with the named uncertainty
parameter set to zero in both arms.

Not repeated here (``tests/test_directional.py`` covers them): leader support itself, the caseload cap
raised above the sustainable caseload, and vacancies combined with slow hiring.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from model import Parameters, RunResult, WorkforceModel, simulate
from model.parameters import Hiring
from model.programmes import PROGRAMMES
from model.proqol import NORMS
from model.state import ACTIVE, VACANT
from scenarios import load

from .paired import _default, _hi, _lo, paired_t

pytestmark = pytest.mark.slow

N_POSTS = 200
WEEKS = 104
BURN_IN_WEEKS = 104
SEEDS = tuple(range(4100, 4110))  # 10 paired replicates
#: the larger design for the two smallest effects in this file, leadership training on burnout and supervision
#: coverage on STS: in the 200-post service on ten seeds their t ranged from 2.4 to 5 across four seed sets,
#: too close to T_MIN. Three times the posts and twice the seeds: t 3.8-6.8 and 9-17 on the same four sets.
PRECISE_POSTS = 600
PRECISE_SEEDS = tuple(range(4100, 4120))
#: one-sided paired t threshold; see the module docstring for the reasoning
T_MIN = 3.0
#: ProQOL burnout raw-score norm SD (Stamm 2010), the unit of the plausibility bounds
BO_SD = NORMS["bo"][1]
#: largest plausible change of mean ProQOL BO from one lever or programme, in norm SDs (see module docstring)
MAX_SINGLE_SD = 0.5
#: largest plausible change from the combined organisational bundle, in norm SDs
MAX_BUNDLE_SD = 1.0
#: the week from which the delayed arm's levers apply (test of ``start_week``)
DELAY = 26
#: recorded weeks of the trauma-concentration runs (built on ``WorkforceModel`` directly)
CONCENTRATION_WEEKS = 52








def _scenario(name: str) -> dict[str, float]:
    """Dotted overrides of a library scenario, with ``extends`` resolved.

    Args:
        name: scenario name, for example ``"wellness-programme"``.

    Returns:
        The values in which the scenario's parameters differ from the defaults.
    """
    defaults = Parameters().flat()
    return {k: v for k, v in load(name).params.flat().items() if v != defaults[k]}


#: groups whose levers have a ``start_week``
STAGED_GROUPS = tuple(sorted({n.split(".")[0] for n in Parameters.names() if n.endswith(".start_week")}))

#: the arms, by name: a zero-argument function returning dotted overrides on the defaults (plus the small
#: service); functions, so that scenario files are read when an arm first runs
ARMS: dict[str, Callable[[], dict[str, float]]] = {
    "base": dict,
    # supervision: each lever alone at the top of its range
    "sup_sessions": lambda: {"supervision.sessions_per_month": _hi("supervision.sessions_per_month")},
    "sup_quality": lambda: {"supervision.reflective_quality": _hi("supervision.reflective_quality")},
    "sup_coverage": lambda: {"supervision.coverage": _hi("supervision.coverage")},
    # leadership
    "lead_training": lambda: {"leadership.training": _hi("leadership.training")},
    "lead_recognition": lambda: {"leadership.recognition": _hi("leadership.recognition")},
    # person-directed: wellness with quarterly boosters, the same course once, EI training
    "wellness": lambda: _scenario("wellness-programme"),
    "wellness_once": lambda: _scenario("wellness-one-off"),
    "ei": lambda: {"ei_training.uptake": _hi("ei_training.uptake")},
    # organisation-directed programmes
    "peer_support": lambda: {"peer_support.coverage": _hi("peer_support.coverage")},
    "trauma_informed": lambda: {"trauma_informed.level": _hi("trauma_informed.level")},
    "mentoring": lambda: {"mentoring.coverage": _hi("mentoring.coverage")},
    "admin": lambda: {"work.admin_burden": _lo("work.admin_burden")},
    "autonomy": lambda: {"work.schedule_autonomy": _hi("work.schedule_autonomy")},
    "cap_low": lambda: {"caseload.cap_per_fte": _lo("caseload.cap_per_fte")},
    "bundle": lambda: _scenario("organisational-bundle"),
    # staffing
    "hiring_fast": lambda: {"hiring.rel_delay": _lo("hiring.rel_delay")},
    "vacancy_high": lambda: {"service.initial_vacancy_rate": _hi("service.initial_vacancy_rate")},
    # float staff are tested where there is a queue for them to take: the understaffed service (see the test)
    "understaffed": lambda: _scenario("understaffed"),
    "understaffed_float": lambda: {**_scenario("understaffed"), **_scenario("float-staff")},
    # every staged lever group changed at once, all starting at week DELAY
    "delayed": lambda: {
        **_scenario("organisational-bundle"), **_scenario("wellness-programme"), **_scenario("ei-training"),
        **_scenario("float-staff"), **_scenario("faster-hiring"), **_scenario("clinical-rotation"),
        "caseload.cap_per_fte": _lo("caseload.cap_per_fte"),
        "caseload.trauma_concentration": _hi("caseload.trauma_concentration"),
        "peers.psych_safety": _hi("peers.psych_safety"),
        **{f"{g}.start_week": DELAY for g in STAGED_GROUPS},
    },
}


@functools.cache
def _params(arm: str, n_posts: int = N_POSTS) -> Parameters:
    """Parameters of an arm.

    Args:
        arm: key of :data:`ARMS`.
        n_posts: budgeted posts of the service.

    Returns:
        Validated parameters: the defaults, the service size and the arm's overrides.
    """
    return Parameters().with_overrides({"service.n_posts": n_posts, **ARMS[arm]()})


@functools.cache
def _run(arm: str, seed: int, n_posts: int = N_POSTS) -> RunResult:
    """Simulate one arm with one seed, once per session.

    Args:
        arm: key of :data:`ARMS`.
        seed: root seed.
        n_posts: budgeted posts of the service.

    Returns:
        The run's result (weekly table and summary).
    """
    return simulate(_params(arm, n_posts), seed=seed, weeks=WEEKS, burn_in_weeks=BURN_IN_WEEKS)


Key = str | Callable[[RunResult], float]


def window_mean(column: str, first: int, last: int) -> Callable[[RunResult], float]:
    """A key that averages a weekly column over a window of weeks (NaN weeks without a survey skipped).

    Args:
        column: weekly outcome column, for example ``"mean_bo"``.
        first: first week of the window.
        last: last week of the window (inclusive).

    Returns:
        A function of a :class:`RunResult` usable as a key in :func:`values`.
    """

    def key(result: RunResult) -> float:
        weekly = result.weekly
        return float(weekly.loc[weekly["week"].between(first, last), column].mean())

    key.__name__ = f"{column}[{first}-{last}]"
    return key


def _key_name(key: Key) -> str:
    return key if isinstance(key, str) else key.__name__


def values(arm: str, key: Key, precise: bool = False) -> np.ndarray:
    """One value per seed.

    Args:
        arm: key of :data:`ARMS`.
        key: summary key (for example ``"mean_bo_mean"``) or a function of a :class:`RunResult`.
        precise: use the larger design (:data:`PRECISE_POSTS`, :data:`PRECISE_SEEDS`) instead of the standard
            one (:data:`N_POSTS`, :data:`SEEDS`).

    Returns:
        Array with one value per seed of the design.
    """
    get = (lambda r: r.summary[key]) if isinstance(key, str) else key
    n_posts, seeds = (PRECISE_POSTS, PRECISE_SEEDS) if precise else (N_POSTS, SEEDS)
    return np.array([get(_run(arm, seed, n_posts)) for seed in seeds], dtype=float)


def assert_paired(diff: np.ndarray, direction: int, min_effect: float, what: str) -> None:
    """Assert that paired differences point in ``direction`` by at least ``min_effect``, with ``t > T_MIN``.

    Args:
        diff: paired differences (lever arm minus comparison arm), one per seed.
        direction: ``+1`` if the lever should raise the outcome, ``-1`` if it should lower it.
        min_effect: smallest mean change, in the outcome's unit, that counts as an effect (positive).
        what: description for the failure message.

    Raises:
        AssertionError: with the differences, their mean and the t statistic.
    """
    signed = direction * diff
    t = paired_t(signed)
    assert signed.mean() >= min_effect and t > T_MIN, (
        f"{what}: paired differences {np.round(diff, 4).tolist()}, mean {diff.mean():+.4g} (need "
        f"{'+' if direction > 0 else '-'}{min_effect:.4g} or beyond), one-sided t = {t:.2f} (need > {T_MIN})")


def assert_effect(arm: str, key: Key, direction: int, min_effect: float, base: str = "base",
                  precise: bool = False) -> None:
    """Assert that ``arm`` moves ``key`` in ``direction`` compared with ``base``, by a paired test.

    Args:
        arm: the lever arm.
        key: summary key or function of a :class:`RunResult`.
        direction: ``+1`` (the lever raises the outcome) or ``-1`` (it lowers it).
        min_effect: smallest mean paired change that counts as an effect (in the unit of ``key``).
        base: the comparison arm (same seeds).
        precise: use the larger design (see :func:`values`).

    Raises:
        AssertionError: with the arms' means, the paired differences and the t statistic.
    """
    diff = values(arm, key, precise) - values(base, key, precise)
    what = (f"{_key_name(key)}: {base} mean {values(base, key, precise).mean():.4g}, {arm} mean "
            f"{values(arm, key, precise).mean():.4g}")
    assert_paired(diff, direction, min_effect, what)


def assert_plausible_burnout(arm: str, base: str = "base", max_sd: float = MAX_SINGLE_SD,
                             precise: bool = False) -> None:
    """Assert that ``arm`` moves mean ProQOL burnout by less than ``max_sd`` norm SDs, either way.

    Args:
        arm: the lever arm.
        base: the comparison arm (same seeds).
        max_sd: the bound in ProQOL BO norm SDs (raw-score SD 5.4, Stamm 2010).
        precise: use the larger design (see :func:`values`).

    Raises:
        AssertionError: with the mean paired change in raw points and in SDs.
    """
    diff = values(arm, "proqol_bo_raw_mean", precise) - values(base, "proqol_bo_raw_mean", precise)
    assert abs(diff.mean()) < max_sd * BO_SD, (
        f"{arm} vs {base}: mean ProQOL BO raw change {diff.mean():+.2f} points = {diff.mean() / BO_SD:+.2f} SD, "
        f"implausibly large (bound {max_sd} SD)")


# ------------------------------------------------------------------------------------------------------------
# supervision


@pytest.mark.parametrize("arm", ["sup_sessions", "sup_quality", "sup_coverage"])
def test_supervision_lowers_sts(arm):
    """More, more reflective or wider supervision lowers STS (supervision protects STS; Bride 2007, Knight 2013)."""
    # Observed mean_sts: sessions 1 -> 4 -0.0092 (t -15), quality 0.5 -> 0.9 -0.0025 (t -5.7), coverage
    # 0.7 -> 1 -0.0034 (t -17, larger design). With supervision.sts_protection = 0 they moved STS by -0.0014,
    # -0.0004 and -0.0002 (t -2.2, -0.9, -0.4; 200 posts): the floor of 0.0015 (0.06 raw ProQOL points) sits
    # between.
    precise = arm == "sup_coverage"  # the smallest of the three: the larger design (see PRECISE_POSTS)
    assert_effect(arm, "mean_sts_mean", -1, 0.0015, precise=precise)
    # The survey sees it too. Observed: -0.28 (t -12), -0.08 (t -5.1), -0.10 (t -10) raw points; with the
    # protection off -0.045, -0.015, -0.004. Floor 0.05 raw points.
    assert_effect(arm, "proqol_sts_raw_mean", -1, 0.05, precise=precise)
    assert_plausible_burnout(arm)  # observed ProQOL BO raw: -0.23, -0.05, -0.07 points


@pytest.mark.parametrize("arm, ratio", [
    ("sup_sessions", _hi("supervision.sessions_per_month") / _default("supervision.sessions_per_month")),
    ("sup_coverage", _hi("supervision.coverage") / _default("supervision.coverage")),
])
def test_supervision_costs_more(arm, ratio):
    """More sessions or wider coverage raise the supervision cost (costed per session, PSSRU unit costs)."""
    assert_effect(arm, "cum_cost_supervision", +1, 1.0)
    # The cost scales with sessions x supervised clinicians; the clinicians in post differ a little between
    # arms, so the ratio is checked to within 10%. Observed: sessions x4.01-4.14 (t 86), coverage
    # x1.38-1.53 (t 38) against 4 and 1.43.
    got = values(arm, "cum_cost_supervision") / values("base", "cum_cost_supervision")
    assert np.all(np.abs(got / ratio - 1.0) < 0.1), (got.round(3).tolist(), ratio)


# ------------------------------------------------------------------------------------------------------------
# leadership


def test_leadership_training_lowers_burnout_and_turnover():
    """Leadership training raises leader support: lower burnout and turnover (Kelloway & Barling 2010; West 2021)."""
    # Training adds 0.15 to leader support (one of six equally weighted JD-R resources), so the burnout effect
    # is the smallest in this file; it is tested in the larger design (PRECISE_POSTS, PRECISE_SEEDS).
    # Observed: mean_bo -0.0023 (t -5.4), ProQOL BO raw -0.08 points = -0.015 SD. Several paths carry it and
    # each alone gives about the same: with the JD-R buffer off (work.buffer_strength = 0) -0.0022 (t -4.2),
    # with persuasion and the leader's retention weight off -0.0022 (t -5.6); so no floor can tell a broken
    # path here, and the floor of 0.001 (0.04 raw points) only rules out a negligible effect.
    assert_effect("lead_training", "mean_bo_mean", -1, 0.001, precise=True)
    # Observed: annual turnover -0.024 (t -13). With turnover.w_leader = 0 it moved -0.002 (t -1.8): floor
    # 0.01 (one percentage point a year).
    assert_effect("lead_training", "annual_turnover", -1, 0.01, precise=True)
    assert_plausible_burnout("lead_training", precise=True)


def test_recognition_lowers_burnout():
    """Recognition lowers burnout: a JD-R resource (reward as an area of worklife; Maslach & Leiter 2016)."""
    # Observed, recognition 0.4 -> 0.8: mean_bo -0.0028 (t -4.4). Before recognition entered the resources
    # index (it fed only CS) the effect was -0.0002 (t -1.8): floor 0.002.
    assert_effect("lead_recognition", "mean_bo_mean", -1, 0.002)


@pytest.mark.xfail(strict=True, reason=(
    "recognition reaches turnover only through burnout and compassion satisfaction: at 0.4 -> 0.8 annual "
    "turnover moves -0.005 (t -1.6), below the one-percentage-point floor"))
def test_recognition_lowers_turnover():
    """Recognition lowers turnover by at least a percentage point a year (Maslach & Leiter 2016)."""
    assert_effect("lead_recognition", "annual_turnover", -1, 0.01)


def test_recognition_raises_compassion_satisfaction():
    """Recognition raises compassion satisfaction (recognition as a CS gain; Maslach & Leiter 2016, Stamm 2010)."""
    # Observed, recognition 0.4 -> 0.8: mean_cs +0.0077 (t 90), ProQOL CS raw +0.26 (t 40). With
    # satisfaction.w_recognition = 0 the arms' CS is identical. Floor 0.002.
    assert_effect("lead_recognition", "mean_cs_mean", +1, 0.002)
    assert_plausible_burnout("lead_recognition")


# ------------------------------------------------------------------------------------------------------------
# wellness


def test_wellness_programme_lowers_burnout_modestly():
    """A boosted wellness course lowers burnout a little (detachment; Dreison et al. 2018, g about 0.13)."""
    # Observed: mean_bo -0.0134 (t -14); ProQOL BO raw -0.44 = -0.08 SD, in line with g = 0.13 at half
    # uptake (one-off course: -0.18 = -0.03 SD). With wellness.effect = 0 only the cost differs; floor 0.005.
    assert_effect("wellness", "mean_bo_mean", -1, 0.005)
    assert_plausible_burnout("wellness")
    assert_plausible_burnout("wellness_once")


LAST_YEAR_BO = window_mean("mean_bo", WEEKS - 51, WEEKS)


def test_wellness_effect_fades_without_boosters():
    """Without boosters the wellness effect in the last year is smaller than with them (Awa et al. 2010)."""
    # Observed, mean BO over the last 52 weeks: one-off minus boosted +0.012 (t 8.0); against the base the
    # boosted course gives -0.016 there, the one-off course -0.004. With the fading switched off
    # (wellness.half_life_weeks = 520) the difference was +0.0014 (t 2.7): floor 0.005.
    assert_effect("wellness_once", LAST_YEAR_BO, +1, 0.005, base="wellness")
    # and the one-off course still helps over the whole run (observed mean_bo -0.0053, t -7.6)
    assert_effect("wellness_once", "mean_bo_mean", -1, 0.002)


# ------------------------------------------------------------------------------------------------------------
# peer support, trauma-informed organisation, mentoring, EI training


def test_peer_support_raises_satisfaction_and_lowers_burnout():
    """Peer support adds a support resource (and contagion ties): higher CS, lower BO (Hu et al. 2012)."""
    # The programme's extra ties also carry burnout contagion (Bakker, Le Blanc & Schaufeli 2005), so the net
    # effect is what is tested. Observed at full coverage: mean_cs +0.0037 (t 7.9), mean_bo -0.0059 (t -6.1).
    # With peer_support.support = 0 (ties and contagion only): CS -0.0001 (t -0.3), BO +0.0003 (t 0.4), so
    # contagion pulls colleagues together without moving the mean, and the support resource does the work.
    # Floor 0.002 for both.
    assert_effect("peer_support", "mean_cs_mean", +1, 0.002)
    assert_effect("peer_support", "mean_bo_mean", -1, 0.002)
    assert_plausible_burnout("peer_support")


def test_trauma_informed_organisation_earlier_leave_and_lower_burnout():
    """A trauma-informed organisation: more, earlier sick leave and lower burnout (Clement 2015; Sweeney 2018)."""
    # Stigma-free help-seeking lowers the burnout at which leave is taken, so more leave episodes start even
    # though burnout falls: observed leave starts 241.6 -> 265.6 (t 23; most of the base arm's leave is
    # all-cause since science v2) while mean_bo falls. With trauma_informed.stigma_shift = 0 leave starts moved
    # -3.8 (before the all-cause leave): floor 10 episodes over the two years.
    assert_effect("trauma_informed", "cum_leave_starts", +1, 10.0)
    # Burnout falls through psychological safety (usable peer support): with the stigma shift off -0.0052,
    # with trauma_informed.safety_gain = 0 -0.0016 (t -1.6). Floor 0.002.
    assert_effect("trauma_informed", "mean_bo_mean", -1, 0.002)
    assert_plausible_burnout("trauma_informed")


def test_mentoring_lowers_turnover_and_raises_self_efficacy():
    """Mentoring early-career staff lowers turnover and raises self-efficacy (Zhang 2016; Bandura 1997)."""
    # Observed: annual turnover -0.051 (t -16), mean_se +0.041 (t 52). Mechanism off: with
    # mentoring.intention_relief = 0 turnover moved -0.003; with mentoring.se_gain = 0 SE moved +0.003.
    # Floors: two percentage points of turnover a year, 0.01 of self-efficacy.
    assert_effect("mentoring", "annual_turnover", -1, 0.02)
    assert_effect("mentoring", "mean_se_mean", +1, 0.01)
    assert_plausible_burnout("mentoring")


def test_ei_training_lowers_sts():
    """Emotional-intelligence training lowers STS (EI protects against compassion fatigue; Zeidner et al. 2013)."""
    # Observed, uptake 0 -> 1: mean_sts -0.0029 (t -8.2). With sts.ei_protection = 0 (EI then only a JD-R
    # resource): -0.0006 (t -0.9). Floor 0.0015.
    assert_effect("ei", "mean_sts_mean", -1, 0.0015)
    assert_plausible_burnout("ei")


# ------------------------------------------------------------------------------------------------------------
# work design and caseload


def test_less_admin_lowers_burnout_and_costs_admin_support():
    """Less paperwork lowers burnout (JD-R demands; Sinsky et al. 2016) and buys admin support at a cost."""
    # Observed, admin share 0.35 -> 0.15: mean_bo -0.0146 (t -16), ProQOL BO raw -0.50. The admin share
    # acts only through work.demand_weight_admin; with it 0 the arms differ only in cost. Floor 0.005.
    assert_effect("admin", "mean_bo_mean", -1, 0.005)
    assert (values("base", "cum_cost_admin_support") == 0).all()
    assert (values("admin", "cum_cost_admin_support") > 0).all()
    assert_plausible_burnout("admin")


def test_schedule_autonomy_lowers_burnout():
    """More schedule autonomy lowers burnout (job control as a resource and detachment; Karasek 1979)."""
    # Observed, autonomy 0.5 -> 0.8: mean_bo -0.043 (t -31); ProQOL BO raw -1.47 = -0.27 SD. Floor 0.005.
    assert_effect("autonomy", "mean_bo_mean", -1, 0.005)
    assert_plausible_burnout("autonomy")


def test_lower_caseload_cap_lowers_burnout_and_lengthens_waiting_list():
    """A lower caseload cap lowers burnout and lengthens the waiting list (Yanchus et al. 2017)."""
    # Observed, cap 30 -> 15: mean_bo -0.056 (t -46), ProQOL BO raw -1.92 = -0.36 SD (the largest single-lever
    # effect in the model: caseloads halve); waiting list 36 -> 2,750 clients (t 119).
    # With the load and trauma weights of demands off, burnout moved -0.0002 (t -0.6): floor 0.005.
    assert_effect("cap_low", "mean_bo_mean", -1, 0.005)
    # floor: a hundred more clients waiting, about a third of a week's referrals in a 200-post service
    assert_effect("cap_low", "n_waitlist_mean", +1, 100.0)
    assert_plausible_burnout("cap_low")


# ------------------------------------------------------------------------------------------------------------
# trauma concentration (on WorkforceModel directly: the summary has no specialist split)


@functools.cache
def _concentration_run(concentration: float, seed: int) -> dict[str, float]:
    """Run a service with a given trauma concentration and measure specialists and generalists separately.

    Args:
        concentration: ``caseload.trauma_concentration``.
        seed: root seed.

    Returns:
        Means over the recorded weeks of: high-trauma clients per specialist and per generalist at work
        (``spec_high``, ``gen_high``), their trauma exposure (``spec_exposure``, ``gen_exposure``), the STS of
        specialists in post (``spec_sts``), and the service's mean ProQOL BO raw score
        (``proqol_bo_raw_mean``).
    """
    params = Parameters().with_overrides({"service.n_posts": N_POSTS,
                                          "caseload.trauma_concentration": concentration})
    model = WorkforceModel(params, rng=seed, burn_in_weeks=BURN_IN_WEEKS)
    rows = []
    for _ in range(CONCENTRATION_WEEKS):
        model.step()
        ws = model.workforce
        at_work, present = ws.status == ACTIVE, ws.status != VACANT
        spec, gen = at_work & ws.specialist, at_work & ~ws.specialist
        rows.append({"spec_high": ws.caseload[2][spec].mean(), "gen_high": ws.caseload[2][gen].mean(),
                     "spec_exposure": ws.exposure[spec].mean(), "gen_exposure": ws.exposure[gen].mean(),
                     "spec_sts": ws.sts[present & ws.specialist].mean()})
    out = pd.DataFrame(rows).mean().to_dict()
    out["proqol_bo_raw_mean"] = float(model.datacollector.get_model_vars_dataframe()["proqol_bo_raw"].mean())
    return out


def _concentration(concentration: float, key: str) -> np.ndarray:
    """One concentration-run value per seed.

    Args:
        concentration: ``caseload.trauma_concentration``.
        key: key of :func:`_concentration_run`'s result.

    Returns:
        Array of shape ``(len(SEEDS),)``.
    """
    return np.array([_concentration_run(concentration, s)[key] for s in SEEDS])


def test_trauma_concentration_loads_specialists():
    """Routing high-trauma referrals to specialists raises their trauma load and STS (Bride 2007; Sprang 2007)."""
    off, on = _default("caseload.trauma_concentration"), _hi("caseload.trauma_concentration")
    # Observed over 52 weeks, concentration 0 -> 1: high-trauma clients per specialist at work 5.7 -> 19.4
    # (t 66), per generalist 5.8 -> 2.4 (t -31); specialists' exposure 0.91 -> 2.05 (t 66) and STS
    # 0.155 -> 0.243 (t 35); service mean ProQOL BO unchanged (+0.01 raw). Floors: two more high-trauma
    # clients per specialist, one fewer per generalist, 0.2 of exposure (two high-trauma clients per
    # reference caseload), 0.02 of STS (0.8 raw ProQOL points).

    def diff(key: str) -> np.ndarray:
        return _concentration(on, key) - _concentration(off, key)

    assert_paired(diff("spec_high"), +1, 2.0, "high-trauma clients per specialist")
    assert_paired(diff("gen_high"), -1, 1.0, "high-trauma clients per generalist")
    assert_paired(diff("spec_exposure"), +1, 0.2, "specialists' trauma exposure")
    assert_paired(diff("spec_sts"), +1, 0.02, "specialists' STS")
    bo = diff("proqol_bo_raw_mean")
    assert abs(bo.mean()) < MAX_SINGLE_SD * BO_SD, bo


# ------------------------------------------------------------------------------------------------------------
# staffing


def test_float_staff_shorten_waiting_list_at_a_cost():
    """Float staff take waiting clients (shorter waiting list) and cost salary plus premium (Buchan et al. 2019)."""
    # Tested in the understaffed service, where there is a queue for float staff to take. In the default
    # service the weekly waiting list (about 36) is mostly clients of that week's leavers, re-allocated the
    # next week before float staff are offered any; there the float-staff scenario shortened it by 4.7
    # (t -1.3), though it removed every client who gave up waiting (18.8 -> 0 over two years, in the few
    # runs with a real queue). Observed here: waiting list 238 -> 87 (t -8.4).
    # Floor: a fifth of the understaffed arm's waiting list.
    floor = 0.2 * values("understaffed", "n_waitlist_mean").mean()
    assert_effect("understaffed_float", "n_waitlist_mean", -1, floor, base="understaffed")
    # Cost: FTE x salary x (1 + premium), every week, whether or not there are absent posts to cover.
    p = _params("understaffed_float")
    fte = p.staffing.float_fte_per_100_posts * N_POSTS / 100
    expected = fte * p.costs.salary_per_fte_year * (1 + p.costs.float_premium) * WEEKS / 52
    np.testing.assert_allclose(values("understaffed_float", "cum_cost_float"), expected, rtol=1e-9)
    assert (values("understaffed", "cum_cost_float") == 0).all()
    assert_plausible_burnout("understaffed_float", base="understaffed")


def test_faster_hiring_means_fewer_vacancies():
    """Shorter hiring delays mean fewer vacant posts (time to fill; NHS vacancy statistics, King's Fund 2019)."""
    # Floor: two posts (1% of the service); 12 -> 6 weeks halves the vacancies the delay causes.
    assert_effect("hiring_fast", "n_vacant_mean", -1, 2.0)
    assert_plausible_burnout("hiring_fast")


def test_recruitment_practice_scales_the_market_time_to_fill():
    """hiring.rel_delay multiplies the market's hiring.mean_delay_weeks: half the practice's delay in a market
    twice as slow draws exactly the same hiring delays from the same state of the hiring stream."""
    m = WorkforceModel(Parameters().with_overrides({"service.n_posts": 60}), rng=3, burn_in_weeks=0)
    stream = m.streams["hiring"]
    state = stream.bit_generator.state

    def delays(mean: float, rel: float):
        stream.bit_generator.state = state
        return m._hiring_delays(500, Hiring(mean_delay_weeks=mean, rel_delay=rel))

    np.testing.assert_array_equal(delays(24.0, 0.5), delays(12.0, 1.0))
    assert delays(24.0, 1.0).mean() > 1.6 * delays(24.0, 0.5).mean()
    stream.bit_generator.state = state  # the group in force is the default
    np.testing.assert_array_equal(m._hiring_delays(500), delays(12.0, 1.0))


def test_initial_vacancy_rate_sets_week_zero_vacancies_and_raises_load():
    """A higher initial vacancy rate empties posts at week 0 and raises the load of those who stay (O'Connor 2018)."""
    # Exact at week 0: round(rate x posts) posts vacant.
    for arm in ("base", "vacancy_high"):
        rate = _params(arm).service.initial_vacancy_rate
        week0 = values(arm, lambda r: r.weekly["n_vacant"].iloc[0])
        assert (week0 == round(rate * N_POSTS)).all(), (arm, week0)
    # Load over the first quarter, while the extra vacancies refill (mean delay 12 weeks). Observed before the
    # onboarding ramp 0.906 -> 0.972 (t 10); since new hires ramp up their caseloads and the extra waiting
    # clients press on everyone (science v2), 0.915 -> 0.928 (t 2.1 on the small design) and on the larger
    # design 0.924 -> 0.931 (t 4.1): the clients of the vacated posts mostly wait rather than stretch the caps,
    # so the waiting list carries the effect. Floors: load 0.005, waiting list 5 clients.
    assert_effect("vacancy_high", window_mean("mean_load", 1, 13), +1, 0.005, precise=True)
    assert_effect("vacancy_high", window_mean("n_waitlist", 1, 13), +1, 5.0, precise=True)
    assert_plausible_burnout("vacancy_high")


# ------------------------------------------------------------------------------------------------------------
# organisation-directed versus person-directed


@pytest.mark.parametrize("person_directed", ["wellness", "wellness_once", "ei"])
def test_organisational_bundle_beats_person_directed_programmes(person_directed):
    """The organisational bundle lowers burnout more than person-directed programmes (Panagioti et al. 2017)."""
    # Paired on the same seeds, bundle minus programme, ProQOL BO raw. Observed against the base: bundle -1.70
    # raw points (-0.31 SD), wellness -0.44, one-off wellness -0.18, EI training -0.08; bundle minus
    # programme -1.25 (t -35), -1.52 (t -37), -1.62 (t -34). Panagioti et al. found SMD 0.45 versus 0.18, a
    # gap of about a quarter SD; floor a tenth of an SD (0.54 raw points).
    assert_effect("bundle", "proqol_bo_raw_mean", -1, 0.1 * BO_SD, base=person_directed)
    assert_plausible_burnout("bundle", max_sd=MAX_BUNDLE_SD)


# ------------------------------------------------------------------------------------------------------------
# start weeks and costs of programmes that are not running

DELAY_SEEDS = SEEDS[:3]
#: cost components of the registered programmes that do not run under the defaults
OPTIONAL_COSTS = tuple(c for prog in PROGRAMMES if not prog.running(Parameters()) for c in prog.cost_components)


@pytest.mark.parametrize("seed", DELAY_SEEDS)
def test_start_week_leaves_earlier_weeks_identical(seed):
    """Levers with start_week = 26 leave weeks 0-25 identical to the default run and change later weeks."""
    base, delayed = _run("base", seed).weekly, _run("delayed", seed).weekly
    before = base["week"] < DELAY
    # values must be identical; dtypes may not be (a cost column that stays 0 is int, one charged later float)
    pd.testing.assert_frame_equal(base[before], delayed[before], check_dtype=False, check_exact=True)
    # afterwards the runs differ: the running programmes cost money every week from the week after the start
    # week at the latest (whether the start week's own row already differs is the model's convention and not
    # tested), and burnout follows
    after = base["week"] >= DELAY
    running = base["week"] > DELAY
    assert (base.loc[running, "new_programme_cost"].to_numpy()
            != delayed.loc[running, "new_programme_cost"].to_numpy()).all()
    late = base["week"] > DELAY + 13
    assert (base.loc[late, "mean_bo"].to_numpy() != delayed.loc[late, "mean_bo"].to_numpy()).all()
    # every optional programme costs nothing before its start week and something after it
    for component in OPTIONAL_COSTS:
        col = delayed[f"new_cost_{component}"]
        assert (col[before] == 0).all(), component
        assert col[after].sum() > 0, component


def _running(p: Parameters) -> dict[str, bool]:
    """Which optional programmes run under parameters ``p``, from the registry.

    Args:
        p: parameters of an arm (all its start weeks are 0 unless the arm is ``delayed``).

    Returns:
        ``{cost component: running}`` for the components in :data:`OPTIONAL_COSTS`.
    """
    return {c: prog.running(p) for prog in PROGRAMMES for c in prog.cost_components if c in OPTIONAL_COSTS}


def test_optional_programmes_include_every_programme_off_by_default():
    """The registry says which programmes are off by default; those are the ones the cost tests check."""
    assert {"leadership", "wellness", "peer_support", "trauma_informed", "mentoring", "ei_training",
            "admin_support", "float", "rotation"} == set(OPTIONAL_COSTS)


def test_costs_are_zero_for_programmes_not_running():
    """Programmes that do not run cost nothing, and those that run cost something (costing of each lever)."""
    for arm in ARMS:
        if arm == "delayed":
            continue  # covered by test_start_week_leaves_earlier_weeks_identical
        for component, running in _running(_params(arm)).items():
            cost = values(arm, f"cum_cost_{component}")
            assert (cost > 0).all() if running else (cost == 0).all(), (arm, component, cost.tolist())

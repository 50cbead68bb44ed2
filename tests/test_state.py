"""Drawing clinicians: the initial-staff and new-hire distributions, their defaults and their feasibility."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import Parameters
from model.state import (BETA_ROWS, LATENT_STATES, MAX_SD_SHARE, VACANT, Workforce, beta_shapes,
                         clinician_mean_sd, draw_clinicians)

#: the numbers draw_clinicians hard-coded before they became parameters (rows in BETA_ROWS order)
OLD_ESTABLISHED = ((0.5, 0.15), (0.56, 0.2), (0.67, 0.115), (0.31, 0.15), (0.16, 0.11), (0.28, 0.15),
                   (0.435, 0.065), (0.107, 0.085))
OLD_NEW_HIRE = ((0.5, 0.15), (0.4, 0.1), (0.65, 0.1), (0.2, 0.08), (0.1, 0.06), (0.1, 0.05), (0.6, 0.1),
                (0.05, 0.03))
#: every parameter of the two distributions
DISTRIBUTION_PARAMETERS = [s for s in Parameters.specs() if s.path[0] in ("initial_staff", "new_hires")
                           or s.name == "self_efficacy.new_hire_mean"]


def _reference_draw(ws: Workforce, idx: np.ndarray, p: Parameters, rng: np.random.Generator, new_hire: bool) -> None:
    """The drawing procedure written out independently (science v2): uniforms, three normals per clinician for the
    traits, the Beta block whose EI row is replaced by the copula draw (scipy.stats here), tenures."""
    from scipy import stats

    k = idx.size
    u = rng.random((k, 7))
    z = rng.standard_normal((3, k))
    sd = p.burnout.vulnerability_sd
    ws.vulnerability[idx] = np.exp(sd * z[0] - sd**2 / 2)
    ws.calling[idx] = np.maximum(0.0, 1.0 + p.traits.calling_sd * z[2])
    ws.trauma_history[idx] = u[:, 0] < p.sts.p_trauma_history
    ws.fte[idx] = np.where(u[:, 1] < p.service.prop_part_time, p.service.part_time_fte, 1.0)
    ws.specialist[idx] = u[:, 2] < p.service.prop_trauma_specialist
    ws.u_supervision[idx], ws.u_wellness[idx], ws.u_mentor[idx], ws.u_ei[idx] = u[:, 3], u[:, 4], u[:, 5], u[:, 6]
    ws.wellness_dose[idx] = 0.0
    ws.ei_trained[idx] = False
    m = np.array(OLD_NEW_HIRE if new_hire else OLD_ESTABLISHED)
    mean, sd_ = m[:, 0:1], m[:, 1:2]
    kk = mean * (1 - mean) / sd_**2 - 1
    draws = rng.beta(mean * kk, (1 - mean) * kk, (len(m), k))
    r = p.traits.ei_affectivity_correlation
    q = stats.norm.cdf(-r * z[0] + np.sqrt(1 - r**2) * z[1])
    ws.ei[idx] = stats.beta.ppf(q, mean[0, 0] * kk[0, 0], (1 - mean[0, 0]) * kk[0, 0])
    ws.latent[:, idx] = draws[1:]
    ws.weeks_in_post[idx] = 0 if new_hire else rng.geometric(1.0 / 200.0, k)
    ws.mastery[idx] = 0.7
    ws.vicarious_resilience[idx] = 0.0 if new_hire else 0.33
    ws.caseload[:, idx] = 0
    ws.status[idx] = 1
    ws.notice_left[idx] = -1


def _draw(p: Parameters, new_hire: bool, n: int = 400, seed: int = 1) -> Workforce:
    ws = Workforce.empty(n, np.zeros(n, np.int32))
    draw_clinicians(ws, np.arange(n), p, np.random.default_rng(seed), new_hire=new_hire)
    return ws


def _check_valid(ws: Workforce) -> None:
    present = ws.status != VACANT
    assert present.all()
    for name in ("ei", *LATENT_STATES, "mastery", "vicarious_resilience", "vulnerability"):
        x = getattr(ws, name)
        assert np.isfinite(x).all(), name
    assert ((ws.latent >= 0) & (ws.latent <= 1)).all() and ((ws.ei >= 0) & (ws.ei <= 1)).all()
    assert (ws.weeks_in_post >= 0).all()


def test_beta_rows_are_ei_then_the_latent_states():
    assert BETA_ROWS == ("ei", "se", "cs", "bo", "sts", "intention", "reserves", "growth")


def test_default_distributions_are_the_former_constants(defaults):
    assert clinician_mean_sd(defaults, new_hire=False) == OLD_ESTABLISHED
    assert clinician_mean_sd(defaults, new_hire=True) == OLD_NEW_HIRE
    assert defaults.initial_staff.mean_tenure_weeks == 200.0
    assert defaults.initial_staff.mastery == defaults.new_hires.mastery == 0.7
    assert defaults.initial_staff.vicarious_resilience == 0.33


@pytest.mark.parametrize("new_hire", [False, True], ids=["established", "new hire"])
def test_default_draws_match_the_reference_procedure(defaults, new_hire):
    n = 500
    idx = np.arange(3, n, 2)
    a, b = Workforce.empty(n, np.zeros(n, np.int32)), Workforce.empty(n, np.zeros(n, np.int32))
    rng_a, rng_b = np.random.default_rng(42), np.random.default_rng(42)
    draw_clinicians(a, idx, defaults, rng_a, new_hire=new_hire)
    _reference_draw(b, idx, defaults, rng_b, new_hire)
    for f in fields(Workforce):
        if f.name == "ei":  # two implementations of the Beta quantile function: equal to rounding
            np.testing.assert_allclose(a.ei, b.ei, rtol=1e-9, atol=1e-12)
        else:
            np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name), err_msg=f.name)
    # EI is tied to low vulnerability (negative affectivity) by the copula
    assert np.corrcoef(a.ei[idx], np.log(a.vulnerability[idx]))[0, 1] < -0.2
    assert rng_a.random() == rng_b.random()  # the stream advanced by the same amount


def test_default_sds_lie_below_the_feasibility_cap(defaults):
    for new_hire in (False, True):
        for mean, sd in clinician_mean_sd(defaults, new_hire=new_hire):
            assert sd < MAX_SD_SHARE * np.sqrt(mean * (1 - mean))


def test_beta_shapes_feasible_pairs_unchanged():
    a, b, fixed = beta_shapes(((0.4, 0.1), (0.56, 0.2)))
    mean, sd = np.array([0.4, 0.56]), np.array([0.1, 0.2])
    k = mean * (1 - mean) / sd**2 - 1  # the plain moment formula, exactly
    np.testing.assert_array_equal(a.ravel(), mean * k)
    np.testing.assert_array_equal(b.ravel(), (1 - mean) * k)
    assert not fixed.any()


def test_beta_shapes_cap_infeasible_sd():
    # mean 0.005 with SD 0.1: the former code gave a negative shape (ValueError: a <= 0 at the first hire)
    a, b, fixed = beta_shapes(((0.005, 0.1), (0.5, 0.5)))
    assert not fixed.any() and (a > 0).all() and (b > 0).all()
    np.testing.assert_allclose((a + b).ravel(), [1.0, 1.0])  # at the cap the shapes sum to 1
    x = np.random.default_rng(0).beta(a[1, 0], b[1, 0], 200_000)
    assert x.std() == pytest.approx(MAX_SD_SHARE * 0.5, rel=0.01)  # arcsine: SD sqrt(1/8)


@pytest.mark.parametrize("mean_sd", [(0.0, 0.1), (1.0, 0.1), (0.3, 0.0), (0.0, 0.0), (5e-324, 0.5)])
def test_beta_point_masses(mean_sd):
    rng = np.random.default_rng(0)
    from model.state import _beta
    x = _beta(rng, (mean_sd, (0.5, 0.1)), 1000)
    assert (x[0] == mean_sd[0]).all()
    assert 0.4 < x[1].mean() < 0.6


def test_new_hire_mean_self_efficacy_near_the_bounds_draws():
    """The former bug: self_efficacy.new_hire_mean <= 0.0101 or >= 0.9899 crashed at the first hire."""
    for mean in (0.0, 0.005, 0.0101, 0.9899, 0.995, 1.0):
        ws = _draw(Parameters().with_overrides({"self_efficacy.new_hire_mean": mean}), new_hire=True)
        _check_valid(ws)
        assert ws.se.mean() == pytest.approx(mean, abs=0.01)


@pytest.mark.parametrize("spec", DISTRIBUTION_PARAMETERS, ids=lambda s: s.name)
@pytest.mark.parametrize("end", [0, 1], ids=["low", "high"])
def test_each_distribution_parameter_alone_at_each_bound_draws(spec, end):
    p = Parameters().with_overrides({spec.name: spec.bounds[end]})
    for new_hire in (False, True):
        _check_valid(_draw(p, new_hire, n=200))


def test_tenure_and_starting_signals_follow_their_parameters():
    p = Parameters().with_overrides({"initial_staff.mean_tenure_weeks": 50.0, "initial_staff.mastery": 0.6,
                                     "initial_staff.vicarious_resilience": 0.2, "new_hires.mastery": 0.5})
    est, hire = _draw(p, False, n=4000), _draw(p, True, n=50)
    assert est.weeks_in_post.mean() == pytest.approx(50, rel=0.06)
    assert (est.mastery == 0.6).all() and (est.vicarious_resilience == 0.2).all()
    assert (hire.mastery == 0.5).all() and (hire.vicarious_resilience == 0).all() and (hire.weeks_in_post == 0).all()


def test_means_and_sds_follow_their_parameters():
    p = Parameters().with_overrides({"new_hires.bo_mean": 0.4, "new_hires.bo_sd": 0.12,
                                     "initial_staff.reserves_mean": 0.5, "initial_staff.reserves_sd": 0.1})
    hire, est = _draw(p, True, n=20_000), _draw(p, False, n=20_000)
    assert hire.bo.mean() == pytest.approx(0.4, abs=0.005) and hire.bo.std() == pytest.approx(0.12, rel=0.03)
    assert est.reserves.mean() == pytest.approx(0.5, abs=0.005)
    assert est.reserves.std() == pytest.approx(0.1, rel=0.03)


def _bounded(spec):
    lo, hi = spec.bounds
    return st.floats(lo, hi, allow_nan=False, allow_subnormal=lo == 0)


DISTRIBUTION_DRAWS = st.fixed_dictionaries({s.name: _bounded(s) for s in DISTRIBUTION_PARAMETERS})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=DISTRIBUTION_DRAWS, seed=st.integers(0, 2**32 - 1), new_hire=st.booleans())
def test_any_distribution_parameters_within_bounds_draw(values, seed, new_hire):
    p = Parameters().with_overrides(values)
    _check_valid(_draw(p, new_hire, n=50, seed=seed))


@pytest.mark.parametrize("mean", [0.0, 0.005, 0.995, 1.0])
def test_model_hires_with_extreme_new_hire_self_efficacy(mean):
    """At the model level: hires happen and nothing crashes (formerly ``ValueError: a <= 0`` at the first hire)."""
    from model import WorkforceModel

    p = Parameters().with_overrides({"service.n_posts": 40, "self_efficacy.new_hire_mean": mean,
                                     "turnover.p_other_week": 0.05, "hiring.mean_delay_weeks": 1.0})
    m = WorkforceModel(p, rng=2, burn_in_weeks=0)
    hires = 0
    for _ in range(10):
        m.step()
        hires += m.metrics["new_hires"]
    assert hires > 0
    assert np.isfinite(m.workforce.latent).all()


def _numpy_draw(ws: Workforce, idx: np.ndarray, p: Parameters, rng: np.random.Generator, new_hire: bool,
                p_specialist: np.ndarray | None) -> None:
    """The drawing procedure as NumPy array operations on the arrays (as it was before it was compiled): the same
    numbers, to the bit, as :func:`draw_clinicians`."""
    from scipy import special

    k = idx.size
    u = rng.random((k, 7))
    z = rng.standard_normal((3, k))
    mean_sd = clinician_mean_sd(p, new_hire=new_hire)
    a, b, fixed = beta_shapes(mean_sd)
    draws = rng.beta(a, b, (len(mean_sd), k))
    draws[fixed] = np.array([m for m, _ in mean_sd])[fixed, None]
    tenure = None if new_hire else rng.geometric(1.0 / p.initial_staff.mean_tenure_weeks, k)
    sd = p.burnout.vulnerability_sd
    ws.vulnerability[idx] = np.exp(sd * z[0] - 0.5 * sd**2)
    ws.calling[idx] = np.maximum(0.0, 1.0 + p.traits.calling_sd * z[2])
    ws.trauma_history[idx] = u[:, 0] < p.sts.p_trauma_history
    ws.fte[idx] = np.where(u[:, 1] < p.service.prop_part_time, p.service.part_time_fte, 1.0)
    ws.specialist[idx] = u[:, 2] < (p.service.prop_trauma_specialist if p_specialist is None else p_specialist)
    ws.u_supervision[idx], ws.u_wellness[idx], ws.u_mentor[idx], ws.u_ei[idx] = u[:, 3], u[:, 4], u[:, 5], u[:, 6]
    ws.wellness_dose[idx] = 0.0
    ws.ei_trained[idx] = False
    r = p.traits.ei_affectivity_correlation
    q = special.ndtr(-r * z[0] + np.sqrt(1.0 - r * r) * z[1])
    ei = np.full(k, mean_sd[0][0]) if fixed[0] else special.betaincinv(a[0, 0], b[0, 0], q)
    ws.ei[idx] = np.where(np.isfinite(ei), ei, mean_sd[0][0])
    ws.latent[:, idx] = draws[1:]
    g = p.new_hires if new_hire else p.initial_staff
    ws.weeks_in_post[idx] = 0 if new_hire else tenure
    ws.mastery[idx] = g.mastery
    ws.vicarious_resilience[idx] = 0.0 if new_hire else g.vicarious_resilience
    ws.caseload[:, idx] = 0
    ws.status[idx] = 1
    ws.notice_left[idx] = -1


def _littered(n: int, seed: int) -> Workforce:
    """A workforce whose every array holds arbitrary values (so a value left unwritten shows)."""
    rng = np.random.default_rng(seed)
    ws = Workforce.empty(n, np.zeros(n, np.int32))
    for f in fields(Workforce):
        x = getattr(ws, f.name)
        if f.name not in LATENT_STATES:
            x[...] = rng.integers(0, 3, x.shape) if x.dtype.kind in "biu" else rng.random(x.shape)
    return ws


SEATING_DRAWS = st.fixed_dictionaries({name: st.floats(*Parameters.spec(name).bounds) for name in (
    "burnout.vulnerability_sd", "traits.calling_sd", "traits.ei_affectivity_correlation", "service.prop_part_time",
    "service.part_time_fte", "sts.p_trauma_history", "service.prop_trauma_specialist", "new_hires.ei_sd",
    "initial_staff.ei_sd")})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=SEATING_DRAWS, seed=st.integers(0, 2**32 - 1), new_hire=st.booleans(), k=st.integers(1, 6),
       typed=st.booleans())
def test_draws_are_those_of_the_numpy_procedure_to_the_bit(values, seed, new_hire, k, typed):
    """The compiled seating gives every array the numbers of plain array operations, for any parameters (EI's
    point mass included: an SD of 0) and per-slot specialist chances (team types)."""
    p = Parameters().with_overrides(values)
    n = 12
    idx = np.sort(np.random.default_rng(seed).choice(n, k, replace=False))
    p_specialist = np.random.default_rng(seed + 1).random(k) if typed else None
    a, b = _littered(n, seed), _littered(n, seed)
    rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
    draw_clinicians(a, idx, p, rng_a, new_hire=new_hire, p_specialist=p_specialist)
    _numpy_draw(b, idx, p, rng_b, new_hire, p_specialist)
    for f in fields(Workforce):
        np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name), err_msg=f.name)
    assert rng_a.random() == rng_b.random()


def test_trait_normals_are_the_array_expressions_to_the_bit():
    from model.state import trait_normals

    rng = np.random.default_rng(5)
    for sd, r in [(0.0, 0.0), (0.8, 0.4), (0.3857671269171628, 0.95), (1.5, 0.0)]:
        z = rng.standard_normal((3, 50))
        log_vulnerability, z_ei = trait_normals(z, sd, sd**2, r)
        np.testing.assert_array_equal(log_vulnerability, sd * z[0] - 0.5 * sd**2)
        np.testing.assert_array_equal(z_ei, -r * z[0] + np.sqrt(1.0 - r * r) * z[1])
    assert np.corrcoef(*trait_normals(rng.standard_normal((3, 20000)), 1.0, 1.0, 0.6))[0, 1] == pytest.approx(
        -0.6, abs=0.02)

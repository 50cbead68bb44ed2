"""Clinician and team state as arrays: one element per budgeted post (slot).

A slot holds at most one clinician. When a clinician leaves, the slot is vacant until a new hire starts in
it and its arrays are redrawn. Mesa agents (:mod:`model.agents`) are views onto these arrays.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields

import numpy as np
from scipy import special

from .jit import njit
from .parameters import Parameters

VACANT, ACTIVE, ON_LEAVE = 0, 1, 2
NO_NOTICE = -1

#: latent states in [0, 1], the rows of ``Workforce.latent``, in this order
LATENT_STATES = ("se", "cs", "bo", "sts", "intention", "reserves", "growth")
#: the latent states that get weekly shocks (the first rows of the block; turnover intention has none)
NOISY_STATES = LATENT_STATES[:4]


@dataclass
class Workforce:
    """State of every post, as parallel arrays indexed by slot.

    Attributes:
        status: VACANT, ACTIVE or ON_LEAVE (int8).
        notice_left: weeks of notice left, NO_NOTICE if none given (int16).
        hire_week: week the next hire starts, for vacant slots (int32).
        weeks_in_post: tenure in the post (weeks).
        team: team index of the post.
        se: self-efficacy (0-1).
        cs: compassion satisfaction (0-1).
        bo: burnout (0-1).
        sts: secondary traumatic stress (0-1).
        intention: turnover intention (0-1).
        reserves: personal resource reserves, COR (0-1).
        growth: vicarious post-traumatic growth (0-1).
        mastery: smoothed share of ended episodes that were recoveries (0-1).
        vicarious_resilience: smoothed trauma-weighted recoveries per week (clients).
        ei: emotional intelligence trait (0-1).
        trauma_history: own trauma history (bool).
        vulnerability: individual vulnerability multiplier (negative affectivity; log-normal, mean 1).
        calling: stable sense of calling, the multiplier of the meaning gain of CS (mean 1).
        fte: full-time equivalent.
        specialist: trauma specialist (bool).
        u_supervision, u_wellness, u_mentor, u_ei: fixed uniform draws per clinician; the clinician takes part
            in supervision, the wellness course, mentoring or EI training when the draw is below the lever's
            coverage or uptake (so a lever change keeps the same people in, common random numbers).
        u_peer: fixed uniform draw per post (not redrawn at a hire): the post is in the peer support programme
            when it is below the programme's coverage, because the programme's ties belong to posts.
        wellness_dose: remaining effect of the wellness course (1 right after the course or a booster).
        ei_trained: has had emotional-intelligence training.
        caseload: open cases by trauma level, shape (3, n) (int64; row per level, low/moderate/high).
        exposure, demand, resource, strain: this week's JD-R quantities.
        recoveries, dropouts: episodes ended this week, shape (3, n).
        latent: block of shape (7, n) whose rows are ``se, cs, bo, sts, intention, reserves, growth`` (those
            attributes are views of its rows, so the weekly update is a few block operations; assign them in
            place only).
    """

    status: np.ndarray
    notice_left: np.ndarray
    hire_week: np.ndarray
    weeks_in_post: np.ndarray
    team: np.ndarray
    se: np.ndarray
    cs: np.ndarray
    bo: np.ndarray
    sts: np.ndarray
    intention: np.ndarray
    reserves: np.ndarray
    growth: np.ndarray
    mastery: np.ndarray
    vicarious_resilience: np.ndarray
    ei: np.ndarray
    trauma_history: np.ndarray
    vulnerability: np.ndarray
    calling: np.ndarray
    fte: np.ndarray
    specialist: np.ndarray
    u_supervision: np.ndarray
    u_wellness: np.ndarray
    u_mentor: np.ndarray
    u_ei: np.ndarray
    u_peer: np.ndarray
    wellness_dose: np.ndarray
    ei_trained: np.ndarray
    caseload: np.ndarray
    exposure: np.ndarray
    demand: np.ndarray
    resource: np.ndarray
    strain: np.ndarray
    recoveries: np.ndarray
    dropouts: np.ndarray
    latent: np.ndarray

    @classmethod
    def empty(cls, n: int, team: np.ndarray) -> Workforce:
        """All slots vacant, all numbers zero."""
        f = {fl.name: np.zeros(n) for fl in fields(cls)}
        f.update(
            status=np.zeros(n, np.int8), notice_left=np.full(n, NO_NOTICE, np.int16),
            hire_week=np.zeros(n, np.int32), weeks_in_post=np.zeros(n, np.int32), team=team.astype(np.int32),
            trauma_history=np.zeros(n, bool), specialist=np.zeros(n, bool), ei_trained=np.zeros(n, bool),
            caseload=np.zeros((3, n), np.int64), recoveries=np.zeros((3, n), np.int64),
            dropouts=np.zeros((3, n), np.int64),
        )
        f["latent"] = np.zeros((len(LATENT_STATES), n))
        return _with_latent_views(f)

    def __reduce__(self):
        """Pickled (and deep-copied) as its arrays without the latent-state attributes, which are made views of
        the copy's ``latent`` again (a plain copy would give them arrays of their own, which the block update
        would no longer reach; a kept burn-in is a pickle, :mod:`model.burn_in`)."""
        return _with_latent_views, ({fl.name: getattr(self, fl.name) for fl in fields(self)
                                     if fl.name not in LATENT_STATES},)

    @property
    def n(self) -> int:
        """Number of slots (budgeted posts)."""
        return self.status.shape[0]

    def nbytes(self) -> int:
        """Memory held by the arrays (the latent-state attributes are views of ``latent``: counted once)."""
        return sum(getattr(self, fl.name).nbytes for fl in fields(self) if fl.name not in LATENT_STATES)


def _with_latent_views(f: dict) -> Workforce:
    """A :class:`Workforce` of the arrays ``f`` (every field but the latent states), whose latent-state attributes
    are the rows of ``f["latent"]``."""
    for k, name in enumerate(LATENT_STATES):
        f[name] = f["latent"][k]
    return Workforce(**f)


#: widest Beta the clinician draws use, as a share of the largest SD a [0, 1] variable with that mean can have:
#: ``sd <= MAX_SD_SHARE * sqrt(mean (1 - mean))``, so the shapes sum to at least 1 (at the cap, mean 0.5 gives the
#: arcsine distribution Beta(1/2, 1/2)). Every default SD lies well below it (the widest is 0.41 of the maximum).
MAX_SD_SHARE = 0.5**0.5


@functools.lru_cache(maxsize=64)  # hires draw from the same few distributions every week
def beta_shapes(mean_sd: tuple[tuple[float, float], ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Beta shape parameters (column vectors) matching each (mean, sd) pair, feasible for every pair.

    A Beta distribution with mean ``m`` has an SD below ``sqrt(m (1 - m))``, so not every (mean, SD) pair exists
    (with SD 0.1, a mean below 0.0101 would give a negative shape). This is the one place where that is handled:

    * the SD is capped at ``MAX_SD_SHARE * sqrt(m (1 - m))`` (pairs below the cap, every default among them,
      are used exactly as given, so their draws do not change);
    * a mean of 0 or 1, or an SD of 0, gives a point mass at the mean: the row is still drawn (with placeholder
      shapes 1, 1, so that the stream advances as for any other row) and then set to the mean.

    Args:
        mean_sd: (mean, sd) per row, means in [0, 1], SDs >= 0.

    Returns:
        ``(a, b, fixed)``: shapes of shape (rows, 1) and a bool vector of the rows that are point masses.
    """
    m = np.array(mean_sd, dtype=float)
    mean, sd = m[:, 0:1], m[:, 1:2]
    sd = np.minimum(sd, MAX_SD_SHARE * np.sqrt(mean * (1 - mean)))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        k = mean * (1 - mean) / sd**2 - 1
        a, b = mean * k, (1 - mean) * k
    fixed = ~(np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0))
    return np.where(fixed, 1.0, a), np.where(fixed, 1.0, b), fixed[:, 0]


@functools.lru_cache(maxsize=64)
def _beta_rows(mean_sd: tuple[tuple[float, float], ...]) -> tuple[tuple[tuple[float, float], ...], np.ndarray | None]:
    """The shapes of :func:`beta_shapes` as Python floats, row by row, and the point-mass rows (None if there are
    none): what every draw of the same distributions needs, worked out once."""
    a, b, fixed = beta_shapes(mean_sd)
    return tuple(zip(a[:, 0].tolist(), b[:, 0].tolist())), (fixed if fixed.any() else None)


def _beta(rng: np.random.Generator, mean_sd: tuple[tuple[float, float], ...], size: int) -> np.ndarray:
    """Beta draws, one row per (mean, sd) pair: shape (len(mean_sd), size) (see :func:`beta_shapes`)."""
    shapes, fixed = _beta_rows(mean_sd)
    # row by row with scalar shapes: the same numbers as one broadcast call, at less call cost
    draws = np.array([rng.beta(a_row, b_row, size) for a_row, b_row in shapes])
    if fixed is not None:
        draws[fixed] = np.array([ms[0] for ms in mean_sd])[fixed, None]
    return draws


#: rows of the Beta draws of :func:`draw_clinicians`: emotional intelligence, then ``LATENT_STATES``
BETA_ROWS = ("ei", *LATENT_STATES)


def clinician_mean_sd(p: Parameters, *, new_hire: bool) -> tuple[tuple[float, float], ...]:
    """(mean, SD) of each Beta-distributed state of a new clinician, rows in ``BETA_ROWS`` order.

    Established staff: the ``initial_staff`` group. New hires: the ``new_hires`` group, with the mean
    self-efficacy ``self_efficacy.new_hire_mean``.
    """
    if new_hire:
        g = p.new_hires
        return ((g.ei_mean, g.ei_sd), (p.self_efficacy.new_hire_mean, g.se_sd), (g.cs_mean, g.cs_sd),
                (g.bo_mean, g.bo_sd), (g.sts_mean, g.sts_sd), (g.intention_mean, g.intention_sd),
                (g.reserves_mean, g.reserves_sd), (g.growth_mean, g.growth_sd))
    g = p.initial_staff
    return ((g.ei_mean, g.ei_sd), (g.se_mean, g.se_sd), (g.cs_mean, g.cs_sd), (g.bo_mean, g.bo_sd),
            (g.sts_mean, g.sts_sd), (g.intention_mean, g.intention_sd), (g.reserves_mean, g.reserves_sd),
            (g.growth_mean, g.growth_sd))


def draw_clinicians(ws: Workforce, idx: np.ndarray, p: Parameters, rng: np.random.Generator, *,
                    new_hire: bool, p_specialist: np.ndarray | None = None) -> None:
    """Fill slots ``idx`` with newly drawn clinicians (in place).

    Established staff (at the start of a run) get states drawn from the ``initial_staff`` distributions, set
    near the model's own long-run distribution, which the burn-in then lets settle; new hires (``new_hires``)
    start with lower self-efficacy, neutral satisfaction, low burnout and STS, little turnover intention, no
    time in post, no caseload and no vicarious resilience.

    Stable traits: vulnerability is log-normal (negative affectivity, ``burnout.vulnerability_sd``); emotional
    intelligence keeps its Beta distribution but is tied to low negative affectivity by a Gaussian copula
    (``traits.ei_affectivity_correlation``); calling is ``max(0, 1 + traits.calling_sd z)``.

    The draws are made in a fixed order for a given ``len(idx)``: the uniform block, three standard normals per
    clinician (negative affectivity, EI, calling), one Beta call for all states (its EI row is replaced by the
    copula draw), then (established staff only) the tenures. Beta and geometric draws use a variable number of
    random bits, so the stream is only approximately aligned across scenarios.

    Args:
        ws: the state arrays.
        idx: slots to fill.
        p: parameters in force.
        rng: the stream to draw from (``init`` for established staff, ``hiring`` for hires).
        new_hire: draw new hires rather than established staff.
        p_specialist: chance of being a trauma specialist per slot of ``idx`` (team types); None:
            ``service.prop_trauma_specialist`` for all.
    """
    k = idx.size
    if k == 0:
        return
    u = rng.random((k, 7))
    # stable traits: negative affectivity (vulnerability), EI correlated with its absence, calling
    z = rng.standard_normal((3, k))
    mean_sd = clinician_mean_sd(p, new_hire=new_hire)
    draws = _beta(rng, mean_sd, k)  # rows in BETA_ROWS order
    g = p.new_hires if new_hire else p.initial_staff
    tenure = None if new_hire else rng.geometric(1.0 / g.mean_tenure_weeks, k)
    # every draw is made; what follows is arithmetic on them, the slots' arrays written in one compiled call
    sd = p.burnout.vulnerability_sd
    # the variance squared here: Python's power and a compiled product can differ in the last bit
    log_vulnerability, z_ei = trait_normals(z, sd, sd**2, p.traits.ei_affectivity_correlation)
    vulnerability = np.exp(log_vulnerability)
    # EI: the Beta of its row through a Gaussian copula with low negative affectivity
    shapes, fixed = _beta_rows(mean_sd)
    a, b = shapes[0]
    q = special.ndtr(z_ei)
    ei_mean = mean_sd[0][0]
    ei = np.full(k, ei_mean) if fixed is not None and fixed[0] else special.betaincinv(a, b, q)
    s = p.service
    _seat(idx, u, z, vulnerability, ei, ei_mean, draws, tenure, p_specialist, s.prop_trauma_specialist,
          p.sts.p_trauma_history, s.prop_part_time, s.part_time_fte, p.traits.calling_sd, g.mastery,
          0.0 if new_hire else g.vicarious_resilience, ws.vulnerability, ws.calling, ws.trauma_history, ws.fte,
          ws.specialist, ws.u_supervision, ws.u_wellness, ws.u_mentor, ws.u_ei, ws.wellness_dose, ws.ei_trained,
          ws.ei, ws.latent, ws.weeks_in_post, ws.mastery, ws.vicarious_resilience, ws.caseload, ws.status,
          ws.notice_left)


@njit
def trait_normals(z: np.ndarray, vulnerability_sd: float, vulnerability_var: float,
                  ei_correlation: float) -> tuple[np.ndarray, np.ndarray]:
    """The normals behind new clinicians' negative affectivity and emotional intelligence.

    Vulnerability is log-normal with mean 1: its log is ``sd z[0] - sd^2 / 2``. EI goes through a Gaussian copula
    with negative affectivity: its standard normal is ``-r z[0] + sqrt(1 - r^2) z[1]``, correlated at ``-r``.

    Args:
        z: independent standard normals, shape (3, k) (affectivity, EI, calling; the last is not used here).
        vulnerability_sd: ``burnout.vulnerability_sd``, ``sd`` (0 gives a vulnerability of exactly 1).
        vulnerability_var: its square, ``sd^2``.
        ei_correlation: ``traits.ei_affectivity_correlation``, ``r``.

    Returns:
        (log vulnerability, EI's standard normal), one per clinician each.
    """
    log_vulnerability = vulnerability_sd * z[0] - 0.5 * vulnerability_var
    return log_vulnerability, -ei_correlation * z[0] + np.sqrt(1.0 - ei_correlation * ei_correlation) * z[1]


@njit
def _seat(idx, u, z, vulnerability, ei, ei_mean, draws, tenure, p_specialist, prop_specialist, p_trauma_history,
          prop_part_time, part_time_fte, calling_sd, mastery, vicarious_resilience, ws_vulnerability, ws_calling,
          ws_trauma_history, ws_fte, ws_specialist, ws_u_supervision, ws_u_wellness, ws_u_mentor, ws_u_ei,
          ws_wellness_dose, ws_ei_trained, ws_ei, ws_latent, ws_weeks_in_post, ws_mastery, ws_vicarious_resilience,
          ws_caseload, ws_status, ws_notice_left) -> None:
    """Seat the clinicians drawn by :func:`draw_clinicians` in slots ``idx``: the ``ws_`` arrays of the workforce
    take their traits and starting states (in place).

    Clinician ``i`` (slot ``idx[i]``) has a trauma history, works part time (``part_time_fte``) and is a trauma
    specialist when its uniforms ``u[i, 0:3]`` are below ``p_trauma_history``, ``prop_part_time`` and its chance of
    being a specialist (``p_specialist[i]``, or ``prop_specialist`` for all when it is None); ``u[i, 3:7]`` are its
    fixed programme draws (supervision, wellness, mentoring, EI training). Its calling is
    ``max(0, 1 + calling_sd z[2, i])``; its EI is ``ei[i]``, the mean ``ei_mean`` where the quantile overflowed (an
    SD so small that it is a point mass); its latent states are ``draws[1:, i]``. It starts with no caseload, no
    notice, no course, ``mastery`` and ``vicarious_resilience``, and ``tenure[i]`` weeks in post (0 when None).
    """
    for i in range(idx.shape[0]):
        slot = idx[i]
        ws_vulnerability[slot] = vulnerability[i]
        ws_calling[slot] = np.maximum(0.0, 1.0 + calling_sd * z[2, i])
        ws_trauma_history[slot] = u[i, 0] < p_trauma_history
        ws_fte[slot] = part_time_fte if u[i, 1] < prop_part_time else 1.0
        if p_specialist is None:
            ws_specialist[slot] = u[i, 2] < prop_specialist
        else:
            ws_specialist[slot] = u[i, 2] < p_specialist[i]
        ws_u_supervision[slot] = u[i, 3]
        ws_u_wellness[slot] = u[i, 4]
        ws_u_mentor[slot] = u[i, 5]
        ws_u_ei[slot] = u[i, 6]
        ws_wellness_dose[slot] = 0.0
        ws_ei_trained[slot] = False
        ws_ei[slot] = ei[i] if np.isfinite(ei[i]) else ei_mean
        for row in range(ws_latent.shape[0]):  # the Beta rows after EI's, in LATENT_STATES order
            ws_latent[row, slot] = draws[row + 1, i]
        if tenure is None:
            ws_weeks_in_post[slot] = 0
        else:
            ws_weeks_in_post[slot] = tenure[i]
        ws_mastery[slot] = mastery
        ws_vicarious_resilience[slot] = vicarious_resilience
        for level in range(ws_caseload.shape[0]):
            ws_caseload[level, slot] = 0
        ws_status[slot] = ACTIVE
        ws_notice_left[slot] = NO_NOTICE

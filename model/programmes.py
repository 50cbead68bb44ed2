"""Organisational programmes: who takes part, how effects build up and fade, and what they cost.

Programmes never subtract burnout. Each one changes an input of the mechanisms in :mod:`model.processes`:

* float staff: cover duty and cap stretch (JD-R demands), waiting clients (a float caseload);
* wellness course: detachment, i.e. recovery from burnout and STS (Sonnentag & Fritz 2007);
* leadership training: leader support (a JD-R resource, persuasion, recognition, retention);
* peer support: peer-support resource and extra peer ties, which also carry contagion;
* trauma-informed organisation: psychological safety (peer support) and earlier, stigma-free sick leave;
* mentoring: self-efficacy gain (persuasion, vicarious experience) and turnover intention of early-career staff;
* emotional-intelligence training: the EI trait (a resource and STS protection).

The functions here are small and pure; :mod:`model.workforce` calls them.
"""

from __future__ import annotations

import math

import numpy as np

WEEKS_PER_YEAR = 52.0
#: programme cost components, in the order of the outcome registry (turnover cost is reported separately)
COST_COMPONENTS = ("supervision", "leadership", "recognition", "wellness", "peer_support", "trauma_informed",
                   "mentoring", "ei_training", "admin_support", "float")


def float_cover(float_fte: float, absent_posts: int) -> float:
    """Share of absent posts (vacant or on leave) that float staff cover: ``min(1, float FTE / absent)``.

    References:
        Bank and float pools as vacancy cover (Buchan et al. 2019).
    """
    if float_fte <= 0.0:
        return 0.0
    if absent_posts <= 0:
        return 1.0
    return min(1.0, float_fte / absent_posts)


def decay_factor(half_life_weeks: float) -> float:
    """Weekly multiplier of an effect with the given half-life."""
    return 0.5 ** (1.0 / half_life_weeks)


def booster_due(week: int, start_week: int, interval_weeks: int) -> bool:
    """True in the weeks a booster is given: every ``interval_weeks`` after the course (never if 0).

    The course is given in the first week of the programme, ``start_week + 1``.

    References:
        Refresher sessions sustain the effects of person-directed interventions (Awa et al. 2010).
    """
    first = start_week + 1
    return interval_weeks > 0 and week > first and (week - first) % interval_weeks == 0


def training_ramp(week: int, start_week: int, weeks: float) -> float:
    """Share of the full training effect reached in ``week``: ``1 - exp(-(week - start) / weeks)`` after the start
    week, 0 until then.

    References:
        Leadership behaviour changes gradually after training (Kelloway & Barling 2010).
    """
    if week <= start_week:
        return 0.0
    return 1.0 - math.exp(-(week - start_week) / weeks)


def mentees(present: np.ndarray, weeks_in_post: np.ndarray, early_career_weeks: int, u_mentor: np.ndarray,
            coverage: float) -> np.ndarray:
    """Clinicians in post, early in their career in this post, and drawn into mentoring.

    References:
        Mentoring of new clinicians (Kashiwagi et al. 2013; Zhang et al. 2016).
    """
    if coverage <= 0.0:
        return np.zeros_like(present)
    return present & (weeks_in_post < early_career_weeks) & (u_mentor < coverage)


def weekly_costs(p, *, n_in_post: int, fte_in_post: float, n_supervised: int, n_teams: int, n_peer_members: int, n_mentees: int,
                 float_fte: float, departures: int, default_admin: float) -> dict[str, float]:
    """Running costs of one week and the cost of this week's departures (currency units).

    One-off costs (wellness courses and boosters, EI training) are charged by the model when they happen and
    are not included here.

    Args:
        p: the parameters in force.
        n_in_post: clinicians in post.
        fte_in_post: their full-time equivalents (administrative support is bought per FTE).
        n_supervised: clinicians in post who receive supervision.
        n_teams: teams (one leader each).
        n_peer_members: clinicians in post enrolled in the peer support programme (0 if not running).
        n_mentees: clinicians being mentored.
        float_fte: float staff employed.
        departures: clinicians who left this week.
        default_admin: the default administrative share; support is bought for the share removed below it.

    Returns:
        ``{component: cost}`` with keys supervision, leadership, recognition, peer_support, trauma_informed,
        mentoring, admin_support, float and turnover.
    """
    c = p.costs
    week = 1.0 / WEEKS_PER_YEAR
    sessions_per_week = p.supervision.sessions_per_month * 12.0 / WEEKS_PER_YEAR
    return {
        "supervision": n_supervised * sessions_per_week * c.supervision_per_session,
        "leadership": n_teams * p.leadership.training * c.leadership_training_per_leader_year * week,
        "recognition": n_in_post * p.leadership.recognition * c.recognition_per_clinician_year * week,
        "peer_support": n_peer_members * c.peer_support_per_participant_week,
        "trauma_informed": n_in_post * p.trauma_informed.level * c.trauma_informed_per_clinician_week,
        "mentoring": n_mentees * c.mentoring_per_mentee_week,
        "admin_support": fte_in_post * max(0.0, default_admin - p.work.admin_burden) * c.admin_support_per_fte_year
        * week,
        "float": float_fte * c.salary_per_fte_year * (1.0 + c.float_premium) * week,
        "turnover": departures * c.replacement_share * c.salary_per_fte_year,
    }

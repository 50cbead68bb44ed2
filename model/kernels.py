"""The compiled weekly kernels: each fuses the submodels of one phase into a single call.

The per-week cost of the model used to be about 400 NumPy calls of 1-3 microseconds each, whatever the number of
clinicians. Each kernel here runs one phase's submodels (:mod:`model.processes`, compiled with
:data:`model.jit.njit`) in one compiled call, in the order of :meth:`model.workforce.WorkforceModel.step`. The
kernels hold no equations of their own: they call the submodels and move arrays between them. Random numbers
are drawn by the caller from the model's named streams (or, for episode endings, from the stream passed in),
so the draws are those of the uncompiled model.
"""

from __future__ import annotations

import numpy as np

from . import processes as pr
from .jit import njit
from .state import ACTIVE, LATENT_STATES, NO_NOTICE, NOISY_STATES, ON_LEAVE, VACANT

#: rows of the latent block by name (compiled code reads module-level integers as constants)
SE, CS, BO, STS, INTENTION, RESERVES, GROWTH = (LATENT_STATES.index(s) for s in
                                                ("se", "cs", "bo", "sts", "intention", "reserves", "growth"))
N_NOISY = len(NOISY_STATES)  # the first latent rows (se, cs, bo, sts) get weekly noise
N_NOISE_ROWS = N_NOISY + 1  # uniform rows per week: the common affect shock, then one per noisy state


@njit
def places(caseload, at_work, team, team_posts, cap, vacancy_stretch, uncovered, weeks_in_post, onboarding_weeks,
           onboarding_start_share):
    """Phase 2 (clients), before allocation: uncovered absent share of each clinician's team and free places.

    New hires' caps ramp up over their onboarding (:func:`model.processes.onboarding_share`).

    Returns:
        (cover, free): the cover share (JD-R demand and cap stretch) and the free places per slot.
    """
    absent = (~at_work).astype(np.float64)
    cover = pr.team_absent_share(absent, team, team_posts) * uncovered
    ramp = pr.onboarding_share(weeks_in_post, onboarding_weeks, onboarding_start_share)
    stretched = cap * ramp * (1.0 + vacancy_stretch * cover)
    return cover, pr.capacity(caseload.sum(axis=0), stretched, at_work)


@njit
def episode_chances(se, bo, at_work, p_recovery_level, clients):
    """Phase 2 (clients), after allocation: each open case's weekly chances of recovery and of drop-out.

    Clients of clinicians on leave are paused (no recovery); drop-out continues. Care quality follows the
    clinician's self-efficacy and burnout.

    Args:
        se, bo, at_work: per slot.
        p_recovery_level: weekly recovery chance by trauma level with an average clinician.
        clients: the ``clients`` group (:func:`model.jit.struct`).

    Returns:
        (p_recovery, p_dropout): shapes (3, n) and (n,).
    """
    c = clients[0]
    quality = pr.care_quality(se, bo, c)
    n = se.shape[0]
    p_rec = np.empty((p_recovery_level.shape[0], n))
    for level in range(p_recovery_level.shape[0]):
        p_rec[level] = p_recovery_level[level] * (quality * at_work)
    return p_rec, c.p_dropout_week / quality


@njit
def allocate_type(u, free, post_type, t, waiting, new, route_pools, route_n, caseload):
    """Phase 2 (clients): one team type's clients placed in the free places of its own posts.

    Runs :func:`model.processes.allocate` on the free places of the posts of type ``t`` (those of other types
    count as full) and adds the placed clients to ``caseload`` in place.

    Args:
        u, waiting, new, route_pools, route_n: as for :func:`model.processes.allocate`.
        free: free places per slot, all types.
        post_type: team-type index of each slot.
        t: the team type allocated.
        caseload: open cases, shape (3, n), updated in place.

    Returns:
        The type's unplaced clients by level, shape (3,).
    """
    assigned, unplaced = pr.allocate(u, np.where(post_type == t, free, 0), waiting, new, route_pools, route_n)
    caseload += assigned
    return unplaced


@njit
def episodes(u, caseload, se, bo, at_work, p_recovery_level, clients, post_type, n_types):
    """Phase 2 (clients), after allocation: the week's recoveries and drop-outs, taken off ``caseload`` in place.

    Chances from :func:`episode_chances`, endings from :func:`model.processes.episode_endings` with the uniforms
    ``u`` of the ``episodes`` stream.

    Args:
        u: uniform draws, ``2 x caseload.size``.
        caseload: open cases, shape (3, n), updated in place.
        se, bo, at_work, p_recovery_level, clients: as for :func:`episode_chances`.
        post_type: team-type index of each slot.
        n_types: number of team types.

    Returns:
        (recoveries, dropouts, by_type): the first two of shape (3, n); ``by_type`` of shape (2, n_types), the
        recoveries (row 0) and drop-outs (row 1) over the posts of each type (their sums are the totals).
    """
    p_rec, p_drop = episode_chances(se, bo, at_work, p_recovery_level, clients)
    rec, drop = pr.episode_endings(u, caseload, p_rec, p_drop)
    caseload -= rec + drop
    by_type = np.zeros((2, n_types), np.int64)
    for level in range(rec.shape[0]):
        for i in range(rec.shape[1]):
            by_type[0, post_type[i]] += rec[level, i]
            by_type[1, post_type[i]] += drop[level, i]
    return rec, drop, by_type


@njit
def update_states(latent, mastery, vicarious_resilience, weeks_in_post, recoveries, dropouts, caseload, exposure,
                  vulnerability, trauma_history, ei, calling, team, n_teams, cross_indptr, cross_indices, present,
                  at_work, cover, pressure, direct, colleague, leader, safety, supervision, persuasion, recognition,
                  inv_sustainable, rel_detachment, extra_gain, extra_loss, peer_support_extra, u_noise,
                  work, exposure_group, burnout, sts_group, satisfaction, self_efficacy, growth_group, turnover,
                  traits, contagion_rate, sts_protection, rel_recovery_on_leave):
    """Phase 5 (demands, resources and states): mastery signals, peer means, JD-R demands and resources, then every latent state's
    gain-loss update and the weekly noise (state arrays updated in place).

    All rates read last week's states; the latent rows are those of :data:`model.context.S`. The parameter
    groups come as :func:`model.jit.struct` arrays; the submodels get their records.

    Returns:
        (demand, resource, strain, load): this week's JD-R quantities per slot.
    """
    w, ex, b, st, tr = work[0], exposure_group[0], burnout[0], sts_group[0], traits[0]
    sa, e, g, t = satisfaction[0], self_efficacy[0], growth_group[0], turnover[0]
    se, cs, bo, sts = latent[SE], latent[CS], latent[BO], latent[STS]
    reserves, growth = latent[RESERVES], latent[GROWTH]
    # mastery signals from this week's endings (phase 1); only at work: paused caseloads of clinicians on leave
    # lose clients to drop-out, which is not a failure of theirs
    rec = recoveries.sum(axis=0)
    ended = rec + dropouts.sum(axis=0)
    mastery[:] = pr.ewma(mastery, rec / np.maximum(ended, 1), (ended > 0) & at_work, e.mastery_memory_weight)
    trauma_rec = recoveries[1] * ex.trauma_weight_moderate + recoveries[2]
    vicarious_resilience[:] = pr.ewma(vicarious_resilience, trauma_rec, present, e.mastery_memory_weight)
    stacked = np.empty((2, se.shape[0]))
    stacked[0] = bo
    stacked[1] = mastery
    peers = pr.peer_means(team, n_teams, cross_indptr, cross_indices, stacked, present)
    peer_bo, peer_mastery = peers[0], peers[1]
    peer_support = np.minimum(safety * (1.0 - peer_bo) + peer_support_extra, 1.0)
    load = caseload.sum(axis=0) * inv_sustainable
    demand = at_work * pr.demands(load, exposure, w.admin_burden, cover, pressure, w)
    resource = pr.resources(leader, supervision, peer_support, recognition, se, ei, w)
    strain = pr.matched_strain(load, exposure, cover, pressure, resource, recognition, supervision, at_work, w)
    vuln, rel_ei_recovery = pr.ei_paths(ei, vulnerability, tr)
    # on leave: more detachment
    detachment = (w.detachment_base + w.schedule_autonomy) * np.where(present & ~at_work, rel_recovery_on_leave, 1.0)
    detachment = detachment * rel_detachment * rel_ei_recovery

    gain = np.empty_like(latent)
    loss = np.empty_like(latent)
    gain[SE], loss[SE] = pr.self_efficacy_rates(mastery, peer_mastery, persuasion, growth, bo, sts, ei, e)
    gain[CS], loss[CS] = pr.satisfaction_rates(mastery, recognition, vicarious_resilience, growth, bo, sts, ei,
                                               calling, sa)
    gain[BO], loss[BO] = pr.burnout_rates(strain, vuln, se, reserves, detachment, peer_bo, cs, b, contagion_rate)
    gain[STS], loss[STS] = pr.sts_rates(exposure, vuln, trauma_history, supervision, ei, cs, detachment,
                                        direct, colleague, st, sts_protection, ex)
    gain[INTENTION], loss[INTENTION] = pr.intention_rates(bo, sts, cs, leader, t)
    gain[RESERVES], loss[RESERVES] = pr.reserves_rates(resource, strain, bo, b)
    gain[GROWTH], loss[GROWTH] = pr.growth_rates(exposure, (supervision + leader + peer_support) / 3.0, g)
    gain += extra_gain
    loss += extra_loss
    latent[:] = pr.balance_update(latent, gain, loss)
    # vacant slots drift harmlessly: every reader masks them and a hire redraws them
    latent[:N_NOISY] = pr.affect_noise(latent[:N_NOISY], u_noise, b.noise_sd, b.affect_shock_sd)
    weeks_in_post += present
    return demand, resource, strain, load


@njit
def absence_and_notice(status, notice_left, u_leave, p_leave_start, p_leave_end, u_quit, p_notice, notice_weeks):
    """Phase 6 (absence and turnover), before departures: sick leave starts and ends, notices are given and served (in place).

    Returns:
        (n_leave_starts, n_notices, leaving): counts this week and the slots of clinicians whose notice has run
        out, in slot order.
    """
    n = status.shape[0]
    n_starts = 0
    for i in range(n):
        if status[i] == ACTIVE and u_leave[0, i] < p_leave_start[i]:
            status[i] = ON_LEAVE
            n_starts += 1
        elif status[i] == ON_LEAVE and u_leave[1, i] < p_leave_end:
            status[i] = ACTIVE
    n_notices = 0
    # the slots themselves, not a mask: the caller needs them as indices, and a mask would cost a second pass
    leaving = np.empty(n, np.int64)
    n_leaving = 0
    for i in range(n):
        if status[i] == VACANT:
            continue
        if notice_left[i] == NO_NOTICE and u_quit[i] < p_notice[i]:
            notice_left[i] = notice_weeks
            n_notices += 1
        if notice_left[i] != NO_NOTICE:
            if notice_left[i] <= 0:
                leaving[n_leaving] = i
                n_leaving += 1
            else:
                notice_left[i] -= 1
    return n_starts, n_notices, leaving[:n_leaving]


@njit
def due_posts(status, hire_week, week):
    """Phase 6 (turnover), before hires: the vacant posts whose hiring week has come (slot order).

    Returns:
        the slots, int64.
    """
    n = status.shape[0]
    due = np.empty(n, np.int64)
    k = 0
    for i in range(n):
        if status[i] == VACANT and hire_week[i] <= week:
            due[k] = i
            k += 1
    return due[:k]


@njit
def headcount(status, notice_left, caseload, float_caseload, waitlist):
    """Phase 8 (measurement): who is in post and at work, and the whole-service counts, in one pass.

    Every figure is a count (integer arithmetic), so one pass gives exactly what separate array reductions give.

    Args:
        status, notice_left: per slot.
        caseload: open cases by trauma level, shape (levels, n).
        float_caseload: float staff's open cases by trauma level.
        waitlist: clients waiting, by team type and trauma level.

    Returns:
        (present, at_work, caseload_total, n_in_post, n_at_work, n_notice, n_cases, n_float_cases, n_waitlist):
        the masks (bool per slot), each slot's open cases, clinicians in post, at work and working their notice,
        the open cases of all slots, those of float staff, and the clients waiting.
    """
    n = status.shape[0]
    present = np.empty(n, np.bool_)
    at_work = np.empty(n, np.bool_)
    totals = np.zeros(n, caseload.dtype)
    n_in_post = n_at_work = n_notice = 0
    n_cases = 0
    for i in range(n):
        s = status[i]
        present[i] = s != VACANT
        at_work[i] = s == ACTIVE
        if s != VACANT:
            n_in_post += 1
            if notice_left[i] != NO_NOTICE:
                n_notice += 1
        if s == ACTIVE:
            n_at_work += 1
        for level in range(caseload.shape[0]):
            totals[i] += caseload[level, i]
        n_cases += totals[i]
    return (present, at_work, totals, n_in_post, n_at_work, n_notice, n_cases, float_caseload.sum(),
            waitlist.sum())


@njit
def vacate(slots, week, delays, post_type, caseload, waitlist, status, notice_left, hire_week):
    """Phase 6 (turnover), departures: the posts ``slots`` fall vacant (arrays updated in place).

    Their clients go back to the waiting list of the post's team type, to be re-allocated next week; each post
    is to be filled at ``week`` plus its hiring delay (``delays``, one per post).

    Returns:
        the waiting list with those clients, a new array (by team type and trauma level).
    """
    waiting = waitlist.copy()
    for i in range(slots.shape[0]):
        slot = slots[i]
        for level in range(caseload.shape[0]):
            waiting[post_type[slot], level] += caseload[level, slot]
            caseload[level, slot] = 0
        status[slot] = VACANT
        notice_left[slot] = NO_NOTICE
        hire_week[slot] = week + delays[i]
    return waiting


@njit
def hires_roster(slots, fte, rel_cap_post, leader, supervision, persuasion, cap, inv_sustainable, cap_per_fte,
                 sustainable_per_fte, persuasion_leader_share):
    """Phase 6 (turnover), hires: the roster's per-clinician resources of the new hires in ``slots`` (persuasion,
    caseload cap, inverse sustainable caseload; in place), after their supervision is set."""
    for i in range(slots.shape[0]):
        slot = slots[i]
        persuasion[slot] = pr.persuasion(supervision[slot], leader[slot], persuasion_leader_share)
        cap[slot] = pr.caseload_cap(fte[slot], rel_cap_post[slot], cap_per_fte)
        inv_sustainable[slot] = pr.inv_sustainable_caseload(fte[slot], sustainable_per_fte)

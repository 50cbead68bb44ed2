"""Submodels: small pure functions over NumPy arrays, one per mechanism.

Each function takes arrays (one element per post/slot) and either plain numbers or the parameter group it
reads (a :func:`model.jit.struct` of the group), returns new arrays, and names its theory and source. None of
them reads the model object; the weekly kernels (:mod:`model.kernels`) and the model (:mod:`model.workforce`)
wire them together in the order written in :meth:`model.workforce.WorkforceModel.step`. Randomness enters only
through the ``numpy.random.Generator`` passed in.

The functions of the weekly hot path are compiled with :data:`model.jit.njit`: the same function is called from
Python (for example by the tests) and from inside the compiled kernels, so each equation exists once. The
functions that draw from a multivariate hypergeometric or a Poisson distribution, and the exponentials and
powers (whose compiled and NumPy results can differ in the last bit), stay in NumPy.
"""

from __future__ import annotations

import numpy as np

from .jit import njit

N_LEVELS = 3  # trauma levels of clients: 0 low, 1 moderate, 2 high


# ------------------------------------------------------------------------------------------------------------
# 1. Clients
# ------------------------------------------------------------------------------------------------------------


def referrals(rng: np.random.Generator, mean_total: float, prop_moderate: float,
              prop_high: float) -> np.ndarray:
    """New referrals this week by trauma level.

    Poisson arrivals split by the trauma mix (independent Poisson streams per level).

    Args:
        rng: the referrals stream.
        mean_total: expected referrals this week.
        prop_moderate: share of moderate-trauma referrals.
        prop_high: share of high-trauma referrals.

    Returns:
        int array of shape (3,): low, moderate, high.

    References:
        Poisson arrivals are the standard queueing model of referrals (e.g. Vasilakis et al. 2013).
    """
    # one scalar draw per level: the same numbers as one array draw, at a tenth of its call cost
    return np.array([rng.poisson(mean_total * share)
                     for share in (1.0 - prop_moderate - prop_high, prop_moderate, prop_high)], np.int64)


def waitlist_dropouts(rng: np.random.Generator, waiting: np.ndarray, p_dropout: float) -> np.ndarray:
    """Waiting clients who give up this week: Binomial(waiting, p) in each cell (team type, trauma level).

    One scalar draw per cell, in row-major order: the same numbers as one array draw, at a fraction of its
    call cost (an empty cell draws nothing, as in NumPy).

    References:
        Waiting-list attrition of roughly a third over two to three months (Westin et al. 2014).
    """
    out = np.empty_like(waiting)
    for index, n in np.ndenumerate(waiting):
        out[index] = rng.binomial(n, p_dropout) if n else 0
    return out


@njit
def capacity(caseload_total: np.ndarray, cap: np.ndarray, accepting: np.ndarray) -> np.ndarray:
    """Free places per clinician: cap minus open cases, zero for those not accepting.

    Args:
        caseload_total: open cases per slot.
        cap: caseload cap per slot (clients, already scaled by FTE and stretch).
        accepting: bool, clinician at work and able to take clients.

    Returns:
        int array of free places.
    """
    free = np.floor(cap).astype(np.int64) - caseload_total
    return np.where(accepting, np.maximum(free, 0), 0)


@njit
def onboarding_share(weeks_in_post: np.ndarray, onboarding_weeks: float, start_share: float) -> np.ndarray:
    """Share of the full caseload cap a clinician may carry: rising linearly from ``start_share`` in the first week
    to 1 after ``onboarding_weeks`` in post (1 throughout when ``onboarding_weeks`` is 0).

    References:
        Graduated caseloads during onboarding and preceptorship; socialisation lowers early turnover (Hom et al.
        2017).
    """
    if onboarding_weeks <= 0.0:
        return np.ones(weeks_in_post.shape[0])
    return np.minimum(1.0, start_share + (1.0 - start_share) * weeks_in_post / onboarding_weeks)


@njit
def caseload_cap(fte, rel_cap, cap_per_fte: float):
    """Caseload cap of a post (clients): ``cap_per_fte * rel_cap * fte`` (an array or one post).

    Args:
        fte: full-time equivalent of the post's clinician.
        rel_cap: cap per FTE of the post's team type, relative to ``cap_per_fte``.
        cap_per_fte: ``caseload.cap_per_fte``.

    References:
        Outpatient therapist caseloads of 25-40 per FTE (Yanchus et al. 2017; NHS Talking Therapies guidance).
    """
    return cap_per_fte * rel_cap * fte


@njit
def _fenwick(counts: np.ndarray) -> np.ndarray:
    """Fenwick (binary indexed) tree of ``counts``, 1-based, for prefix sums and k-th element search."""
    n = counts.shape[0]
    tree = np.zeros(n + 1, np.int64)
    for i in range(n):
        j = i + 1
        tree[j] += counts[i]
        parent = j + (j & -j)
        if parent <= n:
            tree[parent] += tree[j]
    return tree


@njit
def _take_place(tree: np.ndarray, counts: np.ndarray, target: int) -> int:
    """Slot holding the ``target``-th (0-based) place of ``counts``; one place is taken from it (both updated)."""
    n = counts.shape[0]
    pos = 0
    step = 1
    while step * 2 <= n:
        step *= 2
    while step > 0:
        nxt = pos + step
        if nxt <= n and tree[nxt] <= target:
            pos = nxt
            target -= tree[nxt]
        step //= 2
    slot = pos  # 0-based slot = 1-based position pos + 1
    counts[slot] -= 1
    j = slot + 1
    while j <= n:
        tree[j] -= 1
        j += j & -j
    return slot


@njit
def _pick(u: float, total: int) -> int:
    """A uniform integer in [0, total) from a uniform draw in [0, 1)."""
    return min(int(u * total), total - 1)


@njit
def allocate(u: np.ndarray, free: np.ndarray, waiting: np.ndarray, new: np.ndarray, route_pools: np.ndarray,
             route_n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Allocate clients to free places, every free place equally likely to receive each client.

    High-trauma clients are first routed to pools of clinicians: for each route ``r`` in turn, up to
    ``route_n[r]`` high-trauma clients (waiting ones first) are each placed in a free place of the pool
    ``route_pools[r]`` drawn uniformly; those who find no place there join the general allocation. Then waiting
    clients are placed before new referrals: while places remain, a client of the group is drawn uniformly
    (so when clients outnumber places, which ones are placed is random) and put in a free place drawn
    uniformly. This is the same as assigning clients to distinct free places uniformly at random (the counts
    per clinician are multivariate hypergeometric). Each placement uses one uniform for the place and, outside
    the routes, one for the client, taken in order from ``u``.

    Args:
        u: uniform draws from the allocation stream, at least ``3 x (waiting + new clients)``.
        free: free places per slot (int).
        waiting: clients on the waiting list by trauma level, shape (3,).
        new: new referrals by trauma level, shape (3,).
        route_pools: bool, shape (r, n): the pool of each route.
        route_n: int, shape (r,): high-trauma clients offered to each route.

    Returns:
        (assigned, unplaced): assigned clients, shape (3, n_slots); unplaced clients by level, shape (3,).

    References:
        Random allocation to available capacity; routing follows the specialist-versus-rotation question in
        trauma work (Sprang, Clark & Whitt-Woosley 2007; Bride 2007).
    """
    n = free.shape[0]
    free = free.astype(np.int64)
    groups = np.empty((2, N_LEVELS), np.int64)
    groups[0] = waiting
    groups[1] = new
    assigned = np.zeros((N_LEVELS, n), np.int64)
    k = 0
    for r in range(route_pools.shape[0]):
        if route_n[r] <= 0:
            continue
        pool = np.where(route_pools[r], free, 0)
        tree = _fenwick(pool)
        n_pool = int(pool.sum())
        for _ in range(min(route_n[r], n_pool, groups[0, 2] + groups[1, 2])):
            slot = _take_place(tree, pool, _pick(u[k], n_pool))
            k += 1
            n_pool -= 1
            free[slot] -= 1
            assigned[2, slot] += 1
            g = 0 if groups[0, 2] > 0 else 1  # the pool's places are taken by waiting clients first
            groups[g, 2] -= 1
    tree = _fenwick(free)
    n_places = int(free.sum())
    for g in range(2):
        n_group = int(groups[g].sum())
        while n_places > 0 and n_group > 0:
            # a client of the group, uniformly: its level
            c = _pick(u[k], n_group)
            k += 1
            level = 0
            while c >= groups[g, level]:
                c -= groups[g, level]
                level += 1
            slot = _take_place(tree, free, _pick(u[k], n_places))
            k += 1
            groups[g, level] -= 1
            n_group -= 1
            n_places -= 1
            assigned[level, slot] += 1
    return assigned, groups[0] + groups[1]


def take_clients(rng: np.random.Generator, clients: np.ndarray, room: int) -> np.ndarray:
    """Clients taken at random from ``clients`` (counts by trauma level, or by team type and trauma level) to fill
    ``room`` places (none if no room); the result has the shape of ``clients``."""
    counts = np.asarray(clients, dtype=np.int64)
    taken = _draw_without_replacement(rng, counts.ravel(), min(max(room, 0), int(counts.sum())))
    return taken.reshape(counts.shape)


def _draw_without_replacement(rng: np.random.Generator, counts: np.ndarray, k: int) -> np.ndarray:
    """Levels of ``k`` clients drawn at random from a group with ``counts`` per level."""
    if k <= 0:
        return np.zeros_like(counts)
    if k >= counts.sum():
        return counts.copy()
    return rng.multivariate_hypergeometric(counts, k, method="count")


@njit
def care_quality(se: np.ndarray, bo: np.ndarray, c) -> np.ndarray:
    """Relative care quality of each clinician (1 = average clinician).

    ``quality = clip(1 + se_effect (SE - se_ref) - bo_effect (BO - bo_ref), quality_min, quality_max)`` with
    the fields ``quality_*`` of the ``clients`` group ``c`` (defaults: references 0.5 and 0.3, clip 0.2-2).

    References:
        Burnout lowers quality of care and patient outcomes (Salyers et al. 2017; Delgadillo et al. 2018);
        therapist confidence and skill drive therapist effects (Baldwin & Imel 2013).
    """
    return np.clip(1.0 + c.quality_se_effect * (se - c.quality_se_reference)
                   - c.quality_bo_effect * (bo - c.quality_bo_reference), c.quality_min, c.quality_max)


@njit
def binomial_inverse(u: float, n: int, p: float) -> int:
    """A Binomial(n, p) draw from one uniform draw ``u`` by inversion of the distribution function.

    The probabilities are built up from ``P(0) = (1 - p)^n`` with the ratio ``P(k+1)/P(k) = (n-k)/(k+1) p/(1-p)``
    until the distribution function passes ``u`` (exact; one uniform per draw, so draws stay aligned with the
    cells they belong to).
    """
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    q = 1.0 - p
    pk = q**n
    cdf = pk
    ratio = p / q
    k = 0
    while u >= cdf and k < n:
        pk *= ratio * (n - k) / (k + 1)
        k += 1
        cdf += pk
    return k


@njit
def episode_endings(u: np.ndarray, caseload: np.ndarray, p_recovery: np.ndarray,
                    p_dropout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Episodes that end this week in recovery or drop-out (competing risks), two uniform draws per cell.

    For each cell (trauma level, clinician): endings ~ Binomial(open cases, p_recovery + p_dropout), then
    recoveries among them ~ Binomial(endings, p_recovery / (p_recovery + p_dropout)); the rest are drop-outs.
    Each open case thus recovers with chance ``p_recovery`` and drops out with chance ``p_dropout`` (their sum
    capped at 1). Both draws are inversions of one uniform each (:func:`binomial_inverse`); cell ``j`` (level by
    level, slot by slot) uses ``u[2j]`` and ``u[2j + 1]``, so a change of one clinician's caseload leaves every
    other cell's draws as they were (common random numbers).

    Args:
        u: uniform draws in [0, 1), two per cell: ``2 x 3 x n``.
        caseload: open cases, shape (3, n).
        p_recovery: weekly recovery chance, shape (3, n).
        p_dropout: weekly drop-out chance per clinician, shape (n,) (the same at every trauma level).

    Returns:
        (recoveries, dropouts), each shape (3, n).

    References:
        Competing-risks discharge of therapy episodes (Saxon et al. 2017; Swift & Greenberg 2012); inversion
        of the binomial distribution function (Devroye 1986, section X.4).
    """
    n_levels, n = caseload.shape
    rec = np.zeros_like(caseload)
    drop = np.zeros_like(caseload)
    for level in range(n_levels):
        for i in range(n):
            j = 2 * (level * n + i)
            p_rec = p_recovery[level, i]
            p_end = min(p_rec + p_dropout[i], 1.0)
            ended = binomial_inverse(u[j], caseload[level, i], p_end)
            if ended > 0:
                r = binomial_inverse(u[j + 1], ended, min(p_rec / p_end, 1.0))
                rec[level, i] = r
                drop[level, i] = ended - r
    return rec, drop


# ------------------------------------------------------------------------------------------------------------
# 2. Exposure
# ------------------------------------------------------------------------------------------------------------


@njit
def trauma_exposure(caseload: np.ndarray, weight_moderate: float, reference_clients: float,
                    at_work: np.ndarray) -> np.ndarray:
    """Weekly trauma exposure: trauma-weighted caseload over a reference load, zero when not at work.

    ``exposure = (0 * low + w_mod * moderate + 1 * high) / reference``

    References:
        Exposure dose as the share of traumatised clients (Bride 2007; Figley 1995).
    """
    weighted = caseload[1] * weight_moderate + caseload[2]
    return np.where(at_work, weighted / reference_clients, 0.0)


def critical_incidents(u: np.ndarray, high_clients: np.ndarray, p_per_client: float,
                       team: np.ndarray, n_teams: int) -> tuple[np.ndarray, np.ndarray]:
    """Critical incidents (client suicide or serious violence) and their reach into the team.

    A clinician has an incident when ``u < 1 - (1 - p)^high_clients``; each incident also affects the
    clinician's team colleagues.

    Args:
        u: uniform draws, one per slot.
        high_clients: high-trauma clients per slot (zero for those not in post).
        p_per_client: weekly chance per high-trauma client.
        team: team index per slot.
        n_teams: number of teams.

    Returns:
        (direct, colleagues): bool direct incident per slot; number of incidents among colleagues per slot.

    References:
        Client suicide as a traumatic event for clinicians (Chemtob et al. 1988; Sandford et al. 2021).
    """
    # the power stays NumPy: compiled, it can differ from NumPy's in the last bit
    p = 1.0 - (1.0 - p_per_client) ** high_clients
    direct = u < p
    return direct, colleague_incidents(direct, team, n_teams)


@njit
def colleague_incidents(direct: np.ndarray, team: np.ndarray, n_teams: int) -> np.ndarray:
    """Critical incidents among each clinician's team colleagues: the team's incidents less the clinician's own.

    References:
        Vicarious exposure of the team to a client's suicide (Sandford et al. 2021).
    """
    per_team = team_sums(team, n_teams, direct.astype(np.float64))
    out = np.empty(team.shape[0])
    for i in range(team.shape[0]):
        out[i] = per_team[team[i]] - direct[i]
    return out


# ------------------------------------------------------------------------------------------------------------
# 3. Demands and resources (JD-R)
# ------------------------------------------------------------------------------------------------------------


@njit
def team_sums(team: np.ndarray, n_teams: int, values: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over the members of each team (slot order: ``np.bincount`` with weights)."""
    out = np.zeros(n_teams)
    for i in range(team.shape[0]):
        out[team[i]] += values[i]
    return out


@njit
def team_absent_share(absent: np.ndarray, team: np.ndarray, team_posts: np.ndarray) -> np.ndarray:
    """Share of a clinician's team colleagues' posts that are vacant or on leave (self excluded)."""
    n_teams = team_posts.shape[0]
    absent_by_team = team_sums(team, n_teams, absent)
    others = np.maximum(team_posts[team] - 1, 1)
    return (absent_by_team[team] - absent) / others


@njit
def demands(load: np.ndarray, exposure: np.ndarray, admin: float, cover: np.ndarray, pressure: float, w,
            load_buffer=1.0, trauma_buffer=1.0) -> np.ndarray:
    """Job demands index: weighted sum of caseload load, trauma exposure, admin burden, cover duty and
    waiting-list pressure (weights ``demand_weight_*`` of the ``work`` group ``w``).

    ``load_buffer`` and ``trauma_buffer`` scale the load and trauma terms: 1 for the demands themselves, the
    matched buffers in :func:`matched_strain`.

    References:
        Job Demands-Resources model (Demerouti et al. 2001; Bakker & Demerouti 2007); workload and
        documentation as the main demands in mental-health work (O'Connor et al. 2018; Sinsky et al. 2016).
    """
    return (w.demand_weight_load * load * load_buffer + w.demand_weight_trauma * exposure * trauma_buffer
            + w.demand_weight_admin * admin + w.demand_weight_cover * cover + w.demand_weight_waitlist * pressure)


def supervision_intensity(supervised: np.ndarray, s) -> np.ndarray:
    """Effective supervision received (0-1).

    ``supervised * (1 - exp(-sessions / scale)) * (admin + (1 - admin) * reflective_quality)`` with the
    ``supervision`` group ``s`` (``sessions_per_month``, ``dose_scale_sessions``, ``admin_value``,
    ``reflective_quality``): diminishing returns in frequency; administrative supervision is worth ``admin_value``
    (default 30%) of reflective supervision.

    References:
        Reflective supervision and STS (Knight 2013; Gunn et al. 2021); dose-response with diminishing
        returns is an assumption.
    """
    dose = 1.0 - np.exp(-s.sessions_per_month / s.dose_scale_sessions)
    return supervised * (dose * (s.admin_value + (1.0 - s.admin_value) * s.reflective_quality))


@njit
def inv_sustainable_caseload(fte, sustainable_per_fte: float):
    """One over the sustainable caseload of a clinician (per client): ``1 / (sustainable_per_fte max(fte, 0.1))``
    (an array or one clinician); the load is the open cases times it.

    Args:
        fte: full-time equivalent (counted as at least 0.1).
        sustainable_per_fte: ``work.sustainable_caseload_per_fte``.

    References:
        Caseloads above about 30 are where burnout rises in outpatient settings (Yanchus et al. 2017).
    """
    return 1.0 / (sustainable_per_fte * np.maximum(fte, 0.1))


@njit
def persuasion(supervision, leader, leader_share: float):
    """Verbal persuasion a clinician receives (0-1): ``(1 - leader_share) supervision + leader_share leader``
    (arrays or one clinician).

    Args:
        supervision: effective supervision received (0-1).
        leader: leader support of the clinician's team (0-1).
        leader_share: ``self_efficacy.persuasion_leader_share``.

    References:
        Bandura 1977 (verbal persuasion as a source of self-efficacy: supervision and leader feedback).
    """
    return (1.0 - leader_share) * supervision + leader_share * leader


@njit
def resources(leader: np.ndarray, supervision: np.ndarray, peer: np.ndarray, recognition: np.ndarray,
              se: np.ndarray, ei: np.ndarray, w) -> np.ndarray:
    """Job and personal resources index (0-1): weighted mean of seven resources.

    Weights and the autonomy level come from the ``work`` group ``w`` (``resource_weight_*``, default 1 each:
    the equal-weight mean; ``schedule_autonomy``).

    References:
        JD-R job resources (leader support, supervision, peer support, autonomy, recognition) and personal
        resources (self-efficacy, emotional intelligence) (Xanthopoulou et al. 2007; Bakker & Demerouti 2007);
        reward and recognition as an area of worklife whose mismatch predicts burnout (Maslach & Leiter 2016).
    """
    total = (w.resource_weight_leader + w.resource_weight_supervision + w.resource_weight_peer
             + w.resource_weight_autonomy + w.resource_weight_recognition + w.resource_weight_self_efficacy
             + w.resource_weight_ei)
    return (w.resource_weight_leader * leader + w.resource_weight_supervision * supervision
            + w.resource_weight_peer * peer + w.resource_weight_autonomy * w.schedule_autonomy
            + w.resource_weight_recognition * recognition + w.resource_weight_self_efficacy * se
            + w.resource_weight_ei * ei) / total


@njit
def strain(demand: np.ndarray, resource: np.ndarray, buffer_strength: float) -> np.ndarray:
    """Unbuffered demands: ``demand * (1 - buffer * resources)`` (an interaction, not an addition).

    References:
        Buffering hypothesis of JD-R (Bakker, Demerouti & Euwema 2005).
    """
    return demand * (1.0 - buffer_strength * resource)


@njit
def waitlist_pressure(n_waiting: float, n_at_work: float, reference_per_clinician: float) -> float:
    """Pressure of the waiting list on the clinicians at work (0-1): ``w / (w + 1)``, ``w`` the waiting clients per
    clinician at work over the reference (one half at the reference; 1 when nobody is at work and clients wait).

    References:
        Assumption: waiting clients reach clinicians as duty, triage and holding work; workload pressure
        predicts burnout (O'Connor et al. 2018).
    """
    if n_waiting <= 0.0:
        return 0.0
    if n_at_work <= 0.0:
        return 1.0
    w = n_waiting / (n_at_work * reference_per_clinician)
    return w / (w + 1.0)


@njit
def matched_strain(load: np.ndarray, exposure: np.ndarray, cover: np.ndarray, pressure: float,
                   resource: np.ndarray, recognition: np.ndarray, supervision: np.ndarray, at_work: np.ndarray,
                   w) -> np.ndarray:
    """Strain with matching: every demand is buffered by the general resources, and two also by their own.

    ``strain = (1 - buffer R) [w_load load (1 - m_aut autonomy - m_rec recognition)^+ + w_trauma exposure
    (1 - m_sup supervision) + w_admin admin + w_cover cover + w_wait pressure]``, zero when not at work, with
    the fields of the ``work`` group ``w``.

    References:
        JD-R buffering (Bakker, Demerouti & Euwema 2005); the matching principle of the DISC model (de Jonge &
        Dormann 2006); job control and workload (Karasek 1979); effort-reward imbalance (Siegrist 1996);
        supervision and trauma work (Knight 2013).
    """
    load_buffer = np.maximum(0.0, 1.0 - w.match_load_autonomy * w.schedule_autonomy
                             - w.match_load_recognition * recognition)
    matched = demands(load, exposure, w.admin_burden, cover, pressure, w, load_buffer,
                      1.0 - w.match_trauma_supervision * supervision)
    return at_work * matched * (1.0 - w.buffer_strength * resource)


@njit
def peer_means(team: np.ndarray, n_teams: int, cross_indptr: np.ndarray, cross_indices: np.ndarray,
               values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Mean of ``values`` (rows) over each clinician's present peers; own value where none is present.

    Peers are every other member of the own team (team ties) plus the cross-team ties. A team is a clique, so
    a member's team-peer sum is the team sum minus their own value; cross-team sums run over the rows of the
    tie matrix in CSR form (0/1 ties: the indices of each row are the peers).

    Args:
        team: team index per slot.
        n_teams: number of teams.
        cross_indptr, cross_indices: the CSR row pointers and column indices of the (n, n) 0/1 matrix of
            cross-team ties.
        values: shape (k, n).
        present: bool, clinician in post.

    Returns:
        shape (k, n).
    """
    k, n = values.shape
    w = present.astype(np.float64)
    rows = np.empty((k + 1, n))
    rows[:k] = values * w
    rows[k] = w
    out = np.empty((k, n))
    for r in range(k + 1):
        sums = team_sums(team, n_teams, rows[r])[team] - rows[r]
        for i in range(n):
            cross = 0.0
            for jj in range(cross_indptr[i], cross_indptr[i + 1]):
                cross += rows[r, cross_indices[jj]]
            sums[i] += cross
        rows_sum = sums
        if r < k:
            out[r] = rows_sum
        else:
            counts = rows_sum
    for r in range(k):
        for i in range(n):
            out[r, i] = out[r, i] / max(counts[i], 1.0) if counts[i] > 0 else values[r, i]
    return out


# ------------------------------------------------------------------------------------------------------------
# 4. State updates. Every latent state x in [0, 1] moves by the same gain-loss balance
#        x' = x + gain (1 - x) - loss x,
# whose fixed point is gain / (gain + loss), so associations emerge from the balance of drivers and states stay
# in range. Each submodel below returns its weekly (gain, loss) rates; :func:`balance_update` applies them to
# all states at once.
# ------------------------------------------------------------------------------------------------------------


@njit
def balance_update(x: np.ndarray, gain: np.ndarray, loss: np.ndarray) -> np.ndarray:
    """``x + gain (1 - x) - loss x``, clipped to [0, 1] (works on a block of states at once)."""
    return np.clip(x + gain * (1.0 - x) - loss * x, 0.0, 1.0)


@njit
def burnout_rates(strain_, vulnerability, se, reserves, detachment, peer_bo, cs, b, contagion_rate):
    """Burnout: JD-R health impairment with a COR loss spiral, efficacy vulnerability, CS protection and crossover.

    ``gain = rate_gain * strain * vulnerability * (1 + se_vuln * max(0, se_ref - SE))
    * (1 + cor_spiral * max(0, thr - reserves) / thr) + contagion * peer BO``;
    ``loss = rate_recovery * detachment * max(0, 1 + cs_protection (CS - cs_ref)) + contagion * (1 - peer BO)``.
    The contagion terms add ``contagion * (peer BO - BO)``: crossover towards the peers' mean.

    Args:
        strain_, vulnerability, se, reserves, detachment, peer_bo, cs: arrays, one element per slot.
        b: the ``burnout`` group (``rate_gain``, ``rate_recovery``, ``se_vulnerability``, ``se_reference``,
            ``cor_spiral``, ``reserve_threshold``, ``cs_protection``, ``cs_reference``).
        contagion_rate: ``peers.contagion_rate``.

    References:
        Bakker & Demerouti 2007 (JD-R; the motivational path); Hobfoll 1989 and Hobfoll et al. 2018 (COR loss
        spirals); Shoji et al. 2016 (self-efficacy and burnout); Stamm 2010 and Samios et al. 2013 (CS protects
        against burnout); Bakker, Le Blanc & Schaufeli 2005 (crossover); Sonnentag & Fritz 2007 (detachment).
    """
    rel_se = 1.0 + b.se_vulnerability * np.maximum(0.0, b.se_reference - se)
    rel_cor = 1.0 + (b.cor_spiral / b.reserve_threshold) * np.maximum(0.0, b.reserve_threshold - reserves)
    rel_cs = np.maximum(0.0, 1.0 + b.cs_protection * (cs - b.cs_reference))
    gain = b.rate_gain * strain_ * vulnerability * rel_se * rel_cor + contagion_rate * peer_bo
    loss = b.rate_recovery * detachment * rel_cs + contagion_rate * (1.0 - peer_bo)
    return gain, loss


@njit
def ei_paths(ei, vulnerability, t):
    """Emotional intelligence as a personal resource: (effective vulnerability, recovery multiplier).

    ``vulnerability x max(0.1, 1 - ei_vulnerability (EI - ref))`` and ``max(0.1, 1 + ei_recovery (EI - ref))``
    with the ``traits`` group ``t``; the recovery multiplier scales detachment, so it speeds the recovery of
    burnout and STS alike.

    References:
        Mikolajczak et al. 2008 (trait EI, stress reactivity and recovery); Zeidner, Matthews & Roberts 2012
        (EI and well-being); Frajo-Apor et al. 2016 (EI and resilience in mental-health professionals).
    """
    dev = ei - t.ei_reference
    return (vulnerability * np.maximum(0.1, 1.0 - t.ei_vulnerability * dev),
            np.maximum(0.1, 1.0 + t.ei_recovery * dev))


@njit
def sts_rates(exposure, vulnerability, trauma_history, supervision, ei, cs, detachment, direct, colleague, s,
              sts_protection, ex):
    """Secondary traumatic stress along Figley's compassion-stress pathway, plus critical-incident shocks.

    ``gain = rate_gain * exposure * vulnerability * rel_history * (1 - protection * supervision)
    * (1 - ei_protection (EI - ei_reference)) + min(1, direct_shock * direct + team_shock * colleague incidents)``;
    ``loss = rate_recovery * detachment * (cs_recovery_base + CS)``.

    Args:
        exposure, vulnerability, trauma_history, supervision, ei, cs, detachment, direct, colleague: arrays.
        s: the ``sts`` group (``rate_gain``, ``rate_recovery``, ``rel_trauma_history``, ``ei_protection``,
            ``ei_reference``, ``cs_recovery_base``).
        sts_protection: ``supervision.sts_protection``.
        ex: the ``exposure`` group (``incident_sts_shock``, ``incident_team_shock``).

    References:
        Figley 1995 (compassion fatigue: exposure and empathic engagement produce compassion stress, relieved
        by disengagement and satisfaction); Hensel et al. 2015 (own trauma history); Knight 2013 (supervision);
        Zeidner et al. 2013 (emotional intelligence); Chemtob et al. 1988 (client suicide).
    """
    rel_hist = np.where(trauma_history, s.rel_trauma_history, 1.0)
    gain = (s.rate_gain * exposure * vulnerability * rel_hist * (1.0 - sts_protection * supervision)
            * (1.0 - s.ei_protection * (ei - s.ei_reference)))
    gain += np.minimum(direct * ex.incident_sts_shock + colleague * ex.incident_team_shock, 1.0)
    loss = s.rate_recovery * detachment * (s.cs_recovery_base + cs)
    return gain, loss


@njit
def satisfaction_rates(mastery, recognition, vicarious_resilience, growth, bo, sts, ei, calling, s):
    """Compassion satisfaction from meaning, successes, recognition, vicarious resilience, growth and EI.

    ``gain = rate (w_meaning calling + w_mastery mastery + w_recognition recognition + w_vr VR + w_growth growth
    + w_ei EI)``; ``loss = rate (loss_base + w_bo BO + w_sts STS)``.

    Args:
        mastery, recognition, vicarious_resilience, growth, bo, sts, ei: arrays.
        calling: the clinician's stable sense of calling (multiplier of the meaning gain, mean 1).
        s: the ``satisfaction`` group.

    References:
        Stamm 2010 (ProQOL: CS as pleasure from doing the work well); Duffy & Dik 2013 (calling);
        Hernandez, Gangsei & Engstrom 2007 (vicarious resilience); Maslach & Leiter 2016 (recognition);
        Arnold et al. 2005 (vicarious growth); Zeidner et al. 2013 (EI).
    """
    gain = s.rate * (s.w_meaning * calling + s.w_mastery * mastery + s.w_recognition * recognition
                     + s.w_vicarious_resilience * vicarious_resilience + s.w_growth * growth + s.w_ei * ei)
    loss = s.rate * (s.loss_base + s.w_bo_erosion * bo + s.w_sts_erosion * sts)
    return gain, loss


@njit
def self_efficacy_rates(mastery, peer_mastery, persuasion, growth, bo, sts, ei, e):
    """Self-efficacy from Bandura's four sources, growth and emotional intelligence (a resource caravan).

    ``gain = rate (w_m mastery + w_v peer mastery + w_p persuasion + w_g growth + w_ei EI)``;
    ``loss = rate (loss_base + w_f (1 - mastery) + w_a (BO + STS) / 2)``.

    Args:
        mastery, peer_mastery, persuasion, growth, bo, sts, ei: arrays.
        e: the ``self_efficacy`` group.

    References:
        Bandura 1977, 1997: mastery experience, vicarious experience, verbal persuasion, physiological and
        affective states; Tedeschi & Calhoun 2004 (growth); Hobfoll 2011 (resource caravans).
    """
    gain = e.rate * (e.w_mastery * mastery + e.w_vicarious * peer_mastery + e.w_persuasion * persuasion
                     + e.w_growth * growth + e.w_ei * ei)
    loss = e.rate * (e.loss_base + e.w_failure * (1.0 - mastery) + (0.5 * e.w_affective) * (bo + sts))
    return gain, loss


@njit
def reserves_rates(resource, strain_, bo, b):
    """Personal resource reserves (COR): replenished by resources, drained by strain and burnout, losses weighing more.

    ``gain = rate * resources``; ``loss = rate * loss_weight * (strain + BO) / 2``. Burnout draining reserves, and
    low reserves raising burnout (:func:`burnout_rates`), is the loss spiral.

    Args:
        resource, strain_, bo: arrays.
        b: the ``burnout`` group (``rate_reserves``, ``reserve_loss_weight``).

    References:
        Hobfoll 1989, 2001 (Conservation of Resources; resource caravans and loss spirals); Hobfoll et al. 2018
        (primacy of loss).
    """
    return b.rate_reserves * resource, (0.5 * b.rate_reserves * b.reserve_loss_weight) * (strain_ + bo)


@njit
def growth_rates(exposure, support, g):
    """Vicarious post-traumatic growth: exposure processed with enough support.

    ``gain = rate_gain * exposure * max(0, support - thr) / (1 - thr)``; ``loss = rate_decay``.

    Args:
        exposure, support: arrays.
        g: the ``growth`` group (``rate_gain``, ``support_threshold``, ``rate_decay``).

    References:
        Tedeschi & Calhoun 2004 (PTG); Arnold et al. 2005 and Manning-Jones et al. 2015 (vicarious PTG in
        therapists, dependent on support and processing).
    """
    gain = (g.rate_gain / (1.0 - g.support_threshold)) * exposure * np.maximum(0.0, support - g.support_threshold)
    return gain, np.full_like(gain, g.rate_decay)


@njit
def intention_rates(bo, sts, cs, leader, t):
    """Turnover intention: pushed by burnout and STS, held back by CS and leader support.

    ``gain = rate (w_bo BO + w_sts STS)``; ``loss = rate (w_cs CS + w_leader leader)``.

    Args:
        bo, sts, cs, leader: arrays.
        t: the ``turnover`` group (``rate_intention``, ``w_bo``, ``w_sts``, ``w_cs``, ``w_leader``).

    References:
        Mobley 1977 (withdrawal cognitions); Scanlan & Still 2019 and Bride & Kintzle 2011 (burnout, STS,
        CS and intention to leave among mental-health workers).
    """
    return t.rate_intention * (t.w_bo * bo + t.w_sts * sts), t.rate_intention * (t.w_cs * cs + t.w_leader * leader)


@njit
def ewma(previous: np.ndarray, current: np.ndarray, observed: np.ndarray, weight: float):
    """Exponentially weighted moving average that only moves where something was observed."""
    return np.where(observed, (1.0 - weight) * previous + weight * current, previous)


#: direction of the common affect shock on the noisy rows (se, cs, bo, sts): a bad week lowers SE and CS and
#: raises BO and STS
AFFECT_SIGN = np.array([-1.0, -1.0, 1.0, 1.0])


@njit
def affect_noise(x: np.ndarray, u: np.ndarray, sd: float, affect_sd: float) -> np.ndarray:
    """Weekly shocks to the rows ``se, cs, bo, sts`` of ``x``: one common affect shock and one per state.

    ``x + sqrt(x (1 - x)) (affect_sd sign z_0 + sd z_k)``, clipped to [0, 1], with ``z = sqrt(12) (u - 1/2)``
    from the uniform rows of ``u`` (row 0 the common shock, rows 1-4 the states'); ``sign`` is
    :data:`AFFECT_SIGN`. The common shock makes within-person changes of the four states move together. Uniform
    draws are four times cheaper than normal ones, and summed over weeks the shocks are near-Gaussian; the
    ``sqrt(x (1 - x))`` scale is that of a Jacobi diffusion, which keeps states off the bounds.

    References:
        Watson & Clark 1984 (negative affectivity).
    """
    z = (u - 0.5) * 3.4641016151377544
    out = np.empty_like(x)
    for k in range(x.shape[0]):
        shock = AFFECT_SIGN[k] * affect_sd * z[0] + sd * z[k + 1]
        out[k] = np.clip(x[k] + np.sqrt(x[k] * (1.0 - x[k])) * shock, 0.0, 1.0)
    return out


# ------------------------------------------------------------------------------------------------------------
# 6. Absence and turnover
# ------------------------------------------------------------------------------------------------------------


def p_sick_leave(bo: np.ndarray, p_max: float, bo_half_max: float, bo_slope: float,
                 p_other: float = 0.0) -> np.ndarray:
    """Weekly chance of starting sick leave: all-cause plus a part logistic in burnout.

    ``p_other + p_max / (1 + exp(-(BO - half) / slope))``.

    References:
        Ahola et al. 2008 (burnout predicts long-term sickness absence); all-cause absence of mental-health
        staff (NHS Digital sickness absence statistics).
    """
    return p_other + p_max / (1.0 + np.exp(-(bo - bo_half_max) / bo_slope))


def p_give_notice(intention: np.ndarray, threshold: float, p_quit: float, p_other: float,
                  weeks_in_post: np.ndarray | None = None, p_early: float = 0.0,
                  early_weeks: float = 26.0) -> np.ndarray:
    """Weekly chance of giving notice: two-stage turnover plus an early-tenure hazard.

    ``p = p_quit * max(0, (intention - thr) / (1 - thr)) + p_other + p_early exp(-weeks in post / early_weeks)``:
    below the threshold only reasons unrelated to the job, and the reality shock of the first months, lead to
    leaving (intention is necessary, not sufficient).

    References:
        Mobley 1977; Griffeth, Hom & Gaertner 2000 (intention is the best but an imperfect predictor; early
        tenure leaves most); Kramer 1974 (reality shock).
    """
    p = p_quit * np.maximum(0.0, (intention - threshold) / (1.0 - threshold)) + p_other
    if weeks_in_post is not None and p_early > 0.0:
        p = p + p_early * np.exp(-weeks_in_post / early_weeks)
    return p

"""The workforce model: a Mesa ``Model`` whose weekly step is vectorised over clinicians."""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa
import numpy as np

from . import network, outcomes, proqol
from . import processes as pr
from .agents import Clinician
from .parameters import Parameters
from .state import ACTIVE, NO_NOTICE, NOISY_STATES, ON_LEAVE, VACANT, Workforce, draw_clinicians

#: named random streams, spawned from the root seed in this order (never reorder: it changes every result)
STREAMS = ("init", "referrals", "allocation", "episodes", "incidents", "noise", "absence", "turnover",
           "hiring", "survey")


def _read_metric(model: WorkforceModel, name: str) -> float:
    return model.metrics[name]


class WorkforceModel(mesa.Model):
    """Agent-based model of a mental-health clinician workforce, one step per week.

    Args:
        params: parameters (defaults if None).
        rng: root seed (int or ``numpy.random.SeedSequence``); a fresh one is drawn if None and kept in
            ``seed`` so the run can be repeated.
        burn_in_weeks: weeks simulated during construction, without recording, so the recorded run starts
            from a settled service. Lever start weeks count from the end of the burn-in.
        seed: alias of ``rng`` (Mesa convention).
        **dotted_overrides: parameter overrides by dotted name, e.g.
            ``WorkforceModel(**{"supervision.sessions_per_month": 2})``; this is how ``mesa.batch_run``
            passes parameters.

    Attributes:
        p: the resolved :class:`~model.parameters.Parameters`.
        seed: the root seed (int).
        week: weeks since the end of the burn-in (negative during the burn-in).
        workforce: the clinicians' state arrays (:class:`~model.state.Workforce`).
        adjacency: peer network (CSR).
        n_teams, team_posts, leader_support, psych_safety: team structure and team-level resources.
        waitlist: clients waiting by trauma level, shape (3,).
        metrics: this week's outcomes (see :mod:`model.outcomes`).
        last_survey: the latest :class:`~model.proqol.Survey`, or None.
        datacollector: Mesa ``DataCollector`` of every registered outcome, one row per recorded week.
    """

    def __init__(self, params: Parameters | None = None, *, rng: Any = None, burn_in_weeks: int = 52,
                 seed: Any = None, **dotted_overrides: Any):
        root = rng if rng is not None else seed
        if root is None:
            root = int(np.random.SeedSequence().entropy % (2**63))
        if isinstance(root, np.random.SeedSequence):
            seq = root
            root = int(seq.entropy) if seq.spawn_key == () else int(seq.generate_state(1, np.uint64)[0])
        if not isinstance(root, (int, np.integer)) or isinstance(root, bool) or root < 0:
            raise ValueError(f"seed must be a non-negative integer, got {root!r}")
        if not isinstance(burn_in_weeks, (int, np.integer)) or burn_in_weeks < 0:
            raise ValueError(f"burn_in_weeks must be a non-negative integer, got {burn_in_weeks!r}")
        super().__init__(rng=int(root))
        self.seed = int(root)
        base = params if params is not None else Parameters()
        self.p = base.with_overrides(dotted_overrides) if dotted_overrides else base
        streams = np.random.SeedSequence(self.seed).spawn(len(STREAMS))
        self.streams = {name: np.random.default_rng(s) for name, s in zip(STREAMS, streams)}
        self.week = -int(burn_in_weeks)
        self._init_service()
        self.metrics: dict[str, float] = {}
        self.last_survey: proqol.Survey | None = None
        self._flows = dict.fromkeys((o.name for o in outcomes.OUTCOMES if o.kind == "flow"), 0)
        for _ in range(burn_in_weeks):
            self._advance()
        self.week = 0
        self.datacollector = mesa.DataCollector(
            model_reporters={o.name: partial(_read_metric, name=o.name) for o in outcomes.OUTCOMES}
        )
        self._measure(survey=True)
        self.datacollector.collect(self)

    # ---------------------------------------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one week, then record the week's outcomes.

        The weekly processes run in this order (docs/ODD.md section 3):

        1. Clients: referrals arrive; the waiting list, then new referrals, are allocated to free places
           under the caseload cap; episodes end in recovery or drop-out; waiting clients may give up.
        2. Exposure: trauma exposure from the caseload; critical incidents.
        3. Demands and resources (JD-R): demands, resources, strain.
        4. State updates: STS, burnout, reserves, compassion satisfaction, self-efficacy, growth, turnover
           intention, then weekly noise.
        5. Programmes: act only through the levers read in steps 1-4 (none subtracts burnout directly).
        6. Absence and turnover: sick leave starts and ends; notices; departures free their posts and send their
           clients to the waiting list; vacant posts are filled by new hires when the hiring delay is over.
        7. Measurement: a ProQOL survey on its cadence; the outcome metrics of the week.
        """
        self._advance()
        self._measure(survey=self.week % self.p.measurement.survey_interval_weeks == 0)
        self.datacollector.collect(self)

    def _advance(self) -> None:
        self.week += 1
        self._flows = dict.fromkeys(self._flows, 0)
        self._clients()
        direct, colleague = self._exposure()
        self._states(direct, colleague)
        self._absence_and_turnover()

    # ---------------------------------------------------------------------------------------------------------
    # initialisation
    def _init_service(self) -> None:
        p, rng = self.p, self.streams["init"]
        sizes = network.team_sizes(rng, p.service.n_posts, p.service.team_size_min, p.service.team_size_max)
        team = network.team_of_post(sizes)
        self.n_teams = sizes.size
        self.team_posts = sizes
        self.leader_support = np.clip(
            rng.normal(p.leadership.leader_support, p.leadership.leader_support_sd, self.n_teams), 0, 1)
        self.psych_safety = np.clip(
            rng.normal(p.peers.psych_safety, p.peers.psych_safety_sd, self.n_teams), 0, 1)
        # team-level deviations are kept so that levers changing the mean move every team alike
        self._leader_dev = self.leader_support - p.leadership.leader_support
        self._safety_dev = self.psych_safety - p.peers.psych_safety
        self.adjacency = network.peer_network(rng, team, p.peers.cross_team_ties)
        ws = Workforce.empty(p.service.n_posts, team)
        self.workforce = ws
        n_vacant = int(round(p.service.initial_vacancy_rate * ws.n))
        vacant = rng.choice(ws.n, size=n_vacant, replace=False)
        filled = np.setdiff1d(np.arange(ws.n), vacant)
        draw_clinicians(ws, filled, p, rng, new_hire=False)
        ws.status[vacant] = VACANT
        ws.hire_week[vacant] = self.week + self._hiring_delays(vacant.size)
        # established caseloads near 90% of the cap, split by the referral mix
        cap = p.caseload.cap_per_fte * ws.fte[filled]
        totals = rng.binomial(np.floor(cap).astype(np.int64), 0.9)
        mix = [1 - p.clients.prop_trauma_moderate - p.clients.prop_trauma_high, p.clients.prop_trauma_moderate,
               p.clients.prop_trauma_high]
        ws.caseload[:, filled] = rng.multinomial(totals, mix).T
        self.waitlist = np.zeros(pr.N_LEVELS, dtype=np.int64)
        self._load = np.zeros(ws.n)
        self._cover = np.zeros(ws.n)
        self._agent_of_slot: list[Clinician | None] = [None] * ws.n
        for slot in filled:
            self._agent_of_slot[slot] = Clinician(self, slot)

    def _hiring_delays(self, k: int) -> np.ndarray:
        return np.maximum(1, self.streams["hiring"].poisson(self.p.hiring.mean_delay_weeks, k))

    # ---------------------------------------------------------------------------------------------------------
    # 1. clients
    def _clients(self) -> None:
        p, ws = self.p, self.workforce
        new = pr.referrals(self.streams["referrals"], p.clients.referrals_per_post_week * ws.n,
                           p.clients.prop_trauma_moderate, p.clients.prop_trauma_high)
        self._flows["new_referrals"] = int(new.sum())
        at_work = ws.status == ACTIVE
        absent = (ws.status != ACTIVE).astype(float)
        self._cover = pr.team_absent_share(absent, ws.team, self.team_posts)
        cap = p.caseload.cap_per_fte * ws.fte * (1.0 + p.caseload.vacancy_stretch * self._cover)
        free = pr.capacity(ws.caseload.sum(axis=0), cap, at_work)
        rng = self.streams["allocation"]
        n_pref = int(rng.binomial(self.waitlist[2] + new[2], p.caseload.trauma_concentration))
        assigned, unplaced = pr.allocate(rng, free, self.waitlist, new, ws.specialist, n_pref)
        ws.caseload += assigned
        # episodes end; clients of clinicians on leave are paused (no recovery), drop-out continues
        quality = pr.care_quality(ws.se, ws.bo, p.clients.quality_se_effect, p.clients.quality_bo_effect)
        rel_level = np.array([1.0, p.clients.rel_recovery_moderate, p.clients.rel_recovery_high])
        p_rec = (p.clients.p_recovery_week * rel_level)[:, None] * (quality * at_work)
        p_drop = p.clients.p_dropout_week / quality
        ws.recoveries, ws.dropouts = pr.episode_endings(self.streams["episodes"], ws.caseload, p_rec, p_drop)
        ws.caseload -= ws.recoveries + ws.dropouts
        gave_up = self.streams["referrals"].binomial(unplaced, p.clients.p_waitlist_dropout_week)
        self.waitlist = unplaced - gave_up
        self._flows["new_recoveries"] = int(ws.recoveries.sum())
        self._flows["new_dropouts"] = int(ws.dropouts.sum())
        self._flows["new_waitlist_dropouts"] = int(gave_up.sum())

    # ---------------------------------------------------------------------------------------------------------
    # 2. exposure
    def _exposure(self):
        p, ws = self.p, self.workforce
        at_work = ws.status == ACTIVE
        ws.exposure = pr.trauma_exposure(ws.caseload, p.exposure.trauma_weight_moderate,
                                         p.exposure.reference_trauma_clients, at_work)
        u = self.streams["incidents"].random(ws.n)
        direct, colleague = pr.critical_incidents(u, ws.caseload[2] * at_work,
                                                  p.exposure.p_incident_per_high_client_week, ws.team,
                                                  self.n_teams)
        self._flows["new_incidents"] = int(direct.sum())
        return direct, colleague * (ws.status != VACANT)

    # ---------------------------------------------------------------------------------------------------------
    # 3-5. demands, resources and state updates
    def _states(self, direct: np.ndarray, colleague: np.ndarray) -> None:
        p, ws = self.p, self.workforce
        present = ws.status != VACANT
        at_work = ws.status == ACTIVE
        leader_level = np.clip(p.leadership.leader_support + self._leader_dev, 0.0, 1.0)
        safety = np.clip(p.peers.psych_safety + self._safety_dev, 0.0, 1.0)
        leader = leader_level[ws.team]
        peers = pr.peer_means(self.adjacency, np.column_stack([ws.bo, ws.mastery]), present)
        peer_bo, peer_mastery = peers[:, 0], peers[:, 1]
        supervision = pr.supervision_intensity(ws.u_supervision < p.supervision.coverage,
                                               p.supervision.sessions_per_month,
                                               p.supervision.reflective_quality)
        peer_support = safety[ws.team] * (1.0 - peer_bo)
        load = ws.caseload.sum(axis=0) / (p.work.sustainable_caseload_per_fte * np.maximum(ws.fte, 0.1))
        ws.demand = at_work * pr.demands(load, ws.exposure, p.work.admin_burden, self._cover,
                                         p.work.demand_weight_load, p.work.demand_weight_trauma,
                                         p.work.demand_weight_admin, p.work.demand_weight_cover)
        ws.resource = pr.resources(leader, supervision, peer_support, p.work.schedule_autonomy, ws.se, ws.ei)
        ws.strain = pr.strain(ws.demand, ws.resource, p.work.buffer_strength)
        self._load = load
        detachment = (0.5 + p.work.schedule_autonomy) * np.where(
            ws.status == ON_LEAVE, p.absence.rel_recovery_on_leave, 1.0)

        # mastery signals from this week's endings (step 1)
        rec = ws.recoveries.sum(axis=0)
        ended = rec + ws.dropouts.sum(axis=0)
        ws.mastery = pr.ewma(ws.mastery, rec / np.maximum(ended, 1), ended > 0)
        trauma_rec = ws.recoveries[1] * p.exposure.trauma_weight_moderate + ws.recoveries[2]
        ws.vicarious_resilience = pr.ewma(ws.vicarious_resilience, trauma_rec, present)

        bo, sts, cs, se = ws.bo, ws.sts, ws.cs, ws.se
        new_sts = pr.sts_update(sts, ws.exposure, ws.vulnerability, ws.trauma_history, supervision, ws.ei, cs,
                                detachment, rate_gain=p.sts.rate_gain, rate_recovery=p.sts.rate_recovery,
                                rel_trauma_history=p.sts.rel_trauma_history,
                                sts_protection=p.supervision.sts_protection, ei_protection=p.sts.ei_protection)
        new_sts = pr.incident_shock(new_sts, direct, colleague, p.exposure.incident_sts_shock,
                                    p.exposure.incident_team_shock)
        b = p.burnout
        new_bo = pr.burnout_update(bo, ws.strain, ws.vulnerability, se, ws.reserves, detachment, peer_bo,
                                   rate_gain=b.rate_gain, rate_recovery=b.rate_recovery,
                                   se_vulnerability=b.se_vulnerability, cor_spiral=b.cor_spiral,
                                   reserve_threshold=b.reserve_threshold, contagion_rate=p.peers.contagion_rate)
        ws.reserves = np.clip(pr.reserves_update(ws.reserves, ws.resource, ws.strain, bo, rate=b.rate_reserves),
                              0.0, 1.0)
        recognition = 0.5 * (p.leadership.recognition + leader)
        s = p.satisfaction
        new_cs = pr.satisfaction_update(cs, ws.mastery, recognition, ws.vicarious_resilience, ws.growth, bo,
                                        sts, rate=s.rate, w_meaning=s.w_meaning, w_mastery=s.w_mastery,
                                        w_recognition=s.w_recognition,
                                        w_vicarious_resilience=s.w_vicarious_resilience, w_growth=s.w_growth,
                                        loss_base=s.loss_base, w_bo_erosion=s.w_bo_erosion,
                                        w_sts_erosion=s.w_sts_erosion)
        e = p.self_efficacy
        new_se = pr.self_efficacy_update(se, ws.mastery, peer_mastery, 0.5 * (supervision + leader), ws.growth,
                                         bo, sts, rate=e.rate, w_mastery=e.w_mastery, w_vicarious=e.w_vicarious,
                                         w_persuasion=e.w_persuasion, w_growth=e.w_growth,
                                         w_failure=e.w_failure, w_affective=e.w_affective,
                                         loss_base=e.loss_base)
        support = (supervision + leader + peer_support) / 3.0
        ws.growth = np.clip(pr.growth_update(ws.growth, ws.exposure, support, rate_gain=p.growth.rate_gain,
                                             support_threshold=p.growth.support_threshold,
                                             rate_decay=p.growth.rate_decay), 0.0, 1.0)
        t = p.turnover
        new_int = pr.intention_update(ws.intention, bo, sts, cs, leader, rate=t.rate_intention, w_bo=t.w_bo,
                                      w_sts=t.w_sts, w_cs=t.w_cs, w_leader=t.w_leader)
        u = self.streams["noise"].random((len(NOISY_STATES), ws.n))
        for k, value in enumerate((new_se, new_cs, new_bo, new_sts, new_int)):
            ws.latent[k] = value
        # vacant slots drift harmlessly: every reader masks them and a hire redraws them
        ws.latent[:] = pr.jacobi_noise(ws.latent, u, p.burnout.noise_sd)
        ws.weeks_in_post += present

    # ---------------------------------------------------------------------------------------------------------
    # 6. absence and turnover
    def _absence_and_turnover(self) -> None:
        p, ws = self.p, self.workforce
        u_leave = self.streams["absence"].random((2, ws.n))
        p_start = pr.p_sick_leave(ws.bo, p.absence.p_leave_max_week, p.absence.bo_half_max, p.absence.bo_slope)
        starts = (ws.status == ACTIVE) & (u_leave[0] < p_start)
        ends = (ws.status == ON_LEAVE) & (u_leave[1] < 1.0 / p.absence.mean_leave_weeks)
        ws.status[starts] = ON_LEAVE
        ws.status[ends] = ACTIVE
        self._flows["new_leave_starts"] = int(starts.sum())

        u_quit = self.streams["turnover"].random(ws.n)
        present = ws.status != VACANT
        p_notice = pr.p_give_notice(ws.intention, p.turnover.intention_threshold, p.turnover.p_quit_week,
                                    p.turnover.p_other_week)
        notices = present & (ws.notice_left == NO_NOTICE) & (u_quit < p_notice)
        ws.notice_left[notices] = p.turnover.notice_weeks
        self._flows["new_notices"] = int(notices.sum())
        serving = present & (ws.notice_left != NO_NOTICE)
        leaving = serving & (ws.notice_left <= 0)
        ws.notice_left[serving & ~leaving] -= 1
        self._depart(np.flatnonzero(leaving))
        self._hire(np.flatnonzero((ws.status == VACANT) & (ws.hire_week <= self.week)))

    def _depart(self, slots: np.ndarray) -> None:
        ws = self.workforce
        self._flows["new_departures"] = int(slots.size)
        if slots.size == 0:
            return
        # clients of leavers go back to the waiting list and are re-allocated next week
        self.waitlist = self.waitlist + ws.caseload[:, slots].sum(axis=1)
        ws.caseload[:, slots] = 0
        ws.status[slots] = VACANT
        ws.notice_left[slots] = NO_NOTICE
        ws.hire_week[slots] = self.week + self._hiring_delays(slots.size)
        for slot in slots:
            self._agent_of_slot[slot].remove()
            self._agent_of_slot[slot] = None

    def _hire(self, slots: np.ndarray) -> None:
        self._flows["new_hires"] = int(slots.size)
        if slots.size == 0:
            return
        draw_clinicians(self.workforce, slots, self.p, self.streams["hiring"], new_hire=True)
        for slot in slots:
            self._agent_of_slot[slot] = Clinician(self, slot)

    # ---------------------------------------------------------------------------------------------------------
    # 7. measurement
    def _measure(self, survey: bool) -> None:
        ws = self.workforce
        present = ws.status != VACANT
        at_work = ws.status == ACTIVE
        n_in = int(np.count_nonzero(present))
        n_work = int(np.count_nonzero(at_work))
        n_leave = n_in - n_work
        m: dict[str, float] = dict(self._flows)
        m["n_in_post"] = n_in
        m["n_vacant"] = ws.n - n_in
        m["prop_vacant"] = (ws.n - n_in) / ws.n
        m["n_on_leave"] = n_leave
        m["prop_on_leave"] = n_leave / n_in if n_in else 0.0
        m["n_notice"] = int(np.count_nonzero(present & (ws.notice_left != NO_NOTICE)))
        totals = ws.caseload.sum(axis=0)
        m["n_open_cases"] = int(totals.sum())
        m["n_waitlist"] = int(self.waitlist.sum())
        # means over clinicians at work / in post as one matrix-vector product each
        work_means = np.vstack([totals, self._load, ws.exposure, ws.strain]) @ at_work / max(n_work, 1)
        for k, name in enumerate(("caseload_per_clinician", "mean_load", "mean_exposure", "mean_strain")):
            m[name] = float(work_means[k])
        block = np.vstack([ws.latent, ws.reserves, ws.growth])
        means = block @ present / n_in if n_in else np.full(block.shape[0], np.nan)
        qs = _quantiles(block[:4], present, n_in, _QUANTILES)
        for j, s in enumerate(("se", "cs", "bo", "sts")):
            m[f"mean_{s}"] = float(means[j])
            for i, q in enumerate(("p10", "p50", "p90")):
                m[f"{q}_{s}"] = float(qs[j, i])
        for j, name in enumerate(("intention", "reserves", "growth"), start=4):
            m[f"mean_{name}"] = float(means[j])
        if survey:
            latent = np.column_stack([ws.cs[at_work], ws.bo[at_work], ws.sts[at_work]])
            self.last_survey = proqol.survey(self.streams["survey"], latent, self.p.measurement.item_noise_sd)
            m.update(self.last_survey.summary())
        else:
            m.update(_NAN_SURVEY)
        self.metrics = m


_QUANTILES = np.array([0.1, 0.5, 0.9])


def _quantiles(rows: np.ndarray, mask: np.ndarray, n: int, q: np.ndarray) -> np.ndarray:
    """Quantiles over the masked columns of each row, with numpy's default linear interpolation.

    Unmasked entries become NaN, which ``np.sort`` places last, so one sort serves every row.
    """
    if n == 0:
        return np.full((rows.shape[0], q.size), np.nan)
    srt = np.sort(np.where(mask, rows, np.nan), axis=1)
    pos = q * (n - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    frac = pos - lo
    return srt[:, lo] * (1.0 - frac) + srt[:, hi] * frac


_NAN_SURVEY = {o.name: float("nan") for o in outcomes.OUTCOMES if o.kind == "survey"}

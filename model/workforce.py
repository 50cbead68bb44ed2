"""The workforce model: a Mesa ``Model`` whose weekly step is vectorised over clinicians."""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa
import numpy as np

from . import network, outcomes, proqol
from . import programmes as pg
from . import processes as pr
from .agents import Clinician
from .parameters import Parameters
from .state import ACTIVE, NO_NOTICE, NOISY_STATES, ON_LEAVE, VACANT, Workforce, draw_clinicians

#: default unrecorded weeks before week 0. Three years: at ~30% annual turnover the workforce has largely
#: turned over by then, so selection by attrition (vulnerable clinicians leave more) has settled.
DEFAULT_BURN_IN_WEEKS = 156

#: named random streams, spawned from the root seed in this order (never reorder: it changes every result)
STREAMS = ("init", "referrals", "allocation", "episodes", "incidents", "noise", "absence", "turnover",
           "hiring", "survey")


def _read_metric(model: WorkforceModel, name: str) -> float:
    return model.metrics[name]


class OutcomeCollector(mesa.DataCollector):
    """Mesa ``DataCollector`` of the registered outcomes, one model reporter per outcome.

    It is a regular ``DataCollector`` (``model_vars``, ``get_model_vars_dataframe``, agent reporters and
    ``mesa.batch_run`` all work); only the model-reporter loop is specialised: every outcome is a plain float
    read from ``model.metrics``, so the per-value ``deepcopy`` of the generic loop is skipped.
    """

    def __init__(self, names, agent_reporters=None):
        super().__init__(model_reporters={n: partial(_read_metric, name=n) for n in names},
                         agent_reporters=agent_reporters)
        self._names = tuple(names)

    def collect(self, model):
        metrics = model.metrics
        for name in self._names:
            self.model_vars[name].append(metrics[name])
        if self.agent_reporters:
            self._agent_records[model.steps] = list(self._record_agents(model))


class WorkforceModel(mesa.Model):
    """Agent-based model of a mental-health clinician workforce, one step per week.

    Args:
        params: parameters (defaults if None).
        rng: root seed (int or ``numpy.random.SeedSequence``); a fresh one is drawn if None and kept in
            ``seed`` so the run can be repeated.
        burn_in_weeks: weeks simulated during construction, without recording, so the recorded run starts
            from a settled service. Lever start weeks count from the end of the burn-in.
        seed: alias of ``rng`` (Mesa convention).
        record: names of the outcomes to record (default: every registered outcome). Recording fewer saves
            time in large experiments: the state quantiles are only computed when one of them is recorded.
            The outcomes the run summary derives from (headcount, departures, hires, recoveries, drop-outs)
            are always recorded.
        **dotted_overrides: parameter overrides by dotted name, e.g.
            ``WorkforceModel(**{"supervision.sessions_per_month": 2})``; this is how ``mesa.batch_run``
            passes parameters.

    Attributes:
        params: the resolved :class:`~model.parameters.Parameters` of the run.
        p: the parameters in force this week (``scenario.at_week(week)``: levers whose group has not started yet
            keep their defaults).
        seed: the root seed (int).
        week: weeks since the end of the burn-in (0 or less during the burn-in, whose last week is week 0).
        workforce: the clinicians' state arrays (:class:`~model.state.Workforce`).
        cross_ties: cross-team peer ties (CSR); team ties are implied by ``workforce.team`` (teams are
            cliques). :meth:`peer_network` returns the whole network.
        n_teams, team_posts: team structure.
        leader_support, psych_safety: team-level resources in force (updated when levers change, and weekly
            while leadership training builds up).
        programme_ties: peer ties created by the peer support programme (CSR, cross-team, 0/1).
        waitlist: clients waiting by trauma level, shape (3,).
        metrics: this week's outcomes (see :mod:`model.outcomes`).
        last_survey: the latest :class:`~model.proqol.Survey`, or None.
        datacollector: Mesa ``DataCollector`` of every registered outcome, one row per recorded week.
    """

    def __init__(self, params: Parameters | None = None, *, rng: Any = None, burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS,
                 seed: Any = None, record: Any = None, **dotted_overrides: Any):
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
        self.params = base.with_overrides(dotted_overrides) if dotted_overrides else base
        streams = np.random.SeedSequence(self.seed).spawn(len(STREAMS))
        self.streams = {name: np.random.default_rng(s) for name, s in zip(STREAMS, streams)}
        self.week = -int(burn_in_weeks)
        self.p = self.params.at_week(self.week)
        # a group's levers switch on at the start of the week after its start week
        self._switch_weeks = {s + 1 for s in self.params.start_weeks()}
        self._flows = dict.fromkeys((o.name for o in outcomes.OUTCOMES if o.kind == "flow"), 0)
        self._n_mentees = 0
        self._init_service()
        self.metrics: dict[str, float] = {}
        self.last_survey: proqol.Survey | None = None
        for _ in range(burn_in_weeks):
            self._advance()
        # week 0 is the state at the end of the burn-in; a scenario's vacancy rate is imposed on it
        self._impose_vacancy_rate(self.params.service.initial_vacancy_rate)
        self._flows = dict.fromkeys(self._flows, 0)  # a state, not a week of flows
        names = outcomes.recorded(record)
        self._want_quantiles = any(n.startswith(("p10_", "p50_", "p90_")) for n in names)
        self.datacollector = OutcomeCollector(names)
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
        5. Programmes: at the start of the week after a group's start week its levers take their scenario values
           (courses and trainings are given then; effects build up or fade weekly); they act only through
           the inputs of steps 1-4 (none subtracts burnout directly).
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
        self._on_new_week()
        ws = self.workforce
        # who is in post and at work stays fixed from here until step 6
        self._present = ws.status != VACANT
        self._at_work = ws.status == ACTIVE
        self._clients()
        direct, colleague = self._exposure()
        self._states(direct, colleague)
        self._absence_and_turnover()
        if self.week > 0:  # costs are recorded only after the burn-in
            self._costs()

    # ---------------------------------------------------------------------------------------------------------
    # 5. programmes and lever schedule (run at the start of each week)
    def _on_new_week(self) -> None:
        ws = self.workforce
        if self.p.wellness.uptake > 0:  # last week's course effects fade before anything new is given
            ws.wellness_dose *= self._wellness_decay
        if self.week in self._switch_weeks:
            self._apply_levers()
        p = self.p
        if p.wellness.uptake > 0 and pg.booster_due(self.week, p.wellness.start_week,
                                                    p.wellness.booster_interval_weeks):
            self._give_wellness(np.flatnonzero(self._wellness_members()), p.costs.wellness_booster)
        if p.leadership.training > 0:
            self._refresh_roster()  # leader support is still building up

    def _apply_levers(self) -> None:
        """Switch to the parameters in force from this week and start programmes that begin now."""
        self.p = p = self.params.at_week(self.week)
        ws = self.workforce
        self._refresh_roster()
        self._wellness_decay = pg.decay_factor(p.wellness.half_life_weeks)
        self._cross_active = self._cross_with_programme if p.peer_support.coverage > 0 else self.cross_ties
        if p.wellness.uptake > 0 and p.wellness.start_week + 1 == self.week:
            self._give_wellness(np.flatnonzero(self._wellness_members()), p.costs.wellness_course)
        if p.ei_training.uptake > 0 and p.ei_training.start_week + 1 == self.week:
            self._train_ei(np.flatnonzero((ws.status != VACANT) & (ws.u_ei < p.ei_training.uptake)))

    def _wellness_members(self) -> np.ndarray:
        ws = self.workforce
        return (ws.status != VACANT) & (ws.u_wellness < self.p.wellness.uptake)

    def _give_wellness(self, slots: np.ndarray, unit_cost: float) -> None:
        self.workforce.wellness_dose[slots] = 1.0
        self._flows["new_cost_wellness"] += slots.size * unit_cost

    def _train_ei(self, slots: np.ndarray) -> None:
        ws, p = self.workforce, self.p
        slots = slots[~ws.ei_trained[slots]]
        ws.ei[slots] = np.minimum(ws.ei[slots] + p.ei_training.gain, 1.0)
        ws.ei_trained[slots] = True
        self._flows["new_cost_ei_training"] += slots.size * p.costs.ei_training_per_participant

    def _impose_vacancy_rate(self, rate: float) -> None:
        """At week 0 (the end of the burn-in), vacate or fill posts at random so that ``rate`` of them are vacant.

        Vacated posts are not departures (no turnover cost): they stand for posts frozen or unfilled at the
        start of the period a scenario describes. Filled posts get new hires.
        """
        ws = self.workforce
        rng = self.streams["hiring"]
        target = int(round(rate * ws.n))
        vacant = np.flatnonzero(ws.status == VACANT)
        if vacant.size < target:
            occupied = np.flatnonzero(ws.status != VACANT)
            # these posts are filled under the hiring delay in force from week 1, the scenario's
            self._vacate(rng.choice(occupied, size=target - vacant.size, replace=False),
                         mean_delay_weeks=self.params.at_week(1).hiring.mean_delay_weeks)
        elif vacant.size > target:
            self._hire(np.sort(rng.choice(vacant, size=vacant.size - target, replace=False)))

    def peer_network(self):
        """The peer network in force: team, cross-team and (while it runs) peer-programme ties, 0/1 CSR."""
        return network.peer_network(self.workforce.team, self._cross_active)

    # ---------------------------------------------------------------------------------------------------------
    # initialisation
    def _init_service(self) -> None:
        # structure (posts, teams, networks) comes from the scenario; levers from the parameters in force
        p, sc, rng = self.p, self.params, self.streams["init"]
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
        self.cross_ties = network.cross_team_ties(rng, team, sc.peers.cross_team_ties)
        ws = Workforce.empty(p.service.n_posts, team)
        self.workforce = ws
        ws.u_peer[:] = rng.random(ws.n)
        self.programme_ties = network.programme_ties(int(rng.integers(2**31 - 1)),
                                                     ws.u_peer < sc.peer_support.coverage,
                                                     sc.peer_support.extra_ties, team)
        self._cross_with_programme = network.union(self.cross_ties, self.programme_ties)
        self._cross_active = self.cross_ties
        self._wellness_decay = pg.decay_factor(p.wellness.half_life_weeks)
        self.float_caseload = np.zeros(pr.N_LEVELS, dtype=np.int64)
        # the burn-in starts from the default vacancy rate; a scenario's own rate is imposed at week 0
        n_vacant = int(round(Parameters.spec("service.initial_vacancy_rate").default * ws.n))
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
        self._gain = np.zeros_like(ws.latent)
        self._loss = np.zeros_like(ws.latent)
        self._stocks = np.zeros((4, ws.n))
        self._load = np.zeros(ws.n)
        self._cover = np.zeros(ws.n)
        self._agent_of_slot: list[Clinician | None] = [None] * ws.n
        for slot in filled:
            self._agent_of_slot[slot] = Clinician(self, slot)
        self._refresh_roster()

    def _refresh_roster(self, slots: np.ndarray | None = None) -> None:
        """Per-slot quantities that change only with the roster (a hire) or the parameters.

        Computed at the start, whenever levers switch, and weekly while leadership training builds up; after
        hires only the hired ``slots`` are updated, so the weekly step does not redo them.
        """
        p, ws = self.p, self.workforce
        if slots is not None:
            r = self._roster
            r["supervision"][slots] = pr.supervision_intensity(
                ws.u_supervision[slots] < p.supervision.coverage, p.supervision.sessions_per_month,
                p.supervision.reflective_quality)
            r["persuasion"][slots] = 0.5 * (r["supervision"][slots] + r["leader"][slots])
            r["cap"][slots] = p.caseload.cap_per_fte * ws.fte[slots]
            r["inv_sustainable"][slots] = 1.0 / (p.work.sustainable_caseload_per_fte * np.maximum(ws.fte[slots], 0.1))
            return
        trained = p.leadership.training_gain * p.leadership.training * pg.training_ramp(
            self.week, p.leadership.start_week, p.leadership.training_weeks)
        leader_level = np.clip(p.leadership.leader_support + trained + self._leader_dev, 0.0, 1.0)
        ti = p.trauma_informed.safety_gain * p.trauma_informed.level
        safety = np.clip(p.peers.psych_safety + ti + self._safety_dev, 0.0, 1.0)
        self.leader_support, self.psych_safety = leader_level, safety  # per team, as in force now
        leader = leader_level[ws.team]
        supervision = pr.supervision_intensity(ws.u_supervision < p.supervision.coverage,
                                               p.supervision.sessions_per_month,
                                               p.supervision.reflective_quality)
        self._roster = {
            "leader": leader,
            "safety": safety[ws.team],
            "supervision": supervision,
            "persuasion": 0.5 * (supervision + leader),
            "recognition": 0.5 * (p.leadership.recognition + leader),
            "cap": p.caseload.cap_per_fte * ws.fte,
            "inv_sustainable": 1.0 / (p.work.sustainable_caseload_per_fte * np.maximum(ws.fte, 0.1)),
            # peer-support programme members (posts) while the programme runs
            "peer_member": (ws.u_peer < p.peer_support.coverage) if p.peer_support.coverage > 0
            else np.zeros(ws.n, bool),
            "bo_half_max": p.absence.bo_half_max - p.trauma_informed.stigma_shift * p.trauma_informed.level,
            "p_recovery_level": p.clients.p_recovery_week
            * np.array([1.0, p.clients.rel_recovery_moderate, p.clients.rel_recovery_high]),
        }

    def _hiring_delays(self, k: int, mean_weeks: float | None = None) -> np.ndarray:
        mean = self.p.hiring.mean_delay_weeks if mean_weeks is None else mean_weeks
        return np.maximum(1, self.streams["hiring"].poisson(mean, k))

    # ---------------------------------------------------------------------------------------------------------
    # 1. clients
    def _clients(self) -> None:
        p, ws = self.p, self.workforce
        new = pr.referrals(self.streams["referrals"], p.clients.referrals_per_post_week * ws.n,
                           p.clients.prop_trauma_moderate, p.clients.prop_trauma_high)
        self._flows["new_referrals"] = int(new.sum())
        at_work = self._at_work
        absent = (~at_work).astype(float)
        float_fte = p.staffing.float_fte_per_100_posts * ws.n / 100.0
        uncovered = 1.0 - pg.float_cover(float_fte, int(absent.sum()))
        self._cover = pr.team_absent_share(absent, ws.team, self.team_posts) * uncovered
        cap = self._roster["cap"] * (1.0 + p.caseload.vacancy_stretch * self._cover)
        free = pr.capacity(ws.caseload.sum(axis=0), cap, at_work)
        rng = self.streams["allocation"]
        n_pref = int(rng.binomial(self.waitlist[2] + new[2], p.caseload.trauma_concentration))
        assigned, unplaced = pr.allocate(rng, free, self.waitlist, new, ws.specialist, n_pref)
        ws.caseload += assigned
        if float_fte > 0:  # float staff take waiting clients up to their own caseload cap
            room = int(float_fte * p.caseload.cap_per_fte) - int(self.float_caseload.sum())
            taken = pr.take_clients(rng, unplaced, room)
            self.float_caseload += taken
            unplaced = unplaced - taken
        # episodes end; clients of clinicians on leave are paused (no recovery), drop-out continues
        quality = pr.care_quality(ws.se, ws.bo, p.clients.quality_se_effect, p.clients.quality_bo_effect)
        p_level = self._roster["p_recovery_level"]
        p_rec = p_level[:, None] * (quality * at_work)
        p_drop = p.clients.p_dropout_week / quality
        ws.recoveries, ws.dropouts = pr.episode_endings(self.streams["episodes"], ws.caseload, p_rec, p_drop)
        ws.caseload -= ws.recoveries + ws.dropouts
        float_rec = float_drop = 0
        if self.float_caseload.any():  # float staff work at average quality
            rec, drop = pr.episode_endings(self.streams["episodes"], self.float_caseload[:, None],
                                           p_level[:, None],
                                           np.full(1, p.clients.p_dropout_week))
            self.float_caseload -= (rec + drop)[:, 0]
            float_rec, float_drop = int(rec.sum()), int(drop.sum())
        gave_up = self.streams["referrals"].binomial(unplaced, p.clients.p_waitlist_dropout_week)
        self.waitlist = unplaced - gave_up
        self._flows["new_recoveries"] = int(ws.recoveries.sum()) + float_rec
        self._flows["new_dropouts"] = int(ws.dropouts.sum()) + float_drop
        self._flows["new_waitlist_dropouts"] = int(gave_up.sum())

    # ---------------------------------------------------------------------------------------------------------
    # 2. exposure
    def _exposure(self):
        p, ws = self.p, self.workforce
        at_work = self._at_work
        ws.exposure = pr.trauma_exposure(ws.caseload, p.exposure.trauma_weight_moderate,
                                         p.exposure.reference_trauma_clients, at_work)
        u = self.streams["incidents"].random(ws.n)
        direct, colleague = pr.critical_incidents(u, ws.caseload[2] * at_work,
                                                  p.exposure.p_incident_per_high_client_week, ws.team,
                                                  self.n_teams)
        self._flows["new_incidents"] = int(direct.sum())
        return direct, colleague * self._present

    # ---------------------------------------------------------------------------------------------------------
    # 3-5. demands, resources and state updates
    def _states(self, direct: np.ndarray, colleague: np.ndarray) -> None:
        p, ws = self.p, self.workforce
        present, at_work = self._present, self._at_work
        r = self._roster
        leader, supervision = r["leader"], r["supervision"]
        # mastery signals from this week's endings (step 1); only at work: paused caseloads of clinicians on
        # leave lose clients to drop-out, which is not a failure of theirs
        rec = ws.recoveries.sum(axis=0)
        ended = rec + ws.dropouts.sum(axis=0)
        ws.mastery = pr.ewma(ws.mastery, rec / np.maximum(ended, 1), (ended > 0) & at_work)
        trauma_rec = ws.recoveries[1] * p.exposure.trauma_weight_moderate + ws.recoveries[2]
        ws.vicarious_resilience = pr.ewma(ws.vicarious_resilience, trauma_rec, present)
        peer_bo, peer_mastery = pr.peer_means(ws.team, self.n_teams, self._cross_active,
                                              np.vstack([ws.bo, ws.mastery]), present)
        peer_support = np.minimum(r["safety"] * (1.0 - peer_bo) + p.peer_support.support * r["peer_member"], 1.0)
        load = ws.caseload.sum(axis=0) * r["inv_sustainable"]
        ws.demand = at_work * pr.demands(load, ws.exposure, p.work.admin_burden, self._cover,
                                         p.work.demand_weight_load, p.work.demand_weight_trauma,
                                         p.work.demand_weight_admin, p.work.demand_weight_cover)
        ws.resource = pr.resources(leader, supervision, peer_support, p.work.schedule_autonomy, r["recognition"],
                                   ws.se, ws.ei)
        ws.strain = pr.strain(ws.demand, ws.resource, p.work.buffer_strength)
        self._load = load
        detachment = (0.5 + p.work.schedule_autonomy) * np.where(
            present & ~at_work, p.absence.rel_recovery_on_leave, 1.0)  # on leave: more detachment
        if p.wellness.uptake > 0:
            detachment = detachment * (1.0 + p.wellness.effect * ws.wellness_dose)

        bo, sts, cs, se = ws.bo, ws.sts, ws.cs, ws.se
        b, s, e, t = p.burnout, p.satisfaction, p.self_efficacy, p.turnover
        # (gain, loss) of every latent state, in the row order of ws.latent; all read last week's states
        rates = (
            pr.self_efficacy_rates(ws.mastery, peer_mastery, r["persuasion"], ws.growth, bo, sts, rate=e.rate,
                                   w_mastery=e.w_mastery, w_vicarious=e.w_vicarious, w_persuasion=e.w_persuasion,
                                   w_growth=e.w_growth, w_failure=e.w_failure, w_affective=e.w_affective,
                                   loss_base=e.loss_base),
            pr.satisfaction_rates(ws.mastery, r["recognition"], ws.vicarious_resilience, ws.growth, bo, sts,
                                  rate=s.rate, w_meaning=s.w_meaning, w_mastery=s.w_mastery,
                                  w_recognition=s.w_recognition, w_vicarious_resilience=s.w_vicarious_resilience,
                                  w_growth=s.w_growth, loss_base=s.loss_base, w_bo_erosion=s.w_bo_erosion,
                                  w_sts_erosion=s.w_sts_erosion),
            pr.burnout_rates(ws.strain, ws.vulnerability, se, ws.reserves, detachment, peer_bo,
                             rate_gain=b.rate_gain, rate_recovery=b.rate_recovery,
                             se_vulnerability=b.se_vulnerability, cor_spiral=b.cor_spiral,
                             reserve_threshold=b.reserve_threshold, contagion_rate=p.peers.contagion_rate),
            pr.sts_rates(ws.exposure, ws.vulnerability, ws.trauma_history, supervision, ws.ei, cs, detachment,
                         direct, colleague, rate_gain=p.sts.rate_gain, rate_recovery=p.sts.rate_recovery,
                         rel_trauma_history=p.sts.rel_trauma_history,
                         sts_protection=p.supervision.sts_protection, ei_protection=p.sts.ei_protection,
                         direct_shock=p.exposure.incident_sts_shock, team_shock=p.exposure.incident_team_shock),
            pr.intention_rates(bo, sts, cs, leader, rate=t.rate_intention, w_bo=t.w_bo, w_sts=t.w_sts,
                               w_cs=t.w_cs, w_leader=t.w_leader),
            pr.reserves_rates(ws.resource, ws.strain, bo, rate=b.rate_reserves),
            pr.growth_rates(ws.exposure, (supervision + leader + peer_support) / 3.0,
                            rate_gain=p.growth.rate_gain, support_threshold=p.growth.support_threshold,
                            rate_decay=p.growth.rate_decay),
        )
        gain, loss = self._gain, self._loss  # preallocated (7, n) blocks, filled row by row
        for k, (g, lo) in enumerate(rates):
            gain[k], loss[k] = g, lo
        mentored = pg.mentees(present, ws.weeks_in_post, p.mentoring.early_career_weeks, ws.u_mentor,
                              p.mentoring.coverage)
        if p.mentoring.coverage > 0:  # mentoring: persuasion for self-efficacy, a reason to stay
            gain[0] += e.rate * p.mentoring.se_gain * mentored
            loss[4] += t.rate_intention * p.mentoring.intention_relief * mentored
        self._n_mentees = int(mentored.sum())
        ws.latent[:] = pr.balance_update(ws.latent, gain, loss)
        # vacant slots drift harmlessly: every reader masks them and a hire redraws them
        k = len(NOISY_STATES)
        ws.latent[:k] = pr.jacobi_noise(ws.latent[:k], self.streams["noise"].random((k, ws.n)),
                                        p.burnout.noise_sd)
        ws.weeks_in_post += present

    # ---------------------------------------------------------------------------------------------------------
    # 6. absence and turnover
    def _absence_and_turnover(self) -> None:
        p, ws = self.p, self.workforce
        u_leave = self.streams["absence"].random((2, ws.n))
        p_start = pr.p_sick_leave(ws.bo, p.absence.p_leave_max_week, self._roster["bo_half_max"],
                                  p.absence.bo_slope)
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
        self._flows["new_departures"] = int(slots.size)
        self._vacate(slots)

    def _vacate(self, slots: np.ndarray, mean_delay_weeks: float | None = None) -> None:
        ws = self.workforce
        if slots.size == 0:
            return
        # clients of leavers go back to the waiting list and are re-allocated next week
        self.waitlist = self.waitlist + ws.caseload[:, slots].sum(axis=1)
        ws.caseload[:, slots] = 0
        ws.status[slots] = VACANT
        ws.notice_left[slots] = NO_NOTICE
        ws.hire_week[slots] = self.week + self._hiring_delays(slots.size, mean_delay_weeks)
        for slot in slots:
            self._agent_of_slot[slot].remove()
            self._agent_of_slot[slot] = None

    def _hire(self, slots: np.ndarray) -> None:
        self._flows["new_hires"] += int(slots.size)
        if slots.size == 0:
            return
        p, ws = self.p, self.workforce
        draw_clinicians(ws, slots, p, self.streams["hiring"], new_hire=True)
        for slot in slots:
            self._agent_of_slot[slot] = Clinician(self, slot)
        self._refresh_roster(slots)
        # running programmes take in new hires: the wellness course and EI training on arrival
        if p.wellness.uptake > 0:  # p holds the levers in force: uptake > 0 only once the programme runs
            self._give_wellness(slots[ws.u_wellness[slots] < p.wellness.uptake], p.costs.wellness_course)
        if p.ei_training.uptake > 0:
            self._train_ei(slots[ws.u_ei[slots] < p.ei_training.uptake])

    def _costs(self) -> None:
        p, ws = self.p, self.workforce
        present = ws.status != VACANT
        costs = pg.weekly_costs(
            p, n_in_post=int(present.sum()), fte_in_post=float(ws.fte[present].sum()),
            n_supervised=int((present & (ws.u_supervision < p.supervision.coverage)).sum()),
            n_teams=self.n_teams, n_peer_members=int((present & self._roster["peer_member"]).sum()),
            n_mentees=self._n_mentees, float_fte=p.staffing.float_fte_per_100_posts * ws.n / 100.0,
            departures=self._flows["new_departures"], default_admin=_DEFAULT_ADMIN)
        f = self._flows
        f["new_turnover_cost"] = costs.pop("turnover")
        for name, value in costs.items():
            f[f"new_cost_{name}"] += value
        f["new_programme_cost"] = sum(f[f"new_cost_{name}"] for name in pg.COST_COMPONENTS)
        f["new_total_cost"] = f["new_programme_cost"] + f["new_turnover_cost"]

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
        m["n_open_cases"] = int(totals.sum()) + int(self.float_caseload.sum())
        m["n_float_cases"] = int(self.float_caseload.sum())
        m["n_waitlist"] = int(self.waitlist.sum())
        # every continuous stock in one vector: means over clinicians at work (one matrix-vector product),
        # means over clinicians in post (another), then the quantiles; converted to floats in one go
        stocks = self._stocks
        stocks[0], stocks[1], stocks[2], stocks[3] = totals, self._load, ws.exposure, ws.strain
        work_means = stocks @ at_work / max(n_work, 1)
        means = ws.latent @ present / n_in if n_in else np.full(ws.latent.shape[0], np.nan)
        if self._want_quantiles:
            qs = _quantiles(ws.latent[:4], present, n_in, _QUANTILES)
            m.update(zip(_MEASURED_STOCKS, np.concatenate([work_means, means, qs.ravel()]).tolist()))
        else:  # not recorded in this run
            m.update(zip(_MEASURED_STOCKS, np.concatenate([work_means, means]).tolist()))
        if survey:
            latent = np.column_stack([ws.cs[at_work], ws.bo[at_work], ws.sts[at_work]])
            self.last_survey = proqol.survey(self.streams["survey"], latent, self.p.measurement.item_noise_sd)
            m.update(self.last_survey.summary())
        else:
            m.update(_NAN_SURVEY)
        self.metrics = m


_DEFAULT_ADMIN = Parameters.spec("work.admin_burden").default
_QUANTILES = (0.1, 0.5, 0.9)
#: names of the stock vector built in ``_measure``, in its order
_MEASURED_STOCKS = (
    ("caseload_per_clinician", "mean_load", "mean_exposure", "mean_strain")
    + tuple(f"mean_{s}" for s in ("se", "cs", "bo", "sts", "intention", "reserves", "growth"))
    + tuple(f"{q}_{s}" for s in ("se", "cs", "bo", "sts") for q in ("p10", "p50", "p90"))
)


def _quantiles(rows: np.ndarray, mask: np.ndarray, n: int, q: np.ndarray) -> np.ndarray:
    """Quantiles over the masked columns of each row, with numpy's default linear interpolation.

    One partial sort (``np.partition`` at the needed order statistics) serves every row.
    """
    if n == 0:
        return np.full((rows.shape[0], len(q)), np.nan)
    # positions in plain Python: a handful of scalars is cheaper than small numpy arrays
    pos = [qi * (n - 1) for qi in q]
    lo = [int(x) for x in pos]
    hi = [min(i + 1, n - 1) for i in lo]
    part = np.partition(rows[:, mask], sorted(set(lo + hi)), axis=1)
    frac = np.array([x - i for x, i in zip(pos, lo)])
    return part[:, lo] * (1.0 - frac) + part[:, hi] * frac


_NAN_SURVEY = {o.name: float("nan") for o in outcomes.OUTCOMES if o.kind == "survey"}

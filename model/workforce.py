"""The workforce model: a Mesa ``Model`` whose weekly step is a list of phases over arrays of clinicians."""

from __future__ import annotations

import collections
import dataclasses
from functools import partial
from typing import Any

import mesa
import numpy as np

from collections import namedtuple

from . import burn_in, kernels, network, outcomes, proqol
from . import processes as pr
from .agents import Clinician, continue_agent_ids, next_agent_id
from .context import Climate, Flows, Roster, Snapshot, Week
from .jit import struct
from .parameters import Hiring, Parameters
from .programmes import COST_COMPONENTS, HOOKS, PROGRAMMES, SETUP_READS
from .service import Service, TeamType, trauma_mix
from .staff import StaffSnapshot
from .state import ACTIVE, LATENT_STATES, NO_NOTICE, VACANT, Workforce, draw_clinicians

#: default unrecorded weeks before week 0. Three years: at ~30% annual turnover the workforce has largely
#: turned over by then, so selection by attrition (vulnerable clinicians leave more) has settled.
DEFAULT_BURN_IN_WEEKS = 156

#: the warm start: established staff are drawn from the clinicians of a pilot service run this long under the
#: burn-in's parameters. The slowest process of the model is selection by attrition (the most resilient leave only
#: for reasons unrelated to the job, about a tenth a year), which takes 10-20 years to settle; a pilot shared by
#: every run of the same burn-in parameters settles it once instead of in every run.
WARM_START_WEEKS = 1040
#: posts of the pilot service (its clinicians are the pool the established staff are drawn from)
WARM_START_POSTS = 400
#: root seed of the pilot (fixed: the settled pool is a function of the parameters alone)
WARM_START_SEED = 20261202
#: the state of a pilot clinician that an established clinician takes over (the rest is drawn afresh)
WARM_FIELDS = ("vulnerability", "calling", "ei", "trauma_history", "fte", "specialist", "mastery",
               "vicarious_resilience", "weeks_in_post")


#: settled pools this process holds, by the burn-in's parameters as JSON (:func:`pilot_key`), oldest first
_POOLS: collections.OrderedDict[str, dict[str, np.ndarray]] = collections.OrderedDict()
#: at most this many settled pools are held (each about 50 kB)
POOLS_HELD = 8


def pilot_key(params: Parameters, burn_in_weeks: int) -> str:
    """The parameters a run of ``params`` with ``burn_in_weeks`` draws its warm start with (those in force at the
    burn-in's first week, as JSON): the key of :func:`settled_pool`."""
    return params.at_week(-int(burn_in_weeks)).model_dump_json()


def settled_pool(params_json: str) -> dict[str, np.ndarray]:
    """The clinicians in post at the end of a pilot run (:data:`WARM_START_WEEKS`, :data:`WARM_START_POSTS`) of
    the parameters ``params_json`` (the burn-in's, as JSON: :func:`pilot_key`), as arrays of :data:`WARM_FIELDS`
    and ``latent``.

    Held per process (:data:`POOLS_HELD`): every replicate and every policy of an experiment shares its burn-in
    parameters. A pool computed elsewhere (a comparison's parent process, while its workers start) is handed over
    with :func:`hold_settled_pool`; it is the same pool, since a pilot is a function of its parameters alone.
    """
    pool = _POOLS.get(params_json)
    if pool is None:
        pool = _pilot(params_json)
    hold_settled_pool(params_json, pool)  # the newest used, so the last dropped
    return pool


def hold_settled_pool(params_json: str, pool: dict[str, np.ndarray]) -> None:
    """Hold ``pool`` as the settled pool of ``params_json`` in this process (dropping the oldest beyond
    :data:`POOLS_HELD`)."""
    _POOLS[params_json] = pool
    _POOLS.move_to_end(params_json)
    while len(_POOLS) > POOLS_HELD:
        _POOLS.popitem(last=False)


def clear_settled_pools() -> None:
    """Forget every settled pool held by this process (the next run of each simulates its pilot again)."""
    _POOLS.clear()


def _pilot(params_json: str) -> dict[str, np.ndarray]:
    p = Parameters.model_validate_json(params_json).with_overrides({"service.n_posts": WARM_START_POSTS})
    with burn_in.unshared():  # a pilot is needed once per parameter set: kept here, not as a burn-in
        pilot = WorkforceModel(p, rng=WARM_START_SEED, burn_in_weeks=WARM_START_WEEKS, warm_start=False,
                               record=("n_in_post",))
    ws = pilot.workforce
    present = ws.status != VACANT
    pool = {f: getattr(ws, f)[present].copy() for f in WARM_FIELDS}
    pool["latent"] = ws.latent[:, present].copy()
    return pool


#: named random streams, spawned from the root seed in this order (never reorder: it changes every result)
STREAMS = ("init", "referrals", "allocation", "episodes", "incidents", "noise", "absence", "turnover",
           "hiring", "survey", "waitlist")


#: the parameter groups the compiled kernels read, as structs (:func:`model.jit.struct`)
_Structs = namedtuple("_Structs", ("clients", "work", "exposure", "burnout", "sts", "satisfaction",
                                   "self_efficacy", "growth", "turnover", "traits"))


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
        if hasattr(self, "_collection_steps"):  # Mesa 3.5+: batch_run reads which steps were collected
            self._collection_steps.append(getattr(model, "time", model.steps))


class WorkforceModel(mesa.Model):
    """Agent-based model of a mental-health clinician workforce, one step per week.

    Args:
        params: parameters (defaults if None).
        rng: root seed (int or ``numpy.random.SeedSequence``); a fresh one is drawn if None and kept in
            ``seed`` so the run can be repeated.
        burn_in_weeks: weeks simulated during construction, without recording, so the recorded run starts
            from a settled service.
        warm_start: draw the established staff from a settled pilot service of the burn-in's parameters
            (:func:`settled_pool`); without it they are drawn from the ``initial_staff`` distributions, and the
            trait composition takes 10-20 years to settle. Lever start weeks count from the end of the burn-in.
        seed: alias of ``rng`` (Mesa convention).
        staff: a staff snapshot of a real service (:class:`~model.staff.StaffSnapshot`): its posts and teams are
            the service's from the start, and at week 0 its occupancy, FTE, roles, tenure and caseloads are
            imposed (instead of ``service.initial_vacancy_rate``); ``service.n_posts`` must equal its posts.
        service: the service's team types and staff snapshot (:class:`~model.service.Service`). The team types'
            posts must add up to ``service.n_posts`` (with a snapshot, the snapshot's posts of each type are the
            type's). Without team types the service is one kind of team, set by the service-wide parameters.
            ``staff=`` is short for ``service=Service(staff=...)``.
        record: names of the outcomes to record (default: every registered outcome). Recording fewer saves
            time in large experiments: the state quantiles are only computed when one of them is recorded.
            The outcomes the run summary derives from (headcount, departures, hires, recoveries, drop-outs)
            are always recorded.
        **dotted_overrides: parameter overrides by dotted name, e.g.
            ``WorkforceModel(**{"supervision.sessions_per_month": 2})``; this is how ``mesa.batch_run``
            passes parameters.

    Attributes:
        params: the resolved :class:`~model.parameters.Parameters` of the run.
        p: the parameters in force this week (``params.at_week(week)``: levers whose group has not started yet
            keep their defaults).
        seed: the root seed (int).
        streams: the named random streams (:data:`STREAMS`), spawned from the root seed.
        week: weeks since the end of the burn-in (0 or less during the burn-in, whose last week is week 0).
        workforce: the clinicians' state arrays (:class:`~model.state.Workforce`).
        programmes: one instance of every registered programme (:data:`model.programmes.PROGRAMMES`).
        roster: per-clinician resources in force (:class:`~model.context.Roster`).
        cross_ties: the service's cross-team peer ties (CSR); team ties are implied by ``workforce.team``
            (teams are cliques). :meth:`peer_network` returns the whole network in force.
        n_teams, team_posts: team structure.
        team_types: the service's team types (one implicit type, "service", when none were given).
        team_type_of_team, post_type: team-type index of each team and of each post.
        leader_support, psych_safety: team-level resources in force (updated when levers change, and weekly
            while leadership training builds up).
        waitlist: clients waiting by team type and trauma level, shape (n_types, 3).
        load: caseload over sustainable caseload per slot, this week.
        metrics: this week's outcomes (see :mod:`model.outcomes`).
        last_survey: the latest :class:`~model.proqol.Survey`, or None.
        datacollector: Mesa ``DataCollector`` of every registered outcome, one row per recorded week.
    """

    def __init__(self, params: Parameters | None = None, *, rng: Any = None, burn_in_weeks: int = DEFAULT_BURN_IN_WEEKS,
                 seed: Any = None, record: Any = None, warm_start: bool = True, staff: StaffSnapshot | None = None,
                 service: Service | None = None, **dotted_overrides: Any):
        root = rng if rng is not None else seed
        if root is None:
            root = int(np.random.SeedSequence().entropy % (2**63))
        if isinstance(root, np.random.SeedSequence):
            seq = root
            root = int(seq.entropy) if seq.spawn_key == () else int(seq.generate_state(1, np.uint64)[0])
        if not isinstance(root, (int, np.integer)) or isinstance(root, bool) or root < 0:
            raise ValueError(f"seed must be a non-negative integer, got {root!r}")
        if not isinstance(burn_in_weeks, (int, np.integer)) or isinstance(burn_in_weeks, bool) or burn_in_weeks < 0:
            raise ValueError(f"burn_in_weeks must be a non-negative integer, got {burn_in_weeks!r}")
        super().__init__(rng=int(root))
        self.seed = int(root)
        base = params if params is not None else Parameters()
        self.params = base.with_overrides(dotted_overrides) if dotted_overrides else base
        if service is not None and staff is not None:
            raise ValueError("give the staff snapshot either as staff= or inside service=, not both")
        service = service if service is not None else Service(staff=staff)
        staff = service.staff
        team_types = service.team_types
        if staff is not None and staff.n_posts != self.params.service.n_posts:
            raise ValueError(f"the staff snapshot {staff.source} has {staff.n_posts} posts but service.n_posts is "
                             f"{self.params.service.n_posts}; they must agree")
        self.staff = staff
        self.service = service
        self._typed = bool(team_types)
        self.team_types = self._check_team_types(tuple(team_types or ()), staff)
        streams = np.random.SeedSequence(self.seed).spawn(len(STREAMS))
        self.streams = {name: np.random.default_rng(s) for name, s in zip(STREAMS, streams)}
        self.week = -int(burn_in_weeks)
        self.programmes = tuple(cls(self) for cls in PROGRAMMES)
        self._set_levers(self.params.at_week(self.week))
        # a group's levers switch on at the start of the week after its start week
        self._switch_weeks = {s + 1 for s in self.params.start_weeks()}
        self.metrics: dict[str, float] = {}
        self.last_survey: proqol.Survey | None = None
        self.datacollector = None
        shared = burn_in.key(self.params, self.seed, burn_in_weeks, warm_start, service, SETUP_READS,
                             f"{type(self).__module__}.{type(self).__qualname__}")
        settled = burn_in.SHARED.get(shared)
        if settled is not None:
            self._resume(*settled)
        else:
            self._init_service(warm_start)
            for _ in range(burn_in_weeks):
                self._user_step()  # the weekly step without Mesa's step counter: the burn-in is not recorded
            frozen = burn_in.freeze(self) if burn_in.SHARED.wants(shared, self.workforce.n) else None
            if frozen is not None:
                burn_in.SHARED.put(shared, frozen, next_agent_id(self), self.workforce.n)
        # week 0 is the state at the end of the burn-in; a staff snapshot or a scenario's vacancy rate is imposed
        if staff is not None:
            self._impose_staff(staff)
        else:
            self._impose_vacancy_rate(self.params.service.initial_vacancy_rate)
        names = outcomes.recorded(record)
        self._plan = outcomes.MeasurePlan(names, LATENT_STATES)
        by_type = [n for n in names if n in outcomes.BY_TEAM_TYPE] if self._typed else []
        self._plan_by_type = outcomes.MeasurePlan(by_type, LATENT_STATES) if by_type else None
        self.datacollector = OutcomeCollector(names + [outcomes.of_team_type(n, t.name) for t in self.team_types
                                                       for n in by_type])
        self._measure(self._new_week(), survey=True)  # a state, not a week of flows
        self.datacollector.collect(self)

    def _resume(self, frozen: bytes, next_id: int) -> None:
        """Take over the state of a model at the end of the same burn-in (:mod:`model.burn_in`), ``frozen``.

        Everything is a new copy, with every reference to the frozen model (its agents', its programmes') turned
        into this model, whose own bound methods (Mesa's wrapped step) are those it was built with; only what this run does after week 0 (its parameters and lever schedule) stays
        its own.
        """
        own = {"params": self.params, "_switch_weeks": self._switch_weeks}
        self.__dict__.update(burn_in.thaw(frozen, self))
        self.__dict__.update(own)
        # the parameters in force are this run's (the kept run's differ in start weeks), its hooks the copies'
        self._set_levers(self.params.at_week(self.week))
        continue_agent_ids(self, next_id)

    # ---------------------------------------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one week. The phases run in this order (docs/ODD.md section 3 copies this list):

        1. Schedule: at the start of the week after a lever group's start week its levers take their scenario
           values; programmes that start now start (a course is given, training begins), and running
           programmes do their weekly actions (boosters, the build-up of leadership training).
        2. Clients: referrals arrive; high-trauma clients are routed (to specialists, away from clinicians with
           high STS); the waiting list, then new referrals, are allocated to free places under the caseload
           cap, stretched by the uncovered absence in the team; float staff take waiting clients; episodes end
           in recovery or drop-out; waiting clients may give up. With team types each type's referrals,
           waiting list and allocation are its own (its posts only).
        3. Exposure: trauma exposure from the caseload; critical incidents.
        4. Programme inputs: running programmes set this week's inputs of the state update (detachment, peer
           support, gains for mentees); none subtracts burnout directly.
        5. Demands, resources and states: JD-R demands, resources and strain, then the gain-loss update of
           every latent state (self-efficacy, compassion satisfaction, burnout, STS, turnover intention,
           reserves, growth) from last week's states, then the weekly noise.
        6. Absence and turnover: sick leave starts and ends; notices; departures free their posts and send
           their clients to the waiting list; vacant posts are filled by new hires when the hiring delay is
           over, and running programmes take in the new hires.
        7. Costs: running costs of programmes and the replacement cost of departures (after the burn-in).
        8. Measurement: a ProQOL survey on its cadence; the week's outcomes, recorded (after the burn-in).
        """
        week = self._schedule()
        self._clients(week)
        self._exposure(week)
        self._programme_inputs(week)
        self._states(week)
        self._absence_and_turnover(week)
        self._costs(week)
        self._measurement(week)

    # ---------------------------------------------------------------------------------------------------------
    # 1. schedule
    def _schedule(self) -> Week:
        self.week += 1
        if self.week in self._switch_weeks:
            self._set_levers(self.params.at_week(self.week))
            self.refresh_roster()
        week = self._new_week()
        for prog in self._hooks["start"]:
            if prog.start_week(self.p) + 1 == self.week:
                prog.start(week)
        for prog in self._hooks["begin_week"]:
            prog.begin_week(week)
        return week

    def _set_levers(self, p: Parameters) -> None:
        """Put the parameters ``p`` in force: compiled structs of the groups, and the hooks of running programmes."""
        self.p = p
        self._structs = _Structs(*(struct(getattr(p, g)) for g in _Structs._fields))
        self._hooks = {hook: [prog for prog in self.programmes if prog.running(p) and prog.overrides(hook)]
                       for hook in HOOKS}
        if self.team_types:  # each type's referral mix in force (at construction: set by _init_service)
            self._mix = trauma_mix(p, self.team_types)

    #: what :meth:`apply` cannot change mid-run: the service's structure and what is built once at the start
    FIXED_IN_A_RUN = ("service.", "initial_staff.", "peers.cross_team_ties", "peer_support.extra_ties",
                      "measurement.survey_interval_weeks")

    def apply(self, params: Parameters) -> None:
        """Put ``params`` in force from the next week: for experiments that drive a run (a sweep of sustained
        understaffing, a dashboard's sliders). Lever groups whose start week is still ahead keep waiting for it;
        a programme whose start week has passed runs its weekly effects from the next week but not its one-off
        start (a course given to everyone, the programme's ties), which happens only in the week after its start
        week.

        Raises:
            ValueError: ``params`` changes the service's structure or what is built once at the start (posts,
                team sizes, the initial staff, the structural network, the survey interval).
        """
        old, new = self.params.flat(), params.flat()
        fixed = [k for k in new if new[k] != old[k] and k.startswith(self.FIXED_IN_A_RUN)]
        if fixed:
            raise ValueError(f"{fixed[0]} cannot change during a run (from {old[fixed[0]]!r} to {new[fixed[0]]!r}); "
                             "start a new run instead")
        self.params = params
        self._switch_weeks = {s + 1 for s in params.start_weeks()}
        self._set_levers(params.at_week(self.week + 1))
        self.refresh_roster()

    def _new_week(self) -> Week:
        ws = self.workforce
        self._extra_gain.fill(0.0)
        self._extra_loss.fill(0.0)
        present = ws.status != VACANT
        return Week(week=self.week, p=self.p, present=present, at_work=ws.status == ACTIVE,
                    flows=Flows(cost=dict.fromkeys(COST_COMPONENTS, 0.0)), cover=self._zeros,
                    direct=self._no_incidents, colleague=self._zeros, rel_detachment=self._ones,
                    extra_gain=self._extra_gain, extra_loss=self._extra_loss, peer_support_extra=self._zeros, present_end=present,
                    type_flows=tuple(Flows() for _ in self.team_types) if self._typed else ())

    # ---------------------------------------------------------------------------------------------------------
    # 2. clients
    def _clients(self, week: Week) -> None:
        p, ws, r = week.p, self.workforce, self.roster
        n_types = len(self.team_types)
        mix = self._mix
        new = np.empty((n_types, pr.N_LEVELS), np.int64)
        for t, tt in enumerate(self.team_types):
            new[t] = pr.referrals(self.streams["referrals"],
                                  p.clients.referrals_per_post_week * tt.rel_referrals * self.type_posts[t],
                                  mix[t, 1], mix[t, 2])
        # the week's counts as Python ints once: cheaper than a NumPy reduction and conversion per count
        new_counts = new.tolist()
        demand = (self.waitlist + new).tolist()
        week.flows.referrals = sum(map(sum, new_counts))
        for tf, counts in zip(week.type_flows, new_counts):
            tf.referrals = sum(counts)
        n_absent = ws.n - int(np.count_nonzero(week.at_work))
        uncovered = 1.0
        for prog in self._hooks["cover"]:
            uncovered -= prog.cover(week, n_absent)
        week.cover, free = kernels.places(ws.caseload, week.at_work, ws.team, self.team_posts, r.cap,
                                          p.caseload.vacancy_stretch, max(uncovered, 0.0), ws.weeks_in_post,
                                          p.caseload.onboarding_weeks, p.caseload.onboarding_start_share)
        rng = self.streams["allocation"]
        unplaced = np.empty_like(new)
        for t in range(n_types):  # each type's clients go only to its own posts
            n_high = demand[t][2]
            pools, counts = [ws.specialist], [int(rng.binomial(n_high, p.caseload.trauma_concentration))]
            for prog in self._hooks["route_high_trauma"]:
                pool, n = prog.route_high_trauma(week, n_high - sum(counts))
                pools.append(pool)
                counts.append(n)
            # enough draws for every placement: one per routed client, two per client otherwise
            u = rng.random(3 * sum(demand[t]))
            # without routes the specialists' mask is the only pool: a view of it, not a copy
            route_pools = np.array(pools) if len(pools) > 1 else ws.specialist[None]
            unplaced[t] = kernels.allocate_type(u, free, self.post_type, t, self.waitlist[t], new[t], route_pools,
                                                np.array(counts, np.int64), ws.caseload)
        for prog in self._hooks["take_waiting"]:
            unplaced = prog.take_waiting(week, unplaced)
        u = self.streams["episodes"].random(2 * ws.caseload.size)
        ws.recoveries, ws.dropouts, by_type = kernels.episodes(u, ws.caseload, ws.se, ws.bo, week.at_work,
                                                               r.p_recovery_level, self._structs.clients,
                                                               self.post_type, n_types)
        (rec, drop), f = by_type.tolist(), week.flows
        f.recoveries, f.dropouts = sum(rec), sum(drop)
        # float staff's episodes (below) are service-wide only
        for tf, n_rec, n_drop in zip(week.type_flows, rec, drop):
            tf.recoveries, tf.dropouts = n_rec, n_drop
        for prog in self._hooks["end_episodes"]:
            rec, drop = prog.end_episodes(week)
            f.recoveries += rec
            f.dropouts += drop
        gave_up = pr.waitlist_dropouts(self.streams["waitlist"], unplaced, p.clients.p_waitlist_dropout_week)
        self.waitlist = unplaced - gave_up
        gave_up_counts = gave_up.tolist()
        f.waitlist_dropouts = sum(map(sum, gave_up_counts))
        for tf, counts in zip(week.type_flows, gave_up_counts):
            tf.waitlist_dropouts = sum(counts)

    # ---------------------------------------------------------------------------------------------------------
    # 3. exposure
    def _exposure(self, week: Week) -> None:
        p, ws = week.p, self.workforce
        ws.exposure = pr.trauma_exposure(ws.caseload, p.exposure.trauma_weight_moderate,
                                         p.exposure.reference_trauma_clients, week.at_work)
        u = self.streams["incidents"].random(ws.n)
        direct, colleague = pr.critical_incidents(u, ws.caseload[2] * week.at_work,
                                                  p.exposure.p_incident_per_high_client_week, ws.team,
                                                  self.n_teams)
        week.flows.incidents = int(np.count_nonzero(direct))
        if week.type_flows:
            for tf, n in zip(week.type_flows, self._by_type(direct)):
                tf.incidents = int(n)
        week.direct, week.colleague = direct, colleague * week.present

    # ---------------------------------------------------------------------------------------------------------
    # 4. programme inputs
    def _programme_inputs(self, week: Week) -> None:
        for prog in self._hooks["inputs"]:
            prog.inputs(week)

    # ---------------------------------------------------------------------------------------------------------
    # 5. demands, resources and states
    def _states(self, week: Week) -> None:
        ws, r, s, p = self.workforce, self.roster, self._structs, week.p
        u_noise = self.streams["noise"].random((kernels.N_NOISE_ROWS, ws.n))
        # the waiting list left after this week's allocation presses on those at work (duty and triage work) of
        # its own team type
        self.waitlist_pressure = self._waitlist_pressure(week.at_work, p.work.waitlist_reference_per_clinician)
        ws.demand, ws.resource, ws.strain, self.load = kernels.update_states(
            ws.latent, ws.mastery, ws.vicarious_resilience, ws.weeks_in_post, ws.recoveries, ws.dropouts,
            ws.caseload, ws.exposure, ws.vulnerability, ws.trauma_history, ws.ei, ws.calling, ws.team,
            self.n_teams, self._cross_indptr, self._cross_indices, week.present, week.at_work, week.cover,
            self.waitlist_pressure, week.direct,
            week.colleague, r.leader, r.safety, r.supervision, r.persuasion, r.recognition, r.inv_sustainable,
            week.rel_detachment, week.extra_gain, week.extra_loss, week.peer_support_extra, u_noise,
            s.work, s.exposure, s.burnout, s.sts, s.satisfaction, s.self_efficacy, s.growth, s.turnover,
            s.traits, p.peers.contagion_rate, p.supervision.sts_protection, p.absence.rel_recovery_on_leave)

    # ---------------------------------------------------------------------------------------------------------
    # 6. absence and turnover
    def _absence_and_turnover(self, week: Week) -> None:
        p, ws = week.p, self.workforce
        u_leave = self.streams["absence"].random((2, ws.n))
        p_start = pr.p_sick_leave(ws.bo, p.absence.p_leave_max_week, self.roster.bo_half_max, p.absence.bo_slope,
                                  p.absence.p_other_leave_week)
        u_quit = self.streams["turnover"].random(ws.n)
        t = p.turnover
        p_notice = pr.p_give_notice(ws.intention, t.intention_threshold, t.p_quit_week, t.p_other_week,
                                    ws.weeks_in_post, t.p_early_week, t.early_tenure_weeks)
        f = week.flows
        f.leave_starts, f.notices, departing = kernels.absence_and_notice(
            ws.status, ws.notice_left, u_leave, p_start, 1.0 / p.absence.mean_leave_weeks, u_quit, p_notice,
            p.turnover.notice_weeks)
        f.departures = int(departing.size)
        if week.type_flows:
            for tf, n in zip(week.type_flows, np.bincount(self.post_type[departing], minlength=len(self.team_types))):
                tf.departures = int(n)
        self._vacate(departing)
        self._hire(kernels.due_posts(ws.status, ws.hire_week, self.week), week)
        week.present_end = ws.status != VACANT

    def _vacate(self, slots: np.ndarray, hiring: Hiring | None = None) -> None:
        if slots.size == 0:
            return
        ws = self.workforce
        # clients of leavers go back to their team type's waiting list and are re-allocated next week
        self.waitlist = kernels.vacate(slots, self.week, self._hiring_delays(slots.size, hiring), self.post_type,
                                       ws.caseload, self.waitlist, ws.status, ws.notice_left, ws.hire_week)
        for slot in slots.tolist():
            self._agent_of_slot[slot].remove()
            self._agent_of_slot[slot] = None

    def _hire(self, slots: np.ndarray, week: Week) -> None:
        frozen = self.p.hiring.frozen_share
        if frozen > 0 and slots.size:
            # a recruitment freeze: posts are filled only up to the unfrozen share, longest-waiting first
            room = int(np.floor((1.0 - frozen) * self.workforce.n + 1e-9)) - int(np.count_nonzero(
                self.workforce.status != VACANT))
            order = np.argsort(self.workforce.hire_week[slots], kind="stable")
            slots = np.sort(slots[order[:max(room, 0)]])
        week.flows.hires += int(slots.size)
        if slots.size == 0:
            return
        if week.type_flows:
            for tf, n in zip(week.type_flows, np.bincount(self.post_type[slots], minlength=len(self.team_types))):
                tf.hires += int(n)
        ws = self.workforce
        draw_clinicians(ws, slots, self.p, self.streams["hiring"], new_hire=True,
                        p_specialist=self._p_specialist(slots))
        for slot in slots.tolist():
            self._agent_of_slot[slot] = Clinician(self, slot)
        self.refresh_roster(slots)
        for prog in self._hooks["on_hire"]:  # running programmes take in new hires (a course on arrival)
            prog.on_hire(slots, week)

    def _hiring_delays(self, k: int, hiring: Hiring | None = None) -> np.ndarray:
        """Weeks to fill ``k`` posts under the hiring group ``hiring`` (default: the one in force)."""
        h = self.p.hiring if hiring is None else hiring
        mean = h.mean_delay_weeks * h.rel_delay
        return np.maximum(1, self.streams["hiring"].poisson(mean, k))

    # ---------------------------------------------------------------------------------------------------------
    # 7. costs
    def _costs(self, week: Week) -> None:
        if self.week <= 0:  # costs are recorded only after the burn-in
            return
        for prog in self._hooks["running_costs"]:
            prog.running_costs(week)
        c = week.p.costs
        week.flows.turnover_cost = week.flows.departures * c.replacement_share * c.salary_per_fte_year

    # ---------------------------------------------------------------------------------------------------------
    # 8. measurement
    def _measurement(self, week: Week) -> None:
        if self.week <= 0:  # the burn-in is not recorded
            return
        self._measure(week, survey=self.week % week.p.measurement.survey_interval_weeks == 0)
        self.datacollector.collect(self)

    # ---------------------------------------------------------------------------------------------------------
    # roster, network and the lever schedule's one-off events
    def refresh_roster(self, slots: np.ndarray | None = None) -> None:
        """Recompute the per-clinician resources that change only with the roster (a hire) or the levers.

        Called at the start, whenever levers switch, and weekly while leadership training builds up; after
        hires only the hired ``slots`` are updated. Programmes add their team-climate gains and set the
        per-clinician resources they provide (supervision) through their ``climate`` and ``slot_resources``
        hooks.
        """
        p, ws = self.p, self.workforce
        if slots is not None:
            r = self.roster
            r.supervision[slots] = 0.0
            for prog in self._hooks["slot_resources"]:
                prog.slot_resources(r, slots)
            kernels.hires_roster(slots, ws.fte, self._rel_cap_post, r.leader, r.supervision, r.persuasion, r.cap,
                                 r.inv_sustainable, p.caseload.cap_per_fte, p.work.sustainable_caseload_per_fte,
                                 p.self_efficacy.persuasion_leader_share)
            return
        climate = Climate()
        for prog in self._hooks["climate"]:
            prog.climate(climate)
        leader_level = np.clip(p.leadership.leader_support + climate.leader_gain + self._leader_dev, 0.0, 1.0)
        safety = np.clip(p.peers.psych_safety + climate.safety_gain + self._safety_dev, 0.0, 1.0)
        self.leader_support, self.psych_safety = leader_level, safety  # per team, as in force now
        leader = leader_level[ws.team]
        r = Roster(leader=leader, safety=safety[ws.team], supervision=np.zeros(ws.n), persuasion=leader,
                   recognition=(1.0 - p.leadership.recognition_leader_share) * p.leadership.recognition
                   + p.leadership.recognition_leader_share * leader,
                   cap=pr.caseload_cap(ws.fte, self._rel_cap_post, p.caseload.cap_per_fte),
                   inv_sustainable=pr.inv_sustainable_caseload(ws.fte, p.work.sustainable_caseload_per_fte),
                   bo_half_max=p.absence.bo_half_max - climate.leave_threshold_shift,
                   p_recovery_level=p.clients.p_recovery_week
                   * np.array([1.0, p.clients.rel_recovery_moderate, p.clients.rel_recovery_high]))
        for prog in self._hooks["slot_resources"]:
            prog.slot_resources(r, None)
        r.persuasion = pr.persuasion(r.supervision, leader, p.self_efficacy.persuasion_leader_share)
        self.roster = r

    def set_cross_ties(self, ties) -> None:
        """Put a cross-team tie matrix (CSR, 0/1) in force for peer means (a programme's ties, for example)."""
        self._cross_active = ties
        self._cross_indptr = ties.indptr.astype(np.int64)
        self._cross_indices = ties.indices.astype(np.int64)

    def peer_network(self):
        """The peer network in force: team, cross-team and (while it runs) peer-programme ties, 0/1 CSR."""
        return network.peer_network(self.workforce.team, self._cross_active)

    def programme(self, name: str):
        """This run's instance of the registered programme ``name``."""
        for prog in self.programmes:
            if prog.name == name:
                return prog
        raise KeyError(f"unknown programme '{name}'; registered: {', '.join(p.name for p in self.programmes)}")

    def _check_team_types(self, types: tuple[TeamType, ...], staff: StaffSnapshot | None) -> tuple[TeamType, ...]:
        """The team types in force: the given ones (checked against the posts), or one implicit type."""
        p = self.params.service
        if not types:
            return ()  # one implicit type, made with the parameters in force (:meth:`_init_service`)
        names = [t.name for t in types]
        if len(set(names)) != len(names):
            raise ValueError(f"team type names must be unique, got {names}")
        if staff is None and any(t.n_posts < 1 for t in types):
            raise ValueError(f"every team type needs at least one post, got {[(t.name, t.n_posts) for t in types]}")
        if staff is None and sum(t.n_posts for t in types) != p.n_posts:
            raise ValueError(f"the team types' posts add up to {sum(t.n_posts for t in types)} but service.n_posts "
                             f"is {p.n_posts}; they must agree")
        if staff is not None:
            counts = staff.posts_by_type()
            if not counts:
                raise ValueError(f"the staff snapshot {staff.source} names no team types (no team_type column), so it "
                                 "cannot be given with team types")
            unknown = sorted(set(counts) - set(names))
            missing = sorted(set(names) - set(counts))
            if unknown or missing:
                raise ValueError(f"the staff snapshot {staff.source} has team types {', '.join(counts)} but "
                                 f"{', '.join(names)} are declared; they must be the same")
            types = tuple(dataclasses.replace(t, n_posts=counts[t.name]) for t in types)
        return types

    def _by_type(self, per_slot: np.ndarray) -> np.ndarray:
        """Sum of a per-slot quantity over the posts of each team type."""
        return np.bincount(self.post_type, weights=per_slot, minlength=len(self.team_types))

    def _p_specialist(self, slots: np.ndarray) -> np.ndarray | None:
        """Each slot's chance of being a trauma specialist, by its team type (None without team types)."""
        if not self._typed:
            return None
        rel = np.array([t.rel_specialist for t in self.team_types])[self.post_type[slots]]
        return np.minimum(rel * self.p.service.prop_trauma_specialist, 1.0)

    def _waitlist_pressure(self, at_work: np.ndarray, reference_per_clinician: float):
        """Waiting-list pressure on each clinician at work: of the whole service (one type, a number) or of the
        clinician's own team type (an array per slot)."""
        if len(self.team_types) == 1:
            return pr.waitlist_pressure(float(self.waitlist.sum()), float(np.count_nonzero(at_work)),
                                        reference_per_clinician)
        n_at_work = np.bincount(self.post_type[at_work], minlength=len(self.team_types))
        by_type = np.array([pr.waitlist_pressure(float(self.waitlist[t].sum()), float(n_at_work[t]),
                                                 reference_per_clinician) for t in range(len(self.team_types))])
        return by_type[self.post_type]

    def _impose_staff(self, staff: StaffSnapshot) -> None:
        """At week 0, give every post the snapshot's occupancy, FTE, role, tenure and caseload.

        Posts vacant in the snapshot are vacated (not departures: their cases are the snapshot's, so none go to
        the waiting list). Posts filled in the snapshot but vacant now are filled by clinicians who take over
        the traits and states of randomly chosen clinicians in post (settled by the burn-in, like the rest).
        """
        ws = self.workforce
        rng = self.streams["hiring"]
        ws.caseload[:] = 0
        self._vacate(np.flatnonzero(~staff.occupied & (ws.status != VACANT)),
                     hiring=self.params.at_week(1).hiring)
        fill = np.flatnonzero(staff.occupied & (ws.status == VACANT))
        if fill.size:
            settled = np.flatnonzero(ws.status != VACANT)
            draw_clinicians(ws, fill, self.p, rng, new_hire=False, p_specialist=self._p_specialist(fill))
            if settled.size:
                like = settled[rng.integers(0, settled.size, fill.size)]
                for f in WARM_FIELDS:
                    getattr(ws, f)[fill] = getattr(ws, f)[like]
                ws.latent[:, fill] = ws.latent[:, like]
            ws.status[fill] = ACTIVE
            ws.notice_left[fill] = NO_NOTICE
            for slot in fill:
                self._agent_of_slot[slot] = Clinician(self, slot)
        filled = staff.occupied
        ws.fte[:] = staff.fte
        ws.specialist[filled] = staff.specialist[filled]
        ws.weeks_in_post[filled] = staff.weeks_in_post[filled]
        ws.caseload[:, filled] = staff.caseload[:, filled]
        self.refresh_roster()

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
                         hiring=self.params.at_week(1).hiring)
        elif vacant.size > target:
            self._hire(np.sort(rng.choice(vacant, size=vacant.size - target, replace=False)), self._new_week())

    # ---------------------------------------------------------------------------------------------------------
    # initialisation
    def _init_service(self, warm_start: bool) -> None:
        # structure (posts, teams, networks) comes from the scenario; levers from the parameters in force
        p, sc, rng = self.p, self.params, self.streams["init"]
        if not self._typed:
            self.team_types = (TeamType("service", p.service.n_posts, p.service.team_size_min,
                                        p.service.team_size_max),)
        types = self.team_types
        if self.staff is not None:
            sizes = self.staff.team_sizes
            type_of_team = self.staff.type_index([t.name for t in types]) if self._typed else np.zeros(sizes.size,
                                                                                                         np.int64)
        else:
            per_type = [network.team_sizes(rng, t.n_posts, t.team_size_min, t.team_size_max) for t in types]
            sizes = np.concatenate(per_type)
            type_of_team = np.repeat(np.arange(len(types)), [s.size for s in per_type])
        team = network.team_of_post(sizes)
        self.n_teams = sizes.size
        self.team_posts = sizes
        self.team_type_of_team = type_of_team
        self.post_type = type_of_team[team]
        self.type_posts = np.bincount(self.post_type, minlength=len(types)).astype(np.int64)
        self._rel_cap_post = np.array([t.rel_cap for t in types])[self.post_type]
        # each type's posts: a slice where they are contiguous (always, unless a snapshot interleaves the types),
        # so per-type views cost no copy
        self._posts_of_type = []
        for t in range(len(types)):
            idx = np.flatnonzero(self.post_type == t)
            whole = idx.size > 0 and idx[-1] - idx[0] + 1 == idx.size
            self._posts_of_type.append(slice(int(idx[0]), int(idx[-1]) + 1) if whole else idx)
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
        self.set_cross_ties(self.cross_ties)
        for prog in self.programmes:  # in registry order, whether or not they run (the init stream stays aligned)
            prog.setup(rng)
        # the burn-in starts from the default vacancy rate; a scenario's own rate is imposed at week 0
        n_vacant = int(round(Parameters.spec("service.initial_vacancy_rate").default * ws.n))
        vacant = rng.choice(ws.n, size=n_vacant, replace=False)
        filled = np.setdiff1d(np.arange(ws.n), vacant)
        draw_clinicians(ws, filled, p, rng, new_hire=False, p_specialist=self._p_specialist(filled))
        if warm_start:  # established staff take over the traits and states of clinicians of a settled pilot
            pool = settled_pool(pilot_key(self.params, -self.week))
            pick = rng.integers(0, pool["latent"].shape[1], filled.size)
            specialist = ws.specialist[filled].copy()
            for f in WARM_FIELDS:
                getattr(ws, f)[filled] = pool[f][pick]
            ws.latent[:, filled] = pool["latent"][:, pick]
            if self._typed:  # the pilot is one kind of team: specialists are each type's own share
                ws.specialist[filled] = specialist
        ws.status[vacant] = VACANT
        ws.hire_week[vacant] = self.week + self._hiring_delays(vacant.size)
        # established caseloads at a share of the cap, split by the referral mix of the post's team type
        cap = pr.caseload_cap(ws.fte[filled], self._rel_cap_post[filled], p.caseload.cap_per_fte)
        totals = rng.binomial(np.floor(cap).astype(np.int64), p.caseload.initial_fill)
        mix = self._mix = trauma_mix(p, types)
        for t in range(len(types)):
            of_type = slice(None) if len(types) == 1 else self.post_type[filled] == t
            ws.caseload[:, filled[of_type]] = rng.multinomial(totals[of_type], mix[t]).T
        self.waitlist = np.zeros((len(types), pr.N_LEVELS), dtype=np.int64)
        self.load = np.zeros(ws.n)
        self.waitlist_pressure = 0.0
        self._zeros = np.zeros(ws.n)
        self._ones = np.ones(ws.n)
        self._no_incidents = np.zeros(ws.n, bool)
        self._extra_gain = np.zeros_like(ws.latent)
        self._extra_loss = np.zeros_like(ws.latent)
        self._agent_of_slot: list[Clinician | None] = [None] * ws.n
        for slot in filled:
            self._agent_of_slot[slot] = Clinician(self, slot)
        self.refresh_roster()

    # ---------------------------------------------------------------------------------------------------------
    def _measure(self, week: Week, survey: bool) -> None:
        """This week's outcomes (``metrics``): a survey if due, then every recorded outcome's measure."""
        ws = self.workforce
        present, at_work, totals, n_in_post, n_at_work, n_notice, n_cases, float_cases, n_waitlist = kernels.headcount(
            ws.status, ws.notice_left, ws.caseload, self.programme("float_staff").caseload, self.waitlist)
        summary = None
        if survey:
            latent = np.column_stack([ws.cs, ws.bo, ws.sts])
            self.last_survey = proqol.survey(self.streams["survey"], latent, self.p.measurement,
                                             respondents=at_work)
            summary = self.last_survey.summary()
        snap = Snapshot(n_posts=ws.n, n_in_post=n_in_post, n_at_work=n_at_work, n_notice=n_notice,
                        n_open_cases=n_cases + float_cases, n_float_cases=float_cases,
                        n_waitlist=n_waitlist, present=present, at_work=at_work,
                        caseload_total=totals, load=self.load, exposure=ws.exposure, strain=ws.strain,
                        latent=ws.latent, flows=week.flows, survey=summary)
        self.metrics = self._plan.evaluate(snap)
        if self._plan_by_type is not None:
            self._measure_by_type(week, snap)

    def _measure_by_type(self, week: Week, snap: Snapshot) -> None:
        """Every recorded per-type outcome: the same measures over each team type's posts, respondents and flows."""
        ws = self.workforce
        respondent_type = self.post_type[self.last_survey.slots] if snap.survey is not None else None
        for t, tt in enumerate(self.team_types):
            sel = self._posts_of_type[t]
            present, at_work = snap.present[sel], snap.at_work[sel]
            totals = snap.caseload_total[sel]
            survey = (self.last_survey.subset(respondent_type == t).summary() if respondent_type is not None
                      else None)
            sub = Snapshot(n_posts=int(self.type_posts[t]), n_in_post=int(np.count_nonzero(present)),
                           n_at_work=int(np.count_nonzero(at_work)),
                           n_notice=int(np.count_nonzero(present & (ws.notice_left[sel] != NO_NOTICE))),
                           n_open_cases=int(totals.sum()), n_float_cases=0, n_waitlist=int(self.waitlist[t].sum()),
                           present=present, at_work=at_work, caseload_total=totals, load=snap.load[sel],
                           exposure=snap.exposure[sel], strain=snap.strain[sel], latent=snap.latent[:, sel],
                           flows=week.type_flows[t] if week.type_flows else Flows(), survey=survey)
            for name, value in self._plan_by_type.evaluate(sub).items():
                self.metrics[outcomes.of_team_type(name, tt.name)] = value

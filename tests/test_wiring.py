"""Wiring of the engine: common random numbers, the phase order, the programme registry and each programme's channel.

These tests guard the connections between the parts rather than the size of any effect:

* common random numbers by *stream state*: a lever must not change how many numbers the streams of other
  processes consume (DESIGN.md, "Randomness");
* the weekly step calls its phases in the order its docstring numbers them, and docs/ODD.md section 3 lists
  the same phases in the same order;
* every registered programme is declared completely, is off by default unless it is one of the default
  programmes, charges the cost outcomes of the registry, and has a scenario file that switches it on;
* executed "mechanism off" negative controls: with a programme's lever on but its effect parameter at its
  lowest accepted value the state trajectories equal the baseline's exactly, so the declared mechanism is the
  programme's only channel, while with the effect on they differ;
* deleting a programme's effect (the peer-support ties) is detected.

Some tests carry their own mutation check (``*_detects_*``): they break the wiring with ``monkeypatch`` and
assert that the guard goes red.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path

import pytest

from model import Parameters, WorkforceModel, simulate
from model import outcomes
from model.programmes import COST_COMPONENTS, PROGRAMMES
from model.programmes.peer_support import PeerSupport
from model.programmes.wellness import Wellness
from scenarios import library_names, load

from .paired import _hi, _lo, _off

ROOT = Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------------------------------------------------
# a. common random numbers by stream state

CRN_POSTS = 120
CRN_BURN_IN = 8
#: recorded weeks of the stream comparison: one survey week (the default cadence is 13 weeks) is included
CRN_WEEKS = 13
CRN_SEED = 5
#: streams whose draws per week are a fixed number per post, whatever the levers
FIXED_STREAMS = ("incidents", "noise", "absence", "turnover")
#: one lever each, at the end of its plausible range that differs most from the default
CRN_LEVERS = {
    "supervision_coverage": lambda: {"supervision.coverage": _hi("supervision.coverage")},
    "wellness_uptake": lambda: {"wellness.uptake": _hi("wellness.uptake")},
    "leadership_training": lambda: {"leadership.training": _hi("leadership.training")},
    "caseload_cap": lambda: {"caseload.cap_per_fte": _lo("caseload.cap_per_fte")},
}


def stream_states(overrides: dict, weeks: int = CRN_WEEKS, seed: int = CRN_SEED) -> list[dict[str, dict]]:
    """Bit-generator state of every named stream after construction and after each of ``weeks`` steps.

    Args:
        overrides: dotted overrides on the defaults (plus the small service).
        weeks: weeks to step after the burn-in.
        seed: root seed.

    Returns:
        One ``{stream: bit_generator.state}`` per week, week 0 first.
    """
    p = Parameters().with_overrides({"service.n_posts": CRN_POSTS, **overrides})
    m = WorkforceModel(p, rng=seed, burn_in_weeks=CRN_BURN_IN)
    states = [{k: s.bit_generator.state for k, s in m.streams.items()}]
    for _ in range(weeks):
        m.step()
        states.append({k: s.bit_generator.state for k, s in m.streams.items()})
    return states


def misaligned(a: list[dict], b: list[dict], streams) -> list[tuple[int, str]]:
    """(week, stream) pairs of ``streams`` whose states differ between two runs."""
    return [(week, name) for week, (sa, sb) in enumerate(zip(a, b)) for name in streams if sa[name] != sb[name]]


@pytest.fixture(scope="module")
def base_states():
    return stream_states({})


@pytest.mark.parametrize("lever", list(CRN_LEVERS))
def test_lever_leaves_fixed_draw_streams_aligned(lever, base_states):
    """A lever consumes no extra numbers of the incidents, noise, absence and turnover streams (common random numbers)."""
    bad = misaligned(base_states, stream_states(CRN_LEVERS[lever]()), FIXED_STREAMS)
    assert not bad, f"{lever}: stream states differ from the baseline's at (week, stream) {bad[:8]}"


@pytest.mark.parametrize("lever", list(CRN_LEVERS))
def test_lever_leaves_referrals_stream_aligned(lever, base_states):
    """Referrals do not depend on the levers either: the waiting list's give-ups draw from their own stream."""
    bad = misaligned(base_states, stream_states(CRN_LEVERS[lever]()), ("referrals",))
    assert not bad, f"{lever}: stream states differ from the baseline's at (week, stream) {bad[:8]}"


@pytest.mark.parametrize("lever", list(CRN_LEVERS))
def test_lever_leaves_survey_stream_aligned(lever, base_states):
    """The survey draws item noise for every post, whoever is at work to respond."""
    bad = misaligned(base_states, stream_states(CRN_LEVERS[lever]()), ("survey",))
    assert not bad, f"{lever}: stream states differ from the baseline's at (week, stream) {bad[:8]}"


def test_crn_check_detects_an_extra_noise_draw_under_one_lever(monkeypatch, base_states):
    """Mutation check: a programme that draws one number of the noise stream is caught by the stream check."""
    original = Wellness.inputs

    def inputs_with_draw(self, week):
        self.model.streams["noise"].random()
        original(self, week)

    monkeypatch.setattr(Wellness, "inputs", inputs_with_draw)
    bad = misaligned(base_states, stream_states(CRN_LEVERS["wellness_uptake"]()), FIXED_STREAMS)
    assert bad and {name for _, name in bad} == {"noise"} and bad[0][0] == 1, bad[:4]


# ------------------------------------------------------------------------------------------------------------
# b. step order

_ITEM = re.compile(r"^\s*(\d+)\.\s+\*{0,2}([^:(*]+?)\*{0,2}\s*(?:\(|:)", re.M)


def docstring_phases() -> list[str]:
    """Phase titles of ``WorkforceModel.step``'s numbered docstring list, in their numbered order."""
    items = _ITEM.findall(inspect.getdoc(WorkforceModel.step))
    numbers = [int(n) for n, _ in items]
    assert numbers == list(range(1, len(items) + 1)), f"docstring list is not numbered 1..n: {numbers}"
    return [title.strip() for _, title in items]


def phase_methods() -> dict[str, str]:
    """Phase method of each phase title, from the ``# k. title`` comment headers above the methods in workforce.py."""
    lines = inspect.getsource(inspect.getmodule(WorkforceModel)).splitlines()
    found = {}
    for i, line in enumerate(lines):
        head = re.match(r"\s*# (\d+)\. (.+)$", line)
        if head:
            for nxt in lines[i + 1:i + 4]:
                d = re.match(r"\s*def (\w+)\(", nxt)
                if d:
                    found[head.group(2).strip().lower()] = d.group(1)
                    break
    return found


def step_calls() -> list[str]:
    """Names of the ``self.<method>(...)`` calls in the body of ``WorkforceModel.step``, in order."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(WorkforceModel.step)))
    calls = []
    for node in ast.walk(tree.body[0]):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"):
            calls.append((node.lineno, node.col_offset, node.func.attr))
    return [name for *_, name in sorted(calls)]


def expected_calls() -> list[str]:
    methods = phase_methods()
    titles = docstring_phases()
    missing = [t for t in titles if t.lower() not in methods]
    assert not missing, f"no '# k. title' header above a method for phases {missing}; headers: {methods}"
    return [methods[t.lower()] for t in titles]


def test_step_body_calls_the_phases_in_docstring_order():
    """``step()``'s body is the numbered list of its docstring: one phase method per item, in order."""
    assert step_calls() == expected_calls()


def test_odd_section_3_lists_the_same_phases_in_the_same_order():
    """docs/ODD.md section 3 numbers the same phases as ``step()``'s docstring, in the same order."""
    text = (ROOT / "docs" / "ODD.md").read_text()
    section = text[text.index("## 3. Process overview"):text.index("## 4. Design concepts")]
    each_week = section[section.index("**Each week**"):]
    positions = []
    for title in docstring_phases():
        m = re.search(rf"^\s*\d+\.\s+{re.escape(title)}\b", each_week, re.M)
        assert m, f"phase '{title}' is not a numbered item of ODD section 3"
        positions.append(m.start())
    assert positions == sorted(positions) and len(set(positions)) == len(positions), positions
    # and the ODD list has no other numbered phase in between or after
    odd_items = [t.strip() for _, t in _ITEM.findall(each_week.split("**Lever schedule**")[0])]
    assert odd_items == docstring_phases()


def test_step_runs_the_phases_in_docstring_order():
    """At run time, one step calls every phase method once, in the docstring's order."""
    m = WorkforceModel(Parameters().with_overrides({"service.n_posts": 40}), rng=1, burn_in_weeks=2)
    called = []
    for name in expected_calls():
        original = getattr(m, name)

        def record(*args, _name=name, _original=original, **kwargs):
            called.append(_name)
            return _original(*args, **kwargs)

        setattr(m, name, record)
    m.step()
    assert called == expected_calls()


def test_step_order_check_detects_swapped_phases(monkeypatch):
    """Mutation check: a step body with two phases swapped fails the source comparison."""
    src = inspect.getsource(WorkforceModel.step)
    swapped = src.replace("self._exposure(week)", "@@").replace("self._clients(week)", "self._exposure(week)")
    swapped = swapped.replace("@@", "self._clients(week)")
    assert swapped != src
    monkeypatch.setattr(inspect, "getsource", lambda obj, _orig=inspect.getsource: swapped
                        if obj is WorkforceModel.step else _orig(obj))
    assert step_calls() != expected_calls()


# ------------------------------------------------------------------------------------------------------------
# c. the programme registry

#: programmes that run under the default parameters
DEFAULT_RUNNING = {"supervision", "recognition"}


def test_only_the_default_programmes_run_under_defaults():
    p = Parameters()
    assert {prog.name for prog in PROGRAMMES if prog.running(p)} == DEFAULT_RUNNING


@pytest.mark.parametrize("prog", PROGRAMMES, ids=lambda c: c.name)
def test_programme_is_declared_completely(prog):
    assert prog.cost_components and all(isinstance(c, str) and c for c in prog.cost_components)
    assert prog.mechanism.strip() and prog.cost_basis.strip() and prog.label.strip()
    group = Parameters.model_fields.get(prog.group)
    assert group is not None, f"{prog.name}: '{prog.group}' is not a parameter group"
    assert "start_week" in group.annotation.model_fields, f"{prog.name}: group '{prog.group}' has no start_week"
    assert prog.start_week(Parameters()) == Parameters().get(f"{prog.group}.start_week")


def test_registry_names_and_cost_components_are_unique():
    assert len({prog.name for prog in PROGRAMMES}) == len(PROGRAMMES)
    assert len(set(COST_COMPONENTS)) == len(COST_COMPONENTS)


def test_registry_cost_components_are_the_cost_outcomes():
    registered = [o.name.removeprefix("new_cost_") for o in outcomes.OUTCOMES if o.name.startswith("new_cost_")]
    assert registered == list(COST_COMPONENTS)


@pytest.fixture(scope="module")
def scenario_params() -> dict[str, Parameters]:
    return {name: load(name).params for name in library_names()}


@pytest.mark.parametrize("prog", PROGRAMMES, ids=lambda c: c.name)
def test_every_programme_has_a_scenario_that_runs_it(prog, scenario_params):
    running = [name for name, p in scenario_params.items() if prog.running(p)]
    assert running, f"no scenario in scenarios/ runs {prog.name}"
    if prog.name not in DEFAULT_RUNNING:
        assert "baseline" not in running


# ------------------------------------------------------------------------------------------------------------
# d. mechanism off: executed negative controls

CTRL_POSTS = 120
CTRL_BURN_IN = 20
CTRL_WEEKS = 30
CTRL_SEED = 3
STATE_COLUMNS = ["mean_bo", "mean_sts", "mean_cs", "mean_se"]

#: programme -> (lever on, outcome it acts on, effect parameters switched off at their lowest accepted value)
CONTROLS = {
    "wellness": (lambda: {"wellness.uptake": _hi("wellness.uptake")}, "mean_bo", ("wellness.effect",)),
    "peer_support": (lambda: {"peer_support.coverage": _hi("peer_support.coverage")}, "mean_cs",
                     ("peer_support.support", "peer_support.extra_ties")),
    "mentoring": (lambda: {"mentoring.coverage": _hi("mentoring.coverage")}, "mean_se",
                  ("mentoring.se_gain", "mentoring.intention_relief")),
    "ei_training": (lambda: {"ei_training.uptake": _hi("ei_training.uptake")}, "mean_sts", ("ei_training.gain",)),
    "trauma_informed": (lambda: {"trauma_informed.level": _hi("trauma_informed.level")}, "mean_bo",
                        ("trauma_informed.safety_gain", "trauma_informed.stigma_shift")),
    "leadership": (lambda: {"leadership.training": _hi("leadership.training")}, "mean_bo",
                   ("leadership.training_gain",)),
    # no effect parameter of their own: only "lever on moves its outcome" is tested (see the report)
    "float_staff": (lambda: {"staffing.float_fte_per_100_posts": _hi("staffing.float_fte_per_100_posts")},
                    "mean_bo", ()),
    "clinical_rotation": (lambda: {"rotation.share_steered": _hi("rotation.share_steered")}, "mean_sts", ()),
}


def trajectories(overrides: dict):
    """Weekly state means of a small run (the weekly table restricted to :data:`STATE_COLUMNS`)."""
    p = Parameters().with_overrides({"service.n_posts": CTRL_POSTS, **overrides})
    weekly = simulate(p, seed=CTRL_SEED, weeks=CTRL_WEEKS, burn_in_weeks=CTRL_BURN_IN, record=STATE_COLUMNS).weekly
    return weekly[STATE_COLUMNS]


@pytest.fixture(scope="module")
def base_trajectories():
    return trajectories({})


def test_every_optional_programme_has_a_negative_control():
    assert set(CONTROLS) == {prog.name for prog in PROGRAMMES if not prog.running(Parameters())} - {"admin_support"}


@pytest.mark.parametrize("name", list(CONTROLS))
def test_lever_on_moves_the_outcome_it_acts_on(name, base_trajectories):
    lever, outcome, _ = CONTROLS[name]
    on = trajectories(lever())
    assert (on[outcome].iloc[2:] != base_trajectories[outcome].iloc[2:]).any(), (
        f"{name} on: {outcome} identical to the baseline")
    assert not on[outcome].iloc[:1].ne(base_trajectories[outcome].iloc[:1]).any()  # week 0 is pre-policy


@pytest.mark.parametrize("name", [n for n, c in CONTROLS.items() if c[2]])
def test_effect_off_leaves_state_trajectories_identical(name, base_trajectories):
    """Lever on, effect parameters at their lowest accepted value: the states are the baseline's, exactly."""
    lever, _, effects = CONTROLS[name]
    off = trajectories({**lever(), **{e: _off(e) for e in effects}})
    diff = (off - base_trajectories).abs().max()
    assert (diff == 0).all(), f"{name} with {effects} off still moves the states: max |diff| {diff.to_dict()}"


def test_negative_control_detects_a_side_channel(monkeypatch, base_trajectories):
    """Mutation check: a wellness course that also lowers burnout directly fails the negative control."""
    original = Wellness.inputs

    def inputs_with_side_channel(self, week):
        original(self, week)
        week.extra_loss[2] += 0.001 * self.model.workforce.wellness_dose  # row 2 is burnout

    monkeypatch.setattr(Wellness, "inputs", inputs_with_side_channel)
    with pytest.raises(AssertionError, match="still moves the states"):
        test_effect_off_leaves_state_trajectories_identical("wellness", base_trajectories)


# ------------------------------------------------------------------------------------------------------------
# e. deleting a programme's effect goes red

PEER_START = 4


def peer_ties_before_and_after(overrides: dict) -> tuple[int, int]:
    """Ties of the peer network in force in the week of the peer-support start week and two weeks later."""
    p = Parameters().with_overrides({"service.n_posts": CTRL_POSTS, "peer_support.start_week": PEER_START,
                                     **overrides})
    m = WorkforceModel(p, rng=CTRL_SEED, burn_in_weeks=4)
    for _ in range(PEER_START):
        m.step()
    before = m.peer_network().nnz
    for _ in range(2):
        m.step()
    return before, m.peer_network().nnz


def assert_peer_ties_grow(overrides: dict) -> None:
    before, after = peer_ties_before_and_after(overrides)
    assert after > before, f"peer network in force: {before} ties before the start, {after} after"


def test_peer_support_puts_its_ties_in_force_after_its_start_week():
    assert_peer_ties_grow({"peer_support.coverage": _hi("peer_support.coverage")})
    before, after = peer_ties_before_and_after({})  # and nothing changes without the programme
    assert before == after


def test_peer_ties_check_detects_a_start_that_does_nothing(monkeypatch):
    """Mutation check: ``PeerSupport.start`` deleted (no ties put in force) fails the ties check."""
    monkeypatch.setattr(PeerSupport, "start", lambda self, week: None)
    with pytest.raises(AssertionError, match="peer network in force"):
        assert_peer_ties_grow({"peer_support.coverage": _hi("peer_support.coverage")})


def test_the_phase_benchmark_times_every_phase_of_the_step():
    """benchmarks/bench_phases.py times the phases step() calls, and its timed phases add up to the step."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_phases", ROOT / "benchmarks" / "bench_phases.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.phase_names() == expected_calls()
    spent = bench.seconds_per_week(40, 5)
    assert set(spent) == {*expected_calls(), "(whole step)"}
    assert 0.5 * spent["(whole step)"] < sum(v for k, v in spent.items() if k != "(whole step)") <= spent["(whole step)"]

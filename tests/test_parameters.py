"""Parameter declaration and validation."""

from __future__ import annotations

import mesa
import numpy as np
import pydantic
import pytest

from model import ParameterError, Parameters, WorkforceModel
from model.parameters import RESOURCE_KEYS, Service


def test_every_field_has_metadata(defaults):
    specs = Parameters.specs()
    assert len(specs) == len(defaults.flat()) > 80
    for s in specs:
        assert s.unit and s.source and s.doc, s.name
        assert s.tag in ("lever", "uncertainty"), s.name
        lo, hi = s.range
        blo, bhi = s.bounds
        assert blo <= lo < hi <= bhi, s.name
        assert blo <= s.default <= bhi, s.name
        assert isinstance(s.default, s.type), s.name


def test_defaults_lie_in_plausible_range():
    outside = [s.name for s in Parameters.specs() if not (s.range[0] <= s.default <= s.range[1])]
    assert outside == []


def test_both_tags_are_used():
    tags = {s.tag for s in Parameters.specs()}
    assert tags == {"lever", "uncertainty"}


def test_dotted_get_and_override(defaults):
    p = defaults.with_overrides({"supervision.sessions_per_month": 2.5, "service.n_posts": 120})
    assert p.get("supervision.sessions_per_month") == 2.5
    assert p.supervision.sessions_per_month == 2.5
    assert p.service.n_posts == 120
    assert defaults.supervision.sessions_per_month == 1.0  # the original is untouched
    assert p.flat()["service.n_posts"] == 120


def test_nested_and_keyword_overrides_are_equivalent(defaults):
    a = defaults.with_overrides({"supervision": {"coverage": 0.9}})
    b = defaults.with_overrides(**{"supervision.coverage": 0.9})
    assert a == b


def test_integer_accepted_for_float_field(defaults):
    assert defaults.with_overrides({"caseload.cap_per_fte": 25}).caseload.cap_per_fte == 25.0


def test_frozen(defaults):
    with pytest.raises(pydantic.ValidationError):
        defaults.service.n_posts = 10  # type: ignore[misc]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"supervision.sessions_per_month": 12},
         "supervision.sessions_per_month = 12 is not allowed: input should be less than or equal to 8; "
         "allowed: a number from 0 to 8 (sessions/month)"),
        ({"clients.p_dropout_week": -0.1}, "clients.p_dropout_week = -0.1 is not allowed"),
        ({"service.n_posts": 0}, "allowed: a whole number from 1 to 1,000,000 (posts)"),
        ({"service.n_posts": 2.5}, "service.n_posts = 2.5 is not allowed: input should be a valid integer"),
        ({"service.n_posts": "300"}, "service.n_posts = '300' is not allowed: input should be a valid integer"),
        ({"leadership.leader_support": True}, "leadership.leader_support = True is not allowed"),
        ({"supervison.sessions_per_month": 2},
         "unknown parameter 'supervison.sessions_per_month'; did you mean 'supervision.sessions_per_month'?"),
        ({"supervision.sesions_per_month": 2},
         "unknown parameter 'supervision.sesions_per_month'; did you mean 'supervision.sessions_per_month'?"),
        ({"nonsense": 1}, "unknown parameter 'nonsense'; see `resilience parameters`"),
        ({"service.team_size_min": 14},
         "service.team_size_min (14) must not exceed service.team_size_max (12)"),
        ({"clients.prop_trauma_moderate": 0.5, "clients.prop_trauma_high": 0.6},
         "clients.prop_trauma_moderate + clients.prop_trauma_high = 1.1 must not exceed 1"),
    ],
)
def test_bad_values_are_explained(defaults, overrides, expected):
    with pytest.raises(ParameterError) as info:
        defaults.with_overrides(overrides, context="my.toml")
    message = str(info.value)
    assert message.startswith("my.toml: ")
    assert expected in message


def test_all_problems_reported_at_once(defaults):
    with pytest.raises(ParameterError) as info:
        defaults.with_overrides({"service.n_posts": 0, "supervision.coverage": 2})
    assert len(info.value.problems) == 2
    assert "service.n_posts" in str(info.value) and "supervision.coverage" in str(info.value)


def test_spec_lookup_unknown_name_suggests():
    with pytest.raises(ParameterError, match="did you mean 'burnout.rate_gain'"):
        Parameters.spec("burnout.rate_gian")


def test_validate_nested_rejects_unknown_group():
    with pytest.raises(ParameterError, match="unknown parameter 'wellbeing'"):
        Parameters.validate_nested({"wellbeing": {"x": 1}})


# --------------------------------------------------------------------------------------------------------------
# numbers from samplers and grids (mesa.batch_run, SALib, EMA Workbench): NumPy scalars, integral floats
# --------------------------------------------------------------------------------------------------------------

N_POSTS_MESSAGE = ("service.n_posts = 3.5 is not allowed: input should be a valid integer; "
                   "allowed: a whole number from 1 to 1,000,000 (posts)")


def test_every_field_is_an_int_or_a_float():
    assert {s.type for s in Parameters.specs()} == {int, float}


@pytest.mark.parametrize("value", [np.int64(120), np.int32(120), np.int16(120), np.uint16(120), np.int8(120),
                                   120.0, np.float64(120.0), np.float32(120.0)],
                         ids=lambda v: f"{type(v).__name__}")
def test_whole_number_field_accepts_numpy_integers_and_integral_floats(value):
    p = Parameters().with_overrides({"service.n_posts": value})
    assert p.service.n_posts == 120 and type(p.service.n_posts) is int
    assert p == Parameters().with_overrides({"service.n_posts": 120})


def test_numpy_int64_override_from_the_brief():
    p = Parameters().with_overrides({"service.n_posts": np.int64(120)})
    assert p.service.n_posts == 120 and type(p.flat()["service.n_posts"]) is int


@pytest.mark.parametrize("value", [3.5, np.float64(3.5), np.float32(3.5)], ids=lambda v: type(v).__name__)
def test_fractional_value_for_a_whole_number_is_refused_with_one_line(value):
    with pytest.raises(ParameterError) as info:
        Parameters().with_overrides({"service.n_posts": value})
    assert str(info.value) == N_POSTS_MESSAGE
    assert len(info.value.problems) == 1 and "\n" not in str(info.value)


def test_integral_float_out_of_bounds_names_the_range():
    with pytest.raises(ParameterError, match=r"service.n_posts = 0 is not allowed.*from 1 to 1,000,000"):
        Parameters().with_overrides({"service.n_posts": np.float64(0.0)})


@pytest.mark.parametrize("name", ["service.n_posts", "leadership.leader_support"])
@pytest.mark.parametrize("value", [True, False, np.True_, np.False_], ids=repr)
def test_booleans_are_refused_for_numbers(name, value):
    with pytest.raises(ParameterError, match=f"{name} = {bool(value)!r} is not allowed"):
        Parameters().with_overrides({name: value})


@pytest.mark.parametrize("value", [np.float64(0.25), np.float32(0.25), 0.25], ids=lambda v: type(v).__name__)
def test_float_field_accepts_numpy_floats(value):
    p = Parameters().with_overrides({"supervision.coverage": value})
    assert p.supervision.coverage == 0.25 and type(p.supervision.coverage) is float


@pytest.mark.parametrize("value", [np.int64(25), np.uint8(25), 25], ids=lambda v: type(v).__name__)
def test_float_field_accepts_integers(value):
    p = Parameters().with_overrides({"caseload.cap_per_fte": value})
    assert p.caseload.cap_per_fte == 25.0 and type(p.caseload.cap_per_fte) is float


def test_numpy_float_out_of_bounds_is_shown_as_a_plain_number():
    with pytest.raises(ParameterError) as info:
        Parameters().with_overrides({"supervision.coverage": np.float64(1.5)})
    assert str(info.value).startswith("supervision.coverage = 1.5 is not allowed")


def test_strings_are_still_refused_for_floats():
    with pytest.raises(ParameterError, match="supervision.coverage = '0.5' is not allowed"):
        Parameters().with_overrides({"supervision.coverage": "0.5"})


def test_numpy_values_in_nested_mappings_and_groups():
    a = Parameters.validate_nested({"service": {"n_posts": np.int64(90)}, "supervision": {"coverage": np.float32(1)}})
    b = Parameters().with_overrides({"service.n_posts": 90, "supervision.coverage": 1.0})
    assert a == b
    assert Service(n_posts=np.int64(7), team_size_min=np.float64(4.0)).n_posts == 7


def test_dotted_numpy_overrides_as_mesa_batch_run_passes_them():
    """``mesa.batch_run`` calls the model with one dotted keyword per parameter, values taken from the grid."""
    kwargs = {"service.n_posts": np.arange(40, 41)[0], "measurement.survey_interval_weeks": np.float64(4.0),
              "supervision.sessions_per_month": np.linspace(0, 4, 3)[1], "caseload.cap_per_fte": np.int64(28)}
    m = WorkforceModel(**kwargs, rng=np.int64(3), burn_in_weeks=0)
    assert m.params.service.n_posts == 40 and type(m.params.service.n_posts) is int
    assert m.params.measurement.survey_interval_weeks == 4
    assert m.params.supervision.sessions_per_month == 2.0 and m.params.caseload.cap_per_fte == 28.0
    assert m.workforce.n == 40


def test_mesa_batch_run_with_numpy_grids():
    results = mesa.batch_run(
        WorkforceModel,
        parameters={"service.n_posts": np.array([30, 40]), "measurement.survey_interval_weeks": np.arange(4, 5),
                    "supervision.sessions_per_month": np.array([0.0, 2.0]), "burn_in_weeks": 0, "rng": 5},
        max_steps=3, number_processes=1, data_collection_period=-1, display_progress=False,
    )
    assert len(results) == 4
    assert {(int(r["service.n_posts"]), float(r["supervision.sessions_per_month"])) for r in results} == {
        (30, 0.0), (30, 2.0), (40, 0.0), (40, 2.0)}


# --------------------------------------------------------------------------------------------------------------
# constants of the engine declared as parameters: defaults equal today's constants
# --------------------------------------------------------------------------------------------------------------

ENGINE_CONSTANTS = {
    "clients.quality_min": 0.2, "clients.quality_max": 2.0, "clients.quality_se_reference": 0.5,
    "clients.quality_bo_reference": 0.3, "burnout.se_reference": 0.5, "self_efficacy.mastery_memory_weight": 0.1,
    "supervision.dose_scale_sessions": 2.0, "supervision.admin_value": 0.3, "work.detachment_base": 0.5,
    **{f"work.resource_weight_{k}": 1.0 for k in RESOURCE_KEYS if k not in ("leader", "autonomy", "ei")},
    # weighted by evidence since science v2: leader support and job control heavier, EI mostly through its own paths
    "work.resource_weight_leader": 2.0, "work.resource_weight_autonomy": 1.5, "work.resource_weight_ei": 0.5,
    "caseload.initial_fill": 0.9, "sts.cs_recovery_base": 0.5, "sts.ei_reference": 0.5,
    "self_efficacy.persuasion_leader_share": 0.5, "leadership.recognition_leader_share": 0.5,
}


@pytest.mark.parametrize(("name", "value"), sorted(ENGINE_CONSTANTS.items()))
def test_engine_constants_have_todays_values(defaults, name, value):
    spec = Parameters.spec(name)
    assert defaults.get(name) == value and spec.type is float and spec.tag == "uncertainty"


def test_resource_weights_rank_leader_support_and_job_control_first(defaults):
    weights = {k: defaults.get(f"work.resource_weight_{k}") for k in RESOURCE_KEYS}
    assert len(weights) == 7
    ranked = sorted(weights, key=weights.get, reverse=True)
    assert ranked[:2] == ["leader", "autonomy"] and ranked[-1] == "ei"


def test_resource_weights_must_not_all_be_zero(defaults):
    with pytest.raises(ParameterError, match="must not all be 0"):
        defaults.with_overrides({f"work.resource_weight_{k}": 0 for k in RESOURCE_KEYS})
    one = defaults.with_overrides({f"work.resource_weight_{k}": 0 for k in RESOURCE_KEYS[1:]})
    assert one.work.resource_weight_leader == 2.0

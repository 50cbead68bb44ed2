"""Parameter declaration and validation."""

from __future__ import annotations

import pydantic
import pytest

from model import ParameterError, Parameters


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

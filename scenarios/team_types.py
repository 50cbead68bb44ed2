"""Team types in scenario files: ``[[team_types]]`` tables, read and checked.

A service description lists its kinds of team, each with its posts and, optionally, its own values of the
service-wide parameters it differs on (the keys are those parameters' own names, in their units)::

    [[team_types]]
    name = "crisis"                  # letters, digits, '-', '_' and '.'
    title = "Crisis resolution and home treatment"   # optional
    posts = 40                       # budgeted posts (with a staff snapshot: optional, the snapshot's count)
    team_size_min = 6                # optional: service.team_size_min
    team_size_max = 10               # optional: service.team_size_max
    cap_per_fte = 12                 # optional: caseload.cap_per_fte
    referrals_per_post_week = 2.5    # optional: clients.referrals_per_post_week
    prop_trauma_moderate = 0.35      # optional: clients.prop_trauma_moderate
    prop_trauma_high = 0.35          # optional: clients.prop_trauma_high
    prop_trauma_specialist = 0.3     # optional: service.prop_trauma_specialist

Each value is checked against its parameter's bounds (and warned about outside the plausible range), and becomes
a multiplier of the service-wide value in force in the file that declares the types (:mod:`model.service`), so
the service-wide levers and uncertainties keep acting on every type. The posts of the types are the service's
posts (``service.n_posts``), so the two are not set together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from model import Parameters
from model.service import RELATIVE_TO, TeamType

from .loader import SAFE_NAME

#: keys of a team type that give its own value of a service-wide parameter, and that parameter
OWN_VALUES = {
    "team_size_min": "service.team_size_min",
    "team_size_max": "service.team_size_max",
    "cap_per_fte": "caseload.cap_per_fte",
    "referrals_per_post_week": "clients.referrals_per_post_week",
    "prop_trauma_moderate": "clients.prop_trauma_moderate",
    "prop_trauma_high": "clients.prop_trauma_high",
    "prop_trauma_specialist": "service.prop_trauma_specialist",
}
#: the multiplier (a field of :class:`~model.service.TeamType`) each relative key becomes
RELATIVE = {key: field for field, dotted in RELATIVE_TO.items() for key, own in OWN_VALUES.items() if own == dotted}
KEYS = ("name", "title", "posts", *OWN_VALUES)


class TeamTypeError(ValueError):
    """A bad ``[[team_types]]`` table (the message names the table, key, value and what is allowed)."""


def read_team_types(rows: Any, params: Parameters, posts_from_snapshot: Mapping[str, int] | None = None, *,
                    snapshot_pending: bool = False) -> tuple[tuple[TeamType, ...], dict[str, str], list[str]]:
    """Check the ``team_types`` array of a scenario file and turn it into team types.

    Args:
        rows: the parsed ``team_types`` value (an array of tables).
        params: the parameters in force in the declaring file (the multipliers are relative to them).
        posts_from_snapshot: posts of each type in the scenario's staff snapshot, or None without one.
        snapshot_pending: the scenario names a snapshot not read yet (it needs the types' caps): posts are not
            required and not checked, and the types' ``n_posts`` are provisional.

    Returns:
        (types, titles, warnings): the team types in file order, each type's title, and one line per value
        outside its parameter's plausible range.

    Raises:
        TeamTypeError: one line naming the table (``team_types[i]``, 1-based, with its name), the key, the value
            and what is allowed.
    """
    if not isinstance(rows, list) or not rows or not all(isinstance(r, Mapping) for r in rows):
        raise TeamTypeError("'team_types' must be one or more [[team_types]] tables")
    types, titles, warnings, names = [], {}, [], []
    for i, row in enumerate(rows, start=1):
        where = f"team_types[{i}]"
        name = row.get("name")
        if not isinstance(name, str) or not SAFE_NAME.fullmatch(name):
            raise TeamTypeError(f"{where}: name = {name!r}: every team type needs a name of letters, digits, "
                                "'-', '_' and '.'")
        where = f"team_types[{i}] ({name})"
        if name in names:
            raise TeamTypeError(f"{where}: name {name!r} is given twice; each team type once")
        names.append(name)
        unknown = [k for k in row if k not in KEYS]
        if unknown:
            raise TeamTypeError(f"{where}: unknown key '{unknown[0]}' (allowed: {', '.join(KEYS)})")
        title = row.get("title", name)
        if not isinstance(title, str):
            raise TeamTypeError(f"{where}: title = {title!r}: expected text")
        titles[name] = title
        posts = 0 if snapshot_pending else _posts(where, row, name, posts_from_snapshot)
        own = {}
        for key, dotted in OWN_VALUES.items():
            spec = Parameters.spec(dotted)
            value = row.get(key, params.get(dotted))
            if key in row:
                value = _checked(where, key, value, spec)
                lo, hi = spec.range
                if not lo <= value <= hi:
                    warnings.append(f"{where}: {key} = {value!r} is outside the plausible range {lo:g}-{hi:g} "
                                    f"({spec.unit}) of {dotted}; it runs, but check the value")
            own[key] = value
        def given(key: str) -> str:  # a value the type inherits is named as such
            return f"{key} = {own[key]:g}" + ("" if key in row else f" (the service-wide {OWN_VALUES[key]})")

        if own["team_size_min"] > own["team_size_max"]:
            raise TeamTypeError(f"{where}: {given('team_size_min')} is above {given('team_size_max')}")
        if own["prop_trauma_moderate"] + own["prop_trauma_high"] > 1:
            raise TeamTypeError(f"{where}: {given('prop_trauma_moderate')} + {given('prop_trauma_high')} = "
                                f"{own['prop_trauma_moderate'] + own['prop_trauma_high']:g}: the shares of "
                                "referrals may add up to at most 1")
        rel = {}
        for key, field in RELATIVE.items():
            base = params.get(OWN_VALUES[key])
            if own[key] == base:
                rel[field] = 1.0
            elif base == 0:
                raise TeamTypeError(f"{where}: {key} = {own[key]!r} while the service-wide {OWN_VALUES[key]} is 0: "
                                    f"a team type's value is relative to the service-wide one; set "
                                    f"{OWN_VALUES[key]} above 0")
            else:
                rel[field] = own[key] / base
        types.append(TeamType(name=name, n_posts=posts, team_size_min=int(own["team_size_min"]),
                              team_size_max=int(own["team_size_max"]), **rel))
    if posts_from_snapshot is not None:
        missing = sorted(set(posts_from_snapshot) - set(names))
        if missing:
            raise TeamTypeError(f"the staff snapshot's team_type {missing[0]!r} is not declared (declared: "
                                f"{', '.join(names)})")
    return tuple(types), titles, warnings


def _posts(where: str, row: Mapping, name: str, from_snapshot: Mapping[str, int] | None) -> int:
    posts = row.get("posts")
    if posts is not None and (isinstance(posts, bool) or not isinstance(posts, int) or posts < 1):
        raise TeamTypeError(f"{where}: posts = {posts!r}: expected a whole number of at least 1")
    if from_snapshot is not None:
        counted = from_snapshot.get(name, 0)
        if counted == 0:
            raise TeamTypeError(f"{where}: the staff snapshot has no posts of this type; leave the type out or add "
                                "its posts to the snapshot")
        if posts is not None and posts != counted:
            raise TeamTypeError(f"{where}: posts = {posts!r} but the staff snapshot has {counted} posts of this type; "
                                "leave posts out (the snapshot's rows are the posts) or make them agree")
        return counted
    if posts is None:
        raise TeamTypeError(f"{where}: posts is missing: every team type needs its number of budgeted posts")
    return posts


def _checked(where: str, key: str, value: Any, spec) -> float | int:
    whole = spec.type is int
    ok_type = isinstance(value, int) if whole else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type:
        kind = "a whole number" if whole else "a number"
        raise TeamTypeError(f"{where}: {key} = {value!r}: expected {kind} ({spec.unit}), like {spec.name}")
    lo, hi = spec.bounds
    if not lo <= value <= hi:
        raise TeamTypeError(f"{where}: {key} = {value!r} is outside {lo:g}-{hi:g} ({spec.unit}), the bounds of "
                            f"{spec.name}")
    return value


"""Load and validate scenario files.

A scenario file is TOML written for planners:

    name = "reflective-supervision"          # optional; defaults to the file name
    title = "Reflective supervision for everyone"
    description = "What the policy is, in words a planner uses."
    evidence = "What the settings rest on."
    extends = "baseline"                      # optional: start from another scenario
    target = "mean_sts_mean"                  # optional: the run summary the scenario is meant to move
    target_direction = "lower"                # with target: "lower" or "higher"

    [supervision]                             # one table per parameter group (see `resilience parameters`)
    sessions_per_month = 2.0
    coverage = 1.0

A service description adds ``staff_snapshot = "staff.csv"`` (:mod:`scenarios.staff`) and/or ``[[team_types]]``
tables (:mod:`scenarios.team_types`); both are inherited through ``extends`` (the last file that sets one wins).

Values are validated against :class:`model.Parameters`. Every problem is reported with the file, the key path,
the value and what is allowed, and a typo gets the closest valid key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.staff import StaffSnapshot
from model import ParameterError, Parameters, Service
from model.service import TeamType
from model.outcomes import SUMMARIES

LIBRARY = Path(__file__).resolve().parent
#: the names allowed for scenarios and team types (they name files and columns)
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TEXT_KEYS = ("name", "title", "description", "evidence", "extends", "target", "target_direction", "staff_snapshot")
TARGET_DIRECTIONS = ("lower", "higher")


class ScenarioError(ValueError):
    """A scenario file is missing, unreadable or invalid; the message says where and why."""


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario.

    Attributes:
        name: scenario name.
        title: one-line title.
        description: what the policy is, for planners.
        evidence: what the settings rest on.
        path: the file it came from.
        target: the run summary (a key of ``model.outcomes.SUMMARIES``) the scenario is meant to move, or "".
        target_direction: "lower" or "higher" with a target, else "".
        warnings: one line per setting that is accepted but outside its parameter's plausible range.
        chain: names from the root ancestor to this scenario.
        overrides: flat ``{dotted name: value}`` after resolving ``extends`` (later files win).
        params: the validated parameters.
        staff: the staff snapshot the scenario names (``staff_snapshot``, inherited through ``extends``), or None;
            with one, ``service.n_posts`` is its number of posts (:mod:`scenarios.staff`).
        team_types: the service's team types (``[[team_types]]``, inherited through ``extends``; from the
            snapshot's ``team_type`` column when only the snapshot names them), or empty; without a snapshot,
            ``service.n_posts`` is the sum of their posts.
        team_type_titles: each team type's title.
    """

    name: str
    title: str
    description: str
    evidence: str
    path: Path
    chain: tuple[str, ...]
    target: str = ""
    target_direction: str = ""
    warnings: tuple[str, ...] = ()
    overrides: dict[str, Any] = field(default_factory=dict)
    params: Parameters = field(default_factory=Parameters)
    staff: StaffSnapshot | None = None
    team_types: tuple[TeamType, ...] = ()
    team_type_titles: dict[str, str] = field(default_factory=dict)

    @property
    def fixed_posts(self) -> str:
        """What fixes the scenario's posts, in words ("a staff snapshot (staff.csv, 40 posts)"), or "" if nothing
        does (then ``service.n_posts`` and ``--clinicians`` may set them)."""
        if self.staff is not None:
            return f"a staff snapshot ({self.staff.source}, {self.staff.n_posts} posts), whose rows are its posts"
        if self.team_types:
            return (f"team types ({', '.join(f'{t.name} {t.n_posts}' for t in self.team_types)} posts), whose posts "
                    "are its posts")
        return ""

    @property
    def service(self) -> Service:
        """The service's team types and staff snapshot, as the model takes them."""
        return Service(team_types=self.team_types, staff=self.staff)


def library_names(folder: Path = LIBRARY) -> list[str]:
    """Names of the scenario files in ``folder`` (the built-in library by default), sorted."""
    return sorted(p.stem for p in folder.glob("*.toml"))


def resolve_path(name_or_path: str | Path, folder: Path = LIBRARY) -> Path:
    """Path of a scenario given by library name or by file path.

    Raises:
        ScenarioError: no such file; the message lists the library's scenarios.
    """
    text = str(name_or_path)
    candidate = Path(text)
    if candidate.suffix == ".toml" or candidate.parent != Path("."):
        if candidate.is_file():
            return candidate
        if candidate.is_dir():
            raise ScenarioError(f"{candidate}: is a directory, not a scenario file")
        raise ScenarioError(f"{candidate}: no such scenario file")
    path = folder / f"{text}.toml"
    if path.is_file():
        return path
    close = difflib.get_close_matches(text, library_names(folder), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ScenarioError(f"unknown scenario '{text}'{hint} (available: {', '.join(library_names(folder))})")


def read_text(path: Path) -> str:
    """The text of a user's file: UTF-8, with or without a byte-order mark.

    Raises:
        OSError: the file cannot be read (missing, a directory, no permission).
        ValueError: the file is not UTF-8; the message names the first bad byte and its position.
    """
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory, not a file")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); "
                         "save it as UTF-8") from None


def read_file(path: Path) -> dict[str, Any]:
    """Parse one scenario file (no ``extends`` resolution, no parameter validation).

    Raises:
        ScenarioError: unreadable file, invalid TOML, or a malformed top-level key.
    """
    try:
        text = read_text(path)
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ScenarioError(f"{path}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: invalid TOML: {exc}") from None
    groups = set(Parameters.model_fields)
    problems = []
    for key, value in data.items():
        if key in TEXT_KEYS:
            if not isinstance(value, str):
                problems.append(f"'{key}' must be text, got {value!r}")
        elif key == "team_types":
            pass  # checked with the parameters in force (:mod:`scenarios.team_types`)
        elif key in groups:
            if not isinstance(value, Mapping):
                problems.append(f"'{key}' must be a table of parameters ([{key}]), got {value!r}")
        else:
            close = difflib.get_close_matches(key, [*TEXT_KEYS, *groups], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(f"unknown key '{key}'{hint} (allowed: {', '.join(TEXT_KEYS)}, team_types and the "
                            f"parameter groups {', '.join(sorted(groups))})")
    problems += _target_problems(data)
    if problems:
        raise ScenarioError(_join(path, problems))
    return data


def _target_problems(data: Mapping[str, Any]) -> list[str]:
    target, direction = data.get("target"), data.get("target_direction")
    if not isinstance(target, (str, type(None))) or not isinstance(direction, (str, type(None))):
        return []  # already reported as not text
    problems = []
    if target is not None and target not in SUMMARIES:
        close = difflib.get_close_matches(target, list(SUMMARIES), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.append(f"target = {target!r} is not a run summary{hint} (allowed: the run summaries "
                        "of docs/ODD.md section 10.1, e.g. mean_bo_mean, annual_turnover)")
    if direction is not None and direction not in TARGET_DIRECTIONS:
        problems.append(f"target_direction = {direction!r} is not allowed (allowed: {', '.join(TARGET_DIRECTIONS)})")
    if (target is None) != (direction is None):
        given, missing = ("target", "target_direction") if direction is None else ("target_direction", "target")
        problems.append(f"'{given}' needs '{missing}' as well")
    return problems


def load(name_or_path: str | Path, folder: Path = LIBRARY) -> Scenario:
    """Load a scenario by library name or path, resolving ``extends`` and validating the parameters.

    Args:
        name_or_path: a library name (``"baseline"``) or a path to a ``.toml`` file.
        folder: where ``extends`` names and bare names are looked up (the built-in library by default;
            a file outside it may extend library scenarios or siblings in its own folder).

    Returns:
        the resolved :class:`Scenario`.

    Raises:
        ScenarioError: missing file, invalid TOML, unknown key or parameter, value out of range, unknown or
            circular ``extends``; the message names the file and the key path.
    """
    path = resolve_path(name_or_path, folder)
    chain: list[tuple[Path, dict[str, Any]]] = []
    seen: list[str] = []
    current_path = path
    while True:
        key = str(current_path.resolve())
        if key in seen:
            names = [Path(s).stem for s in seen] + [current_path.stem]
            raise ScenarioError(f"{path}: circular 'extends': {' -> '.join(names)}")
        seen.append(key)
        data = read_file(current_path)
        chain.append((current_path, data))
        parent = data.get("extends")
        if parent is None:
            break
        try:
            current_path = _find_parent(parent, current_path, folder)
        except ScenarioError as exc:
            raise ScenarioError(f"{current_path}: extends = {parent!r}: {exc}") from None
    chain.reverse()  # root first
    overrides: dict[str, Any] = {}
    params = Parameters()
    params_of_file = []
    for file_path, data in chain:
        flat = {f"{g}.{k}": v for g, table in data.items() if g not in (*TEXT_KEYS, "team_types")
                for k, v in table.items()}
        overrides.update(flat)
        try:  # the settings so far, so an error points at the file that made them invalid
            params = Parameters().with_overrides(overrides)
        except ParameterError as exc:
            raise ScenarioError(_join(file_path, exc.problems)) from None
        params_of_file.append(params)
    typed = [(k, file_path, data["team_types"]) for k, (file_path, data) in enumerate(chain) if "team_types" in data]
    rows = None
    if typed:
        k, types_path, rows = typed[-1]
        types_params = params_of_file[k]
        if "service.n_posts" in overrides:
            setter = [p for p, data in chain if "n_posts" in data.get("service", {})][-1]
            where = "" if setter == types_path else f" (team_types in {types_path})"
            raise ScenarioError(f"{setter}: team_types and service.n_posts are both set{where}; the team types' "
                                "posts are the service's posts, so leave service.n_posts out")
    types, titles, warnings = (), {}, []
    if rows is not None:  # declared types first: the snapshot's caps and team types are checked against them
        pending = any("staff_snapshot" in data for _, data in chain)
        types, titles, warnings = _team_types_of(types_path, rows, types_params, None, pending)
    staff = _staff_of(chain, overrides, params, types)
    if rows is not None and staff is not None:  # now the posts of each type are the snapshot's
        types, titles, warnings = _team_types_of(types_path, rows, types_params, staff.posts_by_type())
    elif rows is None and staff is not None and staff.type_of_team:  # the snapshot's types, with the service-wide values
        types = tuple(TeamType(name, n, params.service.team_size_min, params.service.team_size_max)
                      for name, n in staff.posts_by_type().items())
        titles = {t.name: t.name for t in types}
    if staff is not None:
        params = params.with_overrides({"service.n_posts": staff.n_posts})
    elif types:
        params = params.with_overrides({"service.n_posts": sum(t.n_posts for t in types)})
    data = chain[-1][1]
    name = data.get("name", path.stem)
    if not SAFE_NAME.fullmatch(name):
        raise ScenarioError(f"{path}: name = {name!r} is not allowed: use letters, digits, '-', '_' and '.' "
                            "(it names files in results folders)")
    return Scenario(
        name=name, title=data.get("title", path.stem),
        description=data.get("description", "").strip(), evidence=data.get("evidence", "").strip(),
        path=path, chain=tuple(p.stem for p, _ in chain), overrides=overrides, params=params,
        target=data.get("target", ""), target_direction=data.get("target_direction", ""),
        warnings=tuple(range_warnings(overrides, path)) + tuple(warnings), staff=staff,
        team_types=types, team_type_titles=titles,
    )


def _team_types_of(path: Path, rows, params: Parameters, counted, snapshot_pending: bool = False):
    from .team_types import TeamTypeError, read_team_types

    try:
        types, titles, warnings = read_team_types(rows, params, counted, snapshot_pending=snapshot_pending)
    except TeamTypeError as exc:
        raise ScenarioError(f"{path}: {exc}") from None
    return types, titles, [f"{path}: {w}" for w in warnings]


def _staff_of(chain, overrides: Mapping[str, Any], params: Parameters, team_types=()) -> StaffSnapshot | None:
    """The snapshot named by the last file of the chain that names one (a path relative to that file)."""
    from .staff import StaffError, read_staff

    named = [(file_path, data["staff_snapshot"]) for file_path, data in chain if "staff_snapshot" in data]
    if not named:
        return None
    file_path, relative = named[-1]
    if "service.n_posts" in overrides:
        raise ScenarioError(f"{file_path}: staff_snapshot = {relative!r} and service.n_posts are both set; the "
                            "snapshot's rows are the posts, so leave service.n_posts out")
    try:
        return read_staff(file_path.parent / relative, params, team_types or None)
    except StaffError as exc:
        raise ScenarioError(f"{file_path}: staff_snapshot = {relative!r}: {exc}") from None


def range_warnings(overrides: Mapping[str, Any], path: Path | str) -> list[str]:
    """A line for each setting inside its parameter's accepted bounds but outside the plausible range."""
    out = []
    for key, value in overrides.items():
        spec = Parameters.spec(key)
        lo, hi = spec.range
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not lo <= value <= hi:
            out.append(f"{path}: {key} = {value!r} is outside the plausible range {lo:g}-{hi:g} ({spec.unit}); "
                       "it runs, but check the value")
    return out


def _find_parent(parent: str, child: Path, folder: Path) -> Path:
    """The file ``extends = parent`` names: a sibling of the child, else a library scenario; never a path, so the
    result does not depend on the working directory and never leaves those two folders."""
    name = parent[:-5] if parent.endswith(".toml") else parent
    if not SAFE_NAME.fullmatch(name) or name != Path(name).name:
        raise ScenarioError("must be a scenario name (a file next to this one, or a library scenario), not a path: "
                            "use letters, digits, '-', '_' and '.'")
    sibling = child.resolve().parent / f"{name}.toml"
    if sibling.is_file():
        return sibling
    return resolve_path(name, folder)


def _join(path: Path, problems: list[str]) -> str:
    if len(problems) == 1:
        return f"{path}: {problems[0]}"
    return f"{path}: {len(problems)} problems:\n  - " + "\n  - ".join(problems)

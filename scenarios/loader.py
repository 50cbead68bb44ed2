"""Load and validate scenario files.

A scenario file is TOML written for planners:

    name = "reflective-supervision"          # optional; defaults to the file name
    title = "Reflective supervision for everyone"
    description = "What the policy is, in words a planner uses."
    evidence = "What the settings rest on."
    kind = "policy"                           # "policy" (levers only), "context" (uncertainties only) or "service"
    extends = "baseline"                      # optional: start from another scenario, or from several in order:
                                              # extends = ["reflective-supervision", "mentoring"]
    target = "mean_sts_mean"                  # optional: the run summary the scenario is meant to move
    target_direction = "lower"                # with target: "lower" or "higher"

    [supervision]                             # one table per parameter group (see `resilience parameters`)
    sessions_per_month = 2.0
    coverage = 1.0

A **policy** is what the organisation decides (it sets only parameters tagged ``lever``); a **context** is what it
does not control (only ``uncertainty`` parameters: understaffing imposed by a freeze, the trauma mix, demand); a
**service** describes a service as it runs today and may set both (``baseline`` is one: the default policy and the
default context). A file without ``kind`` gets one from what it sets; a policy extends only services and policies,
a context only services and contexts. Group start weeks (``*.start_week``) are timing, allowed in either.
``currency = "GBP"`` (an ISO 4217 code) names the currency of the prices (``costs.*``); it is inherited.

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
TEXT_KEYS = ("name", "title", "description", "evidence", "kind", "target", "target_direction", "staff_snapshot",
             "currency")
#: keys that are not parameter groups
META_KEYS = (*TEXT_KEYS, "extends", "team_types")
TARGET_DIRECTIONS = ("lower", "higher")
#: what a scenario file is (see the module docstring)
KINDS = ("policy", "context", "service")
#: the parameter tag each kind may set (a service may set any)
KIND_TAG = {"policy": "lever", "context": "uncertainty"}
CURRENCY = re.compile(r"[A-Z]{3}")


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
        kind: "policy", "context" or "service".
        own: the settings of the policy and context files of the chain (none of its service files'): what
            this scenario adds to whatever service or context it is applied in (:func:`compose`).
        currency: the ISO 4217 code of the prices (``currency``, inherited), or "" when no file names one.
        service_path: the last service file of the chain (the service a policy or context is written for), or
            None when the chain has none (the defaults).
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
    kind: str = "service"
    own: dict[str, Any] = field(default_factory=dict)
    currency: str = ""
    service_path: Path | None = None

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
            elif key == "kind" and value not in KINDS:
                problems.append(f"kind = {value!r} is not allowed (allowed: {', '.join(KINDS)})")
            elif key == "currency" and not CURRENCY.fullmatch(value):
                problems.append(f"currency = {value!r} is not allowed (allowed: an ISO 4217 code of three capital "
                                "letters, e.g. GBP, USD, EUR)")
        elif key == "extends":
            if not (isinstance(value, str) or (isinstance(value, list) and value
                                               and all(isinstance(v, str) for v in value))):
                problems.append(f"'extends' must be a scenario name or a non-empty list of names, got {value!r}")
        elif key == "team_types":
            pass  # checked with the parameters in force (:mod:`scenarios.team_types`)
        elif key in groups:
            if not isinstance(value, Mapping):
                problems.append(f"'{key}' must be a table of parameters ([{key}]), got {value!r}")
        else:
            close = difflib.get_close_matches(key, [*META_KEYS, *groups], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(f"unknown key '{key}'{hint} (allowed: {', '.join(TEXT_KEYS)}, extends, team_types and "
                            f"the parameter groups {', '.join(sorted(groups))})")
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
    files = _linearise(path, folder, [])
    chain = [(f.path, f.data) for f in files]
    overrides: dict[str, Any] = {}
    params = Parameters()
    params_of_file = []
    for file_path, data in chain:
        overrides.update(_settings(data))
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
    own = {k: v for f in files if f.kind != "service" for k, v in _settings(f.data).items()}
    currency = next((d["currency"] for _, d in reversed(chain) if "currency" in d), "")
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
        team_types=types, team_type_titles=titles, kind=files[-1].kind, own=own, currency=currency,
        service_path=next((f.path for f in reversed(files) if f.kind == "service"), None),
    )


@dataclass(frozen=True)
class _File:
    path: Path
    data: dict[str, Any]
    kind: str


def _settings(data: Mapping[str, Any]) -> dict[str, Any]:
    """The parameter settings of one file, by dotted name."""
    return {f"{g}.{k}": v for g, table in data.items() if g not in META_KEYS for k, v in table.items()}


def _parents(data: Mapping[str, Any]) -> list[str]:
    parents = data.get("extends", [])
    return [parents] if isinstance(parents, str) else list(parents)


def _linearise(path: Path, folder: Path, stack: list[Path]) -> list[_File]:
    """The files a scenario is built from, each once, in the order their settings apply (parents in the order
    ``extends`` lists them, each after its own parents; the file itself last), with each file's kind checked.

    Raises:
        ScenarioError: circular or unknown ``extends``, parents that set the same parameter to different values
            (unless this file sets it), or a file whose settings or parents do not fit its kind.
    """
    here = path.resolve()
    if here in stack:
        names = [p.stem for p in stack[stack.index(here):]] + [path.stem]
        raise ScenarioError(f"{stack[0]}: circular 'extends': {' -> '.join(names)}")
    data = read_file(path)
    out: list[_File] = []
    parents: list[tuple[str, list[_File]]] = []
    for parent in _parents(data):
        try:
            parent_path = _find_parent(parent, path, folder)
        except ScenarioError as exc:
            raise ScenarioError(f"{path}: extends = {parent!r}: {exc}") from None
        files = _linearise(parent_path, folder, [*stack, here])
        parents.append((parent, files))
        seen = {f.path.resolve() for f in out}
        out += [f for f in files if f.path.resolve() not in seen]
    own = _settings(data)
    _check_parent_conflicts(path, parents, own)
    kind = _kind_of(path, data, own, [(name, files[-1].kind) for name, files in parents])
    return [*out, _File(path, data, kind)]


def _check_parent_conflicts(path: Path, parents, own: Mapping[str, Any]) -> None:
    """Two parents that set one parameter differently are an ambiguity the file must settle itself.

    Only what each parent adds counts: a parent that another parent already extends is refined by it, and the
    files all parents share (a common ancestor such as the service) are no disagreement.
    """
    chains = [(name, files, {f.path.resolve() for f in files}) for name, files in parents]
    kept = [(name, files, paths) for name, files, paths in chains
            if not any(paths < other for _, _, other in chains)]  # a strict ancestor of another parent
    common = set.intersection(*(paths for _, _, paths in kept)) if kept else set()
    setters: dict[str, tuple[str, Any]] = {}
    for name, files, _ in kept:
        values: dict[str, Any] = {}
        for f in files:
            if f.path.resolve() not in common:
                values.update(_settings(f.data))
        for key, value in values.items():
            if key in own or key.endswith(".start_week") and value == 0:  # 0: the default start week
                continue
            if key in setters and setters[key][1] != value:
                first, v = setters[key]
                raise ScenarioError(f"{path}: extends {first!r} and {name!r}, which set {key} to {v!r} and "
                                    f"{value!r}; set {key} in this file to say which applies")
            setters.setdefault(key, (name, value))


def _kind_of(path: Path, data: Mapping[str, Any], own: Mapping[str, Any], parents: list[tuple[str, str]]) -> str:
    """The file's kind: declared (and checked against its settings and parents) or inferred from them."""
    declared = data.get("kind")
    describes_service = "team_types" in data or "staff_snapshot" in data
    by_tag: dict[str, list[str]] = {"lever": [], "uncertainty": []}
    known = set(Parameters.names())  # unknown names are reported with the file's other problems, later
    for key in own:
        if key in known and not key.endswith(".start_week"):  # timing: allowed in either kind
            by_tag[Parameters.spec(key).tag].append(key)
    if declared is None:
        # a file with nothing to extend and nothing of its own is a service (the defaults), as is one describing
        # team types or staff, or a root file that sets both kinds
        root_service = not parents and (not own or (by_tag["lever"] and by_tag["uncertainty"]))
        if root_service or describes_service or (by_tag["lever"] and by_tag["uncertainty"]):
            if not root_service and not describes_service:
                raise ScenarioError(
                    f"{path}: sets levers ({', '.join(by_tag['lever'])}) and uncertainties "
                    f"({', '.join(by_tag['uncertainty'])}): a policy sets only levers (what the organisation "
                    "decides) and a context only uncertainties (what it does not control); split the file in two, "
                    "or declare kind = \"service\" if it describes a service as it runs today")
            return "service"
        if by_tag["uncertainty"]:
            declared_kind = "context"
        elif by_tag["lever"]:
            declared_kind = "policy"
        else:  # sets nothing of its own: what it extends
            declared_kind = next((k for _, k in parents if k != "service"), "policy")
        kind = declared_kind
    else:
        kind = declared
    if kind in KIND_TAG:
        other = "uncertainty" if KIND_TAG[kind] == "lever" else "lever"
        if by_tag[other]:
            what = ("levers only (what the organisation decides); what it does not control belongs in a context "
                    "file (kind = \"context\")" if kind == "policy" else
                    "uncertainties only (what the organisation does not control); what it decides belongs in a "
                    "policy file (kind = \"policy\")")
            raise ScenarioError(f"{path}: kind = {kind!r} but it sets the {other} parameter"
                                f"{'s' if len(by_tag[other]) > 1 else ''} {', '.join(by_tag[other])}: a {kind} "
                                f"sets {what} (see `resilience parameters --tag {KIND_TAG[kind]}`)")
        if describes_service:
            raise ScenarioError(f"{path}: kind = {kind!r} but it describes a service (team_types or "
                                "staff_snapshot); declare kind = \"service\"")
        wrong = [name for name, k in parents if k not in ("service", kind)]
        if wrong:
            plural = {"policy": "policies", "context": "contexts"}[kind]
            raise ScenarioError(f"{path}: a {kind} extends only services and {plural}, but {wrong[0]!r} is a "
                                f"{dict(parents)[wrong[0]]}")
    return kind


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

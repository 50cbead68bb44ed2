"""Scenario files in and out of the dashboard: the policy as set downloads as a file that extends the library
policy, and a dropped file loads back if it is a policy built on one."""

from __future__ import annotations

import json

from model import Parameters
from scenarios import load

from .session import policies


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string
    return repr(value)


def scenario_text(policy: str, overrides: dict) -> str:
    """A scenario file of the policy with the levers (and start weeks) as set: it extends the library policy
    (download it, edit it, run it with `resilience compare`)."""
    base = load(policy)
    lines = [f"title = {json.dumps(base.title + ' (as set in the dashboard)')}", 'kind = "policy"',
             f'extends = "{policy}"']
    groups: dict[str, dict] = {}
    for name, value in sorted(overrides.items()):
        group, key = name.split(".", 1)
        groups.setdefault(group, {})[key] = value
    for group, values in groups.items():
        lines += ["", f"[{group}]", *(f"{k} = {_toml_value(v)}" for k, v in values.items())]
    return "\n".join(lines) + "\n"


def read_uploaded(name: str, data: bytes) -> tuple[str, dict]:
    """The library policy and the settings beyond it of an uploaded scenario file (one written by :func:`scenario_text`,
    or any policy extending a library policy).

    Raises:
        ScenarioError: the file is not a valid scenario, not a policy, or not built on a library policy; the
            message names the file and what is wrong, as the command line does.
    """
    import tempfile
    from pathlib import Path

    from scenarios import ScenarioError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).name if name.endswith(".toml") else "uploaded.toml")
        path.write_bytes(data)
        shown = path.name
        try:
            sc = load(path)
        except ScenarioError as exc:  # name the file as the user knows it, not the temporary copy
            raise ScenarioError(str(exc).replace(str(path), shown)) from None
    if sc.kind != "policy":
        raise ScenarioError(f"{shown}: kind {sc.kind!r}: the dashboard compares policies (levers only)")
    offered = policies()
    library = [n for n in sc.chain[:-1] if n in offered]
    if not library:
        raise ScenarioError(f"{shown}: extends no library policy (allowed: {', '.join(offered)})")
    own = load(library[-1]).own
    return library[-1], {k: v for k, v in sc.own.items() if own.get(k, Parameters.spec(k).default) != v}


"""JSON schema of scenario files, generated from ``model.Parameters`` (for editors and external validators).

Regenerate with ``resilience scenarios schema --write`` (a test fails when the stored file is out of date).
Editors that understand JSON schema for TOML (e.g. Taplo / Even Better TOML) pick it up from a first line
``#:schema ./scenario.schema.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from model import Parameters
from model.outcomes import SUMMARIES

from .loader import CURRENCY, KINDS, LIBRARY, SAFE_NAME, TARGET_DIRECTIONS
from .team_types import OWN_VALUES

SCHEMA_PATH = LIBRARY / "scenario.schema.json"


def scenario_schema() -> dict[str, Any]:
    """The JSON schema of a scenario file: text keys plus one optional table per parameter group."""
    base = Parameters.model_json_schema()
    props: dict[str, Any] = {
        "name": {"type": "string", "description": "Scenario name (defaults to the file name)."},
        "title": {"type": "string", "description": "One-line title."},
        "description": {"type": "string", "description": "What the policy is, for planners."},
        "evidence": {"type": "string", "description": "What the settings rest on."},
        "kind": {"type": "string", "enum": list(KINDS),
                 "description": "policy: sets levers only; context: sets uncertainties only; service: describes a "
                                "service as it runs today (default: inferred from what the file sets)."},
        "extends": {"oneOf": [{"type": "string"}, {"type": "array", "minItems": 1, "items": {"type": "string"}}],
                    "description": "Name of the scenario this one starts from, or a list of names applied in "
                                   "order (their settings must not disagree)."},
        "currency": {"type": "string", "pattern": f"^{CURRENCY.pattern}$",
                     "description": "ISO 4217 code of the prices (costs.*), e.g. GBP; inherited."},
        "target": {"type": "string", "enum": sorted(SUMMARIES),
                   "description": "The run summary the scenario is meant to move (with target_direction)."},
        "target_direction": {"type": "string", "enum": list(TARGET_DIRECTIONS),
                             "description": "Which way the target should move against the baseline."},
        "staff_snapshot": {"type": "string",
                           "description": "A staff snapshot file (CSV or Parquet, one row per post; a path relative "
                                          "to the scenario file) imposed at week 0; its rows are the posts."},
        "team_types": _team_types_schema(),
    }
    for group, spec in base["properties"].items():
        ref = spec.get("$ref") or spec.get("allOf", [{}])[0].get("$ref")
        props[group] = {"$ref": ref, "description": spec.get("description", f"Parameters of {group}.")}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Workforce resilience scenario",
        "type": "object",
        "additionalProperties": False,
        "properties": props,
        "$defs": base.get("$defs", {}),
    }


def _team_types_schema() -> dict[str, Any]:
    own = {}
    for key, dotted in OWN_VALUES.items():
        spec = Parameters.spec(dotted)
        lo, hi = spec.bounds
        own[key] = {"type": "integer" if spec.type is int else "number", "minimum": lo, "maximum": hi,
                    "description": f"The type's own {dotted} ({spec.unit}; plausible {spec.range[0]:g}-"
                                   f"{spec.range[1]:g}); default: the service-wide value."}
    return {"type": "array", "minItems": 1,
            "description": "The service's team types; their posts are the service's posts (docs/ODD.md 7.1.8).",
            "items": {"type": "object", "additionalProperties": False, "required": ["name"],
                      "properties": {"name": {"type": "string", "pattern": f"^{SAFE_NAME.pattern}$",
                                              "description": "The team type's name."},
                                     "title": {"type": "string", "description": "A longer name for reports."},
                                     "posts": {"type": "integer", "minimum": 1,
                                               "description": "Budgeted posts (with a staff snapshot: the "
                                                              "snapshot's count, may be left out)."},
                                     **own}}}


def render() -> str:
    """The schema as stored on disk."""
    return json.dumps(scenario_schema(), indent=2, sort_keys=True) + "\n"


def write(path: Path = SCHEMA_PATH) -> Path:
    """Write the schema file and return its path."""
    path.write_text(render(), encoding="utf-8")
    return path

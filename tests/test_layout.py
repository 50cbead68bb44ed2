"""Project layout rules: one-way imports, documentation in step with the code."""

from __future__ import annotations

import ast
import pathlib
import sys

import pytest

from model import Parameters
from model.parameters import markdown_table

ROOT = pathlib.Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "model").glob("*.py")), ids=lambda p: p.name)
def test_model_never_imports_higher_layers(path):
    assert not _imports(path) & {"scenarios", "experiments"}


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.py")), ids=lambda p: p.name)
def test_scenarios_never_import_experiments(path):
    assert "experiments" not in _imports(path)


def test_every_parameter_is_in_the_odd():
    text = ODD.read_text(encoding="utf-8")
    missing = [name for name in Parameters.names() if f"`{name}`" not in text]
    assert missing == []


def test_odd_parameter_table_is_current():
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        from build_parameter_table import BEGIN, END
    finally:
        sys.path.pop(0)
    text = ODD.read_text(encoding="utf-8")
    table = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert table.strip() == markdown_table().strip(), "run: python docs/build_parameter_table.py"


def test_odd_lists_the_step_order():
    from model.workforce import WorkforceModel

    text = ODD.read_text(encoding="utf-8")
    steps = [line.split(":")[0].strip() for line in WorkforceModel.step.__doc__.splitlines()
             if line.strip()[:2] in {f"{i}." for i in range(1, 10)}]
    assert len(steps) == 7
    positions = [text.find(s.split(". ", 1)[1]) for s in steps]
    assert all(p >= 0 for p in positions), steps


def test_scenario_schema_is_current():
    from scenarios.schema import SCHEMA_PATH, render

    assert SCHEMA_PATH.read_text(encoding="utf-8") == render(), "run: resilience scenarios schema --write"


def test_scenario_schema_accepts_the_library_and_rejects_typos():
    import json
    import tomllib

    import jsonschema

    from scenarios import LIBRARY, library_names
    from scenarios.schema import scenario_schema

    schema = scenario_schema()
    for name in library_names():
        jsonschema.validate(tomllib.loads((LIBRARY / f"{name}.toml").read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"supervision": {"sesions_per_month": 2}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"supervision": {"sessions_per_month": 20}}, schema)
    assert json.dumps(schema)  # serialisable

"""Project layout rules: one-way imports, documentation in step with the code."""

from __future__ import annotations

import ast
import pathlib
import re
import sys

import pytest

from model import Parameters, programmes
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


def _build_tables():
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import build_tables
    finally:
        sys.path.pop(0)
    return build_tables


def _section(text: str, start: str, end: str) -> str:
    """The part of ``text`` from the line starting with ``start`` to the next line starting with ``end``."""
    head = text.index("\n" + start) + 1
    return text[head:text.index("\n" + end, head)]


def test_odd_programme_table_is_current():
    text = ODD.read_text(encoding="utf-8")
    table = _build_tables().current(text, "PROGRAMMES")
    assert table.strip() == programmes.markdown_table().strip(), "run: python docs/build_tables.py"


def test_odd_describes_every_programme_and_hook():
    """Section 7.7 lists the hooks of ``base.HOOKS`` in order, and every registered programme has a subsection
    naming its module; section 7.8 names every cost component."""
    text = ODD.read_text(encoding="utf-8")
    s77 = _section(text, "### 7.7 ", "### 7.8 ")
    hook_rows = [line.split("|")[1].strip() for line in s77.splitlines() if line.startswith("| `")]
    assert [row.strip("`").split("(")[0] for row in hook_rows] == list(programmes.HOOKS)
    modules = {prog.name: prog.__module__.rsplit(".", 1)[1] + ".py" for prog in programmes.PROGRAMMES}
    missing = [name for name, module in modules.items() if f"`{module}`" not in s77]
    assert missing == []
    s78 = _section(text, "### 7.8 ", "### 7.9 ")
    assert [c for c in programmes.COST_COMPONENTS if f"| `{c}` |" not in s78] == []


def _numbered(lines) -> list[str]:
    """Headings of a numbered list: ``"2. Clients"`` from ``"2. Clients (`_clients`): ..."``."""
    return [re.split(r"[:(]", line.strip(), maxsplit=1)[0].strip() for line in lines if re.match(r"\s*\d+\. ", line)]


def test_odd_lists_the_step_order():
    """Section 3's numbered list has the phases of ``step()``'s docstring, by name and in order."""
    from model.workforce import WorkforceModel

    steps = _numbered(WorkforceModel.step.__doc__.splitlines())
    assert len(steps) == 8, steps
    section = _section(ODD.read_text(encoding="utf-8"), "## 3. ", "## 4. ")
    assert _numbered(section.splitlines()) == steps


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


@pytest.mark.parametrize("block", ["VALIDATION", "EFFECTS", "CALIBRATED"])
def test_odd_validation_tables_are_current(block):
    text = ODD.read_text(encoding="utf-8")
    bt = _build_tables()
    assert bt.current(text, block).strip() == bt.BLOCKS[block]().strip(), "run: python docs/build_tables.py"


def test_stored_validation_is_of_the_current_defaults_scenarios_and_targets():
    import json

    from experiments import validation

    stored = json.loads((ROOT / "docs" / "validation" / "settings.json").read_text(encoding="utf-8"))
    assert stored["effects"] is True
    assert stored["fingerprint"] == validation.fingerprint(), (
        "a default, a scenario file or a target changed since docs/validation/ was written: run make validation-docs")


def test_stored_calibrated_validation_is_of_the_current_defaults_and_targets():
    import json

    import pandas as pd

    from experiments import ensemble, validation

    folder = ROOT / "docs" / "validation" / "calibrated"
    stored = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
    assert stored["effects"] is True and stored["ensemble"]
    assert stored["fingerprint"] == validation.fingerprint(), (
        "a default, a scenario file or a target changed since docs/validation/calibrated/ was written: run make calibrated-defaults")
    # the stored ensemble is a valid one, and the posterior table describes it
    table = ensemble.read_ensemble(folder / "ensemble.parquet")
    post = pd.read_csv(folder / "posterior.csv")
    assert sorted(post["parameter"]) == sorted(c for c in table.columns if c != "weight")

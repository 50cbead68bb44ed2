"""Regenerate the generated tables in docs/ODD.md: programmes (section 7.7), parameters (section 8), the validation
(section 9, from the stored run in docs/validation/, written by `make validation-docs`) and outcomes (section 10).

Run:  python docs/build_tables.py
Each table sits between a pair of markers, ``<!-- <NAME>:BEGIN -->`` and ``<!-- <NAME>:END -->``; tests fail
when one is out of date (tests/test_layout.py for the programmes and the parameters, tests/test_outcomes.py for
the outcomes).
"""

from __future__ import annotations

import pathlib
import sys
from collections.abc import Callable

import json

import pandas as pd

from experiments import validation
from model import outcomes, parameters, programmes

ODD = pathlib.Path(__file__).with_name("ODD.md")
#: the stored validation run section 9 is generated from
VALIDATION = pathlib.Path(__file__).with_name("validation")


def _settings() -> dict:
    return json.loads((VALIDATION / "settings.json").read_text(encoding="utf-8"))


def validation_patterns() -> str:
    """Section 9: how the stored validation was run, its verdicts, and each pattern."""
    s = _settings()
    table = pd.read_csv(VALIDATION / "patterns.csv", keep_default_na=False, na_values=[""])
    counts = table["verdict"].value_counts()
    head = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("meets", "near", "misses"))
    return (f"`resilience validate --replicates {s['replicates']} --clinicians {s['clinicians']} --weeks {s['weeks']}"
            f" --burn-in {s['burn_in_weeks']} --seed {s['seed']}` (`make validation-docs`): **{head}** of "
            f"{len(table)} patterns.\n\n" + validation.patterns_markdown(table))


def validation_effects() -> str:
    """Section 9: each library scenario against the baseline, from the stored validation."""
    eff = pd.read_csv(VALIDATION / "effects.csv", keep_default_na=False, na_values=[""])
    eff["is_target"] = eff["is_target"].astype(str) == "True"
    eff["moves_target"] = eff["moves_target"].map({"True": True, "False": False, True: True, False: False})
    eff["target_direction"] = eff["target_direction"].fillna("")
    return validation.effects_markdown(eff, _settings()["weeks"])

#: block name -> generator of its Markdown
BLOCKS: dict[str, Callable[[], str]] = {
    "PROGRAMMES": programmes.markdown_table,
    "PARAMETERS": parameters.markdown_table,
    "OUTCOMES": outcomes.markdown_table,
    "VALIDATION": validation_patterns,
    "EFFECTS": validation_effects,
}


def markers(block: str) -> tuple[str, str]:
    """The begin and end markers of a generated block."""
    return f"<!-- {block}:BEGIN -->", f"<!-- {block}:END -->"


def current(text: str, block: str) -> str:
    """The content of ``block`` in ``text`` as it stands (what a sync test compares with the generator)."""
    begin, end = markers(block)
    head, sep, rest = text.partition(begin)
    if not sep or end not in rest:
        raise SystemExit(f"{ODD}: markers {begin} / {end} not found")
    return rest.partition(end)[0]


def render(text: str, blocks: list[str] | None = None) -> str:
    """Return ``text`` with each block (default: all of :data:`BLOCKS`) replaced by its generated content."""
    for block in blocks or list(BLOCKS):
        begin, end = markers(block)
        old = current(text, block)
        # the content starts on the line after the marker, as a Markdown table must
        text = text.replace(f"{begin}{old}{end}", f"{begin}\n{BLOCKS[block]()}{end}", 1)
    return text


def main() -> int:
    text = ODD.read_text(encoding="utf-8")
    new = render(text)
    if new != text:
        ODD.write_text(new, encoding="utf-8")
        print(f"updated {ODD}")
    else:
        print(f"{ODD} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())

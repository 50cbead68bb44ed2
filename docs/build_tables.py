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
#: the stored calibration of the defaults to the published targets, and the validation over its ensemble
CALIBRATED = VALIDATION / "calibrated"


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

def validation_calibrated() -> str:
    """Section 9: the defaults calibrated to the published targets, and the validation over that ensemble."""
    s = json.loads((CALIBRATED / "settings.json").read_text(encoding="utf-8"))
    post = pd.read_csv(CALIBRATED / "posterior.csv")
    gens = pd.read_csv(CALIBRATED / "generations.csv")
    over = pd.read_csv(CALIBRATED / "patterns.csv", keep_default_na=False, na_values=[""])
    points = pd.read_csv(VALIDATION / "patterns.csv", keep_default_na=False, na_values=[""]).set_index("pattern")
    counts = over["verdict"].value_counts()
    head = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("meets", "near", "misses"))
    last = gens.iloc[-1]
    lines = [f"`resilience calibrate published-targets` (`make calibrated-defaults`): {len(gens)} generations, "
             f"{int(gens['simulations'].sum()):,} simulations, final tolerance {last['epsilon']:.2f} (RMS of the "
             f"standardised differences), effective sample size {last['effective_sample_size']:.0f} of {int(last['accepted'])}. "
             f"Validated over that ensemble (`resilience validate --ensemble`, {s['replicates']} replicates, one "
             f"weighted draw each, {s['clinicians']} posts, {s['weeks']} weeks): **{head}** of {len(over)} patterns.",
             "", "| parameter | default | prior (plausible range) | posterior 5% | 50% | 95% | default inside |",
             "|---|---|---|---|---|---|---|"]
    for r in post.itertuples():
        inside = "yes" if r.q05 <= r.default <= r.q95 else "no"
        lines.append(f"| `{r.parameter}` | {r.default:.4g} | {r.prior_low:.4g}–{r.prior_high:.4g} | {r.q05:.4g} | "
                     f"{r.q50:.4g} | {r.q95:.4g} | {inside} |")
    lines += ["", "| pattern | published | defaults: simulated (verdict) | ensemble: simulated [95% interval] (verdict) |",
              "|---|---|---|---|"]
    for r in over.itertuples():
        p = points.loc[r.pattern] if r.pattern in points.index else None
        at_defaults = f"{validation._fmt(p['simulated'])} ({p['verdict']})" if p is not None else "–"
        lines.append(f"| {r.title} | {validation._fmt(r.published_low)} to {validation._fmt(r.published_high)} "
                     f"{r.unit} | {at_defaults} | {validation._fmt(r.simulated)} [{validation._fmt(r.ci_low)}, "
                     f"{validation._fmt(r.ci_high)}] ({r.verdict}) |")
    return "\n".join(lines) + "\n"


#: block name -> generator of its Markdown
BLOCKS: dict[str, Callable[[], str]] = {
    "PROGRAMMES": programmes.markdown_table,
    "PARAMETERS": parameters.markdown_table,
    "OUTCOMES": outcomes.markdown_table,
    "VALIDATION": validation_patterns,
    "EFFECTS": validation_effects,
    "CALIBRATED": validation_calibrated,
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

"""Regenerate the parameter table in docs/ODD.md from model.Parameters.

Run:  python docs/build_parameter_table.py
The table sits between the markers ``<!-- PARAMETERS:BEGIN -->`` and ``<!-- PARAMETERS:END -->``; a test
fails when it is out of date.
"""

from __future__ import annotations

import pathlib
import sys

from model.parameters import markdown_table

BEGIN, END = "<!-- PARAMETERS:BEGIN -->", "<!-- PARAMETERS:END -->"
ODD = pathlib.Path(__file__).with_name("ODD.md")


def render(text: str) -> str:
    """Return ``text`` with the block between the markers replaced by the current table."""
    head, sep, rest = text.partition(BEGIN)
    if not sep or END not in rest:
        raise SystemExit(f"{ODD}: markers {BEGIN} / {END} not found")
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{markdown_table()}{END}{tail}"


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

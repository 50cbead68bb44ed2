"""Regenerate the parameter table in docs/ODD.md from model.Parameters (kept for its command and markers).

Run:  python docs/build_parameter_table.py   (or docs/build_tables.py, which also regenerates the outcomes)
The table sits between the markers ``<!-- PARAMETERS:BEGIN -->`` and ``<!-- PARAMETERS:END -->``; a test
fails when it is out of date.
"""

from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))  # build_tables sits beside this script, not on a path

import build_tables  # noqa: E402

BEGIN, END = build_tables.markers("PARAMETERS")
ODD = build_tables.ODD


def render(text: str) -> str:
    """Return ``text`` with the block between the markers replaced by the current table."""
    return build_tables.render(text, ["PARAMETERS"])


def main() -> int:
    return build_tables.main()


if __name__ == "__main__":
    sys.exit(main())

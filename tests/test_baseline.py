"""Baseline regression: a fixed-seed run reproduces the stored figures (refresh with tests/baseline/refresh.py)."""

from __future__ import annotations

import json
import pathlib

import pytest

from .baseline.refresh import run_baseline

STORED = json.loads((pathlib.Path(__file__).parent / "baseline" / "baseline.json").read_text())


@pytest.fixture(scope="module")
def fresh():
    return run_baseline()


@pytest.mark.parametrize("name", sorted(STORED["figures"]))
def test_baseline_figure(fresh, name):
    assert fresh[name] == pytest.approx(STORED["figures"][name], rel=STORED["rel_tol"], abs=1e-12), (
        f"{name} moved from the stored baseline; if the change is intended, run tests/baseline/refresh.py "
        "and explain why in the commit message"
    )

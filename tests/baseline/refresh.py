"""Refresh the baseline-regression figures (tests/baseline/baseline.json).

Run only on purpose, after a deliberate change of the model's behaviour:

    python tests/baseline/refresh.py

and say in the commit message why the baseline moved. ``tests/test_baseline.py`` compares a fresh run with
these figures.
"""

from __future__ import annotations

import json
import pathlib
import subprocess

import numpy as np

from model import simulate

HERE = pathlib.Path(__file__).parent
RUN = {"seed": 2026, "weeks": 104, "burn_in_weeks": 52, "overrides": {"service.n_posts": 200}}
FIGURES = ("proqol_cs_raw_mean", "proqol_bo_raw_mean", "proqol_sts_raw_mean", "mean_bo_mean", "mean_sts_mean",
           "mean_cs_mean", "mean_se_mean", "annual_turnover", "cum_departures", "cum_recoveries",
           "n_waitlist_mean", "caseload_per_clinician_mean", "prop_high_bo_mean", "cum_leave_starts")
#: relative tolerance: the run is deterministic, so only floating-point noise across platforms is allowed
REL_TOL = 1e-9


def run_baseline() -> dict[str, float]:
    """The figures of the reference run."""
    r = simulate(RUN["overrides"], seed=RUN["seed"], weeks=RUN["weeks"], burn_in_weeks=RUN["burn_in_weeks"])
    return {k: float(r.summary[k]) for k in FIGURES}


def main() -> None:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                check=False).stdout.strip()
    except OSError:
        commit = "unknown"
    data = {"run": RUN, "rel_tol": REL_TOL, "numpy": np.__version__, "refreshed_at_commit": commit,
            "figures": run_baseline()}
    (HERE / "baseline.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(data["figures"], indent=2))


if __name__ == "__main__":
    main()

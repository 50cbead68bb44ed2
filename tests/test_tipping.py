"""Tipping points of the staffing loop: the model driven mid-run, the sweep's analysis on hand-made tables, and a
small sweep end to end."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.cli import main
from experiments.errors import ExperimentError
from experiments.runner import SerialExecutor
from experiments.tipping import TIPPING_OUTCOMES, analyse, sweep, write
from model import Parameters, WorkforceModel

SMALL = {"service.n_posts": 40}


def _weekly(m: WorkforceModel, weeks: int) -> pd.DataFrame:
    out = []
    for _ in range(weeks):
        m.step()
        out.append(dict(m.metrics))
    return pd.DataFrame(out)


def test_applying_the_same_parameters_changes_nothing():
    p = Parameters().with_overrides(SMALL)
    a = WorkforceModel(p, rng=2, burn_in_weeks=10)
    b = WorkforceModel(p, rng=2, burn_in_weeks=10)
    first = _weekly(a, 5), _weekly(b, 5)
    b.apply(p)
    assert first[0].equals(first[1]) and _weekly(a, 10).equals(_weekly(b, 10))  # NaN (no survey) equals NaN


def test_a_freeze_applied_mid_run_empties_posts_from_then_on():
    p = Parameters().with_overrides(SMALL)
    a = WorkforceModel(p, rng=2, burn_in_weeks=10)
    b = WorkforceModel(p, rng=2, burn_in_weeks=10)
    assert _weekly(a, 4).equals(_weekly(b, 4))
    b.apply(p.with_overrides({"hiring.frozen_share": 0.4}))
    vac_a, vac_b = _weekly(a, 52)["prop_vacant"], _weekly(b, 52)["prop_vacant"]
    # no post is refilled while fewer than 60% are filled: departures accumulate as vacancies
    assert vac_b.iloc[-10:].mean() > vac_a.iloc[-10:].mean() + 0.1 and (vac_b.diff().iloc[1:] >= -0.03).all()


def test_the_service_cannot_change_mid_run():
    p = Parameters().with_overrides(SMALL)
    m = WorkforceModel(p, rng=2, burn_in_weeks=2)
    with pytest.raises(ValueError, match=r"service.n_posts cannot change during a run \(from 40 to 50\)"):
        m.apply(p.with_overrides({"service.n_posts": 50}))


def _table(up: list[float], down: list[float], levels=(0.0, 0.1, 0.2, 0.3), noise=0.001) -> pd.DataFrame:
    """Two replicates; ``up`` at each level on the way up, ``down`` at each level below the top on the way down
    (in visiting order, highest first)."""
    rows = []
    path = list(levels) + list(levels[-2::-1])
    values = up + down
    for r in range(2):
        for step, (level, v) in enumerate(zip(path, values)):
            row = {"replicate": r, "step": step, "level": level, "branch": "up" if step < len(levels) else "down",
                   **{k: 0.0 for k in TIPPING_OUTCOMES}, "annual_turnover": 0.3}
            row["mean_bo"] = v + noise * (r - 0.5) * (1 + step % 3)
            rows.append(row)
    return pd.DataFrame(rows)


def test_a_step_in_burnout_is_a_tipping_point_and_a_lagging_return_is_hysteresis():
    # up: flat, then a jump between 0.1 and 0.2; down (from 0.2 to 0): stays high, and at 0 it is still high
    t = _table([0.30, 0.31, 0.45, 0.47], [0.46, 0.44, 0.40])
    res = analyse(t, "hiring.frozen_share")
    assert res.sentences[0].startswith("The loop tips between hiring.frozen_share = 0.1 and 0.2")
    h = res.hysteresis.set_index("level")
    assert h.loc[0.1, "differs"] and h.loc[0.1, "diff"] == pytest.approx(0.44 - 0.31, abs=0.01)
    assert "Hysteresis" in res.sentences[1] and "does not come back" in res.sentences[2]


def test_unevenly_spaced_levels_do_not_make_a_wide_gap_a_tip():
    # linear in the level (slope 0.1 per unit), at levels 0, 0.1, 0.2, 0.8: the last rise is big only because
    # its gap is
    levels = (0.0, 0.1, 0.2, 0.8)
    up = [0.30 + 0.1 * v for v in levels]
    t = _table(up, [up[2], up[1], up[0]], levels=levels, noise=0.0)
    assert analyse(t, "hiring.frozen_share").sentences[0].startswith("No tipping point")


def test_a_smooth_reversible_response_has_no_tipping_point_and_comes_back():
    t = _table([0.30, 0.32, 0.34, 0.36], [0.34, 0.32, 0.30])
    res = analyse(t, "hiring.frozen_share")
    assert res.sentences[0].startswith("No tipping point") and res.sentences[1].startswith("No hysteresis")
    assert "not detectably different from the start" in res.sentences[2] and not res.hysteresis["differs"].any()


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(parameter="supervision.coverage"), "--parameter 'supervision.coverage' is not allowed"),
    (dict(levels=[0.0, 0.2, 0.1]), "give at least three ascending levels"),
    (dict(levels=[0.0, 0.5, 0.95]), "hiring.frozen_share must lie within 0-0.9"),
    (dict(replicates=1), "2 replicates"),
    (dict(scenario="mentoring"), "--scenario mentoring is a policy"),
    (dict(scenario="understaffed"), "--scenario understaffed sets hiring.frozen_share itself"),
    (dict(parameter="hiring.mean_delay_weeks", scenario="understaffed", levels=[4.0, 8.0, 12.0]),
     "--scenario understaffed sets hiring.mean_delay_weeks itself"),
    (dict(outcome="mean_cs"), "--outcome 'mean_cs' is not allowed"),
])
def test_bad_sweeps(kwargs, message):
    with pytest.raises(ExperimentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sweep(**kwargs, executor=SerialExecutor())


def test_a_small_sweep_end_to_end(tmp_path):
    res = sweep("hiring.frozen_share", [0.0, 0.2, 0.4], hold_weeks=26, replicates=2, clinicians=60,
                burn_in_weeks=10, executor=SerialExecutor())
    assert len(res.levels) == 2 * 5 and list(res.levels["level"][:5]) == [0.0, 0.2, 0.4, 0.2, 0.0]
    up = res.summary[res.summary["branch"] == "up"].set_index("level")
    assert up.loc[0.4, "prop_vacant"] > up.loc[0.0, "prop_vacant"] + 0.1  # the freeze empties posts
    report = write(res, tmp_path / "tip")
    assert (tmp_path / "tip" / "tipping.png").stat().st_size > 0 and "# Tipping points" in report.read_text()
    assert len(pd.read_csv(tmp_path / "tip" / "hysteresis.csv")) == 2


def test_cli_refuses_bad_levels(tmp_path, capsys):
    assert main(["tipping", "--levels", "0,a", "--out", str(tmp_path / "t")]) == 2
    assert "--levels '0,a' is not allowed" in capsys.readouterr().err and not (tmp_path / "t").exists()

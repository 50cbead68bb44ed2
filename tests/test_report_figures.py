"""The comparison report's figures: what a reader relies on when comparing panels."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments.report import fan_figure


def _timeseries(arms=("baseline", "a", "b", "c", "d", "e"), replicates=4, weeks=12) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = [{"scenario": s, "replicate": r, "week": w, "n_in_post": 100 + 10 * k + w + rng.normal()}
            for k, s in enumerate(arms) for r in range(replicates) for w in range(1, weeks + 1)]
    return pd.DataFrame(rows)


def test_every_fan_panel_has_one_scale_that_holds_every_arms_band():
    ts = _timeseries()
    fig = fan_figure(ts, "n_in_post", None)
    try:
        panels = [ax for ax in fig.axes if ax.get_visible()]
        assert len(panels) == 6
        assert len({ax.get_ylim() for ax in panels}) == 1 and len({ax.get_xlim() for ax in panels}) == 1
        lo, hi = panels[0].get_ylim()
        per_week = ts.groupby(["scenario", "week"])["n_in_post"]
        assert lo < per_week.quantile(0.05).min() and hi > per_week.quantile(0.95).max()
        x_lo, x_hi = panels[0].get_xlim()
        assert x_lo <= 1 and x_hi >= 12
        assert not any(ax.get_autoscaley_on() for ax in panels)  # drawing more cannot rescale a panel
    finally:
        plt.close(fig)


def test_fan_panels_label_only_the_outer_axes():
    fig = fan_figure(_timeseries(), "n_in_post", None)  # 6 arms: two rows of four, the second row half full
    try:
        grid = np.array(fig.axes).reshape(2, 4)
        left = [ax.yaxis.get_tick_params()["labelleft"] for ax in grid.ravel()]
        bottom = [ax.xaxis.get_tick_params()["labelbottom"] for ax in grid.ravel()]
        assert left == [True, False, False, False, True, False, False, False]
        # the lowest panel of each column: row 2 for columns 1-2, row 1 for columns 3-4 (row 2 is empty there)
        assert bottom[:4] == [False, False, True, True] and bottom[4:6] == [True, True]
        assert not grid[1, 2].get_visible() and not grid[1, 3].get_visible()
    finally:
        plt.close(fig)


def test_a_fan_chart_of_an_outcome_never_measured_is_drawn_empty():
    ts = _timeseries()
    ts["proqol_bo_raw"] = float("nan")  # a survey outcome in a run shorter than the survey interval
    fig = fan_figure(ts, "proqol_bo_raw", None)
    try:
        assert all(ax.get_ylim() == (0.0, 1.0) for ax in fig.axes if ax.get_visible())
    finally:
        plt.close(fig)

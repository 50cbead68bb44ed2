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


def _zlib_level(png: bytes) -> int:
    """FLEVEL of the zlib stream of a PNG's first IDAT chunk: 0 fastest, 1 fast, 2 default, 3 maximum."""
    at = png.index(b"IDAT")
    return png[at + 5] >> 6  # the zlib header's second byte follows CMF


def test_report_figures_are_saved_losslessly_at_the_fast_compression_level(tmp_path):
    from PIL import Image

    from experiments.report import save_png

    ts = _timeseries(arms=("baseline", "a"))
    saved = fan_figure(ts, "n_in_post", None)
    save_png(saved, tmp_path / "fast.png", dpi=50)
    assert saved.number not in plt.get_fignums()  # closed once saved
    fig = fan_figure(ts, "n_in_post", None)
    fig.savefig(tmp_path / "default.png", dpi=50)
    plt.close(fig)
    fast, default = (tmp_path / "fast.png").read_bytes(), (tmp_path / "default.png").read_bytes()
    assert _zlib_level(fast) == 1 and _zlib_level(default) == 2
    assert np.array_equal(np.asarray(Image.open(tmp_path / "fast.png")), np.asarray(Image.open(tmp_path / "default.png")))


def test_fan_panels_follow_the_arms_order_of_appearance():
    ts = _timeseries(arms=("baseline", "zeta", "alpha"))
    fig = fan_figure(ts, "n_in_post", None)
    try:
        assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["baseline", "zeta", "alpha"]
    finally:
        plt.close(fig)

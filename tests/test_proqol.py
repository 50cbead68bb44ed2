"""ProQOL-5 measurement."""

from __future__ import annotations

import numpy as np
import pytest

from model import proqol


def test_item_responses_shape_and_range():
    items = proqol.item_responses(np.random.default_rng(0), np.random.default_rng(1).random((50, 3)), 0.7)
    assert items.shape == (50, 3, 10)
    assert items.min() >= 1 and items.max() <= 5


def test_noiseless_responses_hand_values():
    # x = 0.5 -> 1 + 2 + d_j with d_j from -0.5 to 0.5: rint gives 2 or 3 or 4 ... sum is exactly 30
    items = proqol.item_responses(np.random.default_rng(0), np.full((1, 3), 0.5), 0.0)
    expected = np.clip(np.rint(3.0 + proqol.ITEM_DIFFICULTY), 1, 5)
    np.testing.assert_array_equal(items[0, 0], expected)
    assert proqol.raw_scores(items)[0, 0] == expected.sum() == 30
    # extremes hit the scale bounds
    lo = proqol.raw_scores(proqol.item_responses(np.random.default_rng(0), np.zeros((1, 3)), 0.0))
    hi = proqol.raw_scores(proqol.item_responses(np.random.default_rng(0), np.ones((1, 3)), 0.0))
    # only the hardest item (d = +0.5) rounds up from the floor, only the easiest (d = -0.5) down from the top
    assert lo.max() == 11 and hi.min() == 49


@pytest.mark.parametrize("x", [0.4, 0.5, 0.6])
def test_raw_mean_tracks_latent(x):
    s = proqol.survey(np.random.default_rng(2), np.full((20000, 3), x), 0.7)
    # away from the bounds (where clipping would bias it) the raw sum is unbiased for 10 + 40 x; the
    # standard error of the mean is about 0.02, so 0.1 is a 5-sigma tolerance
    np.testing.assert_allclose(s.raw.mean(axis=0), 10 + 40 * x, atol=0.1)


def test_clipping_raises_scores_near_the_floor():
    s = proqol.survey(np.random.default_rng(2), np.full((20000, 3), 0.05), 0.7)
    assert np.all(s.raw.mean(axis=0) > 10 + 40 * 0.05 + 0.5)


def test_standard_scores_use_published_norms():
    raw = np.array([[37.7, 22.8, 16.7], [44.2, 28.2, 22.4]])
    np.testing.assert_allclose(proqol.standard_scores(raw), [[50, 50, 50], [60, 60, 60]])


def test_bands_on_raw_sums():
    np.testing.assert_array_equal(proqol.bands(np.array([10, 22, 23, 41, 42, 50])), [0, 0, 1, 1, 2, 2])


def test_summary_shares():
    raw = np.array([[20, 30, 45], [45, 45, 12], [30, 22, 30]])
    s = proqol.Survey(raw=raw, t=proqol.standard_scores(raw)).summary()
    assert s["proqol_cs_raw"] == pytest.approx(95 / 3)
    assert (s["prop_cs_low"], s["prop_cs_average"], s["prop_cs_high"]) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert s["prop_bo_high"] == pytest.approx(1 / 3)
    # high BO: T >= 56 <=> raw >= 22.8 + 0.6 * 5.4 = 26.04 -> 30 and 45
    assert s["prop_high_bo"] == pytest.approx(2 / 3)
    # low CS: T <= 44 <=> raw <= 37.7 - 0.6 * 6.5 = 33.8 -> 20 and 30
    assert s["prop_low_cs"] == pytest.approx(2 / 3)


def test_empty_survey_gives_nan():
    s = proqol.Survey(raw=np.zeros((0, 3), int), t=np.zeros((0, 3))).summary()
    assert np.isnan(s["proqol_bo_raw"]) and np.isnan(s["prop_high_bo"])

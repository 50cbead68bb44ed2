"""ProQOL-5 measurement."""

from __future__ import annotations

import numpy as np
import pytest

from model import Parameters, proqol

M = Parameters().measurement  # default item model: loading 4, difficulties -0.5..0.5, noise 0.7, cross-loading 0.3
# no cross-loading and the same noise (0.7) on every subscale: raw sums unbiased for 10 + 40 x away from the bounds
FLAT = Parameters().with_overrides({"measurement.bo_reverse_cs_loading": 0.0, "measurement.item_noise_sd_cs": 0.7,
                                    "measurement.item_noise_sd_bo": 0.7, "measurement.item_noise_sd_sts": 0.7}).measurement


def _noiseless(m=FLAT, **changes):
    return Parameters().with_overrides({**{f"measurement.{k}": v for k, v in m.model_dump().items()},
                                        **{f"measurement.item_noise_sd_{s}": 0.0 for s in proqol.SUBSCALES},
                                        **{f"measurement.{k}": v for k, v in changes.items()}}).measurement


def test_item_responses_shape_and_range():
    items = proqol.item_responses(np.random.default_rng(0), np.random.default_rng(1).random((50, 3)), M)
    assert items.shape == (50, 3, 10)
    assert items.min() >= 1 and items.max() <= 5


def test_noiseless_responses_hand_values():
    # x = 0.5 -> 1 + 2 + d_j with d_j from -0.5 to 0.5: rint gives 2 or 3 or 4 ... sum is exactly 30
    items = proqol.item_responses(np.random.default_rng(0), np.full((1, 3), 0.5), _noiseless())
    expected = np.clip(np.rint(3.0 + proqol.difficulties(0.5)), 1, 5)
    np.testing.assert_array_equal(items[0, 0], expected)
    assert proqol.raw_scores(items)[0, 0] == expected.sum() == 30
    # extremes hit the scale bounds: CS and STS items as they are, the BO subscale after reversing its
    # positively worded items (which at BO = 1 and no CS loading are answered "never" and scored 5)
    lo = proqol.raw_scores(proqol.item_responses(np.random.default_rng(0), np.zeros((1, 3)), _noiseless()))
    hi = proqol.raw_scores(proqol.item_responses(np.random.default_rng(0), np.ones((1, 3)), _noiseless()))
    # only the hardest item (d = +0.5) rounds up from the floor, only the easiest (d = -0.5) down from the top
    assert lo[0, 0] == lo[0, 2] == 11 and hi[0, 0] == hi[0, 2] == 49
    assert 10 <= lo[0, 1] <= 12 and 48 <= hi[0, 1] <= 50


def test_reverse_keyed_burnout_items():
    # ProQOL items 1, 4, 15, 17 and 29 are the positively worded BO items
    assert [proqol.ITEM_NUMBERS["bo"][k] for k in proqol.REVERSED_BO] == [1, 4, 15, 17, 29]
    # with no CS loading, high burnout is answered low on them and scored high after reversal
    items = proqol.item_responses(np.random.default_rng(0), np.array([[0.5, 0.9, 0.5]]), _noiseless())
    rev = list(proqol.REVERSED_BO)
    assert items[0, 1, rev].max() <= 2 and proqol.scored(items)[0, 1, rev].min() >= 4
    # the cross-loading moves the reversed items with CS, the other BO items not at all
    lat = np.array([[0.1, 0.5, 0.5], [0.9, 0.5, 0.5]])
    it = proqol.item_responses(np.random.default_rng(0), lat, _noiseless(bo_reverse_cs_loading=0.5))
    keep = [k for k in range(10) if k not in rev]
    np.testing.assert_array_equal(it[0, 1, keep], it[1, 1, keep])
    assert proqol.scored(it)[0, 1, rev].sum() > proqol.scored(it)[1, 1, rev].sum()


def test_loading_and_difficulty_per_subscale():
    lat = np.array([[0.9, 0.5, 0.5]])
    steep = proqol.item_responses(np.random.default_rng(0), lat, _noiseless(item_loading_cs=5.0))
    flat = proqol.item_responses(np.random.default_rng(0), lat, _noiseless(item_loading_cs=3.0))
    assert proqol.raw_scores(steep)[0, 0] > proqol.raw_scores(flat)[0, 0]
    spread = proqol.item_responses(np.random.default_rng(0), np.full((1, 3), 0.5), _noiseless(item_difficulty_sts=1.0))
    np.testing.assert_array_equal(spread[0, 2], np.clip(np.rint(3.0 + np.linspace(-1, 1, 10)), 1, 5))


def test_noise_sets_alpha_per_subscale():
    lat = np.clip(np.random.default_rng(1).normal(0.5, 0.15, (4000, 3)), 0, 1)
    noisy_bo = Parameters().with_overrides({"measurement.item_noise_sd_bo": 1.2}).measurement
    items = proqol.scored(proqol.item_responses(np.random.default_rng(0), lat, noisy_bo))
    alphas = [proqol.cronbach_alpha(items[:, j]) for j in range(3)]
    assert alphas[1] < alphas[0] - 0.05 and alphas[1] < alphas[2] - 0.05


def test_cronbach_alpha_known_answer():
    # two parallel items with true-score variance 1 and error variance 1 each: alpha = 2 r / (1 + r), r = 0.5
    rng = np.random.default_rng(0)
    t = rng.standard_normal(200000)
    items = np.column_stack([t + rng.standard_normal(t.size), t + rng.standard_normal(t.size)])
    assert proqol.cronbach_alpha(items) == pytest.approx(2 / 3, abs=0.005)
    # identical items: alpha 1
    assert proqol.cronbach_alpha(np.column_stack([t, t, t])) == pytest.approx(1.0)


def test_microdata_has_the_answers_and_scores():
    lat = np.random.default_rng(3).random((6, 3))
    s = proqol.survey(np.random.default_rng(0), lat, M, respondents=np.array([1, 0, 1, 1, 0, 1], bool))
    df = s.microdata(team=np.array([0, 0, 1, 1, 2, 2]), week=13)
    assert list(df.columns[:3]) == ["week", "slot", "team"] and list(df["slot"]) == [0, 2, 3, 5]
    assert list(df["team"]) == [0, 1, 1, 2]
    assert list(df.columns[3:33]) == list(proqol.ITEM_COLUMNS) and df.columns[3] == "cs_q3"
    # raw scores are the sums of the answers with the reverse-keyed BO items reversed
    bo = df[[f"bo_q{k}" for k in proqol.ITEM_NUMBERS["bo"]]].to_numpy().astype(int)
    bo[:, list(proqol.REVERSED_BO)] = 6 - bo[:, list(proqol.REVERSED_BO)]
    np.testing.assert_array_equal(df["bo_raw"], bo.sum(axis=1))
    np.testing.assert_allclose(df["sts_t"], 50 + 10 * (df["sts_raw"] - 16.7) / 5.7)


@pytest.mark.parametrize("x", [0.4, 0.5, 0.6])
def test_raw_mean_tracks_latent(x):
    s = proqol.survey(np.random.default_rng(2), np.full((20000, 3), x), FLAT)
    # away from the bounds (where clipping would bias it) the raw sum is unbiased for 10 + 40 x; the
    # standard error of the mean is about 0.02, so 0.1 is a 5-sigma tolerance
    np.testing.assert_allclose(s.raw.mean(axis=0), 10 + 40 * x, atol=0.1)


def test_clipping_raises_scores_near_the_floor():
    s = proqol.survey(np.random.default_rng(2), np.full((20000, 3), 0.05), FLAT)
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


def test_summary_is_each_subscale_column_reduced_on_its_own():
    raw = np.random.default_rng(4).integers(10, 51, (37, 3))
    t = proqol.standard_scores(raw)
    s = proqol.Survey(raw=raw, t=t).summary()
    assert list(s) == list(proqol.SUMMARY_KEYS)
    for j, name in enumerate(proqol.SUBSCALES):
        col = raw[:, j]
        assert s[f"proqol_{name}_raw"] == col.mean()
        assert s[f"proqol_{name}_raw_sd"] == col.std(ddof=1)
        assert s[f"proqol_{name}_t"] == t[:, j].mean()
        assert s[f"prop_{name}_low"] == np.mean(col <= 22)
        assert s[f"prop_{name}_average"] == np.mean((col >= 23) & (col <= 41))
        assert s[f"prop_{name}_high"] == np.mean(col >= 42)
    assert (s["prop_high_bo"], s["prop_high_sts"], s["prop_low_cs"]) == (
        np.mean(t[:, 1] >= 56), np.mean(t[:, 2] >= 56), np.mean(t[:, 0] <= 44))
    one = proqol.Survey(raw=raw[:1], t=t[:1]).summary()
    assert np.isnan(one["proqol_bo_raw_sd"]) and one["proqol_bo_raw"] == raw[0, 1]


def test_empty_survey_gives_nan():
    s = proqol.Survey(raw=np.zeros((0, 3), int), t=np.zeros((0, 3))).summary()
    assert np.isnan(s["proqol_bo_raw"]) and np.isnan(s["prop_high_bo"])


# ---- the compiled survey equals the array expressions it replaced ------------------------------------------------


def _array_answers(rng, latent, m):
    """The item model as one NumPy expression (the reference for the compiled answers)."""
    x = np.repeat(latent[:, :, None], proqol.N_ITEMS, axis=2)
    w = m.bo_reverse_cs_loading
    rev = list(proqol.REVERSED_BO)
    x[:, 1, rev] = (1.0 - w) * (1.0 - latent[:, 1:2]) + w * latent[:, 0:1]
    loading = np.array([m.item_loading_cs, m.item_loading_bo, m.item_loading_sts])
    diff = np.stack([proqol.difficulties(m.item_difficulty_cs), proqol.difficulties(m.item_difficulty_bo),
                     proqol.difficulties(m.item_difficulty_sts)])
    diff[1, rev] = -diff[1, rev]
    sd = np.array([m.item_noise_sd_cs, m.item_noise_sd_bo, m.item_noise_sd_sts])
    noise = rng.standard_normal((latent.shape[0], 3, proqol.N_ITEMS)) * sd[None, :, None]
    y = 3.0 + loading[None, :, None] * (x - 0.5) + diff[None] + noise
    return np.clip(np.rint(y), proqol.ITEM_MIN, proqol.ITEM_MAX).astype(np.int8)


@pytest.mark.parametrize("seed", range(6))
def test_item_responses_are_the_array_expression_of_the_item_model(seed):
    r = np.random.default_rng(seed)
    m = Parameters().with_overrides({
        "measurement.bo_reverse_cs_loading": float(r.uniform(0, 0.6)), "measurement.item_loading_bo": float(r.uniform(2, 6)),
        "measurement.item_difficulty_sts": float(r.uniform(0, 1.5)), "measurement.item_noise_sd_cs": float(r.uniform(0.1, 1.5)),
    }).measurement
    latent = r.random((int(r.integers(1, 400)), 3))
    got = proqol.item_responses(np.random.default_rng(seed + 50), latent, m)
    want = _array_answers(np.random.default_rng(seed + 50), latent, m)
    assert got.dtype == np.int8 and got.shape == want.shape
    np.testing.assert_array_equal(got, want)



def test_half_way_answers_round_to_even_as_numpy_does():
    # no noise, the middle state: the outermost CS items sit at exactly 2.5 and 3.5 on the answer scale
    half = proqol.item_responses(np.random.default_rng(0), np.full((1, 3), 0.5), _noiseless())
    assert (half[0, 0, 0], half[0, 0, -1]) == (2, 4)
    np.testing.assert_array_equal(half, _array_answers(np.random.default_rng(0), np.full((1, 3), 0.5), _noiseless()))


def test_raw_scores_are_the_reversed_answers_summed():
    items = proqol.item_responses(np.random.default_rng(1), np.random.default_rng(2).random((200, 3)), M)
    want = items.astype(np.int64)
    rev = list(proqol.REVERSED_BO)
    want[:, 1, rev] = 6 - want[:, 1, rev]
    got = proqol.scored(items)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(proqol.raw_scores(items), want.sum(axis=2))


@pytest.mark.parametrize("n", [2, 7, 129, 300, 4099])
@pytest.mark.parametrize("kind", ["int", "float"])
def test_summary_is_each_column_reduced_on_its_own_at_any_size(n, kind):
    """Pairwise summation differs past 8 and 128 values, and raw sums need not be whole numbers."""
    r = np.random.default_rng(n)
    raw = r.integers(10, 51, (n, 3))
    if kind == "float":
        raw = raw + r.random((n, 3))
    t = proqol.standard_scores(raw)
    s = proqol.Survey(raw=raw, t=t).summary()
    b = proqol.bands(raw)
    for j, name in enumerate(proqol.SUBSCALES):
        assert s[f"proqol_{name}_raw"] == raw[:, j].mean()
        assert s[f"proqol_{name}_raw_sd"] == raw[:, j].std(ddof=1)
        assert s[f"proqol_{name}_t"] == t[:, j].mean()
        for k, band in enumerate(("low", "average", "high")):
            assert s[f"prop_{name}_{band}"] == np.mean(b[:, j] == k)
    assert (s["prop_high_bo"], s["prop_high_sts"], s["prop_low_cs"]) == (
        np.mean(t[:, 1] >= 56), np.mean(t[:, 2] >= 56), np.mean(t[:, 0] <= 44))


def test_answers_keep_the_order_of_operations_at_a_rounding_boundary():
    """An answer exactly half-way after ``((3 + L (x - 1/2)) + d) + e sd``: reassociated, it lands an ulp above and
    rounds up instead of to even (the compiled answers must keep NumPy's order to give the same survey)."""
    x, d, e = 0.6369616873214543, -0.2302132862361297, -0.8176334630496872
    assert (3.0 + 4.0 * (x - 0.5) + d) + e * 1.0 == 2.5 and 3.0 + 4.0 * (x - 0.5) + (d + e * 1.0) > 2.5
    latent = np.array([[x, 0.3, 0.6]])
    noise = np.zeros((1, 3, proqol.N_ITEMS))
    noise[0, 0, 0] = e
    diff = np.zeros((3, proqol.N_ITEMS))
    diff[0, 0] = d
    loading, sd = np.array([4.0, 4.0, 4.0]), np.ones(3)
    got = proqol._answers(latent, noise, loading, diff, sd, 0.3)
    assert got[0, 0, 0] == 2
    x3 = np.repeat(latent[:, :, None], proqol.N_ITEMS, axis=2)
    x3[:, 1, list(proqol.REVERSED_BO)] = 0.7 * (1.0 - latent[:, 1:2]) + 0.3 * latent[:, 0:1]
    want = np.clip(np.rint(3.0 + loading[None, :, None] * (x3 - 0.5) + diff[None] + noise * sd[None, :, None]), 1, 5)
    np.testing.assert_array_equal(got, want)

"""The outcome registry: summaries declared once, named in one place, and read from there downstream."""

from __future__ import annotations

import dataclasses
import math
import pathlib

import numpy as np
import pandas as pd
import pytest

from model import Parameters, outcomes, simulate
from model.programmes import COST_COMPONENTS
from model.outcomes import BY_NAME, DERIVED, OUTCOMES, REQUIRED, SUMMARIES, Outcome, outcome_of, summary_name

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run():
    return simulate(weeks=30, burn_in_weeks=10)


def test_every_outcome_summary_is_in_a_real_run(run):
    keys = set(run.summary) - {"seed", "weeks"}
    for o in OUTCOMES:
        assert set(o.summaries) <= keys, o.name
    assert keys == set(SUMMARIES)  # and nothing the registry does not know


def test_summaries_follow_the_kind_unless_overridden():
    expected = {"stock": ("{}_mean", "{}_end"), "survey": ("{}_mean", "{}_end")}
    for o in OUTCOMES:
        if o.kind == "flow":
            assert o.summaries == ("cum_" + o.name.removeprefix("new_"),)
        else:
            assert o.summaries == tuple(p.format(o.name) for p in expected[o.kind])
    custom = Outcome("new_things", "Things", "things/week", "info", "flow", reductions=("cum", "mean"))
    assert custom.summaries == ("cum_things", "new_things_mean")


def test_summary_names_are_unique():
    names = [s for o in OUTCOMES for s in o.summaries] + [s.name for s in DERIVED]
    assert len(names) == len(set(names)) == len(SUMMARIES)


def test_outcome_of_inverts_the_summary_names():
    for o in OUTCOMES:
        for reduction in o.summarised_by:
            name = summary_name(o.name, reduction)
            assert outcome_of(name) == [o.name]
            s = SUMMARIES[name]
            assert (s.reduction, s.outcome, s.direction) == (reduction, o.name, o.direction)
        assert outcome_of(o.name) == [o.name]  # weekly names pass through
    for s in SUMMARIES.values():
        assert outcome_of(s.name) == list(s.outcomes)
    for s in DERIVED:
        assert list(s.outcomes) == list(dict.fromkeys(n for i in s.inputs for n in outcome_of(i)))
    with pytest.raises(KeyError, match="did you mean 'prop_high_bo_mean'"):
        outcome_of("prop_high_bo_meen")


def test_required_outcomes_are_what_the_derived_figures_need():
    assert set(REQUIRED) == {n for s in DERIVED for n in s.outcomes}
    assert set(REQUIRED) == {"n_in_post", "new_departures", "new_hires", "new_recoveries", "new_dropouts"}


def test_a_subset_run_reports_the_summaries_of_what_it_recorded():
    r = simulate({"service.n_posts": 60}, seed=1, weeks=6, burn_in_weeks=2, record=["mean_bo", "proqol_bo_raw"])
    wanted = {s for n in outcomes.recorded(["mean_bo", "proqol_bo_raw"]) for s in BY_NAME[n].summaries}
    assert set(r.summary) - {"seed", "weeks"} == wanted | {s.name for s in DERIVED}


def test_summarise_follows_an_outcome_override(run, monkeypatch):
    flow = dataclasses.replace(BY_NAME["new_hires"], reductions=("cum", "mean"))
    monkeypatch.setitem(outcomes.BY_NAME, "new_hires", flow)
    s = outcomes.summarise(run.weekly)
    window = run.weekly.loc[run.weekly["week"] > 0, "new_hires"]
    assert s["new_hires_mean"] == pytest.approx(window.mean())
    assert s["cum_hires"] == run.summary["cum_hires"]


def test_derived_formulas_match_their_description(run):
    s = run.summary
    years = 30 / 52
    assert s["annual_turnover"] == pytest.approx(s["cum_departures"] / s["n_in_post_mean"] / years)
    assert s["annual_hires"] == pytest.approx(s["cum_hires"] / s["n_in_post_mean"] / years)
    ended = s["cum_recoveries"] + s["cum_dropouts"]
    assert s["prop_episodes_recovered"] == pytest.approx(s["cum_recoveries"] / ended)


def test_flow_totals_drop_the_per_week_unit():
    assert SUMMARIES["cum_total_cost"].unit == "currency"
    assert SUMMARIES["cum_departures"].unit == "clinicians"
    assert SUMMARIES["n_waitlist_mean"].unit == BY_NAME["n_waitlist"].unit


# --- downstream code reads the registry -----------------------------------------------------------------------

def test_metric_catalogue_is_the_registry():
    from experiments.comparison import metric_catalogue
    from experiments.sensitivity import known_outputs

    cat = metric_catalogue()
    assert list(cat.index) == list(SUMMARIES)
    for name, row in cat.iterrows():
        s = SUMMARIES[name]
        assert (row["label"], row["unit"], row["direction"]) == (s.label, s.unit, s.direction)
    assert set(known_outputs()) <= set(SUMMARIES)


def test_summaries_named_downstream_are_registered():
    from experiments import comparison, report

    named = [comparison.DEFAULT_RANK_BY, *comparison.COST_INPUTS, *(r[0] for r in report.EFFECT_ROWS)]
    assert [n for n in named if n not in SUMMARIES] == []
    fans = [c for c, _ in report.FAN_OUTCOMES]
    assert [c for c in fans if c not in BY_NAME and SUMMARIES.get(c) is None] == []


def _runs(metric: str) -> pd.DataFrame:
    # scenario "a" is lower than the baseline in every replicate: better if lower is better
    return pd.DataFrame({"scenario": ["baseline"] * 4 + ["a"] * 4 + ["b"] * 4, "replicate": list(range(4)) * 3,
                         metric: [0.30, 0.28, 0.31, 0.29, 0.20, 0.19, 0.22, 0.21, 0.35, 0.34, 0.36, 0.33]})


@pytest.mark.parametrize("metric", ["prop_high_bo_mean", "annual_turnover"])
def test_effects_use_the_registered_direction(metric, monkeypatch):
    from experiments.comparison import paired_differences, rank

    runs = _runs(metric)
    d = paired_differences(runs, metrics=[metric]).set_index("scenario")
    assert SUMMARIES[metric].direction == "lower"
    assert d.loc["a", "better"] == True and d.loc["b", "better"] == False  # noqa: E712 - numpy bool
    assert list(rank(d.reset_index(), by=metric)["scenario"]) == ["a", "b"]

    flipped = {**SUMMARIES, metric: dataclasses.replace(SUMMARIES[metric], direction="higher")}
    monkeypatch.setattr(outcomes, "SUMMARIES", flipped)
    d = paired_differences(runs, metrics=[metric]).set_index("scenario")
    assert d.loc["a", "direction"] == "higher"
    assert d.loc["a", "better"] == False and d.loc["b", "better"] == True  # noqa: E712
    assert list(rank(d.reset_index(), by=metric)["scenario"]) == ["b", "a"]

    monkeypatch.setattr(outcomes, "SUMMARIES", {**SUMMARIES, metric: dataclasses.replace(SUMMARIES[metric],
                                                                                          direction="info")})
    d = paired_differences(runs, metrics=[metric])
    assert d["better"].isna().all()


def test_norm_sd_comes_from_the_summarised_outcome():
    from experiments.comparison import norm_sd

    assert norm_sd("proqol_bo_raw_mean") == norm_sd("proqol_bo_raw_end") == pytest.approx(5.4)
    assert norm_sd("proqol_cs_t_mean") == 10.0
    assert math.isnan(norm_sd("prop_high_bo_mean")) and math.isnan(norm_sd("annual_turnover"))


def test_rank_by_an_outcome_name_suggests_its_summary():
    from experiments.comparison import check_rank_by
    from experiments.errors import ExperimentError

    with pytest.raises(ExperimentError, match="did you mean 'n_waitlist_mean'"):
        check_rank_by("n_waitlist")
    with pytest.raises(ExperimentError, match="no better direction"):
        check_rank_by("cum_referrals")
    check_rank_by("n_waitlist_end")


# --- the ODD's outcome table is generated -----------------------------------------------------------------------

def _build_tables():
    from .test_layout import _build_tables as build

    return build()


def test_odd_outcome_table_is_current():
    build_tables = _build_tables()
    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert build_tables.current(text, "OUTCOMES").strip() == outcomes.markdown_table().strip(), (
        "run: python docs/build_tables.py")


def test_outcome_table_lists_every_outcome_and_summary():
    table = outcomes.markdown_table()
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [r.split("`")[1] for r in rows] == [o.name for o in OUTCOMES] + [s.name for s in DERIVED]
    for name in SUMMARIES:
        assert f"`{name}`" in table


def test_the_generator_rewrites_only_its_blocks():
    build_tables = _build_tables()
    text = "intro\n<!-- OUTCOMES:BEGIN -->\nstale\n<!-- OUTCOMES:END -->\noutro\n"
    new = build_tables.render(text, ["OUTCOMES"])
    assert new.startswith("intro\n<!-- OUTCOMES:BEGIN -->\n| kind |") and new.endswith("<!-- OUTCOMES:END -->\noutro\n")
    assert build_tables.render(new, ["OUTCOMES"]) == new


# ---- how outcomes are computed -------------------------------------------------------------------------------


def test_every_outcome_declares_its_measure():
    from model.outcomes import Measure

    for o in outcomes.OUTCOMES:
        assert isinstance(o.measure, Measure), o.name
        if o.measure.source == "quantile":
            assert 0 < o.measure.q < 1, o.name


def test_measures_equal_a_direct_computation_from_the_arrays():
    """Each kind of measure gives what the model's arrays say (mean over who, quantile, count, flow, cost)."""
    from model import WorkforceModel
    from model.state import ACTIVE, VACANT

    m = WorkforceModel(Parameters().with_overrides({"service.n_posts": 150, "wellness.uptake": 0.5}), rng=4,
                       burn_in_weeks=10)
    for _ in range(13):  # week 13 has a survey
        m.step()
    ws, met = m.workforce, m.metrics
    present, at_work = ws.status != VACANT, ws.status == ACTIVE
    assert met["mean_bo"] == pytest.approx(ws.bo[present].mean(), rel=1e-12)
    assert met["mean_growth"] == pytest.approx(ws.growth[present].mean(), rel=1e-12)
    assert met["caseload_per_clinician"] == pytest.approx(ws.caseload.sum(axis=0)[at_work].mean(), rel=1e-12)
    assert met["mean_strain"] == pytest.approx(ws.strain[at_work].mean(), rel=1e-12)
    assert met["p90_sts"] == pytest.approx(np.quantile(ws.sts[present], 0.9), rel=1e-12)
    assert met["p10_se"] == pytest.approx(np.quantile(ws.se[present], 0.1), rel=1e-12)
    assert met["n_vacant"] == int((~present).sum())
    assert met["prop_on_leave"] == pytest.approx((present & ~at_work).sum() / present.sum())
    assert met["n_waitlist"] == int(m.waitlist.sum())
    assert met["proqol_bo_raw"] == pytest.approx(m.last_survey.raw[:, 1].mean())
    assert met["new_total_cost"] == pytest.approx(met["new_programme_cost"] + met["new_turnover_cost"])
    assert met["new_programme_cost"] == pytest.approx(sum(met[f"new_cost_{c}"] for c in COST_COMPONENTS))


def test_a_run_computes_only_what_it_records():
    from model import WorkforceModel

    m = WorkforceModel(Parameters().with_overrides({"service.n_posts": 60}), rng=1, burn_in_weeks=2,
                       record=["mean_bo", "p50_bo"])
    m.step()
    assert set(m.metrics) == set(outcomes.recorded(["mean_bo", "p50_bo"]))


@pytest.mark.parametrize("n_cols", [1, 2, 7, 300])
def test_quantiles_equal_numpy_linear_quantiles_over_the_masked_columns(n_cols):
    rng = np.random.default_rng(n_cols)
    rows = rng.random((4, n_cols))
    mask = rng.random(n_cols) < 0.8
    mask[0] = True
    q = np.array([0.1, 0.5, 0.9])
    got = outcomes.quantiles(rows, mask, int(mask.sum()), q)
    # numpy interpolates as a + (b - a) t, this as a (1 - t) + b t: equal to the last bit or two
    np.testing.assert_allclose(got, np.quantile(rows[:, mask], q, axis=1).T, rtol=0, atol=1e-15)


@pytest.mark.parametrize("kind", ["uniform", "ties", "constant", "skewed", "negative"])
def test_quantiles_are_the_exact_order_statistics_whatever_the_values(kind):
    rng = np.random.default_rng(3)
    for n_cols in (1, 2, 3, 5, 8, 41, 300):
        rows = {"uniform": rng.random((3, n_cols)), "ties": rng.integers(0, 3, (3, n_cols)).astype(float),
                "constant": np.full((3, n_cols), 0.3), "skewed": rng.random((3, n_cols)) ** 12,
                "negative": rng.normal(-5.0, 100.0, (3, n_cols))}[kind]
        mask = rng.random(n_cols) < 0.7
        mask[-1] = True
        q = np.array([0.0, 0.1, 0.5, 0.9, 1.0])
        got = outcomes.quantiles(rows, mask, int(mask.sum()), q)
        ordered = np.sort(rows[:, mask], axis=1)
        n = ordered.shape[1]
        pos = q * (n - 1)
        lo = pos.astype(int)
        hi = np.minimum(lo + 1, n - 1)
        t = pos - lo
        np.testing.assert_array_equal(got, ordered[:, lo] * (1.0 - t) + ordered[:, hi] * t)


@pytest.mark.parametrize("row", [[0.1, np.inf, 0.3, 0.4], [-1e308, 1e308, 0.0, 1.0], [0.2, np.nan, 0.5, 0.9, 0.1],
                                 [-np.inf, 0.5, 0.6, 0.7], [1.0, 1.0 + 2e-16, 1.0, 1.0 + 4e-16], [5e-324, 0.0, 1e-323, 0.0]])
def test_quantiles_of_rows_without_a_finite_bucket_width_are_those_of_a_partial_sort(row):
    rows = np.array([row, np.linspace(0.0, 1.0, len(row))])
    mask = np.ones(len(row), bool)
    q = np.array([0.0, 0.25, 0.5, 0.9, 1.0])
    got = outcomes.quantiles(rows, mask, len(row), q)
    kth = sorted({int(v * (len(row) - 1)) for v in q} | {min(int(v * (len(row) - 1)) + 1, len(row) - 1) for v in q})
    ordered = np.partition(rows, kth, axis=1)  # NaN last
    pos = q * (len(row) - 1)
    lo = pos.astype(int)
    hi = np.minimum(lo + 1, len(row) - 1)
    t = pos - lo
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(got, ordered[:, lo] * (1.0 - t) + ordered[:, hi] * t)


def test_quantiles_of_nothing_are_nan():
    got = outcomes.quantiles(np.ones((2, 3)), np.zeros(3, bool), 0, np.array([0.5]))
    assert got.shape == (2, 1) and np.isnan(got).all()


def test_headcount_is_the_snapshot_counts_of_the_arrays():
    from model import kernels
    from model.state import ACTIVE, NO_NOTICE, ON_LEAVE, VACANT

    r = np.random.default_rng(5)
    n = 257
    status = r.choice(np.array([VACANT, ACTIVE, ON_LEAVE], np.int8), n)
    notice = np.where(r.random(n) < 0.2, r.integers(0, 8, n), NO_NOTICE).astype(np.int16)
    caseload = r.integers(0, 9, (3, n))
    float_caseload, waitlist = np.array([3, 0, 2]), r.integers(0, 20, (2, 3))
    present, at_work, totals, n_in_post, n_at_work, n_notice, n_cases, n_float, n_wait = kernels.headcount(
        status, notice, caseload, float_caseload, waitlist)
    np.testing.assert_array_equal(present, status != VACANT)
    np.testing.assert_array_equal(at_work, status == ACTIVE)
    assert present.dtype == at_work.dtype == bool and totals.dtype == caseload.dtype
    np.testing.assert_array_equal(totals, caseload.sum(axis=0))
    assert (n_in_post, n_at_work, n_notice) == ((status != VACANT).sum(), (status == ACTIVE).sum(),
                                               ((status != VACANT) & (notice != NO_NOTICE)).sum())
    assert (n_cases, n_float, n_wait) == (caseload.sum(), 5, waitlist.sum())


@pytest.mark.parametrize("record", [["p90_bo", "p10_se", "p50_sts"], ["mean_strain"], ["prop_on_leave", "new_cost_float"],
                                    ["proqol_bo_t", "p10_cs"]])
def test_a_plan_of_some_outcomes_gives_each_the_value_of_the_full_plan(record):
    """Each outcome's value whichever others are recorded (the values are listed in one order, named in another:
    a name given another's value would show)."""
    from model import WorkforceModel
    from model.state import LATENT_STATES

    m = WorkforceModel(Parameters().with_overrides({"service.n_posts": 80}), rng=2, burn_in_weeks=5)
    seen = {}
    full = m._plan.evaluate

    def keep(snap):
        seen["snap"] = snap
        return full(snap)

    m._plan.evaluate = keep
    for _ in range(13):  # week 13 has a survey
        m.step()
    snap = seen["snap"]
    assert snap.survey is not None
    whole = full(snap)
    part = outcomes.MeasurePlan(outcomes.recorded(record), LATENT_STATES).evaluate(snap)
    assert set(part) == set(outcomes.recorded(record))
    for name, value in part.items():
        # a mean over fewer rows of the block may differ in the last bit (another matrix-vector kernel)
        assert value == pytest.approx(whole[name], rel=1e-13, nan_ok=True), name

"""Validation against published patterns: the statistics (known answers), the targets file and a small run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments import validation as v
from experiments.cli import main
from experiments.errors import ExperimentError


def test_icc1_known_answers():
    # no between-group differences beyond noise: ICC near 0; identical members: ICC 1
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(400), 10)
    assert abs(v.icc1(rng.standard_normal(4000), groups)) < 0.03
    assert v.icc1(np.repeat(rng.standard_normal(400), 10), groups) == pytest.approx(1.0)
    # group effect variance 0.25 against unit noise: ICC = 0.25 / 1.25 = 0.2
    x = np.repeat(rng.normal(0, 0.5, 400), 10) + rng.standard_normal(4000)
    assert v.icc1(x, groups) == pytest.approx(0.2, abs=0.04)


def test_odds_ratio_hand_value():
    # 30 of 100 exposed against 10 of 100 others, each cell + 0.5
    assert v.odds_ratio(30, 100, 10, 100) == pytest.approx((30.5 / 70.5) / (10.5 / 90.5))


def test_slope_and_verdicts():
    assert v.slope_per_year(np.array([0.3, 0.31, 0.32])) == pytest.approx(0.01)
    assert v.verdict(0.5, 0.4, 0.6, 0.45, 0.55) == "meets"
    assert v.verdict(0.35, 0.4, 0.6, 0.3, 0.41) == "near"
    assert v.verdict(0.2, 0.4, 0.6, 0.15, 0.25) == "misses"
    assert v.verdict(float("nan"), 0.4, 0.6, float("nan"), float("nan")) == "not measured"


def test_packaged_targets_name_known_patterns():
    targets = v.load_targets()
    names = [t.name for t in targets]
    assert len(names) == len(set(names)) == len(v.PATTERNS)
    assert set(names) == set(v.PATTERNS)
    assert all(t.low <= t.high and t.source for t in targets)


@pytest.mark.parametrize(("text", "message"), [
    ('[[target]]\nname = "r_bo_sts"\ntitle = "t"\nlow = 0.8\nhigh = 0.6\nlevel = "survey"\nunit = "r"\nsource = "s"',
     "low 0.8 is above high 0.6"),
    ('[[target]]\nname = "nope"\ntitle = "t"\nlow = 0\nhigh = 1\nlevel = "survey"\nunit = "r"\nsource = "s"',
     "field 'name' is 'nope'"),
    ('[[target]]\nname = "r_bo_sts"\ntitle = "t"\nlow = "x"\nhigh = 1\nlevel = "survey"\nunit = "r"\nsource = "s"',
     "field 'low' is 'x'; expected a number"),
    ("title = ", "cannot read the targets file"),
])
def test_bad_targets_file_is_one_line(tmp_path, text, message):
    path = tmp_path / "targets.toml"
    path.write_text(text)
    with pytest.raises(ExperimentError, match=message) as info:
        v.load_targets(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


@pytest.fixture(scope="module")
def small():
    return v.validate(replicates=2, clinicians=120, weeks=104, burn_in_weeks=52, effects=False, workers=1)


def test_small_validation_measures_every_person_level_pattern(small):
    table = small.table.set_index("pattern")
    person_level = [p for p in v.PATTERNS if not p.startswith(("effect_", "max_single"))]
    assert np.isfinite(table.loc[person_level, "simulated"].astype(float)).all()
    assert set(table.loc[person_level, "verdict"]) <= {"meets", "near", "misses"}
    # the measured values are those of the replicates
    assert table.loc["annual_turnover", "simulated"] == pytest.approx(small.replicates["annual_turnover"].mean())
    # survey microdata: one row per respondent and survey, the 30 answers and the scores
    md = small.microdata
    assert {"replicate", "week", "slot", "team", "cs_q3", "bo_q29", "sts_q28", "bo_raw", "cs_t"} <= set(md.columns)
    assert set(md["week"]) == set(range(0, 105, 13))


def test_small_validation_report_and_files(small, tmp_path):
    report = v.write_validation(small, tmp_path / "val")
    text = report.read_text()
    assert "Validation against published patterns" in text and "Cronbach" in text
    assert pd.read_csv(tmp_path / "val" / "patterns.csv").shape[0] == len(v.PATTERNS)
    assert pd.read_parquet(tmp_path / "val" / "survey_microdata.parquet").shape == small.microdata.shape
    assert not list((tmp_path / "val").glob(".*.tmp"))


def test_validation_patterns_follow_the_model():
    # the measured structure responds to the mechanism behind it: without the common affect shock and trait
    # spread, burnout and STS correlate less on the survey
    base = v.validate(replicates=2, clinicians=120, weeks=104, burn_in_weeks=52, effects=False, workers=1)
    flat = v.validate(replicates=2, clinicians=120, weeks=104, burn_in_weeks=52, effects=False, workers=1,
                      params=v.Parameters().with_overrides({"burnout.affect_shock_sd": 0.0,
                                                            "burnout.vulnerability_sd": 0.2}))
    r = lambda val: val.table.set_index("pattern").loc["r_bo_sts", "simulated"]  # noqa: E731
    assert r(flat) < r(base) - 0.1


def test_cli_validate_bad_arguments_exit_2(tmp_path, capsys):
    assert main(["validate", "--targets", str(tmp_path / "missing.toml"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "missing.toml" in err and "cannot read the targets file" in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


@pytest.fixture(scope="module")
def with_effects():
    return v.validate(replicates=2, clinicians=40, weeks=104, burn_in_weeks=0, effects=True, workers=1)


def test_effects_are_the_paired_falls_in_burnout(with_effects):
    val = with_effects
    eff = val.effects[val.effects["metric"] == v._EFFECT_METRIC].set_index("scenario")
    # the per-replicate pattern and the effects table agree (a fall is a negative difference)
    assert -eff.loc["wellness-programme", "effect_sd"] == pytest.approx(val.replicates["effect_wellness"].mean())
    assert -eff.loc["organisational-bundle", "effect_sd"] == pytest.approx(val.replicates["effect_bundle"].mean())
    assert (eff["ci_low"] <= eff["diff"]).all() and (eff["diff"] <= eff["ci_high"]).all()
    # the largest single-programme effect is at least each single programme's |effect| in every replicate
    singles = [n for n in eff.index if n not in v._NOT_SINGLE]
    assert "organisational-bundle" not in singles and "understaffed" not in singles
    assert val.replicates["max_single_programme_effect"].mean() >= eff.loc[singles, "effect_sd"].abs().max() - 1e-9


def test_effects_mark_each_scenarios_declared_target(with_effects):
    from scenarios import library_names, load

    eff = with_effects.effects
    targets = eff[eff["is_target"]].set_index("scenario")
    assert sorted(targets.index) == sorted(n for n in library_names() if n != "baseline")
    for name, r in targets.iterrows():
        sc = load(name)
        assert (r["metric"], r["target_direction"]) == (sc.target, sc.target_direction)
        side = r["ci_high"] < 0 if sc.target_direction == "lower" else r["ci_low"] > 0
        assert r["moves_target"] == side
    assert eff.loc[~eff["is_target"], "moves_target"].isna().all()
    wide = v.effects_wide(eff, 104)
    assert len(wide) == len(targets) and set(wide["target"]) == set(targets["metric"])
    cost = eff[(eff["scenario"] == "wellness-programme") & (eff["metric"] == "cum_total_cost")]["diff"].iloc[0]
    assert wide.set_index("scenario").loc["wellness-programme", "total_cost_year"] == pytest.approx(cost / 2)
    md = v.effects_markdown(eff, 104)
    assert md.count("\n") == len(wide) + 2 and "`mentoring` | `mean_intention_mean` lower" in md

"""Fault injection on results folders: a damaged folder resumes, repairs itself, or says in one line what is
wrong; a rerun never counts a part it cannot read, and ends with the same tables as an undamaged run."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments import compare
from experiments.cli import main
from experiments.results import ExperimentStore, SensitivityStore
from experiments.runner import SerialExecutor
from experiments.sensitivity import run_sensitivity
from experiments.single import OutputError

SMALL = dict(replicates=2, weeks=13, clinicians=20, seed=3, burn_in_weeks=0, progress=False, report=False)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An undamaged comparison and its tables."""
    out = tmp_path_factory.mktemp("ref") / "c"
    res = compare(["mentoring"], out=out, executor=SerialExecutor(), **SMALL)
    return res.runs.reset_index(drop=True), ExperimentStore.load(out).timeseries().reset_index(drop=True)


def _fresh(tmp_path):
    out = tmp_path / "c"
    compare(["mentoring"], out=out, executor=SerialExecutor(), **SMALL)
    return out


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path):
    path.write_bytes(b"not a parquet file at all")


def _copy_pair(out, stem, new):
    for kind in ("runs", "weekly"):
        (out / "parts" / f"{kind}-{new}.parquet").write_bytes((out / "parts" / f"{kind}-{stem}.parquet").read_bytes())


DAMAGE = {
    "truncated runs part": lambda out: _truncate(out / "parts" / "runs-mentoring__r1.parquet"),
    "garbage weekly part": lambda out: _garbage(out / "parts" / "weekly-baseline__r0.parquet"),
    "deleted weekly part": lambda out: (out / "parts" / "weekly-mentoring__r0.parquet").unlink(),
    "stray file in parts": lambda out: (out / "parts" / "notes.parquet").write_text("mine"),
    "parts of another scenario": lambda out: _copy_pair(out, "mentoring__r0", "wellness-programme__r0"),
    "parts of a replicate outside the design": lambda out: _copy_pair(out, "mentoring__r0", "mentoring__r7"),
    "deleted consolidated tables": lambda out: [(out / n).unlink() for n in ExperimentStore.TABLES],
    "truncated consolidated table": lambda out: _truncate(out / "runs.parquet"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_comparison_resumes_to_the_undamaged_tables(tmp_path, reference, damage):
    out = _fresh(tmp_path)
    DAMAGE[damage](out)
    res = compare(["mentoring"], out=out, executor=SerialExecutor(), **SMALL)
    pd.testing.assert_frame_equal(res.runs.reset_index(drop=True), reference[0])
    store = ExperimentStore.load(out)
    pd.testing.assert_frame_equal(store.timeseries().reset_index(drop=True), reference[1])
    assert store.tables_complete(ExperimentStore.TABLES)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), reference[0])
    # what a consolidation would read: the experiment's whole runs, nothing else
    runs, weekly = store.read_parts()
    pd.testing.assert_frame_equal(runs.reset_index(drop=True), reference[0])
    pd.testing.assert_frame_equal(weekly.reset_index(drop=True), reference[1])


def test_only_the_damaged_runs_run_again(tmp_path):
    out = _fresh(tmp_path)
    _truncate(out / "parts" / "runs-mentoring__r1.parquet")
    res = compare(["mentoring"], out=out, executor=SerialExecutor(), **SMALL)
    assert res.ran == 1
    assert (out / "parts" / "runs-mentoring__r1.parquet.damaged").exists()  # set aside, not deleted


@pytest.mark.parametrize("content", [b"", b'{"fingerprint": "abc", "spe', b"[1, 2]"])
def test_an_unreadable_manifest_is_one_line(tmp_path, capsys, content):
    out = _fresh(tmp_path)
    (out / "manifest.json").write_bytes(content)
    argv = ["compare", "mentoring", "--replicates", "2", "--weeks", "13", "--clinicians", "20", "--burn-in", "0",
            "--seed", "3", "--workers", "1", "--out", str(out), "--no-progress"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "manifest.json" in err and "the results folder is damaged" in err and err.count("\n") == 1, err
    assert main(["report", str(out)]) == 2
    assert "the results folder is damaged" in capsys.readouterr().err
    with pytest.raises(OutputError, match="damaged"):
        ExperimentStore.load(out)


def _linear(x):
    return {"y": float(x["a"] + 2 * x["b"])}


_PROBLEM = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0.0, 1.0], [0.0, 1.0]]}


def test_a_damaged_sensitivity_store_reruns_the_unreadable_chunk(tmp_path):
    out = tmp_path / "sa"
    kw = dict(executor=SerialExecutor(), out=out, progress=False, chunk_size=10, seed=1)
    first = run_sensitivity(_linear, _PROBLEM, "morris", 10, **kw)
    chunks = SensitivityStore(out).part_files("chunk-*.parquet")
    assert len(chunks) >= 2
    _truncate(chunks[0])
    for name in ("evaluations.parquet", "indices.parquet"):
        (out / name).unlink()
    again = run_sensitivity(_linear, _PROBLEM, "morris", 10, **kw)
    assert again.ran == 10  # the chunk that could not be read, and only it
    pd.testing.assert_frame_equal(again.indices, first.indices)
    assert (out / "evaluations.parquet").exists() and (out / "indices.parquet").exists()

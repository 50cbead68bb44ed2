"""The shared results-folder protocol: identity check, resume, atomic writes, consolidation."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import results
from experiments.results import (
    ExperimentStore,
    ResultsFolder,
    SensitivityStore,
    StoreMismatchError,
    atomic_write,
    fingerprint,
    write_json,
)
from experiments.runner import TaskResult
from experiments.single import OutputError

IDENTITY = {"method": "morris", "n": 8, "problem": {"names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}}


def _opened(folder: Path, identity=IDENTITY) -> ResultsFolder:
    store = ResultsFolder(folder)
    store.open_manifest(identity, {**identity, "note": "test"})
    return store


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_new_folder_gets_a_manifest_with_fingerprint_versions_and_times(tmp_path):
    store = _opened(tmp_path / "r")
    man = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert man["fingerprint"] == fingerprint(IDENTITY)
    assert list(man)[:4] == ["fingerprint", "method", "n", "problem"]
    assert man["note"] == "test" and man["finished"] is None and man["started"]
    assert "python" in man["versions"] and man["git_commit"]
    assert (tmp_path / "r" / "parts").is_dir() and store.manifest == man


def test_same_identity_resumes_with_the_stored_manifest(tmp_path):
    first = _opened(tmp_path / "r")
    first.manifest["started"] = "then"
    first.write_manifest()
    again = ResultsFolder(tmp_path / "r")
    assert again.open_manifest(IDENTITY, {"ignored": True})["started"] == "then"
    assert "ignored" not in again.manifest


def test_other_identity_is_refused_with_its_differences(tmp_path):
    _opened(tmp_path / "r")
    other = {**IDENTITY, "n": 16, "problem": {"names": ("a", "b"), "bounds": [[0, 1], [0, 1]]}}
    with pytest.raises(StoreMismatchError, match=r"different experiment \(n: stored 8, now 16\); choose another"):
        ResultsFolder(tmp_path / "r").open_manifest(other, other)


def test_custom_explanation_and_hint(tmp_path):
    _opened(tmp_path / "r")
    with pytest.raises(StoreMismatchError, match=r"\(seeds changed\); choose another --out folder"):
        ResultsFolder(tmp_path / "r").open_manifest({"x": 1}, {}, explain=lambda old: "seeds changed",
                                                    hint="--out folder")


def test_non_empty_foreign_folder_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreMismatchError, match="is not empty and is not an experiment results folder"):
        _opened(tmp_path)
    with pytest.raises(StoreMismatchError, match="is not a sensitivity analysis results folder"):
        SensitivityStore(tmp_path).open(IDENTITY | {"function": "f"}, {})
    assert not (tmp_path / "manifest.json").exists()


def test_load_needs_a_manifest(tmp_path):
    with pytest.raises(OutputError, match="no manifest.json"):
        ExperimentStore.load(tmp_path)
    _opened(tmp_path / "r")
    assert ResultsFolder.load(tmp_path / "r").manifest["n"] == 8


def test_parts_are_listed_and_read_in_order(tmp_path):
    store = _opened(tmp_path / "r")
    for k in (2, 0, 1):
        store.write_part(pd.DataFrame({"k": [k]}), f"chunk-{k}.parquet")
    store.write_part(pd.DataFrame({"k": [9]}), "other-9.parquet")
    names = [p.name for p in store.part_files("chunk-*.parquet")]
    assert names == ["chunk-0.parquet", "chunk-1.parquet", "chunk-2.parquet"]
    assert store.concat_parts(names)["k"].tolist() == [0, 1, 2]
    assert store.concat_parts([]).empty


def test_parts_with_different_columns_join_as_pandas_concat_joins_them(tmp_path):
    store = _opened(tmp_path / "r")
    frames = [pd.DataFrame({"scenario": ["a", "a"], "n": [1, 2], "x": [0.5, np.nan], "ok": [True, False]}),
              pd.DataFrame({"scenario": ["b"], "y": [7.0], "n": [3]}),  # x and ok missing, a new column y
              pd.DataFrame({"scenario": ["c"], "n": [4.5], "x": [1.5], "y": [np.nan], "ok": [1]})]  # n float, ok int
    for k, df in enumerate(frames):
        store.write_part(df, f"chunk-{k}.parquet")
    joined = store.concat_parts([f"chunk-{k}.parquet" for k in (2, 0, 1)])
    expected = pd.concat([pd.read_parquet(store.parts / f"chunk-{k}.parquet") for k in (2, 0, 1)], ignore_index=True)
    pd.testing.assert_frame_equal(joined, expected)
    assert list(joined.columns) == ["scenario", "n", "x", "y", "ok"]  # the first part read is chunk-2
    assert joined["scenario"].tolist() == ["c", "a", "a", "b"] and joined["n"].dtype == np.float64
    same = [pd.DataFrame({"k": [k, k + 1], "v": [0.5 * k, np.nan]}) for k in range(3)]  # one schema: the Arrow join
    for k, df in enumerate(same):
        store.write_part(df, f"same-{k}.parquet")
    pd.testing.assert_frame_equal(store.concat_parts([f"same-{k}.parquet" for k in range(3)]),
                                  pd.concat(same, ignore_index=True))


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    write_json(tmp_path / "a.json", {"x": 1})
    assert json.loads((tmp_path / "a.json").read_text()) == {"x": 1}
    assert (tmp_path / "a.json").read_text().endswith("}\n")

    def fail(tmp: Path) -> None:
        tmp.write_text("half")
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "a.json", fail)
    assert json.loads((tmp_path / "a.json").read_text()) == {"x": 1}  # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_concurrent_writers_of_one_part_use_distinct_temporary_files(tmp_path, monkeypatch):
    store = _opened(tmp_path / "r")
    seen: list[str] = []
    barrier = threading.Barrier(8)
    real = results.os.replace

    def replace_when_all_have_written(src, dst):
        # every thread holds its temporary file at once: a shared name would have been overwritten by now
        seen.append(Path(src).name)
        barrier.wait(timeout=10)
        real(src, dst)

    monkeypatch.setattr(results.os, "replace", replace_when_all_have_written)
    frames = [pd.DataFrame({"writer": [i] * 50}) for i in range(8)]
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            store.write_part(frames[i], "same.parquet")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(seen)) == 8
    df = pd.read_parquet(store.parts / "same.parquet")
    assert len(df) == 50 and df["writer"].nunique() == 1  # one whole part, never a mixture
    assert not _leftovers(tmp_path)


def test_consolidation_writes_tables_then_stamps_the_end(tmp_path):
    store = _opened(tmp_path / "r")
    assert store.table("t.parquet") is None
    df = pd.DataFrame({"a": [1, 2]})
    store.consolidate({"t.parquet": df, "t.csv": df})
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "r" / "t.parquet"), df)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "r" / "t.csv"), df)
    assert json.loads((tmp_path / "r" / "manifest.json").read_text())["finished"]
    pd.testing.assert_frame_equal(store.table("t.parquet"), df)


def _result(scenario: str, rep: int) -> TaskResult:
    weekly = pd.DataFrame({"week": [1, 2], "mean_bo": [0.1 * rep, 0.2]})
    return TaskResult((scenario, rep), 100 + rep, {"prop_high_bo_mean": 0.5 + rep}, weekly)


def test_experiment_store_resumes_and_consolidates(tmp_path):
    spec = {"scenarios": ["baseline", "peer-support"], "replicates": 2}
    scenarios = {"baseline": {"file": "/a/baseline.toml", "settings": {}, "parameters": {"g": {"x": 0.0}}},
                 "peer-support": {"file": "/a/peer.toml", "settings": {"x": 1}, "parameters": {"g": {"x": 1.0}}}}
    store = ExperimentStore(tmp_path)
    store.open(spec, scenarios, [1, 2])
    for key in [("peer-support", 1), ("baseline", 0), ("peer-support", 0)]:
        store.add(_result(*key))
    # a moved checkout (other file locations) is the same experiment
    moved = {n: {**d, "file": "/b/" + n} for n, d in scenarios.items()}
    again = ExperimentStore(tmp_path)
    again.open(spec, moved, [1, 2])
    assert again.done() == {("peer-support", 1), ("baseline", 0), ("peer-support", 0)}
    again.add(_result("baseline", 1))
    again.finish()
    runs = ExperimentStore.load(tmp_path).runs()
    assert list(zip(runs["scenario"], runs["replicate"])) == [("baseline", 0), ("baseline", 1),
                                                              ("peer-support", 0), ("peer-support", 1)]
    assert list(runs.columns[:2]) == ["scenario", "replicate"] and runs.columns[-1] == "seed"
    assert len(ExperimentStore.load(tmp_path).timeseries()) == 8
    with pytest.raises(StoreMismatchError, match="replicates: stored 2, now 3"):
        ExperimentStore(tmp_path).open({**spec, "replicates": 3}, scenarios, [1, 2])
    changed = {**scenarios, "peer-support": {**scenarios["peer-support"], "parameters": {"g": {"x": 2.0}}}}
    with pytest.raises(StoreMismatchError, match="scenario peer-support: g.x stored 1.0, now 2.0"):
        ExperimentStore(tmp_path).open(spec, changed, [1, 2])
    with pytest.raises(StoreMismatchError, match="different replicate seeds"):
        ExperimentStore(tmp_path).open(spec, scenarios, [1, 3])
    assert not _leftovers(tmp_path)


def test_sensitivity_store_chunks_resume_without_overwriting(tmp_path):
    key = {**IDENTITY, "function": "mod.f", "outputs": ["y"]}
    store = SensitivityStore(tmp_path)
    store.open(key, {"title": "t"})
    assert store.done() is None
    store.add_chunk(pd.DataFrame({"point": [0, 1], "replicate": [0, 0], "y": [1.0, 2.0]}))
    again = SensitivityStore(tmp_path)
    man = again.open(key, {})
    assert man["spec"] == {"title": "t"} and list(man)[-5:] == ["spec", "versions", "git_commit", "started",
                                                                 "finished"]
    # a chunk that repeats a stored evaluation (a rerun that overlapped) counts once
    again.add_chunk(pd.DataFrame({"point": [1, 2], "replicate": [0, 0], "y": [2.0, 3.0]}))
    assert len(again.part_files("chunk-*.parquet")) == 2
    assert sorted(again.done()["point"]) == [0, 1, 2]
    evals = again.done()
    again.write_design(pd.DataFrame({"a": [0.1], "b": [0.2]}))
    again.finish(evals, pd.DataFrame({"factor": ["a"]}), pd.DataFrame({"output": ["y"]}))
    for name in ("design.parquet", "evaluations.parquet", "indices.parquet", "indices.csv", "noise.csv"):
        assert (tmp_path / name).is_file()
    with pytest.raises(StoreMismatchError, match="different sensitivity analysis .*n: stored 8, now 9"):
        SensitivityStore(tmp_path).open({**key, "n": 9}, {})


def test_a_results_folder_in_use_by_another_process_is_refused(tmp_path):
    import subprocess
    import sys
    import textwrap

    from experiments import compare
    from experiments.results import LOCK
    from experiments.runner import SerialExecutor
    from experiments.single import OutputError

    out = tmp_path / "busy"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from experiments.results import acquire_lock
        from pathlib import Path
        Path({str(out)!r}).mkdir()
        acquire_lock(Path({str(out)!r}))
        print("locked", flush=True)
        time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputError, match=rf"'{out}' is in use by process {holder.pid}; wait for it"):
            compare(["mentoring"], out=out, executor=SerialExecutor(), replicates=2, weeks=13, clinicians=20,
                    burn_in_weeks=0, progress=False, report=False)
        assert sorted(p.name for p in out.iterdir()) == [LOCK]  # nothing written
    finally:
        holder.kill()
        holder.wait()
    # the holder is gone, however it ended: the lock went with it
    res = compare(["mentoring"], out=out, executor=SerialExecutor(), replicates=2, weeks=13, clinicians=20,
                  burn_in_weeks=0, progress=False, report=False)
    assert len(res.runs) == 4
    # released after the run: this process can be replaced by another one
    probe = subprocess.run([sys.executable, "-c", f"from experiments.results import acquire_lock; "
                            f"from pathlib import Path; acquire_lock(Path({str(out)!r})); print('ok')"],
                           capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "ok", probe.stderr


def test_a_written_row_reads_back_as_the_one_row_frame_of_its_values(tmp_path):
    from experiments.results import write_row

    row = {"scenario": "policy@understaffed", "replicate": 3, "mean_bo": 0.31, "proqol_bo_raw": float("nan"),
           "cum_departures": 12.0, "seed": 2**62 + 5, "flag": True}
    write_row(row, tmp_path / "runs-x.parquet")
    back = pd.read_parquet(tmp_path / "runs-x.parquet")
    expected = pd.DataFrame([row])
    pd.testing.assert_frame_equal(back, expected)
    assert list(tmp_path.iterdir()) == [tmp_path / "runs-x.parquet"]  # atomically: no temporary file left


def test_a_written_table_is_the_file_to_parquet_writes_attrs_included(tmp_path):
    import pyarrow.parquet as pq

    from experiments.results import read_part, write_table

    df = pd.DataFrame({"scenario": ["a", "b", "c"], "replicate": np.arange(3), "mean_bo": [0.3, np.nan, 0.5],
                       "ok": [True, False, True], "n_in_post": pd.array([1, None, 3], dtype="Int64")})
    write_table(df, tmp_path / "fast.parquet")
    df.to_parquet(tmp_path / "pandas.parquet", index=False)
    fast, slow = pq.read_schema(tmp_path / "fast.parquet"), pq.read_schema(tmp_path / "pandas.parquet")
    assert fast.equals(slow, check_metadata=True)  # the same columns, types and pandas metadata
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "fast.parquet"), df)
    assert read_part(tmp_path / "fast.parquet").equals(pq.read_table(tmp_path / "pandas.parquet"))
    with_attrs = df.copy()
    with_attrs.attrs["criterion"] = "lowest burnout"
    write_table(with_attrs, tmp_path / "attrs.parquet")
    assert pd.read_parquet(tmp_path / "attrs.parquet").attrs == {"criterion": "lowest burnout"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attrs.parquet", "fast.parquet", "pandas.parquet"]


def test_consolidation_joins_the_runs_stored_this_session_without_reading_them_back(tmp_path, monkeypatch):
    from model import simulate

    spec = {"scenarios": ["baseline", "peer-support"], "replicates": 2}
    scenarios = {n: {"file": f"/a/{n}.toml", "settings": {}, "parameters": {"g": {"x": 0.0}}} for n in spec["scenarios"]}
    first = ExperimentStore(tmp_path / "kept")
    first.open(spec, scenarios, [1, 2])
    # real runs: every column type a comparison stores (floats with NaN, counts, the seed near 2**63)
    runs = {key: simulate({"service.n_posts": 30}, seed=7 + key[1], weeks=6, burn_in_weeks=2)
            for key in [("baseline", 0), ("peer-support", 0), ("baseline", 1), ("peer-support", 1)]}
    first.add(TaskResult(("baseline", 0), 7, runs["baseline", 0].summary, runs["baseline", 0].weekly))
    first.keep(("peer-support", 0), None)  # a run whose tables did not come back: read from its part
    results.store_run(first.parts, TaskResult(("peer-support", 0), 7, runs["peer-support", 0].summary,
                                              runs["peer-support", 0].weekly))
    for key in [("baseline", 1), ("peer-support", 1)]:  # stored by a worker, which hands back its tables
        first.keep(key, results.store_run(first.parts, TaskResult(key, 7 + key[1], runs[key].summary,
                                                                  runs[key].weekly)))
    read, checked = [], []
    monkeypatch.setattr(results, "read_part", lambda path, _read=results.read_part: read.append(path.name) or
                        _read(path))
    monkeypatch.setattr(results, "readable", lambda path, _check=results.readable: checked.append(path.name) or
                        _check(path))
    kept_runs, kept_weekly = first.read_parts()
    # the parts written this session are known to be whole: only the others are checked and read
    assert sorted(read) == sorted(checked) == ["runs-peer-support__r0.parquet", "weekly-peer-support__r0.parquet"]
    monkeypatch.undo()
    from_files = ExperimentStore.load(tmp_path / "kept").read_parts()  # a new process: every part read
    pd.testing.assert_frame_equal(kept_runs, from_files[0])
    pd.testing.assert_frame_equal(kept_weekly, from_files[1])
    assert list(zip(kept_runs["scenario"], kept_runs["replicate"])) == [("baseline", 0), ("baseline", 1),
                                                                        ("peer-support", 0), ("peer-support", 1)]
    # past the memory budget, runs are read back instead of held
    small = ExperimentStore(tmp_path / "small")
    small.open(spec, scenarios, [1, 2])
    monkeypatch.setattr(ExperimentStore, "KEEP_BYTES", 1)
    small.add(TaskResult(("baseline", 0), 7, runs["baseline", 0].summary, runs["baseline", 0].weekly))
    assert small._kept == {} and small._kept_bytes == 0
    pd.testing.assert_frame_equal(small.read_parts()[1], from_files[1][from_files[1]["scenario"] == "baseline"]
                                  [lambda d: d["replicate"] == 0].reset_index(drop=True))

"""Results store: one folder per experiment, written as runs finish, so an interrupted experiment resumes.

Layout of a results folder::

    manifest.json        experiment spec, resolved parameters of every scenario, seeds, versions, git commit,
                         start and end times
    parts/               one runs-*.parquet (one row) and one weekly-*.parquet per finished run, each written
                         atomically (temporary file, then rename): a killed experiment loses only unfinished runs
    runs.parquet         one row per run: scenario, replicate, seed, summary outcomes   (built from parts/)
    timeseries.parquet   one row per run and week                                          (built from parts/)
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd

from .runner import TaskResult
from .single import OutputError, prepare_folder, versions


class StoreMismatchError(ValueError):
    """The folder holds results of a different experiment."""


def fingerprint(spec: dict[str, Any]) -> str:
    """Stable hash of an experiment spec (what must match for results to be resumed)."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]


def git_commit() -> str:
    """The current git commit of the project, or ``"unknown"``."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class ExperimentStore:
    """A results folder.

    Args:
        folder: the results folder (created if missing).

    Attributes:
        folder: the folder.
        manifest: the manifest (empty until :meth:`open` has run).
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.parts = self.folder / "parts"
        self.manifest: dict[str, Any] = {}

    # ------------------------------------------------------------------------------------------------------
    def open(self, spec: dict[str, Any], scenarios: dict[str, Any], seeds: list[int]) -> None:
        """Create the folder and manifest, or check that an existing one holds the same experiment.

        Raises:
            OutputError: the folder cannot be written.
            StoreMismatchError: the folder holds another experiment or unrelated files.
        """
        prepare_folder(self.folder)
        path = self.folder / "manifest.json"
        # file locations are recorded but are not part of the experiment's identity (a moved checkout resumes)
        identity = {n: {k: v for k, v in d.items() if k != "file"} for n, d in scenarios.items()}
        fp = fingerprint({"spec": spec, "scenarios": identity, "seeds": seeds})
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            if old.get("fingerprint") != fp:
                raise StoreMismatchError(
                    f"'{self.folder}' holds results of a different experiment "
                    f"({_describe_difference(old, spec, scenarios)}); choose another --out folder or delete it")
            self.manifest = old
            return
        if any(p.name != ".write-test" for p in self.folder.iterdir()):
            raise StoreMismatchError(f"'{self.folder}' is not empty and is not an experiment results folder; "
                                     "choose another --out folder")
        self.parts.mkdir(exist_ok=True)
        self.manifest = {"fingerprint": fp, "spec": spec, "scenarios": scenarios, "seeds": seeds,
                         "versions": versions(), "git_commit": git_commit(), "started": _now(), "finished": None}
        self._write_manifest()

    @classmethod
    def load(cls, folder: Path) -> ExperimentStore:
        """Open an existing results folder for reading.

        Raises:
            OutputError: no manifest in the folder.
        """
        store = cls(folder)
        path = store.folder / "manifest.json"
        if not path.is_file():
            raise OutputError(f"'{store.folder}' is not an experiment results folder (no manifest.json)")
        store.manifest = json.loads(path.read_text(encoding="utf-8"))
        return store

    # ------------------------------------------------------------------------------------------------------
    def done(self) -> set[tuple[str, int]]:
        """Keys (scenario, replicate) of the runs already stored."""
        out = set()
        for p in self.parts.glob("runs-*.parquet"):
            scenario, _, rep = p.stem.removeprefix("runs-").rpartition("__r")
            out.add((scenario, int(rep)))
        return out

    def add(self, result: TaskResult) -> None:
        """Store one finished run (weekly rows first, so a stored summary always has its weekly rows)."""
        scenario, rep = result.key
        stem = f"{scenario}__r{rep}"
        weekly = result.weekly.copy()
        weekly.insert(0, "replicate", rep)
        weekly.insert(0, "scenario", scenario)
        _atomic_parquet(weekly, self.parts / f"weekly-{stem}.parquet")
        row = {"scenario": scenario, "replicate": rep, **result.summary, "seed": result.seed}
        _atomic_parquet(pd.DataFrame([row]), self.parts / f"runs-{stem}.parquet")

    def finish(self) -> None:
        """Consolidate the parts into runs.parquet and timeseries.parquet and stamp the end time."""
        runs, weekly = self.read_parts()
        _atomic_parquet(runs, self.folder / "runs.parquet")
        _atomic_parquet(weekly, self.folder / "timeseries.parquet")
        self.manifest["finished"] = _now()
        self._write_manifest()

    def read_parts(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(runs, weekly) from the parts, ordered by scenario (manifest order), replicate and week."""
        order = {name: i for i, name in enumerate(self.manifest.get("spec", {}).get("scenarios", []))}
        keys = sorted(self.done(), key=lambda k: (order.get(k[0], len(order)), k[0], k[1]))
        runs = pd.concat([pd.read_parquet(self.parts / f"runs-{s}__r{r}.parquet") for s, r in keys],
                         ignore_index=True) if keys else pd.DataFrame()
        weekly = pd.concat([pd.read_parquet(self.parts / f"weekly-{s}__r{r}.parquet") for s, r in keys],
                           ignore_index=True) if keys else pd.DataFrame()
        return runs, weekly

    def runs(self) -> pd.DataFrame:
        """The runs table (consolidated file if present, else the parts)."""
        path = self.folder / "runs.parquet"
        return pd.read_parquet(path) if path.exists() and self.manifest.get("finished") else self.read_parts()[0]

    def timeseries(self) -> pd.DataFrame:
        """The weekly table of every run."""
        path = self.folder / "timeseries.parquet"
        return pd.read_parquet(path) if path.exists() and self.manifest.get("finished") else self.read_parts()[1]

    def _write_manifest(self) -> None:
        tmp = self.folder / "manifest.json.tmp"
        tmp.write_text(json.dumps(self.manifest, indent=2, default=str) + "\n", encoding="utf-8")
        os.replace(tmp, self.folder / "manifest.json")


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def _describe_difference(old: dict[str, Any], spec: dict[str, Any], scenarios: dict[str, Any]) -> str:
    old_spec = old.get("spec", {})
    diffs = [f"{k}: stored {old_spec.get(k)!r}, now {spec.get(k)!r}" for k in sorted(set(old_spec) | set(spec))
             if old_spec.get(k) != spec.get(k)]
    if not diffs and old.get("scenarios") != scenarios:
        changed = [n for n in scenarios if old.get("scenarios", {}).get(n) != scenarios[n]]
        diffs.append(f"settings of scenario(s) {', '.join(changed) or '?'} changed")
    return "; ".join(diffs) or "different seeds"

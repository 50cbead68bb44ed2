"""Results folders: one protocol for comparisons and sensitivity analyses, written as work finishes.

A results folder holds a ``manifest.json`` (the fingerprint of the experiment's identity, its description,
versions, git commit, start and end times), a ``parts/`` folder of finished pieces, and the tables consolidated
from them. Every file is written atomically (a uniquely named temporary file in the same folder, then
``os.replace``), so a killed run loses only unfinished work and concurrent writers never share a temporary file.
Opening a folder again checks the fingerprint: the same experiment resumes (only what is missing runs), another
one is refused with what differs, and a non-empty folder that is not a results folder is refused.

Layouts built on :class:`ResultsFolder`:

Comparisons (:class:`ExperimentStore`)::

    manifest.json        experiment spec, resolved parameters of every scenario, seeds, versions, git commit,
                         start and end times
    parts/               one runs-*.parquet (one row) and one weekly-*.parquet per finished run
    runs.parquet         one row per run: scenario, replicate, seed, summary outcomes   (built from parts/)
    timeseries.parquet   one row per run and week                                          (built from parts/)

Explorations (:class:`ExploreStore`): the sensitivity layout, with ``experiments.parquet`` (one row per policy,
context, sample and replicate), ``robustness.csv`` and ``prim.csv`` instead of the indices.

Sensitivity analyses (:class:`SensitivityStore`)::

    manifest.json        problem, method and options, evaluated function, outputs, versions, git commit, times
    design.parquet       the design matrix (one row per point)
    parts/               chunk-<pid>-<k>.parquet: finished (point, replicate) evaluations
    evaluations.parquet  one row per (point, replicate)                                    (built from parts/)
    indices.parquet/.csv tidy sensitivity indices
    noise.csv            replicate-noise share per output
"""

from __future__ import annotations

import datetime as _dt
import fcntl
import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .single import OutputError, prepare_folder, versions

if TYPE_CHECKING:  # only for annotations: the runner imports nothing from here
    from .runner import TaskResult

MANIFEST = "manifest.json"
#: threads that read parts when they are consolidated (reading is I/O and decompression, mostly without the GIL)
PART_READERS = 4
#: the advisory lock of a results folder (holds the pid of the process writing it)
LOCK = ".lock"
#: lock files this process holds: resolved path -> [open file descriptor, times taken] (re-entrant)
_HELD: dict[str, list[int]] = {}


class StoreMismatchError(ValueError):
    """The folder holds results of a different experiment."""


def fingerprint(spec: Mapping[str, Any]) -> str:
    """Stable hash of an experiment's identity (what must match for results to be resumed)."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]


def git_commit() -> str:
    """The current git commit of the project, or ``"unknown"``."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def now() -> str:
    """The current UTC time, ISO 8601 to the second (the manifest's ``started``/``finished``)."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


# --------------------------------------------------------------------------------------------------------------
# atomic writes
# --------------------------------------------------------------------------------------------------------------


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(tmp)`` into a unique temporary file of the same folder, then rename.

    The temporary name is unique (``tempfile``), so two writers of the same target, in threads or processes,
    never write into one file; the rename is atomic because it stays within one folder. A failed write
    leaves no temporary file behind.
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_row(row: Mapping[str, Any], path: Path) -> pa.Table:
    """Write one row of plain values as a one-row Parquet table, atomically.

    Written through pyarrow from the values themselves: a third of the cost of going through a one-row
    DataFrame (whose per-column metadata dominates at a hundred columns), and read back as the same frame.
    Column statistics and dictionaries are not written: of one row they hold the row itself again, and at a
    hundred columns they are a third of the cost of the write.

    Returns:
        the table written.
    """
    return write_arrow(pa.Table.from_pylist([dict(row)]), path, write_statistics=False, use_dictionary=False)


def write_arrow(table: pa.Table, path: Path, **options: Any) -> pa.Table:
    """Write an Arrow table as Parquet, atomically (``options``: ``pq.write_table``'s); returns the table."""
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, **options))
    return table


def read_part(path: Path) -> pa.Table:
    """One part as an Arrow table: the file read directly (``pq.read_table`` first builds a dataset of it, which
    costs more than reading a part of one run)."""
    return pq.ParquetFile(path).read(use_threads=False)


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Write a table atomically, as CSV if the name ends in ``.csv``, else as Parquet (no index either way).

    Parquet goes straight through pyarrow, the engine ``DataFrame.to_parquet`` calls: the same file (schema and
    pandas metadata and ``attrs`` included) at about half the cost, which matters for the parts of a comparison
    (two per run).
    """
    if Path(path).suffix == ".csv":
        atomic_write(path, lambda tmp: df.to_csv(tmp, index=False))
    else:
        write_arrow(pa.Table.from_pandas(df, preserve_index=False), path)


def store_run(parts: Path, result: TaskResult) -> tuple[pa.Table, pa.Table]:
    """Store one finished run of a comparison in the folder ``parts`` as its pair of parts, weekly rows first, so a
    stored summary always has its weekly rows.

    What :meth:`ExperimentStore.add` does; a worker process that shares the folder's file system calls it too,
    to store each run as soon as it ends (the files are written atomically, so writers never collide).

    Returns:
        (weekly, summary): the two parts as the Arrow tables written, which read back equal
        (:meth:`ExperimentStore.keep` holds them so that consolidating does not read them again).
    """
    scenario, rep = result.key
    weekly_name, runs_name = run_part_names(result.key)
    weekly = result.weekly.copy()
    weekly.insert(0, "replicate", rep)
    weekly.insert(0, "scenario", scenario)
    weekly_table = write_arrow(pa.Table.from_pandas(weekly, preserve_index=False), Path(parts) / weekly_name)
    row = {"scenario": scenario, "replicate": rep, **result.summary, "seed": result.seed}
    return weekly_table, write_row(row, Path(parts) / runs_name)


def run_part_names(key: tuple[str, int]) -> tuple[str, str]:
    """The names of the two parts of the run ``key`` (scenario, replicate): (weekly, summary)."""
    scenario, rep = key
    return f"weekly-{scenario}__r{rep}.parquet", f"runs-{scenario}__r{rep}.parquet"


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write JSON atomically (indented, with a final newline), so a kill never leaves half a file."""
    text = json.dumps(data, indent=2, default=str) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def differences(old: Mapping[str, Any], identity: Mapping[str, Any], limit: int = 80) -> str:
    """What differs between a stored manifest and an identity whose fields are stored at its top level.

    Values are compared as JSON (a tuple equals the list it was stored as); long values are shortened.
    """
    def plain(v: Any) -> Any:
        return json.loads(json.dumps(v, default=str))

    def short(v: Any) -> str:
        text = repr(v)
        return text if len(text) <= limit else text[:limit - 3] + "..."

    diffs = [f"{k}: stored {short(old.get(k))}, now {short(plain(v))}" for k, v in identity.items()
             if plain(old.get(k)) != plain(v)]
    return "; ".join(diffs) or "different settings"


# --------------------------------------------------------------------------------------------------------------
# the protocol
# --------------------------------------------------------------------------------------------------------------


def readable(path: Path) -> bool:
    """True when ``path`` is a whole Parquet file (its footer and schema read); a truncated or garbage file is not."""
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(path)
    except Exception:  # noqa: BLE001 - pyarrow raises several types (OSError, ArrowInvalid, ...) for a damaged file
        return False
    return True


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of a results folder.

    Raises:
        OutputError: it cannot be read or is not a JSON object (one line: the folder is damaged).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(f"'{path}' cannot be read ({exc}): the results folder is damaged; delete it or choose "
                          "another output folder") from None
    if not isinstance(data, dict):
        raise OutputError(f"'{path}' is not a manifest: the results folder is damaged; delete it or choose another "
                          "output folder")
    return data


def acquire_lock(folder: Path) -> None:
    """Take the advisory lock of a results folder for this process, or say who holds it.

    The lock is an exclusive ``flock`` on ``<folder>/.lock``: the kernel drops it when the holder ends, however it
    ends (a killed process leaves no stale lock). Taken again in the same process, it counts: each
    :func:`release_lock` undoes one :func:`acquire_lock`.

    Raises:
        OutputError: another process holds the lock (the message names its pid).
    """
    path = Path(folder) / LOCK
    key = str(path.resolve())
    if key in _HELD:
        _HELD[key][1] += 1
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "another process"
        os.close(fd)
        raise OutputError(f"'{folder}' is in use by process {holder}; wait for it to finish or choose another "
                          "output folder") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    _HELD[key] = [fd, 1]


def release_lock(folder: Path) -> None:
    """Release the lock :func:`acquire_lock` took (nothing if this process does not hold it)."""
    key = str((Path(folder) / LOCK).resolve())
    held = _HELD.get(key)
    if held is None:
        return
    held[1] -= 1
    if held[1] == 0:
        del _HELD[key]
        fcntl.flock(held[0], fcntl.LOCK_UN)
        os.close(held[0])


class ResultsFolder:
    """A results folder: manifest with identity check, atomic parts, consolidated tables.

    Subclasses give the layout of one kind of experiment; ``kind`` names it in messages.

    Args:
        folder: the results folder (created when opened).

    Attributes:
        folder: the folder.
        parts: the folder of finished parts.
        manifest: the manifest (empty until :meth:`open_manifest` or :meth:`load`).
    """

    kind = "experiment"

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.parts = self.folder / "parts"
        self.manifest: dict[str, Any] = {}
        #: parts written (atomically) during this session and held in memory, by name: known whole, never read back
        self._kept: dict[str, pa.Table] = {}
        self._kept_bytes = 0

    def open_manifest(self, identity: Mapping[str, Any], record: Mapping[str, Any], *,
             explain: Callable[[dict[str, Any]], str] | None = None, hint: str = "folder") -> dict[str, Any]:
        """Create the folder and manifest, or check that an existing one holds the same experiment.

        Args:
            identity: what makes two experiments the same (fingerprinted).
            record: what the manifest describes, after the fingerprint and before versions and times.
            explain: ``explain(stored_manifest) -> text`` of what differs (default: :func:`differences`
                over the identity's fields, for layouts that store them at the manifest's top level).
            hint: what the user should choose another of, e.g. ``"--out folder"``.

        Returns:
            the manifest (the stored one when resuming).

        Raises:
            OutputError: the folder cannot be written.
            StoreMismatchError: the folder holds another experiment or unrelated files.
        """
        prepare_folder(self.folder)
        acquire_lock(self.folder)
        path = self.folder / MANIFEST
        fp = fingerprint(identity)
        if path.exists():
            old = read_manifest(path)
            if old.get("fingerprint") != fp:
                why = explain(old) if explain is not None else differences(old, identity)
                if not why:  # nothing that changes a run differs (a folder of an earlier identity): resume
                    old["fingerprint"] = fp
                    self.manifest = old
                    self.write_manifest()
                    return self.manifest
                raise StoreMismatchError(f"'{self.folder}' holds results of a different {self.kind} ({why}); "
                                         f"choose another {hint} or delete it")
            self.manifest = old
            return self.manifest
        if any(p.name not in (".write-test", LOCK) for p in self.folder.iterdir()):
            raise StoreMismatchError(f"'{self.folder}' is not empty and is not {_article(self.kind)} results "
                                     f"folder; choose another {hint}")
        self.parts.mkdir(exist_ok=True)
        self.manifest = {"fingerprint": fp, **record, "versions": versions(), "git_commit": git_commit(),
                         "started": now(), "finished": None}
        self.write_manifest()
        return self.manifest

    @classmethod
    def load(cls, folder: Path) -> Self:
        """Open an existing results folder for reading.

        Raises:
            OutputError: no manifest in the folder.
        """
        store = cls(folder)
        path = store.folder / MANIFEST
        if not path.is_file():
            raise OutputError(f"'{store.folder}' is not {_article(cls.kind)} results folder (no {MANIFEST})")
        store.manifest = read_manifest(path)
        return store

    def write_manifest(self) -> None:
        """Write the manifest atomically."""
        write_json(self.folder / MANIFEST, self.manifest)

    def write_part(self, df: pd.DataFrame, name: str) -> None:
        """Store one finished part (``parts/<name>``) atomically."""
        write_table(df, self.parts / name)

    def part_files(self, pattern: str) -> list[Path]:
        """Finished, readable parts whose names match ``pattern``, sorted by name (temporary files never match).

        A part that cannot be read (truncated, garbage: a crash while the disk filled, a damaged copy) is set aside
        as ``<name>.damaged`` (kept for inspection, never read again), so the run it held counts as missing and
        runs again.
        """
        out = []
        for path in sorted(self.parts.glob(pattern)):
            if path.name in self._kept or readable(path):
                out.append(path)
            else:
                os.replace(path, path.with_name(path.name + ".damaged"))
        return out

    def concat_parts(self, names: Iterable[str]) -> pd.DataFrame:
        """The parts of ``names`` (in that order) as one table; empty without names. Parts held in memory (written
        during this session) are not read again.

        ``pd.concat`` of the parts read one by one. The parts are read as Arrow tables in a few threads (pyarrow
        reads without the GIL); when they all have one schema, as the parts of one experiment do, they are joined
        as Arrow tables and converted to pandas once, at about a third of the cost. Parts of different schemas
        (a column missing from some, or of another type) are converted one by one and joined by ``pd.concat``,
        so its rules (columns in order of first appearance, a missing column NaN, types widened) always hold.
        """
        names = list(names)
        if not names:
            return pd.DataFrame()
        missing = [self.parts / n for n in names if n not in self._kept]
        read = {}
        if missing:
            with ThreadPoolExecutor(min(PART_READERS, len(missing))) as pool:
                read = dict(zip((p.name for p in missing), pool.map(read_part, missing)))
        tables = [self._kept[n] if n in self._kept else read[n] for n in names]
        if all(t.schema.equals(tables[0].schema) for t in tables[1:]):
            return pa.concat_tables(tables).to_pandas()
        return pd.concat([t.to_pandas() for t in tables], ignore_index=True)

    def write_table(self, df: pd.DataFrame, name: str) -> None:
        """Write a table of the folder (``<folder>/<name>``) atomically."""
        write_table(df, self.folder / name)

    def table(self, name: str) -> pd.DataFrame | None:
        """A consolidated table if the experiment finished and wrote it (else None: read the parts)."""
        path = self.folder / name
        if not (self.manifest.get("finished") and path.exists() and readable(path)):
            return None  # not finished, deleted or damaged: the parts hold the same rows
        return pd.read_parquet(path)

    def tables_complete(self, names: Iterable[str]) -> bool:
        """True when every consolidated table of ``names`` exists and is readable."""
        return all((self.folder / n).exists() and (not n.endswith(".parquet") or readable(self.folder / n))
                   for n in names)

    def consolidate(self, tables: Mapping[str, pd.DataFrame]) -> None:
        """Write the consolidated tables, then stamp the end time in the manifest.

        The stamp comes last, so a folder marked finished always has its tables.
        """
        for name, df in tables.items():
            self.write_table(df, name)
        self.manifest["finished"] = now()
        self.write_manifest()


def _article(kind: str) -> str:
    return ("an " if kind[:1] in "aeiou" else "a ") + kind


# --------------------------------------------------------------------------------------------------------------
# comparisons
# --------------------------------------------------------------------------------------------------------------


class ExperimentStore(ResultsFolder):
    """The results folder of a replicated comparison: one pair of parts per (scenario, replicate).

    Args:
        folder: the results folder (created if missing).
    """

    kind = "experiment"

    def open(self, spec: dict[str, Any], scenarios: dict[str, Any], seeds: list[int]) -> dict[str, Any]:
        """Create the folder and manifest, or check that an existing one holds the same experiment.

        Raises:
            OutputError: the folder cannot be written.
            StoreMismatchError: the folder holds another experiment or unrelated files.
        """
        # an experiment is its design and each scenario's resolved parameters: how a file spells a value
        # (1 or 1.0, a setting equal to its default), its title and its location do not change what runs
        identity = {n: {"parameters": d["parameters"]} for n, d in scenarios.items()}
        return self.open_manifest({"spec": spec, "scenarios": identity, "seeds": seeds},
                            {"spec": spec, "scenarios": scenarios, "seeds": seeds},
                            explain=lambda old: _describe_difference(old, spec, scenarios, seeds), hint="--out folder")

    #: the consolidated tables of a finished experiment
    TABLES = ("runs.parquet", "timeseries.parquet")

    @classmethod
    def load(cls, folder: Path) -> Self:
        """Open an existing comparison folder for reading.

        Raises:
            OutputError: no manifest, a damaged one, or the folder of a sensitivity analysis.
        """
        store = super().load(folder)
        if "method" in store.manifest and "scenarios" not in store.manifest.get("spec", {}):
            raise OutputError(f"'{store.folder}' holds a sensitivity analysis, not a comparison: its results are "
                              "indices.csv, evaluations.parquet and the plots in that folder (`resilience report` "
                              "rebuilds comparison reports)")
        return store

    def done(self) -> set[tuple[str, int]]:
        """Keys (scenario, replicate) of the runs already stored whole: both parts readable, the scenario and
        replicate part of this experiment. Anything else in ``parts/`` (a stray file, a part of a scenario outside
        the experiment, half a pair) is not a stored run; a run with a missing or damaged part runs again."""
        spec = self.manifest.get("spec", {})
        scenarios, replicates = set(spec.get("scenarios", [])), spec.get("replicates")

        def keys(prefix: str) -> set[tuple[str, int]]:
            out = set()
            for p in self.part_files(f"{prefix}-*__r*.parquet"):
                scenario, _, rep = p.stem.removeprefix(f"{prefix}-").rpartition("__r")
                if not rep.isdigit() or (scenarios and scenario not in scenarios):
                    continue
                if replicates is not None and int(rep) >= int(replicates):
                    continue
                out.add((scenario, int(rep)))
            return out

        return keys("runs") & keys("weekly")

    #: at most this many bytes of stored runs are kept in memory for consolidation (beyond it they are read back)
    KEEP_BYTES = 512 * 2**20

    def add(self, result: TaskResult) -> None:
        """Store one finished run (:func:`store_run`) and keep its tables for consolidation (:meth:`keep`)."""
        self.keep(result.key, store_run(self.parts, result))

    def keep(self, key: tuple[str, int], tables: tuple[pa.Table, pa.Table] | None) -> None:
        """Hold the parts of a run stored during this session, ``tables`` as :func:`store_run` returns them, so that
        :meth:`finish` joins them without reading the files back, or checking them (they were written atomically),
        up to :data:`KEEP_BYTES` (None: nothing to hold)."""
        if tables is None:
            return
        size = sum(t.nbytes for t in tables)
        if self._kept_bytes + size <= self.KEEP_BYTES:
            self._kept.update(zip(run_part_names(key), tables))
            self._kept_bytes += size

    def finish(self) -> None:
        """Consolidate the parts into runs.parquet and timeseries.parquet and stamp the end time."""
        runs, weekly = self.read_parts()
        self.consolidate({"runs.parquet": runs, "timeseries.parquet": weekly})

    def read_parts(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(runs, weekly) from the parts, ordered by scenario (manifest order), replicate and week."""
        order = {name: i for i, name in enumerate(self.manifest.get("spec", {}).get("scenarios", []))}
        keys = sorted(self.done(), key=lambda k: (order.get(k[0], len(order)), k[0], k[1]))
        names = [run_part_names(k) for k in keys]
        return self.concat_parts(r for _, r in names), self.concat_parts(w for w, _ in names)

    def runs(self) -> pd.DataFrame:
        """The runs table (consolidated file if present, else the parts)."""
        table = self.table("runs.parquet")
        return table if table is not None else self.read_parts()[0]

    def timeseries(self) -> pd.DataFrame:
        """The weekly table of every run."""
        table = self.table("timeseries.parquet")
        return table if table is not None else self.read_parts()[1]


def _flat(parameters: Mapping[str, Any]) -> dict[str, Any]:
    return {f"{g}.{k}": v for g, table in parameters.items() for k, v in table.items()}


def _describe_difference(old: dict[str, Any], spec: dict[str, Any], scenarios: dict[str, Any],
                         seeds: list[int]) -> str:
    """What differs between a stored experiment and this one: the design, the scenarios, their resolved
    parameters (by name, first few), or the seeds; "" when nothing that changes a run differs."""
    old_spec = old.get("spec", {})
    diffs = [f"{k}: stored {old_spec.get(k)!r}, now {spec.get(k)!r}" for k in sorted(set(old_spec) | set(spec))
             if old_spec.get(k) != spec.get(k) and k != "scenarios"]
    old_sc = old.get("scenarios", {})
    if list(old_sc) != list(scenarios):
        diffs.append(f"scenarios: stored {', '.join(old_sc)}; now {', '.join(scenarios)}")
    for name in scenarios:
        if name not in old_sc:
            continue
        a = _flat(json.loads(json.dumps(old_sc[name].get("parameters", {}))))
        b = _flat(json.loads(json.dumps(scenarios[name]["parameters"], default=str)))
        changed = [f"{k} stored {a.get(k)!r}, now {b.get(k)!r}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        if changed:
            more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
            diffs.append(f"scenario {name}: {'; '.join(changed[:3])}{more}")
    if not diffs and old.get("seeds") != seeds:
        diffs.append("different replicate seeds")
    return "; ".join(diffs)


# --------------------------------------------------------------------------------------------------------------
# sensitivity analyses
# --------------------------------------------------------------------------------------------------------------


class SensitivityStore(ResultsFolder):
    """The results folder of a sensitivity analysis: evaluations stored chunk by chunk.

    Args:
        folder: the results folder (created if missing).
    """

    kind = "sensitivity analysis"

    def __init__(self, folder: Path):
        super().__init__(folder)
        self._next = 0

    def open(self, key: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
        """Create the folder and manifest, or check that an existing one holds the same analysis.

        Args:
            key: the analysis' identity (problem, method, options, ``function``, outputs), stored at the top
                level of the manifest.
            spec: extra description stored under ``spec``.

        Raises:
            OutputError: the folder cannot be written.
            StoreMismatchError: the folder holds another analysis or unrelated files.
        """
        record = {**{k: v for k, v in key.items() if k != "function"}, "function": key["function"],
                  "spec": dict(spec)}
        manifest = self.open_manifest(key, record)
        # chunk names carry the writer's pid and a counter that starts past every stored chunk, so a resumed
        # run never overwrites a chunk (not even one of an earlier process that had the same pid)
        self._next = len(list(self.parts.glob("chunk-*")))  # set-aside damaged chunks count too
        return manifest

    def done(self) -> pd.DataFrame | None:
        """Evaluations already stored (one row per (point, replicate)), or None when there are none."""
        parts = self.part_files("chunk-*.parquet")
        if not parts:
            return None
        return self.concat_parts(p.name for p in parts).drop_duplicates(["point", "replicate"])

    def add_chunk(self, df: pd.DataFrame) -> None:
        """Store one finished chunk of evaluations."""
        name = f"chunk-{os.getpid()}-{self._next:06d}.parquet"
        self._next += 1
        self.write_part(df, name)

    def write_design(self, design: pd.DataFrame) -> None:
        """Write the design matrix (``design.parquet``)."""
        self.write_table(design, "design.parquet")

    def finish(self, evaluations: pd.DataFrame, indices: pd.DataFrame, noise: pd.DataFrame) -> None:
        """Write evaluations, indices and noise shares, then stamp the end time."""
        self.consolidate({"evaluations.parquet": evaluations, "indices.parquet": indices, "indices.csv": indices,
                          "noise.csv": noise})


class ExploreStore(SensitivityStore):
    """The results folder of an exploration (``resilience explore``): evaluations stored chunk by chunk, like a
    sensitivity analysis, then ``experiments.parquet``, ``robustness.csv`` and ``prim.csv``.
    """

    kind = "exploration"

    def finish(self, tables: Mapping[str, pd.DataFrame]) -> None:  # type: ignore[override]
        """Write the consolidated tables, then stamp the end time."""
        self.consolidate(tables)

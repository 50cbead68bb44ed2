"""Calibrated ensembles in comparisons: read ``ensemble.parquet`` and give each replicate one plausible parameter set.

A comparison over an ensemble (``resilience compare ... --ensemble DIR/ensemble.parquet``) draws one row of the
ensemble per replicate, with probability proportional to its weight, from a stream of the comparison's root seed.
Replicate ``r`` uses the same row and the same seed in every scenario, so comparisons stay paired, and the spread
over replicates then holds parameter uncertainty as well as run-to-run noise.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd

from model import ParameterError, Parameters

from .errors import ExperimentError

#: spawn key of the ensemble draws under the comparison's root seed (the replicate seeds use the root's children
#: 0..n-1 in :func:`experiments.runner.replicate_seeds`; this key cannot collide with them)
DRAW_KEY = (2**32 - 1, 0x656E73)  # "ens"
#: how far the weights may sum from 1
WEIGHT_TOLERANCE = 1e-6


def read_ensemble(path: str | Path) -> pd.DataFrame:
    """Read and check an ensemble: one column per parameter (dotted name), a ``weight`` column summing to 1.

    Returns:
        the ensemble, whole-number parameters as integers.

    Raises:
        ExperimentError: one line naming the file, the column or row, the value and what is allowed.
    """
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.is_file():
        raise ExperimentError(f"--ensemble {path}: no such file (give the ensemble.parquet of a `resilience "
                              "calibrate` results folder)")
    try:
        df = pq.read_table(path).to_pandas()
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a file that is not Parquet
        raise ExperimentError(f"--ensemble {path}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    if "weight" not in df.columns:
        raise ExperimentError(f"--ensemble {path}: no 'weight' column (an ensemble has one column per parameter "
                              "and a 'weight' column summing to 1)")
    names = [c for c in df.columns if c != "weight"]
    if not names:
        raise ExperimentError(f"--ensemble {path}: no parameter columns besides 'weight'")
    if df.empty:
        raise ExperimentError(f"--ensemble {path}: no rows")
    for name in names:
        try:
            Parameters.spec(name)
        except ParameterError as exc:
            raise ExperimentError(f"--ensemble {path}: column '{name}' is not a parameter ({exc})") from None
    w = pd.to_numeric(df["weight"], errors="coerce").to_numpy(float)
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        raise ExperimentError(f"--ensemble {path}: row {bad[0]}: weight = {w[bad[0]]:g}; weights "
                              "must be numbers of at least 0")
    if not math.isclose(w.sum(), 1.0, abs_tol=WEIGHT_TOLERANCE):
        raise ExperimentError(f"--ensemble {path}: the weights sum to {w.sum():.6g}; they must sum to 1")
    out = df[names].copy()
    for name in names:
        if Parameters.spec(name).type is int:
            out[name] = out[name].round().astype(int)
    out["weight"] = w
    for i, row in enumerate(out[names].to_dict("records")):
        try:
            Parameters().with_overrides(row)
        except ParameterError as exc:
            raise ExperimentError(f"--ensemble {path}: row {i}: {exc}") from None
    return out


def fingerprint(df: pd.DataFrame) -> str:
    """A content hash of an ensemble (part of a comparison's identity: another ensemble is another experiment)."""
    return hashlib.sha256(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes()).hexdigest()[:16]


def draw_rows(ensemble: pd.DataFrame, replicates: int, root_seed: int) -> list[int]:
    """The ensemble row of each replicate: ``replicates`` draws with replacement, by weight, from the root seed."""
    rng = np.random.default_rng(np.random.SeedSequence(root_seed, spawn_key=DRAW_KEY))
    w = ensemble["weight"].to_numpy(float)
    return [int(i) for i in rng.choice(len(ensemble), size=replicates, p=w / w.sum())]


def replicate_draws(path: str | Path, replicates: int, root_seed: int) -> tuple[list[dict], dict]:
    """Read an ensemble and draw every replicate's parameter set.

    Returns:
        (overrides of each replicate, description for manifests: file, fingerprint, parameters, rows).
    """
    table = read_ensemble(path)
    rows = draw_rows(table, replicates, root_seed)
    described = {"file": str(path), "fingerprint": fingerprint(table),
                 "parameters": [c for c in table.columns if c != "weight"], "rows": rows}
    return [overrides_of(table, row) for row in rows], described


def overrides_of(ensemble: pd.DataFrame, row: int) -> dict[str, float | int]:
    """The parameter values of one ensemble row, as dotted overrides."""
    rec = ensemble.drop(columns="weight").iloc[row].to_dict()
    return {k: (int(v) if Parameters.spec(k).type is int else float(v)) for k, v in rec.items()}

"""Staff snapshot files (CSV or Parquet, one row per post, no names), read and checked.

Columns::

    post               a unique identifier of the post (text or number)
    team               the team the post belongs to (text)
    role               "clinician" or "specialist" (a trauma specialist); empty for a vacant post
    fte                full-time equivalent of the post, above 0 and at most 1
    tenure_weeks       weeks the clinician has been in post (0 or more; empty for a vacant post)
    caseload_low, caseload_moderate, caseload_high
                       open cases by trauma level (whole numbers, 0 or more; together at most the caseload cap
                       of the post, caseload.cap_per_fte x fte)
    vacant             optional: true for a vacant post (its caseload must be 0)

A scenario names its snapshot with ``staff_snapshot = "staff.csv"`` (a path relative to the scenario file).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from model import Parameters
from model.staff import StaffSnapshot

REQUIRED = ("post", "team", "role", "fte", "tenure_weeks", "caseload_low", "caseload_moderate", "caseload_high")
OPTIONAL = ("vacant",)
ROLES = ("clinician", "specialist")
CASELOAD = ("caseload_low", "caseload_moderate", "caseload_high")
TRUE, FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n", ""}


class StaffError(ValueError):
    """A bad staff snapshot (one line: file, row, column, value, what is allowed)."""


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise StaffError(f"{path}: no such staff snapshot file")
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except Exception as exc:  # noqa: BLE001 - pandas and pyarrow raise many types for unreadable files
        raise StaffError(f"{path}: cannot be read as a staff snapshot ({str(exc).splitlines()[0]})") from None
    raise StaffError(f"{path}: a staff snapshot is a .csv or .parquet file")


def _number(path, row, column, text, *, whole=False) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        value = float("nan")
    if not np.isfinite(value) or (whole and value != int(value)):
        kind = "a whole number" if whole else "a number"
        raise StaffError(f"{path}: row {row}: {column} = {text!r}: expected {kind}")
    return value


def read_staff(path: str | Path, params: Parameters | None = None) -> StaffSnapshot:
    """Read a staff snapshot and check every row (against ``params``' caseload cap, if given).

    Raises:
        StaffError: one line naming the file, the row (1 = the first data row), the column, the value and what
            is allowed.
    """
    path = Path(path)
    df = _read(path)
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise StaffError(f"{path}: missing column(s) {', '.join(missing)}; a staff snapshot has the columns "
                         f"{', '.join(REQUIRED)} (and optionally {', '.join(OPTIONAL)})")
    unknown = [c for c in df.columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise StaffError(f"{path}: unknown column(s) {', '.join(unknown)}; allowed: {', '.join(REQUIRED + OPTIONAL)}"
                         " (no names or other personal data)")
    if df.empty:
        raise StaffError(f"{path}: no rows: a staff snapshot has one row per post")
    df = df.astype(str).apply(lambda col: col.str.strip())
    dup = df["post"].duplicated(keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise StaffError(f"{path}: row {i + 1}: post = {df['post'].iloc[i]!r} is given twice; each post once")
    cap_per_fte = (params or Parameters()).caseload.cap_per_fte
    rows = []
    for i, r in enumerate(df.to_dict("records"), start=1):
        if not r["team"]:
            raise StaffError(f"{path}: row {i}: team is empty; every post belongs to a team")
        flag = r.get("vacant", "").lower()
        if flag not in TRUE | FALSE:
            raise StaffError(f"{path}: row {i}: vacant = {r['vacant']!r}: expected true or false")
        vacant = flag in TRUE
        fte = _number(path, i, "fte", r["fte"])
        if not 0 < fte <= 1:
            raise StaffError(f"{path}: row {i}: fte = {r['fte']!r}: expected a number above 0 and at most 1")
        cases = [_number(path, i, c, r[c] or "0", whole=True) for c in CASELOAD]
        for c, v in zip(CASELOAD, cases):
            if v < 0:
                raise StaffError(f"{path}: row {i}: {c} = {r[c]!r}: expected a whole number of at least 0")
        if vacant:
            if sum(cases):
                raise StaffError(f"{path}: row {i}: a vacant post has {int(sum(cases))} open cases; a vacant "
                                 "post's caseload is 0")
            rows.append((r["team"], False, fte, False, 0, cases))
            continue
        if r["role"] not in ROLES:
            raise StaffError(f"{path}: row {i}: role = {r['role']!r}: expected one of {', '.join(ROLES)}")
        tenure = _number(path, i, "tenure_weeks", r["tenure_weeks"], whole=True)
        if tenure < 0:
            raise StaffError(f"{path}: row {i}: tenure_weeks = {r['tenure_weeks']!r}: expected 0 or more")
        cap = cap_per_fte * fte
        if sum(cases) > cap:
            raise StaffError(f"{path}: row {i}: caseload {int(sum(cases))} is above the cap of the post "
                             f"({cap:g} = caseload.cap_per_fte {cap_per_fte:g} x fte {fte:g})")
        rows.append((r["team"], True, fte, r["role"] == "specialist", int(tenure), cases))
    names = tuple(dict.fromkeys(t for t, *_ in rows))
    order = sorted(range(len(rows)), key=lambda k: (names.index(rows[k][0]), k))  # posts grouped by team
    rows = [rows[k] for k in order]
    return StaffSnapshot(
        team=np.array([names.index(t) for t, *_ in rows], np.int64),
        team_names=names,
        occupied=np.array([o for _, o, *_ in rows], bool),
        fte=np.array([f for _, _, f, *_ in rows], float),
        specialist=np.array([s for *_, s, _, _ in rows], bool),
        weeks_in_post=np.array([w for *_, w, _ in rows], np.int64),
        caseload=np.array([c for *_, c in rows], np.int64).T.copy(),
        source=str(path))

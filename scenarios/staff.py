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
    team_type          optional: the team's type (a name the scenario's [[team_types]] declare; every post of a
                       team has the same type). Without declared team types, the snapshot's types run with the
                       service-wide parameters, and results are still broken down by them.

A scenario names its snapshot with ``staff_snapshot = "staff.csv"`` (a path relative to the scenario file).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from model import Parameters
from model.staff import StaffSnapshot

from .loader import SAFE_NAME

REQUIRED = ("post", "team", "role", "fte", "tenure_weeks", "caseload_low", "caseload_moderate", "caseload_high")
OPTIONAL = ("vacant", "team_type")
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


def read_staff(path: str | Path, params: Parameters | None = None, team_types=None) -> StaffSnapshot:
    """Read a staff snapshot and check every row (against ``params``' caseload cap, if given).

    Args:
        path: the CSV or Parquet file.
        params: the scenario's parameters (the caseload cap), or None for the defaults.
        team_types: the scenario's declared team types (:class:`~model.service.TeamType`), or None; with them
            the ``team_type`` column is required, its values must be declared types, and each post's cap is its
            type's.

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
    declared = {t.name: t for t in team_types or ()}
    if declared and "team_type" not in df.columns:
        raise StaffError(f"{path}: missing column team_type; the scenario declares team types "
                         f"({', '.join(declared)}), so every post needs one")
    type_of_team: dict[str, str] = {}
    rows = []
    for i, r in enumerate(df.to_dict("records"), start=1):
        if not r["team"]:
            raise StaffError(f"{path}: row {i}: team is empty; every post belongs to a team")
        rel_cap = 1.0
        if "team_type" in r:
            kind = r["team_type"]
            if not SAFE_NAME.fullmatch(kind) or (declared and kind not in declared):
                allowed = (f"one of {', '.join(declared)}" if declared else
                           "a team type name of letters, digits, '-', '_' and '.'")
                raise StaffError(f"{path}: row {i}: team_type = {kind!r}: expected {allowed}")
            if type_of_team.setdefault(r["team"], kind) != kind:
                raise StaffError(f"{path}: row {i}: team_type = {kind!r} but team {r['team']!r} is "
                                 f"{type_of_team[r['team']]!r} in an earlier row; a team has one type")
            rel_cap = declared[kind].rel_cap if declared else 1.0
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
        cap = cap_per_fte * rel_cap * fte
        if sum(cases) > cap + 1e-9:
            per_fte = (f"cap_per_fte {cap_per_fte * rel_cap:g} of team type {r['team_type']}" if rel_cap != 1.0
                       else f"caseload.cap_per_fte {cap_per_fte:g}")
            raise StaffError(f"{path}: row {i}: caseload {int(sum(cases))} is above the cap of the post "
                             f"({cap:g} = {per_fte} x fte {fte:g})")
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
        source=str(path), type_of_team=tuple(type_of_team[t] for t in names) if type_of_team else ())

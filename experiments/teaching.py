"""Small helpers the notebook course calls, so its cells hold no model logic and no retyped constants.

Each reads what the model and the packages already hold: the state arrays of a running model (a team view),
the stored paired runs of a comparison (what pairing buys), and the published targets (the evidence a programme's
effect is held against).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from model import WorkforceModel
from model.state import VACANT

from .comparison import norm_sd
from .validation import icc1, load_targets


def team_view(model: WorkforceModel) -> pd.DataFrame:
    """One row per team of a running model: clinicians in post, their mean burnout and STS, the team's leader
    support and psychological safety, sorted from the most to the least burnt-out team."""
    ws, r = model.workforce, model.roster
    here = ws.status != VACANT
    df = pd.DataFrame({"team": ws.team[here], "burnout": ws.bo[here], "sts": ws.sts[here],
                       "leader_support": r.leader[here], "psych_safety": r.safety[here]})
    out = df.groupby("team").agg(clinicians=("burnout", "size"), burnout=("burnout", "mean"), sts=("sts", "mean"),
                                 leader_support=("leader_support", "mean"), psych_safety=("psych_safety", "mean"))
    return out.sort_values("burnout", ascending=False).reset_index()


def burnout_clustering(model: WorkforceModel) -> float:
    """ICC(1) of burnout by team among clinicians in post: the share of burnout's variance that lies between
    teams (docs/ODD.md section 9)."""
    ws = model.workforce
    here = ws.status != VACANT
    return icc1(ws.bo[here], ws.team[here])


def pairing_gain(runs: pd.DataFrame, scenario: str, baseline: str, metric: str, level: float = 0.95) -> pd.DataFrame:
    """The same runs compared twice: paired by replicate (common random numbers) and as if they were independent
    (Welch's t interval). Shows how much narrower pairing makes the interval.

    Returns:
        two rows (``paired``, ``unpaired``): ``diff``, ``ci_low``, ``ci_high``, ``width``.
    """
    a = runs[runs["scenario"] == scenario].set_index("replicate")[metric]
    b = runs[runs["scenario"] == baseline].set_index("replicate")[metric]
    common = a.index.intersection(b.index)
    a, b = a.loc[common].to_numpy(float), b.loc[common].to_numpy(float)
    n = len(common)
    d = a - b
    half_p = stats.t.ppf(0.5 + level / 2, n - 1) * d.std(ddof=1) / np.sqrt(n)
    va, vb = a.var(ddof=1) / n, b.var(ddof=1) / n
    dof = (va + vb) ** 2 / (va ** 2 / (n - 1) + vb ** 2 / (n - 1)) if va + vb > 0 else n - 1
    half_u = stats.t.ppf(0.5 + level / 2, dof) * np.sqrt(va + vb)
    mean = float(d.mean())
    return pd.DataFrame({"comparison": ["paired", "unpaired"], "diff": [mean, mean],
                         "ci_low": [mean - half_p, mean - half_u], "ci_high": [mean + half_p, mean + half_u],
                         "width": [2 * half_p, 2 * half_u]})


def effects_against_evidence(diffs: pd.DataFrame, metric: str = "proqol_bo_raw_mean") -> pd.DataFrame:
    """Each scenario's fall in ProQOL burnout in norm SDs, next to the published ranges the validation holds
    programmes to (``experiments/targets.toml``: a wellness programme, the organisational bundle)."""
    d = diffs[diffs["metric"] == metric]
    sd = norm_sd(metric)
    out = pd.DataFrame({"scenario": d["scenario"], "fall_in_sd": -d["diff"] / sd,
                        "ci_low": -d["ci_high"] / sd, "ci_high": -d["ci_low"] / sd}).reset_index(drop=True)
    evidence = {t.name: t for t in load_targets()}
    ranges = {"wellness-programme": evidence["effect_wellness"], "organisational-bundle": evidence["effect_bundle"]}
    out["published_range"] = [f"{ranges[s].low:g}-{ranges[s].high:g} SD ({ranges[s].source})" if s in ranges else ""
                              for s in out["scenario"]]
    return out

"""The dashboard's charts, drawn from a :class:`~experiments.dashboard.session.Session` (matplotlib ``Figure``
objects, not pyplot, so a long live run does not keep every frame alive).

Each chart names the section of ``docs/ODD.md`` that says how its numbers are made (:data:`ODD_SECTIONS`; the
page shows that section under the chart).
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from model.outcomes import BY_NAME
from model.state import VACANT

from ..teaching import team_view
from .session import Session, lever_timeline

COLOURS = {"baseline": "0.4", "policy": "tab:blue"}
#: chart -> the ODD sections that say how it is computed (numbers as in docs/ODD.md's headings)
ODD_SECTIONS = {
    "over the weeks": ("7.4", "7.5", "7.1"),
    "survey": ("7.6",),
    "costs": ("7.8",),
    "teams": ("2.2",),
    "network": ("2.2", "4.8"),
    "timeline": ("3",),
}


def weeks_figure(session: Session) -> Figure:
    """Two rows: burnout, vacancies and the survey's burnout score over the weeks (policy and reference: median
    and range over replicates; survey scores as points at survey weeks); then the staffing loop (caseload and
    cumulative departures), cumulative cost, and the ProQOL burnout bands of the latest survey."""
    t = session.table()
    fig = Figure(figsize=(12, 6.4))
    axes = fig.subplots(2, 3)
    for arm, colour in COLOURS.items():
        d = t[t["arm"] == arm].groupby("week")
        for ax, outcome in zip((axes[0, 0], axes[0, 1], axes[1, 0]), ("mean_bo", "prop_vacant",
                                                                      "caseload_per_clinician")):
            q = d[outcome].quantile([0.0, 0.5, 1.0]).unstack()
            ax.fill_between(q.index, q[0.0], q[1.0], color=colour, alpha=0.2, lw=0)
            ax.plot(q.index, q[0.5], color=colour, label=arm)
        surveys = t[(t["arm"] == arm) & t["proqol_bo_raw"].notna()]  # survey outcomes: points at survey weeks
        axes[0, 2].plot(surveys["week"], surveys["proqol_bo_raw"], "o", color=colour, ms=4, label=arm)
        mine = t[t["arm"] == arm].sort_values("week")
        cum = mine.groupby("replicate")[["new_departures", "new_total_cost"]].cumsum().assign(week=mine["week"])
        c = cum.groupby("week").mean()
        axes[1, 1].plot(c.index, c["new_departures"], color=colour, label=f"{arm}: departures")
        axes[1, 1].plot(c.index, c["new_total_cost"] / 1e4, color=colour, ls="--",
                        label=f"{arm}: cost (10,000s)")
    for ax, outcome in zip((axes[0, 0], axes[0, 1], axes[0, 2], axes[1, 0]),
                           ("mean_bo", "prop_vacant", "proqol_bo_raw", "caseload_per_clinician")):
        ax.set_title(f"{BY_NAME[outcome].label} ({BY_NAME[outcome].unit})", fontsize=9, y=1.0, pad=4)
    axes[1, 1].set_title("Cumulative departures and cost (mean over replicates)", fontsize=9, y=1.0, pad=4)
    latest = t[t["proqol_bo_raw"].notna()]
    if not latest.empty:  # the ProQOL burnout bands of the latest survey, mean over replicates
        last = latest[latest["week"] == latest["week"].max()].groupby("arm")[
            ["prop_bo_low", "prop_bo_average", "prop_bo_high"]].mean()
        last.columns = ["low", "average", "high"]
        last.plot.barh(stacked=True, ax=axes[1, 2], color=["tab:green", "0.75", "tab:red"], legend=False)
        axes[1, 2].set_title(f"ProQOL burnout bands, survey of week {int(latest['week'].max())}", fontsize=9,
                             y=1.0, pad=4)
        axes[1, 2].set_xlabel("share of respondents")
        axes[1, 2].set_ylabel("")
    else:
        axes[1, 2].set_title("ProQOL burnout bands: no survey yet (every 13 weeks)", fontsize=9)
        axes[1, 2].set_axis_off()
    for ax in axes.ravel()[:5]:
        ax.set_xlabel("week")
        ax.legend(fontsize=6)
    # fixed margins and titles at the top edge: a layout engine, and a title's search for tick labels in its way,
    # each measure every label with one more drawing (about as long as the drawing itself)
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.08, top=0.95, wspace=0.28, hspace=0.38)
    return fig


def teams_figure(session: Session) -> Figure:
    """The teams of the policy's first replicate, most burnt-out first, coloured by leader support."""
    teams = team_view(session.models[("policy", 0)])
    fig = Figure(figsize=(12, 2.4))
    ax = fig.subplots()
    ax.bar(range(len(teams)), teams["burnout"], color=matplotlib.colormaps["viridis"](teams["leader_support"]))
    ax.set_xlabel("team (policy, replicate 1; most burnt-out first; colour: leader support, brighter is more)")
    ax.set_ylabel("mean burnout")
    fig.tight_layout()
    return fig


def network_figure(session: Session) -> Figure:
    """The peer network in force in the policy's first replicate: posts at fixed places (teams cluster), ties
    as lines (a peer support programme's extra ties appear while it runs), clinicians coloured by burnout on the
    model's 0-1 scale, vacant posts as hollow circles."""
    with session.lock:
        m = session.models[("policy", 0)]
        adj = m.peer_network().tocoo()
        bo = m.workforce.bo.copy()
        vacant = m.workforce.status == VACANT
    xy = session.positions
    upper = adj.row < adj.col
    fig = Figure(figsize=(6, 5))
    ax = fig.subplots()
    ax.add_collection(LineCollection(np.stack([xy[adj.row[upper]], xy[adj.col[upper]]], axis=1),
                                     colors="0.8", linewidths=0.4, zorder=1))
    here = ~vacant
    dots = ax.scatter(xy[here, 0], xy[here, 1], c=bo[here], cmap="magma_r", vmin=0, vmax=1, s=18, zorder=2)
    ax.scatter(xy[vacant, 0], xy[vacant, 1], facecolors="none", edgecolors="0.5", s=18, zorder=2,
               label="vacant post")
    fig.colorbar(dots, ax=ax, label="burnout (0-1)", shrink=0.8)
    ax.set_title(f"Peer network, policy replicate 1, week {session.week}: {int(upper.sum()):,} ties, "
                 f"{int(vacant.sum())} vacant posts", fontsize=9)
    ax.set_axis_off()
    if vacant.any():
        ax.legend(fontsize=7, loc="lower right")
    ax.autoscale_view()
    fig.tight_layout()
    return fig


def timeline_figure(session: Session) -> Figure:
    """When each lever the policy changes starts: one bar per lever group from its start week to the end of the
    current year of the run (the reference's values until the start), labelled with what it sets, and a line at
    the current week."""
    rows = lever_timeline(session.base, session.policy)
    end = max(52, -(-session.week // 52) * 52)
    fig = Figure(figsize=(6, 0.6 + 0.45 * max(len(rows), 1)))
    ax = fig.subplots()
    for i, row in enumerate(rows):
        ax.barh(i, end - row.start_week, left=row.start_week, color="tab:blue", alpha=0.35)
        what = ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in row.settings.items())
        ax.text(row.start_week + 0.5, i, f"{row.label}: {what}", va="center", fontsize=7)
    if not rows:
        ax.text(0.5, 0.5, "the policy as set changes no lever", ha="center", va="center", transform=ax.transAxes)
    ax.axvline(session.week, color="tab:red", lw=1)
    ax.set_xlim(0, end)
    ax.set_yticks([])
    ax.invert_yaxis()
    ax.set_xlabel("week (levers take their values in the weeks after their start week; red: now)")
    ax.set_title("When the policy's levers start", fontsize=9)
    fig.tight_layout()
    return fig

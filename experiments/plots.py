"""Plots of one run's weekly table. Labels and units come from the outcome registry."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from model.outcomes import get  # noqa: E402

_STATES = ("bo", "sts", "cs", "se")
_COLOURS = {"bo": "tab:red", "sts": "tab:purple", "cs": "tab:green", "se": "tab:blue"}


def _label(name: str) -> str:
    o = get(name)
    return f"{o.label} ({o.unit})"


def plot_states(weekly: pd.DataFrame, path) -> None:
    """Mean and 10th-90th percentile band of burnout, STS, CS and self-efficacy over time."""
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharex=True)
    for ax, s in zip(axes.ravel(), _STATES):
        ax.fill_between(weekly["week"], weekly[f"p10_{s}"], weekly[f"p90_{s}"], color=_COLOURS[s], alpha=0.2,
                        label="10th-90th percentile")
        ax.plot(weekly["week"], weekly[f"mean_{s}"], color=_COLOURS[s], label="mean")
        ax.set_title(get(f"mean_{s}").label)
        ax.set_ylim(0, 1)
        ax.set_ylabel(get(f"mean_{s}").unit)
        ax.legend(loc="upper right", fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel("week")
    fig.suptitle("Latent states of clinicians in post")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_proqol(weekly: pd.DataFrame, path) -> None:
    """ProQOL band shares per subscale at each survey, and the research cut-point shares."""
    surveys = weekly.dropna(subset=["proqol_bo_raw"])
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.8), sharey=True)
    colours = {"low": "#9ecae1", "average": "#4292c6", "high": "#08519c"}
    for ax, s in zip(axes[:3], ("cs", "bo", "sts")):
        bottom = pd.Series(0.0, index=surveys.index)
        for band in ("low", "average", "high"):
            col = surveys[f"prop_{s}_{band}"]
            ax.bar(surveys["week"], col, bottom=bottom, width=8, color=colours[band], label=band)
            bottom = bottom + col
        ax.set_title(f"ProQOL {s.upper()} bands (raw sum)")
        ax.set_xlabel("week")
    axes[0].set_ylabel("share of respondents")
    axes[0].legend(fontsize=8, loc="lower left")
    for name, colour in (("prop_high_bo", "tab:red"), ("prop_high_sts", "tab:purple"),
                         ("prop_low_cs", "tab:green")):
        axes[3].plot(surveys["week"], surveys[name], marker="o", color=colour, label=get(name).label)
    axes[3].set_title("Research cut-points")
    axes[3].set_xlabel("week")
    axes[3].legend(fontsize=8)
    axes[3].set_ylim(0, 1)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_staffing(weekly: pd.DataFrame, path) -> None:
    """Headcount, vacancies, sick leave, caseload, waiting list and turnover flows."""
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharex=True)
    ax = axes[0, 0]
    for name in ("n_in_post", "n_vacant", "n_on_leave"):
        ax.plot(weekly["week"], weekly[name], label=get(name).label)
    ax.set_ylabel("clinicians / posts")
    ax.legend(fontsize=8)
    ax.set_title("Staffing")
    ax = axes[0, 1]
    ax.plot(weekly["week"], weekly["caseload_per_clinician"], color="tab:brown")
    ax.set_ylabel(_label("caseload_per_clinician"))
    ax.set_title("Caseload per clinician at work")
    ax = axes[1, 0]
    ax.plot(weekly["week"], weekly["n_waitlist"], color="tab:orange")
    ax.set_ylabel(_label("n_waitlist"))
    ax.set_title("Waiting list")
    ax = axes[1, 1]
    roll = weekly[["new_departures", "new_hires"]].rolling(13, min_periods=1).sum() * 4  # per year, 13-week window
    ax.plot(weekly["week"], roll["new_departures"], label="departures (annualised, 13-week window)")
    ax.plot(weekly["week"], roll["new_hires"], label="hires (annualised, 13-week window)")
    ax.set_ylabel("clinicians/year")
    ax.set_title("Turnover flows")
    ax.legend(fontsize=8)
    for a in axes[-1]:
        a.set_xlabel("week")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_costs(weekly: pd.DataFrame, path) -> None:
    """Cumulative programme, turnover and total cost, and the programme cost by component."""
    from model.programmes import COST_COMPONENTS

    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    ax = axes[0]
    for name in ("new_programme_cost", "new_turnover_cost", "new_total_cost"):
        ax.plot(weekly["week"], weekly[name].cumsum(), label=get(name).label)
    ax.set_title("Cumulative cost")
    ax.set_ylabel("currency")
    ax.set_xlabel("week")
    ax.legend(fontsize=8)
    totals = {c: weekly[f"new_cost_{c}"].sum() for c in COST_COMPONENTS}
    totals = {c: v for c, v in totals.items() if v > 0}
    ax = axes[1]
    ax.barh([c.replace("_", " ") for c in totals], list(totals.values()), color="tab:gray")
    ax.set_title("Programme cost over the run by component")
    ax.set_xlabel("currency")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


#: the standard plots of a run: file name -> plotting function
RUN_PLOTS = {"states.png": plot_states, "proqol.png": plot_proqol, "staffing.png": plot_staffing,
             "costs.png": plot_costs}


def plot_run(weekly: pd.DataFrame, folder) -> list[str]:
    """Write the standard plots of a run (:data:`RUN_PLOTS`) into ``folder``; return their file names."""
    from pathlib import Path

    folder = Path(folder)
    for name, fn in RUN_PLOTS.items():
        fn(weekly, folder / name)
    return list(RUN_PLOTS)

"""The teaching dashboard (Solara): a policy against the service as it runs, on paired replicates, live as weeks pass.

Run ``resilience dashboard`` (served on 127.0.0.1 only unless ``--host`` says otherwise). The controls follow
NetLogo's conventions: choose a library policy and move its levers (each slider shows its unit, plausible range
and source from the parameter declarations), then *Set up*, *Step* a week or *Run* several. Every replicate of the
policy has the same seed as the same replicate of the baseline (common random numbers), so the paired difference
shown is the policy's effect, not luck.

:class:`Session` holds the paired models and what they measured; the page only draws it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import solara
from scipy import stats

from model import Parameters, WorkforceModel
from model.outcomes import BY_NAME
from scenarios import library_names, load

#: levers offered as sliders (each bounded by its declared plausible range)
LEVERS = ("supervision.coverage", "supervision.sessions_per_month", "supervision.reflective_quality",
          "leadership.training", "work.admin_burden", "caseload.cap_per_fte", "staffing.float_fte_per_100_posts",
          "wellness.uptake")
#: what each week records for the charts
RECORDED = ("mean_bo", "mean_sts", "mean_cs", "prop_vacant", "caseload_per_clinician", "n_waitlist",
            "new_departures", "new_total_cost", "prop_bo_low", "prop_bo_average", "prop_bo_high", "proqol_bo_raw",
            "prop_high_bo")
#: most clinicians x replicates x weeks a browser session simulates (a few seconds of work a click)
MAX_WORK = 300 * 4 * 520
BURN_IN_WEEKS = 52


def policies() -> list[str]:
    """The library's policies (what the dashboard lets a learner choose)."""
    return [n for n in library_names() if load(n).kind == "policy"]


def lever_label(name: str) -> str:
    """The caption under a lever's slider: its unit and plausible range (its source is the slider's tooltip)."""
    spec = Parameters.spec(name)
    lo, hi = spec.range
    return f"{spec.unit}; plausible {lo:g}-{hi:g}"


def check_work(clinicians: int, replicates: int, weeks: int) -> str:
    """"" when the session is small enough, else a friendly message saying what to reduce."""
    work = clinicians * replicates * 2 * weeks
    if work > 2 * MAX_WORK:
        return (f"{clinicians} clinicians x {replicates} replicates x {weeks} weeks is more than this dashboard "
                f"simulates in a browser (at most {MAX_WORK:,} clinician-weeks per arm); use fewer, or the "
                "command line (`resilience compare`).")
    return ""


@dataclass
class Session:
    """Paired runs: ``replicates`` models of the baseline and of the policy, replicate r with the same seed in both.

    Attributes:
        base: the baseline's parameters.
        policy: the policy's parameters.
        replicates: replicates per arm.
        seed: root seed (replicate r uses ``seed + r``).
        rows: one dict per (arm, replicate, week) with the :data:`RECORDED` outcomes.
    """

    base: Parameters
    policy: Parameters
    replicates: int = 2
    seed: int = 1
    rows: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.models = {(arm, r): WorkforceModel(p, rng=self.seed + r, burn_in_weeks=BURN_IN_WEEKS)
                       for arm, p in (("baseline", self.base), ("policy", self.policy))
                       for r in range(self.replicates)}
        self._record()

    @property
    def week(self) -> int:
        return next(iter(self.models.values())).week

    def _record(self) -> None:
        for (arm, r), m in self.models.items():
            self.rows.append({"arm": arm, "replicate": r, "week": m.week, **{k: m.metrics[k] for k in RECORDED}})

    def step(self, weeks: int = 1) -> None:
        """Advance every model ``weeks`` weeks."""
        for _ in range(weeks):
            for m in self.models.values():
                m.step()
            self._record()

    def table(self) -> pd.DataFrame:
        """One row per arm, replicate and week."""
        return pd.DataFrame(self.rows)

    def paired_difference(self, outcome: str = "mean_bo") -> tuple[float, float, float]:
        """The policy minus the baseline in ``outcome``, averaged over the weeks so far (week 0 excluded),
        paired by replicate: (mean, low, high) of a 95% t interval (NaN with one replicate or no week)."""
        t = self.table()
        t = t[t["week"] > 0]
        if t.empty:
            return float("nan"), float("nan"), float("nan")
        means = t.groupby(["arm", "replicate"])[outcome].mean().unstack("arm")
        d = (means["policy"] - means["baseline"]).to_numpy(float)
        mean = float(d.mean())
        if d.size < 2:
            return mean, float("nan"), float("nan")
        half = float(stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size))
        return mean, mean - half, mean + half


def _figure(session: Session):
    """Two rows: burnout, vacancies and the survey's burnout score over the weeks (policy and baseline: median and
    range over replicates; survey scores as points at survey weeks); then the staffing loop (caseload and
    cumulative departures), cumulative cost, the ProQOL burnout bands of the latest survey, and the teams."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = session.table()
    fig, axes = plt.subplots(2, 3, figsize=(12, 6.4))
    colours = {"baseline": "0.4", "policy": "tab:blue"}
    for arm, colour in colours.items():
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
        ax.set_title(f"{BY_NAME[outcome].label} ({BY_NAME[outcome].unit})", fontsize=9)
    axes[1, 1].set_title("Cumulative departures and cost (mean over replicates)", fontsize=9)
    latest = t[t["proqol_bo_raw"].notna()]
    if not latest.empty:  # the ProQOL burnout bands of the latest survey, mean over replicates
        last = latest[latest["week"] == latest["week"].max()].groupby("arm")[
            ["prop_bo_low", "prop_bo_average", "prop_bo_high"]].mean()
        last.columns = ["low", "average", "high"]
        last.plot.barh(stacked=True, ax=axes[1, 2], color=["tab:green", "0.75", "tab:red"], legend=False)
        axes[1, 2].set_title(f"ProQOL burnout bands, survey of week {int(latest['week'].max())}", fontsize=9)
        axes[1, 2].set_xlabel("share of respondents")
    for ax in axes.ravel()[:5]:
        ax.set_xlabel("week")
        ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


def _teams_figure(session: Session):
    """The teams of the policy's first replicate, most burnt-out first, coloured by leader support."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .teaching import team_view

    teams = team_view(session.models[("policy", 0)])
    fig, ax = plt.subplots(figsize=(12, 2.4))
    ax.bar(range(len(teams)), teams["burnout"], color=plt.cm.viridis(teams["leader_support"]))
    ax.set_xlabel("team (policy, replicate 1; most burnt-out first; colour: leader support, brighter is more)")
    ax.set_ylabel("mean burnout")
    fig.tight_layout()
    return fig


def scenario_text(policy: str, overrides: dict) -> str:
    """A scenario file of the policy with the levers as set: it extends the library policy (download it, edit it,
    run it with `resilience compare`)."""
    base = load(policy)
    lines = [f'title = "{base.title} (as set in the dashboard)"', 'kind = "policy"', f'extends = "{policy}"']
    groups: dict[str, dict] = {}
    for name, value in sorted(overrides.items()):
        group, key = name.split(".", 1)
        groups.setdefault(group, {})[key] = value
    for group, values in groups.items():
        lines += ["", f"[{group}]", *(f"{k} = {v!r}" for k, v in values.items())]
    return "\n".join(lines) + "\n"


def read_uploaded(name: str, data: bytes) -> tuple[str, dict]:
    """The library policy and the settings beyond it of an uploaded scenario file (one written by :func:`scenario_text`,
    or any policy extending a library policy).

    Raises:
        ScenarioError: the file is not a valid scenario, not a policy, or not built on a library policy; the
            message names the file and what is wrong, as the command line does.
    """
    import tempfile
    from pathlib import Path

    from scenarios import ScenarioError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).name if name.endswith(".toml") else "uploaded.toml")
        path.write_bytes(data)
        shown = path.name
        try:
            sc = load(path)
        except ScenarioError as exc:  # name the file as the user knows it, not the temporary copy
            raise ScenarioError(str(exc).replace(str(path), shown)) from None
    if sc.kind != "policy":
        raise ScenarioError(f"{shown}: kind {sc.kind!r}: the dashboard compares policies (levers only)")
    library = [n for n in sc.chain[:-1] if n in policies()]
    if not library:
        raise ScenarioError(f"{shown}: extends no library policy (allowed: {', '.join(policies())})")
    own = load(library[-1]).own
    return library[-1], {k: v for k, v in sc.own.items() if own.get(k, Parameters.spec(k).default) != v}


ABOUT = """
### What is it?
An agent-based model of a mental-health service's clinicians: their self-efficacy, compassion satisfaction,
burnout and secondary traumatic stress change week by week with their caseloads, leaders, teams and staffing
([docs/ODD.md, section 1](docs/ODD.md#1-purpose-and-patterns)).

### How it works
Each week: referrals and caseloads, trauma exposure, programmes, demands and resources, the state update, sick
leave and turnover, costs and a ProQOL survey every 13 weeks ([section 3](docs/ODD.md#3-process-overview-and-scheduling)).

### How to use it
Choose a policy, move its levers, press *Set up*, then *Step* or *Run*. The baseline and the policy run side by
side on the same seeds; the paired difference is the policy's effect.

### Things to notice
Survey scores move less than the latent means; vacancies feed caseloads, which feed burnout
([section 7.3](docs/ODD.md#73-demands-resources-and-strain-jd-r)).

### Things to try
Compare `wellness-one-off` with `wellness-programme` over two years; raise `caseload.cap_per_fte` in an
understaffed service.
"""


@solara.component
def Page():
    policy, set_policy = solara.use_state("reflective-supervision")
    clinicians, set_clinicians = solara.use_state(100)
    replicates, set_replicates = solara.use_state(2)
    overrides, set_overrides = solara.use_state({})
    session, set_session = solara.use_state(None)
    version, set_version = solara.use_state(0)  # bumped after each step so the charts redraw
    message, set_message = solara.use_state("")
    scenario = load(policy)

    def setup():
        problem = check_work(clinicians, replicates, BURN_IN_WEEKS)
        if problem:
            set_message(problem)
            return
        params = scenario.params.with_overrides({**overrides, "service.n_posts": clinicians})
        set_session(Session(load("baseline").params.with_overrides({"service.n_posts": clinicians}), params,
                            replicates))
        set_message("")
        set_version(0)

    def upload(file: dict):
        from scenarios import ScenarioError

        try:
            name, levers = read_uploaded(file["name"], file["data"])
        except ScenarioError as exc:
            set_message(str(exc))
            return
        set_policy(name)
        set_overrides(levers)
        set_session(None)
        set_message("")

    def advance(weeks: int):
        if session is None:
            set_message("Press Set up first.")
            return
        problem = check_work(clinicians, replicates, session.week + weeks)
        if problem:
            set_message(problem)
            return
        session.step(weeks)
        set_version(version + 1)

    with solara.Columns([2, 5]):
        with solara.Column():
            solara.Select("Policy", values=policies(), value=policy,
                          on_value=lambda v: (set_policy(v), set_overrides({}), set_session(None)))
            solara.SliderInt("Clinicians", value=clinicians, min=50, max=300, step=10, on_value=set_clinicians)
            solara.SliderInt("Replicates (paired)", value=replicates, min=2, max=4, on_value=set_replicates)
            for name in LEVERS:
                spec = Parameters.spec(name)
                lo, hi = spec.range
                current = float(overrides.get(name, scenario.params.get(name)))

                def set_lever(v, name=name):
                    set_overrides({**overrides, name: float(v)})

                with solara.Tooltip(spec.source):
                    solara.SliderFloat(name, value=min(max(current, lo), hi), min=lo, max=hi,
                                       step=(hi - lo) / 20, on_value=set_lever, thumb_label=True)
                solara.Text(lever_label(name), style={"font-size": "0.75em", "color": "#666",
                                                      "margin-top": "-1.2em"})
            with solara.Row():
                solara.Button("Set up", on_click=setup)
                solara.Button("Step", on_click=lambda: advance(1))
            with solara.Row():
                solara.Button("Run 13 weeks", on_click=lambda: advance(13))
                solara.Button("Run 52 weeks", on_click=lambda: advance(52))
            solara.FileDownload(lambda: scenario_text(policy, overrides).encode(), filename=f"{policy}-set.toml",
                                label="Download the scenario (TOML)")
            solara.FileDrop(label="Drop a scenario file here to load it", on_file=upload, lazy=False)
        with solara.Column():
            solara.Markdown(f"## {scenario.title}")
            if message:
                solara.Warning(message)
            if session is None:
                solara.Info("Choose a policy and its levers, then press Set up.")
            else:
                mean, lo, hi = session.paired_difference("mean_bo")
                solara.Markdown(f"**Week {session.week}.** Policy minus baseline in mean burnout, paired over "
                                f"{session.replicates} replicates: **{mean:+.3f}** [95% interval {lo:+.3f} to "
                                f"{hi:+.3f}]" if np.isfinite(mean) else
                                f"**Week {session.week}.** Step or run to see the effect.")
                solara.FigureMatplotlib(_figure(session), dependencies=[version, session])
                solara.FigureMatplotlib(_teams_figure(session), dependencies=[version, session])
                solara.FileDownload(lambda: session.table().to_csv(index=False).encode(),
                                    filename="dashboard-run.csv", label="Download the run (CSV)")
    with solara.Details("About this model"):
        solara.Markdown(ABOUT)

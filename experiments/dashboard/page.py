"""The dashboard's page (Solara components): controls on the left, the paired run on the right."""

from __future__ import annotations

import io
import threading
import time

import markdown
import numpy as np
import solara

from model import Parameters
from model.parameters import ParameterError
from scenarios import ScenarioError, load

from ..experiment import ExperimentError
from . import figures
from .about import ABOUT, odd_section
from .files import read_uploaded, scenario_text
from .session import (BURN_IN_WEEKS, LEVERS, Session, arm_parameters, check_work, contexts, lever_label,
                      lever_timeline, play, policies, start_settings, typed_lever)

#: a pause between frames of *Go*, so the page stays responsive to *Pause*
FRAME_PAUSE_SECONDS = 0.05
#: longest wait for a frame to be drawn before *Go* steps on regardless
FRAME_TIMEOUT_SECONDS = 30.0
CAPTION = {"font-size": "0.75em", "color": "#666", "margin-top": "-1.2em"}


@solara.component
def Prose(text: str):
    """Markdown rendered to HTML here (python-markdown), not by solara.Markdown, whose browser side fetches KaTeX
    and Mermaid from a CDN on every mount: offline, each fetch stalls the server for seconds. Formulas show as
    their LaTeX source."""
    solara.HTML(tag="div", unsafe_innerHTML=markdown.markdown(text, extensions=["tables", "fenced_code"]),
                classes=["solara-markdown", "rendered_html"])


@solara.component
def HowComputed(chart: str):
    """Under a chart: the sections of docs/ODD.md that say how it is computed, each opened on request."""
    for number in figures.ODD_SECTIONS[chart]:
        heading, text = odd_section(number)
        shown, set_shown = solara.use_state(False, key=number)  # noqa: SH103 (a fixed list per chart)
        solara.Button(("▾ " if shown else "▸ ") + f"How this is computed: docs/ODD.md, section {heading}",
                      on_click=lambda shown=shown, set_shown=set_shown: set_shown(not shown), text=True,
                      style={"text-transform": "none", "justify-content": "flex-start"})
        if shown:
            Prose(text)


@solara.component
def Monitors(session: Session):
    """NetLogo's monitors: the week's figures of both arms (means over replicates)."""
    t = session.table()
    now = t[t["week"] == t["week"].max()].groupby("arm").mean(numeric_only=True)
    cells = []
    for outcome, label, fmt in (("prop_high_bo", "high burnout", "{:.0%}"), ("prop_vacant", "vacant posts", "{:.1%}"),
                                ("caseload_per_clinician", "caseload", "{:.1f}"),
                                ("n_waitlist", "waiting list", "{:,.0f}")):
        values = [now.loc[arm, outcome] if arm in now.index else np.nan for arm in ("baseline", "policy")]
        shown = ["-" if not np.isfinite(x) else fmt.format(x) for x in values]
        cells.append(f"{label}: {shown[0]} → **{shown[1]}**")
    Prose(" · ".join(cells) + " (reference → policy)")


@solara.component
def Page():
    policy, set_policy = solara.use_state("reflective-supervision")
    context, set_context = solara.use_state("baseline")
    clinicians, set_clinicians = solara.use_state(100)
    replicates, set_replicates = solara.use_state(2)
    overrides, set_overrides = solara.use_state({})
    start, set_start = solara.use_state(None)  # None: each lever group starts when the file says
    typed, set_typed = solara.use_state("")
    session, set_session = solara.use_state(None)
    version, set_version = solara.use_state(0)  # bumped after each frame so the charts redraw
    running, set_running = solara.use_state(False)
    speed, set_speed = solara.use_state(1)
    message, set_message = solara.use_state("")
    # the library is read once per page, the chosen files once per choice (not at every frame)
    policy_names, context_names = solara.use_memo(lambda: (policies(), contexts()), dependencies=[])
    scenario = solara.use_memo(lambda: load(policy), dependencies=[policy])
    where = solara.use_memo(lambda: "" if context == "baseline" else f" (in: {load(context).title})",
                            dependencies=[context])
    base_file, policy_file = solara.use_memo(lambda: arm_parameters(policy, context, clinicians),
                                             dependencies=[policy, context, clinicians])

    def reset():
        """A changed choice needs a new set-up: stop and drop the session."""
        set_running(False)
        set_session(None)

    def setup():
        set_running(False)
        problem = check_work(clinicians, replicates, BURN_IN_WEEKS)
        if problem:
            set_message(problem)
            return
        try:
            base, params = arm_parameters(policy, context, clinicians, overrides, start)
        except (ParameterError, ScenarioError, ExperimentError) as exc:
            set_message(str(exc))
            return
        set_session(Session(base, params, replicates))
        set_message("")
        set_version(0)

    def upload(file: dict):
        try:
            name, levers = read_uploaded(file["name"], file["data"])
        except ScenarioError as exc:
            set_message(str(exc))
            return
        set_policy(name)
        set_overrides(levers)
        set_start(None)
        reset()
        set_message("")

    def apply_typed():
        try:
            name, value = typed_lever(typed)
            arm_parameters(policy, context, clinicians, {**overrides, name: value}, start)
        except (ParameterError, ScenarioError, ExperimentError) as exc:
            set_message(str(exc))
            return
        set_overrides({**overrides, name: value})
        set_typed("")
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
        set_version(lambda v: v + 1)

    def go(cancel):
        if not running or session is None:
            return

        def frame():
            # wait for the frame to be drawn before the next: stepping faster than the page draws keeps the
            # server re-rendering, so nothing reaches the browser and Pause is never read
            drawn.clear()
            set_version(lambda v: v + 1)
            drawn.wait(FRAME_TIMEOUT_SECONDS)
            time.sleep(FRAME_PAUSE_SECONDS)

        problem = play(session, speed, cancel.is_set, frame, lambda week: check_work(clinicians, replicates, week))
        if not cancel.is_set():  # reached the cap (a pause or a new set-up cancels instead)
            set_message(problem)
            set_running(False)

    drawn = solara.use_memo(threading.Event, dependencies=[])
    solara.use_effect(drawn.set, dependencies=[version])
    solara.use_thread(go, dependencies=[running, session, speed], intrusive_cancel=False)

    def toggle():
        if session is None:
            set_message("Press Set up first.")
            return
        set_message("")
        set_running(not running)

    charts = solara.use_memo(
        lambda: None if session is None else {
            "weeks": figures.weeks_figure(session), "network": figures.network_figure(session),
            "timeline": figures.timeline_figure(session), "teams": figures.teams_figure(session)},
        dependencies=[version, session])

    with solara.Columns([2, 5]):
        with solara.Column():
            solara.Select("Policy", values=policy_names, value=policy,
                          on_value=lambda v: (set_policy(v), set_overrides({}), set_start(None), reset()))
            solara.Select("Where (the service as it runs, or a context)", values=context_names, value=context,
                          on_value=lambda v: (set_context(v), reset()))
            solara.SliderInt("Clinicians", value=clinicians, min=50, max=300, step=10,
                             on_value=lambda v: (set_clinicians(v), reset()))
            solara.SliderInt("Replicates (paired)", value=replicates, min=2, max=4,
                             on_value=lambda v: (set_replicates(v), reset()))
            for name in LEVERS:
                spec = Parameters.spec(name)
                lo, hi = spec.range
                current = float(overrides.get(name, policy_file.get(name)))

                def set_lever(v, name=name):
                    set_overrides({**overrides, name: float(v)})

                with solara.Tooltip(spec.source):
                    solara.SliderFloat(name, value=min(max(current, lo), hi), min=lo, max=hi,
                                       step=(hi - lo) / 20, on_value=set_lever, thumb_label=True)
                clipped = "" if lo <= current <= hi else f" (set to {current:g}, outside it: the slider shows the end)"
                solara.Text(lever_label(name) + clipped, style=CAPTION)
            changes = lever_timeline(base_file, policy_file)
            first = min((c.start_week for c in changes), default=0)
            solara.SliderInt("Policy starts in week", value=first if start is None else start, min=0, max=104,
                             on_value=set_start)
            solara.Text("every lever group the policy changes starts then (levers act from the week after)",
                        style=CAPTION)
            solara.InputText("Set any lever: name = value", value=typed, on_value=set_typed, continuous_update=True)
            with solara.Row():
                solara.Button("Apply", on_click=apply_typed)
                solara.Button("Reset levers", on_click=lambda: (set_overrides({}), set_start(None)))
            if overrides:
                solara.Text("set beyond the file: " + ", ".join(f"{k} = {v:g}" if isinstance(v, float) else
                                                                f"{k} = {v}" for k, v in sorted(overrides.items())),
                            style={"font-size": "0.8em"})
            with solara.Row():
                solara.Button("Set up", on_click=setup)
                solara.Button("Step", on_click=lambda: advance(1), disabled=running)
                solara.Button("Pause" if running else "Go", on_click=toggle, color="primary")
            with solara.Row():
                solara.Button("Run 13 weeks", on_click=lambda: advance(13), disabled=running)
                solara.Button("Run 52 weeks", on_click=lambda: advance(52), disabled=running)
            solara.SliderInt("Speed (weeks per frame of Go)", value=speed, min=1, max=13, on_value=set_speed)
            solara.FileDownload(lambda: scenario_text(policy, _settings(policy, context, clinicians, overrides,
                                                                        start)).encode(),
                                filename=f"{policy}-set.toml", label="Download the scenario (TOML)")
            solara.FileDrop(label="Drop a scenario file here to load it", on_file=upload, lazy=False)
        with solara.Column():
            Prose(f"## {scenario.title}{where}")
            if message:
                solara.Warning(message)
            if session is None:
                solara.Info("Choose a policy and its levers, then press Set up.")
            else:
                mean, lo, hi = session.paired_difference("mean_bo")
                Prose(f"**Week {session.week}.** Policy minus reference in mean burnout, paired over "
                                f"{session.replicates} replicates: **{mean:+.3f}** [95% interval {lo:+.3f} to "
                                f"{hi:+.3f}]" if np.isfinite(mean) else
                                f"**Week {session.week}.** Step, run or go to see the effect.")
                Monitors(session)
                solara.FigureMatplotlib(charts["weeks"], dependencies=[version, session])
                HowComputed("over the weeks")
                HowComputed("survey")
                HowComputed("costs")
                with solara.Columns([1, 1]):
                    with solara.Column():
                        solara.FigureMatplotlib(charts["network"], dependencies=[version, session])
                        HowComputed("network")
                    with solara.Column():
                        solara.FigureMatplotlib(charts["timeline"], dependencies=[version, session])
                        HowComputed("timeline")
                solara.FigureMatplotlib(charts["teams"], dependencies=[version, session])
                HowComputed("teams")
                with solara.Row():
                    solara.FileDownload(lambda: session.table().to_csv(index=False).encode(),
                                        filename="dashboard-run.csv", label="Download the run (CSV)")
                    solara.FileDownload(lambda: _parquet(session), filename="dashboard-run.parquet",
                                        label="Download the run (Parquet)")
    with solara.Details("About this model"):
        Prose(ABOUT)


def _settings(policy: str, context: str, clinicians: int, overrides: dict, start: int | None) -> dict:
    """What the page sets beyond the library policy: the levers, and the start week of every group it changes."""
    if start is None:
        return dict(overrides)
    return {**overrides, **start_settings(*arm_parameters(policy, context, clinicians, overrides), start)}


def _parquet(session: Session) -> bytes:
    buffer = io.BytesIO()
    session.table().to_parquet(buffer, index=False)
    return buffer.getvalue()

"""Mutation score of the programme modules: does the test suite notice when a programme's effect or cost breaks?

Run:  python benchmarks/mutations.py [CHECKOUT] [--tests ...] [--only NAME ...] [--in-place] [--timeout S]

For each programme module in ``model/programmes/`` two hand-written mutants are applied, one at a time: (a) the
line that carries the programme's effect (its change of an input of the mechanisms) is neutralised, and (b)
its cost charge is doubled, or for a programme with no effect line of its own (recognition, admin support,
whose levers enter the engine directly) removed in (a) and doubled in (b). Each mutant is an exact
``(file, old text, new text)`` replacement; the script stops before running anything if an old text is not
found exactly once, so a refactor of a programme shows up here as a loud failure rather than a silently
skipped mutant.

The checkout (default: the repository this file lives in) is copied to a temporary folder (without ``.git``,
``.venv``, caches and results), so it is never modified; ``--in-place`` runs in CHECKOUT itself (a disposable
worktree), which keeps its numba cache from earlier runs. In the copy the unmutated tests run first (they must
pass, and they compile the numba kernels into the copy's ``__pycache__``, which the mutants then reuse: the
programme modules are not compiled); then each mutant is written into the file, the tests that guard
programmes run with ``-x -n 2`` and the file is restored. A mutant is *killed* when pytest exits non-zero: a
failing test, or else (labelled ``rc=N`` or ``timeout``) a mutant that broke collection or ran past the timeout;
it *survived* when every test passes. Printed: one line per mutant (file, line, mutation, killed/survived,
seconds, the first failing test or pytest's summary line) and the score, killed / total.

The run imports the copy's ``model`` (the copy comes first on ``PYTHONPATH``, checked before the run, since the
project's venv holds an editable install of the main checkout). With the default tests a run takes about
25 minutes on two cores: about 2.5 minutes for the baseline (numba compiles) and up to 1.5 minutes per mutant.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROG = "model/programmes"

#: the tests that guard programmes (wiring, rotation, levers, processes, outcomes)
TESTS = ("tests/test_costs.py", "tests/test_wiring.py", "tests/test_rotation.py", "tests/test_levers.py", "tests/test_processes.py",
         "tests/test_outcomes.py")
#: what the copy leaves out (the venv, git data, caches, results)
IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", "results", "build",
                                "dist", "*.egg-info", ".ipynb_checkpoints", "*.pyc")


@dataclass(frozen=True)
class Mutant:
    """One mutation: replace ``old`` (found exactly once in ``file``) by ``new``."""

    name: str  # short label, ``<programme>:<effect|cost>``
    file: str  # path relative to the checkout
    old: str
    new: str
    what: str  # the mutation in words


MUTANTS: tuple[Mutant, ...] = (
    # supervision
    Mutant("supervision:effect", f"{PROG}/supervision.py",
           "roster.supervision[idx] = pr.supervision_intensity(ws.u_supervision[idx] < s.coverage, s)",
           "roster.supervision[idx] = 0.0",
           "slot_resources: supervision intensity -> 0"),
    Mutant("supervision:cost", f"{PROG}/supervision.py",
           "self.charge(week, n_supervised * sessions_per_week * p.costs.supervision_per_session)",
           "self.charge(week, 2.0 * n_supervised * sessions_per_week * p.costs.supervision_per_session)",
           "cost x2"),
    # leadership
    Mutant("leadership:effect", f"{PROG}/leadership.py",
           "climate.leader_gain += ld.training_gain * ld.training * training_ramp(",
           "climate.leader_gain += 0.0 * ld.training * training_ramp(",
           "climate: leader-support gain -> 0"),
    Mutant("leadership:cost", f"{PROG}/leadership.py",
           "self.charge(week, self.model.n_teams * p.leadership.training",
           "self.charge(week, 2.0 * self.model.n_teams * p.leadership.training",
           "cost x2"),
    # recognition: its effect is built by the engine from leadership.recognition; the module owns the cost
    Mutant("recognition:cost-off", f"{PROG}/recognition.py",
           "self.charge(week, int(week.present_end.sum()) * p.leadership.recognition",
           "self.charge(week, 0.0 * int(week.present_end.sum()) * p.leadership.recognition",
           "cost removed (x0)"),
    Mutant("recognition:cost", f"{PROG}/recognition.py",
           "self.charge(week, int(week.present_end.sum()) * p.leadership.recognition",
           "self.charge(week, 2.0 * int(week.present_end.sum()) * p.leadership.recognition",
           "cost x2"),
    # wellness
    Mutant("wellness:effect", f"{PROG}/wellness.py",
           "week.rel_detachment = week.rel_detachment * (1.0 + week.p.wellness.effect "
           "* self.model.workforce.wellness_dose)",
           "week.rel_detachment = week.rel_detachment",
           "inputs: rel_detachment left unchanged"),
    Mutant("wellness:cost", f"{PROG}/wellness.py",
           "self.charge(week, slots.size * unit_cost)",
           "self.charge(week, 2.0 * slots.size * unit_cost)",
           "cost x2 (course and boosters)"),
    # peer support
    Mutant("peer_support:effect", f"{PROG}/peer_support.py",
           "week.peer_support_extra = week.p.peer_support.support * self.members()",
           "week.peer_support_extra = 0.0 * self.members()",
           "inputs: peer_support_extra -> 0 (ties kept)"),
    Mutant("peer_support:cost", f"{PROG}/peer_support.py",
           "self.charge(week, n_members * week.p.costs.peer_support_per_participant_week)",
           "self.charge(week, 2.0 * n_members * week.p.costs.peer_support_per_participant_week)",
           "cost x2"),
    # trauma-informed organisation
    Mutant("trauma_informed:effect", f"{PROG}/trauma_informed.py",
           "climate.safety_gain += ti.safety_gain * ti.level\n"
           "        climate.leave_threshold_shift += ti.stigma_shift * ti.level",
           "climate.safety_gain += 0.0\n"
           "        climate.leave_threshold_shift += 0.0",
           "climate: safety gain and stigma shift -> 0"),
    Mutant("trauma_informed:cost", f"{PROG}/trauma_informed.py",
           "self.charge(week, int(week.present_end.sum()) * p.trauma_informed.level",
           "self.charge(week, 2.0 * int(week.present_end.sum()) * p.trauma_informed.level",
           "cost x2"),
    # mentoring
    Mutant("mentoring:effect", f"{PROG}/mentoring.py",
           "week.extra_gain[S.se] += p.self_efficacy.rate * p.mentoring.se_gain * mentored",
           "week.extra_gain[S.se] += 0.0 * mentored",
           "inputs: self-efficacy extra gain -> +0 (intention relief kept)"),
    Mutant("mentoring:cost", f"{PROG}/mentoring.py",
           "self.charge(week, self.n_mentees * week.p.costs.mentoring_per_mentee_week)",
           "self.charge(week, 2.0 * self.n_mentees * week.p.costs.mentoring_per_mentee_week)",
           "cost x2"),
    # EI training
    Mutant("ei_training:effect", f"{PROG}/ei_training.py",
           "ws.ei[slots] = np.minimum(ws.ei[slots] + p.ei_training.gain, 1.0)",
           "ws.ei[slots] = np.minimum(ws.ei[slots], 1.0)",
           "_train: no EI gain"),
    Mutant("ei_training:cost", f"{PROG}/ei_training.py",
           "self.charge(week, slots.size * p.costs.ei_training_per_participant)",
           "self.charge(week, 2.0 * slots.size * p.costs.ei_training_per_participant)",
           "cost x2"),
    # admin support: the lever work.admin_burden enters the JD-R demands directly; the module owns the cost
    Mutant("admin_support:cost-off", f"{PROG}/admin_support.py",
           "self.charge(week, fte_in_post * max(0.0, _DEFAULT_ADMIN - p.work.admin_burden)",
           "self.charge(week, 0.0 * fte_in_post * max(0.0, _DEFAULT_ADMIN - p.work.admin_burden)",
           "cost removed (x0)"),
    Mutant("admin_support:cost", f"{PROG}/admin_support.py",
           "self.charge(week, fte_in_post * max(0.0, _DEFAULT_ADMIN - p.work.admin_burden)",
           "self.charge(week, 2.0 * fte_in_post * max(0.0, _DEFAULT_ADMIN - p.work.admin_burden)",
           "cost x2"),
    # float staff
    Mutant("float_staff:effect", f"{PROG}/float_staff.py",
           "return float_cover(self.fte(week.p), n_absent)",
           "return 0.0",
           "cover -> 0.0 (waiting clients still taken)"),
    Mutant("float_staff:cost", f"{PROG}/float_staff.py",
           "self.charge(week, self.fte(week.p) * c.salary_per_fte_year",
           "self.charge(week, 2.0 * self.fte(week.p) * c.salary_per_fte_year",
           "cost x2"),
    # clinical rotation
    Mutant("clinical_rotation:effect", f"{PROG}/clinical_rotation.py",
           "return week.at_work & ~out, int(round(rot.share_steered * n_high))",
           "return week.at_work, int(round(rot.share_steered * n_high))",
           "route_high_trauma: pool -> everyone at work"),
    Mutant("clinical_rotation:cost", f"{PROG}/clinical_rotation.py",
           "self.charge(week, self.n_rotated * week.p.rotation.cost_per_rotated_week)",
           "self.charge(week, 2.0 * self.n_rotated * week.p.rotation.cost_per_rotated_week)",
           "cost x2"),
)


def locate(folder: Path, m: Mutant) -> int:
    """Line (1-based) of ``m.old`` in its file; fails loudly unless it occurs exactly once."""
    text = (folder / m.file).read_text()
    n = text.count(m.old)
    if n != 1:
        raise SystemExit(f"mutant {m.name}: old text found {n} times in {m.file} (expected once):\n{m.old}")
    return text[:text.index(m.old)].count("\n") + 1


def environment(folder: Path) -> dict[str, str]:
    """The tests' environment: the folder first on PYTHONPATH, no .pyc files (a restored file is always re-read)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(folder), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def check_import(folder: Path, env: dict[str, str]) -> None:
    """The ``model`` package the tests import is the folder's, not the venv's editable install."""
    out = subprocess.run([sys.executable, "-c", "import model; print(model.__file__)"], cwd=folder, env=env,
                         capture_output=True, text=True, check=True).stdout.strip()
    if not Path(out).resolve().is_relative_to(folder.resolve()):
        raise SystemExit(f"the tests would import model from {out}, not from {folder}")
    print(f"model imported from {out}", flush=True)


def run_tests(folder: Path, env: dict[str, str], tests: list[str], workers: int, timeout: float
              ) -> tuple[int | None, float, str, bool]:
    """Run pytest once: (return code or None on timeout, seconds, first failing test or last output line, whether
    a test failed). Under xdist, ``-x`` ends a run with a failure as interrupted (return code 2)."""
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-n", str(workers), *tests]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - t0, f"timeout after {timeout:.0f} s", False
    secs = time.perf_counter() - t0
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", proc.stdout, re.M)
    note = failed[0] if failed else (proc.stdout.strip().splitlines() or [""])[-1]
    return proc.returncode, secs, note, bool(failed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkout", type=Path, nargs="?", default=ROOT, help="checkout to test (default: this repository)")
    ap.add_argument("--tests", nargs="+", default=list(TESTS), help="test files or node ids (default: %(default)s)")
    ap.add_argument("--only", nargs="+", default=None, help="run only mutants whose name starts with one of these")
    ap.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (default 2)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per test run; a timeout counts as killed")
    ap.add_argument("--in-place", action="store_true",
                    help="mutate CHECKOUT itself (a disposable worktree; files are restored after each mutant)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the unmutated run (numba cache already warm)")
    a = ap.parse_args()

    mutants = [m for m in MUTANTS if a.only is None or any(m.name.startswith(o) for o in a.only)]
    if not mutants:
        raise SystemExit(f"no mutant matches {a.only}")
    checkout = a.checkout.resolve()
    for m in mutants:  # all old texts are checked before anything runs
        locate(checkout, m)

    tmp = None
    if a.in_place:
        folder = checkout
    else:
        tmp = tempfile.mkdtemp(prefix="mutations-")
        folder = Path(tmp) / "checkout"
        shutil.copytree(checkout, folder, ignore=IGNORE)
        print(f"copied {checkout} to {folder}", flush=True)
    try:
        env = environment(folder)
        check_import(folder, env)
        print(f"tests: {' '.join(a.tests)} (-x, -n {a.workers})", flush=True)
        if not a.no_baseline:
            rc, secs, note, _ = run_tests(folder, env, a.tests, a.workers, a.timeout)
            print(f"baseline (unmutated): rc={rc}, {secs:.0f} s: {note}", flush=True)
            if rc != 0:
                raise SystemExit("the unmutated tests do not pass: a mutation score would mean nothing")

        print(f"\n{'file':<24} {'line':>4}  {'mutant':<26} {'mutation':<64} {'result':<10} {'s':>5}  "
              "first failure / pytest summary")
        killed, t_all = 0, time.perf_counter()
        for m in mutants:
            path = folder / m.file
            original = path.read_text()
            line = locate(folder, m)
            path.write_text(original.replace(m.old, m.new, 1))
            try:
                rc, secs, note, failed = run_tests(folder, env, a.tests, a.workers, a.timeout)
            finally:
                path.write_text(original)
            dead = rc != 0
            killed += dead
            result = "killed" if dead else "survived"
            if dead and not failed:  # no failing test: a timeout, or a mutant that broke collection
                result += " (timeout)" if rc is None else f" rc={rc}"
            print(f"{Path(m.file).name:<24} {line:>4}  {m.name:<26} {m.what:<64} {result:<10} {secs:>5.0f}  "
                  f"{note}", flush=True)
        total = len(mutants)
        print(f"\nmutation score: {killed}/{total} killed = {killed / total:.0%} "
              f"({time.perf_counter() - t_all:.0f} s for the mutants)")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Calibration: time of a service-sized calibration, and coverage of known truths at a smaller size.

Run:  python benchmarks/bench_calibration.py [--workers 2] [--truths 6 (0: none)] [--skip-service]

Prints:
* the time, simulations, generations, final tolerance and effective sample size of the ready calibration
  ``community-service`` (4 parameters, 6 observed figures, 200 clinicians; target: at most 10 minutes on 2 cores);
* a coverage check: observations simulated at ``--truths`` random parameter values (60 clinicians, 2 parameters,
  cold start) are fitted, and the share of true values inside their 5-95% interval and the mean narrowing
  (interval width over prior width) are reported (a calibrated method covers about 90% of truths).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from experiments.calibration import Observation, calibrate
from experiments.calibration_file import run_file
from experiments.sensitivity import ModelFunction, problem_from_parameters


def service(workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        res = run_file("community-service", out=Path(tmp) / "cal", workers=workers, progress=False)
        seconds = time.perf_counter() - t0
    g = res.generations
    print(f"community-service (4 parameters, 6 observations, 200 clinicians) on {workers} workers: "
          f"{seconds / 60:.1f} min, {int(g.simulations.sum()):,} simulations "
          f"({seconds * workers / g.simulations.sum():.2f} core-s each), {len(g)} generations, final tolerance "
          f"{g.epsilon.iloc[-1]:.2f}, effective sample size {g.effective_sample_size.iloc[-1]:.0f} of "
          f"{int(g.accepted.iloc[-1])}  (target <= 10 min)")
    for w in res.warnings:
        print(f"  warning: {w}")


def coverage(workers: int, truths: int) -> None:
    f = ModelFunction(outputs=("proqol_bo_raw_mean", "mean_bo_mean", "prop_on_leave_mean"), weeks=104,
                      burn_in_weeks=26, base=(("service.n_posts", 60),), warm_start=False)
    problem = problem_from_parameters(["burnout.rate_gain", "absence.p_other_leave_week"])
    rng = np.random.default_rng(2026)
    inside, narrowing = [], []
    t0 = time.perf_counter()
    for k in range(truths):
        # truths away from the prior's edges, where a 5-95% interval cannot straddle them
        truth = {n: float(rng.uniform(lo + 0.15 * (hi - lo), hi - 0.15 * (hi - lo)))
                 for n, (lo, hi) in zip(problem["names"], problem["bounds"])}
        y = f({**truth, "seed": 1000 + k})
        obs = [Observation(m, y[m], se) for m, se in zip(f.outputs, (0.6, 0.02, 0.006))]
        res = calibrate(f, problem, obs, population=40, max_generations=4, seed=k, workers=workers,
                        progress=False)
        post = res.posterior.set_index("parameter")
        for n, v in truth.items():
            inside.append(post.at[n, "q05"] <= v <= post.at[n, "q95"])
            narrowing.append(post.at[n, "narrowing"])
        print(f"  truth {k}: " + ", ".join(f"{n} {v:.4g} in [{post.at[n, 'q05']:.4g}, {post.at[n, 'q95']:.4g}]"
                                           for n, v in truth.items()))
    print(f"coverage over {truths} truths x 2 parameters: {np.mean(inside):.0%} of true values inside the 5-95% "
          f"interval (nominal 90%), mean narrowing {np.mean(narrowing):.2f} of the prior range, "
          f"{(time.perf_counter() - t0) / truths:.0f} s per calibration on {workers} workers")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--truths", type=int, default=6)
    ap.add_argument("--skip-service", action="store_true")
    args = ap.parse_args()
    if not args.skip_service:
        service(args.workers)
    if args.truths > 0:
        coverage(args.workers, args.truths)


if __name__ == "__main__":
    main()

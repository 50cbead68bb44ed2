"""What the warm start costs: the settled pilot against the runs that share it.

Run:  python benchmarks/bench_warm_start.py

Prints the time of one settled pilot (:func:`model.workforce.settled_pool`: 400 posts x 1,040 weeks, once per
distinct set of burn-in parameters and process), the time of a run that finds its pilot cached, and what that
means for the two kinds of experiment: a comparison (every replicate and policy shares the baseline's burn-in
parameters, so one pilot per worker) and a sensitivity analysis over uncertainties (every sample point has its
own burn-in parameters, so one pilot per point).
"""

from __future__ import annotations

import statistics
import time

from model import Parameters, simulate
from model.workforce import WARM_START_POSTS, WARM_START_WEEKS, clear_settled_pools


def _time(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    simulate(Parameters().with_overrides({"service.n_posts": 50}), weeks=2, burn_in_weeks=1)  # compile
    p = Parameters().with_overrides({"service.n_posts": 300})

    def pilot() -> None:
        clear_settled_pools()
        simulate(p, seed=0, weeks=260)

    cold = _time(pilot)
    simulate(p, seed=0, weeks=260)  # the pilot is cached from here on
    warm = _time(lambda: simulate(p, seed=1, weeks=260))
    no_pilot = _time(lambda: simulate(p, seed=1, weeks=260, warm_start=False))
    pilot_s = cold - warm
    print(f"settled pilot ({WARM_START_POSTS} posts x {WARM_START_WEEKS} weeks): {pilot_s:.2f} s (median of 3)")
    print(f"run of 300 clinicians x (156 + 260) weeks, pilot cached: {warm:.2f} s; cold start: {no_pilot:.2f} s")
    for label, runs, pilots in (("comparison, 17 scenarios x 10 replicates, 2 workers", 170, 2),
                                ("Morris SA over uncertainties, 200 points x 1 replicate", 200, 200)):
        total = runs * warm + pilots * pilot_s
        print(f"{label}: pilots are {pilots * pilot_s / total:.0%} of {total:.0f} s of compute")


if __name__ == "__main__":
    main()

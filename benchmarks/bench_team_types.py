"""What team types cost per simulated week: the same 200 posts as one kind of team and as three team types.

Run:  python benchmarks/bench_team_types.py [--weeks 520] [--repeats 5]

Prints the median seconds per recorded week (construction excluded, per-type outcomes recorded) of a service
without team types and of the example service description with three (experiments/calibration/services/
mixed-service.toml, 200 posts), and their ratio. The typed service runs the allocation once per type and measures
every outcome once more per type, so some extra cost per week is expected; its waiting lists also differ.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from model import WorkforceModel
from scenarios import load

SERVICE = Path(__file__).resolve().parents[1] / "experiments" / "calibration" / "services" / "mixed-service.toml"


def seconds_per_week(params, service, weeks: int, seed: int) -> float:
    m = WorkforceModel(params, rng=seed, burn_in_weeks=0, service=service)
    t0 = time.perf_counter()
    for _ in range(weeks):
        m.step()
    return (time.perf_counter() - t0) / weeks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weeks", type=int, default=520)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    typed = load(SERVICE)
    plain = typed.params  # the same parameters and posts, one kind of team
    seconds_per_week(plain, None, 10, 0)  # compile and warm up
    seconds_per_week(typed.params, typed.service, 10, 0)
    one = [seconds_per_week(plain, None, args.weeks, s) for s in range(args.repeats)]
    three = [seconds_per_week(typed.params, typed.service, args.weeks, s) for s in range(args.repeats)]
    a, b = statistics.median(one), statistics.median(three)
    print(f"{typed.params.service.n_posts} posts, {args.weeks} weeks, median of {args.repeats}: one kind of team "
          f"{a * 1e3:.3f} ms/week, {len(typed.team_types)} team types {b * 1e3:.3f} ms/week, ratio {b / a:.2f}")


if __name__ == "__main__":
    main()

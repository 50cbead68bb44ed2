"""Speed, scaling and memory of the workforce model, against Mesa's Boltzmann wealth example.

Run:  python benchmarks/bench_model.py [--quick]

Prints:
* many-run throughput on one core: clinician-weeks per second of whole runs at 300 clinicians x 260 weeks after
  the default 156-week burn-in, burn-in weeks included (target >= 2,000,000): runs of distinct seeds (each
  simulates its own burn-in, as a sensitivity analysis over uncertainties runs them), and paired runs of 12
  library policies per seed (every policy after the first resumes the shared burn-in, as comparisons run them);
* clinician-weeks per second for 1,000 clinicians over 520 weeks with weekly data collection (best and median
  of three runs; target >= 2,000,000 on the 2-core reference machine);
* the cost per clinician-week at 100,000 clinicians relative to 1,000 (target <= 1.5);
* retained memory per clinician, peer ties and Mesa agents included (target <= 2 KB), and the peak during
  construction;
* the cost per agent-step of Mesa's ``BoltzmannWealth`` example with the same number of agents, and the ratio
  (target: the workforce model at least 20x cheaper).

The first run of a fresh checkout compiles the weekly kernels (numba, cached on disk afterwards); a warm-up run
keeps that out of the figures.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc

from model import DEFAULT_BURN_IN_WEEKS, Parameters, WorkforceModel, burn_in, simulate


def time_model(n: int, weeks: int, seed: int = 1) -> float:
    """Seconds per clinician-week for ``weeks`` recorded weeks (construction excluded)."""
    m = WorkforceModel(Parameters().with_overrides({"service.n_posts": n}), rng=seed, burn_in_weeks=0)
    t0 = time.perf_counter()
    for _ in range(weeks):
        m.step()
    return (time.perf_counter() - t0) / (n * weeks)


def many_run_throughput(n: int, weeks: int, runs: int) -> float:
    """Clinician-weeks per second of ``runs`` whole runs (construction and burn-in included), one process."""
    p = Parameters().with_overrides({"service.n_posts": n})
    simulate(p, seed=0, weeks=5, burn_in_weeks=5)  # warm-up: kernels loaded or compiled
    t0 = time.perf_counter()
    for seed in range(1, runs + 1):
        simulate(p, seed=seed, weeks=weeks)
    return runs * n * (weeks + DEFAULT_BURN_IN_WEEKS) / (time.perf_counter() - t0)


def paired_throughput(n: int, weeks: int, seeds: int, policies: int = 12) -> float:
    """Clinician-weeks per second of ``policies`` library policies x ``seeds`` replicates, paired as in a comparison
    (the replicates' burn-ins shared by the policies), burn-in weeks included, one process."""
    from scenarios import library_names, load

    names = [s for s in library_names() if load(s).kind == "policy"][:policies]
    arms = [load(s).params.with_overrides({"service.n_posts": n}) for s in names]
    simulate(arms[0], seed=0, weeks=5, burn_in_weeks=5)  # warm-up: kernels, the pilot of the burn-in parameters
    t0 = time.perf_counter()
    for seed in range(1, seeds + 1):
        for p in arms:
            simulate(p, seed=seed, weeks=weeks)
    return seeds * len(arms) * n * (weeks + DEFAULT_BURN_IN_WEEKS) / (time.perf_counter() - t0)


def memory_per_clinician(n: int) -> tuple[float, float]:
    """(retained bytes per clinician after construction, peak bytes per clinician during it)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    with burn_in.unshared():  # the model's own memory, not the copy of its burn-in a process keeps for reuse
        m = WorkforceModel(Parameters().with_overrides({"service.n_posts": n}), rng=1, burn_in_weeks=0)
    m.step()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del m
    return (current - base) / n, (peak - base) / n


def time_boltzmann(n: int, steps: int) -> float:
    """Seconds per agent-step of Mesa's Boltzmann wealth example with ``n`` agents."""
    from mesa.examples import BoltzmannWealth

    side = max(10, int(round((n / 1.0) ** 0.5)))  # one agent per cell on average, as in the example (100/100)
    m = BoltzmannWealth(n=n, width=side, height=side, seed=1)
    t0 = time.perf_counter()
    for _ in range(steps):
        m.step()
    return (time.perf_counter() - t0) / (n * steps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller runs (for a smoke test, not for figures)")
    args = ap.parse_args()
    weeks = 104 if args.quick else 520
    big_n, big_weeks = (20_000, 10) if args.quick else (100_000, 52)

    tput = many_run_throughput(300, 260, 3 if args.quick else 10)
    print("many runs of 300 clinicians x (156 burn-in + 260) weeks, one core, every outcome recorded:")
    print(f"  distinct seeds (each its own burn-in): {tput:,.0f} clinician-weeks/s  (target >= 2,000,000)")
    paired = paired_throughput(300, 260, 2 if args.quick else 4)
    print(f"  12 policies paired per seed (burn-in shared): {paired:,.0f} clinician-weeks/s  (target >= 2,000,000)")
    time_model(1000, 5, 0)  # warm-up
    runs = [time_model(1000, weeks, seed) for seed in (1, 2, 3)]
    best, med = min(runs), statistics.median(runs)
    print(f"1,000 clinicians x {weeks} weeks, weekly data collection:")
    print(f"  {1 / best:,.0f} clinician-weeks/s best, {1 / med:,.0f} median  (target >= 2,000,000)")

    big = min(time_model(big_n, big_weeks, seed) for seed in (1, 2))
    print(f"{big_n:,} clinicians x {big_weeks} weeks: {1 / big:,.0f} clinician-weeks/s")
    print(f"  cost per clinician-week relative to 1,000: {big / best:.2f}x  (target <= 1.5)")

    for n in (1000, big_n):
        kept, peak = memory_per_clinician(n)
        print(f"memory at {n:,} clinicians: {kept:,.0f} bytes/clinician retained (target <= 2,048), "
              f"{peak:,.0f} bytes/clinician peak during construction")

    bw = time_boltzmann(1000, 20 if args.quick else 100)
    print("Mesa BoltzmannWealth, 1,000 agents:")
    print(f"  {bw * 1e6:.2f} us per agent-step vs workforce model {best * 1e6:.2f} us per clinician-week; "
          f"the workforce model is {bw / best:.1f}x cheaper per agent-step  (target >= 20x)")


if __name__ == "__main__":
    main()

"""Speed of a full policy comparison, report included, on 1 and on 2 worker processes.

Run:  python benchmarks/bench_compare.py [--quick]

Default size (issue target): 12 scenarios x 20 replicates x 300 clinicians x 260 weeks = 240 runs, each after the
default burn-in, report included; target <= 30 s on the 2-core reference machine and >= 1.8x faster on 2 workers
than on 1. Also checks that both give identical runs tables.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from experiments import compare
from scenarios import library_names, load


def timed(names, workers: int, out: Path, replicates: int, weeks: int, clinicians: int) -> tuple[float, pd.DataFrame]:
    t0 = time.perf_counter()
    res = compare(names, replicates=replicates, weeks=weeks, clinicians=clinicians, seed=1, workers=workers,
                  out=out, progress=False)
    return time.perf_counter() - t0, res.runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="4 replicates x 104 weeks (a smoke test)")
    args = ap.parse_args()
    replicates, weeks, clinicians = (4, 104, 300) if args.quick else (20, 260, 300)
    # eleven policies and the baseline in the service as it runs: 12 scenarios (a context named here would add
    # a second context and so a second set of arms)
    names = [n for n in library_names() if n != "baseline" and load(n).kind == "policy"][:11]
    with tempfile.TemporaryDirectory() as tmp:
        t2, runs2 = timed(names, 2, Path(tmp) / "w2", replicates, weeks, clinicians)
        t1, runs1 = timed(names, 1, Path(tmp) / "w1", replicates, weeks, clinicians)
    n = len(runs2)
    print(f"{len(names) + 1} scenarios x {replicates} replicates x {clinicians} clinicians x {weeks} weeks "
          f"= {n} runs, report included")
    print(f"  2 workers: {t2:.1f} s  (target <= 30 s)")
    print(f"  1 worker:  {t1:.1f} s")
    print(f"  speed-up: {t1 / t2:.2f}x  (target >= 1.8x)")
    key = ["scenario", "replicate"]
    same = runs1.sort_values(key).reset_index(drop=True).equals(runs2.sort_values(key).reset_index(drop=True))
    print(f"  identical runs tables on 1 and 2 workers: {same}")


if __name__ == "__main__":
    main()

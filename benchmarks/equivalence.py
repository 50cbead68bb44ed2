"""Statistical equivalence of two model versions: every summary outcome over paired seeds.

Run:  python benchmarks/equivalence.py OLD_CHECKOUT [--seeds 30] [--posts 300] [--weeks 260]

Runs the default scenario for the same seeds with the model in this checkout and with the model in
``OLD_CHECKOUT`` (a git worktree of an earlier commit, run in a subprocess with that folder first on
``sys.path``), then prints, for every summary outcome both versions report, the two means, the paired difference
with its 95% t interval, the difference in units of the old between-seed SD, and a flag where the paired
|t| exceeds the Bonferroni-corrected two-sided 5% critical value. An engine change that only re-orders random
draws should flag nothing and show differences of a few hundredths of an SD.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from scipy import stats

RUN = """
import json, sys
from model import Parameters, simulate
seeds, posts, weeks = json.loads(sys.argv[1])
out = []
for s in seeds:
    r = simulate(Parameters().with_overrides({"service.n_posts": posts}), seed=s, weeks=weeks)
    out.append({k: float(v) for k, v in r.summary.items()})
print(json.dumps(out))
"""


def run(folder: Path, seeds: list[int], posts: int, weeks: int) -> list[dict[str, float]]:
    """Summaries of the default scenario for ``seeds`` with the model found in ``folder``."""
    code = f"import sys; sys.path.insert(0, {str(folder)!r})\n" + RUN
    out = subprocess.run([sys.executable, "-c", code, json.dumps([seeds, posts, weeks])], capture_output=True,
                         text=True, check=True, cwd=folder)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--posts", type=int, default=300)
    ap.add_argument("--weeks", type=int, default=260)
    a = ap.parse_args()
    seeds = list(range(1, a.seeds + 1))
    new = run(Path(__file__).resolve().parents[1], seeds, a.posts, a.weeks)
    old = run(a.old.resolve(), seeds, a.posts, a.weeks)
    keys = [k for k in old[0] if k in new[0] and k not in ("seed", "weeks")]
    crit = stats.t.ppf(1 - 0.025 / len(keys), len(seeds) - 1)
    print(f"{len(seeds)} paired seeds, {a.posts} posts, {a.weeks} weeks; {len(keys)} summaries; "
          f"flag |t| > {crit:.2f} (Bonferroni, two-sided 5%)")
    print(f"{'summary':38s} {'old':>11s} {'new':>11s} {'diff':>10s} {'95% CI':>23s} {'d/SD':>6s}")
    n_flag, worst = 0, 0.0
    for k in keys:
        x = np.array([r[k] for r in old])
        y = np.array([r[k] for r in new])
        ok = ~(np.isnan(x) | np.isnan(y))
        x, y = x[ok], y[ok]
        d = y - x
        sd_old = x.std(ddof=1)
        if len(d) < 3 or (d.std(ddof=1) == 0 and d.mean() == 0):
            continue
        se = d.std(ddof=1) / np.sqrt(len(d))
        t = d.mean() / se if se > 0 else np.inf
        half = stats.t.ppf(0.975, len(d) - 1) * se
        es = d.mean() / sd_old if sd_old > 0 else 0.0
        worst = max(worst, abs(es))
        flag = abs(t) > crit
        n_flag += flag
        print(f"{k:38s} {x.mean():11.4g} {y.mean():11.4g} {d.mean():10.3g} "
              f"[{d.mean() - half:10.3g}, {d.mean() + half:10.3g}] {es:6.3f}{'  <-- differs' if flag else ''}")
    print(f"flagged: {n_flag} of {len(keys)}; largest |difference| {worst:.3f} between-seed SDs")


if __name__ == "__main__":
    main()

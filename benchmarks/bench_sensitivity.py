"""Speed of a Sobol analysis of the model: N = 256 over 12 parameters (3,584 design points), 200 clinicians,
156 recorded weeks (after a 52-week burn-in), on 2 worker processes. Target: at most 5 minutes.

Run:  python benchmarks/bench_sensitivity.py [--quick] [--workers N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from experiments.sensitivity_file import load, run_file


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="N = 16 instead of 256 (a smoke test)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    path, spec = load("uncertainties-sobol")
    with tempfile.TemporaryDirectory() as tmp:
        exp = Path(tmp) / "exp.toml"
        text = path.read_text()
        if args.quick:
            text = text.replace("n = 256", "n = 16")
        exp.write_text(text)
        t0 = time.perf_counter()
        res = run_file(exp, out=Path(tmp) / "out", workers=args.workers, progress=False)
        dt = time.perf_counter() - t0
    n_eval = len(res.evaluations)
    k = res.problem["num_vars"]
    print(f"Sobol N = {256 if not args.quick else 16}, {k} parameters, {n_eval} evaluations of {spec.clinicians} "
          f"clinicians x {spec.weeks} weeks (+{spec.burn_in_weeks} burn-in), {args.workers} workers:")
    print(f"  {dt:.0f} s in total ({n_eval / dt:.1f} evaluations/s), plots and tables included  (target <= 300 s)")
    st = res.indices[(res.indices["index"] == "ST") & res.indices["week"].isna()]
    for out, d in st.groupby("output", sort=False):
        top = d.sort_values("value", ascending=False).head(3)
        print(f"  {out}: " + ", ".join(f"{r.factor} ST={r.value:.2f}±{r.conf:.2f}" for r in top.itertuples()))


if __name__ == "__main__":
    main()

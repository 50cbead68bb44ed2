"""Where a simulated week goes: each phase of ``WorkforceModel.step`` split into fixed and per-clinician cost.

Run:  python benchmarks/bench_phases.py [--quick]

Times every phase method that ``step()`` calls, in its order, at a small and a large service (300 and 20,000
clinicians; every week recorded, as after the burn-in), and fits each phase's cost per week as
``fixed + marginal x clinicians`` from the two sizes. Prints, per phase, the microseconds per week at each size,
the fixed part (Python and NumPy call overhead, paid whatever the size) and the marginal part (the compiled and
array work, nanoseconds per clinician-week); then the throughput at 300 clinicians and the ceiling it would reach
if every fixed cost were removed, against the 2,000,000 clinician-weeks/s target. The ceiling says how far
removing call overhead alone can go before the per-clinician work itself must get cheaper.
"""

from __future__ import annotations

import argparse
import ast
import collections
import inspect
import textwrap
import time

from model import Parameters, WorkforceModel


def phase_names() -> list[str]:
    """The ``self.<phase>()`` calls in the body of ``WorkforceModel.step``, in order."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(WorkforceModel.step)))
    calls = sorted((node.lineno, node.func.attr) for node in ast.walk(tree.body[0])
                   if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                   and isinstance(node.func.value, ast.Name) and node.func.value.id == "self")
    return [name for _, name in calls]


def seconds_per_week(n: int, weeks: int) -> dict[str, float]:
    """Seconds per week spent in each phase at ``n`` clinicians (construction and warm-up weeks excluded)."""
    m = WorkforceModel(Parameters().with_overrides({"service.n_posts": n}), rng=1, burn_in_weeks=0)
    for _ in range(3):  # compiled kernels loaded, caches warm
        m.step()
    spent: collections.Counter[str] = collections.Counter()
    for name in phase_names():
        phase = getattr(m, name)

        def timed(*args, _phase=phase, _name=name, **kwargs):
            t0 = time.perf_counter()
            out = _phase(*args, **kwargs)
            spent[_name] += time.perf_counter() - t0
            return out

        setattr(m, name, timed)  # an instance attribute: step() now calls the timed phase
    t0 = time.perf_counter()
    for _ in range(weeks):
        m.step()
    spent["(whole step)"] = time.perf_counter() - t0
    return {k: v / weeks for k, v in spent.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer weeks (a smoke test, not for figures)")
    args = ap.parse_args()
    small, large = 300, 20_000
    small_t = seconds_per_week(small, 60 if args.quick else 400)
    large_t = seconds_per_week(large, 6 if args.quick else 40)
    print(f"{'phase':22s} {'us/week @300':>13s} {'us/week @20k':>13s} {'fixed us':>9s} {'ns/clin-wk':>11s}")
    fixed_total = 0.0
    for name in [*phase_names(), "(whole step)"]:
        a, b = small_t.get(name, 0.0), large_t.get(name, 0.0)
        marginal = (b - a) / (large - small)
        fixed = a - marginal * small
        if name != "(whole step)":
            fixed_total += max(fixed, 0.0)
        print(f"{name:22s} {a * 1e6:13.1f} {b * 1e6:13.1f} {fixed * 1e6:9.1f} {marginal * 1e9:11.1f}")
    whole = small_t["(whole step)"]
    print(f"300 clinicians: {small / whole:,.0f} clinician-weeks/s recorded weeks; with every phase's fixed cost "
          f"removed: {small / max(whole - fixed_total, 1e-12):,.0f}  (target >= 2,000,000)")


if __name__ == "__main__":
    main()

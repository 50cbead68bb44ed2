"""Comparison files (TOML): a planner's comparison, its contexts and its ranking criterion in one editable file.

Example (``experiments/compare/support-in-understaffing.toml``)::

    title = "Which support policy to fund if we stay understaffed?"
    policies = ["reflective-supervision", "compassionate-leadership", "float-staff"]
    contexts = ["baseline", "understaffed"]
    baseline = "baseline"          # the reference policy (or one context / service)
    replicates = 10
    weeks = 260
    clinicians = 300

    [ranking]                      # one criterion: rank_by (default), wtp, or weights
    wtp = 30000                    # net monetary benefit at 30,000 per high-burnout person-year averted
    # weights = { prop_high_bo_mean = 2, n_waitlist_mean = 1 }

``resilience compare --file FILE`` runs it; the other options of ``compare`` say where (workers, scheduler,
``--out``) but not what.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from model import DEFAULT_BURN_IN_WEEKS

from .comparison import DEFAULT_RANK_BY, Criterion
from .errors import ExperimentError

LIBRARY = Path(__file__).resolve().parent / "compare"


class Ranking(BaseModel):
    """The ranking criterion."""

    model_config = ConfigDict(extra="forbid")
    rank_by: str = DEFAULT_RANK_BY
    wtp: float | None = Field(None, ge=0.0, description="currency per high-burnout person-year averted")
    weights: dict[str, float] = Field(default_factory=dict)


class ComparisonFile(BaseModel):
    """A comparison."""

    model_config = ConfigDict(extra="forbid")
    title: str = ""
    policies: list[str] = Field(min_length=1)
    contexts: list[str] | None = None
    baseline: str = "baseline"
    replicates: int = Field(10, ge=2, le=10_000)
    weeks: int = Field(260, ge=1, le=5200)
    burn_in_weeks: int = Field(DEFAULT_BURN_IN_WEEKS, ge=0, le=5200)
    clinicians: int | None = Field(None, ge=1, le=1_000_000)
    seed: int = Field(0, ge=0)
    ensemble: str | None = None
    ranking: Ranking = Field(default_factory=Ranking)

    def criterion(self) -> Criterion:
        return Criterion(self.ranking.rank_by, self.ranking.wtp, tuple(self.ranking.weights.items()))


def library_names() -> list[str]:
    """Ready comparison files in ``experiments/compare``."""
    return sorted(p.stem for p in LIBRARY.glob("*.toml"))


def load(path_or_name: str | Path) -> tuple[Path, ComparisonFile]:
    """Read and validate a comparison file (a path, or a ready one's name).

    Raises:
        ExperimentError: one line naming the file, the key, the value and what is allowed.
    """
    from .sensitivity_file import read_validated, ready_file

    path = ready_file(path_or_name, LIBRARY, "comparison", ExperimentError)
    spec = read_validated(path, ComparisonFile, ExperimentError, {"ranking": Ranking})
    if spec.ranking.wtp is not None and spec.ranking.weights:
        raise ExperimentError(f"{path}: ranking: give wtp or weights, not both (each is a criterion)")
    try:
        spec.criterion().check()
    except ExperimentError as exc:
        raise ExperimentError(f"{path}: ranking: {str(exc).replace('--rank-by ', 'rank_by = ').replace('--weight ', 'weights: ').replace('--wtp ', 'wtp = ')}") from None
    return path, spec


def run_file(path_or_name: str | Path, *, out: str | Path, workers: int | None = None, scheduler: str | None = None,
             executor=None, progress: bool | None = None):
    """Run (or resume) the comparison a file describes into ``out`` and write its report."""
    from .experiment import compare

    path, spec = load(path_or_name)

    def near(name: str) -> str:  # scenario files next to the comparison file come first
        sibling = path.parent / name
        return str(sibling) if sibling.suffix == ".toml" and sibling.is_file() else name

    ensemble = None if spec.ensemble is None else (path.parent / spec.ensemble)
    try:
        return compare([near(p) for p in spec.policies], replicates=spec.replicates, weeks=spec.weeks, out=out,
                       clinicians=spec.clinicians, seed=spec.seed, burn_in_weeks=spec.burn_in_weeks,
                       workers=workers, scheduler=scheduler, executor=executor, progress=progress,
                       ensemble=ensemble, baseline=near(spec.baseline),
                       contexts=None if spec.contexts is None else [near(c) for c in spec.contexts],
                       criterion=spec.criterion())
    except ExperimentError as exc:
        raise ExperimentError(f"{path}: {exc}") from None

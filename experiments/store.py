"""The results store of comparisons, kept importable under its old name; it lives in :mod:`experiments.results`."""

from .results import ExperimentStore, StoreMismatchError, fingerprint, git_commit

__all__ = ["ExperimentStore", "StoreMismatchError", "fingerprint", "git_commit"]

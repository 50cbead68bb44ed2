"""Shared fixtures and helpers for the test suite."""

from __future__ import annotations

import pytest

from model import Parameters, burn_in


@pytest.fixture(autouse=True)
def no_burn_in_from_another_test():
    """Each test starts with no kept burn-in, so a test that patches the model never resumes another's."""
    burn_in.SHARED.clear()
    yield


@pytest.fixture(scope="session")
def defaults() -> Parameters:
    return Parameters()


def small(n_posts: int = 80, **overrides) -> Parameters:
    """Default parameters for a small service, with dotted overrides."""
    return Parameters().with_overrides({"service.n_posts": n_posts, **overrides})

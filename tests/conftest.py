"""Shared fixtures and helpers for the test suite."""

from __future__ import annotations

import pytest

from model import Parameters


@pytest.fixture(scope="session")
def defaults() -> Parameters:
    return Parameters()


def small(n_posts: int = 80, **overrides) -> Parameters:
    """Default parameters for a small service, with dotted overrides."""
    return Parameters().with_overrides({"service.n_posts": n_posts, **overrides})

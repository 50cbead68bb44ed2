"""Waiting for a live page to settle, for the dashboard's tests (headless and in a browser)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def settled(read: Callable[[], T], quiet: float = 4.0, limit: float = 90.0) -> T:
    """The value ``read()`` returns once it has not changed for ``quiet`` seconds (a frame under way when *Pause*
    was pressed may still finish, the more slowly the busier the machine).

    Raises:
        AssertionError: it kept changing for ``limit`` seconds (Pause did not stop the run).
    """
    start = time.time()
    value, since = read(), time.time()
    while time.time() - start < limit:
        time.sleep(0.25)
        now = read()
        if now != value:
            value, since = now, time.time()
        elif time.time() - since >= quiet:
            return value
    raise AssertionError(f"still changing after {limit:g} s (last value {value!r})")


def eventually(check: Callable[[], bool], limit: float = 60.0) -> bool:
    """Whether ``check()`` comes true within ``limit`` seconds (polled every quarter second)."""
    start = time.time()
    while time.time() - start < limit:
        if check():
            return True
        time.sleep(0.25)
    return bool(check())

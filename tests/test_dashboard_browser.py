"""The dashboard in a real browser: Debian's Chromium driven by Playwright against the running Solara server.

`make test` installs Chromium from Debian's packages where it can (apt); the test is skipped, saying why, only
when no browser is installed.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no Chromium at {CHROMIUM} (make test installs Debian's chromium with apt; "
                                       "set CHROMIUM=/path/to/chromium to use another)")
sync_api = pytest.importorskip("playwright.sync_api")

from experiments.cli import dashboard_command  # noqa: E402
from experiments.dashboard import LEVERS  # noqa: E402
from tests.waiting import settled  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    log = open(tmp_path_factory.mktemp("dash") / "server.log", "w")
    proc = subprocess.Popen(dashboard_command("127.0.0.1", port), stdout=log, stderr=subprocess.STDOUT,
                            cwd=Path(__file__).resolve().parents[1])
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError(f"the dashboard did not start: see {log.name}")
        time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@contextlib.contextmanager
def _page(url: str, profile: Path):
    """A fresh Chromium profile with the dashboard open and ready (its Set up button shown)."""
    with sync_api.sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True,
                                                    args=FLAGS)
        try:
            page = ctx.new_page()
            page.goto(url)
            page.get_by_role("button", name="Set up").first.wait_for(timeout=90_000)
            yield page
        finally:
            ctx.close()


def _wait_for_text(page, text: str, timeout: float = 60_000) -> None:
    page.wait_for_function("t => document.body.innerText.includes(t)", arg=text, timeout=timeout)


def _set_up(page) -> None:
    """Press Set up until week 0 shows. A busy machine (the rest of the suite on the other core) can take a minute
    or more to set up four models and draw them, and a click right after the page appears can come before its
    handlers are connected; a user would press again. ``first``: while the page reconnects, two copies of it can
    be on screen for a moment."""
    for attempt in range(2):
        page.get_by_role("button", name="Set up").first.click()
        try:
            _wait_for_text(page, "Week 0.", timeout=120_000)
            return
        except sync_api.TimeoutError:
            if attempt == 1:
                raise


def _week(page) -> int:
    return int(re.search(r"Week (\d+)\.", page.inner_text("body")).group(1))


def test_a_slider_moves_weeks_run_and_the_charts_change(server, tmp_path):
    with _page(server, tmp_path / "profile") as page:
        # move the first lever slider with the keyboard, as a user would
        lever = page.locator("[role=slider]").nth(2 + LEVERS.index("supervision.coverage"))
        before = lever.get_attribute("aria-valuenow")
        lever.focus()
        for _ in range(4):
            page.keyboard.press("ArrowLeft")
        page.wait_for_function("([el, v]) => el.getAttribute('aria-valuenow') !== v",
                               arg=[lever.element_handle(), before], timeout=10_000)
        _set_up(page)
        charts = page.locator("img")
        charts.first.wait_for(timeout=60_000)
        first = charts.first.get_attribute("src")
        page.get_by_role("button", name="Run 13 weeks").click()
        _wait_for_text(page, "Week 13.")
        page.wait_for_function("([el, v]) => el.getAttribute('src') !== v",
                               arg=[charts.first.element_handle(), first], timeout=30_000)
        assert "paired over 2 replicates" in page.inner_text("body")


def test_go_runs_weeks_until_pause_and_a_chart_opens_its_odd_section(server, tmp_path):
    from experiments.dashboard import odd_section

    with _page(server, tmp_path / "profile") as page:
        _set_up(page)
        page.get_by_role("button", name="Go", exact=True).click()
        page.wait_for_function("() => /Week [2-9]\\d*\\./.test(document.body.innerText)", timeout=90_000)
        page.get_by_role("button", name="Pause", exact=True).click()
        page.get_by_role("button", name="Go", exact=True).wait_for(timeout=60_000)
        assert settled(lambda: _week(page)) >= 2  # weeks passed without a click, and stop when paused
        heading, text = odd_section("7.6")
        page.get_by_role("button", name=f"How this is computed: docs/ODD.md, section {heading}").click()
        _wait_for_text(page, text.split("\n")[0][:30])

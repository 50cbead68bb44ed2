"""The dashboard in a real browser: Debian's Chromium driven by Playwright against the running Solara server.

`make test` installs Chromium from Debian's packages where it can (apt); the test is skipped, saying why, only
when no browser is installed.
"""

from __future__ import annotations

import os
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


def test_a_slider_moves_weeks_run_and_the_charts_change(server, tmp_path):
    with sync_api.sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM,
                                                    headless=True, args=FLAGS)
        try:
            page = ctx.new_page()
            page.goto(server)
            setup = page.get_by_role("button", name="Set up")
            setup.wait_for(timeout=90_000)
            # move the first lever slider with the keyboard, as a user would
            sliders = page.locator("[role=slider]")
            lever = sliders.nth(2 + LEVERS.index("supervision.coverage"))
            before = lever.get_attribute("aria-valuenow")
            lever.focus()
            for _ in range(4):
                page.keyboard.press("ArrowLeft")
            page.wait_for_function("([el, v]) => el.getAttribute('aria-valuenow') !== v",
                                   arg=[lever.element_handle(), before], timeout=10_000)
            setup.click()
            page.get_by_text("Week 0.").wait_for(timeout=60_000)
            charts = page.locator("img")
            charts.first.wait_for(timeout=60_000)
            first = charts.first.get_attribute("src")
            page.get_by_role("button", name="Run 13 weeks").click()
            page.get_by_text("Week 13.").wait_for(timeout=60_000)
            page.wait_for_function("([el, v]) => el.getAttribute('src') !== v",
                                   arg=[charts.first.element_handle(), first], timeout=30_000)
            assert page.get_by_text("paired over 2 replicates").count() == 1
        finally:
            ctx.close()

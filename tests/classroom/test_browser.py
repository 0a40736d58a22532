"""The classroom page in a real browser: Debian's Chromium driven by Playwright.

Starts ``coalition-sim app`` on a free localhost port, opens the page in
headless Chromium (the system's /usr/bin/chromium, never a downloaded one) and
checks what a trainer does: the page loads with no console error and no
request to any host but localhost, a preset can be chosen, play advances the
step counter and the charts, and the replicate button produces its plot.
Screenshots of a failing test go to a temporary folder named in the failure.

Without /usr/bin/chromium these tests are skipped, unless
COALITION_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SERVER_START_S = 90
PAGE_LOAD_MS = 90_000


def _need_browser() -> None:
    """Skip (or fail, when the browser is required) if Chromium or Playwright is missing."""
    required = os.environ.get("COALITION_REQUIRE_BROWSER") == "1"
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} not found (install Debian's chromium: apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright is not installed (pip install -e '.[dev]')"
    if problem and required:
        pytest.fail(f"COALITION_REQUIRE_BROWSER=1 but {problem}")
    if problem:
        pytest.skip(problem)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen, deadline_s: float) -> None:
    """Return once the server accepts connections; fail if it exits or never listens."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise AssertionError(f"the server did not listen on port {port} within {deadline_s} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``coalition-sim app`` on a free port; yields its URL and the first line it printed.

    Its output goes to a file (a pipe nobody reads would fill and stall the server); at the
    end the file must hold no traceback.
    """
    _need_browser()
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "coalition_sim.cli.main", "app", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        _wait_for_port(port, process, SERVER_START_S)
        yield f"http://127.0.0.1:{port}/", log.read_text().splitlines()[0]
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert "Traceback" not in log.read_text(), f"the server logged an error; see {log}"


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One browser tab on the page, recording every request and console error."""

    def __init__(self, browser, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1500, "height": 1100})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.goto(url)
        self.page.get_by_text(re.compile(r"^Step: \d+$")).wait_for(timeout=PAGE_LOAD_MS)
        self.page.wait_for_function("document.querySelectorAll('img').length >= 2", timeout=PAGE_LOAD_MS)

    def click_when_still(self, locator, still_s: float = 1.0, timeout_s: float = 60) -> None:
        """Click ``locator`` once its position has not changed for ``still_s``: the page's grid
        slides panels into place after loading, and a click during the slide is lost."""
        deadline = time.monotonic() + timeout_s
        box, since = locator.bounding_box(), time.monotonic()
        while time.monotonic() - since < still_s:
            if time.monotonic() > deadline:
                raise AssertionError(f"{locator} kept moving for {timeout_s} s")
            time.sleep(0.1)
            now = locator.bounding_box()
            if now != box:
                box, since = now, time.monotonic()
        locator.click()

    def step(self) -> int:
        return int(self.page.get_by_text(re.compile(r"^Step: \d+$")).inner_text().split(":")[1])

    def images(self) -> list[str]:
        return self.page.locator("img").evaluate_all("els => els.map(e => e.src)")

    def foreign_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname not in LOCAL_HOSTS
        ]


@pytest.fixture
def visit(browser, server):
    """A fresh tab (a fresh session on the server) on the page."""
    url, _ = server
    tab = Visit(browser, url)
    yield tab
    tab.page.close()


@contextlib.contextmanager
def screenshot_on_failure(tab: Visit, tmp_path_factory, name: str):
    """Save a full-page screenshot (and name it in the error) if the block fails."""
    try:
        yield
    except BaseException as exc:
        folder = tmp_path_factory.mktemp("browser-failures")
        path = folder / f"{name}.png"
        with contextlib.suppress(Exception):
            tab.page.screenshot(path=str(path), full_page=True)
        raise AssertionError(
            f"{exc}\n(screenshot: {path}; requests: {len(tab.requests)}, console errors: {tab.errors})"
        ) from exc


def wait_until(condition, timeout_s: float, what: str) -> None:
    """Poll the page for ``condition()`` until it holds (the server pushes updates asynchronously)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def test_page_loads_offline_clean(visit, server, tmp_path_factory):
    _, first_line = server
    with screenshot_on_failure(visit, tmp_path_factory, "load"):
        assert "http://localhost:" in first_line, first_line
        wait_until(lambda: len(visit.images()) >= 2, 60, "the network and the charts")
        visit.page.get_by_text("What happened").wait_for()
        assert visit.step() == 0
        assert len(visit.requests) > 5, "the page's own scripts were requested"
        assert visit.foreign_requests() == [], "requests outside localhost"
        assert visit.errors == [], "console errors"


def test_a_preset_can_be_chosen(visit, tmp_path_factory):
    from coalition_sim import PRESETS

    preset = PRESETS["backbone-cut"]
    with screenshot_on_failure(visit, tmp_path_factory, "preset"):
        visit.page.locator(".v-select").filter(has_text="Preset").first.click()
        visit.page.get_by_role("option", name=preset.title).click()
        visit.page.get_by_text(preset.caption).wait_for(timeout=30_000)
        wait_until(lambda: _slider_value(visit, "Backbone cut") == "36", 30, "the backbone-cut slider at 36")
        assert visit.errors == []


def _slider_value(tab: Visit, label: str) -> str:
    slider = tab.page.locator(".v-input").filter(has_text=label).first
    return slider.locator("input").first.input_value()


def test_play_advances_step_counter_and_charts(visit, tmp_path_factory):
    with screenshot_on_failure(visit, tmp_path_factory, "play"):
        wait_until(lambda: len(visit.images()) >= 2, 60, "the first drawings")
        before = visit.images()
        visit.page.get_by_role("button", name="▶").click()
        wait_until(lambda: visit.step() >= 5, 60, "five months of play")
        visit.page.get_by_role("button", name="❚❚").click()
        wait_until(lambda: visit.images()[:2] != before[:2], 30, "redrawn network and charts")
        after = visit.images()
        assert after[0] != before[0] and after[1] != before[1]
        assert visit.errors == []


def test_replicate_button_produces_its_plot(visit, tmp_path_factory):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with screenshot_on_failure(visit, tmp_path_factory, "replicates"):
        wait_until(lambda: len(visit.images()) >= 2, 60, "the first drawings")
        button = visit.page.get_by_role("button", name=re.compile("Is this typical"))
        started = visit.page.get_by_text(re.compile(r"^Running replicates in the background|^50 replicates"))
        for attempt in range(3):  # a click while the grid is still sliding panels is lost: retry it
            visit.click_when_still(button)
            try:
                started.wait_for(timeout=15_000)
                break
            except PlaywrightTimeout:
                assert attempt < 2, "the button never started the replicates"
        visit.page.get_by_text(re.compile(r"^50 replicates")).wait_for(timeout=180_000)
        assert len(visit.images()) == 3
        assert visit.errors == []

"""The classroom page in a real browser: Debian's Chromium driven by Playwright.

Starts ``coalition-sim app`` on a free localhost port, opens the page in
headless Chromium (the system's /usr/bin/chromium, never a downloaded one) and
checks what a trainer does: the page loads with no console error and no
request to any host but localhost, a preset can be chosen, play advances the
month and the drawings, "Is this typical?" pressed again and again while
playing and across a Reset stays safe, a dissolved run gives way to another
preset that plays, side by side steps both coalitions, the downloads arrive,
and at 1280x720 (a projector) every text is at least 14 pixels and no control
is covered. Screenshots of a failing test go to a temporary folder named in
the failure.

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


def _wait_for_address(log: Path, process: subprocess.Popen, deadline_s: float) -> str:
    """The line where ``coalition-sim app`` tells the address; fail if it exits or never tells."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with code {process.returncode}")
        for line in log.read_text().splitlines():
            if line.startswith("Coalition classroom: open "):
                return line
        time.sleep(0.2)
    raise AssertionError(f"the server printed no address within {deadline_s} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``coalition-sim app`` on a free port; yields its URL and the line that tells its address.

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
        address = _wait_for_address(log, process, SERVER_START_S)
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass  # the address is printed only once the server accepts connections
        yield f"http://127.0.0.1:{port}/", address
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    logged = log.read_text()
    for sign in ("Traceback", "Too many renders", "Error"):
        assert sign not in logged, f"the server logged {sign!r}; see {log}"


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


PROJECTOR = {"width": 1280, "height": 720}
MONTH = re.compile(r"^(\d+) of (\d+)$")


class Visit:
    """One browser tab on the page, recording every request and console error."""

    def __init__(self, browser, url: str, viewport=PROJECTOR) -> None:
        self.page = browser.new_page(viewport=viewport, accept_downloads=True)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.goto(url)
        self.page.locator(".drawing-network svg").first.wait_for(timeout=PAGE_LOAD_MS)
        self.page.locator(".drawing-charts svg").first.wait_for(timeout=PAGE_LOAD_MS)

    def button(self, name):
        exact = {"exact": True} if isinstance(name, str) else {}
        return self.page.get_by_role("button", name=name, **exact)

    def click_when_still(self, locator, still_s: float = 0.5, timeout_s: float = 60) -> None:
        """Click ``locator`` once its position has not changed for ``still_s``: the page's
        layout settles after loading, and a click during a move is lost."""
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

    def months(self) -> list[int]:
        """The month of each run on screen, from its big number."""
        shown = self.page.locator(".monitor-value").all_inner_texts()
        return [int(MONTH.match(t.strip()).group(1)) for t in shown if MONTH.match(t.strip())]

    def month(self) -> int:
        months = self.months()
        return months[0] if months else -1

    def drawings(self, name: str) -> list[str]:
        return self.page.locator(f".drawing-{name}").evaluate_all("els => els.map(e => e.innerHTML)")

    def choose_preset(self, title: str) -> None:
        self.page.locator(".v-select").filter(has_text="Preset").first.click()
        self.page.get_by_role("option", name=title).click()

    def slider_to_minimum(self, name: str) -> None:
        """Move a slider to its lowest value with the keyboard (as a trainer can)."""
        thumb = self.page.locator(f".control-{name} .v-slider__thumb-container").first
        thumb.focus()
        self.page.keyboard.press("Home")

    def no_errors(self) -> list[str]:
        return [e for e in self.errors if "favicon" not in e]

    def foreign_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname not in LOCAL_HOSTS
        ]


@pytest.fixture
def visit(browser, server):
    """A fresh tab (a fresh session on the server) on the page, at projector size."""
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


SMALLEST_TEXT_JS = """() => {
  const sizes = [];
  const seen = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.opacity !== '0'
      && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
  };
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (el.closest('svg') || !seen(el)) continue;
    const scale = el.offsetHeight ? el.getBoundingClientRect().height / el.offsetHeight : 1;
    sizes.push([parseFloat(getComputedStyle(el).fontSize) * scale, node.textContent.trim().slice(0, 40)]);
  }
  for (const svg of document.querySelectorAll('svg')) {
    if (!svg.viewBox || !svg.viewBox.baseVal || !svg.viewBox.baseVal.width || !seen(svg)) continue;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      sizes.push([parseFloat(getComputedStyle(t).fontSize) * scale, 'chart: ' + t.textContent.trim().slice(0, 30)]);
    }
  }
  sizes.sort((a, b) => a[0] - b[0]);
  return sizes;
}"""

COVERED_CONTROLS_JS = """() => {
  const covered = [];
  const controls = document.querySelectorAll(
    'button, .v-slider__thumb-container, .v-select__slot, .v-input--switch .v-input--selection-controls__input');
  let checked = 0;
  for (const el of controls) {
    const r = el.getBoundingClientRect();
    const off = r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth;
    if (r.width === 0 || r.height === 0 || off) continue;
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    const top = document.elementFromPoint(x, y);
    checked += 1;
    if (!(top === el || el.contains(top) || (top && top.contains(el) && top.tagName !== 'BODY'))) {
      const what = (el.innerText || el.className).slice(0, 40);
      covered.push(what + ' under ' + (top ? top.className || top.tagName : 'nothing'));
    }
  }
  return {checked, covered};
}"""


def test_page_loads_offline_clean_with_a_title(visit, server, tmp_path_factory):
    _, first_line = server
    with screenshot_on_failure(visit, tmp_path_factory, "load"):
        assert "http://localhost:" in first_line, first_line
        visit.page.get_by_text("What happened").wait_for()
        assert visit.month() == 0
        assert visit.page.title() == "Coalition classroom"
        assert visit.page.get_by_text("This website runs on").count() == 0
        assert len(visit.requests) > 5, "the page's own scripts were requested"
        assert visit.foreign_requests() == [], "requests outside localhost"
        assert visit.no_errors() == [], "console errors"


def test_at_1280x720_text_is_legible_controls_uncovered_story_in_view(visit, tmp_path_factory):
    with screenshot_on_failure(visit, tmp_path_factory, "legibility"):
        visit.click_when_still(visit.button("Step"))
        wait_until(lambda: visit.month() == 1, 30, "month 1")
        sizes = visit.page.evaluate(SMALLEST_TEXT_JS)
        assert len(sizes) > 40 and any(t.startswith("chart: ") for _, t in sizes)
        too_small = [(round(px, 1), text) for px, text in sizes if px < 14 - 1e-6]
        assert too_small == [], f"text under 14 px: {too_small[:10]}"
        result = visit.page.evaluate(COVERED_CONTROLS_JS)
        assert result["checked"] >= 8 and result["covered"] == [], result
        for selector in (".monitor-value", ".caption", ".drawing-network svg"):
            box = visit.page.locator(selector).first.bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"], (selector, box)


def test_a_preset_can_be_chosen(visit, tmp_path_factory):
    from coalition_sim import PRESETS

    preset = PRESETS["crisis"]
    with screenshot_on_failure(visit, tmp_path_factory, "preset"):
        visit.choose_preset(preset.title)
        visit.page.get_by_text(preset.caption).wait_for(timeout=30_000)
        visit.page.get_by_text("Shock rate (per month): 0.050").wait_for(timeout=30_000)
        assert visit.no_errors() == []


def test_play_advances_month_and_drawings_and_pauses(visit, tmp_path_factory):
    with screenshot_on_failure(visit, tmp_path_factory, "play"):
        before = visit.drawings("network") + visit.drawings("charts")
        visit.click_when_still(visit.button("▶ Play"))
        wait_until(lambda: visit.month() >= 5, 60, "five months of play")
        visit.button("❚❚ Pause").click()
        wait_until(lambda: visit.drawings("network") + visit.drawings("charts") != before, 30, "redrawn drawings")
        paused = visit.month()
        time.sleep(1.5)  # paused: no month may pass while we look away
        assert visit.month() == paused
        after = visit.drawings("network") + visit.drawings("charts")
        assert after[0] != before[0] and after[1] != before[1]
        assert visit.no_errors() == []


def test_replicates_pressed_ten_times_while_playing_and_once_mid_reset(visit, tmp_path_factory):
    with screenshot_on_failure(visit, tmp_path_factory, "replicates"):
        button = visit.button(re.compile("^Is this typical"))
        visit.click_when_still(visit.button("▶ Play"))
        for _ in range(10):
            button.click(force=True)  # also while it is disabled: a trainer keeps pressing
            time.sleep(0.1)
        visit.page.get_by_text(re.compile(r"^Running replicates in the background")).wait_for(timeout=30_000)
        visit.button("Reset").click()  # the replicates keep running across a Reset
        wait_until(lambda: visit.month() <= 1, 30, "the reset")
        visit.click_when_still(visit.button("▶ Play"))
        visit.page.get_by_text(re.compile(r"^50 replicates")).wait_for(timeout=240_000)
        wait_until(lambda: len(visit.drawings("replicates")) == 1, 30, "the replicates' plot")
        button.click()  # and once more, when they are done
        visit.page.get_by_text(re.compile(r"^50 replicates")).wait_for(timeout=240_000)
        visit.button("❚❚ Pause").click()
        assert visit.page.locator(".v-alert.error").count() == 0
        assert visit.page.get_by_text("Traceback").count() == 0
        assert visit.no_errors() == []


def test_after_a_dissolution_another_preset_plays(visit, tmp_path_factory):
    from coalition_sim import PRESETS

    with screenshot_on_failure(visit, tmp_path_factory, "dissolve"):
        visit.slider_to_minimum("n_orgs")
        visit.page.get_by_text("Organizations in the core: 1").wait_for(timeout=30_000)
        visit.button("Reset").click()
        visit.click_when_still(visit.button("Step"))
        visit.page.get_by_text(re.compile(r"^Dissolved at month 1: ")).wait_for(timeout=30_000)
        # the banner and the button are separate widgets, updated by separate messages
        wait_until(lambda: visit.button("▶ Play").is_disabled(), 10, "play greyed out after the dissolution")
        visit.choose_preset(PRESETS["crisis"].title)
        visit.page.get_by_text(PRESETS["crisis"].caption).wait_for(timeout=30_000)
        wait_until(lambda: visit.button("▶ Play").is_enabled(), 30, "play enabled again")
        visit.button("▶ Play").click()
        wait_until(lambda: visit.month() >= 3, 60, "the new run to advance")
        visit.button("❚❚ Pause").click()
        assert visit.no_errors() == []


def test_side_by_side_steps_both_and_the_difference_strip_changes(visit, tmp_path_factory):
    with screenshot_on_failure(visit, tmp_path_factory, "side-by-side"):
        visit.page.get_by_text("Side by side: two settings, same organizations").click()
        wait_until(lambda: len(visit.drawings("network")) == 2, 30, "two coalitions")
        strips = []
        for month in range(1, 5):
            visit.click_when_still(visit.button("Step"))
            wait_until(lambda m=month: visit.months() == [m, m], 30, f"both at month {month}")
            strips.append(visit.drawings("difference")[0])
        assert len(set(strips)) > 1, "the difference strip never changed"
        visit.page.get_by_text(re.compile(r"^Right minus left at month 4")).wait_for(timeout=10_000)
        assert visit.no_errors() == []


def test_downloads_are_non_empty_files_of_the_right_type(visit, tmp_path_factory):
    with screenshot_on_failure(visit, tmp_path_factory, "downloads"):
        visit.click_when_still(visit.button("Step"))
        wait_until(lambda: visit.month() == 1, 30, "month 1")
        starts = {"coalition.png": b"\x89PNG", "coalition.svg": b"<?xml", "months.csv": b"run,month,"}
        for name, label in (
            ("coalition.png", "The view (PNG)"),
            ("coalition.svg", "The view (SVG)"),
            ("months.csv", "Monthly data (CSV)"),
        ):
            with visit.page.expect_download(timeout=60_000) as info:
                visit.button(label).click()
            download = info.value
            assert download.suggested_filename == name
            data = Path(download.path()).read_bytes()
            assert len(data) > 100 and data.startswith(starts[name]), (name, data[:20])
        assert visit.no_errors() == []

"""Take the trainer's guide screenshots: the real page, one per preset, in headless Chromium.

    python docs/make_screenshots.py            # writes docs/img/preset-<name>.png

Starts ``coalition-sim app`` on a free port, chooses each preset in the page,
plays it to the month its story needs (or until the coalition dissolves),
presses "Is this typical?", waits for the replicates, and saves the page.
Needs Debian's chromium at /usr/bin/chromium and Playwright (no download).
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import TimeoutError, sync_playwright

from coalition_sim import PRESETS

OUT = Path(__file__).resolve().parent / "img"
LOG = None
MONTHS = {"silos": 60, "backbone-cut": 72, "gridlock": 40, "crisis": 60, "pull": 60, "community_coalition": 72}
"""Month to stop at (a dissolving coalition stops earlier); other presets stop at 60."""
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
STEP = re.compile(r"^Step: \d+$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_server(port: int, deadline_s: float = 90) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not start on port {port}")


def click_when_still(locator, still_s: float = 1.0) -> None:
    """Click once the element has not moved for ``still_s`` seconds."""
    box, since = locator.bounding_box(), time.monotonic()
    while time.monotonic() - since < still_s:
        time.sleep(0.1)
        now = locator.bounding_box()
        if now != box:
            box, since = now, time.monotonic()
    locator.click()


def step(page) -> int:
    return int(page.get_by_text(STEP).inner_text().split(":")[1])


def shoot(browser, url: str, name: str) -> Path:
    """Play one preset to its month, run the replicates, save the page."""
    page = browser.new_page(viewport={"width": 1500, "height": 1150})
    page.goto(url)
    page.get_by_text(STEP).wait_for(timeout=90_000)
    page.locator(".v-select").filter(has_text="Preset").first.click()
    page.get_by_role("option", name=PRESETS[name].title).click()
    page.get_by_text(PRESETS[name].caption).wait_for(timeout=30_000)
    page.get_by_role("button", name="▶").click()
    deadline = time.monotonic() + 300
    while step(page) < MONTHS.get(name, 60) and time.monotonic() < deadline:
        if page.get_by_role("button", name="❚❚").is_disabled():  # the coalition dissolved
            break
        time.sleep(0.2)
    if page.get_by_role("button", name="❚❚").is_enabled():
        page.get_by_role("button", name="❚❚").click()
    button = page.get_by_role("button", name=re.compile("Is this typical"))
    started = page.get_by_text(re.compile(r"^Running replicates|^\d+ replicates"))
    for _ in range(5):  # the grid may slide panels as the page settles; a click during a slide is lost
        click_when_still(button)
        try:
            started.wait_for(timeout=10_000)
            break
        except TimeoutError:
            continue
    page.get_by_text(re.compile(r"^\d+ replicates")).wait_for(timeout=300_000)
    page.wait_for_function("document.querySelectorAll('img').length >= 3")
    deadline = time.monotonic() + 60
    while button.is_disabled() and time.monotonic() < deadline:  # the task is wrapping up
        time.sleep(0.2)
    path = OUT / f"preset-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.close()
    return path


def main() -> None:
    global LOG
    OUT.mkdir(parents=True, exist_ok=True)
    LOG = open(Path(tempfile.gettempdir()) / "coalition-screenshots-server.log", "w")  # noqa: SIM115  (for when a shot fails; open for the whole run)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "coalition_sim.cli.main", "app", "--port", str(port)],
        stdout=LOG,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_server(port)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for name in sys.argv[1:] or list(PRESETS):
                print("wrote", shoot(browser, f"http://127.0.0.1:{port}/", name), flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()

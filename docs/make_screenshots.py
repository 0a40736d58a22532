"""Regenerate the trainer's guide: its screenshots and every figure it quotes.

    python docs/make_screenshots.py                  # every preset, side by side, and the figures
    python docs/make_screenshots.py silos gridlock   # only these presets (screenshots and figures)
    python docs/make_screenshots.py --figures-only   # only the figures (no browser; about a minute)
    python docs/make_screenshots.py --no-figures     # only the screenshots

Screenshots: starts ``coalition-sim app`` on a free port, chooses each preset in
the page, plays it (at the fastest pace) to the month its story needs or until
the coalition dissolves, presses "Is this typical?" (on both sides when the preset
opens side by side), waits for the replicates, and saves the whole page (1280
pixels wide, as a projector shows it) as docs/img/preset-<name>.png. Then the
default preset side by side (docs/img/side-by-side.png). Needs Debian's chromium
at /usr/bin/chromium and Playwright (no download).

Figures: runs each preset as the page opens it, and its replicates as the button
runs them, and rewrites the tables between ``<!-- figures:NAME -->`` and
``<!-- /figures:NAME -->`` in docs/trainers.md
(:mod:`coalition_sim.classroom.guide_figures`). Rerun the script whenever the
model's defaults or a preset change.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from coalition_sim import PRESETS
from coalition_sim.classroom import guide_figures

OUT = Path(__file__).resolve().parent / "img"
GUIDE = Path(__file__).resolve().parent / "trainers.md"
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
MONTH = re.compile(r"^(\d+) of \d+$")
SIDE_BY_SIDE_MONTH = 48
VIEWPORT = {"width": 1280, "height": 720}


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


def click_when_still(locator, still_s: float = 0.5) -> None:
    """Click once the element has not moved for ``still_s`` seconds."""
    box, since = locator.bounding_box(), time.monotonic()
    while time.monotonic() - since < still_s:
        time.sleep(0.1)
        now = locator.bounding_box()
        if now != box:
            box, since = now, time.monotonic()
    locator.click()


def month(page) -> int:
    """The furthest month on screen (side by side, one coalition may have stopped earlier)."""
    found = [MONTH.match(text.strip()) for text in page.locator(".monitor-value").all_inner_texts()]
    return max((int(m.group(1)) for m in found if m), default=-1)


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def open_page(browser, url: str):
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url)
    page.locator(".drawing-network svg").first.wait_for(timeout=90_000)
    return page


def fastest_pace(page) -> None:
    """Set "Pause between months" to its minimum (the screenshot does not need the room's pace)."""
    thumb = page.locator(".control-speed .v-slider__thumb-container").first
    thumb.focus()
    page.keyboard.press("Home")
    page.get_by_text(re.compile(r"^Pause between months: 100 ms")).wait_for(timeout=30_000)


def play_to(page, months: int) -> None:
    """Play until ``months`` (or until every coalition on screen has stopped), then pause."""
    click_when_still(button(page, "▶ Play"))
    button(page, "❚❚ Pause").wait_for(timeout=30_000)
    deadline = time.monotonic() + 300
    while month(page) < months and time.monotonic() < deadline:
        if button(page, "▶ Play").count():  # the run stopped by itself: it dissolved
            break
        time.sleep(0.1)
    if button(page, "❚❚ Pause").count():
        button(page, "❚❚ Pause").click()


def replicates(page) -> None:
    """Press every "Is this typical?" button and wait for the spreads."""
    buttons = page.get_by_role("button", name=re.compile("^Is this typical"))
    for i in range(buttons.count()):
        click_when_still(buttons.nth(i))
        time.sleep(0.5)
    deadline = time.monotonic() + 300
    while page.locator(".drawing-replicates").count() < buttons.count() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)


def save(page, path: Path) -> Path:
    """The whole page at projector width: the window is made as tall as the page's content."""
    page.evaluate("document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.main, .sidebar')].map(e => e.getBoundingClientRect().bottom))"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": int(max(VIEWPORT["height"], height + 24))})
    time.sleep(1.0)
    page.screenshot(path=str(path))
    return path


def shoot(browser, url: str, name: str) -> Path:
    """Play one preset to its month, run the replicates, save the page."""
    page = open_page(browser, url)
    page.locator(".v-select").filter(has_text="Preset").first.click()
    page.get_by_role("option", name=PRESETS[name].title).click()
    page.get_by_text(PRESETS[name].caption).wait_for(timeout=30_000)
    fastest_pace(page)
    play_to(page, MONTHS.get(name, 60))
    replicates(page)
    if name == "silos":  # one organization's card, opened as a trainer would: a click on its dot
        page.locator('.drawing-network .network-hit[data-org="3"]').first.click()
        page.get_by_text("Trust in the members:").first.wait_for(timeout=30_000)
    path = save(page, OUT / f"preset-{name}.png")
    page.close()
    return path


def shoot_side_by_side(browser, url: str) -> Path:
    """The silos preset side by side: opt-in on the left, consensus on the right."""
    page = open_page(browser, url)
    page.get_by_text("Side by side: two settings, same organizations").click()
    page.locator(".drawing-difference").wait_for(timeout=30_000)
    fastest_pace(page)
    play_to(page, SIDE_BY_SIDE_MONTH)
    replicates(page)
    path = save(page, OUT / "side-by-side.png")
    page.close()
    return path


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("presets", nargs="*", help=f"presets to redo (default: all of {', '.join(PRESETS)})")
    parser.add_argument("--figures-only", action="store_true", help="only rewrite the figures in docs/trainers.md")
    parser.add_argument("--no-figures", action="store_true", help="only take the screenshots")
    args = parser.parse_args()
    unknown = [name for name in args.presets if name not in PRESETS]
    if unknown:
        parser.exit(2, f"unknown preset {unknown[0]!r}: choose from {', '.join(PRESETS)}\n")
    return args


def screenshots(names: list[str], side_by_side: bool) -> None:
    """Start the page's server, take the screenshots, stop the server."""
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
            url = f"http://127.0.0.1:{port}/"
            for name in names:
                print("wrote", shoot(browser, url, name), flush=True)
            if side_by_side:
                print("wrote", shoot_side_by_side(browser, url), flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)


def main() -> None:
    args = parse_args()
    names = args.presets or list(PRESETS)
    if not args.figures_only:
        screenshots(names, side_by_side=not args.presets)
    if not args.no_figures:
        guide_figures.update_guide(GUIDE, MONTHS, names)
        print(f"wrote the figures of {', '.join(names)} into {GUIDE}", flush=True)


if __name__ == "__main__":
    main()

"""Retake the strategists' guide picture of the example report (docs/img/strategist_report.png).

    python docs/make_report_screenshot.py

Opens docs/example_report/report.html in headless Chromium (Debian's chromium at
/usr/bin/chromium, driven by Playwright; no download, no network) at 1280x900 and
saves the top of the page: the recommendation and the options compared. Rerun it
whenever the example report is regenerated (docs/strategists.md, section 4, gives
the command that makes the report).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
REPORT = DOCS / "example_report" / "report.html"
OUT = DOCS / "img" / "strategist_report.png"
VIEWPORT = {"width": 1280, "height": 900}


def main() -> int:
    if not REPORT.exists():
        print(f"error: {REPORT} not found: make the example report first (docs/strategists.md, section 4)")
        return 1
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(REPORT.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(OUT))
        browser.close()
    print(f"wrote {OUT.relative_to(DOCS.parent)} ({OUT.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

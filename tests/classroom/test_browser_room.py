"""The classroom page in a real browser, continued: a click or hover on the network, the
page at 1920x1080, and "Is this typical?" on both sides of side-by-side mode while playing.

Uses the server, browser and tab helpers of ``test_browser.py`` (this module starts its
own server, whose log must hold no traceback at the end).
"""

from __future__ import annotations

import re
import time

import pytest
from test_browser import (  # noqa: F401  (server and browser are fixtures used by name)
    SMALLEST_TEXT_JS,
    Visit,
    browser,
    screenshot_on_failure,
    server,
    wait_until,
)

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}

OWN_HIT_JS = """() => {
  const hits = [...document.querySelectorAll('.drawing-network .network-hit')];
  let own = 0;
  for (const c of hits) {
    const r = c.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (top === c) own += 1;
  }
  return {hits: hits.length, own};
}"""

CONTROLS_UNCOVERED_JS = """() => {
  const covered = [];
  const controls = document.querySelectorAll(
    'button, .v-slider__thumb-container, .v-select__slot, .v-input--switch .v-input--selection-controls__input');
  let checked = 0;
  for (const el of controls) {
    if (el.getBoundingClientRect().width === 0) continue;
    el.scrollIntoView({block: 'center', inline: 'center'});  // every control, also the ones below the fold
    const r = el.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    checked += 1;
    if (!(top === el || el.contains(top) || (top && top.contains(el) && top.tagName !== 'BODY'))) {
      const under = top ? top.className || top.tagName : 'nothing';
      covered.push((el.innerText || el.className).slice(0, 40) + ' under ' + under);
    }
  }
  window.scrollTo(0, 0);
  document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; });
  return {checked, covered};
}"""

DRAWINGS_UNCOVERED_JS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('.drawing > svg:not(.network-hits), .drawing > div > svg')) {
    svg.scrollIntoView({block: 'nearest', inline: 'nearest'});
    const r = svg.getBoundingClientRect();
    const holder = svg.closest('.drawing');
    const name = holder.className;
    const inside = r.left >= -1 && r.right <= innerWidth + 1 && r.top >= -1 && r.bottom <= innerHeight + 1;
    const bad = [];
    for (const [fx, fy] of [[0.05, 0.05], [0.95, 0.05], [0.5, 0.5], [0.05, 0.95], [0.95, 0.95]]) {
      const top = document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height);
      if (!top || !holder.contains(top)) bad.push([fx, fy, top ? (top.className.baseVal ?? top.className) : 'none']);
    }
    out.push({name, inside, bad, box: [r.left, r.top, r.width, r.height]});
  }
  window.scrollTo(0, 0);
  document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; });
  return out;
}"""


@pytest.fixture
def visit(browser, server):  # noqa: F811  (the fixtures above, by name)
    url, _ = server
    tab = Visit(browser, url)
    yield tab
    tab.page.close()


def _hit(visit: Visit, org: int) -> tuple[float, float]:
    box = visit.page.locator(f'.drawing-network .network-hit[data-org="{org}"]').first.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_hover_on_a_node_shows_its_name_and_a_click_opens_its_card(visit, tmp_path_factory):
    with screenshot_on_failure(visit, tmp_path_factory, "node-click"):
        visit.click_when_still(visit.button("Step"))
        wait_until(lambda: visit.month() == 1, 30, "month 1")
        counts = visit.page.evaluate(OWN_HIT_JS)
        # one hit area per organization (core and wider network), nearly all reachable at their centre
        assert counts["hits"] == 60 and counts["own"] >= 54, counts
        for org in (7, 12):
            x, y = _hit(visit, org)
            visit.page.mouse.move(x, y)
            hover = visit.page.locator(".network-hover")
            hover.wait_for(timeout=10_000)
            assert hover.inner_text().strip() == f"Org {org}"
            visit.page.mouse.click(x, y)
            card = visit.page.locator(".org-card .org-name")
            wait_until(lambda c=card, o=org: c.count() == 1 and c.inner_text().strip() == f"Org {o}", 30, "its card")
            visit.page.get_by_text("Trust in the members:").first.wait_for(timeout=10_000)
        visit.page.mouse.move(5, 5)
        wait_until(lambda: visit.page.locator(".network-hover").count() == 0, 10, "the name to go with the mouse")
        assert visit.no_errors() == []


def test_at_1920x1080_text_is_legible_charts_whole_and_uncovered_controls_uncovered(
    browser,  # noqa: F811
    server,  # noqa: F811
    tmp_path_factory,
):
    url, _ = server
    tab = Visit(browser, url, viewport=FULL_HD)
    try:
        with screenshot_on_failure(tab, tmp_path_factory, "full-hd"):
            for side_by_side in (False, True):
                if side_by_side:
                    tab.page.get_by_text("Side by side: two settings, same organizations").click()
                    wait_until(lambda: len(tab.drawings("network")) == 2, 30, "two coalitions")
                tab.click_when_still(tab.button("Step"))
                wait_until(lambda: tab.month() == 1, 30, "month 1")
                sizes = tab.page.evaluate(SMALLEST_TEXT_JS)
                assert any(t.startswith("chart: ") for _, t in sizes)
                too_small = [(round(px, 1), text) for px, text in sizes if px < 14 - 1e-6]
                assert too_small == [], f"text under 14 px: {too_small[:10]}"
                covered = tab.page.evaluate(CONTROLS_UNCOVERED_JS)  # every control, scrolled to
                assert covered["checked"] >= 12 and covered["covered"] == [], covered
                drawings = tab.page.evaluate(DRAWINGS_UNCOVERED_JS)
                assert len(drawings) == (5 if side_by_side else 2), drawings
                for drawing in drawings:
                    assert drawing["inside"] and drawing["bad"] == [], drawing
                if not side_by_side:  # one coalition: the network and its charts fit the screen as loaded
                    for selector in (".drawing-network svg", ".drawing-charts svg", ".caption", ".monitor-value"):
                        box = tab.page.locator(selector).first.bounding_box()
                        assert box["y"] >= 0 and box["y"] + box["height"] <= FULL_HD["height"], (selector, box)
            assert tab.no_errors() == []
    finally:
        tab.page.close()


def test_is_this_typical_on_both_sides_pressed_while_playing_five_times_each(visit, tmp_path_factory):
    with screenshot_on_failure(visit, tmp_path_factory, "typical-both-sides"):
        visit.page.get_by_text("Side by side: two settings, same organizations").click()
        wait_until(lambda: len(visit.drawings("network")) == 2, 30, "two coalitions")
        left = visit.button(re.compile(r"^Is this typical.*\(left\)"))
        right = visit.button(re.compile(r"^Is this typical.*\(right\)"))
        visit.click_when_still(visit.button("▶ Play"))
        for _ in range(5):
            left.click(force=True)  # also while it is disabled: a trainer keeps pressing
            time.sleep(0.1)
            right.click(force=True)
            time.sleep(0.1)
        wait_until(lambda: visit.month() >= 3, 60, "play to go on meanwhile")
        done = visit.page.get_by_text(re.compile(r"^50 replicates"))
        wait_until(lambda: done.count() == 2, 240, "both spreads")
        wait_until(lambda: len(visit.drawings("replicates")) == 2, 30, "both replicates' plots")
        visit.button("❚❚ Pause").click()
        months = visit.months()
        assert len(months) == 2 and max(months) >= 3
        if months[0] != months[1]:  # stepped together: a side falls behind only by dissolving
            visit.page.get_by_text(re.compile(rf"^Dissolved at month {min(months)}: ")).wait_for(timeout=10_000)
        assert visit.page.locator(".v-alert.error").count() == 0
        assert visit.page.get_by_text("Traceback").count() == 0
        assert visit.no_errors() == []

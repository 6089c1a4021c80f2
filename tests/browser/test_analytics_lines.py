"""The analytics' day-by-day chart over 90 days: its three lines are told apart by colour as
well as by dash pattern (the patterns alone blur into one dark band over 90 days)."""

from __future__ import annotations

import itertools
import math
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in
from tests.support.analytics.stories import build_week

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 10_000


@pytest.fixture
def week(transactional_db, dana):
    """Built before the browser starts: Playwright's loop would refuse the live-event sends."""
    return build_week(dana)


def test_the_90_day_chart_draws_three_lines_in_three_colours(
    week, admin_user, live_daphne, browser
):
    page = log_in(browser, live_daphne.url, "ada", "ada-password", "/analytics/?range=90d")
    chart = page.locator("figure", has=page.locator("svg polyline"))
    lines = chart.locator("svg.chart-svg polyline")
    expect(lines).to_have_count(3, timeout=WAIT_MS)
    strokes = lines.evaluate_all("ls => ls.map(l => getComputedStyle(l).stroke)")
    colours = [tuple(int(c) for c in re.findall(r"\d+", stroke)[:3]) for stroke in strokes]
    # Far apart, not three dark shades: the closest two differ by 120+ in RGB distance.
    closest = min(math.dist(a, b) for a, b in itertools.combinations(colours, 2))
    assert closest >= 120, strokes
    # The legend's samples match the lines they name.
    samples = chart.locator("li svg line").evaluate_all(
        "ls => ls.map(l => getComputedStyle(l).stroke)"
    )
    assert samples == strokes

"""In a real browser: an admin opens the analytics, changes the period and moves the what-if
slider, and sees the figures change (htmx swaps the replay without reloading the page)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.analytics.stories import build_week

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT_MS = 10_000
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "images"


@pytest.fixture
def week(transactional_db, dana):
    """Built before the browser starts: Playwright's loop would refuse the live-event sends."""
    return build_week(dana)


# The week is traffic of the two model tiers, routed at 0.7: the server's threshold in use.
@pytest.mark.live_server_env(LADDER_LOCAL_CONFIDENCE_THRESHOLD="0.7")
def test_admin_changes_the_period_and_the_what_if_threshold(week, admin_user, live_daphne, browser):
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(f"{live_daphne.url}/accounts/login/?next=/analytics/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("ada-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Escalation analytics")).to_be_visible(timeout=WAIT_MS)

    conversations = page.locator('[data-figure="conversations"] .headline-value')
    # The last 30 days hold the whole story: A..G and H.
    expect(conversations).to_have_text("8", timeout=WAIT_MS)
    what_if_strong = page.locator('[data-figure="what-if-strong"]')
    expect(what_if_strong).to_have_text("4")
    if os.environ.get("LADDER_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "analytics.png"), full_page=False)

    # Today: nothing yet.
    page.get_by_label("Period", exact=True).select_option("today")
    page.get_by_role("button", name="Show").click()
    expect(conversations).to_have_text("0", timeout=WAIT_MS)

    page.get_by_label("Period", exact=True).select_option("30d")
    page.get_by_role("button", name="Show").click()
    expect(conversations).to_have_text("8", timeout=WAIT_MS)

    # Stricter: every fast answer below 0.95 would have gone to the strong model too.
    page.get_by_role("slider", name="Confidence threshold").fill("0.95")
    expect(page.locator("#threshold-value")).to_have_text("0.95")
    expect(what_if_strong).to_have_text("7", timeout=WAIT_MS)
    assert "threshold=0.95" in page.url  # the replay has a real address
    # The rest of the page stayed: only the replay was swapped.
    expect(conversations).to_have_text("8")

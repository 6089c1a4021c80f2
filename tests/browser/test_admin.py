"""An admin on a bare `make run`: the demo admin login opens a styled admin under Daphne (its
stylesheets and scripts are served by the app itself)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as_demo_admin(browser, live_daphne):
    call_command("create_demo_staff", stdout=io.StringIO())
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    statuses: dict[str, int] = {}
    page.on("response", lambda r: statuses.__setitem__(r.url.split("?")[0], r.status))
    page.goto(live_daphne.url + "/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("admin")
    page.get_by_role("button", name="Log in").click()
    return page, statuses


def test_the_demo_admin_sees_a_styled_admin(live_daphne, browser):
    page, statuses = log_in_as_demo_admin(browser, live_daphne)
    expect(page.get_by_role("link", name="Knowledge articles")).to_be_visible()
    stylesheet = f"{live_daphne.url}/static/admin/css/base.css"
    assert statuses.get(stylesheet) == 200, statuses
    static = {url: status for url, status in statuses.items() if "/static/" in url}
    assert static and set(static.values()) == {200}, static
    # Styled: the header has the admin's colours, not the browser's transparent default.
    header = page.locator("#header")
    background = header.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")

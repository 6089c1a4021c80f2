"""Shared steps of the browser tests."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection


def off_the_browser_loop[T](action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run an action that publishes through async_to_sync (as every state change does) off
    Playwright's event-loop thread, where async_to_sync refuses to run."""

    def run() -> T:
        try:
            return action(*args, **kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def log_in(browser: Any, base_url: str, username: str, password: str, next_url: str = "/inbox/"):
    """A fresh browser context logged in through the login page, on `next_url`."""
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # Back on `next_url` with its scripts run: a test that types at once types into a page
    # that listens.
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    return page


def settled[T](page: Any, read: Callable[[], T], expected: T, timeout_ms: int = 10_000) -> T:
    """What `read` returns once it equals `expected`, or its last reading when `timeout_ms`
    passes: the widget shows some actions (a rating) as soon as it sends them, before the
    server has stored them."""
    value = read()
    for _ in range(timeout_ms // 100):
        if value == expected:
            break
        page.wait_for_timeout(100)
        value = read()
    return value

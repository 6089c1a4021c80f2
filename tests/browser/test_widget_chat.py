"""A customer on the demo store: the widget streams an answer from the knowledge base, the
conversation survives a reload, and nothing a customer types runs as HTML."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 15_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "images"


def widget(page):
    """The widget's shadow root is open: Playwright's locators pierce it."""
    return page.locator("[data-ladder-widget]")


def test_question_streams_an_answer_and_reload_keeps_the_conversation(live_daphne, browser):
    call_command("load_demo_kb", verbosity=0)
    page = browser.new_context().new_page()
    page.goto(live_daphne.url + "/")
    expect(page.get_by_role("status").first).to_contain_text("Embedded mode")
    page.get_by_role("button", name=re.compile("Open chat")).click()
    box = page.get_by_role("textbox", name="Your message")
    box.fill("How long does shipping take?")
    box.press("Enter")
    log = page.get_by_role("log", name="Conversation")
    answer = log.locator(".msg.assistant").last
    expect(answer).to_contain_text("3 to 5 business days", timeout=WAIT_MS)
    expect(log.locator(".msg.streaming")).to_have_count(0, timeout=WAIT_MS)
    if os.environ.get("LADDER_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "widget.png"))

    page.reload()
    log = page.get_by_role("log", name="Conversation")
    expect(log.locator(".msg.customer")).to_contain_text(
        "How long does shipping take?", timeout=WAIT_MS
    )
    expect(log.locator(".msg.assistant")).to_contain_text("3 to 5 business days", timeout=WAIT_MS)
    # History arrives once: one question, one answer.
    expect(log.locator(".msg.customer")).to_have_count(1)
    expect(log.locator(".msg.assistant")).to_have_count(1)


def test_customer_html_is_shown_as_text_and_never_runs(live_daphne, browser):
    page = browser.new_context().new_page()
    page.goto(live_daphne.url + "/")
    page.get_by_role("button", name=re.compile("Open chat")).click()
    payload = '<img src=x onerror="window.__xss=1">'
    box = page.get_by_role("textbox", name="Your message")
    box.fill(payload)
    box.press("Enter")
    mine = page.get_by_role("log", name="Conversation").locator(".msg.customer").last
    expect(mine).to_contain_text(payload, timeout=WAIT_MS)
    expect(mine).not_to_have_class(re.compile("sending"), timeout=WAIT_MS)
    assert page.evaluate("window.__xss") is None
    assert mine.locator("img").count() == 0

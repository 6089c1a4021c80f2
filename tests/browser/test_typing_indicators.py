"""While a person has the conversation, each side sees the other typing: the customer reads
"Dana is typing…" in the widget as the agent writes a reply, the agent reads "The customer is
typing…" under the transcript as the customer writes; both go once the message arrives."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 15_000


def test_the_customer_sees_the_agent_typing_and_the_agent_sees_the_customer(
    dana, live_daphne, browser
):
    agent = log_in(browser, live_daphne.url, "dana", "dana-password", "/inbox/")
    expect(agent.locator("#live-state")).to_have_attribute("data-state", "online", timeout=WAIT_MS)

    customer = browser.new_context().new_page()
    customer.goto(live_daphne.url + "/")
    customer.get_by_role("button", name=re.compile("Chat with us")).click()
    customer.get_by_role("button", name="Talk to a person").click()

    row = agent.locator("#queue tbody tr")
    expect(row).to_have_count(1, timeout=WAIT_MS)
    row.locator("th a").click()
    agent.get_by_role("button", name="Claim").click()
    widget = customer.locator("[data-ladder-widget]")
    expect(widget.locator(".status-line")).to_contain_text("Dana", timeout=WAIT_MS)

    # The agent writes: the customer is told, politely, who is typing.
    agent.get_by_label("Reply to the customer").press_sequentially("Let me check your order")
    typing = widget.locator(".typing")
    expect(typing).to_be_visible(timeout=WAIT_MS)
    expect(typing).to_have_text("Dana is typing…")
    expect(typing).to_have_attribute("role", "status")
    agent.get_by_label("Reply to the customer").press("Enter")
    expect(widget.locator(".log")).to_contain_text("Let me check your order", timeout=WAIT_MS)
    expect(typing).to_be_hidden()

    # The customer writes back: the agent sees it under the transcript, in a live region.
    indicator = agent.locator("#typing-indicator")
    expect(indicator).to_have_attribute("aria-live", "polite")
    box = customer.get_by_role("textbox", name="Your message")
    box.press_sequentially("It was order 1042")
    expect(indicator).to_have_text("The customer is typing…", timeout=WAIT_MS)
    box.press("Enter")
    expect(agent.locator("#transcript")).to_contain_text("order 1042", timeout=WAIT_MS)
    expect(indicator).to_have_text("")

"""In real browsers: a customer asks for a person in the widget; an agent whose inbox is open
sees it appear without reloading, claims it and replies; the customer reads the reply live;
the agent resolves it and the customer rates it."""

from __future__ import annotations

import re
import time

import pytest

from support.conversations.models import Conversation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT_MS = 10_000


def live_fixtures(request):
    """The live Daphne server and the browser from tests/plugins/live_server.py."""
    try:
        return request.getfixturevalue("live_daphne"), request.getfixturevalue("browser")
    except pytest.FixtureLookupError:
        pytest.skip("tests/plugins/live_server.py has no live_daphne/browser fixtures yet")


def base_url(live_daphne) -> str:
    return str(getattr(live_daphne, "url", live_daphne)).rstrip("/")


def test_customer_hands_off_agent_claims_replies_resolves_and_customer_rates(request, dana):
    from playwright.sync_api import expect

    live_daphne, browser = live_fixtures(request)
    base = base_url(live_daphne)

    agent = browser.new_context().new_page()
    agent.goto(f"{base}/accounts/login/?next=/inbox/")
    agent.get_by_label("Username").fill("dana")
    agent.get_by_label("Password").fill("dana-password")
    agent.get_by_role("button", name="Log in").click()
    expect(agent.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(agent.locator("#live-state")).to_have_attribute("data-state", "online", timeout=WAIT_MS)
    expect(agent.get_by_text("Nobody is waiting for a person")).to_be_visible()

    customer = browser.new_context().new_page()
    customer.goto(f"{base}/")
    launcher = customer.get_by_role("button", name=re.compile(r"chat|help|support", re.I))
    if launcher.count():
        launcher.first.click()
    customer.get_by_role("button", name=re.compile(r"person|human|agent", re.I)).first.click()

    # No reload on the agent's side: the row arrives over the inbox socket.
    row = agent.locator("#queue tbody tr")
    expect(row).to_have_count(1, timeout=WAIT_MS)
    expect(row).to_contain_text("Asked for a person")
    row.get_by_role("button", name=re.compile("Claim")).click()
    expect(agent.locator("#conversation-panel")).to_contain_text("With an agent")

    reply = agent.get_by_label("Reply to the customer")
    reply.fill("Hi, I'm Dana. How can I help?")
    reply.press("Enter")
    expect(agent.locator("#transcript")).to_contain_text("Hi, I'm Dana. How can I help?")
    expect(customer.get_by_text("Hi, I'm Dana. How can I help?")).to_be_visible(timeout=WAIT_MS)

    agent.get_by_role("button", name="Resolve").click()
    expect(agent.locator("#conversation-panel")).to_contain_text("Resolved")

    customer.get_by_role(
        "button", name=re.compile(r"^\s*5\b|5 (of|out of) 5|5 stars?", re.I)
    ).first.click()
    send_rating = customer.get_by_role("button", name=re.compile(r"send|submit|rate", re.I))
    if send_rating.count():
        send_rating.first.click()
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        if Conversation.objects.filter(rating_score=5).exists():
            break
        time.sleep(0.1)
    assert Conversation.objects.get().rating_score == 5

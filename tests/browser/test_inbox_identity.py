"""A logged-in customer of the store asks for a person: the store's page identified them with
its HMAC, and the agent's inbox shows their verified name, email and the page they wrote from."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from support.conversations.identity import identity_hash
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 15_000
SECRET = "northwind-identity-secret"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "images"


@pytest.mark.live_server_env(WIDGET_IDENTITY_SECRETS=f"{{origin}}={SECRET}")
def test_the_agent_sees_the_verified_name_the_site_gave(live_daphne, browser, dana):
    agent = log_in(browser, live_daphne.url, "dana", "dana-password", "/inbox/")
    expect(agent.locator("#live-state")).to_have_attribute("data-state", "online", timeout=WAIT_MS)

    customer = browser.new_context().new_page()
    customer.goto(live_daphne.url + "/")
    customer.evaluate(
        "who => window.LadderWidget.identify(who)",
        {
            "external_id": "cust-1001",
            "name": "Kim Lee",
            "email": "kim@example.com",
            "hash": identity_hash(SECRET, "cust-1001"),
        },
    )
    customer.get_by_role("button", name=re.compile("Chat with us")).click()
    customer.get_by_role("button", name="Talk to a person").click()

    row = agent.locator("#queue tbody tr")
    expect(row).to_contain_text("Kim Lee", timeout=WAIT_MS)
    expect(row.locator(".unverified")).to_have_count(0)
    row.get_by_role("link", name=re.compile("Kim Lee")).click()
    customer_facts = agent.locator("dl.customer")
    expect(customer_facts.locator(".customer-name")).to_contain_text("Kim Lee")
    expect(customer_facts.locator(".customer-name")).to_contain_text("Verified")
    expect(customer_facts).to_contain_text("kim@example.com")
    expect(customer_facts.locator(".customer-page")).to_have_text(f"{live_daphne.url}/")

    if os.environ.get("LADDER_SCREENSHOTS") == "1":
        # The README's inbox: the verified customer, and a canned reply about to go in.
        call_command("load_demo_canned_replies", stdout=io.StringIO())
        customer.get_by_role("textbox", name="Your message").fill("Where is my order #1042?")
        customer.get_by_role("textbox", name="Your message").press("Enter")
        expect(agent.locator("#transcript")).to_contain_text("#1042", timeout=WAIT_MS)
        agent.get_by_role("button", name="Claim").click()
        expect(agent.locator("#conversation-panel")).to_contain_text("With an agent")
        box = agent.get_by_label("Reply to the customer")
        box.click()
        box.press_sequentially("/ord")
        expect(agent.get_by_role("listbox", name="Canned replies")).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        agent.screenshot(path=str(SCREENSHOTS / "inbox.png"), full_page=True)

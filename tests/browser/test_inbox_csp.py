"""An agent works a conversation through htmx (claim, reply, note, resolve, reopen,
transfer) with the site's strict Content-Security-Policy, and the
browser reports no violation: htmx must not copy inline styles (a resized reply box has one)
onto the content it swaps in."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import log_in, off_the_browser_loop
from tests.support.inbox.inbox import waiting_conversation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 10_000


def test_claim_reply_and_resolve_raise_no_csp_violation(live_daphne, browser, dana, eli):
    conversation = off_the_browser_loop(waiting_conversation, "Where is my parcel?")
    url = reverse("inbox:conversation", args=[conversation.public_id])
    page = log_in(browser, live_daphne.url, "dana", "dana-password", url)
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    violations: list[str] = []
    page.expose_function("reportViolation", lambda text: violations.append(text))
    listen = (
        "document.addEventListener('securitypolicyviolation',"
        " e => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI))"
    )
    page.add_init_script(listen)
    page.evaluate(listen)
    expect(page.locator("#live-state")).to_have_attribute("data-state", "online", timeout=WAIT_MS)

    page.get_by_role("button", name="Claim").click()
    expect(page.locator("#conversation-panel")).to_contain_text("With an agent")
    reply = page.get_by_label("Reply to the customer")
    # The agent drags the reply box taller; then a live update redraws the panel around it.
    reply.evaluate("box => { box.style.height = '180px'; }")
    page.evaluate("document.body.dispatchEvent(new CustomEvent('conversation-changed'))")
    expect(page.locator("#conversation-panel")).to_contain_text("With an agent")
    page.wait_for_timeout(300)
    reply.fill("It left our warehouse today.")
    reply.press("Enter")
    expect(page.locator("#transcript")).to_contain_text("It left our warehouse today.")
    page.get_by_label("Internal note").fill("Checked the courier.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#transcript")).to_contain_text("Checked the courier.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator("#conversation-panel")).to_contain_text("Resolved")
    page.get_by_role("button", name="Reopen").click()
    expect(page.locator("#conversation-panel")).to_contain_text("Waiting")
    page.get_by_role("button", name="Claim").click()
    expect(page.locator("#conversation-panel")).to_contain_text("With an agent")
    page.get_by_role("button", name="Transfer", exact=True).click()
    expect(page.locator("#conversation-panel")).to_contain_text("Eli")
    page.wait_for_timeout(300)  # let the last swap settle: violations are reported after it

    csp = [line for line in console if "Content Security Policy" in line]
    assert csp == [] and violations == [], (csp, violations)

"""An agent answers with a canned reply from the keyboard: "/" and part of a title in the
reply box lists the matches, Enter puts the reply in the box (not sent), the agent edits it
and sends it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from support.conversations.models import Message, Role
from tests.browser.helpers import log_in
from tests.support.inbox.inbox import claimed_conversation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 10_000


@pytest.fixture
def claimed(transactional_db, dana):
    call_command("load_demo_canned_replies", stdout=io.StringIO())
    return claimed_conversation(dana, "My refund has not arrived")


def test_slash_inserts_a_canned_reply_to_edit_before_sending(claimed, live_daphne, browser):
    url = reverse("inbox:conversation", args=[claimed.public_id])
    page = log_in(browser, live_daphne.url, "dana", "dana-password", url)
    box = page.get_by_label("Reply to the customer")
    box.click()
    box.press_sequentially("/refu")
    picker = page.get_by_role("listbox", name="Canned replies")
    expect(picker).to_be_visible()
    expect(picker.get_by_role("option")).to_have_count(1)
    expect(picker.get_by_role("option")).to_contain_text("Refund timing")
    box.press("Enter")
    expect(picker).to_be_hidden()
    # In the box, not sent: the agent makes it their own first.
    expect(box).to_have_value(
        "Your refund is on its way: it reaches your card within 5 to 10 business days of our "
        "warehouse receiving the return."
    )
    assert not Message.objects.filter(role=Role.AGENT).exists()
    box.press("End")
    box.press_sequentially(" I've checked: it left us on Monday.")
    box.press("Enter")
    expect(page.locator("#transcript")).to_contain_text("it left us on Monday.", timeout=WAIT_MS)
    sent = Message.objects.get(role=Role.AGENT)
    assert sent.text.startswith("Your refund is on its way")
    assert sent.text.endswith("I've checked: it left us on Monday.")


def test_arrows_choose_among_matches_and_escape_closes(claimed, live_daphne, browser):
    url = reverse("inbox:conversation", args=[claimed.public_id])
    page = log_in(browser, live_daphne.url, "dana", "dana-password", url)
    box = page.get_by_label("Reply to the customer")
    box.click()
    box.press_sequentially("Hello! /s")
    options = page.get_by_role("listbox", name="Canned replies").get_by_role("option")
    expect(options.first).to_have_attribute("aria-selected", "true")
    count = options.count()
    assert count >= 2  # "Shipping times", "Start a return", "Sorry for the trouble", ...
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    second = options.nth(1).locator("strong").inner_text()
    box.press("Escape")
    expect(page.get_by_role("listbox", name="Canned replies")).to_be_hidden()
    expect(box).to_have_value("Hello! /s")
    box.press_sequentially("h")
    box.press("Tab")
    expect(box).to_have_value(
        "Hello! Standard shipping takes 3 to 5 business days and is free on orders over $50; "
        "express arrives in 1 to 2 business days for $14.95."
    )
    assert second


def test_slash_typed_before_the_script_runs_still_lists_the_matches(claimed, live_daphne, browser):
    # On a slow connection the reply box is there before the inbox's script has run.
    url = reverse("inbox:conversation", args=[claimed.public_id])
    page = log_in(browser, live_daphne.url, "dana", "dana-password", url)
    held = []

    def hold(route):
        held.append(route)

    page.route(lambda address: address.endswith("/inbox/inbox.js"), hold)
    page.goto(live_daphne.url + url, wait_until="commit")
    box = page.get_by_label("Reply to the customer")
    box.click()
    box.press_sequentially("/refu")
    picker = page.get_by_role("listbox", name="Canned replies")
    expect(picker).to_be_hidden()
    for _ in range(100):  # the route's handler runs as the test talks to the browser
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1, "the script was not held back"
    held[0].continue_()
    expect(picker).to_be_visible()
    expect(picker.get_by_role("option")).to_contain_text("Refund timing")
    box.press("Enter")
    expect(box).to_have_value(
        "Your refund is on its way: it reaches your card within 5 to 10 business days of our "
        "warehouse receiving the return."
    )

"""An agent's queue in a real browser: waiting times read in days once they pass a day."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from support.conversations.models import Conversation
from tests.browser.helpers import log_in
from tests.support.inbox.inbox import waiting_conversation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 10_000


@pytest.fixture
def long_wait(transactional_db):
    """A customer waiting for 85 days and 9 hours (built before the browser starts)."""
    conversation = waiting_conversation("Is anyone there?")
    since = timezone.now() - timedelta(days=85, hours=9, minutes=38)
    Conversation.objects.filter(pk=conversation.pk).update(waiting_since=since)
    return conversation


def test_a_long_wait_reads_in_days(long_wait, dana, live_daphne, browser):
    page = log_in(browser, live_daphne.url, "dana", "dana-password", "/inbox/")
    waited = page.locator("#queue tbody tr time[data-elapsed]")
    # Not "2049 h 38 min".
    expect(waited).to_have_text(re.compile(r"^85 d 9 h$"), timeout=WAIT_MS)


@pytest.fixture
def two_reasons(transactional_db):
    return (
        waiting_conversation("This is unacceptable", reason="complaint"),
        waiting_conversation("A person please"),
    )


def test_a_filter_survives_a_reload(two_reasons, dana, live_daphne, browser):
    complaint, _ = two_reasons
    page = log_in(browser, live_daphne.url, "dana", "dana-password", "/inbox/")
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Reason").select_option(label="Complaint")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1, timeout=WAIT_MS)
    assert "reason=complaint" in page.url
    page.reload()
    expect(rows).to_have_count(1)
    expect(rows).to_have_attribute("data-conversation", str(complaint.public_id))
    expect(page.get_by_label("Reason")).to_have_value("complaint")

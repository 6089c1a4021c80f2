"""The dashboard in the embedded mode (the local provider): the threshold it names is the one
the router uses, and with nothing spent on models it claims no saving."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from support.analytics.facts import refresh_facts
from support.devtools.traffic import Question, Reply, ask, close_answered, start_conversation
from tests.support.analytics.test_dashboard_page import figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def last_week() -> dict[str, str]:
    today = timezone.now().date()
    return {
        "range": "custom",
        "start": (today - timedelta(days=6)).isoformat(),
        "end": today.isoformat(),
        "tz": "UTC",
    }


def test_the_threshold_in_use_is_the_local_providers(admin_client, settings):
    settings.LADDER_PROVIDER = "local"
    settings.LADDER_CONFIDENCE_THRESHOLD = 0.7
    settings.LADDER_LOCAL_CONFIDENCE_THRESHOLD = 0.45
    html = admin_client.get("/analytics/", last_week()).content.decode()
    assert "The threshold in use is 0.45." in html
    settings.LADDER_PROVIDER = "anthropic"
    html = admin_client.get("/analytics/", last_week()).content.decode()
    assert "The threshold in use is 0.70." in html


def test_no_saving_is_claimed_when_nothing_was_spent(admin_client, settings):
    settings.LADDER_PROVIDER = "local"
    conversation = start_conversation(origin="https://shop.example")
    # The local provider's answer: its tokens are counted, but it costs nothing.
    free = Reply(0.8, input_tokens=0, output_tokens=0)
    ask(conversation, Question("How long does shipping take?", 0.8, fast=free))
    close_answered(conversation)
    refresh_facts()
    html = admin_client.get("/analytics/", last_week()).content.decode()
    saving = figure(html, "cost-saving")
    assert "%" not in saving and "$" not in saving
    assert "no model spend in this period" in html

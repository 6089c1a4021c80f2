"""Every number leads to the conversations behind it, and each of those to a read-only record
of what was said and every audited step."""

from __future__ import annotations

import pytest

from support.analytics import views
from tests.support.analytics.stories import build_week, week_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(client, admin_user, dana):
    client.force_login(admin_user)
    return build_week(dana)


def listed(html: str, week) -> set[str]:
    return {name for name, c in week.conversations.items() if c.public_id.hex[:8] in html}


@pytest.mark.parametrize(
    ("figure", "value", "expected"),
    [
        ("ai_resolved", "", {"A", "B", "G"}),
        ("handed_to_person", "", {"C", "D", "F"}),
        ("escalated_to_strong", "", {"B", "D", "F", "G"}),
        ("reason_person", "low_confidence", {"D", "F"}),
        ("reason_strong", "missing_knowledge", {"F", "G"}),
        ("path", "fast", {"A", "E"}),
        ("rated_ai", "5", {"A"}),
        ("gap", "card gift", {"F", "G"}),
        ("queue_wait", "", {"C", "D"}),
        # First replies: D after 70 s, C after 150 s, F none yet; a 2-minute target.
        ("target_met", "120000", {"D"}),
        ("target_missed", "120000", {"C", "F"}),
        ("whatif_strong", "", {"A", "B", "D", "E", "F", "G"}),
    ],
)
def test_each_number_lists_its_conversations(client, week, figure, value, expected):
    params = week_query(week, figure=figure, value=value)
    if figure.startswith("whatif"):
        params["threshold"] = "0.95"
    response = client.get("/analytics/conversations/", params)
    assert response.status_code == 200
    assert listed(response.content.decode(), week) == expected


def test_long_lists_are_paginated(client, week, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    first = client.get("/analytics/conversations/", week_query(week)).content.decode()
    last = client.get("/analytics/conversations/", week_query(week, page=3)).content.decode()
    assert "Page 1 of 3" in first and 'rel="next"' in first
    # Seven conversations, newest first, three a page: G, F, E | D, C, B | A.
    assert listed(first, week) == {"G", "F", "E"}
    assert listed(last, week) == {"A"}


def test_an_unknown_figure_is_not_found(client, week):
    assert client.get("/analytics/conversations/", {"figure": "nope"}).status_code == 404


def test_a_conversations_record_shows_its_transcript_and_audit_trail(client, week):
    d = week.conversations["D"]
    html = client.get(f"/analytics/conversations/{d.public_id}/").content.decode()
    assert "Is the tent warranty transferable?" in html
    assert "It is, for two years." in html
    assert "<code>routing.decision</code>" in html and "<code>handoff</code>" in html
    assert "intact (" in html
    # Read-only: nothing on the page changes the conversation.
    assert 'method="post"' not in html.split("<main", 1)[1]

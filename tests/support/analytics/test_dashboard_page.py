"""The dashboard page: the week's figures on it, its choices validated with clear errors, the
what-if slider's htmx partial, and an empty period that says so."""

from __future__ import annotations

import pytest

from tests.support.analytics.stories import build_week, week_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def figure(html: str, name: str) -> str:
    """The text of the element marked data-figure="name"."""
    marker = f'data-figure="{name}"'
    start = html.index(marker)
    tail = html[html.index(">", start) + 1 :]
    return tail[: tail.index("<")].strip()


def test_the_dashboard_shows_the_weeks_figures_with_links_behind_them(admin_client, dana, settings):
    # The week is traffic of the two model tiers, routed at their threshold (0.7).
    settings.LADDER_PROVIDER = "anthropic"
    week = build_week(dana)
    html = admin_client.get("/analytics/", week_query(week)).content.decode()
    # The headline numbers link to their conversations (see test_figures for the arithmetic).
    assert 'href="/analytics/conversations/?' in html
    assert figure(html, "what-if-strong") == "4"
    assert figure(html, "what-if-person") == "3"
    assert figure(html, "cost-strong") == "$0.0160"
    assert figure(html, "cost-all-strong") == "$0.0252"
    assert "Can I buy a gift card?" in html
    assert "/admin/knowledge/knowledgearticle/add/?title=Can+I+buy+a+gift+card%3F" in html
    # The first-response target (5 minutes by default): C (150 s) and D (70 s) met it, F has
    # had no reply yet; the median first reply is D's 70 s.
    target = html[html.index('data-figure="first-response-target"') :]
    target = target[: target.index("</p>")]
    assert "<strong>66.7%</strong>" in target
    assert ">2</a> of 3" in target
    assert "Median first reply: <strong>1.2 min</strong>" in target
    assert "figure=target_missed&amp;value=300000" in target
    # Charts carry a title and a description for screen readers.
    assert '<title id="chart-reasons-title">Escalations by reason</title>' in html


def test_the_dashboard_reads_its_figures_in_a_fixed_handful_of_queries(
    admin_client, dana, django_assert_max_num_queries
):
    # However many conversations are in view: every figure is one grouped or aggregate query
    # over the summary rows (with login, the staleness check and the filter choices), so the
    # page stays fast at 50,000 conversations (manage.py bench_analytics).
    week = build_week(dana)
    admin_client.get("/analytics/", week_query(week))
    with django_assert_max_num_queries(17):
        assert admin_client.get("/analytics/", week_query(week)).status_code == 200


def test_the_what_if_slider_gets_only_its_results_over_htmx(admin_client, dana):
    week = build_week(dana)
    response = admin_client.get(
        "/analytics/",
        week_query(week, threshold="0.95"),
        headers={"HX-Request": "true", "HX-Target": "what-if-results"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="what-if-results"')
    # At 0.95: six conversations to the strong model, five to people (test_figures).
    assert figure(html, "what-if-strong") == "6"
    assert figure(html, "what-if-person") == "5"


def test_a_custom_period_without_dates_is_refused_with_a_clear_error(admin_client):
    response = admin_client.get("/analytics/", {"range": "custom"})
    assert response.status_code == 400
    assert "choose both a start and an end date" in response.content.decode()


def test_an_end_before_the_start_is_refused(admin_client):
    response = admin_client.get(
        "/analytics/", {"range": "custom", "start": "2026-03-10", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_a_custom_period_longer_than_a_year_is_refused(admin_client):
    response = admin_client.get(
        "/analytics/", {"range": "custom", "start": "2024-01-01", "end": "2025-06-01"}
    )
    assert response.status_code == 400
    assert "at most 366 days" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"range": "forever"}, "Select a valid choice"),
        ({"threshold": "1.5"}, "less than or equal to 1"),
        ({"threshold": "high"}, "Enter a number"),
        ({"tz": "Mars/Olympus"}, "is not a time zone we know"),
        ({"reason": "bored"}, "Select a valid choice"),
        ({"range": "custom", "start": "yesterday", "end": "2026-01-01"}, "Enter a valid date"),
    ],
)
def test_invalid_choices_are_named(admin_client, params, message):
    response = admin_client.get("/analytics/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_empty_period_says_there_is_nothing_yet(admin_client):
    html = admin_client.get("/analytics/", {"range": "today"}).content.decode()
    assert "No escalations in this period." in html
    assert "No conversations in this period to replay." in html
    assert "No unanswered questions in this period" in html

"""The what-if at the threshold that was in use replays exactly what happened, also when the
fast model failed and the strong model's own confidence sent the customer to a person."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from support.analytics import metrics
from support.analytics.facts import refresh_facts
from support.analytics.queries import Filters, Period, Scope
from support.devtools.traffic import Question, Reply, ask, start_conversation
from tests.support.analytics.stories import strong

pytestmark = pytest.mark.django_db


def scope() -> Scope:
    today = timezone.now().date()
    return Scope(Period(today - timedelta(days=1), today + timedelta(days=1), UTC), Filters())


def test_a_failed_fast_call_then_an_unsure_strong_answer_replays_to_a_person():
    conversation = start_conversation(origin="https://shop.example")
    failed = Reply(0.0, answered=False, error="overloaded", input_tokens=0, output_tokens=0)
    outcome = ask(
        conversation, Question("Is the tent warranty transferable?", 0.5, failed, strong(0.57))
    )
    assert outcome == "human"
    refresh_facts()

    at_recorded = metrics.what_if(scope(), 0.7)
    assert (at_recorded.actual_to_strong, at_recorded.actual_to_person) == (1, 1)
    assert (at_recorded.to_strong, at_recorded.to_person) == (1, 1)
    # Looser: the strong answer (0.57) would have stood; the failed call still escalates.
    looser = metrics.what_if(scope(), 0.5)
    assert (looser.to_strong, looser.to_person) == (1, 0)

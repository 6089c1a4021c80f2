"""`manage.py generate_traffic`: synthetic conversations whose audit chains verify, through the
actions (--fast, with copies for large counts) or the real answering pipeline."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from support.analytics.models import ConversationFacts
from support.conversations.models import AuditEvent, Conversation
from support.devtools.management.commands import generate_traffic

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_traffic", *args, stdout=out)
    return out.getvalue()


def test_fast_traffic_is_spread_over_the_days_summarised_and_verifiable(monkeypatch):
    # Ten played through the actions, thirty copies of them at other times.
    monkeypatch.setattr(generate_traffic, "STORIES_PLAYED", 10)
    output = run("--conversations", "40", "--days", "30", "--seed", "7", "--fast")
    assert "40/40" in output or "30/30 copies" in output
    assert Conversation.objects.count() == 40
    assert ConversationFacts.objects.count() == 40
    days = {c.created_at.date() for c in Conversation.objects.all()}
    assert len(days) > 5
    # The chains were hashed with the stories' times: verify_audit passes.
    call_command("verify_audit", stdout=io.StringIO())
    assert AuditEvent.objects.filter(kind="routing.decision").exists()


def test_the_same_seed_gives_the_same_stories():
    run("--conversations", "5", "--seed", "3", "--fast")
    first = [(c.created_at, c.status) for c in Conversation.objects.order_by("pk")]
    run("--conversations", "5", "--seed", "3", "--fast")
    second = [(c.created_at, c.status) for c in Conversation.objects.order_by("pk")[5:]]
    assert first == second


@pytest.mark.django_db(transaction=True)
def test_routed_traffic_goes_through_the_answering_pipeline_and_the_fake_api():
    output = run("--conversations", "3", "--days", "2", "--seed", "11")
    assert "mode fake" in output
    calls = AuditEvent.objects.filter(kind="model.call")
    assert calls.exists()
    assert {e.data["provider"] for e in calls} == {"anthropic"}
    call_command("verify_audit", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--conversations", "0"], "between 1 and 1,000,000"),
        (["--conversations", "many"], "must be a whole number"),
        (["--conversations", "5", "--days", "0"], "--days must be between 1 and 3,650"),
    ],
)
def test_bad_arguments_are_named(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def _model_calls() -> list[dict]:
    return [e.data for e in AuditEvent.objects.filter(kind="model.call")]


def test_synthetic_usage_reports_no_cache_tokens_for_a_prompt_too_short_to_be_cached():
    # No knowledge base: the rules alone, far under both models' documented minimums.
    run("--conversations", "30", "--seed", "5", "--fast")
    calls = _model_calls()
    assert calls and all(c["cache_read_tokens"] == c["cache_write_tokens"] == 0 for c in calls)
    assert all(c["input_tokens"] > 300 for c in calls)  # the prompt is billed as plain input
    assert not ConversationFacts.objects.filter(cache_saving_usd__gt=0).exists()


def test_synthetic_usage_reads_the_prompt_from_the_cache_when_it_is_long_enough(settings):
    settings.LADDER_MIN_CACHEABLE_TOKENS = {
        settings.LADDER_FAST_MODEL: 1,
        settings.LADDER_STRONG_MODEL: 1,
    }
    run("--conversations", "30", "--seed", "5", "--fast")
    sizes = {size for size, _ in generate_traffic.system_prompt_sizes().values()}
    reads = {c["cache_read_tokens"] for c in _model_calls() if c["cache_read_tokens"]}
    assert reads and reads <= sizes
    assert ConversationFacts.objects.filter(cache_saving_usd__gt=0).exists()


def test_routed_traffic_reports_the_cache_the_fake_api_measured(settings):
    run("--conversations", "3", "--days", "2", "--seed", "11")
    # The demo help centre (loaded by the command) makes the strong model's prompt long enough
    # to be cached and the fake measures it; scripted replies carry no usage of their own.
    for call in _model_calls():
        if call["cache_read_tokens"] or call["cache_write_tokens"]:
            assert call["model"] == settings.LADDER_STRONG_MODEL
            assert max(call["cache_read_tokens"], call["cache_write_tokens"]) > 2048


def test_a_database_with_real_conversations_is_refused_unless_allowed():
    # A real customer's conversation: synthetic ones would join their inbox and its queue.
    real = Conversation.objects.create(origin="https://shop.example.com")
    with pytest.raises(CommandError, match="already holds 1 conversations from real customers"):
        run("--conversations", "3", "--seed", "3", "--fast")
    assert list(Conversation.objects.all()) == [real]
    output = run("--conversations", "3", "--seed", "3", "--fast", "--allow-real-conversations")
    assert "Generated 3 conversations" in output
    assert Conversation.objects.count() == 4

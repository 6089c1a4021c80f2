"""Provider failures never leave a customer without an answer or a person; the audit says why."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from routing.circuit import reset_all
from support.conversations.models import Conversation

from .chat import frames_until, open_chat, send_message, status_frames, streamed_text
from .test_routing_tiers import STRONG, calls, reply, story

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_breakers():
    reset_all()
    yield
    reset_all()


async def ask(question: str, stop: str):
    socket, welcome = await open_chat()
    ack = await send_message(socket, question)
    return socket, welcome, ack, await frames_until(socket, stop)


@pytest.mark.parametrize("status", [500, 529])
async def test_fast_tier_failure_falls_back_to_the_strong_tier(
    demo_kb, fake_anthropic, settings, status
):
    settings.LADDER_PROVIDER_MAX_RETRIES = 0
    fake_anthropic.script({"status": status}, reply(0.9, "Strong says 3 to 5 days."))
    socket, welcome, ack, frames = await ask("How long does shipping take?", "message_end")
    assert streamed_text(frames, ack["seq"] + 1) == "Strong says 3 to 5 days."
    _, messages, events = await story(welcome["conversation"])
    assert messages[-1].model == STRONG
    assert calls(events)[0]["error"] in ("server", "overloaded")
    await socket.disconnect()


async def test_rate_limit_is_retried_after_retry_after_by_the_sdk(
    demo_kb, fake_anthropic, settings
):
    settings.LADDER_PROVIDER_MAX_RETRIES = 2
    fake_anthropic.script({"status": 429, "retry_after": 0}, reply(0.9, "After a retry."))
    socket, welcome, ack, frames = await ask("How long does shipping take?", "message_end")
    assert streamed_text(frames, ack["seq"] + 1) == "After a retry."
    assert len(fake_anthropic.requests) == 2
    await socket.disconnect()


async def test_both_tiers_unauthorised_fall_back_to_the_knowledge_base(
    demo_kb, fake_anthropic, settings
):
    settings.LADDER_PROVIDER_MAX_RETRIES = 0
    fake_anthropic.script({"status": 401}, {"status": 401})
    socket, welcome, ack, frames = await ask("How long does shipping take?", "message_end")
    assert "3 to 5 business days" in streamed_text(frames, ack["seq"] + 1)
    _, messages, events = await story(welcome["conversation"])
    assert messages[-1].model == "local"
    assert [c["error"] for c in calls(events)][:2] == ["auth", "auth"]
    await socket.disconnect()


async def test_failure_with_nothing_in_the_knowledge_base_goes_to_a_person(
    db, fake_anthropic, settings
):
    settings.LADDER_PROVIDER_MAX_RETRIES = 0
    fake_anthropic.script({"status": 529}, {"status": 529})
    socket, welcome, ack, frames = await ask("Where is my parcel 12345?", "message")
    assert {"type": "status", "status": "waiting", "reason": "provider_error"} in status_frames(
        frames
    )
    await socket.disconnect()


async def test_stream_cut_mid_answer_ends_visibly_and_routes_on(demo_kb, fake_anthropic, settings):
    settings.LADDER_PROVIDER_MAX_RETRIES = 0
    fake_anthropic.script(
        reply(0.9, "Standard shipping takes three to five business days and", cut_after_chars=70),
        reply(0.9, "Here is the full answer."),
    )
    socket, welcome = await open_chat()
    ack = await send_message(socket, "How long does shipping take?")
    first = await frames_until(socket, "message_end")
    assert first[-1].get("interrupted") is True
    assert "(The answer was interrupted.)" in streamed_text(first, ack["seq"] + 1)
    second = await frames_until(socket, "message_end")
    assert streamed_text(second, ack["seq"] + 2) == "Here is the full answer."
    _, messages, events = await story(welcome["conversation"])
    assert [m.state for m in messages[1:]] == ["interrupted", "complete"]
    assert calls(events)[0]["error"] == "stream_cut"
    await socket.disconnect()


async def test_error_event_in_the_stream_routes_on_with_provider_error(
    demo_kb, fake_anthropic, settings
):
    settings.LADDER_PROVIDER_MAX_RETRIES = 0
    fake_anthropic.script(
        reply(0.9, "Standard shipping takes three to five days.", error_event=True),
        reply(0.9, "Recovered."),
    )
    socket, welcome, ack, frames = await ask("How long does shipping take?", "message_end")
    assert frames[-1].get("interrupted") is True
    frames = await frames_until(socket, "message_end")
    assert streamed_text(frames, ack["seq"] + 2) == "Recovered."
    _, _, events = await story(welcome["conversation"])
    assert calls(events)[0]["error"] == "stream_error"
    await socket.disconnect()


async def test_slow_first_token_times_out_and_routes_on(demo_kb, fake_anthropic, settings):
    settings.LADDER_PROVIDER_MAX_RETRIES = 0
    settings.LADDER_FIRST_TOKEN_TIMEOUT_S = 0.3
    fake_anthropic.script(reply(0.9, "too late", first_token_ms=2000), reply(0.9, "In time."))
    socket, welcome, ack, frames = await ask("How long does shipping take?", "message_end")
    assert streamed_text(frames, ack["seq"] + 1) == "In time."
    _, _, events = await story(welcome["conversation"])
    assert calls(events)[0]["error"] == "timeout"
    await socket.disconnect()


async def test_circuit_opens_after_repeated_failures_and_skips_the_model(
    demo_kb, fake_anthropic, settings
):
    from support.conversations.ledger_models import ProviderCircuit

    settings.LADDER_PROVIDER_MAX_RETRIES = 0
    settings.LADDER_CIRCUIT_FAILURES = 2
    settings.LADDER_ANSWER_CACHE = False
    fake_anthropic.script(
        {"status": 500}, reply(0.9, "one"), {"status": 500}, reply(0.9, "two"), reply(0.9, "three")
    )
    for _ in range(2):
        socket, welcome, ack, frames = await ask("How long does shipping take?", "message_end")
        await socket.disconnect()
    circuit = await database_sync_to_async(ProviderCircuit.objects.get)(model="claude-haiku-5-5")
    assert circuit.state == "open"
    requests_before = len(fake_anthropic.requests)
    socket, welcome, ack, frames = await ask("How long does shipping take?", "message_end")
    # The fast model was skipped: only the strong one was asked.
    assert [r["body"]["model"] for r in fake_anthropic.requests[requests_before:]] == [STRONG]
    _, _, events = await story(welcome["conversation"])
    assert any(e.kind == "limit.circuit_open" for e in events)
    await socket.disconnect()


async def test_daily_spend_cap_moves_answers_up_a_tier(demo_kb, fake_anthropic, settings):
    settings.LADDER_DAILY_SPEND_CAP_FAST_USD = 0
    fake_anthropic.script(reply(0.9, "From the strong tier."))
    socket, welcome, ack, frames = await ask("How long does shipping take?", "message_end")
    assert [r["body"]["model"] for r in fake_anthropic.requests] == [STRONG]
    _, _, events = await story(welcome["conversation"])
    # The router's events once, then the cap's, whether the cap was read before the
    # reservation or refused it.
    assert [e.kind for e in events][2:] == [
        "routing.rules",
        "routing.retrieval",
        "routing.decision",
        "limit.spend_cap",
        "routing.decision",
        "model.call",
        "routing.decision",
    ]
    await socket.disconnect()


async def test_conversation_over_its_token_budget_goes_to_a_person(
    demo_kb, fake_anthropic, settings
):
    settings.LADDER_CONVERSATION_TOKEN_BUDGET = 1
    fake_anthropic.script(reply(0.9, "First answer."))
    socket, welcome, ack, frames = await ask("How long does shipping take?", "message_end")
    await send_message(socket, "And can I return it?")
    frames = await frames_until(socket, "message")
    assert {"type": "status", "status": "waiting", "reason": "provider_error"} in status_frames(
        frames
    )
    conversation = await database_sync_to_async(Conversation.objects.get)(
        public_id=welcome["conversation"]
    )
    assert conversation.model_tokens > 1
    await socket.disconnect()


async def test_same_first_question_is_answered_from_the_cache_without_a_model(
    demo_kb, fake_anthropic
):
    fake_anthropic.script(reply(0.9, "Cached answer text."))
    socket, _, _, _ = await ask("How long does shipping take?", "message_end")
    await socket.disconnect()
    socket, welcome, ack, frames = await ask("how long does  SHIPPING take?", "message_end")
    assert streamed_text(frames, ack["seq"] + 1) == "Cached answer text."
    assert len(fake_anthropic.requests) == 1
    _, _, events = await story(welcome["conversation"])
    assert any(e.kind == "answer.cache_hit" for e in events)
    await socket.disconnect()

"""AnthropicProvider: the real SDK over real HTTP against the fake server, turning the API's
answers and failures into TextDelta/Finished events and ProviderError kinds."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from routing.providers import (
    Finished,
    ProviderError,
    ProviderRequest,
    Started,
    TextDelta,
    get_provider,
)
from routing.providers.anthropic import AnthropicProvider, close_shared_clients

FAST = "claude-haiku-5-5"
SYSTEM = "You are the support assistant of a test store. " * 20
# Over the fast model's documented minimum cacheable prefix (4,096 tokens, 4 characters each).
LONG_SYSTEM = "You are the support assistant of a test store. " * 400
LONG_SYSTEM_TOKENS = len(LONG_SYSTEM) // 4
ANSWER = "[[ladder confidence=0.9 answered=yes intent=none]]\nShipping takes 3 to 5 business days."


def ask(
    text: str = "How long does shipping take?", system: str = SYSTEM, **fields
) -> ProviderRequest:
    return ProviderRequest(
        tier="fast",
        model=FAST,
        system=system,
        messages=[{"role": "user", "content": f"<customer_message>{text}</customer_message>"}],
        **fields,
    )


async def answer(request: ProviderRequest | None = None) -> tuple[list[TextDelta], Finished]:
    events = [event async for event in AnthropicProvider.from_settings().stream(request or ask())]
    started, *deltas, finished = events
    assert isinstance(started, Started)
    texts = [d for d in deltas if isinstance(d, TextDelta)]
    assert texts == deltas
    assert isinstance(finished, Finished)
    return texts, finished


async def failure(request: ProviderRequest | None = None) -> tuple[ProviderError, list[TextDelta]]:
    deltas: list[TextDelta] = []
    with pytest.raises(ProviderError) as raised:
        async for event in AnthropicProvider.from_settings().stream(request or ask()):
            assert not isinstance(event, Finished), "a failed stream must not finish"
            if isinstance(event, TextDelta):
                deltas.append(event)
    return raised.value, deltas


async def test_answer_streams_as_text_deltas_then_one_finished_with_usage_and_timing(
    fake_anthropic,
):
    fake_anthropic.script({"text": ANSWER, "input_tokens": 321, "output_tokens": 17})
    deltas, finished = await answer()
    assert "".join(d.text for d in deltas) == ANSWER
    assert len(deltas) > 5  # word by word, not in one piece
    assert (finished.model, finished.stop_reason) == (FAST, "end_turn")
    assert (finished.input_tokens, finished.output_tokens) == (321, 17)
    assert finished.first_token_ms is not None
    assert 0 <= finished.first_token_ms <= finished.total_ms


async def test_started_comes_first_with_the_prompt_cost_before_any_text(fake_anthropic):
    fake_anthropic.script({"text": ANSWER, "input_tokens": 321})
    stream = AnthropicProvider.from_settings().stream(ask(system=LONG_SYSTEM))
    started = await anext(stream)
    await stream.aclose()
    # A caller that stops here (an answer nobody will see) still knows what the prompt cost.
    assert started == Started(
        model=FAST, input_tokens=321, cache_read_tokens=0, cache_write_tokens=LONG_SYSTEM_TOKENS
    )


async def test_get_provider_builds_the_anthropic_provider_from_settings(fake_anthropic):
    assert get_provider().name == "anthropic"


async def test_thinking_block_before_the_answer_is_never_yielded_as_text(fake_anthropic):
    fake_anthropic.script({"text": ANSWER, "thinking": "PRIVATE REASONING about shipping"})
    deltas, finished = await answer()
    assert "".join(d.text for d in deltas) == ANSWER
    assert "PRIVATE" not in "".join(d.text for d in deltas)
    assert finished.stop_reason == "end_turn"


async def test_first_token_time_counts_from_the_call_to_the_first_text_not_to_thinking(
    fake_anthropic,
):
    fake_anthropic.script(
        {"text": ANSWER, "thinking": "one two three four five", "first_token_ms": 100}
    )
    fake_anthropic.configure(tokens_per_second=50)  # five thinking words: about 100 ms more
    _, finished = await answer()
    assert finished.first_token_ms is not None and finished.first_token_ms >= 180


async def test_system_prompt_is_sent_cached_and_cache_writes_then_reads_are_reported(
    fake_anthropic,
):
    _, first = await answer(ask(system=LONG_SYSTEM))
    _, second = await answer(ask(system=LONG_SYSTEM))
    body = fake_anthropic.requests[0]["body"]
    assert body["system"] == [
        {"type": "text", "text": LONG_SYSTEM, "cache_control": {"type": "ephemeral"}}
    ]
    assert (first.cache_write_tokens, first.cache_read_tokens) == (LONG_SYSTEM_TOKENS, 0)
    assert (second.cache_write_tokens, second.cache_read_tokens) == (0, LONG_SYSTEM_TOKENS)


async def test_a_system_prompt_under_the_models_minimum_reports_no_cache_tokens(fake_anthropic):
    assert fake_anthropic.min_cacheable_for(FAST) > len(SYSTEM) // 4
    _, first = await answer()
    _, second = await answer()
    for finished in (first, second):
        assert (finished.cache_write_tokens, finished.cache_read_tokens) == (0, 0)
        assert finished.input_tokens > len(SYSTEM) // 4


async def test_request_has_no_sampling_parameters_and_carries_thinking_effort_and_max_tokens(
    fake_anthropic, settings
):
    settings.LADDER_THINKING_EFFORT = "medium"
    settings.LADDER_MAX_OUTPUT_TOKENS = 300
    await answer()
    [request] = fake_anthropic.requests
    body = request["body"]
    assert not {"temperature", "top_p", "top_k"} & body.keys()
    assert body["thinking"] == {"type": "adaptive"}
    assert body["output_config"] == {"effort": "medium"}
    assert body["max_tokens"] == 300
    assert body["stream"] is True
    # The key from settings reached the API (SDK 2.x sends it as a bearer token).
    assert request["headers"]["authorization"] == f"Bearer {settings.ANTHROPIC_API_KEY}"


async def test_thinking_effort_off_sends_no_thinking_settings(fake_anthropic, settings):
    settings.LADDER_THINKING_EFFORT = "off"
    await answer()
    assert not {"thinking", "output_config"} & fake_anthropic.requests[0]["body"].keys()


def test_unknown_thinking_effort_is_refused_at_start_up(settings):
    settings.LADDER_THINKING_EFFORT = "extreme"
    with pytest.raises(ValueError, match="LADDER_THINKING_EFFORT"):
        AnthropicProvider.from_settings()


async def test_assistant_prefill_is_refused_before_anything_is_sent(fake_anthropic):
    prefilled = ProviderRequest(
        tier="fast",
        model=FAST,
        system=SYSTEM,
        messages=[
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "[[ladder confidence="},
        ],
    )
    with pytest.raises(ValueError, match="prefill"):
        async for _ in AnthropicProvider.from_settings().stream(prefilled):
            pass
    assert fake_anthropic.requests == []


async def test_wrong_api_key_fails_as_auth(fake_anthropic, settings):
    settings.ANTHROPIC_API_KEY = "sk-ant-wrong"
    error, _ = await failure()
    assert error.kind == "auth"
    assert "authentication_error" in error.detail
    assert fake_anthropic.requests[0]["status"] == 401


async def test_rate_limit_with_retry_after_is_retried_by_the_sdk_after_waiting(
    fake_anthropic, settings
):
    settings.LADDER_PROVIDER_MAX_RETRIES = 2
    fake_anthropic.script({"status": 429, "retry_after": 0.3}, {"text": ANSWER})
    started = time.perf_counter()
    deltas, _ = await answer()
    assert "".join(d.text for d in deltas) == ANSWER
    assert [r["status"] for r in fake_anthropic.requests] == [429, 200]
    # The SDK waited as long as the API asked before trying again.
    retried_after_s = (
        fake_anthropic.requests[1]["received_at"] - fake_anthropic.requests[0]["received_at"]
    )
    assert retried_after_s >= 0.3
    assert time.perf_counter() - started >= 0.3


async def test_rate_limit_that_persists_through_the_retries_fails_as_rate_limited(
    fake_anthropic, settings
):
    settings.LADDER_PROVIDER_MAX_RETRIES = 1
    fake_anthropic.script({"status": 429, "retry_after": 0.05, "repeat": 2})
    error, _ = await failure()
    assert error.kind == "rate_limited"
    assert len(fake_anthropic.requests) == 2


@pytest.mark.parametrize(
    ("status", "kind"), [(500, "server"), (529, "overloaded"), (400, "bad_request")]
)
async def test_error_status_fails_with_its_kind(fake_anthropic, settings, status, kind):
    settings.LADDER_PROVIDER_MAX_RETRIES = 0
    fake_anthropic.script({"status": status})
    error, _ = await failure()
    assert error.kind == kind
    assert str(status) in error.detail


async def test_server_error_is_retried_by_the_sdk_before_it_fails(fake_anthropic, settings):
    settings.LADDER_PROVIDER_MAX_RETRIES = 1
    fake_anthropic.script({"status": 529, "retry_after": 0.05}, {"text": ANSWER})
    deltas, _ = await answer()
    assert "".join(d.text for d in deltas) == ANSWER
    assert [r["status"] for r in fake_anthropic.requests] == [529, 200]


async def test_stream_cut_mid_answer_fails_as_stream_cut_with_the_text_so_far(fake_anthropic):
    fake_anthropic.script({"text": ANSWER, "cut_after_chars": 60})
    error, deltas = await failure()
    assert error.kind == "stream_cut"
    assert error.partial_text == ANSWER[:60] == "".join(d.text for d in deltas)


async def test_error_event_mid_stream_fails_as_stream_error_with_the_text_so_far(fake_anthropic):
    fake_anthropic.script({"text": ANSWER, "error_event": True})
    error, deltas = await failure()
    assert error.kind == "stream_error"
    assert "overloaded_error" in error.detail
    assert error.partial_text == "".join(d.text for d in deltas)
    assert 0 < len(error.partial_text) < len(ANSWER)


async def test_first_token_slower_than_its_timeout_fails_as_timeout(fake_anthropic, settings):
    settings.LADDER_FIRST_TOKEN_TIMEOUT_S = 0.2
    fake_anthropic.script({"text": ANSWER, "first_token_ms": 2000})
    error, deltas = await failure()
    assert error.kind == "timeout"
    assert "first token" in error.detail
    assert deltas == []


async def test_answer_slower_than_the_total_timeout_fails_as_timeout_with_the_text_so_far(
    fake_anthropic, settings
):
    settings.LADDER_TOTAL_TIMEOUT_S = 0.4
    fake_anthropic.script({"text": ANSWER, "first_token_ms": 0, "tokens_per_second": 10})
    error, deltas = await failure()
    assert error.kind == "timeout"
    assert error.partial_text == "".join(d.text for d in deltas) != ""


async def test_a_deadline_passing_while_the_caller_works_fails_the_next_read_only(
    fake_anthropic, settings
):
    settings.LADDER_TOTAL_TIMEOUT_S = 0.3
    fake_anthropic.script({"text": ANSWER, "first_token_ms": 0, "tokens_per_second": 200})
    slept = False
    with pytest.raises(ProviderError) as raised:
        async for event in AnthropicProvider.from_settings().stream(ask()):
            if isinstance(event, TextDelta) and not slept:
                await asyncio.sleep(0.5)  # past the deadline: the caller's own wait is not cut
                slept = True
    assert slept
    assert raised.value.kind == "timeout"
    assert asyncio.current_task().cancelling() == 0


async def test_a_cancelled_caller_is_cancelled_not_timed_out(fake_anthropic, settings):
    settings.LADDER_FIRST_TOKEN_TIMEOUT_S = 0.3
    fake_anthropic.script({"text": ANSWER, "first_token_ms": 2000})
    reading = asyncio.create_task(failure())
    await asyncio.sleep(0.1)
    reading.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reading


async def test_a_stream_within_its_deadlines_leaves_no_cancel_behind(fake_anthropic, settings):
    settings.LADDER_FIRST_TOKEN_TIMEOUT_S = 0.2
    settings.LADDER_TOTAL_TIMEOUT_S = 0.5
    fake_anthropic.script({"text": ANSWER, "first_token_ms": 0, "tokens_per_second": 400})
    deltas, finished = await answer()
    assert "".join(d.text for d in deltas) and finished.stop_reason == "end_turn"
    await asyncio.sleep(0.6)  # both deadlines pass: their timers are gone with the stream
    assert asyncio.current_task().cancelling() == 0


@pytest.mark.parametrize("stop_reason", ["refusal", "max_tokens"])
async def test_stop_reason_is_passed_through(fake_anthropic, stop_reason):
    fake_anthropic.script({"text": "", "stop_reason": stop_reason})
    deltas, finished = await answer()
    assert deltas == []
    assert finished.stop_reason == stop_reason


async def test_unreachable_api_fails_as_connection(settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.ANTHROPIC_BASE_URL = f"http://127.0.0.1:{port}"
    settings.ANTHROPIC_API_KEY = "sk-ant-anything"
    settings.LADDER_PROVIDER_MAX_RETRIES = 0
    try:
        error, _ = await failure()
    finally:
        await close_shared_clients()
    assert error.kind == "connection"


async def test_concurrent_streams_on_a_loop_share_one_client_and_one_ssl_context(fake_anthropic):
    from routing.providers import anthropic as backend

    provider = AnthropicProvider.from_settings()
    fake_anthropic.configure(first_token_ms=150)
    await answer()
    client = backend.shared_client(provider.api_key, provider.base_url, provider.max_retries)

    streams = [provider.stream(ask()) for _ in range(9)]
    firsts = await asyncio.gather(*(anext(stream) for stream in streams))
    assert all(isinstance(first, Started) for first in firsts)
    # The nine streams are in flight at once, on the one client of this loop.
    assert (
        backend.shared_client(provider.api_key, provider.base_url, provider.max_retries) is client
    )
    assert fake_anthropic.stats()["active_streams"] == 9
    # Its transport reuses the process's SSL context: building one would stall the event loop.
    assert client._client._transport.ssl_context is backend._ssl_context()
    for stream in streams:
        await stream.aclose()
    deltas, _ = await answer()
    assert deltas


async def test_caller_stopping_early_closes_the_stream_and_the_next_call_works(fake_anthropic):
    fake_anthropic.script({"text": ANSWER * 20}, {"text": ANSWER})
    provider = AnthropicProvider.from_settings()
    stream = provider.stream(ask())
    async for _ in stream:
        break
    await stream.aclose()
    deltas, _ = await answer()
    assert "".join(d.text for d in deltas) == ANSWER


def test_server_sent_event_data_is_read_with_orjson_and_keep_alives_are_skipped():
    from routing.providers.anthropic import _sse_data

    assert _sse_data(b'event: ping\ndata: {"type": "ping"}') == {"type": "ping"}
    assert _sse_data(b": a comment keeps the connection alive") is None
    assert _sse_data(b'data: {"type":\ndata: "message_stop"}') == {"type": "message_stop"}
    with pytest.raises(ValueError):
        _sse_data(b"data: {not json")
    with pytest.raises(ValueError, match="not an object"):
        _sse_data(b"data: [1, 2]")

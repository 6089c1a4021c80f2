"""The fake Anthropic server speaks the Messages API as the real SDK expects it: SSE events,
validation of the current models' rules, scripted and rule-based answers, control over HTTP."""

from __future__ import annotations

import asyncio
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator

import anthropic
import pytest

from support.devtools.fake_anthropic import FakeAnthropicServer, ResponseSpec, plain_stream
from tests.plugins.fake_anthropic import FAKE_API_KEY

MODEL = "claude-haiku-5-5"
QUESTION = "<customer_message>How long does shipping take?</customer_message>"
PASSAGES = (
    "<passages>\n"
    '<passage id="7" title="Shipping &amp; delivery">Standard shipping takes 3 to 5 business days. '
    "Orders over $50 ship free. Express shipping arrives in 1 to 2 days.</passage>\n"
    '<passage id="9" title="Returns">Returns are free within 30 days.</passage>\n'
    "</passages>"
)


@pytest.fixture
async def sdk(fake_anthropic) -> AsyncIterator[anthropic.AsyncAnthropic]:
    """The official SDK pointed at the fake, as the product builds it."""
    async with client(fake_anthropic) as sdk:
        yield sdk


def client(fake: FakeAnthropicServer, **options) -> anthropic.AsyncAnthropic:
    options.setdefault("api_key", FAKE_API_KEY)
    options.setdefault("max_retries", 0)
    return anthropic.AsyncAnthropic(base_url=fake.base_url, **options)


def user(text: str = QUESTION) -> list[dict]:
    return [{"role": "user", "content": text}]


def raw_post(fake: FakeAnthropicServer, path: str, body: bytes, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    sent = {"content-type": "application/json", "anthropic-version": "2023-06-01"}
    connection.request("POST", path, body=body, headers={**sent, **(headers or {})})
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response, payload


def control(fake: FakeAnthropicServer, method: str, path: str, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(fake.base_url + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


async def test_stream_sends_the_api_event_sequence_with_ping_thinking_and_signature(
    fake_anthropic,
):
    fake_anthropic.script({"text": "Three to five days.", "thinking": "Check the passage."})
    body = {
        "model": MODEL,
        "max_tokens": 200,
        "stream": True,
        "messages": user(),
        "thinking": {"type": "adaptive"},
    }
    response, payload = raw_post(
        fake_anthropic, "/v1/messages", json.dumps(body).encode(), {"x-api-key": FAKE_API_KEY}
    )
    assert response.status == 200
    assert response.getheader("content-type").startswith("text/event-stream")
    events = [
        (block.split("\n")[0].removeprefix("event: "), json.loads(block.split("\n")[1][6:]))
        for block in payload.decode().strip().split("\n\n")
    ]
    names = [name for name, _ in events]
    assert all(name == data["type"] for name, data in events)
    assert names[:2] == ["message_start", "ping"]
    assert names[2:4] == ["content_block_start", "content_block_delta"]
    assert names[-2:] == ["message_delta", "message_stop"]
    deltas = [data["delta"] for name, data in events if name == "content_block_delta"]
    kinds = [delta["type"] for delta in deltas]
    assert kinds.index("signature_delta") == kinds.count("thinking_delta")
    assert "".join(d["text"] for d in deltas if d["type"] == "text_delta") == "Three to five days."
    start = events[0][1]["message"]
    assert (start["role"], start["model"], start["content"], start["stop_reason"]) == (
        "assistant",
        MODEL,
        [],
        None,
    )
    assert events[-2][1]["delta"]["stop_reason"] == "end_turn"


async def test_sdk_accumulates_the_stream_into_a_message_with_thinking_then_text(
    fake_anthropic, sdk
):
    fake_anthropic.script({"text": "Three to five days.", "thinking": "Check the passage."})
    async with sdk.messages.stream(
        model=MODEL, max_tokens=200, messages=user(), thinking={"type": "adaptive"}
    ) as stream:
        message = await stream.get_final_message()
    thinking, text = message.content
    assert (thinking.type, thinking.thinking) == ("thinking", "Check the passage.")
    assert thinking.signature
    assert (text.type, text.text) == ("text", "Three to five days.")
    assert message.usage.output_tokens == 7  # four words of text, three of thinking


async def test_non_streaming_call_returns_a_whole_message(fake_anthropic, sdk):
    fake_anthropic.script({"text": "Three to five days.", "thinking": "Hmm."})
    message = await sdk.messages.create(model=MODEL, max_tokens=200, messages=user())
    assert [block.type for block in message.content] == ["thinking", "text"]
    assert message.content[1].text == "Three to five days."
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens > 0


async def test_omitted_thinking_display_sends_the_signature_without_the_thinking(
    fake_anthropic, sdk
):
    fake_anthropic.script({"text": "Yes.", "thinking": "secret"})
    async with sdk.messages.stream(
        model=MODEL,
        max_tokens=200,
        messages=user(),
        thinking={"type": "adaptive", "display": "omitted"},
    ) as stream:
        message = await stream.get_final_message()
    assert (message.content[0].thinking, bool(message.content[0].signature)) == ("", True)


async def test_wrong_or_missing_api_key_is_401_authentication_error(fake_anthropic):
    async with client(fake_anthropic, api_key="sk-ant-wrong") as wrong_key:
        with pytest.raises(anthropic.AuthenticationError) as raised:
            await wrong_key.messages.create(model=MODEL, max_tokens=10, messages=user())
    assert raised.value.type == "authentication_error"
    body = json.dumps({"model": MODEL, "max_tokens": 10, "messages": user()}).encode()
    response, payload = raw_post(fake_anthropic, "/v1/messages", body)
    assert response.status == 401
    assert json.loads(payload)["error"]["type"] == "authentication_error"


async def test_any_key_is_accepted_when_none_is_configured():
    with FakeAnthropicServer(first_token_ms=0, tokens_per_second=1000) as fake:
        async with client(fake, api_key="whatever") as any_key:
            message = await any_key.messages.create(model=MODEL, max_tokens=50, messages=user())
    assert message.content[0].text.startswith("[[ladder")


@pytest.mark.parametrize("parameter", [{"temperature": 0.2}, {"top_p": 0.9}, {"top_k": 5}])
async def test_sampling_parameters_are_refused_with_400(fake_anthropic, parameter, sdk):
    with pytest.raises(anthropic.BadRequestError) as raised:
        await sdk.messages.create(model=MODEL, max_tokens=10, messages=user(), extra_body=parameter)
    assert raised.value.type == "invalid_request_error"
    assert next(iter(parameter)) in raised.value.api_message


async def test_assistant_prefill_is_refused_with_400(fake_anthropic, sdk):
    fake_anthropic.script({"text": "never sent"})
    with pytest.raises(anthropic.BadRequestError, match="prefill"):
        await sdk.messages.create(
            model=MODEL,
            max_tokens=10,
            messages=[*user(), {"role": "assistant", "content": "[[ladder"}],
        )
    # A refused request does not use up the script.
    assert fake_anthropic.pending_specs == 1


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        json.dumps({"model": MODEL, "messages": [{"role": "user", "content": "x"}]}).encode(),
        json.dumps({"model": MODEL, "max_tokens": 5, "messages": []}).encode(),
        json.dumps({"model": MODEL, "max_tokens": 5, "messages": user(""), "stream": 1}).encode(),
        json.dumps({"model": MODEL, "max_tokens": 5, "messages": user(), "colour": 1}).encode(),
    ],
)
async def test_malformed_bodies_are_400_invalid_request_error(fake_anthropic, body):
    response, payload = raw_post(fake_anthropic, "/v1/messages", body, {"x-api-key": FAKE_API_KEY})
    assert response.status == 400
    assert json.loads(payload)["error"]["type"] == "invalid_request_error"
    assert fake_anthropic.requests[-1]["status"] == 400


async def test_unscripted_answer_quotes_the_first_passage_under_a_confident_control_line(
    fake_anthropic, sdk
):
    message = await sdk.messages.create(
        model=MODEL, max_tokens=200, messages=user(f"{PASSAGES}\n\n{QUESTION}")
    )
    assert message.content[0].text == (
        "[[ladder confidence=0.9 answered=yes intent=none]]\n"
        "Standard shipping takes 3 to 5 business days. Orders over $50 ship free."
    )


async def test_unscripted_answer_without_passages_is_unsure(fake_anthropic, sdk):
    message = await sdk.messages.create(model=MODEL, max_tokens=200, messages=user())
    assert message.content[0].text == (
        "[[ladder confidence=0.2 answered=no intent=none]]\nI'm not sure about that."
    )


async def test_script_is_used_in_order_and_matched_by_substring_regex_or_model(fake_anthropic, sdk):
    fake_anthropic.script(
        {"text": "about refunds", "match": "REFUND"},
        {"text": "an order number", "match_regex": r"\b\d{5}\b"},
        {"text": "from sonnet", "model": "claude-sonnet-5-5"},
        {"text": "first"},
        {"text": "second"},
    )

    async def reply(text: str, model: str = MODEL) -> str:
        message = await sdk.messages.create(model=model, max_tokens=50, messages=user(text))
        return message.content[0].text

    assert await reply("hello") == "first"
    assert await reply("where is order 12345?") == "an order number"
    assert await reply("I want a refund") == "about refunds"
    assert await reply("hello", "claude-sonnet-5-5") == "from sonnet"
    assert await reply("hello") == "second"
    assert (await reply("hello")).endswith("I'm not sure about that.")


async def test_repeat_answers_that_many_requests_and_null_repeats_forever(fake_anthropic, sdk):
    fake_anthropic.script({"text": "twice", "repeat": 2}, {"text": "always", "repeat": None})
    texts = [
        (await sdk.messages.create(model=MODEL, max_tokens=50, messages=user())).content[0].text
        for _ in range(5)
    ]
    assert texts == ["twice", "twice", "always", "always", "always"]


async def test_cached_system_prompt_is_written_once_then_read(fake_anthropic, sdk):
    # 4,200 tokens (four characters a token): over Haiku-class models' 4,096.
    rules = "Stable rules. " * 1200
    system = [{"type": "text", "text": rules, "cache_control": {"type": "ephemeral"}}]
    usages = [
        (
            await sdk.messages.create(model=MODEL, max_tokens=50, system=system, messages=user())
        ).usage
        for _ in range(2)
    ]
    assert usages[0].cache_creation_input_tokens == 4200
    assert usages[0].cache_read_input_tokens == 0
    assert (usages[1].cache_creation_input_tokens, usages[1].cache_read_input_tokens) == (0, 4200)
    # Billed fresh: only what follows the cached prefix.
    assert usages[1].input_tokens < 100
    uncached = await sdk.messages.create(model=MODEL, max_tokens=50, system=rules, messages=user())
    assert (uncached.usage.cache_creation_input_tokens, uncached.usage.cache_read_input_tokens) == (
        0,
        0,
    )


async def test_a_marked_prefix_shorter_than_the_models_minimum_is_never_cached(fake_anthropic, sdk):
    # 1,050 tokens: enough for a Sonnet 4.5-class model (1,024), too short for Haiku's 4,096.
    system = [
        {"type": "text", "text": "Stable rules. " * 300, "cache_control": {"type": "ephemeral"}}
    ]
    haiku = [
        (
            await sdk.messages.create(model=MODEL, max_tokens=50, system=system, messages=user())
        ).usage
        for _ in range(2)
    ]
    for usage in haiku:
        assert (usage.cache_creation_input_tokens, usage.cache_read_input_tokens) == (0, 0)
        assert usage.input_tokens > 1050  # the whole prompt, billed as plain input
    sonnet = [
        (
            await sdk.messages.create(
                model="claude-sonnet-4-5", max_tokens=50, system=system, messages=user()
            )
        ).usage
        for _ in range(2)
    ]
    assert (sonnet[1].cache_creation_input_tokens, sonnet[1].cache_read_input_tokens) == (0, 1050)


async def test_the_minimum_is_settable_per_model_and_over_the_control_api(fake_anthropic, sdk):
    system = [
        {"type": "text", "text": "Stable rules. " * 300, "cache_control": {"type": "ephemeral"}}
    ]
    config = control(
        fake_anthropic, "POST", "/_fake/config", {"min_cacheable_tokens": {MODEL: 1000}}
    )
    assert config["min_cacheable_tokens"] == {MODEL: 1000}
    assert fake_anthropic.min_cacheable_for(MODEL) == 1000
    assert fake_anthropic.min_cacheable_for("claude-sonnet-5-5") == 2048  # still documented
    usages = [
        (
            await sdk.messages.create(model=MODEL, max_tokens=50, system=system, messages=user())
        ).usage
        for _ in range(2)
    ]
    assert usages[1].cache_read_input_tokens == 1050
    with pytest.raises(urllib.error.HTTPError) as refused:
        control(fake_anthropic, "POST", "/_fake/config", {"min_cacheable_tokens": -1})
    assert refused.value.code == 400
    assert "min_cacheable_tokens" in json.loads(refused.value.read())["error"]["message"]
    assert fake_anthropic.min_cacheable_for(MODEL) == 1000  # a refused change changes nothing


def test_modelled_prefill_puts_fresh_prompt_tokens_before_the_first_token_and_reads_cheaper():
    fake = FakeAnthropicServer(
        first_token_ms=100, prefill_tokens_per_second=10_000, min_cacheable_tokens=1000
    )
    body = {
        "model": MODEL,
        "max_tokens": 50,
        "system": [{"type": "text", "text": "x" * 40_000, "cache_control": {"type": "ephemeral"}}],
        "messages": user("q" * 400),
    }
    written = fake._plan(body, None)
    read = fake._plan(body, None)
    assert (written.cache_creation_input_tokens, read.cache_read_input_tokens) == (10_000, 10_000)
    # 10,100 tokens read afresh at 10,000 a second; then 10,000 cached ones at a tenth of that.
    assert written.first_token_ms == pytest.approx(100 + 1010)
    assert read.first_token_ms == pytest.approx(100 + 10 + 100)
    # A scripted first-token time is taken as it is.
    assert fake._plan(body, ResponseSpec(first_token_ms=7)).first_token_ms == 7


async def test_answer_longer_than_max_tokens_stops_with_max_tokens(fake_anthropic, sdk):
    fake_anthropic.script({"text": "one two three four five six"})
    message = await sdk.messages.create(model=MODEL, max_tokens=3, messages=user())
    assert (message.content[0].text, message.stop_reason) == ("one two three ", "max_tokens")


async def test_error_status_carries_its_error_type_and_retry_after_header(fake_anthropic, sdk):
    fake_anthropic.script(
        {"status": 429, "retry_after": 2}, {"status": 529}, {"status": 500, "error_message": "boom"}
    )
    with pytest.raises(anthropic.RateLimitError) as limited:
        await sdk.messages.create(model=MODEL, max_tokens=5, messages=user())
    assert limited.value.response.headers["retry-after"] == "2"
    assert limited.value.type == "rate_limit_error"
    with pytest.raises(anthropic.OverloadedError) as overloaded:
        await sdk.messages.create(model=MODEL, max_tokens=5, messages=user())
    assert overloaded.value.type == "overloaded_error"
    with pytest.raises(anthropic.InternalServerError) as broken:
        await sdk.messages.create(model=MODEL, max_tokens=5, messages=user())
    assert (broken.value.type, broken.value.api_message) == ("api_error", "boom")


async def test_error_event_mid_stream_raises_in_the_sdk_after_some_text(fake_anthropic, sdk):
    fake_anthropic.script({"text": "one two three four five six", "error_event": True})
    received = []
    with pytest.raises(anthropic.APIStatusError) as raised:
        async with sdk.messages.stream(model=MODEL, max_tokens=50, messages=user()) as stream:
            async for text in stream.text_stream:
                received.append(text)
    assert raised.value.type == "overloaded_error"
    assert "".join(received) == "one two three "


async def test_cut_stream_drops_the_connection_after_exactly_that_many_characters(
    fake_anthropic, sdk
):
    fake_anthropic.script({"text": "one two three four five six", "cut_after_chars": 10})
    received = []
    with pytest.raises(Exception) as raised:  # the transport's own error, not the SDK's
        async with sdk.messages.stream(model=MODEL, max_tokens=50, messages=user()) as stream:
            async for text in stream.text_stream:
                received.append(text)
    assert "".join(received) == "one two th"
    assert "peer closed connection" in str(raised.value)


async def test_first_token_delay_and_token_rate_pace_the_stream(fake_anthropic, sdk):
    fake_anthropic.script(
        {"text": "a b c d e f g h i j", "first_token_ms": 150, "tokens_per_second": 50}
    )
    started = time.perf_counter()
    arrivals = []
    async with sdk.messages.stream(model=MODEL, max_tokens=50, messages=user()) as stream:
        async for _ in stream.text_stream:
            arrivals.append(time.perf_counter() - started)
    assert len(arrivals) == 10
    assert arrivals[0] >= 0.15
    # Ten tokens at 50 a second: the last one no sooner than 150 + 9 x 20 ms after the request.
    # (A busy client may read the first ones late and the rest in a burst, so the gap between
    # first and last arrival proves nothing; the server's schedule bounds the last from below.)
    assert arrivals[-1] >= 0.32


async def test_requests_are_recorded_with_method_path_headers_and_body(fake_anthropic, sdk):
    await sdk.messages.create(model=MODEL, max_tokens=5, system="Rules.", messages=user())
    [request] = fake_anthropic.requests
    assert (request["method"], request["path"], request["status"]) == ("POST", "/v1/messages", 200)
    assert request["headers"]["anthropic-version"]
    assert request["body"] == {
        "model": MODEL,
        "max_tokens": 5,
        "system": "Rules.",
        "messages": user(),
    }


async def test_keep_alive_serves_many_requests_on_one_connection(fake_anthropic, sdk):
    for _ in range(4):
        async with sdk.messages.stream(model=MODEL, max_tokens=20, messages=user()) as stream:
            await stream.get_final_message()
    assert fake_anthropic.stats()["connections_total"] == 1
    assert fake_anthropic.stats()["requests_total"] == 4


async def test_hundreds_of_concurrent_streams_are_served_at_once():
    def body(number: int) -> dict:
        return {
            "model": MODEL,
            "max_tokens": 100,
            "messages": user(f"{PASSAGES}\nquestion {number}"),
        }

    with FakeAnthropicServer(first_token_ms=200, tokens_per_second=100) as fake:
        responses = await asyncio.gather(*(plain_stream(fake.port, body(n)) for n in range(300)))
        stats = fake.stats()
    assert all(r.startswith("HTTP/1.1 200") and "event: message_stop" in r for r in responses)
    # Served at once, not one after another (how fast: `manage.py bench_fake_anthropic`).
    assert stats["peak_active_streams"] >= 250
    assert stats["responses_by_status"] == {"200": 300}


def test_control_endpoints_script_configure_reset_and_list_requests_over_http(fake_anthropic):
    assert control(fake_anthropic, "POST", "/_fake/script", [{"text": "scripted"}]) == {
        "queued": 1,
        "pending": 1,
    }
    assert (
        control(fake_anthropic, "POST", "/_fake/config", {"tokens_per_second": 500})[
            "tokens_per_second"
        ]
        == 500
    )
    body = json.dumps({"model": MODEL, "max_tokens": 20, "messages": user()}).encode()
    _, payload = raw_post(fake_anthropic, "/v1/messages", body, {"x-api-key": FAKE_API_KEY})
    assert json.loads(payload)["content"][0]["text"] == "scripted"
    [request] = control(fake_anthropic, "GET", "/_fake/requests")
    assert request["body"]["messages"] == user()
    assert control(fake_anthropic, "GET", "/_fake/requests?since=1") == []
    assert control(fake_anthropic, "GET", "/_fake/stats")["requests_total"] == 1
    assert control(fake_anthropic, "POST", "/_fake/reset") == {"reset": True}
    assert control(fake_anthropic, "GET", "/_fake/requests") == []
    assert fake_anthropic.pending_specs == 0


def test_bad_script_is_refused_with_a_clear_error(fake_anthropic):
    with pytest.raises(ValueError, match="unknown response spec field"):
        fake_anthropic.script({"txt": "typo"})
    with pytest.raises(ValueError, match="stop_reason"):
        ResponseSpec.parse({"stop_reason": "bored"})
    response, payload = raw_post(fake_anthropic, "/_fake/script", b'[{"status": 302}]')
    assert response.status == 400
    assert "status" in json.loads(payload)["error"]["message"]


def test_non_loopback_host_is_refused_unless_allowed():
    with pytest.raises(ValueError, match="loopback"):
        FakeAnthropicServer("0.0.0.0")

"""The event-sequence contract every provider keeps, real or double: one Started first, then
text deltas, then exactly one Finished last; a failure raises ProviderError and never finishes.

The model-call path (routing.model_call) relies on this order: it bills a call stopped early
from Started, and reads usage off Finished.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from routing.providers import (
    Finished,
    Passage,
    Provider,
    ProviderError,
    ProviderRequest,
    Started,
    StreamEvent,
    TextDelta,
)
from routing.providers.anthropic import AnthropicProvider
from routing.providers.local import LocalProvider

from .provider_doubles import DOUBLES

SHIPPING = Passage(1, "Shipping times", "Standard shipping takes 3 to 5 business days.", 0.8)
ANSWER = "[[ladder confidence=0.9 answered=yes intent=none]]\nShipping takes 3 to 5 business days."


def ask(passages: list[Passage] | None = None) -> ProviderRequest:
    return ProviderRequest(
        tier="fast",
        model="claude-haiku-5-5",
        system="You are the support assistant of a test store.",
        messages=[{"role": "user", "content": "How long does shipping take?"}],
        passages=passages or [],
    )


def check_event_sequence(events: list[StreamEvent], *, failed: bool = False) -> None:
    """Started first and only once; text deltas only between; Finished last and only once
    (none when the stream failed)."""
    assert events, "a provider must at least say it started"
    assert isinstance(events[0], Started), f"first event is {type(events[0]).__name__}"
    body = events[1:] if failed else events[1:-1]
    assert all(isinstance(event, TextDelta) for event in body), [type(e).__name__ for e in body]
    if failed:
        assert not any(isinstance(event, Finished) for event in events)
    else:
        assert isinstance(events[-1], Finished), f"last event is {type(events[-1]).__name__}"


async def collect(provider: Provider, request: ProviderRequest) -> list[StreamEvent]:
    return [event async for event in provider.stream(request)]


PROVIDERS: dict[str, Callable[[], Provider]] = {
    "local": lambda: LocalProvider(chunk_pause_s=0),
    **DOUBLES,
}


@pytest.mark.parametrize("name", sorted(PROVIDERS))
async def test_provider_streams_started_then_text_then_finished(name):
    events = await collect(PROVIDERS[name](), ask([SHIPPING]))
    check_event_sequence(events)
    assert any(isinstance(event, TextDelta) for event in events)


async def test_local_provider_without_passages_keeps_the_sequence():
    check_event_sequence(await collect(LocalProvider(chunk_pause_s=0), ask()))


@pytest.mark.parametrize("thinking", [None, "Let me look at the passages first."])
async def test_anthropic_provider_through_the_fake_server_keeps_the_sequence(
    fake_anthropic, thinking
):
    fake_anthropic.script({"text": ANSWER, "thinking": thinking})
    events = await collect(AnthropicProvider.from_settings(), ask([SHIPPING]))
    check_event_sequence(events)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == ANSWER


async def test_anthropic_stream_failing_mid_way_starts_and_never_finishes(fake_anthropic):
    fake_anthropic.script({"text": ANSWER, "error_event": True})
    events: list[StreamEvent] = []
    with pytest.raises(ProviderError) as raised:
        async for event in AnthropicProvider.from_settings().stream(ask()):
            events.append(event)
    check_event_sequence(events, failed=True)
    assert raised.value.kind == "stream_error"

"""Provider test doubles: each emits exactly the events a real provider does (one Started,
text deltas, one Finished); test_provider_events.py holds every double here to that."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence

from routing.providers import Finished, ProviderRequest, Started, StreamEvent, TextDelta


class ScriptedProvider:
    """Streams the given pieces as a model named `model` would, counting the usage given."""

    def __init__(
        self,
        pieces: Sequence[str],
        *,
        name: str = "anthropic",
        model: str = "claude-sonnet-5-5",
        input_tokens: int = 1000,
        output_tokens: int = 200,
    ) -> None:
        self.name = name
        self.pieces = list(pieces)
        self.model = model
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens
        self.requests: list[ProviderRequest] = []

    async def stream(self, request: ProviderRequest) -> AsyncGenerator[StreamEvent]:
        self.requests.append(request)
        yield Started(model=self.model, input_tokens=self.input_tokens)
        for piece in self.pieces:
            yield TextDelta(piece)
        yield Finished(
            model=self.model,
            stop_reason="end_turn",
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            first_token_ms=1 if self.pieces else None,
            total_ms=1,
        )


# Every double of this module, as the event-sequence contract test builds them.
DOUBLES = {
    "scripted": lambda: ScriptedProvider(
        ["[[ladder confidence=0.9 answered=yes intent=none]]\n", "Shipping takes 3 days."]
    ),
}

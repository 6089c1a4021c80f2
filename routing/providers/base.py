"""The provider interface: one async streaming call yielding text deltas, ending with usage."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Literal, Protocol


@dataclass(frozen=True)
class Passage:
    """A knowledge-base passage retrieved for a question; score is 0..1, higher is better."""

    article_id: int
    title: str
    text: str
    score: float
    # The version's language, the article's slug (for a link to it), and what matched the
    # question: an example "question", the "title" or a "passage" (see knowledge/search.py).
    language: str = ""
    slug: str = ""
    matched_by: str = ""
    # The share of the question's weight in words no article knows that are no ordinary chat
    # words ("student" in "student discount"): what the knowledge base does not cover.
    uncovered: float = 0.0


@dataclass(frozen=True)
class ProviderRequest:
    tier: Literal["fast", "strong"]
    model: str
    system: str
    # Alternating user/assistant turns, ending with a user turn (no assistant prefill).
    messages: list[dict[str, str]]
    passages: list[Passage] = field(default_factory=list)
    max_output_tokens: int = 1024


@dataclass(frozen=True)
class Started:
    """The provider accepted the call: what the prompt costs, known before any text.

    A caller that stops reading early (an answer nobody will see) still knows what it paid.
    """

    model: str
    input_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class Finished:
    """The end of a stream: what answered, what it used and how long it took."""

    model: str
    stop_reason: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    # From the call's start to the provider's first text token, and to its end.
    first_token_ms: int | None = None
    total_ms: int = 0
    # Only a provider that knows its own confidence (local: the retrieval score) sets this.
    confidence: float | None = None


StreamEvent = Started | TextDelta | Finished


class ProviderError(Exception):
    """A provider call failed; `kind` says how (auth, rate_limited, overloaded, server,
    stream_cut, stream_error, timeout, bad_request, connection)."""

    def __init__(self, kind: str, detail: str, *, partial_text: str = "") -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.partial_text = partial_text


class Provider(Protocol):
    name: str

    def stream(self, request: ProviderRequest) -> AsyncGenerator[StreamEvent]:
        """Yield at most one Started, TextDelta events, then exactly one Finished; raise
        ProviderError on failure."""
        ...

"""One model call: stream a provider's events into one typed result (visible text, control
line, usage, cost, timings, error), and the audit payload it becomes.

Answers, drafts, routing evaluation and generated traffic all call models through
`call_model` and write what happened as a `ModelCallAudit`, so the reading of a stream, the
counting of what it cost and the shape of its audit event exist once.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, cast

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

from .control import MISSING, ControlLine, ControlLineReader
from .prices import cost_usd
from .providers.base import (
    Finished,
    Provider,
    ProviderError,
    ProviderRequest,
    Started,
    TextDelta,
)

# Characters per output token, to estimate what a call that stopped early generated.
CHARS_PER_TOKEN = 4
MAX_ERROR_DETAIL_CHARS = 300


@dataclass(frozen=True)
class Usage:
    """Tokens a call used, as the provider bills them."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_read_tokens
            + self.cache_write_tokens
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def billed_cost_usd(billed_model: str, asked_model: str, usage: Usage) -> Decimal:
    """The call's cost at the answering model's price (a dated id costs what its family costs),
    or at the asked model's when the provider named one with no known price."""
    try:
        return cost_usd(billed_model, **usage.as_dict())
    except KeyError:
        return cost_usd(asked_model, **usage.as_dict())


@dataclass
class ModelCallResult:
    """What one call to a model produced, whether it finished, stopped early or failed."""

    tier: Literal["fast", "strong"]
    provider: str
    # The model asked for, and the one the provider says answered (and is billed).
    model: str
    billed_model: str
    # What may be shown: the stream without its control line.
    text: str
    control: ControlLine
    usage: Usage
    cost_usd: Decimal
    provider_first_token_ms: int | None
    total_ms: int
    stop_reason: str | None
    error: ProviderError | None
    # True when the caller stopped reading before the provider finished.
    stopped_early: bool = False

    @property
    def error_kind(self) -> str | None:
        return self.error.kind if self.error is not None else None

    def audit(self, *, shown: bool, time_to_first_token_ms: int | None) -> ModelCallAudit:
        """The `model.call` audit payload of this call."""
        return ModelCallAudit(
            tier=self.tier,
            provider=self.provider,
            model=self.billed_model,
            input_tokens=self.usage.input_tokens,
            output_tokens=self.usage.output_tokens,
            cache_read_tokens=self.usage.cache_read_tokens,
            cache_write_tokens=self.usage.cache_write_tokens,
            cost_usd=f"{self.cost_usd:f}",
            provider_first_token_ms=self.provider_first_token_ms,
            time_to_first_token_ms=time_to_first_token_ms,
            total_ms=self.total_ms,
            confidence=self.control.confidence,
            control_line=self.control.raw,
            stop_reason=self.stop_reason,
            error=self.error_kind,
            error_detail=(
                self.error.detail[:MAX_ERROR_DETAIL_CHARS] if self.error is not None else None
            ),
            shown=shown,
        )


# Called once the control line is read; returns False to stop reading (an answer nobody
# will see is not worth paying for).
ControlSeen = Callable[[ControlLine], Awaitable[bool]]
# Called with each piece of visible text, in order.
TextSeen = Callable[[str], Awaitable[None]]


async def call_model(
    provider: Provider,
    request: ProviderRequest,
    *,
    on_control: ControlSeen | None = None,
    on_text: TextSeen | None = None,
) -> ModelCallResult:
    """Stream one call and return what it produced; a provider failure is part of the result,
    never raised. `on_text` sees only text read after the control line; a line that never
    came leaves the text in the result, unseen. A call stopped early (or cut off) is billed
    for the prompt the provider counted and the output estimated from what arrived."""
    started_at = time.perf_counter()
    stream = _StreamRead()
    error: ProviderError | None = None
    try:
        await stream.read(provider, request, on_control, on_text)
    except ProviderError as failed:
        error = failed
    stream.finish()
    started, finished = stream.started, stream.finished
    usage = _usage(finished, started, stream.received_chars)
    asked = request.model
    billed_model = (
        finished.model if finished and finished.model else (started.model if started else asked)
    )
    return ModelCallResult(
        tier=request.tier,
        provider=provider.name,
        model=asked,
        billed_model=billed_model,
        text="".join(stream.visible),
        control=stream.reader.control or MISSING,
        usage=usage,
        cost_usd=billed_cost_usd(billed_model, asked, usage),
        provider_first_token_ms=finished.first_token_ms if finished else None,
        total_ms=int((time.perf_counter() - started_at) * 1000),
        stop_reason=finished.stop_reason if finished else None,
        error=error,
        stopped_early=stream.stopped_early,
    )


@dataclass
class _StreamRead:
    """What a provider's stream has yielded so far."""

    reader: ControlLineReader = field(default_factory=ControlLineReader)
    started: Started | None = None
    finished: Finished | None = None
    received_chars: int = 0
    visible: list[str] = field(default_factory=list)
    stopped_early: bool = False
    control_told: bool = False

    async def read(
        self,
        provider: Provider,
        request: ProviderRequest,
        on_control: ControlSeen | None,
        on_text: TextSeen | None,
    ) -> None:
        async with contextlib.aclosing(provider.stream(request)) as events:
            async for event in events:
                if isinstance(event, Started):
                    self.started = event
                elif isinstance(event, Finished):
                    self.finished = event
                elif isinstance(event, TextDelta) and not await self.text(
                    event.text, on_control, on_text
                ):
                    self.stopped_early = True
                    break

    async def text(
        self, text: str, on_control: ControlSeen | None, on_text: TextSeen | None
    ) -> bool:
        """Read a piece of text; False when the caller, told the control line, stops."""
        self.received_chars += len(text)
        piece = self.reader.feed(text)
        if self.reader.control is not None and not self.control_told:
            self.control_told = True
            if on_control is not None and not await on_control(self.reader.control):
                return False
        if piece:
            self.visible.append(piece)
            if on_text is not None:
                await on_text(piece)
        return True

    def finish(self) -> None:
        """The stream ended: without a control line, what the reader held back is text."""
        if self.reader.control is None:
            tail = self.reader.finish()
            if tail:
                self.visible.append(tail)


def _usage(finished: Finished | None, started: Started | None, received_chars: int) -> Usage:
    if finished is not None:
        return Usage(
            input_tokens=finished.input_tokens,
            output_tokens=finished.output_tokens,
            cache_read_tokens=finished.cache_read_tokens,
            cache_write_tokens=finished.cache_write_tokens,
        )
    # Stopped early or failed: the prompt as the provider counted it, and the output estimated
    # from what arrived (the provider bills what it generated).
    return Usage(
        input_tokens=started.input_tokens if started else 0,
        output_tokens=(received_chars + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN,
        cache_read_tokens=started.cache_read_tokens if started else 0,
        cache_write_tokens=started.cache_write_tokens if started else 0,
    )


class _AuditPayload:
    """Written as a dict (`as_audit`) and read back (`from_audit`), also from an event written
    before a field existed: the payload keys the type knows are kept (the conversation's `seq`
    rides beside every payload), and the names in `_TEXT_FIELDS` default to ""."""

    _TEXT_FIELDS: ClassVar[tuple[str, ...]] = ()

    def as_audit(self) -> dict[str, Any]:
        return asdict(cast("DataclassInstance", self))

    @classmethod
    def from_audit(cls, data: Mapping[str, Any]) -> Self:
        names = {f.name for f in fields(cast("DataclassInstance", cls))}
        known = {name: value for name, value in data.items() if name in names}
        for name in cls._TEXT_FIELDS:
            known.setdefault(name, "")
        return cls(**known)


class _Priced:
    """A payload whose call cost `cost_usd` (a decimal string, exact)."""

    cost_usd: str

    @property
    def cost(self) -> Decimal:
        return Decimal(self.cost_usd or 0)


@dataclass(frozen=True)
class ModelCallAudit(_AuditPayload, _Priced):
    """The `model.call` audit event: one call to a model, shown to the customer or not."""

    _TEXT_FIELDS = ("tier", "provider", "model")

    tier: str
    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: str = "0"
    provider_first_token_ms: int | None = None
    # From the stored ack to the first text frame the customer got (None: nothing shown).
    time_to_first_token_ms: int | None = None
    total_ms: int = 0
    confidence: float | None = None
    control_line: str = ""
    stop_reason: str | None = None
    error: str | None = None
    error_detail: str | None = None
    shown: bool = False

    @property
    def usage(self) -> Usage:
        return Usage(
            self.input_tokens, self.output_tokens, self.cache_read_tokens, self.cache_write_tokens
        )


@dataclass(frozen=True)
class DraftAudit(_AuditPayload, _Priced):
    """The `draft.created` audit event: a reply the strong model drafted for an agent."""

    _TEXT_FIELDS = ("agent", "tier", "provider", "model")

    agent: str
    tier: str
    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: str = "0"
    total_ms: int = 0
    articles: list[dict[str, Any]] = field(default_factory=list)
    draft: str = ""
    error: str | None = None


@dataclass(frozen=True)
class HandoffAudit(_AuditPayload):
    """The `handoff` audit event: why a conversation went to people, and from where."""

    _TEXT_FIELDS = ("reason",)

    reason: str
    # Set by the router: the tier that was answering.
    tier: str | None = None
    # Set by the customer's button.
    via: str | None = None
    # Set when answering failed inside the product.
    error: str | None = None

    def as_audit(self) -> dict[str, Any]:
        return {name: value for name, value in asdict(self).items() if value is not None}

"""One tier's turn at an answer: the request, the spend reserved for it, the seq its text takes,
the call streamed to the customer once its control line says the answer stands, the decision
taken on it, and the call booked and stored with its audit events."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from django.conf import settings
from django.db import transaction

from routing.configured import model_for_tier
from routing.control import ControlLine
from routing.model_call import ModelCallAudit, ModelCallResult, call_model
from routing.policy import Decision, Signals, decide
from routing.prompts import STRONG_SYSTEM_PROMPT, SYSTEM_PROMPT, build_messages
from routing.providers import Passage, Provider, ProviderRequest

from . import actions, tier_loop
from .answer_context import Context
from .answer_run import AnswerRun, ReadyCall
from .billing import settle_call
from .breakers import record_call_health
from .dbthreads import StreamPacer, after_stream
from .models import Message, Tier
from .statements import add_model_tokens
from .streaming import StreamEmitter, end_stream

type TierName = Literal["fast", "strong"]

INTERRUPTED_NOTICE = "\n\n(The answer was interrupted.)"


@dataclass
class TierOutcome:
    decision: Decision | None = None
    streamed: bool = False
    text: str = ""
    signals: Signals = field(default_factory=lambda: Signals(tier="fast"))
    first_frame_ms: int | None = None
    model: str = ""
    call: ModelCallResult | None = None

    @property
    def decided(self) -> Decision:
        """The decision taken on the call (set by the time the call returns)."""
        assert self.decision is not None
        return self.decision


async def call_tier(
    run: AnswerRun,
    provider: Provider,
    signals: Signals,
    context: Context,
    passages: list[Passage],
) -> TierOutcome:
    ready, run.ready_call = run.ready_call, None
    if ready is None:
        request = build_request(run, provider, signals.tier, context, passages)
        if provider.name == "local":
            await run.reserve(request.tier, request.model)
            refused = None
        else:
            refused = await run.reserve_call(request)
    else:  # reserved by the preparation, in the same visit to the database thread
        request, refused = ready.request, ready.refused
    model = request.model
    if refused is not None:
        return refused_by_limit(run, refused, signals, model)
    stream = _TierStream(run, TierOutcome(model=model, signals=signals))
    call = await call_model(
        provider, request, on_control=stream.control_seen, on_text=stream.text_seen
    )
    outcome = await stream.finish(call)
    await record_call(run, outcome, call)
    return outcome


def build_request(
    run: AnswerRun, provider: Provider, tier: TierName, context: Context, passages: list[Passage]
) -> ProviderRequest:
    return ProviderRequest(
        tier=tier,
        model=model_for_tier(tier, provider.name),
        system=_system_prompt(run, tier),
        messages=build_messages(context.history, context.question, passages),
        passages=passages,
        max_output_tokens=settings.LADDER_MAX_OUTPUT_TOKENS,
    )


def reserve_first_call_now(
    run: AnswerRun, provider: Provider, tier: TierName, context: Context, passages: list[Passage]
) -> None:
    """The first tier's request and its reservation (`call_tier`'s), made while preparing, on
    the database thread: `call_tier` then calls at once. TakenOver as for `run.reserve`."""
    request = build_request(run, provider, tier, context, passages)
    if provider.name == "local":
        run.reserve_now(request.tier, request.model)
        refused = None
    else:
        refused = run.reserve_call_now(request)
    run.ready_call = ReadyCall(request, refused)


def _system_prompt(run: AnswerRun, tier: str) -> str:
    if run.prompts is not None:
        return str(run.prompts.for_tier(tier))
    return STRONG_SYSTEM_PROMPT if tier == Tier.STRONG else SYSTEM_PROMPT


def refused_by_limit(run: AnswerRun, limit: str, signals: Signals, model: str) -> TierOutcome:
    """No call: the tier's daily cap moves the answer on as a skipped tier does; the other
    limits hand the conversation to people."""
    run.note(f"limit.{limit}", "system", {"tier": signals.tier})
    signals, decision = tier_loop.refused(signals, limit, run.thresholds)
    run.note("routing.decision", "router", decision.as_audit())
    return TierOutcome(decision=decision, signals=signals, model=model)


class _TierStream:
    """The call's visible text on its way to the customer: streamed only once the control line
    says the answer stands (else the call stops: nobody would see what it costs)."""

    def __init__(self, run: AnswerRun, outcome: TierOutcome) -> None:
        self.run = run
        self.outcome = outcome
        self.emitter: StreamEmitter | None = None
        self.pacer = StreamPacer()

    async def control_seen(self, control: ControlLine) -> bool:
        outcome = self.outcome
        outcome.decision = decide(replace(outcome.signals, control=control), self.run.thresholds)
        if outcome.decision.action != "answer":
            return False  # stop paying for an answer nobody will see
        message = await self.run.reserve(outcome.signals.tier, outcome.model)
        run = self.run
        self.emitter = StreamEmitter(run.layer, run.group, run.conversation_id, message.seq)
        await self.emitter.start()
        return True

    async def text_seen(self, visible: str) -> None:
        if self.emitter is None:
            return
        await self.emitter.push(visible)
        if self.outcome.first_frame_ms is None:
            self.outcome.first_frame_ms = self.run.ms_since_ack()
        # The piece is out: customers waiting for a first word may go first.
        await self.pacer.after_piece()

    async def finish(self, call: ModelCallResult) -> TierOutcome:
        """The decision on the whole call: a failure, a refusal or a confident line followed by
        nothing overrule what the control line alone said."""
        outcome = self.outcome
        outcome.call = call
        if self.emitter is not None:
            await self.emitter.flush()
            outcome.text = self.emitter.text
            outcome.streamed = True
        outcome.signals = replace(
            outcome.signals,
            control=call.control,
            stop_reason=call.stop_reason,
            provider_error=call.error_kind,
        )
        thresholds = self.run.thresholds
        if outcome.decision is None or call.error is not None or call.stop_reason == "refusal":
            outcome.decision = decide(outcome.signals, thresholds)
        if outcome.decision.action == "answer" and not outcome.streamed:
            # A confident line followed by nothing is no answer at all.
            outcome.signals = replace(
                outcome.signals, control=replace(call.control, confidence=0.0, answered=False)
            )
            outcome.decision = decide(outcome.signals, thresholds)
        return outcome


def book_call(run: AnswerRun, call: ModelCallResult) -> None:
    """Spend, the conversation's token budget, and the model's circuit breaker (on a database
    thread)."""
    record_health(run, call)
    book_spend(run, call)


def record_health(run: AnswerRun, call: ModelCallResult) -> None:
    if call.provider != "local":
        run.circuit_opened = record_call_health(call.model, call.error)


def book_spend(run: AnswerRun, call: ModelCallResult) -> None:
    if call.provider == "local":
        return
    spend, run.spend = run.spend, None
    # The conversation's row first: the day's spend row, which every call updates, is then
    # locked by the transaction's last statements only.
    add_model_tokens(run.conversation_id, call.usage.total_tokens)
    settle_call(spend, call.tier, call.cost_usd)


async def record_call(run: AnswerRun, outcome: TierOutcome, call: ModelCallResult) -> None:
    decision_entry = run.entry("routing.decision", "router", outcome.decided.as_audit())
    audit = call.audit(shown=outcome.streamed, time_to_first_token_ms=outcome.first_frame_ms)
    if outcome.signals.control is not None:
        audit = replace(audit, confidence=outcome.signals.control.confidence)
    if not outcome.streamed:
        await after_stream(book_call)(run, call)
        run.note("model.call", f"model:{call.billed_model}", audit.as_audit())
        run.pending_audit += [*run.take_circuit_note(), decision_entry]
        return
    message = run.reserved
    assert message is not None
    interrupted = call.error is not None or call.stop_reason == "refusal"
    audit_before = run.take_audit()

    def book_and_store() -> Message:
        # One trip to the database thread and one transaction: the stored answer with the
        # call's audit events and the decision taken on it, then the booking. The booking goes
        # last so that the day's spend row, which every answer's reservation updates too, is
        # locked only until the commit; an answer that cannot be stored is booked all the same.
        refused: Exception | None = None
        with transaction.atomic():
            record_health(run, call)
            try:
                stored = actions.do_finish_assistant_message(
                    message.pk,
                    text=outcome.text + (INTERRUPTED_NOTICE if interrupted else ""),
                    interrupted=interrupted,
                    audit_kind="model.call",
                    audit_data={
                        "seq": run.customer_seq,
                        "answer_seq": message.seq,
                        **audit.as_audit(),
                    },
                    usage=_stored_usage(call, outcome, audit),
                    audit_before=audit_before,
                    audit_after=[*run.take_circuit_note(), decision_entry],
                )
            except Exception as error:  # rolled back to its savepoint; raised once booked
                refused = error
            book_spend(run, call)
        if refused is not None:
            raise refused
        return stored

    stored = await after_stream(book_and_store)()
    # The interruption notice is stored but never streamed.
    tail = INTERRUPTED_NOTICE if interrupted else ""
    await end_stream(run.layer, run.group, run.conversation_id, stored.as_frame(), tail)


def _stored_usage(
    call: ModelCallResult, outcome: TierOutcome, audit: ModelCallAudit
) -> dict[str, Any]:
    """What the stored answer keeps of its call."""
    return {
        **call.usage.as_dict(),
        "cost_usd": call.cost_usd,
        "model": call.billed_model,
        "tier": call.tier,
        "time_to_first_token_ms": outcome.first_frame_ms,
        "provider_first_token_ms": call.provider_first_token_ms,
        "total_ms": call.total_ms,
        "confidence": audit.confidence,
    }

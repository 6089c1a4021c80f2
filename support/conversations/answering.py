"""Answering a customer message: rules, retrieval, the model tiers, handoff; streams live.

An answer belongs to the conversation, not to the socket: it runs as its own task, streams
coalesced deltas to the conversation's channel group and stores the final message, so a
widget that drops mid-answer loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from routing import reasons
from routing.cache_key import AnswerSetup, answer_cache_key
from routing.circuit import Breaker, breaker_for
from routing.classifier import IntentReading, read_intent
from routing.control import ControlLine
from routing.language import detect_language
from routing.model_call import ModelCallResult, Usage, call_model
from routing.policy import Decision, Signals, Thresholds, decide
from routing.prices import worst_case_cost_usd
from routing.prompts import STRONG_SYSTEM_PROMPT, SYSTEM_PROMPT, build_messages
from routing.providers import Passage, ProviderError, ProviderRequest, get_provider
from routing.signals import negative_sentiment, repeat_count, said_not_helpful
from support.knowledge.help_centre import SystemPrompts, system_prompts
from support.knowledge.search import search_passages

from . import actions
from .dbthreads import in_conversation
from .i18n import speaking, stored_language
from .ledger import (
    CALLS_IN_FLIGHT,
    Budget,
    Reservation,
    add_spend,
    address_budget,
    cached_answer,
    conversation_budget,
    mirror_circuit,
    release_spend,
    reserve_spend,
    settle_spend,
    spent_today_usd,
    store_answer,
    tier_budget,
)
from .models import Conversation, Message, MessageState, Role, Status
from .rows import add_to_columns, select_instance, select_values
from .streaming import StreamEmitter, end_live_stream

logger = logging.getLogger("ladder.answering")

INTERRUPTED_NOTICE = "\n\n(The answer was interrupted.)"
# How many earlier messages of the conversation go into the prompt.
CONTEXT_MESSAGES = 20


_tasks: set[asyncio.Task[None]] = set()
_locks: dict[int, asyncio.Lock] = {}


# An answer's writes once its text is out (the stored answer, the spend, its audit events) run
# on a database thread of their own: on the shared one they queued in front of other
# customers' acks and preparations, which are what a customer waits for. Both threads take
# the conversation's row lock to write, so the chain keeps one writer at a time.
_AFTER_STREAM_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="after-stream")


def after_stream[T](func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """`func` as a coroutine run on the after-stream database thread."""
    return database_sync_to_async(func, thread_sensitive=False, executor=_AFTER_STREAM_EXECUTOR)


def thresholds_from_settings() -> Thresholds:
    return Thresholds(
        confidence=settings.LADDER_CONFIDENCE_THRESHOLD,
        local_confidence=settings.LADDER_LOCAL_CONFIDENCE_THRESHOLD,
        retrieval_floor=settings.LADDER_RETRIEVAL_FLOOR,
    )


def schedule_answer(
    conversation_id: int, customer_seq: int, acked_at: float, client_address: str = ""
) -> asyncio.Task[None]:
    """Start answering in a task of its own; answers in one conversation run one at a time.
    `client_address` (as limits count it) is whose spend budget the answer's calls use."""
    task = asyncio.create_task(
        answer_customer_message(conversation_id, customer_seq, acked_at, client_address)
    )
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return task


async def wait_for_answers() -> None:
    """Wait until every answer task of this process has finished (tests, shutdown)."""
    loop = asyncio.get_running_loop()
    while True:
        # A task whose loop has closed never runs its done callback (nor, if unfinished, on):
        # forget it here, or this would spin on it for ever.
        _tasks.difference_update([t for t in _tasks if t.done() or t.get_loop() is not loop])
        if not _tasks:
            return
        await asyncio.gather(*list(_tasks), return_exceptions=True)


def is_answering(conversation_id: int) -> bool:
    lock = _locks.get(conversation_id)
    return lock is not None and lock.locked()


async def answer_customer_message(
    conversation_id: int, customer_seq: int, acked_at: float, client_address: str = ""
) -> None:
    lock = _locks.setdefault(conversation_id, asyncio.Lock())
    async with lock:
        answer = Answer(conversation_id, customer_seq, acked_at, client_address)
        try:
            await answer.run()
            await answer.flush_audit()
        except TakenOver:
            await answer.flush_audit()
        except Exception:
            # Whatever broke, the customer keeps a way to a person.
            logger.exception(
                "answering conversation %s failed; handing it to people", conversation_id
            )
            await _handoff(
                conversation_id,
                reasons.PROVIDER_ERROR,
                {"error": "internal"},
                None,
                answer.take_audit(),
            )
        finally:
            await answer.release_spend()
            end_live_stream(conversation_id)
            if not lock.locked() and not lock._waiters:
                _locks.pop(conversation_id, None)


class TakenOver(Exception):
    """People took the conversation while the AI was preparing an answer: the AI stops."""


@dataclass
class Context:
    conversation: Conversation
    question: str
    history: list[tuple[str, str]]
    earlier_questions: list[str]
    customer_turns: int
    language: str = ""


def _load_context(conversation_id: int, customer_seq: int) -> Context | None:
    # Plain statements, not ORM queries: this runs for every answer, and compiling the
    # queries cost more than running them.
    conversation = select_instance(Conversation, "id = %s", [conversation_id])
    if conversation is None or conversation.status != Status.AI:
        return None
    # The question, and whether a finished reply already follows it (a resume raced the
    # original task), in one statement.
    later = select_values(
        Message,
        ("seq", "role", "text"),
        "conversation_id = %s AND (seq = %s OR (seq > %s AND state = %s AND role <> %s))",
        [conversation_id, customer_seq, customer_seq, MessageState.COMPLETE, Role.CUSTOMER],
        suffix=" ORDER BY seq LIMIT 2",
    )
    if not later or later[0][0] != customer_seq or later[0][1] != Role.CUSTOMER:
        return None
    if len(later) > 1:
        return None
    question = later[0][2]
    earlier = select_values(
        Message,
        ("role", "text", "author"),
        "conversation_id = %s AND seq < %s AND internal = %s AND role <> %s AND state <> %s",
        [conversation_id, customer_seq, False, Role.SYSTEM, MessageState.STREAMING],
        suffix=f" ORDER BY seq DESC LIMIT {CONTEXT_MESSAGES}",
    )
    earlier.reverse()
    history: list[tuple[str, str]] = []
    for role, text, author in earlier:
        if role == Role.CUSTOMER:
            history.append(("user", text))
        elif role == Role.AGENT:
            history.append(("assistant", f"(Our colleague {author} wrote:) {text}"))
        else:
            history.append(("assistant", text))
    earlier_questions = [text for role, text, _ in earlier if role == Role.CUSTOMER]
    return Context(
        conversation=conversation,
        question=question,
        history=history,
        earlier_questions=earlier_questions,
        customer_turns=len(earlier_questions) + 1,
    )


def _queue_length(conversation_id: int) -> int:
    return Conversation.objects.filter(status=Status.WAITING).exclude(pk=conversation_id).count()


async def _handoff(
    conversation_id: int,
    reason: str,
    details: dict[str, Any],
    reserved: Message | None,
    audit_before: list[actions.AuditEntry] | None = None,
) -> None:
    def run() -> None:
        with speaking(stored_language(conversation_id)):
            notice = reasons.handoff_notice(reason, _queue_length(conversation_id))
        actions.do_request_handoff(
            conversation_id,
            reason=reason,
            actor="router",
            notice=notice,
            details=details,
            reserved_message_id=reserved.pk if reserved else None,
            audit_before=audit_before or (),
        )

    await in_conversation(conversation_id, run)()


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


class Answer:
    """One answer to one customer message, from the rules to the stored reply."""

    def __init__(
        self, conversation_id: int, customer_seq: int, acked_at: float, client_address: str = ""
    ) -> None:
        self.conversation_id = conversation_id
        self.client_address = client_address
        # The worst-case cost reserved for the call under way, until it is settled.
        self.spend: Reservation | None = None
        self.customer_seq = customer_seq
        self.acked_at = acked_at
        self.thresholds = thresholds_from_settings()
        self.layer = get_channel_layer()
        self.reserved: Message | None = None
        self.pending_audit: list[actions.AuditEntry] = []
        self.blocked_tiers: dict[str, str | None] = {}
        self.circuit_opened: dict[str, Any] | None = None
        self.group = ""
        # The system prompts with the help centre, read in `prepare` when a model may be called.
        self.prompts: SystemPrompts | None = None

    def note(self, kind: str, actor: str, data: dict[str, Any]) -> None:
        """Queue an audit event; it is written with the answer's next write (one transaction),
        or by `flush_audit` when the answer ends."""
        self.pending_audit.append(self.entry(kind, actor, data))

    def entry(self, kind: str, actor: str, data: dict[str, Any]) -> actions.AuditEntry:
        return (kind, actor, {"seq": self.customer_seq, **data})

    def take_audit(self) -> list[actions.AuditEntry]:
        entries, self.pending_audit = self.pending_audit, []
        return entries

    async def flush_audit(self) -> None:
        entries = self.take_audit()
        if entries:
            await after_stream(actions.do_record_audits)(self.conversation_id, entries)

    async def run(self) -> None:
        provider = get_provider()
        prepared = await in_conversation(self.conversation_id, self.prepare)(provider)
        if prepared is None:
            return
        context, passages, signals, decision = prepared
        cache_key: str | None = None
        setup = self.answer_setup(provider)
        if decision.action in ("call_model", "escalate") and self.cacheable(context, passages):
            # The same words may be answered in another language for another customer.
            cache_key = answer_cache_key(
                f"[{context.language}] {context.question}", passages, setup
            )
            if cache_key and await self.serve_cached(cache_key, provider.name):
                return
        # The knowledge base stands in for failing models, but not for a spent token budget.
        fallback_tried = provider.name == "local" or "limit" in decision.inputs
        while True:
            if decision.action == "handoff":
                if decision.reason == reasons.PROVIDER_ERROR and not fallback_tried and passages:
                    # The models are failing: the knowledge base may still answer.
                    fallback_tried = True
                    local = get_provider("local")
                    signals = replace(signals, single_tier=True, provider_error=None)
                    outcome = await self.call_model(local, signals, context, passages)
                    self.release_if_streamed(outcome)
                    if outcome.decided.action == "answer":
                        return
                await _handoff(
                    self.conversation_id,
                    decision.reason,
                    {"tier": signals.tier},
                    self.reserved,
                    self.take_audit(),
                )
                return
            if decision.action == "escalate":
                signals = replace(
                    signals, tier="strong", control=None, stop_reason=None, provider_error=None
                )
                await in_conversation(
                    self.conversation_id,
                    Conversation.objects.filter(pk=self.conversation_id).update,
                )(tier="strong")
            blocked = (
                self.blocked_tiers.pop(signals.tier)
                if signals.tier in self.blocked_tiers
                else await in_conversation(self.conversation_id, self.tier_blocked)(
                    signals.tier, provider
                )
            )
            if blocked:
                self.note(f"limit.{blocked}", "system", {"tier": signals.tier})
                signals = replace(signals, provider_error=blocked)
                decision = decide(signals, self.thresholds)
                self.note("routing.decision", "router", decision.as_audit())
                continue
            outcome = await self.call_model(provider, signals, context, passages)
            decision = outcome.decided
            self.release_if_streamed(outcome)
            if decision.action == "answer":
                if cache_key and outcome.call is not None and outcome.call.control.raw:
                    await after_stream(store_answer)(
                        cache_key,
                        context.question,
                        outcome.text,
                        provider=provider.name,
                        tier=signals.tier,
                        model=outcome.model,
                        prompt_version=setup.prompt_version,
                        confidence=outcome.signals.control.confidence
                        if outcome.signals.control
                        else None,
                        passages=passages,
                        conversation=context.conversation.public_id.hex,
                    )
                return
            signals = outcome.signals

    def prepare(self, provider: Any) -> tuple[Context, list[Passage], Signals, Decision] | None:
        """Everything before the first decision in one trip to the database thread: the
        conversation, the rules, the passages, the decision and whether its tier may be called.

        The answer's seq is not reserved here but in a trip of its own right before the model
        call: a handoff that lands while the answer is prepared must still stop the model."""
        context = _load_context(self.conversation_id, self.customer_seq)
        if context is None:
            return None
        self.group = context.conversation.group_name
        context.language = self.customer_language(context)
        reading = read_intent(context.question)
        intent = reading.match
        passages = (
            search_passages(context.question, language=context.language) if intent is None else []
        )
        if provider.name != "local":
            self.prompts = system_prompts()
        signals, decision = self.first_decision(provider, context, reading, passages)
        first_tier = signals.tier
        self.blocked_tiers[first_tier] = self.tier_blocked(first_tier, provider)
        return context, passages, signals, decision

    def customer_language(self, context: Context) -> str:
        """The language of this message, stored on the conversation when it changed: the
        text decides, and the conversation's language so far (at first the browser's) breaks
        the tie for short or ambiguous text."""
        conversation = context.conversation
        language = detect_language(
            context.question, hint=conversation.language or conversation.browser_language
        )
        if language != conversation.language:
            Conversation.objects.filter(pk=conversation.pk).update(language=language)
            conversation.language = language
        return language

    def first_decision(
        self, provider: Any, context: Context, reading: IntentReading, passages: list[Passage]
    ) -> tuple[Signals, Decision]:
        intent = reading.match
        self.note(
            "routing.rules",
            "router",
            {
                "matched": intent is not None,
                "rule": intent.rule if intent else None,
                "reason": intent.reason if intent else None,
                "words": list(intent.words) if intent else [],
                "source": reading.source,
                "classifier_probability": reading.human_probability,
                "kept_by_rule": reading.kept_by_rule,
            },
        )
        if intent is None:
            self.note(
                "routing.retrieval",
                "router",
                {
                    "articles": [
                        {"id": p.article_id, "score": round(p.score, 4)} for p in passages
                    ],
                    "top_score": round(passages[0].score, 4) if passages else 0.0,
                    "language": context.language,
                },
            )
        signals = Signals(
            tier="strong" if context.conversation.tier == "strong" else "fast",
            single_tier=provider.name == "local",
            rule_intent=intent.reason if intent else None,
            top_retrieval_score=passages[0].score if passages else 0.0,
            repeated_question_count=repeat_count(context.question, context.earlier_questions),
            said_not_helpful=said_not_helpful(context.question),
            negative_sentiment=negative_sentiment(context.question),
            customer_turns=context.customer_turns,
        )
        decision = decide(signals, self.thresholds)
        budget = settings.LADDER_CONVERSATION_TOKEN_BUDGET
        if decision.action != "handoff" and context.conversation.model_tokens >= budget:
            self.note(
                "limit.token_budget",
                "system",
                {"model_tokens": context.conversation.model_tokens, "budget": budget},
            )
            decision = Decision(
                "handoff", "human", reasons.PROVIDER_ERROR, {"limit": "token_budget"}
            )
        self.note("routing.decision", "router", decision.as_audit())
        return signals, decision

    def release_if_streamed(self, outcome: TierOutcome) -> None:
        if outcome.streamed:
            # That reserved seq now holds a stored answer (whole or interrupted); whatever
            # comes next takes a new one.
            self.reserved = None

    @staticmethod
    def cacheable(context: Context, passages: list[Passage]) -> bool:
        # Only first questions: later answers lean on the conversation so far.
        return bool(settings.LADDER_ANSWER_CACHE and passages and context.customer_turns == 1)

    def answer_setup(self, provider: Any) -> AnswerSetup:
        return AnswerSetup(
            provider=provider.name,
            models=(self.model_for("fast", provider), self.model_for("strong", provider)),
        )

    async def serve_cached(self, key: str, provider: str) -> bool:
        entry = await in_conversation(self.conversation_id, cached_answer)(
            key, provider=provider, max_age_s=settings.LADDER_ANSWER_CACHE_TTL_S
        )
        if entry is None:
            return False
        message = await self.reserve(entry.tier, entry.model)
        emitter = StreamEmitter(self.layer, self.group, self.conversation_id, message.seq)
        await emitter.start()
        await emitter.push(entry.text)
        await emitter.flush()
        first_frame_ms = int((time.perf_counter() - self.acked_at) * 1000)
        data = {
            "answer_seq": message.seq,
            "cached_answer": entry.pk,
            # Who wrote the answer, and when: the cache only repeats it.
            "provider": entry.provider,
            "tier": entry.tier,
            "model": entry.model,
            "prompt_version": entry.prompt_version,
            "written_at": entry.created_at.isoformat(),
            "confidence": entry.confidence,
            "time_to_first_token_ms": first_frame_ms,
        }
        stored = await after_stream(actions.do_finish_assistant_message)(
            message.pk,
            text=entry.text,
            interrupted=False,
            audit_kind="answer.cache_hit",
            audit_data={"seq": self.customer_seq, **data},
            usage={
                "time_to_first_token_ms": first_frame_ms,
                "confidence": entry.confidence,
                "total_ms": first_frame_ms,
            },
            audit_before=self.take_audit(),
        )
        await self.layer.group_send(
            self.group,
            {"type": "chat.stream_end", "seq": message.seq, "frame": stored.as_frame(), "tail": ""},
        )
        end_live_stream(self.conversation_id)
        return True

    def tier_blocked(self, tier: str, provider: Any) -> str | None:
        """Why this tier may not be called now (spend cap reached, circuit open), or None."""
        if provider.name == "local":
            return None
        cap = (
            settings.LADDER_DAILY_SPEND_CAP_STRONG_USD
            if tier == "strong"
            else settings.LADDER_DAILY_SPEND_CAP_FAST_USD
        )
        if spent_today_usd(tier) >= Decimal(str(cap)):
            return "spend_cap"
        if not self.breaker(self.model_for(tier, provider)).allows_call():
            return "circuit_open"
        return None

    @staticmethod
    def breaker(model: str) -> Breaker:
        return breaker_for(
            model, settings.LADDER_CIRCUIT_FAILURES, settings.LADDER_CIRCUIT_COOLDOWN_S
        )

    @staticmethod
    def model_for(tier: str, provider: Any) -> str:
        if provider.name == "local":
            return "local"
        return settings.LADDER_STRONG_MODEL if tier == "strong" else settings.LADDER_FAST_MODEL

    async def reserve(self, tier: str, model: str) -> Message:
        """The seq this answer will take; refused (TakenOver) once people have the conversation,
        checked under the row lock right before any model is called."""
        if self.reserved is None:
            await in_conversation(self.conversation_id, self.reserve_now)(tier, model)
        assert self.reserved is not None
        return self.reserved

    def reserve_now(self, tier: str, model: str) -> None:
        """`reserve`, on the database thread."""
        entries = self.take_audit()
        try:
            self.reserved = actions.do_begin_assistant_message(
                self.conversation_id, tier=tier, model=model, audit_before=entries
            )
        except actions.ActionRefused as refused:
            # Rolled back with the refusal: the router's events are written when it stops.
            self.pending_audit[:0] = entries
            raise TakenOver from refused

    async def call_model(
        self,
        provider: Any,
        signals: Signals,
        context: Context,
        passages: list[Passage],
    ) -> TierOutcome:
        tier = signals.tier
        model = self.model_for(tier, provider)
        request = ProviderRequest(
            tier=tier,
            model=model,
            system=(
                self.prompts.for_tier(tier)
                if self.prompts is not None
                else STRONG_SYSTEM_PROMPT
                if tier == "strong"
                else SYSTEM_PROMPT
            ),
            messages=build_messages(context.history, context.question, passages),
            passages=passages,
            max_output_tokens=settings.LADDER_MAX_OUTPUT_TOKENS,
        )
        refused = await self.reserve_spend(provider, request)
        if refused is not None:
            return self.refused_by_limit(refused, signals, model)
        await self.reserve(tier, model)
        outcome = TierOutcome(model=model, signals=signals)
        emitter: StreamEmitter | None = None

        async def control_seen(control: ControlLine) -> bool:
            nonlocal emitter
            outcome.decision = decide(replace(signals, control=control), self.thresholds)
            if outcome.decision.action != "answer":
                return False  # stop paying for an answer nobody will see
            message = await self.reserve(tier, model)
            emitter = StreamEmitter(self.layer, self.group, self.conversation_id, message.seq)
            await emitter.start()
            return True

        async def text_seen(visible: str) -> None:
            if emitter is None:
                return
            await emitter.push(visible)
            if outcome.first_frame_ms is None:
                outcome.first_frame_ms = int((time.perf_counter() - self.acked_at) * 1000)

        call = await call_model(provider, request, on_control=control_seen, on_text=text_seen)
        outcome.call = call
        if emitter is not None:
            await emitter.flush()
            outcome.text = emitter.text
            outcome.streamed = True
        outcome.signals = replace(
            signals,
            control=call.control,
            stop_reason=call.stop_reason,
            provider_error=call.error_kind,
        )
        if outcome.decision is None or call.error is not None or call.stop_reason == "refusal":
            outcome.decision = decide(outcome.signals, self.thresholds)
        if outcome.decision.action == "answer" and not outcome.streamed:
            # A confident line followed by nothing is no answer at all.
            outcome.signals = replace(
                outcome.signals, control=replace(call.control, confidence=0.0, answered=False)
            )
            outcome.decision = decide(outcome.signals, self.thresholds)
        await self.record_call(outcome, call)
        return outcome

    async def reserve_spend(self, provider: Any, request: ProviderRequest) -> str | None:
        """A place among the calls in flight, and the call's worst-case cost reserved against
        the tier's daily cap, the client address's and the conversation's budgets; or the name
        of the limit that refused."""
        if provider.name == "local":
            return None
        if not CALLS_IN_FLIGHT.try_acquire(settings.LADDER_MAX_MODEL_CALLS_IN_FLIGHT):
            return "calls_in_flight"
        prompt = request.system + "".join(str(m.get("content", "")) for m in request.messages)
        worst = worst_case_cost_usd(
            request.model,
            prompt_bytes=len(prompt.encode("utf-8", "surrogatepass")),
            max_output_tokens=request.max_output_tokens,
        )
        reserved = await in_conversation(self.conversation_id, reserve_spend)(
            worst, spend_budgets(request.tier, self.conversation_id, self.client_address)
        )
        if isinstance(reserved, Budget):
            CALLS_IN_FLIGHT.release()
            return reserved.name
        self.spend = reserved
        return None

    def refused_by_limit(self, limit: str, signals: Signals, model: str) -> TierOutcome:
        """No call: the tier's daily cap moves the answer on as a skipped tier does; the other
        limits hand the conversation to people."""
        self.note(f"limit.{limit}", "system", {"tier": signals.tier})
        if limit == "spend_cap":
            signals = replace(signals, provider_error=limit)
            decision = decide(signals, self.thresholds)
        else:
            decision = Decision("handoff", "human", reasons.SPEND_LIMIT, {"limit": limit})
        self.note("routing.decision", "router", decision.as_audit())
        return TierOutcome(decision=decision, signals=signals, model=model)

    async def release_spend(self) -> None:
        """Give back a reservation no booking settled (the answer stopped before it)."""
        spend, self.spend = self.spend, None
        if spend is not None:
            CALLS_IN_FLIGHT.release()
            await after_stream(release_spend)(spend)

    async def record_call(self, outcome: TierOutcome, call: ModelCallResult) -> None:
        assert outcome.decision is not None
        decision_entry = self.entry("routing.decision", "router", outcome.decision.as_audit())
        audit = call.audit(shown=outcome.streamed, time_to_first_token_ms=outcome.first_frame_ms)
        if outcome.signals.control is not None:
            audit = replace(audit, confidence=outcome.signals.control.confidence)
        booking = (call.tier, call.model, call.provider, call.cost_usd, call.usage, call.error)
        if not outcome.streamed:
            await after_stream(self.book_call)(*booking)
            self.note("model.call", f"model:{call.billed_model}", audit.as_audit())
            self.pending_audit += [*self.take_circuit_note(), decision_entry]
            return
        message = self.reserved
        assert message is not None
        interrupted = call.error is not None or call.stop_reason == "refusal"
        text = outcome.text + (INTERRUPTED_NOTICE if interrupted else "")
        fields = {
            **call.usage.as_dict(),
            "cost_usd": call.cost_usd,
            "model": call.billed_model,
            "tier": call.tier,
            "time_to_first_token_ms": outcome.first_frame_ms,
            "provider_first_token_ms": call.provider_first_token_ms,
            "total_ms": call.total_ms,
            "confidence": audit.confidence,
        }
        audit_before = self.take_audit()

        def book_and_store() -> Message:
            # One trip to the database thread: the booking, then the stored answer with the
            # call's audit events and the decision taken on it (no trip of their own).
            self.book_call(*booking)
            audit_after = [*self.take_circuit_note(), decision_entry]
            return actions.do_finish_assistant_message(
                message.pk,
                text=text,
                interrupted=interrupted,
                audit_kind="model.call",
                audit_data={
                    "seq": self.customer_seq,
                    "answer_seq": message.seq,
                    **audit.as_audit(),
                },
                usage=fields,
                audit_before=audit_before,
                audit_after=audit_after,
            )

        stored = await after_stream(book_and_store)()
        await self.layer.group_send(
            self.group,
            {
                "type": "chat.stream_end",
                "seq": message.seq,
                "frame": stored.as_frame(),
                # Text stored but never streamed (the interruption notice).
                "tail": INTERRUPTED_NOTICE if interrupted else "",
            },
        )
        end_live_stream(self.conversation_id)

    def take_circuit_note(self) -> list[actions.AuditEntry]:
        """The `circuit.opened` event this call's booking caused, if it did."""
        opened, self.circuit_opened = self.circuit_opened, None
        return [] if opened is None else [self.entry("circuit.opened", "system", opened)]

    def book_call(
        self,
        tier: str,
        model: str,
        provider_name: str,
        cost: Decimal,
        usage: Usage,
        error: ProviderError | None,
    ) -> None:
        """Spend, the conversation's token budget, and the model's circuit breaker."""
        if provider_name == "local":
            return
        spend, self.spend = self.spend, None
        if spend is None:
            add_spend(tier, cost)
        else:
            settle_spend(spend, cost)
            CALLS_IN_FLIGHT.release()
        add_to_columns(
            Conversation, "id = %s", [self.conversation_id], model_tokens=usage.total_tokens
        )
        breaker = self.breaker(model)
        if error is None:
            if breaker.record_success():
                mirror_circuit(model, state="closed", failures=0, error="", open_for_s=0)
        elif breaker.record_failure():
            mirror_circuit(
                model,
                state="open",
                failures=breaker.consecutive_failures,
                error=f"{error.kind}: {error.detail}",
                open_for_s=breaker.cooldown_s,
            )
            self.circuit_opened = {
                "model": model,
                "failures": breaker.consecutive_failures,
                "error": error.kind,
            }


def spend_budgets(tier: str, conversation_id: int, client_address: str = "") -> list[Budget]:
    """What one call counts against: the tier's daily cap, and (when set) the client address's
    daily budget and the conversation's budget."""
    cap = (
        settings.LADDER_DAILY_SPEND_CAP_STRONG_USD
        if tier == "strong"
        else settings.LADDER_DAILY_SPEND_CAP_FAST_USD
    )
    budgets = [tier_budget(tier, Decimal(str(cap)))]
    per_address = settings.LADDER_DAILY_SPEND_PER_IP_USD
    if per_address and client_address:
        budgets.append(address_budget(client_address, Decimal(str(per_address))))
    per_conversation = settings.LADDER_CONVERSATION_SPEND_BUDGET_USD
    if per_conversation:
        budgets.append(conversation_budget(conversation_id, Decimal(str(per_conversation))))
    return budgets


async def request_person(conversation_id: int) -> None:
    """The customer pressed "talk to a person"."""

    def run() -> None:
        with speaking(stored_language(conversation_id)):
            notice = reasons.handoff_notice(
                reasons.CUSTOMER_REQUEST, _queue_length(conversation_id)
            )
        actions.do_request_handoff(
            conversation_id,
            reason=reasons.CUSTOMER_REQUEST,
            actor="customer",
            notice=notice,
            details={"via": "handoff_button"},
        )

    await in_conversation(conversation_id, run)()

"""Synthetic conversations written the way the answering pipeline writes them: the same actions,
the same audit events, the same routing policy, on a clock that can be set in the past.

Tests build small hand-made stories with `ask`, `claim_and_reply`, ...; generate_traffic plays
thousands of random ones (`play_random_conversation`).
"""

from __future__ import annotations

import contextlib
import functools
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from routing import configured, reasons
from routing.configured import model_for_tier
from routing.control import MISSING, ControlLine
from routing.model_call import ModelCallAudit, ModelCallResult, Usage, billed_cost_usd
from routing.policy import Signals, decide
from routing.providers import ProviderError
from routing.signals import negative_sentiment, repeat_count, said_not_helpful
from support.conversations import actions, agent_actions, closing, tier_loop
from support.conversations.models import Conversation, Role, Status, Tier

# -- the clock --------------------------------------------------------------------------------


class SyntheticClock:
    """Stands in for django.utils.timezone.now while active, so every created_at (audit events,
    messages, status times) is the story's time and the audit chain hashes that time."""

    def __init__(self, start: datetime) -> None:
        # UTC, as timezone.now() gives: the chain hashes created_at.isoformat() as stored.
        self.now = start.astimezone(UTC)

    def advance(self, *, seconds: float = 0.0, ms: float = 0.0) -> datetime:
        self.now += timedelta(seconds=seconds, milliseconds=ms)
        return self.now

    def set(self, when: datetime) -> None:
        self.now = max(self.now, when.astimezone(UTC))

    @contextlib.contextmanager
    def running(self) -> Iterator[SyntheticClock]:
        real_now = timezone.now
        timezone.now = lambda: self.now
        try:
            yield self
        finally:
            timezone.now = real_now


# -- one conversation, step by step ------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """What one model call returned: its control line, usage and timing."""

    confidence: float
    answered: bool = True
    intent: str | None = None
    input_tokens: int = 1200
    output_tokens: int = 150
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    time_to_first_token_ms: int = 450
    provider_first_token_ms: int = 400
    total_ms: int = 2500
    error: str | None = None
    text: str = "Here is what our help centre says about that."


@dataclass(frozen=True)
class Question:
    text: str
    top_score: float = 0.6
    fast: Reply | None = None
    strong: Reply | None = None
    # An intent rule that matched the words (a handoff reason), before any model.
    rule_reason: str | None = None


def start_conversation(origin: str = "https://shop.example", language: str = "en") -> Conversation:
    return actions.do_start_conversation(origin=origin, client_ip="203.0.113.7", language=language)


def ask(conversation: Conversation, question: Question, clock: SyntheticClock | None = None) -> str:
    """The customer asks; the router answers as conversations.answering does (rules, retrieval,
    policy, the tier loop, handoff), with the model replies given. Returns who answered:
    "fast", "strong", "human" or "people" (people had the conversation already)."""
    stored = actions.do_record_customer_message(
        conversation.pk, client_id=uuid.uuid4().hex, text=question.text
    )
    seq = stored.message.seq
    current = Conversation.objects.get(pk=conversation.pk)
    if current.status != Status.AI:
        return "people"
    pending: list[actions.AuditEntry] = []

    def audit(kind: str, actor: str, data: dict[str, Any]) -> None:
        pending.append((kind, actor, {"seq": seq, **data}))

    limits = configured.thresholds()
    signals = _first_signals(current, seq, question, audit)
    decision = decide(signals, limits)
    audit("routing.decision", "router", decision.as_audit())
    # No passage texts in a story: the knowledge base never stands in for a failing model.
    position = tier_loop.start(signals, decision, passages_found=False, provider="anthropic")
    while True:
        step, position = tier_loop.next_step(position, decision)
        if isinstance(step, tier_loop.HandOff):
            actions.do_request_handoff(
                conversation.pk,
                reason=step.reason,
                actor="router",
                notice=reasons.handoff_notice(step.reason, 0),
                details={"tier": step.tier},
                audit_before=pending,
            )
            return "human"
        assert isinstance(step, tier_loop.CallTier)
        if step.escalated:
            Conversation.objects.filter(pk=conversation.pk).update(tier=Tier.STRONG)
        tier = step.signals.tier
        reply = question.strong if tier == Tier.STRONG else question.fast
        if reply is None:
            raise ValueError(f"the story has no {tier} reply for {question.text!r}")
        if clock is not None:
            clock.advance(ms=reply.total_ms)
        call = _replayed_call(tier, reply)
        signals = replace(step.signals, control=call.control, provider_error=reply.error)
        decision = decide(signals, limits)
        position = tier_loop.after_call(position, signals)
        shown = decision.action == "answer"
        call_audit = call.audit(
            shown=shown, time_to_first_token_ms=reply.time_to_first_token_ms if shown else None
        )
        if not shown:
            audit("model.call", f"model:{call.model}", call_audit.as_audit())
            audit("routing.decision", "router", decision.as_audit())
            continue
        _store_answer(conversation, seq, call, call_audit, reply, pending)
        actions.do_record_audits(
            conversation.pk, [("routing.decision", "router", {"seq": seq, **decision.as_audit()})]
        )
        return tier


def _first_signals(
    current: Conversation, seq: int, question: Question, audit: Callable[..., None]
) -> Signals:
    """The rules' and retrieval's readings of the question (audited), as the first signals."""
    earlier = list(
        current.messages.filter(role=Role.CUSTOMER, seq__lt=seq)
        .order_by("seq")
        .values_list("text", flat=True)
    )
    rule = question.rule_reason
    audit(
        "routing.rules",
        "router",
        {"matched": rule is not None, "rule": rule, "reason": rule, "words": []},
    )
    if rule is None:
        articles = [{"id": 1, "score": question.top_score}] if question.top_score > 0 else []
        audit(
            "routing.retrieval", "router", {"articles": articles, "top_score": question.top_score}
        )
    return Signals(
        tier="strong" if current.tier == Tier.STRONG else "fast",
        rule_intent=rule,
        top_retrieval_score=question.top_score if rule is None else 0.0,
        repeated_question_count=repeat_count(question.text, earlier),
        said_not_helpful=said_not_helpful(question.text),
        negative_sentiment=negative_sentiment(question.text),
        customer_turns=len(earlier) + 1,
    )


def _replayed_call(tier: Literal["fast", "strong"], reply: Reply) -> ModelCallResult:
    """The story's reply as the model call that would have produced it."""
    model = model_for_tier(tier)
    usage = Usage(
        input_tokens=reply.input_tokens,
        output_tokens=reply.output_tokens,
        cache_read_tokens=reply.cache_read_tokens,
        cache_write_tokens=reply.cache_write_tokens,
    )
    control = (
        MISSING
        if reply.error
        else ControlLine(
            reply.confidence,
            reply.answered,
            reply.intent,
            f"[[ladder confidence={reply.confidence} answered="
            f"{'yes' if reply.answered else 'no'} intent={reply.intent or 'none'}]]",
            True,
        )
    )
    return ModelCallResult(
        tier=tier,
        provider="anthropic",
        model=model,
        billed_model=model,
        text=reply.text,
        control=control,
        usage=usage,
        cost_usd=billed_cost_usd(model, model, usage),
        provider_first_token_ms=None if reply.error else reply.provider_first_token_ms,
        total_ms=reply.total_ms,
        stop_reason=None if reply.error else "end_turn",
        error=ProviderError(reply.error, "") if reply.error else None,
    )


def _store_answer(
    conversation: Conversation,
    seq: int,
    call: ModelCallResult,
    call_audit: ModelCallAudit,
    reply: Reply,
    pending: list[actions.AuditEntry],
) -> None:
    message = actions.do_begin_assistant_message(
        conversation.pk, tier=call.tier, model=call.model, audit_before=pending
    )
    actions.do_finish_assistant_message(
        message.pk,
        text=reply.text,
        interrupted=False,
        audit_kind="model.call",
        audit_data={"seq": seq, "answer_seq": message.seq, **call_audit.as_audit()},
        usage={
            **call.usage.as_dict(),
            "cost_usd": call.cost_usd,
            "model": call.model,
            "tier": call.tier,
            "time_to_first_token_ms": reply.time_to_first_token_ms,
            "provider_first_token_ms": reply.provider_first_token_ms,
            "total_ms": reply.total_ms,
            "confidence": call.control.confidence,
        },
    )


def ask_for_person(conversation: Conversation) -> None:
    """The customer pressed "talk to a person" (as handoff.request_person does)."""
    actions.do_request_handoff(
        conversation.pk,
        reason=reasons.CUSTOMER_REQUEST,
        actor="customer",
        notice=reasons.handoff_notice(reasons.CUSTOMER_REQUEST, 0),
        details={"via": "handoff_button"},
    )


def claim_and_reply(
    conversation: Conversation, agent: Any, text: str = "Hello, I can help."
) -> None:
    agent_actions.do_claim_conversation(conversation.pk, agent)
    agent_actions.do_agent_reply(conversation.pk, agent, text)


def resolve_by_agent(conversation: Conversation, agent: Any) -> None:
    agent_actions.do_resolve_conversation(conversation.pk, agent)


def close_answered(conversation: Conversation) -> None:
    """An AI conversation the customer left satisfied is closed as resolved, written as the
    idle-close rule writes it (closing.do_close_idle_conversation) at the story's chosen time."""
    actions.do_change_status(
        conversation.pk, Status.RESOLVED, reason=closing.IDLE_CLOSE_REASON, actor="system"
    )


def rate(conversation: Conversation, score: int) -> None:
    closing.do_rate_conversation(conversation.pk, score=score, comment="")


def staff_member(username: str, *groups: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": username.split("-")[-1].title(), "is_staff": True},
    )
    if created:
        user.set_unusable_password()
        user.save()
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


# -- random traffic ---------------------------------------------------------------------------

ORIGINS = (
    ("https://shop.northwind.example", 0.6),
    ("https://help.northwind.example", 0.25),
    ("https://eu.northwind.example", 0.15),
)
SYNTHETIC_ORIGINS = tuple(origin for origin, _ in ORIGINS)
COVERED_QUESTIONS = (
    "How long does shipping take?",
    "How much is express shipping?",
    "Do you ship to Canada?",
    "Can I return my boots?",
    "How do I start a return?",
    "When will I get my refund?",
    "Can I change my order after I placed it?",
    "How do I track my order?",
    "Do you have a size guide for jackets?",
    "Is there a warranty on tents?",
    "Can I use two discount codes?",
    "How do I reset my password?",
)
UNCOVERED_QUESTIONS = (
    "Do you sell gift cards?",
    "Can I buy a gift card for my brother?",
    "Do you price match other stores?",
    "Will you price match Amazon?",
    "Can I pay with bitcoin?",
    "Do you rent kayaks for the weekend?",
    "Is there a store in Denver?",
    "Do you have a student discount?",
    "Are your jackets vegan?",
    "Do you offer gift wrapping?",
)
RULE_QUESTIONS = (
    ("I want to talk to a real person", reasons.CUSTOMER_REQUEST),
    ("This is the third time my order is late, I want to complain", reasons.COMPLAINT),
    ("Cancel my membership please", reasons.CANCELLATION),
    ("I will contact my lawyer about this charge", reasons.LEGAL),
    ("Someone logged into my account and changed my email", reasons.SECURITY),
    ("Please delete all my personal data", reasons.DATA_REQUEST),
)
NEGATIVE_PREFIX = "This is ridiculous. "
AGENT_NAMES = ("agent-alex", "agent-sam", "agent-noor", "agent-kim")


def _lognormal_ms(rng: random.Random, median_ms: float, spread: float = 0.5) -> int:
    return max(1, int(rng.lognormvariate(0, spread) * median_ms))


@functools.cache
def system_prompt_sizes() -> dict[str, tuple[int, bool]]:
    """Per tier: the size in tokens of the system prompt the product sends now, and whether
    the API caches it (it reaches the model's minimum cacheable prefix)."""
    from support.knowledge.help_centre import cache_outlook, system_prompts

    return {
        row["tier"]: (row["prefix_tokens"], row["cached"])
        for row in cache_outlook(system_prompts())
    }


def _reply(rng: random.Random, tier: str, confidence: float, **fields: Any) -> Reply:
    strong = tier == Tier.STRONG
    ttft = _lognormal_ms(rng, 1100 if strong else 450, 0.35)
    # The prompt's usage as the API would report it: the system prompt is cache tokens only
    # when it is long enough to be cached (then mostly read, written when the cache was cold).
    system_tokens, cacheable = system_prompt_sizes()[tier]
    cached = cacheable and rng.random() < 0.85
    written = cacheable and not cached
    turn_tokens = rng.randint(300, 900)
    return Reply(
        confidence=round(min(1.0, max(0.0, confidence)), 2),
        input_tokens=turn_tokens if cacheable else turn_tokens + system_tokens,
        output_tokens=rng.randint(150, 420) if strong else rng.randint(60, 260),
        cache_read_tokens=system_tokens if cached else 0,
        cache_write_tokens=system_tokens if written else 0,
        time_to_first_token_ms=ttft,
        provider_first_token_ms=max(1, ttft - rng.randint(20, 90)),
        total_ms=ttft + rng.randint(900, 4000),
        **fields,
    )


def _fast_confidence(rng: random.Random) -> float:
    roll = rng.random()
    if roll < 0.72:
        return rng.uniform(0.74, 0.98)
    if roll < 0.94:
        return rng.uniform(0.5, 0.74)
    return rng.uniform(0.1, 0.5)


def random_question(rng: random.Random, turn: int) -> Question:
    roll = rng.random()
    strong = _reply(
        rng, "strong", rng.uniform(0.72, 0.98) if rng.random() < 0.85 else rng.uniform(0.3, 0.7)
    )
    if roll < 0.07:
        text, reason = rng.choice(RULE_QUESTIONS)
        return Question(text, rule_reason=reason)
    if roll < 0.19:
        text = rng.choice(UNCOVERED_QUESTIONS)
        answered = rng.random() < 0.5
        return Question(
            text,
            top_score=round(rng.uniform(0.0, 0.19), 3),
            fast=_reply(rng, "fast", rng.uniform(0.1, 0.4), answered=False),
            strong=replace(strong, answered=answered, confidence=rng.uniform(0.3, 0.9)),
        )
    text = rng.choice(COVERED_QUESTIONS)
    if rng.random() < 0.06:
        text = NEGATIVE_PREFIX + text
    if turn > 1 and rng.random() < 0.15:
        text = "That didn't help. " + text
    fast_fields: dict[str, Any] = {}
    if rng.random() < 0.02:
        fast_fields["intent"] = reasons.COMPLAINT
    if rng.random() < 0.015:
        fast_fields["error"] = "overloaded"
    return Question(
        text,
        top_score=round(rng.uniform(0.2, 0.95), 3),
        fast=_reply(rng, "fast", _fast_confidence(rng), **fast_fields),
        strong=strong,
    )


@dataclass
class TrafficStats:
    conversations: int = 0
    handed_to_person: int = 0
    escalated: int = 0
    resolved_by_ai: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)


def play_random_conversation(
    rng: random.Random, started_at: datetime, now: datetime, agents: list[Any]
) -> str:
    """One realistic conversation started at `started_at` (never running past `now`): one to
    three questions, and what people did afterwards. Returns its last outcome."""
    clock = SyntheticClock(started_at)
    origin = rng.choices([o for o, _ in ORIGINS], weights=[w for _, w in ORIGINS])[0]
    with clock.running(), transaction.atomic():
        conversation = start_conversation(origin=origin)
        outcome = "fast"
        turns = rng.choices((1, 2, 3), weights=(55, 30, 15))[0]
        for turn in range(1, turns + 1):
            clock.advance(seconds=rng.uniform(5, 90))
            if turn > 1 and rng.random() < 0.04:
                ask_for_person(conversation)
                outcome = "human"
                break
            outcome = ask(conversation, random_question(rng, turn), clock)
            if outcome in ("human", "people"):
                break
        if outcome in ("human", "people"):
            _people_take_it(rng, conversation, clock, now, agents)
        else:
            _customer_leaves(rng, conversation, clock, now)
        return outcome


def _people_take_it(
    rng: random.Random,
    conversation: Conversation,
    clock: SyntheticClock,
    now: datetime,
    agents: list[Any],
) -> None:
    wait_s = rng.lognormvariate(0, 0.9) * 180
    if clock.now + timedelta(seconds=wait_s) > now or rng.random() < 0.03:
        return  # still waiting
    clock.advance(seconds=wait_s)
    agent = rng.choice(agents)
    if rng.random() < 0.05:
        agent_actions.do_hand_back_to_ai(conversation.pk, agent)
        return
    agent_actions.do_claim_conversation(conversation.pk, agent)
    clock.advance(seconds=rng.lognormvariate(0, 0.6) * 45)
    agent_actions.do_agent_reply(conversation.pk, agent, "Thanks for waiting, I'm on it.")
    clock.advance(seconds=rng.lognormvariate(0, 0.7) * 600)
    if clock.now > now:
        return
    agent_actions.do_resolve_conversation(conversation.pk, agent)
    if rng.random() < 0.4:
        clock.advance(seconds=rng.uniform(5, 60))
        rate(conversation, rng.choices((1, 2, 3, 4, 5), weights=(4, 4, 10, 32, 50))[0])


def _customer_leaves(
    rng: random.Random, conversation: Conversation, clock: SyntheticClock, now: datetime
) -> None:
    clock.advance(seconds=rng.uniform(120, 1800))
    if clock.now > now or rng.random() < 0.15:
        return  # still open
    close_answered(conversation)
    if rng.random() < 0.3:
        clock.advance(seconds=rng.uniform(5, 60))
        rate(conversation, rng.choices((1, 2, 3, 4, 5), weights=(6, 6, 12, 34, 42))[0])
    if rng.random() < 0.06:
        back_at = clock.now + timedelta(days=rng.uniform(0.2, 6.5))
        if back_at < now:
            clock.set(back_at)
            ask(conversation, random_question(rng, 2), clock)


def start_times(rng: random.Random, count: int, days: int, now: datetime) -> list[datetime]:
    """When conversations start: more on weekdays and in the afternoon, growing over time."""
    zone = timezone.get_default_timezone()
    first_day = (now - timedelta(days=days - 1)).astimezone(zone).date()
    weights = []
    for n in range(days):
        day = first_day + timedelta(days=n)
        weekday = 1.0 if day.weekday() < 5 else 0.6
        weights.append(weekday * (0.7 + 0.6 * n / max(1, days - 1)))
    chosen = rng.choices(range(days), weights=weights, k=count)
    times = []
    for n in chosen:
        day = first_day + timedelta(days=n)
        hour = min(23.99, max(0.0, rng.gauss(14, 4)))
        moment = datetime.combine(day, datetime.min.time(), tzinfo=zone) + timedelta(hours=hour)
        times.append(min(moment, now - timedelta(minutes=1)))
    return sorted(times)


# -- through the real answering pipeline ------------------------------------------------------


def fake_script_for(question: Question) -> list[dict[str, Any]]:
    """The fake Anthropic server's scripted replies for one question: the fast and the strong
    model's control line, answer, output tokens and first-token time. The prompt's tokens and
    cache use are the fake's own measure of the prompt the product sent."""
    specs = []
    for tier, reply in (("fast", question.fast), ("strong", question.strong)):
        if reply is None:
            continue
        control = (
            f"[[ladder confidence={reply.confidence} answered={'yes' if reply.answered else 'no'}"
            f" intent={reply.intent or 'none'}]]"
        )
        specs.append(
            {
                "model": model_for_tier(tier),
                "text": f"{control}\n{reply.text}",
                "output_tokens": reply.output_tokens,
                "first_token_ms": max(1, reply.provider_first_token_ms // 20),
                "repeat": 1,
            }
        )
    return specs


def play_routed_conversation(
    rng: random.Random, started_at: datetime, now: datetime, agents: list[Any], fake: Any = None
) -> str:
    """Like play_random_conversation, but every question goes through the product's own
    answering pipeline (support.conversations.answering) with the configured provider: the
    local one, or the fake Anthropic server scripted with the story's replies."""
    import time

    from asgiref.sync import async_to_sync

    from support.conversations import answer_tasks

    clock = SyntheticClock(started_at)
    origin = rng.choices([o for o, _ in ORIGINS], weights=[w for _, w in ORIGINS])[0]
    with clock.running():
        conversation = start_conversation(origin=origin)
        outcome = "fast"
        for turn in range(1, rng.choices((1, 2, 3), weights=(55, 30, 15))[0] + 1):
            clock.advance(seconds=rng.uniform(5, 90))
            question = random_question(rng, turn)
            if question.fast is not None and question.fast.error:
                question = replace(question, fast=replace(question.fast, error=None))
            if fake is not None:
                fake.reset()
                fake.script(*fake_script_for(question))
            stored = actions.do_record_customer_message(
                conversation.pk, client_id=uuid.uuid4().hex, text=question.text
            )
            if stored.conversation.status != Status.AI:
                outcome = "people"
                break
            async_to_sync(answer_tasks.answer_customer_message)(
                conversation.pk, stored.message.seq, time.perf_counter()
            )
            conversation = Conversation.objects.get(pk=conversation.pk)
            if conversation.status != Status.AI:
                outcome = "human"
                break
            outcome = conversation.tier
        if outcome in ("human", "people"):
            _people_take_it(rng, conversation, clock, now, agents)
        else:
            _customer_leaves_without_return(rng, conversation, clock, now)
        return outcome


def _customer_leaves_without_return(
    rng: random.Random, conversation: Conversation, clock: SyntheticClock, now: datetime
) -> None:
    clock.advance(seconds=rng.uniform(120, 1800))
    if clock.now > now or rng.random() < 0.15:
        return
    close_answered(conversation)
    if rng.random() < 0.3:
        rate(conversation, rng.choices((1, 2, 3, 4, 5), weights=(6, 6, 12, 34, 42))[0])


# -- copies, for tens of thousands ------------------------------------------------------------


MOVED_TIMES = ("created_at", "updated_at", "waiting_since", "resolved_at", "rated_at")


def replicate_conversations(
    template_ids: list[int], times: list[datetime], rng: random.Random, batch_size: int = 500
) -> int:
    """Copies of the template conversations (played through the actions) started at `times`:
    the same rows and audit events moved in time, each copy with its own public id and its
    audit chain re-hashed by the audit module's own functions, so verify_audit passes."""
    from support.conversations.audit import rechain, reserve_serials
    from support.conversations.models import AuditEvent, Message

    conversations = {c.pk: c for c in Conversation.objects.filter(pk__in=template_ids)}
    messages: dict[int, list[Message]] = {pk: [] for pk in conversations}
    for message in Message.objects.filter(conversation_id__in=conversations).order_by("seq"):
        messages[message.conversation_id].append(message)
    events: dict[int, list[AuditEvent]] = {pk: [] for pk in conversations}
    for event in AuditEvent.objects.filter(conversation_id__in=conversations).order_by("index"):
        events[event.conversation_id].append(event)
    templates = list(conversations.values())
    written = 0
    for start in range(0, len(times), batch_size):
        chunk = times[start : start + batch_size]
        with transaction.atomic():
            serials = iter(reserve_serials(len(chunk)))
            copies: list[tuple[Conversation, list[Message], list[AuditEvent]]] = []
            for when in chunk:
                template = rng.choice(templates)
                shift = when.astimezone(UTC) - template.created_at
                copy = Conversation(
                    **{
                        f.attname: getattr(template, f.attname)
                        for f in Conversation._meta.concrete_fields
                        if f.attname != "id"
                    }
                )
                copy.public_id = uuid.uuid4()
                copy.audit_serial = next(serials)
                for name in MOVED_TIMES:
                    value = getattr(template, name)
                    setattr(copy, name, value + shift if value else value)
                copy_messages = [
                    Message(
                        **{
                            f.attname: getattr(message, f.attname)
                            for f in Message._meta.concrete_fields
                            if f.attname not in ("id", "conversation_id")
                        }
                        | {
                            "created_at": message.created_at + shift,
                            "updated_at": message.updated_at + shift,
                        }
                    )
                    for message in messages[template.pk]
                ]
                copy_events = [
                    AuditEvent(
                        index=event.index,
                        kind=event.kind,
                        actor=event.actor,
                        data=event.data,
                        data_digest=event.data_digest,
                        created_at=event.created_at + shift,
                    )
                    for event in events[template.pk]
                ]
                # Hashed anew by the audit module's own functions, so verify_audit passes.
                rechain(copy, copy_events, copy_messages)
                copies.append((copy, copy_messages, copy_events))
            # auto_now(_add) would stamp the copies now: write the moved times as they are.
            created = _bulk_create_keeping_times(Conversation, [c for c, _, _ in copies])
            new_messages = []
            new_events = []
            for saved, (_copy, copy_messages, copy_events) in zip(created, copies, strict=True):
                for message in copy_messages:
                    message.conversation_id = saved.pk
                for event in copy_events:
                    event.conversation_id = saved.pk
                new_messages += copy_messages
                new_events += copy_events
            _bulk_create_keeping_times(Message, new_messages)
            AuditEvent.objects.bulk_create(new_events, batch_size=2000)
        written += len(copies)
    return written


def _bulk_create_keeping_times(model: Any, rows: list[Any]) -> list[Any]:
    fields = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    fields += [f for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    saved = {f: (f.auto_now, f.auto_now_add) for f in fields}
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        return model.objects.bulk_create(rows, batch_size=1000)
    finally:
        for f, (auto_now, auto_now_add) in saved.items():
            f.auto_now, f.auto_now_add = auto_now, auto_now_add

"""What each conversation amounts to, computed from its audit events and messages alone, and the
summary rows that keep those results until the conversation's audit chain grows again."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

from routing import reasons
from routing.configured import model_for_tier
from routing.language import fold
from routing.prices import cost_usd
from support.conversations.erasure import ERASED_TEXT
from support.conversations.models import AuditEvent, Conversation, Message, Role, Tier

from .models import AnswerTiming, ConversationFacts, KnowledgeGap, ReplayTurn

REOPEN_WINDOW = timedelta(days=7)
ZERO = Decimal(0)
PATHS = ("fast", "fast_strong", "fast_human", "fast_strong_human")
PATH_LABELS = {
    "fast": "Fast model only",
    "fast_strong": "Fast → strong",
    "fast_human": "Fast → person",
    "fast_strong_human": "Fast → strong → person",
}
# Words that say nothing about what a question is about.
STOPWORDS = frozenset(
    """a an and are as at be been but by can could do does did for from get got have has how
    i i'm if in into is it its it's me my of on or our please so that the their them there
    this to up us was we what when where which who why will with would you your hi hello
    thanks thank hey just want need know tell any some sell buy purchase get offer use
    make""".split()
)
WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class EventRow:
    """The parts of an AuditEvent a summary reads."""

    kind: str
    actor: str
    data: dict[str, Any]
    created_at: datetime


@dataclass
class Summary:
    facts: dict[str, Any]
    turns: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    timings: list[dict[str, Any]] = field(default_factory=list)


def money(value: Any) -> Decimal:
    try:
        return Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        return ZERO


def wording_key(question: str) -> str:
    """Similar questions share a key: folded, accents off, stopwords out, plurals trimmed,
    the rest sorted ("Where is my parcel?" and "my parcels, where are they" both -> "parcel")."""
    words = set()
    for word in WORD.findall(fold(question)):
        if word in STOPWORDS or len(word) < 3:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return " ".join(sorted(words)[:12])[:200]


def _call_tokens(data: dict[str, Any]) -> dict[str, int]:
    return {
        name: int(data.get(name) or 0)
        for name in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
    }


def _priced(model: str, tier: str, **tokens: int) -> Decimal:
    try:
        return cost_usd(model, **tokens)
    except KeyError:
        return cost_usd(model_for_tier(tier), **tokens)


def strong_price_of(tokens: dict[str, int]) -> Decimal:
    """These stored token counts at the strong model's price (the one price table)."""
    return cost_usd(model_for_tier(Tier.STRONG), **tokens)


def cache_saving_of(model: str, tier: str, tokens: dict[str, int]) -> Decimal:
    """What the call would have cost with every cached token billed as fresh input, less what
    it cost: negative when cache writes outweighed the reads."""
    uncached = _priced(
        model,
        tier,
        input_tokens=tokens["input_tokens"]
        + tokens["cache_read_tokens"]
        + tokens["cache_write_tokens"],
        output_tokens=tokens["output_tokens"],
    )
    return uncached - _priced(model, tier, **tokens)


@dataclass
class _Step:
    """A routing.decision taken after a model call, with what drove it."""

    tier: str
    confidence: float
    answered: bool
    decisive: bool
    margin: float


def _post_call_step(data: dict[str, Any]) -> _Step | None:
    inputs = data.get("inputs") or {}
    control = inputs.get("control")
    if not isinstance(control, dict):
        return None
    limits = data.get("thresholds") or {}
    decisive = not (
        inputs.get("single_tier")
        or inputs.get("rule_intent")
        or control.get("intent")
        or inputs.get("provider_error")
        or inputs.get("stop_reason") == "refusal"
        or int(inputs.get("repeated_question_count") or 1)
        >= int(limits.get("repeated_question_limit") or 3)
    )
    cautious = bool(inputs.get("negative_sentiment")) or int(
        inputs.get("customer_turns") or 1
    ) > int(limits.get("long_conversation_turns") or 8)
    return _Step(
        tier=str(inputs.get("tier") or "fast"),
        confidence=float(control.get("confidence") or 0.0),
        answered=bool(control.get("answered")),
        decisive=decisive,
        margin=float(limits.get("caution_margin") or 0.0) if cautious else 0.0,
    )


@dataclass
class _Turn:
    calls: list[tuple[str, str, dict[str, int], Decimal]] = field(default_factory=list)
    steps: list[_Step] = field(default_factory=list)
    handed_off: bool = False
    escalated: bool = False
    top_score: float | None = None
    retrieval_floor: float | None = None
    missing_knowledge: bool = False


def summarise(
    conversation: Any,
    events: Sequence[EventRow],
    customer_messages: dict[int, tuple[str, Any]],
    answer_timings: Sequence[tuple[str, int | None, int | None]] = (),
) -> Summary:
    """The facts of one conversation from its audit events (in chain order), its customer
    messages (seq -> (text, created_at)) and its shown answers' (tier, time to first token,
    provider's first token). Pure: no database, so tests feed it by hand."""
    turns: dict[int, _Turn] = defaultdict(_Turn)
    spend = {"fast": ZERO, "strong": ZERO, "draft": ZERO}
    tokens_total = dict.fromkeys(
        ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"), 0
    )
    cache_saving = ZERO
    model_calls = 0
    escalated = False
    strong_reason = ""
    fixed_strong = False
    handoff_at: datetime | None = None
    handoff_reason = ""
    fixed_person = False
    had_agent_message = False
    first_agent_at: datetime | None = None
    resolved_at: datetime | None = None
    reopened = False
    waiting_since: datetime | None = None
    queue_wait_ms: int | None = None
    rating: int | None = None
    last_decision: tuple[dict[str, Any], _Step | None] | None = None

    for event in events:
        data = event.data
        seq = data.get("seq")
        if event.kind == "model.call":
            tier = Tier.STRONG if data.get("tier") == Tier.STRONG else Tier.FAST
            tokens = _call_tokens(data)
            cost = money(data.get("cost_usd"))
            spend[tier] += cost
            model_calls += 1
            for name, count in tokens.items():
                tokens_total[name] += count
            model = str(data.get("model") or "")
            cache_saving += cache_saving_of(model, tier, tokens)
            if isinstance(seq, int):
                turns[seq].calls.append((tier, model, tokens, cost))
            if tier == Tier.STRONG:
                escalated = True
        elif event.kind == "routing.decision":
            step = _post_call_step(data)
            last_decision = (data, step)
            action = data.get("action")
            if isinstance(seq, int):
                turn = turns[seq]
                if step is not None:
                    turn.steps.append(step)
                if action == "handoff":
                    turn.handed_off = True
                if action == "escalate":
                    turn.escalated = True
                if data.get("reason") == reasons.MISSING_KNOWLEDGE:
                    turn.missing_knowledge = True
                floor = (data.get("thresholds") or {}).get("retrieval_floor")
                if floor is not None:
                    turn.retrieval_floor = float(floor)
            if action == "escalate":
                escalated = True
                strong_reason = strong_reason or str(data.get("reason") or "")
                if step is None or not step.decisive:
                    fixed_strong = True
        elif event.kind == "routing.retrieval":
            if isinstance(seq, int) and data.get("top_score") is not None:
                turns[seq].top_score = float(data["top_score"])
        elif event.kind == "handoff":
            if handoff_at is None:
                handoff_at = event.created_at
                handoff_reason = str(data.get("reason") or "")
            decided = last_decision is not None and last_decision[0].get("action") == "handoff"
            step = last_decision[1] if decided and last_decision else None
            if event.actor != "router" or step is None or not step.decisive:
                fixed_person = True
            last_decision = None
        elif event.kind == "message.agent":
            had_agent_message = True
            if first_agent_at is None and handoff_at is not None:
                first_agent_at = event.created_at
        elif event.kind == "status.changed":
            if data.get("to") == "waiting" and waiting_since is None and queue_wait_ms is None:
                waiting_since = event.created_at
            elif data.get("from") == "waiting" and waiting_since is not None:
                queue_wait_ms = _ms(event.created_at - waiting_since)
                waiting_since = None
            if data.get("to") == "resolved" and resolved_at is None:
                resolved_at = event.created_at
            elif (
                data.get("from") == "resolved"
                and resolved_at is not None
                and event.created_at - resolved_at <= REOPEN_WINDOW
            ):
                reopened = True
        elif event.kind == "rating":
            score = data.get("score")
            rating = int(score) if isinstance(score, int) else rating
        elif event.kind == "draft.created":
            spend["draft"] += money(data.get("cost_usd"))

    handed = handoff_at is not None
    created_at = conversation.created_at
    all_strong = sum((_all_strong_cost(turn) for turn in turns.values()), ZERO)
    facts = {
        "public_id": conversation.public_id,
        "source_hash": conversation.audit_head_hash,
        "created_at": created_at,
        "origin": conversation.origin or "",
        "path": "fast" + ("_strong" if escalated else "") + ("_human" if handed else ""),
        "top_tier": "human" if handed else "strong" if escalated else "fast",
        "escalated_to_strong": escalated,
        "strong_reason": strong_reason,
        "handed_to_person": handed,
        "handoff_reason": handoff_reason,
        "reason": handoff_reason or strong_reason,
        "had_agent_message": had_agent_message,
        "resolved_at": resolved_at,
        "reopened_within_7_days": reopened,
        "ai_resolved": resolved_at is not None
        and not handed
        and not had_agent_message
        and not reopened,
        "agent_resolved": resolved_at is not None and (handed or had_agent_message),
        "rating_score": rating,
        "fast_cost_usd": spend["fast"],
        "strong_cost_usd": spend["strong"],
        "draft_cost_usd": spend["draft"],
        "all_strong_cost_usd": all_strong,
        "cache_saving_usd": cache_saving,
        **tokens_total,
        "model_calls": model_calls,
        "customer_messages": len(customer_messages),
        "first_agent_response_ms": _ms(first_agent_at - handoff_at)
        if first_agent_at and handoff_at
        else None,
        "resolution_ms": _ms(resolved_at - created_at) if resolved_at else None,
        "queue_wait_ms": queue_wait_ms,
        "fixed_strong": fixed_strong,
        "fixed_person": fixed_person,
    }
    summary = Summary(facts)
    summary.timings = [
        {
            "created_at": created_at,
            "tier": tier,
            "time_to_first_token_ms": ttft_ms,
            "provider_first_token_ms": provider_ms,
        }
        for tier, ttft_ms, provider_ms in answer_timings
    ]
    for seq, turn in sorted(turns.items()):
        replay = _replay_turn(seq, turn)
        if replay is not None:
            replay |= {
                "created_at": created_at,
                "fixed_strong": fixed_strong,
                "fixed_person": fixed_person,
            }
            summary.turns.append(replay)
        gap = _gap(seq, turn, customer_messages.get(seq))
        if gap is not None:
            summary.gaps.append(gap)
    return summary


def _ms(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() * 1000))


def _all_strong_cost(turn: _Turn) -> Decimal:
    """A turn answered by the strong model alone: its strong calls if it had any, else the
    fast calls' tokens at the strong price."""
    strong_calls = [call for call in turn.calls if call[0] == Tier.STRONG]
    calls = strong_calls or turn.calls
    return sum((strong_price_of(tokens) for _, _, tokens, _ in calls), ZERO)


def _replay_turn(seq: int, turn: _Turn) -> dict[str, Any] | None:
    fast = next((s for s in turn.steps if s.tier == Tier.FAST), None)
    strong = next((s for s in turn.steps if s.tier == Tier.STRONG), None)
    if fast is not None and not fast.decisive and strong is not None and strong.decisive:
        # Something besides the threshold sent the turn up (a provider error): the escalation
        # is fixed, and only the strong step's handoff is the threshold's to replay.
        fast = None
    if not ((fast is not None and fast.decisive) or (fast is None and strong and strong.decisive)):
        return None
    fast_calls = [call for call in turn.calls if call[0] == Tier.FAST]
    strong_calls = [call for call in turn.calls if call[0] == Tier.STRONG]
    outcome = (
        "human"
        if turn.handed_off
        else "strong"
        if (turn.escalated or strong_calls or fast is None)
        else "fast"
    )
    first = fast or strong
    assert first is not None
    return {
        "seq": seq,
        "margin": first.margin,
        "fast_confidence": fast.confidence if fast else None,
        "fast_answered": fast.answered if fast else False,
        "strong_confidence": strong.confidence if strong else None,
        "strong_answered": strong.answered if strong else False,
        "strong_decisive": bool(strong and strong.decisive),
        "fast_cost_usd": sum((call[3] for call in fast_calls), ZERO),
        "strong_cost_usd": sum((call[3] for call in strong_calls), ZERO),
        "strong_estimate_usd": sum((strong_price_of(call[2]) for call in fast_calls), ZERO),
        "outcome": outcome,
    }


def _gap(seq: int, turn: _Turn, message: tuple[str, Any] | None) -> dict[str, Any] | None:
    floor = turn.retrieval_floor
    if floor is None:
        floor = settings.LADDER_RETRIEVAL_FLOOR
    thin = turn.top_score is not None and turn.top_score < floor
    if not (turn.missing_knowledge or thin) or message is None:
        return None
    text, asked_at = message
    if not text.strip() or text == ERASED_TEXT:
        return None
    return {
        "seq": seq,
        "asked_at": asked_at,
        "question": text[:500],
        "wording_key": wording_key(text) or text.casefold()[:200],
        "top_score": turn.top_score,
        "missing_knowledge": turn.missing_knowledge,
    }


# -- the summary rows -------------------------------------------------------------------------


def stale_conversation_ids(limit: int | None = None) -> list[int]:
    """Conversations whose summary row is missing or older than their audit chain's head."""
    current = ConversationFacts.objects.filter(
        conversation=OuterRef("pk"), source_hash=OuterRef("audit_head_hash")
    )
    ids = Conversation.objects.filter(~Exists(current)).order_by().values_list("pk", flat=True)
    return list(ids[:limit] if limit else ids)


def summaries_for(conversation_ids: Iterable[int]) -> dict[int, Summary]:
    conversations = {
        c.pk: c
        for c in Conversation.objects.filter(pk__in=list(conversation_ids)).only(
            "pk", "public_id", "created_at", "origin", "audit_count", "audit_head_hash"
        )
    }
    events: dict[int, list[EventRow]] = defaultdict(list)
    for conversation_id, index, kind, actor, data, created_at in (
        AuditEvent.objects.filter(conversation_id__in=conversations)
        .order_by("conversation_id", "index")
        .values_list("conversation_id", "index", "kind", "actor", "data", "created_at")
    ):
        # Only the chain as it stood when the conversation row was read: the hash matches it.
        if index <= conversations[conversation_id].audit_count:
            events[conversation_id].append(EventRow(kind, actor, data, created_at))
    questions: dict[int, dict[int, tuple[str, Any]]] = defaultdict(dict)
    for conversation_id, seq, text, created_at in Message.objects.filter(
        conversation_id__in=conversations, role=Role.CUSTOMER
    ).values_list("conversation_id", "seq", "text", "created_at"):
        questions[conversation_id][seq] = (text, created_at)
    timings: dict[int, list[tuple[str, int | None, int | None]]] = defaultdict(list)
    for conversation_id, tier, ttft_ms, provider_ms in Message.objects.filter(
        conversation_id__in=conversations,
        role=Role.ASSISTANT,
        time_to_first_token_ms__isnull=False,
    ).values_list("conversation_id", "tier", "time_to_first_token_ms", "provider_first_token_ms"):
        timings[conversation_id].append((tier, ttft_ms, provider_ms))
    return {
        pk: summarise(conversation, events[pk], questions[pk], timings[pk])
        for pk, conversation in conversations.items()
    }


def store_summaries(summaries: dict[int, Summary]) -> None:
    if not summaries:
        return
    rows = [ConversationFacts(conversation_id=pk, **s.facts) for pk, s in summaries.items()]
    update_fields = [f for f in next(iter(summaries.values())).facts if f != "conversation"]
    with transaction.atomic():
        ConversationFacts.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["conversation"],
            update_fields=update_fields,
        )
        ReplayTurn.objects.filter(facts_id__in=summaries).delete()
        KnowledgeGap.objects.filter(facts_id__in=summaries).delete()
        AnswerTiming.objects.filter(facts_id__in=summaries).delete()
        AnswerTiming.objects.bulk_create(
            [AnswerTiming(facts_id=pk, **t) for pk, s in summaries.items() for t in s.timings]
        )
        ReplayTurn.objects.bulk_create(
            [ReplayTurn(facts_id=pk, **t) for pk, s in summaries.items() for t in s.turns],
            ignore_conflicts=True,
        )
        KnowledgeGap.objects.bulk_create(
            [KnowledgeGap(facts_id=pk, **g) for pk, s in summaries.items() for g in s.gaps],
            ignore_conflicts=True,
        )


@dataclass(frozen=True)
class RefreshResult:
    refreshed: int
    remaining: int


def refresh_facts(*, limit: int | None = None, batch_size: int = 500) -> RefreshResult:
    """Recompute the summary rows that no longer match their conversation's audit chain, at most
    `limit` of them (None: all), and say how many are still stale."""
    refreshed = 0
    while limit is None or refreshed < limit:
        take = batch_size if limit is None else min(batch_size, limit - refreshed)
        ids = stale_conversation_ids(take)
        if not ids:
            return RefreshResult(refreshed, 0)
        store_summaries(summaries_for(ids))
        refreshed += len(ids)
    return RefreshResult(refreshed, len(stale_conversation_ids()))

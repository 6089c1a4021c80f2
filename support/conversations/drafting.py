"""The AI-drafted reply: the strong model writes a reply to the customer's last question that
the agent edits before sending. Drafts obey what answers obey (the strong model's breaker, the
calls in flight, the daily cap and the conversation's budget) and are audited with their cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from routing.configured import model_for_tier
from routing.model_call import DraftAudit, call_model
from routing.prompts import DRAFT_SYSTEM_PROMPT, build_messages
from routing.providers import Passage, Provider, ProviderError, ProviderRequest, get_provider
from support.knowledge.search import search_passages

from .actions import ActionRefused, _locked, append_event
from .agent_actions import agent_actor, check_agent
from .answer_context import CONTEXT_MESSAGES, prompt_history
from .billing import release_call, reserve_call, settle_call
from .breakers import breaker, record_call_health
from .dbthreads import in_conversation
from .ledger import Reservation
from .models import Message, MessageState, Role, Tier


@dataclass
class Draft:
    text: str
    passages: list[Passage] = field(default_factory=list)
    model: str = ""
    cost_usd: str = "0"


@dataclass
class _DraftContext:
    question: str
    history: list[tuple[str, str]]


def _draft_context(conversation_id: int) -> _DraftContext:
    turns = list(
        Message.objects.filter(conversation_id=conversation_id, internal=False)
        .exclude(Q(role=Role.SYSTEM) | Q(state=MessageState.STREAMING))
        .order_by("-seq")
        .values_list("role", "text", "author")[:CONTEXT_MESSAGES]
    )
    turns.reverse()
    last_customer = max(
        (index for index, (role, _, _) in enumerate(turns) if role == Role.CUSTOMER),
        default=None,
    )
    if last_customer is None:
        raise ActionRefused("nothing_to_answer", "The customer has not written anything yet.")
    return _DraftContext(
        question=turns[last_customer][1], history=prompt_history(turns[:last_customer])
    )


def last_customer_question(conversation_id: int) -> str:
    """What the customer last wrote (empty when they have written nothing)."""
    text = (
        Message.objects.filter(conversation_id=conversation_id, role=Role.CUSTOMER)
        .order_by("-seq")
        .values_list("text", flat=True)
        .first()
    )
    return text or ""


def _search(question: str) -> list[Passage]:
    return list(search_passages(question))


async def compose_draft(conversation_id: int, agent: Any) -> Draft:
    """Ask the strong model for a reply the agent edits before sending; audit it and its cost.

    The embedded `local` provider has no model: its draft is the best knowledge-base passage.
    """
    await in_conversation(conversation_id, check_agent)(agent)
    context = await in_conversation(conversation_id, _draft_context)(conversation_id)
    passages = await in_conversation(conversation_id, _search)(context.question)
    provider = get_provider()
    articles = [{"id": p.article_id, "score": round(p.score, 4)} for p in passages]
    spend: Reservation | None = None
    error: ProviderError | None = None
    if provider.name == "local":
        audit = DraftAudit(
            agent=agent.get_username(),
            tier=Tier.STRONG,
            provider="local",
            model="local",
            articles=articles,
            draft=passages[0].text if passages else "",
        )
    else:
        spend, audit, error = await _model_draft(
            conversation_id, agent, provider, context, passages, articles
        )
    await in_conversation(conversation_id, _record_draft)(
        conversation_id, agent, audit, spend, error
    )
    if error is not None:
        raise ActionRefused("draft_failed", "The model could not write a draft just now.")
    if not audit.draft:
        raise ActionRefused(
            "no_draft", "The knowledge base has nothing on this question; write the reply yourself."
        )
    return Draft(text=audit.draft, passages=passages, model=audit.model, cost_usd=audit.cost_usd)


async def _model_draft(
    conversation_id: int,
    agent: Any,
    provider: Provider,
    context: _DraftContext,
    passages: list[Passage],
    articles: list[dict[str, Any]],
) -> tuple[Reservation, DraftAudit, ProviderError | None]:
    request = ProviderRequest(
        tier="strong",
        model=model_for_tier(Tier.STRONG),
        system=DRAFT_SYSTEM_PROMPT,
        messages=build_messages(context.history, context.question, passages),
        passages=passages,
        max_output_tokens=settings.LADDER_MAX_OUTPUT_TOKENS,
    )
    spend = await _reserve_draft(conversation_id, request)
    # A model that adds a control line anyway: it is read off, never put in the draft.
    try:
        call = await call_model(provider, request)
    except BaseException:
        await in_conversation(conversation_id, release_call)(spend)
        raise
    audit = DraftAudit(
        agent=agent.get_username(),
        tier=Tier.STRONG,
        provider=provider.name,
        model=call.billed_model,
        **call.usage.as_dict(),
        cost_usd=f"{call.cost_usd:f}",
        total_ms=call.total_ms,
        articles=articles,
        draft=call.text.strip(),
        error=call.error_kind,
    )
    return spend, audit, call.error


async def _reserve_draft(conversation_id: int, request: ProviderRequest) -> Reservation:
    """The strong model's breaker must allow the call, and billing reserve it; else the draft
    is refused (and the limit that acted audited)."""
    if not breaker(request.model).allows_call():
        refused = "circuit_open"
    else:
        reserved = await reserve_call(conversation_id, request)
        if not isinstance(reserved, str):
            return reserved
        refused = reserved
    await in_conversation(conversation_id, _record_draft_refusal)(conversation_id, refused)
    raise ActionRefused(
        "draft_unavailable",
        "AI drafts are paused just now (a spending or safety limit); write the reply yourself.",
    )


def _record_draft_refusal(conversation_id: int, limit: str) -> None:
    with transaction.atomic():
        append_event(
            _locked(conversation_id), f"limit.{limit}", "system", {"tier": "strong", "draft": True}
        )


def _record_draft(
    conversation_id: int,
    agent: Any,
    audit: DraftAudit,
    spend: Reservation | None,
    error: ProviderError | None,
) -> None:
    with transaction.atomic():
        append_event(
            _locked(conversation_id), "draft.created", agent_actor(agent), audit.as_audit()
        )
    if audit.provider == "local":
        return
    settle_call(spend, Tier.STRONG, audit.cost)
    if spend is not None:
        # The draft's call tells the strong model's breaker how the model is doing, as an
        # answer's call does.
        record_call_health(model_for_tier(Tier.STRONG), error)

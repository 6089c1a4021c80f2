"""A conversation as an agent reads it: messages and notes in order, status changes between
them, and under each customer message the AI's decisions from the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import reverse
from django.utils import timezone

from routing.reasons import REASON_LABELS
from support.conversations.models import AuditEvent, Conversation, Message, MessageState, Role
from support.knowledge.models import KnowledgeArticle

ROLE_LABELS = {
    Role.CUSTOMER: "Customer",
    Role.ASSISTANT: "AI assistant",
    Role.AGENT: "Agent",
    Role.SYSTEM: "Notice",
}
STATUS_REASON_LABELS = {
    "claimed": "claimed",
    "auto_assigned": "assigned automatically",
    "handed_back": "handed back to the AI",
    "resolved_by_agent": "resolved",
    "reopened_by_agent": "reopened",
    "transfer": "transferred",
    "customer_wrote_again": "the customer wrote again",
    "closed_idle": "resolved: the customer went quiet after the AI's answer",
    "solved_by_customer": "resolved: the customer said the AI's answer solved it",
}
DECISION_KINDS = frozenset(
    {"routing.rules", "routing.retrieval", "routing.decision", "model.call", "answer.cache_hit"}
)
TIMELINE_KINDS = frozenset(
    {"status.changed", "transfer", "assignment", "draft.created", "follow_up.email"}
)


def reason_label(reason: str) -> str:
    return STATUS_REASON_LABELS.get(reason) or REASON_LABELS.get(reason, reason.replace("_", " "))


@dataclass
class ArticleUsed:
    """A help-centre article a knowledge search found, with its best passage's score."""

    article_id: int
    score: float | None
    title: str = ""

    @property
    def admin_url(self) -> str:
        return reverse("admin:knowledge_knowledgearticle_change", args=[self.article_id])


@dataclass
class DecisionLine:
    """One step of the AI's routing, as the agent sees it."""

    label: str
    tier: str = ""
    confidence: float | None = None
    reason: str = ""
    cost_usd: str = ""
    detail: str = ""
    articles: list[ArticleUsed] = field(default_factory=list)


@dataclass
class Entry:
    kind: str  # "message" or "event"
    text: str
    created_at: datetime | None
    seq: int | None = None
    role: str = ""
    author: str = ""
    internal: bool = False
    streaming: bool = False
    interrupted: bool = False
    decisions: list[DecisionLine] = field(default_factory=list)
    cost_usd: Decimal = Decimal(0)

    @property
    def role_label(self) -> str:
        if self.internal:
            return "Internal note"
        return ROLE_LABELS.get(self.role, self.role)  # type: ignore[call-overload]

    @property
    def cost_label(self) -> str:
        return money(self.cost_usd)

    @property
    def formatted(self) -> bool:
        """Answers and agents' replies use the widget's Markdown subset; what a customer typed
        and internal notes are shown exactly as written."""
        return not self.internal and self.role in (Role.ASSISTANT, Role.AGENT, Role.SYSTEM)

    @property
    def css_role(self) -> str:
        return "note" if self.internal else self.role

    @classmethod
    def from_message(cls, message: Message) -> Entry:
        return cls(
            kind="message",
            text=message.text,
            created_at=message.created_at,
            seq=message.seq,
            role=message.role,
            author=message.author,
            internal=message.internal,
            streaming=message.state == MessageState.STREAMING,
            interrupted=message.state == MessageState.INTERRUPTED,
        )

    @classmethod
    def from_frame(cls, frame: dict[str, Any], *, streaming: bool = False) -> Entry:
        """From a live `message` frame (or a stream that has just started)."""
        created = frame.get("created_at")
        return cls(
            kind="message",
            text=str(frame.get("text", "")),
            created_at=datetime.fromisoformat(created) if isinstance(created, str) else None,
            seq=frame.get("seq"),
            role=str(frame.get("role", "")),
            author=str(frame.get("author", "")),
            internal=bool(frame.get("internal")),
            streaming=streaming,
            interrupted=bool(frame.get("interrupted")),
        )


def _cost(value: Any) -> Decimal:
    try:
        return Decimal(str(value or 0))
    except InvalidOperation:
        return Decimal(0)


def money(value: Any) -> str:
    """A USD amount without trailing zeros ("0", "0.00012")."""
    amount = _cost(value)
    return "0" if not amount else f"{amount.normalize():f}"


def decision_line(event: AuditEvent) -> DecisionLine:
    data = event.data
    if event.kind == "routing.rules":
        probability = data.get("classifier_probability")
        if data.get("matched"):
            label = "Intent classifier" if data.get("source") == "classifier" else "Intent rule"
            return DecisionLine(
                label, confidence=probability, reason=reason_label(data.get("reason") or "")
            )
        detail = "none matched" if probability is None else "none matched, nor the classifier"
        return DecisionLine("Intent rules", confidence=probability, detail=detail)
    if event.kind == "routing.retrieval":
        passages = data.get("articles") or []
        # Several passages may come from one article: each article once, at its best score.
        best: dict[int, ArticleUsed] = {}
        for passage in passages:
            article_id, score = passage.get("id"), passage.get("score")
            if not isinstance(article_id, int) or article_id in best:
                continue
            best[article_id] = ArticleUsed(article_id, score)
        return DecisionLine(
            "Knowledge search",
            confidence=data.get("top_score"),
            detail=f"{len(passages)} passage{'s' if len(passages) != 1 else ''}",
            articles=list(best.values()),
        )
    if event.kind == "routing.decision":
        control = (data.get("inputs") or {}).get("control") or {}
        action = {
            "answer": "Answer",
            "call_model": "Ask the model",
            "escalate": "Escalate to the strong model",
            "handoff": "Hand to people",
        }
        return DecisionLine(
            f"Decision: {action.get(data.get('action'), data.get('action', ''))}",
            tier=data.get("tier", ""),
            confidence=control.get("confidence"),
            reason=reason_label(data.get("reason") or ""),
        )
    if event.kind == "model.call":
        ttft = data.get("time_to_first_token_ms")
        return DecisionLine(
            f"Model call: {data.get('model', '')}",
            tier=data.get("tier", ""),
            confidence=data.get("confidence"),
            reason=f"failed ({data['error']})" if data.get("error") else "",
            cost_usd=money(data.get("cost_usd")),
            detail=f"first token after {ttft} ms" if ttft is not None else "",
        )
    return DecisionLine(
        "Cached answer", tier=data.get("tier", ""), confidence=data.get("confidence")
    )


def timeline_entry(event: AuditEvent) -> Entry:
    data = event.data
    who = event.actor.removeprefix("agent:")
    if event.kind == "status.changed":
        why = reason_label(data.get("reason", ""))
        text = f"Status {data.get('from')} → {data.get('to')}: {why}"
    elif event.kind == "transfer":
        text = f"Transferred from {data.get('from_agent')} to {data.get('to_agent')}"
    elif event.kind == "assignment":
        text = (
            f"Assigned automatically to {data.get('agent')} (in turn; "
            f"{data.get('open_before')} of {data.get('capacity')} open before)"
        )
    elif event.kind == "draft.created":
        cost = money(data.get("cost_usd"))
        text = f"AI draft for {data.get('agent')} ({data.get('model')}, ${cost})"
    else:
        text = "The customer left an email address for a follow-up"
    return Entry(kind="event", text=f"{text} · by {who}", created_at=event.created_at)


def _name_articles(entries: list[Entry]) -> None:
    """Titles for every article the knowledge searches found, in one query."""
    used = [a for entry in entries for line in entry.decisions for a in line.articles]
    titles = dict(
        KnowledgeArticle.objects.filter(pk__in={a.article_id for a in used}).values_list(
            "pk", "title"
        )
    )
    for article in used:
        article.title = titles.get(article.article_id, f"Article {article.article_id} (deleted)")


def transcript_of(conversation: Conversation) -> list[Entry]:
    entries = [Entry.from_message(m) for m in conversation.messages.order_by("seq")]
    by_seq = {entry.seq: entry for entry in entries}
    events = conversation.audit_events.filter(kind__in=DECISION_KINDS | TIMELINE_KINDS)
    timeline: list[Entry] = []
    for event in events.order_by("index"):
        if event.kind in DECISION_KINDS:
            owner = by_seq.get(event.data.get("seq"))
            if owner is not None:
                owner.decisions.append(decision_line(event))
                owner.cost_usd += _cost(event.data.get("cost_usd"))
        else:
            timeline.append(timeline_entry(event))
    _name_articles(entries)
    merged = entries + timeline
    now = timezone.now()
    merged.sort(key=lambda entry: entry.created_at or now)
    return merged

"""How a conversation the AI answered ends for the customer: they say the answer solved it, or
they leave and the system resolves it when idle; then they may rate it."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from .actions import MAX_MESSAGE_CHARS, ActionRefused, _locked, _set_status
from .audit import append_event
from .models import AuditEvent, Conversation, MessageState, Role, Status

# The status-change reason when the system resolves a conversation the customer left.
IDLE_CLOSE_REASON = "closed_idle"
SOLVED_REASON = "solved_by_customer"


def conversations_idle_with_ai(idle_since: datetime) -> QuerySet[Conversation]:
    """Conversations only the AI has, where nothing was written after `idle_since`, the
    customer's last question has a complete answer and no answer is still streaming."""
    return (
        Conversation.objects.filter(status=Status.AI)
        .annotate(
            last_message_at=Max("messages__created_at"),
            last_question_seq=Max("messages__seq", filter=Q(messages__role=Role.CUSTOMER)),
            last_answer_seq=Max(
                "messages__seq",
                filter=Q(messages__role=Role.ASSISTANT, messages__state=MessageState.COMPLETE),
            ),
            streaming=Count("messages", filter=Q(messages__state=MessageState.STREAMING)),
        )
        .filter(
            last_message_at__lte=idle_since,
            last_answer_seq__gt=F("last_question_seq"),
            streaming=0,
        )
    )


def do_close_idle_conversation(conversation_id: int, *, idle_since: datetime) -> bool:
    """Resolve, as the system, a conversation the AI answered and the customer then left (see
    conversations_idle_with_ai, checked again under the lock). Like an agent's resolve, the
    customer's widget is told and asks for a rating. False when it no longer qualifies."""
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if not conversations_idle_with_ai(idle_since).filter(pk=conversation.pk).exists():
            return False
        _set_status(conversation, Status.RESOLVED, reason=IDLE_CLOSE_REASON, actor="system")
    return True


def do_mark_solved(conversation_id: int) -> Conversation:
    """The customer says the AI's answer solved it: resolve the conversation as the customer,
    through the state machine; the widget is told and asks for a rating. Only while the AI has
    the conversation and its last question has a finished answer."""
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.status != Status.AI:
            raise ActionRefused(
                "not_answering",
                "Only a conversation our assistant is answering can be marked as solved.",
            )
        answered = conversations_idle_with_ai(timezone.now()).filter(pk=conversation.pk)
        if not answered.exists():
            raise ActionRefused(
                "nothing_to_solve", "There is no finished answer to your last question yet."
            )
        _set_status(conversation, Status.RESOLVED, reason=SOLVED_REASON, actor="customer")
    return conversation


def check_rating(score: object, comment: object) -> tuple[int, str]:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ActionRefused("invalid_rating", "`score` must be a whole number from 1 to 5.")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise ActionRefused("invalid_field", "`comment` must be a string.")
    if len(comment) > MAX_MESSAGE_CHARS:
        raise ActionRefused(
            "comment_too_long", f"A comment may have at most {MAX_MESSAGE_CHARS} characters."
        )
    return score, comment


def do_rate_conversation(conversation_id: int, *, score: int, comment: str) -> Conversation:
    """The customer's rating of a resolved conversation. They may change it, a few times per
    resolution (LADDER_RATINGS_PER_RESOLUTION); sending the same rating again changes nothing."""
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.status != Status.RESOLVED:
            raise ActionRefused("not_resolved", "A conversation can be rated once it is resolved.")
        if (conversation.rating_score, conversation.rating_comment) == (score, comment) and (
            conversation.rated_at is not None
            and conversation.resolved_at is not None
            and conversation.rated_at >= conversation.resolved_at
        ):
            return conversation
        ratings = AuditEvent.objects.filter(
            conversation=conversation, kind="rating", created_at__gte=conversation.resolved_at
        ).count()
        if ratings >= settings.LADDER_RATINGS_PER_RESOLUTION:
            raise ActionRefused(
                "rating_limit_reached",
                "You have already rated this conversation; thank you. It can't be changed again.",
            )
        conversation.rating_score = score
        conversation.rating_comment = comment
        conversation.rated_at = timezone.now()
        Conversation.objects.filter(pk=conversation.pk).update(
            rating_score=score, rating_comment=comment, rated_at=conversation.rated_at
        )
        append_event(
            conversation,
            "rating",
            "customer",
            {"score": score, "comment_chars": len(comment), "status": conversation.status},
        )
    return conversation

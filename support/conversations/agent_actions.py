"""What agents do to a conversation: claim, reply, note, hand back, resolve, reopen, transfer,
an AI-drafted reply, and the email follow-up offered when nobody is online.

Built on actions.py's helpers, so seqs, the state machine, the audit chain and the live events
after commit stay in one place; the inbox views, its socket and its commands call these.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actions import (
    MAX_MESSAGE_CHARS,
    ActionRefused,
    _locked,
    _next_message,
    _publish_message,
    _set_status,
    agent_display_name,
    append_event,
)
from .audit import text_digest_data
from .i18n import speaking
from .live import INBOX_GROUP, publish_after_commit
from .models import AuditEvent, Conversation, Message, Role, Status

AGENTS_GROUP = "agents"

FOLLOW_UP_OFFER = _(
    "Everyone on our team is busy right now. Leave your email address and we'll write back "
    "to you there as soon as someone is free; you can also keep waiting here."
)


def in_language(conversation: Conversation, text: Any, agent: Any = None) -> str:
    """A system message's text (marked for translation, lazily) in the customer's language,
    with the agent's name filled in when given."""
    with speaking(conversation.language):
        translated = str(text)
        return translated % {"name": agent_display_name(agent)} if agent is not None else translated


def is_agent(user: Any) -> bool:
    """Staff in the "agents" group, or superusers: the people who may work the inbox."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.is_staff and user.groups.filter(name=AGENTS_GROUP).exists())


def agent_actor(agent: Any) -> str:
    return f"agent:{agent.get_username()}"


def display_name(agent: Any) -> str:
    """How staff name an agent to each other (customers see `agent_display_name`)."""
    return str(agent.get_short_name() or agent.get_username())


def staff_group(conversation: Conversation) -> str:
    """The channel-layer group of inbox sockets viewing a conversation: notes go here only."""
    return f"inbox.{conversation.group_name}"


def _publish_to_inbox(conversation: Conversation) -> None:
    publish_after_commit(
        INBOX_GROUP, {"type": "inbox.changed", "conversation": str(conversation.public_id)}
    )


def check_agent(agent: Any) -> None:
    if not is_agent(agent):
        raise ActionRefused("not_an_agent", "Only support agents can do that.")


def check_agent_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ActionRefused("message_empty", "Write something first.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ActionRefused(
            "message_too_long",
            f"A message may have at most {MAX_MESSAGE_CHARS} characters; this one has {len(text)}.",
        )
    return text.strip()


def _holder_refusal(conversation: Conversation) -> ActionRefused:
    holder = conversation.assigned_agent
    name = display_name(holder) if holder is not None else "Another agent"
    refused = ActionRefused("already_claimed", f"{name} has already taken this conversation.")
    refused.holder = name  # type: ignore[attr-defined]
    return refused


def _check_owner(conversation: Conversation, agent: Any, doing: str) -> None:
    """Replies, hand-backs, resolutions and transfers of a conversation belong to its owner
    (a superuser may step in)."""
    if conversation.status != Status.AGENT:
        raise ActionRefused(
            "claim_first",
            f"Claim the conversation before you {doing}; it is {conversation.status}.",
        )
    if conversation.assigned_agent_id != agent.pk and not agent.is_superuser:
        raise _holder_refusal(conversation)


def _append_agent_text(conversation: Conversation, kind: str, agent: Any, message: Message) -> None:
    """The audit event of a text an agent wrote (a reply or a note): its seq, size and digest."""
    append_event(
        conversation,
        kind,
        agent_actor(agent),
        {
            "seq": message.seq,
            "agent": agent.get_username(),
            "chars": len(message.text),
            **text_digest_data(message),
        },
    )


def do_claim_conversation(conversation_id: int, agent: Any) -> Conversation:
    """Take a waiting conversation. Under the row lock exactly one of two racing agents finds it
    still waiting; the other is refused and told who has it."""
    check_agent(agent)
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.status == Status.AGENT:
            if conversation.assigned_agent_id == agent.pk:
                return conversation
            raise _holder_refusal(conversation)
        if conversation.status != Status.WAITING:
            raise ActionRefused(
                "not_waiting",
                f"Only a conversation waiting for a person can be claimed; this one is "
                f"{conversation.get_status_display().lower()}.",
            )
        # The conditional update repeats the lock's promise in SQL: only a waiting row is taken.
        taken = Conversation.objects.filter(pk=conversation.pk, status=Status.WAITING).update(
            assigned_agent=agent
        )
        if taken != 1:
            raise _holder_refusal(Conversation.objects.get(pk=conversation.pk))
        conversation.assigned_agent = agent
        _set_status(conversation, Status.AGENT, reason="claimed", actor=agent_actor(agent))
        message = _next_message(
            conversation,
            role=Role.SYSTEM,
            text=in_language(conversation, _("%(name)s joined the conversation."), agent),
        )
        _publish_message(conversation, message)
    return conversation


def do_agent_reply(conversation_id: int, agent: Any, text: str) -> Message:
    """An agent's reply: stored, audited, and sent to the widget as a `message` frame."""
    check_agent(agent)
    text = check_agent_text(text)
    with transaction.atomic():
        conversation = _locked(conversation_id)
        _check_owner(conversation, agent, "reply")
        message = _next_message(
            conversation, role=Role.AGENT, author=agent_display_name(agent), text=text
        )
        _append_agent_text(conversation, "message.agent", agent, message)
        _publish_message(conversation, message)
        _publish_to_inbox(conversation)
    return message


def do_add_note(conversation_id: int, agent: Any, text: str) -> Message:
    """An internal note: staff read it in the transcript; it never reaches the customer."""
    check_agent(agent)
    text = check_agent_text(text)
    with transaction.atomic():
        conversation = _locked(conversation_id)
        note = _next_message(
            conversation, role=Role.AGENT, author=display_name(agent), text=text, internal=True
        )
        _append_agent_text(conversation, "note.added", agent, note)
        # Never to the conversation's group: the customer's socket listens there.
        publish_after_commit(
            staff_group(conversation),
            {"type": "inbox.note", "frame": {**note.as_frame(), "internal": True}},
        )
    return note


def do_hand_back_to_ai(conversation_id: int, agent: Any) -> Conversation:
    """The AI answers again: from a waiting conversation, or from the owner's."""
    check_agent(agent)
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.status != Status.WAITING:
            _check_owner(conversation, agent, "hand it back")
        _set_status(conversation, Status.AI, reason="handed_back", actor=agent_actor(agent))
        message = _next_message(
            conversation,
            role=Role.SYSTEM,
            text=in_language(
                conversation,
                _("Our automatic assistant is answering again; ask for a person at any time."),
            ),
        )
        _publish_message(conversation, message)
    return conversation


def do_resolve_conversation(conversation_id: int, agent: Any) -> Conversation:
    """Close the conversation; the customer's widget then asks for a rating."""
    check_agent(agent)
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.status == Status.RESOLVED:
            raise ActionRefused("already_resolved", "This conversation is already resolved.")
        if conversation.status == Status.AGENT:
            _check_owner(conversation, agent, "resolve it")
        _set_status(
            conversation, Status.RESOLVED, reason="resolved_by_agent", actor=agent_actor(agent)
        )
    return conversation


def do_reopen_conversation(conversation_id: int, agent: Any) -> Conversation:
    """A resolved conversation goes back to the queue of people (waiting)."""
    check_agent(agent)
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.status != Status.RESOLVED:
            raise ActionRefused("not_resolved", "Only a resolved conversation can be reopened.")
        _set_status(
            conversation, Status.WAITING, reason="reopened_by_agent", actor=agent_actor(agent)
        )
    return conversation


def do_transfer_conversation(conversation_id: int, agent: Any, to_agent: Any) -> Conversation:
    """Hand the conversation to another agent; the customer sees the new name."""
    check_agent(agent)
    if not is_agent(to_agent):
        raise ActionRefused("not_an_agent", "A conversation can only go to a support agent.")
    with transaction.atomic():
        conversation = _locked(conversation_id)
        _check_owner(conversation, agent, "transfer it")
        previous = conversation.assigned_agent
        if previous is not None and previous.pk == to_agent.pk:
            raise ActionRefused(
                "same_agent", f"{display_name(to_agent)} already has this conversation."
            )
        Conversation.objects.filter(pk=conversation.pk).update(assigned_agent=to_agent)
        conversation.assigned_agent = to_agent
        append_event(
            conversation,
            "transfer",
            agent_actor(agent),
            {
                "from_agent": previous.get_username() if previous is not None else None,
                "to_agent": to_agent.get_username(),
            },
        )
        _set_status(conversation, Status.AGENT, reason="transfer", actor=agent_actor(agent))
        message = _next_message(
            conversation,
            role=Role.SYSTEM,
            text=in_language(conversation, _("%(name)s took over the conversation."), to_agent),
        )
        _publish_message(conversation, message)
    return conversation


# Email follow-up when nobody is online


def conversations_waiting_longer_than(after_s: float) -> list[int]:
    """Waiting conversations whose customer has waited `after_s` seconds or more."""
    cutoff = timezone.now() - timedelta(seconds=after_s)
    return list(
        Conversation.objects.filter(status=Status.WAITING, waiting_since__lte=cutoff)
        .order_by("waiting_since")
        .values_list("pk", flat=True)
    )


def do_offer_email_follow_up(conversation_id: int, *, after_s: float) -> Message | None:
    """Offer the customer an email follow-up, once per wait. The caller has checked that no
    agent is online; returns the system message, or None when the offer is not due."""
    with transaction.atomic():
        conversation = _locked(conversation_id)
        now = timezone.now()
        since = conversation.waiting_since
        if conversation.status != Status.WAITING or since is None:
            return None
        if since > now - timedelta(seconds=after_s):
            return None
        if AuditEvent.objects.filter(
            conversation=conversation, kind="follow_up.offered", created_at__gte=since
        ).exists():
            return None
        message = _next_message(
            conversation, role=Role.SYSTEM, text=in_language(conversation, FOLLOW_UP_OFFER)
        )
        append_event(
            conversation,
            "follow_up.offered",
            "system",
            {"seq": message.seq, "waited_s": int((now - since).total_seconds())},
        )
        # `offer` tells the widget to show its email field under this notice.
        publish_after_commit(
            conversation.group_name,
            {"type": "chat.message", "frame": {**message.as_frame(), "offer": "email"}},
        )
        _publish_to_inbox(conversation)
    return message


def do_record_follow_up_email(conversation_id: int, email: object) -> Conversation:
    """The customer left an email address for the follow-up: only once it was offered in the
    conversation's latest wait for a person (they may correct it; the action limits bound how
    often)."""
    if not isinstance(email, str) or len(email) > 254:
        raise ActionRefused("invalid_email", "That does not look like an email address.")
    try:
        validate_email(email.strip())
    except ValidationError:
        raise ActionRefused("invalid_email", "That does not look like an email address.") from None
    with transaction.atomic():
        conversation = _locked(conversation_id)
        offered = conversation.waiting_since is not None and (
            AuditEvent.objects.filter(
                conversation=conversation,
                kind="follow_up.offered",
                created_at__gte=conversation.waiting_since,
            ).exists()
        )
        if not offered:
            raise ActionRefused(
                "follow_up_not_offered",
                "A reply by email is offered when nobody is free to answer here; "
                "until then, keep writing here.",
            )
        if conversation.customer_email == email.strip():
            return conversation  # the same address again: nothing changes, nobody is told
        conversation.customer_email = email.strip()
        Conversation.objects.filter(pk=conversation.pk).update(
            customer_email=conversation.customer_email
        )
        # The address itself stays out of the append-only trail (it is personal data).
        append_event(conversation, "follow_up.email", "customer", {"provided": True})
        _publish_to_inbox(conversation)
    return conversation

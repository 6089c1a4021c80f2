"""Inbox pages: the queue, a conversation, and one view per agent action.

Each action view calls one function of support.conversations.agent_actions. Without
JavaScript forms post and redirect back; with htmx the view answers with the partial to swap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

from asgiref.sync import async_to_sync
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from support.conversations import agent_actions, drafting
from support.conversations.actions import ActionRefused
from support.conversations.models import Conversation, Status
from support.conversations.transcript import Entry, reason_label, transcript_of
from support.knowledge import actions as knowledge_actions
from support.knowledge.actions import QuestionRefused

from .access import agent_required
from .canned import canned_replies_data
from .forms import NoteForm, ReplyForm, TransferForm, agents_other_than
from .models import CannedReply
from .presence import online_agents
from .queue import QueueFilters, filter_choices, mark_read, queue_for

CONVERSATION_PARTIALS = frozenset({"conversation-panel", "transcript"})


def _htmx_target(request: HttpRequest) -> str | None:
    htmx = getattr(request, "htmx", None)
    return htmx.target if htmx else None


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@agent_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    view = queue_for(
        request.user,
        tab_slug=request.GET.get("tab"),
        query=request.GET.get("q", ""),
        page_number=request.GET.get("page"),
        filters=QueueFilters.from_query(request.GET),
    )
    context = {
        "queue": view,
        "online": online_agents(),
        "choices": filter_choices(),
        "agents": agents_other_than(request.user),
    }
    template = "inbox/queue.html"
    if _htmx_target(request) == "queue":
        template += "#queue"
    return render(request, template, context)


@agent_required
@require_GET
def presence(request: HttpRequest) -> HttpResponse:
    return render(request, "inbox/queue.html#presence", {"online": online_agents()})


def available_actions(conversation: Conversation, agent: Any) -> frozenset[str]:
    """The buttons to show; agent_actions checks the same rules again when one is pressed."""
    owns = conversation.assigned_agent_id == agent.pk or agent.is_superuser
    status = conversation.status
    names = {"note"}
    if status == Status.WAITING:
        names |= {"claim", "hand_back", "resolve"}
    elif status == Status.AGENT and owns:
        names |= {"reply", "hand_back", "resolve", "transfer", "draft"}
    elif status == Status.AI:
        names.add("resolve")
    elif status == Status.RESOLVED:
        names.add("reopen")
    return frozenset(names)


def earlier_conversations(conversation: Conversation, limit: int = 10) -> list[Conversation]:
    """The customer's other conversations: only a verified identity links them (an unverified
    one could be anybody's)."""
    if not (conversation.customer_verified and conversation.customer_external_id):
        return []
    return list(
        Conversation.objects.filter(
            customer_verified=True, customer_external_id=conversation.customer_external_id
        )
        .exclude(pk=conversation.pk)
        .order_by("-created_at")[:limit]
    )


def _conversation(public_id: UUID) -> Conversation:
    return get_object_or_404(
        Conversation.objects.select_related("assigned_agent"), public_id=public_id
    )


def _conversation_context(
    request: HttpRequest, conversation: Conversation, **extra: Any
) -> dict[str, Any]:
    can = available_actions(conversation, request.user)
    transfer_form = TransferForm(agent=request.user) if "transfer" in can else None
    if transfer_form is not None and not transfer_form.fields["to_agent"].queryset.exists():  # type: ignore[attr-defined]
        transfer_form = None  # an empty "Transfer to" list helps nobody: say why instead
    return {
        "conversation": conversation,
        "reason": reason_label(conversation.handoff_reason) if conversation.handoff_reason else "",
        "can": can,
        "transfer_form": transfer_form,
        "canned_replies": CannedReply.objects.all() if "reply" in can else [],
        "canned_data": canned_replies_data() if "reply" in can else [],
        "earlier": earlier_conversations(conversation),
        "online": online_agents(),
        **extra,
    }


def _agent_pk(request: HttpRequest) -> int:
    """The signed-in agent's id (views behind agent_required always have one)."""
    return cast(int, request.user.pk)


@agent_required
@require_GET
def conversation_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    conversation = _conversation(public_id)
    mark_read(_agent_pk(request), conversation.pk, conversation.last_seq)
    reply_text = ""
    canned = request.GET.get("canned")
    if canned and canned.isdigit():
        reply = CannedReply.objects.filter(pk=canned).first()
        reply_text = reply.body if reply else ""
    context = _conversation_context(request, conversation, reply_text=reply_text)
    target = _htmx_target(request)
    if target in CONVERSATION_PARTIALS:
        if target == "transcript":
            context["transcript"] = transcript_of(conversation)
        return render(request, f"inbox/conversation.html#{target}", context)
    context["transcript"] = transcript_of(conversation)
    return render(request, "inbox/conversation.html", context)


def _refused(request: HttpRequest, conversation: Conversation, refused: ActionRefused) -> Any:
    if _is_htmx(request):
        response = render(request, "inbox/conversation.html#alert", {"alert": refused.detail})
        return reswap(retarget(response, "#conversation-alert"), "innerHTML")
    messages.error(request, refused.detail)
    return redirect(conversation_url(conversation))


def conversation_url(conversation: Conversation) -> str:
    return reverse("inbox:conversation", args=[conversation.public_id])


def _status_action(
    request: HttpRequest, public_id: UUID, act: Callable[[Conversation], Any], done: str
) -> HttpResponse:
    conversation = _conversation(public_id)
    try:
        act(conversation)
    except ActionRefused as refused:
        return _refused(request, conversation, refused)
    conversation = _conversation(public_id)
    if _is_htmx(request):
        return render(
            request,
            "inbox/conversation.html#conversation-panel",
            _conversation_context(request, conversation, notice=done),
        )
    messages.success(request, done)
    return redirect(conversation_url(conversation))


@agent_required
@require_POST
def claim(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _status_action(
        request,
        public_id,
        lambda c: agent_actions.do_claim_conversation(c.pk, request.user),
        "You have this conversation now.",
    )


@agent_required
@require_POST
def hand_back(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _status_action(
        request,
        public_id,
        lambda c: agent_actions.do_hand_back_to_ai(c.pk, request.user),
        "Handed back to the AI.",
    )


@agent_required
@require_POST
def resolve(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _status_action(
        request,
        public_id,
        lambda c: agent_actions.do_resolve_conversation(c.pk, request.user),
        "Resolved. The customer is asked for a rating.",
    )


@agent_required
@require_POST
def reopen(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _status_action(
        request,
        public_id,
        lambda c: agent_actions.do_reopen_conversation(c.pk, request.user),
        "Reopened: the conversation is waiting in the queue again.",
    )


@agent_required
@require_POST
def transfer(request: HttpRequest, public_id: UUID) -> HttpResponse:
    form = TransferForm(request.POST, agent=request.user)

    def act(conversation: Conversation) -> None:
        if not form.is_valid():
            raise ActionRefused("invalid_agent", "Choose an agent to transfer to.")
        to_agent = form.cleaned_data["to_agent"]
        agent_actions.do_transfer_conversation(conversation.pk, request.user, to_agent)

    return _status_action(request, public_id, act, "Transferred.")


def _posted_message(
    request: HttpRequest,
    public_id: UUID,
    form_class: type[ReplyForm] | type[NoteForm],
    act: Callable[[Conversation, str], Any],
) -> HttpResponse:
    conversation = _conversation(public_id)
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise ActionRefused("message_invalid", " ".join(map(str, form.errors.get("text", []))))
        message = act(conversation, form.cleaned_data["text"])
    except ActionRefused as refused:
        return _refused(request, conversation, refused)
    mark_read(_agent_pk(request), conversation.pk, message.seq)
    if _is_htmx(request):
        # The socket brings the same entry; the page keeps one per seq.
        return render(
            request, "inbox/conversation.html#entry", {"entry": Entry.from_message(message)}
        )
    return redirect(conversation_url(conversation))


@agent_required
@require_POST
def reply(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _posted_message(
        request,
        public_id,
        ReplyForm,
        lambda c, text: agent_actions.do_agent_reply(c.pk, request.user, text),
    )


@agent_required
@require_POST
def note(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _posted_message(
        request,
        public_id,
        NoteForm,
        lambda c, text: agent_actions.do_add_note(c.pk, request.user, text),
    )


@agent_required
@require_POST
def learn_question(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One click under an article the draft used: the customer's last question becomes one of
    its example questions, so the next customer asking it is answered without a person."""
    conversation = _conversation(public_id)
    try:
        if "reply" not in available_actions(conversation, request.user):
            raise ActionRefused("claim_first", "Claim the conversation first.")
        article_id = int(request.POST.get("article", ""))
        question = drafting.last_customer_question(conversation.pk)
        added = knowledge_actions.do_add_example_question(
            article_id, question, conversation.language or "en"
        )
    except ActionRefused as refused:
        return _refused(request, conversation, refused)
    except ValueError as refused:  # not a number, or a question the article cannot take
        detail = str(refused) if isinstance(refused, QuestionRefused) else "No such article."
        return _refused(request, conversation, ActionRefused("bad_article", detail))
    done = "Added to the article's questions." if added else "The article already lists it."
    if _is_htmx(request):
        return render(request, "inbox/conversation.html#alert", {"alert": done})
    messages.success(request, done)
    return redirect(conversation_url(conversation))


@agent_required
@require_POST
def draft(request: HttpRequest, public_id: UUID) -> HttpResponse:
    conversation = _conversation(public_id)
    try:
        if "draft" not in available_actions(conversation, request.user):
            raise ActionRefused("claim_first", "Claim the conversation before asking for a draft.")
        drafted = async_to_sync(drafting.compose_draft)(conversation.pk, request.user)
    except ActionRefused as refused:
        return _refused(request, conversation, refused)
    context = _conversation_context(request, conversation, reply_text=drafted.text, draft=drafted)
    if _is_htmx(request):
        return render(request, "inbox/conversation.html#reply-form", context)
    context["transcript"] = transcript_of(conversation)
    return render(request, "inbox/conversation.html", context)

"""Helpers for inbox tests: conversations in a given state, and an agent's inbox socket."""

from __future__ import annotations

import uuid
from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from support.conversations import actions, agent_actions
from support.conversations.models import Conversation
from support.conversations.tokens import make_token

TIMEOUT_S = 10
INBOX_HOST = "testserver"
INBOX_ORIGIN = f"http://{INBOX_HOST}"


def waiting_conversation(
    text: str = "I want to talk to a person, please.",
    *,
    reason: str = "customer_request",
    customer_name: str = "",
) -> Conversation:
    """A customer who wrote `text` and was handed to people (status waiting)."""
    conversation = actions.do_start_conversation(origin="http://127.0.0.1:8000")
    if customer_name:
        Conversation.objects.filter(pk=conversation.pk).update(customer_name=customer_name)
    actions.do_record_customer_message(conversation.pk, client_id=str(uuid.uuid4()), text=text)
    actions.do_request_handoff(
        conversation.pk, reason=reason, actor="router", notice="A person will answer you here."
    )
    return Conversation.objects.get(pk=conversation.pk)


def claimed_conversation(agent: Any, text: str = "I want to talk to a person.") -> Conversation:
    conversation = waiting_conversation(text)
    agent_actions.do_claim_conversation(conversation.pk, agent)
    return Conversation.objects.get(pk=conversation.pk)


def customer_writes(conversation: Conversation, text: str) -> None:
    actions.do_record_customer_message(conversation.pk, client_id=str(uuid.uuid4()), text=text)


def token_of(conversation: Conversation) -> str:
    return make_token(conversation.public_id)


def session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def inbox_socket(user: Any = None, origin: str = INBOX_ORIGIN) -> WebsocketCommunicator:
    """An inbox socket through the real ASGI application, logged in as `user` (or anonymous)."""
    from support.asgi import application

    headers = [(b"host", INBOX_HOST.encode())]
    if origin:
        headers.append((b"origin", origin.encode()))
    if user is not None:
        cookie = await database_sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, "/ws/inbox/", headers=headers)


async def connected_inbox(user: Any) -> WebsocketCommunicator:
    socket = await inbox_socket(user)
    connected, _ = await socket.connect()
    assert connected
    # Our own arrival is announced to every inbox, this one included.
    assert (await socket.receive_json_from(timeout=TIMEOUT_S))["type"] == "presence.changed"
    return socket


async def frame_of_type(
    socket: WebsocketCommunicator, frame_type: str, *, limit: int = 50
) -> dict[str, Any]:
    """The first frame of `frame_type`, skipping the others (queue refreshes, presence)."""
    for _ in range(limit):
        frame = await socket.receive_json_from(timeout=TIMEOUT_S)
        if frame["type"] == frame_type:
            return frame
    raise AssertionError(f"no {frame_type} frame in {limit} frames")

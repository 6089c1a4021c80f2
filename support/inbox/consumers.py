"""The inbox socket at /ws/inbox/: queue changes, presence, and the live transcript of the
conversation an agent is viewing, as small JSON frames (transcript entries pre-rendered).

Client frames: {"type": "watch", "conversation": "<uuid>"}, {"type": "unwatch"},
{"type": "ping"}, and {"type": "typing", "active": true} while the agent writes a reply in the
watched conversation (shown to its customer, never stored). Only support agents may connect;
everyone else is turned away.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.template.loader import render_to_string

from support.conversations import typing_indicators
from support.conversations.actions import agent_display_name
from support.conversations.agent_actions import is_agent, staff_group
from support.conversations.frames import FrameRefused, load_frame, read_typing
from support.conversations.live import INBOX_GROUP
from support.conversations.models import Conversation, Status
from support.conversations.transcript import Entry

from . import presence
from .access import agent_socket_group, same_site_origin, session_still_an_agent
from .assignment import assign_quietly
from .queue import mark_read, waiting_count

PRESENCE_EVENT = {"type": "inbox.presence"}
INBOX_FRAME_TYPES = frozenset({"watch", "unwatch", "ping", "typing"})

logger = logging.getLogger("ladder.inbox")


def _find_conversation(public_id: uuid.UUID) -> Conversation | None:
    return Conversation.objects.filter(public_id=public_id).first()


def _watched_id(frame: dict[str, Any]) -> uuid.UUID | None:
    """The conversation id a `watch` frame names (None for a string that is no id)."""
    value = frame.get("conversation")
    if not isinstance(value, str) or len(value) > 64:
        raise FrameRefused("invalid_field", "`conversation` must be a conversation id.")
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _may_reply(conversation_id: int, agent: Any) -> bool:
    """Whether the agent owns the conversation (the one who may reply, or a superuser)."""
    found = Conversation.objects.filter(pk=conversation_id, status=Status.AGENT).values_list(
        "assigned_agent_id", flat=True
    )
    owner = next(iter(found), False)
    return owner is not False and (owner == agent.pk or agent.is_superuser)


def _render_entry(entry: Entry) -> str:
    return render_to_string("inbox/conversation.html#entry", {"entry": entry})


class InboxConsumer(AsyncWebsocketConsumer):
    agent: Any = None
    watching: Conversation | None = None
    counted_present = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # Whatever ends the socket (a close, a crash, a cancelled task), the agent stops
        # counting as online through it.
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.release()

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Every frame and live event first makes sure the agent may still see the inbox.
        if (
            self.agent is not None
            and message["type"] not in ("websocket.connect", "websocket.disconnect")
            and not await self.still_an_agent(force=message["type"] == "inbox.access_changed")
        ):
            return
        await super().dispatch(message)

    async def connect(self) -> None:
        user = self.scope.get("user")
        # Closing before accepting refuses the handshake (HTTP 403): another site's page
        # (scheme, host and port are compared) or someone who is not an agent.
        if not same_site_origin(self.scope) or not await database_sync_to_async(is_agent)(user):
            await self.close()
            return
        self.agent = user
        self.watching = None
        self.watch_groups: list[str] = []
        self.access_checked_at = time.monotonic()
        self.revoked = False
        await self.channel_layer.group_add(INBOX_GROUP, self.channel_name)
        await self.channel_layer.group_add(agent_socket_group(user.pk), self.channel_name)
        await self.accept()
        await database_sync_to_async(presence.socket_opened)(user.pk)
        self.counted_present = True
        await self.channel_layer.group_send(INBOX_GROUP, PRESENCE_EVENT)
        # An agent coming online may take conversations left waiting for want of one.
        await database_sync_to_async(assign_quietly)()

    async def disconnect(self, code: int) -> None:
        await self.release()

    async def still_an_agent(self, *, force: bool = False) -> bool:
        """Whether the agent may still see the inbox, checked against the database at most
        every LADDER_INBOX_ACCESS_CHECK_S (at once when told their access changed); an agent
        who may not is told so and cut off."""
        if self.revoked:
            return False
        if not force and (
            time.monotonic() - self.access_checked_at < settings.LADDER_INBOX_ACCESS_CHECK_S
        ):
            return True
        if await database_sync_to_async(session_still_an_agent)(self.scope, self.agent.pk):
            self.access_checked_at = time.monotonic()
            return True
        self.revoked = True
        # Out of every group and no longer online before the agent hears of it.
        await self.release()
        await self.send_error("access_revoked", "Your access to the inbox has ended.")
        await self.close(code=4003)
        return False

    async def release(self) -> None:
        """Leave the groups and stop counting as online; safe to call more than once."""
        if self.agent is None:
            return
        await self.unwatch()
        await self.channel_layer.group_discard(INBOX_GROUP, self.channel_name)
        await self.channel_layer.group_discard(agent_socket_group(self.agent.pk), self.channel_name)
        if self.counted_present:
            self.counted_present = False
            await database_sync_to_async(presence.socket_closed)(self.agent.pk)
            await self.channel_layer.group_send(INBOX_GROUP, PRESENCE_EVENT)

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def send_error(self, code: str, detail: str) -> None:
        await self.send_frame({"type": "error", "code": code, "detail": detail})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            frame = load_frame(text_data, bytes_data, INBOX_FRAME_TYPES)
            kind = frame["type"]
            if kind == "ping":
                await database_sync_to_async(presence.heartbeat)(self.agent.pk)
                await self.send_frame({"type": "pong"})
            elif kind == "watch":
                await self.watch(_watched_id(frame))
            elif kind == "typing":
                await self.typing(read_typing(frame).active)
            else:
                await self.unwatch()
        except FrameRefused as refused:
            await self.send_error(refused.code, refused.detail)
        except Exception:
            logger.exception("an inbox frame failed")
            await self.send_error(
                "internal_error", "Something went wrong on the server; reload the page."
            )

    async def watch(self, public_id: uuid.UUID | None) -> None:
        await self.unwatch()
        conversation = (
            await database_sync_to_async(_find_conversation)(public_id) if public_id else None
        )
        if conversation is None:
            await self.send_error("unknown_conversation", "No conversation has that id.")
            return
        self.watching = conversation
        # The customer-visible events, and the staff-only ones (notes).
        self.watch_groups = [conversation.group_name, staff_group(conversation)]
        for group in self.watch_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.send_frame({"type": "watching", "conversation": str(conversation.public_id)})

    async def typing(self, active: bool) -> None:
        """The agent is writing a reply: its customer sees "<name> is typing…"."""
        conversation = self.watching
        if conversation is None:
            raise FrameRefused("not_watching", "Open a conversation before typing in it.")
        # The throttle first: the ownership check costs a query, at most one per interval.
        if not typing_indicators.due(conversation.pk, typing_indicators.AGENT, active):
            return
        if not await database_sync_to_async(_may_reply)(conversation.pk, self.agent):
            raise FrameRefused("claim_first", "Claim the conversation before replying.")
        await self.channel_layer.group_send(
            conversation.group_name,
            typing_indicators.typing_event(
                typing_indicators.AGENT, active, agent_display_name(self.agent)
            ),
        )

    async def unwatch(self) -> None:
        for group in self.watch_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.watch_groups = []
        self.watching = None

    async def send_entry(self, entry: Entry) -> None:
        html = await sync_to_async(_render_entry)(entry)
        await self.send_frame({"type": "transcript.entry", "seq": entry.seq, "html": html})
        if self.watching is not None and entry.seq:
            # The agent has this message in front of them: it is no longer unread.
            await database_sync_to_async(mark_read)(self.agent.pk, self.watching.pk, entry.seq)

    # Inbox-wide events

    async def inbox_access_changed(self, event: dict[str, Any]) -> None:
        # dispatch() has checked again; an agent who may go on needs nothing more.
        return

    async def inbox_changed(self, event: dict[str, Any]) -> None:
        status = (event.get("status") or {}).get("status")
        await self.send_frame(
            {
                "type": "queue.changed",
                "conversation": event.get("conversation"),
                "status": status,
                "waiting": await database_sync_to_async(waiting_count)(),
            }
        )

    async def inbox_presence(self, event: dict[str, Any]) -> None:
        await self.send_frame({"type": "presence.changed"})

    async def inbox_note(self, event: dict[str, Any]) -> None:
        await self.send_entry(Entry.from_frame(event["frame"]))

    # The watched conversation's events, as its customer socket gets them

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_entry(Entry.from_frame(event["frame"]))

    async def chat_status(self, event: dict[str, Any]) -> None:
        # The panel is re-fetched on the inbox.changed that goes with every status change.
        return

    async def chat_typing(self, event: dict[str, Any]) -> None:
        frame = typing_indicators.frame_for(event, typing_indicators.AGENT)
        if frame is not None:
            await self.send_frame(frame)

    async def chat_stream_start(self, event: dict[str, Any]) -> None:
        entry = Entry.from_frame({"seq": event["seq"], "role": "assistant"}, streaming=True)
        html = await sync_to_async(_render_entry)(entry)
        await self.send_frame({"type": "transcript.stream_start", "seq": entry.seq, "html": html})

    async def chat_stream_delta(self, event: dict[str, Any]) -> None:
        await self.send_frame(
            {
                "type": "transcript.delta",
                "seq": event["seq"],
                "offset": event["offset"],
                "text": event["text"],
            }
        )

    async def chat_stream_end(self, event: dict[str, Any]) -> None:
        await self.send_entry(Entry.from_frame(event["frame"]))

"""The inbox socket at /ws/inbox/: queue changes, presence, and the live transcript of the
conversation an agent is viewing, as small JSON frames (transcript entries pre-rendered).

Client frames: {"type": "watch", "conversation": "<uuid>"}, {"type": "unwatch"},
{"type": "ping"}. Only support agents may connect; everyone else is turned away.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.template.loader import render_to_string

from support.conversations.agent_actions import is_agent, staff_group
from support.conversations.live import INBOX_GROUP
from support.conversations.models import Conversation
from support.conversations.transcript import Entry

from . import presence
from .queue import mark_read, waiting_count

PRESENCE_EVENT = {"type": "inbox.presence"}


def _find_conversation(public_id: str) -> Conversation | None:
    try:
        return Conversation.objects.filter(public_id=uuid.UUID(public_id)).first()
    except (ValueError, TypeError):
        return None


def _render_entry(entry: Entry) -> str:
    return render_to_string("inbox/conversation.html#entry", {"entry": entry})


class InboxConsumer(AsyncWebsocketConsumer):
    agent: Any = None
    watching: Conversation | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if not await database_sync_to_async(is_agent)(user):
            # Closing before accepting refuses the handshake (HTTP 403).
            await self.close()
            return
        self.agent = user
        self.watching = None
        self.watch_groups: list[str] = []
        await self.channel_layer.group_add(INBOX_GROUP, self.channel_name)
        await self.accept()
        await database_sync_to_async(presence.socket_opened)(user.pk)
        await self.channel_layer.group_send(INBOX_GROUP, PRESENCE_EVENT)

    async def disconnect(self, code: int) -> None:
        if self.agent is None:
            return
        await self.unwatch()
        await self.channel_layer.group_discard(INBOX_GROUP, self.channel_name)
        await database_sync_to_async(presence.socket_closed)(self.agent.pk)
        await self.channel_layer.group_send(INBOX_GROUP, PRESENCE_EVENT)

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            frame = json.loads(text_data or "")
        except ValueError:
            frame = None
        if not isinstance(frame, dict):
            await self.send_frame({"type": "error", "code": "invalid_json"})
            return
        kind = frame.get("type")
        if kind == "ping":
            await database_sync_to_async(presence.heartbeat)(self.agent.pk)
            await self.send_frame({"type": "pong"})
        elif kind == "watch":
            await self.watch(str(frame.get("conversation", "")))
        elif kind == "unwatch":
            await self.unwatch()
        else:
            await self.send_frame({"type": "error", "code": "unknown_type"})

    async def watch(self, public_id: str) -> None:
        await self.unwatch()
        conversation = await database_sync_to_async(_find_conversation)(public_id)
        if conversation is None:
            await self.send_frame({"type": "error", "code": "unknown_conversation"})
            return
        self.watching = conversation
        # The customer-visible events, and the staff-only ones (notes).
        self.watch_groups = [conversation.group_name, staff_group(conversation)]
        for group in self.watch_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.send_frame({"type": "watching", "conversation": str(conversation.public_id)})

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

"""The bare relay `loadtest --baseline` compares us with
(`daphne support.devtools.loadtest.baseline:application`): the SDK's text stream piped to the
socket; no storage, routing or channel layer."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "support.settings")
django.setup()

from anthropic import AsyncAnthropic  # noqa: E402
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import path  # noqa: E402

from routing.prompts import SYSTEM_PROMPT, build_messages  # noqa: E402
from routing.providers.base import Passage  # noqa: E402

# The same kind of request our fast tier makes (system prompt, a passage, the question), so the
# fake server answers both with the same confident, equally long reply.
RELAY_PASSAGE = Passage(
    article_id=1,
    title="Shipping and returns",
    text="Orders ship within 1 to 2 business days and arrive in 3 to 5 business days. "
    "Unused items can be returned within 30 days for a full refund.",
    score=0.9,
)

_client: AsyncAnthropic | None = None


def anthropic_client() -> AsyncAnthropic:
    """One client per process, so every stream shares its connection pool."""
    global _client
    if _client is None:
        _client = AsyncAnthropic(
            api_key=settings.ANTHROPIC_API_KEY or "test",
            base_url=settings.ANTHROPIC_BASE_URL or None,
            max_retries=0,
        )
    return _client


class RelayConsumer(AsyncWebsocketConsumer):
    # No channel layer: a bare relay talks to its own socket only.
    channel_layer_alias = "loadtest-bare-relay-has-no-layer"

    async def connect(self) -> None:
        self.seq = 0
        self.relays: set[asyncio.Task[None]] = set()
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for task in self.relays:
            task.cancel()

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        frame = json.loads(text_data or "{}")
        kind = frame.get("type")
        if kind == "hello":
            conversation = uuid.uuid4().hex
            await self.send_frame(
                {
                    "type": "welcome",
                    "conversation": conversation,
                    "token": conversation,
                    "status": "ai",
                    "history": [],
                }
            )
        elif kind == "message":
            self.seq += 1
            await self.send_frame({"type": "ack", "client_id": frame["client_id"], "seq": self.seq})
            self.seq += 1
            task = asyncio.create_task(self.relay(self.seq, str(frame.get("text", ""))))
            self.relays.add(task)
            task.add_done_callback(self.relays.discard)
        elif kind == "ping":
            await self.send_frame({"type": "pong"})
        else:
            await self.send_frame({"type": "error", "code": "unknown_type", "detail": str(kind)})

    async def relay(self, seq: int, question: str) -> None:
        await self.send_frame({"type": "message_start", "seq": seq, "role": "assistant"})
        stream: Any = await anthropic_client().messages.create(
            model=settings.LADDER_FAST_MODEL,
            max_tokens=settings.LADDER_MAX_OUTPUT_TOKENS,
            system=SYSTEM_PROMPT,
            messages=build_messages([], question, [RELAY_PASSAGE]),  # type: ignore[arg-type]
            stream=True,
        )
        async with stream:
            async for event in stream:
                if event.type == "content_block_delta" and event.delta.type == "text_delta":
                    await self.send_frame({"type": "delta", "seq": seq, "text": event.delta.text})
        await self.send_frame({"type": "message_end", "seq": seq})


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/chat/", RelayConsumer.as_asgi())])}
)

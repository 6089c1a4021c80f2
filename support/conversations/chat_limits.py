"""The abuse limits one customer chat socket answers to (counted by limits.py): frames per socket
and address, messages per conversation and address, new conversations per address. A limit that
acts refuses the frame and is audited at most once a minute per conversation and limit."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings

from . import actions
from .dbthreads import in_conversation
from .frames import FrameRefused
from .limits import LIMITER, Rate, frame_rates, per_hour, per_minute
from .models import Message

logger = logging.getLogger("ladder.chat")

# A limit that acts is audited at most once a minute per conversation (or address) and limit.
AUDIT_LIMIT_EVERY = per_minute("limit-audit", 1)


@dataclass(frozen=True)
class ChatLimits:
    """One socket's limits: `client_key` is its address as limits count it (an IPv6
    address's /64), `socket` its channel name."""

    client_ip: str
    client_key: str
    socket: str

    async def check_frame(self, frame_type: str, conversation_id: int | None) -> None:
        """Every frame counts against its socket and its address, whatever its type."""
        for rate, scope in frame_rates(frame_type):
            identifier = (
                f"socket:{self.socket}" if scope == "socket" else f"address:{self.client_key}"
            )
            wait_s = await LIMITER.retry_after_s(rate, identifier)
            if wait_s:
                await self.refuse(
                    rate,
                    scope,
                    wait_s,
                    frame_type,
                    f"You're sending too quickly; try again in {wait_s} s. That was not done.",
                    conversation_id=conversation_id,
                )

    async def check_message(self, conversation_id: int, client_id: str) -> None:
        per_conversation = per_minute(
            "messages", settings.LADDER_MESSAGES_PER_MINUTE_PER_CONVERSATION
        )
        per_address = per_minute("messages", settings.LADDER_MESSAGES_PER_MINUTE_PER_IP)
        wait_s = await LIMITER.retry_after_s(per_conversation, f"conversation:{conversation_id}")
        scope = "conversation"
        if not wait_s:
            scope = "address"
            wait_s = await LIMITER.retry_after_s(per_address, f"address:{self.client_key}")
        if not wait_s:
            return
        # A resend of a message already stored is never refused: it only gets its ack again.
        if await in_conversation(
            conversation_id,
            Message.objects.filter(conversation_id=conversation_id, client_id=client_id).exists,
        )():
            return
        await self.refuse(
            per_address if scope == "address" else per_conversation,
            scope,
            wait_s,
            "message",
            f"You're sending messages too quickly; try again in {wait_s} s. "
            "Your message was not sent.",
            conversation_id=conversation_id,
        )

    async def check_new_conversation(self) -> None:
        """`hello` with no token makes a conversation: limited per address, and the socket
        closes (the widget dials again after a pause)."""
        rate = per_hour("conversations", settings.LADDER_CONVERSATIONS_PER_HOUR_PER_IP)
        wait_s = await LIMITER.retry_after_s(rate, f"address:{self.client_key}")
        if wait_s:
            await self.refuse(
                rate,
                "address",
                wait_s,
                "hello",
                f"Too many new chats were started from your network; try again in {wait_s} s.",
                code="too_many_conversations",
                close=True,
            )

    async def refuse(
        self,
        rate: Rate,
        scope: str,
        wait_s: int,
        frame_type: str,
        detail: str,
        *,
        conversation_id: int | None = None,
        code: str = "rate_limited",
        close: bool = False,
    ) -> None:
        """Audit the limit that acted (at most once a minute per conversation and limit; with
        no conversation yet, a warning in the log), then refuse the frame."""
        data = {
            "limit": rate.name,
            "per": scope,
            "frame": frame_type,
            "client_ip": self.client_ip,
            "retry_after_s": wait_s,
        }
        audited_by = f"conversation:{conversation_id}" if conversation_id else self.client_key
        if not await LIMITER.retry_after_s(AUDIT_LIMIT_EVERY, audited_by, rate.name, scope):
            if conversation_id is None:
                logger.warning("limit %s acted before any conversation: %s", rate.name, data)
            else:
                await in_conversation(conversation_id, actions.do_record_audit)(
                    conversation_id, "limit.rate_limited", "system", data
                )
        raise FrameRefused(code, detail, close=close, retry_after_s=wait_s)

"""The customer chat websocket at /ws/chat/: PROTOCOL.md, frame by frame.

It parses and validates frames, calls one action, and relays the conversation's live events
(stored messages, streamed answers, status changes) to the socket, each seq exactly once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from . import actions, answering, housekeeping, identity, recovery, typing_indicators, writer
from .actions import ActionRefused
from .dbthreads import in_any_conversation, in_conversation
from .frames import (
    CHAT_FRAME_TYPES,
    CustomerMessage,
    FollowUpEmail,
    FrameRefused,
    Handoff,
    Hello,
    Identify,
    Ping,
    Rating,
    Solved,
    Typing,
    echo_client_id,
    load_frame,
    read_chat_frame,
)
from .i18n import customer_language, widget_strings
from .limits import (
    LIMITER,
    Rate,
    SocketCounter,
    client_address,
    frame_rates,
    limit_key,
    parse_networks,
    per_hour,
    per_minute,
)
from .models import AuditEvent, Conversation, Message, MessageState, Role, Status
from .tokens import TokenRefused, check_token_for, make_token, read_token

logger = logging.getLogger("ladder.chat")

INTERNAL_ERROR_DETAIL = (
    "Something went wrong on our side and that was not done. Please try again; "
    "if it keeps happening, ask for a person."
)
MAX_IDENTIFY_PER_SOCKET = 10


OPEN_SOCKETS = SocketCounter()
# A limit that acts is audited at most once a minute per conversation (or address) and limit.
AUDIT_LIMIT_EVERY = per_minute("limit-audit", 1)


def _history(conversation_id: int, last_seq: int) -> list[dict[str, Any]]:
    """The stored messages after last_seq as `message` frames; an email follow-up offer keeps
    its `offer`, so a widget that resumes elsewhere still shows the address field."""
    messages = list(
        Message.objects.filter(conversation_id=conversation_id, seq__gt=last_seq, internal=False)
        .exclude(state=MessageState.STREAMING)
        .order_by("seq")
    )
    offered: set[int] = set()
    if any(m.role == Role.SYSTEM for m in messages):
        offered = {
            event.data.get("seq")
            for event in AuditEvent.objects.filter(
                conversation_id=conversation_id, kind="follow_up.offered"
            ).only("data")
        }
    return [
        {**m.as_frame(), "offer": "email"} if m.seq in offered else m.as_frame() for m in messages
    ]


def _last_seq_ahead(conversation_last_seq: int) -> FrameRefused:
    return FrameRefused(
        "last_seq_ahead",
        f"`last_seq` is past the conversation's last message ({conversation_last_seq}); "
        "send the highest seq you have seen.",
        last_seq=conversation_last_seq,
    )


def _load_by_public_id(public_id: Any) -> Conversation | None:
    return Conversation.objects.select_related("assigned_agent").filter(public_id=public_id).first()


class ChatConsumer(AsyncWebsocketConsumer):
    conversation: Conversation | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # Whatever ends the socket (a close, a crash, a cancelled task), what it held is freed.
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.release()

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Straight to the handler, without channels' close_old_connections round trip through
        # the database thread first: live chat events touch no database, and every handler
        # that does goes through database_sync_to_async (see dbthreads), which closes stale
        # connections on the thread that uses them. Under load that extra trip queued each
        # customer's message behind other conversations' database work before it was read.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        # Seqs up to delivered_through are on the client; later ones it has are in
        # delivered_after (seqs grow by one, so the set stays as small as the gaps).
        self.delivered_through = 0
        self.delivered_after: set[int] = set()
        self.streaming: dict[int, int] = {}  # seq -> characters of the answer sent so far
        # seq -> deltas held while another process is asked for the answer's text so far
        self.catching_up: dict[int, list[dict[str, Any]]] = {}
        self.origin = self._header("origin")
        self.client_ip = self._client_ip()
        # Limits count by this: the address, or an IPv6 address's /64.
        self.client_key = limit_key(self.client_ip)
        self.counted = False
        self.token_issued_at = 0.0
        self.hello_deadline: asyncio.TimerHandle | None = None
        self.hello_overdue: asyncio.Task[None] | None = None
        await self.accept()
        if self.origin not in settings.WIDGET_ALLOWED_ORIGINS:
            await self.send_error(
                "origin_not_allowed",
                f"This site ({self.origin or 'no origin'}) may not open the chat.",
            )
            await self.close(code=4003)
            return
        if not OPEN_SOCKETS.try_open(self.client_key, settings.LADDER_MAX_SOCKETS_PER_IP):
            await self.send_error(
                "too_many_sockets",
                f"At most {settings.LADDER_MAX_SOCKETS_PER_IP} chats may be open from one "
                "address at once; close one and try again.",
            )
            await self.close(code=4029)
            return
        self.counted = True
        self.hello_deadline = asyncio.get_running_loop().call_later(
            settings.LADDER_HELLO_TIMEOUT_S, self._hello_overdue
        )
        housekeeping.ensure_started()

    def _hello_overdue(self) -> None:
        if self.conversation is None and self.counted:
            self.hello_overdue = asyncio.get_running_loop().create_task(self._close_without_hello())

    async def _close_without_hello(self) -> None:
        seconds = settings.LADDER_HELLO_TIMEOUT_S
        await self.send_error(
            "hello_timeout", f"No `hello` came within {seconds:g} s of connecting; reconnect."
        )
        await self.close(code=4008)
        # The server ends the socket after this close; its slot is free from now on.
        self.release_slot()

    def _client_ip(self) -> str:
        client = self.scope.get("client") or ("", 0)
        return client_address(
            str(client[0]),
            self._header("x-forwarded-for"),
            trust_forwarded=settings.LADDER_TRUST_X_FORWARDED_FOR,
            trusted_proxies=parse_networks(settings.LADDER_TRUSTED_PROXIES),
        )

    def _header(self, name: str) -> str:
        for key, value in self.scope.get("headers", []):
            if key.decode("latin-1").lower() == name:
                return value.decode("latin-1")
        return ""

    async def disconnect(self, code: int) -> None:
        await self.release()

    def release_slot(self) -> None:
        if getattr(self, "counted", False):
            OPEN_SOCKETS.close(self.client_key)
            self.counted = False

    async def release(self) -> None:
        """Free the socket's slot, timer and group; safe to call more than once."""
        self.release_slot()
        deadline = getattr(self, "hello_deadline", None)
        if deadline is not None:
            deadline.cancel()
            self.hello_deadline = None
        if self.conversation is not None:
            group, self.conversation = self.conversation.group_name, None
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                # The layer forgets the member when its group expires.
                logger.warning("could not leave %s", group, exc_info=True)

    def is_delivered(self, seq: int) -> bool:
        return seq <= self.delivered_through or seq in self.delivered_after

    def mark_delivered(self, seq: int) -> None:
        if seq <= self.delivered_through:
            return
        self.delivered_after.add(seq)
        while self.delivered_through + 1 in self.delivered_after:
            self.delivered_through += 1
            self.delivered_after.discard(self.delivered_through)

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def send_error(self, code: str, detail: str, **extra: Any) -> None:
        await self.send_frame({"type": "error", "code": code, "detail": detail, **extra})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Every field is read and checked before any handler acts; whatever a handler raises
        # is answered on the socket, which stays open and keeps its bookkeeping.
        raw: dict[str, Any] | None = None
        try:
            raw = load_frame(text_data, bytes_data, CHAT_FRAME_TYPES)
            await self.check_frame_rate(raw["type"])
            self.check_order(raw["type"])
            frame = read_chat_frame(raw)
            await getattr(self, f"on_{raw['type']}")(frame)
        except FrameRefused as refused:
            await self.send_error(
                refused.code, refused.detail, **echo_client_id(raw), **refused.extra
            )
            if refused.close:
                await self.close(code=4000)
        except ActionRefused as refused:
            await self.send_error(refused.code, refused.detail, **echo_client_id(raw))
        except Exception:
            logger.exception("a %s frame failed", raw.get("type") if raw else "chat")
            await self.send_error("internal_error", INTERNAL_ERROR_DETAIL, **echo_client_id(raw))

    def check_order(self, frame_type: str) -> None:
        if frame_type == "hello":
            if self.conversation is not None:
                raise FrameRefused("hello_repeated", "`hello` was already sent on this socket.")
        elif frame_type != "ping" and self.conversation is None:
            raise FrameRefused("hello_required", "Send `hello` before anything else.")

    # Client frames

    async def on_ping(self, frame: Ping) -> None:
        await self.send_frame({"type": "pong"})

    async def on_hello(self, frame: Hello) -> None:
        token, last_seq = frame.token, frame.last_seq
        page = identity.check_page(frame.page)
        if token is None:
            if last_seq:
                raise _last_seq_ahead(0)
            await self.check_new_conversation()
            conversation = await in_any_conversation(actions.do_start_conversation)(
                origin=self.origin, client_ip=self.client_ip, language=frame.language, page=page
            )
        else:
            claim = read_token(token)
            found = (
                await in_any_conversation(_load_by_public_id)(claim.public_id) if claim else None
            )
            if claim is None or found is None:
                raise FrameRefused("bad_token", "That conversation token is not valid here.")
            try:
                check_token_for(claim, found.token_generation)
            except TokenRefused as refused:
                raise FrameRefused(refused.code, refused.detail) from None
            if last_seq > found.last_seq:
                raise _last_seq_ahead(found.last_seq)
            conversation = found
            if page and page != found.customer_page:
                await in_conversation(found.pk, identity.do_note_customer_page)(found.pk, page)
        self.conversation = conversation
        if self.hello_deadline is not None:
            self.hello_deadline.cancel()
            self.hello_deadline = None
        await self.channel_layer.group_add(conversation.group_name, self.channel_name)
        history = (
            await in_conversation(conversation.pk, _history)(conversation.pk, last_seq)
            if token is not None
            else []
        )
        # Everything up to last_seq the client has; history brings the rest.
        self.delivered_through = last_seq
        for message in history:
            self.mark_delivered(message["seq"])
        welcome: dict[str, Any] = {
            "type": "welcome",
            "conversation": str(conversation.public_id),
            "token": self.fresh_token(),
            "status": conversation.status,
            "history": history,
        }
        if conversation.status == Status.AGENT and conversation.assigned_agent is not None:
            welcome["agent"] = actions.agent_display_name(conversation.assigned_agent)
        # The widget's texts in the customer's language (the conversation's, else the browser's).
        welcome["language"] = customer_language(conversation.language or frame.language)
        welcome["strings"] = widget_strings(welcome["language"])
        await self.send_frame(welcome)
        # Read without an await in between, so no delta slips between snapshot and relay.
        live = answering.LIVE_STREAMS.get(conversation.pk)
        if live is not None and not self.is_delivered(live.seq):
            self.streaming[live.seq] = len(live.text)
            await self.send_frame({"type": "message_start", "seq": live.seq, "role": "assistant"})
            if live.text:
                await self.send_frame({"type": "delta", "seq": live.seq, "text": live.text})
        if token is not None:
            # Only a resumed conversation can owe an answer from a process that died.
            await recovery.resume_unanswered(conversation.pk)

    async def on_message(self, frame: CustomerMessage) -> None:
        assert self.conversation is not None
        client_id = frame.client_id
        await self.check_rate(client_id)
        stored = await writer.record_customer_message(
            self.conversation.pk, client_id=client_id, text=frame.text
        )
        acked_at = time.perf_counter()
        self.mark_delivered(stored.message.seq)
        await self.send_frame({"type": "ack", "client_id": client_id, "seq": stored.message.seq})
        if time.monotonic() - self.token_issued_at > settings.LADDER_TOKEN_IDLE_S / 2:
            # An active visitor's token never runs out: it is replaced before half its time.
            await self.send_frame({"type": "token", "token": self.fresh_token()})
        if stored.created and stored.conversation.status == "ai":
            answering.schedule_answer(
                self.conversation.pk, stored.message.seq, acked_at, self.client_key
            )

    async def check_rate(self, client_id: str) -> None:
        assert self.conversation is not None
        conversation_id = self.conversation.pk
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
        await self.refuse_for_rate(
            per_address if scope == "address" else per_conversation,
            scope,
            wait_s,
            "message",
            f"You're sending messages too quickly; try again in {wait_s} s. "
            "Your message was not sent.",
        )

    async def check_frame_rate(self, frame_type: str) -> None:
        """Every frame counts against its socket and its address, whatever its type."""
        for rate, scope in frame_rates(frame_type):
            identifier = (
                f"socket:{self.channel_name}" if scope == "socket" else f"address:{self.client_key}"
            )
            wait_s = await LIMITER.retry_after_s(rate, identifier)
            if wait_s:
                await self.refuse_for_rate(
                    rate,
                    scope,
                    wait_s,
                    frame_type,
                    f"You're sending too quickly; try again in {wait_s} s. That was not done.",
                )

    async def check_new_conversation(self) -> None:
        """`hello` with no token makes a conversation: limited per address, and the socket
        closes (the widget dials again after a pause)."""
        rate = per_hour("conversations", settings.LADDER_CONVERSATIONS_PER_HOUR_PER_IP)
        wait_s = await LIMITER.retry_after_s(rate, f"address:{self.client_key}")
        if wait_s:
            await self.refuse_for_rate(
                rate,
                "address",
                wait_s,
                "hello",
                f"Too many new chats were started from your network; try again in {wait_s} s.",
                code="too_many_conversations",
                close=True,
            )

    async def refuse_for_rate(
        self,
        rate: Rate,
        scope: str,
        wait_s: int,
        frame_type: str,
        detail: str,
        *,
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
        conversation_id = self.conversation.pk if self.conversation is not None else None
        audited_by = f"conversation:{conversation_id}" if conversation_id else self.client_key
        if not await LIMITER.retry_after_s(AUDIT_LIMIT_EVERY, audited_by, rate.name, scope):
            if conversation_id is None:
                logger.warning("limit %s acted before any conversation: %s", rate.name, data)
            else:
                await in_conversation(conversation_id, actions.do_record_audit)(
                    conversation_id, "limit.rate_limited", "system", data
                )
        raise FrameRefused(code, detail, close=close, retry_after_s=wait_s)

    def fresh_token(self) -> str:
        assert self.conversation is not None
        self.token_issued_at = time.monotonic()
        return make_token(self.conversation.public_id, self.conversation.token_generation)

    async def on_handoff(self, frame: Handoff) -> None:
        assert self.conversation is not None
        await answering.request_person(self.conversation.pk)

    async def on_solved(self, frame: Solved) -> None:
        """The customer says the answer solved it (the widget's "Yes, that solved it")."""
        assert self.conversation is not None
        await in_conversation(self.conversation.pk, actions.do_mark_solved)(self.conversation.pk)

    async def on_rating(self, frame: Rating) -> None:
        assert self.conversation is not None
        await in_conversation(self.conversation.pk, actions.do_rate_conversation)(
            self.conversation.pk, score=frame.score, comment=frame.comment
        )

    async def on_identify(self, frame: Identify) -> None:
        """The site says who the customer is (LadderWidget.identify); verified by its HMAC."""
        assert self.conversation is not None
        # A site identifies once a page load; a socket that keeps asking is refused.
        self.identify_count = getattr(self, "identify_count", 0) + 1
        if self.identify_count > MAX_IDENTIFY_PER_SOCKET:
            raise FrameRefused("rate_limited", "Identified too often on this connection.")
        who = identity.check_identity(frame.fields, self.origin)
        await in_conversation(self.conversation.pk, identity.do_identify_customer)(
            self.conversation.pk, who
        )
        await self.send_frame({"type": "identified", "verified": who.verified})

    async def on_email(self, frame: FollowUpEmail) -> None:
        """The customer left an address for a reply by email (offered when nobody is online)."""
        assert self.conversation is not None
        from .agent_actions import do_record_follow_up_email

        await in_conversation(self.conversation.pk, do_record_follow_up_email)(
            self.conversation.pk, frame.email
        )
        await self.send_frame({"type": "email_saved"})

    async def on_typing(self, frame: Typing) -> None:
        """The customer is writing: agents watching see it; nothing is stored."""
        assert self.conversation is not None
        await typing_indicators.relay(
            self.channel_layer,
            self.conversation.group_name,
            self.conversation.pk,
            typing_indicators.CUSTOMER,
            frame.active,
        )

    # Live events from the conversation's group

    async def chat_typing(self, event: dict[str, Any]) -> None:
        frame = typing_indicators.frame_for(event, typing_indicators.CUSTOMER)
        if frame is not None:
            await self.send_frame(frame)

    async def chat_message(self, event: dict[str, Any]) -> None:
        frame = event["frame"]
        if self.is_delivered(frame["seq"]):
            return
        self.mark_delivered(frame["seq"])
        self.streaming.pop(frame["seq"], None)
        await self.send_frame(frame)

    async def chat_status(self, event: dict[str, Any]) -> None:
        await self.send_frame(event["frame"])

    async def chat_revoked(self, event: dict[str, Any]) -> None:
        """The conversation was erased: its tokens are revoked and its sockets closed."""
        await self.send_error("token_revoked", "This conversation was closed for good.")
        await self.close(code=4001)

    async def chat_stream_start(self, event: dict[str, Any]) -> None:
        seq = event["seq"]
        if self.is_delivered(seq) or seq in self.streaming:
            return
        self.streaming[seq] = 0
        await self.send_frame({"type": "message_start", "seq": seq, "role": "assistant"})

    async def chat_stream_delta(self, event: dict[str, Any]) -> None:
        seq, offset, text = event["seq"], event["offset"], event["text"]
        sent = self.streaming.get(seq)
        if sent is None or seq in self.catching_up:
            await self.catch_up(event)
            return
        if offset > sent:
            # A piece of this answer never arrived (a shared layer may drop an event): fill
            # the gap from the text so far, here if this process streams it, else from the
            # process that does.
            live = answering.LIVE_STREAMS.get(self.conversation.pk) if self.conversation else None
            if live is None or live.seq != seq or len(live.text) < offset:
                await self.catch_up(event)
                return
            await self.send_answer_text(seq, live.text[:offset])
        await self.send_answer_text(seq, text, offset)

    async def send_answer_text(self, seq: int, text: str, offset: int = 0) -> None:
        """Send what of `text` (the answer's characters from `offset` on) this socket has not
        sent yet."""
        sent = self.streaming[seq]
        end = offset + len(text)
        if end <= sent:
            return
        self.streaming[seq] = end
        await self.send_frame({"type": "delta", "seq": seq, "text": text[sent - offset :]})

    async def catch_up(self, event: dict[str, Any]) -> None:
        """An answer another process streams, joined mid-way or with a piece missing: ask that
        process for the text so far and hold the deltas until it answers. (Without a source,
        message_end brings the rest.)"""
        seq, source = event["seq"], event.get("source")
        if self.is_delivered(seq) or not isinstance(source, str):
            return
        held = self.catching_up.get(seq)
        if held is not None:
            held.append(event)
            return
        self.catching_up[seq] = [event]
        await self.channel_layer.send(
            source, {"type": "stream.catch_up", "seq": seq, "reply_to": self.channel_name}
        )

    async def chat_stream_catch_up(self, event: dict[str, Any]) -> None:
        seq = event["seq"]
        held = self.catching_up.pop(seq, None)
        if held is None or self.is_delivered(seq):
            return
        if seq not in self.streaming:
            self.streaming[seq] = 0
            await self.send_frame({"type": "message_start", "seq": seq, "role": "assistant"})
        await self.send_answer_text(seq, event["text"])
        for later in held:
            await self.chat_stream_delta(later)

    async def chat_stream_end(self, event: dict[str, Any]) -> None:
        seq = event["seq"]
        self.catching_up.pop(seq, None)
        if self.is_delivered(seq):
            return
        self.mark_delivered(seq)
        if seq not in self.streaming:
            await self.send_frame(event["frame"])
            return
        # The streamed part of the stored text; whatever of it never arrived goes out now.
        tail = event.get("tail") or ""
        stored = event["frame"].get("text", "")
        await self.send_answer_text(seq, stored[: len(stored) - len(tail)])
        del self.streaming[seq]
        if tail:
            await self.send_frame({"type": "delta", "seq": seq, "text": tail})
        frame: dict[str, Any] = {"type": "message_end", "seq": seq}
        if event["frame"].get("interrupted"):
            frame["interrupted"] = True
        await self.send_frame(frame)

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

from . import (
    actions,
    answer_tasks,
    closing,
    handoff,
    housekeeping,
    identity,
    recovery,
    typing_indicators,
    writer,
)
from .actions import ActionRefused
from .chat_limits import ChatLimits
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
    SocketCounter,
    client_address,
    limit_key,
    parse_networks,
)
from .models import Conversation, Status
from .stored_frames import read_stored, stored_history
from .streaming import StreamRelay
from .tokens import TokenRefused, check_token_for, make_token, read_token

logger = logging.getLogger("ladder.chat")

INTERNAL_ERROR_DETAIL = (
    "Something went wrong on our side and that was not done. Please try again; "
    "if it keeps happening, ask for a person."
)
MAX_IDENTIFY_PER_SOCKET = 10


OPEN_SOCKETS = SocketCounter()


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
        # What this socket was sent: each message once, streamed answers as far as they went.
        self.relay = StreamRelay(
            self.send_frame, self.channel_layer, self.channel_name, read_stored
        )
        self.origin = self._header("origin")
        self.client_ip = self._client_ip()
        # Limits count by this: the address, or an IPv6 address's /64.
        self.client_key = limit_key(self.client_ip)
        self.limits = ChatLimits(self.client_ip, self.client_key, self.channel_name)
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
        """Free the socket's slot, timers and group; safe to call more than once."""
        self.release_slot()
        relay = getattr(self, "relay", None)
        if relay is not None:
            relay.close()
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
            await self.limits.check_frame(
                raw["type"], self.conversation.pk if self.conversation is not None else None
            )
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
        page = identity.check_page(frame.page)
        if frame.token is None:
            conversation = await self.start_conversation(frame, page)
        else:
            conversation = await self.resume_conversation(frame.token, frame.last_seq, page)
        self.conversation = conversation
        if self.hello_deadline is not None:
            self.hello_deadline.cancel()
            self.hello_deadline = None
        await self.channel_layer.group_add(conversation.group_name, self.channel_name)
        history = (
            await in_conversation(conversation.pk, stored_history)(conversation.pk, frame.last_seq)
            if frame.token is not None
            else []
        )
        await self.send_frame(self.welcome(conversation, history, frame.language))
        await self.relay.join(conversation.pk, frame.last_seq, history)
        if frame.token is not None and conversation.status == Status.AI:
            # An answer may be under way: if its events never come, the relay reads it.
            self.relay.expect_reply()
        if frame.token is not None:
            # Only a resumed conversation can owe an answer from a process that died.
            await recovery.resume_unanswered(conversation.pk)

    async def start_conversation(self, frame: Hello, page: str) -> Conversation:
        if frame.last_seq:
            raise _last_seq_ahead(0)
        await self.limits.check_new_conversation()
        return await in_any_conversation(actions.do_start_conversation)(
            origin=self.origin, client_ip=self.client_ip, language=frame.language, page=page
        )

    async def resume_conversation(self, token: str, last_seq: int, page: str) -> Conversation:
        claim = read_token(token)
        found = await in_any_conversation(_load_by_public_id)(claim.public_id) if claim else None
        if claim is None or found is None:
            raise FrameRefused("bad_token", "That conversation token is not valid here.")
        try:
            check_token_for(claim, found.token_generation)
        except TokenRefused as refused:
            raise FrameRefused(refused.code, refused.detail) from None
        if last_seq > found.last_seq:
            raise _last_seq_ahead(found.last_seq)
        if page and page != found.customer_page:
            await in_conversation(found.pk, identity.do_note_customer_page)(found.pk, page)
        return found

    def welcome(
        self, conversation: Conversation, history: list[dict[str, Any]], browser_language: str
    ) -> dict[str, Any]:
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
        welcome["language"] = customer_language(conversation.language or browser_language)
        welcome["strings"] = widget_strings(welcome["language"])
        return welcome

    async def on_message(self, frame: CustomerMessage) -> None:
        assert self.conversation is not None
        client_id = frame.client_id
        await self.limits.check_message(self.conversation.pk, client_id)
        stored = await writer.record_customer_message(
            self.conversation.pk, client_id=client_id, text=frame.text
        )
        acked_at = time.perf_counter()
        self.relay.mark_delivered(stored.message.seq)
        await self.send_frame({"type": "ack", "client_id": client_id, "seq": stored.message.seq})
        if time.monotonic() - self.token_issued_at > settings.LADDER_TOKEN_IDLE_S / 2:
            # An active visitor's token never runs out: it is replaced before half its time.
            await self.send_frame({"type": "token", "token": self.fresh_token()})
        if stored.created and stored.conversation.status == "ai":
            self.relay.expect_reply()
            answer_tasks.schedule_answer(
                self.conversation.pk, stored.message.seq, acked_at, self.client_key
            )

    def fresh_token(self) -> str:
        assert self.conversation is not None
        self.token_issued_at = time.monotonic()
        return make_token(self.conversation.public_id, self.conversation.token_generation)

    async def on_handoff(self, frame: Handoff) -> None:
        assert self.conversation is not None
        await handoff.request_person(self.conversation.pk)

    async def on_solved(self, frame: Solved) -> None:
        """The customer says the answer solved it (the widget's "Yes, that solved it")."""
        assert self.conversation is not None
        await in_conversation(self.conversation.pk, closing.do_mark_solved)(self.conversation.pk)

    async def on_rating(self, frame: Rating) -> None:
        assert self.conversation is not None
        await in_conversation(self.conversation.pk, closing.do_rate_conversation)(
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
        await self.relay.message(event["frame"])

    async def chat_status(self, event: dict[str, Any]) -> None:
        await self.send_frame(event["frame"])

    async def chat_revoked(self, event: dict[str, Any]) -> None:
        """The conversation was erased: its tokens are revoked and its sockets closed."""
        await self.send_error("token_revoked", "This conversation was closed for good.")
        await self.close(code=4001)

    async def chat_stream_start(self, event: dict[str, Any]) -> None:
        await self.relay.stream_start(event)

    async def chat_stream_delta(self, event: dict[str, Any]) -> None:
        await self.relay.stream_delta(event)

    async def chat_stream_catch_up(self, event: dict[str, Any]) -> None:
        await self.relay.stream_catch_up(event)

    async def chat_stream_end(self, event: dict[str, Any]) -> None:
        await self.relay.stream_end(event)

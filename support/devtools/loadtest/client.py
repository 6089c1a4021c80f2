"""One simulated customer: a chat session speaking PROTOCOL.md over a real websocket, keeping a
transcript of every seq it saw so that lost or duplicated messages can be counted afterwards."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from routing.control import CONTROL_PREFIX

from .websocket import WebSocket, WebSocketClosed, WebSocketError

CHAT_PATH = "/ws/chat/"


def visible_text(answer: str) -> str:
    """What a customer would read of an answer so far: without a leading control line."""
    text = answer.lstrip()
    if text[: len(CONTROL_PREFIX)].lower() == CONTROL_PREFIX or CONTROL_PREFIX.startswith(
        text.lower()
    ):
        end = text.find("]]")
        return "" if end < 0 else text[end + 2 :].strip()
    return text.strip()


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    def __str__(self) -> str:
        return f"ws://{self.host}:{self.port}{CHAT_PATH}"


@dataclass
class Audit:
    """How one conversation's transcript compares with its stored history."""

    lost: int = 0
    duplicated: int = 0
    mismatched: int = 0
    details: list[str] = field(default_factory=list)


class Transcript:
    """Every message one customer saw, across all the sockets it used, by seq."""

    def __init__(self) -> None:
        self.completions: Counter[int] = Counter()  # seq -> times seen whole
        self.texts: dict[int, str] = {}
        self.roles: dict[int, str] = {}
        self.partial: dict[int, str] = {}  # answers streaming now, by seq
        self.sent: dict[str, str] = {}  # client_id -> text
        self.acked: dict[str, int] = {}  # client_id -> seq
        self.status = "ai"
        self.error_codes: Counter[str] = Counter()
        self.protocol_errors: list[str] = []

    def resume_seq(self) -> int:
        """The `last_seq` to resume with: everything up to it was seen whole."""
        if self.partial:
            return min(self.partial) - 1
        return max(self.completions, default=0)

    def reconnecting(self) -> None:
        # A resume sends a streaming answer's text so far again, from its start.
        self.partial.clear()

    def _complete(self, seq: int, role: str, text: str) -> None:
        self.completions[seq] += 1
        if seq not in self.texts:
            self.texts[seq] = text
            self.roles[seq] = role

    def record(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        seq: Any = frame.get("seq")
        if kind == "welcome":
            self.status = frame.get("status", self.status)
            for message in frame.get("history", []):
                self.partial.pop(message["seq"], None)
                self._complete(message["seq"], message.get("role", ""), message.get("text", ""))
        elif kind == "ack":
            client_id = frame["client_id"]
            self.acked.setdefault(client_id, seq)
            # A repeated client_id is acked again by design: not a second copy.
            if self.roles.get(seq) != "customer":
                self._complete(seq, "customer", self.sent.get(client_id, ""))
        elif kind == "message_start":
            if seq in self.partial:
                self.protocol_errors.append(f"message_start repeated for seq {seq}")
            self.partial[seq] = ""
        elif kind == "delta":
            if seq not in self.partial:
                self.protocol_errors.append(f"delta for seq {seq} without message_start")
                self.partial[seq] = ""
            self.partial[seq] += frame.get("text", "")
        elif kind == "message_end":
            if seq not in self.partial:
                self.protocol_errors.append(f"message_end for seq {seq} without message_start")
            self._complete(seq, "assistant", self.partial.pop(seq, ""))
        elif kind == "message":
            self.partial.pop(seq, None)
            self._complete(seq, frame.get("role", ""), frame.get("text", ""))
        elif kind == "status":
            self.status = frame.get("status", self.status)
        elif kind == "error":
            self.error_codes[str(frame.get("code"))] += 1

    def answered_after(self, seq: int) -> str | None:
        """What completed the turn after customer message `seq`: an answer, a handoff notice."""
        for later in sorted(s for s in self.completions if s > seq):
            role = self.roles[later]
            if role == "assistant":
                return "answer"
            if role in ("system", "agent") and self.status != "ai":
                return "handoff"
        return None

    def compare(self, history: list[dict[str, Any]]) -> Audit:
        """Stored history (every message, fetched afresh with last_seq=0) against what was seen."""
        audit = Audit()
        stored = {message["seq"]: message for message in history}
        for seq, message in sorted(stored.items()):
            if seq not in self.completions:
                audit.lost += 1
                audit.details.append(f"seq {seq} ({message.get('role')}) stored, never seen")
            elif self.texts[seq] != message.get("text", ""):
                audit.mismatched += 1
                audit.details.append(
                    f"seq {seq} seen as {self.texts[seq][:60]!r}, "
                    f"stored as {message.get('text', '')[:60]!r}"
                )
        for seq, count in sorted(self.completions.items()):
            if count > 1:
                audit.duplicated += count - 1
                audit.details.append(f"seq {seq} seen {count} times")
            if seq not in stored:
                audit.duplicated += 1
                audit.details.append(f"seq {seq} seen, not stored")
        for client_id, seq in self.acked.items():
            acked = stored.get(seq)
            if acked is None or acked.get("role") != "customer":
                audit.lost += 1
                audit.details.append(f"acked message {client_id} (seq {seq}) not stored")
        customers = sum(1 for m in stored.values() if m.get("role") == "customer")
        if customers > len(self.sent):
            audit.duplicated += customers - len(self.sent)
            audit.details.append(f"{customers} customer messages stored, {len(self.sent)} sent")
        return audit


@dataclass
class Turn:
    """One question and how its answer arrived."""

    sent_at: float
    acked_at: float | None = None
    first_delta_at: float | None = None
    # The first delta carrying answer text (past a control line a bare relay passes through).
    first_visible_at: float | None = None
    finished_at: float | None = None
    outcome: str = ""  # answer, handoff, error, timeout
    dropped: bool = False


class TurnFailed(Exception):
    pass


class ChatSession:
    """A customer: opens a conversation, asks questions in turn, resumes after drops."""

    def __init__(
        self,
        endpoints: list[Endpoint],
        *,
        origin: str,
        first: int = 0,
        rng: random.Random | None = None,
        connect_timeout_s: float = 10.0,
    ) -> None:
        self.endpoints = endpoints
        self.endpoint_index = first % len(endpoints)
        self.origin = origin
        self.rng = rng or random.Random()
        self.connect_timeout_s = connect_timeout_s
        self.socket: WebSocket | None = None
        self.token: str | None = None
        self.conversation = ""
        self.transcript = Transcript()
        self.turns: list[Turn] = []
        self.reconnects = 0
        self.unexpected_closes = 0
        self.frames = 0
        self.delta_frames = 0

    @property
    def endpoint(self) -> Endpoint:
        return self.endpoints[self.endpoint_index]

    async def open(self, *, last_seq: int | None = None) -> None:
        """Connect and say hello (resuming the conversation when it has a token)."""
        endpoint = self.endpoint
        self.socket = await WebSocket.connect(
            endpoint.host,
            endpoint.port,
            CHAT_PATH,
            origin=self.origin,
            timeout_s=self.connect_timeout_s,
        )
        hello_seq = self.transcript.resume_seq() if last_seq is None else last_seq
        self.socket.send_json({"type": "hello", "token": self.token, "last_seq": hello_seq})
        while True:
            _, frame = await self.socket.receive()
            self._count(frame)
            self.transcript.record(frame)
            if frame.get("type") == "welcome":
                self.token = frame["token"]
                self.conversation = frame["conversation"]
                return
            if frame.get("type") == "error":
                raise WebSocketError(f"hello refused: {frame.get('code')}: {frame.get('detail')}")

    async def reconnect(self, *, other_endpoint: bool) -> None:
        if self.socket is not None:
            self.socket.abort()
        self.reconnects += 1
        self.transcript.reconnecting()
        if other_endpoint and len(self.endpoints) > 1:
            self.endpoint_index = (self.endpoint_index + 1) % len(self.endpoints)
        await self.open()

    def _count(self, frame: dict[str, Any]) -> None:
        self.frames += 1
        if frame.get("type") == "delta":
            self.delta_frames += 1

    async def ask(self, text: str, *, drop_after_deltas: int | None = None) -> Turn:
        """Send one question and read until it is answered or handed to people."""
        assert self.socket is not None
        client_id = uuid.uuid4().hex
        self.transcript.sent[client_id] = text
        turn = Turn(sent_at=time.perf_counter())
        self.turns.append(turn)
        self.socket.send_json({"type": "message", "client_id": client_id, "text": text})
        deltas_seen = 0
        while True:
            try:
                arrived_at, frame = await self.socket.receive()
            except WebSocketClosed:
                # The server closed on us: count it, then resume as the widget would.
                self.unexpected_closes += 1
                await self.reconnect(other_endpoint=False)
                self._resend_if_unacked(client_id, text)
                if self._turn_done(turn, client_id, time.perf_counter()):
                    return turn
                continue
            self._count(frame)
            self.transcript.record(frame)
            kind = frame.get("type")
            if kind == "ack" and frame.get("client_id") == client_id:
                turn.acked_at = arrived_at
            elif kind == "error":
                turn.outcome = "error"
                turn.finished_at = arrived_at
                raise TurnFailed(f"error frame {frame.get('code')}: {frame.get('detail')}")
            elif kind == "delta" and self._answers(frame.get("seq"), client_id):
                deltas_seen += 1
                if turn.first_delta_at is None:
                    turn.first_delta_at = arrived_at
                if turn.first_visible_at is None and visible_text(
                    self.transcript.partial.get(frame["seq"], "")
                ):
                    turn.first_visible_at = arrived_at
                if drop_after_deltas is not None and deltas_seen == drop_after_deltas:
                    turn.dropped = True
                    await self.reconnect(other_endpoint=True)
                    self._resend_if_unacked(client_id, text)
                    arrived_at = time.perf_counter()
            if self._turn_done(turn, client_id, arrived_at):
                return turn

    def _answers(self, seq: Any, client_id: str) -> bool:
        acked = self.transcript.acked.get(client_id)
        return acked is not None and isinstance(seq, int) and seq > acked

    def _resend_if_unacked(self, client_id: str, text: str) -> None:
        if client_id not in self.transcript.acked and self.socket is not None:
            self.socket.send_json({"type": "message", "client_id": client_id, "text": text})

    def _turn_done(self, turn: Turn, client_id: str, now: float) -> bool:
        acked = self.transcript.acked.get(client_id)
        if acked is None:
            return False
        outcome = self.transcript.answered_after(acked)
        if outcome is None:
            return False
        turn.outcome = outcome
        turn.finished_at = now
        return True

    async def drain(self, quiet_s: float) -> None:
        """Read what is still coming (a handoff notice after its status) until quiet."""
        if self.socket is None:
            return
        while True:
            try:
                async with asyncio.timeout(quiet_s):
                    _, frame = await self.socket.receive()
            except (TimeoutError, WebSocketClosed):
                return
            self._count(frame)
            self.transcript.record(frame)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
            self.socket = None

    async def stored_history(self) -> list[dict[str, Any]]:
        """Every stored message of this conversation, read on a fresh socket (last_seq=0)."""
        endpoint = self.endpoint
        socket = await WebSocket.connect(
            endpoint.host,
            endpoint.port,
            CHAT_PATH,
            origin=self.origin,
            timeout_s=self.connect_timeout_s,
        )
        try:
            socket.send_json({"type": "hello", "token": self.token, "last_seq": 0})
            while True:
                _, frame = await socket.receive()
                if frame.get("type") == "welcome":
                    return list(frame.get("history", []))
                if frame.get("type") == "error":
                    raise WebSocketError(f"history refused: {frame.get('code')}")
        finally:
            await socket.close()

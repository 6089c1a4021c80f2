"""An answer's text on its way to the sockets watching the conversation: both halves.

The producing half (`StreamEmitter`) sends the text to the conversation's group in coalesced
pieces, each with its offset, and keeps the text so far for sockets that join mid-answer. The
consuming half (`StreamRelay`, one per customer socket) turns those events into PROTOCOL.md
frames, each character once: it resumes an answer under way, fills a missed piece from the text
so far, and asks the streaming process for that text when it is another process. A socket
waiting on an answer that hears nothing for a while reads what it lacks from the database: a
shared layer drops events when a process falls behind, the end of an answer among them.

Whether the sockets of the site share this process (the in-memory layer) or several processes
share a layer (Redis) is decided by `one_process` alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings

logger = logging.getLogger("ladder.chat")


def one_process(layer: Any = None) -> bool:
    """True when every socket of the site is served by this process (the in-memory channel
    layer); False when processes share a layer, so an answer may stream on another one."""
    return isinstance(layer if layer is not None else get_channel_layer(), InMemoryChannelLayer)


@dataclass
class LiveStream:
    """The visible part of an answer streaming now in this process (for resuming sockets)."""

    seq: int
    text: str = ""
    # With a shared (Redis) layer: the task that tells sockets on other processes, which
    # joined mid-answer, the text so far.
    catch_up: asyncio.Task[None] | None = None


# conversation pk -> its answer streaming now; read by sockets that resume mid-answer.
LIVE_STREAMS: dict[int, LiveStream] = {}


def end_live_stream(conversation_id: int) -> None:
    live = LIVE_STREAMS.pop(conversation_id, None)
    if live is not None and live.catch_up is not None:
        live.catch_up.cancel()


# -- The producing half ----------------------------------------------------------------------


class StreamEmitter:
    """Sends an answer's visible text to the conversation's group, coalesced: the first piece
    at once, then at most one frame per flush interval (or when enough text piles up)."""

    def __init__(self, layer: Any, group: str, conversation_id: int, seq: int) -> None:
        self.layer = layer
        self.group = group
        self.live = LiveStream(seq=seq)
        self.conversation_id = conversation_id
        self.pending = ""
        self.last_flush = 0.0
        self.interval_s = settings.LADDER_DELTA_FLUSH_MS / 1000
        self.max_chars = settings.LADDER_DELTA_FLUSH_CHARS
        # Where sockets on other processes ask for the text so far (shared layers only).
        self.source: str | None = None

    @property
    def text(self) -> str:
        return self.live.text + self.pending

    async def start(self) -> None:
        LIVE_STREAMS[self.conversation_id] = self.live
        event: dict[str, Any] = {"type": "chat.stream_start", "seq": self.live.seq}
        if not one_process(self.layer):
            self.source = await self.layer.new_channel()
            self.live.catch_up = asyncio.create_task(self.serve_catch_ups(self.source))
            event["source"] = self.source
        await self.layer.group_send(self.group, event)

    async def serve_catch_ups(self, channel: str) -> None:
        """Answer sockets that joined this answer mid-way on another process, or missed a
        piece of it: the text sent so far. Ends when the stream does (cancelled)."""
        while True:
            request = await self.layer.receive(channel)
            reply_to = request.get("reply_to")
            if request.get("type") != "stream.catch_up" or not isinstance(reply_to, str):
                continue
            await self.layer.send(
                reply_to,
                {
                    "type": "chat.stream_catch_up",
                    "seq": self.live.seq,
                    "text": self.live.text,
                },
            )

    async def push(self, text: str) -> None:
        self.pending += text
        now = time.perf_counter()
        if now - self.last_flush >= self.interval_s or len(self.pending) >= self.max_chars:
            await self.flush()

    async def flush(self) -> None:
        if not self.pending:
            return
        text, self.pending = self.pending, ""
        # Where this piece starts in the answer: a socket that missed a piece (a shared layer
        # may drop an event) sees the gap and fills it from the text so far.
        offset = len(self.live.text)
        self.live.text += text
        self.last_flush = time.perf_counter()
        await self.layer.group_send(
            self.group,
            {
                "type": "chat.stream_delta",
                "seq": self.live.seq,
                "offset": offset,
                "text": text,
                **({"source": self.source} if self.source else {}),
            },
        )


async def end_stream(
    layer: Any, group: str, conversation_id: int, stored: dict[str, Any], tail: str = ""
) -> None:
    """The answer is stored: sockets get its stored frame (`tail` is stored text that never
    streamed, such as the interruption notice) and the live text is forgotten."""
    await layer.group_send(
        group, {"type": "chat.stream_end", "seq": stored["seq"], "frame": stored, "tail": tail}
    )
    end_live_stream(conversation_id)


# -- The consuming half ----------------------------------------------------------------------

SendFrame = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class StoredTail:
    """What the database holds for a socket from the last seq it has on."""

    # The stored messages after that seq, as `message` frames (answers still streaming left out).
    frames: list[dict[str, Any]]
    # Whether an answer is still to come: the AI has the conversation, and its last message
    # the customer sees is the customer's or an answer still streaming.
    reply_owed: bool


# (conversation pk, seq) -> the conversation's stored messages from that seq on.
ReadStored = Callable[[int, int], Awaitable[StoredTail]]


class StreamRelay:
    """One customer socket's bookkeeping of what it was sent: every message seq once, and each
    answer streaming now up to the characters sent so far.

    While the socket waits on an answer (one it saw start, or one owed to the customer's
    message) and no event comes for `LADDER_RELAY_SILENCE_S`, it reads the conversation's
    stored messages and sends those it lacks: a lost end of an answer never leaves a stored
    answer unseen. The interval doubles, up to eight times, while such reads find nothing."""

    def __init__(
        self,
        send_frame: SendFrame,
        layer: Any,
        channel_name: str,
        read_stored: ReadStored | None = None,
    ) -> None:
        self.send_frame = send_frame
        self.layer = layer
        self.channel_name = channel_name
        self.conversation_id: int | None = None
        # Seqs up to delivered_through are on the client; later ones it has are in
        # delivered_after (seqs grow by one, so the set stays as small as the gaps).
        self.delivered_through = 0
        self.delivered_after: set[int] = set()
        self.streaming: dict[int, int] = {}  # seq -> characters of the answer sent so far
        # seq -> deltas held while another process is asked for the answer's text so far
        self.catching_up: dict[int, list[dict[str, Any]]] = {}
        # Live events and reads of the stored messages take turns (both send frames).
        self.turn = asyncio.Lock()
        self.read_stored = read_stored
        self.reply_owed = False
        self.heard_at = time.monotonic()
        self.silence_s = settings.LADDER_RELAY_SILENCE_S
        self.quiet_timer: asyncio.TimerHandle | None = None
        self.reading: asyncio.Task[None] | None = None

    def is_delivered(self, seq: int) -> bool:
        return seq <= self.delivered_through or seq in self.delivered_after

    def mark_delivered(self, seq: int) -> None:
        if seq <= self.delivered_through:
            return
        self.delivered_after.add(seq)
        while self.delivered_through + 1 in self.delivered_after:
            self.delivered_through += 1
            self.delivered_after.discard(self.delivered_through)

    # -- Waiting on an answer

    def expect_reply(self) -> None:
        """An answer is owed to this socket's customer (a message just acked, or a resume)."""
        self.reply_owed = True
        self.heard()
        self.watch()

    def waiting(self) -> bool:
        return bool(self.streaming or self.catching_up or self.reply_owed)

    def heard(self) -> None:
        self.heard_at = time.monotonic()
        self.silence_s = settings.LADDER_RELAY_SILENCE_S

    def watch(self) -> None:
        """Time the silence while the socket waits (one timer, not one per event)."""
        if self.read_stored is None or self.quiet_timer is not None or self.reading is not None:
            return
        if self.waiting() and self.conversation_id is not None:
            loop = asyncio.get_running_loop()
            self.quiet_timer = loop.call_later(self.silence_s, self.quiet_for_a_while)

    def quiet_for_a_while(self) -> None:
        self.quiet_timer = None
        if not self.waiting():
            return
        loop = asyncio.get_running_loop()
        left = self.heard_at + self.silence_s - time.monotonic()
        if left > 0:
            self.quiet_timer = loop.call_later(left, self.quiet_for_a_while)
            return
        self.reading = loop.create_task(self.read_what_is_stored())

    async def read_what_is_stored(self) -> None:
        assert self.read_stored is not None and self.conversation_id is not None
        sent = 0
        try:
            stored = await self.read_stored(self.conversation_id, self.delivered_through)
            async with self.turn:
                for frame in stored.frames:
                    if not self.is_delivered(frame["seq"]):
                        sent += 1
                        await self.finish(frame["seq"], frame)
                self.reply_owed = stored.reply_owed
        except Exception:
            logger.warning("could not read conversation %s", self.conversation_id, exc_info=True)
        finally:
            self.reading = None
        if sent:
            # A sign that the channel layer drops events (a process falling behind).
            logger.warning(
                "conversation %s: %d stored message(s) sent from the database, their live "
                "events never came",
                self.conversation_id,
                sent,
            )
            self.heard()
        else:
            self.silence_s = min(self.silence_s * 2, settings.LADDER_RELAY_SILENCE_S * 8)
            self.heard_at = time.monotonic()
        self.watch()

    def close(self) -> None:
        """The socket is gone: no more reads for it."""
        self.read_stored = None
        if self.quiet_timer is not None:
            self.quiet_timer.cancel()
            self.quiet_timer = None
        if self.reading is not None:
            self.reading.cancel()
            self.reading = None

    # -- Live events

    async def join(
        self, conversation_id: int, last_seq: int, history: list[dict[str, Any]]
    ) -> None:
        """The client has everything up to `last_seq`, and `history` went out with its welcome:
        an answer this process streams now goes on from the text so far."""
        async with self.turn:
            self.conversation_id = conversation_id
            self.delivered_through = last_seq
            for message in history:
                self.mark_delivered(message["seq"])
            # Read without an await in between, so no delta slips between snapshot and relay.
            live = LIVE_STREAMS.get(conversation_id)
            if live is not None and not self.is_delivered(live.seq):
                self.streaming[live.seq] = len(live.text)
                await self.send_frame(
                    {"type": "message_start", "seq": live.seq, "role": "assistant"}
                )
                if live.text:
                    await self.send_frame({"type": "delta", "seq": live.seq, "text": live.text})
        self.watch()

    async def message(self, frame: dict[str, Any]) -> None:
        """A stored message (a customer's, an agent's, a notice): sent once."""
        self.heard()
        async with self.turn:
            if self.is_delivered(frame["seq"]):
                return
            self.mark_delivered(frame["seq"])
            self.streaming.pop(frame["seq"], None)
            await self.send_frame(frame)

    async def stream_start(self, event: dict[str, Any]) -> None:
        self.heard()
        async with self.turn:
            seq = event["seq"]
            if self.is_delivered(seq) or seq in self.streaming:
                return
            self.streaming[seq] = 0
            await self.send_frame({"type": "message_start", "seq": seq, "role": "assistant"})
        self.watch()

    async def stream_delta(self, event: dict[str, Any]) -> None:
        self.heard()
        async with self.turn:
            await self.relay_delta(event)
        self.watch()

    async def relay_delta(self, event: dict[str, Any]) -> None:
        seq, offset, text = event["seq"], event["offset"], event["text"]
        sent = self.streaming.get(seq)
        if sent is None or seq in self.catching_up:
            await self.catch_up(event)
            return
        if offset > sent:
            # A piece of this answer never arrived (a shared layer may drop an event): fill
            # the gap from the text so far, here if this process streams it, else from the
            # process that does.
            live = LIVE_STREAMS.get(self.conversation_id) if self.conversation_id else None
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
        await self.layer.send(
            source, {"type": "stream.catch_up", "seq": seq, "reply_to": self.channel_name}
        )

    async def stream_catch_up(self, event: dict[str, Any]) -> None:
        self.heard()
        async with self.turn:
            seq = event["seq"]
            held = self.catching_up.pop(seq, None)
            if held is None or self.is_delivered(seq):
                return
            if seq not in self.streaming:
                self.streaming[seq] = 0
                await self.send_frame({"type": "message_start", "seq": seq, "role": "assistant"})
            await self.send_answer_text(seq, event["text"])
            for later in held:
                await self.relay_delta(later)
        self.watch()

    async def stream_end(self, event: dict[str, Any]) -> None:
        self.heard()
        async with self.turn:
            await self.finish(event["seq"], event["frame"], event.get("tail") or "")

    async def finish(self, seq: int, frame: dict[str, Any], tail: str = "") -> None:
        """The message at `seq` is stored as `frame`: the rest of its text and its end if it
        was streaming here, else the whole message. (`tail` is stored text that never streamed,
        such as the interruption notice.)"""
        self.catching_up.pop(seq, None)
        if self.is_delivered(seq):
            return
        self.mark_delivered(seq)
        if seq not in self.streaming:
            await self.send_frame(frame)
            return
        # The streamed part of the stored text; whatever of it never arrived goes out now.
        stored = frame.get("text", "")
        await self.send_answer_text(seq, stored[: len(stored) - len(tail)])
        del self.streaming[seq]
        if tail:
            await self.send_frame({"type": "delta", "seq": seq, "text": tail})
        end: dict[str, Any] = {"type": "message_end", "seq": seq}
        if frame.get("interrupted"):
            end["interrupted"] = True
        await self.send_frame(end)

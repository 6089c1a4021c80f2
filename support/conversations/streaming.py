"""An answer's text on its way to the sockets watching the conversation: both halves.

The producing half (`StreamEmitter`) sends the text to the conversation's group in coalesced
pieces, each with its offset, and keeps the text so far for sockets that join mid-answer. The
consuming half (`StreamRelay`, one per customer socket) turns those events into PROTOCOL.md
frames, each character once: it resumes an answer under way, fills a missed piece from the text
so far, and asks the streaming process for that text when it is another process.

Whether the sockets of the site share this process (the in-memory layer) or several processes
share a layer (Redis) is decided by `one_process` alone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings


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


class StreamRelay:
    """One customer socket's bookkeeping of what it was sent: every message seq once, and each
    answer streaming now up to the characters sent so far."""

    def __init__(self, send_frame: SendFrame, layer: Any, channel_name: str) -> None:
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

    def is_delivered(self, seq: int) -> bool:
        return seq <= self.delivered_through or seq in self.delivered_after

    def mark_delivered(self, seq: int) -> None:
        if seq <= self.delivered_through:
            return
        self.delivered_after.add(seq)
        while self.delivered_through + 1 in self.delivered_after:
            self.delivered_through += 1
            self.delivered_after.discard(self.delivered_through)

    async def join(
        self, conversation_id: int, last_seq: int, history: list[dict[str, Any]]
    ) -> None:
        """The client has everything up to `last_seq`, and `history` went out with its welcome:
        an answer this process streams now goes on from the text so far."""
        self.conversation_id = conversation_id
        self.delivered_through = last_seq
        for message in history:
            self.mark_delivered(message["seq"])
        # Read without an await in between, so no delta slips between snapshot and relay.
        live = LIVE_STREAMS.get(conversation_id)
        if live is not None and not self.is_delivered(live.seq):
            self.streaming[live.seq] = len(live.text)
            await self.send_frame({"type": "message_start", "seq": live.seq, "role": "assistant"})
            if live.text:
                await self.send_frame({"type": "delta", "seq": live.seq, "text": live.text})

    async def message(self, frame: dict[str, Any]) -> None:
        """A stored message (a customer's, an agent's, a notice): sent once."""
        if self.is_delivered(frame["seq"]):
            return
        self.mark_delivered(frame["seq"])
        self.streaming.pop(frame["seq"], None)
        await self.send_frame(frame)

    async def stream_start(self, event: dict[str, Any]) -> None:
        seq = event["seq"]
        if self.is_delivered(seq) or seq in self.streaming:
            return
        self.streaming[seq] = 0
        await self.send_frame({"type": "message_start", "seq": seq, "role": "assistant"})

    async def stream_delta(self, event: dict[str, Any]) -> None:
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
        seq = event["seq"]
        held = self.catching_up.pop(seq, None)
        if held is None or self.is_delivered(seq):
            return
        if seq not in self.streaming:
            self.streaming[seq] = 0
            await self.send_frame({"type": "message_start", "seq": seq, "role": "assistant"})
        await self.send_answer_text(seq, event["text"])
        for later in held:
            await self.stream_delta(later)

    async def stream_end(self, event: dict[str, Any]) -> None:
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

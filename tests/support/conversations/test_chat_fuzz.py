"""Hypothesis fuzz of the chat socket: every client frame type with random values in every
field (any JSON type, huge numbers, long strings, any Unicode including lone surrogates and
control characters, deep nesting), through the real ASGI application.

For each frame type it proves: no frame crashes the consumer or answers `internal_error`, no
socket slot leaks (one fuzzed socket at a time is allowed beside a watcher), a refused frame
changes nothing stored, and the process stays responsive: a watcher socket pings throughout and
every pong comes back within a second. Each test prints its counts (run with `-s` to see them).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from support.conversations import actions, agent_actions, answer_tasks
from support.conversations.models import AuditEvent, Conversation, Message, Status
from support.conversations.tokens import make_token
from tests.plugins.personas import chat_socket

from .chat import TIMEOUT_S, open_chat

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES_PER_TYPE = 100
# The responsiveness bound: another socket's ping is answered within this (a correctness
# bound on event-loop stalls, not a speed figure).
PONG_WITHIN_S = 1.0

# --- Values ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deep:
    """A value nested `depth` arrays deep, spliced into the frame's text after encoding."""

    depth: int


def _encode(frame: dict[str, Any]) -> str:
    text = json.dumps(frame, default=lambda deep: f"__deep_{deep.depth}__")
    return re.sub(r'"__deep_(\d+)__"', lambda m: "[" * int(m[1]) + "]" * int(m[1]), text)


any_character = st.characters(codec=None, exclude_categories=())
nasty_strings = st.one_of(
    st.text(any_character, max_size=60),
    st.text(st.characters(max_codepoint=0x9F), max_size=20),  # ASCII and C0/C1 controls
    st.sampled_from(
        ["", " ", "\x00", "\ud800", "a\udfffb", "\x7f", "\x1b[31m", "\u2028", "\ufeff", "😀"]
    ),
    st.builds(
        lambda s, n: s * n, st.text(any_character, min_size=1, max_size=3), st.integers(1, 3000)
    ),
)
huge_integers = st.one_of(
    st.integers(),
    st.sampled_from([2**31, 2**63, 200_000_000, -(2**63), 10**18, 10**19]),
    st.integers(min_value=0, max_value=10**40),
)
json_values = st.recursive(
    st.none() | st.booleans() | huge_integers | st.floats() | nasty_strings,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(nasty_strings, children, max_size=4)
    ),
    max_leaves=12,
)
deep_values = st.builds(Deep, st.integers(min_value=2, max_value=20_000))
# Mostly plain JSON, sometimes nested deeper than any frame may be.
any_value = st.one_of(json_values, json_values, json_values, deep_values)
extra_fields = st.one_of(
    st.just({}),
    st.dictionaries(st.text(max_size=12).filter(lambda k: k != "type"), any_value, max_size=2),
)


def _frame(frame_type: str, fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy:
    return st.builds(
        lambda chosen, extra: {**extra, **chosen, "type": frame_type},
        st.fixed_dictionaries({}, optional=fields),
        extra_fields,
    )


TOKEN = "__token__"  # replaced by a real conversation's token
FRAMES: dict[str, st.SearchStrategy] = {
    "hello": _frame(
        "hello",
        {
            "token": st.one_of(
                st.none(),
                st.just(TOKEN),
                st.uuids().map(make_token),
                nasty_strings,
                any_value,
            ),
            "last_seq": st.one_of(st.integers(-3, 12), huge_integers, any_value),
            "language": st.one_of(st.sampled_from(["", "en", "en-GB", "pt-BR"]), any_value),
            "page": st.one_of(st.just("https://shop.example.com/cart"), nasty_strings, any_value),
        },
    ),
    "identify": _frame(
        "identify",
        {
            "external_id": st.one_of(st.just("customer-42"), nasty_strings, any_value),
            "name": st.one_of(st.just("Sam Lee"), nasty_strings, any_value),
            "email": st.one_of(st.emails(), nasty_strings, any_value),
            "hash": st.one_of(st.just("0" * 64), nasty_strings, any_value),
        },
    ),
    "message": _frame(
        "message",
        {
            "client_id": st.one_of(
                st.uuids().map(str), st.uuids().map(str), nasty_strings, any_value
            ),
            "text": st.one_of(
                st.sampled_from(["Where is my order?", "hi", "x" * 4000, "x" * 4001]),
                st.text(max_size=200),
                nasty_strings,
                any_value,
            ),
        },
    ),
    "handoff": _frame("handoff", {}),
    "solved": _frame("solved", {}),
    "rating": _frame(
        "rating",
        {
            "score": st.one_of(st.integers(-2, 7), any_value),
            "comment": st.one_of(st.just("Thanks!"), nasty_strings, any_value),
        },
    ),
    "email": _frame(
        "email",
        {"email": st.one_of(st.emails(), st.just("sam@example.com"), nasty_strings, any_value)},
    ),
    "ping": _frame("ping", {}),
}
# A frame of each type the socket takes, tried first in every run: Hypothesis draws its examples
# in correlated runs, and one run of 100 rating examples drew no valid rating at all.
VALID: dict[str, dict[str, Any]] = {
    "hello": {"type": "hello", "token": TOKEN, "last_seq": 0, "language": "en"},
    "identify": {"type": "identify", "external_id": "customer-42", "name": "Sam Lee"},
    "message": {
        "type": "message",
        "client_id": "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "text": "Where is my order?",
    },
    "handoff": {"type": "handoff"},
    "solved": {"type": "solved"},
    "rating": {"type": "rating", "score": 5, "comment": "Thanks!"},
    "email": {"type": "email", "email": "sam@example.com"},
    "ping": {"type": "ping"},
}

# --- The process under test, on one event loop for the whole run ------------------------------


@dataclass
class Counts:
    frame_type: str
    examples: int = 0
    frames: int = 0
    accepted: int = 0
    refused: Counter = field(default_factory=Counter)
    crashed: int = 0
    leaked_slots: int = 0
    stored_changes: int = 0
    pings: int = 0
    late_pongs: int = 0

    def line(self) -> str:
        codes = ", ".join(f"{code} {n}" for code, n in self.refused.most_common())
        return (
            f"chat fuzz {self.frame_type}: {self.examples} examples, {self.frames} frames, "
            f"{self.accepted} accepted, {sum(self.refused.values())} refused ({codes}), "
            f"{self.crashed} crashed, {self.leaked_slots} leaked slots, "
            f"{self.stored_changes} stored changes from refused frames, "
            f"{self.late_pongs} of {self.pings} watcher pings unanswered within {PONG_WITHIN_S:g} s"
        )


class Process:
    """An event loop in a thread that hosts every socket of one test, so a watcher can ping
    throughout while hypothesis drives examples from the test's thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=120)

    def stop(self) -> None:
        async def cancel_the_rest() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        self.run(cancel_the_rest())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


class Watcher:
    """Another customer's socket, pinging every 50 ms for as long as the test runs."""

    def __init__(self, counts: Counts) -> None:
        self.counts = counts
        self.stopping = False

    async def start(self) -> None:
        self.socket, _ = await open_chat()
        self.task = asyncio.get_running_loop().create_task(self.keep_pinging())

    async def keep_pinging(self) -> None:
        while not self.stopping:
            started = time.monotonic()
            await self.socket.send_json_to({"type": "ping"})
            frame = await self.socket.receive_json_from(timeout=TIMEOUT_S)
            assert frame == {"type": "pong"}, frame
            self.counts.pings += 1
            if time.monotonic() - started > PONG_WITHIN_S:
                self.counts.late_pongs += 1
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        self.stopping = True
        await self.task  # re-raises whatever went wrong in it
        await self.socket.disconnect()


def stored(conversation_pk: int | None) -> tuple[Any, ...]:
    own = (
        list(Conversation.objects.filter(pk=conversation_pk).values())
        if conversation_pk is not None
        else []
    )
    return Conversation.objects.count(), Message.objects.count(), AuditEvent.objects.count(), own


async def settled_state(conversation_pk: int | None) -> tuple[Any, ...]:
    await answer_tasks.wait_for_answers()
    return await database_sync_to_async(stored)(conversation_pk)


async def answers_to(socket: Any, raw: str, marker: str) -> list[dict[str, Any]] | None:
    """Every frame the socket sends after `raw` up to the refusal of a marker frame behind it
    (the consumer reads frames in order); None when the consumer died."""
    await socket.send_input({"type": "websocket.receive", "text": raw})
    await socket.send_input({"type": "websocket.receive", "text": json.dumps({"type": marker})})
    frames = []
    while True:
        try:
            output = await socket.receive_output(timeout=TIMEOUT_S)
        except Exception:
            return None
        if output["type"] == "websocket.close":
            frames.append({"type": "closed", "code": output.get("code")})
            return frames
        frame = json.loads(output["text"])
        if frame.get("code") == "unknown_type" and marker in frame.get("detail", ""):
            return frames
        frames.append(frame)


@pytest.fixture
def fuzzed_process(settings):
    # Room for exactly one fuzzed socket beside the watcher: a leaked slot shows at once.
    settings.LADDER_MAX_SOCKETS_PER_IP = 2
    settings.LADDER_MESSAGES_PER_MINUTE_PER_CONVERSATION = 1_000_000
    settings.LADDER_MESSAGES_PER_MINUTE_PER_IP = 1_000_000
    # Rate limits have tests of their own; here every frame must reach validation.
    settings.LADDER_FRAMES_PER_MINUTE_PER_SOCKET = 1_000_000
    settings.LADDER_FRAMES_PER_MINUTE_PER_IP = 1_000_000
    settings.LADDER_ACTIONS_PER_MINUTE_PER_SOCKET = 1_000_000
    settings.LADDER_ACTIONS_PER_MINUTE_PER_IP = 1_000_000
    settings.LADDER_CONVERSATIONS_PER_HOUR_PER_IP = 1_000_000
    settings.LADDER_LOCAL_CHUNK_PAUSE_MS = 0
    settings.LADDER_OFFER_EMAIL_AFTER_S = 1_000_000
    settings.LADDER_AI_IDLE_CLOSE_MINUTES = 0
    process = Process()
    yield process
    process.stop()


def _make_ready_for(frame_type: str, conversation_pk: int) -> None:
    """A rating is taken only once resolved and an email only after the offer: bring the
    conversation there, so the fuzzed frames can be accepted as well as refused."""
    if frame_type == "rating":
        actions.do_change_status(
            conversation_pk, Status.RESOLVED, reason="closed_idle", actor="system"
        )
    elif frame_type == "email":
        actions.do_request_handoff(
            conversation_pk,
            reason="customer_request",
            actor="customer",
            notice="A person will help.",
        )
        agent_actions.do_offer_email_follow_up(conversation_pk, after_s=0)


async def one_example(counts: Counts, raws: list[str], token: str) -> None:
    frame_type = counts.frame_type
    socket = chat_socket()
    connected, _ = await socket.connect()
    assert connected
    conversation_pk = None
    try:
        if frame_type != "hello":
            await socket.send_json_to({"type": "hello", "token": None, "last_seq": 0})
            welcome = await socket.receive_json_from(timeout=TIMEOUT_S)
            if welcome.get("code") == "too_many_sockets":
                counts.leaked_slots += 1
            assert welcome["type"] == "welcome", welcome
            conversation_pk = await database_sync_to_async(
                Conversation.objects.filter(public_id=welcome["conversation"])
                .values_list("pk", flat=True)
                .get
            )()
            await database_sync_to_async(_make_ready_for)(frame_type, conversation_pk)
        for n, raw in enumerate(raws):
            raw = raw.replace(json.dumps(TOKEN), json.dumps(token))
            before = await settled_state(conversation_pk)
            frames = await answers_to(socket, raw, marker=f"fuzz-marker-{counts.frames}-{n}")
            counts.frames += 1
            crashed = frames is None or any(
                f.get("code") == "internal_error" or f.get("code") == 1011 for f in frames
            )
            if crashed:
                counts.crashed += 1
            assert not crashed and frames is not None, (raw[:300], frames)
            errors = [f for f in frames if f["type"] == "error"]
            if errors:
                if errors[0]["code"] == "too_many_sockets":
                    counts.leaked_slots += 1
                counts.refused[errors[0]["code"]] += 1
                if await settled_state(conversation_pk) != before:
                    counts.stored_changes += 1
                    raise AssertionError(f"a refused frame changed what is stored: {raw[:300]}")
            else:
                counts.accepted += 1
            if any(f["type"] == "closed" for f in frames):
                break
    finally:
        await socket.disconnect()
    counts.examples += 1


@pytest.mark.parametrize("frame_type", sorted(FRAMES))
def test_fuzzed_frames_never_crash_leak_store_or_stall(fuzzed_process, frame_type):
    counts = Counts(frame_type)
    watcher = Watcher(counts)
    fuzzed_process.run(watcher.start())
    # A conversation whose real token some hello frames carry (with random last_seqs).
    _, welcome = fuzzed_process.run(_open_and_close())
    token = welcome["token"]

    @settings(
        max_examples=EXAMPLES_PER_TYPE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @example(frames=[_encode(VALID[frame_type])])
    @given(frames=st.lists(FRAMES[frame_type].map(_encode), min_size=1, max_size=3))
    def fuzz(frames: list[str]) -> None:
        fuzzed_process.run(one_example(counts, frames, token))

    try:
        fuzz()
    finally:
        fuzzed_process.run(watcher.stop())
        print(counts.line())
    assert (counts.crashed, counts.leaked_slots, counts.stored_changes) == (0, 0, 0)
    assert counts.late_pongs == 0, counts.line()
    assert counts.examples >= EXAMPLES_PER_TYPE // 2
    assert sum(counts.refused.values()) > 0
    if frame_type not in {"solved"}:
        # Valid frames of the type came through too (a `solved` has nothing to solve yet).
        assert counts.accepted > 0, counts.line()


async def _open_and_close() -> tuple[Any, dict[str, Any]]:
    socket, welcome = await open_chat()
    await socket.disconnect()
    return socket, welcome


def test_random_text_that_is_not_a_frame_is_refused_and_changes_nothing(fuzzed_process):
    counts = Counts("not a frame")
    garbage = st.one_of(
        st.text(any_character, max_size=200),
        json_values.filter(lambda v: not isinstance(v, dict)).map(json.dumps),
        st.builds(lambda d: "[" * d + "]" * d, st.integers(1, 30_000)),
        st.builds(lambda d: '{"a":' * d, st.integers(1, 30_000)),
        st.dictionaries(nasty_strings, any_value, max_size=3).map(_encode),
        st.fixed_dictionaries({"type": json_values}).map(_encode),
    )
    watcher = Watcher(counts)
    fuzzed_process.run(watcher.start())

    @settings(
        max_examples=EXAMPLES_PER_TYPE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(raws=st.lists(garbage, min_size=1, max_size=3))
    def fuzz(raws: list[str]) -> None:
        # The socket says hello first, then gets the garbage.
        fuzzed_process.run(one_example(counts, raws, token=""))

    try:
        fuzz()
    finally:
        fuzzed_process.run(watcher.stop())
        print(counts.line())
    assert (counts.crashed, counts.leaked_slots, counts.stored_changes) == (0, 0, 0)
    assert counts.late_pongs == 0, counts.line()
    assert counts.examples >= EXAMPLES_PER_TYPE // 2
    assert sum(counts.refused.values()) > 0

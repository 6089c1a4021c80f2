"""One load run against one target (ours or the bare relay): idle sockets, then N concurrent
conversations, then every conversation's stored history against what its customer saw."""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .client import ChatSession, Endpoint, TurnFailed
from .servers import sample_process
from .stats import latency_summary
from .websocket import WebSocket, WebSocketClosed, WebSocketError

# Questions the demo knowledge base answers, none of which an intent rule sends to people;
# a conversation never asks the same one twice in a row.
QUESTIONS = [
    "How long does shipping take?",
    "What is your return policy?",
    "Do you ship internationally?",
    "How can I track my order?",
    "How much does express shipping cost?",
    "Can I return an item I bought on sale?",
    "How long do refunds take to arrive?",
    "Which payment methods do you accept?",
    "Can I change the delivery address of my order?",
    "Do you offer free shipping?",
    "How do I exchange an item for another size?",
    "What happens if my parcel arrives damaged?",
]
OPEN_CONCURRENCY = 64  # sockets opened at once (the listen backlog is small)
HISTORY_CONCURRENCY = 32
PROGRESS_EVERY_S = 5.0


class RunTimedOut(Exception):
    pass


@dataclass(frozen=True)
class LoadPlan:
    conversations: int
    messages: int
    idle_sockets: int
    first_token_ms: int
    # When the fake upstream sends the first word a customer reads (after its control line).
    upstream_visible_ms: float
    ramp_s: float
    think_ms: int
    answer_timeout_s: float
    reconnect_chaos: bool
    chaos_fraction: float
    origin: str
    seed: int


@dataclass
class Target:
    name: str
    endpoints: list[Endpoint]
    pids: list[int] = field(default_factory=list)
    keeps_history: bool = True
    supports_resume: bool = True


@dataclass
class Errors:
    kinds: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def add(self, kind: str, detail: str) -> None:
        self.kinds[kind] += 1
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {detail}"[:300])

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


def _cpu_s(pids: list[int]) -> float | None:
    if not pids:
        return None
    return sum(sample_process(pid).cpu_s for pid in pids)


def _rss_kib(pids: list[int]) -> int | None:
    if not pids:
        return None
    return sum(sample_process(pid).rss_kib for pid in pids)


def _own_cpu_s() -> float:
    times = os.times()
    return times.user + times.system


class LoadRun:
    def __init__(
        self,
        target: Target,
        plan: LoadPlan,
        *,
        deadline: float,
        progress: Callable[[str], None],
        watch: Callable[[], None] = lambda: None,
        extra_pids: dict[str, int] | None = None,
    ) -> None:
        self.target = target
        self.plan = plan
        self.deadline = deadline
        self.progress = progress
        self.watch = watch  # raises when a server process died
        self.extra_pids = extra_pids or {}
        self.rng = random.Random(plan.seed)
        self.errors = Errors()
        self.sessions: list[ChatSession] = []

    def remaining_s(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise RunTimedOut("the run's time (--timeout-s) is up")
        return left

    def session(self, index: int) -> ChatSession:
        return ChatSession(
            self.target.endpoints,
            origin=self.plan.origin,
            first=index,
            rng=random.Random(self.plan.seed * 1_000_003 + index),
        )

    async def run(self) -> dict[str, Any]:
        figures: dict[str, Any] = {"target": self.target.name}
        await self.warm_up()
        if self.plan.idle_sockets:
            figures["idle"] = await self.idle_phase(self.plan.idle_sockets)
        figures.update(await self.load_phase())
        if self.target.keeps_history:
            figures.update(await self.check_histories())
        figures["errors"] = self.errors.total
        figures["error_kinds"] = dict(self.errors.kinds)
        figures["error_examples"] = self.errors.examples
        return figures

    async def warm_up(self) -> None:
        """One question per server process first, so imports and pools are not measured."""
        for index, _ in enumerate(self.target.endpoints):
            session = self.session(index)
            try:
                async with asyncio.timeout(min(self.remaining_s(), 60.0)):
                    await session.open(last_seq=0)
                    await session.ask(QUESTIONS[0])
            except (TimeoutError, TurnFailed, WebSocketError, WebSocketClosed, OSError) as error:
                raise WebSocketError(
                    f"warm-up on {session.endpoint} failed: {type(error).__name__}: {error}"
                ) from error
            finally:
                await session.close()

    # Idle sockets: memory per socket after hello.

    async def idle_phase(self, count: int) -> dict[str, Any]:
        self.progress(f"[{self.target.name}] opening {count:,} idle sockets")
        await self.server_quiet()
        rss_before = _rss_kib(self.target.pids)
        sockets: list[WebSocket] = []
        gate = asyncio.Semaphore(OPEN_CONCURRENCY)
        started = time.perf_counter()
        last_report = time.monotonic()

        async def open_one(index: int) -> None:
            nonlocal last_report
            endpoint = self.target.endpoints[index % len(self.target.endpoints)]
            async with gate:
                for attempt in range(3):
                    try:
                        socket = await WebSocket.connect(
                            endpoint.host, endpoint.port, "/ws/chat/", origin=self.plan.origin
                        )
                        socket.send_json({"type": "hello", "token": None, "last_seq": 0})
                        async with asyncio.timeout(30):
                            _, frame = await socket.receive()
                        if frame.get("type") != "welcome":
                            self.errors.add("idle_hello", f"got {frame.get('type')}: {frame}")
                        sockets.append(socket)
                        break
                    except (TimeoutError, WebSocketError, WebSocketClosed, OSError) as error:
                        if attempt == 2:
                            self.errors.add("idle_connect", f"{type(error).__name__}: {error}")
                        await asyncio.sleep(0.2 * (attempt + 1))
            if time.monotonic() - last_report >= PROGRESS_EVERY_S:
                last_report = time.monotonic()
                self.progress(f"[{self.target.name}] {len(sockets):,}/{count:,} idle sockets open")

        async with asyncio.timeout(self.remaining_s()):
            await asyncio.gather(*(open_one(i) for i in range(count)))
            open_s = time.perf_counter() - started
            # Let the server settle before reading its memory.
            await self.server_quiet()
        rss_after = _rss_kib(self.target.pids)
        opened = sum(1 for s in sockets if not s.closed)
        self.progress(
            f"[{self.target.name}] {opened:,} idle sockets open in {open_s:.1f} s; closing them"
        )
        idle: dict[str, Any] = {
            "sockets": opened,
            "open_s": round(open_s, 1),
            "rss_before_kib": rss_before,
            "rss_after_kib": rss_after,
            "kib_per_socket": (
                round((rss_after - rss_before) / opened, 1)
                if rss_before is not None and rss_after is not None and opened
                else None
            ),
        }

        async def close_one(socket: WebSocket) -> None:
            async with gate:
                await socket.close(timeout_s=5.0)

        await asyncio.gather(*(close_one(socket) for socket in sockets))
        await self.server_quiet()
        return idle

    async def server_quiet(self, busy_below: float = 0.05, longest_s: float = 60.0) -> None:
        """Wait until the server is done with earlier work (closing thousands of sockets takes
        it a while), so the next phase measures only itself."""
        if not self.target.pids:
            await asyncio.sleep(1.0)
            return
        until = time.monotonic() + min(longest_s, max(0.0, self.deadline - time.monotonic()))
        while time.monotonic() < until:
            before = _cpu_s(self.target.pids) or 0.0
            await asyncio.sleep(0.5)
            if ((_cpu_s(self.target.pids) or 0.0) - before) / 0.5 < busy_below:
                return

    # Concurrent conversations.

    async def converse(self, index: int) -> None:
        session = self.session(index)
        self.sessions.append(session)
        plan = self.plan
        await asyncio.sleep(plan.ramp_s * index / max(1, plan.conversations))
        try:
            await session.open(last_seq=0)
        except (TimeoutError, WebSocketError, WebSocketClosed, OSError) as error:
            self.errors.add("connect", f"{type(error).__name__}: {error}")
            return
        rng = session.rng
        for number in range(plan.messages):
            question = QUESTIONS[(index + number * 5) % len(QUESTIONS)]
            drop_after = None
            if plan.reconnect_chaos and self.target.supports_resume:
                if rng.random() < plan.chaos_fraction:
                    drop_after = rng.randint(1, 4)
            try:
                async with asyncio.timeout(plan.answer_timeout_s):
                    turn = await session.ask(question, drop_after_deltas=drop_after)
            except TimeoutError:
                self.errors.add("answer_timeout", f"conversation {session.conversation}")
                break
            except TurnFailed as error:
                self.errors.add("error_frame", str(error))
                break
            except (WebSocketError, WebSocketClosed, OSError) as error:
                self.errors.add("socket", f"{type(error).__name__}: {error}")
                break
            if turn.outcome == "handoff":
                break  # people answer from here on
            if plan.think_ms:
                await asyncio.sleep(plan.think_ms / 1000)
        await session.drain(0.3)

    async def report_progress(self, started: float) -> None:
        expected = self.plan.conversations * self.plan.messages
        while True:
            await asyncio.sleep(PROGRESS_EVERY_S)
            self.watch()
            done = sum(1 for s in self.sessions for t in s.turns if t.outcome)
            self.progress(
                f"[{self.target.name}] {done:,}/{expected:,} questions done, "
                f"{self.errors.total} errors, {time.perf_counter() - started:.0f} s, "
                f"{max(0.0, self.deadline - time.monotonic()):.0f} s left"
            )

    async def load_phase(self) -> dict[str, Any]:
        plan = self.plan
        chaos = plan.reconnect_chaos and self.target.supports_resume
        self.progress(
            f"[{self.target.name}] {plan.conversations} conversations x {plan.messages} messages"
            + (" with reconnect chaos" if chaos else "")
        )
        await self.server_quiet()
        cpu_before = _cpu_s(self.target.pids)
        extra_before = {name: sample_process(pid).cpu_s for name, pid in self.extra_pids.items()}
        own_before = _own_cpu_s()
        started = time.perf_counter()
        reporter = asyncio.create_task(self.report_progress(started))
        try:
            async with asyncio.timeout(self.remaining_s()):
                await asyncio.gather(*(self.converse(i) for i in range(plan.conversations)))
        except TimeoutError:
            raise RunTimedOut("the run's time (--timeout-s) ran out mid-load") from None
        finally:
            reporter.cancel()
        duration_s = time.perf_counter() - started
        cpu_after = _cpu_s(self.target.pids)
        own_cpu_s = _own_cpu_s() - own_before
        extra_cpu = {
            f"{name}_cpu_s": round(sample_process(pid).cpu_s - extra_before[name], 2)
            for name, pid in self.extra_pids.items()
        }

        turns = [t for s in self.sessions for t in s.turns]
        answered = [t for t in turns if t.outcome == "answer"]
        ttft = [(t.first_delta_at - t.sent_at) * 1000 for t in answered if t.first_delta_at]
        # Each conversation's first question, and the ones after an answer: the later ones
        # arrive as other conversations' answers stream, so the two can differ widely, and a
        # median of both then falls between them.
        visible_by_order: dict[bool, list[float]] = {True: [], False: []}
        for session in self.sessions:
            for number, turn in enumerate(session.turns):
                if turn.outcome == "answer" and turn.first_visible_at:
                    visible_by_order[number == 0].append(
                        (turn.first_visible_at - turn.sent_at) * 1000
                    )
        visible = visible_by_order[True] + visible_by_order[False]

        def added(visible_ms: list[float]) -> dict[str, float | int | None]:
            return latency_summary([v - plan.upstream_visible_ms for v in visible_ms])

        acks = [(t.acked_at - t.sent_at) * 1000 for t in turns if t.acked_at]
        answer_ms = [
            (t.finished_at - t.sent_at) * 1000 for t in answered if t.finished_at and not t.dropped
        ]
        frames = sum(s.frames for s in self.sessions)
        delta_frames = sum(s.delta_frames for s in self.sessions)
        answer_chars = sum(
            len(s.transcript.texts[seq])
            for s in self.sessions
            for seq, role in s.transcript.roles.items()
            if role == "assistant"
        )
        for session in self.sessions:
            for problem in session.transcript.protocol_errors:
                self.errors.add("protocol", problem)
            for code, count in session.transcript.error_codes.items():
                for _ in range(count):
                    self.errors.add(f"error_frame:{code}", f"conversation {session.conversation}")
        server_cpu_s = (
            None if cpu_before is None or cpu_after is None else round(cpu_after - cpu_before, 2)
        )
        return {
            "conversations": plan.conversations,
            "messages_sent": len(turns),
            "answers": len(answered),
            "handoffs": sum(1 for t in turns if t.outcome == "handoff"),
            "unanswered": sum(1 for t in turns if not t.outcome),
            "duration_s": round(duration_s, 2),
            "added_ttft_ms": added(visible),
            "added_ttft_first_question_ms": added(visible_by_order[True]),
            "added_ttft_later_questions_ms": added(visible_by_order[False]),
            "visible_ttft_ms": latency_summary(visible),
            "ttft_ms": latency_summary(ttft),
            "ack_ms": latency_summary(acks),
            "answer_ms": latency_summary(answer_ms),
            "frames": frames,
            "delta_frames": delta_frames,
            "frames_per_s": round(frames / duration_s, 1),
            "delta_frames_per_s": round(delta_frames / duration_s, 1),
            "answer_chars_per_s": round(answer_chars / duration_s, 1),
            "server_cpu_s": server_cpu_s,
            "server_cpu_s_per_answer": (
                round(server_cpu_s / len(answered), 4)
                if server_cpu_s is not None and answered
                else None
            ),
            "server_cpu_percent": (
                round(100 * server_cpu_s / duration_s, 1) if server_cpu_s is not None else None
            ),
            "server_rss_kib": _rss_kib(self.target.pids),
            "client_cpu_s": round(own_cpu_s, 2),
            **extra_cpu,
            "reconnects": sum(s.reconnects for s in self.sessions),
            "chaos_drops": sum(1 for t in turns if t.dropped),
            "unexpected_closes": sum(s.unexpected_closes for s in self.sessions),
        }

    # Lost and duplicated: each transcript against the stored history.

    async def check_histories(self) -> dict[str, Any]:
        self.progress(f"[{self.target.name}] checking {len(self.sessions)} stored histories")
        gate = asyncio.Semaphore(HISTORY_CONCURRENCY)
        totals = Counter[str]()
        details: list[str] = []

        async def check(session: ChatSession) -> None:
            if session.token is None:
                return
            async with gate:
                await session.close()
                try:
                    history = await session.stored_history()
                except (TimeoutError, WebSocketError, WebSocketClosed, OSError) as error:
                    self.errors.add("history", f"{type(error).__name__}: {error}")
                    return
            audit = session.transcript.compare(history)
            totals["lost"] += audit.lost
            totals["duplicated"] += audit.duplicated
            totals["mismatched"] += audit.mismatched
            for detail in audit.details:
                if len(details) < 10:
                    details.append(f"{session.conversation}: {detail}")

        async with asyncio.timeout(self.remaining_s()):
            await asyncio.gather(*(check(s) for s in self.sessions))
        return {
            "lost": totals["lost"],
            "duplicated": totals["duplicated"],
            "mismatched": totals["mismatched"],
            "history_problems": details,
        }

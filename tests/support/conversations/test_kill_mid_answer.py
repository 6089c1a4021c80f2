"""`serve --processes 2` with PostgreSQL and Redis: a child killed (SIGKILL) while it streams
an answer loses no customer message. The process left alive closes the cut-off answer and
answers again (or hands the conversation to people); real processes on loopback."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from support.conversations.models import Conversation, Message, MessageState, Role, Status
from tests.support.inbox.test_two_processes import (
    REDIS_URL,
    WIDGET_ORIGIN,
    redis_reachable,
)
from tests.support.inbox.wire import SocketRefused, WireSocket
from tests.support.widget.test_serve import serving_two_processes

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "How long does shipping take?"
START_TIMEOUT_S = 90
# The dead child's heartbeat expires, then a living process's next look finds the answer.
RECOVERY_TIMEOUT_S = 60


def children_of(pid: int) -> set[int]:
    children: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children |= {int(child) for child in (task / "children").read_text().split()}
    return children


def process_holding(client_port: int, candidates: set[int]) -> int | None:
    """Which of `candidates` holds the server end of the connection from `client_port`."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if int(fields[2].rsplit(":", 1)[1], 16) == client_port:
                    inodes.add(f"socket:[{fields[9]}]")
    for pid in candidates:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) in inodes:
                    return pid
            except OSError:
                continue
    return None


async def frames_until_answered(port: int, token: str, last_seq: int) -> list[dict]:
    """Resume as the widget does (token and last_seq), and read until a whole answer arrives
    or the conversation goes to people; dial again while the port has no live child."""
    frames: list[dict] = []
    deadline = time.monotonic() + RECOVERY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            socket = await WireSocket.open(port, "/ws/chat/", origin=WIDGET_ORIGIN)
        except (OSError, SocketRefused, TimeoutError):
            await asyncio.sleep(0.5)
            continue
        try:
            await socket.send_json({"type": "hello", "token": token, "last_seq": last_seq})
            while time.monotonic() < deadline:
                frame = await socket.receive_json(timeout_s=RECOVERY_TIMEOUT_S)
                frames.append(frame)
                if frame["type"] == "welcome":
                    token = frame["token"]
                    for message in frame["history"]:
                        if answered(message):
                            return frames
                elif answered(frame) or (
                    frame["type"] == "status" and frame["status"] == Status.WAITING
                ):
                    return frames
                elif frame["type"] == "message_end" and not frame.get("interrupted"):
                    return frames
        except (OSError, asyncio.IncompleteReadError, ConnectionError):
            await asyncio.sleep(0.5)
        finally:
            await socket.close()
    return frames


def answered(frame: dict) -> bool:
    return (
        frame.get("type") == "message"
        and frame.get("role") in (Role.ASSISTANT, Role.SYSTEM)
        and not frame.get("interrupted")
    )


def test_a_child_killed_mid_answer_loses_no_customer_message(demo_kb, tmp_path):
    if settings.DATABASE_VENDOR != "postgresql" or not redis_reachable(REDIS_URL):
        pytest.skip("two processes need PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    # Slow chunks and no cached answer: the answer streams for seconds, time to kill it.
    with serving_two_processes(
        tmp_path, LADDER_LOCAL_CHUNK_PAUSE_MS="400", LADDER_ANSWER_CACHE="false"
    ) as served:
        port, pids, server = served.port, served.pids, served.process
        killed, token, customer_seq = asyncio.run(ask_and_kill_mid_answer(port, server.pid))
        assert killed in pids  # one of the two children, not supervisor
        frames = asyncio.run(frames_until_answered(port, token, customer_seq))
    output = served.output

    assert frames, output
    conversation = Conversation.objects.get()
    messages = list(conversation.messages.order_by("seq"))
    # The customer's message is stored once, and something whole follows it: a new answer
    # or the handoff notice; the answer cut off by the kill is marked interrupted.
    assert [m.seq for m in messages if m.role == Role.CUSTOMER] == [customer_seq]
    after = [m for m in messages if m.seq > customer_seq]
    assert any(m.state == MessageState.INTERRUPTED for m in after), output
    assert not any(m.state == MessageState.STREAMING for m in after)
    whole = [m for m in after if m.state == MessageState.COMPLETE]
    assert whole or conversation.status == Status.WAITING, output


async def ask_and_kill_mid_answer(port: int, supervisor_pid: int) -> tuple[int, str, int]:
    """Ask a question, and once its answer streams, SIGKILL the child serving the socket
    (the one answering it). Returns the child's pid, the token and the question's seq."""
    socket = await WireSocket.open(port, "/ws/chat/", origin=WIDGET_ORIGIN)
    try:
        await socket.send_json({"type": "hello", "token": None, "last_seq": 0})
        token = (await socket.frame_of_type("welcome"))["token"]
        await socket.send_json({"type": "message", "client_id": "q1", "text": QUESTION})
        ack = await socket.frame_of_type("ack")
        await socket.frame_of_type("message_start")
        await socket.frame_of_type("delta")
        client_port = socket.writer.get_extra_info("sockname")[1]
        child = process_holding(client_port, children_of(supervisor_pid))
        assert child is not None, "no child holds the socket"
        # Mid-answer: the stored answer is still streaming.
        streaming = await database_sync_to_async(
            Message.objects.filter(state=MessageState.STREAMING).exists
        )()
        assert streaming
        os.kill(child, signal.SIGKILL)
    finally:
        await socket.close()
    return child, token, ack["seq"]

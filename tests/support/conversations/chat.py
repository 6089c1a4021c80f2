"""Helpers to speak PROTOCOL.md from tests, as a widget would."""

from __future__ import annotations

import uuid
from typing import Any

from channels.testing import WebsocketCommunicator

from tests.plugins.personas import chat_socket

TIMEOUT_S = 10


async def open_chat(
    token: str | None = None, last_seq: int = 0
) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    socket = chat_socket()
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to({"type": "hello", "token": token, "last_seq": last_seq})
    welcome = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert welcome["type"] == "welcome", welcome
    return socket, welcome


async def send_message(
    socket: WebsocketCommunicator, text: str, client_id: str | None = None
) -> dict[str, Any]:
    client_id = client_id or str(uuid.uuid4())
    await socket.send_json_to({"type": "message", "client_id": client_id, "text": text})
    ack = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert ack["type"] == "ack", ack
    assert ack["client_id"] == client_id
    return ack


async def frames_until(
    socket: WebsocketCommunicator, stop_type: str, *, limit: int = 500
) -> list[dict[str, Any]]:
    """Every frame up to and including the first of `stop_type`."""
    frames = []
    for _ in range(limit):
        frame = await socket.receive_json_from(timeout=TIMEOUT_S)
        frames.append(frame)
        if frame["type"] == stop_type:
            return frames
    raise AssertionError(f"no {stop_type} frame in {limit} frames: {frames[-5:]}")


async def frames_until_each(
    socket: WebsocketCommunicator, types: set[str], *, limit: int = 500
) -> list[dict[str, Any]]:
    """Every frame up to the one that completes `types`, in whichever order they come (a live
    event through Redis may arrive after the socket's own replies to later frames)."""
    frames: list[dict[str, Any]] = []
    for _ in range(limit):
        frames.append(await socket.receive_json_from(timeout=TIMEOUT_S))
        if types <= {frame["type"] for frame in frames}:
            return frames
    raise AssertionError(f"no frame of each of {sorted(types)} in {limit}: {frames[-5:]}")


def streamed_text(frames: list[dict[str, Any]], seq: int) -> str:
    return "".join(f["text"] for f in frames if f["type"] == "delta" and f["seq"] == seq)


def without_detail(frame: dict[str, Any]) -> dict[str, Any]:
    """A frame without its `detail` (the customer's sentence), to compare codes and fields."""
    return {key: value for key, value in frame.items() if key != "detail"}


def status_frames(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [without_detail(f) for f in frames if f["type"] == "status"]

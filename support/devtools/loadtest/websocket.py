"""A minimal websocket client on asyncio (RFC 6455, text frames only): cheap enough that
thousands of sockets and thousands of frames a second leave the CPU to the server measured."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import time
from collections import deque
from typing import Any

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_HANDSHAKE_BYTES = 16 * 1024
MAX_FRAME_BYTES = 16 * 1024 * 1024

OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class WebSocketError(Exception):
    """The socket could not be opened, or it broke the websocket protocol."""


class WebSocketClosed(Exception):
    """The socket is closed and every frame that came before has been read."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"websocket closed (code {code})")
        self.code = code


def _mask(payload: bytes, key: bytes) -> bytes:
    length = len(payload)
    if not length:
        return payload
    repeated = (key * (length // 4 + 1))[:length]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
        length, "big"
    )


def _frame(opcode: int, payload: bytes) -> bytes:
    """One final, masked client frame (clients must mask)."""
    length = len(payload)
    if length < 126:
        head = bytes((0x80 | opcode, 0x80 | length))
    elif length < 1 << 16:
        head = bytes((0x80 | opcode, 0x80 | 126)) + length.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + length.to_bytes(8, "big")
    key = os.urandom(4)
    return head + key + _mask(payload, key)


class WebSocket(asyncio.Protocol):
    """One client socket. Frames are time-stamped when their bytes arrive, before any
    scheduling delay of the reader, so latencies are measured at the wire."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.handshake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.close_code: int | None = None
        self.closed = False
        self.frames_received = 0
        self._key = base64.b64encode(os.urandom(16))
        self._buffer = bytearray()
        self._upgraded = False
        self._fragments: list[bytes] = []
        self._inbox: deque[tuple[float, str]] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._close_sent = False

    @classmethod
    async def connect(
        cls, host: str, port: int, path: str, *, origin: str, timeout_s: float = 10.0
    ) -> WebSocket:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(timeout_s):
            _, socket = await loop.create_connection(cls, host, port)
            socket.send_handshake(host, port, path, origin)
            await socket.handshake
        return socket

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.handshake.done():
            self.handshake.set_exception(
                WebSocketError(f"connection lost during the handshake: {exc or 'closed'}")
            )
        self._wake()

    def data_received(self, data: bytes) -> None:
        arrived_at = time.perf_counter()
        self._buffer += data
        if not self._upgraded and not self._read_handshake():
            return
        try:
            self._read_frames(arrived_at)
        except WebSocketError as error:
            self._fail(error)

    # Handshake

    def send_handshake(self, host: str, port: int, path: str, origin: str) -> None:
        assert self.transport is not None
        request = (
            f"GET {path} HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {self._key.decode()}\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            f"Origin: {origin}\r\n"
            "\r\n"
        )
        self.transport.write(request.encode("latin-1"))

    def _read_handshake(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > MAX_HANDSHAKE_BYTES:
                self._fail(WebSocketError("handshake response too long"))
            return False
        head = bytes(self._buffer[:end]).decode("latin-1")
        del self._buffer[: end + 4]
        status_line, *header_lines = head.split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or parts[1] != "101":
            self._fail(WebSocketError(f"server refused the upgrade: {status_line!r}"))
            return False
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        expected = base64.b64encode(hashlib.sha1(self._key + _GUID).digest()).decode()  # noqa: S324
        if headers.get("sec-websocket-accept") != expected:
            self._fail(WebSocketError("bad Sec-WebSocket-Accept in the handshake"))
            return False
        self._upgraded = True
        if not self.handshake.done():
            self.handshake.set_result(None)
        return True

    # Frames in

    def _read_frames(self, arrived_at: float) -> None:
        buffer = self._buffer
        offset = 0
        while len(buffer) - offset >= 2:
            first, second = buffer[offset], buffer[offset + 1]
            opcode = first & 0x0F
            length = second & 0x7F
            head = 2
            if length == 126:
                if len(buffer) - offset < 4:
                    break
                length = int.from_bytes(buffer[offset + 2 : offset + 4], "big")
                head = 4
            elif length == 127:
                if len(buffer) - offset < 10:
                    break
                length = int.from_bytes(buffer[offset + 2 : offset + 10], "big")
                head = 10
            if length > MAX_FRAME_BYTES:
                raise WebSocketError(f"frame of {length} bytes is too large")
            key = b""
            if second & 0x80:  # servers must not mask, but unmasking costs nothing
                key = bytes(buffer[offset + head : offset + head + 4])
                head += 4
            if len(buffer) - offset < head + length:
                break
            payload = bytes(buffer[offset + head : offset + head + length])
            offset += head + length
            if key:
                payload = _mask(payload, key)
            self._on_frame(bool(first & 0x80), opcode, payload, arrived_at)
        if offset:
            del buffer[:offset]

    def _on_frame(self, final: bool, opcode: int, payload: bytes, arrived_at: float) -> None:
        if opcode == OP_TEXT or (opcode == OP_CONTINUATION and self._fragments):
            self._fragments.append(payload)
            if final:
                text = b"".join(self._fragments).decode("utf-8")
                self._fragments.clear()
                self.frames_received += 1
                self._inbox.append((arrived_at, text))
                self._wake()
        elif opcode == OP_PING:
            self._write(OP_PONG, payload)
        elif opcode == OP_PONG:
            pass
        elif opcode == OP_CLOSE:
            self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
            if not self._close_sent:
                self._write(OP_CLOSE, payload[:2])
                self._close_sent = True
            if self.transport is not None:
                self.transport.close()
        else:
            raise WebSocketError(f"unexpected frame opcode {opcode:#x}")

    def _fail(self, error: WebSocketError) -> None:
        if not self.handshake.done():
            self.handshake.set_exception(error)
        if self.transport is not None:
            self.transport.abort()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # API

    def _write(self, opcode: int, payload: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_frame(opcode, payload))

    def send_json(self, frame: dict[str, Any]) -> None:
        if self.closed or self._close_sent:
            raise WebSocketClosed(self.close_code)
        self._write(OP_TEXT, json.dumps(frame).encode())

    async def receive(self) -> tuple[float, dict[str, Any]]:
        """The next frame and when it arrived (perf_counter); WebSocketClosed after the last."""
        while not self._inbox:
            if self.closed:
                raise WebSocketClosed(self.close_code)
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        arrived_at, text = self._inbox.popleft()
        frame = json.loads(text)
        if not isinstance(frame, dict):
            raise WebSocketError(f"frame is not a JSON object: {text[:80]!r}")
        return arrived_at, frame

    def pending(self) -> int:
        return len(self._inbox)

    def abort(self) -> None:
        """Drop the connection without a closing handshake, as a lost network would."""
        if self.transport is not None:
            self.transport.abort()

    async def close(self, timeout_s: float = 2.0) -> None:
        if self.closed:
            return
        if not self._close_sent:
            self._write(OP_CLOSE, (1000).to_bytes(2, "big"))
            self._close_sent = True
        try:
            async with asyncio.timeout(timeout_s):
                while not self.closed:
                    self._waiter = asyncio.get_running_loop().create_future()
                    await self._waiter
        except TimeoutError:
            self.abort()
        finally:
            self._waiter = None

"""A small websocket client over a real TCP socket (RFC 6455 text frames), with cookies, for
tests that talk to real Daphne processes."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct
from typing import Any


class SocketRefused(Exception):
    pass


class WireSocket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(
        cls, port: int, path: str, *, origin: str, cookie: str = "", timeout_s: float = 10
    ) -> WireSocket:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port), timeout_s
        )
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            f"Origin: {origin}",
        ]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), timeout_s)
        if b" 101 " not in status:
            writer.close()
            raise SocketRefused(status.decode("latin-1").strip())
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        return cls(reader, writer)

    def _write(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 1 << 16:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(head + mask + masked)

    async def send_json(self, frame: dict[str, Any]) -> None:
        self._write(0x1, json.dumps(frame).encode())
        await self.writer.drain()

    async def receive_json(self, timeout_s: float = 10) -> dict[str, Any]:
        return await asyncio.wait_for(self._next_text(), timeout_s)

    async def _next_text(self) -> dict[str, Any]:
        while True:
            first, second = await self.reader.readexactly(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
            payload = await self.reader.readexactly(length)
            if opcode == 0x1:
                return json.loads(payload)
            if opcode == 0x8:
                raise ConnectionError("the server closed the socket")
            if opcode == 0x9:
                self._write(0xA, payload)

    async def frame_of_type(self, frame_type: str, *, limit: int = 50) -> dict[str, Any]:
        for _ in range(limit):
            frame = await self.receive_json()
            if frame["type"] == frame_type:
                return frame
        raise AssertionError(f"no {frame_type} frame in {limit} frames")

    async def close(self) -> None:
        try:
            self._write(0x8, struct.pack("!H", 1000))
            await self.writer.drain()
        except ConnectionError:
            pass
        self.writer.close()

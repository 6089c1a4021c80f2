"""Two Daphne processes behind one Redis: a customer on one and an agent on the other see each
other's messages live (real subprocesses on loopback, one shared database)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

from .inbox import session_cookie
from .wire import WireSocket

pytestmark = pytest.mark.django_db(transaction=True)

# Without REDIS_URL (the SQLite pass), not the database of the PostgreSQL pass (the Makefile's
# REDIS_TEST_URL), which runs beside it: the other pass's inbox events would reach this one.
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"
WIDGET_ORIGIN = "http://127.0.0.1:8000"
START_TIMEOUT_S = 40
DAPHNE = [sys.executable, "-m", "daphne", "-b", "127.0.0.1"]


def redis_reachable(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_env() -> dict[str, str]:
    """Point the subprocesses at the test database this test writes to."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = urllib.parse.quote(db["USER"] or "")
        password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return {"DATABASE_URL": f"postgres://{user}{password}@{db['HOST']}{port}/{db['NAME']}"}
    return {"DATABASE_URL": "", "SQLITE_PATH": str(db["NAME"])}


@contextlib.contextmanager
def daphne_processes(count: int, tmp_path: Path, **extra_env: str) -> Iterator[list[int]]:
    env = {
        **os.environ,
        **database_env(),
        "DJANGO_SETTINGS_MODULE": "support.settings",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "LADDER_PROVIDER": "local",
        "WIDGET_ALLOWED_ORIGINS": WIDGET_ORIGIN,
        **extra_env,
    }
    ports = [free_port() for _ in range(count)]
    processes = []
    logs = []
    try:
        for port in ports:
            log = open(tmp_path / f"daphne-{port}.log", "w+b")
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    [*DAPHNE, "-p", str(port), "support.asgi:application"],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        for port, process, log in zip(ports, processes, logs, strict=True):
            wait_until_serving(port, process, log)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


def wait_until_serving(port: int, process: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    log.seek(0)
    raise AssertionError(f"daphne on {port} did not start:\n{log.read().decode()[-3000:]}")


class StaffBrowser:
    """An agent's logged-in HTTP session against one process: CSRF cookie and header."""

    def __init__(self, port: int, session: str) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.cookies = {settings.SESSION_COOKIE_NAME: session}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def open(self, path: str, data: dict[str, str] | None = None) -> int:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Cookie", self.cookie_header)
        if body is not None:
            request.add_header("X-CSRFToken", self.cookies.get(settings.CSRF_COOKIE_NAME, ""))
            request.add_header("HX-Request", "true")
        with urllib.request.urlopen(request, timeout=10) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status


async def test_customer_and_agent_on_different_processes_see_each_other_live(dana, tmp_path):
    if not redis_reachable(REDIS_URL):
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    session = await database_sync_to_async(session_cookie)(dana)
    with daphne_processes(2, tmp_path) as (customer_port, agent_port):
        agent = await WireSocket.open(
            agent_port,
            "/ws/inbox/",
            origin=f"http://127.0.0.1:{agent_port}",
            cookie=f"{settings.SESSION_COOKIE_NAME}={session}",
        )
        customer = await WireSocket.open(customer_port, "/ws/chat/", origin=WIDGET_ORIGIN)
        await customer.send_json({"type": "hello", "token": None, "last_seq": 0})
        conversation = (await customer.frame_of_type("welcome"))["conversation"]

        # The customer asks for a person on process A; the agent's inbox on B hears of it.
        await customer.send_json({"type": "handoff"})
        handoff = await agent.frame_of_type("queue.changed")
        assert (handoff["conversation"], handoff["status"]) == (conversation, "waiting")
        await agent.send_json({"type": "watch", "conversation": conversation})
        await agent.frame_of_type("watching")

        # The agent claims and replies through process B's pages; the customer on A sees both.
        browser = StaffBrowser(agent_port, session)
        await asyncio.to_thread(browser.open, "/inbox/")
        await asyncio.to_thread(browser.open, f"/inbox/c/{conversation}/claim/", {})
        status = await customer.frame_of_type("status")
        while status["status"] != "agent":
            status = await customer.frame_of_type("status")
        assert status["agent"] == "Dana"
        await asyncio.to_thread(
            browser.open, f"/inbox/c/{conversation}/reply/", {"text": "Hello from process B"}
        )
        reply = await customer.frame_of_type("message")
        while reply["role"] != "agent":
            reply = await customer.frame_of_type("message")
        assert (reply["author"], reply["text"]) == ("Dana", "Hello from process B")

        # And back: the customer writes on A, the agent's transcript on B shows it.
        await customer.send_json(
            {"type": "message", "client_id": "cross-1", "text": "Thanks, from process A"}
        )
        entry = await agent.frame_of_type("transcript.entry")
        while "from process A" not in entry["html"]:
            entry = await agent.frame_of_type("transcript.entry")
        await customer.close()
        await agent.close()

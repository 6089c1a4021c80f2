"""`manage.py serve`: N Daphne processes on one socket under supervisor. Refusals and the
generated configuration run anywhere; two real processes need PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from support.conversations.management.commands import serve
from tests.support.inbox.test_two_processes import (
    REDIS_URL,
    database_env,
    free_port,
    redis_reachable,
)
from tests.support.inbox.wire import WireSocket

START_TIMEOUT_S = 90
ORIGIN = "http://127.0.0.1:8000"


def print_config(*args: str) -> str:
    out = io.StringIO()
    call_command("serve", "--print-config", *args, stdout=out)
    return out.getvalue()


def test_more_than_one_process_without_postgresql_and_redis_is_refused(settings, tmp_path):
    settings.DATABASE_VENDOR = "sqlite3"
    settings.REDIS_URL = ""
    run_dir = tmp_path / "serve"
    with pytest.raises(CommandError) as refused:
        call_command("serve", "--processes", "2", "--run-dir", str(run_dir))
    message = str(refused.value)
    assert "PostgreSQL (DATABASE_URL)" in message and "Redis (REDIS_URL)" in message
    assert not run_dir.exists()  # nothing written, nothing started
    settings.DATABASE_VENDOR = "postgresql"
    with pytest.raises(CommandError, match=r"missing: Redis \(REDIS_URL\)\."):
        call_command("serve", "--processes", "2", "--run-dir", str(run_dir))
    with pytest.raises(CommandError, match="at least 1"):
        call_command("serve", "--processes", "0")


def test_config_shares_one_socket_between_daphnes_that_supervisor_restarts(settings):
    settings.DATABASE_VENDOR = "sqlite3"
    config = print_config("--port", "8123")
    assert "[fcgi-program:ladder]" in config
    assert "socket=tcp://127.0.0.1:8123" in config
    assert "--fd 0" in config and "support.asgi:application" in config
    assert "numprocs=1" in config  # the embedded mode: one process
    assert "autorestart=true" in config and f"stopwaitsecs={serve.STOP_WAIT_S}" in config


@pytest.mark.parametrize(("configured", "expected_s"), [("2", 0.002), ("0", 0.005)])
def test_a_server_process_hands_the_gil_over_as_configured(configured, expected_s):
    # What Daphne loads (the ASGI application) sets the interval; 0 keeps Python's own.
    env = {**os.environ, "LADDER_GIL_SWITCH_MS": configured}
    env.pop("DATABASE_URL", None)
    shown = subprocess.run(
        [sys.executable, "-c", "import sys, support.asgi; print(sys.getswitchinterval())"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert float(shown.stdout.split()[-1]) == pytest.approx(expected_s)


def test_processes_default_to_the_cores_with_postgresql_and_redis(settings):
    settings.DATABASE_VENDOR = "postgresql"
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert f"numprocs={len(os.sched_getaffinity(0))}" in print_config()
    assert "numprocs=3" in print_config("--processes", "3")


def healthz(port: int) -> dict:
    import json

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return json.loads(response.read())


def serving_pids(port: int, wanted: int, attempts: int = 400) -> set[int]:
    """Processes seen answering fresh connections, until `wanted` of them (or attempts end)."""
    seen: set[int] = set()
    for _ in range(attempts):
        try:
            seen.add(healthz(port)["process"])
        except OSError:
            time.sleep(0.1)
        if len(seen) >= wanted:
            break
    return seen


@dataclass
class Served:
    """`serve --processes 2` running on `port`, its two children's pids, and its log."""

    process: subprocess.Popen[bytes]
    port: int
    pids: set[int] = field(default_factory=set)
    code: int | None = None
    output: str = ""


@contextlib.contextmanager
def serving_two_processes(tmp_path: Path, **extra_env: str) -> Iterator[Served]:
    """Start `manage.py serve --processes 2` against the test database and Redis, wait until
    both children answer, and stop it (SIGTERM) when the block ends."""
    port = free_port()
    env = {
        **os.environ,
        **database_env(),
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "LADDER_PROVIDER": "local",
        "WIDGET_ALLOWED_ORIGINS": ORIGIN,
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    command = [sys.executable, "manage.py", "serve", "--processes", "2", "--port", str(port)]
    with open(tmp_path / "serve.log", "w+b") as log:
        process = subprocess.Popen(
            [*command, "--run-dir", str(tmp_path / "run")],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        served = Served(process, port)
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while len(served.pids) < 2 and time.monotonic() < deadline and process.poll() is None:
                served.pids |= serving_pids(port, 2, attempts=50)
            log.seek(0)
            assert len(served.pids) == 2, log.read().decode()[-3000:]
            yield served
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                served.code = process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                served.code = process.wait()
            log.seek(0)
            served.output = log.read().decode()[-3000:]


async def chat_round_trip(port: int) -> tuple[dict, dict, str]:
    socket = await WireSocket.open(port, "/ws/chat/", origin=ORIGIN)
    try:
        await socket.send_json({"type": "hello", "token": None, "last_seq": 0})
        welcome = await socket.frame_of_type("welcome")
        client_id = str(uuid.uuid4())
        await socket.send_json({"type": "message", "client_id": client_id, "text": "Hello?"})
        ack = await socket.frame_of_type("ack")
    finally:
        await socket.close()
    return welcome, ack, client_id


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_port_restart_a_killed_child_and_stop(tmp_path):
    if settings.DATABASE_VENDOR != "postgresql" or not redis_reachable(REDIS_URL):
        pytest.skip("two processes need PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    with serving_two_processes(tmp_path) as served:
        port, pids = served.port, served.pids
        # The widget protocol through the shared port: hello, welcome, a stored message.
        welcome, ack, client_id = asyncio.run(chat_round_trip(port))
        assert welcome["conversation"] and ack["client_id"] == client_id

        # A child that dies is replaced; the port keeps answering.
        killed = pids.pop()
        os.kill(killed, signal.SIGKILL)
        replaced: set[int] = set()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and not (replaced - {killed} - pids):
            replaced |= serving_pids(port, 2, attempts=50)
        assert replaced - {killed} - pids, "no new process took the dead one's place"
    assert served.code == 0, served.output
    with pytest.raises(OSError):
        healthz(port)

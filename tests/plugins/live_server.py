"""A real Daphne on a free loopback port serving the test database, and Debian's chromium
driven by Playwright, for the browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]

    def __str__(self) -> str:
        return self.url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(port: int) -> dict[str, str]:
    """The test database this test already uses, and the embedded mode for everything else."""
    from django.db import connection

    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "REDIS_URL"))}
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(database["NAME"])
    else:
        user = database.get("USER") or "postgres"
        password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
        host = database.get("HOST") or "127.0.0.1"
        env["DATABASE_URL"] = (
            f"postgres://{user}{password}@{host}:{database.get('PORT') or 5432}/{database['NAME']}"
        )
    from django.conf import settings

    env.update(
        {
            "SECRET_KEY": settings.SECRET_KEY,
            "LADDER_PROVIDER": "local",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "WIDGET_ALLOWED_ORIGINS": f"http://127.0.0.1:{port}",
            "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
            "LADDER_LOCAL_CHUNK_PAUSE_MS": "30",
        }
    )
    return env


@pytest.fixture
def live_daphne(transactional_db) -> Iterator[LiveServer]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "support.asgi:application",
        ],
        cwd=ROOT,
        env=server_environment(port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"Daphne did not start on {url}:\n{errors[-3000:]}")
        time.sleep(0.2)
    try:
        yield LiveServer(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs its own event loop; Django must allow sync ORM calls beside it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

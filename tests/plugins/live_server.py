"""A real Daphne on a free loopback port serving the test database, and Debian's chromium
driven by Playwright, for the browser tests.

The server shares the test's own database (the on-disk SQLite test file, or the PostgreSQL
test database), so a test can set up personas before and check stored rows after, and
pytest-django's flush after each test cleans up what the server wrote.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
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
START_TIMEOUT_S = 30
# How long Playwright's `expect` waits for a page to get there. Its own default (5 s) is short
# for a machine running both test passes side by side (make test); a failing check only takes
# longer to fail.
EXPECT_TIMEOUT_MS = 15_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "live_server_env(**variables): extra environment variables for this test's live_daphne",
    )


@dataclass(frozen=True)
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def __str__(self) -> str:
        return self.url

    def log_tail(self, chars: int = 3000) -> str:
        """What the server wrote to stderr, for failure messages."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(port: int) -> dict[str, str]:
    """The test database this test already uses, and the embedded (local) provider."""
    from django.conf import settings
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
    origin = f"http://127.0.0.1:{port}"
    env.update(
        {
            # Tokens the server signs must be readable by the test process, and vice versa.
            "SECRET_KEY": settings.SECRET_KEY,
            "LADDER_PROVIDER": "local",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "WIDGET_ALLOWED_ORIGINS": f"{origin},http://localhost:{port}",
            "CSRF_TRUSTED_ORIGINS": origin,
            # Slow enough that a test can catch an answer mid-stream, fast enough to stay quick.
            "LADDER_LOCAL_CHUNK_PAUSE_MS": "30",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def wait_until_healthy(server: LiveServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.process.kill()
            raise RuntimeError(f"Daphne did not start on {server.url}:\n{server.log_tail()}")
        time.sleep(0.2)


@pytest.fixture
def live_server_extra_env() -> dict[str, str]:
    """Settings a test module adds to its live_daphne (override this fixture to add some
    known only at run time, such as a fake server's address)."""
    return {}


@pytest.fixture
def live_daphne(
    request: pytest.FixtureRequest, transactional_db: None, live_server_extra_env: dict[str, str]
) -> Iterator[LiveServer]:
    """Daphne serving this test's database with the demo help centre loaded.

    `@pytest.mark.live_server_env(NAME="value")` adds settings for one test's server; "{origin}"
    in a value is replaced by the server's origin.
    """
    from django.core.management import call_command

    # The test database is migrated already; the server answers from the demo articles.
    call_command("load_demo_kb", verbosity=0)
    port = free_port()
    env = server_environment(port)
    env.update(live_server_extra_env)
    marker = request.node.get_closest_marker("live_server_env")
    if marker is not None:
        # "{origin}" stands for the server's own origin, known only once the port is chosen.
        origin = f"http://127.0.0.1:{port}"
        env.update(
            {name: str(value).replace("{origin}", origin) for name, value in marker.kwargs.items()}
        )
    # A file, not a pipe: a pipe nobody reads fills up and blocks the server mid-test.
    log = tempfile.NamedTemporaryFile(prefix="ladder-daphne-", suffix=".log", delete=False)
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
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    server = LiveServer(f"http://127.0.0.1:{port}", process, Path(log.name))
    try:
        wait_until_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server.log_path.unlink(missing_ok=True)


@pytest.fixture
def browser() -> Iterator[object]:
    """Debian's chromium, headless, through Playwright's sync API."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install playwright)")
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)

    # Playwright's sync API runs its own event loop in this thread; the test's sync ORM calls
    # beside it would otherwise be refused as "async unsafe".
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield launched
            finally:
                launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous

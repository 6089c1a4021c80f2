"""A whole benchmark: start the fake upstream, our Daphne(s) and the bare relay on loopback, run
the same load against each in turn, and gather the figures (always stopping the processes)."""

from __future__ import annotations

import asyncio
import secrets
import shutil
import socket
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from support.devtools.fake_anthropic import CONFIDENT_CONTROL_LINE, split_tokens

from .checks import evaluate as evaluate_checks
from .client import Endpoint
from .runner import LoadPlan, LoadRun, RunTimedOut, Target
from .servers import ServerFailed, Servers, free_port, raise_open_file_limit
from .stats import compare_runs
from .websocket import WebSocketError

CONTROL_LINE_TOKENS = len(split_tokens(CONFIDENT_CONTROL_LINE + "\n"))
# Limits raised for our own server processes: every client of the benchmark is 127.0.0.1.
UNLIMITED = "100000000"
SET_UP_TIMEOUT_S = 120.0


@dataclass
class BenchmarkOptions:
    conversations: int = 50
    messages: int = 2
    idle_sockets: int = 1000
    first_token_ms: int = 300
    deltas_per_second: float = 50.0
    baseline: bool = False
    reconnect_chaos: bool = False
    chaos_fraction: float = 0.5
    processes: int = 1
    url: str = ""
    server_pids: list[int] = field(default_factory=list)
    database_url: str = ""
    redis_url: str = "redis://127.0.0.1:6379/14"
    timeout_s: float = 300.0
    answer_timeout_s: float = 60.0
    ramp_s: float = 1.0
    think_ms: int = 0
    origin: str = "http://127.0.0.1:8000"
    seed: int = 7
    server_env: dict[str, str] = field(default_factory=dict)
    keep_files: bool = False

    @property
    def upstream_visible_ms(self) -> float:
        """When the fake sends the first word of its answer: its first token opens the
        control line, which our server keeps from the customer."""
        return self.first_token_ms + CONTROL_LINE_TOKENS * 1000 / self.deltas_per_second

    def plan(self) -> LoadPlan:
        return LoadPlan(
            conversations=self.conversations,
            messages=self.messages,
            idle_sockets=self.idle_sockets,
            first_token_ms=self.first_token_ms,
            upstream_visible_ms=self.upstream_visible_ms,
            ramp_s=self.ramp_s,
            think_ms=self.think_ms,
            answer_timeout_s=self.answer_timeout_s,
            reconnect_chaos=self.reconnect_chaos,
            chaos_fraction=self.chaos_fraction,
            origin=self.origin,
            seed=self.seed,
        )


def endpoint_from_url(url: str) -> Endpoint:
    parts = urlsplit(url)
    default_port = 443 if parts.scheme in ("wss", "https") else 80
    return Endpoint(parts.hostname or "", parts.port or default_port)


def redis_reachable(url: str, timeout_s: float = 2.0) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 6379), timeout=timeout_s
        ) as probe:
            probe.sendall(b"PING\r\n")
            return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Benchmark:
    def __init__(self, options: BenchmarkOptions, progress: Callable[[str], None]) -> None:
        self.options = options
        self.progress = progress
        self.started = time.monotonic()
        self.deadline = self.started + options.timeout_s
        self.workdir = Path(tempfile.mkdtemp(prefix="ladder-loadtest-"))
        self.failed = False

    def remaining_s(self) -> float:
        return self.deadline - time.monotonic()

    def run(self) -> dict[str, Any]:
        options = self.options
        result: dict[str, Any] = {"ok": False, "options": self.options_summary()}
        raise_open_file_limit(options.idle_sockets + 4 * options.conversations + 1024)
        try:
            with Servers(self.workdir, self.progress) as servers:
                targets, extra_pids = self.start_servers(servers)
                runs: dict[str, dict[str, Any]] = {}
                for target in targets:
                    run = LoadRun(
                        target,
                        options.plan(),
                        deadline=self.deadline,
                        progress=self.progress,
                        watch=servers.check_alive,
                        extra_pids=extra_pids,
                    )
                    runs[target.name] = asyncio.run(run.run())
                    servers.check_alive()
                result["ladder"] = runs["ladder"]
                result["baseline"] = runs.get("baseline")
                if "baseline" in runs:
                    result["ratios"] = compare_runs(runs["ladder"], runs["baseline"])
        except (ServerFailed, RunTimedOut, WebSocketError, OSError) as error:
            self.failed = True
            result["error"] = f"{type(error).__name__}: {error}"
            result["logs"] = str(self.workdir)
        finally:
            result["elapsed_s"] = round(time.monotonic() - self.started, 1)
            if not (self.failed or options.keep_files):
                shutil.rmtree(self.workdir, ignore_errors=True)
            elif not self.failed:
                result["logs"] = str(self.workdir)
        if "ladder" in result:
            result["checks"] = self.checks(result)
            result["ok"] = not self.failed and all(
                check["met"] for check in result["checks"].values() if check["required"]
            )
        return result

    def options_summary(self) -> dict[str, Any]:
        summary = asdict(self.options)
        summary.pop("server_pids")
        summary["upstream_first_visible_token_ms"] = round(self.options.upstream_visible_ms, 1)
        if summary["database_url"]:
            summary["database_url"] = "(given)"
        return summary

    # Processes

    def server_env(self, fake_port: int, *, redis: bool, sqlite_path: Path) -> dict[str, str]:
        import os

        options = self.options
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "support.settings",
                "PYTHONUNBUFFERED": "1",
                # Both processes sign and read the same conversation tokens.
                "SECRET_KEY": self.secret_key,
                "DATABASE_URL": options.database_url,
                "SQLITE_PATH": str(sqlite_path),
                "REDIS_URL": options.redis_url if redis else "",
                "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{fake_port}",
                "ANTHROPIC_API_KEY": "test",
                "LADDER_PROVIDER": "anthropic",
                # Every answer goes to the model: the benchmark measures streaming.
                "LADDER_ANSWER_CACHE": "false",
                "LADDER_MESSAGES_PER_MINUTE_PER_CONVERSATION": UNLIMITED,
                "LADDER_MESSAGES_PER_MINUTE_PER_IP": UNLIMITED,
                "LADDER_FRAMES_PER_MINUTE_PER_SOCKET": UNLIMITED,
                "LADDER_FRAMES_PER_MINUTE_PER_IP": UNLIMITED,
                "LADDER_ACTIONS_PER_MINUTE_PER_SOCKET": UNLIMITED,
                "LADDER_ACTIONS_PER_MINUTE_PER_IP": UNLIMITED,
                "LADDER_CONVERSATIONS_PER_HOUR_PER_IP": UNLIMITED,
                "LADDER_MAX_SOCKETS_PER_IP": UNLIMITED,
                "LADDER_DAILY_SPEND_CAP_FAST_USD": UNLIMITED,
                "LADDER_DAILY_SPEND_CAP_STRONG_USD": UNLIMITED,
                "LADDER_CONVERSATION_TOKEN_BUDGET": UNLIMITED,
                "LADDER_DAILY_SPEND_PER_IP_USD": "0",
                "LADDER_CONVERSATION_SPEND_BUDGET_USD": "0",
                "LADDER_MAX_MODEL_CALLS_IN_FLIGHT": "0",
                "WIDGET_ALLOWED_ORIGINS": options.origin,
                "LOG_LEVEL": "WARNING",
                "DEBUG": "false",
            }
        )
        env.update(options.server_env)
        return env

    def start_servers(self, servers: Servers) -> tuple[list[Target], dict[str, int]]:
        options = self.options
        if options.url:
            endpoint = endpoint_from_url(options.url)
            self.progress(f"targeting {endpoint} (no servers started)")
            return [Target("ladder", [endpoint], pids=list(options.server_pids))], {}
        self.secret_key = secrets.token_urlsafe(50)
        fake_port = free_port()
        fake = servers.start(
            "fake_anthropic",
            servers.manage_argv(
                "fake_anthropic",
                "--port",
                str(fake_port),
                "--first-token-ms",
                str(options.first_token_ms),
                "--tokens-per-second",
                f"{options.deltas_per_second:g}",
            ),
            self.server_env(fake_port, redis=False, sqlite_path=self.workdir / "fake.sqlite3"),
            port=fake_port,
        )
        redis = options.processes > 1
        env = self.server_env(fake_port, redis=redis, sqlite_path=self.workdir / "db.sqlite3")
        self.progress("preparing the database (migrate, load_demo_kb)")
        servers.run_command(
            "migrate",
            servers.manage_argv("migrate", "--noinput", "-v", "0"),
            env,
            timeout_s=min(SET_UP_TIMEOUT_S, max(5.0, self.remaining_s())),
        )
        servers.run_command(
            "load_demo_kb",
            servers.manage_argv("load_demo_kb"),
            env,
            timeout_s=min(SET_UP_TIMEOUT_S, max(5.0, self.remaining_s())),
        )
        ours: list[Endpoint] = []
        pids: list[int] = []
        for number in range(options.processes):
            port = free_port()
            server = servers.start(
                f"daphne_{number + 1}",
                self.daphne_argv(port, "support.asgi:application"),
                env,
                port=port,
            )
            ours.append(Endpoint("127.0.0.1", port))
            pids.append(server.pid)
        targets = [Target("ladder", ours, pids=pids)]
        if options.baseline:
            port = free_port()
            relay = servers.start(
                "daphne_bare_relay",
                self.daphne_argv(port, "support.devtools.loadtest.baseline:application"),
                self.server_env(fake_port, redis=False, sqlite_path=self.workdir / "relay.sqlite3"),
                port=port,
            )
            targets.append(
                Target(
                    "baseline",
                    [Endpoint("127.0.0.1", port)],
                    pids=[relay.pid],
                    keeps_history=False,
                    supports_resume=False,
                )
            )
        return targets, {"fake": fake.pid}

    @staticmethod
    def daphne_argv(port: int, application: str) -> list[str]:
        import sys

        return [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            # No access log: it would write a line per socket to a file nobody reads.
            "-v",
            "0",
            application,
        ]

    # Checks

    def checks(self, result: dict[str, Any]) -> dict[str, dict[str, Any]]:
        ours = result["ladder"]
        found = evaluate_checks(
            conversations=self.options.conversations,
            messages=self.options.messages,
            ours=ours,
            relay=result.get("baseline"),
            counts_history=self.options.url == "" or ours.get("lost") is not None,
        )
        return {check.name: check.as_dict() for check in found}

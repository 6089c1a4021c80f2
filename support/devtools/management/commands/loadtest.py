"""`manage.py loadtest`: the load benchmark of issue 7, on loopback only; prints a table and,
as its last line, one JSON object with every figure."""

from __future__ import annotations

import json
import re
import signal
import threading
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser

from support.devtools.loadtest.benchmark import Benchmark, BenchmarkOptions, redis_reachable
from support.devtools.loadtest.checks import Check
from support.devtools.loadtest.servers import is_loopback
from support.devtools.loadtest.stats import render_table

_ENV_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _bounded(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise CommandError(f"{name} must be between {low:g} and {high:g}; got {value:g}.")


def _loopback_url(option: str, url: str, schemes: tuple[str, ...]) -> None:
    parts = urlsplit(url)
    if parts.scheme not in schemes:
        raise CommandError(
            f"{option} must start with {' or '.join(s + '://' for s in schemes)}; got {url!r}."
        )
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise CommandError(f"{option} has a malformed port: {url!r}.") from None
    if not parts.hostname or not is_loopback(parts.hostname):
        raise CommandError(
            f"{option} must point at this machine (127.0.0.1, ::1 or localhost): the load "
            f"benchmark runs on loopback only, and {parts.hostname or 'no host'!r} is not."
        )


class Command(BaseCommand):
    help = (
        "Load benchmark on loopback: N concurrent conversations over real websockets against "
        "Daphne and a fake Anthropic server (set time to first token and delta rate); reports "
        "added time to first token, frames/s, lost and duplicated messages, memory per idle "
        "socket and CPU per answer, optionally against a bare relay (--baseline). Required "
        "checks (0 lost or duplicated; at 200 conversations x 2 an ack p50 of 50 ms at most and "
        "added time to first token no worse than the relay's; at 50 x 2 within 1.5x of it) "
        "print `miss` when missed, and the command then exits non-zero."
    )

    # Each numeric option's range, checked by `validate` (flag -> lowest, highest).
    ranges: dict[str, tuple[float, float]]

    def add_number(
        self,
        group: Any,
        flag: str,
        kind: type,
        default: float,
        allowed: tuple[float, float],
        help: str,
    ) -> None:
        group.add_argument(flag, type=kind, default=default, help=help)
        self.ranges[flag] = allowed

    def add_arguments(self, parser: CommandParser) -> None:
        self.ranges = {}
        load = parser.add_argument_group("load")
        self.add_number(
            load, "--conversations", int, 50, (1, 5000), "Concurrent conversations (50)."
        )
        self.add_number(
            load, "--messages", int, 2, (1, 100), "Questions per conversation, in turn (2)."
        )
        self.add_number(
            load,
            "--idle-sockets",
            int,
            1000,
            (0, 50000),
            "Idle sockets opened (after hello) to measure server memory per socket (1000).",
        )
        self.add_number(
            load,
            "--ramp-s",
            float,
            1.0,
            (0, 600),
            "Seconds over which conversations start, evenly spread (1.0).",
        )
        self.add_number(
            load,
            "--think-ms",
            int,
            0,
            (0, 600000),
            "Pause between an answer and the next question.",
        )
        load.add_argument("--seed", type=int, default=7, help="Seed of the random choices (7).")
        upstream = parser.add_argument_group("fake upstream")
        self.add_number(
            upstream,
            "--first-token-ms",
            int,
            300,
            (0, 60000),
            "The fake server's time to first token; subtracted as the upstream part (300).",
        )
        self.add_number(
            upstream,
            "--deltas-per-second",
            float,
            50.0,
            (0.1, 10000),
            "The fake server's text deltas per second per stream (50).",
        )
        modes = parser.add_argument_group("modes")
        modes.add_argument(
            "--baseline",
            action="store_true",
            help="Also run the same load against a bare SDK relay and print ratios to it.",
        )
        modes.add_argument(
            "--reconnect-chaos",
            action="store_true",
            help="Drop sockets mid-answer and resume them with token + last_seq.",
        )
        self.add_number(
            modes,
            "--chaos-fraction",
            float,
            0.5,
            (0.01, 1),
            "Share of answers whose socket is dropped under --reconnect-chaos (0.5).",
        )
        self.add_number(
            modes,
            "--processes",
            int,
            1,
            (1, 8),
            "Daphne processes sharing a Redis channel layer; clients spread over them (1).",
        )
        servers = parser.add_argument_group("servers")
        servers.add_argument(
            "--url",
            default="",
            help="Target a running server (loopback only, e.g. ws://127.0.0.1:8000/ws/chat/) "
            "instead of starting one; it must use a fake upstream at --first-token-ms.",
        )
        servers.add_argument(
            "--server-pid",
            type=int,
            action="append",
            default=[],
            help="With --url: the server's pid, to measure its memory and CPU (repeatable).",
        )
        servers.add_argument(
            "--database-url",
            default="",
            help="A throwaway loopback PostgreSQL database for our servers (default: a fresh "
            "temporary SQLite file).",
        )
        servers.add_argument(
            "--redis-url",
            default="redis://127.0.0.1:6379/14",
            help="Redis for --processes > 1 (redis://127.0.0.1:6379/14).",
        )
        servers.add_argument(
            "--server-env",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="Extra setting for our server processes, e.g. LADDER_DELTA_FLUSH_MS=60.",
        )
        servers.add_argument(
            "--origin",
            default="http://127.0.0.1:8000",
            help="Origin header of the sockets (must be an allowed widget origin).",
        )
        limits = parser.add_argument_group("limits")
        self.add_number(
            limits, "--timeout-s", float, 300.0, (5, 3600), "The whole run's time limit (300)."
        )
        self.add_number(
            limits,
            "--answer-timeout-s",
            float,
            60.0,
            (1, 600),
            "Longest wait for one answer before it counts as an error (60).",
        )
        limits.add_argument(
            "--keep-files",
            action="store_true",
            help="Keep the temporary database and server logs (kept anyway on failure).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        benchmark_options = self.validate(options)
        benchmark = Benchmark(benchmark_options, self.progress)
        restore = self.stop_on_sigterm()
        try:
            result = benchmark.run()
        finally:
            restore()
        self.report(result)
        if not result["ok"]:
            failed = [
                name
                for name, check in result.get("checks", {}).items()
                if check["required"] and not check["met"]
            ]
            raise CommandError(
                result.get("error")
                or f"the run completed but missed: {', '.join(failed)} (see the JSON line)"
            )

    def validate(self, options: dict[str, Any]) -> BenchmarkOptions:
        for flag, (low, high) in self.ranges.items():
            _bounded(flag, options[flag[2:].replace("-", "_")], low, high)
        url = options["url"].strip()
        if url:
            _loopback_url("--url", url, ("ws", "http"))
            conflicting = [
                flag
                for flag, given in (
                    ("--baseline", options["baseline"]),
                    ("--processes", options["processes"] > 1),
                    ("--database-url", bool(options["database_url"])),
                    ("--server-env", bool(options["server_env"])),
                )
                if given
            ]
            if conflicting:
                raise CommandError(
                    f"{', '.join(conflicting)} need the servers this command starts; drop --url."
                )
            if urlsplit(url).path not in ("", "/", "/ws/chat/"):
                raise CommandError(f"--url must name the chat socket /ws/chat/; got {url!r}.")
        elif options["server_pid"]:
            raise CommandError("--server-pid only goes with --url.")
        if options["database_url"]:
            _loopback_url("--database-url", options["database_url"], ("postgres", "postgresql"))
        _loopback_url("--redis-url", options["redis_url"], ("redis",))
        if options["processes"] > 1 and not redis_reachable(options["redis_url"]):
            raise CommandError(
                f"--processes {options['processes']} needs Redis, and {options['redis_url']} "
                "does not answer PING."
            )
        origin_parts = urlsplit(options["origin"])
        if origin_parts.scheme not in ("http", "https") or not origin_parts.hostname:
            raise CommandError(
                f"--origin must be like http://host[:port]; got {options['origin']!r}."
            )
        server_env: dict[str, str] = {}
        for item in options["server_env"]:
            name, sep, value = item.partition("=")
            if not sep or not _ENV_NAME_RE.match(name):
                raise CommandError(f"--server-env takes NAME=VALUE; got {item!r}.")
            server_env[name] = value
        return BenchmarkOptions(
            conversations=options["conversations"],
            messages=options["messages"],
            idle_sockets=options["idle_sockets"],
            first_token_ms=options["first_token_ms"],
            deltas_per_second=options["deltas_per_second"],
            baseline=options["baseline"],
            reconnect_chaos=options["reconnect_chaos"],
            chaos_fraction=options["chaos_fraction"],
            processes=options["processes"],
            url=url,
            server_pids=list(options["server_pid"]),
            database_url=options["database_url"],
            redis_url=options["redis_url"],
            timeout_s=options["timeout_s"],
            answer_timeout_s=options["answer_timeout_s"],
            ramp_s=options["ramp_s"],
            think_ms=options["think_ms"],
            origin=options["origin"],
            seed=options["seed"],
            server_env=server_env,
            keep_files=options["keep_files"],
        )

    def progress(self, line: str) -> None:
        self.stderr.write(line)
        self.stderr.flush()

    def stop_on_sigterm(self) -> Any:
        """SIGTERM stops the run like Ctrl-C does, so the servers it started are stopped too."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def interrupt(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, interrupt)
        return lambda: signal.signal(signal.SIGTERM, previous)

    def report(self, result: dict[str, Any]) -> None:
        runs = {name: result[name] for name in ("ladder", "baseline") if result.get(name)}
        if runs:
            self.stdout.write(render_table(runs, result.get("ratios")))
            for name, figures in result.get("checks", {}).items():
                self.stdout.write(Check(name, **figures).line())
            for name, run in runs.items():
                for line in run.get("error_examples", []) + run.get("history_problems", []):
                    self.stdout.write(f"{name}: {line}")
        if result.get("error"):
            self.stdout.write(f"run failed: {result['error']}")
        if result.get("logs"):
            self.stdout.write(f"server logs: {result['logs']}")
        self.stdout.write(json.dumps(result, sort_keys=True))

"""``manage.py fake_anthropic``: serve the fake Anthropic Messages API in the foreground, for
running the product offline through the real SDK and for load benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from routing.prompt_cache import parse_min_cacheable_tokens
from support.devtools.fake_anthropic import (
    DEFAULT_FIRST_TOKEN_MS,
    DEFAULT_TOKENS_PER_SECOND,
    FakeAnthropicServer,
    is_loopback_host,
    load_script_file,
)


class Command(BaseCommand):
    help = (
        "Serve a fake Anthropic Messages API (streaming and not, scripted answers, errors, "
        "time to first token and token rate) on loopback, until interrupted. Point the product "
        "at it with ANTHROPIC_BASE_URL. Drive it over HTTP: POST /_fake/script, "
        "POST /_fake/config, POST /_fake/reset, GET /_fake/requests, GET /_fake/stats."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
        parser.add_argument("--host", default="127.0.0.1", help="loopback unless --allow-remote")
        parser.add_argument(
            "--first-token-ms",
            type=float,
            default=DEFAULT_FIRST_TOKEN_MS,
            help=f"wait before the first token of an unscripted answer "
            f"(default {DEFAULT_FIRST_TOKEN_MS})",
        )
        parser.add_argument(
            "--tokens-per-second",
            type=float,
            default=DEFAULT_TOKENS_PER_SECOND,
            help=f"streaming rate, one text delta per word (default {DEFAULT_TOKENS_PER_SECOND:g})",
        )
        parser.add_argument(
            "--min-cacheable-tokens",
            metavar="MODEL=TOKENS,...",
            default=None,
            help="the shortest prefix each model caches (default: Anthropic's documented "
            "figures, with LADDER_MIN_CACHEABLE_TOKENS's overrides)",
        )
        parser.add_argument(
            "--prefill-tokens-per-second",
            type=float,
            default=None,
            help="model prompt reading before the first token at this rate, cached tokens at a "
            "tenth of the time (default: not modelled)",
        )
        parser.add_argument(
            "--script",
            type=Path,
            metavar="FILE.json",
            help='response specs to queue: a JSON list, or {"specs": [...]}',
        )
        parser.add_argument(
            "--api-key", help="accept only this key (default: any key, as long as one is sent)"
        )
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="keep no request log (for long benchmarks; /_fake/stats still counts)",
        )
        parser.add_argument(
            "--allow-remote",
            action="store_true",
            help="allow a non-loopback --host (the fake has no security of its own)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        server = self.build_server(options)
        try:
            asyncio.run(self.serve(server))
        except KeyboardInterrupt:
            pass
        self.stdout.write("Fake Anthropic API stopped.")

    def build_server(self, options: dict[str, Any]) -> FakeAnthropicServer:
        """Check the options and make the server; every mistake is a CommandError."""
        port = options["port"]
        if not 0 <= port <= 65535:
            raise CommandError(f"--port must be between 0 and 65535, got {port}")
        host = options["host"]
        if not is_loopback_host(host) and not options["allow_remote"]:
            raise CommandError(
                f"--host {host} is not a loopback address; the fake answers anyone who can "
                "reach it, so pass --allow-remote if you really mean it"
            )
        if options["first_token_ms"] < 0:
            raise CommandError(f"--first-token-ms must be >= 0, got {options['first_token_ms']:g}")
        if options["tokens_per_second"] <= 0:
            raise CommandError(
                f"--tokens-per-second must be > 0, got {options['tokens_per_second']:g}"
            )
        min_cacheable = settings.LADDER_MIN_CACHEABLE_TOKENS
        if options["min_cacheable_tokens"] is not None:
            try:
                min_cacheable = parse_min_cacheable_tokens(options["min_cacheable_tokens"])
            except ValueError as error:
                raise CommandError(f"--min-cacheable-tokens: {error}") from error
        prefill = options["prefill_tokens_per_second"]
        if prefill is not None and prefill <= 0:
            raise CommandError(f"--prefill-tokens-per-second must be > 0, got {prefill:g}")
        specs = []
        if options["script"] is not None:
            path: Path = options["script"]
            try:
                specs = load_script_file(path.read_text(encoding="utf-8"))
            except OSError as error:
                raise CommandError(f"--script {path}: cannot read it ({error.strerror})") from error
            except ValueError as error:
                raise CommandError(f"--script {path}: {error}") from error
        server = FakeAnthropicServer(
            host,
            port,
            first_token_ms=options["first_token_ms"],
            tokens_per_second=options["tokens_per_second"],
            api_key=options["api_key"] or None,
            min_cacheable_tokens=min_cacheable or None,
            prefill_tokens_per_second=prefill,
            record_requests=not options["no_record"],
            allow_remote=options["allow_remote"],
        )
        if specs:
            server.script(*specs)
        return server

    async def serve(self, server: FakeAnthropicServer) -> None:
        loop = asyncio.get_running_loop()
        # SIGTERM (a benchmark or CI stopping it) ends it as cleanly as Ctrl-C does.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGTERM, server.request_stop)
        try:
            await server.serve(on_ready=self.announce)
        except OSError as error:
            raise CommandError(
                f"cannot listen on {server.host}:{server.port}: {error.strerror}"
            ) from error

    def announce(self, server: FakeAnthropicServer) -> None:
        url = server.base_url
        scripted = server.pending_specs
        self.stdout.write(
            f"Fake Anthropic API listening on {url} "
            f"(first token {server.first_token_ms:g} ms, {server.tokens_per_second:g} tokens/s"
            + (f", {scripted} scripted responses" if scripted else "")
            + ")\n"
            "Point Ladder at it:\n"
            f"  ANTHROPIC_BASE_URL={url} ANTHROPIC_API_KEY={server.api_key or 'test'} make run\n"
            f"Control: POST {url}/_fake/script, POST {url}/_fake/config, "
            f"POST {url}/_fake/reset, GET {url}/_fake/requests, GET {url}/_fake/stats\n"
            "Ctrl-C stops it."
        )
        # A benchmark reads the URL from a pipe; push it out now rather than at exit.
        self.stdout.flush()
        sys.stdout.flush()

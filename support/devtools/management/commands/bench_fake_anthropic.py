"""`manage.py bench_fake_anthropic`: how many concurrent streams the fake Anthropic server
serves at once, and how long they take; prints a table and one JSON line (loopback only)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from support.devtools.fake_anthropic import FakeAnthropicServer, plain_stream

QUESTION = "<customer_message>How long does shipping take?</customer_message>"


def _body(number: int) -> dict[str, Any]:
    return {
        "model": "claude-haiku-5-5",
        "max_tokens": 100,
        "messages": [{"role": "user", "content": f"{QUESTION}\nquestion {number}"}],
    }


class Command(BaseCommand):
    help = "Serve N concurrent streams from the fake Anthropic server and time them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--streams", type=int, default=300)
        parser.add_argument("--first-token-ms", type=int, default=200)
        parser.add_argument("--tokens-per-second", type=float, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        streams = options["streams"]
        with FakeAnthropicServer(
            first_token_ms=options["first_token_ms"],
            tokens_per_second=options["tokens_per_second"],
        ) as fake:

            async def run() -> list[str]:
                return await asyncio.gather(
                    *(plain_stream(fake.port, _body(n)) for n in range(streams))
                )

            started = time.perf_counter()
            responses = asyncio.run(run())
            elapsed_s = time.perf_counter() - started
            stats = fake.stats()
        complete = sum(
            r.startswith("HTTP/1.1 200") and "event: message_stop" in r for r in responses
        )
        figures = {
            "streams": streams,
            "complete": complete,
            "elapsed_s": round(elapsed_s, 3),
            "peak_active_streams": stats["peak_active_streams"],
        }
        for name, value in figures.items():
            self.stdout.write(f"{name:<22}{value:>10}")
        self.stdout.write(json.dumps(figures, sort_keys=True))

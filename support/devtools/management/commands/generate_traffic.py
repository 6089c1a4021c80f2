"""`manage.py generate_traffic --conversations N`: realistic synthetic conversations over the
past days, for seeing and measuring the analytics with thousands of conversations."""

from __future__ import annotations

import random
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import override_settings
from django.utils import timezone

from support.analytics.facts import refresh_facts
from support.conversations.models import Conversation
from support.devtools.traffic import (
    AGENT_NAMES,
    SYNTHETIC_ORIGINS,
    play_random_conversation,
    play_routed_conversation,
    replicate_conversations,
    staff_member,
    start_times,
    system_prompt_sizes,
)

MAX_CONVERSATIONS = 1_000_000
MAX_DAYS = 3650
# With --fast, this many conversations are played through the actions one by one; the rest
# are copies of them at other times (bulk-written, chains re-hashed): 50,000 in minutes.
STORIES_PLAYED = 2000


def real_conversations() -> int:
    """Conversations not written by this generator (it uses only its own example origins)."""
    return Conversation.objects.exclude(origin__in=SYNTHETIC_ORIGINS).count()


def positive(name: str, upper: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise CommandError(f"--{name} must be a whole number, not {text!r}.") from None
        if not 1 <= value <= upper:
            raise CommandError(f"--{name} must be between 1 and {upper:,}; got {value:,}.")
        return value

    return parse


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic conversations spread over the past days. By default "
        "each question goes through the real answering pipeline (the local provider, or the "
        "fake Anthropic server with --provider fake); --fast writes the same rows and audit "
        "events through the conversation actions directly, for tens of thousands."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--conversations", type=positive("conversations", MAX_CONVERSATIONS), required=True
        )
        parser.add_argument("--days", type=positive("days", MAX_DAYS), default=90)
        parser.add_argument("--seed", type=int, default=None, help="Same seed, same traffic.")
        parser.add_argument(
            "--fast",
            action="store_true",
            help="Write through the actions and the routing policy without calling a provider.",
        )
        parser.add_argument(
            "--allow-real-conversations",
            action="store_true",
            help="Write into a database that already holds conversations from real customers "
            "(they would share the inbox, its queue and the analytics with the synthetic ones).",
        )
        parser.add_argument(
            "--provider",
            choices=("fake", "local"),
            default="fake",
            help="Without --fast: the fake Anthropic server (two model tiers, scripted "
            "confidences) or the embedded local provider.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        real = real_conversations()
        if real and not options["allow_real_conversations"]:
            raise CommandError(
                f"This database already holds {real:,} conversations from real customers; "
                "synthetic ones would join their inbox, queue and analytics. Point DATABASE_URL "
                "at a scratch database, or pass --allow-real-conversations."
            )
        count = options["conversations"]
        seed = options["seed"] if options["seed"] is not None else random.randrange(1 << 30)
        rng = random.Random(seed)
        now = timezone.now()
        # Usage follows the system prompt the product sends today (its size, whether cached).
        system_prompt_sizes.cache_clear()
        agents = [staff_member(name, "agents") for name in AGENT_NAMES]
        times = start_times(rng, count, options["days"], now)
        mode = "fast" if options["fast"] else options["provider"]
        self.stdout.write(
            f"Generating {count:,} conversations over {options['days']} days "
            f"(seed {seed}, mode {mode})…"
        )
        started = time.perf_counter()
        if options["fast"]:
            self.play_fast(times, rng, now, agents)
        else:
            self.play_routed(times, rng, now, agents, options["provider"])
        self.stdout.write("Summarising for the analytics…")
        refreshed = refresh_facts()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {count:,} conversations in {elapsed:.1f} s "
                f"({count / elapsed:,.0f}/s); {refreshed.refreshed:,} summarised. "
                "Open /analytics/ to see them."
            )
        )

    def play_fast(self, times: list[Any], rng: random.Random, now: Any, agents: list[Any]) -> None:
        chosen = set(rng.sample(range(len(times)), min(len(times), STORIES_PLAYED)))
        played_times = [when for n, when in enumerate(times) if n in chosen]
        rest = [when for n, when in enumerate(times) if n not in chosen]
        first_new = Conversation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.play(played_times, lambda when: play_random_conversation(rng, when, now, agents))
        if not rest:
            return
        self.stdout.write(
            f"Copying those {len(played_times):,} stories to {len(rest):,} more start times…"
        )
        template_ids = list(
            Conversation.objects.filter(pk__gt=first_new).values_list("pk", flat=True)
        )
        written = 0
        for start in range(0, len(rest), 5000):
            written += replicate_conversations(template_ids, rest[start : start + 5000], rng)
            self.stdout.write(f"  {written:,}/{len(rest):,} copies")

    def play(self, times: list[Any], play_one: Any) -> None:
        total = len(times)
        every = max(1, min(1000, total // 20))
        started = time.perf_counter()
        for number, when in enumerate(times, 1):
            play_one(when)
            if number % every == 0 or number == total:
                rate = number / max(time.perf_counter() - started, 1e-9)
                self.stdout.write(f"  {number:,}/{total:,} conversations ({rate:,.0f}/s)")

    def play_routed(
        self, times: list[Any], rng: random.Random, now: Any, agents: list[Any], provider: str
    ) -> None:
        from support.knowledge.models import KnowledgeArticle

        if not KnowledgeArticle.objects.exists():
            self.stdout.write("No knowledge base yet: loading the demo articles.")
            call_command("load_demo_kb", verbosity=0)
        if provider == "local":
            with override_settings(LADDER_PROVIDER="local", LADDER_LOCAL_CHUNK_PAUSE_MS=0):
                self.play(times, lambda when: play_routed_conversation(rng, when, now, agents))
            return
        from support.devtools.fake_anthropic import FakeAnthropicServer

        key = "sk-ant-generate-traffic"
        with FakeAnthropicServer(
            first_token_ms=5, tokens_per_second=5000, api_key=key, record_requests=False
        ) as fake:
            with override_settings(
                LADDER_PROVIDER="anthropic",
                ANTHROPIC_API_KEY=key,
                ANTHROPIC_BASE_URL=fake.base_url,
                # Synthetic spend must not trip the real caps of the days it lands on.
                LADDER_DAILY_SPEND_CAP_FAST_USD=max(1e6, settings.LADDER_DAILY_SPEND_CAP_FAST_USD),
                LADDER_DAILY_SPEND_CAP_STRONG_USD=max(
                    1e6, settings.LADDER_DAILY_SPEND_CAP_STRONG_USD
                ),
            ):
                self.play(
                    times, lambda when: play_routed_conversation(rng, when, now, agents, fake)
                )

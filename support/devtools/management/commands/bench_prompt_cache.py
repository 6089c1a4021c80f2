"""`manage.py bench_prompt_cache`: what the help centre in the cached system prompt costs and how
soon the first token comes, per answer, against the lean prompt, through the fake Anthropic
server on loopback and the real SDK. Prints a table, then one JSON line."""

from __future__ import annotations

import asyncio
import json
import statistics
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from routing.prices import cost_usd
from routing.prompts import STRONG_SYSTEM_PROMPT, SYSTEM_PROMPT, build_messages, estimate_tokens
from routing.prompts import help_centre as build_help_centre
from routing.providers import Finished, ProviderRequest
from routing.providers.anthropic import AnthropicProvider, close_shared_clients
from support.devtools.fake_anthropic import FakeAnthropicServer
from support.knowledge.help_centre import help_centre_articles
from support.knowledge.search import search_passages

# The fake's timing: a base wait before the first token, prompt reading at this rate (cached
# tokens at a tenth of the time) and a fast stream, so the first token shows the prompt.
FIRST_TOKEN_MS = 150
PREFILL_TOKENS_PER_SECOND = 20_000
TOKENS_PER_SECOND = 5_000
ANSWER = "[[ladder confidence=0.9 answered=yes intent=none]]\nHere is what our help centre says."


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CommandError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise CommandError(f"expected a positive number, not {value}")
    return value


def _answers(text: str) -> int:
    value = _positive(text)
    if value < 2:
        raise CommandError("--answers must be at least 2: the first writes the cache")
    return value


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Command(BaseCommand):
    help = (
        "Measure cost and time to first token per answer with the help centre in the cached "
        "system prompt and with the lean prompt alone, for the fast and the strong model, "
        "through the fake Anthropic server on 127.0.0.1 (each model's documented minimum "
        "cacheable prefix applies). Needs the knowledge base loaded (manage.py load_demo_kb)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--answers", type=_answers, default=20, help="answers per model and prompt"
        )
        parser.add_argument(
            "--budget-tokens",
            type=int,
            default=None,
            help="the help centre's budget (default: LADDER_PROMPT_HELP_CENTRE_TOKENS)",
        )
        parser.add_argument(
            "--prefill-tokens-per-second",
            type=_positive,
            default=PREFILL_TOKENS_PER_SECOND,
            help=f"the fake's prompt reading rate (default {PREFILL_TOKENS_PER_SECOND})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        budget = options["budget_tokens"]
        if budget is None:
            budget = settings.LADDER_PROMPT_HELP_CENTRE_TOKENS
        if budget < 1:
            raise CommandError(f"--budget-tokens must be positive, got {budget}")
        articles = help_centre_articles()
        if not articles:
            raise CommandError("the knowledge base is empty: run manage.py load_demo_kb first")
        questions = [article.title for article in articles]
        passages = {question: search_passages(question) for question in questions}
        centre = build_help_centre(articles, budget)
        variants = {
            "lean": (SYSTEM_PROMPT, STRONG_SYSTEM_PROMPT),
            f"help centre ({centre.detail})": (
                centre.system_prompt(SYSTEM_PROMPT),
                centre.system_prompt(STRONG_SYSTEM_PROMPT),
            ),
        }
        fake = FakeAnthropicServer(
            first_token_ms=FIRST_TOKEN_MS,
            tokens_per_second=TOKENS_PER_SECOND,
            min_cacheable_tokens=settings.LADDER_MIN_CACHEABLE_TOKENS or None,
            prefill_tokens_per_second=options["prefill_tokens_per_second"],
            record_requests=False,
        )
        with fake:
            fake.script({"text": ANSWER, "repeat": None})
            rows = asyncio.run(self.measure(fake, variants, questions, passages, options))
        self.print_table(rows)
        self.stdout.write(
            json.dumps(
                {
                    "benchmark": "prompt_cache",
                    "answers": options["answers"],
                    "prefill_tokens_per_second": options["prefill_tokens_per_second"],
                    "help_centre_budget_tokens": budget,
                    "rows": rows,
                }
            )
        )

    async def measure(
        self,
        fake: FakeAnthropicServer,
        variants: dict[str, tuple[str, str]],
        questions: list[str],
        passages: dict[str, Any],
        options: dict[str, Any],
    ) -> list[dict[str, Any]]:
        provider = AnthropicProvider(
            api_key="bench", base_url=fake.base_url, thinking_effort="off", max_retries=0
        )
        rows = []
        try:
            for variant, (fast_prompt, strong_prompt) in variants.items():
                tiers: tuple[tuple[Literal["fast", "strong"], str, str], ...] = (
                    ("fast", settings.LADDER_FAST_MODEL, fast_prompt),
                    ("strong", settings.LADDER_STRONG_MODEL, strong_prompt),
                )
                for tier, model, system in tiers:
                    fake.reset()
                    fake.script({"text": ANSWER, "repeat": None})
                    finished = []
                    for n in range(options["answers"]):
                        question = questions[n % len(questions)]
                        request = ProviderRequest(
                            tier=tier,
                            model=model,
                            system=system,
                            messages=build_messages([], question, passages[question]),
                        )
                        async for event in provider.stream(request):
                            if isinstance(event, Finished):
                                finished.append(event)
                    rows.append(self.row(fake, variant, tier, model, system, finished))
        finally:
            await close_shared_clients()
        return rows

    @staticmethod
    def row(
        fake: FakeAnthropicServer,
        variant: str,
        tier: str,
        model: str,
        system: str,
        finished: list[Finished],
    ) -> dict[str, Any]:
        """The first answer (it writes the cache, if anything does) apart from the rest."""
        costs = [
            cost_usd(
                model,
                input_tokens=f.input_tokens,
                output_tokens=f.output_tokens,
                cache_write_tokens=f.cache_write_tokens,
                cache_read_tokens=f.cache_read_tokens,
            )
            for f in finished
        ]
        first, later = finished[0], finished[1:]
        later_first_tokens = [float(f.first_token_ms or 0) for f in later]
        return {
            "variant": variant,
            "tier": tier,
            "model": model,
            "prefix_tokens": estimate_tokens(system),
            "min_cacheable_tokens": fake.min_cacheable_for(model),
            "answers": len(finished),
            "answers_reading_cache": sum(1 for f in finished if f.cache_read_tokens > 0),
            "first_answer": {
                "input_tokens": first.input_tokens,
                "cache_write_tokens": first.cache_write_tokens,
                "cost_usd": f"{costs[0]:.8f}",
                "first_token_ms": first.first_token_ms,
            },
            "later_answers": {
                "input_tokens": round(statistics.mean(f.input_tokens for f in later)),
                "cache_read_tokens": round(statistics.mean(f.cache_read_tokens for f in later)),
                "cost_usd": f"{sum(costs[1:], Decimal(0)) / len(later):.8f}",
                "first_token_ms_p50": round(statistics.median(later_first_tokens)),
                "first_token_ms_p90": round(_percentile(later_first_tokens, 0.9)),
            },
        }

    def print_table(self, rows: list[dict[str, Any]]) -> None:
        header = (
            f"{'prompt':<24} {'tier':<6} {'model':<18} {'prefix':>6} {'min':>5} {'reads':>7} "
            f"{'1st USD':>11} {'1st ms':>6} | {'fresh':>5} {'cached':>6} {'USD/answer':>11} "
            f"{'p50 ms':>6} {'p90 ms':>6}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in rows:
            first, later = r["first_answer"], r["later_answers"]
            reads = f"{r['answers_reading_cache']}/{r['answers']}"
            self.stdout.write(
                f"{r['variant']:<24} {r['tier']:<6} {r['model']:<18} {r['prefix_tokens']:>6} "
                f"{r['min_cacheable_tokens']:>5} {reads:>7} {first['cost_usd']:>11} "
                f"{first['first_token_ms']:>6} | {later['input_tokens']:>5} "
                f"{later['cache_read_tokens']:>6} {later['cost_usd']:>11} "
                f"{later['first_token_ms_p50']:>6} {later['first_token_ms_p90']:>6}"
            )
        self.stdout.write(
            "prefix: system prompt tokens (about 4 characters a token); min: the model's minimum "
            "cacheable prefix; reads: answers that read the cache; 1st: the first answer (it "
            "writes the cache); then per later answer: tokens billed fresh and read from the "
            "cache, cost, time to first token. Times come from the fake's model of prompt "
            "reading, not from the real API."
        )

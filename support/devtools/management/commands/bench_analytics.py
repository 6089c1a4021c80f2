"""`manage.py bench_analytics`: time the dashboard's figures and its whole render over the
database (or a separate SQLite file filled with generated traffic first), as a table and JSON."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.test import RequestFactory
from django.utils import timezone

from support.analytics import metrics, views
from support.analytics.facts import refresh_facts, stale_conversation_ids
from support.analytics.forms import default_threshold
from support.analytics.queries import Filters, Scope, period_for
from support.conversations.models import Conversation

TARGET_MS = 1000


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CommandError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise CommandError(f"expected a positive number, not {value}")
    return value


class Command(BaseCommand):
    help = (
        "Time the analytics dashboard: each figure's queries and the whole page, over the "
        "current database, or over --sqlite FILE (generated with --conversations first when "
        "it has fewer). Prints a table, then one JSON line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--conversations", type=_count, default=50_000)
        parser.add_argument(
            "--sqlite",
            metavar="FILE",
            help="Use this SQLite file instead of the configured database; generate traffic "
            "into it until it holds --conversations.",
        )
        parser.add_argument("--range", default="90d", choices=("today", "7d", "30d", "90d"))
        parser.add_argument("--repeat", type=_count, default=5)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sqlite"]:
            self.use_sqlite(Path(options["sqlite"]).resolve())
            have = Conversation.objects.count()
            if have < options["conversations"]:
                call_command(
                    "generate_traffic",
                    conversations=options["conversations"] - have,
                    fast=True,
                    seed=options["seed"],
                    stdout=self.stdout,
                )
        started = time.perf_counter()
        refreshed = refresh_facts()
        summarise_ms = (time.perf_counter() - started) * 1000
        conversations = Conversation.objects.count()
        zone = timezone.get_default_timezone()
        period = period_for(options["range"], timezone.now().astimezone(zone).date(), zone)
        scope = Scope(period, Filters())
        facts = scope.facts()
        previous = scope.previous().facts()
        threshold = default_threshold()
        steps: dict[str, Callable[[], Any]] = {
            "stale check": lambda: stale_conversation_ids(1),
            "counts and sums": lambda: metrics.totals(facts),
            "overview": lambda: (metrics.overview_counts(facts), metrics.overview_counts(previous)),
            "by reason": lambda: metrics.reasons_table(facts),
            "by tier path": lambda: metrics.paths_table(facts),
            "per day": lambda: metrics.daily(facts, period),
            "cost": lambda: metrics.cost(facts),
            "speed": lambda: metrics.speed(scope),
            "satisfaction": lambda: metrics.satisfaction(facts),
            "knowledge gaps": lambda: list(metrics.knowledge_gaps(facts)[:15]),
            "what-if": lambda: metrics.what_if(scope, threshold),
            "dashboard page": lambda: self.render_dashboard(options["range"]),
            "what-if slider (htmx)": lambda: self.render_dashboard(
                options["range"], threshold="0.80", htmx_target="what-if-results"
            ),
        }
        results = {name: self.measure(step, options["repeat"]) for name, step in steps.items()}
        in_period = facts.count()
        self.stdout.write(
            f"\n{conversations:,} conversations in the database, {in_period:,} in the period "
            f"({options['range']}); {options['repeat']} runs each; summarised "
            f"{refreshed.refreshed:,} first in {summarise_ms:,.0f} ms.\n"
        )
        self.stdout.write(f"{'step':<24}{'median ms':>12}{'best ms':>12}")
        for name, (median_ms, best_ms) in results.items():
            self.stdout.write(f"{name:<24}{median_ms:>12.1f}{best_ms:>12.1f}")
        page_ms = results["dashboard page"][0]
        verdict = "within" if page_ms < TARGET_MS else "OVER"
        self.stdout.write(f"\nDashboard render: {page_ms:.0f} ms median, {verdict} the 1 s target.")
        self.stdout.write(
            json.dumps(
                {
                    "conversations": conversations,
                    "conversations_in_period": in_period,
                    "range": options["range"],
                    "database": connections["default"].vendor,
                    "dashboard_ms_median": round(page_ms, 1),
                    "target_ms": TARGET_MS,
                    "within_target": page_ms < TARGET_MS,
                    "steps_ms_median": {k: round(v[0], 1) for k, v in results.items()},
                }
            )
        )

    @staticmethod
    def measure(step: Callable[[], Any], repeat: int) -> tuple[float, float]:
        step()  # warm: the first run pays for imports and the database's page cache
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            step()
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings), min(timings)

    @staticmethod
    def render_dashboard(range_name: str, threshold: str = "", htmx_target: str = "") -> Any:
        """The dashboard view itself, as an admin's request reaches it (templates included)."""
        params = {"range": range_name}
        if threshold:
            params["threshold"] = threshold
        headers = {"HX-Request": "true", "HX-Target": htmx_target} if htmx_target else {}
        request = RequestFactory().get("/analytics/", params, headers=headers)
        request.user = User(username="bench", is_superuser=True, is_staff=True, is_active=True)
        if htmx_target:
            from django_htmx.middleware import HtmxDetails

            request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
        response = views.index(request)
        if response.status_code != 200:
            raise CommandError(f"the dashboard answered {response.status_code}")
        return response

    def use_sqlite(self, path: Path) -> None:
        connection = connections["default"]
        if connection.vendor != "sqlite":
            raise CommandError(
                "--sqlite switches a SQLite set-up to another file; with PostgreSQL, point "
                "DATABASE_URL at a scratch database and run without --sqlite."
            )
        connection.close()
        connection.settings_dict["NAME"] = str(path)
        self.stdout.write(f"Using {path}")
        call_command("migrate", verbosity=0)

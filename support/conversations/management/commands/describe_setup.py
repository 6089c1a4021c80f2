"""`manage.py describe_setup`: say which database, channel layer and provider are in use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from support.conversations.demo_logins import DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the URLs and what this setup runs on (database, channel layer, provider)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        base = f"http://{options['host']}:{options['port']}"
        database = settings.DATABASES["default"]
        db = (
            f"SQLite ({database['NAME']})"
            if settings.DATABASE_VENDOR == "sqlite3"
            else f"PostgreSQL ({database.get('HOST') or 'local socket'}/{database['NAME']})"
        )
        layer = "Redis" if settings.REDIS_URL else "in-memory (one process)"
        if settings.LADDER_PROVIDER == "local":
            provider = (
                "local: no ANTHROPIC_API_KEY, so answers come from the knowledge base and "
                "everything else goes to people"
            )
        else:
            provider = (
                f"anthropic: {settings.LADDER_FAST_MODEL} first, {settings.LADDER_STRONG_MODEL} "
                f"when unsure (API at {settings.ANTHROPIC_BASE_URL or 'api.anthropic.com'})"
            )
        logins = (
            []
            if settings.PRODUCTION
            else ["  demo logins:"]
            + [
                f"    {username} / {password}    {purpose}"
                for username, (password, purpose) in DEMO_LOGINS.items()
            ]
            + [""]
        )
        cache = []
        if settings.LADDER_PROVIDER != "local":
            from support.knowledge.help_centre import cache_outlook, system_prompts

            prompts = system_prompts()
            cache.append(
                f"  prompt cache:   help centre in the system prompt: "
                f"{prompts.help_centre.detail} ({prompts.help_centre.articles} articles)"
            )
            cache.extend(
                f"                  {row['tier']}: "
                + ("rules and help centre" if row["help_centre"] else "rules alone")
                + f", {row['prefix_tokens']} tokens; {row['model']} caches from "
                f"{row['min_cacheable_tokens']}: "
                + ("cached" if row["cached"] else "too short, billed as plain input")
                for row in cache_outlook(prompts)
            )
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Ladder is starting",
                    f"  database:       {db}",
                    f"  channel layer:  {layer}",
                    f"  provider:       {provider}",
                    *cache,
                    "",
                    f"  {base}/            demo store with the chat widget",
                    f"  {base}/inbox/      agent inbox",
                    f"  {base}/analytics/  escalation analytics",
                    f"  {base}/admin/      admin",
                    "",
                    *logins,
                ]
            )
        )

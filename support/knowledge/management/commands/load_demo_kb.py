"""`manage.py load_demo_kb [--replace]`: load the demo store's help centre, idempotently."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from support.knowledge.demo_articles import DEMO_ARTICLES
from support.knowledge.models import KnowledgeArticle


class Command(BaseCommand):
    help = (
        "Load the demo store's help-centre articles. Articles already there are kept as they "
        "are (admins may have edited them); articles written in the admin are never touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Reset the demo articles (only those) to their original text and publish them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        created = reset = kept = 0
        with transaction.atomic():
            for slug, category, title, body in DEMO_ARTICLES:
                original = {"category": category, "title": title, "body": body, "published": True}
                article, was_created = KnowledgeArticle.objects.get_or_create(
                    slug=slug, defaults=original
                )
                if was_created:
                    created += 1
                elif options["replace"] and any(
                    getattr(article, field) != value for field, value in original.items()
                ):
                    for field, value in original.items():
                        setattr(article, field, value)
                    # save(), not update(): cached answers are forgotten on the save signal.
                    article.save()
                    reset += 1
                else:
                    kept += 1
        self.stdout.write(
            f"Demo knowledge base: {created} created, {reset} reset, {kept} kept "
            f"({KnowledgeArticle.objects.count()} articles in all)."
        )

"""`manage.py load_demo_kb`: load the demo store's help centre (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from support.knowledge.demo_articles import DEMO_ARTICLES
from support.knowledge.models import KnowledgeArticle


class Command(BaseCommand):
    help = "Load the demo store's help-centre articles; articles written in the admin are kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Reset demo articles edited in the admin to their original text.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        created = updated = unchanged = 0
        with transaction.atomic():
            for slug, category, title, body in DEMO_ARTICLES:
                article = KnowledgeArticle.objects.filter(slug=slug).first()
                if article is None:
                    KnowledgeArticle.objects.create(
                        slug=slug, category=category, title=title, body=body
                    )
                    created += 1
                elif options["replace"] and (article.title, article.body) != (title, body):
                    article.title, article.body, article.category = title, body, category
                    article.published = True
                    article.save()
                    updated += 1
                else:
                    unchanged += 1
        self.stdout.write(
            f"Demo knowledge base: {created} created, {updated} reset, {unchanged} kept "
            f"({KnowledgeArticle.objects.count()} articles in all)."
        )

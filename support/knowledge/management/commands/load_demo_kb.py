"""`manage.py load_demo_kb [--replace]`: load the demo store's help centre, idempotently."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from support.knowledge.demo_articles import DEMO_ARTICLES
from support.knowledge.demo_questions import DEMO_QUESTIONS
from support.knowledge.demo_translations import DEMO_TRANSLATIONS
from support.knowledge.index import indexing_deferred
from support.knowledge.models import ArticleTranslation, KnowledgeArticle


def _questions(language: str, slug: str) -> str:
    return "\n".join(DEMO_QUESTIONS.get(language, {}).get(slug, ()))


class Command(BaseCommand):
    help = (
        "Load the demo store's help-centre articles, in English, Spanish, French, German and "
        "Portuguese, with the questions each answers. Articles and translations already there "
        "are kept as they are (admins may have edited them); missing translations are added; "
        "articles written in the admin are never touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Reset the demo articles (only those) to their original text and publish them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        created = reset = kept = translated = 0
        with transaction.atomic(), indexing_deferred():
            for slug, category, title, body in DEMO_ARTICLES:
                original: dict[str, Any] = {
                    "category": category,
                    "title": title,
                    "body": body,
                    "questions": _questions("en", slug),
                    "published": True,
                }
                article, was_created = KnowledgeArticle.objects.get_or_create(
                    slug=slug, defaults=original
                )
                if was_created:
                    created += 1
                elif options["replace"] and _differs(article, original):
                    _reset(article, original)
                    reset += 1
                else:
                    if not article.questions and original["questions"]:
                        # Loaded before articles had example questions: add them.
                        article.questions = original["questions"]
                        article.save(update_fields=["questions", "updated_at"])
                    kept += 1
                for language, articles in DEMO_TRANSLATIONS.items():
                    if slug not in articles:
                        continue
                    version = {
                        "title": articles[slug][0],
                        "body": articles[slug][1],
                        "questions": _questions(language, slug),
                    }
                    translation, was_created = ArticleTranslation.objects.get_or_create(
                        article=article, language=language, defaults=version
                    )
                    translated += was_created
                    if not was_created and options["replace"] and _differs(translation, version):
                        _reset(translation, version)
        self.stdout.write(
            f"Demo knowledge base: {created} created, {reset} reset, {kept} kept "
            f"({KnowledgeArticle.objects.count()} articles in all), {translated} translations "
            f"added ({ArticleTranslation.objects.count()} in all)."
        )


def _differs(instance: Any, values: dict[str, Any]) -> bool:
    return any(getattr(instance, field) != value for field, value in values.items())


def _reset(instance: Any, values: dict[str, Any]) -> None:
    for field, value in values.items():
        setattr(instance, field, value)
    # save(), not update(): the search entries and cached answers follow the save signal.
    instance.save()

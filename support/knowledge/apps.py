"""The knowledge app: help-centre articles, their translations and their full-text search."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class KnowledgeConfig(AppConfig):
    name = "support.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge"

    def ready(self) -> None:
        from .models import ArticleTranslation, KnowledgeArticle

        post_save.connect(_article_saved, sender=KnowledgeArticle, dispatch_uid="kb-index-article")
        for signal in (post_save, post_delete):
            signal.connect(
                _translation_changed,
                sender=ArticleTranslation,
                dispatch_uid=f"kb-index-translation-{signal is post_save}",
            )
        post_migrate.connect(_migrated, sender=self, dispatch_uid="kb-version-triggers")


def _article_saved(instance: Any, raw: bool = False, **kwargs: Any) -> None:
    # Fixtures loaded raw come with their entries, or are indexed by reindex_all.
    if not raw:
        from .index import article_changed

        article_changed(instance.pk)


def _translation_changed(
    instance: Any, raw: bool = False, origin: Any = None, **kwargs: Any
) -> None:
    from .models import KnowledgeArticle

    # Deleted with its article (`origin` is what the delete began with): rebuilding the
    # article's entries now would leave entries behind that point at no article.
    if getattr(origin, "model", type(origin)) is KnowledgeArticle:
        return
    if not raw:
        from .index import article_changed

        article_changed(instance.article_id)


def _migrated(using: str = "default", **kwargs: Any) -> None:
    # A migration that rebuilt one of the watched tables on SQLite took its triggers with it.
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from .version import install

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if ("knowledge", "0006_knowledge_version") in applied:
        install(connection)

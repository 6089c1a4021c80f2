"""The knowledge app: help-centre articles and their full-text search."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KnowledgeConfig(AppConfig):
    name = "support.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge"

    def ready(self) -> None:
        from .fts_triggers import ensure_sqlite_fts_triggers

        post_migrate.connect(
            ensure_sqlite_fts_triggers, sender=self, dispatch_uid="knowledge-fts-triggers"
        )

from __future__ import annotations

from django.apps import AppConfig, apps


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        article = apps.get_model("knowledge", "KnowledgeArticle")
        post_save.connect(_article_changed, sender=article, dispatch_uid="routing-cache-save")
        post_delete.connect(_article_changed, sender=article, dispatch_uid="routing-cache-delete")


def _article_changed(**kwargs: object) -> None:
    """Cached answers were built from passages that may have just changed."""
    from .ledger import forget_cached_answers

    forget_cached_answers()

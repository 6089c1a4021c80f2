from __future__ import annotations

from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "support.conversations"
    label = "conversations"
    verbose_name = "Conversations"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_delete, post_save

        from support.knowledge.models import KnowledgeArticle

        post_save.connect(_article_changed, sender=KnowledgeArticle, dispatch_uid="cache-save")
        post_delete.connect(_article_changed, sender=KnowledgeArticle, dispatch_uid="cache-delete")

        if settings.LADDER_PROVIDER == "anthropic":
            # Import the SDK at start-up, not on the first customer's answer (1-2 s).
            import routing.providers.anthropic  # noqa: F401


def _article_changed(**kwargs: object) -> None:
    """Cached answers were built from passages that may have just changed."""
    from .ledger import forget_cached_answers

    forget_cached_answers()

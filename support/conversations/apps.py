from __future__ import annotations

from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "support.conversations"
    label = "conversations"
    verbose_name = "Conversations"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_delete, post_save

        from support.knowledge.models import ArticleTranslation, KnowledgeArticle

        for model in (KnowledgeArticle, ArticleTranslation):
            name = model.__name__
            post_save.connect(_article_changed, sender=model, dispatch_uid=f"cache-save-{name}")
            post_delete.connect(_article_changed, sender=model, dispatch_uid=f"cache-delete-{name}")

        if settings.LADDER_PROVIDER == "anthropic":
            # Import the SDK at start-up, not on the first customer's answer (1-2 s).
            import routing.providers.anthropic  # noqa: F401


def _article_changed(**kwargs: object) -> None:
    """Cached answers were built from passages that may have just changed."""
    from .answer_cache import forget_cached_answers

    forget_cached_answers()

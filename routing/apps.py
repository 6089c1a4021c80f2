from __future__ import annotations

from django.apps import AppConfig, apps


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        for name in ("KnowledgeArticle", "ArticleTranslation"):
            model = apps.get_model("knowledge", name)
            post_save.connect(_article_changed, sender=model, dispatch_uid=f"routing-save-{name}")
            post_delete.connect(
                _article_changed, sender=model, dispatch_uid=f"routing-delete-{name}"
            )


def _article_changed(**kwargs: object) -> None:
    """Cached answers were built from passages that may have just changed."""
    from .ledger import forget_cached_answers

    forget_cached_answers()

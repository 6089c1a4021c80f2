"""Admin pages for the help-centre articles: the knowledge base answers come from."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import KnowledgeArticle


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "published", "updated_at")
    list_filter = ("category", "published")
    search_fields = ("title", "slug", "body")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    fields = ("title", "slug", "category", "published", "body", "created_at", "updated_at")
    list_per_page = 50
    actions = ("publish", "unpublish")

    # One save per article, not queryset.update(): cached answers are forgotten on save signals.
    @admin.action(description="Publish the selected articles")
    def publish(self, request: HttpRequest, queryset: QuerySet[KnowledgeArticle]) -> None:
        self._set_published(request, queryset, True)

    @admin.action(description="Unpublish the selected articles (the assistant stops using them)")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[KnowledgeArticle]) -> None:
        self._set_published(request, queryset, False)

    def _set_published(
        self, request: HttpRequest, queryset: QuerySet[KnowledgeArticle], published: bool
    ) -> None:
        changed = 0
        for article in queryset.exclude(published=published):
            article.published = published
            article.save(update_fields=["published", "updated_at"])
            changed += 1
        self.message_user(request, f"{changed} article(s) changed.", messages.SUCCESS)

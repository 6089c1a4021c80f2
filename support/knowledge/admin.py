"""Admin pages for the help-centre articles the answers come from: an article and its versions
in other languages are edited together, each with the questions it answers."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import ArticleTranslation, KnowledgeArticle


class ArticleTranslationInline(admin.StackedInline):
    model = ArticleTranslation
    extra = 0
    fields = ("language", "title", "body", "questions")
    verbose_name = "version in another language"
    verbose_name_plural = "versions in other languages"


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "languages", "published", "updated_at")
    list_filter = ("category", "published", "translations__language")
    search_fields = ("title", "slug", "body", "questions", "translations__title")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    fields = (
        "title",
        "slug",
        "category",
        "published",
        "body",
        "questions",
        "created_at",
        "updated_at",
    )
    inlines = (ArticleTranslationInline,)
    list_per_page = 50
    actions = ("publish", "unpublish")

    def get_queryset(self, request: HttpRequest) -> QuerySet[KnowledgeArticle]:
        return super().get_queryset(request).prefetch_related("translations")

    @admin.display(description="Languages")
    def languages(self, article: KnowledgeArticle) -> str:
        return ", ".join(["en", *(t.language for t in article.translations.all())])

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

"""Admin pages for the help-centre articles the answers come from: an article and its versions
in other languages are edited together, each with the questions it answers."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import ArticleTranslation, KnowledgeArticle, SearchEntry


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


@admin.register(ArticleTranslation)
class ArticleTranslationAdmin(admin.ModelAdmin):
    """Every version in another language at a glance; edited on its article's page too."""

    list_display = ("title", "language", "article", "updated_at")
    list_filter = ("language",)
    search_fields = ("title", "body", "questions", "article__slug")
    fields = ("article", "language", "title", "body", "questions")
    list_select_related = ("article",)


@admin.register(SearchEntry)
class SearchEntryAdmin(admin.ModelAdmin):
    """What search reads: built from the articles, so shown and never edited here."""

    list_display = ("article", "language", "kind", "position", "terms")
    list_filter = ("language", "kind")
    search_fields = ("text", "terms", "article__slug")
    list_select_related = ("article",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

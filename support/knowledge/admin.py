"""Admin pages for the help-centre articles."""

from __future__ import annotations

from django.contrib import admin

from .models import KnowledgeArticle


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "published", "updated_at")
    list_filter = ("category", "published")
    search_fields = ("title", "body")
    prepopulated_fields = {"slug": ("title",)}
    list_per_page = 50

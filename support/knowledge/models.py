"""Help-centre articles that answer customers' questions."""

from __future__ import annotations

from django.db import models


class KnowledgeArticle(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=60, blank=True)
    body = models.TextField(help_text="Plain text; paragraphs separated by blank lines.")
    published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "title"]

    def __str__(self) -> str:
        return self.title

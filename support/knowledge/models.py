"""Help-centre articles that answer customers' questions, in several languages, and the search
entries their text is indexed as."""

from __future__ import annotations

from django.db import models

from routing.language import DEFAULT_LANGUAGE, LANGUAGE_NAMES

QUESTIONS_HELP = (
    "Questions this article answers, one a line, in the customers' own words: search matches "
    "new questions against them."
)


class KnowledgeArticle(models.Model):
    """One article, one slug; its own title, body and questions are its English version, and
    its translations are the other languages' versions."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=60, blank=True)
    body = models.TextField(help_text="Plain text; paragraphs separated by blank lines.")
    questions = models.TextField(blank=True, help_text=QUESTIONS_HELP)
    published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "title"]

    def __str__(self) -> str:
        return self.title

    def versions(self) -> dict[str, ArticleTranslation | KnowledgeArticle]:
        """Every language's version, keyed by language code, English first."""
        found: dict[str, ArticleTranslation | KnowledgeArticle] = {DEFAULT_LANGUAGE: self}
        for translation in self.translations.all():
            found.setdefault(translation.language, translation)
        return found


class ArticleTranslation(models.Model):
    """An article's version in another language: edited with the article, in the same form."""

    LANGUAGE_CHOICES = [(code, name) for code, name in LANGUAGE_NAMES.items() if code != "en"]

    article = models.ForeignKey(
        KnowledgeArticle, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text; paragraphs separated by blank lines.")
    questions = models.TextField(blank=True, help_text=QUESTIONS_HELP)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="one_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class SearchEntry(models.Model):
    """A title, passage or example question of one language's version of an article, with its
    words as the index reads them (Snowball stems, stop words dropped). Rebuilt from the article
    whenever it or a translation is saved; the database's full-text index covers `terms`."""

    class Kind(models.TextChoices):
        TITLE = "title", "Title"
        PASSAGE = "passage", "Passage"
        QUESTION = "question", "Example question"

    article = models.ForeignKey(
        KnowledgeArticle, on_delete=models.CASCADE, related_name="search_entries"
    )
    language = models.CharField(max_length=8)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    terms = models.TextField()

    class Meta:
        ordering = ["article", "language", "kind", "position"]
        indexes = [models.Index(fields=["article", "language"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.position} of {self.article_id} ({self.language})"

"""The public help centre: one published article, in the reader's language when it has one."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from routing.language import LANGUAGE_NAMES

from .index import passages_of
from .models import KnowledgeArticle


def article(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(KnowledgeArticle, slug=slug, published=True)
    versions = found.versions()
    language = request.GET.get("lang", "en")
    if language not in LANGUAGE_NAMES:
        raise Http404("No such language.")
    version = versions.get(language, versions["en"])
    shown = language if language in versions else "en"
    return render(
        request,
        "knowledge/article.html",
        {
            "article": found,
            "title": version.title,
            "paragraphs": passages_of(version.body),
            "language": shown,
            "other_languages": [(code, LANGUAGE_NAMES[code]) for code in versions if code != shown],
        },
    )

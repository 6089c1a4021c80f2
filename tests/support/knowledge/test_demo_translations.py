"""The demo help centre's translations cover every article in every language, paragraph for
paragraph, with the same prices and percentages."""

from __future__ import annotations

import re

import pytest

from support.knowledge.demo_articles import DEMO_ARTICLES
from support.knowledge.demo_translations import DEMO_TRANSLATIONS

LANGUAGES = ("es", "fr", "de", "pt")
ENGLISH = {slug: (title, body) for slug, _category, title, body in DEMO_ARTICLES}
# "$4.95", "4,95 $", "US$ 4,95", "10%", "10 %": the amount, with a dot for decimals.
FIGURE = re.compile(r"(?:US)?\$\s?(\d+(?:[.,]\d\d)?)|(\d+(?:[.,]\d\d)?)\s?(?:\$|%)")


def _figures(text: str) -> list[str]:
    return sorted((a or b).replace(",", ".") for a, b in FIGURE.findall(text))


def test_every_language_translates_exactly_the_demo_articles():
    assert set(DEMO_TRANSLATIONS) == set(LANGUAGES)
    for language in LANGUAGES:
        assert set(DEMO_TRANSLATIONS[language]) == set(ENGLISH), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_paragraphs_and_figures(language):
    for slug, (title, body) in DEMO_TRANSLATIONS[language].items():
        english_title, english_body = ENGLISH[slug]
        assert title.strip() and title != english_title, (language, slug)
        assert len(body.split("\n\n")) == len(english_body.split("\n\n")), (language, slug)
        assert all(part.strip() for part in body.split("\n\n")), (language, slug)
        assert _figures(body) == _figures(english_body), (language, slug)

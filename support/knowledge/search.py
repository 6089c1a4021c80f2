"""Knowledge retrieval: the database's own full-text search finds candidate articles (SQLite
FTS5 or PostgreSQL), then every passage is scored the same way on both, from 0 to 1."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max

from routing.providers.base import Passage

from .models import KnowledgeArticle

# Words that say nothing about what is asked (English, Spanish, French, German, Portuguese).
STOP_WORDS = frozenset(
    """a about after again all am an and any are as at be been before being but by can could did
    do does doing don for from get got had has have having he her here hi hello hers him his how
    i if in into is it its just me might more most my no nor not now of off on once only or other
    our out over own please same she should so some such than thank thanks that the their them
    then there these they this those through to too under until up us very want was we were what
    when where which while who whom why will with would you your yours
    el la los las un una unos de del y o que en por para con mi mis es son como cual cuando donde
    le les se su sus al lo me te hola gracias quiero puedo
    le la les un une des de du et ou que qui en pour par avec mon ma mes est sont comment quand
    je tu il elle nous vous ils au aux ce cette bonjour merci veux peux
    der die das ein eine und oder ist sind wie was wann wo ich du er sie wir ihr mein meine mit
    fur von zu im am den dem des hallo danke kann mochte
    o os um uma e ou que em por para com meu minha sao como quando onde eu ele ela nos ola obrigado
    quero posso""".split()
)
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_SUFFIXES = ("ingly", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str) -> str:
    """A light suffix stripper: enough for "shipping"/"ships"/"shipped" to meet."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    # "shipp" (from shipping) and "ship" are one word.
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def terms(text: str) -> list[str]:
    """The meaningful, stemmed words of a text, in order."""
    return [stem(w) for w in _WORD_RE.findall(fold(text)) if w not in STOP_WORDS and len(w) > 1]


def passages_of(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def _fts_candidates(question_terms: list[str], limit: int) -> list[int]:
    """Ids of published articles the database's full-text index matches on any term."""
    # Only word characters reach the engine, so no question can be read as query syntax.
    safe = sorted({t for t in question_terms if re.fullmatch(r"\w+", t)})
    if not safe:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = " | ".join(f"{t}:*" for t in safe)
            cursor.execute(
                "SELECT id FROM knowledge_knowledgearticle WHERE published AND "
                "to_tsvector('simple', title || ' ' || body) @@ to_tsquery('simple', %s) "
                "ORDER BY ts_rank_cd(to_tsvector('simple', title || ' ' || body), "
                "to_tsquery('simple', %s)) DESC LIMIT %s",
                [query, query, limit],
            )
        else:
            query = " OR ".join(f'"{t}"*' for t in safe)
            cursor.execute(
                "SELECT a.id FROM knowledge_article_fts f "
                "JOIN knowledge_knowledgearticle a ON a.id = f.rowid "
                "WHERE knowledge_article_fts MATCH %s AND a.published "
                "ORDER BY bm25(knowledge_article_fts) LIMIT %s",
                [query, limit],
            )
        return [row[0] for row in cursor.fetchall()]


def _corpus_version() -> tuple[int, str]:
    stats = KnowledgeArticle.objects.filter(published=True).aggregate(
        n=Count("id"), latest=Max("updated_at")
    )
    return stats["n"], str(stats["latest"])


@lru_cache(maxsize=4)
def _document_frequencies(version: tuple[int, str]) -> tuple[int, Counter[str]]:
    frequencies: Counter[str] = Counter()
    for title, body in KnowledgeArticle.objects.filter(published=True).values_list("title", "body"):
        frequencies.update(set(terms(f"{title} {body}")))
    return version[0], frequencies


def _idf(term: str, documents: int, frequencies: Counter[str]) -> float:
    # Words the help centre never uses still count: a question about them is not answered.
    return math.log(1 + (documents + 1) / (frequencies.get(term, 0) + 0.5))


def score_passage(
    question_terms: set[str],
    title_terms: set[str],
    passage_terms: set[str],
    weights: dict[str, float],
) -> float:
    """IDF-weighted share of the question's words the passage and its title cover, with a
    quarter of the score for how well the title alone matches."""
    total = sum(weights[t] for t in question_terms)
    if not total:
        return 0.0
    in_passage = sum(weights[t] for t in question_terms if t in passage_terms or t in title_terms)
    in_title = sum(weights[t] for t in question_terms if t in title_terms)
    return round(min(1.0, 0.75 * in_passage / total + 0.25 * in_title / total), 4)


def search_passages(question: str, limit: int | None = None) -> list[Passage]:
    """The best passages for a question, best first, each scored 0..1 (same on every backend)."""
    limit = settings.LADDER_KB_PASSAGES if limit is None else limit
    question_terms = terms(question)
    if not question_terms or limit <= 0:
        return []
    candidate_ids = _fts_candidates(question_terms, limit=20)
    if not candidate_ids:
        return []
    documents, frequencies = _document_frequencies(_corpus_version())
    unique_terms = set(question_terms)
    weights = {t: _idf(t, documents, frequencies) for t in unique_terms}
    scored: list[Passage] = []
    for article in KnowledgeArticle.objects.filter(pk__in=candidate_ids, published=True):
        title_terms = set(terms(article.title))
        for text in passages_of(article.body):
            score = score_passage(unique_terms, title_terms, set(terms(text)), weights)
            if score > 0:
                scored.append(Passage(article.pk, article.title, text, score))
    scored.sort(key=lambda p: (-p.score, p.article_id))
    return scored[:limit]

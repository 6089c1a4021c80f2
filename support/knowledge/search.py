"""Knowledge retrieval: the database's own full-text index (SQLite FTS5 or PostgreSQL) finds
candidate articles, then every passage is scored in Python, the same way on both, from 0 to 1."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

from routing.providers.base import Passage

# Function words and the filler of support chats ("I have a problem, where can I find
# information about ...") say nothing about what is asked (English, with the commonest of
# Spanish, French, German and Portuguese).
STOP_WORDS = frozenset(
    """a about after again all also am an and any anyone anything are as ask asking assist
    assistance at be been before being but by can cant check checking could did didnt do does
    doesnt doing don dont error errors find for from get getting go going got had has have
    having he hello help her here hey hi him his how i id if im in info information into is
    isnt issue issues it its ive just know like me might more most much my need no nor not now
    of off ok okay on once only or other our out over own please pls possible problem problems
    really same she should so some someone something such tell than thank thanks that the
    their them then there these they thing this those through to too trouble try trying under
    until up us very want was way we were what when where which while who whom why will with
    wonder wondering wont would yes you your yours
    el la los las un una unos de del y o que en por para con mi mis es son como cual cuando donde
    le les se su sus al lo me te hola gracias quiero puedo
    le la les un une des de du et ou que qui en pour par avec mon ma mes est sont comment quand
    je tu il elle nous vous ils au aux ce cette bonjour merci veux peux
    der die das ein eine und oder ist sind wie was wann wo ich du er sie wir ihr mein meine mit
    fur von zu im am den dem des hallo danke kann mochte
    o os um uma e ou que em por para com meu minha sao como quando onde eu ele ela nos ola obrigado
    quero posso""".split()
)
ARTICLE_TABLE = "knowledge_knowledgearticle"
# SQLite: the FTS5 table of migration 0002, kept in sync with the articles by triggers.
FTS5_TABLE = "knowledge_article_fts"
# PostgreSQL: the tsvector column of migration 0003 (GIN-indexed, kept in sync by a trigger).
# Its `simple` configuration neither stems nor drops words: stemming is ours, as on SQLite.
PG_DOCUMENT = "search_document"
# The engine's rank is only a first cut; the passages of this many articles are scored.
CANDIDATE_ARTICLES = 50
# A chat message with more distinct words than this is not one question; the rest is ignored.
MAX_QUESTION_TERMS = 24
# Stems this long also meet longer words that begin with them (ship: shipment, cancel:
# cancellation, deliver: delivery); shorter ones meet only their own forms (car is not card).
MIN_PREFIX_LENGTH = 4
# Prefix lookups each passage remembers (a bound on the memory of a long-running process).
REMEMBERED_TERMS = 64
# The share of a passage's score earned by its article's title matching the question.
TITLE_SHARE = 0.25

_WORD_RE = re.compile(r"[^\W_]+")
# Order numbers, dates, prices and codes (NW-55501, 4.95, 2pm) name a case, not a topic, and
# the two engines split them differently: questions are read without them.
_CHUNK_WITH_DIGIT_RE = re.compile(r"\S*\d\S*")
_VOWELS = frozenset("aeiouy")
# (suffix, letters of it to keep, shortest stem left); the first that fits is removed.
_SUFFIXES = (
    ("ingly", 0, 3),
    ("edly", 0, 3),
    ("ings", 0, 3),
    ("ing", 0, 3),
    ("ies", 1, 3),
    ("ied", 1, 3),
    ("ed", 0, 3),
    ("es", 0, 3),
    ("ly", 0, 4),
    ("s", 0, 3),
)


def fold(text: str) -> str:
    """Lower case without accents, as SQLite's `remove_diacritics` tokenizer reads text."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD_RE.findall(fold(text))


def stem(word: str) -> str:
    """A light English suffix stripper, enough for ship/ships/shipping, exchange/exchanging
    and country/countries to meet. A stem less a final "i" always begins its word, so the
    engines find every form of it by prefix."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, kept, shortest in _SUFFIXES:
        base = len(word) - len(suffix)
        if (
            word.endswith(suffix)
            and base >= shortest
            and _VOWELS.intersection(word[:base])
            and not (suffix == "s" and word.endswith(("ss", "us", "is")))
        ):
            word = word[: base + kept]
            break
    if len(word) > 3 and word[-1] == "y" and word[-2] not in _VOWELS:
        word = word[:-1] + "i"  # delivery and deliveries
    elif len(word) > 3 and word[-1] == "e":
        word = word[:-1]  # exchange and exchanging
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in _VOWELS:
        word = word[:-1]  # shipp(ing) and ship
    return word


def prefix_of(term: str) -> str:
    """What every word whose stem is `term` begins with (countri: countr-y, countr-ies)."""
    return term[:-1] if len(term) > 3 and term.endswith("i") else term


def question_terms(question: str) -> list[str]:
    """The question's meaningful stems, each once, in order."""
    unique: dict[str, None] = {}
    for word in words(_CHUNK_WITH_DIGIT_RE.sub(" ", question)):
        if len(word) > 1 and word not in STOP_WORDS:
            unique[stem(word)] = None
    return list(unique)[:MAX_QUESTION_TERMS]


@functools.lru_cache(maxsize=4096)
def passages_of(body: str) -> tuple[str, ...]:
    # Keyed by the text itself, so an edited article is read afresh.
    return tuple(p.strip() for p in re.split(r"\n\s*\n", body) if p.strip())


@dataclass(frozen=True)
class Vocabulary:
    """The words of a title or passage, ready to be asked whether they mention a term."""

    stems: frozenset[str]
    words: frozenset[str]
    # Terms already looked up by prefix (a scan of every word), and whether they matched:
    # common questions ask about the same terms of the same passages again and again.
    prefix_hits: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, text: str) -> Vocabulary:
        return _vocabulary(text)

    def mentions(self, term: str) -> bool:
        if term in self.stems:
            return True
        hit = self.prefix_hits.get(term)
        if hit is None:
            prefix = prefix_of(term)
            hit = len(prefix) >= MIN_PREFIX_LENGTH and any(w.startswith(prefix) for w in self.words)
            if len(self.prefix_hits) < REMEMBERED_TERMS:
                self.prefix_hits[term] = hit
        return hit


@functools.lru_cache(maxsize=16384)
def _vocabulary(text: str) -> Vocabulary:
    """Every question reads the same passages again: their words are worked out once (keyed by
    the text itself, so an edited passage is read afresh)."""
    found = words(text)
    return Vocabulary(frozenset(stem(w) for w in found), frozenset(found))


def idf(document_frequency: int, documents: int) -> float:
    # Never zero, and highest for words no article uses: a question about them is not answered.
    return math.log(1 + (documents + 1) / (document_frequency + 0.5))


def score_passage(weights: dict[str, float], title: Vocabulary, passage: Vocabulary) -> float:
    """The IDF-weighted share of the question's terms that the passage or its title mention,
    with TITLE_SHARE of the score kept for what the title alone mentions."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    in_title = sum(w for t, w in weights.items() if title.mentions(t))
    in_either = sum(w for t, w in weights.items() if title.mentions(t) or passage.mentions(t))
    score = (1 - TITLE_SHARE) * in_either / total + TITLE_SHARE * in_title / total
    return round(min(1.0, score), 4)


def _engine_query(prefixes: list[str]) -> str:
    # Prefixes are letters only (see _WORD_RE), so no question reads as query syntax.
    if connection.vendor == "postgresql":
        return " | ".join(f"{p}:*" for p in prefixes)
    return " OR ".join(f'"{p}"*' for p in prefixes)


# The SQL below is built from this module's constants only; questions travel as parameters.
def _match_sql() -> str:
    """Published articles the full-text index matches with the query in %s."""
    if connection.vendor == "postgresql":
        return (
            f"SELECT id, title, body FROM {ARTICLE_TABLE} "  # noqa: S608
            f"WHERE published AND {PG_DOCUMENT} @@ to_tsquery('simple', %s)"
        )
    return (
        f"SELECT a.id, a.title, a.body FROM {FTS5_TABLE} "  # noqa: S608
        f"JOIN {ARTICLE_TABLE} a ON a.id = {FTS5_TABLE}.rowid "
        f"WHERE {FTS5_TABLE} MATCH %s AND a.published"
    )


def document_frequencies(terms: list[str]) -> tuple[int, list[int]]:
    """The number of published articles, and for each term how many have a word beginning
    with it: one trip to the index, nothing cached, so every edit counts at once."""
    counts = [f"(SELECT count(*) FROM {ARTICLE_TABLE} WHERE published)"]  # noqa: S608
    counts += [f"(SELECT count(*) FROM ({_match_sql()}) m)"] * len(terms)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(counts), [_engine_query([prefix_of(t)]) for t in terms]
        )
        documents, *frequencies = cursor.fetchone()
    return documents, frequencies


def candidate_articles(terms: list[str]) -> list[tuple[int, str, str]]:
    """(id, title, body) of the published articles that mention any term, best ranked first."""
    query = _engine_query(sorted({prefix_of(t) for t in terms}))
    if connection.vendor == "postgresql":
        rank = f"ts_rank_cd({PG_DOCUMENT}, to_tsquery('simple', %s)) DESC"
        params: list[Any] = [query, query, CANDIDATE_ARTICLES]
    else:
        rank = f"bm25({FTS5_TABLE})"
        params = [query, CANDIDATE_ARTICLES]
    with connection.cursor() as cursor:
        cursor.execute(f"{_match_sql()} ORDER BY {rank}, id LIMIT %s", params)
        return cursor.fetchall()


def search_passages(question: str, limit: int | None = None) -> list[Passage]:
    """The passages (paragraphs of published articles) that best answer a question, best
    first, at most `limit` (LADDER_KB_PASSAGES by default).

    A score is the IDF-weighted share of the question's words that the passage and its title
    mention (see `score_passage`): 1 when they mention every one, low when they mention only
    words many articles use, while the question's rare or unknown words go unmentioned. It is
    computed here, not by the engine, so it means the same on SQLite and PostgreSQL.
    """
    limit = settings.LADDER_KB_PASSAGES if limit is None else limit
    terms = question_terms(question)
    if not terms or limit <= 0:
        return []
    documents, frequencies = document_frequencies(terms)
    if not any(frequencies):
        return []
    weights = {t: idf(df, documents) for t, df in zip(terms, frequencies, strict=True)}
    ranked: list[tuple[tuple[float, float, int, int, int], Passage]] = []
    for article_id, title, body in candidate_articles(
        [t for t, df in zip(terms, frequencies, strict=True) if df]
    ):
        title_vocabulary = Vocabulary.of(title)
        for index, text in enumerate(passages_of(body)):
            vocabulary = Vocabulary.of(text)
            score = score_passage(weights, title_vocabulary, vocabulary)
            if score <= 0:
                continue
            # Ties go to the passage that itself says more of the question, then to the earlier
            # one (articles open with their main answer), then to the shorter one: decided here,
            # not by the engines' ranks, so both backends agree.
            said = sum(w for t, w in weights.items() if vocabulary.mentions(t))
            key = (-score, -said, index, len(text), article_id)
            ranked.append((key, Passage(article_id, title, text, score)))
    ranked.sort(key=lambda pair: pair[0])
    return [passage for _, passage in ranked[:limit]]

"""Knowledge retrieval: which articles answer a question, in whatever language it is asked,
and the passages to answer with, from the version in the customer's language.

The database's full-text index (SQLite FTS5 ranked by `bm25()`, PostgreSQL ranked by
`ts_rank_cd`) finds and orders the candidate entries: titles, passages and example questions of
every language's version, stemmed per language (see routing.language and index.py). Each
candidate article is then scored in Python from 0 to 1, the same way on both engines, so the
score means the same everywhere and the answer threshold can be measured once (see
docs/answers.md).
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from routing.language import DEFAULT_LANGUAGE, detect_language, stop_words, terms
from routing.providers.base import Passage

from .index import ENTRY_TABLE, FTS5_TABLE, PG_DOCUMENT, passages_of
from .synonyms import synonyms_of
from .version import knowledge_version

ARTICLE_TABLE = "knowledge_knowledgearticle"
TRANSLATION_TABLE = "knowledge_articletranslation"
# The engine's rank is a first cut: this many best-ranked entries are scored.
CANDIDATE_ENTRIES = 400
# How many answer texts (an article in one language) the vocabulary keeps once read.
ANSWER_TEXTS_KEPT = 2000
# How many candidate lists (the engine's entries for one set of index terms) the vocabulary
# keeps, the oldest read first to go: at most CANDIDATE_ENTRIES references each.
CANDIDATE_LISTS_KEPT = 1024
# A chat message with more distinct words than this is not one question; the rest is ignored.
MAX_QUESTION_TERMS = 24
# Typo tolerance: a question word the index does not know is read as the index's closest word
# at most this many edits away (one for words of 5 to 7 letters, two from 8 letters on).
TYPO_MIN_LENGTH = 5
# Two stems one of which begins with the other stand for each other from this length on.
PREFIX_LENGTH = 5
TYPO_TWO_EDITS_LENGTH = 8
# ... and a question's stem stands for an index stem it begins with at most this many letters
# shorter.
PREFIX_MAX_CUT = 3
# A passage only earns this share of a full match: an example question or a title that says
# what the customer said is better evidence than a paragraph that mentions the same words.
PASSAGE_SHARE = 0.85
# A second passage joins the answer when it matches the question nearly as well as the first
# (standard and express delivery): one of them alone would be half the answer.
SECOND_PASSAGE_SHARE = 0.75
# An entry in another language than the question's earns this share of its score: every demo
# article has a version in each language, so a match across languages is mostly a false friend
# ("vendez" and Portuguese "vendas"); it still finds an article that has no version in the
# customer's language.
OTHER_LANGUAGE_SHARE = 0.8
# A question word read as the index's closest spelling weighs this share of its weight: the
# correction may be another word ("verkauft" for "gekauft").
TYPO_WEIGHT_SHARE = 0.6

# Words of ordinary customer chat per language ("help", "last", "vais", "geht"): stems seen in
# the shipped conversation data, written by `manage.py train_intent_classifier`. A question word
# that no article uses and that is no chat word names something the help centre does not cover
# ("student discount", "gift wrap", "Preisabgleich").
CHAT_WORDS_PATH = Path(__file__).with_name("chat_words.json")

# Order numbers, dates, prices and codes (NW-55501, 4.95, 2pm) name a case, not a topic.
_CHUNK_WITH_DIGIT_RE = re.compile(r"\S*\d\S*")


@dataclass(frozen=True)
class Entry:
    id: int
    article_id: int
    language: str
    kind: str
    terms: frozenset[str]


@dataclass(frozen=True)
class Vocabulary:
    """Every published entry, read once per version of the knowledge base (version.py): what
    the question's words are corrected to, how many article versions use each term (its
    rarity), and each entry's terms, which the engine's candidates are then scored by."""

    version: tuple[int, int]
    versions: int
    version_frequency: dict[str, int]
    by_language: dict[str, tuple[str, ...]]
    entries: dict[int, Entry]
    # The answers' texts read so far, (slug, language, title, body) by (article id, language
    # asked for): kept with the version they were read in, as many as ANSWER_TEXTS_KEPT.
    answers: dict[tuple[int, str], tuple[str, str, str, str]] = field(default_factory=dict)
    # The engine's candidates by the index terms asked for (see `_candidates`).
    candidates: dict[tuple[str, ...], tuple[Entry, ...]] = field(default_factory=dict)


_vocabulary_lock = threading.Lock()
_candidates_lock = threading.Lock()
_vocabulary: Vocabulary | None = None


def vocabulary(current_version: tuple[int, int] | None = None) -> Vocabulary:
    """The index's vocabulary, read again whenever the knowledge base changed (its version
    read now unless the caller just read it)."""
    global _vocabulary
    if current_version is None:
        current_version = knowledge_version(connection)
    current = _vocabulary
    if current is not None and current.version == current_version:
        return current
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.id, e.article_id, e.language, e.kind, e.terms "  # noqa: S608
            f"FROM {ENTRY_TABLE} e JOIN {ARTICLE_TABLE} a ON a.id = e.article_id WHERE a.published"
        )
        rows = cursor.fetchall()
    seen: dict[str, set[tuple[int, str]]] = defaultdict(set)
    words: dict[str, set[str]] = defaultdict(set)
    entries: dict[int, Entry] = {}
    for entry_id, article_id, language, kind, entry_terms in rows:
        entry = Entry(entry_id, article_id, language, kind, frozenset(entry_terms.split()))
        entries[entry_id] = entry
        for term in entry.terms:
            seen[term].add((article_id, language))
            words[language].add(term)
    loaded = Vocabulary(
        version=current_version,
        versions=len({(e.article_id, e.language) for e in entries.values()}),
        version_frequency={term: len(versions) for term, versions in seen.items()},
        by_language={language: tuple(sorted(found)) for language, found in words.items()},
        entries=entries,
    )
    with _vocabulary_lock:
        _vocabulary = loaded
    return loaded


def variants(term: str, language: str, known: Vocabulary) -> frozenset[str]:
    """The index's terms that stand for a question term: itself; the terms one of which begins
    with the other, from PREFIX_LENGTH letters on (Snowball leaves "regist" for registering and
    "registr" for registration); the synonyms of synonyms.py; and when none of these is known,
    its closest spelling (a typo), in the question's language or English."""
    found = related_variants(term, language, known)
    if found or len(term) < TYPO_MIN_LENGTH:
        return found
    return typo_variant(term, tuple(dict.fromkeys((language, DEFAULT_LANGUAGE))), known)


def related_variants(term: str, language: str, known: Vocabulary) -> frozenset[str]:
    """`variants` but the spelling correction."""
    languages = tuple(dict.fromkeys((language, DEFAULT_LANGUAGE)))
    found = {term} | synonyms_of(term, language)
    for vocabulary_language in languages:
        choices = known.by_language.get(vocabulary_language, ())
        for word in list(found):
            if len(word) < PREFIX_LENGTH:
                continue
            start = bisect.bisect_left(choices, word)
            while start < len(choices) and choices[start].startswith(word):
                found.add(choices[start])
                start += 1
            # A shorter stem stands for a longer word only when it keeps most of it: "regist"
            # for "registr", not "contr" for "contrat"; and not when the index knows the word
            # itself ("rechnung" is no "rechn").
            if word in known.version_frequency:
                continue
            found.update(
                word[:k]
                for k in range(max(PREFIX_LENGTH, len(word) - PREFIX_MAX_CUT), len(word))
                if word[:k] in known.version_frequency
            )
    return frozenset(word for word in found if word in known.version_frequency)


def typo_variant(term: str, languages: tuple[str, ...], known: Vocabulary) -> frozenset[str]:
    """The index's closest spelling of a word it does not know, if one is near enough."""
    edits = 2 if len(term) >= TYPO_TWO_EDITS_LENGTH else 1
    for vocabulary_language in languages:
        choices = known.by_language.get(vocabulary_language, ())
        match = extractOne(term, choices, scorer=Levenshtein.distance, score_cutoff=edits)
        if match is not None:
            return frozenset({match[0]})
    return frozenset()


@functools.cache
def chat_words() -> dict[str, frozenset[str]]:
    """The chat words per language (empty when the file is missing: every unknown word counts)."""
    try:
        loaded = json.loads(CHAT_WORDS_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {language: frozenset(words) for language, words in loaded.items()}


def uncovered_share(
    weights: dict[str, float], stand_for: dict[str, frozenset[str]], language: str
) -> float:
    """The share of the question's weight carried by words the help centre does not know in
    any language, cannot read as a typo, and that are no chat words: what no article covers."""
    total = sum(weights.values())
    if not total:
        return 0.0
    chat = chat_words()
    known = chat.get(language, frozenset()) | chat.get(DEFAULT_LANGUAGE, frozenset())
    # A stop word's stem ("where" of "wheres") is a chat word too.
    stops = stop_words(language) | stop_words(DEFAULT_LANGUAGE)
    missing = [
        t for t, found in stand_for.items() if not found and t not in known and t not in stops
    ]
    return sum(weights[t] for t in missing) / total


def question_terms(question: str, language: str) -> list[str]:
    """The question's meaningful stems in its language, each once, in order."""
    return list(dict.fromkeys(terms(_CHUNK_WITH_DIGIT_RE.sub(" ", question), language)))[
        :MAX_QUESTION_TERMS
    ]


def idf(frequency: int, versions: int) -> float:
    # Never zero, and highest for terms no article uses.
    return math.log(1 + (versions + 1) / (frequency + 0.5))


@dataclass
class ArticleMatch:
    """How well one article answers the question, and through which of its entries."""

    article_id: int
    score: float = 0.0
    matched_by: str = ""  # "question", "title" or "passage": what earned the score
    matched_language: str = ""
    evidence: frozenset[str] = field(default_factory=frozenset)  # terms of what matched


def _candidates(query_terms: list[str], known: Vocabulary) -> tuple[Entry, ...]:
    """Entries of published articles that contain any term, the engine's best first (an entry
    the vocabulary lacks was written since it was read, and waits for the next question).

    Kept with the vocabulary by the terms asked for: the engine gives the same entries for the
    same terms until the knowledge base changes, and customers ask the same few things. A
    statement fewer before the first word for each of those, which under load is a wait to win
    the GIL back fewer (SQLite's driver gives it up for the statement) or a round trip fewer."""
    key = tuple(query_terms)
    kept = known.candidates.get(key)
    if kept is not None:
        return kept
    found = _engine_candidates(query_terms, known)
    with _candidates_lock:
        while len(known.candidates) >= CANDIDATE_LISTS_KEPT:
            del known.candidates[next(iter(known.candidates))]
        known.candidates[key] = found
    return found


def _engine_candidates(query_terms: list[str], known: Vocabulary) -> tuple[Entry, ...]:
    sql, params = candidate_statement(query_terms)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            ids = [entry_id for (entry_id,) in cursor.fetchall()]
        else:
            (joined,) = cursor.fetchone()
            ids = [int(entry_id) for entry_id in joined.split(",")] if joined else []
    found = [known.entries.get(entry_id) for entry_id in ids]
    return tuple(entry for entry in found if entry is not None)


def candidate_statement(query_terms: list[str]) -> tuple[str, list[str | int]]:
    """The engine's statement for `_candidates`: on PostgreSQL a row per entry id; on SQLite
    one row, the ids joined by commas in the engine's order. SQLite's driver gives the GIL up
    for every row it steps to, and under load each time waits to win it back: beside a busy
    thread, a question's sixty-odd rows made its search take twice as long."""
    if connection.vendor == "postgresql":
        query = " | ".join(query_terms)
        return (
            f"SELECT e.id FROM {ENTRY_TABLE} e JOIN {ARTICLE_TABLE} a ON a.id = e.article_id "  # noqa: S608
            f"WHERE a.published AND e.{PG_DOCUMENT} @@ to_tsquery('simple', %s) "
            f"ORDER BY ts_rank_cd(e.{PG_DOCUMENT}, to_tsquery('simple', %s)) DESC, e.id LIMIT %s",
            [query, query, CANDIDATE_ENTRIES],
        )
    query = " OR ".join(f'"{term}"' for term in query_terms)
    return (
        f"SELECT group_concat(id) FROM (SELECT e.id FROM {FTS5_TABLE} "  # noqa: S608
        f"JOIN {ENTRY_TABLE} e ON e.id = {FTS5_TABLE}.rowid "
        f"JOIN {ARTICLE_TABLE} a ON a.id = e.article_id "
        f"WHERE {FTS5_TABLE} MATCH %s AND a.published ORDER BY bm25({FTS5_TABLE}), e.id "
        f"LIMIT %s)",
        [query, CANDIDATE_ENTRIES],
    )


def rank_articles(
    question: str, language: str, known: Vocabulary
) -> tuple[list[ArticleMatch], dict[str, float], dict[str, frozenset[str]]]:
    """The articles that answer `question`, best first; the weight of each question term; and
    the index's terms that stand for each (see `variants`)."""
    weights: dict[str, float] = {}
    stand_for: dict[str, frozenset[str]] = {}
    for term in question_terms(question, language):
        related = related_variants(term, language, known)
        found = related
        if not related and len(term) >= TYPO_MIN_LENGTH:
            found = typo_variant(term, tuple(dict.fromkeys((language, DEFAULT_LANGUAGE))), known)
        # The term's own rarity when the index knows it, else its commonest stand-in's. A word
        # no article uses still counts against every article: the help centre lacks it.
        frequency = known.version_frequency.get(
            term, max((known.version_frequency[v] for v in found), default=0)
        )
        weights[term] = idf(frequency, known.versions)
        if found and not related:
            # Found only as a spelling correction: it may be another word.
            weights[term] *= TYPO_WEIGHT_SHARE
        stand_for[term] = found
    indexed = sorted(set().union(*stand_for.values())) if stand_for else []
    if not indexed:
        return [], weights, stand_for
    total = sum(weights.values())
    # Each question term is a bit, and each index term carries the bits of the question terms
    # it stands for. An entry says the question terms whose bits its index terms carry, and
    # what of the entry the question covers is those index terms. So each candidate takes one
    # set intersection, not a loop over the question's terms.
    order = list(stand_for)
    bits: dict[str, int] = defaultdict(int)
    for position, term in enumerate(order):
        for word in stand_for[term]:
            bits[word] |= 1 << position
    known_here = frozenset(bits)
    said_weights: dict[int, float] = {}

    def said_weight(said: int) -> float:
        # Summed in the question's order, as every entry with the same terms said.
        if said not in said_weights:
            said_weights[said] = sum(
                weights[term] for position, term in enumerate(order) if said >> position & 1
            )
        return said_weights[said]

    def said_by(words: frozenset[str]) -> tuple[int, int]:
        said = 0
        held = words & known_here
        for word in held:
            said |= bits[word]
        return said, len(held)

    matches: dict[int, ArticleMatch] = {}
    entries = _candidates(indexed, known)
    readings = [said_by(entry.terms) for entry in entries]
    titles = {
        (entry.article_id, entry.language): said
        for entry, (said, _) in zip(entries, readings, strict=True)
        if entry.kind == "title"
    }
    for entry, (said, covered) in zip(entries, readings, strict=True):
        if entry.kind == "passage":
            # A passage is read with its title: "How long does shipping take?" + "3 to 5 days".
            said |= titles.get((entry.article_id, entry.language), 0)
            score = PASSAGE_SHARE * said_weight(said) / total
        else:
            # Both ways: the question says what the example says, and the example says what
            # the question asks (a long question matching a short title is not a full match).
            question_share = said_weight(said) / total
            example_share = covered / len(entry.terms)
            score = math.sqrt(question_share * example_share)
        if entry.language != language:
            score *= OTHER_LANGUAGE_SHARE
        match = matches.get(entry.article_id)
        if match is None:
            match = matches[entry.article_id] = ArticleMatch(entry.article_id)
        # Ties go to the customer's language, then to the entry the engine ranked first.
        if score > match.score + 1e-9 or (
            abs(score - match.score) <= 1e-9
            and entry.language == language
            and match.matched_language != language
        ):
            match.score = score
            match.matched_by = entry.kind
            match.matched_language = entry.language
            match.evidence = entry.terms
    ranked = sorted(matches.values(), key=lambda m: (-round(m.score, 6), m.article_id))
    for match in ranked:
        match.score = round(min(1.0, match.score), 4)
    return ranked, weights, stand_for


def _answer_versions(
    article_ids: list[int], language: str, known: Vocabulary
) -> dict[int, tuple[str, str, str, str]]:
    """(slug, language, title, body) of each article in `language` when it has that version,
    else in English: kept with the vocabulary once read (plain statements, as every answer
    asks), so a knowledge base that changed is read afresh."""
    kept = known.answers
    found = {pk: kept[(pk, language)] for pk in article_ids if (pk, language) in kept}
    missing = [pk for pk in article_ids if pk not in found]
    if not missing:
        return found
    ids = ", ".join(["%s"] * len(missing))
    read: dict[int, tuple[str, str, str, str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, slug, title, body FROM {ARTICLE_TABLE} WHERE id IN ({ids})",  # noqa: S608
            missing,
        )
        read = {
            pk: (slug, DEFAULT_LANGUAGE, title, body) for pk, slug, title, body in cursor.fetchall()
        }
        if language != DEFAULT_LANGUAGE:
            cursor.execute(
                f"SELECT article_id, title, body FROM {TRANSLATION_TABLE} "  # noqa: S608
                f"WHERE article_id IN ({ids}) AND language = %s",
                [*missing, language],
            )
            for pk, title, body in cursor.fetchall():
                read[pk] = (read[pk][0], language, title, body)
    if len(kept) + len(read) <= ANSWER_TEXTS_KEPT:
        kept.update({(pk, language): text for pk, text in read.items()})
    return found | read


@functools.lru_cache(maxsize=1024)
def paragraph_terms(body: str, language: str) -> tuple[frozenset[str], ...]:
    """The terms of each paragraph of a body (keyed by the text itself, so an edited article
    reads afresh)."""
    return tuple(frozenset(terms(paragraph, language)) for paragraph in passages_of(body))


def answer_passages(body: str, language: str, wanted: list[tuple[float, frozenset[str]]]) -> str:
    """The paragraph of `body` that says most of what is wanted (weighted groups of terms, each
    counted once whichever of its terms a paragraph uses), with a second one when it says nearly
    as much (one alone would be half the answer), in the article's order."""
    paragraphs = passages_of(body)
    if not paragraphs:
        return ""
    scored = []
    for position, words in enumerate(paragraph_terms(body, language)):
        scored.append(
            (sum(weight for weight, group in wanted if not group.isdisjoint(words)), position)
        )
    best_score, best = max(scored, key=lambda pair: (pair[0], -pair[1]))
    if best_score <= 0:
        return paragraphs[0]  # articles open with their main answer
    chosen = [best]
    runners = [pair for pair in scored if pair[1] != best]
    if runners:
        second_score, second = max(runners, key=lambda pair: (pair[0], -pair[1]))
        if second_score >= SECOND_PASSAGE_SHARE * best_score:
            chosen.append(second)
    return "\n\n".join(paragraphs[i] for i in sorted(chosen))


def search_passages(
    question: str,
    limit: int | None = None,
    language: str | None = None,
    version: tuple[int, int] | None = None,
) -> list[Passage]:
    """The passages that best answer a question, one per article, best first, at most `limit`
    (LADDER_KB_PASSAGES by default), in `language` (detected from the question when not given)
    where the article has that version.

    A passage's score is its article's: how fully the question and the article's best example
    question, title or passage say the same thing (see `rank_articles`), from 0 to 1.
    """
    limit = settings.LADDER_KB_PASSAGES if limit is None else limit
    if limit <= 0 or not question.strip():
        return []
    language = language or detect_language(question)
    known = vocabulary(version)
    ranked, weights, stand_for = rank_articles(question, language, known)
    ranked = [match for match in ranked if match.score > 0][:limit]
    if not ranked:
        return []
    uncovered = round(uncovered_share(weights, stand_for, language), 4)
    versions = _answer_versions([m.article_id for m in ranked], language, known)
    passages = []
    for match in ranked:
        slug, answer_language, title, body = versions[match.article_id]
        # The passage is chosen by the question's words and by those of what matched it, in
        # the answer's language: an example question in Spanish picks a Spanish paragraph.
        wanted = [(1.0, frozenset({term})) for term in match.evidence]
        if answer_language == language:
            wanted += [(weights[t], found | {t}) for t, found in stand_for.items()]
        text = answer_passages(body, answer_language, wanted)
        passages.append(
            Passage(
                match.article_id,
                title,
                text,
                match.score,
                language=answer_language,
                slug=slug,
                matched_by=match.matched_by,
                uncovered=uncovered,
            )
        )
    return passages

"""The languages customers write in: which one a message is in, and its words as a search
index reads them (folded, stop words dropped, Snowball stems).

Detection is lingua's, restricted to the languages the help centre is written in; stemming is
PyStemmer's Snowball algorithms (the ones PostgreSQL's text-search configurations use); stop
words are the `stopwords` package's lists (the classic short ones: the longer lists of
`stop-words` drop words that matter here, such as "order", "free" and "cuenta").
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata

import Stemmer
from lingua import Language, LanguageDetector, LanguageDetectorBuilder
from stopwords import get_stopwords

# Short codes, as conversations store them and the widget's browser tag begins.
LANGUAGES = ("en", "es", "fr", "de", "pt")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
    "pt": "Português",
}
_LINGUA = {
    Language.ENGLISH: "en",
    Language.SPANISH: "es",
    Language.FRENCH: "fr",
    Language.GERMAN: "de",
    Language.PORTUGUESE: "pt",
}
_SNOWBALL = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "de": "german",
    "pt": "portuguese",
}
# Below this many letters, or below this confidence, the text alone does not say which language
# it is ("PayPal?", "hola", "ok"): the browser's language decides if it is one of ours.
SHORT_TEXT_LETTERS = 12
CONFIDENT = 0.5

_WORD_RE = re.compile(r"[^\W_]+")
# Tags, and tokens that hold characters prose does not (URLs, code, e-mail addresses).
_NOT_PROSE = re.compile(r"<[^>]*>|\S*[=<>/\\@_{}()\[\]|:]\S*")
_state = threading.local()


@functools.cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_LINGUA).build()


def language_of_tag(tag: str | None) -> str | None:
    """The short code of a browser language tag ("pt-BR" -> "pt"), if it is one of ours."""
    code = (tag or "").split("-", 1)[0].strip().lower()
    return code if code in LANGUAGES else None


def detect_language(text: str, hint: str | None = None) -> str:
    """The language `text` is written in, one of LANGUAGES. `hint` (a browser language tag or a
    code) decides when the text is too short or too even to say, and wins a near tie."""
    preferred = language_of_tag(hint)
    # Markup, addresses and code say nothing of the customer's language.
    text = _NOT_PROSE.sub(" ", text)
    letters = sum(1 for c in text if c.isalpha())
    if letters == 0:
        return preferred or DEFAULT_LANGUAGE
    values = _detector().compute_language_confidence_values(text)
    confidence = {_LINGUA[v.language]: v.value for v in values}
    best = max(confidence, key=lambda code: confidence[code])
    if preferred is None:
        return best
    if letters < SHORT_TEXT_LETTERS or confidence[best] < CONFIDENT:
        # Short or ambiguous: the browser's language unless the text clearly says otherwise.
        return best if confidence[best] >= 2 * confidence.get(preferred, 0.0) + 0.2 else preferred
    return best


def fold(text: str) -> str:
    """Lower case without accents: "Envío" and "envio" are one word to the index."""
    if text.isascii():
        return text.lower()  # nothing to decompose, and ASCII's case folding is lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD_RE.findall(fold(text))


@functools.cache
def stop_words(language: str) -> frozenset[str]:
    """Function words of `language`, folded (and split at apostrophes, as `words` splits)."""
    folded: set[str] = set()
    for word in get_stopwords(language):
        folded.update(words(word))
    return frozenset(folded)


def _stemmer(language: str) -> Stemmer.Stemmer:
    # PyStemmer's stemmers must not be shared between threads: one per thread and language.
    stemmers = getattr(_state, "stemmers", None)
    if stemmers is None:
        stemmers = _state.stemmers = {}
    if language not in stemmers:
        stemmers[language] = Stemmer.Stemmer(_SNOWBALL[language])
    return stemmers[language]


def stem(word: str, language: str) -> str:
    """The Snowball stem of a folded word in `language` (English for a language we lack)."""
    return str(_stemmer(language if language in _SNOWBALL else DEFAULT_LANGUAGE).stemWord(word))


def terms(text: str, language: str) -> list[str]:
    """The stems of a text's meaningful words in `language`, in order, repeats kept."""
    stops = stop_words(language if language in _SNOWBALL else DEFAULT_LANGUAGE)
    return [stem(w, language) for w in words(text) if len(w) > 1 and w not in stops]

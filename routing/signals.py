"""Cheap signals from the customer's words: repeats, "that didn't help", negative sentiment."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .language import LANGUAGES, stop_words, words

# Two questions whose word sets overlap this much are the same question rephrased.
SAME_QUESTION_OVERLAP = 0.6
# Whatever language a customer writes in, its function words say nothing of the question.
_STOP = frozenset().union(*(stop_words(language) for language in LANGUAGES)) | {
    "please",
    "hi",
    "hello",
    "again",
}

_NOT_HELPFUL = re.compile(
    r"\b(did ?n[o']?t help|does ?n[o']?t help|not helpful|no help|that'?s not what i (asked|meant)"
    r"|you('re| are) not (helping|listening)|useless answer|wrong answer"
    r"|no (me )?(sirve|ayuda|ayudó|ayudo)|ne m'aide pas|pas utile|hilft (mir )?nicht"
    r"|nicht hilfreich|não (me )?ajud(ou|a)|nao ajudou)\b",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"\b(angry|furious|terrible|awful|horrible|worst|ridiculous|useless|frustrat\w*|annoy\w*"
    r"|disappointed|unacceptable|pathetic|hate|scam|fed up|wtf"
    r"|enfadad\w*|harto|horrible|p[eé]sim\w*|furieux|nul|inadmissible|énervé|w[üu]tend"
    r"|schrecklich|unversch[äa]mt|p[ée]ssim\w*|irritad\w*|absurd\w*)\b",
    re.IGNORECASE,
)


def question_words(text: str) -> frozenset[str]:
    return frozenset(w for w in words(text) if w not in _STOP and len(w) > 1)


def repeat_count(question: str, earlier_questions: Iterable[str]) -> int:
    """How many times this question has now been asked, counting rephrasings and this one."""
    words = question_words(question)
    if not words:
        return 1
    count = 1
    for earlier in earlier_questions:
        other = question_words(earlier)
        if other and len(words & other) / len(words | other) >= SAME_QUESTION_OVERLAP:
            count += 1
    return count


def said_not_helpful(text: str) -> bool:
    return bool(_NOT_HELPFUL.search(text))


def negative_sentiment(text: str) -> bool:
    return bool(_NEGATIVE.search(text))

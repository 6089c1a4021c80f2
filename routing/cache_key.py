"""What makes two questions the same question for the answer cache, and what else an answer
depends on: the provider and models, the prompts and the knowledge passages it was given.

Two texts share a key only if the model read the same words: the key is the customer block
the model saw, normalised only in ways that keep meaning (Unicode NFKC, case, runs of
whitespace). Text that can carry what a reader does not see (format characters such as
zero-width or tag characters, Braille patterns, private-use and unassigned code points,
control characters) is never cached at all.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .prompts import PROMPT_VERSION, customer_block
from .providers.base import Passage

# Unicode categories whose characters a person does not see or read as text: format (Cf:
# zero-width, bidi and tag characters), private use (Co), unassigned (Cn), surrogates (Cs)
# and controls (Cc) other than whitespace.
HIDDEN_CATEGORIES = frozenset({"Cf", "Co", "Cn", "Cs", "Cc"})
BRAILLE_PATTERNS = range(0x2800, 0x2900)
# Cc characters that are only whitespace and are collapsed like any other.
_PLAIN_CONTROLS = frozenset("\t\n\r\x0b\x0c")


def hidden_characters(text: str) -> list[str]:
    """The characters of `text` that may hide something from a reader (see module doc)."""
    return [
        c
        for c in text
        if ord(c) in BRAILLE_PATTERNS
        or (unicodedata.category(c) in HIDDEN_CATEGORIES and c not in _PLAIN_CONTROLS)
    ]


def normalise_for_key(text: str) -> str:
    """NFKC, case-folded (then NFKC again, as casefolding may denormalise), with every run of
    whitespace one space. Everything else stays: punctuation and symbols are words to a model."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


def passage_digest(passage: Passage) -> str:
    """The passage as the model read it (article, title, text); its score does not matter."""
    basis = json.dumps([passage.article_id, passage.title, passage.text], ensure_ascii=False)
    return hashlib.sha256(basis.encode()).hexdigest()


@dataclass(frozen=True)
class AnswerSetup:
    """Who would write the answer: the provider, its models and the prompts' version."""

    provider: str
    models: tuple[str, ...]
    prompt_version: str = PROMPT_VERSION


def answer_cache_key(question: str, passages: Sequence[Passage], setup: AnswerSetup) -> str | None:
    """The cache key of an answer to `question` given `passages` under `setup`, or None when the
    question must not be cached (it holds characters that may hide instructions)."""
    if hidden_characters(question):
        return None
    basis = json.dumps(
        {
            # Whitespace around the question is no word of it.
            "question": normalise_for_key(customer_block(question.strip())),
            "passages": sorted(passage_digest(p) for p in passages),
            "provider": setup.provider,
            "models": list(setup.models),
            "prompt_version": setup.prompt_version,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(basis.encode()).hexdigest()

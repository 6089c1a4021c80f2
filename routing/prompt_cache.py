"""The prompt cache's floor: the shortest prefix each model caches at all, from Anthropic's
documentation. A marked prefix below it is billed as plain input and never read back."""

from __future__ import annotations

import re
from collections.abc import Mapping

# Anthropic's prompt-caching documentation (checked 2026-12): a prefix shorter than this many
# tokens is processed without caching, silently. Where sources disagree (Sonnet 4.6: 1,024 or
# 2,048) the larger figure stands, so Ladder never counts on a cache the API would not keep.
DOCUMENTED_MIN_CACHEABLE_TOKENS: dict[str, int] = {
    "claude-opus-4-6": 4096,
    "claude-opus-4-5": 4096,
    "claude-opus-4-1": 1024,
    "claude-opus-4": 1024,
    "claude-sonnet-4-6": 2048,
    "claude-sonnet-4-5": 1024,
    "claude-sonnet-4": 1024,
    "claude-3-7-sonnet": 1024,
    "claude-haiku-4-5": 4096,
    "claude-3-5-haiku": 2048,
    "claude-3-haiku": 2048,
}
# Models the table does not list yet (newer ones): the largest figure documented for their
# class, and the largest of all for a model of no known class.
CLASS_MIN_CACHEABLE_TOKENS: dict[str, int] = {"haiku": 4096, "sonnet": 2048, "opus": 4096}
UNKNOWN_MODEL_MIN_CACHEABLE_TOKENS = 4096
# What may follow a listed name in a model id: a snapshot date or "-latest" ("claude-opus-4"
# covers "claude-opus-4-20250514" but not "claude-opus-4-7", a model of its own).
_SNAPSHOT_SUFFIX = re.compile(r"(-\d{8}|-latest)\b.*")


def min_cacheable_tokens(model: str, overrides: Mapping[str, int] | None = None) -> int:
    """The shortest prefix `model` caches: an override for it, else the documented figure; a
    listed name covers its snapshots ("claude-haiku-4-5" covers "claude-haiku-4-5-20251001")."""
    for table in (overrides or {}, DOCUMENTED_MIN_CACHEABLE_TOKENS):
        for name, tokens in table.items():
            rest = model[len(name) :] if model.startswith(name) else None
            if rest is not None and (not rest or _SNAPSHOT_SUFFIX.fullmatch(rest)):
                return int(tokens)
    for family, tokens in CLASS_MIN_CACHEABLE_TOKENS.items():
        if family in model:
            return tokens
    return UNKNOWN_MODEL_MIN_CACHEABLE_TOKENS


def parse_min_cacheable_tokens(text: str) -> dict[str, int]:
    """`model=tokens,model=tokens` (the setting's form) as a mapping; a clear error otherwise."""
    table: dict[str, int] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        model, sep, number = item.partition("=")
        model, number = model.strip(), number.strip()
        if not sep or not model or not number.isdigit():
            raise ValueError(
                f"LADDER_MIN_CACHEABLE_TOKENS takes model=tokens pairs separated by commas, "
                f"got {item!r}"
            )
        table[model] = int(number)
    return table

"""The help centre as the models see it: every published article in the cached system prompt,
rebuilt only when the knowledge base changes, so conversations share one cached prefix."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from routing.prompt_cache import min_cacheable_tokens
from routing.prompts import (
    STRONG_SYSTEM_PROMPT,
    SYSTEM_PROMPT,
    HelpCentre,
    HelpCentreArticle,
    estimate_tokens,
    help_centre,
)

from .models import KnowledgeArticle
from .version import knowledge_version


@dataclass(frozen=True)
class SystemPrompts:
    """The fast and the strong tier's system prompts, with the help centre they may carry."""

    fast: str
    strong: str
    help_centre: HelpCentre

    def for_tier(self, tier: str) -> str:
        return self.strong if tier == "strong" else self.fast


_lock = threading.Lock()
_built: dict[str, Any] = {"key": None, "prompts": None}


def help_centre_articles() -> list[HelpCentreArticle]:
    return [
        HelpCentreArticle(article_id=pk, title=title, body=body)
        for pk, title, body in KnowledgeArticle.objects.filter(published=True)
        .order_by("pk")
        .values_list("pk", "title", "body")
    ]


def cacheable_prompt(base: str, centre: HelpCentre, model: str) -> str:
    """The rules with the help centre when together they reach the model's minimum cacheable
    prefix; else the rules alone: a help centre the API would not cache is billed in full on
    every call (about six times the lean prompt's cost on the demo store) and read afresh."""
    with_centre = centre.system_prompt(base)
    minimum = min_cacheable_tokens(model, settings.LADDER_MIN_CACHEABLE_TOKENS)
    return with_centre if estimate_tokens(with_centre) >= minimum else base


def system_prompts(version: tuple[int, int] | None = None) -> SystemPrompts:
    """The current system prompts (on a database thread): one read of the knowledge base's
    version (unless the caller just read it) to see whether it changed since they were built,
    and a rebuild only if it did."""
    key = (
        settings.LADDER_PROMPT_HELP_CENTRE_TOKENS,
        settings.LADDER_FAST_MODEL,
        settings.LADDER_STRONG_MODEL,
        tuple(sorted(settings.LADDER_MIN_CACHEABLE_TOKENS.items())),
        knowledge_version(connection) if version is None else version,
    )
    with _lock:
        if _built["key"] == key:
            return _built["prompts"]
    centre = help_centre(help_centre_articles(), settings.LADDER_PROMPT_HELP_CENTRE_TOKENS)
    prompts = SystemPrompts(
        fast=cacheable_prompt(SYSTEM_PROMPT, centre, settings.LADDER_FAST_MODEL),
        strong=cacheable_prompt(STRONG_SYSTEM_PROMPT, centre, settings.LADDER_STRONG_MODEL),
        help_centre=centre,
    )
    with _lock:
        _built.update(key=key, prompts=prompts)
    return prompts


def cache_outlook(prompts: SystemPrompts) -> list[dict[str, Any]]:
    """Per tier: whether its prompt carries the help centre, its size against the model's
    minimum cacheable prefix, and so whether the API caches it (about 4 characters a token)."""
    rows = []
    for tier, model, base in (
        ("fast", settings.LADDER_FAST_MODEL, SYSTEM_PROMPT),
        ("strong", settings.LADDER_STRONG_MODEL, STRONG_SYSTEM_PROMPT),
    ):
        prompt = prompts.for_tier(tier)
        prefix_tokens = estimate_tokens(prompt)
        minimum = min_cacheable_tokens(model, settings.LADDER_MIN_CACHEABLE_TOKENS)
        rows.append(
            {
                "tier": tier,
                "model": model,
                "help_centre": prompt != base,
                "prefix_tokens": prefix_tokens,
                "min_cacheable_tokens": minimum,
                "cached": prefix_tokens >= minimum,
            }
        )
    return rows

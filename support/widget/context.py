"""Template context: which provider answers, so every page can say so."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def ladder_mode(request: HttpRequest) -> dict[str, Any]:
    provider = settings.LADDER_PROVIDER
    if provider == "local":
        description = (
            "Embedded mode: no Anthropic API key is set, so automatic answers come straight "
            "from the knowledge base and everything else goes to people."
        )
    else:
        base = settings.ANTHROPIC_BASE_URL or "the Anthropic API"
        description = (
            f"Claude mode: {settings.LADDER_FAST_MODEL} answers first, "
            f"{settings.LADDER_STRONG_MODEL} when unsure, people when needed (via {base})."
        )
    return {"ladder_provider": provider, "ladder_mode_description": description}

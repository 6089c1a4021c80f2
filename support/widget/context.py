"""Template context: which provider answers, so every page can say so."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def ladder_mode(request: HttpRequest) -> dict[str, Any]:
    """The mode for every page; the models only for staff, and never where the SDK connects
    (ANTHROPIC_BASE_URL may hold a proxy's credentials)."""
    provider = settings.LADDER_PROVIDER
    if provider == "local":
        description = (
            "Embedded mode: no Anthropic API key is set, so automatic answers come straight "
            "from the knowledge base and everything else goes to people."
        )
    elif getattr(getattr(request, "user", None), "is_staff", False):
        description = (
            f"Claude mode: {settings.LADDER_FAST_MODEL} answers first, "
            f"{settings.LADDER_STRONG_MODEL} when unsure, people when needed."
        )
    else:
        description = "Claude mode: an AI assistant answers first, people when needed."
    return {"ladder_provider": provider, "ladder_mode_description": description}

"""Model providers behind one streaming interface; `get_provider` picks the configured one."""

from __future__ import annotations

from .base import (
    Finished,
    Passage,
    Provider,
    ProviderError,
    ProviderRequest,
    Started,
    StreamEvent,
    TextDelta,
)

__all__ = [
    "Finished",
    "Passage",
    "Provider",
    "ProviderError",
    "ProviderRequest",
    "Started",
    "StreamEvent",
    "TextDelta",
    "get_provider",
]


def get_provider(name: str | None = None) -> Provider:
    """The provider named in settings (LADDER_PROVIDER) unless `name` says otherwise."""
    from django.conf import settings

    chosen = name or settings.LADDER_PROVIDER
    if chosen == "local":
        from .local import LocalProvider

        return LocalProvider(
            chunk_pause_s=settings.LADDER_LOCAL_CHUNK_PAUSE_MS / 1000,
            min_margin=settings.LADDER_LOCAL_MIN_MARGIN,
            help_centre_url=settings.LADDER_HELP_CENTRE_URL,
        )
    if chosen == "anthropic":
        from .anthropic import AnthropicProvider

        return AnthropicProvider.from_settings()
    raise ValueError(f"unknown provider {chosen!r}: use 'local' or 'anthropic'")

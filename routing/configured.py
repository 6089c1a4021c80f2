"""What the settings choose for routing: the policy's thresholds and each tier's model."""

from __future__ import annotations

from django.conf import settings

from .policy import Thresholds


def thresholds() -> Thresholds:
    """The thresholds live answers use."""
    return Thresholds(
        confidence=settings.LADDER_CONFIDENCE_THRESHOLD,
        local_confidence=settings.LADDER_LOCAL_CONFIDENCE_THRESHOLD,
        retrieval_floor=settings.LADDER_RETRIEVAL_FLOOR,
    )


def model_for_tier(tier: str, provider: str = "") -> str:
    """The model a tier calls (the `local` provider has one model for both tiers)."""
    if provider == "local":
        return "local"
    return str(settings.LADDER_STRONG_MODEL if tier == "strong" else settings.LADDER_FAST_MODEL)

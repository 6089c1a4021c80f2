"""Conversation tokens: signed, unguessable, and all a visitor needs to resume a chat."""

from __future__ import annotations

import uuid

from django.core import signing

_SALT = "ladder.conversation-token"


def make_token(public_id: uuid.UUID) -> str:
    return signing.Signer(salt=_SALT).sign(public_id.hex)


def read_token(token: str) -> uuid.UUID | None:
    """The conversation a token names, or None for a forged, foreign or mangled token."""
    try:
        return uuid.UUID(hex=signing.Signer(salt=_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None

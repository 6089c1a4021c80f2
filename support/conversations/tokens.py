"""Conversation tokens: signed, unguessable, and all a visitor needs to resume a chat.

A token names a conversation and the generation of its tokens, and carries when it was
issued. It expires once that is longer ago than LADDER_TOKEN_IDLE_S (every welcome, and every
acknowledged message past half that time, hands the widget a fresh one, so only an idle
visitor's token runs out), and erasing the conversation revokes every token issued before.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

_SALT = "ladder.conversation-token.v2"


@dataclass(frozen=True)
class TokenClaim:
    public_id: uuid.UUID
    generation: int
    issued_at: float

    def age_s(self) -> float:
        return time.time() - self.issued_at


class TokenRefused(Exception):
    """A token the chat does not accept; `code` is the protocol's stable error code."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def make_token(public_id: uuid.UUID, generation: int = 0) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(f"{public_id.hex}.{generation}")


def read_token(token: str) -> TokenClaim | None:
    """What a token says, however old (for staff tools), or None for a forged, foreign or
    mangled one."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        value = signer.unsign(token)
        issued_at = signing.b62_decode(token.rsplit(signer.sep, 2)[-2])
        hex_id, generation = value.split(".")
        return TokenClaim(uuid.UUID(hex=hex_id), int(generation), float(issued_at))
    except (signing.BadSignature, ValueError):
        return None


def check_token_for(claim: TokenClaim, generation: int) -> None:
    """Refuse a token of the conversation it names that was revoked or has gone idle too long."""
    if claim.generation != generation:
        raise TokenRefused(
            "token_revoked", "This conversation was closed for good; start a new one."
        )
    if claim.age_s() > settings.LADDER_TOKEN_IDLE_S:
        raise TokenRefused(
            "token_expired", "This conversation token has expired; start a new conversation."
        )


def needs_rotation(claim: TokenClaim | None) -> bool:
    """A token past half its idle time is replaced while the visitor is active."""
    return claim is None or claim.age_s() > settings.LADDER_TOKEN_IDLE_S / 2

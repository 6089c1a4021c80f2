"""The email follow-up rule: a customer waiting longer than LADDER_OFFER_EMAIL_AFTER_S while no
agent is online is offered a reply by email (once per wait)."""

from __future__ import annotations

import logging

from django.conf import settings

from support.conversations.agent_actions import (
    conversations_waiting_longer_than,
    do_offer_email_follow_up,
)

from .presence import any_agent_online

DEFAULT_OFFER_EMAIL_AFTER_S = 120
logger = logging.getLogger("ladder.housekeeping")


def offer_email_after_s() -> float:
    return float(getattr(settings, "LADDER_OFFER_EMAIL_AFTER_S", DEFAULT_OFFER_EMAIL_AFTER_S))


def offer_follow_ups(after_s: float | None = None) -> int:
    """Offer email follow-up where it is due; returns how many customers were offered it."""
    after_s = offer_email_after_s() if after_s is None else after_s
    if any_agent_online():
        return 0
    return sum(
        do_offer_email_follow_up(conversation_id, after_s=after_s) is not None
        for conversation_id in conversations_waiting_longer_than(after_s)
    )


def offer_follow_ups_chore() -> None:
    """The follow-up rule as a housekeeping chore of every server process."""
    offered = offer_follow_ups()
    if offered:
        logger.info("offered email follow-up in %s conversation(s)", offered)

"""The conversation state machine: which status changes are allowed. Changes go through actions."""

from __future__ import annotations

from .models import Status

# ai -> waiting -> agent -> resolved, with hand-back to AI, transfer and reopen.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.AI: frozenset({Status.WAITING, Status.RESOLVED}),
    Status.WAITING: frozenset({Status.AGENT, Status.AI, Status.RESOLVED}),
    Status.AGENT: frozenset({Status.AI, Status.WAITING, Status.RESOLVED, Status.AGENT}),
    Status.RESOLVED: frozenset({Status.AI, Status.WAITING}),
}

# While a person has the conversation (or it waits for one), no model answers in it.
MODEL_MAY_ANSWER = frozenset({Status.AI})


class TransitionRefused(ValueError):
    """A status change the state machine does not allow."""


def check_transition(current: str, new: str) -> None:
    if new not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        raise TransitionRefused(f"a conversation cannot go from {current!r} to {new!r}")

"""Typing indicators: who is writing in a conversation right now, told to the other side.

Nothing here is stored: a typing event goes straight to the conversation's channel group (no
row, no audit event, no seq), at most once per LADDER_TYPING_RELAY_EVERY_S for each side of a
conversation, and the side that shows it hides it after `expires_in_s` unless told again. The
customer's widget hears only the agent's typing; the inbox hears only the customer's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

CUSTOMER = "customer"
AGENT = "agent"
EVENT_TYPE = "chat.typing"
# Sides remembered per process before the stalest are forgotten (a forgotten side at worst
# relays one frame early).
MAX_REMEMBERED_SIDES = 10_000


def relay_every_s() -> float:
    return float(settings.LADDER_TYPING_RELAY_EVERY_S)


def expires_in_s() -> int:
    return int(settings.LADDER_TYPING_EXPIRES_S)


@dataclass
class _Side:
    relayed_at: float
    active: bool


class TypingThrottle:
    """Whether a side's typing news is worth relaying now: a start at most once per interval,
    a stop only right after a start went out; so at most two relays per interval, however
    often a client toggles."""

    def __init__(self) -> None:
        self.sides: dict[tuple[int, str], _Side] = {}

    def allows(self, conversation_id: int, role: str, active: bool) -> bool:
        now = time.monotonic()
        key = (conversation_id, role)
        last = self.sides.get(key)
        if active:
            if last is not None and now - last.relayed_at < relay_every_s():
                return False
        elif last is None or not last.active:
            return False
        if last is None and len(self.sides) >= MAX_REMEMBERED_SIDES:
            self._forget_stale(now)
        self.sides[key] = _Side(now, active)
        return True

    def _forget_stale(self, now: float) -> None:
        horizon = max(relay_every_s(), expires_in_s())
        stale = [key for key, side in self.sides.items() if now - side.relayed_at > horizon]
        for key in stale or list(self.sides)[: len(self.sides) // 2]:
            del self.sides[key]


THROTTLE = TypingThrottle()


def typing_event(role: str, active: bool, name: str = "") -> dict[str, Any]:
    """The channel-layer event for one side's typing news."""
    return {
        "type": EVENT_TYPE,
        "role": role,
        "active": active,
        "name": name,
        "expires_in_s": expires_in_s(),
    }


def due(conversation_id: int, role: str, active: bool) -> bool:
    """Whether this news from one side is relayed now (counted as relayed when it is)."""
    return THROTTLE.allows(conversation_id, role, active)


async def relay(
    channel_layer: Any, group: str, conversation_id: int, role: str, active: bool, name: str = ""
) -> bool:
    """Tell the conversation's group that one side started (or stopped) typing, unless the
    throttle says the other side already knows; True when it was sent."""
    if not due(conversation_id, role, active):
        return False
    await channel_layer.group_send(group, typing_event(role, active, name))
    return True


def frame_for(event: dict[str, Any], listener_role: str) -> dict[str, Any] | None:
    """The socket frame a listener on `listener_role`'s side gets for a typing event: only the
    other side's typing is news (a customer's second tab does not see its own keystrokes)."""
    if event.get("role") == listener_role:
        return None
    frame: dict[str, Any] = {
        "type": "typing",
        "role": event.get("role"),
        "active": bool(event.get("active")),
        "expires_in_s": event.get("expires_in_s") or expires_in_s(),
    }
    if event.get("name"):
        frame["name"] = event["name"]
    return frame

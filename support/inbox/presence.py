"""Who is online in the inbox: open sockets plus a recent heartbeat (a dead process's
sockets stop counting once their heartbeat is stale)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from .models import AgentPresence

DEFAULT_PRESENCE_TIMEOUT_S = 90


def presence_timeout_s() -> float:
    return float(getattr(settings, "LADDER_PRESENCE_TIMEOUT_S", DEFAULT_PRESENCE_TIMEOUT_S))


def socket_opened(agent_id: int) -> None:
    now = timezone.now()
    updated = AgentPresence.objects.filter(agent_id=agent_id).update(
        open_sockets=F("open_sockets") + 1, last_seen_at=now
    )
    if not updated:
        _presence, created = AgentPresence.objects.get_or_create(
            agent_id=agent_id, defaults={"open_sockets": 1, "last_seen_at": now}
        )
        if not created:
            socket_opened(agent_id)


def socket_closed(agent_id: int) -> None:
    AgentPresence.objects.filter(agent_id=agent_id).update(
        open_sockets=Greatest(F("open_sockets") - 1, 0), last_seen_at=timezone.now()
    )


def heartbeat(agent_id: int) -> None:
    AgentPresence.objects.filter(agent_id=agent_id).update(last_seen_at=timezone.now())


def online_agents() -> QuerySet[Any]:
    cutoff = timezone.now() - timedelta(seconds=presence_timeout_s())
    return (
        get_user_model()
        .objects.filter(
            inbox_presence__open_sockets__gt=0, inbox_presence__last_seen_at__gte=cutoff
        )
        .order_by("first_name", "username")
    )


def any_agent_online() -> bool:
    return online_agents().exists()

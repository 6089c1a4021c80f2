"""What automatic assignment keeps per agent: their capacity (when it differs from
LADDER_AGENT_CAPACITY) and when they were last given a conversation, for the rotation. The row
is also what concurrent assignments lock, so two never fill one agent past capacity."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AgentCapacity(models.Model):
    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment_capacity"
    )
    capacity = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Open conversations automatic assignment gives this agent at most "
        "(empty: LADDER_AGENT_CAPACITY). Agents may still claim more themselves.",
    )
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "agent capacities"

    def __str__(self) -> str:
        return f"{self.agent}: {self.capacity if self.capacity is not None else 'default'}"

"""Inbox-only records: canned replies, who is online, and how far each agent has read."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from support.conversations.models import Conversation


class CannedReply(models.Model):
    """A prepared answer agents insert into the reply box; managed in the admin."""

    title = models.CharField(max_length=120, unique=True)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title


class AgentPresence(models.Model):
    """An agent is online while an inbox socket of theirs is open and has spoken lately; the
    heartbeat covers processes that die without closing their sockets."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_presence"
    )
    open_sockets = models.PositiveIntegerField(default=0)
    last_seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "agent presence"

    def __str__(self) -> str:
        return f"{self.agent} ({self.open_sockets} open)"


class ReadMark(models.Model):
    """The last seq an agent has seen in a conversation: what is newer counts as unread."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_read_marks"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="inbox_read_marks"
    )
    last_read_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "conversation"], name="read_mark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agent} read {self.conversation_id} to #{self.last_read_seq}"

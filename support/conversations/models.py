"""Conversations, their messages and the append-only, hash-chained audit trail."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    AI = "ai", "AI"
    WAITING = "waiting", "Waiting for a person"
    AGENT = "agent", "With an agent"
    RESOLVED = "resolved", "Resolved"


class Tier(models.TextChoices):
    FAST = "fast", "Fast model"
    STRONG = "strong", "Strong model"
    HUMAN = "human", "Staff inbox"


class Conversation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AI)
    # The model tier that answers while status is "ai"; once strong, it stays strong.
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.FAST)
    handoff_reason = models.CharField(max_length=40, blank=True)
    customer_name = models.CharField(max_length=120, blank=True)
    customer_email = models.EmailField(blank=True)
    # Who the embedding site says the customer is (LadderWidget.identify): the external id is
    # kept only when the site's HMAC proved it; a name or email without proof is "unverified".
    customer_external_id = models.CharField(max_length=200, blank=True, db_index=True)
    customer_verified = models.BooleanField(default=False)
    customer_page = models.CharField(
        max_length=500, blank=True, help_text="The page the customer wrote from."
    )
    origin = models.CharField(max_length=200, blank=True, help_text="Site the widget ran on.")
    # The language the customer writes in (a short code such as "es", detected from their
    # messages with the browser's language as a hint), and the browser's own language tag.
    language = models.CharField(max_length=8, blank=True)
    browser_language = models.CharField(max_length=35, blank=True)
    assigned_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
    )
    # Counters guarded by a row lock: the last message seq and the audit chain's head.
    last_seq = models.PositiveIntegerField(default=0)
    audit_count = models.PositiveIntegerField(default=0)
    audit_head_hash = models.CharField(max_length=64, blank=True)
    # The conversation's place in the site-wide audit ledger (1, 2, 3 ... with no gaps), so
    # a conversation deleted whole leaves a gap `verify_audit` reports.
    audit_serial = models.PositiveIntegerField(null=True, unique=True)
    # Keyed seal over the chain's head, its length, the last seq and the legacy marks below:
    # cutting events or messages off the end cannot be hidden by rewriting the head.
    audit_head_seal = models.CharField(max_length=64, blank=True)
    # Written before the audit trail was keyed: events up to this index (and messages up to
    # this seq) verify under the old, unkeyed scheme. 0 for conversations begun since.
    audit_legacy_events = models.PositiveIntegerField(default=0)
    audit_legacy_seq = models.PositiveIntegerField(default=0)
    # Every model token spent on this conversation, shown or not: its budget is capped.
    model_tokens = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Tokens name the generation they were issued in; erasure moves it on, revoking them all.
    token_generation = models.PositiveIntegerField(default=0)
    # When the customer's personal data was last erased (retention erases again only what was
    # written after).
    erased_at = models.DateTimeField(null=True, blank=True)
    rating_score = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "waiting_since"])]

    def __str__(self) -> str:
        return f"Conversation {self.public_id} ({self.status})"

    @property
    def group_name(self) -> str:
        """The channel-layer group every socket watching this conversation joins."""
        return f"conversation.{self.public_id.hex}"


class Role(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    ASSISTANT = "assistant", "Assistant"
    AGENT = "agent", "Agent"
    SYSTEM = "system", "System"


class MessageState(models.TextChoices):
    COMPLETE = "complete", "Complete"
    STREAMING = "streaming", "Streaming"
    INTERRUPTED = "interrupted", "Interrupted"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveIntegerField()
    role = models.CharField(max_length=10, choices=Role.choices)
    author = models.CharField(max_length=120, blank=True)
    text = models.TextField(blank=True)
    # NULL, not "", for messages without one: the unique constraint applies to real ids only.
    client_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    state = models.CharField(
        max_length=12, choices=MessageState.choices, default=MessageState.COMPLETE
    )
    # Internal notes are for staff only and never reach the customer.
    internal = models.BooleanField(default=False)
    # Keyed digest of who wrote what under this seq (see audit.message_text_mac): an edited
    # text no longer matches it, nor the digest in its audit event.
    text_mac = models.CharField(max_length=64, blank=True)
    # What answered and what it cost; empty for customer, agent and system messages.
    tier = models.CharField(max_length=10, blank=True)
    model = models.CharField(max_length=80, blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cache_read_tokens = models.PositiveIntegerField(default=0)
    cache_write_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=8, default=0)
    time_to_first_token_ms = models.PositiveIntegerField(null=True, blank=True)
    provider_first_token_ms = models.PositiveIntegerField(null=True, blank=True)
    total_ms = models.PositiveIntegerField(null=True, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_seq_unique"),
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="message_client_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.role}: {self.text[:40]}"

    def as_frame(self) -> dict[str, object]:
        """The body of a protocol `message` frame."""
        frame: dict[str, object] = {
            "type": "message",
            "seq": self.seq,
            "role": self.role,
            "text": self.text,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }
        if self.role == Role.AGENT:
            frame["author"] = self.author
        if self.state == MessageState.INTERRUPTED:
            frame["interrupted"] = True
        return frame


class AuditEvent(models.Model):
    """One step of a conversation's story; append-only and chained by hash."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="audit_events"
    )
    index = models.PositiveIntegerField()
    kind = models.CharField(max_length=60, db_index=True)
    actor = models.CharField(max_length=120)
    data = models.JSONField(default=dict)
    # The chain covers the data through this digest, so erasure can redact `data` alone.
    data_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["conversation", "index"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "index"], name="audit_index_unique")
        ]
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.index} by {self.actor}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only; they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit events are append-only; they cannot be deleted.")


class AuditLedger(models.Model):
    """The site-wide count of conversations ever begun, sealed with the audit key: with each
    conversation's serial it makes a conversation deleted whole detectable. One row."""

    conversations = models.PositiveIntegerField(default=0)
    seal = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.conversations} conversations"


# The ledger's models live in a module of their own; importing them here registers them.
from .assignment_models import AgentCapacity  # noqa: E402, F401
from .ledger_models import CachedAnswer, DailySpend, ProviderCircuit  # noqa: E402, F401

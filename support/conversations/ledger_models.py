"""What answering keeps between model calls: circuit breakers, daily spend per tier, cached
answers. The tables keep the names they had when routing/ held them."""

from __future__ import annotations

from django.db import models


class ProviderCircuit(models.Model):
    """A model's circuit breaker as last seen by any process (for the admin to watch)."""

    model = models.CharField(max_length=80, unique=True)
    state = models.CharField(
        max_length=10,
        choices=[("closed", "Closed: calls go through"), ("open", "Open: cooling down")],
        default="closed",
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    opened_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "routing_providercircuit"

    def __str__(self) -> str:
        return f"{self.model}: {self.state}"


class DailySpend(models.Model):
    """Model spend per tier and UTC day, added to after every call, checked against the cap."""

    day = models.DateField()
    tier = models.CharField(max_length=10)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=0)
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "tier"], name="daily_spend_unique")]
        ordering = ["-day", "tier"]
        db_table = "routing_dailyspend"

    def __str__(self) -> str:
        return f"{self.day} {self.tier}: ${self.cost_usd}"


class CachedAnswer(models.Model):
    """An answer to a question, given the same passages by the same provider, models and
    prompts (all in `key`, see routing.cache_key): served without a model until it expires."""

    key = models.CharField(max_length=64, unique=True)
    # The question as the customer wrote it, for the admin; erased with its conversation.
    question = models.TextField()
    text = models.TextField()
    provider = models.CharField(max_length=40)
    tier = models.CharField(max_length=10)
    model = models.CharField(max_length=80)
    prompt_version = models.CharField(max_length=40)
    confidence = models.FloatField(null=True)
    article_ids = models.JSONField(default=list)
    passage_digests = models.JSONField(default=list)
    # The public id (hex) of the conversation the answer was written in: erasing that
    # conversation forgets the entry (routing keeps no link to support's tables).
    conversation = models.CharField(max_length=32, db_index=True)
    hits = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "routing_cachedanswer"

    def __str__(self) -> str:
        return self.question[:60]

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
    """An answer to a normalised question given the same passages: served without a model."""

    key = models.CharField(max_length=64, unique=True)
    question = models.TextField()
    text = models.TextField()
    tier = models.CharField(max_length=10)
    model = models.CharField(max_length=80)
    confidence = models.FloatField(null=True)
    article_ids = models.JSONField(default=list)
    hits = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "routing_cachedanswer"

    def __str__(self) -> str:
        return self.question[:60]

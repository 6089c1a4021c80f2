"""Summary rows the dashboard reads: one per conversation, computed from its stored messages and
audit events and recomputed whenever the conversation's audit chain grows (see facts.py)."""

from __future__ import annotations

from typing import Any

from django.db import models

from support.conversations.models import Conversation

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 8, "default": 0}
FIGURE_COLUMNS = [
    "created_at",
    "path",
    "top_tier",
    "escalated_to_strong",
    "handed_to_person",
    "ai_resolved",
    "agent_resolved",
    "fixed_strong",
    "fixed_person",
    "rating_score",
    "strong_reason",
    "handoff_reason",
    "fast_cost_usd",
    "strong_cost_usd",
    "draft_cost_usd",
    "all_strong_cost_usd",
    "cache_saving_usd",
    "first_agent_response_ms",
    "resolution_ms",
    "queue_wait_ms",
]
TURN_COLUMNS = [
    "created_at",
    "fixed_strong",
    "fixed_person",
    "margin",
    "fast_confidence",
    "fast_answered",
    "strong_confidence",
    "strong_answered",
    "strong_decisive",
    "outcome",
    "fast_cost_usd",
    "strong_cost_usd",
    "strong_estimate_usd",
    "facts",
]


class ConversationFacts(models.Model):
    """What one conversation amounts to. A cache of facts.summarise(): `source_hash` is the
    audit chain head it was computed from, so a row that no longer matches is recomputed."""

    conversation = models.OneToOneField(
        Conversation, primary_key=True, on_delete=models.CASCADE, related_name="analytics_facts"
    )
    public_id = models.UUIDField()
    source_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    origin = models.CharField(max_length=200, blank=True)
    # fast, fast_strong, fast_human, fast_strong_human
    path = models.CharField(max_length=20)
    # The highest tier that took part: fast, strong or human.
    top_tier = models.CharField(max_length=10)
    escalated_to_strong = models.BooleanField(default=False)
    strong_reason = models.CharField(max_length=40, blank=True)
    handed_to_person = models.BooleanField(default=False)
    handoff_reason = models.CharField(max_length=40, blank=True)
    # The reason of the highest escalation: the handoff's, else the strong escalation's.
    reason = models.CharField(max_length=40, blank=True)
    had_agent_message = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(null=True)
    reopened_within_7_days = models.BooleanField(default=False)
    ai_resolved = models.BooleanField(default=False)
    agent_resolved = models.BooleanField(default=False)
    rating_score = models.PositiveSmallIntegerField(null=True)
    fast_cost_usd = models.DecimalField(**MONEY)
    strong_cost_usd = models.DecimalField(**MONEY)
    draft_cost_usd = models.DecimalField(**MONEY)
    all_strong_cost_usd = models.DecimalField(**MONEY)
    cache_saving_usd = models.DecimalField(**MONEY)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cache_read_tokens = models.PositiveIntegerField(default=0)
    cache_write_tokens = models.PositiveIntegerField(default=0)
    model_calls = models.PositiveIntegerField(default=0)
    customer_messages = models.PositiveIntegerField(default=0)
    first_agent_response_ms = models.BigIntegerField(null=True)
    resolution_ms = models.BigIntegerField(null=True)
    queue_wait_ms = models.BigIntegerField(null=True)
    # Escalations the confidence threshold does not decide (rules, errors, thin knowledge
    # before any call): they happen whatever the what-if slider says.
    fixed_strong = models.BooleanField(default=False)
    fixed_person = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # Covering: the dashboard's aggregates read this index, not the wide rows.
            models.Index(fields=FIGURE_COLUMNS, name="facts_figures"),
            models.Index(fields=["reason", "created_at"], name="facts_reason_created"),
            models.Index(fields=["origin", "created_at"], name="facts_origin_created"),
        ]

    def __str__(self) -> str:
        return f"Facts of {self.public_id}"


class ReplayTurn(models.Model):
    """One customer message whose routing the confidence threshold decided, as recorded in its
    routing.decision events: what the what-if slider replays."""

    facts = models.ForeignKey(ConversationFacts, on_delete=models.CASCADE, related_name="turns")
    seq = models.PositiveIntegerField()
    # Copied from the conversation's facts, so a period's replay reads this table alone.
    created_at = models.DateTimeField()
    fixed_strong = models.BooleanField(default=False)
    fixed_person = models.BooleanField(default=False)
    # min(1, threshold + margin): negative sentiment or a long conversation asked for more.
    margin = models.FloatField(default=0)
    fast_confidence = models.FloatField(null=True)
    fast_answered = models.BooleanField(default=False)
    strong_confidence = models.FloatField(null=True)
    strong_answered = models.BooleanField(default=False)
    # False when something besides the confidence decided that tier's step.
    strong_decisive = models.BooleanField(default=False)
    fast_cost_usd = models.DecimalField(**MONEY)
    strong_cost_usd = models.DecimalField(**MONEY)
    # The fast call's tokens at the strong model's price: a strong answer never recorded.
    strong_estimate_usd = models.DecimalField(**MONEY)
    # What happened: fast, strong, or human (a person).
    outcome = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facts", "seq"], name="replay_turn_unique"),
        ]
        indexes = [models.Index(fields=TURN_COLUMNS, name="replay_turn_replay")]

    def __str__(self) -> str:
        return f"Turn {self.seq} of {self.facts_id}"


class KnowledgeGap(models.Model):
    """A customer question the knowledge base did not cover (thin retrieval or
    missing_knowledge), with its wording reduced to a key for grouping similar questions."""

    facts = models.ForeignKey(ConversationFacts, on_delete=models.CASCADE, related_name="gaps")
    seq = models.PositiveIntegerField()
    asked_at = models.DateTimeField()
    question = models.CharField(max_length=500)
    wording_key = models.CharField(max_length=200)
    top_score = models.FloatField(null=True)
    missing_knowledge = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facts", "seq"], name="knowledge_gap_unique"),
        ]
        indexes = [models.Index(fields=["wording_key"], name="gap_wording")]

    def __str__(self) -> str:
        return self.question[:60]


class AnswerTiming(models.Model):
    """Time to first token of one shown answer (from its stored message), kept beside the
    conversation's start so a period's percentiles read this narrow table alone."""

    facts = models.ForeignKey(ConversationFacts, on_delete=models.CASCADE, related_name="timings")
    created_at = models.DateTimeField()
    tier = models.CharField(max_length=10)
    time_to_first_token_ms = models.PositiveIntegerField()
    provider_first_token_ms = models.PositiveIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["tier", "created_at", "time_to_first_token_ms", "provider_first_token_ms"],
                name="answer_timing_tier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tier} {self.time_to_first_token_ms} ms"

"""The ledger's models moved from the routing app to conversations: the migration moves only
Django's record of them, so the rows already in their tables stay and stay readable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("conversations", "0001_initial"), ("routing", "0001_initial")]
AFTER = [("conversations", "0002_ledger_from_routing"), ("routing", "0002_ledger_to_conversations")]


def migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_rows_written_under_routing_are_read_by_the_conversations_models():
    old = migrate(BEFORE)
    old.get_model("routing", "DailySpend").objects.create(
        day="2026-12-01", tier="strong", cost_usd=Decimal("1.25"), calls=3
    )
    old.get_model("routing", "CachedAnswer").objects.create(
        key="k" * 64,
        question="How long does shipping take?",
        text="3 to 5 days.",
        tier="fast",
        model="claude-haiku-5-5",
    )
    old.get_model("routing", "ProviderCircuit").objects.create(model="claude-haiku-5-5")
    try:
        new = migrate(AFTER)
        spend = new.get_model("conversations", "DailySpend").objects.get()
        assert (spend.tier, spend.cost_usd, spend.calls) == ("strong", Decimal("1.25"), 3)
        cached = new.get_model("conversations", "CachedAnswer").objects.get()
        assert cached.text == "3 to 5 days."
        assert new.get_model("conversations", "ProviderCircuit").objects.count() == 1
    finally:
        # Back to the latest state for the tests after this one (a flush empties the rows).
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

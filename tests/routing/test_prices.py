"""One price table: costs from token counts, per model."""

from __future__ import annotations

from decimal import Decimal

import pytest

from routing.prices import cost_usd, price_for


def test_haiku_cost_is_computed_per_million_tokens():
    # 2,000 input at $0.10/M + 500 output at $0.50/M = 0.0002 + 0.00025
    assert cost_usd("claude-haiku-5-5", input_tokens=2000, output_tokens=500) == Decimal("0.00045")


def test_sonnet_is_twenty_times_haiku_for_the_same_tokens():
    haiku = cost_usd("claude-haiku-5-5", input_tokens=1000, output_tokens=1000)
    sonnet = cost_usd("claude-sonnet-5-5", input_tokens=1000, output_tokens=1000)
    assert sonnet == haiku * 20


def test_cache_reads_and_writes_are_priced_separately():
    cost = cost_usd(
        "claude-sonnet-5-5",
        input_tokens=0,
        output_tokens=0,
        cache_write_tokens=1_000_000,
        cache_read_tokens=1_000_000,
    )
    assert cost == Decimal("2.60")


def test_dated_model_id_costs_what_its_family_costs():
    assert price_for("claude-haiku-5-5-20261007") == price_for("claude-haiku-5-5")


def test_unknown_model_is_an_error_not_a_free_lunch():
    with pytest.raises(KeyError, match="no price known"):
        price_for("gpt-imaginary")


def test_prices_can_be_overridden_in_settings(settings):
    settings.LADDER_PRICES = {"claude-haiku-5-5": [1, 2, 0, 0]}
    assert cost_usd("claude-haiku-5-5", input_tokens=1_000_000, output_tokens=1_000_000) == Decimal(
        "3"
    )

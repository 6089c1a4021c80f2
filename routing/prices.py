"""The one price table: every cost in the product is computed here, in USD."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class ModelPrice:
    """USD per million tokens (prompts up to the model's long-prompt threshold)."""

    input_usd: Decimal
    output_usd: Decimal
    cache_write_usd: Decimal
    cache_read_usd: Decimal


# Anthropic's published prices (5-minute cache writes), checked 2026-11-22.
DEFAULT_PRICES: dict[str, ModelPrice] = {
    "claude-haiku-5-5": ModelPrice(
        Decimal("0.10"), Decimal("0.50"), Decimal("0.125"), Decimal("0.01")
    ),
    "claude-sonnet-5-5": ModelPrice(Decimal("2"), Decimal("10"), Decimal("2.50"), Decimal("0.10")),
    "local": ModelPrice(Decimal(0), Decimal(0), Decimal(0), Decimal(0)),
}


def price_table() -> dict[str, ModelPrice]:
    """Defaults, overridden per model by settings.LADDER_PRICES (model -> four numbers)."""
    table = dict(DEFAULT_PRICES)
    for model, numbers in getattr(settings, "LADDER_PRICES", {}).items():
        table[model] = ModelPrice(*(Decimal(str(n)) for n in numbers))
    return table


def price_for(model: str) -> ModelPrice:
    table = price_table()
    if model in table:
        return table[model]
    # A dated or suffixed model id ("claude-haiku-5-5-20261007") costs what its family costs.
    for name, price in table.items():
        if model.startswith(name):
            return price
    raise KeyError(f"no price known for model {model!r}; add it to LADDER_PRICES")


def cost_usd(
    model: str,
    *,
    input_tokens: int,
    output_tokens: int,
    cache_write_tokens: int = 0,
    cache_read_tokens: int = 0,
) -> Decimal:
    price = price_for(model)
    total = (
        input_tokens * price.input_usd
        + output_tokens * price.output_usd
        + cache_write_tokens * price.cache_write_usd
        + cache_read_tokens * price.cache_read_usd
    )
    return (total / MILLION).quantize(Decimal("0.00000001"))


# Tokens a request adds around its text (roles, message boundaries), generously.
REQUEST_OVERHEAD_TOKENS = 200


def worst_case_cost_usd(model: str, *, prompt_bytes: int, max_output_tokens: int) -> Decimal:
    """The most one call can cost: no token is shorter than one byte of UTF-8, every prompt
    token billed at the dearer of input and cache-write prices, and every output token used."""
    price = price_for(model)
    prompt_tokens = prompt_bytes + REQUEST_OVERHEAD_TOKENS
    total = prompt_tokens * max(price.input_usd, price.cache_write_usd) + (
        max_output_tokens * price.output_usd
    )
    return (total / MILLION).quantize(Decimal("0.00000001"))

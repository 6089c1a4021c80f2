"""The prompt cache's floor per model: Anthropic's documented minimums, snapshots of a listed
model, newer models by class (the larger figure), overrides from the setting."""

from __future__ import annotations

import pytest

from routing.prompt_cache import min_cacheable_tokens, parse_min_cacheable_tokens


@pytest.mark.parametrize(
    ("model", "tokens"),
    [
        ("claude-sonnet-4-5", 1024),
        ("claude-opus-4-1-20250805", 1024),
        ("claude-opus-4-20250514", 1024),
        ("claude-opus-4-6", 4096),
        ("claude-haiku-4-5-20251001", 4096),
        ("claude-3-haiku-20240307", 2048),
        # Sources disagree on Sonnet 4.6 (1,024 or 2,048): the larger one stands.
        ("claude-sonnet-4-6", 2048),
    ],
)
def test_listed_models_and_their_snapshots_have_the_documented_minimum(model, tokens):
    assert min_cacheable_tokens(model) == tokens


def test_a_newer_model_takes_the_largest_figure_of_its_class_not_an_older_models():
    # "claude-opus-4-7" is not a snapshot of "claude-opus-4" (1,024).
    assert min_cacheable_tokens("claude-opus-4-7") == 4096
    assert min_cacheable_tokens("claude-haiku-5-5") == 4096
    assert min_cacheable_tokens("claude-sonnet-5-5") == 2048
    assert min_cacheable_tokens("some-other-model") == 4096


def test_an_override_wins_for_its_model_and_its_snapshots_only():
    overrides = {"claude-haiku-5-5": 1024}
    assert min_cacheable_tokens("claude-haiku-5-5", overrides) == 1024
    assert min_cacheable_tokens("claude-haiku-5-5-20261007", overrides) == 1024
    assert min_cacheable_tokens("claude-sonnet-5-5", overrides) == 2048


def test_setting_text_parses_to_a_table_and_mistakes_are_refused():
    assert parse_min_cacheable_tokens("claude-haiku-5-5=1024, claude-sonnet-5-5=2048,") == {
        "claude-haiku-5-5": 1024,
        "claude-sonnet-5-5": 2048,
    }
    assert parse_min_cacheable_tokens("") == {}
    for wrong in ("claude-haiku-5-5", "=1024", "claude-haiku-5-5=many", "a=-1"):
        with pytest.raises(ValueError, match="model=tokens"):
            parse_min_cacheable_tokens(wrong)

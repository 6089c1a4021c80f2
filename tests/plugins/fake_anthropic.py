"""The `fake_anthropic` fixture: a fake Anthropic API on a free loopback port, with the product
pointed at it through the real SDK (ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY, LADDER_PROVIDER)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from routing.fake_anthropic import FakeAnthropicServer

# The fake accepts only this key, so a test can prove the SDK sends what settings say.
FAKE_API_KEY = "sk-ant-fake-test-key"
# Fast enough that a scripted answer streams in tens of milliseconds, slow enough to stream.
TEST_FIRST_TOKEN_MS = 5
TEST_TOKENS_PER_SECOND = 2000


@pytest.fixture
def fake_anthropic(settings) -> Iterator[FakeAnthropicServer]:
    with FakeAnthropicServer(
        first_token_ms=TEST_FIRST_TOKEN_MS,
        tokens_per_second=TEST_TOKENS_PER_SECOND,
        api_key=FAKE_API_KEY,
    ) as server:
        settings.ANTHROPIC_BASE_URL = server.base_url
        settings.ANTHROPIC_API_KEY = FAKE_API_KEY
        settings.LADDER_PROVIDER = "anthropic"
        yield server

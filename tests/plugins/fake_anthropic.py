"""The `fake_anthropic` fixture: a fake Anthropic API on a free loopback port, with the product
pointed at it through the real SDK (ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY, LADDER_PROVIDER)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import pytest

from routing.providers.anthropic import close_shared_clients
from support.devtools.fake_anthropic import FakeAnthropicServer

# The fake accepts only this key, so a test can prove the SDK sends what settings say.
FAKE_API_KEY = "sk-ant-fake-test-key"
# Fast enough that a scripted answer streams in tens of milliseconds, slow enough to stream.
TEST_FIRST_TOKEN_MS = 5
TEST_TOKENS_PER_SECOND = 2000


@pytest.fixture
async def fake_anthropic(settings) -> AsyncIterator[FakeAnthropicServer]:
    with FakeAnthropicServer(
        first_token_ms=TEST_FIRST_TOKEN_MS,
        tokens_per_second=TEST_TOKENS_PER_SECOND,
        api_key=FAKE_API_KEY,
    ) as server:
        settings.ANTHROPIC_BASE_URL = server.base_url
        settings.ANTHROPIC_API_KEY = FAKE_API_KEY
        settings.LADDER_PROVIDER = "anthropic"
        yield server
        # Answers still streaming finish against the fake before it goes away.
        answer_tasks = sys.modules.get("support.conversations.answer_tasks")
        if answer_tasks is not None:
            await answer_tasks.wait_for_answers()
        # Closed on this test's loop: a client left to the garbage collector would try to
        # close itself on a later test's loop.
        await close_shared_clients()

"""Shared test set-up: plugins, an in-memory channel layer per test, and the personas."""

from __future__ import annotations

import sys

import pytest

pytest_plugins = [
    "tests.plugins.personas",
    "tests.plugins.fake_anthropic",
    "tests.plugins.live_server",
]


@pytest.fixture(autouse=True)
def _fresh_channel_layer(settings):
    """Each test gets its own channel layer, so no group or queue leaks between tests."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _fresh_abuse_limits(settings):
    """Rate counters (here, or in Redis) and socket counts are keyed by client address, which
    every test shares: each test starts with none, or a fast suite trips the per-address
    limits."""
    from support.conversations import consumers, limits, typing_indicators

    limits.LIMITER.forget()
    limits.reset_shared_counters()
    consumers.OPEN_SOCKETS.open.clear()
    typing_indicators.THROTTLE.sides.clear()
    yield
    limits.LIMITER.forget()


@pytest.fixture(autouse=True)
async def _answers_finish_within_their_test():
    """Answer tasks run on after a socket closes; let them end before the test's loop does."""
    yield
    answer_tasks = sys.modules.get("support.conversations.answer_tasks")
    if answer_tasks is not None:
        await answer_tasks.wait_for_answers()


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections_at_the_end(django_db_setup, django_db_blocker):
    """Worker threads of async tests keep their PostgreSQL connections open; end them before
    the test database is dropped, or dropping it fails with "being accessed by other users"."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

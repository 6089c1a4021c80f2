"""An agent presses "Draft with AI" in a real browser; the strong model is the fake Anthropic
server reached through the real SDK by a real Daphne."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.conf import settings

from routing.model_call import DraftAudit
from support.conversations.ledger import spent_today_usd
from support.conversations.models import AuditEvent, Conversation
from support.devtools.fake_anthropic import FakeAnthropicServer
from tests.plugins.fake_anthropic import FAKE_API_KEY
from tests.support.inbox.inbox import claimed_conversation, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFT = "Hello! Standard shipping takes 3 to 5 business days."


@pytest.fixture
def strong_model() -> Iterator[FakeAnthropicServer]:
    with FakeAnthropicServer(
        first_token_ms=5, tokens_per_second=2000, api_key=FAKE_API_KEY
    ) as fake:
        yield fake


@pytest.fixture
def live_server_extra_env(strong_model: FakeAnthropicServer) -> dict[str, str]:
    return {
        "LADDER_PROVIDER": "anthropic",
        "ANTHROPIC_BASE_URL": strong_model.base_url,
        "ANTHROPIC_API_KEY": FAKE_API_KEY,
    }


@pytest.fixture
def conversation(dana) -> Conversation:
    # Set up before the browser starts: its event loop then runs in this thread, and the
    # claim's live events could not be sent from inside it.
    return claimed_conversation(dana, "How long does shipping take?")


@pytest.fixture
def dana_cookie(dana) -> str:
    return session_cookie(dana)


def test_draft_with_ai_fills_the_reply_box_and_books_the_call(
    conversation, dana_cookie, live_daphne, browser, strong_model
):
    strong_model.script(
        {
            "text": DRAFT,
            "input_tokens": 1000,
            "output_tokens": 200,
            "cache_creation_input_tokens": 0,
        }
    )
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": dana_cookie,
                "url": live_daphne.url,
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_daphne.url}/inbox/c/{conversation.public_id}/")
        page.get_by_role("button", name="Draft with AI").click()
        reply_box = page.locator("#reply-text")
        reply_box.wait_for()
        page.wait_for_function(
            "text => document.querySelector('#reply-text').value.includes(text)",
            arg="Standard shipping takes",
        )
        assert reply_box.input_value() == DRAFT
        assert "AI draft (claude-sonnet-5-5, $0.004" in page.locator(".draft-sources").inner_text()
    finally:
        context.close()
    event = AuditEvent.objects.get(conversation=conversation, kind="draft.created")
    assert DraftAudit.from_audit(event.data).draft == DRAFT
    assert spent_today_usd("strong") == Decimal("0.004")

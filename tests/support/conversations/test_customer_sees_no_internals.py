"""What customers see never gives away internals: an agent is named by first name or a neutral
name (never the username), a status change comes with a plain sentence beside its reason code,
and no page prints where the model API is or which models answer."""

from __future__ import annotations

import json
import re

import pytest
from channels.db import database_sync_to_async

from support.conversations import agent_actions
from support.conversations.models import Conversation
from tests.plugins.personas import make_staff
from tests.support.inbox.inbox import token_of, waiting_conversation

from .chat import TIMEOUT_S, frames_until, open_chat, send_message

pytestmark = pytest.mark.django_db(transaction=True)

CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


async def test_an_agent_without_a_first_name_is_support_agent_to_the_customer_never_the_login():
    login = await database_sync_to_async(make_staff)("j.smith@corp.example", "", "agents")
    conversation = await database_sync_to_async(waiting_conversation)()
    socket, _ = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, login)
    await database_sync_to_async(agent_actions.do_agent_reply)(conversation.pk, login, "Hi!")
    frames = await frames_until(socket, "message")  # the status, then the joined notice
    frames += await frames_until(socket, "message")  # the reply
    status, joined, reply = frames
    assert (status["agent"], joined["text"], reply["author"]) == (
        "Support agent",
        "Support agent joined the conversation.",
        "Support agent",
    )
    await socket.disconnect()
    # Nor when the customer comes back: the welcome and the history name nobody by login.
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    socket, welcome = await open_chat(token=token_of(conversation), last_seq=0)
    assert welcome["agent"] == "Support agent"
    assert "j.smith" not in json.dumps([*frames, welcome])
    await socket.disconnect()


async def test_the_fallback_name_is_a_setting(settings):
    settings.LADDER_AGENT_FALLBACK_NAME = "Acme Support"
    login = await database_sync_to_async(make_staff)("jsmith", "  ", "agents")
    conversation = await database_sync_to_async(waiting_conversation)()
    socket, _ = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, login)
    status = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert status["agent"] == "Acme Support"
    assert status["detail"] == "You're chatting with Acme Support."
    await socket.disconnect()


async def test_staff_still_see_each_other_by_login_when_there_is_no_first_name(dana):
    login = await database_sync_to_async(make_staff)("jsmith", "", "agents")
    conversation = await database_sync_to_async(waiting_conversation)()
    await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, login)
    with pytest.raises(agent_actions.ActionRefused) as refused:
        await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, dana)
    assert "jsmith" in refused.value.detail


async def test_a_handoff_status_carries_its_code_and_a_sentence_without_codes():
    socket, _ = await open_chat()
    await send_message(socket, "I want to talk to a person")
    status = next(f for f in await frames_until(socket, "status") if f["type"] == "status")
    assert (status["status"], status["reason"]) == ("waiting", "customer_request")
    assert status["detail"] == "A person will answer you shortly."
    assert not CODE.search(status["detail"])
    await socket.disconnect()


@pytest.mark.parametrize(
    ("act", "reason"),
    [
        ("do_claim_conversation", "claimed"),
        ("do_resolve_conversation", "resolved_by_agent"),
        ("do_hand_back_to_ai", "handed_back"),
    ],
)
async def test_every_status_an_agent_causes_has_a_plain_sentence(dana, act, reason):
    conversation = await database_sync_to_async(waiting_conversation)()
    if act != "do_claim_conversation":
        await database_sync_to_async(agent_actions.do_claim_conversation)(conversation.pk, dana)
        conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    socket, _ = await open_chat(token=token_of(conversation), last_seq=conversation.last_seq)
    await database_sync_to_async(getattr(agent_actions, act))(conversation.pk, dana)
    status = next(f for f in await frames_until(socket, "status") if f["type"] == "status")
    assert status["reason"] == reason
    assert status["detail"] and not CODE.search(status["detail"])
    await socket.disconnect()


PROXY_URL = "https://ops:s3cret-token@llm-proxy.internal:8443"


@pytest.fixture
def claude_behind_a_proxy(settings):
    settings.LADDER_PROVIDER = "anthropic"
    settings.ANTHROPIC_BASE_URL = PROXY_URL


@pytest.mark.parametrize("url", ["/", "/accounts/login/"])
def test_public_pages_print_no_configuration(client, claude_behind_a_proxy, settings, url):
    page = client.get(url).content.decode()
    assert "Claude mode" in page
    for secret in ("llm-proxy", "s3cret", "8443", settings.LADDER_FAST_MODEL):
        assert secret not in page


def test_staff_pages_name_the_models_but_not_where_the_api_is(
    client, claude_behind_a_proxy, settings, dana
):
    client.force_login(dana)
    page = client.get("/inbox/").content.decode()
    assert settings.LADDER_FAST_MODEL in page
    assert "llm-proxy" not in page and "s3cret" not in page

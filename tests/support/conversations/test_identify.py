"""A site tells the widget who the customer is: with the site's HMAC the identity is verified
and links the customer's conversations; without it the name is kept but marked unverified and
the claimed id is dropped, so nobody can read as another customer."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from support.conversations.identity import identity_hash
from support.conversations.models import AuditEvent, Conversation
from tests.plugins.personas import ALLOWED_ORIGIN, chat_socket

from .chat import TIMEOUT_S

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "northwind-identity-secret"


@pytest.fixture(autouse=True)
def site_secret(settings):
    settings.WIDGET_IDENTITY_SECRETS = {ALLOWED_ORIGIN: SECRET}


async def hello(page: str = "https://shop.example/orders/42") -> object:
    socket = chat_socket()
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to({"type": "hello", "token": None, "last_seq": 0, "page": page})
    welcome = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert welcome["type"] == "welcome"
    return socket


async def identify(socket, **fields) -> dict:
    await socket.send_json_to({"type": "identify", **fields})
    return await socket.receive_json_from(timeout=TIMEOUT_S)


@database_sync_to_async
def stored() -> Conversation:
    return Conversation.objects.get()


@database_sync_to_async
def audit_kinds() -> list[str]:
    return list(AuditEvent.objects.order_by("index").values_list("kind", flat=True))


async def test_a_signed_identity_is_verified_and_stored():
    socket = await hello()
    reply = await identify(
        socket,
        external_id="cust-1001",
        name="Kim Lee",
        email="kim@example.com",
        hash=identity_hash(SECRET, "cust-1001"),
    )
    assert reply == {"type": "identified", "verified": True}
    conversation = await stored()
    assert (conversation.customer_external_id, conversation.customer_name) == (
        "cust-1001",
        "Kim Lee",
    )
    assert conversation.customer_verified
    assert conversation.customer_email == "kim@example.com"
    assert conversation.customer_page == "https://shop.example/orders/42"
    # The trail records that the customer was identified, without who they are.
    assert "customer.identified" in await audit_kinds()
    await socket.disconnect()


async def test_a_wrong_hash_keeps_the_name_unverified_and_drops_the_id():
    socket = await hello()
    reply = await identify(
        socket, external_id="cust-1001", name="Kim Lee", hash=identity_hash("guess", "cust-1001")
    )
    assert reply == {"type": "identified", "verified": False}
    conversation = await stored()
    assert conversation.customer_name == "Kim Lee"
    assert not conversation.customer_verified
    assert conversation.customer_external_id == ""
    await socket.disconnect()


async def test_no_secret_for_the_site_means_unverified(settings):
    settings.WIDGET_IDENTITY_SECRETS = {}
    socket = await hello()
    reply = await identify(
        socket, external_id="cust-1001", name="Kim", hash=identity_hash(SECRET, "cust-1001")
    )
    assert reply["verified"] is False
    await socket.disconnect()


@pytest.mark.parametrize(
    "fields",
    [
        {"external_id": "x", "email": "not an email"},
        {"name": "n" * 121},
        {"external_id": ["a"]},
        {},
    ],
)
async def test_a_bad_identity_is_refused_and_changes_nothing(fields):
    socket = await hello()
    reply = await identify(socket, **fields)
    assert (reply["type"], reply["code"]) == ("error", "invalid_identity")
    conversation = await stored()
    assert (conversation.customer_name, conversation.customer_email) == ("", "")
    assert "customer.identified" not in await audit_kinds()
    await socket.disconnect()


async def test_a_page_that_is_not_a_web_address_is_refused():
    socket = chat_socket()
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to(
        {"type": "hello", "token": None, "last_seq": 0, "page": "javascript:alert(1)"}
    )
    reply = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert (reply["type"], reply["code"]) == ("error", "invalid_field")
    assert not await database_sync_to_async(Conversation.objects.exists)()
    await socket.disconnect()

"""The inbox socket opens only for this site's own pages (scheme, host and port compared), and
an agent who loses access while it is open (deactivated, no longer staff or agent, logged out)
is cut off from live events at once."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import User

from support.inbox.presence import online_agents
from tests.support.conversations.chat import open_chat

from .inbox import TIMEOUT_S, connected_inbox, frame_of_type, inbox_socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "origin",
    [
        "https://testserver",  # another scheme
        "http://testserver:8080",  # another port
        "http://testserver.evil.example",
        "http://evil.example",
        "null",
        "",
    ],
)
async def test_a_page_that_is_not_this_sites_own_cannot_open_the_inbox(dana, origin):
    socket = await inbox_socket(dana, origin=origin)
    connected, _ = await socket.connect()
    assert not connected


@pytest.mark.parametrize("origin", ["http://testserver", "HTTP://TestServer:80"])
async def test_this_sites_own_page_opens_the_inbox(dana, origin):
    socket = await inbox_socket(dana, origin=origin)
    connected, _ = await socket.connect()
    assert connected
    await socket.disconnect()


async def test_a_trusted_origin_is_matched_exactly(dana, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://support.example.com"]
    trusted = await inbox_socket(dana, origin="https://support.example.com")
    assert (await trusted.connect())[0]
    await trusted.disconnect()
    other_port = await inbox_socket(dana, origin="https://support.example.com:444")
    assert not (await other_port.connect())[0]


async def test_behind_a_tls_proxy_the_https_page_opens_the_inbox(dana, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    socket = await inbox_socket(dana, origin="https://testserver")
    socket.scope["headers"].append((b"x-forwarded-proto", b"https"))
    assert (await socket.connect())[0]
    await socket.disconnect()


@database_sync_to_async
def online() -> list[str]:
    return [agent.username for agent in online_agents()]


async def cut_off(inbox) -> None:
    frame = await frame_of_type(inbox, "error")
    assert frame["code"] == "access_revoked"
    closed = await inbox.receive_output(timeout=TIMEOUT_S)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4003)


async def a_handoff_happens() -> None:
    customer, _ = await open_chat()
    await customer.send_json_to({"type": "handoff"})
    await customer.disconnect()


def deactivate(user: User) -> None:
    user.is_active = False
    user.save()


def leave_the_agents_group(user: User) -> None:
    user.groups.clear()


def lose_staff(user: User) -> None:
    user.is_staff = False
    user.save(update_fields=["is_staff"])


@pytest.mark.parametrize("change", [deactivate, leave_the_agents_group, lose_staff])
async def test_an_agent_who_loses_access_is_cut_off_at_once(dana, change):
    inbox = await connected_inbox(dana)
    await database_sync_to_async(change)(dana)
    await cut_off(inbox)
    # No longer counted online, and no queue event reaches the closed socket.
    assert await online() == []
    await a_handoff_happens()
    assert await inbox.receive_nothing(timeout=0.3)
    await inbox.disconnect()


async def test_an_agent_logged_out_elsewhere_is_cut_off(dana):
    from django.test import Client

    from .inbox import session_cookie

    cookie = await database_sync_to_async(session_cookie)(dana)
    socket = await inbox_socket(None)
    socket.scope["headers"].append((b"cookie", f"sessionid={cookie}".encode()))
    assert (await socket.connect())[0]
    await frame_of_type(socket, "presence.changed")

    def log_out() -> None:
        client = Client()
        client.cookies["sessionid"] = cookie
        assert client.post("/accounts/logout/").status_code in (200, 302)

    await database_sync_to_async(log_out)()
    await cut_off(socket)
    await socket.disconnect()


async def test_a_change_made_without_signals_still_cuts_off_at_the_next_check(dana, settings):
    settings.LADDER_INBOX_ACCESS_CHECK_S = 0
    inbox = await connected_inbox(dana)
    # A bulk update sends no signal: the next live event checks again before it is relayed.
    await database_sync_to_async(User.objects.filter(pk=dana.pk).update)(is_active=False)
    await a_handoff_happens()
    await cut_off(inbox)
    await inbox.disconnect()


async def test_an_agent_who_keeps_access_keeps_receiving_events(dana, eli, settings):
    settings.LADDER_INBOX_ACCESS_CHECK_S = 0
    inbox = await connected_inbox(dana)
    # Someone else's change is not Dana's.
    await database_sync_to_async(deactivate)(eli)
    await a_handoff_happens()
    frame = await frame_of_type(inbox, "queue.changed")
    assert frame["status"] == "waiting"
    await inbox.disconnect()

"""Websocket routes of the agent inbox."""

from __future__ import annotations

from django.urls import URLPattern, path

from .consumers import InboxConsumer

# The socket rides on the staff session cookie, so only pages of this site may open it: the
# consumer compares the page's origin (scheme, host and port) with its own.
websocket_urlpatterns: list[URLPattern] = [
    path("ws/inbox/", InboxConsumer.as_asgi()),
]

"""Websocket routes of the agent inbox."""

from __future__ import annotations

from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import URLPattern, path

from .consumers import InboxConsumer

# The socket rides on the staff session cookie, so only pages of this site may open it.
websocket_urlpatterns: list[URLPattern] = [
    path("ws/inbox/", AllowedHostsOriginValidator(InboxConsumer.as_asgi())),
]

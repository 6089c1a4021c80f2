"""Websocket route of the customer chat (PROTOCOL.md)."""

from __future__ import annotations

from django.urls import path

from support.conversations.consumers import ChatConsumer

websocket_urlpatterns = [path("ws/chat/", ChatConsumer.as_asgi())]

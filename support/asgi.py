"""ASGI entry point: HTTP through Django, websockets through Channels' routers."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "support.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from support.inbox.routing import websocket_urlpatterns as inbox_websockets  # noqa: E402
from support.widget.routing import websocket_urlpatterns as widget_websockets  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The chat socket checks its own origin against WIDGET_ALLOWED_ORIGINS (the widget runs
        # on customers' sites) and needs no session: outside the auth stack, a customer's
        # connect costs no trip to the database thread. The inbox socket needs a staff session.
        "websocket": URLRouter(
            widget_websockets
            + [
                path(str(route.pattern), AuthMiddlewareStack(route.callback))
                for route in inbox_websockets
            ]
        ),
    }
)


def _drain_on_stop() -> None:
    """Under Daphne, a stop (SIGTERM from `manage.py serve`'s supervisor, or Ctrl-C) drains:
    the process stops taking sockets, and answers streaming finish (for up to DRAIN_S) before
    its event loop ends; one still unfinished then is resumed or handed on by recovery."""
    import sys

    if "twisted.internet.reactor" not in sys.modules:
        return  # not under Daphne (tests drive the application directly)
    import asyncio
    from typing import Any

    from twisted.internet import defer, tcp

    # Daphne installed the asyncio reactor before it imported this module.
    reactor: Any = sys.modules["twisted.internet.reactor"]

    from support.conversations.answer_tasks import wait_for_answers

    async def drain() -> None:
        for reader in list(reactor.getReaders()):
            if isinstance(reader, tcp.Port):
                reader.stopListening()
        waiting = asyncio.ensure_future(wait_for_answers())
        await asyncio.wait({waiting}, timeout=DRAIN_S)

    reactor.addSystemEventTrigger(
        "before", "shutdown", lambda: defer.Deferred.fromFuture(asyncio.ensure_future(drain()))
    )


# Under `manage.py serve` supervisor waits 30 s for a stopping child before killing it.
DRAIN_S = 25
_drain_on_stop()

# What the process has loaded so far (Django, the apps, the SDK) lives as long as it does: moved
# out of the collector's reach, a full collection under load walks only what requests made
# (measured: without this, one full collection stopped the event loop for 127 ms mid-load).
import gc  # noqa: E402

gc.freeze()

# The database threads give up the GIL on every statement and must win it back from the event
# loop; a busy loop keeps it for Python's whole switch interval (5 ms) before handing over, so
# under load each statement of a customer's ack or answer could wait that long. A shorter
# interval cut the added time to a first word at 50 conversations on SQLite from 39-42 ms to
# 18-25 ms (docs/operations.md).
import sys  # noqa: E402

from django.conf import settings  # noqa: E402

if settings.LADDER_GIL_SWITCH_MS > 0:
    sys.setswitchinterval(settings.LADDER_GIL_SWITCH_MS / 1000)

"""ASGI entry point: HTTP through Django, websockets through Channels' routers."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "support.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from support.inbox.routing import websocket_urlpatterns as inbox_websockets  # noqa: E402
from support.widget.routing import websocket_urlpatterns as widget_websockets  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The chat socket checks its own origin against WIDGET_ALLOWED_ORIGINS (the widget runs
        # on customers' sites); the inbox socket needs a staff session.
        "websocket": AuthMiddlewareStack(URLRouter(widget_websockets + inbox_websockets)),
    }
)

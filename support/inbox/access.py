"""Who may use the inbox: anonymous visitors go to the login page, other users get 403. The
inbox socket also checks that its page is this site's own, and keeps checking that its agent
may still see the inbox while it stays open."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from importlib import import_module
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port, validate_host

from support.conversations.agent_actions import is_agent


def agent_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_agent(request.user):
            raise PermissionDenied("The inbox is for support agents.")
        return view(request, *args, **kwargs)

    return guarded


def login_client_address(request: HttpRequest) -> str:
    """The address a login comes from, for its throttling: the one the balancer saw when
    LADDER_TRUST_X_FORWARDED_FOR says one is in front (it appends it to X-Forwarded-For, so
    the right-most entry is the one the client cannot write), else the connection's."""
    if settings.LADDER_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.rsplit(",", 1)[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def agent_socket_group(agent_id: int) -> str:
    """The channel-layer group of one agent's inbox sockets (told when their access changes)."""
    return f"inbox.agent.{agent_id}"


def _origin(url: str) -> tuple[str, str, int] | None:
    """Scheme, host and port of an origin, the port filled in when it is the default."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): value.decode("latin-1")
        for key, value in scope.get("headers", [])
    }


def _socket_scheme(scope: dict[str, Any], headers: dict[str, str]) -> str:
    if scope.get("scheme") == "wss":
        return "https"
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, secure_value = proxy_header
        sent = headers.get(name.removeprefix("HTTP_").replace("_", "-").lower(), "")
        if sent.split(",", 1)[0].strip() == secure_value:
            return "https"
    return "http"


def same_site_origin(scope: dict[str, Any]) -> bool:
    """Whether the page that opens a socket is this site's own: its origin's scheme, host and
    port are the socket's (or listed in CSRF_TRUSTED_ORIGINS), for a host this site serves."""
    headers = _headers(scope)
    origin = _origin(headers.get("origin", ""))
    if origin is None:
        return False
    if origin in {_origin(trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS}:
        return True
    host = headers.get("host", "")
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    return origin == _origin(f"{_socket_scheme(scope, headers)}://{host}")


def session_still_an_agent(scope: dict[str, Any], agent_id: int) -> bool:
    """Whether the socket's session still signs in `agent_id` and they may still use the
    inbox: not logged out, password unchanged, active, still staff in the agents group."""
    key = getattr(scope.get("session"), "session_key", None)
    if not key:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    user = auth.get_user(SimpleNamespace(session=session))  # type: ignore[arg-type]
    return user.pk == agent_id and is_agent(user)

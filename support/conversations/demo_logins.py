"""The demo logins `make run` creates in the embedded mode, and the rule that production never
lets them in (a database copied from a demo keeps its rows, but not their passwords' use)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

# username -> (password, what the login is for)
DEMO_LOGINS: dict[str, tuple[str, str]] = {
    "agent": ("agent", "agent: the inbox and analytics"),
    "admin": ("admin", "superuser: the admin (knowledge base, canned replies, users)"),
}


def is_demo_login(username: str | None, password: str | None) -> bool:
    demo = DEMO_LOGINS.get(username or "")
    return demo is not None and password == demo[0]


class ModelBackendWithoutDemoLogins(ModelBackend):
    """Django's own backend, which in production refuses the demo username/password pairs."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if settings.PRODUCTION and is_demo_login(username, password):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

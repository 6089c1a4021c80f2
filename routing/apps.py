from __future__ import annotations

from django.apps import AppConfig


class RoutingConfig(AppConfig):
    """Installed for its migrations' history only: routing/ holds no models now."""

    name = "routing"
    verbose_name = "Routing"

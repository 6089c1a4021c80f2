from __future__ import annotations

from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Tools for developing and measuring the product (fake Anthropic server, load test,
    traffic generator, analytics benchmark); the product's apps never import them."""

    name = "support.devtools"
    label = "devtools"
    verbose_name = "Developer tools"

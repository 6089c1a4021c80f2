from __future__ import annotations

from django.apps import AppConfig


class WidgetConfig(AppConfig):
    name = "support.widget"
    label = "widget"
    verbose_name = "Widget"

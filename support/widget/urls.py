from __future__ import annotations

from django.urls import path

from . import views

app_name = "widget"
urlpatterns = [
    path("", views.demo_store, name="demo"),
    path("healthz", views.healthz, name="healthz"),
    path("widget/strings", views.widget_texts, name="strings"),
]

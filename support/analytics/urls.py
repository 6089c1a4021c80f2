"""Analytics URLs: the dashboard, drill-down lists, a conversation's record, CSV exports."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "analytics"
urlpatterns = [
    path("", views.index, name="index"),
    path("conversations/", views.conversation_list, name="conversations"),
    path("conversations/<uuid:public_id>/", views.conversation_detail, name="conversation"),
    path("export/<slug:table>.csv", views.export, name="export"),
]

"""URL routes: the demo page and widget, the inbox, analytics, the admin and login."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("support.widget.urls")),
    path("inbox/", include("support.inbox.urls")),
    path("help/", include("support.knowledge.urls")),
    path("analytics/", include("support.analytics.urls")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # /static/ (the widget, the inbox's and the admin's files) is served by WhiteNoise's
    # middleware, so one Daphne process is a whole site; a CDN may still sit in front of it.
]

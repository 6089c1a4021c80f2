"""URL routes: the demo page and widget, the inbox, analytics, the admin and login."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("", include("support.widget.urls")),
    path("inbox/", include("support.inbox.urls")),
    path("help/", include("support.knowledge.urls")),
    path("analytics/", include("support.analytics.urls")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Daphne serves the widget script and styles itself, so one process is a whole site;
    # a deployment may put a CDN or web server in front of /static/.
    re_path(r"^static/(?P<path>.*)$", serve, {"document_root": settings.BASE_DIR / "static"}),
]

from __future__ import annotations

from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [path("<slug:slug>/", views.article, name="article")]

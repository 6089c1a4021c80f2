"""Inbox routes under /inbox/: the queue, a conversation, and its actions (all POST)."""

from __future__ import annotations

from django.urls import path

from . import canned, views

app_name = "inbox"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("presence/", views.presence, name="presence"),
    path("canned/", canned.canned_list, name="canned"),
    path("canned/<int:pk>/", canned.canned_edit, name="canned_edit"),
    path("canned/<int:pk>/delete/", canned.canned_delete, name="canned_delete"),
    path("c/<uuid:public_id>/", views.conversation_detail, name="conversation"),
    path("c/<uuid:public_id>/claim/", views.claim, name="claim"),
    path("c/<uuid:public_id>/reply/", views.reply, name="reply"),
    path("c/<uuid:public_id>/note/", views.note, name="note"),
    path("c/<uuid:public_id>/draft/", views.draft, name="draft"),
    path("c/<uuid:public_id>/learn/", views.learn_question, name="learn_question"),
    path("c/<uuid:public_id>/hand-back/", views.hand_back, name="hand_back"),
    path("c/<uuid:public_id>/resolve/", views.resolve, name="resolve"),
    path("c/<uuid:public_id>/reopen/", views.reopen, name="reopen"),
    path("c/<uuid:public_id>/transfer/", views.transfer, name="transfer"),
]

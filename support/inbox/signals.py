"""An agent's open inbox sockets check their access again as soon as it may have changed: the
user was saved (deactivated, no longer staff), deleted, logged out, or moved between groups."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model, user_logged_out
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save

from support.conversations.live import publish_after_commit

from .access import agent_socket_group

ACCESS_CHANGED = {"type": "inbox.access_changed"}


def _tell(agent_ids: Any) -> None:
    for agent_id in agent_ids:
        publish_after_commit(agent_socket_group(agent_id), ACCESS_CHANGED)


def _user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is not None:
        _tell([instance.pk])


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and user.pk is not None:
        _tell([user.pk])


def _groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:  # user.groups.add/remove/clear
        _tell([instance.pk])
    elif action == "post_clear":  # group.user_set.clear(): its members are gone already
        return
    else:  # group.user_set.add/remove
        _tell(pk_set or ())


def _group_cleared(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    if action == "pre_clear" and reverse:
        _tell(list(instance.user_set.values_list("pk", flat=True)))


def connect() -> None:
    user_model = get_user_model()
    post_save.connect(_user_changed, sender=user_model, dispatch_uid="inbox-access-save")
    post_delete.connect(_user_changed, sender=user_model, dispatch_uid="inbox-access-delete")
    user_logged_out.connect(_logged_out, dispatch_uid="inbox-access-logout")
    through = user_model.groups.through
    m2m_changed.connect(_groups_changed, sender=through, dispatch_uid="inbox-access-groups")
    m2m_changed.connect(_group_cleared, sender=through, dispatch_uid="inbox-access-group-clear")
    post_delete.connect(_group_deleted, sender=Group, dispatch_uid="inbox-access-group-delete")


def _group_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Its members were detached without m2m signals; every inbox checks again.
    for agent_id in get_user_model().objects.filter(is_staff=True).values_list("pk", flat=True):
        _tell([agent_id])

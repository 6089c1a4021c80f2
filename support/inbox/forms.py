"""Forms of the inbox: a reply or a note, and a transfer to another agent."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from support.conversations.actions import MAX_MESSAGE_CHARS
from support.conversations.agent_actions import AGENTS_GROUP


class ReplyForm(forms.Form):
    text = forms.CharField(max_length=MAX_MESSAGE_CHARS, strip=True)


class NoteForm(forms.Form):
    text = forms.CharField(max_length=MAX_MESSAGE_CHARS, strip=True)


def agents_other_than(agent: Any) -> Any:
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(is_staff=True, groups__name=AGENTS_GROUP))
        .exclude(pk=agent.pk)
        .distinct()
        .order_by("first_name", "username")
    )


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_short_name() or obj.get_username()


class TransferForm(forms.Form):
    to_agent = AgentChoiceField(queryset=None, empty_label=None, label="Transfer to")

    def __init__(self, *args: Any, agent: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_agent"].queryset = agents_other_than(agent)  # type: ignore[attr-defined]

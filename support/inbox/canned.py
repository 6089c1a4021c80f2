"""Canned replies managed by agents in the inbox: a list, add, edit and delete (the admin
manages the same rows)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from support.conversations.actions import MAX_MESSAGE_CHARS

from .access import agent_required
from .models import CannedReply


class CannedReplyForm(forms.ModelForm):
    body = forms.CharField(
        max_length=MAX_MESSAGE_CHARS, strip=True, widget=forms.Textarea(attrs={"rows": 4})
    )

    class Meta:
        model = CannedReply
        fields = ("title", "body")
        help_texts = {"title": "Type / and part of the title in the reply box to insert it."}


def canned_replies_data() -> list[dict[str, Any]]:
    """What the reply box's / picker searches: every reply's title and body."""
    return [
        {"id": reply.pk, "title": reply.title, "body": reply.body}
        for reply in CannedReply.objects.only("pk", "title", "body")
    ]


@agent_required
@require_http_methods(["GET", "POST"])
def canned_list(request: HttpRequest) -> HttpResponse:
    form = CannedReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reply = form.save()
        messages.success(request, f"Added “{reply.title}”.")
        return redirect("inbox:canned")
    return render(
        request, "inbox/canned.html", {"replies": CannedReply.objects.all(), "form": form}
    )


@agent_required
@require_http_methods(["GET", "POST"])
def canned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(CannedReply, pk=pk)
    form = CannedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved “{reply.title}”.")
        return redirect("inbox:canned")
    return render(request, "inbox/canned_edit.html", {"reply": reply, "form": form})


@agent_required
@require_POST
def canned_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(CannedReply, pk=pk)
    reply.delete()
    messages.success(request, f"Deleted “{reply.title}”.")
    return redirect("inbox:canned")

"""What a customer reads when their conversation changes hands: the `detail` of a `status`
frame, in plain words for every status and reason (the `reason` code stays for programs)."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from .models import Status

_BY_REASON: dict[tuple[str, str], str] = {
    (Status.AI, "handed_back"): gettext_noop(
        "Our assistant is answering again; ask for a person any time."
    ),
    (Status.AI, "customer_wrote_again"): (
        gettext_noop("Our assistant is answering again; ask for a person any time.")
    ),
    (Status.WAITING, "reopened_by_agent"): (
        gettext_noop("Our team reopened this conversation; a person will answer you here.")
    ),
    (Status.RESOLVED, "resolved_by_agent"): (
        gettext_noop("Our team marked this conversation as resolved. Write again any time.")
    ),
    (Status.RESOLVED, "closed_idle"): (
        gettext_noop("This conversation was closed after a quiet while. Write again any time.")
    ),
    (Status.RESOLVED, "solved_by_customer"): gettext_noop(
        "Glad that helped! Write again any time."
    ),
}
_BY_STATUS: dict[str, str] = {
    Status.AI: gettext_noop("Our assistant answers first; ask for a person any time."),
    Status.WAITING: gettext_noop("A person will answer you shortly."),
    Status.AGENT: gettext_noop("A person from our team is with you."),
    Status.RESOLVED: gettext_noop("This conversation is resolved."),
}


def customer_status_detail(status: str, reason: str = "", agent_name: str = "") -> str:
    if status == Status.AGENT and agent_name:
        if reason == "transfer":
            text = gettext("{name} has taken over; you're chatting with them now.")
        else:
            text = gettext("You're chatting with {name}.")
        return text.replace("{name}", agent_name)
    text = _BY_REASON.get((status, reason)) or _BY_STATUS.get(status, "")
    # Marked with gettext_noop above; translated here, in the language being spoken.
    return gettext(text) if text else ""

"""What a customer reads when their conversation changes hands: the `detail` of a `status`
frame, in plain words for every status and reason (the `reason` code stays for programs)."""

from __future__ import annotations

from .models import Status

_BY_REASON: dict[tuple[str, str], str] = {
    (Status.AI, "handed_back"): "Our assistant is answering again; ask for a person any time.",
    (Status.AI, "customer_wrote_again"): (
        "Our assistant is answering again; ask for a person any time."
    ),
    (Status.WAITING, "reopened_by_agent"): (
        "Our team reopened this conversation; a person will answer you here."
    ),
    (Status.RESOLVED, "resolved_by_agent"): (
        "Our team marked this conversation as resolved. Write again any time."
    ),
    (Status.RESOLVED, "closed_idle"): (
        "This conversation was closed after a quiet while. Write again any time."
    ),
    (Status.RESOLVED, "solved_by_customer"): "Glad that helped! Write again any time.",
}
_BY_STATUS: dict[str, str] = {
    Status.AI: "Our assistant answers first; ask for a person any time.",
    Status.WAITING: "A person will answer you shortly.",
    Status.AGENT: "A person from our team is with you.",
    Status.RESOLVED: "This conversation is resolved.",
}


def customer_status_detail(status: str, reason: str = "", agent_name: str = "") -> str:
    if status == Status.AGENT and agent_name:
        if reason == "transfer":
            return f"{agent_name} has taken over; you're chatting with them now."
        return f"You're chatting with {agent_name}."
    return _BY_REASON.get((status, reason)) or _BY_STATUS.get(status, "")

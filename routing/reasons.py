"""The one taxonomy of handoff reasons, and what the customer is told for each."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CUSTOMER_REQUEST = "customer_request"
COMPLAINT = "complaint"
LEGAL = "legal"
CANCELLATION = "cancellation"
SECURITY = "security"
DATA_REQUEST = "data_request"
LOW_CONFIDENCE = "low_confidence"
MISSING_KNOWLEDGE = "missing_knowledge"
REPEATED_QUESTION = "repeated_question"
MODEL_REFUSAL = "model_refusal"
PROVIDER_ERROR = "provider_error"
# A spend budget (the client's, the conversation's) or the cap on calls in flight acted.
SPEND_LIMIT = "spend_limit"

HANDOFF_REASONS: tuple[str, ...] = (
    CUSTOMER_REQUEST,
    COMPLAINT,
    LEGAL,
    CANCELLATION,
    SECURITY,
    DATA_REQUEST,
    LOW_CONFIDENCE,
    MISSING_KNOWLEDGE,
    REPEATED_QUESTION,
    MODEL_REFUSAL,
    PROVIDER_ERROR,
    SPEND_LIMIT,
)

# Intents a model may state in its control line (the rest are the router's own findings).
MODEL_STATED_INTENTS = frozenset(
    {CUSTOMER_REQUEST, COMPLAINT, LEGAL, CANCELLATION, SECURITY, DATA_REQUEST}
)

REASON_LABELS: dict[str, str] = {
    CUSTOMER_REQUEST: "Asked for a person",
    COMPLAINT: "Complaint",
    LEGAL: "Legal threat",
    CANCELLATION: "Cancellation",
    SECURITY: "Security or fraud",
    DATA_REQUEST: "Data-protection request",
    LOW_CONFIDENCE: "AI not confident",
    MISSING_KNOWLEDGE: "Not in the knowledge base",
    REPEATED_QUESTION: "Asked the same thing again",
    MODEL_REFUSAL: "Model refused",
    PROVIDER_ERROR: "AI provider failed",
    SPEND_LIMIT: "AI spend limit reached",
}


def handoff_notice(reason: str, queue_length: int) -> str:
    """What the customer reads when a person takes over, with a rough idea of the wait, in the
    active language (the caller activates the customer's)."""
    opening = {
        CUSTOMER_REQUEST: _("Of course, I'm getting a person for you."),
        COMPLAINT: _("I'm sorry about this. A person from our team will look into it."),
        LEGAL: _("I'm passing this to a person on our team who can help."),
        CANCELLATION: _("A person from our team will help you with that."),
        SECURITY: _("Your account's safety comes first: a person from our team will help you now."),
        DATA_REQUEST: _("A person from our team will handle your data request."),
        PROVIDER_ERROR: _("I couldn't finish that answer, so a person from our team will help."),
        SPEND_LIMIT: _(
            "Our automatic assistant can't take more questions from you just now, so "
            "a person from our team will help."
        ),
    }.get(reason) or _("A person from our team will answer you here.")
    if queue_length <= 0:
        wait = _("You're next in line.")
    else:
        wait = ngettext(
            "There is %(count)d conversation ahead of you.",
            "There are %(count)d conversations ahead of you.",
            queue_length,
        ) % {"count": queue_length}
    keep_writing = _("You can keep writing meanwhile; nothing you send is lost.")
    return f"{opening} {wait} {keep_writing}"

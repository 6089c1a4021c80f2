"""The one taxonomy of handoff reasons, and what the customer is told for each."""

from __future__ import annotations

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
    """What the customer reads when a person takes over, with a rough idea of the wait."""
    opening = {
        CUSTOMER_REQUEST: "Of course, I'm getting a person for you.",
        COMPLAINT: "I'm sorry about this. A person from our team will look into it.",
        LEGAL: "I'm passing this to a person on our team who can help.",
        CANCELLATION: "A person from our team will help you with that.",
        SECURITY: "Your account's safety comes first: a person from our team will help you now.",
        DATA_REQUEST: "A person from our team will handle your data request.",
        PROVIDER_ERROR: "I couldn't finish that answer, so a person from our team will help.",
        SPEND_LIMIT: "Our automatic assistant can't take more questions from you just now, so "
        "a person from our team will help.",
    }.get(reason, "A person from our team will answer you here.")
    if queue_length <= 0:
        wait = "You're next in line."
    elif queue_length == 1:
        wait = "There is 1 conversation ahead of you."
    else:
        wait = f"There are {queue_length} conversations ahead of you."
    return f"{opening} {wait} You can keep writing meanwhile; nothing you send is lost."

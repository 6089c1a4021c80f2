"""Ten canned replies for the demo store, loaded by `manage.py load_demo_canned_replies`."""

from __future__ import annotations

DEMO_CANNED_REPLIES: list[tuple[str, str]] = [
    (
        "Greeting",
        "Hi, thanks for waiting! I'm here now and happy to help. Could you tell me your order "
        "number so I can look into it?",
    ),
    (
        "Order status",
        "I've checked your order: it left our warehouse and is on its way. You can follow it "
        "with the tracking link in your shipping email.",
    ),
    (
        "Shipping times",
        "Standard shipping takes 3 to 5 business days and is free on orders over $50; express "
        "arrives in 1 to 2 business days for $14.95.",
    ),
    (
        "Start a return",
        "You can return any unworn item within 30 days of delivery. Start the return from your "
        "order page and we'll email you a prepaid label.",
    ),
    (
        "Refund timing",
        "Your refund is on its way: it reaches your card within 5 to 10 business days of our "
        "warehouse receiving the return.",
    ),
    (
        "Sorry for the trouble",
        "I'm really sorry about this; that's not the experience we want you to have. Let me put "
        "it right.",
    ),
    (
        "Escalate to a specialist",
        "I've passed this to a specialist on our team, who will get back to you by email within "
        "one business day.",
    ),
    (
        "Account security",
        "For your security, please reset your password from the sign-in page. We will never ask "
        "for your password in chat or by email.",
    ),
    (
        "Anything else?",
        "Is there anything else I can help you with today?",
    ),
    (
        "Goodbye",
        "Thanks for chatting with us! If anything else comes up, just open the chat again.",
    ),
]

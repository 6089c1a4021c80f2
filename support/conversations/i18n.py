"""The customer's language: which of the product's languages a conversation speaks, and the
widget's own texts in it.

System messages are written in the conversation's language (``Conversation.language``, the
widget's browser language at first, the detected language of the customer's words when known),
through Django's gettext catalogues in ``support/locale``. The widget's texts are translated in
the same catalogues: the server sends them in ``welcome`` (and ``/widget/strings/`` before the
first connection), keyed by their English text, which the widget shows when a key is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop


def customer_language(tag: str | None) -> str:
    """The product language closest to a language tag ("es-ES" -> "es", "pt-BR" -> "pt"), or
    the default language when the product does not speak it."""
    default = settings.LANGUAGE_CODE.split("-")[0]
    if not tag:
        return default
    try:
        return translation.get_supported_language_variant(tag.strip().lower())
    except LookupError:
        return default


@contextmanager
def speaking(tag: str | None) -> Iterator[str]:
    """Translate what is written inside into the customer's language."""
    language = customer_language(tag)
    with translation.override(language):
        yield language


def stored_language(conversation_id: int) -> str:
    """The language tag stored on a conversation ("" when none is known)."""
    from .models import Conversation

    found = Conversation.objects.filter(pk=conversation_id).values_list("language", flat=True)
    return next(iter(found), "")


# The widget's texts (static/widget/ladder.js looks each up by its English text). Placeholders
# in braces are filled in by the widget.
WIDGET_TEXTS: tuple[str, ...] = (
    gettext_noop("Chat with us"),
    gettext_noop("Hi! Ask us anything about your order, shipping or returns."),
    gettext_noop("Chat with us (new reply)"),
    gettext_noop("Hide chat"),
    gettext_noop("New reply"),
    gettext_noop("Close chat"),
    gettext_noop("Talk to a person"),
    gettext_noop("Connection lost — reconnecting…"),
    gettext_noop("Conversation"),
    gettext_noop("Writing an answer…"),
    gettext_noop("{name} is typing…"),
    gettext_noop("Your message"),
    gettext_noop("Write a message…"),
    gettext_noop("Send"),
    gettext_noop("Sending…"),
    gettext_noop("Enter to send, Shift+Enter for a new line"),
    gettext_noop("You"),
    gettext_noop("Support team"),
    gettext_noop("Assistant"),
    gettext_noop("You're chatting with {name}."),
    gettext_noop("A person from our team is with you."),
    gettext_noop("A person will answer you shortly."),
    gettext_noop("This conversation is resolved."),
    gettext_noop("Our assistant answers first; ask for a person any time."),
    gettext_noop("Did that answer your question?"),
    gettext_noop("Yes, that solved it"),
    gettext_noop("Not connected yet; please try again in a moment."),
    gettext_noop("Rate this conversation from 1 (poor) to 5 (great)"),
    gettext_noop("We couldn't send your rating just now; please try again in a moment."),
    gettext_noop("{score} out of 5"),
    gettext_noop("Thank you for rating us {score} out of 5."),
    gettext_noop("Resolved — how did we do?"),
    gettext_noop("Your email"),
    gettext_noop("Email me the answer"),
    gettext_noop("Thanks! We'll reply by email."),
    gettext_noop("The chat isn't available on this site. Please contact us another way."),
    gettext_noop("Your earlier conversation could not be found, so we started a new one."),
    gettext_noop(
        "You're sending messages a little quickly. Please try again in {seconds} seconds."
    ),
    gettext_noop("You're sending messages a little quickly. Please try again in a moment."),
    gettext_noop("You have many chats open; close one and we'll reconnect this one."),
    gettext_noop("That message is too long: at most {max} characters."),
    gettext_noop("Something went wrong; please try again."),
    gettext_noop("Your message is back in the box."),
    gettext_noop("Connecting… we'll pass you to a person as soon as we're connected."),
)


def widget_strings(language: str) -> dict[str, str]:
    """The widget's texts in one product language, keyed by their English text (only those
    that differ: English needs none)."""
    with translation.override(language):
        translated = {text: gettext(text) for text in WIDGET_TEXTS}
    return {text: value for text, value in translated.items() if value != text}

"""Answers in the inbox read as the customer reads them in the widget: the safe Markdown subset
(bold, links, paragraphs) is rendered, and everything else stays escaped text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.conversations import agent_actions
from support.inbox.templatetags.inbox_text import render_safe_markdown

from .inbox import claimed_conversation


def test_bold_links_and_paragraphs_are_rendered():
    html = render_safe_markdown(
        "**Shipping** takes 3 days.\n\nSee [our policy](https://example.com/ship) or"
        " https://example.com/faq."
    )
    assert html.startswith("<p><strong>Shipping</strong> takes 3 days.</p><p>")
    assert '<a href="https://example.com/ship" target="_blank"' in html
    assert ">our policy</a>" in html
    # The full stop after a bare link is not part of it.
    assert '<a href="https://example.com/faq" ' in html and "</a>.</p>" in html


def test_markup_and_unsafe_links_stay_text():
    html = render_safe_markdown(
        '<img src=x onerror="alert(1)"> **<b>bold</b>** [click](javascript:alert(1))'
    )
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<strong>&lt;b&gt;bold&lt;/b&gt;</strong>" in html
    assert "javascript:" in html and "<a " not in html


@pytest.mark.django_db
def test_the_conversation_page_renders_a_reply_and_keeps_customer_text_literal(client, dana):
    conversation = claimed_conversation(dana, "Where is **my** order?")
    agent_actions.do_agent_reply(conversation.pk, dana, "**Orders** ship in 2 days.")
    client.force_login(dana)
    html = client.get(reverse("inbox:conversation", args=[conversation.public_id])).content.decode()
    assert "<strong>Orders</strong> ship in 2 days." in html
    assert "**Orders**" not in html
    # What the customer typed is shown exactly as typed.
    assert "Where is **my** order?" in html

"""One click under an article the draft used: the customer's question joins the article's
example questions, in the conversation's language, and search finds it from then on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.knowledge.models import ArticleTranslation
from support.knowledge.search import search_passages

from .inbox import claimed_conversation, waiting_conversation

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "Will my tent get here before the weekend trip?"


def learn(client, conversation, article_id):
    return client.post(
        reverse("inbox:learn_question", args=[conversation.public_id]),
        {"article": str(article_id)},
        headers={"HX-Request": "true"},
    )


def test_the_customers_question_becomes_an_example_question_of_the_article(client, dana, demo_kb):
    shipping = demo_kb[0]
    client.force_login(dana)
    conversation = claimed_conversation(dana, QUESTION)
    response = learn(client, conversation, shipping.pk)
    assert "Added to the article" in response.content.decode()
    shipping.refresh_from_db()
    assert shipping.questions.splitlines()[-1] == QUESTION
    # Search reads it at once: the next customer asking it gets this article.
    [best] = search_passages(QUESTION, limit=1)
    assert (best.article_id, best.score, best.matched_by) == (shipping.pk, 1.0, "question")
    # A second click adds nothing twice.
    assert "already lists it" in learn(client, conversation, shipping.pk).content.decode()
    shipping.refresh_from_db()
    assert shipping.questions.count(QUESTION) == 1


def test_a_spanish_conversation_teaches_the_spanish_version(client, dana, demo_kb):
    shipping = demo_kb[0]
    spanish = ArticleTranslation.objects.create(
        article=shipping, language="es", title="Envíos", body="El envío tarda de 3 a 5 días."
    )
    client.force_login(dana)
    conversation = claimed_conversation(dana, "¿Llega mi tienda de campaña antes del sábado?")
    conversation.language = "es"
    conversation.save(update_fields=["language"])
    learn(client, conversation, shipping.pk)
    spanish.refresh_from_db()
    shipping.refresh_from_db()
    assert spanish.questions == "¿Llega mi tienda de campaña antes del sábado?"
    assert shipping.questions == ""


def test_only_the_agent_who_has_the_conversation_may_teach(client, dana, demo_kb):
    client.force_login(dana)
    conversation = waiting_conversation(QUESTION)
    response = learn(client, conversation, demo_kb[0].pk)
    assert "Claim the conversation first" in response.content.decode()
    demo_kb[0].refresh_from_db()
    assert demo_kb[0].questions == ""


def test_a_made_up_article_is_refused_and_changes_nothing(client, dana, demo_kb):
    client.force_login(dana)
    conversation = claimed_conversation(dana, QUESTION)
    assert "No such article" in learn(client, conversation, "x").content.decode()
    assert "no longer exists" in learn(client, conversation, 999999).content.decode()

"""A customer whose browser speaks Spanish, in a real browser against a real Daphne: the widget's
texts, its status lines and the system messages are in Spanish, before and after connecting."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from support.conversations.i18n import customer_language
from support.conversations.models import Conversation, Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 15_000


def open_store_in_spanish(browser, live_daphne) -> Page:
    context = browser.new_context(locale="es-ES", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_daphne.url + "/")
    return page


def test_spanish_browser_gets_the_widget_and_system_messages_in_spanish(live_daphne, browser):
    page = open_store_in_spanish(browser, live_daphne)
    # Before any connection: the texts for the browser's language.
    launcher = page.get_by_role("button", name="Chatea con nosotros")
    expect(launcher).to_be_visible(timeout=WAIT_MS)
    launcher.click()

    chat = page.get_by_role("dialog", name="Atención al cliente de Northwind Outfitters")
    expect(chat).to_be_visible()
    expect(chat).to_contain_text("¡Hola! Pregúntanos lo que quieras")
    box = chat.get_by_role("textbox", name="Tu mensaje")
    expect(box).to_have_attribute("placeholder", "Escribe un mensaje…")
    expect(chat.get_by_role("button", name="Enviar")).to_be_visible()
    expect(chat).to_contain_text("Nuestro asistente responde primero")
    expect(page.get_by_role("button", name="Ocultar el chat")).to_be_visible()

    # The conversation speaks Spanish: a system message and the status line follow it.
    person = chat.get_by_role("button", name="Hablar con una persona")
    expect(person).to_be_enabled(timeout=WAIT_MS)
    person.click()
    log = chat.get_by_role("log", name="Conversación")
    expect(log.locator(".msg.system").last).to_contain_text(
        "Por supuesto, te paso con una persona.", timeout=WAIT_MS
    )
    expect(chat).to_contain_text("Una persona te responderá en breve.")
    conversation = Conversation.objects.get()
    assert customer_language(conversation.language) == "es"
    notice = Message.objects.filter(conversation=conversation, role="system").last()
    assert re.search(r"Eres el siguiente en la cola\.", notice.text)

    # A reload keeps the language without asking again.
    page.reload()
    expect(page.get_by_role("dialog", name=re.compile("Atención al cliente"))).to_be_visible(
        timeout=WAIT_MS
    )
    expect(page.get_by_role("button", name="Ocultar el chat")).to_be_visible()


def test_spanish_question_gets_a_local_answer_in_spanish(live_daphne, browser):
    page = open_store_in_spanish(browser, live_daphne)
    page.get_by_role("button", name="Chatea con nosotros").click()
    chat = page.get_by_role("dialog", name="Atención al cliente de Northwind Outfitters")
    box = chat.get_by_role("textbox", name="Tu mensaje")
    box.fill("¿Cuánto tarda el envío?")
    box.press("Enter")
    log = chat.get_by_role("log", name="Conversación")
    answer = log.locator(".msg.assistant")
    expect(answer).to_contain_text(re.compile(r"tarda de \d a \d días hábiles"), timeout=WAIT_MS)
    expect(log.locator(".msg.streaming")).to_have_count(0, timeout=WAIT_MS)
    expect(answer.locator(".who")).to_have_text("Asistente")
    expect(log).to_contain_text("¿Ha respondido eso a tu pregunta?")
    expect(log.get_by_role("button", name="Sí, eso lo ha resuelto")).to_be_visible()
    stored = Message.objects.get(role="assistant")
    assert "días hábiles" in stored.text

"""The customer's language: the widget's texts and the system messages follow the
conversation's language (the browser's, sent in hello), from complete gettext catalogues."""

from __future__ import annotations

import gettext
import json
import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from support.conversations import actions, agent_actions
from support.conversations.i18n import WIDGET_TEXTS, customer_language, widget_strings
from support.conversations.models import Conversation
from tests.plugins.personas import chat_socket

from .chat import TIMEOUT_S, frames_until, send_message

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "support" / "locale"
LANGUAGES = ("es", "fr", "de", "pt")
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)[sd]")


def read_po(path: Path) -> dict[str, list[str]]:
    """msgid (or msgid + NUL + msgid_plural) -> its msgstr forms, as gettext keys them."""
    entries: dict[str, list[str]] = {}
    fields: list[list[str]] = []  # [name, text] in the order the entry gives them
    fuzzy = False

    def close() -> None:
        named = {name: text for name, text in fields if not name.startswith("msgstr")}
        forms = [text for name, text in fields if name.startswith("msgstr")]
        if "msgid" in named and not fuzzy:
            plural = named.get("msgid_plural")
            entries[named["msgid"] if plural is None else f"{named['msgid']}\x00{plural}"] = forms

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,") and "fuzzy" in line:
            close()
            fields, fuzzy = [], True
        elif line.startswith("msgid "):
            if any(name == "msgstr" or name.startswith("msgstr[") for name, _ in fields):
                close()
                fields, fuzzy = [], False
            fields.append(["msgid", json.loads(line[6:])])
        elif line.startswith(("msgid_plural ", "msgstr")):
            name, text = line.split(" ", 1)
            fields.append([name, json.loads(text)])
        elif line.startswith('"'):
            fields[-1][1] += json.loads(line)
    close()
    return entries


@pytest.mark.parametrize(
    ("tag", "language"),
    [("es-ES", "es"), ("pt-BR", "pt"), ("fr", "fr"), ("de-AT", "de"), ("zh-CN", "en"), ("", "en")],
)
def test_customer_language_is_the_closest_product_language(tag: str, language: str) -> None:
    assert customer_language(tag) == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_translates_everything_and_its_mo_is_compiled_from_it(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    entries = read_po(folder / "django.po")
    header = entries.pop("")
    assert f"Language: {language}" in header[0]
    assert len(entries) > 50
    for msgid, forms in entries.items():
        assert forms and all(forms), f"{language}: {msgid!r} is not translated"
        wanted = sorted(PLACEHOLDER.findall(msgid.split("\x00")[0]))
        for form in forms:
            assert sorted(set(PLACEHOLDER.findall(form))) == sorted(set(wanted)), (msgid, form)
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    for msgid, forms in entries.items():
        if "\x00" in msgid:
            assert [compiled[(msgid.split("\x00")[0], n)] for n in range(len(forms))] == forms
        else:
            assert compiled[msgid] == forms[0], f"{language}: run compilemessages"


def test_every_widget_text_is_in_the_catalogue_and_nothing_else_is_looked_up() -> None:
    script = (ROOT / "static" / "widget" / "ladder.js").read_text(encoding="utf-8")
    looked_up = {
        json.loads(f'"{text}"')
        for text in re.findall(r'\b(?:t\(|siteText\("\w+", )"((?:[^"\\]|\\.)*)"', script)
    }
    assert looked_up <= set(WIDGET_TEXTS), looked_up - set(WIDGET_TEXTS)
    # Each text the server knows is used by the widget (none left over from an older widget).
    assert set(WIDGET_TEXTS) <= looked_up, set(WIDGET_TEXTS) - looked_up
    # Only texts that differ from the English are sent ("Conversation" is French too).
    assert set(widget_strings("es")) == set(WIDGET_TEXTS)
    for language in LANGUAGES:
        assert len(widget_strings(language)) >= len(WIDGET_TEXTS) - 3
    assert widget_strings("en") == {}


def test_widget_strings_endpoint_answers_any_site_in_the_browser_language(client) -> None:
    response = client.get(reverse("widget:strings"), {"language": "fr-CA"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["language"] == "fr"
    assert body["strings"]["Talk to a person"] == "Parler à une personne"
    unknown = client.get(reverse("widget:strings"), {"language": "<script>"}).json()
    assert unknown == {"language": "en", "strings": {}}


async def hello(language: str | None, token: str | None = None):
    socket = chat_socket()
    connected, _ = await socket.connect()
    assert connected
    frame = {"type": "hello", "token": token, "last_seq": 0}
    if language is not None:
        frame["language"] = language
    await socket.send_json_to(frame)
    welcome = await socket.receive_json_from(timeout=TIMEOUT_S)
    assert welcome["type"] == "welcome", welcome
    return socket, welcome


@pytest.mark.django_db(transaction=True)
async def test_welcome_brings_the_widget_texts_in_the_browser_language() -> None:
    socket, welcome = await hello("es-ES")
    assert welcome["language"] == "es"
    assert welcome["strings"]["Talk to a person"] == "Hablar con una persona"
    assert welcome["strings"]["You're chatting with {name}."] == "Estás hablando con {name}."
    await socket.disconnect()
    # Resumed from an English browser, the conversation keeps its language.
    again, resumed = await hello("en-GB", token=welcome["token"])
    assert resumed["language"] == "es"
    await again.disconnect()
    english, plain = await hello(None)
    assert (plain["language"], plain["strings"]) == ("en", {})
    await english.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_handoff_notice_is_written_in_the_customer_language(demo_kb, fake_anthropic) -> None:
    socket, welcome = await hello("de-DE")
    await send_message(socket, "Ich möchte mit einem Mitarbeiter sprechen")
    frames = await frames_until(socket, "status")
    print(frames)
    frames = await frames_until(socket, "message")
    notice = next(f for f in frames if f["type"] == "message" and f["role"] == "system")
    assert notice["text"].startswith("Natürlich, ich hole eine Person für Sie.")
    assert "Sie sind als Nächstes dran." in notice["text"]
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_person_button_notice_is_written_in_the_customer_language() -> None:
    socket, welcome = await hello("pt-BR")
    await socket.send_json_to({"type": "handoff"})
    frames = await frames_until(socket, "message")
    notice = next(f for f in frames if f["type"] == "message" and f["role"] == "system")
    assert notice["text"].startswith("Claro, vou chamar uma pessoa para você.")
    await socket.disconnect()


def waiting_in(language: str) -> Conversation:
    conversation = actions.do_start_conversation(origin="http://127.0.0.1:8000", language=language)
    actions.do_record_customer_message(conversation.pk, client_id=str(uuid.uuid4()), text="?")
    actions.do_request_handoff(
        conversation.pk, reason="customer_request", actor="router", notice="…"
    )
    return Conversation.objects.get(pk=conversation.pk)


@pytest.mark.django_db
def test_agent_notices_reach_the_customer_in_their_language(dana, eli) -> None:
    conversation = waiting_in("fr-FR")
    agent_actions.do_claim_conversation(conversation.pk, dana)
    agent_actions.do_transfer_conversation(conversation.pk, dana, eli)
    texts = list(
        conversation.messages.filter(role="system").order_by("seq").values_list("text", flat=True)
    )
    assert texts[-2:] == ["Dana a rejoint la conversation.", "Eli a repris la conversation."]
    english = waiting_in("")
    agent_actions.do_claim_conversation(english.pk, dana)
    assert english.messages.order_by("-seq")[0].text == "Dana joined the conversation."


@pytest.mark.django_db
def test_follow_up_offer_is_written_in_the_customer_language() -> None:
    conversation = waiting_in("es")
    message = agent_actions.do_offer_email_follow_up(conversation.pk, after_s=0)
    assert message is not None
    assert message.text.startswith("Todo nuestro equipo está ocupado ahora mismo.")

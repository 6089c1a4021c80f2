"""A customer who reloads the page, or uses only the keyboard: the widget reopens at the newest
message, keeps focus in the chat after "Talk to a person", and keeps the email offer (its form,
then its thanks) across reloads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from support.conversations import agent_actions
from support.conversations.models import Conversation, Status
from tests.browser.helpers import off_the_browser_loop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 15_000
QUESTIONS = [
    "How long does shipping take?",
    "Can I return an item?",
    "Do you ship internationally?",
    "How do I track my order?",
]


def open_store(browser, live_daphne, height: int = 700) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": height}).new_page()
    page.goto(live_daphne.url + "/")
    return page


def chat(page: Page):
    return page.get_by_role("dialog", name=re.compile("support"))


def conversation_log(page: Page):
    return page.get_by_role("log", name="Conversation")


def message_box(page: Page):
    return page.get_by_role("textbox", name="Your message")


def open_chat(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Chat with us")).click()
    expect(chat(page)).to_be_visible()


def scroll_position(page: Page) -> dict:
    return conversation_log(page).evaluate(
        "log => ({top: log.scrollTop, height: log.scrollHeight, visible: log.clientHeight})"
    )


def test_a_reload_reopens_the_chat_at_the_newest_message(live_daphne, browser):
    page = open_store(browser, live_daphne)
    open_chat(page)
    log = conversation_log(page)
    for number, question in enumerate(QUESTIONS, start=1):
        message_box(page).fill(question)
        message_box(page).press("Enter")
        expect(log.locator(".msg.assistant")).to_have_count(number, timeout=WAIT_MS)
        expect(log.locator(".msg.streaming")).to_have_count(0, timeout=WAIT_MS)
    before = scroll_position(page)
    assert before["height"] > before["visible"] * 1.5, "the log must overflow for this test"

    page.reload()
    expect(chat(page)).to_be_visible()
    expect(log.locator(".msg.assistant")).to_have_count(len(QUESTIONS))
    expect(log.locator(".msg.assistant").last).to_be_in_viewport()
    after = scroll_position(page)
    assert after["height"] - after["top"] - after["visible"] < 2, after


def test_talk_to_a_person_by_keyboard_keeps_focus_in_the_chat(live_daphne, browser):
    page = open_store(browser, live_daphne)
    open_chat(page)
    expect(message_box(page)).to_be_focused()
    person = chat(page).get_by_role("button", name="Talk to a person")
    person.focus()
    page.keyboard.press("Enter")
    expect(chat(page)).to_contain_text("A person will answer you shortly.", timeout=WAIT_MS)
    expect(person).to_be_hidden()
    # Not the page's body: the customer can type at once.
    expect(message_box(page)).to_be_focused()
    page.keyboard.type("My parcel is lost")
    expect(message_box(page)).to_have_value("My parcel is lost")


def test_the_email_offer_and_its_thanks_survive_reloads(live_daphne, browser):
    page = open_store(browser, live_daphne)
    open_chat(page)
    chat(page).get_by_role("button", name="Talk to a person").click()
    expect(chat(page)).to_contain_text("A person will answer you shortly.", timeout=WAIT_MS)
    conversation = Conversation.objects.get()
    assert conversation.status == Status.WAITING
    # Nobody is online: the offer is posted (the server's chore does this after a while).
    assert (
        off_the_browser_loop(agent_actions.do_offer_email_follow_up, conversation.pk, after_s=0)
        is not None
    )

    page.reload()
    offer = chat(page).locator("form.email-offer")
    expect(offer).to_be_visible(timeout=WAIT_MS)
    page.reload()
    expect(offer).to_be_visible(timeout=WAIT_MS)
    offer.get_by_label("Your email").fill("kim@example.com")
    offer.get_by_role("button", name="Email me the answer").click()
    thanks = chat(page).get_by_text("Thanks! We'll reply by email.")
    expect(thanks).to_be_visible(timeout=WAIT_MS)
    conversation.refresh_from_db()
    assert conversation.customer_email == "kim@example.com"

    page.reload()
    expect(thanks).to_be_visible(timeout=WAIT_MS)
    expect(offer).to_have_count(0)

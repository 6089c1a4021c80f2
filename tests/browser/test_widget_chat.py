"""A customer on the demo store, in a real browser against a real Daphne: the widget streams an
answer from the knowledge base, keeps the conversation across reloads and dropped
connections, never loses what the customer typed, and never runs customer text as HTML."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from support.conversations.models import Conversation, Message
from tests.browser.helpers import settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 15_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "images"
QUESTION = "How long does shipping take?"
# From the demo help centre's shipping article (standard or express: either paragraph answers).
SHIPPING_ANSWER = re.compile(r"shipping takes \d to \d business days")


def open_store(browser, live_daphne) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(live_daphne.url + "/")
    return page


def launcher(page: Page):
    return page.get_by_role("button", name=re.compile("Chat with us"))


def chat(page: Page):
    return page.get_by_role("dialog", name=re.compile("support"))


def conversation_log(page: Page):
    return page.get_by_role("log", name="Conversation")


def message_box(page: Page):
    return page.get_by_role("textbox", name="Your message")


def ask(page: Page, text: str) -> None:
    message_box(page).fill(text)
    message_box(page).press("Enter")


def frames_received(page: Page) -> list[dict]:
    """Every frame the page's chat sockets receive, in order (a list that keeps filling)."""
    received: list[dict] = []

    def watch(ws) -> None:
        if ws.url.endswith("/ws/chat/"):
            ws.on("framereceived", lambda payload: received.append(json.loads(payload)))

    page.on("websocket", watch)
    return received


def saved_state(page: Page, live_daphne) -> dict:
    return page.evaluate("key => JSON.parse(localStorage.getItem(key))", f"ladder:{live_daphne}")


def with_only_the_token(page: Page, browser, live_daphne) -> Page:
    """The store in a fresh browser that knows the conversation's token and nothing else (no
    cached transcript): what it shows comes from the server's history."""
    token = saved_state(page, live_daphne)["token"]
    origin = {
        "origin": live_daphne.url,
        "localStorage": [{"name": f"ladder:{live_daphne}", "value": json.dumps({"token": token})}],
    }
    context = browser.new_context(storage_state={"cookies": [], "origins": [origin]})
    other = context.new_page()
    other.goto(live_daphne.url + "/")
    return other


def test_question_streams_an_answer_and_reload_keeps_the_conversation(live_daphne, browser):
    page = open_store(browser, live_daphne)
    received = frames_received(page)
    # The demo says who answers: here the embedded provider, not a model.
    expect(page.locator(".mode-banner")).to_contain_text("Embedded mode")

    launcher(page).click()
    expect(chat(page)).to_be_visible()
    expect(message_box(page)).to_be_focused()
    ask(page, QUESTION)
    log = conversation_log(page)
    expect(log.locator(".msg.customer")).to_contain_text(QUESTION)
    answer = log.locator(".msg.assistant")
    expect(answer).to_contain_text(SHIPPING_ANSWER, timeout=WAIT_MS)
    expect(log.locator(".msg.streaming")).to_have_count(0, timeout=WAIT_MS)
    expect(log.locator(".msg.customer.sending")).to_have_count(0)

    # It arrived as a stream: a start, several pieces, an end, all under the answer's seq.
    kinds = [f["type"] for f in received]
    assert kinds.index("ack") < kinds.index("message_start") < kinds.index("message_end")
    start = next(f for f in received if f["type"] == "message_start")
    deltas = [f for f in received if f["type"] == "delta" and f["seq"] == start["seq"]]
    assert len(deltas) >= 2
    stored = Message.objects.get(seq=start["seq"])
    assert "".join(d["text"] for d in deltas) == stored.text
    # The link to the whole article, rendered through the safe Markdown subset.
    link = answer.get_by_role("link", name="How long does shipping take?")
    assert "/help/shipping-times/" in (link.get_attribute("href") or "")

    if os.environ.get("LADDER_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "widget.png"))

    # Closed, reloaded, opened again: the conversation is still there, once.
    page.keyboard.press("Escape")
    expect(chat(page)).to_be_hidden()
    page.reload()
    launcher(page).click()
    log = conversation_log(page)
    expect(log.locator(".msg.customer")).to_have_text(re.compile(re.escape(QUESTION)))
    expect(log.locator(".msg.assistant")).to_contain_text(SHIPPING_ANSWER)
    expect(log.locator(".msg.customer")).to_have_count(1)
    expect(log.locator(".msg.assistant")).to_have_count(1)

    # With only the token left (another device, cleared cache), the server's history says it all.
    page = with_only_the_token(page, browser, live_daphne)
    launcher(page).click()
    log = conversation_log(page)
    expect(log.locator(".msg.assistant")).to_contain_text(SHIPPING_ANSWER, timeout=WAIT_MS)
    expect(log.locator(".msg.customer")).to_have_text(re.compile(re.escape(QUESTION)))
    expect(log.locator(".msg.assistant")).to_have_count(1)
    assert Conversation.objects.count() == 1


def test_customer_html_is_shown_as_text_and_never_runs(live_daphne, browser):
    page = open_store(browser, live_daphne)
    launcher(page).click()
    payload = "<img src=x onerror=window.__xss=1> [click](javascript:window.__xss=2)"
    ask(page, payload)
    mine = conversation_log(page).locator(".msg.customer").last
    expect(mine.locator(".body")).to_have_text(payload)
    expect(mine).not_to_have_class(re.compile("sending"), timeout=WAIT_MS)
    assert Message.objects.get(role="customer").text == payload

    # Drawn again from the server's history on another device: still only text.
    other = with_only_the_token(page, browser, live_daphne)
    launcher(other).click()
    theirs = conversation_log(other).locator(".msg.customer")
    expect(theirs.locator(".body")).to_have_text(payload, timeout=WAIT_MS)

    for shown in (page, other):
        shown.wait_for_timeout(300)  # an onerror handler would have fired by now
        assert shown.evaluate("window.__xss") is None
        widget = shown.locator("[data-ladder-widget]")
        assert widget.locator(".msg img").count() == 0
        assert widget.locator(".msg a").count() == 0


def test_keyboard_opens_sends_with_enter_and_escape_returns_focus(live_daphne, browser):
    page = open_store(browser, live_daphne)
    launcher(page).focus()
    page.keyboard.press("Enter")
    expect(chat(page)).to_be_visible()
    expect(message_box(page)).to_be_focused()

    # Shift+Enter is a new line, not a send.
    page.keyboard.type("Hello")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("there")
    expect(message_box(page)).to_have_value("Hello\nthere")
    expect(page.locator("[data-ladder-widget] .counter")).to_have_text("11 / 4000")
    expect(conversation_log(page).locator(".msg.customer")).to_have_count(0)
    page.keyboard.press("Enter")
    expect(conversation_log(page).locator(".msg.customer")).to_have_count(1)
    expect(message_box(page)).to_have_value("")

    page.keyboard.press("Escape")
    expect(chat(page)).to_be_hidden()
    expect(launcher(page)).to_be_focused()

    # The host page can drive it too.
    page.evaluate("window.LadderWidget.open()")
    expect(chat(page)).to_be_visible()
    expect(message_box(page)).to_be_focused()
    page.evaluate("window.LadderWidget.close()")
    expect(chat(page)).to_be_hidden()


def test_message_lost_with_the_connection_is_resent_with_the_same_client_id(live_daphne, browser):
    page = browser.new_context().new_page()
    sent: list[tuple[int, dict]] = []  # (connection number, frame) from the page
    connections: list[object] = []

    def through_a_bad_network(ws) -> None:
        number = len(connections)
        connections.append(ws)
        server = ws.connect_to_server()

        def from_page(message) -> None:
            frame = json.loads(message)
            sent.append((number, frame))
            if number == 0 and frame["type"] == "message":
                # The message and the connection are lost before the server sees either.
                server.close()
                ws.close()
                return
            server.send(message)

        ws.on_message(from_page)

    page.route_web_socket(re.compile(r"/ws/chat/$"), through_a_bad_network)
    page.goto(live_daphne.url + "/")
    launcher(page).click()
    ask(page, QUESTION)

    log = conversation_log(page)
    expect(log.locator(".msg.assistant")).to_contain_text(SHIPPING_ANSWER, timeout=WAIT_MS)
    expect(log.locator(".msg.customer")).to_have_count(1)
    expect(log.locator(".msg.customer.sending")).to_have_count(0)
    expect(page.locator("[data-ladder-widget] .connection")).to_be_hidden()

    messages = [(number, f) for number, f in sent if f["type"] == "message"]
    assert [number for number, _ in messages] == [0, 1]
    assert messages[0][1]["client_id"] == messages[1][1]["client_id"]
    hellos = [f for _, f in sent if f["type"] == "hello"]
    assert hellos[0]["token"] is None
    assert hellos[1]["token"]  # the second connection resumed the same conversation
    assert Message.objects.filter(role="customer").count() == 1


@pytest.mark.live_server_env(LADDER_LOCAL_CHUNK_PAUSE_MS="150", LADDER_ANSWER_CACHE="false")
def test_answer_cut_off_by_a_dropped_connection_resumes_without_repeating_text(
    live_daphne, browser
):
    page = browser.new_context().new_page()
    connections: list[object] = []
    resumed: list[dict] = []

    def drop_after_the_first_piece(ws) -> None:
        number = len(connections)
        connections.append(ws)
        server = ws.connect_to_server()

        def from_server(message) -> None:
            frame = json.loads(message)
            if number == 1:
                resumed.append(frame)
            ws.send(message)
            if number == 0 and frame["type"] == "delta":
                server.close()
                ws.close()

        server.on_message(from_server)

    page.route_web_socket(re.compile(r"/ws/chat/$"), drop_after_the_first_piece)
    page.goto(live_daphne.url + "/")
    launcher(page).click()
    ask(page, QUESTION)

    log = conversation_log(page)
    finished = log.locator(".msg.assistant:not(.streaming)")
    expect(finished).to_contain_text(SHIPPING_ANSWER, timeout=WAIT_MS)
    expect(log.locator(".msg.assistant")).to_have_count(1)
    stored = Message.objects.get(role="assistant")
    # The second connection picked the answer up mid-stream (text so far, then the rest).
    assert [f["type"] for f in resumed][:3] == ["welcome", "message_start", "delta"]
    assert resumed[0]["history"] == []
    shown = log.locator(".msg.assistant .body").inner_text()
    # The widget shows a Markdown link as its label.
    assert normalized(shown) == normalized(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", stored.text))


def normalized(text: str) -> str:
    return " ".join(text.split())


def test_unknown_token_starts_a_new_conversation(live_daphne, browser):
    page = open_store(browser, live_daphne)
    page.evaluate(
        "key => localStorage.setItem(key, JSON.stringify({token: 'forged:token', lastSeq: 3,"
        " transcript: [{seq: 1, role: 'customer', text: 'from a conversation long gone'}]}))",
        f"ladder:{live_daphne}",
    )
    page.reload()
    launcher(page).click()
    expect(page.locator("[data-ladder-widget] .notice")).to_contain_text("started a new one")
    log = conversation_log(page)
    expect(log.get_by_text("from a conversation long gone")).to_have_count(0)
    ask(page, QUESTION)
    expect(log.locator(".msg.assistant")).to_contain_text(SHIPPING_ANSWER, timeout=WAIT_MS)
    token = saved_state(page, live_daphne)["token"]
    assert token and token != "forged:token"
    assert Conversation.objects.count() == 1


@pytest.mark.live_server_env(LADDER_MESSAGES_PER_MINUTE_PER_CONVERSATION="1")
def test_refused_message_goes_back_in_the_box_with_a_polite_notice(live_daphne, browser):
    page = open_store(browser, live_daphne)
    launcher(page).click()
    ask(page, QUESTION)
    log = conversation_log(page)
    expect(log.locator(".msg.customer.sending")).to_have_count(0, timeout=WAIT_MS)

    ask(page, "And can I return an item?")
    notice = page.locator("[data-ladder-widget] .notice")
    expect(notice).to_contain_text("a little quickly", timeout=WAIT_MS)
    expect(notice).to_contain_text("back in the box")
    expect(message_box(page)).to_have_value("And can I return an item?")
    expect(log.locator(".msg.customer")).to_have_count(1)
    assert Message.objects.filter(role="customer").count() == 1


def test_talk_to_a_person_pressed_before_the_connection_is_ready_still_reaches_a_person(
    live_daphne, browser
):
    page = browser.new_context().new_page()
    held: list[tuple[object, str]] = []  # server frames kept from the page until released

    def slow_to_welcome(ws) -> None:
        server = ws.connect_to_server()

        def from_server(message) -> None:
            if not held and json.loads(message)["type"] != "welcome":
                ws.send(message)
            else:
                held.append((ws, message))

        server.on_message(from_server)

    page.route_web_socket(re.compile(r"/ws/chat/$"), slow_to_welcome)
    page.goto(live_daphne.url + "/")
    launcher(page).click()
    for _ in range(WAIT_MS // 50):  # the route sees frames while Playwright is waited on
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the server never sent its welcome"
    person = chat(page).get_by_role("button", name="Talk to a person")
    person.click()
    expect(chat(page)).to_contain_text("pass you to a person as soon as", timeout=WAIT_MS)
    expect(person).to_be_disabled()
    assert Conversation.objects.get().status == "ai"  # nothing was sent before the welcome

    for ws, message in held:
        ws.send(message)
    held.clear()
    expect(chat(page)).to_contain_text("A person will answer you shortly.", timeout=WAIT_MS)
    conversation = Conversation.objects.get()
    assert conversation.status == "waiting"
    assert conversation.handoff_reason == "customer_request"


def test_yes_that_solved_it_resolves_the_conversation_and_asks_for_a_rating(live_daphne, browser):
    page = open_store(browser, live_daphne)
    launcher(page).click()
    ask(page, QUESTION)
    log = conversation_log(page)
    expect(log.locator(".msg.assistant")).to_contain_text(SHIPPING_ANSWER, timeout=WAIT_MS)
    expect(log).to_contain_text("Did that answer your question?")
    log.get_by_role("button", name="Yes, that solved it").click()
    expect(log).to_contain_text("how did we do?", timeout=WAIT_MS)
    expect(log.get_by_role("button", name="Yes, that solved it")).to_have_count(0)
    log.get_by_role("button", name="5 out of 5").click()
    expect(log).to_contain_text("Thank you for rating us 5 out of 5.")

    def stored() -> tuple[str, int | None]:
        conversation = Conversation.objects.get()
        return conversation.status, conversation.rating_score

    assert settled(page, stored, ("resolved", 5)) == ("resolved", 5)


def test_the_solved_question_goes_away_when_the_customer_asks_again(live_daphne, browser):
    page = open_store(browser, live_daphne)
    launcher(page).click()
    ask(page, QUESTION)
    log = conversation_log(page)
    expect(log.get_by_role("button", name="Yes, that solved it")).to_have_count(1, timeout=WAIT_MS)
    ask(page, "Can I return an item?")
    expect(log.locator(".msg.assistant")).to_have_count(2, timeout=WAIT_MS)
    # One offer, under the latest answer only.
    expect(log.get_by_role("button", name="Yes, that solved it")).to_have_count(1, timeout=WAIT_MS)
    assert Conversation.objects.get().status == "ai"

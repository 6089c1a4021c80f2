"""An agent works from the keyboard: ? lists the shortcuts, j/k move through the queue, c
claims, r goes to the reply box, e resolves; and with desktop notifications allowed, a new
handoff shows one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from support.conversations.models import Conversation, Message, Role, Status
from tests.browser.helpers import log_in
from tests.support.inbox.inbox import waiting_conversation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 15_000


@pytest.fixture
def two_waiting(transactional_db):
    return [waiting_conversation("First: my parcel"), waiting_conversation("Second: a refund")]


def test_j_k_claim_reply_and_resolve_by_keyboard(two_waiting, dana, live_daphne, browser):
    page = log_in(browser, live_daphne.url, "dana", "dana-password", "/inbox/")
    expect(page.locator("#queue tbody tr")).to_have_count(2)
    # The page's script is running (it opened the live socket): keys reach it.
    expect(page.locator("#live-state")).to_have_attribute("data-state", "online", timeout=WAIT_MS)

    page.keyboard.press("?")
    overlay = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("Claim")
    page.keyboard.press("Escape")
    expect(overlay).to_be_hidden()

    rows = page.locator("#queue tbody tr")
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bselected\b"))
    expect(rows.nth(1)).not_to_have_class(re.compile(r"\bselected\b"))
    first = rows.nth(0).get_attribute("data-conversation")

    page.keyboard.press("c")
    expect(page.locator("#conversation-panel")).to_contain_text("With an agent", timeout=WAIT_MS)
    claimed = Conversation.objects.get(public_id=first)
    assert (claimed.status, claimed.assigned_agent_id) == (Status.AGENT, dana.pk)

    page.keyboard.press("r")
    reply = page.get_by_label("Reply to the customer")
    expect(reply).to_be_focused()
    page.keyboard.type("On its way today.")
    page.keyboard.press("Enter")
    expect(page.locator("#transcript")).to_contain_text("On its way today.", timeout=WAIT_MS)
    assert Message.objects.filter(conversation=claimed, role=Role.AGENT).count() == 1
    # The reply's own request has finished too: it clears the box and focuses it again, which
    # can come after the live event has shown the reply.
    expect(reply).to_have_value("", timeout=WAIT_MS)

    page.keyboard.press("Tab")  # out of the reply box: letters are shortcuts again
    page.keyboard.press("e")
    expect(page.locator("#conversation-panel")).to_contain_text("Resolved", timeout=WAIT_MS)
    claimed.refresh_from_db()
    assert claimed.status == Status.RESOLVED


def claim_the_first_by_keyboard(browser, live_daphne):
    """Dana's inbox, with the first waiting conversation claimed by j and c."""
    page = log_in(browser, live_daphne.url, "dana", "dana-password", "/inbox/")
    expect(page.locator("#live-state")).to_have_attribute("data-state", "online", timeout=WAIT_MS)
    page.keyboard.press("j")
    page.keyboard.press("c")
    expect(page.locator("#conversation-panel")).to_contain_text("With an agent", timeout=WAIT_MS)
    return page


def test_letters_typed_in_the_reply_box_are_text(two_waiting, dana, live_daphne, browser):
    page = claim_the_first_by_keyboard(browser, live_daphne)
    page.keyboard.press("r")
    page.keyboard.type("jack checks each order")
    expect(page.get_by_label("Reply to the customer")).to_have_value("jack checks each order")
    expect(page.locator("#conversation-panel")).to_contain_text("With an agent")


RECORD_NOTIFICATIONS = """
(() => {
  const Real = window.Notification;
  window.__shown = [];
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.__shown.push({title, body: (options || {}).body || ""});
    }
  }
  Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
  Recorded.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Recorded;
})();
"""


def test_a_new_handoff_shows_a_desktop_notification(dana, live_daphne, browser):
    context = browser.new_context(permissions=["notifications"])
    context.grant_permissions(["notifications"], origin=live_daphne.url)
    context.add_init_script(RECORD_NOTIFICATIONS)
    agent = context.new_page()
    agent.goto(f"{live_daphne.url}/accounts/login/?next=/inbox/")
    agent.get_by_label("Username").fill("dana")
    agent.get_by_label("Password").fill("dana-password")
    agent.get_by_role("button", name="Log in").click()
    expect(agent.locator("#notify-state")).to_have_text("Desktop notifications: on")
    expect(agent.locator("#live-state")).to_have_attribute("data-state", "online", timeout=WAIT_MS)

    customer = browser.new_context().new_page()
    customer.goto(live_daphne.url + "/")
    customer.get_by_role("button", name=re.compile("Chat with us")).click()
    customer.get_by_role("button", name="Talk to a person").click()

    expect(agent.locator("#queue tbody tr")).to_have_count(1, timeout=WAIT_MS)
    agent.wait_for_function("window.__shown.length > 0", timeout=WAIT_MS)
    shown = agent.evaluate("window.__shown")
    assert shown == [
        {"title": "New handoff in the Ladder inbox", "body": "A customer is waiting for a person."}
    ]


def test_a_panel_refreshed_while_a_reply_is_on_its_way_still_clears_it(
    two_waiting, dana, live_daphne, browser
):
    # The conversation changed (a live event) while the reply was on its way: the panel is
    # drawn again, keeping what the box held, and the reply's answer finds its form gone.
    page = claim_the_first_by_keyboard(browser, live_daphne)
    held = []
    page.route("**/reply/", lambda route: held.append(route))
    page.keyboard.press("r")
    reply = page.get_by_label("Reply to the customer")
    page.keyboard.type("On its way today.")
    with page.expect_request("**/reply/"):
        page.keyboard.press("Enter")
    with page.expect_response(re.compile(r"/inbox/c/[^/]+/$")):
        page.evaluate("htmx.trigger(document.body, 'conversation-changed')")
    expect(reply).to_have_value("On its way today.")  # the new panel keeps what was written

    held[0].continue_()
    expect(page.locator("#transcript")).to_contain_text("On its way today.", timeout=WAIT_MS)
    expect(reply).to_have_value("", timeout=WAIT_MS)


def test_a_reply_on_its_way_keeps_what_the_agent_does_next(two_waiting, dana, live_daphne, browser):
    page = claim_the_first_by_keyboard(browser, live_daphne)
    held = []
    page.route("**/reply/", lambda route: held.append(route))  # held until the test lets go
    page.keyboard.press("r")
    reply = page.get_by_label("Reply to the customer")
    page.keyboard.type("On its way today.")
    page.keyboard.press("Shift+Enter")  # two lines: the form sends them with CRLF
    page.keyboard.type("Tracking follows.")
    with page.expect_request("**/reply/"):
        page.keyboard.press("Enter")
    # While it is on its way the agent writes on, then leaves the box.
    page.keyboard.type(" Anything else?")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") != "reply-text"

    held[0].continue_()
    expect(page.locator("#transcript")).to_contain_text("Tracking follows.", timeout=WAIT_MS)
    expect(reply).to_have_value("Anything else?", timeout=WAIT_MS)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.activeElement.id") != "reply-text"

    # Sent with the button, the reply box takes the focus back for the next one.
    page.unroute("**/reply/")
    reply.fill("Anything else I can do?")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#transcript")).to_contain_text("Anything else I can do?", timeout=WAIT_MS)
    expect(reply).to_have_value("", timeout=WAIT_MS)
    expect(reply).to_be_focused()

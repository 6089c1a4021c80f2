"""An admin on a bare `make run`: the demo admin login opens a styled admin under Daphne (its
stylesheets and scripts are served by the app itself)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 15_000


def log_in_as_demo_admin(browser, live_daphne):
    call_command("create_demo_staff", stdout=io.StringIO())
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    statuses: dict[str, int] = {}
    page.on("response", lambda r: statuses.__setitem__(r.url.split("?")[0], r.status))
    page.goto(live_daphne.url + "/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("admin")
    page.get_by_role("button", name="Log in").click()
    return page, statuses


def test_the_demo_admin_sees_a_styled_admin(live_daphne, browser):
    page, statuses = log_in_as_demo_admin(browser, live_daphne)
    expect(page.get_by_role("link", name="Knowledge articles")).to_be_visible()
    stylesheet = f"{live_daphne.url}/static/admin/css/base.css"
    assert statuses.get(stylesheet) == 200, statuses
    static = {url: status for url, status in statuses.items() if "/static/" in url}
    assert static and set(static.values()) == {200}, static
    # Styled: the header has the admin's colours, not the browser's transparent default.
    header = page.locator("#header")
    background = header.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def test_the_admin_edits_an_example_question_of_an_articles_translation(live_daphne, browser):
    from support.knowledge.models import ArticleTranslation

    version = (
        ArticleTranslation.objects.filter(language="es")
        .exclude(questions="")
        .select_related("article")
        .order_by("article__slug")
        .first()
    )
    assert version is not None, "the demo help centre has Spanish example questions"
    old_questions = version.questions.splitlines()
    new_question = "¿Cuánto tarda un pedido en llegar a Canarias?"

    page, _ = log_in_as_demo_admin(browser, live_daphne)
    page.get_by_role("link", name="Knowledge articles").click()
    page.get_by_role("link", name=version.article.title, exact=True).click()
    expect(page).to_have_url(
        re.compile(rf"/knowledgearticle/{version.article.pk}/change/$"), timeout=WAIT_MS
    )
    # The Spanish version's questions, edited in place among the article's other versions.
    page.wait_for_load_state()
    languages = page.locator("select[name^='translations-'][name$='-language']")
    expect(languages.first).to_be_attached(timeout=WAIT_MS)
    prefix = next(
        name.removesuffix("-language")
        for name in languages.evaluate_all("els => els.map(el => el.name)")
        if page.locator(f"select[name='{name}']").input_value() == "es"
    )
    box = page.locator(f"textarea[name='{prefix}-questions']")
    expect(box).to_have_value(re.compile(re.escape(old_questions[0])), timeout=WAIT_MS)
    box.fill("\n".join([new_question, *old_questions[1:]]))
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "was changed successfully", timeout=WAIT_MS
    )
    saved = page.locator(f"textarea[name='{prefix}-questions']")
    expect(saved).to_have_value(re.compile(f"^{re.escape(new_question)}"))
    version.refresh_from_db()
    assert version.questions.splitlines() == [new_question, *old_questions[1:]]

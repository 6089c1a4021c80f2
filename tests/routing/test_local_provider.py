"""The local provider: answers only a clear best article, in the passage's language, with a
lead-in, the passage and a link to the article; declines when two articles are as likely."""

from __future__ import annotations

from routing.control import parse_control_line
from routing.providers.base import Passage, ProviderRequest
from routing.providers.local import LocalProvider

HELP = "https://shop.example/help/"


def compose(*passages: Passage, min_margin: float = 0.1) -> tuple[object, str]:
    provider = LocalProvider(chunk_pause_s=0, min_margin=min_margin, help_centre_url=HELP)
    request = ProviderRequest(
        tier="fast", model="local", system="", messages=[], passages=list(passages)
    )
    control_line, _, answer = provider.compose(request).partition("\n")
    return parse_control_line(control_line), answer


def passage(score: float, *, language: str = "en", slug: str = "shipping-times") -> Passage:
    return Passage(
        1,
        "How long does shipping take?",
        "Standard shipping takes 3 to 5 days.\n\nExpress shipping takes 1 to 2 days.",
        score,
        language=language,
        slug=slug,
        matched_by="question",
    )


def test_a_clear_best_article_is_answered_with_lead_in_passage_and_link():
    control, answer = compose(passage(0.9), passage(0.5, slug="shipping-costs"))
    assert (control.answered, control.confidence) == (True, 0.9)
    assert answer == (
        "Here is what I can tell you:\n\n"
        "Standard shipping takes 3 to 5 days.\n\nExpress shipping takes 1 to 2 days.\n\n"
        f"More in our article [How long does shipping take?]({HELP}shipping-times/)."
    )


def test_two_articles_about_as_likely_are_not_answered():
    # Which one the customer means is a guess: people answer instead.
    control, answer = compose(passage(0.9), passage(0.85, slug="shipping-costs"))
    assert control.answered is False
    assert answer == ""


def test_the_answer_speaks_the_passages_language_and_links_its_version():
    spanish = Passage(
        1,
        "¿Cuánto tarda el envío?",
        "El envío estándar tarda de 3 a 5 días.",
        0.8,
        language="es",
        slug="shipping-times",
    )
    control, answer = compose(spanish)
    assert control.answered is True
    assert answer.startswith("Esto es lo que puedo decirte:\n\nEl envío estándar")
    assert answer.endswith(f"[¿Cuánto tarda el envío?]({HELP}shipping-times/?lang=es).")


def test_no_passage_is_no_answer():
    control, answer = compose()
    assert (control.answered, control.confidence, answer) == (False, 0.0, "")


def test_a_question_partly_about_what_no_article_covers_is_not_answered():
    uncovered = passage(0.55)
    uncovered = Passage(**{**uncovered.__dict__, "uncovered": 0.6})
    control, answer = compose(uncovered, passage(0.2, slug="shipping-costs"))
    assert (control.answered, answer) == (False, "")
    strong = Passage(**{**uncovered.__dict__, "score": 0.8})
    control, _ = compose(strong, passage(0.2, slug="shipping-costs"))
    assert control.answered is True

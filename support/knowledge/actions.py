"""Changes agents make to the knowledge base from their work: a question a customer asked
becomes one of the example questions of the article that answered it."""

from __future__ import annotations

from django.db import transaction

from routing.language import DEFAULT_LANGUAGE

from .index import questions_of
from .models import ArticleTranslation, KnowledgeArticle

# Longer than this is a conversation, not a question search could learn from.
MAX_QUESTION_CHARS = 300


class QuestionRefused(ValueError):
    """The question cannot be added; the message says why, for the agent."""


def check_example_question(question: str) -> str:
    question = " ".join(question.split())
    if not question:
        raise QuestionRefused("The customer has not asked anything yet.")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionRefused(
            f"That message is longer than {MAX_QUESTION_CHARS} characters: add a shorter "
            "question in the admin instead."
        )
    return question


def do_add_example_question(article_id: int, question: str, language: str) -> bool:
    """Add `question` to the questions of the article's version in `language` (the English one
    when it has none); False when that version already lists it."""
    question = check_example_question(question)
    with transaction.atomic():
        article = KnowledgeArticle.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            raise QuestionRefused("That article no longer exists.")
        version: KnowledgeArticle | ArticleTranslation = article
        if language != DEFAULT_LANGUAGE:
            version = article.translations.filter(language=language).first() or article
        if question.casefold() in {q.casefold() for q in questions_of(version.questions)}:
            return False
        version.questions = "\n".join([*questions_of(version.questions), question])
        # save(): the article's search entries are rebuilt on the save signal.
        version.save(update_fields=["questions", "updated_at"])
    return True

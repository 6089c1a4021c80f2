"""What an answer is written from: the customer's question, the conversation so far as the
model's turns, and the language the customer writes in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from routing.language import detect_language
from support.knowledge.version import VERSION_EXPRESSIONS, version_of

from .models import Conversation, Role, Status
from .statements import conversation_and_question

# How many earlier messages of the conversation go into the prompt.
CONTEXT_MESSAGES = 20


@dataclass
class Context:
    conversation: Conversation
    question: str
    history: list[tuple[str, str]]
    earlier_questions: list[str]
    customer_turns: int
    language: str = ""
    # The knowledge base's version, read with the context: for the search and the prompts.
    knowledge_version: tuple[int, int] = (0, 0)


def prompt_history(turns: Iterable[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """(role, text, author) messages as the model's turns: the customer's are the user's, the
    AI's and the agents' (named) are the assistant's."""
    history: list[tuple[str, str]] = []
    for role, text, author in turns:
        if role == Role.CUSTOMER:
            history.append(("user", text))
        elif role == Role.AGENT:
            history.append(("assistant", f"(Our colleague {author} wrote:) {text}"))
        else:
            history.append(("assistant", text))
    return history


def load_context(conversation_id: int, customer_seq: int) -> Context | None:
    """The context of the customer's message at `customer_seq`, or None when the AI does not
    owe it an answer (people have the conversation, or a finished reply already follows)."""
    conversation, rows, version = conversation_and_question(
        conversation_id, customer_seq, CONTEXT_MESSAGES, also=VERSION_EXPRESSIONS
    )
    if conversation is None or conversation.status != Status.AI:
        return None
    asked = [row for row in rows if row[0] == customer_seq]
    if not asked or asked[0][1] != Role.CUSTOMER or rows[-1][0] > customer_seq:
        return None
    earlier = [(role, text, author) for seq, role, text, author in rows if seq < customer_seq]
    earlier_questions = [text for role, text, _ in earlier if role == Role.CUSTOMER]
    return Context(
        conversation=conversation,
        question=asked[0][2],
        history=prompt_history(earlier),
        earlier_questions=earlier_questions,
        customer_turns=len(earlier_questions) + 1,
        knowledge_version=version_of(version),
    )


def customer_language(context: Context) -> str:
    """The language of this message: the text decides, and the conversation's language so far
    (at first the browser's) breaks the tie for short or ambiguous text. The caller stores it
    on the conversation when it changed (see `AnswerRun.pending_language`)."""
    conversation = context.conversation
    return detect_language(
        context.question, hint=conversation.language or conversation.browser_language
    )

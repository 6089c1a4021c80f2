"""The help centre in the cached system prompt, through the real SDK and the fake Anthropic
server applying the model's minimum cacheable prefix: a conversation's second answer reads the
cached prefix only when that prefix reaches the model's minimum."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.core.management import call_command

from routing.prompts import SYSTEM_PROMPT, estimate_tokens
from support.knowledge.help_centre import cache_outlook, system_prompts

from .chat import frames_until, open_chat, send_message
from .test_routing_tiers import FAST, calls, reply, story

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = ("How long does shipping take?", "And what is your return policy?")


@database_sync_to_async
def load_help_centre() -> int:
    """The demo help centre; the size in tokens of the rules with the help centre."""
    call_command("load_demo_kb", verbosity=0)
    return estimate_tokens(system_prompts().help_centre.system_prompt(SYSTEM_PROMPT))


async def two_answers(fake_anthropic) -> list[dict]:
    fake_anthropic.script(reply(0.9, "Three to five days."), reply(0.9, "Thirty days."))
    socket, welcome = await open_chat()
    for question in QUESTIONS:
        await send_message(socket, question)
        await frames_until(socket, "message_end")
    await socket.disconnect()
    _, _, events = await story(welcome["conversation"])
    return calls(events)


async def test_second_answer_reads_the_cached_help_centre_when_it_reaches_the_minimum(
    fake_anthropic, settings
):
    prefix_tokens = await load_help_centre()
    settings.LADDER_MIN_CACHEABLE_TOKENS = {FAST: prefix_tokens}
    fake_anthropic.configure(min_cacheable_tokens={FAST: prefix_tokens})
    first, second = await two_answers(fake_anthropic)
    assert first["cache_write_tokens"] == prefix_tokens and first["cache_read_tokens"] == 0
    assert second["cache_read_tokens"] == prefix_tokens and second["cache_write_tokens"] == 0
    # Billed fresh: the passages and the question, not the help centre.
    assert second["input_tokens"] < prefix_tokens
    system = fake_anthropic.requests[1]["body"]["system"]
    assert system[0]["text"].startswith(SYSTEM_PROMPT)
    assert "<help_centre>" in system[0]["text"]
    assert system[0]["cache_control"] == {"type": "ephemeral"}


async def test_a_prefix_one_token_short_of_the_apis_minimum_is_never_cached(
    fake_anthropic, settings
):
    prefix_tokens = await load_help_centre()
    settings.LADDER_MIN_CACHEABLE_TOKENS = {FAST: prefix_tokens}  # what Ladder was told
    fake_anthropic.configure(min_cacheable_tokens={FAST: prefix_tokens + 1})  # what the API does
    first, second = await two_answers(fake_anthropic)
    for call in (first, second):
        assert (call["cache_write_tokens"], call["cache_read_tokens"]) == (0, 0)
        assert call["input_tokens"] > prefix_tokens  # the whole prompt, billed as fresh input


async def test_a_help_centre_too_short_for_the_model_is_left_out_and_nothing_is_cached(
    demo_kb, fake_anthropic
):
    # Two articles: rules and help centre stay under the fast model's documented minimum, so
    # the prompt is the rules alone rather than a longer prompt billed in full every time.
    prompts = await database_sync_to_async(system_prompts)()
    [fast, _] = cache_outlook(prompts)
    assert fast["min_cacheable_tokens"] == fake_anthropic.min_cacheable_for(FAST) == 4096
    assert (fast["help_centre"], fast["cached"]) == (False, False)
    first, second = await two_answers(fake_anthropic)
    for call in (first, second):
        assert (call["cache_write_tokens"], call["cache_read_tokens"]) == (0, 0)
    system = fake_anthropic.requests[1]["body"]["system"]
    assert system == [
        {"type": "text", "text": SYSTEM_PROMPT, "cache_control": {"type": "ephemeral"}}
    ]


def test_editing_an_article_rebuilds_the_help_centre_in_the_prompt(db, settings):
    settings.LADDER_MIN_CACHEABLE_TOKENS = {FAST: 1}
    call_command("load_demo_kb", verbosity=0)
    before = system_prompts()
    assert before is system_prompts()  # unchanged knowledge base: the same prompts
    from support.knowledge.models import KnowledgeArticle

    article = KnowledgeArticle.objects.get(slug="shipping-times")
    article.body = "Standard shipping now takes 2 to 4 business days."
    article.save()
    after = system_prompts()
    assert "2 to 4 business days" in after.fast and "2 to 4 business days" not in before.fast
    article.published = False
    article.save()
    assert "2 to 4 business days" not in system_prompts().fast

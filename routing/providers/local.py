"""The embedded provider: answers with the best knowledge-base passage, no model involved.

It speaks like the models do (a control line, then the answer) so the same router handles it;
its confidence is the passage's retrieval score. It declines when there is no passage, or when
the next article matches nearly as well (LADDER_LOCAL_MIN_MARGIN: on the tuning data, answers
that close were often the wrong article), and the policy hands the conversation to people. The
answer is written in the passage's language: a short lead-in, the passage (two paragraphs when
search found one alone half the answer), and a link to the whole article.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator

from .base import Finished, ProviderRequest, Started, StreamEvent, TextDelta

MODEL_NAME = "local"
# How far ahead of the next article the best one must score to be answered with; see
# docs/answers.md for how it and LADDER_LOCAL_CONFIDENCE_THRESHOLD were measured.
MIN_MARGIN = 0.1
# A question whose words no article knows carry this share of its weight asks about something
# the help centre does not cover ("do you have a student discount" and the promo-codes
# article), unless the match is this strong; see docs/answers.md.
MAX_UNCOVERED = 0.3
UNCOVERED_MIN_SCORE = 0.7
# (lead-in, link to the article) per language; {title} and {url} are filled in.
PHRASES = {
    "en": ("Here is what I can tell you:", "More in our article [{title}]({url})."),
    "es": ("Esto es lo que puedo decirte:", "Más información en el artículo [{title}]({url})."),
    "fr": ("Voici ce que je peux vous dire :", "Plus de détails dans l'article [{title}]({url})."),
    "de": ("Dazu kann ich Ihnen Folgendes sagen:", "Mehr dazu im Artikel [{title}]({url})."),
    "pt": ("Veja o que posso dizer:", "Mais detalhes no artigo [{title}]({url})."),
}
# Words per streamed chunk and the pause between chunks: enough to read as streaming.
WORDS_PER_CHUNK = 4
CHUNK_PAUSE_S = 0.02


class LocalProvider:
    name = "local"

    def __init__(
        self,
        chunk_pause_s: float = CHUNK_PAUSE_S,
        min_margin: float = MIN_MARGIN,
        help_centre_url: str = "",
    ) -> None:
        self.chunk_pause_s = chunk_pause_s
        self.min_margin = min_margin
        self.help_centre_url = help_centre_url

    def compose(self, request: ProviderRequest) -> str:
        if not request.passages:
            return "[[ladder confidence=0 answered=no intent=none]]\n"
        best = request.passages[0]
        confidence = round(max(0.0, min(1.0, best.score)), 3)
        runner_up = request.passages[1].score if len(request.passages) > 1 else 0.0
        if best.score - runner_up < self.min_margin:
            # Two articles answer about equally well: not sure which one the customer means.
            return f"[[ladder confidence={confidence} answered=no intent=none]]\n"
        if best.uncovered >= MAX_UNCOVERED and best.score < UNCOVERED_MIN_SCORE:
            # Part of the question names what no article talks about.
            return f"[[ladder confidence={confidence} answered=no intent=none]]\n"
        lead_in, more = PHRASES.get(best.language, PHRASES["en"])
        answer = f"{lead_in}\n\n{best.text}"
        if self.help_centre_url and best.slug:
            url = f"{self.help_centre_url.rstrip('/')}/{best.slug}/"
            if best.language and best.language != "en":
                url += f"?lang={best.language}"
            title = best.title.replace("[", "(").replace("]", ")")
            answer += "\n\n" + more.format(title=title, url=url)
        return f"[[ladder confidence={confidence} answered=yes intent=none]]\n{answer}"

    async def stream(self, request: ProviderRequest) -> AsyncGenerator[StreamEvent]:
        started = time.perf_counter()
        words = self.compose(request).split(" ")
        first_token_ms: int | None = None
        output_tokens = 0
        # As a model does: the call is accepted (no prompt tokens to pay), then the text.
        yield Started(model=MODEL_NAME)
        for start in range(0, len(words), WORDS_PER_CHUNK):
            chunk = " ".join(words[start : start + WORDS_PER_CHUNK])
            if start + WORDS_PER_CHUNK < len(words):
                chunk += " "
            if first_token_ms is None:
                first_token_ms = int((time.perf_counter() - started) * 1000)
            output_tokens += 1
            yield TextDelta(chunk)
            if self.chunk_pause_s:
                await asyncio.sleep(self.chunk_pause_s)
        yield Finished(
            model=MODEL_NAME,
            stop_reason="end_turn",
            output_tokens=output_tokens,
            first_token_ms=first_token_ms,
            total_ms=int((time.perf_counter() - started) * 1000),
            confidence=request.passages[0].score if request.passages else 0.0,
        )

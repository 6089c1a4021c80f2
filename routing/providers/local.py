"""The embedded provider: answers with the best knowledge-base passage, no model involved.

It speaks like the models do (a control line, then the answer) so the same router handles it;
its confidence is the passage's retrieval score. With no good passage it declines, and the
policy hands the conversation to people.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator

from .base import Finished, ProviderRequest, Started, StreamEvent, TextDelta

MODEL_NAME = "local"
# Words per streamed chunk and the pause between chunks: enough to read as streaming.
WORDS_PER_CHUNK = 4
CHUNK_PAUSE_S = 0.02


class LocalProvider:
    name = "local"

    def __init__(self, chunk_pause_s: float = CHUNK_PAUSE_S) -> None:
        self.chunk_pause_s = chunk_pause_s

    def compose(self, request: ProviderRequest) -> str:
        if not request.passages:
            return "[[ladder confidence=0 answered=no intent=none]]\n"
        best = request.passages[0]
        confidence = round(max(0.0, min(1.0, best.score)), 3)
        return (
            f"[[ladder confidence={confidence} answered=yes intent=none]]\n"
            f"This is an automatic answer from our help centre, **{best.title}**:\n\n{best.text}"
        )

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

"""The Anthropic backend: the official SDK's `AsyncAnthropic` streaming, with the current models'
rules (no sampling parameters, no prefill, adaptive thinking, a cached system prompt)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
import time
import weakref
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import anthropic
import httpx2
import orjson

from .base import Finished, ProviderError, ProviderRequest, Started, StreamEvent, TextDelta

EFFORT_LEVELS = ("low", "medium", "high", "xhigh", "max")
# An effort of "" or "off" sends no thinking settings at all (the model's own default).
EFFORT_OFF = ("", "off", "none")
CONNECT_TIMEOUT_S = 5.0

# One client per event loop and (key, endpoint, retry count): an HTTP client cannot cross loops,
# and a client per call would reconnect every time. The client is the SDK's aiohttp-backed one
# (its `aiohttp` extra): streaming costs about a fifth less CPU than with httpx's own
# transport, whose pool also scanned every connection for each new request; aiohttp's keeps
# them by host, so hundreds of concurrent streams share one client. The clients share one SSL
# context: building one costs ~20-70 ms of the event loop.
_ClientKey = tuple[str | None, str | None, int]


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The SDK's default certificate checks (certifi, or SSL_CERT_FILE), built once."""
    return httpx2.create_ssl_context()


_shared: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[_ClientKey, anthropic.AsyncAnthropic]
] = weakref.WeakKeyDictionary()


def shared_client(
    api_key: str | None, base_url: str | None, max_retries: int
) -> anthropic.AsyncAnthropic:
    per_loop = _shared.setdefault(asyncio.get_running_loop(), {})
    key = (api_key, base_url, max_retries)
    if key not in per_loop:
        per_loop[key] = anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=base_url,
            max_retries=max_retries,
            http_client=anthropic.DefaultAioHttpClient(verify=_ssl_context()),
        )
    return per_loop[key]


async def close_shared_clients() -> None:
    """Close the running loop's clients and their connections (at shutdown, or a test's end:
    a client left to the garbage collector tries to close itself on whatever loop runs then)."""
    for client in _shared.pop(asyncio.get_running_loop(), {}).values():
        with contextlib.suppress(Exception):
            await client.close()


def _status_kind(status_code: int) -> str:
    if status_code in (401, 403):
        return "auth"
    if status_code == 429:
        return "rate_limited"
    if status_code == 529:
        return "overloaded"
    if status_code >= 500:
        return "server"
    return "bad_request"


def _error_detail(error: anthropic.APIStatusError, *, in_stream: bool = False) -> str:
    message = error.api_message or error.message
    # An error event arrives inside a 200 response: its status says nothing.
    status = "" if in_stream else f"{error.status_code} "
    return f"{status}{error.type or 'error'}: {message}"


class AnthropicProvider:
    name = "anthropic"

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None = None,
        thinking_effort: str = "low",
        max_output_tokens: int = 1024,
        max_retries: int = 2,
        first_token_timeout_s: float = 15.0,
        total_timeout_s: float = 60.0,
    ) -> None:
        effort = thinking_effort.strip().lower()
        if effort not in EFFORT_LEVELS and effort not in EFFORT_OFF:
            raise ValueError(
                f"LADDER_THINKING_EFFORT must be one of {', '.join(EFFORT_LEVELS)} or off, "
                f"got {thinking_effort!r}"
            )
        if max_output_tokens < 1:
            raise ValueError(f"LADDER_MAX_OUTPUT_TOKENS must be >= 1, got {max_output_tokens}")
        if max_retries < 0:
            raise ValueError(f"LADDER_PROVIDER_MAX_RETRIES must be >= 0, got {max_retries}")
        if first_token_timeout_s <= 0 or total_timeout_s <= 0:
            raise ValueError("LADDER_FIRST_TOKEN_TIMEOUT_S and LADDER_TOTAL_TIMEOUT_S must be > 0")
        self.api_key = api_key or None
        self.base_url = base_url or None
        self.thinking_effort = effort if effort in EFFORT_LEVELS else None
        self.max_output_tokens = max_output_tokens
        self.max_retries = max_retries
        self.first_token_timeout_s = first_token_timeout_s
        self.total_timeout_s = total_timeout_s

    @classmethod
    def from_settings(cls) -> AnthropicProvider:
        from django.conf import settings

        return cls(
            api_key=settings.ANTHROPIC_API_KEY,
            base_url=settings.ANTHROPIC_BASE_URL,
            thinking_effort=settings.LADDER_THINKING_EFFORT,
            max_output_tokens=settings.LADDER_MAX_OUTPUT_TOKENS,
            max_retries=settings.LADDER_PROVIDER_MAX_RETRIES,
            first_token_timeout_s=settings.LADDER_FIRST_TOKEN_TIMEOUT_S,
            total_timeout_s=settings.LADDER_TOTAL_TIMEOUT_S,
        )

    def request_body(self, request: ProviderRequest) -> dict[str, Any]:
        """The Messages API arguments for a request, checked against the current models' rules."""
        if not request.messages:
            raise ValueError("a model request needs at least one message")
        if request.messages[-1]["role"] != "user":
            raise ValueError(
                "the current models refuse assistant prefill: messages must end with a user turn"
            )
        body: dict[str, Any] = {
            "model": request.model,
            "max_tokens": min(request.max_output_tokens, self.max_output_tokens),
            # The system prompt is stable across conversations, so it is cached.
            "system": [
                {"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}
            ],
            "messages": [
                {"role": message["role"], "content": message["content"]}
                for message in request.messages
            ],
        }
        if self.thinking_effort is not None:
            body["thinking"] = {"type": "adaptive"}
            body["output_config"] = {"effort": self.thinking_effort}
        return body

    async def stream(self, request: ProviderRequest) -> AsyncGenerator[StreamEvent]:
        body = self.request_body(request)
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        client = shared_client(self.api_key, self.base_url, self.max_retries)
        # aclosing: a caller that stops early closes the HTTP stream now, not at GC time.
        async with contextlib.aclosing(
            self._stream_with(client, body, request.model, loop, started)
        ) as events:
            async for event in events:
                yield event

    async def _stream_with(
        self,
        client: anthropic.AsyncAnthropic,
        body: dict[str, Any],
        model: str,
        loop: asyncio.AbstractEventLoop,
        started: float,
    ) -> AsyncGenerator[StreamEvent]:
        if not (client.api_key or client.auth_token or getattr(client, "credentials", None)):
            raise ProviderError("auth", "no Anthropic API key is configured")
        total_deadline = loop.time() + self.total_timeout_s
        first_token_deadline = min(loop.time() + self.first_token_timeout_s, total_deadline)

        partial_text: list[str] = []
        first_token_ms: int | None = None

        def failure(kind: str, detail: str) -> ProviderError:
            return ProviderError(kind, detail, partial_text="".join(partial_text))

        def deadline() -> float:
            return first_token_deadline if first_token_ms is None else total_deadline

        async with contextlib.AsyncExitStack() as closing:
            try:
                async with asyncio.timeout_at(deadline()):
                    # The SDK still sends the request (auth, retries honouring retry-after,
                    # timeouts, base URL); its raw response is read here, the events parsed
                    # with orjson rather than each turned into a pydantic object.
                    response = await closing.enter_async_context(
                        client.messages.with_streaming_response.create(
                            **body,
                            stream=True,
                            timeout=httpx2.Timeout(
                                self.total_timeout_s,
                                connect=min(CONNECT_TIMEOUT_S, self.total_timeout_s),
                            ),
                        )
                    )
            except anthropic.APIStatusError as error:
                raise failure(_status_kind(error.status_code), _error_detail(error)) from error
            except anthropic.APITimeoutError as error:
                raise failure("timeout", "the request timed out") from error
            except anthropic.APIConnectionError as error:
                cause = error.__cause__ or error
                raise failure("connection", f"{type(cause).__name__}: {cause}") from error
            except TimeoutError as error:
                raise failure("timeout", "no first token in time") from error

            chunks = aiter(response.http_response.aiter_bytes())
            reads = closing.enter_context(_ReadDeadline(loop, deadline()))
            pending = b""
            block_types: dict[int, str] = {}
            stop_reason: str | None = None
            usage: dict[str, int] = {}
            finished = False
            while not finished:
                try:
                    chunk = await reads.read(chunks, deadline())
                except StopAsyncIteration:
                    break
                except TimeoutError as error:
                    waited = "a first token" if first_token_ms is None else "the end of the answer"
                    raise failure("timeout", f"timed out waiting for {waited}") from error
                except (httpx2.TimeoutException, anthropic.APITimeoutError) as error:
                    raise failure("timeout", "the stream stalled") from error
                except Exception as error:
                    # The transport's own error for a connection lost mid-body (aiohttp's
                    # ClientPayloadError, httpx's TransportError, a reset socket).
                    raise failure("stream_cut", f"{type(error).__name__}: {error}") from error
                pending += chunk.replace(b"\r\n", b"\n")
                *complete, pending = pending.split(b"\n\n")
                for raw_event in complete:
                    try:
                        event = _sse_data(raw_event)
                    except ValueError as error:  # orjson.JSONDecodeError is a ValueError
                        raise failure("stream_error", f"unreadable event: {error}") from error
                    if event is None:
                        continue
                    kind = event.get("type")
                    if kind == "message_start":
                        message = event.get("message") or {}
                        model = message.get("model") or model
                        usage.update(_usage_counts(message.get("usage")))
                        yield Started(
                            model=model,
                            input_tokens=usage.get("input_tokens", 0),
                            cache_read_tokens=usage.get("cache_read_input_tokens", 0),
                            cache_write_tokens=usage.get("cache_creation_input_tokens", 0),
                        )
                    elif kind == "content_block_start":
                        block_types[event["index"]] = event["content_block"]["type"]
                    elif kind == "content_block_delta":
                        delta = event["delta"]
                        # Only text blocks are the answer; thinking is never shown.
                        text = delta.get("text")
                        if (
                            text
                            and delta.get("type") == "text_delta"
                            and block_types.get(event["index"]) == "text"
                        ):
                            if first_token_ms is None:
                                first_token_ms = int((time.perf_counter() - started) * 1000)
                            partial_text.append(text)
                            yield TextDelta(text)
                    elif kind == "message_delta":
                        stop_reason = (event.get("delta") or {}).get("stop_reason") or stop_reason
                        usage.update(_usage_counts(event.get("usage")))
                    elif kind == "message_stop":
                        finished = True
                        break
                    elif kind == "error":
                        # An `error` event inside a 200 stream (e.g. overloaded_error mid-answer).
                        problem = event.get("error") or {}
                        detail = f"{problem.get('type') or 'error'}: {problem.get('message') or ''}"
                        raise failure("stream_error", detail)
            if not finished:
                raise failure("stream_cut", "the stream ended before message_stop")

        yield Finished(
            model=model,
            stop_reason=stop_reason or "end_turn",
            input_tokens=usage.get("input_tokens", 0),
            output_tokens=usage.get("output_tokens", 0),
            cache_read_tokens=usage.get("cache_read_input_tokens", 0),
            cache_write_tokens=usage.get("cache_creation_input_tokens", 0),
            first_token_ms=first_token_ms,
            total_ms=int((time.perf_counter() - started) * 1000),
        )


class _ReadDeadline:
    """The deadline of a stream's reads, as `asyncio.timeout_at` around each read would keep
    it, but with one timer for the stream, moved when the deadline moves (at the first token),
    not one scheduled and cancelled for every chunk: a read under way when it passes is
    cancelled and raises TimeoutError, and a read begun after it raises at once."""

    def __init__(self, loop: asyncio.AbstractEventLoop, when: float) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._loop = loop
        self._task = task
        self._when = when
        self._timer = loop.call_at(when, self._expire)
        self._reading = False
        self._expired = False

    def __enter__(self) -> _ReadDeadline:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        if self._reading:
            self._expired = True
            self._task.cancel()

    async def read(self, chunks: AsyncIterator[bytes], when: float) -> bytes:
        """The next chunk, read by `when`."""
        if when != self._when:
            self._timer.cancel()
            self._when = when
            self._timer = self._loop.call_at(when, self._expire)
        if self._loop.time() >= when:
            raise TimeoutError
        cancelling = self._task.cancelling()
        self._reading = True
        try:
            return await anext(chunks)
        except asyncio.CancelledError as error:
            if self._expired and self._task.uncancel() <= cancelling:
                raise TimeoutError from error
            raise
        finally:
            self._reading = False
            if self._expired:
                # Expired as the chunk came: withdraw this cancel request, as asyncio's own
                # timeout does, so that it does not reach the caller.
                self._expired = False
                if self._task.cancelling() > cancelling:
                    self._task.uncancel()


def _sse_data(raw_event: bytes) -> dict[str, Any] | None:
    """One server-sent event's JSON data (None for an event without data, a comment or a
    keep-alive); the `event:` line repeats the data's own `type`."""
    data = [line[5:].lstrip(b" ") for line in raw_event.split(b"\n") if line.startswith(b"data:")]
    if not data:
        return None
    parsed = orjson.loads(b"\n".join(data))
    if not isinstance(parsed, dict):
        raise ValueError(f"an event's data is not an object: {parsed!r}")
    return parsed


def _usage_counts(usage: Any) -> dict[str, int]:
    """The counts a usage object carries; later events restate totals, so they overwrite."""
    if not isinstance(usage, dict):
        return {}
    return {
        name: value
        for name in (
            "input_tokens",
            "output_tokens",
            "cache_read_input_tokens",
            "cache_creation_input_tokens",
        )
        if isinstance(value := usage.get(name), int) and not isinstance(value, bool)
    }

"""A wire-faithful fake of the Anthropic Messages API for tests and benchmarks: real HTTP/1.1
on loopback, the SSE event stream, scripted or rule-based answers, errors and timing.

Use it in-process (`with FakeAnthropicServer() as fake: fake.script({...})`, a background
thread with its own event loop) or as `manage.py fake_anthropic`, driven over HTTP through
`POST /_fake/script`, `POST /_fake/config`, `POST /_fake/reset`, `GET /_fake/requests` and
`GET /_fake/stats`. Only the standard library, so hundreds of concurrent streams cost little.

Its prompt cache behaves as the API's: a prefix marked with cache_control is written and read
back only when it reaches the model's minimum cacheable length (routing.prompt_cache: Anthropic's
documented figures unless overridden); a shorter one is billed as plain input. Optionally it
models prompt processing time (`prefill_tokens_per_second`), so a cached prefix also shows in
the time to first token.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import hashlib
import html
import ipaddress
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from routing.prompt_cache import min_cacheable_tokens as documented_min_cacheable_tokens

logger = logging.getLogger("ladder.fake_anthropic")

DEFAULT_FIRST_TOKEN_MS = 300
DEFAULT_TOKENS_PER_SECOND = 50.0
# Prompt-cache entries live five minutes after their last use, as the API's ephemeral cache does.
PROMPT_CACHE_TTL_S = 300.0
# With prefill modelled, a cache read takes this fraction of the time of processing its tokens
# afresh (the API's figures: long cached prompts answer up to 85 % sooner; reads cost a tenth).
CACHE_READ_TIME_SHARE = 0.1
MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_HEAD_BYTES = 64 * 1024
EFFORT_LEVELS = frozenset({"low", "medium", "high", "xhigh", "max"})
STOP_REASONS = frozenset(
    {
        "end_turn",
        "max_tokens",
        "stop_sequence",
        "tool_use",
        "pause_turn",
        "refusal",
        "model_context_window_exceeded",
    }
)
SAMPLING_PARAMETERS = ("temperature", "top_p", "top_k")
# Top-level fields the Messages API knows; anything else is "Extra inputs are not permitted".
KNOWN_BODY_FIELDS = frozenset(
    {
        "model",
        "messages",
        "max_tokens",
        "system",
        "stream",
        "thinking",
        "output_config",
        "metadata",
        "stop_sequences",
        "tools",
        "tool_choice",
        "cache_control",
        "container",
        "diagnostics",
        "inference_geo",
        "service_tier",
        "speed",
        "mcp_servers",
        "context_management",
    }
)
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    408: "timeout_error",
    409: "conflict_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
ERROR_MESSAGES = {
    401: "invalid x-api-key",
    403: "Your API key does not have permission to use the specified resource.",
    404: "Not found",
    429: "Number of request tokens has exceeded your per-minute rate limit.",
    500: "Internal server error",
    529: "Overloaded",
}
REASON_PHRASES = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    529: "Site Overloaded",
}
PASSAGE_PATTERN = re.compile(
    r'<passage id="(?P<id>[^"]*)" title="(?P<title>[^"]*)">(?P<text>.*?)</passage>', re.DOTALL
)
# One streamed "token" is a word with the whitespace after it (or a leading run of whitespace).
TOKEN_PATTERN = re.compile(r"\S+\s*|\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
CONFIDENT_CONTROL_LINE = "[[ladder confidence=0.9 answered=yes intent=none]]"
UNSURE_CONTROL_LINE = "[[ladder confidence=0.2 answered=no intent=none]]"
UNSURE_ANSWER = "I'm not sure about that."


@dataclass(frozen=True)
class ResponseSpec:
    """One scripted response. Fields left as None fall back to the server's defaults and rules.

    `repeat` is how many requests this spec answers (None: every matching request, forever).
    `match` (a case-insensitive substring) and `match_regex` test the last user message's text,
    `model` the requested model; a spec with none of them answers any request.
    """

    text: str | None = None
    thinking: str | None = None
    status: int = 200
    retry_after: float | None = None
    error_message: str | None = None
    cut_after_chars: int | None = None
    error_event: bool | str = False
    stop_reason: str | None = None
    first_token_ms: float | None = None
    tokens_per_second: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    repeat: int | None = 1
    match: str | None = None
    match_regex: str | None = None
    model: str | None = None

    @classmethod
    def parse(cls, raw: ResponseSpec | Mapping[str, Any]) -> ResponseSpec:
        """A spec from a dict (as tests and script files write them), checked field by field."""
        if isinstance(raw, ResponseSpec):
            return raw
        if not isinstance(raw, Mapping):
            raise ValueError(f"a response spec must be an object, got {type(raw).__name__}")
        allowed = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise ValueError(
                f"unknown response spec field(s) {', '.join(unknown)}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
        spec = cls(**raw)
        spec.check()
        return spec

    def check(self) -> None:
        def non_negative(name: str, value: float | None, kinds: tuple[type, ...]) -> None:
            if value is None:
                return
            if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
                raise ValueError(f"{name} must be a non-negative number, got {value!r}")

        for name in ("text", "thinking", "error_message", "match", "model"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{name} must be a string, got {value!r}")
        if isinstance(self.status, bool) or not isinstance(self.status, int):
            raise ValueError(f"status must be an HTTP status code, got {self.status!r}")
        if self.status != 200 and not 400 <= self.status <= 599:
            raise ValueError(f"status must be 200 or an error status (400-599), got {self.status}")
        non_negative("retry_after", self.retry_after, (int, float))
        non_negative("first_token_ms", self.first_token_ms, (int, float))
        for name in (
            "cut_after_chars",
            "input_tokens",
            "output_tokens",
            "cache_creation_input_tokens",
            "cache_read_input_tokens",
        ):
            non_negative(name, getattr(self, name), (int,))
        if self.tokens_per_second is not None and (
            isinstance(self.tokens_per_second, bool)
            or not isinstance(self.tokens_per_second, (int, float))
            or self.tokens_per_second <= 0
        ):
            raise ValueError(f"tokens_per_second must be positive, got {self.tokens_per_second!r}")
        if self.repeat is not None and (
            isinstance(self.repeat, bool) or not isinstance(self.repeat, int) or self.repeat < 1
        ):
            raise ValueError(f"repeat must be a positive integer or null, got {self.repeat!r}")
        if not isinstance(self.error_event, (bool, str)):
            raise ValueError(f"error_event must be true or an error type, got {self.error_event!r}")
        if self.stop_reason is not None and self.stop_reason not in STOP_REASONS:
            raise ValueError(
                f"stop_reason must be one of {', '.join(sorted(STOP_REASONS))}, "
                f"got {self.stop_reason!r}"
            )
        if self.match_regex is not None:
            try:
                re.compile(self.match_regex)
            except re.error as error:
                raise ValueError(f"match_regex does not compile: {error}") from error

    def matches(self, model: str, question: str) -> bool:
        if self.model is not None and self.model != model:
            return False
        if self.match is not None and self.match.casefold() not in question.casefold():
            return False
        return self.match_regex is None or re.search(self.match_regex, question) is not None


def parse_specs(raw: Any) -> list[ResponseSpec]:
    """Specs from a JSON script: a list of specs, or an object with a "specs" list."""
    if isinstance(raw, Mapping) and set(raw) <= {"specs"}:
        raw = raw.get("specs", [])
    if isinstance(raw, (Mapping, ResponseSpec)):
        raw = [raw]
    if not isinstance(raw, list):
        raise ValueError('a script is a list of response specs (or {"specs": [...]})')
    specs = []
    for position, item in enumerate(raw):
        try:
            specs.append(ResponseSpec.parse(item))
        except (TypeError, ValueError) as error:
            raise ValueError(f"response spec #{position + 1}: {error}") from error
    return specs


class RequestRejected(Exception):
    """The API's answer to a request it will not serve: an HTTP status and an error object."""

    def __init__(self, status: int, message: str, error_type: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_type = error_type or ERROR_TYPES.get(status, "api_error")


@dataclass
class HttpRequest:
    method: str
    target: str
    version: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)

    @property
    def keep_alive(self) -> bool:
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection


@dataclass
class Reply:
    """What one Messages request will get back, decided before the first byte is sent."""

    model: str
    text_tokens: list[str]
    thinking_tokens: list[str] | None
    thinking_omitted: bool
    stop_reason: str
    input_tokens: int
    output_tokens: int
    cache_creation_input_tokens: int
    cache_read_input_tokens: int
    first_token_ms: float
    tokens_per_second: float
    cut_after_chars: int | None
    error_event_type: str | None
    message_id: str = dataclasses.field(default_factory=lambda: f"msg_{uuid.uuid4().hex[:24]}")

    def usage(self, *, output_tokens: int) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "cache_creation": {
                "ephemeral_5m_input_tokens": self.cache_creation_input_tokens,
                "ephemeral_1h_input_tokens": 0,
            },
            "output_tokens": output_tokens,
            "service_tier": "standard",
        }

    def signature(self) -> str:
        digest = hashlib.sha256("".join(self.thinking_tokens or []).encode()).digest()
        return base64.b64encode(digest * 3).decode()

    def message(self) -> dict[str, Any]:
        """The whole Message, as a non-streaming call returns it."""
        content: list[dict[str, Any]] = []
        if self.thinking_tokens is not None:
            thinking = "" if self.thinking_omitted else "".join(self.thinking_tokens)
            content.append(
                {"type": "thinking", "thinking": thinking, "signature": self.signature()}
            )
        if self.text_tokens:
            content.append({"type": "text", "text": "".join(self.text_tokens)})
        return {
            "id": self.message_id,
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": content,
            "stop_reason": self.stop_reason,
            "stop_sequence": None,
            "stop_details": refusal_details(self.stop_reason),
            "usage": self.usage(output_tokens=self.output_tokens),
        }


def refusal_details(stop_reason: str) -> dict[str, Any] | None:
    if stop_reason != "refusal":
        return None
    return {"type": "refusal", "category": None, "explanation": None}


def split_tokens(text: str) -> list[str]:
    return TOKEN_PATTERN.findall(text)


def estimate_tokens(characters: int) -> int:
    return characters // 4


def block_text(content: Any) -> str:
    """The text of a message's or system prompt's content: a string or a list of blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            block.get("text", "")
            for block in content
            if isinstance(block, Mapping) and isinstance(block.get("text"), str)
        )
    return ""


def last_user_text(body: Mapping[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if isinstance(message, Mapping) and message.get("role") == "user":
            return block_text(message.get("content"))
    return ""


def rule_based_answer(question_text: str) -> str:
    """With knowledge passages, a confident answer from the first; without, an unsure one."""
    match = PASSAGE_PATTERN.search(question_text)
    if match is None:
        return f"{UNSURE_CONTROL_LINE}\n{UNSURE_ANSWER}"
    passage = html.unescape(match.group("text")).strip()
    sentences = SENTENCE_END.split(passage)
    return f"{CONFIDENT_CONTROL_LINE}\n{' '.join(sentences[:2]).strip()}"


def check_messages_body(body: Any) -> None:
    """Reject what the current models reject, with the API's 400 invalid_request_error."""
    if not isinstance(body, Mapping):
        raise RequestRejected(400, "The request body is not a JSON object.")
    for name in SAMPLING_PARAMETERS:
        if name in body:
            raise RequestRejected(
                400,
                f"{name}: this model does not support sampling parameters "
                "(temperature, top_p, top_k); remove it from the request.",
            )
    extra = sorted(set(body) - KNOWN_BODY_FIELDS)
    if extra:
        raise RequestRejected(400, f"{extra[0]}: Extra inputs are not permitted")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise RequestRejected(400, "model: Field required")
    max_tokens = body.get("max_tokens")
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise RequestRejected(400, "max_tokens: must be a positive integer")
    if "stream" in body and not isinstance(body["stream"], bool):
        raise RequestRejected(400, "stream: Input should be a valid boolean")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise RequestRejected(400, "messages: at least one message is required")
    for position, message in enumerate(messages):
        if not isinstance(message, Mapping) or message.get("role") not in ("user", "assistant"):
            raise RequestRejected(
                400, f"messages.{position}.role: Input should be 'user' or 'assistant'"
            )
        content = message.get("content")
        if isinstance(content, str):
            if not content:
                raise RequestRejected(400, f"messages.{position}: content must be non-empty")
        elif isinstance(content, list) and content:
            for block in content:
                if not isinstance(block, Mapping) or not isinstance(block.get("type"), str):
                    raise RequestRejected(
                        400, f"messages.{position}.content: blocks need a string `type`"
                    )
                if block["type"] == "text" and not (
                    isinstance(block.get("text"), str) and block["text"]
                ):
                    raise RequestRejected(
                        400, f"messages.{position}: text content blocks must be non-empty"
                    )
        else:
            raise RequestRejected(400, f"messages.{position}.content: Field required")
    if messages[-1]["role"] == "assistant":
        raise RequestRejected(
            400,
            "This model does not support assistant message prefill. "
            "The conversation must end with a user message.",
        )
    system = body.get("system")
    if system is not None and not isinstance(system, str):
        if not isinstance(system, list) or not all(
            isinstance(block, Mapping)
            and block.get("type") == "text"
            and isinstance(block.get("text"), str)
            for block in system
        ):
            raise RequestRejected(400, "system: must be a string or a list of text blocks")
    thinking = body.get("thinking")
    if thinking is not None and (
        not isinstance(thinking, Mapping)
        or thinking.get("type") not in ("adaptive", "enabled", "disabled")
    ):
        raise RequestRejected(400, "thinking.type: Input should be 'adaptive' or 'disabled'")
    output_config = body.get("output_config")
    if output_config is not None:
        if not isinstance(output_config, Mapping):
            raise RequestRejected(400, "output_config: Input should be an object")
        effort = output_config.get("effort")
        if effort is not None and effort not in EFFORT_LEVELS:
            raise RequestRejected(
                400, f"output_config.effort: Input should be one of {sorted(EFFORT_LEVELS)}"
            )


def presented_api_key(headers: Mapping[str, str]) -> str | None:
    """The key a client sent: `x-api-key`, or a bearer token (how SDK 2.x sends `api_key`)."""
    if headers.get("x-api-key"):
        return headers["x-api-key"]
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return None


def error_body(status: int, message: str, error_type: str | None = None) -> dict[str, Any]:
    return {
        "type": "error",
        "error": {"type": error_type or ERROR_TYPES.get(status, "api_error"), "message": message},
        "request_id": f"req_{uuid.uuid4().hex[:24]}",
    }


def sse_event(event: str, data: Mapping[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def plain_stream(port: int, body: Mapping[str, Any]) -> str:
    """One streaming Messages request to the fake on `port` over a plain HTTP connection, and
    the whole response as text: a client with no CPU of its own to speak of, so that timing
    many of them at once measures the fake, not an SDK."""
    payload = json.dumps({**body, "stream": True}).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /v1/messages HTTP/1.1\r\nhost: fake\r\nx-api-key: k\r\n"
        b"anthropic-version: 2023-06-01\r\ncontent-type: application/json\r\n"
        b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(payload), payload)
    )
    response = await reader.read(-1)
    writer.close()
    return response.decode()


def is_loopback_host(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _ClientGone(Exception):
    """The client closed its connection; stop writing to it."""


class _ChunkedWriter:
    """Writes a chunked HTTP body, gathering events that are already due into one chunk."""

    # A stream running behind schedule (a busy loop) still sends at least this often.
    MAX_HOLD_S = 0.02

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.pending: list[bytes] = []
        self.pending_since = 0.0

    def add(self, data: bytes) -> None:
        if not self.pending:
            self.pending_since = asyncio.get_running_loop().time()
        self.pending.append(data)

    async def flush(self) -> None:
        if not self.pending:
            return
        data = b"".join(self.pending)
        self.pending.clear()
        if self.writer.transport.is_closing():
            raise _ClientGone
        self.writer.write(b"%x\r\n%s\r\n" % (len(data), data))
        try:
            await self.writer.drain()
        except ConnectionError as error:
            raise _ClientGone from error

    async def until(self, due: float) -> None:
        """Wait for `due` (loop time); what is gathered goes out first, so it is never late."""
        now = asyncio.get_running_loop().time()
        if due - now > 0.001:
            await self.flush()
            await asyncio.sleep(due - now)
        elif self.pending and now - self.pending_since > self.MAX_HOLD_S:
            await self.flush()

    async def finish(self) -> None:
        await self.flush()
        self.writer.write(b"0\r\n\r\n")
        with contextlib.suppress(ConnectionError):
            await self.writer.drain()


CONFIG_FIELDS = (
    "first_token_ms",
    "tokens_per_second",
    "min_cacheable_tokens",
    "prefill_tokens_per_second",
)


def _check_min_cacheable(value: Any) -> int | Mapping[str, int]:
    if isinstance(value, bool):
        raise ValueError(f"min_cacheable_tokens must be a number or a mapping, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"min_cacheable_tokens must be >= 0, got {value}")
        return value
    if isinstance(value, Mapping) and all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
        for k, v in value.items()
    ):
        return dict(value)
    raise ValueError(f"min_cacheable_tokens must be a number or model -> tokens, got {value!r}")


def _check_prefill_rate(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"prefill_tokens_per_second must be > 0, got {value!r}")
    return float(value)


class FakeAnthropicServer:
    """The fake API server. Thread-safe: tests script it and read `.requests` from their own
    thread while it serves on its own event loop."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        first_token_ms: float = DEFAULT_FIRST_TOKEN_MS,
        tokens_per_second: float = DEFAULT_TOKENS_PER_SECOND,
        api_key: str | None = None,
        min_cacheable_tokens: int | Mapping[str, int] | None = None,
        prefill_tokens_per_second: float | None = None,
        record_requests: bool = True,
        allow_remote: bool = False,
    ) -> None:
        if not allow_remote and not is_loopback_host(host):
            raise ValueError(
                f"the fake Anthropic server listens on loopback only, not {host!r} "
                "(pass allow_remote=True to override)"
            )
        if first_token_ms < 0:
            raise ValueError(f"first_token_ms must be >= 0, got {first_token_ms}")
        if tokens_per_second <= 0:
            raise ValueError(f"tokens_per_second must be > 0, got {tokens_per_second}")
        if min_cacheable_tokens is not None:
            min_cacheable_tokens = _check_min_cacheable(min_cacheable_tokens)
        self.host = host
        self.port = port
        self.first_token_ms = float(first_token_ms)
        self.tokens_per_second = float(tokens_per_second)
        self.api_key = api_key
        # None: each model's documented minimum; a number: one floor for every model; a
        # mapping: per-model overrides of the documented figures.
        self.min_cacheable_tokens = min_cacheable_tokens
        self.prefill_tokens_per_second = _check_prefill_rate(prefill_tokens_per_second)
        self.record_requests = record_requests
        self._lock = threading.Lock()
        self._script: list[tuple[ResponseSpec, int | None]] = []
        self._requests: list[dict[str, Any]] = []
        # (model, system text) -> loop time of last use: what the prompt cache holds.
        self._prompt_cache: dict[tuple[str, str], float] = {}
        self._stats = self._fresh_stats()
        self._server: asyncio.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop_event: asyncio.Event | None = None
        self._connections: set[asyncio.Task[None]] = set()

    # -- the Python API -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every API request received, oldest first: method, path, headers, body (parsed JSON),
        status (what the fake answered), received_at (epoch seconds)."""
        with self._lock:
            return list(self._requests)

    @property
    def pending_specs(self) -> int:
        """Scripted responses not yet used (a spec that repeats forever counts once)."""
        with self._lock:
            return len(self._script)

    def script(self, *specs: ResponseSpec | Mapping[str, Any]) -> None:
        """Queue responses, used in order by the requests they match."""
        parsed = parse_specs(list(specs))
        with self._lock:
            self._script.extend((spec, spec.repeat) for spec in parsed)

    def min_cacheable_for(self, model: str) -> int:
        """The shortest system prefix this fake caches for `model`."""
        floor = self.min_cacheable_tokens
        if isinstance(floor, int):
            return floor
        return documented_min_cacheable_tokens(model, floor)

    def configure(
        self,
        *,
        first_token_ms: float | None = None,
        tokens_per_second: float | None = None,
        min_cacheable_tokens: int | Mapping[str, int] | None = None,
        prefill_tokens_per_second: float | None = None,
    ) -> None:
        """Change the defaults while serving (a prefill rate of 0 turns prefill modelling off)."""
        if min_cacheable_tokens is not None:
            self.min_cacheable_tokens = _check_min_cacheable(min_cacheable_tokens)
        if prefill_tokens_per_second is not None:
            self.prefill_tokens_per_second = _check_prefill_rate(prefill_tokens_per_second or None)
        if first_token_ms is not None:
            if isinstance(first_token_ms, bool) or first_token_ms < 0:
                raise ValueError(f"first_token_ms must be >= 0, got {first_token_ms}")
            self.first_token_ms = float(first_token_ms)
        if tokens_per_second is not None:
            if isinstance(tokens_per_second, bool) or tokens_per_second <= 0:
                raise ValueError(f"tokens_per_second must be > 0, got {tokens_per_second}")
            self.tokens_per_second = float(tokens_per_second)

    def reset(self) -> None:
        """Forget the script, the recorded requests, the prompt cache and the counters."""
        with self._lock:
            self._script.clear()
            self._requests.clear()
            self._prompt_cache.clear()
            self._stats = self._fresh_stats()

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {**self._stats, "script_pending": len(self._script)}

    # -- running it -----------------------------------------------------------------------

    def start(self) -> FakeAnthropicServer:
        """Serve on a background thread with its own event loop; returns once listening."""
        if self._thread is not None:
            raise RuntimeError("the fake Anthropic server is already running")
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._listen())
            except BaseException as error:
                failure.append(error)
                started.set()
                loop.close()
                return
            started.set()
            try:
                loop.run_until_complete(self._serve_until_stopped())
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="fake-anthropic", daemon=True)
        self._thread.start()
        started.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._thread is None or self._loop is None or self._stop_event is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop may already be gone
            self._loop.call_soon_threadsafe(self._stop_event.set)
        self._thread.join(timeout=10)
        self._thread = None

    def __enter__(self) -> FakeAnthropicServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def serve(self, on_ready: Callable[[FakeAnthropicServer], None] | None = None) -> None:
        """Serve on the running event loop until cancelled or `request_stop()`."""
        await self._listen()
        if on_ready is not None:
            on_ready(self)
        await self._serve_until_stopped()

    def request_stop(self) -> None:
        """Stop `serve()`; call it on the serving loop (e.g. from a signal handler)."""
        if self._stop_event is not None:
            self._stop_event.set()

    async def _listen(self) -> None:
        self._stop_event = asyncio.Event()
        # A deep backlog: a benchmark opens hundreds of connections at once.
        self._server = await asyncio.start_server(
            self._serve_connection, self.host, self.port, backlog=2048, limit=MAX_HEAD_BYTES
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve_until_stopped(self) -> None:
        assert self._stop_event is not None and self._server is not None
        try:
            await self._stop_event.wait()
        finally:
            self._server.close()
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), timeout=5)

    # -- HTTP -----------------------------------------------------------------------------

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        with self._lock:
            self._stats["connections_total"] += 1
        try:
            while True:
                try:
                    request = await self._read_request(reader)
                except RequestRejected as rejected:
                    await self._send_json(
                        writer,
                        rejected.status,
                        error_body(rejected.status, rejected.message),
                        keep_alive=False,
                    )
                    return
                if request is None:
                    return
                if not await self._respond(request, writer):
                    return
        except (_ClientGone, ConnectionError, asyncio.IncompleteReadError):
            return
        except asyncio.CancelledError:
            return  # the server is stopping
        except Exception:
            # A bug in the fake must show as an API error in the test, not a hung client.
            logger.exception("fake Anthropic server failed on a request")
            with contextlib.suppress(Exception):
                payload = error_body(500, "the fake Anthropic server failed; see its log")
                await self._send_json(writer, 500, payload, keep_alive=False)
        finally:
            self._connections.discard(task)
            writer.close()

    async def _read_request(self, reader: asyncio.StreamReader) -> HttpRequest | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as error:
            if error.partial.strip():
                raise RequestRejected(400, "incomplete request head") from error
            return None  # the client closed an idle keep-alive connection
        except asyncio.LimitOverrunError as error:
            raise RequestRejected(431, "request headers too large") from error
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = request_line.split(" ")
        except ValueError as error:
            raise RequestRejected(400, f"malformed request line {request_line!r}") from error
        headers: dict[str, str] = {}
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name = name.strip().lower()
            value = value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = await self._read_chunked_body(reader)
        else:
            try:
                length = int(headers.get("content-length", "0"))
            except ValueError as error:
                raise RequestRejected(400, "invalid content-length") from error
            if length > MAX_BODY_BYTES:
                raise RequestRejected(413, "Request exceeds the maximum allowed size.")
            body = await reader.readexactly(length) if length else b""
        return HttpRequest(method.upper(), target, version, headers, body)

    async def _read_chunked_body(self, reader: asyncio.StreamReader) -> bytes:
        parts: list[bytes] = []
        size_total = 0
        while True:
            size_line = await reader.readuntil(b"\r\n")
            try:
                size = int(size_line.split(b";")[0].strip(), 16)
            except ValueError as error:
                raise RequestRejected(400, "invalid chunk size") from error
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass  # trailers carry nothing we use
                return b"".join(parts)
            size_total += size
            if size_total > MAX_BODY_BYTES:
                raise RequestRejected(413, "Request exceeds the maximum allowed size.")
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)

    async def _respond(self, request: HttpRequest, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the connection must close afterwards."""
        keep_alive = request.keep_alive
        path = request.path.rstrip("/") or "/"
        if path.startswith("/_fake/"):
            status, payload = self._control(request, path)
            await self._send_json(writer, status, payload, keep_alive=keep_alive)
            return keep_alive
        if path in ("/v1/messages", "/v1/messages/count_tokens"):
            return await self._messages(request, path, writer, keep_alive)
        await self._send_json(
            writer, 404, error_body(404, f"Not found: {request.path}"), keep_alive=keep_alive
        )
        return keep_alive

    async def _send_json(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        payload: Any,
        *,
        keep_alive: bool,
        extra_headers: Mapping[str, str] | None = None,
    ) -> None:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = {
            "content-type": "application/json",
            "content-length": str(len(body)),
            **(extra_headers or {}),
        }
        writer.write(self._head(status, headers, keep_alive=keep_alive) + body)
        await writer.drain()

    @staticmethod
    def _head(status: int, headers: Mapping[str, str], *, keep_alive: bool) -> bytes:
        lines = [f"HTTP/1.1 {status} {REASON_PHRASES.get(status, 'Error')}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"connection: {'keep-alive' if keep_alive else 'close'}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    # -- the control API ------------------------------------------------------------------

    def _control(self, request: HttpRequest, path: str) -> tuple[int, Any]:
        route = (request.method, path)
        try:
            if route == ("POST", "/_fake/script"):
                specs = parse_specs(json.loads(request.body or b"[]"))
                self.script(*specs)
                return 200, {"queued": len(specs), "pending": self.pending_specs}
            if route == ("POST", "/_fake/reset"):
                self.reset()
                return 200, {"reset": True}
            if route == ("POST", "/_fake/config"):
                config = json.loads(request.body or b"{}")
                if not isinstance(config, dict) or set(config) - set(CONFIG_FIELDS):
                    raise ValueError(f"config takes {', '.join(CONFIG_FIELDS)} only")
                self.configure(**config)
                return 200, {
                    "first_token_ms": self.first_token_ms,
                    "tokens_per_second": self.tokens_per_second,
                    "min_cacheable_tokens": self.min_cacheable_tokens,
                    "prefill_tokens_per_second": self.prefill_tokens_per_second,
                }
            if route == ("GET", "/_fake/requests"):
                since = int(request.query.get("since", ["0"])[0])
                return 200, self.requests[since:]
            if route == ("GET", "/_fake/stats"):
                return 200, self.stats()
        except (ValueError, TypeError) as error:  # json.JSONDecodeError is a ValueError
            return 400, error_body(400, str(error))
        return 404, error_body(404, f"no control endpoint {request.method} {path}")

    # -- the Messages API -----------------------------------------------------------------

    async def _messages(
        self, request: HttpRequest, path: str, writer: asyncio.StreamWriter, keep_alive: bool
    ) -> bool:
        try:
            body: Any = json.loads(request.body) if request.body else None
        except (ValueError, UnicodeDecodeError):
            body = None
        record: dict[str, Any] = {
            "method": request.method,
            "path": request.path,
            "headers": dict(request.headers),
            "body": body,
            "status": None,
            "received_at": time.time(),
        }
        if body is None and request.body:
            record["raw_body"] = request.body.decode("utf-8", "replace")
        with self._lock:
            self._stats["requests_total"] += 1
            if self.record_requests:
                self._requests.append(record)
        try:
            if request.method != "POST":
                raise RequestRejected(
                    405, f"Method {request.method} not allowed", "not_found_error"
                )
            self._check_auth(request.headers)
            if not request.headers.get("anthropic-version"):
                raise RequestRejected(400, "anthropic-version: header is required")
            if body is None:
                raise RequestRejected(
                    400, "There was an issue with the request body: it is not valid JSON."
                )
            if not isinstance(body, dict):
                raise RequestRejected(400, "The request body is not a JSON object.")
            if path.endswith("/count_tokens"):
                body = {**body, "max_tokens": 1}  # count_tokens takes no max_tokens
                body.pop("stream", None)
            check_messages_body(body)
        except RequestRejected as rejected:
            return await self._send_error(
                writer, record, rejected.status, rejected.message, keep_alive, rejected.error_type
            )
        if path.endswith("/count_tokens"):
            record["status"] = 200
            input_tokens = estimate_tokens(self._prompt_characters(body))
            await self._send_json(
                writer, 200, {"input_tokens": max(1, input_tokens)}, keep_alive=keep_alive
            )
            return keep_alive

        spec = self._take_spec(body)
        if spec is not None and spec.status != 200:
            headers = {}
            if spec.retry_after is not None:
                seconds = spec.retry_after
                headers["retry-after"] = (
                    str(int(seconds)) if seconds == int(seconds) else str(seconds)
                )
            message = spec.error_message or ERROR_MESSAGES.get(spec.status, "Error")
            return await self._send_error(
                writer, record, spec.status, message, keep_alive, extra_headers=headers
            )
        reply = self._plan(body, spec)
        record["status"] = 200
        self._count_status(200)
        if body.get("stream"):
            return await self._stream(writer, reply, keep_alive)
        return await self._send_message(writer, reply, keep_alive)

    def _check_auth(self, headers: Mapping[str, str]) -> None:
        key = presented_api_key(headers)
        if key is None:
            raise RequestRejected(401, "x-api-key header is required")
        if self.api_key is not None and key != self.api_key:
            raise RequestRejected(401, "invalid x-api-key")

    async def _send_error(
        self,
        writer: asyncio.StreamWriter,
        record: dict[str, Any],
        status: int,
        message: str,
        keep_alive: bool,
        error_type: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> bool:
        record["status"] = status
        self._count_status(status)
        payload = error_body(status, message, error_type)
        headers = {"request-id": payload["request_id"], **(extra_headers or {})}
        await self._send_json(writer, status, payload, keep_alive=keep_alive, extra_headers=headers)
        return keep_alive

    def _count_status(self, status: int) -> None:
        with self._lock:
            by_status = self._stats["responses_by_status"]
            by_status[str(status)] = by_status.get(str(status), 0) + 1

    def _take_spec(self, body: Mapping[str, Any]) -> ResponseSpec | None:
        question = last_user_text(body)
        with self._lock:
            for position, (spec, remaining) in enumerate(self._script):
                if not spec.matches(body["model"], question):
                    continue
                if remaining is not None:
                    if remaining <= 1:
                        del self._script[position]
                    else:
                        self._script[position] = (spec, remaining - 1)
                return spec
        return None

    @staticmethod
    def _prompt_characters(body: Mapping[str, Any]) -> int:
        characters = len(block_text(body.get("system")))
        for message in body.get("messages") or []:
            characters += len(block_text(message.get("content")))
        return characters

    def _cached_prefix_tokens(self, body: Mapping[str, Any]) -> tuple[int, int]:
        """(cache write, cache read) tokens: a system prompt marked for caching is written on
        first use and read while its entry lives."""
        system = body.get("system")
        marked = "cache_control" in body or (
            isinstance(system, list)
            and any(isinstance(b, Mapping) and b.get("cache_control") for b in system)
        )
        system_text = block_text(system)
        prefix_tokens = estimate_tokens(len(system_text))
        too_short = prefix_tokens < self.min_cacheable_for(body["model"])
        if not marked or prefix_tokens == 0 or too_short:
            return 0, 0
        key = (body["model"], system_text)
        now = time.monotonic()
        with self._lock:
            last_used = self._prompt_cache.get(key)
            self._prompt_cache[key] = now
        if last_used is not None and now - last_used < PROMPT_CACHE_TTL_S:
            return 0, prefix_tokens
        return prefix_tokens, 0

    def _prefill_ms(self, processed_tokens: int, cache_read_tokens: int) -> float:
        """Time to read the prompt before the first token, when modelled: fresh tokens at the
        prefill rate, cached ones at a tenth of that time."""
        rate = self.prefill_tokens_per_second
        if not rate:
            return 0.0
        return 1000 * (processed_tokens + cache_read_tokens * CACHE_READ_TIME_SHARE) / rate

    def _plan(self, body: Mapping[str, Any], spec: ResponseSpec | None) -> Reply:
        spec = spec or ResponseSpec()
        text = spec.text if spec.text is not None else rule_based_answer(last_user_text(body))
        thinking_config = body.get("thinking") or {}
        thinking_on = thinking_config.get("type") != "disabled"
        thinking_tokens = (
            split_tokens(spec.thinking) if spec.thinking is not None and thinking_on else None
        )
        text_tokens = split_tokens(text)
        stop_reason = spec.stop_reason or "end_turn"
        # Thinking counts against max_tokens, as it does for the real models.
        budget = body["max_tokens"] - len(thinking_tokens or [])
        if len(text_tokens) > max(budget, 0):
            text_tokens = text_tokens[: max(budget, 0)]
            stop_reason = "max_tokens"
        cache_write, cache_read = self._cached_prefix_tokens(body)
        uncached = max(1, estimate_tokens(self._prompt_characters(body)) - cache_write - cache_read)
        input_tokens = spec.input_tokens if spec.input_tokens is not None else uncached
        cache_write = (
            spec.cache_creation_input_tokens
            if spec.cache_creation_input_tokens is not None
            else cache_write
        )
        cache_read = (
            spec.cache_read_input_tokens if spec.cache_read_input_tokens is not None else cache_read
        )
        first_token_ms = spec.first_token_ms
        if first_token_ms is None:
            first_token_ms = self.first_token_ms + self._prefill_ms(
                input_tokens + cache_write, cache_read
            )
        error_event_type = None
        if spec.error_event:
            error_event_type = (
                spec.error_event if isinstance(spec.error_event, str) else "overloaded_error"
            )
        return Reply(
            model=body["model"],
            text_tokens=text_tokens,
            thinking_tokens=thinking_tokens,
            thinking_omitted=thinking_config.get("display") == "omitted",
            stop_reason=stop_reason,
            input_tokens=input_tokens,
            output_tokens=(
                spec.output_tokens
                if spec.output_tokens is not None
                else max(1, len(text_tokens) + len(thinking_tokens or []))
            ),
            cache_creation_input_tokens=cache_write,
            cache_read_input_tokens=cache_read,
            first_token_ms=first_token_ms,
            tokens_per_second=spec.tokens_per_second or self.tokens_per_second,
            cut_after_chars=spec.cut_after_chars,
            error_event_type=error_event_type,
        )

    async def _send_message(
        self, writer: asyncio.StreamWriter, reply: Reply, keep_alive: bool
    ) -> bool:
        tokens = len(reply.text_tokens) + len(reply.thinking_tokens or [])
        await asyncio.sleep(reply.first_token_ms / 1000 + tokens / reply.tokens_per_second)
        if reply.cut_after_chars is not None:
            return False  # the connection drops before any response
        if reply.error_event_type is not None:
            status = 529 if reply.error_event_type == "overloaded_error" else 500
            payload = error_body(status, ERROR_MESSAGES.get(status, "Error"))
            await self._send_json(writer, status, payload, keep_alive=keep_alive)
            return keep_alive
        await self._send_json(
            writer,
            200,
            reply.message(),
            keep_alive=keep_alive,
            extra_headers={"request-id": f"req_{uuid.uuid4().hex[:24]}"},
        )
        return keep_alive

    async def _stream(self, writer: asyncio.StreamWriter, reply: Reply, keep_alive: bool) -> bool:
        with self._lock:
            self._stats["active_streams"] += 1
            self._stats["peak_active_streams"] = max(
                self._stats["peak_active_streams"], self._stats["active_streams"]
            )
        try:
            return await self._stream_events(writer, reply, keep_alive)
        finally:
            with self._lock:
                self._stats["active_streams"] -= 1

    async def _stream_events(
        self, writer: asyncio.StreamWriter, reply: Reply, keep_alive: bool
    ) -> bool:
        headers = {
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-cache",
            "transfer-encoding": "chunked",
            "request-id": f"req_{uuid.uuid4().hex[:24]}",
        }
        writer.write(self._head(200, headers, keep_alive=keep_alive))
        out = _ChunkedWriter(writer)
        start_message = {**reply.message(), "content": [], "stop_reason": None}
        start_message["stop_details"] = None
        start_message["usage"] = reply.usage(output_tokens=1)
        out.add(sse_event("message_start", {"type": "message_start", "message": start_message}))
        out.add(sse_event("ping", {"type": "ping"}))
        await out.flush()

        loop = asyncio.get_running_loop()
        first_token_at = loop.time() + reply.first_token_ms / 1000
        seconds_per_token = 1 / reply.tokens_per_second
        emitted_tokens = 0

        async def pace() -> None:
            nonlocal emitted_tokens
            await out.until(first_token_at + emitted_tokens * seconds_per_token)
            emitted_tokens += 1

        async def cut() -> bool:
            await out.flush()
            # Closing without the final chunk is how a dropped stream looks to the client.
            writer.close()
            return False

        index = 0
        if reply.thinking_tokens is not None:
            await out.until(first_token_at)
            out.add(self._block_start(index, {"type": "thinking", "thinking": "", "signature": ""}))
            for token in [] if reply.thinking_omitted else reply.thinking_tokens:
                await pace()
                delta: dict[str, Any] = {"type": "thinking_delta", "thinking": token}
                out.add(self._block_delta(index, delta))
            out.add(
                self._block_delta(
                    index, {"type": "signature_delta", "signature": reply.signature()}
                )
            )
            out.add(sse_event("content_block_stop", {"type": "content_block_stop", "index": index}))
            index += 1

        error_at = len(reply.text_tokens) // 2 if reply.error_event_type else None
        sent_chars = 0
        if reply.cut_after_chars == 0:
            return await cut()
        if reply.text_tokens and error_at != 0:
            await out.until(first_token_at + emitted_tokens * seconds_per_token)
            out.add(self._block_start(index, {"type": "text", "text": ""}))
        for position, token in enumerate(reply.text_tokens):
            if position == error_at:
                break
            await pace()
            if (
                reply.cut_after_chars is not None
                and sent_chars + len(token) >= reply.cut_after_chars
            ):
                piece = token[: reply.cut_after_chars - sent_chars]
                if piece:
                    out.add(self._block_delta(index, {"type": "text_delta", "text": piece}))
                return await cut()
            out.add(self._block_delta(index, {"type": "text_delta", "text": token}))
            sent_chars += len(token)
        if reply.cut_after_chars is not None:
            return await cut()  # asked to cut beyond the text: cut before the message ends
        if reply.error_event_type is not None:
            error = error_body(529, "Overloaded", reply.error_event_type)
            if reply.error_event_type != "overloaded_error":
                error["error"]["message"] = "Internal server error"
            out.add(sse_event("error", error))
            await out.finish()
            return keep_alive
        if reply.text_tokens:
            out.add(sse_event("content_block_stop", {"type": "content_block_stop", "index": index}))
        delta = {
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "stop_details": refusal_details(reply.stop_reason),
        }
        usage = {
            key: value
            for key, value in reply.usage(output_tokens=reply.output_tokens).items()
            if key
            in (
                "input_tokens",
                "cache_creation_input_tokens",
                "cache_read_input_tokens",
                "output_tokens",
            )
        }
        out.add(
            sse_event("message_delta", {"type": "message_delta", "delta": delta, "usage": usage})
        )
        out.add(sse_event("message_stop", {"type": "message_stop"}))
        await out.finish()
        return keep_alive

    @staticmethod
    def _block_start(index: int, block: Mapping[str, Any]) -> bytes:
        return sse_event(
            "content_block_start",
            {"type": "content_block_start", "index": index, "content_block": block},
        )

    @staticmethod
    def _block_delta(index: int, delta: Mapping[str, Any]) -> bytes:
        return sse_event(
            "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
        )

    @staticmethod
    def _fresh_stats() -> dict[str, Any]:
        return {
            "connections_total": 0,
            "requests_total": 0,
            "responses_by_status": {},
            "active_streams": 0,
            "peak_active_streams": 0,
        }


def load_script_file(text: str) -> list[ResponseSpec]:
    """Specs from a JSON script file's text, with a clear error for bad JSON or specs."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON: {error}") from error
    return parse_specs(raw)


__all__ = [
    "FakeAnthropicServer",
    "ResponseSpec",
    "is_loopback_host",
    "load_script_file",
    "parse_specs",
]

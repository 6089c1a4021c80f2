"""Client frames of the chat socket, read and checked in one place before anything acts on them.

Each frame type is a dataclass; `read_chat_frame` turns a websocket text frame into one or
refuses it with a stable code. Reading costs no more than the frame's size: the JSON nesting is
bounded before the parser recurses, numbers are bounded by what they can mean, and strings
that the databases cannot store (NUL, other control characters, lone surrogates) are refused
alike on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, NoReturn

from .actions import ActionRefused, check_customer_text
from .closing import check_rating

MAX_FRAME_CHARS = 64 * 1024
# Frames are flat objects; a little room for fields later versions may nest.
MAX_FRAME_DEPTH = 8
MAX_CLIENT_ID_CHARS = 64
MAX_TOKEN_CHARS = 256
MAX_EMAIL_CHARS = 254
# Seqs and scores fit a database integer; anything longer is not a number a client can mean.
MAX_INTEGER_DIGITS = 18

# Control characters other than tab, line feed and carriage return, and lone surrogates
# (which JSON escapes can carry but UTF-8 cannot encode).
_NOT_STORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_NOT_STORABLE_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# A JSON string literal, so that brackets inside strings do not count as nesting; one left open
# runs to the end (so every quote matches at once and the scan stays linear).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_LANGUAGE_TAG = re.compile(r"([A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?)?")


class FrameRefused(Exception):
    """A frame the socket does not act on: answered with an `error` frame of this code."""

    def __init__(self, code: str, detail: str, *, close: bool = False, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.close = close
        self.extra = extra


@dataclass(frozen=True)
class Hello:
    token: str | None
    last_seq: int
    language: str
    page: object  # checked by identity.check_page


@dataclass(frozen=True)
class Identify:
    """The site's signed word on who the customer is; identity.check_identity reads it."""

    fields: dict[str, Any]


@dataclass(frozen=True)
class CustomerMessage:
    client_id: str
    text: str


@dataclass(frozen=True)
class Handoff:
    pass


@dataclass(frozen=True)
class Solved:
    pass


@dataclass(frozen=True)
class Rating:
    score: int
    comment: str


@dataclass(frozen=True)
class FollowUpEmail:
    email: str


@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class Typing:
    """The customer is writing (or, with `active` false, stopped): shown to agents, never
    stored."""

    active: bool


ChatFrame = (
    Hello | CustomerMessage | Handoff | Solved | Rating | FollowUpEmail | Identify | Ping | Typing
)


def nests_deeper_than(text: str, depth: int) -> bool:
    """Whether JSON `text` nests arrays and objects more than `depth` deep, found without
    recursion (the parser recurses once per level)."""
    if text.count("[") + text.count("{") <= depth:
        return False
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text))
    return bool(brackets) and max(accumulate(map(_BRACKET_STEP.__getitem__, brackets))) > depth


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise FrameRefused("invalid_field", "A number in the frame is far too large.")
    return int(digits)


def _not_json(constant: str) -> NoReturn:
    raise FrameRefused("invalid_json", f"`{constant}` is not JSON.")


def load_frame(
    text_data: str | None, bytes_data: bytes | None, known_types: frozenset[str]
) -> dict[str, Any]:
    """A text frame as a JSON object with a known `type`, or FrameRefused."""
    if text_data is None:
        raise FrameRefused("binary_not_supported", "Frames must be JSON text, not binary.")
    if len(text_data) > MAX_FRAME_CHARS:
        raise FrameRefused(
            "frame_too_large", f"A frame may have at most {MAX_FRAME_CHARS} characters."
        )
    if nests_deeper_than(text_data, MAX_FRAME_DEPTH):
        raise FrameRefused(
            "frame_too_deep", f"A frame may nest arrays and objects at most {MAX_FRAME_DEPTH} deep."
        )
    try:
        frame = json.loads(text_data, parse_int=_bounded_int, parse_constant=_not_json)
    except ValueError:
        raise FrameRefused("invalid_json", "The frame is not valid JSON.") from None
    if not isinstance(frame, dict):
        raise FrameRefused("invalid_frame", "A frame must be a JSON object.")
    if "type" not in frame:
        raise FrameRefused("missing_type", "The frame has no `type`.")
    frame_type = frame["type"]
    if not isinstance(frame_type, str) or frame_type not in known_types:
        shown = frame_type[:40] if isinstance(frame_type, str) else type(frame_type).__name__
        raise FrameRefused("unknown_type", f"Unknown frame type: {shown!r}.")
    return frame


def check_storable(field: str, value: str, *, one_line: bool = False) -> str:
    """`value`, unless it holds a character no database here can store or show."""
    pattern = _NOT_STORABLE_ONE_LINE if one_line else _NOT_STORABLE
    if pattern.search(value):
        raise FrameRefused(
            "invalid_field",
            f"`{field}` holds a character that cannot be stored "
            "(a control character or half of a surrogate pair).",
        )
    return value


def _hello(frame: dict[str, Any]) -> Hello:
    token = frame.get("token")
    if token is not None:
        if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
            raise FrameRefused("invalid_field", "`token` must be a string or null.")
        check_storable("token", token, one_line=True)
    last_seq = frame.get("last_seq", 0)
    if isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0:
        raise FrameRefused("invalid_field", "`last_seq` must be a whole number, 0 or more.")
    language = frame.get("language", "")
    if not isinstance(language, str) or not _LANGUAGE_TAG.fullmatch(language):
        raise FrameRefused("invalid_field", "`language` must be a language tag such as `en-GB`.")
    page = frame.get("page")
    if isinstance(page, str):
        check_storable("page", page, one_line=True)
    return Hello(token=token, last_seq=last_seq, language=language, page=page)


def _identify(frame: dict[str, Any]) -> Identify:
    """Only storability here; identity.check_identity bounds and verifies the fields."""
    for name in ("external_id", "name", "email", "hash"):
        value = frame.get(name)
        if isinstance(value, str):
            check_storable(name, value, one_line=True)
    return Identify(fields=frame)


def _message(frame: dict[str, Any]) -> CustomerMessage:
    client_id = frame.get("client_id")
    if (
        not isinstance(client_id, str)
        or not client_id.strip()
        or len(client_id) > MAX_CLIENT_ID_CHARS
    ):
        raise FrameRefused(
            "invalid_client_id",
            f"`client_id` must be a non-empty string of at most {MAX_CLIENT_ID_CHARS} characters.",
        )
    check_storable("client_id", client_id, one_line=True)
    try:
        text = check_customer_text(frame.get("text"))
    except ActionRefused as refused:
        raise FrameRefused(refused.code, refused.detail) from None
    return CustomerMessage(client_id=client_id, text=check_storable("text", text))


def _rating(frame: dict[str, Any]) -> Rating:
    try:
        score, comment = check_rating(frame.get("score"), frame.get("comment"))
    except ActionRefused as refused:
        raise FrameRefused(refused.code, refused.detail) from None
    return Rating(score=score, comment=check_storable("comment", comment))


def _email(frame: dict[str, Any]) -> FollowUpEmail:
    email = frame.get("email")
    if not isinstance(email, str) or len(email) > MAX_EMAIL_CHARS:
        raise FrameRefused("invalid_email", "That does not look like an email address.")
    return FollowUpEmail(email=check_storable("email", email, one_line=True))


def read_typing(frame: dict[str, Any]) -> Typing:
    """A `typing` frame (the chat's and the inbox's): `active` is optional, true or false."""
    active = frame.get("active", True)
    if not isinstance(active, bool):
        raise FrameRefused("invalid_field", "`active` must be true or false.")
    return Typing(active=active)


_READERS: dict[str, Callable[[dict[str, Any]], ChatFrame]] = {
    "hello": _hello,
    "message": _message,
    "handoff": lambda frame: Handoff(),
    "solved": lambda frame: Solved(),
    "rating": _rating,
    "email": _email,
    "identify": _identify,
    "ping": lambda frame: Ping(),
    "typing": read_typing,
}
CHAT_FRAME_TYPES = frozenset(_READERS)


def read_chat_frame(frame: dict[str, Any]) -> ChatFrame:
    """The typed frame of a loaded chat frame (see `load_frame`), every field checked."""
    return _READERS[frame["type"]](frame)


def echo_client_id(frame: dict[str, Any] | None) -> dict[str, Any]:
    """What a refusal repeats of the frame it refuses: a `message` frame's client_id, so the
    client knows which message was refused; `frame: "typing"` for a typing frame, so a client
    with messages in flight never takes the refusal for one of theirs."""
    if frame and frame.get("type") == "typing":
        return {"frame": "typing"}
    client_id = frame.get("client_id") if frame and frame.get("type") == "message" else None
    if (
        isinstance(client_id, str)
        and client_id.strip()
        and len(client_id) <= MAX_CLIENT_ID_CHARS
        and not _NOT_STORABLE_ONE_LINE.search(client_id)
    ):
        return {"client_id": client_id}
    return {}

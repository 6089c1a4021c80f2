"""The control line a model starts its reply with: parsed off the stream, never shown.

Format (docs/control-line.md): ``[[ladder confidence=0.86 answered=yes intent=none]]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .reasons import MODEL_STATED_INTENTS

CONTROL_PREFIX = "[[ladder"
# How much text may come before we give up waiting for a control line.
MAX_CONTROL_CHARS = 300
_FIELD_RE = re.compile(r"(\w+)\s*=\s*([^\s\]]+)")
_LINE_RE = re.compile(r"\[\[ladder\b(?P<fields>[^\]\n]*)\]\]", re.IGNORECASE)


@dataclass(frozen=True)
class ControlLine:
    confidence: float
    answered: bool
    intent: str | None
    raw: str
    # False when the line was missing or malformed: then confidence is 0 by rule.
    valid: bool


MISSING = ControlLine(confidence=0.0, answered=False, intent=None, raw="", valid=False)


def parse_control_line(line: str) -> ControlLine:
    match = _LINE_RE.search(line)
    if match is None:
        return MISSING
    fields = {k.lower(): v.lower() for k, v in _FIELD_RE.findall(match.group("fields"))}
    try:
        confidence = float(fields["confidence"])
    except (KeyError, ValueError):
        return ControlLine(0.0, False, None, match.group(0), valid=False)
    if confidence != confidence or not 0.0 <= confidence <= 1.0:  # NaN or out of range
        return ControlLine(0.0, False, None, match.group(0), valid=False)
    intent = fields.get("intent", "none")
    return ControlLine(
        confidence=confidence,
        answered=fields.get("answered", "no") in ("yes", "true", "1"),
        intent=intent if intent in MODEL_STATED_INTENTS else None,
        raw=match.group(0),
        valid=True,
    )


class ControlLineReader:
    """Feeds on the visible text of a stream; holds it back until the control line is read.

    `feed` returns the text that may be shown (empty while the line is still pending).
    """

    def __init__(self) -> None:
        self._buffer = ""
        self.control: ControlLine | None = None

    @property
    def resolved(self) -> bool:
        return self.control is not None

    def feed(self, text: str) -> str:
        if self.control is not None:
            return text
        self._buffer += text
        stripped = self._buffer.lstrip()
        if not stripped:
            return ""
        head = stripped[: len(CONTROL_PREFIX)].lower()
        if not CONTROL_PREFIX.startswith(head):
            # The model forgot the line: everything it wrote is answer text, at confidence 0.
            return self._resolve(MISSING, stripped)
        end = stripped.find("]]")
        if end != -1:
            line_end = end + 2
            control = parse_control_line(stripped[:line_end])
            return self._resolve(control, stripped[line_end:].lstrip("\r\n").lstrip())
        if "\n" in stripped or len(stripped) > MAX_CONTROL_CHARS:
            return self._resolve(MISSING, stripped)
        return ""

    def finish(self) -> str:
        """The stream ended: whatever is still held back, with the line missing if never read."""
        if self.control is not None:
            return ""
        return self._resolve(MISSING, self._buffer.strip())

    def _resolve(self, control: ControlLine, visible: str) -> str:
        self.control = control
        self._buffer = ""
        return visible


def neutralise_control_lines(customer_text: str) -> str:
    """Customer text must not be able to pose as a control line, even if a model echoes it."""
    return re.sub(r"\[\[\s*ladder", "[ [ladder", customer_text, flags=re.IGNORECASE)

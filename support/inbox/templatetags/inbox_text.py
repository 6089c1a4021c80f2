"""Message text in the inbox: the widget's safe Markdown subset (paragraphs, **bold**,
[label](https://...) and bare http(s) links), so agents read an answer as the customer sees it.
Everything else is escaped text; nothing a model or a customer wrote becomes markup."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The same patterns as static/widget/ladder.js's INLINE.
INLINE = re.compile(r"(\*\*[^*\n]+\*\*|\[[^\]\n]{1,200}\]\(https?://[^\s)]+\)|https?://[^\s<>\"]+)")
TRAILING_PUNCTUATION = re.compile(r"[.,;:!?)\]'\u2019]+$")


def _safe_href(raw: str) -> str | None:
    parts = urlsplit(raw)
    return raw if parts.scheme in ("http", "https") and parts.netloc else None


def _link(href: str, label: str) -> str:
    return format_html(
        '<a href="{}" target="_blank" rel="noopener noreferrer nofollow">{}</a>', href, label
    )


def _inline(text: str) -> str:
    out: list[str] = []
    for index, part in enumerate(INLINE.split(text)):
        if not part:
            continue
        if index % 2 == 0:
            out.append(escape(part))
        elif part.startswith("**"):
            out.append(format_html("<strong>{}</strong>", part[2:-2]))
        elif part.startswith("["):
            close = part.index("](")
            href = _safe_href(part[close + 2 : -1])
            out.append(_link(href, part[1:close]) if href else escape(part))
        else:
            # A bare URL at the end of a sentence: the full stop is not part of it.
            trail = TRAILING_PUNCTUATION.search(part)
            bare = part[: trail.start()] if trail else part
            href = _safe_href(bare)
            out.append(_link(href, bare) if href else escape(bare))
            if trail:
                out.append(escape(trail.group()))
    return "".join(out)


def render_safe_markdown(text: str) -> SafeString:
    paragraphs = [
        "<p>" + "<br>".join(_inline(line) for line in para.split("\n")) + "</p>"
        for para in re.split(r"\n{2,}", str(text or ""))
        if para.strip()
    ]
    return mark_safe("".join(paragraphs))  # noqa: S308 - every piece above is escaped


@register.filter
def safe_markdown(text: str) -> SafeString:
    return render_safe_markdown(text)

"""How the dashboard writes money, shares, changes and durations."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import template

register = template.Library()

MINUS = "\u2212"  # a real minus sign reads better than a hyphen beside digits


@register.filter
def usd(value: Any) -> str:
    """$1,234 / $12.34 / $0.0123: enough digits to tell small amounts apart."""
    if value is None:
        return "—"
    amount = Decimal(str(value))
    sign = MINUS if amount < 0 else ""
    amount = abs(amount)
    if amount == 0:
        return "$0"
    if amount >= 100:
        return f"{sign}${amount:,.0f}"
    if amount >= 1:
        return f"{sign}${amount:,.2f}"
    return f"{sign}${amount:.4f}"


@register.filter
def share(value: Any) -> str:
    """A fraction as a percentage (0.123 -> 12.3%)."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def change(headline: Any) -> str:
    """A headline's change against the previous period, in words a person reads at a glance."""
    delta = headline.change
    if delta is None:
        return "new" if headline.value and not headline.previous else "no change data"
    if headline.kind == "rate":
        points = delta * 100
        if abs(points) < 0.05:
            return "no change"
        return f"{'+' if points > 0 else MINUS}{abs(points):.1f} points"
    if delta == 0:
        return "no change"
    return f"{'+' if delta > 0 else MINUS}{abs(delta) * 100:.0f}%"


@register.filter
def direction(headline: Any) -> str:
    delta = headline.change
    if not delta:
        return "flat"
    return "up" if delta > 0 else "down"


@register.filter
def duration(value_ms: Any) -> str:
    """850 ms, 2.3 s, 4.5 min, 1.2 h, 2.1 d."""
    if value_ms is None:
        return "—"
    ms = float(value_ms)
    if ms < 1000:
        return f"{ms:.0f} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


@register.filter
def figure_value(headline: Any) -> str:
    if headline.kind == "rate":
        return share(headline.value)
    return f"{headline.value:,}"


@register.simple_tag
def query(params: dict[str, str], **extra: Any) -> str:
    """The dashboard's choices as a query string, with some parameters added or replaced."""
    merged = dict(params)
    for key, value in extra.items():
        if value in (None, ""):
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return urlencode(merged)


@register.filter
def new_article_url(question: str) -> str:
    """The admin's "add article" form with the question as its title."""
    return f"/admin/knowledge/knowledgearticle/add/?{urlencode({'title': question[:200]})}"


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, key)


@register.filter
def add_money(first: Any, second: Any) -> Decimal:
    return Decimal(str(first or 0)) + Decimal(str(second or 0))


@register.filter
def pretty_json(data: Any) -> str:
    """Audit data as indented JSON (escaped by the template like any text)."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str)

"""The dashboard's choices: date range, filters, the what-if threshold and the viewer's zone."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from routing.reasons import HANDOFF_REASONS, REASON_LABELS

from .queries import RANGE_LABELS, Filters, Period, period_for

MAX_CUSTOM_DAYS = 366
THRESHOLD_MIN = 0.05
THRESHOLD_MAX = 1.0
THRESHOLD_STEP = 0.05


def zone_named(name: str) -> tzinfo | None:
    if not name or len(name) > 64:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class DashboardForm(forms.Form):
    range = forms.ChoiceField(
        choices=list(RANGE_LABELS.items()), required=False, initial="30d", label="Period"
    )
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.ChoiceField(
        choices=[("", "Any reason"), *((r, REASON_LABELS[r]) for r in HANDOFF_REASONS)],
        required=False,
    )
    tier = forms.ChoiceField(
        choices=[
            ("", "Any tier"),
            ("fast", "Fast model only"),
            ("strong", "Reached the strong model"),
            ("human", "Reached a person"),
        ],
        required=False,
        label="Highest tier",
    )
    origin = forms.CharField(required=False, max_length=200, label="Site")
    threshold = forms.DecimalField(
        required=False,
        min_value=THRESHOLD_MIN,
        max_value=THRESHOLD_MAX,
        max_digits=4,
        decimal_places=2,
        label="Confidence threshold",
    )
    tz = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, origins: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        known = origins or []
        self.fields["origin"].widget = forms.Select(
            choices=[("", "Any site"), *((o, o) for o in known)]
        )

    def clean_range(self) -> str:
        return self.cleaned_data.get("range") or "30d"

    def clean_tz(self) -> str:
        name = self.cleaned_data.get("tz") or ""
        if name and zone_named(name) is None:
            raise forms.ValidationError(f"“{name}” is not a time zone we know.")
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if cleaned.get("range") == "custom" and not self.has_error("start"):
            if start is None or end is None:
                raise forms.ValidationError(
                    "For a custom period, choose both a start and an end date."
                )
            if start > end:
                self.add_error("end", "The end date is before the start date.")
            elif (end - start).days + 1 > MAX_CUSTOM_DAYS:
                self.add_error("end", f"A custom period may span at most {MAX_CUSTOM_DAYS} days.")
            elif start.year < 2000:
                self.add_error("start", "Choose a start date in this century.")
        return cleaned


@dataclass(frozen=True)
class DashboardChoices:
    range_name: str
    period: Period
    filters: Filters
    threshold: float
    zone: tzinfo

    def query(self, **extra: Any) -> dict[str, str]:
        """These choices as GET parameters (for drill-down links, exports and the slider)."""
        params = {"range": self.range_name}
        if self.range_name == "custom":
            params |= {
                "start": self.period.first_day.isoformat(),
                "end": self.period.last_day.isoformat(),
            }
        for name in ("reason", "tier", "origin"):
            value = getattr(self.filters, name)
            if value:
                params[name] = value
        params["threshold"] = f"{self.threshold:.2f}"
        zone_key = getattr(self.zone, "key", "")
        if zone_key:
            params["tz"] = zone_key
        params |= {k: str(v) for k, v in extra.items() if v not in (None, "")}
        return params


def default_threshold() -> float:
    """The confidence threshold the router uses now: the local provider has its own."""
    if settings.LADDER_PROVIDER == "local":
        return float(settings.LADDER_LOCAL_CONFIDENCE_THRESHOLD)
    return float(settings.LADDER_CONFIDENCE_THRESHOLD)


def choices_from(form: DashboardForm, *, zone_cookie: str = "", today: date | None = None) -> Any:
    """The validated choices of a bound form (None when it has errors)."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    zone = zone_named(data["tz"]) or zone_named(zone_cookie) or timezone.get_default_timezone()
    today = today or timezone.now().astimezone(zone).date()
    period = period_for(data["range"], today, zone, data.get("start"), data.get("end"))
    threshold = data.get("threshold")
    return DashboardChoices(
        range_name=data["range"],
        period=period,
        filters=Filters(data.get("reason", ""), data.get("tier", ""), data.get("origin", "")),
        threshold=float(threshold) if threshold is not None else default_threshold(),
        zone=zone,
    )

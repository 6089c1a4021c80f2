"""Analytics pages: the dashboard, the conversations behind each number, one conversation's
transcript with its audit trail, and CSV exports. Each view parses the choices, calls
metrics/queries, and renders."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from routing.reasons import REASON_LABELS
from support.conversations.audit import verify_chain
from support.conversations.models import Conversation
from support.conversations.transcript import transcript_of

from . import charts, exports, metrics
from .access import admin_required
from .facts import PATH_LABELS, refresh_facts
from .forms import (
    THRESHOLD_MAX,
    THRESHOLD_MIN,
    THRESHOLD_STEP,
    DashboardChoices,
    DashboardForm,
    choices_from,
    default_threshold,
)
from .queries import FIGURES, Scope, facts_in, origins

# Conversations summarised per page view at most: a fresh bulk import is summarised by
# generate_traffic (or over a few views) rather than in one slow request.
REFRESH_PER_VIEW = 2000
PAGE_SIZE = 25
ZONE_COOKIE = "ladder_tz"


def _choices(request: HttpRequest) -> tuple[DashboardForm, DashboardChoices | None]:
    form = DashboardForm(request.GET or None, origins=origins())
    if not request.GET:
        form = DashboardForm({"range": "30d"}, origins=origins())
    return form, choices_from(form, zone_cookie=request.COOKIES.get(ZONE_COOKIE, ""))


def _links(choices: DashboardChoices) -> Any:
    """Builders of drill-down and export URLs that keep the dashboard's choices."""
    base = choices.query()
    # Encoded once: a 90-day dashboard builds hundreds of these links.
    list_prefix = f"{reverse('analytics:conversations')}?" + (f"{urlencode(base)}&" if base else "")

    def drill(figure: str, value: Any = "") -> str:
        return f"{list_prefix}{urlencode({'figure': figure, 'value': str(value)})}"

    def export(table: str) -> str:
        return f"{reverse('analytics:export', args=[table])}?{urlencode(base)}"

    return drill, export


def _charts(board: metrics.Dashboard, drill: Any) -> dict[str, Any]:
    reasons = charts.bar_chart(
        "chart-reasons",
        "Escalations by reason",
        "For each reason, how many conversations went to the strong model (solid bars) and "
        "how many to a person (hatched bars).",
        [
            (
                r.label,
                [r.to_strong, r.to_person],
                [drill("reason_strong", r.reason), drill("reason_person", r.reason)],
            )
            for r in board.reasons
        ],
        [charts.Series("To the strong model", "solid"), charts.Series("To a person", "hatch")],
    )
    paths = charts.bar_chart(
        "chart-paths",
        "Conversations by tier path",
        "How many conversations stayed with the fast model, went on to the strong model, "
        "to a person, or both.",
        [(p.label, [p.conversations], [drill("path", p.path)]) for p in board.paths],
        [charts.Series("Conversations", "solid")],
    )
    days = [d.day for d in board.days]
    daily = charts.line_chart(
        "chart-daily",
        "Escalations per day",
        "Conversations started each day (solid line, circles), those escalated to the strong "
        "model (dashed line, squares) and those handed to a person (dotted line, triangles).",
        days,
        [
            ("Conversations", [d.conversations for d in board.days], lambda d: drill("day", d)),
            (
                "To the strong model",
                [d.to_strong for d in board.days],
                lambda d: drill("day_strong", d),
            ),
            ("To a person", [d.to_person for d in board.days], lambda d: drill("day_person", d)),
        ],
    )
    c = board.cost
    spend = charts.bar_chart(
        "chart-cost",
        "Model spend against everything on the strong model",
        "Actual spend of the fast and strong models (solid) next to what the same answers would "
        "have cost from the strong model alone (hatched).",
        [
            ("Actual (fast + strong)", [float(c.model_usd), 0.0], [drill("conversations")]),
            ("All from the strong model", [0.0, float(c.all_strong_usd)], [drill("conversations")]),
        ],
        [charts.Series("Actual", "solid"), charts.Series("All strong", "hatch")],
        value_label=lambda v: f"${v:,.2f}" if v >= 1 else (f"${v:.4f}" if v else ""),
    )
    return {"reasons": reasons, "paths": paths, "daily": daily, "cost": spend}


def _render_invalid(request: HttpRequest, form: DashboardForm) -> HttpResponse:
    return render(
        request,
        "analytics/dashboard.html",
        {"form": form, "board": None, "threshold_default": default_threshold()},
        status=400,
    )


@admin_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    refreshed = refresh_facts(limit=REFRESH_PER_VIEW)
    form, choices = _choices(request)
    if choices is None:
        return _render_invalid(request, form)
    scope = Scope(choices.period, choices.filters)
    drill, export = _links(choices)
    htmx = getattr(request, "htmx", None)
    with timezone.override(choices.zone):
        if htmx and htmx.target == "what-if-results":
            replay = metrics.what_if(scope, choices.threshold)
            return render(
                request,
                "analytics/dashboard.html#what-if-results",
                {"what_if": replay, "choices": choices, "params": choices.query()},
            )
        board = metrics.dashboard(scope, choices.threshold)
        context = {
            "form": form,
            "board": board,
            "what_if": board.what_if,
            "choices": choices,
            "params": choices.query(),
            "charts": _charts(board, drill),
            # The per-day table's links, built here: a 90-day table has 270 of them.
            "day_rows": [
                (d, drill("day", d.day), drill("day_strong", d.day), drill("day_person", d.day))
                for d in board.days
            ],
            "drill": drill,
            "export": export,
            "stale_remaining": refreshed.remaining,
            "threshold_min": THRESHOLD_MIN,
            "threshold_max": THRESHOLD_MAX,
            "threshold_step": THRESHOLD_STEP,
            "threshold_default": default_threshold(),
            "zone_name": getattr(choices.zone, "key", str(choices.zone)),
        }
        return render(request, "analytics/dashboard.html", context)


def _figure_facts(request: HttpRequest, choices: DashboardChoices) -> tuple[str, str, Any]:
    figure = request.GET.get("figure", "conversations")
    value = request.GET.get("value", "")
    facts = facts_in(choices.period, choices.filters)
    if figure in ("whatif_strong", "whatif_person"):
        to = figure.removeprefix("whatif_")
        label = (
            f"Would go to the {'strong model' if to == 'strong' else 'a person'} at a "
            f"confidence threshold of {choices.threshold:.2f}"
        )
        scope = Scope(choices.period, choices.filters)
        return label, value, metrics.what_if_conversations(scope, choices.threshold, to)
    if figure not in FIGURES:
        raise Http404("No such figure.")
    label, select = FIGURES[figure]
    return label, value, select(facts, value, choices.zone)


def _value_label(figure: str, value: str) -> str:
    if figure.startswith("reason_"):
        return REASON_LABELS.get(value, value)
    if figure == "path":
        return PATH_LABELS.get(value, value)
    if figure == "ttft":
        return metrics.TIER_LABELS.get(value, value)
    return value


@admin_required
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    form, choices = _choices(request)
    if choices is None:
        return _render_invalid(request, form)
    label, value, facts = _figure_facts(request, choices)
    page = Paginator(
        facts.select_related("conversation").order_by("-created_at", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    params = choices.query(figure=request.GET.get("figure", "conversations"), value=value)
    with timezone.override(choices.zone):
        return render(
            request,
            "analytics/conversations.html",
            {
                "page": page,
                "label": label,
                "value_label": _value_label(request.GET.get("figure", ""), value),
                "choices": choices,
                "params": params,
                "dashboard_params": choices.query(),
                "reason_labels": REASON_LABELS,
                "path_labels": PATH_LABELS,
            },
        )


@admin_required
@require_GET
def conversation_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    conversation = get_object_or_404(
        Conversation.objects.select_related("assigned_agent"), public_id=public_id
    )
    events = list(conversation.audit_events.order_by("index"))
    problems = verify_chain(conversation, events, conversation.messages.order_by("seq"))
    _form, choices = _choices(request)
    zone = choices.zone if choices else timezone.get_default_timezone()
    with timezone.override(zone):
        return render(
            request,
            "analytics/conversation.html",
            {
                "conversation": conversation,
                "transcript": transcript_of(conversation),
                "events": events,
                "chain_problems": problems,
                "facts": getattr(conversation, "analytics_facts", None),
                "reason_labels": REASON_LABELS,
                "path_labels": PATH_LABELS,
                "back_params": choices.query() if choices else {},
            },
        )


@admin_required
@require_GET
def export(request: HttpRequest, table: str) -> HttpResponse:
    form, choices = _choices(request)
    if choices is None:
        return HttpResponse(
            "Invalid choices: "
            + "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in form.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    facts = facts_in(choices.period, choices.filters)
    with timezone.override(choices.zone):
        if table in exports.DASHBOARD_TABLES:
            board = metrics.dashboard(Scope(choices.period, choices.filters), choices.threshold)
            rows = exports.DASHBOARD_TABLES[table](board)
        elif table == "gaps":
            rows = exports.gaps(facts)
        elif table == "conversations":
            rows = exports.conversations(_figure_facts(request, choices)[2])
        else:
            raise Http404("No such table.")
        body = "".join(exports.csv_lines(rows))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"ladder-{table}-{choices.period.first_day}-{choices.period.last_day}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

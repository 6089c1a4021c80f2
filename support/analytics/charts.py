"""Server-rendered SVG charts: geometry computed here, drawn by templates/analytics/charts.html.

Each series has a fill pattern (solid, hatched, dotted) or a line style and marker shape, and
every bar carries its number, so no chart depends on colour; each chart has a table beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

PATTERNS = ("solid", "hatch", "dots")
LINE_STYLES = (("solid", "circle"), ("dashed", "square"), ("dotted", "triangle"))

BAR_CHART_WIDTH = 680
LABEL_WIDTH = 210
VALUE_WIDTH = 90
BAR_HEIGHT = 14
BAR_GAP = 4
GROUP_GAP = 12


@dataclass(frozen=True)
class Series:
    name: str
    pattern: str = "solid"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    pattern: str
    value_label: str
    text_x: float
    text_y: float
    href: str
    series: str


@dataclass(frozen=True)
class Category:
    label: str
    label_y: float
    bars: list[Bar]


@dataclass
class BarChart:
    chart_id: str
    title: str
    desc: str
    width: int
    height: int
    label_width: int
    categories: list[Category]
    series: list[Series]
    empty: bool = False

    @property
    def legend(self) -> list[Series]:
        return self.series if len(self.series) > 1 else []


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, Sequence[float], Sequence[str]]],
    series: Sequence[Series],
    value_label: Callable[[float], str] = lambda v: f"{v:,.0f}",
) -> BarChart:
    """Horizontal bars, one group per row (label, one value per series, one link per value)."""
    plot_width = BAR_CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((float(v) for _, values, _ in rows for v in values), default=0.0)
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    categories = []
    y = 8.0
    for label, values, hrefs in rows:
        bars = []
        for index, (value, one_series) in enumerate(zip(values, series, strict=True)):
            bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
            width = plot_width * float(value) / largest if largest else 0.0
            if value and width < 2:
                width = 2.0  # a non-zero value stays visible
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=bar_y,
                    width=round(width, 1),
                    height=BAR_HEIGHT,
                    pattern=one_series.pattern,
                    value_label=value_label(value),
                    text_x=round(LABEL_WIDTH + width + 6, 1),
                    text_y=bar_y + BAR_HEIGHT - 3,
                    href=hrefs[index] if index < len(hrefs) else "",
                    series=one_series.name,
                )
            )
        categories.append(Category(label, y + group_height / 2 + 4, bars))
        y += group_height + GROUP_GAP
    return BarChart(
        chart_id=chart_id,
        title=title,
        desc=desc,
        width=BAR_CHART_WIDTH,
        height=int(y),
        label_width=LABEL_WIDTH - 8,
        categories=categories,
        series=list(series),
        empty=largest == 0,
    )


LINE_WIDTH = 680
LINE_HEIGHT = 240
PAD_LEFT = 48
PAD_RIGHT = 16
PAD_TOP = 12
PAD_BOTTOM = 36


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    day: date
    href: str


@dataclass(frozen=True)
class Line:
    name: str
    style: str
    marker: str
    points: list[Point]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass
class LineChart:
    chart_id: str
    title: str
    desc: str
    width: int
    height: int
    lines: list[Line]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    plot_left: int
    plot_right: int
    plot_bottom: int
    empty: bool = False
    markers: bool = field(default=True)


def _nice_ceiling(value: float) -> float:
    if value <= 4:
        return 4.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        ceiling = step * magnitude
        if ceiling >= value:
            return float(ceiling)
    return float(value)


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    days: Sequence[date],
    series: Sequence[tuple[str, Sequence[float], Callable[[date], str]]],
) -> LineChart:
    """One line per series over the days; each point links to its conversations."""
    bottom = LINE_HEIGHT - PAD_BOTTOM
    plot_height = bottom - PAD_TOP
    right = LINE_WIDTH - PAD_RIGHT
    largest = max((float(v) for _, values, _ in series for v in values), default=0.0)
    top = _nice_ceiling(largest)
    count = len(days)

    def x_of(index: int) -> float:
        if count == 1:
            return round((PAD_LEFT + right) / 2, 1)
        return round(PAD_LEFT + (right - PAD_LEFT) * index / (count - 1), 1)

    def y_of(value: float) -> float:
        return round(bottom - plot_height * float(value) / top, 1)

    lines = []
    for (name, values, href_of), (style, marker) in zip(series, LINE_STYLES, strict=False):
        points = [
            Point(x_of(i), y_of(v), float(v), day, href_of(day))
            for i, (day, v) in enumerate(zip(days, values, strict=True))
        ]
        lines.append(Line(name, style, marker, points))
    label_every = max(1, count // 6)
    x_ticks = [
        Tick(x_of(i), day.strftime("%b %d"))
        for i, day in enumerate(days)
        if i % label_every == 0 or i == count - 1
    ]
    y_ticks = [Tick(y_of(top * f), f"{top * f:,.0f}") for f in (0, 0.25, 0.5, 0.75, 1)]
    return LineChart(
        chart_id=chart_id,
        title=title,
        desc=desc,
        width=LINE_WIDTH,
        height=LINE_HEIGHT,
        lines=lines,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        plot_left=PAD_LEFT,
        plot_right=right,
        plot_bottom=bottom,
        empty=largest == 0,
        markers=count <= 45,
    )

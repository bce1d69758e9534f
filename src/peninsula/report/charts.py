"""The report's charts: one small SVG chart per pair of states, on the pair's own months."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from peninsula.filters import month_span
from peninsula.query import DyadMonth

__all__ = ["CHART_HEIGHT", "CHART_WIDTH", "PAD_LEFT", "PAD_RIGHT", "Chart", "charts"]

# Geometry of one dyad chart, in SVG user units.
CHART_WIDTH = 1100
CHART_HEIGHT = 230
PAD_LEFT, PAD_RIGHT, _PAD_TOP, _PAD_BOTTOM = 56, 60, 24, 62
_STRIP = 24  # height of the event-count strip under the month labels
_STRIP_GAP = 32  # from the axis to the top of that strip
_MONTH_LABELS = 8  # at most this many month labels under a chart
_LABEL_GAP = 90  # the least room, in user units, between two value labels


@dataclass(frozen=True, slots=True)
class ChartPoint:
    x: float
    y: float
    r: float
    label: str
    title: str
    href: str


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str
    href: str


@dataclass(frozen=True, slots=True)
class Chart:
    a: str
    b: str
    title: str
    anchor: str
    points: tuple[ChartPoint, ...]
    lines: tuple[tuple[float, float, float, float], ...]
    bars: tuple[Bar, ...]
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    zero_y: float
    axis_y: float
    strip_top: float
    strip_bottom: float
    most: int
    months: tuple[DyadMonth, ...]


def charts(months: Sequence[DyadMonth], names: Mapping[str, str]) -> list[Chart]:
    """One small chart per state pair, each on its own months (first to last it has): the mean
    Goldstein score from −10 to +10 above, the number of events per month as bars below.

    Month labels are thinned to about eight per chart and value labels are written only where
    they do not run into the previous one, so no two labels collide."""
    by_pair: dict[tuple[str, str], list[DyadMonth]] = defaultdict(list)
    for m in months:
        by_pair[m.pair].append(m)
    ordered = sorted(by_pair.items(), key=lambda kv: (-_weight(kv[1]), kv[0]))
    return [_chart(a, b, pair_months, names) for (a, b), pair_months in ordered]


def _chart(a: str, b: str, pair_months: list[DyadMonth], names: Mapping[str, str]) -> Chart:
    axis = month_span([m.month for m in pair_months])
    position = {month: i for i, month in enumerate(axis)}
    plot_w = CHART_WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = CHART_HEIGHT - _PAD_TOP - _PAD_BOTTOM
    axis_y = _PAD_TOP + plot_h
    step = plot_w / max(len(axis) - 1, 1)
    most = max(max(m.count, m.pledged + m.hypothetical + m.negated) for m in pair_months) or 1
    bar_w = round(max(2.0, min(step * 0.3, 9.0)), 1)

    def x_of(month: str) -> float:
        return round(PAD_LEFT + (position[month] * step if len(axis) > 1 else plot_w / 2), 1)

    def y_of(score: float) -> float:
        return round(_PAD_TOP + (10 - score) / 20 * plot_h, 1)

    def bar(x: float, n: int, title: str, href: str) -> Bar:
        height = round(_STRIP * n / most, 1)
        return Bar(x, round(axis_y + _STRIP_GAP + _STRIP - height, 1), bar_w, height, title, href)

    every = max(1, math.ceil(len(axis) / _MONTH_LABELS))
    x_ticks = tuple((x_of(m), m) for i, m in enumerate(axis) if i % every == 0)
    y_ticks = tuple(
        (y_of(v), f"{v:+d}".replace("-", "−") if v else "0") for v in (10, 5, 0, -5, -10)
    )
    anchor = f"dyad-{a}-{b}"
    points: list[ChartPoint] = []
    bars = []
    last_label = -math.inf
    for m in sorted(pair_months, key=lambda m: m.month):
        href = f"#{anchor}-{m.month}"
        x = x_of(m.month)
        others = m.pledged + m.hypothetical + m.negated
        if m.count:
            bars.append(bar(x - bar_w, m.count, f"{m.month}: {m.count} actual", href))
        if others:
            title = f"{m.month}: {others} pledged, hypothetical or negated"
            bars.append(bar(x, others, title, href))
        if m.mean_goldstein is None:
            continue
        label = f"{m.mean_goldstein:+.1f} ({m.count})".replace("-", "−")
        if x - last_label < _LABEL_GAP:
            label = ""
        else:
            last_label = x
        points.append(
            ChartPoint(
                x=x,
                y=y_of(m.mean_goldstein),
                r=round(3 + 5 * math.sqrt(m.count / most), 1),
                label=label,
                title=f"{m.month}: mean Goldstein {m.mean_goldstein:+.2f} over {m.count}"
                f" actual event{'s' if m.count != 1 else ''}",
                href=href,
            )
        )
    lines = tuple(
        (p.x, p.y, q.x, q.y)
        for p, q in itertools.pairwise(points)
        if round(q.x - p.x, 1) <= round(step, 1) + 0.1
    )
    return Chart(
        a=a,
        b=b,
        title=f"{names.get(a, a)} – {names.get(b, b)}",
        anchor=anchor,
        points=tuple(points),
        lines=lines,
        bars=tuple(bars),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        zero_y=y_of(0),
        axis_y=axis_y,
        strip_top=axis_y + _STRIP_GAP,
        strip_bottom=axis_y + _STRIP_GAP + _STRIP,
        most=most,
        months=tuple(sorted(pair_months, key=lambda m: m.month)),
    )


def _weight(months: Sequence[DyadMonth]) -> int:
    return sum(m.count + m.pledged + m.hypothetical + m.negated for m in months)

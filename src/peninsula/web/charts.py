"""Relations between states as charts: the geometry of server-rendered SVG, no JavaScript.

One chart per pair of states: months along x (one shared axis for every chart on a page), the
mean Goldstein score of the month's actual events along y (-10 to +10), one point per month sized
by its number of events. A month with only pledged, hypothetical or negated events has no mean:
its point sits hollow on the zero line. Every point links to the events behind it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from peninsula.filters import month_span

__all__ = ["charts", "month_span", "point_href"]

WIDTH, HEIGHT = 600, 190
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 10, 26
PAD = 12  # between the axis and the first and last month
SCALE = 10.0  # Goldstein runs from -10 to +10
MAX_LABELS = 4


def charts(
    relations: Sequence[Mapping[str, Any]],
    keep: Mapping[str, str] | None = None,
    most: int | None = None,
) -> list[dict[str, Any]]:
    """One chart per pair in `relations` (the relations pages' month dicts), the pairs with the
    most events first, at most `most`. `keep`: query parameters each point's link carries."""
    by_pair: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for month in relations:
        by_pair[(month["a"], month["b"])].append(month)
    pairs = sorted(by_pair, key=lambda p: (-sum(_events(m) for m in by_pair[p]), p))
    if most is not None:
        pairs = pairs[:most]
    axis = month_span([m["month"] for p in pairs for m in by_pair[p]])
    return [_chart(a, b, by_pair[(a, b)], axis, keep or {}) for a, b in pairs]


def point_href(a: str, b: str, month: str, keep: Mapping[str, str] | None = None) -> str:
    """The page of one point: the pair's events in the month, under the filters in `keep`."""
    query = urlencode({k: v for k, v in (keep or {}).items() if v})
    path = f"/relations/{quote(a, safe='')}/{quote(b, safe='')}/{month}"
    return path + ("?" + query if query else "")


def _events(month: Mapping[str, Any]) -> int:
    return int(month["count"] + month["pledged"] + month["hypothetical"] + month["negated"])


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT - 2 * PAD
    if count <= 1:
        return LEFT + PAD + inner / 2
    return round(LEFT + PAD + inner * index / (count - 1), 1)


def _y(score: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    clipped = max(-SCALE, min(SCALE, score))
    return round(TOP + inner * (SCALE - clipped) / (2 * SCALE), 1)


def _chart(
    a: str,
    b: str,
    months: Sequence[Mapping[str, Any]],
    axis: Sequence[str],
    keep: Mapping[str, str],
) -> dict[str, Any]:
    where = {month: i for i, month in enumerate(axis)}
    points = []
    for m in sorted(months, key=lambda m: m["month"]):
        mean = m["mean_goldstein"]
        others = _events(m) - m["count"]
        label = (
            f"{a}–{b} {m['month']}: "
            + (f"mean Goldstein {mean:+.2f} over " if mean is not None else "")
            + f"{m['count']} actual event{'s' if m['count'] != 1 else ''}"
            + (f", {others} pledged, hypothetical or negated" if others else "")
        )
        points.append(
            {
                "x": _x(where[m["month"]], len(axis)),
                "y": _y(mean if mean is not None else 0.0),
                "r": min(5 + _events(m), 11),
                "kind": "none" if mean is None else "up" if mean >= 0 else "down",
                "href": point_href(a, b, m["month"], keep),
                "label": label,
                "month": m["month"],
            }
        )
    line = [p for p in points if p["kind"] != "none"]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p['x']} {p['y']}" for i, p in enumerate(line))
    step = max(1, -(-len(axis) // MAX_LABELS))
    labels: list[dict[str, Any]] = [
        {"x": _x(i, len(axis)), "text": month}
        for i, month in enumerate(axis)
        if i % step == 0 or i == len(axis) - 1
    ]
    if len(labels) > 1 and labels[-1]["x"] - labels[-2]["x"] < 110:
        labels.pop(-2)  # the last month always, never overlapping the one before
    for tick in labels:
        tick["anchor"] = "middle"
    if len(labels) > 1:  # the first and last labels stay inside the chart
        labels[0]["anchor"], labels[-1]["anchor"] = "start", "end"
        labels[0]["x"], labels[-1]["x"] = labels[0]["x"] - PAD, labels[-1]["x"] + PAD
    return {
        "a": a,
        "b": b,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "points": points,
        "path": path,
        "grid": [{"y": _y(v), "text": f"{v:+g}" if v else "0"} for v in (10, 5, 0, -5, -10)],
        "labels": labels,
        "baseline": HEIGHT - BOTTOM + 20,
        "events": sum(_events(m) for m in months),
    }

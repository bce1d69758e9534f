"""The report's dyad charts: each pair on its own months, labels that never collide."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from peninsula.query import DyadMonth
from peninsula.report.charts import CHART_WIDTH, PAD_LEFT, PAD_RIGHT, charts


def _month(a: str, b: str, month: str, mean: float | None = 1.0, count: int = 1) -> DyadMonth:
    return DyadMonth(a, b, month, mean, count, 0, 0, 0, ("e",) * count, ())


def test_each_pair_spans_only_its_own_months() -> None:
    months = [
        _month("KOR", "PRK", "2019-01"),
        _month("KOR", "PRK", "2019-03", -2.0),
        _month("KOR", "USA", "2025-06"),
        _month("KOR", "USA", "2025-07", 3.0, 2),
    ]
    made = {c.anchor: c for c in charts(months, {})}
    usa = made["dyad-KOR-USA"]
    assert [label for _, label in usa.x_ticks] == ["2025-06", "2025-07"]
    assert [p.x for p in usa.points] == [PAD_LEFT, CHART_WIDTH - PAD_RIGHT]
    prk = made["dyad-KOR-PRK"]
    assert [label for _, label in prk.x_ticks] == ["2019-01", "2019-02", "2019-03"]
    assert len(prk.lines) == 0  # no line across the empty month


def test_a_single_month_sits_in_the_middle() -> None:
    (chart,) = charts([_month("KOR", "JPN", "2025-01")], {"KOR": "South Korea"})
    assert chart.points[0].x == round(PAD_LEFT + (CHART_WIDTH - PAD_LEFT - PAD_RIGHT) / 2, 1)
    assert chart.title.startswith("South Korea")


@settings(max_examples=40, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=119), min_size=1, max_size=60))
def test_labels_never_collide(indexes: set[int]) -> None:
    months = [_month("KOR", "PRK", f"{2015 + i // 12}-{i % 12 + 1:02d}") for i in sorted(indexes)]
    (chart,) = charts(months, {})
    labelled = [p.x for p in chart.points if p.label]
    assert labelled  # the first point always has its label
    assert all(b - a >= 90 for a, b in itertools.pairwise(labelled))
    assert len(chart.x_ticks) <= 8
    ticks = [x for x, _ in chart.x_ticks]
    assert all(b - a >= 60 for a, b in itertools.pairwise(ticks))

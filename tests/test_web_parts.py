"""The web app's parts on hand-built inputs: charts, highlights, cursors and filters, the queue."""

from __future__ import annotations

import base64
import threading
from typing import Any

import pytest

from peninsula.errors import NotFound, SettingsError, SourceError
from peninsula.web.charts import HEIGHT, TOP, charts, month_span, point_href
from peninsula.web.highlight import Span, segments
from peninsula.web.jobs import Jobs
from peninsula.web.paging import (
    Filters,
    Window,
    decode_cursor,
    decode_key,
    encode_cursor,
    page,
    window,
)


def _month(a: str, b: str, month: str, mean: float | None, actual: int, pledged: int = 0) -> Any:
    return {
        "a": a,
        "b": b,
        "month": month,
        "mean_goldstein": mean,
        "count": actual,
        "pledged": pledged,
        "hypothetical": 0,
        "negated": 0,
        "event_ids": [f"{a}{b}{month}e{i}" for i in range(actual)],
        "other_ids": [f"{a}{b}{month}p{i}" for i in range(pledged)],
    }


def test_month_span_fills_the_gaps_across_years() -> None:
    assert month_span(["2025-11", "2026-02"]) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert month_span([]) == []


def test_charts_one_per_pair_busiest_first_on_a_shared_axis() -> None:
    months = [
        _month("KOR", "PRK", "2025-01", -4.0, 1),
        _month("KOR", "PRK", "2025-03", None, 0, pledged=2),
        _month("JPN", "KOR", "2025-02", 3.0, 5),
    ]
    found = charts(months)
    assert [(c["a"], c["b"]) for c in found] == [("JPN", "KOR"), ("KOR", "PRK")]
    assert {p["month"] for c in found for p in c["points"]} == {"2025-01", "2025-02", "2025-03"}
    kor_prk = found[1]["points"]
    assert [p["kind"] for p in kor_prk] == ["down", "none"]
    assert kor_prk[0]["y"] > kor_prk[1]["y"]  # -4 is drawn below the zero line
    assert kor_prk[1]["href"] == "/relations/KOR/PRK/2025-03"
    assert "2 pledged" in kor_prk[1]["label"]
    assert found[1]["path"].startswith("M") and "L" not in found[1]["path"]  # no mean: no line
    assert charts(months, most=1)[0]["a"] == "JPN"


def test_chart_points_stay_inside_the_frame_and_carry_filters() -> None:
    months = [_month("A", "B", "2025-01", 25.0, 1), _month("A", "B", "2025-02", -30.0, 1)]
    points = charts(months, keep={"modality": "actual", "category": ""})[0]["points"]
    assert all(TOP <= p["y"] <= HEIGHT for p in points)
    assert points[0]["href"] == "/relations/A/B/2025-01?modality=actual"
    assert point_href("A/B", "C", "2025-01") == "/relations/A%2FB/C/2025-01"


def test_segments_nest_marks_and_keep_every_character() -> None:
    text = "Officials said they would meet soon."
    spans = [
        Span(15, 35, "statement", "#s", "a statement"),
        Span(26, 30, "event", "/events/e", "an event"),
        Span(30, 99, "event", "/events/bad", "past the end"),
        Span(5, 5, "event", "/events/empty", "empty"),
    ]
    found = segments(text, spans)
    assert "".join(p["text"] for p in found) == text
    inner = next(p for p in found if p["text"] == "meet")
    assert [m["kind"] for m in inner["marks"]] == ["statement", "event"]
    assert found[0] == {"text": "Officials said ", "marks": []}
    assert all(m["href"] not in ("/events/bad", "/events/empty") for p in found for m in p["marks"])


def test_cursors_round_trip_and_refuse_forgeries() -> None:
    assert decode_cursor(encode_cursor(150)) == 150
    for bad in ("nope", encode_cursor(0)[:-2] + "!!", "eyJvIjotMX0", "eyJ4IjoxfQ"):
        with pytest.raises(SettingsError, match="cursor"):
            decode_cursor(bad)
    assert window(None, 7, 5) == Window(7, 5)
    assert window(encode_cursor(40), 7, 5) == Window(40, 5)
    assert window(encode_cursor(40, "a-row-key"), 7, 5) == Window(40, 5, "a-row-key")
    assert decode_key(encode_cursor(3)) is None
    forged = base64.urlsafe_b64encode(b'{"o":1,"k":7}').decode()
    with pytest.raises(SettingsError, match="cursor"):
        decode_key(forged)


def test_a_page_knows_its_neighbours() -> None:
    middle = page(["x"] * 10, Window(10, 10), 25)
    assert decode_cursor(middle["next_cursor"]) == 20
    assert decode_cursor(middle["prev_cursor"]) == 0
    last = page(["x"] * 5, Window(20, 10), 25)
    assert last["next_cursor"] is None
    unknown = page(["x"] * 10, Window(0, 10), None, more=True)
    assert unknown["total"] is None and unknown["next_cursor"]


def test_filters_parse_like_the_cli() -> None:
    f = Filters.parse(
        actor=" KOR ", pair="KOR, PRK", since="2025", kinds=["event"], category="agree"
    )
    assert f.actor == "KOR" and f.pair == ("KOR", "PRK") and f.since == "2025"
    assert f.category == "AGREE" and f.events_only and f.kinds == ("event",)
    assert Filters.parse(modality="", category=" ").events_only is False
    assert Filters.parse(code=" 03 ").code == "03" and Filters.parse(code="03").events_only
    bad_values: list[dict[str, Any]] = [
        {"pair": "KOR"},
        {"modality": "maybe"},
        {"kinds": ["rumour"]},
        {"since": "soon"},
        {"code": "3"},
    ]
    for bad in bad_values:
        with pytest.raises(SettingsError):
            Filters.parse(**bad)


def test_jobs_run_in_order_on_one_thread() -> None:
    seen: list[tuple[str, int]] = []
    gate = threading.Event()

    def run(articles: list[dict[str, Any]]) -> dict[str, Any]:
        gate.wait(5)
        seen.append((threading.current_thread().name, len(articles)))
        if articles[0].get("text") == "bad":
            raise SourceError("an invented failure")
        if articles[0].get("text") == "boom":
            raise RuntimeError("not for the client")
        return {"documents": ["d1"]}

    jobs = Jobs(run)
    first = jobs.submit([{"text": "a"}, {"text": "b"}])
    bad = jobs.submit([{"text": "bad"}])
    boom = jobs.submit([{"text": "boom"}])
    assert jobs.get(first.id).status in ("queued", "running")
    gate.set()
    assert jobs.wait(boom, 5)
    assert first.status == "done" and first.as_dict()["documents"] == ["d1"]
    assert bad.status == "failed" and bad.error == "an invented failure"
    assert boom.status == "failed" and boom.error == "internal error"
    assert {name for name, _ in seen} == {"peninsula-writer"} and [n for _, n in seen] == [2, 1, 1]
    jobs.close()
    with pytest.raises(NotFound):
        jobs.get("missing")

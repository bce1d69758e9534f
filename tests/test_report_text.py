"""The report's wording helpers: months of the timeline, sources, evidence, quotation marks."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from peninsula.knowledge import default_knowledge
from peninsula.query import timeline
from peninsula.report.text import by_period, distinct, source_of, tidy_quotes
from tests.test_query import FakeStore, event


def _rows(*dates: str | None) -> list:  # type: ignore[type-arg]
    events = [event(f"e{i}", "KOR", "PRK", d) for i, d in enumerate(dates)]
    return timeline(FakeStore(events=events), default_knowledge())  # type: ignore[arg-type]


def test_months_years_weeks_and_undated_fall_into_their_sections() -> None:
    rows = _rows("2025-03-04", "2025", "2025-W10", "2025-03", None, "2024-12-31")
    periods = by_period(rows)
    labels = [p.label for p in periods]
    assert labels == ["2024-12", "2025", "2025-03", "undated"]
    assert sum(len(p.rows) for p in periods) == len(rows)
    march = next(p for p in periods if p.label == "2025-03")
    assert len(march.rows) == 3  # the day, the month and ISO week 10 (its Thursday is 6 March)
    assert all(p.anchor == f"period-{p.label}" for p in periods)


def test_a_local_file_shows_by_its_name_and_a_web_address_as_a_link() -> None:
    assert source_of("/home/someone/secret/feed.jsonl#3", None).label == "feed.jsonl"
    assert source_of("/home/someone/a.txt", None).href is None
    web = source_of("/tmp/feed.jsonl", "https://news.example/a")
    assert (web.label, web.href) == ("https://news.example/a", "https://news.example/a")
    assert source_of("/tmp/x.txt", "javascript:alert(1)").href is None
    assert source_of(None, None).label == "unknown"


def test_each_sentence_of_a_document_is_shown_once() -> None:
    (row,) = _rows("2025-03-04")
    e = row.evidence[0]
    again = replace(e, record_id="other", sentence="  " + e.sentence.replace(" ", "\n "))
    elsewhere = replace(e, document_id="d2")
    assert distinct([e, again, elsewhere]) == [e, elsewhere]


def test_stray_quotation_marks_at_the_ends_are_dropped() -> None:
    assert tidy_quotes('"We will meet again') == "We will meet again"
    assert tidy_quotes("we will meet again,”") == "we will meet again,"
    assert tidy_quotes("“We will meet again,” he said") == "“We will meet again,” he said"
    assert tidy_quotes("the  talks'\n end") == "the talks' end"


@given(st.text(alphabet=st.sampled_from(list("ab “”\"'.,")), max_size=40))
def test_tidying_never_adds_text_and_keeps_matched_pairs(text: str) -> None:
    tidied = tidy_quotes(text)
    assert len(tidied) <= len(text)
    assert set(tidied) <= set(text)
    squashed = " ".join(text.split())
    if sum(squashed.count(q) for q in '“”"') % 2 == 0:
        assert tidied == squashed

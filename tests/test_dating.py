"""The date resolver: every signal votes, one wins, the losers are kept as conflicts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from peninsula.dating import parse_date_value, read_date_value, resolve
from peninsula.documents import build_document
from peninsula.knowledge import Knowledge
from peninsula.pipeline import prepare
from peninsula.records import DateDecision, RawArticle

TODAY = date(2026, 11, 22)
BODY = "The two Koreas held talks on the border, officials said, and agreed to meet again soon."


def decide(
    knowledge: Knowledge,
    *dates: tuple[str, str],
    html_date: str | None = None,
    text: str = BODY,
    kind: str = "html",
) -> DateDecision:
    raw = RawArticle(
        origin="test",
        text=text,
        metadata_dates=tuple(dates),
        html_date=html_date,
        source_kind=kind,
    )
    return resolve(build_document(raw, knowledge), knowledge, TODAY)


def conflict_values(decision: DateDecision) -> dict[str, str]:
    return {c.signal: c.value for c in decision.conflicts}


# --- the seed examples -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "published"),
    [
        ("000_ians_2026-01-01_lee_new_year.txt", "2026-01-01"),
        ("001_2026-01-21_lee_press_conference.txt", "2026-01-21"),
        ("003_menafn_2025-09-24_lee_guterres.txt", "2025-09-24"),
    ],
)
def test_seed_examples(examples: Path, knowledge: Knowledge, name: str, published: str) -> None:
    raw = RawArticle(origin=name, text=(examples / name).read_text(encoding="utf-8"))
    decision = prepare(raw, knowledge, TODAY).date
    assert decision.published == published
    assert decision.precision == "day"
    assert 0 < decision.confidence <= 1


def test_ians_dateline_year_comes_from_weekday_and_roles(
    examples: Path, knowledge: Knowledge
) -> None:
    name = "000_ians_2026-01-01_lee_new_year.txt"
    raw = RawArticle(origin=name, text=(examples / name).read_text(encoding="utf-8"))
    decision = prepare(raw, knowledge, TODAY).date
    signals = {e.signal for e in decision.evidence}
    assert {"dateline", "weekday", "role:lee_jae_myung"} <= signals


def test_menafn_header_date_is_kept_as_a_conflict(examples: Path, knowledge: Knowledge) -> None:
    name = "003_menafn_2025-09-24_lee_guterres.txt"
    raw = RawArticle(origin=name, text=(examples / name).read_text(encoding="utf-8"))
    decision = prepare(raw, knowledge, TODAY).date
    assert decision.published == "2025-09-24"
    assert any(e.signal == "publisher-id" for e in decision.evidence)
    [conflict] = [c for c in decision.conflicts if c.value == "2024-01-02"]
    assert conflict.signal == "date-line"
    assert "Lee Jae Myung" in conflict.reason


def test_no_signal_gives_no_date(knowledge: Knowledge) -> None:
    decision = decide(knowledge, kind="text")
    assert decision.published is None
    assert decision.precision is None
    assert decision.confidence == 0.0


# --- reading date values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-21", (date(2026, 1, 21), "day")),
        ("2026-01-21T09:30:00+09:00", (date(2026, 1, 21), "day")),
        ("2022-1-26T14:32:06+02:00", (date(2022, 1, 26), "day")),
        ("2026-01", (date(2026, 1, 1), "month")),
        ("2026", (date(2026, 1, 1), "year")),
        ("2026/01/21", (date(2026, 1, 21), "day")),
        ("20260121", (date(2026, 1, 21), "day")),
        ("Wed, 21 Jan 2026 09:00:00 +0900", (date(2026, 1, 21), "day")),
        ("21.01.2026, 07:00:03", (date(2026, 1, 21), "day")),
        ("Di., 25.01.2022 - 14:45", (date(2022, 1, 25), "day")),
        ("25/01/2022", (date(2022, 1, 25), "day")),
        ("01/25/2022", (date(2022, 1, 25), "day")),
        ("January 21, 2026", (date(2026, 1, 21), "day")),
        ("15. März 2021", (date(2021, 3, 15), "day")),
        ("March 2021", (date(2021, 3, 1), "month")),
        ("2026-02-30", None),
        ("not a date", None),
    ],
)
def test_parse_date_value(value: str, expected: tuple[date, str] | None) -> None:
    assert parse_date_value(value) == expected


def test_ambiguous_numeric_date_keeps_the_other_reading() -> None:
    reading = read_date_value("03/04/2025")
    assert reading is not None
    assert reading.day == date(2025, 3, 4)
    assert reading.alternatives == (date(2025, 4, 3),)


@pytest.mark.parametrize(
    ("value", "day", "alternative"),
    [
        # Evening in the Americas, written in UTC after midnight.
        ("2023-11-09T03:28:35Z", date(2023, 11, 9), date(2023, 11, 8)),
        # Early morning in Asia, written in UTC the evening before.
        ("2023-11-08T17:10:00+00:00", date(2023, 11, 8), date(2023, 11, 9)),
        # A bare date stored as local midnight in UTC+1.
        ("2022-11-06T23:00:00.000Z", date(2022, 11, 7), date(2022, 11, 6)),
        ("Wed, 04 May 2022 00:25:56 GMT", date(2022, 5, 4), date(2022, 5, 3)),
    ],
)
def test_utc_timestamps_may_mean_a_neighbouring_day(
    value: str, day: date, alternative: date
) -> None:
    reading = read_date_value(value)
    assert reading is not None
    assert (reading.day, reading.alternatives) == (day, (alternative,))


def test_midday_utc_and_local_offsets_mean_one_day() -> None:
    for value in ("2023-11-09T12:00:00Z", "2023-11-09T01:00:00+09:00", "2023-11-09T23:00:00"):
        reading = read_date_value(value)
        assert reading is not None and reading.alternatives == ()


# --- votes, families and conflicts ---------------------------------------------------------------


def test_modification_dates_do_not_vote(knowledge: Knowledge) -> None:
    decision = decide(
        knowledge,
        ("meta:article:published_time", "2019-06-24T10:00:00+02:00"),
        ("meta:article:modified_time", "2021-03-01T10:00:00+02:00"),
        ("json-ld:dateModified", "2021-03-01T10:00:00+02:00"),
    )
    assert decision.published == "2019-06-24"
    reasons = {c.signal: c.reason for c in decision.conflicts}
    assert reasons["meta:article:modified_time"] == "modification date, not the publication date"
    assert "json-ld:dateModified" in reasons


def test_feed_updated_is_a_modification_date(knowledge: Knowledge) -> None:
    decision = decide(
        knowledge,
        ("feed:published", "Wed, 21 Jan 2026 09:00:00 +0900"),
        ("feed:updated", "Fri, 23 Jan 2026 09:00:00 +0900"),
        kind="feed",
    )
    assert decision.published == "2026-01-21"
    assert conflict_values(decision)["feed:updated"] == "2026-01-23"


def test_metadata_outvotes_a_lone_htmldate_guess(knowledge: Knowledge) -> None:
    decision = decide(
        knowledge,
        ("microdata:datePublished", "2020-04-27T18:50:24+02:00"),
        ("json-ld:dateCreated", "2020-04-27T17:58:19+02:00"),
        html_date="2020-07-08",
    )
    assert decision.published == "2020-04-27"
    [conflict] = decision.conflicts
    assert (conflict.signal, conflict.value) == ("htmldate", "2020-07-08")
    assert conflict.reason.startswith("outvoted by 2020-04-27")


def test_one_publishing_system_is_one_witness(knowledge: Knowledge) -> None:
    # Three tags from one CMS add less than one tag and an independent reading of the page.
    same_system = decide(
        knowledge,
        ("meta:datepublished", "2019-06-17T18:28:00+0200"),
        ("microdata:datePublished", "2019-06-17"),
        ("json-ld:datePublished", "2019-06-17T18:28:00+0200"),
    )
    independent = decide(
        knowledge, ("meta:datepublished", "2019-06-17T18:28:00+0200"), html_date="2019-06-17"
    )
    assert same_system.published == independent.published == "2019-06-17"
    assert same_system.confidence < independent.confidence


def test_disagreeing_strong_signals_lower_the_confidence(knowledge: Knowledge) -> None:
    decision = decide(
        knowledge,
        ("meta:datepublished", "2019-06-17T18:28:00+0200"),
        ("url:canonical", "2017-07-12"),
        html_date="2017-07-12",
    )
    assert decision.published == "2017-07-12"
    assert decision.confidence < 0.8
    assert conflict_values(decision) == {"meta:datepublished": "2019-06-17"}


def test_utc_timestamp_joins_the_local_day_other_signals_name(knowledge: Knowledge) -> None:
    decision = decide(
        knowledge,
        ("meta:article:published_time", "2023-11-09T03:28:35+00:00"),
        ("json-ld:datePublished", "2023-11-09T03:28:35Z"),
        ("url:canonical", "2023-11-08"),
        html_date="2023-11-08",
    )
    assert decision.published == "2023-11-08"
    assert not decision.conflicts
    described = [e.value for e in decision.evidence if e.signal == "json-ld:datePublished"]
    assert "read as 2023-11-08" in described[0]


def test_utc_timestamp_alone_keeps_its_own_day(knowledge: Knowledge) -> None:
    decision = decide(knowledge, ("meta:article:published_time", "2023-11-09T03:28:35Z"))
    assert decision.published == "2023-11-09"


def test_ambiguous_numeric_date_follows_the_reading_another_signal_confirms(
    knowledge: Knowledge,
) -> None:
    decision = decide(knowledge, ("meta:date", "11/01/2023 12:43:42"), html_date="2023-01-11")
    assert decision.published == "2023-01-11"
    assert not decision.conflicts


def test_shown_date_beats_hidden_metadata(knowledge: Knowledge) -> None:
    decision = decide(
        knowledge,
        ("meta:article:published_time", "2022-01-24T17:06:45+01:00"),
        ("shown", "2022-02-24"),
        ("shown", "2021-12-01"),
        html_date="2022-02-24",
    )
    assert decision.published == "2022-02-24"
    assert any(e.signal == "shown" for e in decision.evidence)
    assert conflict_values(decision)["meta:article:published_time"] == "2022-01-24"


def test_shown_modification_date_votes_when_no_publication_date_is_shown(
    knowledge: Knowledge,
) -> None:
    decision = decide(
        knowledge,
        ("json-ld:datePublished", "2017-08-21T13:09:00Z"),
        ("json-ld:dateModified", "2019-04-03T08:04:01Z"),
        ("shown", "2019-04-03"),
        html_date="2017-08-21",
    )
    assert decision.published == "2019-04-03"
    [evidence] = [e for e in decision.evidence if e.signal == "json-ld:dateModified"]
    assert "the page shows this modification date" in evidence.value
    assert conflict_values(decision)["json-ld:datePublished"] == "2017-08-21"


def test_modification_date_stays_out_when_the_publication_date_is_shown(
    knowledge: Knowledge,
) -> None:
    decision = decide(
        knowledge,
        ("meta:article:published_time", "2018-03-07T09:00:00+01:00"),
        ("meta:article:modified_time", "2020-02-16T23:17:53+01:00"),
        ("shown", "2018-03-07"),
        ("shown", "2020-02-16"),
        html_date="2018-03-07",
    )
    assert decision.published == "2018-03-07"


def test_headline_date_votes(knowledge: Knowledge) -> None:
    decision = decide(knowledge, ("shown:headline", "2022-01-25"), ("shown", "2022-01-25"))
    assert decision.published == "2022-01-25"
    assert {e.signal for e in decision.evidence} == {"shown:headline", "shown"}


def test_role_named_in_the_text_does_not_overrule_page_metadata(knowledge: Knowledge) -> None:
    text = "Hawley said President Donald Trump would be the nominee next year. " * 2
    decision = decide(
        knowledge,
        ("meta:article:published_time", "2023-11-08T12:00:00-05:00"),
        html_date="2023-11-08",
        text=text,
    )
    assert decision.published == "2023-11-08"
    assert not any(e.signal.startswith("role:") for e in decision.evidence)


def test_a_role_that_does_not_fit_lowers_the_confidence_but_keeps_the_date(
    knowledge: Knowledge,
) -> None:
    text = "Monday, 05 February 2024\n\nPresident Lee Jae Myung met the UN chief on Tuesday."
    decision = decide(knowledge, text=text, kind="text")
    assert decision.published == "2024-02-05"
    [conflict] = decision.conflicts
    assert (conflict.signal, conflict.value) == ("role:lee_jae_myung", "2024-02-05")
    fitting = decide(knowledge, text=text.replace("2024", "2026"), kind="text")
    assert fitting.published == "2026-02-05"
    assert decision.confidence < fitting.confidence / 2


@pytest.mark.parametrize("qualifier", ["former", "ex-", "then-", "the late", "the next"])
def test_a_title_that_is_not_current_bounds_nothing(knowledge: Knowledge, qualifier: str) -> None:
    text = f"Monday, 05 February 2024\n\nThe {qualifier} President Lee Jae Myung spoke on Monday."
    decision = decide(knowledge, text=text.replace("The the ", "The "), kind="text")
    assert decision.published == "2024-02-05"
    assert not decision.conflicts


def test_impossible_dates_are_conflicts(knowledge: Knowledge) -> None:
    decision = decide(
        knowledge,
        ("meta:article:published_time", "1399-02-21"),
        ("json-ld:datePublished", "2027-05-01"),
        html_date="2020-05-10",
    )
    assert decision.published == "2020-05-10"
    reasons = {c.value: c.reason for c in decision.conflicts}
    assert "another calendar" in reasons["1399-02-21"]
    assert "after today" in reasons["2027-05-01"]


def test_crawl_date_bounds_the_publication_date(knowledge: Knowledge) -> None:
    decision = decide(
        knowledge,
        ("json-ld:datePublished", "2025-03-01"),
        ("warc:crawl-date", "2024-12-31T10:00:00Z"),
        html_date="2024-12-30",
    )
    assert decision.published == "2024-12-30"
    assert "crawl date" in {c.value: c.reason for c in decision.conflicts}["2025-03-01"]


def test_month_precision_is_refined_by_a_day_in_that_month(knowledge: Knowledge) -> None:
    decision = decide(knowledge, ("meta:date", "2026-01"), ("json-ld:datePublished", "2026-01-21"))
    assert (decision.published, decision.precision) == ("2026-01-21", "day")


def test_month_only_output(knowledge: Knowledge) -> None:
    decision = decide(knowledge, ("column:date", "2026-01"), kind="csv")
    assert (decision.published, decision.precision) == ("2026-01", "month")


def test_a_page_without_article_text_is_still_dated(knowledge: Knowledge) -> None:
    decision = decide(knowledge, ("json-ld:datePublished", "2022-05-07T13:43:46-05:00"), text="")
    assert decision.published == "2022-05-07"


def test_a_dateline_that_gives_its_year_is_taken_at_its_word(knowledge: Knowledge) -> None:
    text = (
        "UN support sought\n\nNew York, Sept 24, 2025 (Yonhap) South Korean President Lee Jae "
        "Myung called on the United Nations to back his plan.\n"
    )
    decision = prepare(RawArticle(origin="y.txt", text=text), knowledge, TODAY).date
    assert decision.published == "2025-09-24"  # not the more recent 2026-09-24
    assert any(e.signal == "dateline:year" for e in decision.evidence)

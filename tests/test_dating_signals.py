"""Publication-date signals a crawler's record holds: dates in the address, time stamps and
bylines in the text, datelines with a year, dated roles that do not fit. Every line and address
here is invented, in the shapes news pages use."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peninsula.dating import read_date_value, resolve
from peninsula.dating.signals import date_line_votes, role_bounds
from peninsula.dating.urls import (
    COMPACT_WEIGHT,
    MONTH_NAME_WEIGHT,
    PATH_WEIGHT,
    SERIAL_WEIGHT,
    url_dates,
)
from peninsula.documents import build_document, date_patterns
from peninsula.knowledge import Knowledge, default_knowledge
from peninsula.records import DateDecision, RawArticle

TODAY = date(2026, 11, 22)
BODY = "Officials from both sides held talks near the border and agreed to meet again."


def decide(
    knowledge: Knowledge,
    text: str = BODY,
    url: str | None = None,
    *dates: tuple[str, str],
) -> DateDecision:
    raw = RawArticle(origin="test", text=text, url=url, metadata_dates=tuple(dates))
    return resolve(build_document(raw, knowledge), knowledge, TODAY)


# --- dates in the address -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "day", "precision", "weight"),
    [
        (
            "https://news.example.com/world/2023/03/07/talks-resume/",
            "2023-03-07",
            "day",
            PATH_WEIGHT,
        ),
        ("https://example.tv/news/2023-03-07/talks-resume", "2023-03-07", "day", PATH_WEIGHT),
        (
            "https://example.org/stories/2023/mar/07/talks-resume/",
            "2023-03-07",
            "day",
            MONTH_NAME_WEIGHT,
        ),
        ("https://example.org/2023/March/7/talks", "2023-03-07", "day", MONTH_NAME_WEIGHT),
        ("https://example.jp/politics/20230307-512340/", "2023-03-07", "day", COMPACT_WEIGHT),
        (
            "https://en.example.co.kr/view.php?key=20230307101530123",
            "2023-03-07",
            "day",
            COMPACT_WEIGHT,
        ),
        ("https://example.kr/en/article/2023030799887766", "2023-03-07", "day", SERIAL_WEIGHT),
        ("https://blog.example.net/2023/03/talks-resume", "2023-03-01", "month", 0.5),
    ],
)
def test_dates_in_the_address(url: str, day: str, precision: str, weight: float) -> None:
    [found] = url_dates(url, default_knowledge().time_words, TODAY)
    assert (found.day.isoformat(), found.precision, found.weight) == (day, precision, weight)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.com/article/10523411",  # a serial number, not a date
        "https://20230307.example.com/talks",  # the host is never read
        "https://example.com/news/2027/05/01/ahead",  # after today
        "https://example.com/news/1990/05/01/archive",  # before addresses carried dates
        "https://example.com/news/2023/13/45/nonsense",
        "https://example.com/id/1678186500",  # a Unix time is not read
        "not a url",
        "",
    ],
)
def test_addresses_without_a_date(url: str) -> None:
    assert url_dates(url, default_knowledge().time_words, TODAY) == []


def test_an_address_alone_dates_a_text_record(knowledge: Knowledge) -> None:
    decision = decide(knowledge, url="https://example.org/stories/2023/mar/07/talks-resume/")
    assert decision.published == "2023-03-07"
    assert [e.signal for e in decision.evidence] == ["url:month name in the path"]


def test_a_source_that_read_the_address_is_not_counted_twice(knowledge: Knowledge) -> None:
    decision = decide(
        knowledge, BODY, "https://example.com/2023/03/07/talks", ("url", "2023-03-07")
    )
    assert [e.signal for e in decision.evidence] == ["url"]


def test_a_serial_number_loses_to_a_date_line(knowledge: Knowledge) -> None:
    text = "March 9, 2023\n\n" + BODY
    decision = decide(knowledge, text, "https://example.kr/en/article/2023030799887766")
    assert decision.published == "2023-03-09"
    assert {c.value for c in decision.conflicts} == {"2023-03-07"}


# --- time stamps and bylines --------------------------------------------------------------------


def votes(line: str) -> list[tuple[str, str, float]]:
    words = default_knowledge().time_words
    return [
        (v.signal, v.day.isoformat(), v.weight)
        for v in date_line_votes(line, date_patterns(words), words)
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Asia Desk | Published: March 7, 2023 08:15:02", [("date-line:published", "2023-03-07")]),
        (
            "Written: 2023-03-07 08:15:02Updated: 2023-03-08 11:00:00",
            [("date-line:published", "2023-03-07"), ("date-line:updated", "2023-03-08")],
        ),
        ("08:15 KST, March 7, 2023", [("date-line", "2023-03-07")]),
        ("- Published Date: 08:15 | 07 March 2023", [("date-line:published", "2023-03-07")]),
        ("- Modified Date: 11:02 | 08 March 2023", [("date-line:updated", "2023-03-08")]),
        (
            "입력 2023-03-07 08:15:02 수정 2023.03.08 11:00",
            [("date-line:published", "2023-03-07"), ("date-line:updated", "2023-03-08")],
        ),
        (
            "更新：2023年3月8日 11:00 公開：2023年3月7日 08:15",
            [("date-line:updated", "2023-03-08"), ("date-line:published", "2023-03-07")],
        ),
        ("发布时间：2023-03-07 08:15:02", [("date-line:published", "2023-03-07")]),
        ("Posted : Mar.7,2023 08:15 KST", [("date-line:published", "2023-03-07")]),
        ("March 7, 20238:15 AM GMT+9Updated 3 hours ago", [("date-line", "2023-03-07")]),
        ("By Jane Roe - March 7, 2023", [("date-line:byline", "2023-03-07")]),
        ("2023-03-07 17:22:09", [("date-line", "2023-03-07")]),
    ],
)
def test_stamp_lines_vote_as_their_labels_say(line: str, expected: list[tuple[str, str]]) -> None:
    assert [(signal, day) for signal, day, _ in votes(line)] == expected


def test_published_outweighs_updated_and_a_byline_weighs_least_of_the_dated() -> None:
    weight = {
        signal: w for signal, _, w in votes("Posted 2023-03-07 08:15 Updated 2023-03-08 09:00")
    }
    assert weight["date-line:published"] > weight["date-line:updated"]
    assert votes("By Jane Roe - March 7, 2023")[0][2] < votes("March 7, 2023")[0][2]


def test_a_stamp_in_the_head_of_a_page_dates_it(knowledge: Knowledge) -> None:
    text = (
        "Envoys agree to meet again\n"
        "Both sides said the next round would follow within weeks, officials said on Tuesday.\n"
        "- World\n- Staff and Agencies\n"
        "- Published Date: 08:15 | 07 March 2023\n"
        "- Modified Date: 11:02 | 07 March 2023\n" + BODY
    )
    decision = decide(knowledge, text)
    assert decision.published == "2023-03-07"
    assert "date-line:published" in {e.signal for e in decision.evidence}


def test_the_publication_stamp_wins_over_a_later_update(knowledge: Knowledge) -> None:
    text = "Talks resume\n\nWritten: 2023-03-07 08:15:02Updated: 2023-03-09 11:00:00\n\n" + BODY
    decision = decide(knowledge, text)
    assert decision.published == "2023-03-07"
    assert [(c.signal, c.value) for c in decision.conflicts] == [
        ("date-line:updated", "2023-03-09")
    ]


def test_an_update_stamp_alone_still_dates_the_page(knowledge: Knowledge) -> None:
    decision = decide(knowledge, "Talks resume\n\nUpdated 9:40 PM GMT+9, March 9, 2023\n\n" + BODY)
    assert decision.published == "2023-03-09"


def test_a_portal_stamp_in_korean(knowledge: Knowledge) -> None:
    text = "회담 재개\n\n입력 2023-03-07 08:15:02 수정 2023-03-09 11:00:00\n\n" + BODY
    assert decide(knowledge, text).published == "2023-03-07"


def test_many_stamps_of_different_days_are_a_list(knowledge: Knowledge) -> None:
    text = "\n".join(f"0{d}/03/2023 - 10:1{d}\nItem {d} of the list." for d in range(3, 7))
    decision = decide(knowledge, text, None, ("column:date", "2023-03-09"))
    assert decision.published == "2023-03-09"


# --- datelines ----------------------------------------------------------------------------------


def test_a_dateline_with_its_year_after_the_credit(knowledge: Knowledge) -> None:
    text = "Busan, South Korea (AFP) Mar 7, 2023 - " + BODY
    decision = decide(knowledge, text)
    assert decision.published == "2023-03-07"
    assert [e.signal for e in decision.evidence][:1] == ["dateline:year"]


def test_a_dateline_after_a_photo_caption_takes_its_year_from_the_other_signals(
    knowledge: Knowledge,
) -> None:
    caption = (
        "Delegates pose for a photo before the meeting at the ministry in Seoul, with flags of "
        "both countries behind them and reporters waiting outside the hall. (Image courtesy "
        "of the ministry)"
    )
    text = f"{caption}\nSEOUL, March 7 (Example News) -- {BODY}"
    decision = decide(knowledge, text, "https://example.com/2021/03/07/talks")
    assert decision.published == "2021-03-07"  # not the most recent March 7
    assert {"dateline", "url:year-month-day path"} <= {e.signal for e in decision.evidence}


def test_the_dates_a_text_prints_outrank_a_record_column(knowledge: Knowledge) -> None:
    text = "April 5, 2011\n\n" + BODY
    differs = decide(knowledge, text, None, ("column:date", "2011-04-12"))
    assert differs.published == "2011-04-05"
    assert [(c.signal, c.value) for c in differs.conflicts] == [("column:date", "2011-04-12")]
    # A day-first value read month-first at first joins the day the text prints.
    malformed = decide(knowledge, text, None, ("column:date", "05-04-2011"))
    assert (malformed.published, malformed.conflicts) == ("2011-04-05", ())


def test_an_address_keeps_its_weight_against_a_printed_date(knowledge: Knowledge) -> None:
    # Only a record's metadata yields to the dates the text prints: an address and a date
    # line are two equal witnesses, and the confidence says so.
    text = "Sunday, March 12, 2023\n\n" + BODY
    decision = decide(knowledge, text, "https://example.com/2023/03/07/talks")
    assert {c.value for c in decision.conflicts} == {"2023-03-07"}
    assert decision.confidence < 0.5


def test_a_wire_dateline_outranks_a_different_record_date(knowledge: Knowledge) -> None:
    text = f"SEOUL, March 7 (Example News) -- {BODY}"
    decision = decide(knowledge, text, None, ("column:date", "2023-03-09"))
    assert decision.published == "2023-03-07"  # the column names the year
    assert [(c.signal, c.value) for c in decision.conflicts] == [("column:date", "2023-03-09")]


# --- dated roles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Former South Korean President Moon Jae-in sent a message.",
        "The talks were proposed by then-U.S. President Donald Trump.",
        "When President Moon Jae-in visited the border, the guards saluted.",
        "In 2018, President Moon Jae-in crossed the line for a summit.",
    ],
)
def test_roles_named_as_past_bound_nothing(knowledge: Knowledge, sentence: str) -> None:
    assert role_bounds(sentence, knowledge) == []


def test_a_role_named_as_current_bounds(knowledge: Knowledge) -> None:
    [bound] = role_bounds("President Moon Jae-in sent a message on Monday.", knowledge)
    assert bound.signal == "role:moon_jae_in" and not bound.hard


def test_a_date_line_the_roles_do_not_fit_is_kept_with_less_confidence(
    knowledge: Knowledge,
) -> None:
    text = "March 7, 2023\n\nPresident Moon Jae-in sent a message on Tuesday."
    decision = decide(knowledge, text)
    assert decision.published == "2023-03-07"
    assert [c.signal for c in decision.conflicts] == ["role:moon_jae_in"]
    unbounded = decide(knowledge, text.replace("President Moon Jae-in", "The envoy"))
    assert unbounded.published == "2023-03-07"
    assert decision.confidence < unbounded.confidence


def test_a_dateline_is_dated_even_when_the_roles_contradict_each_other(
    knowledge: Knowledge,
) -> None:
    text = (
        "SEOUL, March 7 (Example News) -- President Moon Jae-in and President Lee Jae Myung "
        "sent messages on Tuesday."
    )
    assert decide(knowledge, text).published is not None


# --- the readers never fail ---------------------------------------------------------------------


DATE_ALPHABET = "0123456789 ,.-/:TZ+年월日 JanuaryMaySeptDecWedGMTpm"


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=80), st.text(alphabet=DATE_ALPHABET, max_size=40)))
def test_reading_any_value_gives_a_date_or_nothing(value: str) -> None:
    reading = read_date_value(value)
    assert reading is None or (
        isinstance(reading.day, date) and reading.precision in ("year", "month", "day")
    )


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=120),
        st.text(alphabet=DATE_ALPHABET + "|PublishedUpdated입력", max_size=80),
    )
)
def test_reading_any_line_gives_dated_votes_or_nothing(line: str) -> None:
    for _signal, day, weight in votes(line):
        assert date.fromisoformat(day) and 0 < weight <= 1


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=date(1995, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(
        [
            "Published: {d:%B} {d.day}, {d.year} {d:%H}:15",
            "Updated {d.day} {d:%b}. {d.year}, 08:15",
            "입력 {d:%Y-%m-%d} 08:15:02",
            "发布时间：{d.year}年{d.month}月{d.day}日 08:15",
            "08:15 JST, {d:%B} {d.day}, {d.year}",
            "By Jane Roe - {d:%d %B %Y}",
        ]
    ),
)
def test_stamps_are_read_back_to_their_day(day: date, shape: str) -> None:
    [(_, found, _)] = votes(shape.format(d=day))
    assert found == day.isoformat()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.text(alphabet="/-_?=0123456789abcmay", max_size=40))
def test_reading_any_address_gives_sane_dates_or_nothing(host: str, path: str) -> None:
    for found in url_dates(f"https://{host}/{path}", default_knowledge().time_words, TODAY):
        assert date(1995, 1, 1) <= found.day <= TODAY

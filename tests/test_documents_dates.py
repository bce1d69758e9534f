"""The document reader's date shapes: time stamps and bylines taken out of the head of a page,
datelines with the year after the credit or after a photo caption. Invented lines."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peninsula.documents import (
    DatePatterns,
    build_document,
    date_patterns,
    is_stamp,
    split_dateline,
)
from peninsula.knowledge import default_knowledge
from peninsula.records import Document, RawArticle

BODY = "Officials from both sides held talks near the border and agreed to meet again soon."
LONG = (
    "The delegations spent most of the afternoon on the agenda for the next round, officials "
    "said, and left the question of a joint statement to their deputies, who are to meet in the "
    "capital for two days later this week."
)


def patterns() -> DatePatterns:
    return date_patterns(default_knowledge().time_words)


def build(text: str, **fields: Any) -> Document:
    return build_document(RawArticle(origin="test.txt", text=text, **fields), default_knowledge())


@pytest.mark.parametrize(
    "line",
    [
        "Asia Desk | Published: March 7, 2023 08:15:02",
        "Written: 2023-03-07 08:15:02Updated: 2023-03-08 11:00:00",
        "08:15 KST, March 7, 2023",
        "- Published Date: 08:15 | 07 March 2023",
        "입력 2023-03-07 08:15:02",
        "수정 2023.03.08 11:00",
        "公開日：2023年3月7日 08:15",
        "发布时间：2023-03-07 08:15:02",
        "Posted : 2023-03-07 08:15 Updated : 2023-03-08 09:00",
        "Posted on : Mar.7,2023 08:15 KST",
        "March 7, 20238:15 AM GMT+9Updated 3 hours ago",
        "Updated 9:40 PM GMT+9, Tue March 7, 2023",
        "By Jane Roe - March 7, 2023",
        "2023-03-07 17:22:09",
        "Tuesday, 07 March 2023 10:05 GMT",
    ],
)
def test_stamps(line: str) -> None:
    assert is_stamp(line, patterns())


@pytest.mark.parametrize(
    "line",
    [
        "Officials met on March 7, 2023 to discuss the plan.",
        "Photo taken on March 7, 2023",
        "Talks Resume In Geneva After Long Pause, March 7, 2023",
        "The meeting lasted until 10:30 on March 7, 2023 in Seoul.",
        "Negotiators Return, Delegates Met Again On March 7, 2023 In Geneva",
        "Published in 2023",
        "Updated 10:41",
        "- World",
        LONG + " March 7, 2023 08:15",
    ],
)
def test_not_stamps(line: str) -> None:
    assert not is_stamp(line, patterns())


def test_stamps_in_the_head_of_a_page_become_header_lines() -> None:
    text = "\n".join(
        [
            "Envoys agree to meet again",
            LONG,
            "- World",
            "- Published Date: 08:15 | 07 March 2023",
            "- Modified Date: 11:02 | 07 March 2023",
            BODY,
        ]
    )
    document = build(text)
    assert document.title == "Envoys agree to meet again"
    assert document.header_lines == (
        "- Published Date: 08:15 | 07 March 2023",
        "- Modified Date: 11:02 | 07 March 2023",
    )
    assert "Published Date" not in document.text and document.text.endswith(BODY)


def test_a_stamp_deep_in_the_body_stays_text() -> None:
    text = "\n".join(["Envoys agree to meet again", LONG, LONG, LONG, "2023-03-07 17:22:09", BODY])
    document = build(text)
    assert document.header_lines == ()
    assert "2023-03-07 17:22:09" in document.text


def test_a_dateline_with_its_year_after_the_credit() -> None:
    line, rest = split_dateline("Busan, South Korea (AFP) Mar 7, 2023 - Talks began.", patterns())
    assert line is not None
    assert (line.place, line.month, line.day, line.year, line.outlet) == (
        "Busan, South Korea",
        3,
        7,
        2023,
        "AFP",
    )
    assert rest == "Talks began."


def test_a_dateline_after_a_photo_caption_keeps_the_caption_in_the_text() -> None:
    caption = "Delegates pose for a photo at the ministry in Seoul. " + LONG
    document = build(f"{caption}\nSEOUL, March 7 (Example News) -- {BODY}")
    assert document.dateline is not None and (document.dateline.month, document.dateline.day) == (
        3,
        7,
    )
    assert document.text == f"{caption}\n\n{BODY}"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_the_date_shapes_never_fail(text: str) -> None:
    is_stamp(text, patterns())
    dateline, _rest = split_dateline(text, patterns())
    assert dateline is None or text.strip().startswith(dateline.raw)
    build(text)

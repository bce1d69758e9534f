"""Merging statements and commitments, and deciding whether a commitment was kept. No model and
no network: a fake embedder."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from peninsula.knowledge import Knowledge, default_knowledge
from peninsula.merge import (
    CommitmentInput,
    EventInput,
    StatementInput,
    merge_commitments,
    merge_statements,
)
from peninsula.records import Commitment, CommitmentMention, MergedCommitment, MergedStatement
from tests.test_merge_events import OTHER, FakeEmbedder, event

# --- statements ----------------------------------------------------------------------------------

QUOTE = "We will pursue dialogue with North Korea without preconditions and with patience"


def statement(
    id: str, text: str, speaker: str | None = "lee_jae_myung", **kw: Any
) -> StatementInput:
    return StatementInput(
        id=id, document_id=kw.pop("document", f"doc-{id}"), text=text, speaker=speaker, **kw
    )


def members(found: list[MergedStatement] | list[MergedCommitment]) -> set[frozenset[str]]:
    return {frozenset(m.member_ids) for m in found}


def test_one_quote_carried_by_two_outlets(knowledge: Knowledge) -> None:
    items = [
        statement("a", QUOTE, published="2025-08-26"),
        statement(
            "b",
            "We will pursue dialogue with North Korea without preconditions",
            published="2025-08-25",
        ),
        statement("c", "Our alliance with the United States is stronger than ever before"),
        statement("d", QUOTE, speaker="kim_jong_un"),
    ]
    result = merge_statements(items, knowledge=knowledge)
    assert members(result) == {frozenset("ab"), frozenset("c"), frozenset("d")}
    (quote,) = [m for m in result if "a" in m.member_ids]
    assert (quote.id, quote.sources, quote.reports) == ("b", 2, 2)  # the first published
    assert quote.first_reported == "2025-08-25"
    assert quote.text == QUOTE  # the fullest wording
    shuffled = list(items)
    random.Random(5).shuffle(shuffled)
    assert merge_statements(shuffled, knowledge=knowledge) == result


def test_a_one_word_fragment_is_not_a_trimmed_quote(knowledge: Knowledge) -> None:
    items = [
        statement("full", QUOTE),
        statement("fragment", "patience."),
        statement("trimmed", "We will pursue dialogue with North Korea without preconditions"),
    ]
    result = merge_statements(items, knowledge=knowledge)
    assert members(result) == {frozenset({"full", "trimmed"}), frozenset({"fragment"})}


def test_an_unknown_speaker_needs_a_nearer_wording(knowledge: Knowledge) -> None:
    reworded = "We will pursue dialogue with North Korea without conditions and with patience"
    known = [statement("a", QUOTE), statement("b", reworded)]
    assert len(merge_statements(known, knowledge=knowledge)) == 1  # 5 of 6 words: 0.83
    unknown = [statement("a", QUOTE), statement("b", reworded, speaker=None)]
    assert len(merge_statements(unknown, knowledge=knowledge)) == 2


# --- commitments ---------------------------------------------------------------------------------

PLEDGE = "resume dialogue with North Korea and hold talks with Pyongyang"


def pledge(id: str, text: str, stated: str, **kw: Any) -> CommitmentInput:
    defaults: dict[str, Any] = {
        "actor": "lee_jae_myung",
        "target": "PRK",
        "code": "036",
        "category": "AGREE",
    }
    defaults.update(kw)
    root = defaults["code"][:2] if defaults["code"] else None
    return CommitmentInput(
        id=id, document_id=f"doc-{id}", wordings=(text,), date=stated, root=root, **defaults
    )


@pytest.mark.parametrize("use_embedder", [False, True])
def test_one_pledge_restated_across_months(knowledge: Knowledge, use_embedder: bool) -> None:
    embedder = FakeEmbedder() if use_embedder else None
    items = [
        pledge("a", PLEDGE, "2025-08-25"),
        pledge("b", "strengthen workplace safety", "2025-09-01", code=None, target=None),
        pledge("c", "hold talks with Pyongyang and resume dialogue", "2026-01-01", actor="KOR"),
        pledge("d", PLEDGE, "2025-10-01", actor="kim_jong_un", target="KOR"),
    ]
    result = merge_commitments(items, knowledge=knowledge, embedder=embedder)
    assert members(result) == {frozenset("ac"), frozenset("b"), frozenset("d")}
    (first,) = [m for m in result if "a" in m.members]
    assert (first.first_stated, first.last_stated, first.count) == ("2025-08-25", "2026-01-01", 2)
    assert [(w.text, w.date) for w in first.mentions] == [
        (PLEDGE, "2025-08-25"),
        ("hold talks with Pyongyang and resume dialogue", "2026-01-01"),
    ]
    assert first.actor == "lee_jae_myung"


INTENTS = {code: entry.intent for code, entry in default_knowledge().events.cameo.items()}


def decided(
    items: list[CommitmentInput], events: list[EventInput], knowledge: Knowledge, **kw: Any
) -> tuple[str, str | None]:
    (result,) = merge_commitments(items, events=events, intents=INTENTS, knowledge=knowledge, **kw)
    return (result.status, result.status_evidence)


def talks(id: str, day: str, **kw: Any) -> EventInput:
    sentence = kw.pop(
        "sentence", "South Korea held talks with North Korea in Panmunjom to resume dialogue"
    )
    defaults: dict[str, Any] = {"code": "046", "source": "KOR", "target": "PRK", "date": day}
    defaults.update(kw)
    return event(id, sentence, **defaults)


LEDGER = [pledge("p", PLEDGE, "2025-08-25")]


@pytest.mark.parametrize("use_embedder", [False, True])
def test_commitment_fulfilled_by_a_later_actual_event(
    knowledge: Knowledge, use_embedder: bool
) -> None:
    embedder = FakeEmbedder() if use_embedder else None
    events = [
        talks("before", "2025-07-01"),  # earlier than the pledge: proves nothing
        talks("other-actor", "2025-10-01", source="USA"),
        talks("other-code", "2025-10-01", code="112", category="ACCUSE", sentence=OTHER),
        talks("held", "2025-10-02"),
    ]
    assert decided(LEDGER, events, knowledge, embedder=embedder) == ("fulfilled", "held")
    assert decided(LEDGER, events[:3], knowledge, embedder=embedder) == ("open", None)


@pytest.mark.parametrize("use_embedder", [False, True])
def test_commitment_contradicted(knowledge: Knowledge, use_embedder: bool) -> None:
    embedder = FakeEmbedder() if use_embedder else None
    refused = talks("refused", "2025-11-01", modality="negated")
    assert decided(LEDGER, [refused], knowledge, embedder=embedder) == ("contradicted", "refused")
    threat = talks(
        "threat",
        "2025-11-02",
        code="138",
        category="THREATEN",
        source="lee_jae_myung",
        sentence="Lee threatened North Korea and said dialogue with Pyongyang was over",
    )
    # the latest decides, whatever order the events come in
    for events in ([talks("held", "2025-10-02"), threat], [threat, talks("held", "2025-10-02")]):
        assert decided(LEDGER, events, knowledge, embedder=embedder) == ("contradicted", "threat")
    # a threat toward someone else contradicts nothing
    elsewhere = replace(threat, target="JPN")
    assert decided(LEDGER, [elsewhere], knowledge, embedder=embedder) == ("open", None)


def test_a_restated_pledge_is_decided_as_one(knowledge: Knowledge) -> None:
    restated = [*LEDGER, pledge("q", PLEDGE, "2025-12-01")]
    assert decided(restated, [talks("held", "2025-10-02")], knowledge) == ("fulfilled", "held")


def test_the_sentence_that_states_a_pledge_does_not_fulfil_it() -> None:
    stated = CommitmentInput(
        "d1:c0", "d1", ("to strengthen collaboration with Seoul",), actor="antonio_guterres",
        date="2025-09-24", code="031", root="03",
    )  # fmt: skip
    same = EventInput(
        "d1:e5", "d1", "Guterres welcomed it and pledged to strengthen collaboration with Seoul.",
        "welcomed", code="051", root="05", source="antonio_guterres", date="2025-09-24",
    )  # fmt: skip
    later = replace(same, id="d2:e5", document_id="d2", date="2025-10-02")
    (result,) = merge_commitments([stated], events=[same], intents=INTENTS)
    assert result.status == "open"
    (result,) = merge_commitments([stated], events=[later], intents=INTENTS)
    assert result.status_evidence in (None, "d2:e5")


SIGNED = "Lee and Kim signed a pact on joint fisheries patrols in the Yellow Sea"


def test_a_signing_does_not_keep_the_commitment_it_made(knowledge: Knowledge) -> None:
    """A signing reported as a commitment: the signing itself, told again by another outlet under
    a later date (or the very event the commitment came from), does not fulfil it."""
    made = Commitment(
        actor="lee_jae_myung", actor_text="Lee", text="joint fisheries patrols", key="k",
        mentions=(CommitmentMention("d1", "2025-06-19", None, "d1:e0", SIGNED, 0, 60),),
    )  # fmt: skip
    signing = pledge("d1:c0", SIGNED, "2025-06-19", code="057", category="SUPPORT", report=made)
    retold = talks("d2:e3", "2025-06-20", code="057", category="SUPPORT", sentence=SIGNED)
    assert decided([signing], [retold], knowledge) == ("open", None)
    itself = replace(retold, id="d1:e0", date="2025-06-21")  # a date resolved wrongly, same event
    assert decided([signing], [itself], knowledge) == ("open", None)
    # an agreement or a pledge told again is not kept by its retelling either
    agreed = pledge("d1:c0", PLEDGE, "2025-08-25", code="036")
    again = talks("again", "2025-10-02", code="036", category="AGREE", sentence=PLEDGE)
    assert decided([agreed], [again], knowledge) == ("open", None)
    # the deed promised still keeps it
    assert decided([agreed], [again, talks("held", "2025-10-03")], knowledge) == (
        "fulfilled",
        "held",
    )


@pytest.mark.parametrize("use_embedder", [False, True])
def test_an_uncoded_pledge_is_kept_only_by_a_deed(knowledge: Knowledge, use_embedder: bool) -> None:
    embedder = FakeEmbedder() if use_embedder else None
    uncoded = [pledge("p", PLEDGE, "2025-08-25", code=None)]
    worried = talks(
        "worried", "2025-10-01", code="110", category="DISAPPROVE",
        sentence="Lee voiced concern over North Korea and talks with Pyongyang to resume dialogue",
    )  # fmt: skip
    assert decided(uncoded, [worried], knowledge, embedder=embedder) == ("open", None)
    silent = replace(worried, id="silent", code="010", category="STATEMENT", modality="negated")
    assert decided(uncoded, [silent], knowledge, embedder=embedder)[0] == "open"
    events = [worried, talks("held", "2025-10-02")]
    assert decided(uncoded, events, knowledge, embedder=embedder) == ("fulfilled", "held")


def test_a_pledge_without_code_or_target_stays_open(knowledge: Knowledge) -> None:
    vague = [pledge("p", PLEDGE, "2025-08-25", code=None, target=None)]
    assert decided(vague, [talks("held", "2025-10-02")], knowledge) == ("open", None)

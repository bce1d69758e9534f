"""Cross-document merging: dates, roll-up of people to states, codes, modality, incremental
merges, statements, commitments and their status. No model and no network: a fake embedder."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from peninsula.event_links import LinkModel
from peninsula.knowledge import Knowledge
from peninsula.merge import (
    CommitmentInput,
    EventInput,
    MergedCommitment,
    MergedEvent,
    StatementInput,
    actors_compatible,
    codes_compatible,
    dates_compatible,
    lexical_similarity,
    merge_commitments,
    merge_events,
    merge_statements,
    names,
    resolve_commitments,
)

SUMMIT = date(2025, 8, 25)
# A hand-set scorer, so that these tests check the merging, not the trained weights: the
# sentence mixed 35:65 with the context, plus 0.8 x the names shared.
HAND_SET = LinkModel({"sentence": 0.35, "context": 0.65, "names": 0.8}, 0.0, 0.65, 0.55)


class FakeEmbedder:
    """Bag of words: each lowercase word a fixed random direction, a text their normalised sum,
    so the cosine of two texts follows their shared words. Records what it was asked."""

    def __init__(self, dimensions: int = 512) -> None:
        self.dimensions = dimensions
        self.calls: list[list[str]] = []

    def _word(self, word: str) -> NDArray[np.float64]:
        return np.random.default_rng(zlib.crc32(word.encode())).standard_normal(self.dimensions)

    def __call__(self, texts: Sequence[str]) -> NDArray[Any]:
        self.calls.append(list(texts))
        rows = []
        for text in texts:
            words = re.findall(r"[a-z]+", text.lower()) or ["empty"]
            row = np.sum([self._word(w) for w in words], axis=0)
            rows.append(row / np.linalg.norm(row))
        return np.array(rows)

    @property
    def embedded(self) -> list[str]:
        return [t for call in self.calls for t in call]


def event(
    id: str,
    sentence: str,
    *,
    document: str | None = None,
    code: str | None = "042",
    category: str | None = "CONSULT",
    source: str | None = "lee_jae_myung",
    target: str | None = "USA",
    modality: Any = "actual",
    date: str | None = "2025-08-25",
    precision: Any = None,
    published: str | None = "2025-08-26",
    trigger: str = "visited",
    context: str | None = None,
) -> EventInput:
    return EventInput(
        id=id,
        document_id=document or f"doc-{id}",
        sentence=sentence,
        trigger=trigger,
        code=code,
        root=code[:2] if code else None,
        category=category,
        source=source,
        target=target,
        modality=modality,
        date=date,
        date_precision=precision,
        published=published,
        context=context,
    )


VISIT = "President Lee Jae Myung visited Washington for a summit with President Trump"
VISIT_AGAIN = "Lee Jae Myung visited Washington for his first summit with Trump on Monday"
OTHER = "Seoul imposed new export controls on semiconductor equipment bound for China"


def clusters(merged: Sequence[MergedEvent]) -> list[set[str]]:
    return [set(m.member_ids) for m in merged]


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("2025", "2025-08", True),
        ("2025-08", "2025-08-25", True),
        ("2025-08", "2025-09", False),
        ("2025-08-25", "2025-08-26", False),
        ("2024", "2025-08", False),
        (None, "2025-08-25", True),
        ("XXXX-09-19", "2025-08-25", True),  # no year: unknown, fits anything
    ],
)
def test_dates_compatible_given_precision(a: str | None, b: str | None, compatible: bool) -> None:
    assert dates_compatible(a, b) is compatible
    assert dates_compatible(b, a) is compatible


def test_a_stated_precision_coarsens_the_date() -> None:
    assert dates_compatible("2025-08-01", "2025-08-25", "month", None)
    assert not dates_compatible("2025-08-01", "2025-08-25", "day", None)


def test_merged_date_is_the_most_precise() -> None:
    merged = merge_events(
        [],
        [
            event("a", VISIT, date="2025", precision="year"),
            event("b", VISIT_AGAIN, date="2025-08-25", precision="day"),
            event("c", VISIT, date="2025-08", precision="month"),
        ],
    )
    assert len(merged) == 1
    assert (merged[0].date, merged[0].date_precision) == ("2025-08-25", "day")


def test_events_a_month_apart_stay_apart() -> None:
    merged = merge_events(
        [], [event("a", VISIT, date="2025-08"), event("b", VISIT, date="2025-09")]
    )
    assert clusters(merged) == [{"a"}, {"b"}]


# --- participants ---------------------------------------------------------------------------------


def test_a_person_rolls_up_to_their_state(knowledge: Knowledge) -> None:
    assert knowledge.state_of("lee_jae_myung", SUMMIT) == "KOR"
    assert actors_compatible("lee_jae_myung", "KOR", knowledge, SUMMIT)
    assert actors_compatible("KOR", "lee_jae_myung", knowledge, SUMMIT)
    assert not actors_compatible("lee_jae_myung", "PRK", knowledge, SUMMIT)
    assert not actors_compatible("lee_jae_myung", "cho_hyun", knowledge, SUMMIT)  # both KOR
    assert actors_compatible("kor_mofa", "kor_gov", knowledge, SUMMIT)  # parent organisation
    assert not actors_compatible("lee_jae_myung", "KOR")  # no knowledge: equality only
    assert actors_compatible(None, "KOR")


def test_events_by_a_person_and_by_their_state_merge(knowledge: Knowledge) -> None:
    items = [
        event("a", VISIT, source="lee_jae_myung", document="d1"),
        event("b", VISIT_AGAIN, source="KOR", document="d2"),
    ]
    merged = merge_events([], items, knowledge=knowledge)
    assert clusters(merged) == [{"a", "b"}]
    assert merged[0].source == "lee_jae_myung"  # the more specific participant is shown
    assert merge_events([], items) != merged  # without knowledge they are different actors
    assert clusters(merge_events([], items)) == [{"a"}, {"b"}]


def test_another_state_or_another_person_does_not_merge(knowledge: Knowledge) -> None:
    items = [
        event("a", VISIT, source="lee_jae_myung"),
        event("b", VISIT, source="PRK"),
        event("c", VISIT, source="cho_hyun"),
        event("d", VISIT, source="lee_jae_myung", target="CHN"),
    ]
    assert clusters(merge_events([], items, knowledge=knowledge)) == [{"a"}, {"b"}, {"c"}, {"d"}]


def test_consultations_read_either_way_round(knowledge: Knowledge) -> None:
    met = "Lee Jae Myung and Donald Trump met at the White House for talks"
    items = [
        event("a", met, code="040", source="lee_jae_myung", target="donald_trump"),
        event("b", met, code="040", source="donald_trump", target="lee_jae_myung"),
        # an accusation is not symmetric
        event("c", met, code="112", category="ACCUSE", source="lee_jae_myung", target="USA"),
        event("d", met, code="112", category="ACCUSE", source="USA", target="lee_jae_myung"),
    ]
    assert clusters(merge_events([], items, knowledge=knowledge)) == [{"a", "b"}, {"c"}, {"d"}]


def test_a_reciprocal_pair_from_one_sentence_stays_two_events(knowledge: Knowledge) -> None:
    """ "The two leaders met" is coded once each way; a later report may join either."""
    met = "Lee Jae Myung and Donald Trump met at the White House for talks"
    items = [
        event("ab", met, code="040", source="lee_jae_myung", target="donald_trump", document="d"),
        event("ba", met, code="040", source="donald_trump", target="lee_jae_myung", document="d"),
        event("later", met, code="040", source="lee_jae_myung", target="donald_trump"),
    ]
    assert clusters(merge_events([], items, knowledge=knowledge)) == [{"ab", "later"}, {"ba"}]


def test_an_unknown_participant_needs_strong_text(knowledge: Knowledge) -> None:
    embedder = FakeEmbedder()
    near = "Lee Jae Myung visited Washington for a summit with President Trump on Monday"
    # (Few names in common: shared names are evidence too, see test_shared_names_are_evidence.)
    loose = "The president visited Washington for a summit amid tariff talks"
    # With both participants named and agreeing, a loosely similar sentence is enough ...
    named = [event("a", VISIT), event("b", loose, source="KOR")]
    result = merge_events([], named, knowledge=knowledge, embedder=embedder, link_model=HAND_SET)
    assert clusters(result) == [{"a", "b"}]
    # ... with the source unknown on one side, it is not; a near-identical one is.
    unknown = [event("a", VISIT), event("b", loose, source=None), event("c", near, source=None)]
    result = merge_events([], unknown, knowledge=knowledge, embedder=embedder, link_model=HAND_SET)
    assert clusters(result) == [{"a", "c"}, {"b"}]


# --- codes and modality --------------------------------------------------------------------------


def test_codes_compatible_by_root_or_plover_category() -> None:
    assert codes_compatible("04", "CONSULT", "04", None)
    assert codes_compatible("18", "ASSAULT", "19", "ASSAULT")
    assert not codes_compatible("04", "CONSULT", "05", "SUPPORT")
    assert not codes_compatible(None, None, None, None)


def test_code_roots_decide_what_may_merge() -> None:
    items = [
        event("visit", VISIT, code="042"),
        event("host", VISIT, code="043"),  # same root 04
        event("sign", VISIT, code="057", category="SUPPORT"),  # root 05
        event("fight", OTHER, code="190", category="ASSAULT"),
        event("assault", OTHER, code="180", category="ASSAULT"),  # other root, same category
    ]
    result = merge_events([], items)
    assert clusters(result) == [{"visit", "host"}, {"sign"}, {"fight", "assault"}]
    assert result[0].code == "042"  # the first of the most frequent codes


@pytest.mark.parametrize("other", ["pledged", "negated", "hypothetical"])
def test_modality_is_never_mixed(other: str) -> None:
    items = [event("a", VISIT), event("b", VISIT, modality=other), event("c", VISIT)]
    result = merge_events([], items, embedder=FakeEmbedder())
    assert clusters(result) == [{"a", "c"}, {"b"}]
    assert result[1].modality == other


def test_uncoded_events_need_agreeing_triggers() -> None:
    items = [
        event("a", VISIT, code=None, category=None, trigger="summit"),
        event("b", VISIT_AGAIN, code=None, category=None, trigger="summits"),  # same stem
        event("c", VISIT, code=None, category=None, trigger="visited"),
    ]
    assert clusters(merge_events([], items)) == [{"a", "b"}, {"c"}]


# --- evidence, sources, incremental merging ------------------------------------------------------


def test_sources_and_first_reported() -> None:
    items = [
        event("a", VISIT, document="d1", published="2025-08-27"),
        event("b", VISIT_AGAIN, document="d2", published="2025-08-25"),
        event("c", VISIT_AGAIN, document="d1", published="2025-08-27"),
    ]
    (merged,) = merge_events([], items)
    assert merged.id == "a"
    assert merged.member_ids == ("a", "b", "c")
    assert merged.documents == ("d1", "d2")
    assert merged.sources == 2
    assert merged.first_reported == "2025-08-25"


STORY = [
    event("a", VISIT, document="d1", context="Lee in Washington"),
    event("b", OTHER, code="163", category="SANCTION", target="CHN", document="d1"),
    event("c", VISIT_AGAIN, source="KOR", document="d2", context="Lee in Washington"),
    event("d", VISIT, modality="pledged", date="2025-08", document="d3"),
    event("e", OTHER, code="163", category="SANCTION", source="KOR", target="CHN", document="d4"),
    event("f", VISIT, source=None, document="d5", date=None),
    event("g", VISIT, date="2025-09-30", document="d6"),
    event("h", VISIT_AGAIN, date="2025-09", document="d7", published="2025-10-01"),
]


@pytest.mark.parametrize("use_embedder", [False, True])
@pytest.mark.parametrize("cut", [0, 1, 3, 5, 8])
def test_incremental_merge_equals_batch(knowledge: Knowledge, use_embedder: bool, cut: int) -> None:
    def run(existing: Sequence[MergedEvent], new: Sequence[EventInput]) -> list[MergedEvent]:
        embedder = FakeEmbedder() if use_embedder else None
        return merge_events(existing, new, knowledge=knowledge, embedder=embedder)

    batch = run([], STORY)
    assert run(run([], STORY[:cut]), STORY[cut:]) == batch
    assert len(batch) < len(STORY)  # something did merge


def test_incremental_merge_reuses_stored_vectors(knowledge: Knowledge) -> None:
    embedder = FakeEmbedder()
    first = merge_events([], STORY[:4], knowledge=knowledge, embedder=embedder)
    fresh = event("z", "Tariff negotiations resumed in Geneva")
    merge_events(first, [*STORY[4:], fresh], knowledge=knowledge, embedder=embedder)
    assert VISIT in embedder.calls[0]
    assert embedder.calls[1] == [fresh.sentence]  # the rest was kept with the clusters


def test_existing_clusters_keep_their_ids_and_order() -> None:
    first = merge_events(
        [], [event("a", VISIT), event("x", OTHER, code="163", category="SANCTION")]
    )
    second = merge_events(
        first, [event("b", VISIT_AGAIN), event("y", OTHER, code="190", category=None)]
    )
    assert [m.id for m in second] == ["a", "x", "y"]
    assert second[0].member_ids == ("a", "b")
    assert second[1] is first[1]  # untouched clusters come back as they were


# --- similarity ----------------------------------------------------------------------------------


def test_lexical_fallback_without_embedder() -> None:
    assert lexical_similarity(VISIT, VISIT) == 1.0
    assert lexical_similarity(VISIT, VISIT_AGAIN) > 0.5
    assert lexical_similarity(VISIT, OTHER) < 0.1
    assert lexical_similarity("the talks", "a talk") == 1.0  # stems, stop words dropped
    assert lexical_similarity("", VISIT) == 0.0
    items = [
        event("a", VISIT, source=None),
        event("b", VISIT_AGAIN, source=None),
        event("c", "The visit was followed by a dinner", source=None),
    ]
    assert clusters(merge_events([], items)) == [{"a", "b"}, {"c"}]


def test_embedder_output_must_match_the_texts() -> None:
    def broken(texts: Sequence[str]) -> NDArray[Any]:
        return np.ones((1, 4))

    with pytest.raises(ValueError, match="embedder returned"):
        merge_events([], [event("a", VISIT), event("b", OTHER)], embedder=broken)


def test_context_separates_stories() -> None:
    """The same words in articles about other stories are other happenings."""
    embedder = FakeEmbedder()
    limits = replace(HAND_SET, threshold=0.75)
    said = "Police said the man was arrested on Tuesday"
    items = [
        event("a", said, code=None, source=None, target=None, date=None, context="Bank robbery"),
        event("b", said, code=None, source=None, target=None, date=None, context="Bank robbery"),
        event("c", said, code=None, source=None, target=None, date=None, context="Election fraud"),
    ]
    result = merge_events([], items, embedder=embedder, link_model=limits)
    assert clusters(result) == [{"a", "b"}, {"c"}]


def test_names_are_capitalised_words_and_numbers() -> None:
    text = "Climber dies on Mount Cook\nThe man, 36, fell 150 metres. Police said he was from Perth"
    assert names(text) == {"mount", "cook", "36", "150", "perth"}  # not a sentence's first word


FALL = "The climber died after a fall of 150 metres"
LEADS = {
    "a": "Climber dies in fall. Police named him as Mark Vinar of Perth",
    "b": "Climber killed in fall. Police named him as Mark Vinar, 36, of Perth",
    "c": "Climber dies in fall. Police named him as Ben Smith of Melbourne",
}


def falls() -> list[EventInput]:
    return [
        event(k, FALL, document=k, code=None, source=None, target=None, date=None, context=lead)
        for k, lead in LEADS.items()
    ]


def test_shared_names_are_evidence() -> None:
    """Two reports naming the same people and places are more likely one happening: the
    names they share add to the text similarity; one fall of another climber stays apart."""
    strict = replace(HAND_SET, threshold=0.95)
    result = merge_events([], falls(), embedder=FakeEmbedder(), link_model=strict)
    assert clusters(result) == [{"a", "b"}, {"c"}]
    without = replace(strict, weights={"sentence": 0.35, "context": 0.65})
    result = merge_events([], falls(), embedder=FakeEmbedder(), link_model=without)
    assert clusters(result) == [{"a"}, {"b"}, {"c"}]


@pytest.mark.parametrize("cut", [0, 1, 2, 3])
def test_name_rarity_is_incremental(cut: int) -> None:
    """Names weigh by their rarity among the documents merged so far, which the existing
    clusters carry: a merge in two steps is the merge in one."""
    strict = replace(HAND_SET, threshold=0.95)
    items = falls()

    def run(existing: Sequence[MergedEvent], new: Sequence[EventInput]) -> list[MergedEvent]:
        return merge_events(existing, new, embedder=FakeEmbedder(), link_model=strict)

    assert run(run([], items[:cut]), items[cut:]) == run([], items)


# --- statements ----------------------------------------------------------------------------------

QUOTE = "We will pursue dialogue with North Korea without preconditions and with patience"


def statement(
    id: str, text: str, speaker: str | None = "lee_jae_myung", **kw: Any
) -> StatementInput:
    return StatementInput(
        id=id, document_id=kw.pop("document", f"doc-{id}"), text=text, speaker=speaker, **kw
    )


@pytest.mark.parametrize("use_embedder", [False, True])
def test_one_quote_carried_by_two_outlets(knowledge: Knowledge, use_embedder: bool) -> None:
    embedder = FakeEmbedder() if use_embedder else None
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
    result = merge_statements([], items, knowledge=knowledge, embedder=embedder)
    assert [set(m.member_ids) for m in result] == [{"a", "b"}, {"c"}, {"d"}]
    assert result[0].sources == 2
    assert result[0].first_reported == "2025-08-25"
    assert result[0].text == QUOTE  # the fullest wording
    assert merge_statements(
        merge_statements([], items[:2], knowledge=knowledge), items[2:], knowledge=knowledge
    ) == merge_statements([], items, knowledge=knowledge)


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
        id=id, document_id=f"doc-{id}", text=text, date=stated, root=root, **defaults
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
    result = merge_commitments([], items, knowledge=knowledge, embedder=embedder)
    assert [set(m.member_ids) for m in result] == [{"a", "c"}, {"b"}, {"d"}]
    first = result[0]
    assert (first.first_stated, first.last_stated, first.count) == ("2025-08-25", "2026-01-01", 2)
    assert first.wordings == (
        (PLEDGE, "2025-08-25"),
        ("hold talks with Pyongyang and resume dialogue", "2026-01-01"),
    )
    assert first.actor == "lee_jae_myung"


def ledger(knowledge: Knowledge) -> list[MergedCommitment]:
    return merge_commitments([], [pledge("p", PLEDGE, "2025-08-25")], knowledge=knowledge)


def talks(id: str, day: str, **kw: Any) -> EventInput:
    sentence = kw.pop(
        "sentence", "South Korea held talks with North Korea in Panmunjom to resume dialogue"
    )
    defaults: dict[str, Any] = {"code": "046", "source": "KOR", "target": "PRK", "date": day}
    defaults.update(kw)
    return event(id, sentence, **defaults)


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
    (result,) = resolve_commitments(
        ledger(knowledge), events, knowledge=knowledge, embedder=embedder
    )
    assert (result.status, result.status_evidence) == ("fulfilled", "held")
    (still,) = resolve_commitments(
        ledger(knowledge), events[:3], knowledge=knowledge, embedder=embedder
    )
    assert (still.status, still.status_evidence) == ("open", None)


@pytest.mark.parametrize("use_embedder", [False, True])
def test_commitment_contradicted(knowledge: Knowledge, use_embedder: bool) -> None:
    embedder = FakeEmbedder() if use_embedder else None
    refused = talks("refused", "2025-11-01", modality="negated")
    (result,) = resolve_commitments(
        ledger(knowledge), [refused], knowledge=knowledge, embedder=embedder
    )
    assert (result.status, result.status_evidence) == ("contradicted", "refused")

    threat = talks(
        "threat",
        "2025-11-02",
        code="138",
        category="THREATEN",
        source="lee_jae_myung",
        sentence="Lee threatened North Korea and said dialogue with Pyongyang was over",
    )
    events = [talks("held", "2025-10-02"), threat]
    (result,) = resolve_commitments(
        ledger(knowledge), events, knowledge=knowledge, embedder=embedder
    )
    assert (result.status, result.status_evidence) == (
        "contradicted",
        "threat",
    )  # the latest decides
    # a threat toward someone else contradicts nothing
    elsewhere = replace(threat, target="JPN")
    (result,) = resolve_commitments(
        ledger(knowledge), [elsewhere], knowledge=knowledge, embedder=embedder
    )
    assert result.status == "open"


def test_a_restated_pledge_keeps_its_status(knowledge: Knowledge) -> None:
    (done,) = resolve_commitments(
        ledger(knowledge), [talks("held", "2025-10-02")], knowledge=knowledge
    )
    assert done.status == "fulfilled"
    (again,) = merge_commitments([done], [pledge("q", PLEDGE, "2025-12-01")], knowledge=knowledge)
    assert again.member_ids == ("p", "q")
    assert (again.status, again.status_evidence) == ("fulfilled", "held")
    (still,) = resolve_commitments([again], [], knowledge=knowledge)  # no new events
    assert (still.status, still.status_evidence) == ("fulfilled", "held")


def test_the_sentence_that_states_a_pledge_does_not_fulfil_it() -> None:
    pledge = CommitmentInput(
        "d1:c0", "d1", "to strengthen collaboration with Seoul", actor="antonio_guterres",
        date="2025-09-24", code="031", root="03",
    )  # fmt: skip
    same = EventInput(
        "d1:e5", "d1", "Guterres welcomed it and pledged to strengthen collaboration with Seoul.",
        "welcomed", code="051", root="05", source="antonio_guterres", date="2025-09-24",
    )  # fmt: skip
    later = replace(same, id="d2:e5", document_id="d2", date="2025-10-02")
    merged = merge_commitments([], [pledge])
    assert resolve_commitments(merged, [same])[0].status == "open"
    assert resolve_commitments(merged, [later])[0].status_evidence in (None, "d2:e5")


@pytest.mark.parametrize("use_embedder", [False, True])
def test_an_uncoded_pledge_is_kept_only_by_a_deed(knowledge: Knowledge, use_embedder: bool) -> None:
    embedder = FakeEmbedder() if use_embedder else None
    uncoded = merge_commitments(
        [], [pledge("p", PLEDGE, "2025-08-25", code=None)], knowledge=knowledge
    )
    worried = talks(
        "worried", "2025-10-01", code="110", category="DISAPPROVE",
        sentence="Lee voiced concern over North Korea and talks with Pyongyang to resume dialogue",
    )  # fmt: skip
    (result,) = resolve_commitments(uncoded, [worried], knowledge=knowledge, embedder=embedder)
    assert (result.status, result.status_evidence) == ("open", None)
    silent = replace(worried, id="silent", code="010", category="STATEMENT", modality="negated")
    (result,) = resolve_commitments(uncoded, [silent], knowledge=knowledge, embedder=embedder)
    assert result.status == "open"
    (result,) = resolve_commitments(
        uncoded, [worried, talks("held", "2025-10-02")], knowledge=knowledge, embedder=embedder
    )
    assert (result.status, result.status_evidence) == ("fulfilled", "held")


def test_a_pledge_without_code_or_target_stays_open(knowledge: Knowledge) -> None:
    vague = merge_commitments(
        [], [pledge("p", PLEDGE, "2025-08-25", code=None, target=None)], knowledge=knowledge
    )
    (result,) = resolve_commitments(vague, [talks("held", "2025-10-02")], knowledge=knowledge)
    assert (result.status, result.status_evidence) == ("open", None)


def test_a_one_word_fragment_is_not_a_trimmed_quote(knowledge: Knowledge) -> None:
    items = [
        statement("full", QUOTE),
        statement("fragment", "patience."),
        statement("trimmed", "We will pursue dialogue with North Korea without preconditions"),
    ]
    result = merge_statements([], items, knowledge=knowledge)
    assert [set(m.member_ids) for m in result] == [{"full", "trimmed"}, {"fragment"}]

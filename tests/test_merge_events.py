"""Merging events: dates, roll-up of people to states, codes, modality, the two directions of a
symmetric event, clusters that do not depend on order. No model and no network: a fake
embedder and a hand-set scorer."""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from peninsula.knowledge import Knowledge, LinkModel
from peninsula.merge import (
    EventInput,
    actors_compatible,
    codes_compatible,
    dates_compatible,
    lexical_similarity,
    merge_events,
    names,
)
from peninsula.merge.events import cluster_events, merged_event, named_at, supported_date
from peninsula.merge.similarity import LEXICAL_THRESHOLDS, Texts, names_shared
from peninsula.records import Event, MergedEvent

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


def clusters(merged: Sequence[MergedEvent]) -> set[frozenset[str]]:
    return {frozenset(m.member_ids) for m in merged}


def sets(*groups: set[str]) -> set[frozenset[str]]:
    return {frozenset(g) for g in groups}


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
        [
            event("a", VISIT, date="2025", precision="year"),
            event("b", VISIT_AGAIN, date="2025-08-25", precision="day"),
            event("c", VISIT, date="2025-08", precision="month"),
        ],
    )
    assert len(merged) == 1
    assert (merged[0].date, merged[0].date_precision) == ("2025-08-25", "day")


def test_merged_date_is_the_best_supported_not_one_reports_outlier() -> None:
    members = [
        event("a", VISIT, document="d1", date="2024-06", precision="month"),
        event("b", VISIT, document="d2", date="2024-06-19", precision="day"),
        event("c", VISIT, document="d3", date="2025-09-03", precision="day"),
        event("d", VISIT, document="d4", date=None),
    ]
    assert supported_date(members) == ("2024-06-19", "day")
    assert supported_date(members[2:]) == ("2025-09-03", "day")
    assert supported_date(members[3:]) == (None, None)


def test_a_merged_event_never_targets_its_own_source() -> None:
    members = [
        event("a", VISIT, source=None, target="shigeru_ishiba"),
        event("b", VISIT_AGAIN, source="shigeru_ishiba", target="lee_jae_myung"),
        event("c", VISIT, source=None, target="shigeru_ishiba"),
    ]
    merged = merged_event(members, None)
    assert (merged.source, merged.target) == ("shigeru_ishiba", "lee_jae_myung")


def test_events_a_month_apart_stay_apart() -> None:
    merged = merge_events([event("a", VISIT, date="2025-08"), event("b", VISIT, date="2025-09")])
    assert clusters(merged) == sets({"a"}, {"b"})


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
    merged = merge_events(items, knowledge=knowledge)
    assert clusters(merged) == sets({"a", "b"})
    assert merged[0].source == "lee_jae_myung"  # the more specific participant is shown
    assert merge_events(items) != merged  # without knowledge they are different actors
    assert clusters(merge_events(items)) == sets({"a"}, {"b"})


def test_another_state_or_another_person_does_not_merge(knowledge: Knowledge) -> None:
    items = [
        event("a", VISIT, source="lee_jae_myung"),
        event("b", VISIT, source="PRK"),
        event("c", VISIT, source="cho_hyun"),
        event("d", VISIT, source="lee_jae_myung", target="CHN"),
    ]
    assert clusters(merge_events(items, knowledge=knowledge)) == sets({"a"}, {"b"}, {"c"}, {"d"})


def test_consultations_read_either_way_round(knowledge: Knowledge) -> None:
    met = "Lee Jae Myung and Donald Trump met at the White House for talks"
    items = [
        event("a", met, code="040", source="lee_jae_myung", target="donald_trump"),
        event("b", met, code="040", source="donald_trump", target="lee_jae_myung"),
        # an accusation is not symmetric
        event("c", met, code="112", category="ACCUSE", source="lee_jae_myung", target="USA"),
        event("d", met, code="112", category="ACCUSE", source="USA", target="lee_jae_myung"),
    ]
    assert clusters(merge_events(items, knowledge=knowledge)) == sets({"a", "b"}, {"c"}, {"d"})


def test_a_reciprocal_pair_from_one_sentence_stays_two_events(knowledge: Knowledge) -> None:
    """ "The two leaders met" is coded once each way; a later report may join either."""
    met = "Lee Jae Myung and Donald Trump met at the White House for talks"
    items = [
        event("ab", met, code="040", source="lee_jae_myung", target="donald_trump", document="d"),
        event("ba", met, code="040", source="donald_trump", target="lee_jae_myung", document="d"),
        event("later", met, code="040", source="lee_jae_myung", target="donald_trump"),
    ]
    model = knowledge.links.lexical if knowledge.links else None
    assert model is not None
    found = cluster_events(
        items, model=model, limits=LEXICAL_THRESHOLDS, texts=Texts(None), knowledge=knowledge
    )
    assert {frozenset(e.id for e in c) for c in found} == sets({"ab", "later"}, {"ba"})
    # The two directions are one merged record: the first cluster's, with the other's evidence.
    (merged,) = merge_events(items, knowledge=knowledge)
    assert (merged.id, merged.source, merged.target) == ("ab", "lee_jae_myung", "donald_trump")
    assert set(merged.member_ids) == {"ab", "ba", "later"} and merged.mirror == "ba"


def test_a_symmetric_event_shows_the_direction_the_sentence_names_first(
    knowledge: Knowledge,
) -> None:
    """Which of the two directions the record shows depends on the sentence, not on ids."""
    met = "Trump met South Korean President Lee Jae-myung in Gyeongju for talks"
    items = [
        event("a", met, code="040", source="lee_jae_myung", target="donald_trump", document="d"),
        event("b", met, code="040", source="donald_trump", target="lee_jae_myung", document="d"),
    ]
    for ordered in (items, items[::-1]):
        (merged,) = merge_events(ordered, knowledge=knowledge)
        assert (merged.id, merged.source, merged.mirror) == ("b", "donald_trump", "a")
    assert named_at("lee_jae_myung", met, knowledge) == met.lower().index("lee")
    assert named_at("kim_jong_un", met, knowledge) == len(met)


def test_a_symmetric_event_told_by_one_side_shows_that_side_as_source(
    knowledge: Knowledge,
) -> None:
    said = "After talks with Lee Jae Myung in Seoul, Trump said the alliance was strong"

    def told(id: str, source: str, target: str) -> EventInput:
        found = event(id, said, code="040", source=source, target=target, document="d")
        report = Event(
            document_id="d", source=source, target=target, code="040", root="04",
            category="CONSULT", modality="actual", goldstein=1.0, summary="", sentence=said,
            char_start=0, char_end=len(said), trigger="talks", trigger_start=6,
            decided_by="pattern", reported_by="donald_trump",
        )  # fmt: skip
        return replace(found, report=report)

    items = [told("a", "lee_jae_myung", "donald_trump"), told("b", "donald_trump", "lee_jae_myung")]
    (merged,) = merge_events(items, knowledge=knowledge)
    assert (merged.source, merged.target) == ("donald_trump", "lee_jae_myung")


def test_an_unknown_participant_needs_strong_text(knowledge: Knowledge) -> None:
    embedder = FakeEmbedder()
    near = "Lee Jae Myung visited Washington for a summit with President Trump on Monday"
    # (Few names in common: shared names are evidence too, see test_shared_names_are_evidence.)
    loose = "The president visited Washington for a summit amid tariff talks and trade disputes"
    # With both participants named and agreeing, a loosely similar sentence is enough ...
    named = [event("a", VISIT), event("b", loose, source="KOR")]
    result = merge_events(named, knowledge=knowledge, embedder=embedder, link_model=HAND_SET)
    assert clusters(result) == sets({"a", "b"})
    # ... with the source unknown on one side, it is not; a near-identical one is.
    unknown = [event("a", VISIT), event("b", loose, source=None), event("c", near, source=None)]
    result = merge_events(unknown, knowledge=knowledge, embedder=embedder, link_model=HAND_SET)
    assert clusters(result) == sets({"a", "c"}, {"b"})


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
    result = merge_events(items)
    assert clusters(result) == sets({"visit", "host"}, {"sign"}, {"fight", "assault"})
    (visit,) = [m for m in result if "visit" in m.member_ids]
    assert visit.code == "043"  # the first of the most frequent codes, in canonical order


@pytest.mark.parametrize("other", ["pledged", "negated", "hypothetical"])
def test_modality_is_never_mixed(other: str) -> None:
    items = [event("a", VISIT), event("b", VISIT, modality=other), event("c", VISIT)]
    result = merge_events(items, embedder=FakeEmbedder())
    assert clusters(result) == sets({"a", "c"}, {"b"})
    assert [m.modality for m in result if "b" in m.member_ids] == [other]


def test_uncoded_events_need_agreeing_triggers() -> None:
    items = [
        event("a", VISIT, code=None, category=None, trigger="summit"),
        event("b", VISIT_AGAIN, code=None, category=None, trigger="summits"),  # same stem
        event("c", VISIT, code=None, category=None, trigger="visited"),
    ]
    assert clusters(merge_events(items)) == sets({"a", "b"}, {"c"})


# --- evidence, sources, incremental merging ------------------------------------------------------


def test_sources_and_first_reported() -> None:
    items = [
        event("a", VISIT, document="d1", published="2025-08-27"),
        event("b", VISIT_AGAIN, document="d2", published="2025-08-25"),
        event("c", VISIT_AGAIN, document="d1", published="2025-08-27"),
    ]
    (merged,) = merge_events(items)
    assert merged.id == "b"  # the first in canonical order: the earliest published
    assert merged.member_ids == ("b", "a", "c")
    assert [e.document_id for e in merged.evidence] == ["d2", "d1", "d1"]
    assert (merged.sources, merged.reports) == (2, 3)
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
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_clusters_do_not_depend_on_order(
    knowledge: Knowledge, use_embedder: bool, seed: int
) -> None:
    def run(items: Sequence[EventInput]) -> list[MergedEvent]:
        embedder = FakeEmbedder() if use_embedder else None
        return merge_events(items, knowledge=knowledge, embedder=embedder)

    shuffled = list(STORY)
    random.Random(seed).shuffle(shuffled)
    assert run(shuffled) == run(STORY)
    assert len(run(STORY)) < len(STORY)  # something did merge


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
    assert clusters(merge_events(items)) == sets({"a", "b"}, {"c"})


def test_embedder_output_must_match_the_texts() -> None:
    def broken(texts: Sequence[str]) -> NDArray[Any]:
        return np.ones((1, 4))

    with pytest.raises(ValueError, match="embedder returned"):
        merge_events([event("a", VISIT), event("b", OTHER)], embedder=broken)


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
    result = merge_events(items, embedder=embedder, link_model=limits)
    assert clusters(result) == sets({"a", "b"}, {"c"})


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
    result = merge_events(falls(), embedder=FakeEmbedder(), link_model=strict)
    assert clusters(result) == sets({"a", "b"}, {"c"})
    without = replace(strict, weights={"sentence": 0.35, "context": 0.65})
    result = merge_events(falls(), embedder=FakeEmbedder(), link_model=without)
    assert clusters(result) == sets({"a"}, {"b"}, {"c"})


def test_the_names_share_depends_on_the_pair_alone() -> None:
    """Every name weighs the same: no count over the documents merged so far, so a pair
    scores the same in any batch. One name in common out of one is a quarter match."""
    assert names_shared(frozenset({"perth"}), frozenset({"perth"})) == 0.25
    a, b = frozenset({"mark", "vinar", "perth", "150"}), frozenset({"mark", "vinar", "36", "150"})
    assert names_shared(a, b) == names_shared(b, a) == 0.6
    assert names_shared(a, frozenset()) == 0.0

"""Group subjects ("the two leaders", "both sides") stand for the actors named before them."""

from __future__ import annotations

from peninsula.knowledge import default_knowledge
from tests.test_nlp_events import events_in

KNOWLEDGE = default_knowledge()


def _pairs(text: str, trigger: str) -> set[tuple[str | None, str | None]]:
    return {(e.source, e.target) for e in events_in(text, KNOWLEDGE) if e.trigger == trigger}


def test_the_two_leaders_are_the_two_people_named_before_and_the_topic_is_no_party() -> None:
    text = (
        "Lee Jae Myung received Xi Jinping in Seoul on Friday. "
        "The two leaders discussed North Korea's missile program."
    )
    assert _pairs(text, "discussed") == {
        ("lee_jae_myung", "xi_jinping"),
        ("xi_jinping", "lee_jae_myung"),
    }


def test_both_sides_are_the_two_states_named_before() -> None:
    text = "Japan and China held talks in Tokyo. Both sides agreed to resume flights."
    assert _pairs(text, "agreed") == {("JPN", "CHN"), ("CHN", "JPN")}


def test_a_group_with_too_few_members_named_stays_unknown() -> None:
    text = "Japan held a briefing. The three ministers discussed trade."
    assert all(s is None for s, _ in _pairs(text, "discussed"))

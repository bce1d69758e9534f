"""Group subjects: "the two leaders", "both sides", "the three ministers" stand for actors named
before them. The group nouns (with the kind of actor they gather: people, states, any) and the
words that count them are `group` and `count` cues of `event_cues.csv`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from spacy.tokens import Token

from peninsula.knowledge import Knowledge
from peninsula.knowledge.events import EventCues


def group_members(
    head: Token,
    actors: Mapping[int, tuple[str, ...]],
    knowledge: Knowledge,
    cues: EventCues,
    on: date | None,
) -> tuple[str, ...]:
    """The last actors of the group's kind named before `head`, as many as it counts; none when
    `head` is no counted group noun or fewer were named."""
    kind = cues.groups.get(head.lemma_.lower())
    count = _count(head, cues)
    if kind is None or count < 2:
        return ()
    found: list[str] = []
    for i in range(head.i - 1, -1, -1):
        for actor_id in actors.get(i, ()):
            member = _of_kind(actor_id, kind, knowledge, on)
            if member is not None and member not in found:
                found.append(member)
        if len(found) >= count:
            return tuple(found[:count])
    return ()


def is_group(head: Token, cues: EventCues) -> bool:
    """ "the two leaders", "both sides": a counted group noun."""
    return head.lemma_.lower() in cues.groups and _count(head, cues) >= 2


def _count(head: Token, cues: EventCues) -> int:
    return next((cues.counts[c.lower_] for c in head.children if c.lower_ in cues.counts), 0)


def _of_kind(actor_id: str, kind: str, knowledge: Knowledge, on: date | None) -> str | None:
    """The actor as a member of a group of people, of states (a person's state), or of any."""
    actor = knowledge.actor(actor_id)
    if actor is None or kind == "any":
        return actor_id if actor is not None else None
    if actor.kind == kind:
        return actor_id
    if kind == "state" and actor.kind == "person":
        return knowledge.state_of(actor_id, on)
    return None

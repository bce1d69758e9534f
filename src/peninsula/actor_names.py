"""Actors by name: display names and states from the store over the knowledge base, and the
resolution of a name a user types (ids, names, aliases; case, accents, punctuation and spaces
ignored; ambiguous names list the candidates, unknown ones get "did you mean")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date

from peninsula.errors import NotFound
from peninsula.knowledge import Knowledge
from peninsula.store import Store, StoredActor

_ISO_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Names:
    """Display names and states, from the store's actors over the knowledge base."""

    def __init__(self, store_actors: Sequence[StoredActor], knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.rows: dict[str, StoredActor] = {a.id: a for a in store_actors}

    def name(self, actor_id: str, fallback: str | None = None) -> str:
        row = self.rows.get(actor_id)
        if row is not None:
            return row.name
        actor = self.knowledge.actor(actor_id)
        if actor is not None:
            return actor.name
        return fallback or actor_id

    def kind(self, actor_id: str) -> str | None:
        actor = self.knowledge.actor(actor_id)
        if actor is not None:
            return actor.kind
        row = self.rows.get(actor_id)
        return row.kind if row is not None else None

    def state(self, actor_id: str, when: str | None) -> str | None:
        """The state of `actor_id` on the date `when` (a partial date tries its first day, then
        its last)."""
        days: list[date | None] = [*days_of(when)] or [None]
        for day in days:
            found = self.knowledge.state_of(actor_id, day)
            if found is not None:
                return found
        row = self.rows.get(actor_id)
        if row is None:
            return None
        if row.kind == "state":
            return actor_id
        return row.country or None


def resolve_actor(name: str, store: Store, knowledge: Knowledge) -> str:
    """The actor id for an id, name or alias, ignoring case, accents and punctuation.

    Raises NotFound for an unknown or ambiguous name.
    """
    return resolve_name(name, Names(store.actors(), knowledge))


def resolve_name(name: str, names: Names) -> str:
    wanted = name.strip()
    if not wanted:
        raise NotFound("no actor named ''")
    if wanted in names.rows or names.knowledge.actor(wanted) is not None:
        return wanted
    key = norm(wanted)
    candidates: list[tuple[str, str, Iterable[str]]] = []
    seen: set[str] = set()
    for actor in names.knowledge.actors:
        seen.add(actor.id)
        candidates.append((actor.id, actor.name, actor.aliases))
    for row in names.rows.values():
        if row.id not in seen:
            candidates.append((row.id, row.name, row.aliases))
    # Exact (normalised) first, then with spaces dropped: "Chung Dongyoung", "Chung Dong-young".
    for normal in (norm, _squashed):
        wanted_key = normal(wanted)
        for tier in (0, 1, 2):
            found = sorted(
                {
                    actor_id
                    for actor_id, actor_name, aliases in candidates
                    if wanted_key
                    in (
                        {normal(actor_id)}
                        if tier == 0
                        else {normal(actor_name)}
                        if tier == 1
                        else {normal(a) for a in aliases}
                    )
                }
            )
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise NotFound(f"actor name {name!r} is ambiguous: {_listed(found, names)}")
    partial = sorted(
        {
            actor_id
            for actor_id, actor_name, aliases in candidates
            if any(key in norm(n).split() for n in (actor_name, *aliases)) and " " not in key
        }
    )
    if len(partial) > 1:
        raise NotFound(f"actor name {name!r} is ambiguous: {_listed(partial, names)}")
    if len(partial) == 1:
        return partial[0]
    hint = _did_you_mean(key, candidates, names)
    raise NotFound(f"no actor named {name!r}" + (f" (did you mean {hint}?)" if hint else "")
                   + " (try 'peninsula actors list')")  # fmt: skip


def _squashed(text: str) -> str:
    return norm(text).replace(" ", "")


def _listed(ids: Sequence[str], names: Names, limit: int = 8) -> str:
    shown = [f"{names.name(i)} ({i})" for i in ids[:limit]]
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(shown) + more


def _did_you_mean(
    key: str, candidates: Sequence[tuple[str, str, Iterable[str]]], names: Names
) -> str:
    """Up to three close names, best first (rapidfuzz's weighted ratio, 80 or more)."""
    from rapidfuzz import fuzz, process

    choices: dict[str, str] = {}
    for actor_id, actor_name, aliases in candidates:
        for label in (actor_name, *aliases):
            choices.setdefault(norm(label), actor_id)
    best = process.extract(key, list(choices), scorer=fuzz.WRatio, limit=12, score_cutoff=80)
    ids = list(dict.fromkeys(choices[label] for label, _score, _i in best))[:3]
    return " or ".join(repr(names.name(i)) for i in ids)


def days_of(value: str | None) -> list[date]:
    """The first and last day of an ISO (partial) date; [] for none or an unreadable one."""
    if not value or not _ISO_PREFIX.match(value):
        return []
    parts = [int(p) for p in value.split("-")]
    try:
        if len(parts) == 3:
            return [date(parts[0], parts[1], parts[2])]
        if len(parts) == 2:
            following = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return [date(parts[0], parts[1], 1), date.fromordinal(following.toordinal() - 1)]
        return [date(parts[0], 1, 1), date(parts[0], 12, 31)]
    except ValueError:
        return []


def norm(text: str) -> str:
    """Lower case, accents dropped, punctuation and underscores as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())

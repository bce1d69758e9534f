"""The knowledge base: every domain data file in `peninsula/data/`, loaded and validated once.

`load_knowledge()` reads and checks all of it at start (a DataFileError names the file and line);
nothing in peninsula reads a data file at import time or anywhere else. The result is immutable.
One module per kind of file: `files` (reading helpers), `actors` (actors, roles, titles,
metonymy, offices, outlets, boilerplate), `references` (words that refer to actors without
naming them), `time_words` (the time vocabulary), `events` (CAMEO codes, event patterns, event
cues), `speech` (statement cues), `links` (the event link models), `models_speakers` (the
attribution model, `speaker_model.json`, as `Knowledge.speakers`), `models` (the learned
event-type model's weights, as `Knowledge.event_types`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType

from peninsula.errors import DataFileError
from peninsula.knowledge.actors import (
    ACTOR_KINDS,
    BoilerplateRule,
    Outlet,
    check_governments,
    check_roles,
    load_actor_file,
    load_actors,
    load_boilerplate,
    load_metonyms,
    load_offices,
    load_outlets,
    load_roles,
    load_title_ranks,
    load_titles,
)
from peninsula.knowledge.events import EventData, load_event_data
from peninsula.knowledge.files import Located, data_path, parse_day, read_rows
from peninsula.knowledge.links import LinkModel, LinkModels, load_link_models
from peninsula.knowledge.models import EventTypeModels, load_shipped_event_type_models
from peninsula.knowledge.models_speakers import SpeakerModel, load_speaker_model
from peninsula.knowledge.references import References, load_references
from peninsula.knowledge.speech import CueVocabulary, load_speech_cues
from peninsula.knowledge.time_words import TimeWords, load_time_words
from peninsula.records import Actor, Role

__all__ = [
    "ACTOR_KINDS",
    "Actor",
    "BoilerplateRule",
    "EventTypeModels",
    "Knowledge",
    "LinkModel",
    "LinkModels",
    "Located",
    "Outlet",
    "Role",
    "TimeWords",
    "assemble",
    "check_actor_file",
    "data_path",
    "default_knowledge",
    "load_actor_file",
    "load_knowledge",
    "parse_day",
    "read_rows",
]


@dataclass(frozen=True, slots=True)
class Knowledge:
    actors: tuple[Actor, ...]
    roles: tuple[Role, ...]
    outlets: tuple[Outlet, ...] = ()
    boilerplate: tuple[BoilerplateRule, ...] = ()
    titles: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    metonyms: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    offices: Mapping[tuple[str, str], str] = field(default_factory=lambda: MappingProxyType({}))
    links: LinkModels | None = None  # the event link models (`knowledge.links`)
    time_words: TimeWords = field(
        default_factory=lambda: load_time_words(data_path("time_words.yaml"))
    )
    events: EventData = field(default_factory=EventData)  # cameo.csv, event patterns and cues
    speech: CueVocabulary = field(default_factory=CueVocabulary)  # speech_cues.csv
    speakers: SpeakerModel | None = None  # speaker_model.json; None: the rules alone
    title_ranks: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    references: References = field(default_factory=References)  # references.csv
    # The learned event-type model (event_types.json, event_types_lexical.json); none: rules only
    event_types: EventTypeModels = field(default_factory=EventTypeModels)
    _by_id: Mapping[str, Actor] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    _roles_by_actor: Mapping[str, tuple[Role, ...]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    def actor(self, actor_id: str) -> Actor | None:
        return self._by_id.get(actor_id)

    def roles_of(self, actor_id: str) -> tuple[Role, ...]:
        return self._roles_by_actor.get(actor_id, ())

    def holders(self, title: str, of: str, day: date) -> list[Actor]:
        """Who held `title` of `of` on `day` (the acting holder too, when the title has one)."""
        found = [
            self._by_id[r.actor]
            for r in self.roles
            if r.title == title and r.of == of and r.holds_on(day) and r.actor in self._by_id
        ]
        return list(dict.fromkeys(found))

    def state_of(self, actor_id: str, day: date | None = None) -> str | None:
        """The state an actor belongs to: its country, its parent's, or its role's on `day`."""
        seen: set[str] = set()
        current = self._by_id.get(actor_id)
        while current is not None and current.id not in seen:
            seen.add(current.id)
            if current.kind == "state":
                return current.id
            if current.country:
                return current.country
            current = self._by_id.get(current.parent) if current.parent else None
        for role in self.roles_of(actor_id):
            if day is None or role.holds_on(day):
                owner = self._by_id.get(role.of)
                if owner is not None and owner.kind == "state":
                    return owner.id
        return None


@cache
def default_knowledge() -> Knowledge:
    return load_knowledge()


def load_knowledge(extra_actor_files: Iterable[Path] = ()) -> Knowledge:
    """The shipped knowledge base plus any user actor files, validated as a whole."""
    actors = list(load_actors(data_path("actors.csv")))
    roles = list(load_roles(data_path("roles.csv")))
    for extra in extra_actor_files:
        more_actors, more_roles = load_actor_file(extra)
        actors += more_actors
        roles += more_roles
    return assemble(actors, roles)


def assemble(actors: list[tuple[Actor, Located]], roles: list[tuple[Role, Located]]) -> Knowledge:
    by_id: dict[str, Actor] = {}
    for actor, where in actors:
        if actor.id in by_id:
            raise DataFileError(where.path, where.line, f"duplicate actor id {actor.id!r}")
        by_id[actor.id] = actor
    for actor, where in actors:
        if actor.parent and actor.parent not in by_id:
            raise DataFileError(where.path, where.line, f"unknown parent id {actor.parent!r}")
    check_roles(roles, by_id)
    check_governments(actors, by_id)
    roles_by_actor: dict[str, list[Role]] = defaultdict(list)
    for role, _ in roles:
        roles_by_actor[role.actor].append(role)
    metonyms = load_metonyms(data_path("metonymy.csv"), by_id)
    return Knowledge(
        actors=tuple(by_id.values()),
        roles=tuple(r for r, _ in roles),
        outlets=load_outlets(data_path("outlets.csv")),
        boilerplate=load_boilerplate(data_path("boilerplate.csv")),
        titles=MappingProxyType(load_titles(data_path("titles.csv"))),
        metonyms=MappingProxyType(metonyms),
        offices=MappingProxyType(load_offices(data_path("offices.csv"), by_id)),
        links=load_link_models(),
        time_words=load_time_words(data_path("time_words.yaml")),
        events=load_event_data(
            data_path("cameo.csv"),
            data_path("event_patterns.jsonl"),
            data_path("event_cues.csv"),
            data_path("quad_classes.csv"),
        ),
        speech=load_speech_cues(data_path("speech_cues.csv")),
        speakers=load_speaker_model(data_path("speaker_model.json")),
        title_ranks=MappingProxyType(load_title_ranks(data_path("titles.csv"))),
        references=load_references(data_path("references.csv")),
        event_types=load_shipped_event_type_models(),
        _by_id=MappingProxyType(by_id),
        _roles_by_actor=MappingProxyType({k: tuple(v) for k, v in roles_by_actor.items()}),
    )


def check_actor_file(path: Path) -> str:
    """Validate a user file against the shipped knowledge; a one-line summary, or DataFileError."""
    actors, roles = load_actor_file(path)
    load_knowledge((path,))
    return f"{path}: ok ({len(actors)} actors, {len(roles)} roles)"

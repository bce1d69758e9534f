"""Loads and validates the domain data files in `peninsula/data/`. Immutable once loaded.

Every problem is a DataFileError naming the file and line. User actor files (`--actors`,
PENINSULA_ACTORS) are loaded the same way and layered over the shipped ones: a CSV in the
actors.csv or roles.csv layout, or JSON Lines with one actor per line and its roles nested.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from peninsula.errors import DataFileError

ACTOR_KINDS = frozenset({"person", "state", "organization", "igo", "group", "media"})
BOILERPLATE_ACTIONS = frozenset({"drop_line", "cut_rest"})
_ACTOR_COLUMNS = ("id", "name", "kind")
_ROLE_COLUMNS = ("actor", "title", "of", "start")


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str
    country: str | None = None
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    demonyms: tuple[str, ...] = ()
    verified: bool = True
    # For unverified actors: the titles the articles give them ("presidential spokesperson").
    described_as: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Role:
    actor: str
    title: str
    of: str
    start: date | None
    end: date | None
    source: str

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Outlet:
    id: str
    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    id_pattern: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class BoilerplateRule:
    pattern: re.Pattern[str]
    action: str
    note: str


@dataclass(frozen=True, slots=True)
class Located:
    """A record with the file and line it came from, for error messages."""

    path: Path
    line: int


@dataclass(frozen=True, slots=True)
class Knowledge:
    actors: tuple[Actor, ...]
    roles: tuple[Role, ...]
    outlets: tuple[Outlet, ...] = ()
    boilerplate: tuple[BoilerplateRule, ...] = ()
    titles: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    metonyms: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    offices: Mapping[tuple[str, str], str] = field(default_factory=lambda: MappingProxyType({}))
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


def data_path(name: str) -> Path:
    return Path(str(resources.files("peninsula") / "data" / name))


@cache
def default_knowledge() -> Knowledge:
    return load_knowledge()


def load_knowledge(extra_actor_files: Iterable[Path] = ()) -> Knowledge:
    """The shipped knowledge base plus any user actor files, validated as a whole."""
    actors = list(_load_actors(data_path("actors.csv")))
    roles = list(_load_roles(data_path("roles.csv")))
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
    _check_roles(roles, by_id)
    roles_by_actor: dict[str, list[Role]] = defaultdict(list)
    for role, _ in roles:
        roles_by_actor[role.actor].append(role)
    metonyms = _load_metonyms(data_path("metonymy.csv"), by_id)
    return Knowledge(
        actors=tuple(by_id.values()),
        roles=tuple(r for r, _ in roles),
        outlets=_load_outlets(data_path("outlets.csv")),
        boilerplate=_load_boilerplate(data_path("boilerplate.csv")),
        titles=MappingProxyType(_load_titles(data_path("titles.csv"))),
        metonyms=MappingProxyType(metonyms),
        offices=MappingProxyType(_load_offices(data_path("offices.csv"), by_id)),
        _by_id=MappingProxyType(by_id),
        _roles_by_actor=MappingProxyType({k: tuple(v) for k, v in roles_by_actor.items()}),
    )


def load_actor_file(path: Path) -> tuple[list[tuple[Actor, Located]], list[tuple[Role, Located]]]:
    """A user's actor file: actors.csv or roles.csv layout, or JSON Lines with nested roles."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return _load_actor_jsonl(path)
    header = _header(path)
    if set(_ROLE_COLUMNS) <= set(header):
        return [], list(_load_roles(path))
    return list(_load_actors(path)), []


def check_actor_file(path: Path) -> str:
    """Validate a user file against the shipped knowledge; a one-line summary, or DataFileError."""
    actors, roles = load_actor_file(path)
    load_knowledge((path,))
    return f"{path}: ok ({len(actors)} actors, {len(roles)} roles)"


def read_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; header and required values checked."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise DataFileError(path, None, f"cannot read ({exc.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            fieldnames = reader.fieldnames or []
            missing = [c for c in required if c not in fieldnames]
            if missing:
                raise DataFileError(path, 1, f"missing column(s): {', '.join(missing)}")
            for row in reader:
                line = reader.line_num
                if None in row:
                    raise DataFileError(path, line, "more values than columns")
                clean = {k: (v or "").strip() for k, v in row.items()}
                for column in required:
                    if not clean.get(column):
                        raise DataFileError(path, line, f"empty {column!r}")
                yield line, clean
        except (csv.Error, UnicodeDecodeError) as exc:
            raise DataFileError(path, reader.line_num, f"malformed CSV ({exc})") from None


def parse_day(value: str, path: Path, line: int, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DataFileError(path, line, f"{column} {value!r} is not a YYYY-MM-DD date") from None


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, None, f"cannot read ({exc})") from None


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _actor(row: Mapping[str, Any], path: Path, line: int) -> Actor:
    kind = str(row.get("kind") or "")
    if kind not in ACTOR_KINDS:
        raise DataFileError(path, line, f"kind {kind!r} not one of {sorted(ACTOR_KINDS)}")
    country = str(row.get("country") or "") or None
    if country and not re.fullmatch(r"[A-Z]{3}", country):
        raise DataFileError(path, line, f"country {country!r} is not ISO 3166-1 alpha-3")
    if kind == "state" and not re.fullmatch(r"[A-Z]{3}", str(row["id"])):
        raise DataFileError(path, line, f"state id {row['id']!r} is not ISO 3166-1 alpha-3")
    return Actor(
        id=str(row["id"]),
        name=str(row["name"]),
        kind=kind,
        country=country or (str(row["id"]) if kind == "state" else None),
        aliases=_listed(row.get("aliases")),
        parent=str(row.get("parent") or "") or None,
        demonyms=_listed(row.get("demonyms")),
    )


def _listed(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return _split(str(value or ""))


def _load_actors(path: Path) -> Iterator[tuple[Actor, Located]]:
    for line, row in read_rows(path, _ACTOR_COLUMNS):
        yield _actor(row, path, line), Located(path, line)


def _role(row: Mapping[str, Any], path: Path, line: int) -> Role:
    start = parse_day(str(row.get("start") or ""), path, line, "start")
    end = parse_day(str(row.get("end") or ""), path, line, "end")
    if start and end and end < start:
        raise DataFileError(path, line, f"end {end} is before start {start}")
    return Role(
        str(row["actor"]),
        str(row["title"]),
        str(row["of"]),
        start,
        end,
        str(row.get("source") or ""),
    )


def _load_roles(path: Path) -> Iterator[tuple[Role, Located]]:
    for line, row in read_rows(path, _ROLE_COLUMNS):
        yield _role(row, path, line), Located(path, line)


def _load_actor_jsonl(
    path: Path,
) -> tuple[list[tuple[Actor, Located]], list[tuple[Role, Located]]]:
    actors: list[tuple[Actor, Located]] = []
    roles: list[tuple[Role, Located]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, None, f"cannot read ({exc})") from None
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except ValueError as exc:
            raise DataFileError(path, number, f"malformed JSON ({exc})") from None
        if not isinstance(record, dict):
            raise DataFileError(path, number, "each line must be a JSON object")
        for column in _ACTOR_COLUMNS:
            if not record.get(column):
                raise DataFileError(path, number, f"empty {column!r}")
        actors.append((_actor(record, path, number), Located(path, number)))
        for item in record.get("roles") or []:
            if not isinstance(item, dict) or not item.get("title") or not item.get("of"):
                raise DataFileError(path, number, "each role needs title and of")
            role = _role({**item, "actor": record["id"]}, path, number)
            roles.append((role, Located(path, number)))
    return actors, roles


def _check_roles(roles: list[tuple[Role, Located]], by_id: Mapping[str, Actor]) -> None:
    spans: dict[tuple[str, str, str], list[tuple[Role, Located]]] = defaultdict(list)
    for role, where in roles:
        if role.actor not in by_id:
            raise DataFileError(where.path, where.line, f"unknown actor id {role.actor!r}")
        if role.of not in by_id:
            raise DataFileError(where.path, where.line, f"unknown 'of' id {role.of!r}")
        for other, _ in spans[(role.actor, role.title, role.of)]:
            if _overlap(role, other):
                raise DataFileError(
                    where.path,
                    where.line,
                    f"role {role.title} of {role.of} for {role.actor} overlaps the one "
                    f"from {other.start or '…'} to {other.end or 'now'}",
                )
        spans[(role.actor, role.title, role.of)].append((role, where))


def _overlap(a: Role, b: Role) -> bool:
    a_start, b_start = a.start or date.min, b.start or date.min
    a_end, b_end = a.end or date.max, b.end or date.max
    return a_start <= b_end and b_start <= a_end


def _load_titles(path: Path) -> dict[str, tuple[str, ...]]:
    if not path.exists():
        return {}
    return {
        row["title"]: _split(row.get("aliases", "").lower())
        for _, row in read_rows(path, ("title",))
    }


def _load_metonyms(path: Path, by_id: Mapping[str, Actor]) -> dict[str, tuple[str, ...]]:
    if not path.exists():
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for line, row in read_rows(path, ("phrase", "actor")):
        targets = _split(row["actor"])
        unknown = [t for t in targets if t not in by_id]
        if unknown:
            raise DataFileError(path, line, f"unknown actor id {unknown[0]!r}")
        found[row["phrase"]] = targets
    return found


def _load_offices(path: Path, by_id: Mapping[str, Actor]) -> dict[tuple[str, str], str]:
    if not path.exists():
        return {}
    found = {}
    for line, row in read_rows(path, ("title", "of", "office")):
        for column in ("of", "office"):
            if row[column] not in by_id:
                raise DataFileError(path, line, f"unknown {column} id {row[column]!r}")
        found[(row["title"], row["of"])] = row["office"]
    return found


def _load_outlets(path: Path) -> tuple[Outlet, ...]:
    outlets = []
    for line, row in read_rows(path, ("id", "name")):
        pattern = None
        if row.get("id_pattern"):
            try:
                pattern = re.compile(row["id_pattern"])
            except re.error as exc:
                raise DataFileError(path, line, f"bad id_pattern ({exc})") from None
            if not {"year", "month", "day"} <= set(pattern.groupindex):
                raise DataFileError(path, line, "id_pattern needs groups year, month and day")
        outlets.append(
            Outlet(
                row["id"],
                row["name"],
                _split(row.get("aliases", "")),
                _split(row.get("domains", "")),
                pattern,
            )
        )
    return tuple(outlets)


def _load_boilerplate(path: Path) -> tuple[BoilerplateRule, ...]:
    rules = []
    for line, row in read_rows(path, ("pattern", "action")):
        if row["action"] not in BOILERPLATE_ACTIONS:
            raise DataFileError(
                path, line, f"action {row['action']!r} not one of {sorted(BOILERPLATE_ACTIONS)}"
            )
        try:
            pattern = re.compile(row["pattern"], re.IGNORECASE)
        except re.error as exc:
            raise DataFileError(path, line, f"bad pattern ({exc})") from None
        rules.append(BoilerplateRule(pattern, row["action"], row.get("note", "")))
    return tuple(rules)

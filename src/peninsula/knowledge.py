"""Loads and validates the domain data files in `peninsula/data/`. Immutable once loaded.

Every problem is a DataFileError naming the file and line. User files (`--actors`) are loaded
the same way and layered over the shipped ones.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from peninsula.errors import DataFileError

ACTOR_KINDS = frozenset({"person", "state", "organization", "igo", "group", "media"})
BOILERPLATE_ACTIONS = frozenset({"drop_line", "cut_rest"})


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str
    country: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Role:
    actor: str
    title: str
    of: str
    start: date | None
    end: date | None
    source: str


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
class Knowledge:
    actors: tuple[Actor, ...]
    roles: tuple[Role, ...]
    outlets: tuple[Outlet, ...]
    boilerplate: tuple[BoilerplateRule, ...]

    def actor(self, actor_id: str) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)


def data_path(name: str) -> Path:
    return Path(str(resources.files("peninsula") / "data" / name))


@cache
def default_knowledge() -> Knowledge:
    return load_knowledge()


def load_knowledge(extra_actor_files: tuple[Path, ...] = ()) -> Knowledge:
    actors = _load_actors(data_path("actors.csv"))
    roles = _load_roles(data_path("roles.csv"))
    for extra in extra_actor_files:
        actors += _load_actors(extra)
    ids = {a.id for a in actors}
    _check_unique(actors, data_path("actors.csv"))
    for role, line, path in roles:
        if role.actor not in ids:
            raise DataFileError(path, line, f"unknown actor id {role.actor!r}")
    return Knowledge(
        actors=actors,
        roles=tuple(r for r, _, _ in roles),
        outlets=_load_outlets(data_path("outlets.csv")),
        boilerplate=_load_boilerplate(data_path("boilerplate.csv")),
    )


def read_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; header and required values checked."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise DataFileError(path, None, f"cannot read ({exc.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError(path, 1, f"missing column(s): {', '.join(missing)}")
        try:
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


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _load_actors(path: Path) -> tuple[Actor, ...]:
    actors = []
    for line, row in read_rows(path, ("id", "name", "kind")):
        if row["kind"] not in ACTOR_KINDS:
            raise DataFileError(
                path, line, f"kind {row['kind']!r} not one of {sorted(ACTOR_KINDS)}"
            )
        country = row.get("country") or None
        if country and not re.fullmatch(r"[A-Z]{3}", country):
            raise DataFileError(path, line, f"country {country!r} is not ISO 3166-1 alpha-3")
        actors.append(
            Actor(row["id"], row["name"], row["kind"], country, _split(row.get("aliases", "")))
        )
    return tuple(actors)


def _check_unique(actors: tuple[Actor, ...], path: Path) -> None:
    seen: set[str] = set()
    for actor in actors:
        if actor.id in seen:
            raise DataFileError(path, None, f"duplicate actor id {actor.id!r}")
        seen.add(actor.id)


def _load_roles(path: Path) -> list[tuple[Role, int, Path]]:
    roles = []
    for line, row in read_rows(path, ("actor", "title", "of", "start", "source")):
        start = parse_day(row["start"], path, line, "start")
        end = parse_day(row.get("end", ""), path, line, "end")
        if start and end and end < start:
            raise DataFileError(path, line, f"end {end} is before start {start}")
        roles.append(
            (Role(row["actor"], row["title"], row["of"], start, end, row["source"]), line, path)
        )
    return roles


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

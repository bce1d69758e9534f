"""Actors, dated roles, titles, metonymy, offices, outlets and boilerplate rules.

User actor files (`--actors`, PENINSULA_ACTORS) are read the same way as the shipped ones: a CSV
in the actors.csv or roles.csv layout, or JSON Lines with one actor per line and its roles nested.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from peninsula.errors import DataFileError
from peninsula.knowledge.files import Located, header, parse_day, read_rows, split_list
from peninsula.records import Actor, Role

ACTOR_KINDS = frozenset({"person", "state", "organization", "igo", "group", "media"})
BOILERPLATE_ACTIONS = frozenset({"drop_line", "cut_rest"})
ACTOR_COLUMNS = ("id", "name", "kind")
# How a state's people write their romanised names: "family-given" (Lee Jae Myung: the surname
# is the first word) or "given-family" (Donald Trump: the last word), the default.
NAME_ORDERS = frozenset({"family-given", "given-family"})
GENDERS = frozenset({"male", "female"})
ROLE_COLUMNS = ("actor", "title", "of", "start")


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


def load_actor_file(path: Path) -> tuple[list[tuple[Actor, Located]], list[tuple[Role, Located]]]:
    """A user's actor file: actors.csv or roles.csv layout, or JSON Lines with nested roles."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return load_actor_jsonl(path)
    columns = header(path)
    if set(ROLE_COLUMNS) <= set(columns):
        return [], list(load_roles(path))
    return list(load_actors(path)), []


def _actor(row: Mapping[str, Any], path: Path, line: int) -> Actor:
    kind = str(row.get("kind") or "")
    if kind not in ACTOR_KINDS:
        raise DataFileError(path, line, f"kind {kind!r} not one of {sorted(ACTOR_KINDS)}")
    country = str(row.get("country") or "") or None
    if country and not re.fullmatch(r"[A-Z]{3}", country):
        raise DataFileError(path, line, f"country {country!r} is not ISO 3166-1 alpha-3")
    if kind == "state" and not re.fullmatch(r"[A-Z]{3}", str(row["id"])):
        raise DataFileError(path, line, f"state id {row['id']!r} is not ISO 3166-1 alpha-3")
    government = str(row.get("government") or "") or None
    order = str(row.get("name_order") or "")
    if (government or order) and kind != "state":
        raise DataFileError(path, line, "only a state has a government or a name_order")
    if order and order not in NAME_ORDERS:
        raise DataFileError(path, line, f"name_order {order!r} not one of {sorted(NAME_ORDERS)}")
    gender = str(row.get("gender") or "") or None
    if gender and kind != "person":
        raise DataFileError(path, line, "only a person has a gender")
    if gender and gender not in GENDERS:
        raise DataFileError(path, line, f"gender {gender!r} not one of {sorted(GENDERS)}")
    return Actor(
        id=str(row["id"]),
        name=str(row["name"]),
        kind=kind,
        country=country or (str(row["id"]) if kind == "state" else None),
        aliases=_listed(row.get("aliases")),
        parent=str(row.get("parent") or "") or None,
        demonyms=_listed(row.get("demonyms")),
        government=government,
        family_name_first=order == "family-given",
        gender=gender,
    )


def _listed(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return split_list(str(value or ""))


def load_actors(path: Path) -> Iterator[tuple[Actor, Located]]:
    for line, row in read_rows(path, ACTOR_COLUMNS):
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


def load_roles(path: Path) -> Iterator[tuple[Role, Located]]:
    for line, row in read_rows(path, ROLE_COLUMNS):
        yield _role(row, path, line), Located(path, line)


def load_actor_jsonl(
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
        for column in ACTOR_COLUMNS:
            if not record.get(column):
                raise DataFileError(path, number, f"empty {column!r}")
        actors.append((_actor(record, path, number), Located(path, number)))
        for item in record.get("roles") or []:
            if not isinstance(item, dict) or not item.get("title") or not item.get("of"):
                raise DataFileError(path, number, "each role needs title and of")
            role = _role({**item, "actor": record["id"]}, path, number)
            roles.append((role, Located(path, number)))
    return actors, roles


def check_governments(actors: list[tuple[Actor, Located]], by_id: Mapping[str, Actor]) -> None:
    """A state's government is a known body that belongs to that state."""
    for actor, where in actors:
        if actor.government is None:
            continue
        body = by_id.get(actor.government)
        if body is None:
            raise DataFileError(where.path, where.line, f"unknown government {actor.government!r}")
        if body.kind in ("person", "state") or body.country != actor.id:
            raise DataFileError(
                where.path, where.line, f"government {body.id!r} is not a body of {actor.id}"
            )


def check_roles(roles: list[tuple[Role, Located]], by_id: Mapping[str, Actor]) -> None:
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


def load_titles(path: Path) -> dict[str, tuple[str, ...]]:
    if not path.exists():
        return {}
    return {
        row["title"]: split_list(row.get("aliases", "").lower())
        for _, row in read_rows(path, ("title",))
    }


# A title with no rank counts as the least prominent.
LOWEST_RANK = 9


def load_title_ranks(path: Path) -> dict[str, int]:
    """How prominent each title is, 1 (a head of state) to 9: it breaks a tie between two
    people a bare surname or a description could mean ("Lee": the president, not the spy
    chief)."""
    if not path.exists():
        return {}
    ranks: dict[str, int] = {}
    for line, row in read_rows(path, ("title",)):
        value = row.get("rank", "")
        if not value:
            continue
        if not value.isdigit() or not 1 <= int(value) <= LOWEST_RANK:
            raise DataFileError(path, line, f"rank {value!r} is not a whole number 1-9")
        ranks[row["title"]] = int(value)
    return ranks


def load_metonyms(path: Path, by_id: Mapping[str, Actor]) -> dict[str, tuple[str, ...]]:
    if not path.exists():
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for line, row in read_rows(path, ("phrase", "actor")):
        targets = split_list(row["actor"])
        unknown = [t for t in targets if t not in by_id]
        if unknown:
            raise DataFileError(path, line, f"unknown actor id {unknown[0]!r}")
        found[row["phrase"]] = targets
    return found


def load_offices(path: Path, by_id: Mapping[str, Actor]) -> dict[tuple[str, str], str]:
    if not path.exists():
        return {}
    found = {}
    for line, row in read_rows(path, ("title", "of", "office")):
        for column in ("of", "office"):
            if row[column] not in by_id:
                raise DataFileError(path, line, f"unknown {column} id {row[column]!r}")
        found[(row["title"], row["of"])] = row["office"]
    return found


def load_outlets(path: Path) -> tuple[Outlet, ...]:
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
                split_list(row.get("aliases", "")),
                split_list(row.get("domains", "")),
                pattern,
            )
        )
    return tuple(outlets)


def load_boilerplate(path: Path) -> tuple[BoilerplateRule, ...]:
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

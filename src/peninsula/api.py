"""The Python API: a knowledge base opened by its file name, answering with pandas DataFrames.

    import peninsula
    peninsula.build(["articles/"], db="kb.duckdb")
    kb = peninsula.open("kb.duckdb")
    kb.events(actor="North Korea", since="2025-06", modality="actual")
    kb.timeline(actor="Lee Jae Myung", kinds=("statement",))
    kb.export("out/", "parquet", since="2025-06", actor="North Korea")

Every method takes the filters of the matching CLI command and checks them the same way (dates
as calendar dates, ordered ranges, actor names with suggestions). Each call opens the store
read-only and closes it, so a notebook never holds the file. pandas, spaCy and the embedder are
imported on first use, not with `import peninsula`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peninsula.errors import NotFound, SettingsError
from peninsula.eventdata import (
    DYAD_COLUMNS,
    EVENT_COLUMNS,
    EVENT_FORMATS,
    dyad_rows,
    event_rows,
    export_events,
    plover_records,
)
from peninsula.filters import EventFilter, date_range
from peninsula.knowledge import Knowledge, load_knowledge
from peninsula.query import KINDS, dyads, timeline
from peninsula.selection import TABLE_FORMATS, export_tables
from peninsula.settings import Settings
from peninsula.store import Store

if TYPE_CHECKING:
    import pandas as pd

    from peninsula.pipeline import BuildReport, Progress

__all__ = ["KnowledgeBase", "build", "check_inputs", "open"]

_TIMELINE_COLUMNS = (
    "date", "date_precision", "kind", "id", "summary", "modality", "sources", "actors",
    "actor_ids", "code", "goldstein", "status", "documents", "evidence", "urls",
)  # fmt: skip
_DYAD_COLUMNS = (
    "a", "b", "month", "mean_goldstein", "actual", "pledged", "hypothetical", "negated",
    "event_ids", "other_ids",
)  # fmt: skip
_ACTOR_COLUMNS = ("id", "name", "kind", "country", "aliases", "roles", "verified")


def open(db: str | Path, *, actors: Iterable[str | Path] = ()) -> KnowledgeBase:
    """The knowledge base in `db` (a built DuckDB file); `actors`: extra actor files."""
    path = Path(db)
    if not path.exists():
        raise NotFound(f"no database at {path}; build one with peninsula.build(paths, db=...)")
    settings = Settings.from_env()
    knowledge = load_knowledge((*settings.actors_files, *(Path(a) for a in actors)))
    return KnowledgeBase(path, knowledge)


def check_inputs(paths: Sequence[str]) -> list[str]:
    """`paths` when each exists (or is "-", standard input); NotFound naming the first that does
    not, SettingsError when there are none."""
    if not paths:
        raise SettingsError("no input: name files or folders to build from (e.g. examples/)")
    for path in paths:
        if path != "-" and not Path(path).exists():
            raise NotFound(f"no such file or folder: {path}")
    return list(paths)


def build(
    paths: str | Path | Iterable[str | Path],
    db: str | Path | None = None,
    *,
    actors: Iterable[str | Path] = (),
    settings: Settings | None = None,
    today: date | None = None,
    on_progress: Progress | None = None,
) -> BuildReport:
    """Ingest files or folders (recursive) into `db` (default: the settings' database, from
    `PENINSULA_DB` or ./peninsula.duckdb). Missing paths raise NotFound before anything is read.
    """
    from peninsula.pipeline import build as run  # spaCy and the embedder load with the build

    items = [paths] if isinstance(paths, str | Path) else list(paths)
    inputs = check_inputs([str(p) for p in items])
    settings = settings or Settings.from_env()
    knowledge = load_knowledge((*settings.actors_files, *(Path(a) for a in actors)))
    with Store(Path(db) if db is not None else settings.db_path) as store:
        return run(inputs, store, knowledge, settings, today or date.today(), on_progress)


class KnowledgeBase:
    """A built knowledge base. Every method returns a pandas DataFrame."""

    def __init__(self, path: Path, knowledge: Knowledge) -> None:
        self.path = path
        self.knowledge = knowledge

    def __repr__(self) -> str:
        return f"KnowledgeBase({str(self.path)!r})"

    @contextmanager
    def _store(self) -> Iterator[Store]:
        with Store(self.path, read_only=True) as store:
            yield store

    def events(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        actor: str | None = None,
        code: str | None = None,
        category: str | None = None,
        modality: str | None = None,
        pair: tuple[str, str] | None = None,
    ) -> pd.DataFrame:
        """Merged events, one row each, with the columns of `export --format events-tsv`
        (`source_urls` and `evidence` as lists); `pair`: the events between two actors."""
        where = EventFilter(since, until, actor, code, category, modality, pair)
        with self._store() as store:
            rows = event_rows(store, self.knowledge, where)
        return _frame(rows, EVENT_COLUMNS)

    def plover(self, **filters: Any) -> pd.DataFrame:
        """The events as PLOVER-style records (`export --format plover`); `events`' filters."""
        with self._store() as store:
            rows = plover_records(store, self.knowledge, EventFilter(**filters))
        return _frame(rows, ())

    def dyad_table(
        self, *, directed: bool = False, by: str = "month", **filters: Any
    ) -> pd.DataFrame:
        """Pairs of states per month or year (`export --format dyads-tsv`): quad-class counts,
        Goldstein sum and mean over actual events; `events`' filters."""
        with self._store() as store:
            rows = dyad_rows(
                store, self.knowledge, EventFilter(**filters), directed=directed, by=by
            )
        return _frame(rows, DYAD_COLUMNS)

    def export(
        self,
        out: str | Path,
        format: str = "jsonl",
        *,
        partition: str | None = None,
        directed: bool = False,
        by: str = "month",
        since: str | None = None,
        until: str | None = None,
        actor: str | None = None,
        code: str | None = None,
        category: str | None = None,
        modality: str | None = None,
        pair: tuple[str, str] | None = None,
    ) -> list[Path]:
        """Write the files of `peninsula export` into the folder `out`; the paths written.

        `format`: jsonl, parquet or csv (every table, with `manifest.json`; `partition="month"`
        makes Parquet a Hive-style lake), events-tsv, plover or dyads-tsv (`directed`, `by`).
        The filters are `events`' and keep, in each table, the rows `selection.TABLE_RULES`
        says: the events `events` returns, the statements, commitments, documents and actors
        that go with them."""
        where = EventFilter(since, until, actor, code, category, modality, pair).checked()
        if format not in (*TABLE_FORMATS, *EVENT_FORMATS):
            raise SettingsError(
                f"format must be one of {', '.join((*TABLE_FORMATS, *EVENT_FORMATS))},"
                f" got {format!r}"
            )
        if partition not in (None, "month") or (partition and format != "parquet"):
            raise SettingsError('partition="month" goes with format="parquet"')
        if (directed or by != "month") and format != "dyads-tsv":
            raise SettingsError('directed and by go with format="dyads-tsv"')
        with self._store() as store:
            if format in EVENT_FORMATS:
                path = export_events(
                    store, self.knowledge, Path(out), format, where, directed=directed, by=by
                )
                return [path]
            return export_tables(
                store,
                self.knowledge,
                Path(out),
                format,  # type: ignore[arg-type]
                where,
                partition=partition,  # type: ignore[arg-type]
            )

    def timeline(
        self,
        *,
        actor: str | None = None,
        dyad: tuple[str, str] | None = None,
        since: str | None = None,
        until: str | None = None,
        kinds: Sequence[str] = KINDS,
    ) -> pd.DataFrame:
        """Events, statements and commitments in date order (the `timeline` command)."""
        low, high = date_range(since, until)
        with self._store() as store:
            rows = timeline(
                store, self.knowledge, actor=actor, dyad=dyad, since=low, until=high, kinds=kinds
            )
            urls = {d.id: d.url for d in store.documents()}
        records = [
            {
                **{k: v for k, v in row.as_dict().items() if k != "actors"},
                "actors": [a.name for a in row.actors],
                "actor_ids": [a.id for a in row.actors],
                "documents": list(dict.fromkeys(e.document_id for e in row.evidence)),
                "evidence": [e.sentence for e in row.evidence],
                "urls": [
                    u for u in dict.fromkeys(urls.get(e.document_id) for e in row.evidence) if u
                ],
            }
            for row in rows
        ]
        return _frame(records, _TIMELINE_COLUMNS)

    def statements(
        self, *, actor: str | None = None, since: str | None = None, until: str | None = None
    ) -> pd.DataFrame:
        """Merged statements: the timeline's statement rows."""
        return self.timeline(actor=actor, since=since, until=until, kinds=("statement",))

    def commitments(
        self, *, actor: str | None = None, since: str | None = None, until: str | None = None
    ) -> pd.DataFrame:
        """The commitments ledger: the timeline's commitment rows."""
        return self.timeline(actor=actor, since=since, until=until, kinds=("commitment",))

    def dyads(
        self,
        *,
        pair: tuple[str, str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> pd.DataFrame:
        """Per pair of states per month: mean Goldstein of actual events and counts."""
        low, high = date_range(since, until)
        with self._store() as store:
            months = dyads(store, self.knowledge, pair=pair, since=low, until=high)
        records = [
            {
                "a": m.a,
                "b": m.b,
                "month": m.month,
                "mean_goldstein": m.mean_goldstein,
                "actual": m.count,
                "pledged": m.pledged,
                "hypothetical": m.hypothetical,
                "negated": m.negated,
                "event_ids": list(m.event_ids),
                "other_ids": list(m.other_ids),
            }
            for m in months
        ]
        return _frame(records, _DYAD_COLUMNS)

    def actors(self, *, unverified: bool = False) -> pd.DataFrame:
        """The actors (`actors list`), roles as lists of dicts (title, of, start, end and
        source: where the role is documented)."""
        with self._store() as store:
            found = store.actors()
        records = [
            {
                "id": a.id,
                "name": a.name,
                "kind": a.kind,
                "country": a.country,
                "aliases": list(a.aliases),
                "roles": [asdict(r) for r in a.roles],
                "verified": a.verified,
            }
            for a in found
            if not (unverified and a.verified)
        ]
        return _frame(records, _ACTOR_COLUMNS)


def _frame(records: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd  # on first use: `import peninsula` stays light

    frame = pd.DataFrame.from_records(records, columns=list(columns) or None)
    for column in ("cameo_code", "cameo_root", "code"):  # codes are text: "030", not 30
        if column in frame.columns:
            frame[column] = frame[column].astype("string")
    return frame

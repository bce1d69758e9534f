"""peninsula: news articles to a sourced, time-resolved knowledge base."""

from __future__ import annotations

import csv
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.table import Table
from typer.core import TyperGroup

import peninsula
from peninsula.cli_output import (
    DYAD_COLUMNS,
    BuildProgress,
    configure_logging,
    console,
    dyad_record,
    errors,
    find_record,
    log,
    print_documents,
    print_record,
    print_summary,
    print_table,
    print_timeline,
    record_json,
    write_timeline_csv,
)
from peninsula.errors import NotFound, PeninsulaError, SettingsError, StoreOutdated
from peninsula.filters import EventFilter, date_range
from peninsula.outputs import EVENT_FORMATS, TABLE_FORMATS, neutralise_cell
from peninsula.settings import ENVIRONMENT, Settings

if TYPE_CHECKING:  # the modules below load with the command that needs them: `-h` stays quick
    from peninsula.knowledge import Knowledge
    from peninsula.store import Store

_HELP = {"help_option_names": ["-h", "--help"]}


class _OneLineErrors(TyperGroup):
    """Usage mistakes (a missing option, an unknown one, a bad value) as one line on stderr,
    'error: ...', exit status 2: the shape of every other error, not a usage box."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except typer.Abort:
            errors.print("error: aborted", highlight=False)
            sys.exit(1)
        except typer.TyperException as exc:  # Click's exceptions, as Typer vendors them
            if type(exc).__name__ == "NoArgsIsHelpError":  # no arguments: the help, printed
                sys.exit(getattr(exc, "exit_code", 2))
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} -h')" if ctx is not None else ""
            message = " ".join(str(getattr(exc, "format_message", exc.__str__)()).split())
            errors.print(f"error: {message}{hint}", markup=False, highlight=False, soft_wrap=True)
            sys.exit(getattr(exc, "exit_code", 1))
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_OneLineErrors,
    add_completion=False,
    no_args_is_help=True,
    help=__doc__,
    context_settings=_HELP,
    epilog="Environment: "
    + "; ".join(f"{name}: {what}" for name, what in ENVIRONMENT.items())
    + ".",
)
F = TypeVar("F", bound=Callable[..., Any])

ActorsOption = Annotated[
    list[Path] | None,
    typer.Option("--actors", help="Extra actor file (CSV or JSONL); repeat for several"),
]
DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB file (default: $PENINSULA_DB or ./peninsula.duckdb)"),
]
FormatOption = Annotated[str, typer.Option("--format", metavar="FORMAT", help="table, json or csv")]


def _for_query(fmt: str, actors: list[Path] | None) -> tuple[Settings, Knowledge]:
    """Settings and knowledge for a query command, once its output format is known to be good."""
    if fmt not in ("table", "json", "csv"):
        raise SettingsError(f"--format must be table, json or csv, got {fmt!r}")
    from peninsula.knowledge import load_knowledge

    settings = Settings.from_env()
    return settings, load_knowledge((*settings.actors_files, *(actors or [])))


@contextmanager
def _reading(path: Path, settings: Settings) -> Iterator[Store]:
    """The store opened read-only; one built by an older peninsula is migrated and its merged
    records computed first (once: the store is then current)."""
    from peninsula.knowledge import load_knowledge
    from peninsula.store import Store

    try:
        store = Store(path, read_only=True)
    except StoreOutdated:
        from peninsula.pipeline import update  # merging loads with the update only

        errors.print(f"updating {path} (built by an older peninsula)", highlight=False)
        with Store(path) as writable:
            update(writable, load_knowledge(settings.actors_files), settings)
        store = Store(path, read_only=True)
    with store:
        yield store


def _fails_cleanly(command: F) -> F:
    """One clear line on stderr and exit status 1 for any PeninsulaError."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PeninsulaError as exc:
            errors.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except BrokenPipeError:
            # The reader stopped (`| head`): nothing is wrong; stop as a shell's SIGPIPE would,
            # without a message, and with nothing left to flush into the closed pipe.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(141) from None
        except Exception as exc:
            if not _is_storage_error(exc):
                raise
            # What the store did not name itself: a damaged database, a full or read-only disk.
            errors.print(f"error: {_one_line(exc)}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            errors.print("interrupted: the batch in progress was rolled back", highlight=False)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _is_storage_error(exc: Exception) -> bool:
    """An OSError, or an error of DuckDB (which can only be raised once it is imported)."""
    duckdb = sys.modules.get("duckdb")
    return isinstance(exc, OSError) or (duckdb is not None and isinstance(exc, duckdb.Error))


def _say_replaced(path: Path) -> None:
    errors.print(f"replaced: {path}", markup=False, highlight=False, soft_wrap=True)


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror}"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _print_version(value: bool) -> None:
    if value:
        console.print(f"peninsula {peninsula.__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def main(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit"
        ),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log more (debug lines) on stderr")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Log only warnings and errors; no progress")
    ] = False,
) -> None:
    """peninsula: news articles to a sourced, time-resolved knowledge base."""
    if verbose and quiet:
        errors.print("error: --verbose and --quiet exclude each other", highlight=False)
        raise typer.Exit(1)
    configure_logging(verbose, quiet)


@app.command("build")
@_fails_cleanly
def build_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders (recursive) or - for stdin; e.g. examples/"),
    ] = None,
    db: DbOption = None,
    actors: ActorsOption = None,
    engine: Annotated[
        str, typer.Option("--engine", help="local, or ray: Ray Data actors (the ray extra)")
    ] = "local",
    address: Annotated[
        str | None, typer.Option("--address", help="--engine ray: a Ray cluster (ray start)")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Analysis processes or Ray actors")
    ] = None,
) -> None:
    """Ingest articles into the knowledge base (the demo: peninsula build examples/)."""
    from peninsula.pipeline import build  # spaCy and the embedder load with the build only

    if engine not in ("local", "ray") or (address and engine != "ray"):
        raise SettingsError(f"--engine must be local or ray (--address needs ray), got {engine!r}")
    settings = Settings.from_env()
    settings = replace(settings, workers=workers) if workers else settings
    if engine == "ray":
        from peninsula.ray_engine import build_on_ray  # Ray loads with --engine ray only

        build = functools.partial(build_on_ray, address=address, workers=workers)
    from peninsula.api import check_inputs
    from peninsula.knowledge import load_knowledge
    from peninsula.store import Store

    inputs = check_inputs(paths or [])
    knowledge = load_knowledge((*settings.actors_files, *(actors or [])))
    path = db or settings.db_path
    log.debug("building %s from %s", path, ", ".join(inputs))
    log.debug("settings: %s", settings)
    with Store(path) as store, BuildProgress() as progress:
        report = build(inputs, store, knowledge, settings, date.today(), on_progress=progress)
        counts = store.counts()
        documents = store.documents()
    print_summary(report, counts, path)
    print_documents(documents)


_EXPORT_FORMATS = (*TABLE_FORMATS, *EVENT_FORMATS)


@app.command("export")
@_fails_cleanly
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the export files")],
    db: DbOption = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="jsonl, parquet or csv (every table); events-tsv (events.tsv, one merged event"
            " per row, ICEWS-like), plover (events.plover.jsonl, PLOVER-style records) or"
            " dyads-tsv (dyads.tsv: pairs of states per --by period)",
        ),
    ] = "jsonl",
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Rows from this date (YYYY[-MM[-DD]])"),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Rows up to this date")
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor",
            metavar="NAME",
            help="Rows with this actor: an event's side, a speaker, a pledger (a state: its"
            " people)",
        ),
    ] = None,
    code: Annotated[
        str | None, typer.Option("--code", metavar="CAMEO", help="CAMEO code or prefix: 03, 036")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", metavar="TYPE", help="PLOVER event type: AGREE")
    ] = None,
    modality: Annotated[
        str | None,
        typer.Option("--modality", help="actual, pledged, hypothetical or negated"),
    ] = None,
    pair: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--pair",
            metavar="A B",
            help="Events and commitments between A and B, either way; statements by one naming"
            " the other",
        ),
    ] = None,
    directed: Annotated[bool, typer.Option(help="dyads-tsv: source state first")] = False,
    by: Annotated[str, typer.Option("--by", help="dyads-tsv: month or year")] = "month",
    partition: Annotated[
        str | None,
        typer.Option("--partition", help="month: a Hive-style Parquet lake (year=/month=)"),
    ] = None,
    actors: ActorsOption = None,
) -> None:
    """Write the knowledge base's files: every table (jsonl, parquet, csv) or the events.

    The filters apply to every format. A table export keeps, in each table, the rows the
    filters select and writes manifest.json saying which: events as events-tsv selects them;
    statements and commitments by their dates, speaker or pledger (--code, --category and
    --modality keep the statements the exported events come from, and the commitments whose
    pledged act matches); the documents and actors behind the rows kept."""
    if fmt not in _EXPORT_FORMATS:
        raise SettingsError(f"--format must be one of {', '.join(_EXPORT_FORMATS)}, got {fmt!r}")
    where = EventFilter(since, until, actor, code, category, modality, pair).checked()
    if partition not in (None, "month") or (partition and fmt != "parquet"):
        raise SettingsError("--partition month goes with --format parquet")
    if (directed or by != "month") and fmt != "dyads-tsv":
        raise SettingsError("--directed and --by go with --format dyads-tsv")
    settings = Settings.from_env()
    from peninsula.eventdata import export_events
    from peninsula.knowledge import load_knowledge
    from peninsula.selection import export_tables

    knowledge = load_knowledge((*settings.actors_files, *(actors or [])))
    with _reading(db or settings.db_path, settings) as store:
        if fmt in EVENT_FORMATS:
            written = [
                export_events(
                    store, knowledge, out, fmt, where, directed=directed, by=by,
                    on_replace=_say_replaced,
                )
            ]  # fmt: skip
        else:
            written = export_tables(
                store,
                knowledge,
                out,
                fmt,  # type: ignore[arg-type]
                where,
                partition=partition,  # type: ignore[arg-type]
                on_replace=_say_replaced,
            )
    for path in written:
        console.print(str(path), highlight=False, soft_wrap=True)


@app.command("show")
@_fails_cleanly
def show_command(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A document id (or a unique prefix of it), an event, statement, commitment"
            " or actor id",
        ),
    ],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON")] = False,
) -> None:
    """One record and the evidence behind it: a document with its publication date, an event,
    statement or commitment with its reports, an actor with its roles."""
    settings = Settings.from_env()
    with _reading(db or settings.db_path, settings) as store:
        kind, record = find_record(store, ident)
    if as_json:
        sys.stdout.write(record_json(kind, record))
    else:
        print_record(kind, record, ident)


@app.command("timeline")
@_fails_cleanly
def timeline_command(
    db: DbOption = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor", metavar="NAME", help="Only facts involving this actor: id, name, alias"
        ),
    ] = None,
    dyad: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--dyad",
            metavar="A B",
            help="Only events between A and B, either way; a state includes its people",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="From this date: YYYY, YYYY-MM, YYYY-MM-DD or words ('June 2025')",
        ),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Up to this date, inclusive")
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind", metavar="KIND", help="event, statement or commitment; repeat for several"
        ),
    ] = None,
    fmt: FormatOption = "table",
    actors: ActorsOption = None,
) -> None:
    """Events, statements and commitments in date order, with their sources."""
    from peninsula.query import KINDS, timeline

    settings, knowledge = _for_query(fmt, actors)
    since, until = date_range(since, until)
    with _reading(db or settings.db_path, settings) as store:
        rows = timeline(
            store,
            knowledge,
            actor=actor,
            dyad=dyad,
            since=since,
            until=until,
            kinds=tuple(kind) if kind else KINDS,
        )
        urls = {d.id: d.url for d in store.documents()}
    if fmt == "json":
        payload = [row.as_dict() for row in rows]
        for record in payload:  # each report's URL beside its sentence
            for item in record["evidence"]:
                item["url"] = urls.get(item["document_id"])
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        write_timeline_csv(rows, urls)
    else:
        print_timeline(rows, urls)


@app.command("dyads")
@_fails_cleanly
def dyads_command(
    db: DbOption = None,
    pair: Annotated[
        tuple[str, str] | None,
        typer.Option("--pair", metavar="A B", help="Only this pair of states (or their people)"),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="From this month: YYYY, YYYY-MM")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Up to this month, inclusive")
    ] = None,
    fmt: FormatOption = "table",
    actors: ActorsOption = None,
) -> None:
    """Relations per pair of states per month: mean Goldstein over actual events, and counts."""
    from peninsula.query import dyads

    settings, knowledge = _for_query(fmt, actors)
    since, until = date_range(since, until)
    with _reading(db or settings.db_path, settings) as store:
        months = dyads(store, knowledge, pair=pair, since=since, until=until)
    records = [dyad_record(m) for m in months]
    if fmt == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(DYAD_COLUMNS)
        for record in records:
            writer.writerow(
                [
                    neutralise_cell("; ".join(v) if isinstance(v, list) else "" if v is None else v)
                    for v in (record[c] for c in DYAD_COLUMNS)
                ]
            )
    else:
        table = Table(title=f"dyads ({len(records)} pair-months)")
        for column in ("a", "b", "month", "mean Goldstein", "actual", "pledged", "hypo.", "neg."):
            table.add_column(column, no_wrap=True)
        for r in records:
            mean = "-" if r["mean_goldstein"] is None else f"{r['mean_goldstein']:+.2f}"
            table.add_row(
                r["a"], r["b"], r["month"], mean, str(r["actual"]), str(r["pledged"]),
                str(r["hypothetical"]), str(r["negated"]),
            )  # fmt: skip
        print_table(table)


@app.command("report")
@_fails_cleanly
def report_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the HTML report")],
    db: DbOption = None,
    actors: ActorsOption = None,
) -> None:
    """Write a self-contained HTML report (timeline, commitments, actors, documents, dyads)."""
    from peninsula.knowledge import load_knowledge
    from peninsula.report import write_report  # jinja2 loads with the report only

    settings = Settings.from_env()
    knowledge = load_knowledge((*settings.actors_files, *(actors or [])))
    with _reading(db or settings.db_path, settings) as store:
        index = write_report(store, knowledge, out, on_replace=_say_replaced)
    console.print(str(index), highlight=False, soft_wrap=True)


@app.command("serve")
@_fails_cleanly
def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on")] = 8000,
    actors: ActorsOption = None,
) -> None:
    """Serve the knowledge base as web pages and a JSON API (writes need PENINSULA_API_TOKEN)."""
    import uvicorn  # the web stack loads with `serve` only

    from peninsula.web import create_app

    settings = Settings.from_env()
    settings = replace(settings, actors_files=(*settings.actors_files, *(actors or [])))
    path = db or settings.db_path
    if not path.exists():
        raise NotFound(f"no database at {path} (run 'peninsula build' first)")
    with _reading(path, settings):
        pass  # an outdated store is migrated once, before serving
    web = create_app(path, settings=settings)
    console.print(f"serving {path} on http://{host}:{port}/", highlight=False, soft_wrap=True)
    uvicorn.run(web, host=host, port=port, log_level="warning")


actors_app = typer.Typer(no_args_is_help=True, help="The actor knowledge base.")
app.add_typer(actors_app, name="actors")


@actors_app.command("check")
@_fails_cleanly
def actors_check_command(
    files: Annotated[list[Path], typer.Argument(help="Actor files to validate (CSV or JSONL)")],
) -> None:
    """Validate actor files against the shipped knowledge base: ids, dates, overlapping roles."""
    from peninsula.knowledge import check_actor_file

    for path in files:
        console.print(check_actor_file(path), highlight=False, soft_wrap=True)


@actors_app.command("list")
@_fails_cleanly
def actors_list_command(
    db: DbOption = None,
    unverified: Annotated[bool, typer.Option(help="Only actors found in articles")] = False,
    fmt: FormatOption = "table",
) -> None:
    """The actors in the knowledge base, with their dated roles."""
    if fmt not in ("table", "json", "csv"):
        raise SettingsError(f"--format must be table, json or csv, got {fmt!r}")
    settings = Settings.from_env()
    with _reading(db or settings.db_path, settings) as store:
        rows = [a for a in store.actors() if not (unverified and a.verified)]
    if fmt == "json":
        payload = [asdict(a) for a in rows]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(("id", "name", "kind", "country", "aliases", "roles", "verified"))
        for actor in rows:
            aliases = "; ".join(actor.aliases)
            roles = json.dumps([asdict(r) for r in actor.roles], ensure_ascii=False)
            writer.writerow(
                (actor.id, actor.name, actor.kind, actor.country or "", aliases, roles,
                 str(actor.verified).lower())
            )  # fmt: skip
        return
    table = Table()
    for column in ("id", "name", "kind", "country", "roles"):
        table.add_column(column)
    for actor in rows:
        roles_text = "; ".join(
            f"{r.title}{' of ' + r.of if r.of else ''}"
            f"{' ' + (r.start or '…') + '–' + (r.end or '') if r.start else ''}"
            for r in actor.roles
        )
        name = actor.name + ("" if actor.verified else " (unverified)")
        table.add_row(actor.id, name, actor.kind, actor.country or "", roles_text)
    print_table(table)

"""The HTML report: a folder of static pages that work from file:// with no network.

    index.html              counts, the relations between states (charts), actors, documents
    timeline.html           every fact in date order, one folding section per month, a filter
    commitments.html        the commitments ledger
    actors/<id>.html        one page per actor that appears in a fact (a state's page includes
                            what the people and bodies counted with it said and did)
    documents/<id>.html     the cleaned text with every evidence span highlighted and anchored

Every fact links to its evidence: `documents/<id>.html#ev-<start>-<end>`, the span's character
offsets in the document's cleaned text. CSS is inline (with a narrow-screen layout for phones),
charts are inline SVG, the only script is the timeline's optional filter (the page works
without it), and everything is escaped by Jinja2's autoescape. Local file paths are never
printed: a local source shows by its file name.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from peninsula.errors import SettingsError
from peninsula.knowledge import Knowledge
from peninsula.outputs import open_output, output_folder
from peninsula.query import Evidence, TimelineRow, dyads, timeline
from peninsula.report.charts import CHART_HEIGHT, CHART_WIDTH, PAD_LEFT, PAD_RIGHT, charts
from peninsula.report.text import by_period, distinct, is_web, source_of, tidy_quotes
from peninsula.store import Store, StoredActor, StoredRole

__all__ = ["write_report"]

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Events listed under one month of a dyad; the timeline lists them all.
SHOWN_PER_MONTH = 40
_LINE_BREAKS = re.compile(r"(\s*\n\s*)")


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of document text, the anchors that start at it and the spans that cover it.

    `note` names the facts drawn from the innermost span over it."""

    text: str
    anchors: tuple[str, ...]
    covered_by: tuple[str, ...]
    note: str = ""


def write_report(
    store: Store,
    knowledge: Knowledge,
    out_dir: Path,
    on_replace: Callable[[Path], None] | None = None,
) -> Path:
    """Write the report into `out_dir` (created if missing) and return the path of index.html.

    No page is written through a symbolic link (a link in its place is an error); `on_replace`
    hears of each page that existed before and was overwritten."""
    rows = timeline(store, knowledge)
    months = dyads(store, knowledge)
    documents = store.documents()
    actor_rows = {a.id: a for a in store.actors()}

    doc_pages = _unique_names(d.id for d in documents)
    anchors = _anchors(rows, {d.id: d.text for d in documents})
    appearing = sorted({a.id for r in rows for a in r.actors})
    actor_pages = _unique_names(appearing)
    names = {a.id: a.name for a in actor_rows.values()}
    names.update({a.id: a.name for r in rows for a in r.actors})
    rows_by_id = {r.id: r for r in rows}
    for row in rows:  # a commitment's status evidence is one report of a merged event
        for e in row.evidence:
            if row.kind == "event" and e.record_id:
                rows_by_id.setdefault(e.record_id, row)
    links = _Links(doc_pages, actor_pages, anchors)
    notes: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        for e in row.evidence:
            notes[_anchor_id(e.char_start, e.char_end)].append(f"{row.kind}: {row.summary}")

    by_actor: dict[str, list[TimelineRow]] = defaultdict(list)
    by_document: dict[str, list[TimelineRow]] = defaultdict(list)
    for row in rows:
        for actor_id in dict.fromkeys(a.id for a in row.actors):
            by_actor[actor_id].append(row)
        for document_id in dict.fromkeys(e.document_id for e in row.evidence):
            by_document[document_id].append(row)
    states = {a: _state(a, knowledge, actor_rows.get(a)) for a in appearing}
    members = {a: [m for m in appearing if states[m] == a] for a in appearing}
    order = {row.id: i for i, row in enumerate(rows)}
    dyad_charts = charts(months, names)
    commitments = [r for r in rows if r.kind == "commitment"]

    env = _environment(links)
    common = {
        "names": names,
        "documents": {d.id: d for d in documents},
        "rows_by_id": rows_by_id,
    }

    def write(folder: Path, name: str, page: str) -> None:
        with open_output(folder, name) as (stream, replaced):
            stream.write(page)
        if replaced and on_replace is not None:
            on_replace(folder / name)

    def render(template: str, root: str, **values: object) -> str:
        return env.get_template(template).render(root=root, **values, **common)

    try:
        output_folder(out_dir)
        index = out_dir / "index.html"
        published = sorted(d.published for d in documents if d.published)
        write(
            out_dir,
            "index.html",
            render(
                "index.html",
                "",
                rows=rows,
                published=(published[0], published[-1]) if published else None,
                commitment_count=len(commitments),
                charts=dyad_charts,
                actors=[(a, names[a], actor_rows.get(a)) for a in appearing],
                kinds=_count(r.kind for r in rows),
                facts_per_document=_count(
                    doc_id for r in rows for doc_id in {e.document_id for e in r.evidence}
                ),
                width=CHART_WIDTH,
                height=CHART_HEIGHT,
                left=PAD_LEFT,
                right=PAD_RIGHT,
                shown_per_month=SHOWN_PER_MONTH,
            ),
        )
        periods = by_period(rows)
        dated = [p.label for p in periods if p.label != "undated"]
        write(
            out_dir,
            "timeline.html",
            render("timeline.html", "", groups=periods, open_periods=dated[-2:]),
        )
        write(out_dir, "commitments.html", render("commitments.html", "", commitments=commitments))
        for actor_id in appearing:
            # A state's page also lists what the people and bodies counted with it said and did.
            mine = {r.id: r for m in [actor_id, *members[actor_id]] for r in by_actor[m]}
            ordered = sorted(mine.values(), key=lambda r: order[r.id])
            write(
                out_dir / "actors",
                f"{actor_pages[actor_id]}.html",
                render(
                    "actor.html",
                    "../",
                    actor_id=actor_id,
                    name=names[actor_id],
                    record=actor_rows.get(actor_id),
                    roles=_roles(actor_id, actor_rows.get(actor_id), knowledge),
                    state=states[actor_id],
                    members=members[actor_id],
                    dyads=[c for c in dyad_charts if actor_id in (c.a, c.b)],
                    rows=[r for r in ordered if r.kind != "commitment"],
                    commitments=[r for r in ordered if r.kind == "commitment"],
                ),
            )
        for document in documents:
            spans = anchors.get(document.id, set())
            write(
                out_dir / "documents",
                f"{doc_pages[document.id]}.html",
                render(
                    "document.html",
                    "../",
                    document=document,
                    source=source_of(document.path, document.url),
                    segments=_segments(document.text, spans, notes),
                    anchor_ids=sorted(_anchor_id(s, e) for s, e in spans),
                    facts=by_document.get(document.id, []),
                ),
            )
    except OSError as exc:
        raise SettingsError(f"cannot write the report to {out_dir}: {exc.strerror}") from None
    return index


class _Links:
    """Relative links between pages; evidence links only to anchors that exist."""

    def __init__(
        self,
        doc_pages: Mapping[str, str],
        actor_pages: Mapping[str, str],
        anchors: Mapping[str, set[tuple[int, int]]],
    ) -> None:
        self.doc_pages = doc_pages
        self.actor_pages = actor_pages
        self.anchors = anchors

    def evidence(self, e: Evidence, root: str) -> str | None:
        page = self.doc_pages.get(e.document_id)
        if page is None or (e.char_start, e.char_end) not in self.anchors.get(e.document_id, ()):
            return None
        return f"{root}documents/{page}.html#{_anchor_id(e.char_start, e.char_end)}"

    def actor(self, actor_id: str, root: str) -> str | None:
        page = self.actor_pages.get(actor_id)
        return f"{root}actors/{page}.html" if page is not None else None

    def document(self, document_id: str, root: str) -> str | None:
        page = self.doc_pages.get(document_id)
        return f"{root}documents/{page}.html" if page is not None else None


def _environment(links: _Links) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        evidence_href=links.evidence,
        actor_href=links.actor,
        document_href=links.document,
        short_id=lambda value: str(value)[:8],
    )
    env.filters["squash"] = lambda v: " ".join(str(v).split())
    env.filters["tidy"] = tidy_quotes
    env.filters["distinct"] = distinct
    env.tests["web"] = is_web
    env.filters["signed"] = lambda v: "–" if v is None else f"{v:+.1f}".replace("-", "−")
    return env


def _anchor_id(start: int, end: int) -> str:
    return f"ev-{start}-{end}"


def _anchors(
    rows: Iterable[TimelineRow], texts: Mapping[str, str]
) -> dict[str, set[tuple[int, int]]]:
    """Per document, the evidence spans that lie within its text."""
    found: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for row in rows:
        for e in row.evidence:
            text = texts.get(e.document_id)
            if text is not None and 0 <= e.char_start < e.char_end <= len(text):
                found[e.document_id].add((e.char_start, e.char_end))
    return dict(found)


def _segments(
    text: str, spans: set[tuple[int, int]], notes: Mapping[str, Sequence[str]]
) -> list[Segment]:
    """The text cut at every span boundary; each piece knows the spans over it."""
    bounds = sorted({0, len(text)} | {s for s, _ in spans} | {e for _, e in spans})
    starts: dict[int, list[str]] = defaultdict(list)
    for s, e in sorted(spans):
        starts[s].append(_anchor_id(s, e))
    out = []
    for a, b in itertools.pairwise(bounds):
        over = [(s, e) for s, e in sorted(spans) if s <= a and b <= e]
        inner = min(over, key=lambda span: span[1] - span[0]) if over else None
        note = "; ".join(dict.fromkeys(notes.get(_anchor_id(*inner), ()))) if inner else ""
        covering = tuple(_anchor_id(s, e) for s, e in over)
        anchors = tuple(starts.get(a, ()))
        if not covering:
            out.append(Segment(text[a:b], anchors, ()))
            continue
        # Line breaks inside a span are left unmarked, so no highlight bar sits on a blank line.
        for i, piece in enumerate(_LINE_BREAKS.split(text[a:b])):
            if piece:
                marked = i % 2 == 0
                out.append(
                    Segment(piece, anchors, covering if marked else (), note if marked else "")
                )
                anchors = ()
    if not out:
        out.append(Segment(text, (), ()))
    return out


def _unique_names(ids: Iterable[str]) -> dict[str, str]:
    """File names for ids: safe characters only, unique even on a case-blind file system."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for value in ids:
        name = re.sub(r"[^A-Za-z0-9_-]", "_", value)[:80] or "_"
        if name.lower() in taken or name != value:
            name = f"{name}-{hashlib.sha1(value.encode('utf-8')).hexdigest()[:8]}"
        taken.add(name.lower())
        out[value] = name
    return out


def _roles(actor_id: str, record: StoredActor | None, knowledge: Knowledge) -> list[StoredRole]:
    if record is not None and record.roles:
        return list(record.roles)
    return [
        StoredRole(
            r.title,
            r.of,
            r.start.isoformat() if r.start else None,
            r.end.isoformat() if r.end else None,
        )
        for r in knowledge.roles_of(actor_id)
    ]


def _state(actor_id: str, knowledge: Knowledge, record: StoredActor | None) -> str | None:
    found = knowledge.state_of(actor_id)
    if found is None and record is not None:
        found = record.country
    return found if found != actor_id else None


def _count(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return dict(out)

"""The HTML report: a folder of static pages that work from file:// with no network.

    index.html              the dyad chart, the commitments ledger, the timeline
    actors/<id>.html        one page per actor that appears in a fact
    documents/<id>.html     the cleaned text with every evidence span highlighted and anchored

Every fact links to its evidence: `documents/<id>.html#ev-<start>-<end>`, the span's character
offsets in the document's cleaned text. CSS is inline, charts are inline SVG, there is no
script, and everything is escaped by Jinja2's autoescape.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from peninsula.errors import SettingsError
from peninsula.knowledge import Knowledge
from peninsula.outputs import open_output, output_folder
from peninsula.query import DyadMonth, Evidence, TimelineRow, dyads, timeline
from peninsula.store import Store, StoredActor, StoredRole

__all__ = ["write_report"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Geometry of one dyad chart, in SVG user units.
CHART_WIDTH = 1100
CHART_HEIGHT = 230
_PAD_LEFT, _PAD_RIGHT, _PAD_TOP, _PAD_BOTTOM = 56, 60, 24, 62
# Events listed under one month of a dyad; the timeline lists them all.
SHOWN_PER_MONTH = 40
_STRIP = 24  # height of the event-count strip under the month labels
_STRIP_GAP = 32  # from the axis to the top of that strip
_LINE_BREAKS = re.compile(r"(\s*\n\s*)")


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of document text, the anchors that start at it and the spans that cover it.

    `note` names the facts drawn from the innermost span over it."""

    text: str
    anchors: tuple[str, ...]
    covered_by: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class ChartPoint:
    x: float
    y: float
    r: float
    label: str
    title: str
    href: str


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str
    href: str


@dataclass(frozen=True, slots=True)
class Chart:
    a: str
    b: str
    title: str
    anchor: str
    points: tuple[ChartPoint, ...]
    lines: tuple[tuple[float, float, float, float], ...]
    bars: tuple[Bar, ...]
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    zero_y: float
    axis_y: float
    strip_top: float
    strip_bottom: float
    most: int
    months: tuple[DyadMonth, ...]


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
    charts = _charts(months, names, rows_by_id)

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

    try:
        output_folder(out_dir)
        index = out_dir / "index.html"
        write(
            out_dir,
            "index.html",
            env.get_template("index.html").render(
                root="",
                rows=rows,
                commitments=[r for r in rows if r.kind == "commitment"],
                charts=charts,
                actors=[(a, names[a], actor_rows.get(a)) for a in appearing],
                kinds=_count(r.kind for r in rows),
                facts_per_document=_count(
                    doc_id for r in rows for doc_id in {e.document_id for e in r.evidence}
                ),
                width=CHART_WIDTH,
                height=CHART_HEIGHT,
                left=_PAD_LEFT,
                right=_PAD_RIGHT,
                shown_per_month=SHOWN_PER_MONTH,
                **common,
            ),
        )
        for actor_id in appearing:
            mine = by_actor[actor_id]
            write(
                out_dir / "actors",
                f"{actor_pages[actor_id]}.html",
                env.get_template("actor.html").render(
                    root="../",
                    actor_id=actor_id,
                    name=names[actor_id],
                    record=actor_rows.get(actor_id),
                    roles=_roles(actor_id, actor_rows.get(actor_id), knowledge),
                    state=states[actor_id],
                    members=[a for a in appearing if states[a] == actor_id],
                    dyads=[c for c in charts if actor_id in (c.a, c.b)],
                    rows=[r for r in mine if r.kind != "commitment"],
                    commitments=[r for r in mine if r.kind == "commitment"],
                    **common,
                ),
            )
        for document in documents:
            spans = anchors.get(document.id, set())
            facts = by_document.get(document.id, [])
            write(
                out_dir / "documents",
                f"{doc_pages[document.id]}.html",
                env.get_template("document.html").render(
                    root="../",
                    document=document,
                    segments=_segments(document.text, spans, notes),
                    anchor_ids=sorted(_anchor_id(s, e) for s, e in spans),
                    facts=facts,
                    **common,
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


def _charts(
    months: Sequence[DyadMonth], names: Mapping[str, str], rows: Mapping[str, TimelineRow]
) -> list[Chart]:
    """One small chart per state pair on a shared monthly axis: the mean Goldstein score from
    −10 to +10 above, the number of events per month as bars in a strip below."""
    if not months:
        return []
    axis = _month_range(min(m.month for m in months), max(m.month for m in months))
    position = {month: i for i, month in enumerate(axis)}
    plot_w = CHART_WIDTH - _PAD_LEFT - _PAD_RIGHT
    plot_h = CHART_HEIGHT - _PAD_TOP - _PAD_BOTTOM
    axis_y = _PAD_TOP + plot_h
    step = plot_w / max(len(axis) - 1, 1)
    most = max(max(m.count, m.pledged + m.hypothetical + m.negated) for m in months) or 1
    bar_w = round(max(2.0, min(step * 0.3, 9.0)), 1)

    def x_of(month: str) -> float:
        return round(_PAD_LEFT + (position[month] * step if len(axis) > 1 else plot_w / 2), 1)

    def y_of(score: float) -> float:
        return round(_PAD_TOP + (10 - score) / 20 * plot_h, 1)

    def bar(x: float, n: int, title: str, href: str) -> Bar:
        height = round(_STRIP * n / most, 1)
        return Bar(x, round(axis_y + _STRIP_GAP + _STRIP - height, 1), bar_w, height, title, href)

    every = max(1, math.ceil(len(axis) / 12))
    x_ticks = tuple((x_of(m), m) for i, m in enumerate(axis) if i % every == 0)
    y_ticks = tuple(
        (y_of(v), f"{v:+d}".replace("-", "−") if v else "0") for v in (10, 5, 0, -5, -10)
    )
    labelled = step >= 56 or len(axis) == 1
    by_pair: dict[tuple[str, str], list[DyadMonth]] = defaultdict(list)
    for m in months:
        by_pair[m.pair].append(m)
    charts = []
    for (a, b), pair_months in sorted(by_pair.items(), key=lambda kv: (-_weight(kv[1]), kv[0])):
        anchor = f"dyad-{a}-{b}"
        points = []
        bars = []
        for m in pair_months:
            href = f"#{anchor}-{m.month}"
            x = x_of(m.month)
            others = m.pledged + m.hypothetical + m.negated
            if m.count:
                bars.append(bar(x - bar_w, m.count, f"{m.month}: {m.count} actual", href))
            if others:
                bars.append(
                    bar(x, others, f"{m.month}: {others} pledged, hypothetical or negated", href)
                )
            if m.mean_goldstein is None:
                continue
            points.append(
                ChartPoint(
                    x=x,
                    y=y_of(m.mean_goldstein),
                    r=round(3 + 5 * math.sqrt(m.count / most), 1),
                    label=f"{m.mean_goldstein:+.1f} ({m.count})".replace("-", "−")
                    if labelled
                    else "",
                    title=f"{m.month}: mean Goldstein {m.mean_goldstein:+.2f} over {m.count}"
                    f" actual event{'s' if m.count != 1 else ''}",
                    href=href,
                )
            )
        lines = tuple(
            (p.x, p.y, q.x, q.y)
            for p, q in itertools.pairwise(points)
            if round(q.x - p.x, 1) <= round(step, 1) + 0.1
        )
        charts.append(
            Chart(
                a=a,
                b=b,
                title=f"{names.get(a, a)} – {names.get(b, b)}",
                anchor=anchor,
                points=tuple(points),
                lines=lines,
                bars=tuple(bars),
                x_ticks=x_ticks,
                y_ticks=y_ticks,
                zero_y=y_of(0),
                axis_y=axis_y,
                strip_top=axis_y + _STRIP_GAP,
                strip_bottom=axis_y + _STRIP_GAP + _STRIP,
                most=most,
                months=tuple(pair_months),
            )
        )
    return charts


def _weight(months: Sequence[DyadMonth]) -> int:
    return sum(m.count + m.pledged + m.hypothetical + m.negated for m in months)


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out

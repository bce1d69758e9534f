"""Mutation fuzzing of every reader: inputs tried and crashes per source type, as one JSON line.

Seeds are valid samples of each source type generated here (plain text in several encodings,
HTML pages, JSON Lines, CSV and TSV, RSS and Atom, WARC and WARC.gz with plain, chunked and
gzip-encoded responses, and stdin). Each input is a seed (or two spliced) with a few random
mutations: bytes flipped, cut short, chunks deleted or repeated, hostile fragments inserted
(surrogate references and escapes, byte-order marks, NUL, deep nesting, entity declarations,
WARC headers, gzip magic, long lines...). The readers run with `strict=True`: any exception, an
article with invalid text, or an input that yields nothing counts as a crash, and the input is
saved under --out for reproduction.

    python benchmarks/fuzz.py            # 10,000 inputs per source type
    python benchmarks/fuzz.py --quick    # 300 per type, for the gates
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from common import emit
from peninsula.records import RawArticle, Skipped
from peninsula.sources import MAX_ARTICLE_CHARS, iter_articles

MAX_BYTES = 1_000_000
SLOW_S = 5
HOSTILE = [
    b"&#xD800;",
    b"&#55296;",
    b"&#x110000;",
    b"&#99999999999;",
    b"&#0;",
    b"\\ud800",
    b"\\udfff\\ud800",
    b"\xed\xa0\x80",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\xff\xfe\x00\x00",
    b"\x00",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\t",
    b'"',
    b"'",
    b",",
    b"[" * 5000,
    b"{" * 5000,
    b'{"a":' * 3000,
    b'{"text": 5}',
    b'{"text": 1e308}',
    b'{"text": Infinity}',
    b'{"text": NaN}',
    b'{"text": "\\ud800"}',
    b'{"text": null}',
    b'{"text": ["a"]}',
    b"1" * 5000,
    b'<!DOCTYPE x [<!ENTITY a "&b;&b;&b;&b;"><!ENTITY b "&c;&c;&c;&c;"><!ENTITY c "ccc">]>',
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    b"&a;&e;",
    b"<!DOCTYPE",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"<script>",
    b"<svg onload=alert(1)>",
    b'<meta charset="utf-16">',
    b'<meta charset="idna">',
    b'<meta charset="rot13">',
    b'<script type="application/ld+json">' + b"[" * 3000,
    b"<time pubdate datetime='9999-99-99'>",
    b"WARC/1.0\r\n",
    b"WARC/1.0\r\nWARC-Type: response\r\n\r\n",
    b"Content-Length: 99999999999\r\n",
    b"Content-Length: -5\r\n",
    b"Content-Length: abc\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Content-Encoding: gzip\r\n",
    b"Content-Encoding: deflate\r\n",
    b"ffffffff\r\n",
    b"\x1f\x8b\x08\x00",
    gzip.compress(bytes(200_000)),
    "\u2028\u2029\x85".encode(),
    "\ufffe\uffff".encode(),
    b"\x80\x81\xfe",
    b"x" * 70_000,
    b"\n" * 5000,
    b"<p>" * 2000,
]


def _page(title: str, paragraphs: int, extra: str = "") -> str:
    body = "".join(
        f"<p>Seoul said on day {n} that talks with Pyongyang would resume after a pause.</p>"
        for n in range(paragraphs)
    )
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>"
        '<meta property="article:published_time" content="2025-03-07T09:00:00+09:00">'
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2025-03-07"}</script></head><body><article>'
        f"<h1>{title}</h1><time pubdate datetime='2025-03-07'>7 March 2025</time>{body}"
        f"{extra}</article></body></html>"
    )


def _warc(compress: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    page = _page("Talks", 4).encode()
    bodies = [
        ([("Content-Type", "text/html; charset=utf-8")], page),
        ([("Content-Type", "text/html"), ("Content-Encoding", "gzip")], gzip.compress(page)),
        (
            [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
            b"%x\r\n%s\r\n0\r\n\r\n" % (len(page), page),
        ),
        ([("Content-Type", "image/png")], b"\x89PNG\r\n\x1a\n"),
    ]
    for number, (headers, body) in enumerate(bodies):
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://example.org/{number}",
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
        )
        writer.write_record(record)
    return buffer.getvalue()


def seeds() -> dict[str, list[tuple[str, bytes]]]:
    """Valid samples of each source type, as (file name, bytes)."""
    text = (
        "SEOUL, March 7 (Yonhap) -- South Korea's foreign minister said on Friday that Seoul "
        'would seek talks with Pyongyang.\n\n"We remain ready," he told reporters.\n'
    )
    record = {"text": text, "title": "Talks", "date": "2025-03-07", "url": "https://e.org/a"}
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
        + "".join(
            f"<item><title>Item {n}</title><link>https://example.org/{n}</link>"
            f"<description>&lt;p&gt;{text}&lt;/p&gt;</description>"
            "<pubDate>Fri, 07 Mar 2025 09:00:00 +0900</pubDate></item>"
            for n in range(3)
        )
        + "</channel></rss>"
    )
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>'
        '<entry><title>Talks</title><link href="https://example.org/a"/>'
        f'<updated>2025-03-07T09:00:00Z</updated><content type="html">{text}</content></entry>'
        "</feed>"
    )
    csv_text = 'title,text,date,url\nTalks,"{0}",2025-03-07,https://e.org/a\nMore,"{0}",,\n'
    return {
        "txt": [
            ("a.txt", text.encode()),
            ("b.txt", text.encode("utf-16")),
            ("c.txt", ("Le président a déclaré « oui ». " * 5).encode("cp1252")),
            ("d.txt", ("이재명 대통령은 목요일 남북 대화를 말했다. " * 5).encode("euc-kr")),
        ],
        "html": [
            ("a.html", _page("Talks", 5).encode()),
            (
                "b.html",
                _page("Talks", 3, "<ul><li>one</li></ul><table><tr><td>x</td></tr>").encode(),
            ),
            ("c.html", _page("Café", 3).encode("latin-1", "replace")),
        ],
        "jsonl": [
            ("a.jsonl", "\n".join(json.dumps(record) for _ in range(3)).encode()),
            ("b.jsonl", (json.dumps(record, ensure_ascii=False) + "\n").encode()),
        ],
        "csv": [
            ("a.csv", csv_text.format(text.replace('"', '""')).encode()),
            ("b.tsv", b"title\ttext\nTalks\t" + text.replace("\n", " ").encode() + b"\n"),
        ],
        "feed": [("a.rss", rss.encode()), ("b.atom", atom.encode())],
        "warc": [("a.warc", _warc(compress=False))],
        "warc.gz": [("a.warc.gz", _warc(compress=True))],
        "stdin": [
            ("-", text.encode()),
            ("-", _page("Talks", 3).encode()),
            ("-", json.dumps(record).encode()),
            ("-", rss.encode()),
            ("-", _warc(compress=False)),
            ("-", _warc(compress=True)),
        ],
    }


def mutate(data: bytes, other: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        action = rng.choice(
            ["flip", "flip", "cut", "insert", "insert", "delete", "repeat", "splice"]
        )
        at = rng.randint(0, len(buffer))
        if action == "flip" and buffer:
            for _ in range(rng.randint(1, 8)):
                buffer[rng.randrange(len(buffer))] = rng.randrange(256)
        elif action == "cut":
            del buffer[at:]
        elif action == "insert":
            fragment = rng.choice(HOSTILE) if rng.random() < 0.8 else rng.randbytes(16)
            buffer[at:at] = fragment * rng.choice([1, 1, 2, 10])
        elif action == "delete":
            del buffer[at : at + rng.randint(1, 256)]
        elif action == "repeat":
            buffer[at:at] = buffer[at : at + rng.randint(1, 64)] * rng.randint(2, 200)
        else:
            buffer[at:] = other[rng.randint(0, len(other)) :]
    return bytes(buffer)


def problem(items: list[RawArticle | Skipped]) -> str | None:
    """Why the readers' output breaks their promise, or None."""
    if not items:
        return "no article and no skip reason"
    for item in items:
        if isinstance(item, Skipped):
            strings = [item.origin, item.reason]
        else:
            if not item.text.strip() or len(item.text) > MAX_ARTICLE_CHARS:
                return f"article text of {len(item.text)} characters"
            strings = [item.origin, item.text, item.title or "", item.url or "", item.outlet or ""]
            strings += [part for pair in item.metadata_dates for part in pair]
        for text in strings:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return "invalid Unicode in the output"
    return None


def run_one(folder: Path, name: str, data: bytes) -> list[RawArticle | Skipped]:
    if name == "-":
        stdin = sys.stdin
        sys.stdin = SimpleNamespace(buffer=io.BytesIO(data))  # type: ignore[assignment]
        try:
            return list(iter_articles(["-"], MAX_BYTES, strict=True))
        finally:
            sys.stdin = stdin
    path = folder / name
    path.write_bytes(data)
    return list(iter_articles([str(path)], MAX_BYTES, strict=True))


def _save(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 inputs per source type")
    parser.add_argument("--per-type", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "peninsula-fuzz")
    args = parser.parse_args()
    per_type = 300 if args.quick else args.per_type
    rng = random.Random(args.seed)
    tried: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    slow: Counter[str] = Counter()
    slowest = (0.0, "")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for source, samples in seeds().items():
            for _ in range(per_type):
                name, data = rng.choice(samples)
                data = mutate(data, rng.choice(samples)[1], rng)
                tried[source] += 1
                began = time.monotonic()
                try:
                    items = run_one(Path(tmp), name, data)
                    why = problem(items)
                except Exception as exc:
                    why = f"{type(exc).__name__}: {str(exc)[:80]}"
                    items = []
                    print(traceback.format_exc(limit=-3), file=sys.stderr)
                took = time.monotonic() - began
                slowest = max(slowest, (took, source))
                if took > SLOW_S:
                    slow[source] += 1
                    _save(args.out, f"slow-{source}-{tried[source]}-{Path(name).name}", data)
                for item in items:
                    outcomes["article" if isinstance(item, RawArticle) else "skipped"] += 1
                if why is not None:
                    crashes[source] += 1
                    kinds[why] += 1
                    saved = _save(args.out, f"{source}-{tried[source]}-{Path(name).name}", data)
                    print(f"crash: {source} {saved}: {why}", file=sys.stderr)
    emit(
        {
            "inputs_per_type": dict(tried),
            "inputs": sum(tried.values()),
            "crashes": sum(crashes.values()),
            "crash_free": round(1 - sum(crashes.values()) / max(1, sum(tried.values())), 6),
            "crashes_per_type": dict(crashes),
            "crash_kinds": dict(kinds.most_common(10)),
            "articles": outcomes["article"],
            "skip_lines": outcomes["skipped"],
            f"inputs_over_{SLOW_S}s": dict(slow),
            "slowest_input_s": round(slowest[0], 2),
            "slowest_type": slowest[1],
            "seconds": round(time.monotonic() - started, 1),
            "seed": args.seed,
        }
    )


if __name__ == "__main__":
    main()

"""Attribution beyond a single cue: nested and aside cues, quotations no cue covers, headings.

- A cue inside another statement's content is dropped (the inner words are the outer speaker's
  report) unless it continues the same speaker ("said…, adding that…"): then it ends the outer
  content (`nest`); or unless the cue model is sure of it (its score reaches the model's
  `nested_threshold`: "…, which he said were…"): then both stand. A stance inside another
  statement's source ("The senator, who backs the bill, said…") is part of who the source is
  (`asides`).
- A quotation no cue covers is signed ('"…" ― Mina Cho'), else takes the nearest cue of its own
  sentence, else, when it starts a sentence right after a direct statement, continues it with
  the same source and cue ('"…," he said. "…"') (`from_quotes`).
- A paragraph headed by a name and a colon is that name's ("Lee: Peace is growth", "KIM: We
  are ready.") (`headed`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from peninsula.knowledge.speech import CueVocabulary
from peninsula.nlp.cues import (
    Found,
    bare_clause,
    cue_tokens,
    match_cue,
    source_bounds,
    subject,
    subordinate,
)
from peninsula.nlp.doctext import text_of
from peninsula.nlp.quotes import Paragraphs, Quote, QuoteIndex

# '"…" ― Mina Cho' at a paragraph's end; "Lee: '…'" at its start.
_DASH_SIGNATURE = re.compile(r"[ \t]*([―—–]|--?)[ \t]*([^\W\d][^\n.!?\"“”]{0,60}?)[ \t.]*(?=\n|$)")
# A quotation continuing an earlier statement has at least this many words.
_MIN_WORDS = 4
# "[Sound bite: Mina Cho (translated)]": a transcript's label line naming who speaks next.
_LABEL_LINE = re.compile(
    r"[ \t]*\[(?P<cue>[^\W\d][^\]\[:\n]{0,30}):[ \t]*(?P<name>[^\W\d][^\]\[:()\n]{0,60}?)"
    r"[ \t]*(?:\([^\n)]*\)?)?[ \t]*\]?[ \t]*"
)
_COLON_HEADING = re.compile(r"[ \t]*[\"“]?([^\W\d][^\n:\"“”]{0,60}?)[ \t]*(:)[ \t]*(?=\S)")


def asides(found: list[Found]) -> list[Found]:
    """A stance in a clause that describes another statement's source is part of who the
    source is ("The senator, who backs the fishing ban, said…"); what such a
    clause reports in a clause or quotation of its own stays a statement."""
    spans = [
        (f, set(range(*source_bounds(f.source, f.cue_token))))
        for f in found
        if f.source is not None and f.cue_token is not None
    ]
    kept = []
    for item in found:
        cue = item.cue_token
        inside = cue is not None and any(o is not item and cue.i in tokens for o, tokens in spans)
        if inside and item.chars is None and not _clausal(item):
            continue
        kept.append(item)
    return kept


def _clausal(item: Found) -> bool:
    if item.cue_token is None:
        return False
    return any(
        c.dep_ in ("ccomp", "xcomp") or (c.dep_ == "advcl" and bare_clause(c))
        for c in item.cue_token.children
        if c.i in item.content
    )


def nest(found: list[Found], confident: float = float("inf")) -> list[Found]:
    """A cue inside another statement's content: the same speaker continuing ends the outer
    content; another speaker's words are the outer speaker's report and are dropped, unless
    the cue model's score for the inner cue reaches `confident`."""
    kept: list[Found] = []
    for item in found:
        if item.cue_token is None:
            kept.append(item)
            continue
        outer = [
            o for o in found if o is not item and item.cue_token.i in o.content and o.chars is None
        ]
        if not outer:
            kept.append(item)
            continue
        same = [o for o in outer if o.source is not None and o.source == item.source]
        carriers = [o for o in outer if _carrier(o, item)]
        if carriers and len(carriers) == len(outer):
            same = carriers  # '"…," the envoy said, according to the radio'
        elif not same or len(same) < len(outer) or item.cue_token.dep_ not in ("advcl", "conj"):
            if item.confidence is not None and item.confidence >= confident:
                kept.append(item)  # "…, which he said were…": a sure cue speaks for itself
            continue  # another speaker's words, or what the outer cue says ("vowed to support")
        clause = {t.i for t in item.cue_token.subtree}
        for o in same:
            o.content -= clause
        kept.append(item)
    return [f for f in kept if f.content or f.chars is not None]


def _carrier(outer: Found, inner: Found) -> bool:
    """ "according to X" around a cue with a subject of its own: X carries the inner
    speaker's words."""
    cue, own = outer.cue_token, inner.cue_token
    if cue is None or own is None or inner.source is None:
        return False
    prepositional = cue.dep_ == "prep" or cue.pos_ == "ADP"
    return (
        prepositional and inner.source.head == own and inner.source.dep_ in ("nsubj", "nsubjpass")
    )


def from_quotes(
    doc: Doc,
    quotes: list[Quote],
    found: list[Found],
    vocabulary: CueVocabulary,
    index: QuoteIndex,
    paragraphs: Paragraphs,
) -> list[Found]:
    """Quotations no cue covered: the nearest cue of their sentence, else a continuation of
    the direct statement just before them."""
    covered = [char_range(doc, f) for f in found]
    added: list[Found] = []
    by_cue = {f.cue_token.i: f for f in found if f.cue_token is not None}
    previous: Found | None = None
    previous_end = -1
    for quote in quotes:
        if any(a < quote.end and quote.start < b for a, b in covered if a < b):
            owner = next(
                (
                    f
                    for f, (a, b) in zip(found, covered, strict=True)
                    if a < quote.end and quote.start < b
                ),
                None,
            )
            previous, previous_end = owner, _sentence_end(doc, quote.end)
            continue
        span = doc.char_span(quote.inner_start, quote.inner_end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        sentences = {s.start: s for s in (t.sent for t in span)}
        first_sentence = doc[span.start].sent
        nearest = _nearest_cue(
            span.start, span.end - 1, sentences.values(), vocabulary, index, paragraphs
        )
        item: Found | None = _signed(doc, quote, paragraphs) or _labelled(doc, quote)
        if item is not None:
            pass
        elif nearest is not None:
            cue_token, source = nearest
            known = by_cue.get(cue_token.i)
            cue = known.cue if known is not None else cue_tokens(cue_token, [])
            item = Found(set(), (quote.inner_start, quote.inner_end), cue, source, cue_token)
        elif (
            previous is not None
            and previous.source is not None
            and _starts_sentence(doc, quote, first_sentence)
            and _only_space_between(text_of(doc), previous_end, first_sentence.start_char)
        ):
            item = Found(
                set(),
                (quote.inner_start, quote.inner_end),
                previous.cue,
                previous.source,
                previous.cue_token,
                previous.source_tokens,
            )
        if item is None:
            ranges = [*zip(found, covered, strict=True), *((a, char_range(doc, a)) for a in added)]
            prior = _prior(text_of(doc), quote, ranges, quotes)
            if prior is not None:
                # the same source; no cue of its own
                item = Found(
                    set(),
                    (quote.inner_start, quote.inner_end),
                    [],
                    prior.source,
                    prior.cue_token,
                    prior.source_tokens,
                )
        if item is not None:
            added.append(item)
            previous, previous_end = item, _sentence_end(doc, quote.end)
        else:
            previous, previous_end = None, -1
    return added


def _prior(
    text: str,
    quote: Quote,
    items: list[tuple[Found, tuple[int, int]]],
    quotes: list[Quote],
) -> Found | None:
    """The statement a quotation with no attribution of its own continues: the last one
    before it in its paragraph; for a paragraph that is only the quotation, the last one with
    quoted words in the two paragraphs before."""
    line_start = text.rfind("\n", 0, quote.start) + 1
    line_end = text.find("\n", quote.end)
    line_end = len(text) if line_end < 0 else line_end
    alone = not text[line_start : quote.start].strip() and not text[quote.end : line_end].strip(
        " \t.,;"
    )
    if len(re.findall(r"\w+", text[quote.inner_start : quote.inner_end])) < _MIN_WORDS:
        return None  # a scare quote or a name
    best: tuple[int, Found] | None = None
    for item, (start, end) in items:
        if item.source is None or start >= end or end > quote.start:
            continue
        between = text[end:line_start].split("\n")  # paragraphs between: 0 = the same one
        distance = 0 if len(between) < 2 else 1 + sum(1 for x in between[1:-1] if x.strip())
        quoted = item.chars is not None or any(q.start < end and start < q.end for q in quotes)
        if (distance == 0 or (alone and distance <= 2 and quoted)) and (
            best is None or end > best[0]
        ):
            best = (end, item)
    return None if best is None else best[1]


def _signed(doc: Doc, quote: Quote, paragraphs: Paragraphs) -> Found | None:
    """A quotation signed with a dash after it ('"…" ― Mina Cho')."""
    text = text_of(doc)
    chars = (quote.inner_start, quote.inner_end)
    after = _DASH_SIGNATURE.match(text, quote.end)
    if after is not None:
        dash = doc.char_span(after.start(1), after.end(1), alignment_mode="expand")
        name = doc.char_span(after.start(2), after.end(2), alignment_mode="expand")
        if dash is not None and name is not None and _is_name(name):
            return Found(set(), chars, list(dash), name.root, dash[0], (name.start, name.end))
    return None


def _labelled(doc: Doc, quote: Quote) -> Found | None:
    """A quotation opening a paragraph right under a label line that names its speaker: a
    transcript's "[Sound bite: Mina Cho (translated)]"."""
    text = text_of(doc)
    line_start = text.rfind("\n", 0, quote.start) + 1
    if text[line_start : quote.start].strip():
        return None
    before = text[:line_start].rstrip()
    label_start = before.rfind("\n") + 1
    label = _LABEL_LINE.fullmatch(before, label_start)
    if label is None:
        return None
    name = doc.char_span(label.start("name"), label.end("name"), alignment_mode="expand")
    cue = doc.char_span(label.start("cue"), label.end("cue"), alignment_mode="expand")
    if name is None or cue is None or not _is_name(name) or any(t.pos_ == "VERB" for t in name):
        return None
    chars = (quote.inner_start, quote.inner_end)
    return Found(set(), chars, list(cue), name.root, cue[0], (name.start, name.end))


def headed(doc: Doc, paragraphs: Paragraphs) -> list[Found]:
    """A paragraph headed by a name and a colon: a headline ("Lee: Peace is growth"), a
    transcript ("KIM: We are ready.", quoted or not), a quotation ('Lee Jae Myung: "…"')."""
    text = text_of(doc)
    found: list[Found] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        heading = _COLON_HEADING.match(text, paragraph.start(), paragraph.end())
        if heading is None:
            continue
        name = doc.char_span(heading.start(1), heading.end(1), alignment_mode="expand")
        colon = doc.char_span(heading.start(2), heading.end(2), alignment_mode="expand")
        end = len(text[: paragraph.end()].rstrip())
        if name is None or colon is None or end <= heading.end() or not _is_name(name):
            continue
        if _titled(name):
            continue
        if any(t.pos_ in ("VERB", "AUX") for t in name):
            continue  # "He said: …" is the cue's own rule
        found.append(
            Found(
                set(), (heading.end(), end), list(colon), name.root, colon[0],
                (name.start, name.end),
            )
        )  # fmt: skip
    return found


def _is_name(span: object) -> bool:
    """A short name: capitalised words, with a proper noun or a named entity among them."""
    tokens = [t for t in span if not t.is_punct]  # type: ignore[attr-defined]
    return (
        0 < len(tokens) <= 8
        and tokens[0].text[:1].isupper()
        and any(t.pos_ == "PROPN" or t.ent_type_ or t.is_upper for t in tokens)
    )


def _titled(span: Span) -> bool:
    """A heading that names no one: a label headed by a common noun ("Editor's note",
    "CLARIFICATION") or a section title holding a function word ("Success on the Main
    Issue", "A lesson from Lee")."""
    return span.root.pos_ == "NOUN" or any(
        t.pos_ in ("ADP", "DET") or t.tag_ == "POS" for t in span if not t.is_punct
    )


def _nearest_cue(
    start: int,
    end: int,
    sentences: Iterable[object],
    vocabulary: CueVocabulary,
    index: QuoteIndex,
    paragraphs: Paragraphs,
) -> tuple[Token, Token] | None:
    best: tuple[int, Token, Token] | None = None
    for sentence in sentences:
        for token in sentence:  # type: ignore[attr-defined]
            if index.inside(token.idx) or start <= token.i <= end:
                continue
            if token.pos_ not in ("VERB", "AUX") or match_cue(vocabulary, token) is None:
                continue
            if token.i > end and subordinate(token):
                continue  # '"…," after the towns announced a deal': not its words
            source = subject(token, paragraphs)
            if source is None or not paragraphs.same(token, token.doc[start]):
                continue
            distance = min(abs(token.i - start), abs(token.i - end))
            if best is None or distance < best[0]:
                best = (distance, token, source)
    return None if best is None else (best[1], best[2])


def _starts_sentence(doc: Doc, quote: Quote, sentence: object) -> bool:
    start_char: int = sentence.start_char  # type: ignore[attr-defined]
    return not text_of(doc)[start_char : quote.start].strip()


def _only_space_between(text: str, start: int, end: int) -> bool:
    return 0 <= start <= end and not text[start:end].strip()


def _sentence_end(doc: Doc, offset: int) -> int:
    span = doc.char_span(max(0, offset - 1), offset, alignment_mode="expand")
    if span is None or len(span) == 0:
        return offset
    end: int = span[0].sent.end_char
    return max(end, offset)


def char_range(doc: Doc, item: Found) -> tuple[int, int]:
    if item.chars is not None:
        return item.chars
    tokens = sorted(item.content)
    while tokens and _loose_punct(doc[tokens[0]]):
        tokens.pop(0)
    while tokens and _loose_punct(doc[tokens[-1]]):
        tokens.pop()
    if not tokens:
        return (0, 0)
    first, last = doc[tokens[0]], doc[tokens[-1]]
    return first.idx, last.idx + len(last)


def _loose_punct(token: Token) -> bool:
    """Punctuation (not a quote mark) or a conjunction left at a content's edge."""
    return (token.is_punct and not token.is_quote) or token.dep_ == "cc" or token.is_space

"""Statements: who said what, from quotation marks and the dependency parse.

The cue vocabulary is data (`data/speech_cues.csv`, loaded into `Knowledge.speech`); the rules
are general and read only the parse, the quotation marks and the paragraph breaks. They live in
three modules, run in this order by `find_statements`:

1. `nlp.cues`: a speech word and its parse. A verb's source is its subject, climbing from a
   subjectless verb to the clause it continues ("adding that", "but vowed to", "by saying"); the
   object of an object-control verb ("urged Seoul to respond"); the agent of a passive ("it was
   said by"); the noun a "saying" participle hangs on ("a statement saying"). A relative pronoun
   is kept as the source as written ("the minister, who says…") and its antecedent is the
   speaker. A verb's content is its clausal complement (ccomp, else xcomp, with the object
   before an infinitive: "urged the envoy to return"); the clause its particle marks ("called
   for the wage to be raised"); the object of its particle ("called for talks"); its direct
   object with what follows it ("described the plan as…", "blamed the envoy for…") unless the
   vocabulary says the object is the addressee ("told reporters") or says nothing ("found a
   job"); the passive subject when an agent is named; the clause around an inserted or tacked-on
   cue ("The transition, he said, is…", "…, she said."); the quotation just before or after the
   attribution; what follows a colon, in the next paragraph when the cue's paragraph ends with
   one ("The agency reports:"); the topic of "commented on". "according to X": X is the
   source, the clause it modifies (on its longer side) the content. A cue noun with an owner
   and a that-clause ("the minister's claim that…") and a cue adjective after a copula ("is
   confident that…", "was critical of…") are statements too. A cue without both a source and a
   content is not a statement; neither is an infinitive of purpose ("funds to promote local
   films").
2. `nlp.quotes` pairs quotation marks paragraph by paragraph; odd marks only cost the quotation,
   never the sentence's own attribution. `nlp.attribution` drops a cue inside another
   statement's content unless it continues the same speaker, keeps a stance inside a source as
   part of who the source is, gives quotations no cue covered to a dash signature, the nearest
   cue of their sentence or the direct statement just before, and reads "Name: …" headings.
3. Here, each attribution becomes a Statement. Content is a single span, kept within the cue's
   paragraph. It is `direct` when it is all one quotation (the span is then what is inside the
   marks), `mixed` when it contains quoted words, `indirect` otherwise.

The speaker is the actor of a mention overlapping the source's head token (a name, "the UN
leader", "he", "his office"); with none, or with several different ones (unless exactly one is
a person), `speaker` is None and the source text stays in `speaker_text`. `date` is left None:
the pipeline dates statements.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Token

from peninsula.knowledge import Knowledge
from peninsula.nlp.attribution import asides, char_range, from_quotes, headed, nest
from peninsula.nlp.cues import Found, find_cues, source_bounds
from peninsula.nlp.quotes import Paragraphs, Quote, QuoteIndex, find_quotes
from peninsula.records import Mention, Span, Statement, StatementKind

__all__ = ["find_quotes", "find_statements"]

_RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom"})
_EDGE_PUNCT = " \t\n,;:—–-"


def find_statements(
    doc: Doc,
    document_id: str,
    mentions: Sequence[Mention],
    knowledge: Knowledge,
) -> list[Statement]:
    """Every statement in `doc`, in text order. `mentions` resolve speakers; `knowledge` gives
    the cue vocabulary and tells a person from a group when several mentions cover a source."""
    if not doc.has_annotation("DEP") or not doc.text.strip():
        return []
    vocabulary = knowledge.speech
    quotes = find_quotes(doc.text)
    inner = QuoteIndex(quotes)
    paragraphs = Paragraphs(doc.text, inner)
    found = find_cues(doc, vocabulary, inner, paragraphs, knowledge.speakers)
    found = asides(nest(found))
    headings = headed(doc, paragraphs)
    found += from_quotes(doc, quotes, [*headings, *found], vocabulary, inner, paragraphs)
    found += headings
    cue_tokens = frozenset(f.cue_token.i for f in found if f.cue_token is not None)
    statements: dict[tuple[int, int], Statement] = {}
    for item in found:
        statement = _statement(doc, document_id, item, quotes, mentions, knowledge, cue_tokens)
        if statement is not None:
            statements.setdefault((statement.content.start, statement.content.end), statement)
    return sorted(statements.values(), key=lambda s: (s.content.start, s.content.end))


def _statement(
    doc: Doc,
    document_id: str,
    item: Found,
    quotes: list[Quote],
    mentions: Sequence[Mention],
    knowledge: Knowledge,
    cue_tokens: frozenset[int],
) -> Statement | None:
    text = doc.text
    start, end = char_range(doc, item)
    start, end = _snap(start, end, quotes)
    start, end = _trim(text, start, end)
    if end <= start or not any(ch.isalnum() for ch in text[start:end]):
        return None
    kind: StatementKind
    whole = next((q for q in quotes if q.inner_start <= start and end <= q.inner_end), None)
    if whole is not None:
        kind = "direct"
    elif any(q.start < end and start < q.end for q in quotes):
        kind = "mixed"
    else:
        kind = "indirect"
    source_span = speaker = speaker_text = None
    if item.source is not None and item.cue_token is not None:
        left, right = item.source_tokens or source_bounds(item.source, item.cue_token, cue_tokens)
        source_doc = doc[left:right]
        source_span = Span(source_doc.start_char, source_doc.end_char)
        speaker_text = source_doc.text
        named = _antecedent(item.source)
        if named is not item.source:
            left, right = source_bounds(named, item.source.head, cue_tokens)
            speaker_text = doc[left:right].text
        speaker = _speaker(named, mentions, knowledge)
    cue_span = cue_text = None
    if item.cue:
        first, last = item.cue[0], item.cue[-1]
        cue_span = Span(first.idx, last.idx + len(last))
        cue_text = text[cue_span.start : cue_span.end]
    return Statement(
        document_id=document_id,
        kind=kind,
        content=Span(start, end),
        text=text[start:end],
        speaker=speaker,
        speaker_text=speaker_text,
        source=source_span,
        cue=cue_text,
        cue_span=cue_span,
    )


def _snap(start: int, end: int, quotes: list[Quote]) -> tuple[int, int]:
    """Content inside one quotation is that quotation; content cutting a quotation takes it
    whole, marks included."""
    for quote in quotes:
        if quote.start <= start and end <= quote.end:
            return quote.inner_start, quote.inner_end
    for quote in quotes:
        if quote.start < end and start < quote.end:
            start, end = min(start, quote.start), max(end, quote.end)
    return start, end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def _antecedent(source: Token) -> Token:
    """ "the mayor, who says…": the source as written is "who", the speaker is the mayor."""
    clause = source.head
    if source.lower_ in _RELATIVE_PRONOUNS and clause.dep_ == "relcl" and clause.head is not clause:
        return clause.head
    return source


def _speaker(head: Token, mentions: Sequence[Mention], knowledge: Knowledge) -> str | None:
    start, end = head.idx, head.idx + len(head)
    ids = list(
        dict.fromkeys(
            m.actor_id for m in mentions if m.actor_id and m.char_start < end and start < m.char_end
        )
    )
    if len(ids) == 1:
        return ids[0]
    people = [i for i in ids if (a := knowledge.actor(i)) is not None and a.kind == "person"]
    return people[0] if len(people) == 1 else None

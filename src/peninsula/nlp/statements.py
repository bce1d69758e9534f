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
a person), `speaker` is None and the source text stays in `speaker_text`. Several actors the
resolver found as one group ("the three ministers") speak through the first. An outlet (a
`carrier` mention) gives way to a person or body named as saying the same words: the object of
its cue ("KCNA quoted the envoy as saying"), of a "citing" beside it, the subject of another
speech verb in the sentence ("..., the envoy said, according to AP"), or the speaker of an
overlapping statement in the paragraph. `date` is left None: the pipeline dates statements.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc, Token

from peninsula.knowledge import Knowledge
from peninsula.nlp.attribution import asides, char_range, from_quotes, headed, nest
from peninsula.nlp.cues import Found, find_cues, source_bounds
from peninsula.nlp.doctext import text_of
from peninsula.nlp.quotes import Paragraphs, Quote, QuoteIndex, find_quotes
from peninsula.records import Mention, Span, Statement, StatementKind

__all__ = ["find_quotes", "find_statements"]

_RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom"})
# Sieves of the entity resolver whose several actors on one span are one group speaking.
_GROUP_METHODS = frozenset({"group", "statement", "pronoun"})
_EDGE_PUNCT = " \t\n,;:—–-"


def find_statements(
    doc: Doc,
    document_id: str,
    mentions: Sequence[Mention],
    knowledge: Knowledge,
) -> list[Statement]:
    """Every statement in `doc`, in text order. `mentions` resolve speakers; `knowledge` gives
    the cue vocabulary and tells a person from a group when several mentions cover a source."""
    if not doc.has_annotation("DEP") or not text_of(doc).strip():
        return []
    vocabulary = knowledge.speech
    quotes = find_quotes(text_of(doc))
    inner = QuoteIndex(quotes)
    paragraphs = Paragraphs(text_of(doc), inner)
    found = find_cues(doc, vocabulary, inner, paragraphs, knowledge.speakers)
    model = knowledge.speakers
    found = asides(nest(found, model.nested_threshold if model is not None else math.inf))
    headings = headed(doc, paragraphs)
    found += from_quotes(doc, quotes, [*headings, *found], vocabulary, inner, paragraphs)
    found += headings
    cue_tokens = frozenset(f.cue_token.i for f in found if f.cue_token is not None)
    statements: dict[tuple[int, int], Statement] = {}
    for item in found:
        statement = _statement(doc, document_id, item, quotes, mentions, knowledge, cue_tokens)
        if statement is None:
            continue
        key = (statement.content.start, statement.content.end)
        if key not in statements or _outranks(statement, statements[key], knowledge):
            statements[key] = statement
    ordered = sorted(statements.values(), key=lambda s: (s.content.start, s.content.end))
    return [_uncarried(s, ordered, text_of(doc), knowledge) for s in ordered]


def _carrier(actor_id: str | None, knowledge: Knowledge) -> bool:
    actor = knowledge.actor(actor_id) if actor_id else None
    return actor is not None and actor.kind == "media"


def _carried(cue: Token, mentions: Sequence[Mention], knowledge: Knowledge) -> str | None:
    """Whose words an outlet carries: the object of its cue or of a "citing"/"quoting" beside
    it ("KCNA quoted the envoy as saying", "state media said, citing the minister"), else the
    subject of another speech verb in the sentence ("'...,' the envoy said, according to AP")."""
    cues = knowledge.speech.by_word
    heads = [cue] + [c for c in cue.children if c.dep_ in ("advcl", "xcomp", "conj")]
    for head in heads:
        if head is not cue and head.lemma_.lower() not in cues:
            continue
        for obj in (c for c in head.children if c.dep_ == "dobj"):
            found = _speaking(obj, mentions, knowledge)
            if found:
                return found
    for verb in cue.sent:
        if verb is cue or verb.pos_ != "VERB" or verb.lemma_.lower() not in cues:
            continue
        for subject in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
            found = _speaking(subject, mentions, knowledge)
            if found:
                return found
    return None


def _speaking(token: Token, mentions: Sequence[Mention], knowledge: Knowledge) -> str | None:
    """The actor named on `token` that can speak for itself: not an outlet."""
    for mention in _covering(token, mentions):
        if mention.actor_id and not _carrier(mention.actor_id, knowledge):
            return mention.actor_id
    return None


def _outranks(new: Statement, old: Statement, knowledge: Knowledge) -> bool:
    """Two attributions of the same words ("Kim said, according to the AP"): the speaker
    wins over the outlet that carries the words, and any speaker over none."""
    if new.speaker is None:
        return False
    return old.speaker is None or (
        _carrier(old.speaker, knowledge) and not _carrier(new.speaker, knowledge)
    )


def _uncarried(
    statement: Statement, statements: Sequence[Statement], text: str, knowledge: Knowledge
) -> Statement:
    """An outlet is not the speaker of words a person or body in the same paragraph is
    named as saying: "the envoy said ..., state media reported" is the envoy's."""
    if not _carrier(statement.speaker, knowledge):
        return statement
    content = statement.content
    paragraph = text.count("\n", 0, content.start)
    for other in statements:
        if other is statement or other.speaker is None or _carrier(other.speaker, knowledge):
            continue
        if text.count("\n", 0, other.content.start) != paragraph:
            continue
        if other.content.start < content.end and content.start < other.content.end:
            return replace(statement, speaker=other.speaker)
    return statement


def _statement(
    doc: Doc,
    document_id: str,
    item: Found,
    quotes: list[Quote],
    mentions: Sequence[Mention],
    knowledge: Knowledge,
    cue_tokens: frozenset[int],
) -> Statement | None:
    text = text_of(doc)
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
        if _carrier(speaker, knowledge):
            speaker = _carried(item.cue_token, mentions, knowledge) or speaker
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
    """The actor of the mentions on the source's head token, else on its apposition ("the
    vice minister, Kim Su-ji,"). Several actors on one span that the resolver found as a
    group ("the three ministers", "It" for their joint statement): its first member speaks
    for all. Otherwise several actors are no one, unless exactly one is a person."""
    found = _covering(head, mentions)
    for child in head.children if not found else ():
        if child.dep_ == "appos":
            found = found or _covering(child, mentions)
    ids = list(dict.fromkeys(m.actor_id for m in found if m.actor_id))
    if len(ids) == 1:
        return ids[0]
    spans = {(m.char_start, m.char_end) for m in found}
    if ids and len(spans) == 1 and all(m.method in _GROUP_METHODS for m in found):
        return ids[0]
    people = [i for i in ids if (a := knowledge.actor(i)) is None or a.kind == "person"]
    return people[0] if len(people) == 1 else None


def _covering(token: Token, mentions: Sequence[Mention]) -> list[Mention]:
    start, end = token.idx, token.idx + len(token)
    return [m for m in mentions if m.actor_id and m.char_start < end and start < m.char_end]

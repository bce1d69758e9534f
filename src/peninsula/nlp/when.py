"""When a statement was made and when an event happened, from the clause that reports it.

An event takes the time expression of its own clause ("signed the treaty on Sept. 19, 2018"),
else that of a clause it is part of ("On Monday, officials said the North fired ..."), never one
from a clause beside it that dates another happening ("met last June and will meet again in
March"). Bounds and points of comparison ("since 1992", "by 2027", "up from March") date
nothing, nor does a date that names a thing ("the 1910-45 colonial rule", "the Sept. 19 accord")
unless that thing is the event itself. "Last week" gives the ISO week (`2025-W43`). A clock time
that names no day ("at around 10:44 p.m.") is on the day the story tells of (the lead's day,
below), not on the publication day it was resolved against.

Without a time expression, aspect, tense and modality decide (the TimeML reading of news): the
perfect ("has sent", "had agreed") places a happening before a time without naming it, so it is
undated; a past happening is dated by the day the article's lead tells of (wire stories open with
"said on Monday" and go on without repeating it), else left undated; a possibility or a denial
is undated; a pledge is dated when it was stated (its statement's date); what is current is dated
by the publication date. A statement is dated by its reporting clause, never by a date inside
what was said, else by the lead's day, else by the publication date. The publication date stays
on the document for anyone who wants "reported on" for an undated record.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property

from spacy.tokens import Doc, Token

from peninsula.knowledge.time_words import TimeWords
from peninsula.nlp.calendar import PAST
from peninsula.nlp.doctext import text_of
from peninsula.nlp.timex_context import verb_tense
from peninsula.records import Event, PartialDate, Precision, Statement, Timex

Dated = tuple[str | None, Precision | None]
UNDATED: Dated = (None, None)

# Dependencies that open a clause of their own under a verb; an infinitive complement ("agreed
# to meet on Friday") stays in the clause of the verb it completes.
_CLAUSE_DEPS = frozenset(
    {"ROOT", "ccomp", "advcl", "relcl", "acl", "conj", "csubj", "csubjpass", "parataxis", "pcomp"}
)
# How a date names a thing rather than dating a clause: "the 2018 summit", "1910-45 rule".
_NAMING_DEPS = frozenset({"compound", "amod", "nmod", "nummod", "poss", "npadvmod"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_PERFECT = frozenset({"has", "have", "had", "'s", "'ve", "'d"})
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_LEAD_SENTENCES = 5  # the lead: the first sentences of the body
_LEAD_DAYS = 7  # a lead's day is at most this long before publication


@dataclass(frozen=True, slots=True)
class _Candidate:
    timex: Timex
    value: str
    precision: Precision | None
    root: int  # token index of the expression's syntactic root
    clock: bool = False  # a time of day naming no day ("at 10:44 p.m."): the story's day


class Dater:
    """The dates one parsed document gives its statements and events."""

    def __init__(
        self, doc: Doc, timexes: Sequence[Timex], published: Dated, words: TimeWords
    ) -> None:
        self.doc = doc
        self.published = published
        self.words = words
        self.candidates = [c for t in timexes if (c := self._candidate(t)) is not None]

    # --- statements and events -----------------------------------------------------------------

    def statement(self, statement: Statement) -> Statement:
        """Dated by its reporting clause, else by the day the lead names (a wire story's "said on
        Monday" carries on to its later quotes), else by the publication date."""
        at = statement.cue_span.start if statement.cue_span else statement.content.start
        token = self._token_at(at)
        found = self.clause_date(token) if token is not None else None
        if found is not None and _contains(found[0], self.published[0]):
            # "this year" under a 2026-01-01 dateline: the statement was made on the day published.
            found = self.published
        if found is None:
            found = self.lead if self.lead[0] is not None else self.published
        return replace(statement, date=found[0], date_precision=found[1])

    def event(self, event: Event, statements: Sequence[Statement]) -> Event:
        said_in = next((s for s in statements if _within(event.trigger_start, s)), None)
        value, precision = self._event_date(event, said_in)
        return replace(
            event,
            date=value,
            date_precision=precision,
            statement_id=said_in.id if said_in else None,
            reported_by=event.reported_by or (said_in.speaker if said_in else None),
        )

    def _event_date(self, event: Event, said_in: Statement | None) -> Dated:
        token = self._token_at(event.trigger_start)
        if token is None:
            return self.published
        found = self.clause_date(token)
        if found is not None:
            return found
        if event.modality in ("hypothetical", "negated"):
            return UNDATED
        if event.modality == "pledged":
            if said_in is not None and said_in.date is not None:
                return said_in.date, said_in.date_precision
            return self.published
        if _perfect(_clause_of(token)):
            return UNDATED  # "has sent", "had agreed": some time before, no day given
        if self._past(token):
            return self.lead
        return self.published

    # --- the clause's date ---------------------------------------------------------------------

    def clause_date(self, token: Token) -> Dated | None:
        """The date of the time expression in `token`'s clause, else in the nearest clause that
        contains it; None when none applies. A date inside quotation marks dates only what is
        said in that quotation: a statement is dated by its reporting clause, not by the dates
        inside what was said."""
        sentence = token.sent
        quote = _quotation(sentence.text, token.idx - sentence.start_char)
        candidates = [
            c
            for c in self.candidates
            if sentence.start_char <= c.timex.char_start < sentence.end_char
            and _quotation(sentence.text, c.timex.char_start - sentence.start_char) in (None, quote)
        ]
        if not candidates:
            return None
        doc = self.doc
        # "the day when they signed": a date the trigger's clause describes dates it.
        modified = _clause_of(token).head.i
        described = [c for c in candidates if c.root == modified]
        if described:
            return self._nearest(described, token)
        usable = [c for c in candidates if not self._bounding(c) and not self._naming(c, token)]
        for head in _clause_chain(token):
            own = [c for c in usable if _clause_of(doc[c.root]).i == head.i]
            if own:
                return self._nearest(own, token)
            # "agreed while visiting Seoul on May 3": a clause at the same time dates it too.
            alongside = {c.i for c in head.children if self._simultaneous(c)}
            beside = [c for c in usable if _clause_of(doc[c.root]).i in alongside]
            if beside:
                return self._nearest(beside, token)
        return None

    def _simultaneous(self, clause: Token) -> bool:
        """An adverbial clause opened by "when", "while" or "as"."""
        return clause.dep_ == "advcl" and any(
            c.dep_ in ("mark", "advmod") and c.lower_ in self.words.simultaneity_words
            for c in clause.children
        )

    def _nearest(self, found: Sequence[_Candidate], token: Token) -> Dated:
        best = min(found, key=lambda c: abs(c.timex.char_start - token.idx))
        if best.clock and self.lead[0] is not None:
            return self.lead  # "fired at around 10:44 p.m." on the day the lead names
        return best.value, best.precision

    def _bounding(self, c: _Candidate) -> bool:
        """ "since 1992", "by 2027", "compared with March": a bound, not the time of a clause."""
        before = self._text[max(0, c.timex.char_start - 20) : c.timex.char_start].lower()
        words = re.findall(r"[\w'’]+", before)
        return any(
            " ".join(words[-n:]) in self.words.bounding_words for n in (1, 2) if len(words) >= n
        )

    def _naming(self, c: _Candidate, trigger: Token) -> bool:
        """ "the 2018 summit": the date names a thing, and dates only that thing."""
        root = self.doc[c.root]
        return (
            root.dep_ in _NAMING_DEPS
            and root.head.pos_ in ("NOUN", "PROPN")
            and root.head.i != trigger.i
        )

    def _past(self, token: Token) -> bool:
        head = _clause_of(token)
        while head.tag_ == "VBG" and not _auxiliaries(head) and head.head.i != head.i:
            head = _clause_of(head.head)  # "responded by hailing": the tense of "responded"
        return verb_tense(head, self.words) == PAST

    @cached_property
    def _text(self) -> str:
        return text_of(self.doc)

    # --- the lead's day ------------------------------------------------------------------------

    @cached_property
    def lead(self) -> Dated:
        """The first day the lead names for something past ("said on Monday"), within a week
        before publication; else undated."""
        published = PartialDate.parse(self.published[0])
        if published is None or published.precision != "day":
            return UNDATED
        last = published.first_day()
        # Sentences with a subject: a byline, a stamp or a menu line is not part of the lead.
        sentences = [s for s in self.doc.sents if any(t.dep_ in _SUBJECTS for t in s)]
        sentences = sentences[:_LEAD_SENTENCES]
        if not sentences:
            return UNDATED
        end = sentences[-1].end_char
        days = [
            c
            for c in self.candidates
            if c.timex.char_start < end
            and c.precision == "day"
            and not c.clock
            and not self._bounding(c)
            and last - timedelta(days=_LEAD_DAYS) <= date.fromisoformat(c.value) <= last
        ]
        # A day told of in the past tense first ("said on Monday"), before a caption's "pose for
        # a photo on May 3".
        past = [c for c in days if verb_tense(_clause_of(self.doc[c.root]), self.words) == PAST]
        first = (past or days)[:1]
        return (first[0].value, first[0].precision) if first else UNDATED

    # --- helpers -------------------------------------------------------------------------------

    def _candidate(self, timex: Timex) -> _Candidate | None:
        if timex.type not in ("DATE", "TIME"):
            return None
        dated = _calendar_value(timex.value)
        if dated is None:
            return None
        span = self.doc.char_span(timex.char_start, timex.char_end, alignment_mode="expand")
        if span is None or not len(span):
            return None
        return _Candidate(timex, dated[0], dated[1], span.root.i, self._clock(timex))

    def _clock(self, timex: Timex) -> bool:
        """A time of day that names no day: no month, weekday, day word or relative word."""
        if timex.type != "TIME":
            return False
        words = self.words
        named = (
            words.months.keys()
            | words.month_abbreviations.keys()
            | words.weekdays.keys()
            | words.weekday_abbreviations.keys()
            | words.relative_words.keys()
            | {w for phrase in words.day_words for w in phrase.split()}
        )
        text = timex.text.lower()
        return not any(
            w in named or w.strip(".") in named for w in re.findall(r"[a-z.]+", text)
        ) and not (re.search(r"\d{1,2}[/-]\d{1,2}|\d{4}-\d{2}", text))

    def _token_at(self, char: int) -> Token | None:
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None


def _calendar_value(value: str) -> tuple[str, Precision | None] | None:
    """The date a TIMEX3 value names: "2025", "2025-08", "2026-01-21" (a time keeps its day), or
    an ISO week "2025-W43" (precision None). Durations, sets, seasons and references like
    PRESENT_REF do not date a happening."""
    if _WEEK.match(value):
        return value, None
    head = value[:10]
    found = PartialDate.parse(head)
    if found is None or found.iso != head:
        return None
    return found.iso, found.precision


def _is_clause_head(token: Token) -> bool:
    if token.dep_ == "ROOT" or token.head.i == token.i:
        return True
    verbal = token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB")
    if token.dep_ == "acl" and any(c.tag_ == "TO" for c in token.children):
        return False  # "expressed willingness to talk on Monday": one clause, as "agreed to talk"
    return verbal and token.dep_ in _CLAUSE_DEPS


def _clause_of(token: Token) -> Token:
    """The head of the clause `token` is in (a verb, or the sentence's root)."""
    while not _is_clause_head(token):
        token = token.head
    return token


def _clause_chain(token: Token) -> list[Token]:
    """The heads of `token`'s clause and of every clause containing it, innermost first."""
    chain = [_clause_of(token)]
    while chain[-1].head.i != chain[-1].i:
        chain.append(_clause_of(chain[-1].head))
    return chain


def _quotation(text: str, offset: int) -> int | None:
    """The offset of the quotation mark opening the quotation that `offset` is in, or None."""
    opened: int | None = None
    for i, char in enumerate(text[:offset]):
        if char == "“" or (char == '"' and opened is None):
            opened = i
        elif char == "”" or char == '"':
            opened = None
    return opened


def _perfect(verb: Token) -> bool:
    """ "has sent", "had been agreed": the perfect, which places a happening before a time
    without naming when."""
    return verb.tag_ == "VBN" and bool(_auxiliaries(verb) & _PERFECT)


def _auxiliaries(verb: Token) -> set[str]:
    return {c.lower_.replace("’", "'") for c in verb.children if c.dep_ in ("aux", "auxpass")}


def _contains(coarse: str | None, fine: str | None) -> bool:
    return bool(coarse and fine and len(fine) > len(coarse) and fine.startswith(coarse))


def _within(char: int, statement: Statement) -> bool:
    if statement.content.start <= char < statement.content.end:
        return True
    cue = statement.cue_span
    return cue is not None and cue.start <= char < cue.end

"""What a time-expression rule sees: the text, its anchor, its optional parse, the tense that
governs a stretch of it, and the value a rule returns.

Tense decides the direction of an ambiguous expression (a weekday, a month without a year): the
spaCy parse when one is given, otherwise the nearest tense cue word in the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from spacy.tokens import Doc, Token

from peninsula.knowledge.time_words import TimeWords
from peninsula.nlp.calendar import FUTURE, PAST, PRESENT, day_of
from peninsula.records import PartialDate, TimexType


@dataclass(frozen=True, slots=True)
class Value:
    """What a rule found: a TIMEX3 type, value and mod, before extents are settled."""

    type: TimexType
    value: str
    mod: str | None = None
    anchored: bool = False
    shift: tuple[str, int] | None = None  # "the next day": (unit, count) from the last date
    needs_day: bool = False  # "10 a.m.": the day comes from a neighbour or the anchor


# A span that yields no time expression but wins over the rules inside it: an age ("a 20-year-old")
# or an impossible date ("February 31, 2025", which must not become "February" and "2025").
BLOCK = Value("DATE", "")


class Context:
    """The text, its anchor, its optional parse, and the tenses found so far."""

    def __init__(
        self, text: str, anchor: PartialDate | None, doc: Doc | None, words: TimeWords
    ) -> None:
        self.text = text
        self.anchor = anchor
        self.doc = doc
        self.words = words
        self._tenses: dict[tuple[int, int], int] = {}
        self._bounds: list[int] | None = None

    @property
    def year(self) -> int | None:
        """The anchor's year, when there is an anchor."""
        return self.anchor.year if self.anchor is not None else None

    @property
    def month(self) -> int | None:
        return self.anchor.month if self.anchor is not None else None

    @property
    def day(self) -> date | None:
        """The anchor's day, when it is known to the day."""
        return day_of(self.anchor)

    def word_before(self, start: int, count: int = 1) -> str:
        """The `count` words before `start`, lower case ("" at the start of the text)."""
        found = re.findall(r"[\w'’-]+|[^\w\s]", self.text[max(0, start - 60) : start])
        return " ".join(found[-count:]).lower()

    def after(self, end: int, length: int = 40) -> str:
        return self.text[end : end + length]

    def sentence(self, position: int) -> tuple[int, int]:
        bounds = self._sentence_bounds()
        start = max((b for b in bounds if b <= position), default=0)
        end = min((b for b in bounds if b > position), default=len(self.text))
        return start, end

    def _sentence_bounds(self) -> list[int]:
        if self._bounds is None:
            if self.doc is not None and self.doc.has_annotation("SENT_START"):
                self._bounds = [s.start_char for s in self.doc.sents]
            else:
                # A full stop before a capital, or a line break; "Sept. 19" does not split.
                self._bounds = [0] + [
                    m.end() for m in re.finditer(r"[.!?][\"'”’]?\s+(?=[\"“A-Z])|\n+", self.text)
                ]
        return self._bounds

    def tense(self, start: int, end: int) -> int:
        key = (start, end)
        if key not in self._tenses:
            parsed = self._parsed_tense(start, end) if self.doc is not None else None
            self._tenses[key] = parsed if parsed is not None else self._cue_tense(start, end)
        return self._tenses[key]

    def _parsed_tense(self, start: int, end: int) -> int | None:
        assert self.doc is not None
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        path = _path_to_verb(span.root)
        if not path:
            return None
        verb = path[-1]
        tense = verb_tense(verb, self.words)
        until = any(t.lower_ in self.words.future_prepositions for t in path)
        perfect = any(c.lower_ in ("has", "have", "'ve") for c in verb.children)
        if until and (perfect or tense != PAST):
            return FUTURE  # "has been delayed until Tuesday"; not "was held until Tuesday"
        return tense

    def _cue_tense(self, start: int, end: int) -> int:
        """The tense of the nearest cue word in the sentence; present when there is none."""
        s_start, s_end = self.sentence(start)
        best: tuple[int, int] | None = None
        previous = ""
        for found in re.finditer(r"[\w'’]+(?:\s+to)?", self.text[s_start:s_end]):
            word = found.group().lower().replace("’", "'")
            tense = self._cue(word, previous)
            previous = word.split()[0]
            where = s_start + found.start()
            if tense is None or start <= where < end:
                continue
            distance = start - where if where < start else where - end
            if best is None or distance < best[0]:
                best = (distance, tense)
        return best[1] if best else PRESENT

    def _cue(self, word: str, previous: str) -> int | None:
        first = word.split()[0]
        if word in self.words.future_cues or first in self.words.future_cues:
            return FUTURE
        if first in self.words.present_cues:
            return PRESENT  # "may", "can": possible, so the nearest occurrence
        if first in self.words.past_cues:
            return PAST
        if _regular_past(first) and previous not in self.words.passive_auxiliaries:
            return PAST  # "signed", but not "may be signed"
        return None


Normaliser: TypeAlias = Callable[[re.Match[str], Context], Value | None]


def _regular_past(word: str) -> bool:
    """ "pledged", "signed": a regular past form (not "need", "speed", "red")."""
    return len(word) > 4 and word.endswith("ed") and not word.endswith("eed")


def _path_to_verb(token: Token) -> list[Token]:
    """The tokens from `token` up to the verb that governs it (empty when there is none)."""
    path = [token]
    for _ in range(8):
        if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
            return path
        if token.head is token:
            return []
        token = token.head
        path.append(token)
    return []


def verb_tense(verb: Token, words: TimeWords) -> int | None:
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    auxiliaries = {a.lower_.replace("’", "'") for a in aux}
    if verb.dep_ == "conj" and not aux and verb.head.pos_ in ("VERB", "AUX"):
        return verb_tense(verb.head, words)  # "will begin Monday and run through March 19"
    if auxiliaries & words.future_auxiliaries:
        return FUTURE
    if any(a.tag_ == "TO" for a in aux):  # "to run", "to be opened"
        # An infinitive is still to come after a noun ("the program to run through June") or
        # a verb of planning; otherwise it shares the tense of the verb it complements.
        head = verb.head
        if head.i == verb.i:  # spaCy builds a new Token each time: compare positions
            return FUTURE  # headline style: "Ministers to meet again on Friday"
        if head.lemma_.lower() in words.future_verbs:
            return FUTURE
        if head.pos_ in ("NOUN", "PROPN", "ADJ"):
            # "expressed willingness to talk on Monday": a wish stated in the past may be
            # about either side of it, so the nearest; "plans to meet on Monday": to come.
            governing = _path_to_verb(head.head) if head.head.i != head.i else []
            past = bool(governing) and verb_tense(governing[-1], words) == PAST
            return PRESENT if past else FUTURE
        # After any other verb it is later than that verb's event, not necessarily past.
        return FUTURE if verb_tense(head, words) == FUTURE else PRESENT
    perfect = auxiliaries & {"have", "has", "'ve"} and verb.tag_ == "VBN"
    if any(a.tag_ == "VBD" for a in aux) or perfect:
        return PAST  # "was held", "has met", "could have met"
    if any(a.tag_ in ("MD", "VBZ", "VBP") for a in aux):
        return PRESENT  # "may hold", "would visit", "is commemorated": nearest either way
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and not aux):
        return PAST
    if verb.tag_ in ("VBZ", "VBP", "VBG", "VB", "MD"):
        return PRESENT
    return None


# Helpers the rules share.


def mod_of(m: re.Match[str], group: str, table: Mapping[str, str]) -> str | None:
    word = m.groupdict().get(group)
    if not word:
        return None
    key = " ".join(word.lower().replace("’", "'").split())
    return table.get(key) or None


def dmod(m: re.Match[str], ctx: Context) -> str | None:
    """The mod a date modifier sets ("late December" -> END)."""
    return mod_of(m, "dmod", ctx.words.date_modifiers)


def qmod(m: re.Match[str], ctx: Context) -> str | None:
    """The mod a quantity modifier sets ("almost three years" -> LESS_THAN)."""
    return mod_of(m, "qmod", ctx.words.quantity_modifiers)


def month_number(word: str, words: TimeWords) -> int:
    found = words.month_number(word)
    assert found is not None, word  # the patterns only match listed names
    return found


def day_number(word: str) -> int:
    return int(re.sub(r"\D", "", word))


def unit_code(word: str, words: TimeWords) -> str:
    return words.units[word.lower()]


def cued(ctx: Context, start: int) -> bool:
    """Is the word before a cue that makes a bare month or season a date ("in August")?"""
    return ctx.word_before(start) in ctx.words.date_cues


def after_name(ctx: Context, m: re.Match[str]) -> bool:
    """Does the match follow a capitalised word in the same sentence ("USA Today")?"""
    before = ctx.text[max(0, m.start() - 30) : m.start()]
    return re.search(r"[A-Z][\w.]*\s+$", before) is not None and not re.search(
        r"[.!?:\"“]\s*$", before
    )

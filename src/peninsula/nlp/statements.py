"""Statements: who said what, from quotation marks and the dependency parse.

The cue vocabulary is data (`data/speech_cues.csv`: lemma, kind, object, note); the rules
below are general and read only the parse, the quotation marks and the paragraph breaks.

1. Cues. A token outside quotation marks whose lemma (with its particle: "call on", "point
   out", "according to") is in the vocabulary is a candidate cue.
   - A verb's source is its subject, climbing from a subjectless verb to the clause it
     continues ("adding that", "but vowed to", "by saying"); the object of an object-control
     verb ("urged Seoul to respond"); the agent of a passive ("it was said by"); the noun a
     "saying" participle hangs on ("a statement saying"). A relative pronoun is kept as the
     source as written ("Trump, who says…") and its antecedent is the speaker.
   - A verb's content is its clausal complement (ccomp, else xcomp, with the object before an
     infinitive: "urged the mogul to release"); the clause its particle marks ("called for the
     wage to be raised"); the object of its particle ("called for talks"); its direct object
     with what follows it ("described it as…", "criticized him for…") unless the vocabulary
     says the object is the addressee ("told reporters") or says nothing ("found a job"); the
     passive subject when an agent is named; the clause around an inserted or tacked-on cue
     ("The transition, he said, is…", "…, she said."); the quotation just before or after the
     attribution; what follows a colon, in the next paragraph when the cue's paragraph ends
     with one ("The Times reports:"); the topic of "commented on".
   - "according to X": X is the source, the clause it modifies (on its longer side) the content.
   - A cue noun with an owner and a that-clause ("Trump's claim that…"), and a cue adjective
     after a copula ("is confident that…", "was critical of…") are statements too.
   - A cue without both a source and a content is not a statement; neither is an infinitive of
     purpose ("investment to promote Korean content").
2. Quotations. Quote marks (straight, curly, `` '', and single marks outside double ones) are
   paired paragraph by paragraph; a quotation left open at a paragraph's end runs to it (the
   news convention for quotes over several paragraphs), a stray mark is skipped, so odd marks
   only cost the quotation, never the sentence's own attribution. A quotation no cue covers is
   signed ('"…" ― Esther Tapia'), else takes the nearest cue of its own sentence, else, when it
   starts a sentence right after a direct statement, continues it with the same source and
   cue ('"…," he said. "…"').
3. Headings. A paragraph headed by a name and a colon is that name's ("Lee: Peace is growth",
   "KIM: We are ready.").

Content is a single span, kept within the cue's paragraph. It is `direct` when it is all one
quotation (the span is then what is inside the marks), `mixed` when it contains quoted words,
`indirect` otherwise. A cue inside another statement's content is dropped (the inner words are
the outer speaker's report) unless it continues the same speaker ("said…, adding that…"): then
it ends the outer content. A stance inside another statement's source ("Udall, who supports
eliminating superdelegates, said…") is part of who the source is.

The speaker is the actor of a mention overlapping the source's head token (a name, "the UN
leader", "he", "his office"); with none, or with several different ones (unless exactly one is
a person), `speaker` is None and the source text stays in `speaker_text`. `date` is left None:
the pipeline dates statements.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.tokens import Doc, Token

from peninsula.errors import DataFileError
from peninsula.knowledge import Knowledge, data_path, read_rows
from peninsula.records import Mention, Span, Statement, StatementKind

CUE_KINDS = frozenset(
    {
        "say",
        "assert",
        "report",
        "pledge",
        "urge",
        "warn",
        "describe",
        "predict",
        "evaluate",
        "belief",
        "evidence",
        "intention",
        "stance",
    }
)
# What a cue's direct object is: what was said ("announced a plan"), who was spoken to ("told
# reporters"), what was said only with a predicate after it ("called it a 'pacemaker'"), or
# nothing said ("maintained the budget", "found a job": only a clause or quotation counts).
CUE_OBJECTS = frozenset({"content", "addressee", "predicate", "none"})
_SUBJECTS = frozenset({"nsubj", "csubj"})
_PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
_RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom"})
# A cue without a subject shares the subject of the clause it continues.
_CONTINUING = frozenset({"advcl", "conj", "xcomp"})
_PARTICLE_DEPS = frozenset({"prep", "prt", "agent"})
_EDGE_PUNCT = " \t\n,;:—–-"
_BETWEEN_QUOTE_AND_CUE = " \t,;:—–-"
_MAX_CLIMB = 4
# '"…" ― Esther Tapia' at a paragraph's end; "Lee: '…'" at its start.
_DASH_SIGNATURE = re.compile(r"[ \t]*([―—–]|--?)[ \t]*([^\W\d][^\n.!?\"“”]{0,60}?)[ \t.]*(?=\n|$)")
_COLON_HEADING = re.compile(r"[ \t]*([^\W\d][^\n:\"“”]{0,60}?)[ \t]*(:)[ \t]*(?=\S)")
_TOPIC_PREPOSITIONS = frozenset({"about", "on", "of"})
# "described it as…", "criticized him for…", "accused him of…": part of what was said
_OBJECT_PREPOSITIONS = frozenset({"as", "for", "of", "over", "about", "with"})
_SOURCE_BREAKS = frozenset({"-", "--", "—", "–", ":"})

_DOUBLE_MARK = re.compile(r"``|''|[\"“”„«»]")
_SINGLE_MARK = re.compile(r"[‘’']")
_OPENING = frozenset({"“", "„", "«", "``", "‘"})
_CLOSING = frozenset({"”", "»", "’"})
_NOT_BEFORE_OPENING = frozenset(".,;!?%")


# --- cue vocabulary ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cue:
    """One vocabulary entry: a lemma and the particles it takes ("call", "on"), and its kind."""

    words: tuple[str, ...]
    kind: str
    object: str = "content"


@dataclass(frozen=True, slots=True)
class CueVocabulary:
    by_word: Mapping[str, tuple[Cue, ...]]  # first word → entries, most words first

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_word.values())

    def match(self, token: Token) -> tuple[Cue, list[Token]] | None:
        """The longest entry `token` heads, with the particle tokens it took."""
        entries = next((self.by_word[f] for f in _forms(token) if f in self.by_word), ())
        for entry in entries:
            particles: list[Token] = []
            for word in entry.words[1:]:
                found = next(
                    (c for c in token.children if c.lower_ == word and c.dep_ in _PARTICLE_DEPS),
                    None,
                ) or next(  # "called for the wage to be raised": "for" marks the clause
                    (
                        m
                        for c in token.children
                        if c.dep_ == "advcl" and c.i > token.i
                        for m in c.children
                        if m.dep_ == "mark" and m.lower_ == word and m.i == token.i + 1
                    ),
                    None,
                )
                if found is None:
                    break
                particles.append(found)
            else:
                return entry, particles
        return None


def _forms(token: Token) -> Iterator[str]:
    """The lemma, then the word, then the word without an inflection: the small model
    lemmatises some verbs wrongly ("hopes" → "hop")."""
    yield token.lemma_.lower()
    word = token.lower_
    yield word
    if token.pos_ in ("VERB", "AUX"):
        for suffix, replacement in (("ing", "e"), ("ed", "e"), ("es", "e"), ("s", "")):
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                yield word[: -len(suffix)] + replacement


def load_cues(path: Path) -> CueVocabulary:
    """The cue vocabulary in `path` (columns lemma, kind, object, note), checked line by
    line."""
    seen: dict[str, int] = {}
    entries: dict[str, list[Cue]] = {}
    for line, row in read_rows(path, ("lemma", "kind", "object")):
        lemma = " ".join(row["lemma"].split())
        if not re.fullmatch(r"[a-z]+(?:[ -][a-z]+)*", lemma):
            raise DataFileError(path, line, f"lemma {lemma!r} must be lower-case words")
        if row["kind"] not in CUE_KINDS:
            raise DataFileError(path, line, f"kind {row['kind']!r} not one of {sorted(CUE_KINDS)}")
        if row["object"] not in CUE_OBJECTS:
            raise DataFileError(
                path, line, f"object {row['object']!r} not one of {sorted(CUE_OBJECTS)}"
            )
        if lemma in seen:
            raise DataFileError(path, line, f"duplicate lemma {lemma!r} (line {seen[lemma]})")
        seen[lemma] = line
        words = tuple(lemma.split())
        entries.setdefault(words[0], []).append(Cue(words, row["kind"], row["object"]))
    if not entries:
        raise DataFileError(path, None, "no cues")
    return CueVocabulary(
        {k: tuple(sorted(v, key=lambda c: -len(c.words))) for k, v in entries.items()}
    )


@cache
def default_cues() -> CueVocabulary:
    return load_cues(data_path("speech_cues.csv"))


# --- quotations --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: `start`/`end` include the marks, `inner_*` is what they enclose."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool


def find_quotes(text: str) -> list[Quote]:
    """Paired quotations in `text`, in order; never raises on odd or stray marks."""
    quotes: list[Quote] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        lo, hi = paragraph.span()
        double = _pair(text, lo, hi, list(_DOUBLE_MARK.finditer(text, lo, hi)), unclosed=True)
        taken = [(q.start, q.end) for q in double]
        singles = [
            m
            for m in _SINGLE_MARK.finditer(text, lo, hi)
            if not any(a <= m.start() < b for a, b in taken)
            and text[m.start() : m.start() + 2] != "''"
            and text[max(lo, m.start() - 1) : m.start() + 1] != "''"
        ]
        single = _pair(text, lo, hi, singles, unclosed=False)
        quotes += double + single
    quotes.sort(key=lambda q: q.start)
    return [q for q in quotes if any(ch.isalnum() for ch in text[q.inner_start : q.inner_end])]


def _pair(text: str, lo: int, hi: int, marks: list[re.Match[str]], unclosed: bool) -> list[Quote]:
    found: list[Quote] = []
    opened: re.Match[str] | None = None
    for mark in marks:
        direction = _direction(text, mark, lo, hi)
        if direction == "none":
            continue
        if opened is None:
            if direction != "close":
                opened = mark
        elif direction != "open":
            found.append(Quote(opened.start(), mark.end(), opened.end(), mark.start(), True))
            opened = None
        else:
            opened = mark  # two openings: the first was stray
    if opened is not None and unclosed:
        end = len(text[lo:hi].rstrip()) + lo
        if end > opened.end():
            found.append(Quote(opened.start(), end, opened.end(), end, False))
    return found


def _direction(text: str, mark: re.Match[str], lo: int, hi: int) -> str:
    """'open', 'close' or 'either', from the characters around the mark, then its shape."""
    before = text[mark.start() - 1] if mark.start() > lo else " "
    after = text[mark.end()] if mark.end() < hi else " "
    single = mark.group() in "‘’'"
    if single:
        opens = (before.isspace() or before in '([{—–"“') and after.isalnum()
        closes = (before.isalnum() or before in ".,!?") and not after.isalnum()
        if opens == closes:
            return "none" if not opens else "either"
        return "open" if opens else "close"
    opens = not before.isalnum() and before not in _NOT_BEFORE_OPENING and not after.isspace()
    closes = not before.isspace() and not after.isalnum()
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    if mark.group() in _OPENING:
        return "open"
    if mark.group() in _CLOSING:
        return "close"
    return "either"


# --- attribution -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Found:
    content: set[int]  # token indices; or empty with `chars` set
    chars: tuple[int, int] | None
    cue: list[Token]
    source: Token | None  # the source's head token
    cue_token: Token | None
    source_tokens: tuple[int, int] | None = None  # when no parse subtree gives the source


def find_statements(
    doc: Doc,
    document_id: str,
    mentions: Sequence[Mention],
    knowledge: Knowledge,
    cues: CueVocabulary | None = None,
) -> list[Statement]:
    """Every statement in `doc`, in text order. `mentions` resolve speakers; `knowledge` tells
    a person from a group when several mentions cover a source."""
    if not doc.has_annotation("DEP") or not doc.text.strip():
        return []
    vocabulary = cues or default_cues()
    quotes = find_quotes(doc.text)
    inner = _QuoteIndex(quotes)
    paragraphs = _Paragraphs(doc.text, inner)
    found = [
        f
        for token in doc
        if not inner.inside(token.idx)
        for f in [_from_cue(token, vocabulary, inner, paragraphs)]
        if f is not None
    ]
    found = _asides(_nest(found))
    headed = _headed(doc, paragraphs)
    found += _from_quotes(doc, quotes, [*headed, *found], vocabulary, inner, paragraphs)
    found += headed
    cue_tokens = frozenset(f.cue_token.i for f in found if f.cue_token is not None)
    statements: dict[tuple[int, int], Statement] = {}
    for item in found:
        statement = _statement(doc, document_id, item, quotes, mentions, knowledge, cue_tokens)
        if statement is not None:
            statements.setdefault((statement.content.start, statement.content.end), statement)
    return sorted(statements.values(), key=lambda s: (s.content.start, s.content.end))


class _Paragraphs:
    """Paragraph numbers: the parser may run a sentence over a paragraph break, the rules never
    do."""

    def __init__(self, text: str, quotes: _QuoteIndex) -> None:
        self._breaks = [m.start() for m in re.finditer(r"\n", text)]
        self.quotes = quotes

    def of(self, token: Token) -> int:
        return bisect.bisect_right(self._breaks, token.idx)

    def same(self, a: Token, b: Token) -> bool:
        return self.of(a) == self.of(b)


class _QuoteIndex:
    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = quotes
        self._starts = [q.inner_start for q in quotes]
        self._ends = {q.end: q for q in quotes}
        self._begins = {q.start: q for q in quotes}

    def at(self, offset: int) -> Quote | None:
        """The quotation whose inner text holds `offset`."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.quotes[i].inner_end:
            return self.quotes[i]
        return None

    def ending_at(self, offset: int) -> Quote | None:
        return self._ends.get(offset)

    def starting_at(self, offset: int) -> Quote | None:
        return self._begins.get(offset)

    def inside(self, offset: int) -> bool:
        return self.at(offset) is not None


def _from_cue(
    token: Token, vocabulary: CueVocabulary, quotes: _QuoteIndex, paragraphs: _Paragraphs
) -> _Found | None:
    matched = vocabulary.match(token)
    if matched is None:
        return None
    entry, particles = matched
    if token.dep_ == "prep" or token.pos_ == "ADP":
        found = _prepositional(token, particles)
    elif token.pos_ == "NOUN":
        found = _nominal(token)
    elif token.dep_ == "acomp":
        found = _predicative(token, paragraphs)
    else:
        found = None
    if found is not None:
        found.content = _within(found.content, token, paragraphs)
        return found if found.content else None
    if token.pos_ not in ("VERB", "AUX") or _purpose(token):
        return None
    source = _subject(token, paragraphs)
    if source is None:
        return None
    cue = _cue_tokens(token, particles)
    content = _complement(token, entry, particles) or _inserted(token)
    anchor = token
    chars = None
    if not content:
        chars = _adjacent_quote(token, source, quotes)
    if not content and chars is None:
        content = _after_colon(token)
        anchor = token.doc[min(content)] if content else token
    if not content and chars is None:
        content = _topic(token)
    if not content and chars is None:
        return None
    content -= set(_span_tokens(source, token)) | {t.i for t in cue}
    following = [i for i in content if i > token.i and not token.doc[i].is_space]
    if following and not _within(content, anchor, paragraphs) and _introduces(token, paragraphs):
        anchor = token.doc[min(following)]  # "The Times reports:" ¶ "…"
    content = _within(content, anchor, paragraphs)
    if not content and chars is None:
        return None
    return _Found(content, chars, cue, source, token)


def _predicative(token: Token, paragraphs: _Paragraphs) -> _Found | None:
    """ "Trump is confident that…", "was critical of the deal": the copula's subject holds the
    view its adjective states."""
    verb = token.head
    if verb is token:
        return None
    source = _subject(verb, paragraphs)
    if source is None:
        return None
    clauses = [c for c in token.children if c.dep_ in ("ccomp", "xcomp") and c.i > token.i]
    if not clauses:
        clauses = [
            o
            for c in token.children
            if c.dep_ == "prep" and c.lower_ in ("of", "about", "on", "that") and c.i > token.i
            for o in c.children
            if o.dep_ in ("pobj", "pcomp")
        ]
    if not clauses:
        return None
    content = {t.i for c in clauses for t in c.subtree}
    cue = [t for t in verb.children if t.dep_ in ("aux", "neg") and t.i < verb.i]
    return _Found(content, None, [*cue, verb, token], source, token)


def _purpose(token: Token) -> bool:
    """ "…investment to promote Korean content": an infinitive of purpose reports nothing."""
    children = list(token.children)
    return (
        token.dep_ in ("advcl", "acl")
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in children)
        and not any(c.dep_ == "ccomp" for c in children)
    )


def _nominal(token: Token) -> _Found | None:
    """ "Trump's claim that…", "warnings from his attorney that…": a cue noun with its owner
    and a clause."""
    owners = [c for c in token.children if c.dep_ == "poss"]
    if not owners:
        owners = [
            o
            for c in token.children
            if c.dep_ == "prep" and c.lower_ in ("by", "from")
            for o in c.children
            if o.dep_ == "pobj"
        ]
    clauses = [
        c
        for c in token.children
        if c.dep_ in ("acl", "ccomp", "relcl") and c.i > token.i and _that_clause(c)
    ]
    if not owners or not clauses:
        return None
    content = {t.i for c in clauses for t in c.subtree}
    return _Found(content, None, [token], owners[0], token)


def _that_clause(clause: Token) -> bool:
    """A content clause ("that there have been…", "to cut taxes"), not a relative one."""
    children = list(clause.children)
    if any(c.dep_ == "mark" and c.lower_ == "that" for c in children):
        return True
    if clause.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in children):
        return True
    first = next(iter(clause.subtree))
    return first.lower_ == "that" and first.dep_ == "mark"


def _topic(token: Token) -> set[int]:
    """ "commented on the death", "spoke about the legacy": what the speech was about."""
    return {
        t.i
        for c in token.children
        if c.dep_ == "prep" and c.lower_ in _TOPIC_PREPOSITIONS and c.i > token.i
        for o in c.children
        if o.dep_ in ("pobj", "pcomp")
        for t in o.subtree
    }


def _within(content: set[int], cue: Token, paragraphs: _Paragraphs) -> set[int]:
    """The content tokens in the cue's paragraph, spaces left out."""
    doc = cue.doc
    here = paragraphs.of(cue)
    return {i for i in content if not doc[i].is_space and paragraphs.of(doc[i]) == here}


def _prepositional(token: Token, particles: list[Token]) -> _Found | None:
    """ "…, according to reports": the object is the source, the clause it modifies the
    content."""
    if not particles:
        return None
    objects = [c for c in particles[-1].children if c.dep_ in ("pobj", "pcomp")]
    clause = token.head
    if not objects or clause is token:
        return None
    phrase = {t.i for t in token.subtree}
    rest = {t.i for t in clause.subtree} - phrase
    # The clause on the side of the phrase that holds most of it: "X, according to Y" / "…, Y".
    before = {i for i in rest if i < token.i}
    after = rest - before
    content = before if len(before) >= len(after) else after
    if not content:
        return None
    return _Found(content, None, [token, *particles], objects[0], token)


def _subject(verb: Token, paragraphs: _Paragraphs) -> Token | None:
    """The head of the cue's source, in the cue's paragraph and outside quotations, or
    None."""
    found = _subject_anywhere(verb, paragraphs)
    quotes = paragraphs.quotes
    if found is not None and quotes.inside(found.idx) and not quotes.inside(verb.idx):
        found = _beside_quote(verb, quotes)  # a parse that took a quoted word for the subject
    if found is None or not paragraphs.same(found, verb) or not _wordy(found):
        return None
    return found


def _beside_quote(verb: Token, quotes: _QuoteIndex) -> Token | None:
    """'"…," Rep. Elijah E. Cummings said' / '"…," said Robert McAtee': the words between the
    quotation and the cue, or right after the cue up to the sentence's end."""
    doc = verb.doc
    before = []
    for i in range(verb.i - 1, verb.sent.start - 1, -1):
        if quotes.inside(doc[i].idx) or doc[i].is_quote:
            break
        before.append(i)
    words = [i for i in before if not doc[i].is_punct and doc[i].dep_ not in ("aux", "neg")]
    if not words:
        words = []
        for i in range(verb.i + 1, verb.sent.end):
            if doc[i].is_punct or quotes.inside(doc[i].idx):
                break
            words.append(i)
    if not words:
        return None
    span = doc[min(words) : max(words) + 1]
    root: Token = span.root
    return root if root.pos_ in ("PROPN", "NOUN", "PRON") else None


def _wordy(token: Token) -> bool:
    return any(ch.isalpha() for ch in token.text) and token.lower_ not in ("'s", "’s")


def _subject_anywhere(verb: Token, paragraphs: _Paragraphs) -> Token | None:
    current = verb
    for _ in range(_MAX_CLIMB):
        children = list(current.children)
        for child in children:
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
        for child in children:
            if child.dep_ in _SUBJECTS:
                if child.pos_ == "PRON" and child.lower_ in ("it", "there") and _expletive(child):
                    return None
                return child
        if any(c.dep_ in _PASSIVE_SUBJECTS for c in children):
            return None  # "is expected to", "was told": no source in the clause
        if (
            current.dep_ == "acl"
            and current.tag_ == "VBG"
            and current.head.pos_ in ("NOUN", "PROPN")
        ):
            return current.head  # "a statement saying", "reports claiming"
        head = current.head
        if current.dep_ == "xcomp":
            objects = [c for c in head.children if c.dep_ == "dobj" and c.i < current.i]
            if objects:
                return objects[0]  # "left many nations feeling that", "urged Seoul to"
        if current.dep_ == "pcomp" and head.dep_ == "prep":
            head = head.head  # "by saying", "after telling"
        elif current.dep_ not in _CONTINUING:
            return None
        if head is current or not paragraphs.same(head, verb):
            return None
        if paragraphs.quotes.inside(head.idx) and not paragraphs.quotes.inside(verb.idx):
            return None  # the quoted words are not the clause the cue continues
        current = head
    return None


def _expletive(pronoun: Token) -> bool:
    """ "it is said that": an `it` subject with a clausal complement after a form of be."""
    verb = pronoun.head
    return verb.lemma_ == "be" or any(c.dep_ == "auxpass" for c in verb.children)


def _cue_tokens(token: Token, particles: list[Token]) -> list[Token]:
    """The cue verb with its auxiliaries and negation just before it, and adjacent particles."""
    tokens = [token]
    for child in sorted(token.lefts, key=lambda t: -t.i):
        between = token.doc[child.i + 1 : tokens[0].i]
        if child.dep_ in ("aux", "auxpass", "neg") and all(
            t.dep_ in ("aux", "auxpass", "neg", "advmod") for t in between
        ):
            tokens.insert(0, child)
    end = token.i
    for particle in sorted(particles, key=lambda t: t.i):
        if particle.i == end + 1:
            tokens.append(particle)
            end = particle.i
    return tokens


def _complement(token: Token, entry: Cue, particles: list[Token]) -> set[int]:
    """What the cue verb's own dependents say was said."""
    children = list(token.children)
    clauses = [c for c in children if c.dep_ == "ccomp"]
    if not clauses:
        clauses = [c for c in children if c.dep_ == "xcomp"]
    if not clauses:
        clauses = [c for c in children if c.i > token.i and _bare_clause(c)]
    if clauses:
        content = {t.i for c in clauses for t in c.subtree}
        if all(c.dep_ == "xcomp" for c in clauses):
            # "urged the mogul to release the tapes": the object is the infinitive's subject
            content |= {
                t.i
                for c in children
                if c.dep_ == "dobj" and token.i < c.i < clauses[0].i
                for t in c.subtree
            }
        return content
    for particle in particles:
        if particle.dep_ == "mark":
            return {t.i for t in particle.head.subtree}
        objects = [c for c in particle.children if c.dep_ in ("pobj", "pcomp")]
        if objects:
            return {t.i for o in objects for t in o.subtree}
    objects = [c for c in children if c.dep_ == "dobj" and c.i > token.i]
    if objects and entry.object in ("content", "predicate"):
        predicates = [
            c
            for c in children
            if c.i > objects[0].i
            and (
                c.dep_ in ("oprd", "ccomp", "xcomp")
                or (c.dep_ == "prep" and c.lower_ in _OBJECT_PREPOSITIONS)
            )
        ]
        if entry.object == "predicate" and not any(c.lower_ != "for" for c in predicates):
            return set()
        return {t.i for c in [*objects, *predicates] for t in c.subtree}
    stray = [  # "insisted in the interview that…": the clause hung on the wrong word
        clause
        for c in children
        if c.dep_ == "prep" and c.i > token.i
        for o in c.children
        if o.dep_ == "pobj"
        for clause in o.children
        if clause.dep_ in ("acl", "relcl", "ccomp")
        and any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)
    ]
    if stray:
        return {t.i for c in stray for t in c.subtree}
    if any(c.dep_ == "agent" for c in children):
        # "were rejected by the council": what was rejected is the passive subject
        subjects = [c for c in children if c.dep_ in _PASSIVE_SUBJECTS and c.lower_ != "it"]
        return {t.i for c in subjects for t in c.subtree}
    return {c.i for c in children if c.dep_ == "intj" and c.i > token.i}  # "said yes"


def _bare_clause(child: Token) -> bool:
    """A clause with its own subject and no subordinator, parsed as an adverbial: "said after
    the convention he would not accept"."""
    if child.dep_ != "advcl":
        return False
    grandchildren = list(child.children)
    if any(g.dep_ == "mark" and g.lower_ != "that" for g in grandchildren):
        return False
    if any(g.dep_ == "advmod" and g.tag_ in ("WRB",) for g in grandchildren):
        return False
    return any(g.dep_ in ("nsubj", "nsubjpass") for g in grandchildren)


def _inserted(token: Token) -> set[int]:
    """ "The transition, he said, is…", "…, as Lee said", "The Internet made it possible, she
    said.": a cue set into, or after, the clause it reports."""
    children = list(token.children)
    marks = {c.lower_ for c in children if c.dep_ == "mark"}
    after_comma = token.i > 1 and any(
        t.text == "," for t in token.doc[token.left_edge.i - 1 : token.left_edge.i]
    )
    tacked_on = (
        token.dep_ == "advcl"
        and not marks
        and token.i > token.head.i
        and after_comma
        and any(c.dep_ in _SUBJECTS for c in children)
    )
    if (
        token.dep_ != "parataxis"
        and not tacked_on
        and not (token.dep_ == "advcl" and marks == {"as"})
    ):
        return set()
    head = token.head
    if head is token:
        return set()
    return {t.i for t in head.subtree} - {t.i for t in token.subtree}


def _adjacent_quote(token: Token, source: Token, quotes: _QuoteIndex) -> tuple[int, int] | None:
    """A quotation just before the attribution ('"…," he said.', '"…?" Lee asked.') or just
    after it ('he said, "…"'), in the same paragraph."""
    doc = token.doc
    text = doc.text
    words = [
        t
        for t in (*token.subtree, *source.subtree)
        if not t.is_punct and not t.is_space and not quotes.inside(t.idx)
    ]
    if not words:
        return None
    start = min(t.idx for t in words)
    end = max(t.idx + len(t) for t in words)
    j = start
    while j > 0 and text[j - 1] in _BETWEEN_QUOTE_AND_CUE:
        j -= 1
    quote = quotes.ending_at(j)
    if quote is None:
        j = end
        while j < len(text) and text[j] in _BETWEEN_QUOTE_AND_CUE:
            j += 1
        quote = quotes.starting_at(j)
    return None if quote is None else (quote.inner_start, quote.inner_end)


def _introduces(token: Token, paragraphs: _Paragraphs) -> bool:
    """The cue's paragraph ends with a colon: what follows is what was said."""
    doc = token.doc
    last = None
    for t in doc[token.i + 1 :]:
        if not paragraphs.same(t, token):
            return last is not None and last.text.endswith(":")
        if not t.is_space:
            last = t
    return False


def _after_colon(token: Token) -> set[int]:
    """ "He said: …": the rest of the sentence, or the next one when the colon ends it."""
    doc = token.doc
    last = max(t.i for t in token.subtree)
    colon = next((t for t in doc[token.i + 1 : last + 2] if t.text == ":"), None)
    if colon is None or colon.i + 1 >= len(doc):
        return set()
    sentence = colon.sent
    if colon.i + 1 < sentence.end:
        return set(range(colon.i + 1, sentence.end))
    following = doc[colon.i + 1].sent
    return set(range(following.start, following.end))


def _span_tokens(head: Token, cue: Token) -> list[int]:
    """The source's tokens: the head's subtree without any part that holds the cue."""
    left, right = _source_bounds(head, cue)
    return list(range(left, right))


def _source_bounds(
    head: Token, cue: Token, other_cues: frozenset[int] = frozenset()
) -> tuple[int, int]:
    """The source's tokens: the head's subtree, in the head's paragraph, without the part that
    holds the cue, a clause set off by a comma that reports something itself ("Mr. Kamin, who
    emphasized that…, said") or is a participle ("Trump, speaking to veterans, said"), and
    anything before a dash ("BRUSSELS - European leaders")."""
    excluded: set[int] = set()
    doc = head.doc
    for child in head.children:
        subtree = {t.i for t in child.subtree}
        first = min(subtree)
        set_off = first > 0 and doc[first - 1].text == ","
        reports = child.dep_ in ("relcl", "acl") and not other_cues.isdisjoint(subtree)
        participle = set_off and child.dep_ == "acl" and child.tag_ in ("VBG", "VBN")
        if cue.i in subtree or reports or participle:
            excluded |= subtree
    members = {t.i for t in head.subtree} - excluded
    left = right = head.i
    while left - 1 in members and "\n" not in doc[left - 1].text_with_ws:
        left -= 1
    while right + 1 in members and "\n" not in doc[right].text_with_ws:
        right += 1
    for i in range(head.i - 1, left - 1, -1):
        if doc[i].text in _SOURCE_BREAKS and (doc[i].text != "-" or doc[i].whitespace_):
            left = i + 1
            break
    while left < right and (doc[left].is_punct or doc[left].dep_ in ("cc", "preconj")):
        left += 1
    while right > left and (doc[right].is_punct or doc[right].dep_ == "cc"):
        right -= 1
    return left, right + 1


def _asides(found: list[_Found]) -> list[_Found]:
    """A stance in a clause that describes another statement's source is part of who the
    source is ("Sen. Udall, who supports eliminating superdelegates, said…"); what such a
    clause reports in a clause or quotation of its own stays a statement."""
    spans = [
        (f, set(range(*_source_bounds(f.source, f.cue_token))))
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


def _clausal(item: _Found) -> bool:
    if item.cue_token is None:
        return False
    return any(
        c.dep_ in ("ccomp", "xcomp") or (c.dep_ == "advcl" and _bare_clause(c))
        for c in item.cue_token.children
        if c.i in item.content
    )


def _nest(found: list[_Found]) -> list[_Found]:
    """A cue inside another statement's content: the same speaker continuing ends the outer
    content; another speaker's words are the outer speaker's report and are dropped."""
    kept: list[_Found] = []
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
        if not same or len(same) < len(outer) or item.cue_token.dep_ not in ("advcl", "conj"):
            continue  # another speaker's words, or what the outer cue says ("vowed to support")
        clause = {t.i for t in item.cue_token.subtree}
        for o in same:
            o.content -= clause
        kept.append(item)
    return [f for f in kept if f.content or f.chars is not None]


def _from_quotes(
    doc: Doc,
    quotes: list[Quote],
    found: list[_Found],
    vocabulary: CueVocabulary,
    index: _QuoteIndex,
    paragraphs: _Paragraphs,
) -> list[_Found]:
    """Quotations no cue covered: the nearest cue of their sentence, else a continuation of
    the direct statement just before them."""
    covered = [_char_range(doc, f) for f in found]
    added: list[_Found] = []
    by_cue = {f.cue_token.i: f for f in found if f.cue_token is not None}
    previous: _Found | None = None
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
        sentences = {t.sent.start: t.sent for t in span}
        first_sentence = doc[span.start].sent
        nearest = _nearest_cue(
            span.start, span.end - 1, sentences.values(), vocabulary, index, paragraphs
        )
        item: _Found | None = _signed(doc, quote, paragraphs)
        if item is not None:
            pass
        elif nearest is not None:
            cue_token, source = nearest
            known = by_cue.get(cue_token.i)
            cue = known.cue if known is not None else _cue_tokens(cue_token, [])
            item = _Found(set(), (quote.inner_start, quote.inner_end), cue, source, cue_token)
        elif (
            previous is not None
            and previous.source is not None
            and _starts_sentence(doc, quote, first_sentence)
            and _only_space_between(doc.text, previous_end, first_sentence.start_char)
        ):
            item = _Found(
                set(),
                (quote.inner_start, quote.inner_end),
                previous.cue,
                previous.source,
                previous.cue_token,
                previous.source_tokens,
            )
        if item is not None:
            added.append(item)
            previous, previous_end = item, _sentence_end(doc, quote.end)
        else:
            previous, previous_end = None, -1
    return added


def _signed(doc: Doc, quote: Quote, paragraphs: _Paragraphs) -> _Found | None:
    """A quotation signed with a dash after it ('"…" ― Esther Tapia')."""
    text = doc.text
    chars = (quote.inner_start, quote.inner_end)
    after = _DASH_SIGNATURE.match(text, quote.end)
    if after is not None:
        dash = doc.char_span(after.start(1), after.end(1), alignment_mode="expand")
        name = doc.char_span(after.start(2), after.end(2), alignment_mode="expand")
        if dash is not None and name is not None and _is_name(name):
            return _Found(set(), chars, list(dash), name.root, dash[0], (name.start, name.end))
    return None


def _headed(doc: Doc, paragraphs: _Paragraphs) -> list[_Found]:
    """A paragraph headed by a name and a colon: a headline ("Lee: Peace is growth"), a
    transcript ("KIM: We are ready."), a quotation ('Lee Jae Myung: "…"')."""
    text = doc.text
    found: list[_Found] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        heading = _COLON_HEADING.match(text, paragraph.start(), paragraph.end())
        if heading is None:
            continue
        name = doc.char_span(heading.start(1), heading.end(1), alignment_mode="expand")
        colon = doc.char_span(heading.start(2), heading.end(2), alignment_mode="expand")
        end = len(text[: paragraph.end()].rstrip())
        if name is None or colon is None or end <= heading.end() or not _is_name(name):
            continue
        if any(t.pos_ in ("VERB", "AUX") for t in name):
            continue  # "He said: …" is the cue's own rule
        found.append(
            _Found(
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


def _nearest_cue(
    start: int,
    end: int,
    sentences: Iterable[object],
    vocabulary: CueVocabulary,
    index: _QuoteIndex,
    paragraphs: _Paragraphs,
) -> tuple[Token, Token] | None:
    best: tuple[int, Token, Token] | None = None
    for sentence in sentences:
        for token in sentence:  # type: ignore[attr-defined]
            if index.inside(token.idx) or start <= token.i <= end:
                continue
            if token.pos_ not in ("VERB", "AUX") or vocabulary.match(token) is None:
                continue
            source = _subject(token, paragraphs)
            if source is None or not paragraphs.same(token, token.doc[start]):
                continue
            distance = min(abs(token.i - start), abs(token.i - end))
            if best is None or distance < best[0]:
                best = (distance, token, source)
    return None if best is None else (best[1], best[2])


def _starts_sentence(doc: Doc, quote: Quote, sentence: object) -> bool:
    start_char: int = sentence.start_char  # type: ignore[attr-defined]
    return not doc.text[start_char : quote.start].strip()


def _only_space_between(text: str, start: int, end: int) -> bool:
    return 0 <= start <= end and not text[start:end].strip()


def _sentence_end(doc: Doc, offset: int) -> int:
    span = doc.char_span(max(0, offset - 1), offset, alignment_mode="expand")
    if span is None or len(span) == 0:
        return offset
    end: int = span[0].sent.end_char
    return max(end, offset)


def _char_range(doc: Doc, item: _Found) -> tuple[int, int]:
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


# --- records -----------------------------------------------------------------------------------


def _statement(
    doc: Doc,
    document_id: str,
    item: _Found,
    quotes: list[Quote],
    mentions: Sequence[Mention],
    knowledge: Knowledge,
    cue_tokens: frozenset[int],
) -> Statement | None:
    text = doc.text
    start, end = _char_range(doc, item)
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
        left, right = item.source_tokens or _source_bounds(item.source, item.cue_token, cue_tokens)
        source_doc = doc[left:right]
        source_span = Span(source_doc.start_char, source_doc.end_char)
        speaker_text = source_doc.text
        named = _antecedent(item.source)
        if named is not item.source:
            left, right = _source_bounds(named, item.source.head, cue_tokens)
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
    """ "Trump, who says…": the source as written is "who", the speaker is Trump."""
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

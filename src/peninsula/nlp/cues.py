"""Cue-led attribution: a speech word in the parse, its source and its content.

A token outside quotation marks whose lemma (with its particle: "call on", "point out",
"according to") is in the speech vocabulary (`Knowledge.speech`, from `speech_cues.csv`) is a
candidate cue. A verb's source is its subject (see `subject`); its content is what its own
dependents say was said (see `complement`), else the clause around an inserted or tacked-on cue,
an adjacent quotation, what follows a colon, or the topic of "commented on". A preposition
("according to"), a noun with an owner and a that-clause, and an adjective after a copula are
cues too. A cue without both a source and a content gives nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Token

from peninsula.knowledge.speech import Cue, CueVocabulary
from peninsula.nlp.quotes import Paragraphs, QuoteIndex

_SUBJECTS = frozenset({"nsubj", "csubj"})
_PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
# A cue without a subject shares the subject of the clause it continues.
_CONTINUING = frozenset({"advcl", "conj", "xcomp"})
_PARTICLE_DEPS = frozenset({"prep", "prt", "agent"})
_BETWEEN_QUOTE_AND_CUE = " \t,;:—–-"
_MAX_CLIMB = 4
_TOPIC_PREPOSITIONS = frozenset({"about", "on", "of"})
# "described the plan as…", "blamed the envoy for…", "accused the board of…": part of what
# was said
_OBJECT_PREPOSITIONS = frozenset({"as", "for", "of", "over", "about", "with"})
_SOURCE_BREAKS = frozenset({"-", "--", "—", "–", ":"})


@dataclass(slots=True)
class Found:
    """An attribution before it becomes a Statement."""

    content: set[int]  # token indices; or empty with `chars` set
    chars: tuple[int, int] | None
    cue: list[Token]
    source: Token | None  # the source's head token
    cue_token: Token | None
    source_tokens: tuple[int, int] | None = None  # when no parse subtree gives the source


def match_cue(vocabulary: CueVocabulary, token: Token) -> tuple[Cue, list[Token]] | None:
    """The longest entry `token` heads, with the particle tokens it took."""
    entries = next((vocabulary.by_word[f] for f in _forms(token) if f in vocabulary.by_word), ())
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


def from_cue(
    token: Token, vocabulary: CueVocabulary, quotes: QuoteIndex, paragraphs: Paragraphs
) -> Found | None:
    matched = match_cue(vocabulary, token)
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
    source = subject(token, paragraphs)
    if source is None:
        return None
    cue = cue_tokens(token, particles)
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
        anchor = token.doc[min(following)]  # "The agency reports:" ¶ "…"
    content = _within(content, anchor, paragraphs)
    if not content and chars is None:
        return None
    return Found(content, chars, cue, source, token)


def _predicative(token: Token, paragraphs: Paragraphs) -> Found | None:
    """ "The minister is confident that…", "was critical of the deal": the copula's subject
    holds the view its adjective states."""
    verb = token.head
    if verb is token:
        return None
    source = subject(verb, paragraphs)
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
    return Found(content, None, [*cue, verb, token], source, token)


def _purpose(token: Token) -> bool:
    """ "…funds to promote local films": an infinitive of purpose reports nothing."""
    children = list(token.children)
    return (
        token.dep_ in ("advcl", "acl")
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in children)
        and not any(c.dep_ == "ccomp" for c in children)
    )


def _nominal(token: Token) -> Found | None:
    """ "the mayor's claim that…", "warnings from the ministry that…": a cue noun with its owner
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
    return Found(content, None, [token], owners[0], token)


def _that_clause(clause: Token) -> bool:
    """A content clause ("that the bridge will…", "to raise tariffs"), not a relative one."""
    children = list(clause.children)
    if any(c.dep_ == "mark" and c.lower_ == "that" for c in children):
        return True
    if clause.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in children):
        return True
    first = next(iter(clause.subtree))
    return first.lower_ == "that" and first.dep_ == "mark"


def _topic(token: Token) -> set[int]:
    """ "commented on the verdict", "spoke about the harvest": what the speech was about."""
    return {
        t.i
        for c in token.children
        if c.dep_ == "prep" and c.lower_ in _TOPIC_PREPOSITIONS and c.i > token.i
        for o in c.children
        if o.dep_ in ("pobj", "pcomp")
        for t in o.subtree
    }


def _within(content: set[int], cue: Token, paragraphs: Paragraphs) -> set[int]:
    """The content tokens in the cue's paragraph, spaces left out."""
    doc = cue.doc
    here = paragraphs.of(cue)
    return {i for i in content if not doc[i].is_space and paragraphs.of(doc[i]) == here}


def _prepositional(token: Token, particles: list[Token]) -> Found | None:
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
    return Found(content, None, [token, *particles], objects[0], token)


def subject(verb: Token, paragraphs: Paragraphs) -> Token | None:
    """The head of the cue's source, in the cue's paragraph and outside quotations, or
    None."""
    found = _subject_anywhere(verb, paragraphs)
    quotes = paragraphs.quotes
    if found is not None and quotes.inside(found.idx) and not quotes.inside(verb.idx):
        found = _beside_quote(verb, quotes)  # a parse that took a quoted word for the subject
    if found is None or not paragraphs.same(found, verb) or not _wordy(found):
        return None
    return found


def _beside_quote(verb: Token, quotes: QuoteIndex) -> Token | None:
    """'"…," the deputy mayor said' / '"…," said Tomas Varga': the words between the
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


def _subject_anywhere(verb: Token, paragraphs: Paragraphs) -> Token | None:
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
                return objects[0]  # "left the farmers feeling that", "urged Seoul to"
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


def cue_tokens(token: Token, particles: list[Token]) -> list[Token]:
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
        clauses = [c for c in children if c.i > token.i and bare_clause(c)]
    if clauses:
        content = {t.i for c in clauses for t in c.subtree}
        if all(c.dep_ == "xcomp" for c in clauses):
            # "urged the envoy to return the files": the object is the infinitive's subject
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
    stray = [  # "insisted at the briefing that…": the clause hung on the wrong word
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


def bare_clause(child: Token) -> bool:
    """A clause with its own subject and no subordinator, parsed as an adverbial: "said after
    the summit she would not attend"."""
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


def _adjacent_quote(token: Token, source: Token, quotes: QuoteIndex) -> tuple[int, int] | None:
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


def _introduces(token: Token, paragraphs: Paragraphs) -> bool:
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
    left, right = source_bounds(head, cue)
    return list(range(left, right))


def source_bounds(
    head: Token, cue: Token, other_cues: frozenset[int] = frozenset()
) -> tuple[int, int]:
    """The source's tokens: the head's subtree, in the head's paragraph, without the part that
    holds the cue, a clause set off by a comma that reports something itself ("The mayor, who
    stressed that…, said") or is a participle ("The envoy, speaking to farmers, said"), and
    anything before a dash ("LIMA - Trade ministers")."""
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

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

from spacy.tokens import Doc, Token

from peninsula.knowledge.models_speakers import SpeakerModel
from peninsula.knowledge.speech import Cue, CueVocabulary
from peninsula.nlp.cue_source import (
    owners,
    rule_source,
    source_bounds,
    span_tokens,
    subject,
)
from peninsula.nlp.doctext import text_of
from peninsula.nlp.quotes import Paragraphs, QuoteIndex
from peninsula.nlp.speaker_model import CUE_POS, Context, choose_source, cue_features

__all__ = [
    "Found",
    "bare_clause",
    "cue_tokens",
    "find_cues",
    "from_cue",
    "match_cue",
    "rule_source",
    "source_bounds",
    "subject",
    "subordinate",
]

_REST_DEPS = frozenset(
    {"dobj", "prep", "dative", "attr", "oprd", "acomp", "xcomp", "ccomp", "advcl", "pcomp"}
)
_SUBJECTS = frozenset({"nsubj", "csubj"})
_PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
_PARTICLE_DEPS = frozenset({"prep", "prt", "agent"})
_BETWEEN_QUOTE_AND_CUE = " \t,;:—–-"
_TOPIC_PREPOSITIONS = frozenset({"about", "on", "of"})
_SUBORDINATORS = frozenset(
    {"after", "before", "when", "while", "because", "since", "until", "once", "if", "unless"}
)
# "described the plan as…", "blamed the envoy for…", "accused the board of…": part of what
# was said
_OBJECT_PREPOSITIONS = frozenset({"as", "for", "of", "over", "about", "with"})


@dataclass(slots=True)
class Found:
    """An attribution before it becomes a Statement."""

    content: set[int]  # token indices; or empty with `chars` set
    chars: tuple[int, int] | None
    cue: list[Token]
    source: Token | None  # the source's head token
    cue_token: Token | None
    source_tokens: tuple[int, int] | None = None  # when no parse subtree gives the source
    # how far the cue model's score passes its threshold for words outside the vocabulary
    confidence: float | None = None


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


def find_cues(
    doc: Doc,
    vocabulary: CueVocabulary,
    quotes: QuoteIndex,
    paragraphs: Paragraphs,
    model: SpeakerModel | None = None,
) -> list[Found]:
    """The attribution of every cue word outside quotation marks, in text order."""
    context = Context(doc, paragraphs) if model is not None else None
    inside = (
        context.inside
        if context is not None and context.quotes is quotes
        else [quotes.inside(t.idx) for t in doc]
    )
    return [
        f
        for token in doc
        if not inside[token.i]
        for f in [from_cue(token, vocabulary, quotes, paragraphs, model, context)]
        if f is not None
    ]


def from_cue(
    token: Token,
    vocabulary: CueVocabulary,
    quotes: QuoteIndex,
    paragraphs: Paragraphs,
    model: SpeakerModel | None = None,
    context: Context | None = None,
) -> Found | None:
    """The attribution `token` heads, or None. Without a model, a cue is a word of the
    vocabulary and its source the rules' choice; with one, the cue model decides which words
    are cues and the source model chooses among the candidates, the rules' choice among its
    features. A cue the model found, or a vocabulary word it scores as surely as one, takes
    what follows it when no rule finds its content ("ruled that out", "views the plan as…")."""
    if model is not None and token.pos_ not in CUE_POS:
        return None  # before matching: the model scores only these parts of speech
    matched = match_cue(vocabulary, token)
    learned = False
    score: float | None = None
    if model is not None:
        context = context or Context(token.doc, paragraphs)
        entry = matched[0] if matched is not None else None
        score = model.cue.score(cue_features(token, entry, context))
        if score < (model.cue.threshold if entry is None else model.vocabulary_threshold):
            return None
        if matched is None:
            matched, learned = (Cue((token.lemma_.lower(),), "say", "content"), []), True
        else:
            learned = score >= model.cue.threshold
        score -= model.cue.threshold  # how sure, as the learned cues' threshold measures
    carried = _carried(token) if _carries(token, vocabulary) else None
    if matched is None or (carried is None and _carries(token, vocabulary)):
        return None
    entry, particles = matched

    def choose(rule: Token | None) -> Token | None:
        if carried is not None:
            return carried  # "the radio quoted the mayor as saying": the mayor's words
        if model is None or context is None or (rule is not None and model.rules_first):
            return rule
        return choose_source(token, rule, context, model)

    if token.dep_ == "prep" or token.pos_ == "ADP":
        found = _prepositional(token, particles)
    elif token.pos_ == "NOUN":
        found = _nominal(token)
    elif token.dep_ == "acomp":
        found = _predicative(token, paragraphs)
    else:
        found = None
    if found is not None:
        found.source = choose(found.source)
        found.content = _within(found.content, token, paragraphs)
        found.confidence = score
        return found if found.content and found.source is not None else None
    if token.pos_ not in ("VERB", "AUX") or _purpose(token):
        return None
    source = choose(subject(token, paragraphs))
    if source is None:
        return None
    cue = cue_tokens(token, particles)
    content = _complement(token, entry, particles) or _inserted(token)
    if content and max(content) < token.i and subordinate(token):
        return None  # "…, after the two towns announced a deal": a parse that hung the
        # sentence on the subordinate cue
    anchor = token
    chars = None
    if not content:
        chars = _adjacent_quote(token, source, quotes)
    if not content and chars is None:
        content = _after_colon(token)
        anchor = token.doc[min(content)] if content else token
    if not content and chars is None:
        content = _topic(token)
    if not content and chars is None and learned:
        content = _rest(token)  # "admires the envoy as…", "did not respond to requests"
    if not content and chars is None:
        return None
    content -= set(span_tokens(source, token)) | {t.i for t in cue}
    following = [i for i in content if i > token.i and not token.doc[i].is_space]
    if following and not _within(content, anchor, paragraphs) and _introduces(token, paragraphs):
        anchor = token.doc[min(following)]  # "The agency reports:" ¶ "…"
    content = _within(content, anchor, paragraphs)
    if not content and chars is None:
        return None
    return Found(content, chars, cue, source, token, confidence=score)


def _predicative(token: Token, paragraphs: Paragraphs) -> Found | None:
    """ "The minister is confident that…", "was critical of the deal": the copula's subject
    holds the view its adjective states."""
    verb = token.head
    if verb.i == token.i:
        return None
    source = subject(verb, paragraphs)
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
    holders = owners(token)
    clauses = [
        c
        for c in token.children
        if c.dep_ in ("acl", "ccomp", "relcl") and c.i > token.i and _that_clause(c)
    ]
    if not clauses:
        return None
    content = {t.i for c in clauses for t in c.subtree}
    return Found(content, None, [token], holders[0] if holders else None, token)


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
    if not objects or clause.i == token.i:
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


def _carries(token: Token, vocabulary: CueVocabulary) -> bool:
    """ "KCNA quoted Kim as saying": the verb carries words another source speaks."""
    return any(
        match_cue(vocabulary, g) is not None
        for c in token.children
        if c.dep_ == "prep" and c.lower_ == "as"
        for g in c.children
        if g.dep_ == "pcomp" and g.pos_ in ("VERB", "AUX")
    )


def subordinate(token: Token) -> bool:
    """The cue heads a clause of time or reason ("after", "before", "when", "because")."""
    return any(c.dep_ == "mark" and c.lower_ in _SUBORDINATORS for c in token.children)


def _carried(token: Token) -> Token | None:
    """Whose words a carrying verb gives: its object or passive subject before "as"."""
    before = next((c.i for c in token.children if c.dep_ == "prep" and c.lower_ == "as"), None)
    for dep in ("dobj", "nsubjpass"):
        found = [c for c in token.children if c.dep_ == dep and before is not None and c.i < before]
        if found:
            return found[0]
    return None


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
    if head.i == token.i:
        return set()
    return {t.i for t in head.subtree} - {t.i for t in token.subtree}


def _adjacent_quote(token: Token, source: Token, quotes: QuoteIndex) -> tuple[int, int] | None:
    """A quotation just before the attribution ('"…," he said.', '"…?" Lee asked.') or just
    after it ('he said, "…"'), in the same paragraph."""
    doc = token.doc
    text = text_of(doc)
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


def _rest(token: Token) -> set[int]:
    """What follows a cue the model found outside the vocabulary: its objects, predicates,
    prepositional phrases and clauses after it."""
    return {
        t.i for c in token.children if c.i > token.i and c.dep_ in _REST_DEPS for t in c.subtree
    }


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

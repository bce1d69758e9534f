"""Learned attribution choices: which word is a cue, and which candidate is a cue's source.

Two linear models (weights in `data/speaker_model.json`, trained on PolNeAR's training split
by `tools/train_speakers.py`; loaded once as `Knowledge.speakers`) score named binary
features of the parse. Inference is a sum of weights: no learning library is needed at run time.

- The cue model scores a word outside quotation marks: its lemma, part of speech and relation;
  whether the speech vocabulary lists it (and as what kind); its dependents (a that-clause, an
  infinitive, a subject and what kind of word that subject is); the words beside it; a
  quotation next to it.
- The source model scores each candidate for a cue's source: every noun, name, number and
  pronoun of the cue's sentence and the one before it, in the cue's paragraph, plus the empty
  candidate (`NULL`: the cue has no source in the text). Its features are the dependency path
  from the cue to the candidate ("the cue's subject", "the object of according to", "the
  subject of the clause the cue continues", "inside the cue's complement"), the direction and
  distance, how many candidates lie between, the candidate's kind (name, pronoun and which,
  entity type, relative pronoun), whether it is inside a quotation, and whether the
  hand-written rules (`nlp.cues`) chose it. The candidate with the highest score wins when it
  beats the threshold and the empty candidate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc, Token

from peninsula.knowledge.models_speakers import SpeakerModel
from peninsula.knowledge.speech import Cue
from peninsula.nlp.doctext import text_of
from peninsula.nlp.quotes import Paragraphs

CUE_POS = frozenset({"VERB", "AUX", "NOUN", "ADJ", "ADP"})
_CANDIDATE_POS = frozenset({"PROPN", "NOUN", "PRON", "NUM", "X"})
_CANDIDATE_TAGS = frozenset({"WP", "WDT"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_NOT_HEADS = frozenset({"compound", "det", "predet", "nummod", "quantmod"})
_MAX_PATH = 4
_CHILD_DEPS = frozenset(
    {"ccomp", "xcomp", "dobj", "nsubj", "nsubjpass", "agent", "prep", "mark", "aux", "neg"}
)
_QUOTE_CHARS = "\"“”'‘’`«»"
_QUOTE_CHAR = re.compile(f"[{re.escape(_QUOTE_CHARS)}]")


class Context:
    """One parsed document's sentences and quotation marks, computed once for every word the
    models score."""

    def __init__(self, doc: Doc, paragraphs: Paragraphs) -> None:
        self.doc = doc
        self.text = text_of(doc)
        self.paragraphs = paragraphs
        self.quotes = paragraphs.quotes
        self.inside = [self.quotes.inside(t.idx) for t in doc]
        self.sentence_of = [0] * len(doc)
        self.sentences: list[tuple[int, int]] = []
        for n, sentence in enumerate(doc.sents):
            self.sentences.append((sentence.start, sentence.end))
            for i in range(sentence.start, sentence.end):
                self.sentence_of[i] = n
        self.quoted = [any(self.inside[a:b]) for a, b in self.sentences]

    def sentence(self, token: Token) -> tuple[int, int]:
        return self.sentences[self.sentence_of[token.i]]


# --- cues --------------------------------------------------------------------------------------


def cue_features(token: Token, entry: Cue | None, context: Context) -> list[str]:
    """What the cue model reads about a word outside quotation marks."""
    lemma = token.lemma_.lower()
    pos, tag, dep = token.pos_, token.tag_, token.dep_
    head = token.head
    features = [
        f"l={lemma}",
        f"pos={pos}",
        f"tag={tag}",
        f"dep={dep}",
        f"pos={pos}|dep={dep}",
        f"l={lemma}|dep={dep}",
        f"hpos={head.pos_}|dep={dep}",
    ]
    if entry is None:
        features.append("v=none")
    else:
        features += [f"v={entry.kind}", f"vo={entry.object}", f"v={entry.kind}|dep={dep}"]
    deps = set()
    marked = []  # the subject and complement features, each also paired with the lemma
    for child in token.children:
        child_dep = child.dep_
        if child_dep not in _CHILD_DEPS:
            continue
        deps.add(child_dep)
        if child_dep in ("nsubj", "nsubjpass", "agent"):
            marked.append(f"subj={_kind(child)}")
            features.append(marked[-1])
        elif child_dep in ("mark", "aux", "neg", "prep"):
            features.append(f"ch={child_dep}:{child.lower_}")
        if child_dep in ("ccomp", "xcomp") and child.i > token.i:
            first = next(iter(child.subtree))
            marked.append(f"comp_first={first.lower_ if first.dep_ == 'mark' else first.pos_}")
            features.append(marked[-1])
    features += [f"ch={d}" for d in sorted(deps)]
    features += [f"l={lemma}|ch={d}" for d in sorted(deps & {"ccomp", "xcomp", "dobj"})]
    if not deps & {"nsubj", "nsubjpass", "agent"}:
        features.append("subj=none")
        marked.append("subj=none")
    features += [f"l={lemma}|{f.split(':')[0]}" for f in marked]
    reported = _reported(token)
    features += [
        f"l={lemma}|tag={tag}",
        f"hl={head.lemma_.lower()}|dep={dep}",
        f"l={lemma}|ch={'+'.join(sorted(deps)) or '-'}",
        f"reports={reported}",
        f"l={lemma}|reports={reported}",
    ]
    doc = token.doc
    before = doc[token.i - 1] if token.i > 0 else None
    after = doc[token.i + 1] if token.i + 1 < len(doc) else None
    features.append(f"pw={before.lower_ if before is not None else '^'}")
    features.append(f"nw={after.lower_ if after is not None else '$'}")
    features += [f"near={where}" for where in _quote_near(token, context)]
    return features


def _reported(token: Token) -> str:
    """Where the word stands in a clause it hangs on: the complement of a verb ("said he
    wants"), a clause of another kind, or none (it heads its sentence)."""
    node = token
    for _ in range(3):
        if node.dep_ in ("ccomp", "xcomp"):
            return f"{node.dep_}:{node.head.pos_}"
        if node.dep_ not in ("conj", "aux", "advcl"):
            break
        node = node.head
    return "root" if token.dep_ == "ROOT" else "other"


def _quote_near(token: Token, context: Context) -> Iterator[str]:
    """A quotation just before the word's clause ('"…," he said') or just after the word
    ('said: "…"'), or anywhere in its sentence."""
    first, _ = context.sentence(token)
    text = context.text
    start = token.doc[first].idx
    if context.quoted[context.sentence_of[token.i]]:
        yield "sentence"
    left = token.left_edge.idx
    j = left
    while j > start and text[j - 1] in " ,\t":
        j -= 1
    if j > start and text[j - 1] in _QUOTE_CHARS:
        yield "before"
    end = token.idx + len(token)
    j = end
    while j < len(text) and text[j] in " ,:\t":
        j += 1
    if j < len(text) and text[j] in _QUOTE_CHARS:
        yield "after"


def _kind(token: Token) -> str:
    if token.pos_ == "PRON" or token.tag_ in _CANDIDATE_TAGS:
        return f"pron:{token.lower_}"
    if token.ent_type_:
        return f"ent:{token.ent_type_}"
    return token.pos_


# --- sources -----------------------------------------------------------------------------------


def source_candidates(cue: Token, context: Context) -> list[Token]:
    """Nouns, names, numbers and pronouns in the cue's sentence and the one before, in the
    cue's paragraph, the cue's own words left out; and a quantifier that heads a subject
    ("Many of the farmers believe…", "Some say…")."""
    doc = cue.doc
    n = context.sentence_of[cue.i]
    start, end = context.sentences[max(0, n - 1)][0], context.sentences[n][1]
    here = context.paragraphs.of(cue)
    return [
        t
        for t in doc[start:end]
        if t.i != cue.i
        and (
            t.pos_ in _CANDIDATE_POS
            or t.tag_ in _CANDIDATE_TAGS
            or (t.dep_ in _SUBJECT_DEPS and t.pos_ in ("ADJ", "DET"))
        )
        and t.dep_ not in _NOT_HEADS
        and context.paragraphs.of(t) == here
    ]


def source_features(
    cue: Token,
    candidate: Token | None,
    rule: Token | None,
    context: Context,
    rank: int = 0,
) -> list[str]:
    """What the source model reads about one candidate (None: the empty candidate) for `cue`;
    `rule` is the source the hand-written rules chose, `rank` how many candidates lie between
    the cue and this one."""
    lemma = cue.lemma_.lower()
    ruled = "y" if rule is not None else "n"
    if candidate is None:
        return [
            "NULL",
            f"NULL|c={lemma}",
            f"NULL|cdep={cue.dep_}",
            f"NULL|ctag={cue.tag_}",
            f"NULL|rule={ruled}",
            f"NULL|rule={ruled}|cpos={cue.pos_}",
        ]
    path = dependency_path(cue, candidate)
    same_sentence = context.sentence_of[candidate.i] == context.sentence_of[cue.i]
    side = "L" if candidate.i < cue.i else "R"
    distance = abs(candidate.i - cue.i)
    features = [
        f"p={path}",
        f"p={path}|cpos={cue.pos_}",
        f"p={path}|c={lemma}",
        f"d={side}{_bucket(distance)}",
        f"r={side}{min(rank, 4)}",
        f"r={side}{min(rank, 4)}|p={path}",
        f"t={candidate.pos_}",
        f"tt={candidate.tag_}",
        f"td={candidate.dep_}",
        f"td={candidate.dep_}|{side}",
        f"k={_kind(candidate)}",
        f"k={_kind(candidate)}|p={path}",
        f"rule={ruled}",
        f"sent={'same' if same_sentence else 'before'}",
    ]
    if rule is not None and candidate.i == rule.i:
        features += ["is_rule", f"is_rule|c={lemma}", f"is_rule|p={path}"]
    if context.inside[candidate.i]:
        features.append(f"in_quote|cue_in_quote={context.inside[cue.i]}")
    if _quote_between(cue, candidate, context.text):
        features.append("quote_between")
    if candidate.text[:1].isupper():
        features.append("capital")
    return features


def dependency_path(a: Token, b: Token) -> str:
    """The arcs from `a` up to the lowest common ancestor (^dep) and down to `b` (vdep), or
    how far they are when the path is long or there is none."""
    ups = [a, *a.ancestors]
    position = {t.i: n for n, t in enumerate(ups)}
    downs = []
    node = b
    while node.i not in position:
        downs.append(node)
        if node.head.i == node.i:
            return "none"
        node = node.head
    up = [f"^{t.dep_}" for t in ups[: position[node.i]]]
    down = [f"v{t.dep_}" for t in reversed(downs)]
    if len(up) + len(down) > _MAX_PATH:
        return f"far{min(len(up), 3)}/{min(len(down), 3)}"
    return "".join(up + down) or "self"


def _bucket(distance: int) -> str:
    for limit in (1, 2, 3, 5, 8, 12, 20):
        if distance <= limit:
            return str(limit)
    return "more"


def _quote_between(a: Token, b: Token, text: str) -> bool:
    lo, hi = sorted((a.idx, b.idx))
    return _QUOTE_CHAR.search(text, lo, hi) is not None


def choose_source(
    cue: Token, rule: Token | None, context: Context, model: SpeakerModel
) -> Token | None:
    """The candidate the model scores highest, if it beats the empty candidate and the
    threshold; else None."""
    scorer = model.source
    empty = scorer.score(source_features(cue, None, rule, context))
    best: tuple[float, Token | None] = (empty, None)
    for candidate, rank in ranked(cue, source_candidates(cue, context)):
        score = scorer.score(source_features(cue, candidate, rule, context, rank))
        if score > best[0]:
            best = (score, candidate)
    if best[1] is None or best[0] < scorer.threshold:
        return None
    return best[1]


def ranked(cue: Token, candidates: list[Token]) -> Iterator[tuple[Token, int]]:
    """Each candidate with how many candidates lie between it and the cue."""
    left = [t for t in candidates if t.i < cue.i]
    right = [t for t in candidates if t.i > cue.i]
    for n, t in enumerate(reversed(left)):
        yield t, n
    for n, t in enumerate(right):
        yield t, n

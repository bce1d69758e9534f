"""Event triggers: which verbs and nouns of a sentence match a pattern of `event_patterns.jsonl`.

A token is a candidate for the patterns its lemma (or, for nouns, its word) triggers; the most
specific pattern whose constraints its complement meets wins (`objects`, `also`, `subjects`,
`preps`). A trigger inside another trigger's complement folds into it; an intent verb takes the
intent of the action it governs ("agreed to resume talks" → 036), and violence takes the code
of its means ("died in a car bomb attack" → 1832). A deed under a denial ("denied that its
troops fired") stays its own event beside the denial.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from peninsula.knowledge.events import EventData, Pattern
from peninsula.nlp.participants import CIRCUMSTANCE_PREPS, actor_head, complement_children, dep

# A trigger below another along these is part of it ("agreed to hold talks").
_SUBORDINATE_DEPS = frozenset(
    [
        "xcomp",
        "ccomp",
        "dobj",
        "prep",
        "pobj",
        "pcomp",
        "acl",
        "attr",
        "oprd",
        "compound",
        "amod",
        "nmod",
        "appos",
        "dative",
    ]
)
_VIOLENT_ROOTS = frozenset({"18", "19", "20"})


@dataclass(frozen=True, slots=True)
class Hit:
    token: Token
    pattern: Pattern
    code: str


def sentence_hits(sentence: Span, data: EventData) -> list[Hit]:
    """The sentence's main triggers, each with the code it is coded as."""
    hits = [hit for token in sentence if (hit := _match(token, data)) is not None]
    return _main_hits(hits, data)


def _match(token: Token, data: EventData) -> Hit | None:
    """The most specific pattern this token triggers, if any. Between equally specific ones,
    the one whose object word sits closest to the trigger wins, then the earlier line."""
    lemma = token.lemma_.lower()
    is_verb = token.pos_ in ("VERB", "AUX") or (token.pos_ == "NOUN" and token.dep_ == "ROOT")
    is_noun = token.pos_ in ("NOUN", "PROPN")
    best: tuple[int, int, Pattern] | None = None
    words: _Words | None = None
    candidates = (data.by_verb.get(lemma, ()) if is_verb else ()) + (
        _noun_candidates(token, data) if is_noun else ()
    )
    for pattern in sorted(set(candidates), key=lambda p: p.line):
        if best is not None and pattern.specificity < best[0]:
            continue
        words = words or _complement_words(token)
        depth = _fit_depth(pattern, token, words)
        if depth is not None and (best is None or (pattern.specificity, -depth) > best[:2]):
            best = (pattern.specificity, -depth, pattern)
    return Hit(token, best[2], best[2].code) if best else None


def _noun_candidates(token: Token, data: EventData) -> tuple[Pattern, ...]:
    """Noun patterns by lemma ("talk") or by the word as written ("talks")."""
    return data.by_noun.get(token.lemma_.lower(), ()) + data.by_noun.get(token.lower_, ())


@dataclass(frozen=True, slots=True)
class _Words:
    depth: dict[str, int]  # lemma or lower-cased word -> its least depth below the trigger
    phrases: str  # " lemma lemma ... | word word ... ", for multi-word objects


def _complement_words(token: Token) -> _Words:
    tokens = [t for child in complement_children(token) for t in child.subtree]
    if token.dep_ == "acl":  # "the agreement signed by ..." : the noun is what was signed
        tokens.append(token.head)
    elif token.dep_ == "relcl" and not any(c.dep_ == "dobj" for c in token.children):
        tokens.append(token.head)  # "the treaty he signed with ...": so is the treaty
    for child in token.children:  # "troops were sent to ...": the passive's subject is the object
        if child.dep_ == "nsubjpass":
            tokens += list(child.subtree)
    tokens.sort(key=lambda t: t.i)
    depth: dict[str, int] = {}
    below: dict[int, int] = {}  # token index -> _depth(token, trigger), shared along the heads
    for t in tokens:
        d = _depth(t, token, below)
        for word in (t.lemma_.lower(), t.lower_):
            depth[word] = min(d, depth.get(word, d))
    lemmas = " ".join(t.lemma_.lower() for t in tokens)
    lowers = " ".join(t.lower_ for t in tokens)
    return _Words(depth, f" {lemmas} | {lowers} ")


def _depth(token: Token, top: Token, known: dict[int, int] | None = None) -> int:
    """Steps up the heads from `token` to `top` (or the root), at most 12. `known`: the depths
    found before below the same `top`, by token index, read and filled in."""
    steps, node = 0, token
    path: list[int] = []
    capped = False
    while node.i != top.i and node.head.i != node.i:
        if known is not None and node.i in known:
            steps += known[node.i]
            break
        if steps == 12:
            capped = True
            break
        path.append(node.i)
        node, steps = node.head, steps + 1
    if known is not None:
        for n, i in enumerate(path[:1] if capped else path):
            known[i] = min(12, steps - n)
    return min(12, steps)


def _fit_depth(pattern: Pattern, token: Token, words: _Words) -> int | None:
    """How deep the pattern's object word sits (0 without objects), or None if it misfits."""
    if pattern.preps and not any(
        c.lower_ in pattern.preps for c in token.children if c.dep_ in ("prep", "prt", "agent")
    ):
        return None
    if pattern.subjects:
        subject = actor_head(token)
        if subject is None or subject.lemma_.lower() not in pattern.subjects:
            return None
    if not pattern.objects:
        return 0
    found = _object_depth(pattern.objects, words)
    if found is None or (pattern.also and _object_depth(pattern.also, words) is None):
        return None
    return found


def _object_depth(objects: tuple[str, ...], words: _Words) -> int | None:
    depths = [
        (1 if f" {o} " in words.phrases else None) if " " in o else words.depth.get(o)
        for o in objects
    ]
    found = [d for d in depths if d is not None]
    return min(found) if found else None


def _main_hits(hits: list[Hit], data: EventData) -> list[Hit]:
    """Triggers inside another trigger's complement fold into it; an intent verb takes the
    intent of what it governs ("agreed to resume talks" → 036, "vowed to go to war" → 1384)."""
    kept = []
    for hit in hits:  # a denied deed stays its own (contested) event: "denied that X fired"
        governor = next(
            (
                h
                for h in hits
                if _subordinate(hit.token, h.token)
                and not data.cues.has(h.token.lemma_.lower(), "denial")
            ),
            None,
        )
        if governor is None:
            kept.append(hit)
    refined = []
    for hit in kept:
        code = _by_means(hit, hits)
        if hit.pattern.governs_intent:
            inner = [h for h in hits if _subordinate(h.token, hit.token) and _is_verb(h.token)]
            code = _refine_intent(hit.code, inner, data, hit.pattern.pledge)
        refined.append(Hit(hit.token, hit.pattern, code))
    return refined


def _by_means(hit: Hit, hits: list[Hit]) -> str:
    """ "died in a car bomb attack", "wounded ... in a shootout": the means names the violence."""
    if hit.code[:2] not in _VIOLENT_ROOTS:
        return hit.code
    for other in hits:
        if other.code[:2] in _VIOLENT_ROOTS and other.token.i != hit.token.i:
            node = other.token
            while node.head.i != node.i and node.dep_ in ("pobj", "prep", "agent", "compound"):
                node = node.head
                if node.i == hit.token.i:
                    return other.code
    return hit.code


def _is_verb(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX")


def _subordinate(token: Token, governor: Token) -> bool:
    if token.i == governor.i:
        return False
    node = token
    while node.i != node.head.i and dep(node) in _SUBORDINATE_DEPS:
        if node.dep_ == "prep" and node.lower_ in CIRCUMSTANCE_PREPS:
            return False
        node = node.head
        if node.i == governor.i:
            return True
    return False


def _refine_intent(code: str, inner: list[Hit], data: EventData, pledge: bool = False) -> str:
    """The intent code of the first governed action; under a pledge verb, a category the data
    keeps (`pledge_keeps_category`: "vowed to seal the border") keeps the action's own code."""
    for hit in inner:
        entry = data.cameo.get(hit.code)
        kept = entry is not None and data.cues.has(
            (entry.plover or "").lower(), "pledge_keeps_category"
        )
        if entry is not None and pledge and kept:
            return entry.code
        if entry is not None and entry.intent:
            return entry.intent
    return code

"""How alike two texts are: sentence embeddings when an embedder is given, word overlaps without.

With an `Embedder` (any callable from texts to a matrix with one row per text, e.g.
`peninsula.pipeline.default_embedder()`, all-MiniLM-L6-v2), the cosine of the rows. Without one,
a lexical fallback that needs nothing installed: the Jaccard overlap of content-word stems (stop
words out, plural/-ed/-ing endings stripped); for statements and commitments, the overlap over
the shorter text, since outlets trim quotes (with an embedder, the larger of that and the
cosine). The two scales differ, so each has its own `Thresholds`.

Every similarity is a function of its two texts only (rounded, so that the same pair scores the
same whichever batch computed it): merging never depends on what else was merged before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "EMBEDDING_THRESHOLDS",
    "LEXICAL_THRESHOLDS",
    "Embedder",
    "Texts",
    "Thresholds",
    "content_words",
    "lexical_similarity",
    "names",
    "names_shared",
    "overlap",
    "stem",
]

Vector = NDArray[np.float32]
# Texts in, one row vector per text out (normalised or not: rows are normalised here).
Embedder = Callable[[Sequence[str]], NDArray[Any]]
# Decimals kept of a similarity: a pair scores the same whatever batch computed it.
DECIMALS = 7


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Similarity floors, on the scale of the similarity in use (embedding or lexical).

    `trigger` was chosen on the ECB+ development topics (0.5-1.0): lower, unrelated verbs merge
    fast. The statement floors ask for near-identity of words, with or without an embedder (a
    trimmed quote keeps most of its words; a paraphrase is another statement). The commitment
    floors are lower, as a restated pledge is reworded ("restore dialogue with the North" /
    "resume talks with Pyongyang"); the lexical one equals the in-document overlap
    `nlp.commitments` uses.
    Fulfilment and contradiction compare a short pledge with a whole sentence, so they ask for
    less again and lean on actor, code, target and order in time."""

    trigger: float  # trigger cosine when a code is unknown (embeddings only)
    statement: float
    statement_strong: float  # speaker unknown on a side
    commitment: float
    commitment_strong: float  # actor unknown on a side
    fulfil: float  # pledge wording vs the sentence of a later event
    contradict: float  # pledge wording vs a conflictual event toward the pledge's target


EMBEDDING_THRESHOLDS = Thresholds(
    trigger=0.6,
    statement=0.8,  # statements are compared by their words alone: the lexical floors
    statement_strong=0.9,
    commitment=0.7,
    commitment_strong=0.85,
    fulfil=0.5,
    contradict=0.35,
)
LEXICAL_THRESHOLDS = Thresholds(
    trigger=1.0,  # unused: without embeddings only equal trigger lemmas agree
    statement=0.8,
    statement_strong=0.9,
    commitment=0.6,
    commitment_strong=0.8,
    fulfil=0.5,
    contradict=0.3,
)


class Texts:
    """Vectors of texts (embedder) or content-word sets (fallback), computed once per text."""

    def __init__(self, embedder: Embedder | None) -> None:
        self.embedder = embedder
        self.rows: dict[str, int] = {}
        self._vectors: list[Vector] = []
        self._words: dict[str, frozenset[str]] = {}
        self._names: dict[str, frozenset[str]] = {}

    def ensure(self, texts: Iterable[str]) -> None:
        """Embed, in one call, the texts not embedded yet (nothing without an embedder)."""
        if self.embedder is None:
            return
        missing = list(dict.fromkeys(t for t in texts if t not in self.rows))
        if not missing:
            return
        matrix = np.asarray(self.embedder(missing), dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(missing):
            raise ValueError(f"embedder returned shape {matrix.shape} for {len(missing)} texts")
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix = (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)
        for text, row in zip(missing, matrix, strict=True):
            self.rows[text] = len(self._vectors)
            self._vectors.append(row)

    def cosines(self, text: str, others: Sequence[str]) -> NDArray[np.float64]:
        """Cosine of `text` with each of `others` (all embedded), rounded."""
        if not others:
            return np.zeros(0)
        vectors = self._vectors
        rows = self.rows
        matrix = np.array([vectors[rows[o]] for o in others], dtype=np.float64)
        found: NDArray[np.float64] = np.round(
            matrix @ vectors[rows[text]].astype(np.float64), DECIMALS
        )
        return found

    def cosine(self, a: str, b: str) -> float:
        return float(self.cosines(a, [b])[0])

    def words(self, text: str) -> frozenset[str]:
        found = self._words.get(text)
        if found is None:
            found = self._words[text] = content_words(text)
        return found

    def names(self, text: str) -> frozenset[str]:
        found = self._names.get(text)
        if found is None:
            found = self._names[text] = names(text)
        return found

    def similarity(self, a: str, b: str, *, lexical_only: bool = False) -> float:
        """Statements and commitments: embedding cosine, or the lexical overlap over the shorter
        text (with embeddings, the larger of the two, so a trimmed quote still matches). A text
        of fewer than `TRIMMED_WORDS` content words is no trimmed quote: over the union then."""
        words_a, words_b = self.words(a), self.words(b)
        trimmed = min(len(words_a), len(words_b)) >= TRIMMED_WORDS
        lexical = round(overlap(words_a, words_b, shorter=trimmed), DECIMALS)
        if self.embedder is None or lexical_only:
            return lexical
        return max(self.cosine(a, b), lexical)

    def vectors(self, texts: Iterable[str]) -> Mapping[str, Vector]:
        return {t: self._vectors[self.rows[t]] for t in texts if t in self.rows}


# The fewest content words a quote trimmed by an outlet keeps and still says which quote it is:
# one or two ("peacemaker", "talks") would match every longer quote holding them.
TRIMMED_WORDS = 3

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP_WORDS = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    said says say told tell according mr ms mrs"""
_STOP = frozenset(_STOP_WORDS.split())


def stem(word: str) -> str:
    """A crude stem, enough to match plurals and regular verb forms."""
    word = word.split("'")[0]
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + keep
            break
    else:
        if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


@cache
def first_stem(text: str) -> str:
    """The stem of a text's first word (a trigger's default lemma)."""
    words = _WORD.findall(text.lower())
    return stem(words[0]) if words else text.lower()


def content_words(text: str) -> frozenset[str]:
    """Stems of the words that are not stop words."""
    return frozenset(stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP)


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’&.-]*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?:;])\s+|\n+")


def names(text: str) -> frozenset[str]:
    """The words of `text` that name something, lowercased: capitalised words that are not
    stop words nor the first word of a sentence or line, and numbers ("Mount", "cook", "36",
    "2025"). Who, where and how many: what two reports of one happening share."""
    found: set[str] = set()
    for part in _SENTENCE_BREAK.split(text):
        words = [w.rstrip(".'’-") for w in _TOKEN.findall(part)]
        for position, word in enumerate(w for w in words if w):
            if word[0].isdigit() or (
                word[0].isupper() and position > 0 and word.lower() not in _STOP
            ):
                found.add(word.lower())
    return frozenset(found)


# The least number of names two events are judged on: one name in common out of one is a
# quarter of a full match, not a full match.
NAMES_FLOOR = 4


def names_shared(a: frozenset[str], b: frozenset[str]) -> float:
    """The names two events share over all their names (at least `NAMES_FLOOR`): every name
    weighs the same, so the share is a function of the pair alone."""
    if not a or not b:
        return 0.0
    return round(len(a & b) / max(len(a | b), NAMES_FLOOR), DECIMALS)


def lexical_similarity(a: str, b: str, *, shorter: bool = False) -> float:
    """Jaccard overlap of content-word stems; with `shorter`, overlap over the shorter text's."""
    return overlap(content_words(a), content_words(b), shorter=shorter)


def overlap(a: frozenset[str], b: frozenset[str], *, shorter: bool = False) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (min(len(a), len(b)) if shorter else len(a | b))

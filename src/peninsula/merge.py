"""Cross-document merging: one happening, one quote, one pledge, whatever the number of reports.

Pure functions over small typed records (`EventInput`, `StatementInput`, `CommitmentInput`): no
SQL, no settings, no I/O beyond the optional embedding model that `default_embedder` loads. The
store maps its rows to the inputs and writes back `merged.id` as each member's merged id.

**Incremental.** Every merge takes the clusters merged so far and the new items, and returns the
updated clusters (the existing ones first, in their order, then the new ones). New items are
taken one at a time in the order given: each joins the best cluster it fits or starts a new one,
so `merge_x(merge_x([], a), b) == merge_x([], [*a, *b])`. Feed items in publication order. A
cluster's id is its first member's id and never changes; an untouched cluster comes back as the
same object. Merged records keep their members' embeddings (`vectors`), so a later merge embeds
only the new texts; without them (say, rebuilt from the store) the candidates' texts are embedded
again, only for the clusters that blocking makes candidates.

**Blocking.** A new event is compared only with clusters that share a cheap key with it, within
its modality: its CAMEO root, its PLOVER category or its trigger lemma (and, with an embedder,
the clusters of uncoded events, whose triggers may be synonyms). The hard cues (date, actors and
their states, codes) are then checked per candidate, and only the survivors are compared by text.
Statements and commitments are blocked by the state of their speaker or actor.

**Events** are one happening when all of these hold, against every member of the cluster:

- *modality* is the same (an `actual` event never merges with a `pledged` or `negated` one);
- *codes* are compatible: same CAMEO root (first two digits) or same PLOVER category. When either
  side has no code, the triggers must agree instead: the same lemma, or (with an embedder)
  trigger-lemma cosine >= `trigger`;
- *dates* are compatible given their precision: "2025" fits "2025-08", "2025-08" does not fit
  "2025-09". The merged date is the most precise one;
- *participants* are compatible role by role: equal, unknown on a side, or one is a state and
  the other belongs to it on the event's day (`Knowledge.state_of`: lee_jae_myung on 2025-08-25
  is KOR), or one is the other's parent organisation. Two people of one state are not
  compatible. For consultations (CAMEO 04: meetings, visits, talks) source and target may be
  read either way round, but the two events the extractor codes from one trigger, one each way
  (same document, sentence and trigger lemma), stay two events, as CAMEO has them;
- *text*: the best link score (`event_links.LinkModel`) between the new event and a member whose
  trigger agrees reaches the model's `agreed_threshold` when the participants agree (sources
  named on both sides, targets named on both or on neither), else its `threshold`: an unknown
  participant is compatible with anything only when the text is strong evidence. Triggers agree
  when their lemmas are equal, when both events are coded, or (with an embedder) when the lemmas
  or the trigger phrases ("opened fire", "drunk driving") have cosine >= `trigger`. The score
  weighs, as `event_links.FEATURES` lists them: the similarity of the sentences; that of the
  documents' `context` (headline and lead; the sentences' when one has none): two reports of one
  happening usually come from articles about one story, while the same verb in another story is
  another happening; the share of names the two events have in common (`names`: capitalised
  words and numbers of the sentence and the context: who, where, how many, which day), each
  name weighed by its rarity among the documents merged so far (log((n + 1) / (n naming it + 1))
  + 1, so a name every article carries counts least), over the weight of all their names and at
  least `_NAMES_FLOOR` (the rarity is counted from the members of the existing clusters and the
  new events in order, so it too is incremental); the triggers' similarity; whether both come
  from one article. Among the clusters that clear their floor, the one cleared by the widest
  margin wins.

**Statements** merge when the speakers are compatible (as participants above) and the texts are
near-identical (one quote carried by two outlets, perhaps trimmed): similarity >= `statement`,
or `statement_strong` when a speaker is unknown. **Commitments** merge when the actors and
targets are compatible, the codes too when both are coded, and the wordings are similar
(>= `commitment`; `commitment_strong` without an actor): a pledge restated months later is one
pledge, with its first and last statement, its count and each wording with its date.

**Commitment status** (`resolve_commitments`): `fulfilled` by a later `actual` event of the
committer (or a compatible actor: its state, its person) whose code carries out the pledge (its
CAMEO intent code is the pledge's code, as `cameo.csv` pairs them, or the same root when the
pledge is coded as the action itself; for a pledge without a code, any deed: CAMEO 04-08,
consult, cooperate, give aid, yield, never words alone) and whose sentence is similar
(>= `fulfil`). A pledge with neither a code nor a target stays `open`: a similar sentence alone
(a meeting with someone else, "to pursue diplomatic efforts") would decide it by coincidence;
`contradicted` by a later `negated` event meeting the same tests, or by a later `actual`
conflictual event (CAMEO 12-20: reject, threaten, protest, force posture, reduce relations,
coerce, assault, fight) of the committer against the pledge's target when the pledge was
cooperative (CAMEO 02-08), with similarity >= `contradict`. The latest deciding event wins and
its id is the evidence. "Later" means not known to be earlier, given the dates' precision.

**Similarity.** With an `Embedder` (any callable from texts to a matrix with one row per text,
e.g. `default_embedder()`, all-MiniLM-L6-v2), the cosine of the rows. Without one, a lexical
fallback that needs nothing installed: the Jaccard overlap of content-word stems (stop words out,
plural/-ed/-ing endings stripped); for statements and commitments, the overlap over the shorter
text, since outlets trim quotes (with an embedder, the larger of that and the cosine). The two
scales differ, so each has its own `Thresholds`.

**Event links** (`event_links`). With an embedder, the weights are a logistic regression
fitted on every candidate pair of the ECB+ *training* topics (`candidate_pairs`, gold mentions,
no codes, no participants) and the threshold is the best on the *development* topics (2, 5, 12,
18, 21, 23, 34, 35); both are written to `data/event_links.json` by
`benchmarks/ecbplus_train.py`, and `benchmarks/ecbplus.py` reports the test topics. It replaced a
hand-set mix (sentence 35 : context 65, plus 0.8 x names, floor 0.65, chosen on development):
test CoNLL F1 0.746 -> 0.761, development 0.763 -> 0.762. `agreed_threshold` is one unit of
log-odds lower (by judgement, ECB+ has no participants to calibrate it): agreeing named
participants plus a compatible code and date already make a coincidence unlikely. Without an
embedder, the same features over word overlaps, trained the same way
(`data/event_links_lexical.json`, `ecbplus_train.py --lexical`): test 0.742 -> 0.751 against
the hand-set overlap mix, development 0.725 -> 0.734.

**Thresholds** (`EMBEDDING_THRESHOLDS`, `LEXICAL_THRESHOLDS`). `trigger` was chosen on the ECB+
development topics (0.5-1.0): lower, unrelated verbs merge fast. The statement thresholds ask
for near-identity (MiniLM gives a sentence and its light paraphrase about 0.8-0.9; a trimmed
quote keeps most of its words). The commitment thresholds are lower, as a restated pledge is
reworded ("restore dialogue with the North" / "resume talks with Pyongyang"); the lexical one
equals the in-document overlap that `nlp.commitments` uses. Fulfilment and contradiction
compare a short pledge with a whole sentence, so they ask for less again and lean on actor,
code, target and order in time.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any, Generic, Literal, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from peninsula.event_links import (
    FEATURES,
    LinkModel,
    default_link_model,
    features,
)
from peninsula.knowledge import Knowledge, default_knowledge
from peninsula.knowledge.events import Cameo
from peninsula.nlp.events_embed import load_model
from peninsula.records import CommitmentStatus, Modality, Precision

__all__ = [
    "EMBEDDING_THRESHOLDS",
    "LEXICAL_THRESHOLDS",
    "CommitmentInput",
    "Embedder",
    "EventInput",
    "MergedCommitment",
    "MergedEvent",
    "MergedStatement",
    "StatementInput",
    "Thresholds",
    "actors_compatible",
    "candidate_pairs",
    "codes_compatible",
    "commitment_clusters",
    "dates_compatible",
    "default_embedder",
    "event_clusters",
    "lexical_similarity",
    "merge_commitments",
    "merge_events",
    "merge_statements",
    "names",
    "resolve_commitments",
    "statement_clusters",
]

Vector = NDArray[np.float32]


class _Worded(Protocol):
    @property
    def text(self) -> str: ...


_W = TypeVar("_W", bound=_Worded)
# Texts in, one row vector per text out (normalised or not: rows are normalised here).
Embedder = Callable[[Sequence[str]], NDArray[Any]]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Similarity floors, on the scale of the similarity in use (embedding or lexical)."""

    trigger: float  # trigger cosine when a code is unknown (embeddings only)
    statement: float
    statement_strong: float  # speaker unknown on a side
    commitment: float
    commitment_strong: float  # actor unknown on a side
    fulfil: float  # pledge wording vs the sentence of a later event
    contradict: float  # pledge wording vs a conflictual event toward the pledge's target


EMBEDDING_THRESHOLDS = Thresholds(
    trigger=0.6,
    statement=0.85,
    statement_strong=0.92,
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

# CAMEO roots whose source and target may be read either way round (meet, visit/host, talks).
SYMMETRIC_ROOTS = frozenset({"04"})
COOPERATIVE_ROOTS = frozenset({"02", "03", "04", "05", "06", "07", "08"})
# What can keep a pledge of unknown code: consult, cooperate diplomatically or materially, give
# aid, yield. Statements, appeals and intents (01-03) are words about the deed, not the deed.
DEED_ROOTS = frozenset({"04", "05", "06", "07", "08"})
CONFLICTUAL_ROOTS = frozenset({"12", "13", "14", "15", "16", "17", "18", "19", "20"})


# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventInput:
    """One event as extracted from one document.

    `code`/`root`/`category` may be None (unknown); `lemma` is the trigger's lemma (default: a
    crude stem of the trigger's first word). `published` is the document's publication date and
    `context` its headline and lead (optional: used when both events have one).
    """

    id: str
    document_id: str
    sentence: str
    trigger: str
    code: str | None = None
    root: str | None = None
    category: str | None = None
    source: str | None = None
    target: str | None = None
    modality: Modality = "actual"
    date: str | None = None
    date_precision: Precision | None = None
    published: str | None = None
    lemma: str | None = None
    context: str | None = None

    @property
    def trigger_lemma(self) -> str:
        if self.lemma:
            return self.lemma.lower()
        words = _WORD.findall(self.trigger.lower())
        return _stem(words[0]) if words else self.trigger.lower()

    @property
    def code_root(self) -> str | None:
        return self.root or (self.code[:2] if self.code else None)


@dataclass(frozen=True, slots=True)
class MergedEvent:
    """One happening with every report of it. `id` is the first member's id."""

    id: str
    members: tuple[EventInput, ...]
    source: str | None
    target: str | None
    code: str | None
    root: str | None
    category: str | None
    modality: Modality
    date: str | None
    date_precision: Precision | None
    first_reported: str | None
    # Embeddings of the members' texts, kept so a later merge need not recompute them.
    vectors: Mapping[str, Vector] = field(default_factory=dict, compare=False, repr=False)

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.document_id for m in self.members))

    @property
    def sources(self) -> int:
        """How many distinct documents report it."""
        return len(self.documents)


@dataclass(frozen=True, slots=True)
class StatementInput:
    id: str
    document_id: str
    text: str
    speaker: str | None = None
    date: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class MergedStatement:
    id: str
    members: tuple[StatementInput, ...]
    speaker: str | None
    text: str  # the longest wording
    first_reported: str | None
    vectors: Mapping[str, Vector] = field(default_factory=dict, compare=False, repr=False)

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.document_id for m in self.members))

    @property
    def sources(self) -> int:
        return len(self.documents)


@dataclass(frozen=True, slots=True)
class CommitmentInput:
    """One commitment as found in one document. `date` is when it was stated; `code`/`root`/
    `category` and `target` come from the pledged event behind it, when there is one."""

    id: str
    document_id: str
    text: str
    actor: str | None = None
    target: str | None = None
    date: str | None = None
    published: str | None = None
    code: str | None = None
    root: str | None = None
    category: str | None = None

    @property
    def stated(self) -> str | None:
        return self.date or self.published

    @property
    def code_root(self) -> str | None:
        return self.root or (self.code[:2] if self.code else None)


@dataclass(frozen=True, slots=True)
class MergedCommitment:
    """One pledge with every wording of it. `status_evidence` is the id of the deciding event."""

    id: str
    members: tuple[CommitmentInput, ...]
    actor: str | None
    target: str | None
    text: str  # the first wording
    code: str | None
    root: str | None
    category: str | None
    status: CommitmentStatus = "open"
    status_evidence: str | None = None
    vectors: Mapping[str, Vector] = field(default_factory=dict, compare=False, repr=False)

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.document_id for m in self.members))

    @property
    def sources(self) -> int:
        return len(self.documents)

    @property
    def count(self) -> int:
        """How many times it was stated (one per member)."""
        return len(self.members)

    @property
    def first_stated(self) -> str | None:
        dates = [m.stated for m in self.members if m.stated]
        return min(dates) if dates else None

    @property
    def last_stated(self) -> str | None:
        dates = [m.stated for m in self.members if m.stated]
        return max(dates) if dates else None

    @property
    def wordings(self) -> tuple[tuple[str, str | None], ...]:
        """Each wording with the date it was stated, in the order the members came."""
        return tuple((m.text, m.stated) for m in self.members)


# --- the embedding model --------------------------------------------------------------------


@cache
def default_embedder() -> Embedder | None:
    """all-MiniLM-L6-v2 from the optional `embeddings` extra, or None when it cannot load."""
    model = load_model()  # shared with the event coder's classifier: one copy in memory
    if model is None:
        return None

    def embed(texts: Sequence[str]) -> NDArray[Any]:
        encoded: NDArray[Any] = model.encode(
            list(texts),
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return encoded

    return embed


class _Texts:
    """Vectors of texts (embedder) or content-word sets (fallback), computed once per text.

    Vectors are rows of one matrix, so one product scores a text against every known text."""

    def __init__(self, embedder: Embedder | None) -> None:
        self.embedder = embedder
        self.rows: dict[str, int] = {}
        self._vectors: list[Vector] = []
        self._matrix: Vector | None = None
        self._words: dict[str, frozenset[str]] = {}
        self._names: dict[str, frozenset[str]] = {}
        self._counted: dict[str, set[str]] = {}  # document -> its names counted so far
        self._frequency: Counter[str] = Counter()
        self._weights: dict[str, float] = {}
        self._weights_total = 0

    def adopt(self, vectors: Mapping[str, Vector]) -> None:
        """Take the vectors a merged record kept (only those of the embedder's size)."""
        if self.embedder is None:
            return
        size = self._vectors[0].shape if self._vectors else None
        for text, vector in vectors.items():
            if size is None or vector.shape == size:
                self._add(text, vector)
                size = vector.shape

    def _add(self, text: str, vector: Vector) -> None:
        if text not in self.rows:
            self.rows[text] = len(self._vectors)
            self._vectors.append(vector)
            self._matrix = None

    def ensure(self, texts: Iterable[str]) -> None:
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
            self._add(text, row)

    @property
    def matrix(self) -> Vector:
        if self._matrix is None:
            self._matrix = np.stack(self._vectors)
        return self._matrix

    def scores(self, text: str) -> Vector:
        """Cosine of `text` with every known text, by row."""
        return self.matrix @ self._vectors[self.rows[text]]

    def cosine(self, a: str, b: str) -> float:
        return float(self._vectors[self.rows[a]] @ self._vectors[self.rows[b]])

    def words(self, text: str) -> frozenset[str]:
        found = self._words.get(text)
        if found is None:
            found = self._words[text] = content_words(text)
        return found

    def event_names(self, event: EventInput) -> frozenset[str]:
        """The names and numbers of an event's sentence and its document's context."""
        key = f"{event.context or ''}\n{event.sentence}"
        found = self._names.get(key)
        if found is None:
            found = self._names[key] = names(key)
        return found

    def see(self, event: EventInput) -> None:
        """Count the event's names as its document's, for their rarity (each name once per
        document)."""
        counted = self._counted.setdefault(event.document_id, set())
        fresh = self.event_names(event) - counted
        if fresh:
            counted |= fresh
            self._frequency.update(fresh)
            self._weights_total = 0  # the weights change

    def names_shared(self, a: frozenset[str], b: frozenset[str]) -> float:
        """The weight of the names two events share over the weight of all their names (at
        least `_NAMES_FLOOR`), each name weighted by its rarity among the documents seen so
        far, log((documents + 1) / (documents naming it + 1)) + 1: a name that every article
        carries says little."""
        union = a | b
        if not union:
            return 0.0
        total = len(self._counted) + 1
        if total != self._weights_total:
            self._weights.clear()
            self._weights_total = total
        return self._weight(a & b, total) / max(self._weight(union, total), _NAMES_FLOOR)

    def _weight(self, found: frozenset[str], total: int) -> float:
        """The names' summed weight (`fsum`: exact, whatever order the set iterates in)."""
        weights = self._weights
        for name in found - weights.keys():
            weights[name] = math.log(total / (1 + self._frequency[name])) + 1
        return math.fsum(weights[name] for name in found)

    def keep(self, texts: Iterable[str]) -> dict[str, Vector]:
        return {t: self._vectors[self.rows[t]] for t in texts if t in self.rows}


# --- lexical similarity ---------------------------------------------------------------------

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


def _stem(word: str) -> str:
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


def content_words(text: str) -> frozenset[str]:
    """Stems of the words that are not stop words."""
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP)


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


# The least weight of names two events are judged on: one name in common out of one is a
# quarter of a full match, not a full match (about the weight of four common names).
_NAMES_FLOOR = 4.0


def lexical_similarity(a: str, b: str, *, shorter: bool = False) -> float:
    """Jaccard overlap of content-word stems; with `shorter`, overlap over the shorter text's."""
    return _overlap(content_words(a), content_words(b), shorter=shorter)


def _overlap(a: frozenset[str], b: frozenset[str], *, shorter: bool = False) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (min(len(a), len(b)) if shorter else len(a | b))


# --- compatibility --------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_PRECISION_PARTS: dict[str, int] = {"year": 1, "month": 2, "day": 3}


def _date_parts(value: str | None, precision: Precision | None = None) -> tuple[str, ...]:
    """("2025", "08") for "2025-08"; () when unknown. A stated precision can only coarsen."""
    if not value:
        return ()
    match = _DATE.match(value)
    if match is None:
        return ()
    parts = tuple(p for p in match.groups() if p)
    if precision is not None:
        parts = parts[: _PRECISION_PARTS[precision]]
    return parts


def dates_compatible(
    a: str | None,
    b: str | None,
    a_precision: Precision | None = None,
    b_precision: Precision | None = None,
) -> bool:
    """True when the dates may name the same day: "2025" fits "2025-08", not "2024-08"; an
    unknown date fits anything."""
    pa, pb = _date_parts(a, a_precision), _date_parts(b, b_precision)
    common = min(len(pa), len(pb))
    return pa[:common] == pb[:common]


def _finer(
    a: tuple[str | None, Precision | None], b: tuple[str | None, Precision | None]
) -> tuple[str | None, Precision | None]:
    """The more precise of two compatible dates (the first on a tie)."""
    return b if len(_date_parts(*b)) > len(_date_parts(*a)) else a


def _precision_of(parts: tuple[str, ...]) -> Precision | None:
    precisions: tuple[Precision | None, ...] = (None, "year", "month", "day")
    return precisions[len(parts)]


def _day(value: str | None, precision: Precision | None = None) -> date | None:
    """The first day a date may name, for role look-ups."""
    parts = _date_parts(value, precision)
    if not parts:
        return None
    numbers = [int(p) for p in parts] + [1] * (3 - len(parts))
    try:
        return date(numbers[0], numbers[1], numbers[2])
    except ValueError:
        return None


def actors_compatible(
    a: str | None, b: str | None, knowledge: Knowledge | None = None, day: date | None = None
) -> bool:
    """True when `a` and `b` may be the same participant: equal, unknown on a side, one the
    state the other belongs to on `day`, or one the other's parent organisation."""
    if a is None or b is None or a == b:
        return True
    if knowledge is None:
        return False
    return _covers(a, b, knowledge, day) or _covers(b, a, knowledge, day)


def _covers(whole: str, part: str, knowledge: Knowledge, day: date | None) -> bool:
    """`whole` stands for `part`: it is part's state, or an ancestor organisation of it."""
    actor = knowledge.actor(whole)
    if actor is not None and actor.kind == "state" and knowledge.state_of(part, day) == whole:
        return True
    seen: set[str] = set()
    current = knowledge.actor(part)
    while current is not None and current.parent and current.parent not in seen:
        if current.parent == whole:
            return True
        seen.add(current.parent)
        current = knowledge.actor(current.parent)
    return False


def codes_compatible(
    a_root: str | None, a_category: str | None, b_root: str | None, b_category: str | None
) -> bool:
    """Same CAMEO root, or same PLOVER category; an unknown code is not compatible here (the
    merge then compares triggers instead)."""
    if a_root and b_root and a_root == b_root:
        return True
    return bool(a_category and b_category and a_category == b_category)


def _state_key(actor: str | None, knowledge: Knowledge | None, day: date | None) -> str | None:
    if actor is None or knowledge is None:
        return actor
    return knowledge.state_of(actor, day) or actor


# --- events ---------------------------------------------------------------------------------


class _EventCluster:
    """A cluster being built: its members plus what the checks need, kept up to date."""

    def __init__(self, merged: MergedEvent | None, members: Sequence[EventInput]) -> None:
        self.merged = merged  # the existing cluster, while no new member has joined
        self.stored: Mapping[str, Vector] = merged.vectors if merged is not None else {}
        self.members: list[EventInput] = []
        self.coded: list[tuple[str, str | None]] = []
        self.has_roles = False
        self.date: tuple[str | None, Precision | None] = (None, None)
        self.triggers: set[tuple[str, str, str]] = set()  # (document, sentence, trigger lemma)
        # Rows of the members' texts in `_Texts` (embeddings only), filled on first use.
        self.rows: _Rows | None = None
        for member in members:
            self._take(member)

    def _take(self, event: EventInput) -> None:
        self.members.append(event)
        root = event.code_root
        if root:
            self.coded.append((root, event.category))
        self.has_roles = self.has_roles or bool(event.source or event.target)
        self.date = _finer(self.date, (event.date, event.date_precision))
        self.triggers.add((event.document_id, event.sentence, event.trigger_lemma))

    def add(self, event: EventInput, texts: _Texts) -> None:
        self.merged = None
        self._take(event)
        if self.rows is not None:
            _append_rows(self.rows, event, texts)

    def text_rows(self, texts: _Texts) -> _Rows:
        if self.rows is None:
            texts.adopt(self.stored)
            texts.ensure(_event_texts(self.members))
            self.rows = _Rows()
            for member in self.members:
                _append_rows(self.rows, member, texts)
        return self.rows


@dataclass(slots=True)
class _Rows:
    """Per member, in order: the rows of its texts in `_Texts` (-1: no context)."""

    sentences: list[int] = field(default_factory=list)
    lemmas: list[int] = field(default_factory=list)
    phrases: list[int] = field(default_factory=list)
    contexts: list[int] = field(default_factory=list)
    coded: list[bool] = field(default_factory=list)


def _append_rows(rows: _Rows, event: EventInput, texts: _Texts) -> None:
    rows.sentences.append(texts.rows[event.sentence])
    rows.lemmas.append(texts.rows[event.trigger_lemma])
    rows.phrases.append(texts.rows[_phrase(event)])
    rows.contexts.append(texts.rows[event.context] if event.context else -1)
    rows.coded.append(event.code_root is not None)


def _phrase(event: EventInput) -> str:
    """The trigger's words, lowercased ("opened fire", "drunk driving")."""
    return " ".join(event.trigger.lower().split()) or event.trigger_lemma


def _event_texts(events: Iterable[EventInput]) -> list[str]:
    found: list[str] = []
    for event in events:
        found += [event.sentence, event.trigger_lemma, _phrase(event)]
        if event.context:
            found.append(event.context)
    return found


def _event_keys(event: EventInput) -> list[tuple[str, str]]:
    """Blocking keys of a member (each within its modality)."""
    root = event.code_root
    keys = [("lemma", event.trigger_lemma)]
    if root:
        keys.append(("root", root))
        if event.category:
            keys.append(("category", event.category))
    else:
        keys.append(("uncoded", ""))
    return keys


def _lookup_keys(event: EventInput, by_embedding: bool) -> list[tuple[str, str]]:
    """The keys under which a new event finds its candidate clusters."""
    keys = [("lemma", event.trigger_lemma)]
    root = event.code_root
    if root:
        keys.append(("root", root))
        if event.category:
            keys.append(("category", event.category))
    if by_embedding:
        # An uncoded member agrees with a similar trigger, which no key can find.
        keys.append(("uncoded", ""))
    return keys


def _roles_fit(
    event: EventInput, member: EventInput, knowledge: Knowledge | None, day: date | None
) -> tuple[bool, bool]:
    """(compatible, agree) for one member; consultations may be read either way round."""
    orders = [(event.source, event.target)]
    if event.code_root in SYMMETRIC_ROOTS:
        orders.append((event.target, event.source))
    fits = False
    for source, target in orders:
        if actors_compatible(source, member.source, knowledge, day) and actors_compatible(
            target, member.target, knowledge, day
        ):
            fits = True
            # Every event has a source; a target may be absent from both (a missile launch).
            if source and member.source and bool(target) == bool(member.target):
                return True, True
    return fits, False


def _event_fits(
    event: EventInput, cluster: _EventCluster, knowledge: Knowledge | None
) -> tuple[bool, bool]:
    """The hard cues against every member: modality, codes, date, participants.
    Returns (fits, agree): `agree` when the participants are named and compatible throughout:
    the source on both sides, the target on both or on neither."""
    if cluster.members[0].modality != event.modality:
        return False, False
    if (event.document_id, event.sentence, event.trigger_lemma) in cluster.triggers:
        return False, False  # one trigger coded each way round is two events, as CAMEO has it
    root = event.code_root
    if root and not all(codes_compatible(root, event.category, r, c) for r, c in cluster.coded):
        return False, False
    if not dates_compatible(event.date, cluster.date[0], event.date_precision, cluster.date[1]):
        return False, False
    if not cluster.has_roles and not (event.source or event.target):
        return True, False
    day = (
        _day(event.date, event.date_precision)
        or _day(cluster.date[0], cluster.date[1])
        or _day(event.published)
    )
    agree = True
    for member in cluster.members:
        fits, agrees = _roles_fit(event, member, knowledge, day)
        if not fits:
            return False, False
        agree = agree and agrees
    return True, agree


def merge_events(
    existing: Sequence[MergedEvent],
    new: Sequence[EventInput],
    *,
    knowledge: Knowledge | None = None,
    embedder: Embedder | None = None,
    thresholds: Thresholds | None = None,
    link_model: LinkModel | None = None,
) -> list[MergedEvent]:
    """`existing` clusters with the `new` events merged in (see the module documentation).
    `link_model` scores a pair of events (default: the trained one with an embedder, else the
    lexical one)."""
    limits = thresholds or (EMBEDDING_THRESHOLDS if embedder else LEXICAL_THRESHOLDS)
    model = link_model or default_link_model(lexical=embedder is None)
    texts = _Texts(embedder)
    clusters = [_EventCluster(m, m.members) for m in existing]
    index: dict[tuple[str, str, str], set[int]] = {}
    by_embedding = embedder is not None

    def register(number: int, event: EventInput) -> None:
        for kind, value in _event_keys(event):
            index.setdefault((event.modality, kind, value), set()).add(number)

    def candidates(event: EventInput) -> list[int]:
        found: set[int] = set()
        for kind, value in _lookup_keys(event, by_embedding):
            found |= index.get((event.modality, kind, value), set())
        return sorted(found)

    for number, cluster in enumerate(clusters):
        for member in cluster.members:
            register(number, member)
            texts.see(member)
    if by_embedding:
        # One batch for the new events and the members of the existing clusters they may join.
        wanted = sorted({c for event in new for c in candidates(event)})
        for number in wanted:
            texts.adopt(clusters[number].stored)
        texts.ensure(_event_texts([*new, *(m for c in wanted for m in clusters[c].members)]))
    for event in new:
        texts.see(event)
        fitting = []
        for number in candidates(event):
            fits, agree = _event_fits(event, clusters[number], knowledge)
            if fits:
                fitting.append((number, agree))
        best = _best_event_cluster(event, fitting, clusters, texts, limits, model)
        if best is None:
            clusters.append(_EventCluster(None, [event]))
            best = len(clusters) - 1
        else:
            clusters[best].add(event, texts)
        register(best, event)
    return [_merged_event(c, texts, knowledge) for c in clusters]


def candidate_pairs(
    events: Sequence[EventInput],
    embedder: Embedder | None,
    *,
    thresholds: Thresholds | None = None,
) -> tuple[list[tuple[int, int]], NDArray[np.float64]]:
    """Every pair (i, j), j < i, of `events` that `merge_events` would score by text (same
    modality, triggers agreeing), and the pairs' `event_links.FEATURES`, names weighed by their
    rarity over all the events; from word overlaps without an embedder. The link models are
    learned from these (`benchmarks/ecbplus_train.py`)."""
    limits = thresholds or (EMBEDDING_THRESHOLDS if embedder else LEXICAL_THRESHOLDS)
    texts = _Texts(embedder)
    texts.ensure(_event_texts(events))
    for event in events:
        texts.see(event)
    every = LinkModel({"names": 1.0}, 0.0, 0.0, 0.0)  # names computed, whatever the weights
    if embedder is None:
        return _lexical_pairs(events, texts, every)
    rows = _Rows()
    for event in events:
        _append_rows(rows, event, texts)
    sentences, lemmas, phrases = (np.array(r) for r in (rows.sentences, rows.lemmas, rows.phrases))
    contexts, coded = np.array(rows.contexts), np.array(rows.coded, dtype=bool)
    modalities = np.array([e.modality for e in events])
    pairs: list[tuple[int, int]] = []
    found: list[NDArray[np.float64]] = []
    for i, event in enumerate(events):
        same_lemma = lemmas[:i] == lemmas[i]
        by_lemma = texts.scores(event.trigger_lemma)[lemmas[:i]]
        by_phrase = texts.scores(_phrase(event))[phrases[:i]]
        agree = same_lemma | (by_lemma >= limits.trigger) | (by_phrase >= limits.trigger)
        if coded[i]:
            agree |= coded[:i]
        chosen = np.flatnonzero(agree & (modalities[:i] == event.modality))
        if not len(chosen):
            continue
        by_sentence = texts.scores(event.sentence)[sentences[chosen]]
        by_context = by_sentence
        if event.context:
            found_context = texts.scores(event.context)[np.maximum(contexts[chosen], 0)]
            by_context = np.where(contexts[chosen] >= 0, found_context, by_sentence)
        similarities = (by_sentence, by_context, by_lemma[chosen], by_phrase[chosen])
        members = [events[int(j)] for j in chosen]
        found.append(
            _pair_features(event, members, texts, every, (*similarities, same_lemma[chosen]))
        )
        pairs += [(i, int(j)) for j in chosen]
    matrix = np.concatenate(found) if found else np.zeros((0, len(FEATURES)))
    return pairs, matrix


def _lexical_pairs(
    events: Sequence[EventInput], texts: _Texts, model: LinkModel
) -> tuple[list[tuple[int, int]], NDArray[np.float64]]:
    lemmas = np.array([e.trigger_lemma for e in events])
    coded = np.array([e.code_root is not None for e in events], dtype=bool)
    modalities = np.array([e.modality for e in events])
    pairs: list[tuple[int, int]] = []
    found: list[NDArray[np.float64]] = []
    for i, event in enumerate(events):
        agree = lemmas[:i] == lemmas[i]
        if coded[i]:
            agree |= coded[:i]
        chosen = np.flatnonzero(agree & (modalities[:i] == event.modality))
        if len(chosen):
            members = [events[int(j)] for j in chosen]
            found.append(_lexical_features(event, members, texts, model))
            pairs += [(i, int(j)) for j in chosen]
    return pairs, np.concatenate(found) if found else np.zeros((0, len(FEATURES)))


def _best_event_cluster(
    event: EventInput,
    fitting: Sequence[tuple[int, bool]],
    clusters: Sequence[_EventCluster],
    texts: _Texts,
    limits: Thresholds,
    model: LinkModel,
) -> int | None:
    """The fitting cluster whose link to `event` clears its floor by the widest margin."""
    if not fitting:
        return None
    if texts.embedder is None:
        links = [_lexical_link(event, clusters[n].members, texts, model) for n, _ in fitting]
    else:
        links = _embedded_links(event, [clusters[n] for n, _ in fitting], texts, limits, model)
    best: int | None = None
    best_margin = 0.0
    for (number, agree), link in zip(fitting, links, strict=True):
        if link is None:
            continue
        margin = link - (model.agreed_threshold if agree else model.threshold)
        if margin >= 0 and (best is None or margin > best_margin):
            best, best_margin = number, margin
    return best


def _embedded_links(
    event: EventInput,
    clusters: Sequence[_EventCluster],
    texts: _Texts,
    limits: Thresholds,
    model: LinkModel,
) -> list[float | None]:
    """Per cluster, the best score of `event` with a member whose trigger agrees (both coded,
    same lemma, or trigger cosine >= `trigger`); None when none agrees."""
    sentences: list[int] = []
    lemmas: list[int] = []
    phrases: list[int] = []
    contexts: list[int] = []
    coded: list[bool] = []
    starts: list[int] = []
    for cluster in clusters:
        rows = cluster.text_rows(texts)
        starts.append(len(sentences))
        sentences += rows.sentences
        lemmas += rows.lemmas
        phrases += rows.phrases
        contexts += rows.contexts
        coded += rows.coded
    lemma_rows = np.array(lemmas)
    same_lemma = lemma_rows == texts.rows[event.trigger_lemma]
    by_lemma = texts.scores(event.trigger_lemma)[lemma_rows]
    by_phrase = texts.scores(_phrase(event))[np.array(phrases)]
    agree = same_lemma | (by_lemma >= limits.trigger) | (by_phrase >= limits.trigger)
    if event.code_root is not None:
        agree |= np.array(coded, dtype=bool)
    score = np.full(len(sentences), -np.inf)
    chosen = np.flatnonzero(agree)
    if len(chosen):
        members = [m for cluster in clusters for m in cluster.members]
        by_sentence = texts.scores(event.sentence)[np.array(sentences)[chosen]]
        context_rows = np.array(contexts)[chosen]
        by_context = by_sentence
        if event.context:
            found = texts.scores(event.context)[np.maximum(context_rows, 0)]
            by_context = np.where(context_rows >= 0, found, by_sentence)
        matrix = _pair_features(
            event,
            [members[row] for row in chosen],
            texts,
            model,
            (by_sentence, by_context, by_lemma[chosen], by_phrase[chosen], same_lemma[chosen]),
        )
        score[chosen] = model.scores(matrix)
    best = np.maximum.reduceat(score, np.array(starts))
    return [float(b) if np.isfinite(b) else None for b in best]


def _pair_features(
    event: EventInput,
    members: Sequence[EventInput],
    texts: _Texts,
    model: LinkModel,
    similarities: tuple[NDArray[Any], ...],
) -> NDArray[np.float64]:
    """The `event_links.FEATURES` of `event` with each member, from the similarities of
    sentence, context, trigger lemma and phrase, and lemma equality (one value per member)."""
    by_sentence, by_context, by_lemma, by_phrase, same_lemma = similarities
    shared = np.zeros(len(members))
    if model.weights.get("names") or model.weights.get("context_names"):
        own = texts.event_names(event)
        shared = np.array([texts.names_shared(own, texts.event_names(m)) for m in members])
    same_document = np.array([m.document_id == event.document_id for m in members], dtype=float)
    return features(by_sentence, by_context, shared, by_lemma, by_phrase, same_lemma, same_document)


def _lexical_link(
    event: EventInput, members: Sequence[EventInput], texts: _Texts, model: LinkModel
) -> float | None:
    """The lexical counterpart of `_embedded_links` for one cluster: triggers agree only when
    both are coded or their lemmas are equal."""
    lemma = event.trigger_lemma
    coded = event.code_root is not None
    agreeing = [
        m for m in members if (coded and m.code_root) or m.trigger_lemma == lemma
    ]  # fmt: skip
    if not agreeing:
        return None
    return float(model.scores(_lexical_features(event, agreeing, texts, model)).max())


def _lexical_features(
    event: EventInput, members: Sequence[EventInput], texts: _Texts, model: LinkModel
) -> NDArray[np.float64]:
    """`_pair_features` from word overlaps (Jaccard of content-word stems); the trigger lemmas'
    similarity is their equality."""
    words = texts.words(event.sentence)
    context = texts.words(event.context) if event.context else None
    phrase = texts.words(_phrase(event))
    by_sentence = np.array([_overlap(words, texts.words(m.sentence)) for m in members])
    by_context = np.array(
        [
            _overlap(context, texts.words(m.context)) if context is not None and m.context else s
            for m, s in zip(members, by_sentence, strict=True)
        ]
    )
    same_lemma = np.array([m.trigger_lemma == event.trigger_lemma for m in members], dtype=float)
    by_phrase = np.array([_overlap(phrase, texts.words(_phrase(m))) for m in members])
    similarities = (by_sentence, by_context, same_lemma, by_phrase, same_lemma)
    return _pair_features(event, members, texts, model, similarities)


def event_clusters(
    groups: Iterable[Sequence[EventInput]], *, knowledge: Knowledge | None = None
) -> list[MergedEvent]:
    """Merged events from clusters already decided (each in its order, e.g. as stored), so that
    a later `merge_events` can take them as `existing` without merging them again."""
    texts = _Texts(None)
    return [
        _merged_event(_EventCluster(None, group), texts, knowledge) for group in groups if group
    ]


def _merged_event(
    cluster: _EventCluster, texts: _Texts, knowledge: Knowledge | None
) -> MergedEvent:
    if cluster.merged is not None:
        return cluster.merged
    members = tuple(cluster.members)
    codes = Counter(m.code for m in members if m.code)
    typical = None
    if codes:
        top = max(codes.values())
        typical = next(m for m in members if m.code and codes[m.code] == top)
    published = [m.published for m in members if m.published]
    date_value, precision = cluster.date
    return MergedEvent(
        id=members[0].id,
        members=members,
        source=_most_specific([m.source for m in members], knowledge),
        target=_most_specific([m.target for m in members], knowledge),
        code=typical.code if typical else None,
        root=typical.code_root if typical else None,
        category=typical.category if typical else None,
        modality=members[0].modality,
        date=date_value,
        date_precision=_precision_of(_date_parts(date_value, precision)),
        first_reported=min(published) if published else None,
        vectors=texts.keep(_event_texts(members)),
    )


def _most_specific(actors: Sequence[str | None], knowledge: Knowledge | None) -> str | None:
    """The participant to show: a person or body over the state it belongs to, then the most
    often named, then the first named."""
    named = [a for a in actors if a]
    if not named:
        return None
    counts = Counter(named)

    def rank(actor: str) -> tuple[bool, int, int]:
        found = knowledge.actor(actor) if knowledge is not None else None
        specific = found is None or found.kind != "state"
        return (specific, counts[actor], -named.index(actor))

    return max(counts, key=rank)


# --- statements -----------------------------------------------------------------------------


# The fewest content words a quote trimmed by an outlet keeps and still says which quote it is:
# one or two ("peacemaker", "talks") would match every longer quote holding them.
_TRIMMED_WORDS = 3


def _similarity(a: str, b: str, texts: _Texts) -> float:
    """Statements and commitments: embedding cosine, or the lexical overlap over the shorter
    text (with embeddings, the larger of the two, so a trimmed quote still matches). A text of
    fewer than `_TRIMMED_WORDS` content words is no trimmed quote: over the union then."""
    words_a, words_b = texts.words(a), texts.words(b)
    trimmed = min(len(words_a), len(words_b)) >= _TRIMMED_WORDS
    lexical = _overlap(words_a, words_b, shorter=trimmed)
    if texts.embedder is None:
        return lexical
    return max(texts.cosine(a, b), lexical)


def merge_statements(
    existing: Sequence[MergedStatement],
    new: Sequence[StatementInput],
    *,
    knowledge: Knowledge | None = None,
    embedder: Embedder | None = None,
    thresholds: Thresholds | None = None,
) -> list[MergedStatement]:
    """`existing` statements with the `new` ones merged in: compatible speakers, near-identical
    text. Blocked by the speaker's state (unknown speakers: one block)."""
    limits = thresholds or (EMBEDDING_THRESHOLDS if embedder else LEXICAL_THRESHOLDS)
    texts = _Texts(embedder)

    def day(item: StatementInput) -> date | None:
        return _day(item.date) or _day(item.published)

    def fits(item: StatementInput, members: Sequence[StatementInput]) -> bool:
        return all(
            actors_compatible(item.speaker, m.speaker, knowledge, day(item)) for m in members
        )

    groups, changed = _merge_worded(
        [list(m.members) for m in existing],
        [m.vectors for m in existing],
        new,
        _Wording(
            lambda i: i.speaker,
            day,
            fits,
            limits.statement,
            limits.statement_strong,
            share=None if embedder else min(limits.statement, limits.statement_strong),
        ),
        knowledge,
        texts,
    )
    return [
        _merged_statement(g, texts, knowledge) if i in changed else existing[i]
        for i, g in enumerate(groups)
    ]


@dataclass(frozen=True, slots=True)
class _Wording(Generic[_W]):
    """How `_merge_worded` reads one kind of item: who said it, when, what must agree, and the
    similarity floors with the actor known on both sides or not."""

    actor: Callable[[_W], str | None]
    day: Callable[[_W], date | None]
    fits: Callable[[_W, Sequence[_W]], bool]
    floor: float
    floor_unknown: float
    # Compare only with groups holding a wording that shares this share of the shorter one's
    # content words (None: every group of the block). Exact when the similarity is lexical.
    share: float | None = None


def _merge_worded(
    groups: list[list[_W]],
    vectors: Sequence[Mapping[str, Vector]],
    new: Sequence[_W],
    how: _Wording[_W],
    knowledge: Knowledge | None,
    texts: _Texts,
) -> tuple[list[list[_W]], set[int]]:
    """Statements and commitments: each new item joins the group whose closest wording clears
    the floor by the widest margin, or starts a group. Blocked by the actor's state (unknown
    actors: one block). Returns the groups and the numbers of those that changed."""
    index: dict[str | None, set[int]] = {}
    changed = set(range(len(vectors), len(groups)))
    postings: dict[str, list[int]] = {}  # content word -> the wordings (numbered) holding it
    sizes: list[int] = []  # per wording: its number of content words
    owners: list[int] = []  # per wording: its group

    def register(number: int, item: _W) -> None:
        index.setdefault(_state_key(how.actor(item), knowledge, how.day(item)), set()).add(number)
        if how.share is not None:
            words = texts.words(item.text)
            for word in words:
                postings.setdefault(word, []).append(len(sizes))
            sizes.append(len(words))
            owners.append(number)

    def sharing(item: _W) -> set[int]:
        """The groups holding a wording that shares most of the words of `item` or of itself."""
        words = texts.words(item.text)
        shared = Counter(n for word in words for n in postings.get(word, ()))
        assert how.share is not None
        return {owners[n] for n, k in shared.items() if k >= how.share * min(len(words), sizes[n])}

    for number, members in enumerate(groups):
        for member in members:
            register(number, member)

    def candidates(item: _W) -> list[int]:
        # An unknown actor may be anyone; a known one may be in the unknown block.
        key = _state_key(how.actor(item), knowledge, how.day(item))
        pool = set().union(*index.values()) if key is None else index.get(key, set())
        pool = pool | index.get(None, set())
        return sorted(pool if how.share is None else pool & sharing(item))

    wanted = sorted({c for item in new for c in candidates(item)})
    for number in wanted:
        if number < len(vectors):
            texts.adopt(vectors[number])
    texts.ensure([i.text for i in new] + [m.text for c in wanted for m in groups[c]])
    for item in new:
        best: int | None = None
        best_margin = 0.0
        for number in candidates(item):
            members = groups[number]
            if not how.fits(item, members):
                continue
            known = how.actor(item) is not None and all(how.actor(m) for m in members)
            floor = how.floor if known else how.floor_unknown
            margin = max(_similarity(item.text, m.text, texts) for m in members) - floor
            if margin >= 0 and (best is None or margin > best_margin):
                best, best_margin = number, margin
        if best is None:
            groups.append([item])
            best = len(groups) - 1
        else:
            groups[best].append(item)
        changed.add(best)
        register(best, item)
    return groups, changed


def statement_clusters(
    groups: Iterable[Sequence[StatementInput]], *, knowledge: Knowledge | None = None
) -> list[MergedStatement]:
    """Merged statements from groups already decided (each in its order, e.g. as stored), so
    that a later `merge_statements` can take them as `existing` without merging them again."""
    texts = _Texts(None)
    return [_merged_statement(list(group), texts, knowledge) for group in groups]


def _merged_statement(
    members: list[StatementInput], texts: _Texts, knowledge: Knowledge | None
) -> MergedStatement:
    published = [m.published for m in members if m.published]
    return MergedStatement(
        id=members[0].id,
        members=tuple(members),
        speaker=_most_specific([m.speaker for m in members], knowledge),
        text=max((m.text for m in members), key=len),
        first_reported=min(published) if published else None,
        vectors=texts.keep(m.text for m in members),
    )


# --- commitments ----------------------------------------------------------------------------


def merge_commitments(
    existing: Sequence[MergedCommitment],
    new: Sequence[CommitmentInput],
    *,
    knowledge: Knowledge | None = None,
    embedder: Embedder | None = None,
    thresholds: Thresholds | None = None,
) -> list[MergedCommitment]:
    """`existing` commitments with the `new` ones merged in: compatible actor (and target and
    code when both are known), similar wording. Blocked by the actor's state. Statuses are
    carried over; `resolve_commitments` decides them."""
    limits = thresholds or (EMBEDDING_THRESHOLDS if embedder else LEXICAL_THRESHOLDS)
    texts = _Texts(embedder)
    groups, changed = _merge_worded(
        [list(m.members) for m in existing],
        [m.vectors for m in existing],
        new,
        _Wording(
            lambda i: i.actor,
            lambda i: _day(i.stated),
            lambda i, members: _commitment_fits(i, members, knowledge),
            limits.commitment,
            limits.commitment_strong,
        ),
        knowledge,
        texts,
    )
    return [
        _merged_commitment(g, texts, knowledge, existing[i] if i < len(existing) else None)
        if i in changed
        else existing[i]
        for i, g in enumerate(groups)
    ]


def _commitment_fits(
    item: CommitmentInput, members: Sequence[CommitmentInput], knowledge: Knowledge | None
) -> bool:
    day = _day(item.stated)
    for member in members:
        # Targets are not compared: one pledge names several addressees ("talks between the
        # US and North Korea" is coded toward each), and restatements pick different ones.
        if not actors_compatible(item.actor, member.actor, knowledge, day):
            return False
        if (
            item.code_root
            and member.code_root
            and not codes_compatible(
                item.code_root, item.category, member.code_root, member.category
            )
        ):
            return False
    return True


def commitment_clusters(
    groups: Iterable[tuple[Sequence[CommitmentInput], CommitmentStatus, str | None]],
    *,
    knowledge: Knowledge | None = None,
) -> list[MergedCommitment]:
    """Merged commitments from groups already decided, each with its status and evidence (e.g.
    as stored), so that a later `merge_commitments` can take them as `existing`."""
    texts = _Texts(None)
    return [
        replace(
            _merged_commitment(list(members), texts, knowledge, None),
            status=status,
            status_evidence=evidence,
        )
        for members, status, evidence in groups
        if members
    ]


def _merged_commitment(
    members: list[CommitmentInput],
    texts: _Texts,
    knowledge: Knowledge | None,
    previous: MergedCommitment | None,
) -> MergedCommitment:
    """A new or grown commitment; a grown one keeps the status it had until
    `resolve_commitments` looks at it again."""
    coded = next((m for m in members if m.code), None)
    return MergedCommitment(
        id=members[0].id,
        members=tuple(members),
        actor=_most_specific([m.actor for m in members], knowledge),
        target=_most_specific([m.target for m in members], knowledge),
        text=members[0].text,
        code=coded.code if coded else None,
        root=coded.code_root if coded else None,
        category=coded.category if coded else None,
        status=previous.status if previous is not None else "open",
        status_evidence=previous.status_evidence if previous is not None else None,
        vectors=texts.keep(m.text for m in members),
    )


Verdict = Literal["fulfilled", "contradicted"]


def resolve_commitments(
    commitments: Sequence[MergedCommitment],
    events: Sequence[EventInput],
    *,
    knowledge: Knowledge | None = None,
    embedder: Embedder | None = None,
    thresholds: Thresholds | None = None,
    cameo: Mapping[str, Cameo] | None = None,
) -> list[MergedCommitment]:
    """Each commitment with its status decided by the `events` (all of them, or the ones since
    the last call together with the commitments' current status): see the module documentation.
    `cameo` (default: the shipped codes) maps an action to the code of the intent to do it."""
    limits = thresholds or (EMBEDDING_THRESHOLDS if embedder else LEXICAL_THRESHOLDS)
    codes = cameo if cameo is not None else default_knowledge().events.cameo
    texts = _Texts(embedder)
    by_state: dict[str | None, list[EventInput]] = {}
    for event in events:
        day = _day(event.date, event.date_precision) or _day(event.published)
        by_state.setdefault(_state_key(event.source, knowledge, day), []).append(event)
    pools: list[list[EventInput]] = []
    for commitment in commitments:
        key = _state_key(commitment.actor, knowledge, _day(commitment.first_stated))
        pools.append(by_state.get(key, []) if commitment.actor is not None else [])
        if pools[-1]:
            texts.adopt(commitment.vectors)
    texts.ensure(
        [m.text for c, p in zip(commitments, pools, strict=True) if p for m in c.members]
        + [e.sentence for p in pools for e in p]
    )
    resolved = []
    for commitment, pool in zip(commitments, pools, strict=True):
        decided: tuple[str, Verdict, EventInput] | None = None
        for event in pool:
            verdict = _verdict(commitment, event, texts, knowledge, limits, codes)
            if verdict is None:
                continue
            when = event.date or event.published or ""
            if decided is None or when >= decided[0]:
                decided = (when, verdict, event)
        if decided is None:
            resolved.append(commitment)  # nothing new: the status stays as it was
        else:
            resolved.append(replace(commitment, status=decided[1], status_evidence=decided[2].id))
    return resolved


def _verdict(
    commitment: MergedCommitment,
    event: EventInput,
    texts: _Texts,
    knowledge: Knowledge | None,
    limits: Thresholds,
    codes: Mapping[str, Cameo],
) -> Verdict | None:
    """What `event` says of `commitment`, if anything (its actor was matched by blocking)."""
    if event.source is None or event.modality not in ("actual", "negated"):
        return None
    if commitment.code is None and commitment.target is None:
        return None  # neither what nor toward whom: too little to tell a kept promise by
    if not _known_after(event, commitment.first_stated):
        return None
    if any(_states(m, event) for m in commitment.members):
        return None  # the sentence that makes the pledge does not also keep or break it
    day = _day(event.date, event.date_precision) or _day(event.published)
    if not actors_compatible(commitment.actor, event.source, knowledge, day):
        return None
    similarity = max(_similarity(m.text, event.sentence, texts) for m in commitment.members)
    same_target = actors_compatible(commitment.target, event.target, knowledge, day)
    if same_target and similarity >= limits.fulfil and _carries_out(commitment, event, codes):
        return "fulfilled" if event.modality == "actual" else "contradicted"
    opposite = (
        event.modality == "actual"
        and commitment.root in COOPERATIVE_ROOTS
        and event.code_root in CONFLICTUAL_ROOTS
        and commitment.target is not None
        and event.target is not None
    )
    if opposite and same_target and similarity >= limits.contradict:
        return "contradicted"
    return None


def _states(member: CommitmentInput, event: EventInput) -> bool:
    """The event's sentence is where this wording of the pledge was stated."""
    head = " ".join(member.text.split()[:8])
    return member.document_id == event.document_id and head in " ".join(event.sentence.split())


def _known_after(event: EventInput, stated: str | None) -> bool:
    """The event is known to come after the commitment was first stated: later at the precision
    both dates share ("2025-08" is not known to follow a pledge dated only "2025")."""
    when = _date_parts(event.date, event.date_precision) or _date_parts(event.published)
    first = _date_parts(stated)
    common = min(len(when), len(first))
    return when[:common] > first[:common]


def _carries_out(
    commitment: MergedCommitment, event: EventInput, codes: Mapping[str, Cameo]
) -> bool:
    """The event's code does what the pledge promised: the pledge is coded as the intent to do
    this action (036 for a meeting), or with the action's own root. An uncoded pledge is kept
    (or broken, negated) only by a deed, `DEED_ROOTS`: saying, appealing, intending again,
    demanding or disapproving keeps no promise. An uncoded event: the text decides."""
    if not event.code:
        return True
    if not commitment.code:
        return event.code_root in DEED_ROOTS
    entry = codes.get(event.code)
    intent = entry.intent if entry is not None else None
    if intent and (intent.startswith(commitment.code) or commitment.code.startswith(intent)):
        return True
    if intent and commitment.code.endswith("0") and intent[:2] == commitment.code[:2]:
        return True  # a generic intent ("030": intent to cooperate) fits any specific one
    return codes_compatible(commitment.root, commitment.category, event.code_root, event.category)

"""The event link model's features: what a pair of event reports is scored on.

`knowledge.links.LinkModel` holds the weights (`data/event_links*.json`, trained on ECB+ by
`benchmarks/ecbplus_train.py`); this module computes, for one event and some others, one row of
`FEATURES` per pair: the similarity of the sentences; that of the documents' `context` (headline
and lead; the sentences' when one has none): two reports of one happening usually come from
articles about one story, while the same verb in another story is another happening; the share
of names the two have in common (`similarity.names_shared`: capitalised words and numbers of the
sentence and the context: who, where, how many, which day); the triggers' similarity; whether
both come from one article. Every feature is a function of the pair alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from peninsula.knowledge.links import FEATURES, LinkModel
from peninsula.merge.inputs import EventInput
from peninsula.merge.similarity import DECIMALS, Texts, first_stem, names_shared, overlap

__all__ = ["FEATURES", "LinkModel", "features", "lemma", "pair_features", "phrase"]

Matrix = NDArray[np.float64]


def features(
    sentence: Matrix,
    context: Matrix,
    names: Matrix,
    trigger_lemma: Matrix,
    trigger_phrase: Matrix,
    same_lemma: Matrix,
    same_document: Matrix,
) -> Matrix:
    """One row per pair, one column per name in `FEATURES` (arguments: one value per pair)."""
    columns = [sentence, context, names, trigger_lemma, trigger_phrase, same_lemma, same_document]
    columns += [sentence * same_document, context * names]
    return np.stack([np.asarray(c, dtype=np.float64) for c in columns], axis=1)


def lemma(event: EventInput) -> str:
    """The trigger's lemma, lowercased (default: a stem of its first word)."""
    return event.lemma.lower() if event.lemma else first_stem(event.trigger)


def phrase(event: EventInput) -> str:
    """The trigger's words, lowercased ("opened fire", "drunk driving")."""
    return " ".join(event.trigger.lower().split()) or lemma(event)


def texts_of(events: Sequence[EventInput]) -> list[str]:
    """What the embedder is asked for, per event: sentence, lemma, phrase and context."""
    found: list[str] = []
    for event in events:
        found += [event.sentence, lemma(event), phrase(event)]
        if event.context:
            found.append(event.context)
    return found


def _names(event: EventInput, texts: Texts) -> frozenset[str]:
    return texts.names(f"{event.context or ''}\n{event.sentence}")


def pair_features(event: EventInput, others: Sequence[EventInput], texts: Texts) -> Matrix:
    """The `FEATURES` of `event` with each of `others`: by embedding cosine when `texts` has an
    embedder (every text embedded first: `texts_of`), else by word overlap (Jaccard of content
    stems; the lemmas' similarity is then their equality)."""
    if not others:
        return np.zeros((0, len(FEATURES)))
    same_lemma = np.array([lemma(o) == lemma(event) for o in others], dtype=float)
    if texts.embedder is not None:
        by_sentence = texts.cosines(event.sentence, [o.sentence for o in others])
        by_lemma = texts.cosines(lemma(event), [lemma(o) for o in others])
        by_phrase = texts.cosines(phrase(event), [phrase(o) for o in others])
        by_context = by_sentence.copy()
        if event.context:
            having = [i for i, o in enumerate(others) if o.context]
            contexts = [others[i].context or "" for i in having]
            by_context[having] = texts.cosines(event.context, contexts)
    else:
        words = texts.words(event.sentence)
        by_sentence = _overlaps(words, [texts.words(o.sentence) for o in others])
        by_context = by_sentence.copy()
        if event.context:
            own = texts.words(event.context)
            for i, o in enumerate(others):
                if o.context:
                    by_context[i] = round(overlap(own, texts.words(o.context)), DECIMALS)
        by_lemma = same_lemma
        by_phrase = _overlaps(texts.words(phrase(event)), [texts.words(phrase(o)) for o in others])
    own_names = _names(event, texts)
    shared = np.array([names_shared(own_names, _names(o, texts)) for o in others])
    same_document = np.array([o.document_id == event.document_id for o in others], dtype=float)
    return features(by_sentence, by_context, shared, by_lemma, by_phrase, same_lemma, same_document)


def _overlaps(words: frozenset[str], others: Sequence[frozenset[str]]) -> Matrix:
    return np.array([round(overlap(words, o), DECIMALS) for o in others])


def scores(model: LinkModel, matrix: Matrix) -> Matrix:
    """The model's score of each pair, rounded: a pair scores the same in any batch."""
    return np.round(model.scores(matrix), DECIMALS)

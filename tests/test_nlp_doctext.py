"""The document text joined once, and the trigger depths shared along the heads: the same
answers as spaCy's `Doc.text` and as walking the heads from every word."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from peninsula.nlp.doctext import text_of
from peninsula.nlp.triggers import _depth


def _doc(words: list[str], heads: list[int]) -> Doc:
    vocab = spacy.blank("en").vocab
    return Doc(vocab, words=words, heads=heads, deps=["dep"] * len(words))


def test_text_of_is_the_docs_text_joined_once() -> None:
    doc = spacy.blank("en")("The envoy said on Monday that talks would resume.")
    first = text_of(doc)
    assert first == doc.text
    assert text_of(doc) is first
    other = spacy.blank("en")("Another text entirely.")
    assert text_of(other) == other.text


def test_depths_with_shared_walks_equal_single_walks() -> None:
    # a chain of 16 words, each hanging on the next, the last the root: deeper than the cap
    words = [f"w{i}" for i in range(16)]
    chain = _doc(words, [min(i + 1, 15) for i in range(16)])
    for top in (15, 14, 9, 3):
        known: dict[int, int] = {}
        for order in (range(16), reversed(range(16))):
            for i in order:
                assert _depth(chain[i], chain[top], known) == _depth(chain[i], chain[top])
    # a tree: two branches under one root, depths below a branch and below the root
    tree = _doc(["a", "b", "c", "d", "e", "f"], [1, 2, 2, 4, 2, 4])
    for top in range(6):
        known = {}
        for i in (5, 0, 3, 1, 4, 2):
            assert _depth(tree[i], tree[top], known) == _depth(tree[i], tree[top])

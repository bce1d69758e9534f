"""How a pledged event is coded: CAMEO's intent code, except where the data keeps the category."""

from __future__ import annotations

from peninsula.knowledge import default_knowledge
from peninsula.nlp.modality import coded_as


def test_a_pledge_to_cooperate_or_fight_is_the_intent_to() -> None:
    data = default_knowledge().events
    assert coded_as("061", "pledged", data) == "0311"
    assert coded_as("190", "pledged", data) == "1384"
    assert coded_as("061", "actual", data) == "061"


def test_scheduled_meetings_and_announced_sanctions_keep_their_category() -> None:
    data = default_knowledge().events
    assert coded_as("042", "pledged", data) == "042"
    assert coded_as("163", "pledged", data) == "163"
    assert data.cameo[coded_as("046", "pledged", data)].plover == "CONSULT"

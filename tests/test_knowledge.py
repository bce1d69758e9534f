"""Data files load and validate; every error names the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from peninsula.errors import DataFileError
from peninsula.knowledge import default_knowledge, load_knowledge


def test_shipped_data_loads() -> None:
    knowledge = default_knowledge()
    assert knowledge.actor("lee_jae_myung") is not None
    trump = [r for r in knowledge.roles if r.actor == "donald_trump"]
    assert len(trump) == 2
    assert any(o.id_pattern is not None for o in knowledge.outlets)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,name,kind\nx,X,planet\n", ":2: kind 'planet' not one of"),
        (
            "id,name,kind,country\nx,X,state,Korea\n",
            ":2: country 'Korea' is not ISO 3166-1 alpha-3",
        ),
        ("id,name\nx,X\n", ":1: missing column(s): kind"),
        ("id,name,kind\nx,,person\n", ":2: empty 'name'"),
        ("id,name,kind\nx,X,person,extra\n", ":2: more values than columns"),
    ],
)
def test_bad_actor_file_names_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(content)
    with pytest.raises(DataFileError) as info:
        load_knowledge((path,))
    assert str(info.value).startswith(str(path))
    assert message in str(info.value)


def test_user_actor_file_extends_the_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("id,name,kind,country,aliases\nfreedonia,Freedonia,state,FRD,\n")
    assert load_knowledge((path,)).actor("freedonia") is not None
    path.write_text("id,name,kind\nKOR,Korea again,state\n")
    with pytest.raises(DataFileError, match="duplicate actor id 'KOR'"):
        load_knowledge((path,))

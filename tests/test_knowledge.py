"""Data files load and validate; every error names the file and line."""

from __future__ import annotations

from datetime import date
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
    path.write_text("id,name,kind,country,aliases\nFRD,Freedonia,state,FRD,\n")
    assert load_knowledge((path,)).actor("FRD") is not None
    path.write_text("id,name,kind\nKOR,Korea again,state\n")
    with pytest.raises(DataFileError, match="duplicate actor id 'KOR'"):
        load_knowledge((path,))


def test_roles_file_is_checked_for_overlaps_dates_and_ids(tmp_path: Path) -> None:
    path = tmp_path / "roles.csv"
    header = "actor,title,of,start,end,source\n"
    cases = {
        "lee_jae_myung,President,KOR,2025-06-04,2025-13-01,x\n": ":2: end '2025-13-01' is not",
        "nobody,President,KOR,2025-06-04,,x\n": ":2: unknown actor id 'nobody'",
        "lee_jae_myung,President,XXX,2025-06-04,,x\n": ":2: unknown 'of' id 'XXX'",
        "lee_jae_myung,President,KOR,2025-07-01,,x\n": ":2: role President of KOR for lee_jae",
        "lee_jae_myung,Envoy,KOR,2020-01-02,2020-01-01,x\n": ":2: end 2020-01-01 is before start",
    }
    for row, message in cases.items():
        path.write_text(header + row)
        with pytest.raises(DataFileError) as info:
            load_knowledge((path,))
        assert message in str(info.value), row


def test_jsonl_actor_file_with_nested_roles(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(
        '{"id": "FRD", "name": "Freedonia", "kind": "state"}\n'
        '{"id": "firefly", "name": "Rufus T. Firefly", "kind": "person", "country": "FRD",'
        ' "roles": [{"title": "President", "of": "FRD", "start": "1933-11-17"}]}\n'
        '{"id": "bad", "name": "Bad", "kind": "person", "roles": [{"title": "x"}]}\n'
    )
    with pytest.raises(DataFileError, match=r"mine.jsonl:3: each role needs title and of"):
        load_knowledge((path,))
    path.write_text("\n".join(path.read_text().splitlines()[:2]) + "\n")
    knowledge = load_knowledge((path,))
    [holder] = knowledge.holders("President", "FRD", date(1934, 1, 1))
    assert holder.id == "firefly"
    assert knowledge.state_of("firefly") == "FRD"


def test_dated_roles_answer_who_held_a_title_when() -> None:
    knowledge = default_knowledge()
    assert [a.id for a in knowledge.holders("President", "KOR", date(2026, 1, 1))] == [
        "lee_jae_myung"
    ]
    assert [a.id for a in knowledge.holders("President", "KOR", date(2023, 1, 1))] == [
        "yoon_suk_yeol"
    ]
    assert [a.id for a in knowledge.holders("President", "USA", date(2019, 1, 1))] == [
        "donald_trump"
    ]
    assert knowledge.holders("President", "USA", date(2022, 1, 1))[0].id == "joe_biden"


def test_a_states_government_and_name_order_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    header = "id,name,kind,country,parent,government,name_order\n"
    body = "frd_gov,Freedonian government,organization,FRD,FRD,,\n"
    path.write_text(header + "FRD,Freedonia,state,FRD,,frd_gov,family-given\n" + body)
    freedonia = load_knowledge((path,)).actor("FRD")
    assert freedonia is not None
    assert (freedonia.government, freedonia.family_name_first) == ("frd_gov", True)
    cases = {
        "FRD,Freedonia,state,FRD,,frd_gov,surname-first\n": ":2: name_order 'surname-first'",
        "FRD,Freedonia,state,FRD,,nobody,\n": ":2: unknown government 'nobody'",
        "FRD,Freedonia,state,FRD,,kor_gov,\n": ":2: government 'kor_gov' is not a body of FRD",
        "FRD,Freedonia,organization,,,frd_gov,\n": ":2: only a state has a government",
    }
    for row, message in cases.items():
        path.write_text(header + row + body)
        with pytest.raises(DataFileError) as info:
            load_knowledge((path,))
        assert message in str(info.value), row

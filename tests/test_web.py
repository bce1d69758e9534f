"""The web app and its JSON API, through FastAPI's test client, over a small built store."""

from __future__ import annotations

import html as htmlmod
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from peninsula import pipeline
from peninsula.errors import NotFound
from peninsula.knowledge import default_knowledge
from peninsula.settings import Settings
from peninsula.store import Store
from peninsula.web import create_app
from peninsula.web.paging import decode_key, encode_cursor
from peninsula.web.safety import http_url
from tests.conftest import EXAMPLES, TODAY

HOSTILE = {
    "title": "<script>alert('title')</script> Invented hostile bulletin",
    "url": "javascript:alert(1)",
    "outlet": "Nowhere Wire",
    "published": "2026-02-03",
    "text": (
        "SEOUL, Feb 3 -- The spokesperson said <img src=x onerror=alert(1)> nothing. "
        "<script>alert('body')</script> Officials met in Seoul on Tuesday."
    ),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("web")
    path = base / "kb.duckdb"
    hostile = base / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    settings = Settings(db_path=path, workers=1, batch_size=8, embeddings=False)
    with Store(path) as writable:
        pipeline.build(
            [str(EXAMPLES), str(hostile)], writable, default_knowledge(), settings, TODAY
        )
    return path


def _settings(db: Path) -> Settings:
    return Settings(db_path=db, workers=1, batch_size=8, embeddings=False)


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db, settings=_settings(db))) as c:
        yield c


def _json(client: TestClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def _first_event(client: TestClient) -> dict[str, Any]:
    rows = _json(client, "/api/timeline?kind=event&limit=500")["items"]
    assert rows
    return rows[0]  # type: ignore[no-any-return]


def test_every_page_renders_with_a_strict_policy(client: TestClient) -> None:
    for url in ("/", "/actors", "/documents", "/timeline", "/relations", "/commitments"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/html")
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy
        assert "<script" not in response.text.lower()


def test_the_overview_shows_counts_newest_documents_and_relations(client: TestClient) -> None:
    data = _json(client, "/api/overview")
    assert data["counts"]["documents"] >= 4
    assert data["newest"] and all("id" in d for d in data["newest"])
    html = client.get("/").text
    for d in data["newest"]:
        assert "/documents/" + quote(d["id"]) in html
    latest = max(m["month"] for m in _json(client, "/api/relations?limit=500")["items"])
    year, month = divmod(int(data["since"][:4]) * 12 + int(data["since"][5:7]) - 1 + 11, 12)
    assert f"{year:04d}-{month + 1:02d}" >= latest  # twelve months up to the last event's
    assert all(m["month"] >= data["since"] for m in data["relations"])
    charted = {(c["a"], c["b"]) for c in data["charts"]}
    assert {(m["a"], m["b"]) for m in data["relations"]} == charted
    for month in data["relations"]:
        assert "event_ids" not in month  # the overview stays small: each href lists them
        assert 'href="' + month["href"] + '"' in html


def test_health_and_openapi(client: TestClient) -> None:
    assert _json(client, "/api/health")["status"] == "ok"
    paths = _json(client, "/openapi.json")["paths"]
    for path in ("/api/timeline", "/api/relations", "/api/events/{event_id}", "/api/articles"):
        assert path in paths
    assert "/timeline" not in paths  # the HTML pages are not part of the API


def test_an_event_shows_every_evidence_sentence_with_a_link_to_its_document(
    client: TestClient,
) -> None:
    row = _first_event(client)
    event = _json(client, f"/api/events/{row['id']}")
    assert event["id"] == row["id"] and event["evidence"]
    html = client.get(f"/events/{row['id']}").text
    for e in event["evidence"]:
        assert "/documents/" + quote(e["document_id"]) in html
    document = _json(client, f"/api/documents/{event['evidence'][0]['document_id']}")
    assert document["text"] and any(e["merged_id"] == row["id"] for e in document["events"])
    page = client.get(f"/documents/{document['id']}")
    assert page.status_code == 200 and "/events/" + quote(row["id"]) in page.text


def test_actor_pages(client: TestClient) -> None:
    row = _first_event(client)
    actor_id = row["actors"][0]["id"]
    data = _json(client, f"/api/actors/{actor_id}")
    assert data["actor"]["id"] == actor_id
    assert any(r["id"] == row["id"] for r in data["timeline"])
    assert client.get(f"/actors/{actor_id}").status_code == 200
    listing = _json(client, "/api/actors?limit=5")
    assert len(listing["items"]) <= 5 and listing["total"] >= len(listing["items"])


def test_timeline_filters_and_pagination(client: TestClient) -> None:
    everything = _json(client, "/api/timeline?limit=500")
    assert everything["total"] is None and len(everything["items"]) > 2
    assert everything["next_cursor"] is None and everything["prev_cursor"] is None
    second = _json(client, "/api/timeline?offset=1&limit=1")
    assert second["items"] == everything["items"][1:2]
    third = _json(client, "/api/timeline?limit=1&cursor=" + second["next_cursor"])
    assert third["items"] == everything["items"][2:3]
    back = _json(client, "/api/timeline?limit=1&cursor=" + third["prev_cursor"])
    assert back["items"] == second["items"]
    statements = _json(client, "/api/timeline?kind=statement&limit=500")["items"]
    assert statements and {r["kind"] for r in statements} == {"statement"}
    dated = _json(client, "/api/timeline?kind=event&since=2026&until=2026&limit=500")["items"]
    assert dated and all(r["date"] and r["date"].startswith("2026") for r in dated)
    html = client.get("/timeline?kind=statement&limit=1").text
    assert 'rel="next"' in html and "kind=statement" in html and "cursor=" in html


def test_timeline_pages_follow_their_rows_by_key(client: TestClient) -> None:
    everything = _json(client, "/api/timeline?limit=500")["items"]
    walked: list[dict[str, Any]] = []
    url = "/api/timeline?limit=2"
    while True:
        found = _json(client, url)
        walked += found["items"]
        if found["next_cursor"] is None:
            break
        assert decode_key(found["next_cursor"]) is not None  # read from just after the last row
        url = "/api/timeline?limit=2&cursor=" + found["next_cursor"]
    assert walked == everything
    forged = encode_cursor(2, "bm90IGEga2V5")
    assert client.get("/api/timeline?limit=2&cursor=" + forged).status_code in (400, 422)


def test_timeline_category_and_modality(client: TestClient) -> None:
    events = _json(client, "/api/timeline?kind=event&limit=500")["items"]
    category = next(r["category"] for r in events if r["category"])
    found = _json(client, f"/api/timeline?category={category.lower()}&limit=500")["items"]
    assert found == [r for r in events if r["category"] == category]
    for modality in ("actual", "pledged", "negated"):
        kept = _json(client, f"/api/timeline?modality={modality}&limit=500")["items"]
        assert kept == [r for r in events if r["modality"] == modality], modality
    paged = _json(client, f"/api/timeline?category={category}&limit=1")
    if len(found) > 1:
        follow = _json(
            client, f"/api/timeline?category={category}&limit=1&cursor={paged['next_cursor']}"
        )
        assert follow["items"] == found[1:2]
    code = events[0]["code"][:2]
    by_code = _json(client, f"/api/timeline?code={code}&limit=500")["items"]
    assert by_code == [r for r in events if r["code"].startswith(code)]
    assert client.get("/api/timeline?code=x1").status_code == 422
    assert client.get("/api/timeline?modality=maybe").status_code == 422
    assert client.get("/api/timeline?cursor=not-a-cursor").status_code == 422
    html = client.get(f"/timeline?category={category}&modality=actual").text
    assert 'name="category" placeholder="AGREE" value="' + category in html


def test_relations_and_commitments(client: TestClient) -> None:
    relations = _json(client, "/api/relations?limit=500")
    for month in relations["items"]:
        assert month["a"] < month["b"]
    assert relations["charts"]
    if relations["items"]:
        first = relations["items"][0]
        pair = _json(client, f"/api/relations?pair={first['a']},{first['b']}&limit=500")
        assert pair["items"] and {(m["a"], m["b"]) for m in pair["items"]} == {
            (first["a"], first["b"])
        }
    commitments = _json(client, "/api/commitments")
    assert commitments["total"] == len(commitments["items"]) or commitments["total"] > 50


def test_relations_by_modality_keep_only_those_events(client: TestClient) -> None:
    everything = _json(client, "/api/relations?limit=500")["items"]
    actual = _json(client, "/api/relations?modality=actual&limit=500")["items"]
    keys = ("a", "b", "month", "mean_goldstein", "count", "event_ids")
    assert [{k: m[k] for k in keys} for m in actual] == [
        {k: m[k] for k in keys} for m in everything if m["event_ids"]
    ]
    for m in actual:
        assert m["other_ids"] == [] and m["pledged"] == m["hypothetical"] == m["negated"] == 0
    kor = _json(client, "/api/relations?actor=South Korea&limit=500")["items"]
    assert kor and kor == [m for m in everything if "KOR" in (m["a"], m["b"])]
    person = _json(client, "/api/relations?actor=lee_jae_myung&limit=500")["items"]
    assert person == kor  # a person's relations are those of their state
    pledged = _json(client, "/api/relations?modality=pledged&limit=500")["items"]
    for m in pledged:
        assert m["event_ids"] == [] and m["mean_goldstein"] is None and m["pledged"] > 0


def test_every_chart_point_links_to_the_events_behind_it(client: TestClient) -> None:
    data = _json(client, "/api/overview")
    assert data["charts"], "the demo has relations between states"
    html = client.get("/").text
    assert "<svg" in html and "<script" not in html
    for chart in data["charts"]:
        for point in chart["points"]:
            assert 'href="' + point["href"] + '"' in html
    point = data["charts"][0]["points"][0]
    everything = _json(client, "/api/relations?limit=500")["items"]
    month = next(
        m
        for m in everything
        if (m["a"], m["b"], m["month"])
        == (data["charts"][0]["a"], data["charts"][0]["b"], point["month"])
    )
    behind = _json(client, "/api" + point["href"])["events"]
    ids = month["event_ids"] + month["other_ids"]
    assert behind["total"] == len(ids)
    assert sorted(e["id"] for e in behind["items"]) == sorted(ids)
    if len(ids) > 1:
        first = _json(client, "/api" + point["href"] + "?limit=1")["events"]
        follow = _json(client, "/api" + point["href"] + "?limit=1&cursor=" + first["next_cursor"])
        assert [e["id"] for e in first["items"] + follow["events"]["items"]] == ids[:2]
    page = client.get(point["href"]).text
    for event_id in month["event_ids"]:
        assert "/events/" + quote(event_id) in page
    assert client.get("/api/relations/KOR/PRK/2025-13x").status_code == 422
    assert client.get("/api/relations/KOR/PRK/1999-01").status_code == 404


def test_search_finds_documents_events_and_actors(client: TestClient) -> None:
    found = _json(client, "/api/search?q=hostile bulletin")
    assert [d["outlet"] for d in found["documents"]] == ["Nowhere Wire"]
    assert found["method"] == "ilike" and found["totals"]["documents"] == 1
    row = _first_event(client)
    word = row["actors"][0]["name"]
    found = _json(client, f"/api/search?q={word}")
    assert found["actors"] or found["events"]
    html = client.get("/search?q=hostile").text
    assert "Invented hostile bulletin" in html
    assert _json(client, "/api/search?q=")["documents"] == []
    assert _json(client, "/api/search?q=100%")["totals"]["documents"] == 0  # % is a character


def test_search_pages_one_kind(client: TestClient) -> None:
    everything = _json(client, "/api/search?q=the&kind=documents&limit=500")
    total = everything["totals"]["documents"]
    assert total == len(everything["documents"]) > 2 and everything["events"] == []
    one = _json(client, "/api/search?q=the&kind=documents&limit=1&offset=1")
    assert one["documents"] == everything["documents"][1:2] and one["page"]["next_cursor"]
    html = client.get("/search?q=the&kind=documents&limit=1").text
    assert 'rel="next"' in html
    assert client.get("/search?q=%20&kind=events").status_code == 200
    assert client.get("/api/search?q=x&kind=tables").status_code == 422


def test_a_document_shows_its_statements_and_events_highlighted(client: TestClient) -> None:
    docs = _json(client, "/api/documents?limit=500")["items"]
    for head in docs:
        document = _json(client, f"/api/documents/{head['id']}")
        if document["statements"] and document["events"]:
            break
    else:
        raise AssertionError("no demo document with both statements and events")
    assert "".join(p["text"] for p in document["segments"]) == document["text"]
    marked = [p for p in document["segments"] if p["marks"]]
    kinds = {m["kind"] for p in marked for m in p["marks"]}
    assert kinds == {"statement", "event"}
    html = client.get(f"/documents/{document['id']}").text
    text = re.search(r'<div class="text">(.*?)</div>', html, re.S)
    assert text and htmlmod.unescape(re.sub(r"<[^>]+>", "", text.group(1))) == document["text"]
    for s in document["statements"]:
        assert f'href="#{s["anchor"]}"' in html and f'id="{s["anchor"]}"' in html
    assert 'class="mark event" href="/events/' in html


def test_an_actor_page_shows_roles_with_sources(client: TestClient) -> None:
    actors = _json(client, "/api/actors?limit=500")["items"]
    person = next(a for a in actors if a["verified"] and a["kind"] == "person" and a["roles"])
    data = _json(client, f"/api/actors/{person['id']}")
    assert data["roles"] and all(r["source"] for r in data["roles"])
    assert {"timeline", "statements", "commitments", "relations"} <= set(data)
    state = next(a for a in actors if a["kind"] == "state" and a["id"] == "KOR")
    kor = _json(client, f"/api/actors/{state['id']}")
    assert all("KOR" in (m["a"], m["b"]) for m in kor["relations"])
    assert client.get(f"/actors/{person['id']}").status_code == 200


def test_lists_are_paged_in_the_store(client: TestClient) -> None:
    for url in ("/api/documents", "/api/actors", "/api/commitments"):
        everything = _json(client, url + "?limit=500")
        page = _json(client, url + "?limit=2&offset=1")
        assert page["total"] == everything["total"] and page["items"] == everything["items"][1:3]
        if everything["total"] > 3:
            follow = _json(client, url + "?limit=2&cursor=" + page["next_cursor"])
            assert follow["items"] == everything["items"][3:5]


def test_hostile_text_stays_inert(client: TestClient) -> None:
    found = _json(client, "/api/search?q=hostile bulletin")["documents"][0]
    for url in (f"/documents/{found['id']}", "/", "/documents", "/search?q=hostile"):
        html = client.get(url).text
        assert "<script>" not in html and "<img src=x" not in html
        assert 'href="javascript:' not in html.lower()
    html = client.get(f"/documents/{found['id']}").text
    text = re.search(r'<div class="text">(.*?)</div>', html, re.S)
    assert text and "&lt;script&gt;alert(" in text.group(1)
    shown = htmlmod.unescape(re.sub(r"<[^>]+>", "", text.group(1)))
    assert "<img src=x onerror=alert(1)>" in shown and "<script>alert('body')</script>" in shown


def test_http_url_keeps_only_web_links() -> None:
    assert http_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert http_url(" http://example.org ") == "http://example.org"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//example.org", "http://", None, 3):
        assert http_url(bad) is None


def test_errors_have_one_shape(client: TestClient) -> None:
    cases = [
        ("/api/events/no-such-event", 404),
        ("/api/documents/no-such-document", 404),
        ("/api/actors/no-such-actor", 404),
        ("/api/timeline?limit=0", 422),
        ("/api/timeline?since=yesterday", 422),
        ("/api/relations?pair=onlyone", 422),
        ("/api/timeline?kind=rumour", 422),
        ("/api/nowhere", 404),
    ]
    for url, status in cases:
        response = client.get(url)
        assert response.status_code == status, url
        error = response.json()["error"]
        assert set(error) == {"code", "message"} and error["message"], url
    page = client.get("/events/no-such-event")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def test_the_relations_are_computed_at_start_not_by_the_first_request(db: Path) -> None:
    app = create_app(db, settings=_settings(db))
    with TestClient(app) as c:
        web = app.state.web
        assert web.warmed.wait(60)
        kept = dict(web.memo)
        assert kept  # the months of every pair and of the recent ones, with their charts
        assert c.get("/relations").status_code == 200 and c.get("/").status_code == 200
        assert all(web.memo[key] is value for key, value in kept.items())  # read, not redone


def test_writes_are_closed_without_a_token(client: TestClient) -> None:
    response = client.post("/api/articles", json={"text": "Invented text."})
    assert response.status_code == 403
    assert "PENINSULA_API_TOKEN" in response.json()["error"]["message"]


def test_writes_need_the_right_token(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    article = {
        "title": "Invented envoy visit",
        "text": "SEOUL, March 4 -- An invented envoy met officials in Seoul on Wednesday.",
        "url": "http://127.0.0.1:9/never-fetched",
        "published": "2026-03-04",
        "outlet": "Test Wire",
    }
    with TestClient(create_app(copy, token="s3cret", settings=_settings(copy))) as c:
        assert c.post("/api/articles", json=article).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert c.post("/api/articles", json=article, headers=wrong).status_code == 403
        good = {"Authorization": "Bearer s3cret"}
        assert c.post("/api/articles", content=b"not json", headers=good).status_code == 422
        assert c.post("/api/articles", json={"title": "x"}, headers=good).status_code == 422
        big = b"x" * (3 * 1024 * 1024)
        assert c.post("/api/articles", content=big, headers=good).status_code == 413
        response = c.post("/api/articles?wait=60", json=article, headers=good)
        assert response.status_code == 201, response.text
        new = response.json()["documents"]
        assert len(new) == 1 and response.json()["status"] == "done"
        assert _json(c, f"/api/documents/{new[0]}")["title"] == "Invented envoy visit"
        again = {**article, "title": "Invented second visit", "text": article["text"] + " Again."}
        queued = c.post("/api/articles", json=again, headers=good)
        assert queued.status_code == 202 and queued.headers["location"].startswith("/api/jobs/")
        job = queued.json()
        for _ in range(600):
            job = _json(c, f"/api/jobs/{job['id']}")
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert job["status"] == "done" and len(job["documents"]) == 1, job
        assert c.get("/api/jobs/nope").status_code == 404


def test_a_missing_database_is_named(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no database"):
        create_app(tmp_path / "none.duckdb")


def test_the_cli_does_not_load_the_web_stack_at_startup() -> None:
    code = "import sys, peninsula.cli; print('fastapi' in sys.modules, 'uvicorn' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


def test_another_process_cannot_write_while_the_server_runs(db: Path, tmp_path: Path) -> None:
    # A copy made before the app opens it: POSIX file locks drop when any handle closes.
    copy = tmp_path / "held.duckdb"
    shutil.copy(db, copy)
    article = tmp_path / "one.txt"
    article.write_text("An invented line about nothing.", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from peninsula.store import Store\n"
        "try:\n    Store(Path(sys.argv[1])).close()\nexcept Exception as exc:\n"
        "    print('refused', type(exc).__name__, exc)\nelse:\n    print('opened')\n"
    )
    build = [sys.executable, "-m", "peninsula", "build", "--db", str(copy), str(article)]
    with TestClient(create_app(copy, settings=_settings(copy))) as c:
        assert _json(c, "/api/health")["status"] == "ok"
        out = subprocess.run(
            [sys.executable, "-c", code, str(copy)], capture_output=True, text=True, check=True
        ).stdout
        cli = subprocess.run(build, capture_output=True, text=True)
    assert out.startswith("refused StoreError the store is in use by another process"), out
    assert "a running `peninsula serve`?" in out
    assert cli.returncode == 1
    lines = cli.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the store is in use"), cli.stderr

"""The web app in a real browser: headless Debian Chromium driven by Selenium."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from peninsula import pipeline
from peninsula.knowledge import default_knowledge
from peninsula.settings import Settings
from peninsula.store import Store
from tests.browser import INSTALL, MISSING, chromium
from tests.conftest import EXAMPLES, TODAY

pytestmark = pytest.mark.skipif(MISSING, reason=INSTALL)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a dev dependency")
uvicorn = pytest.importorskip("uvicorn")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

HOSTILE = {
    "title": "Invented rumour sheet <b>bold</b>",
    "url": "javascript:alert(1)",
    "outlet": "Nowhere Wire",
    "published": "2026-02-03",
    "text": "PYONGYANG, Feb 3 -- An invented note said <script>document.title='owned'</script> "
    "nothing of weight, and <img src=x onerror=\"document.title='owned'\"> stayed text.",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from peninsula.web import create_app

    base = tmp_path_factory.mktemp("browser")
    db = base / "kb.duckdb"
    hostile = base / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=False)
    with Store(db) as writable:
        pipeline.build(
            [str(EXAMPLES), str(hostile)], writable, default_knowledge(), settings, TODAY
        )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_app(db, settings=settings), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    yield from chromium(tmp_path_factory, "--window-size=1200,900")


def _wait_for(browser: webdriver.Chrome, part: str) -> None:
    """Until the browser's address holds `part` (a submitted form navigates after the click)."""
    WebDriverWait(browser, 10).until(expected_conditions.url_contains(part))


def test_overview_to_an_event_to_its_document(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Overview"
    events = browser.find_elements(By.CSS_SELECTOR, "td.events a")
    assert events, "the overview links the events behind each relation"
    browser.find_element(By.CSS_SELECTOR, "details summary").click()
    events[0].click()
    assert "/relations/" in browser.current_url
    browser.find_element(By.CSS_SELECTOR, ".rows a[href^='/events/']").click()
    assert "/events/" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, ".evidence blockquote")
    browser.find_element(By.CSS_SELECTOR, ".evidence a.doc").click()
    assert "/documents/" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, ".text").text.strip()


def test_a_chart_point_leads_to_its_events(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/")
    points = browser.find_elements(By.CSS_SELECTOR, ".chart svg a.point circle")
    assert points, "the overview draws relations between states as charts"
    label = browser.find_elements(By.CSS_SELECTOR, ".chart svg a.point title")[0]
    assert "mean Goldstein" in label.get_attribute("textContent") or "event" in label.get_attribute(
        "textContent"
    )
    points[0].click()
    assert "/relations/" in browser.current_url
    links = browser.find_elements(By.CSS_SELECTOR, ".rows a[href^='/events/']")
    assert links, "a point lists the events behind it"
    links[0].click()
    assert "/events/" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, ".evidence blockquote")


def test_highlighted_spans_link_to_their_records(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/documents?limit=500")
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".list a")]
    for href in hrefs:
        browser.get(href or "")
        statements = browser.find_elements(By.CSS_SELECTOR, ".text a.mark.statement")
        events = browser.find_elements(By.CSS_SELECTOR, ".text a.mark.event")
        if statements and events:
            break
    else:
        raise AssertionError("no document shows both statements and events highlighted")
    target = (statements[0].get_attribute("href") or "").split("#")[1]
    statements[0].click()
    assert browser.current_url.endswith("#" + target)
    assert browser.find_element(By.ID, target).tag_name == "li"
    events[0].click()
    assert "/events/" in browser.current_url


def test_search_from_the_header(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/documents")
    box = browser.find_element(By.ID, "q")
    box.send_keys("rumour sheet")
    box.submit()
    _wait_for(browser, "/search?q=rumour")
    links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "main a")]
    assert "Invented rumour sheet <b>bold</b>" in links


def test_a_timeline_filter(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/timeline")
    browser.find_element(By.CSS_SELECTOR, "select[name=kind] option[value=statement]").click()
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    _wait_for(browser, "kind=statement")
    kinds = {e.text for e in browser.find_elements(By.CSS_SELECTOR, ".rows .kind")}
    assert kinds == {"STATEMENT"}


def test_a_modality_filter(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/timeline")
    browser.find_element(By.CSS_SELECTOR, "select[name=modality] option[value=pledged]").click()
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    _wait_for(browser, "modality=pledged")
    rows = browser.find_elements(By.CSS_SELECTOR, ".rows li.row > small")
    assert rows and all(r.text.startswith("pledged") for r in rows)


def test_no_horizontal_scroll_at_400_pixels(server: str, browser: webdriver.Chrome) -> None:
    browser.set_window_size(400, 800)
    try:
        browser.get(server + "/")
        point = browser.find_element(By.CSS_SELECTOR, ".chart svg a.point")
        pages = ["/", "/timeline", "/relations", "/actors", "/documents", "/commitments"]
        pages += ["/search?q=the", "/actors/KOR", point.get_dom_attribute("href") or "/"]
        browser.get(server + "/documents")
        pages.append(browser.find_element(By.CSS_SELECTOR, ".list a").get_attribute("href") or "/")
        for page in pages:
            browser.get(page if page.startswith("http") else server + page)
            scroll = browser.execute_script("return document.documentElement.scrollWidth")
            assert scroll <= 400, page
    finally:
        browser.set_window_size(1200, 900)


def test_a_hostile_article_shows_as_text(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/search?q=rumour")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Invented rumour sheet").click()
    assert browser.title != "owned"
    assert "<script>" in browser.find_element(By.CSS_SELECTOR, ".text").text
    assert not browser.find_elements(By.CSS_SELECTOR, "main img, main b, main script")
    hrefs = [a.get_attribute("href") or "" for a in browser.find_elements(By.TAG_NAME, "a")]
    assert not any(h.lower().startswith("javascript:") for h in hrefs)

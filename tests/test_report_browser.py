"""The static report in a real browser (headless Debian Chromium): at a desktop width and at
400 px, every page fits the screen without sideways scrolling, and the timeline's filter works.
Screenshots of each page at both widths are written next to the report for a person to look at
(`pytest --basetemp=DIR` keeps them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from peninsula import pipeline
from peninsula.knowledge import default_knowledge
from peninsula.report import write_report
from peninsula.settings import Settings
from peninsula.store import Store
from tests.browser import INSTALL, MISSING, chromium
from tests.conftest import EXAMPLES, TODAY

pytestmark = pytest.mark.skipif(MISSING, reason=INSTALL)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a dev dependency")

from selenium.webdriver.common.by import By  # noqa: E402

WIDTHS = (1280, 400)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("report-browser")
    db = base / "kb.duckdb"
    settings = Settings(db_path=db, workers=1, batch_size=8, embeddings=False)
    with Store(db) as writable:
        pipeline.build([str(EXAMPLES)], writable, default_knowledge(), settings, TODAY)
    with Store(db, read_only=True) as store:
        write_report(store, default_knowledge(), base / "out")
    return base / "out"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    yield from chromium(
        tmp_path_factory, "--window-size=1280,900", "--allow-file-access-from-files"
    )


def _width(browser: webdriver.Chrome, width: int) -> None:
    """Emulate a screen of this width (a window cannot be made narrower than about 500 px)."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def _pages(out: Path) -> list[Path]:
    actors = sorted((out / "actors").glob("*.html"))
    documents = sorted((out / "documents").glob("*.html"))
    wanted = [out / "index.html", out / "timeline.html", out / "commitments.html"]
    return [*wanted, *actors[:3], *documents[:2], out / "actors" / "KOR.html"]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen(report: Path, browser: webdriver.Chrome, width: int) -> None:
    _width(browser, width)
    shots = report / f"screenshots-{width}"
    shots.mkdir(exist_ok=True)
    try:
        for page in _pages(report):
            browser.get(page.as_uri())
            # Open every folded month, so what is checked is the whole page.
            browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = 1)")
            scroll = browser.execute_script("return document.documentElement.scrollWidth")
            client = browser.execute_script("return document.documentElement.clientWidth")
            # (a desktop scroll bar takes a few pixels of the width)
            assert width - 20 <= client <= width and scroll <= client, (page.name, scroll, client)
            shot = shots / f"{page.parent.name}-{page.stem}.png"
            assert browser.save_screenshot(str(shot)), shot
            assert shot.stat().st_size > 1000
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_timeline_filter_hides_what_does_not_match(
    report: Path, browser: webdriver.Chrome
) -> None:
    browser.get((report / "timeline.html").as_uri())
    form = browser.find_element(By.ID, "filter")
    assert form.is_displayed(), "the filter shows once its script runs"
    rows = browser.find_elements(By.CSS_SELECTOR, "table.timeline tbody tr")
    form.find_element(By.CSS_SELECTOR, "select[name=kind] option[value=statement]").click()
    shown = [r for r in rows if r.get_attribute("hidden") is None]
    assert shown and len(shown) < len(rows)
    assert {r.get_attribute("data-kind") for r in shown} == {"statement"}
    box = form.find_element(By.NAME, "q")
    box.send_keys("no such words anywhere")
    assert all(r.get_attribute("hidden") is not None for r in rows)
    assert "0 of" in form.find_element(By.TAG_NAME, "output").text

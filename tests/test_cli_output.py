"""What the CLI prints: progress in articles, full-width tables for a pipe, records by id."""

from __future__ import annotations

import io
import logging

import pytest
from rich.console import Console
from rich.table import Table

import peninsula.cli_output as output
from peninsula.pipeline import BuildReport


def test_articles_are_estimated_from_the_inputs_read_then_exact() -> None:
    assert output.articles_of(BuildReport(inputs=10, inputs_done=0, read=0)) == (0, 10)
    assert output.articles_of(BuildReport(inputs=10, inputs_done=4, read=4)) == (4, 10)
    # inputs holding several articles each: the total grows with them
    assert output.articles_of(BuildReport(inputs=10, inputs_done=2, read=30)) == (30, 150)
    assert output.articles_of(BuildReport(inputs=10, inputs_done=10, read=97)) == (97, 97)


@pytest.mark.parametrize(
    ("done", "total", "elapsed", "line"),
    [
        (0, 40, 3.0, "0/40 articles"),
        (10, 40, 20.0, "10/40 articles, 1m 00s left"),
        (30, 40, 30.0, "30/40 articles, 10s left"),
        (40, 40, 7200.0, "40/40 articles, done in 2h 00m"),
    ],
)
def test_progress_lines_say_the_time_left(done: int, total: int, elapsed: float, line: str) -> None:
    assert output.progress_line(done, total, elapsed) == line


def test_progress_is_logged_when_not_a_terminal(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="peninsula")
    with output.BuildProgress(every=0.0) as progress:
        progress(BuildReport(inputs=4, inputs_done=1, read=1))
        progress(BuildReport(inputs=4, inputs_done=4, read=4))
    messages = [r.getMessage() for r in caplog.records if r.name == "peninsula"]
    assert messages[0].startswith("1/4 articles") and "left" in messages[0]
    assert messages[-1].startswith("4/4 articles, done in")


def test_quiet_logs_no_progress(caplog: pytest.LogCaptureFixture) -> None:
    output.configure_logging(verbose=False, quiet=True)
    try:
        with output.BuildProgress(every=0.0) as progress:
            progress(BuildReport(inputs=1, inputs_done=1, read=1))
        assert not [r for r in caplog.records if r.name == "peninsula"]
    finally:
        output.configure_logging(verbose=False, quiet=False)


def test_a_piped_table_is_never_cut_nor_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(output, "console", Console(file=stream, width=80))
    long_id = "0123456789abcdef:e1234:036:someone_with_a_long_id>SOMEWHERE"
    table = Table("id", "text")
    table.add_column("narrow", max_width=5)
    table.add_row(long_id, "word " * 40, "longer than five")
    output.print_table(table)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 5 and max(map(len, lines)) > 80  # borders, header, one row
    assert long_id in stream.getvalue() and "longer than five" in stream.getvalue()

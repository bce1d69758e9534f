"""Shared fixtures: the example corpus, a fixed 'today', small settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from peninsula.knowledge import Knowledge, default_knowledge
from peninsula.settings import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "peninsula" / "examples"
TODAY = date(2026, 11, 22)


@pytest.fixture
def knowledge() -> Knowledge:
    return default_knowledge()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        db_path=tmp_path / "kb.duckdb",
        workers=1,
        batch_size=2,
        max_input_bytes=1_000_000,
        embeddings=False,
    )


@pytest.fixture
def examples() -> Path:
    return EXAMPLES

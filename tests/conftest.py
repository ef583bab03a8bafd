from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = CORPUS / "longbien-nq09-2020.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"

SEED_QUESTION = "Có bao nhiêu chi bộ đảng được thành lập?"


@pytest.fixture(scope="session")
def seed_engine(tmp_path_factory):
    """An engine with the shipped corpus and the fixture articles ingested once."""
    from index.engine import Engine

    eng = Engine(tmp_path_factory.mktemp("seed-data"))
    report = eng.ingest([CORPUS, FIXTURES / "articles.jsonl"], workers=1)
    assert report.failed == 0
    return eng


@pytest.fixture(scope="session")
def corpus_engine(tmp_path_factory):
    """An engine holding only the shipped corpus (what a fresh install answers from)."""
    from index.engine import Engine

    eng = Engine(tmp_path_factory.mktemp("corpus-data"))
    assert eng.ingest([CORPUS], workers=1).failed == 0
    return eng


@pytest.fixture()
def engine(tmp_path):
    from index.engine import Engine

    return Engine(tmp_path / "data")


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a clear message."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared data not found at {p} (it sits beside the project root in CI)")
    return p

"""The question sets shipped in ``eval/`` follow the eval format ``hoidap eval`` reads
(``../shared/data/README.md``): a malformed line would silently drop a question from
every measurement made with them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EVAL = Path(__file__).resolve().parent.parent / "eval"
SETS = sorted(EVAL.glob("*.jsonl"))
TYPES = {"count", "percent", "money", "date", "person", "place", "other"}
VARIANTS = {"plain", "no_diacritics", "abbrev", "paraphrase", "chat"}


def test_there_are_question_sets():
    assert len(SETS) >= 2


@pytest.mark.parametrize("path", SETS, ids=[p.name for p in SETS])
def test_every_line_is_a_question_in_the_eval_format(path: Path):
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    assert rows, f"{path.name} is empty"
    assert len({r["id"] for r in rows}) == len(rows), "ids repeat"
    for r in rows:
        assert r["type"] in TYPES and r["variant"] in VARIANTS, r["id"]
        assert r["question"].strip() and r["article_id"], r["id"]
        if r.get("answerable", True):
            assert r["answer"], r["id"]
            if r["type"] in ("count", "percent", "money"):
                assert isinstance(r["value"], (int, float)), r["id"]
        else:
            assert r["answer"] is None and r["value"] is None, r["id"]

"""Follow-up questions (index/followup.py): dialogues written to the rules by someone
who had not seen the code (tests/fixtures/dialogues.jsonl), and the engine's side."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from index.followup import complete
from index.text import expand_question, fold

DIALOGUES = [json.loads(line) for line in (Path(__file__).parent / "fixtures" / "dialogues.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def words(text: str) -> str:
    """Compared as the fixture says: case, diacritics, punctuation and spacing ignored;
    chat shorthand expanded."""
    return " ".join(re.findall(r"\w+", fold(expand_question(text)).lower()))


def test_the_fixture_is_what_the_issue_asks_for():
    assert len(DIALOGUES) >= 40
    assert sum(d["variant"] in ("no_diacritics", "chat") for d in DIALOGUES) >= len(DIALOGUES) / 2
    assert all(2 <= len(d["turns"]) <= 3 for d in DIALOGUES)
    assert sum(not t["followup"] for d in DIALOGUES for t in d["turns"][1:]) >= 8


@pytest.mark.parametrize("dialogue", DIALOGUES, ids=[d["id"] for d in DIALOGUES])
def test_dialogue(dialogue):
    previous = None
    for turn in dialogue["turns"]:
        merged = complete(turn["say"], previous) if previous else None
        used = merged.text if merged else turn["say"]
        assert (merged is not None) == turn["followup"], (turn["say"], previous, merged)
        assert words(used) == words(turn["used"]), (turn["say"], previous)
        previous = used


P = "Long Biên thành lập bao nhiêu chi bộ đảng giai đoạn 2012-2020?"


@pytest.mark.parametrize(
    ("message", "kind", "expected"),
    [
        ("còn chi hội phụ nữ?", "target", "Long Biên thành lập bao nhiêu chi hội phụ nữ giai đoạn 2012-2020?"),
        ("ở quận Ba Đình thì sao?", "place", "quận Ba Đình thành lập bao nhiêu chi bộ đảng giai đoạn 2012-2020?"),
        ("năm 2019?", "time", "Long Biên thành lập bao nhiêu chi bộ đảng năm 2019?"),
        ("con q.5 nam 2019 thi sao", "place+time", "quận 5 thành lập bao nhiêu chi bộ đảng nam 2019?"),
        ("ai chủ trì?", "question", "ai chủ trì (Long Biên thành lập chi bộ đảng giai đoạn 2012-2020)?"),
    ],
)
def test_what_a_followup_borrows(message, kind, expected):
    merged = complete(message, P)
    assert merged is not None and merged.kind == kind and merged.text == expected and merged.previous == P


@pytest.mark.parametrize(
    "message",
    [
        "Tỉnh Hà Giang có bao nhiêu đảng viên?",
        "Quận Long Biên có bao nhiêu chi bộ đảng?",
        "Hội nghị tổng kết Nghị quyết 09 diễn ra khi nào?",
        "co bao nhieu to chuc cong doan duoc thanh lap trong doanh nghiep",
        "con số đảng viên mới được kết nạp của quận Hoàn Kiếm năm 2019 là bao nhiêu",  # "con số": a figure, no "còn"
        "   ",
    ],
)
def test_a_question_on_its_own_is_not_merged(message):
    assert complete(message, P) is None


def test_nothing_to_borrow_from():
    assert complete("còn chi hội phụ nữ?", None) is None
    assert complete("còn chi hội phụ nữ?", "") is None
    # a noun phrase, but the previous question counts nothing it could replace
    assert complete("còn hội nghị sơ kết?", "Ai chủ trì hội nghị tổng kết?") is None


def test_engine_ask_reports_what_it_borrowed(corpus_engine):
    engine = corpus_engine
    first = engine.ask("Có bao nhiêu chi bộ đảng được thành lập?")
    assert first.followup_of is None and first.to_json()["question_used"] == first.question
    ans = engine.ask("còn tổ chức công đoàn?", previous=first.question_used)
    data = ans.to_json()
    assert data["question"] == "còn tổ chức công đoàn?"
    assert data["followup_of"] == "Có bao nhiêu chi bộ đảng được thành lập?"
    assert data["question_used"] == "Có bao nhiêu tổ chức công đoàn được thành lập?"
    assert ans.figures and ans.figures[0].value == 173
    alone = engine.ask("còn tổ chức công đoàn?")  # no previous question: asked as it is
    assert alone.followup_of is None


def test_a_question_on_the_same_subject_is_asked_of_the_previous_article(corpus_engine):
    engine = corpus_engine
    ans = engine.ask("ai chủ trì?", previous="Có bao nhiêu chi bộ đảng được thành lập?")
    assert ans.followup_of and ans.passages
    assert {p.article_id for p in ans.passages} == {"longbien-nq09-2020"}
    assert "Đường Hoài Nam" in (ans.best or "")

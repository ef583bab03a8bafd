"""Example questions drawn from the articles loaded (index/examples.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index.engine import Engine
from index.examples import example_questions
from index.text import fold, has_diacritics

ARTICLES = {
    "gia-lam-2023.txt": (
        "# Huyện Gia Lâm kết nạp đảng viên năm 2023\n\n"
        "Năm 2023, huyện Gia Lâm đã kết nạp được 215 đảng viên trẻ, vượt kế hoạch đề ra.\n"
        "Toàn huyện hiện có 98 tổ chức cơ sở đảng và 11.240 đảng viên sinh hoạt tại các chi bộ."
    ),
    "nam-dinh-thi-dua.txt": (
        "Tỉnh Nam Định tổng kết phong trào thi đua yêu nước\n\n"
        "Giai đoạn 2020-2025, tỉnh Nam Định đã khen thưởng 46 tập thể tiêu biểu trong phong trào thi đua yêu nước.\n"
        "Trong 5 năm, tỉnh Nam Định đã xây dựng 1.350 căn nhà đại đoàn kết cho hộ nghèo."
    ),
}
OWN_PLACES = ("gia lam", "nam dinh")
OWN_UNITS = ("dang vien", "to chuc co so", "tap the", "can nha")
SEED_WORDS = ("long bien", "chi bo dang", "cong doan", "chi hoi phu nu")


def folded(text: str) -> str:
    return fold(text).lower()


def answered_with_own_figure(engine: Engine, question: str) -> None:
    """``question`` is answered, and its best figure is the thing the question asks about."""
    ans = engine.ask(question)
    assert ans.status == "answered", (question, ans.status, ans.best)
    top = ans.figures[0]
    assert top.unit and folded(top.unit) in folded(question), (question, top)


@pytest.fixture(scope="module")
def small_engine(tmp_path_factory) -> Engine:
    corpus = tmp_path_factory.mktemp("small-corpus")
    for name, body in ARTICLES.items():
        (corpus / name).write_text(body + "\n", encoding="utf-8")
    eng = Engine(tmp_path_factory.mktemp("small-data"))
    assert eng.ingest([corpus], workers=1).failed == 0
    return eng


def test_shipped_corpus_gives_answered_examples(corpus_engine):
    examples = example_questions(corpus_engine)
    assert 1 <= len(examples) <= 3
    assert len(set(examples)) == len(examples)
    for q in examples:
        answered_with_own_figure(corpus_engine, q)
    # they come from the seed article: its district, its counted things
    assert all("long bien" in folded(q) for q in examples)
    assert any(has_diacritics(q) for q in examples)


def test_best_example_is_the_seeds_first_two_word_count(corpus_engine):
    first = example_questions(corpus_engine, 1, unaccented=0)
    assert first == ["Có bao nhiêu chi bộ đảng được thành lập ở quận Long Biên, giai đoạn 2012-2020?"]
    assert corpus_engine.ask(first[0]).figures[0].value == 61


def test_last_example_without_diacritics_is_answered_too(corpus_engine):
    accented = example_questions(corpus_engine, 3, unaccented=0)
    mixed = example_questions(corpus_engine, 3, unaccented=1)
    assert all(has_diacritics(q) for q in accented)
    assert len(mixed) == len(accented) >= 2
    assert mixed[:-1] == accented[:-1]
    assert not has_diacritics(mixed[-1])
    assert folded(mixed[-1]) == folded(accented[-1]).rstrip("?")
    answered_with_own_figure(corpus_engine, mixed[-1])


def test_examples_differ_in_what_they_count(corpus_engine):
    examples = example_questions(corpus_engine, 5, unaccented=0)
    units = []
    for q in examples:
        top = corpus_engine.ask(q).figures[0]
        units.append(" ".join(folded(top.unit).split()[:2]))
    assert len(examples) >= 2
    assert len(set(units)) == len(units), examples


def test_empty_engine_gives_none(tmp_path):
    eng = Engine(tmp_path / "empty")
    assert example_questions(eng) == []
    assert eng._index is None  # nothing was asked: no index built for nothing


def test_n_zero_gives_none(corpus_engine):
    assert example_questions(corpus_engine, 0) == []


def test_own_corpus_gives_its_own_examples(small_engine):
    examples = example_questions(small_engine)
    assert len(examples) >= 2, examples
    for q in examples:
        answered_with_own_figure(small_engine, q)
        f = folded(q)
        assert any(p in f for p in OWN_PLACES), q
        assert any(u in f for u in OWN_UNITS), q
        assert not any(w in f for w in SEED_WORDS), q
    # both articles are drawn on before a second example of the same one
    places = {p for q in examples for p in OWN_PLACES if p in folded(q)}
    assert places == set(OWN_PLACES), examples


def test_deterministic(small_engine, corpus_engine):
    assert example_questions(small_engine) == example_questions(small_engine)
    again = Engine(corpus_engine.data_dir)  # another process on the same database
    assert example_questions(again) == example_questions(corpus_engine)


class _Spy:
    """An engine whose answers can be spoiled, counting the questions asked."""

    def __init__(self, engine: Engine, spoil=None):
        self.db = engine.db
        self._engine = engine
        self._spoil = spoil
        self.asked: list[str] = []

    def ask(self, question: str):
        self.asked.append(question)
        ans = self._engine.ask(question)
        return self._spoil(ans) if self._spoil else ans


def test_questions_the_engine_fails_are_not_shown(small_engine):
    spy = _Spy(small_engine, lambda ans: replace(ans, status="uncertain"))
    assert example_questions(spy) == []
    assert spy.asked  # it did try


def test_an_answer_with_another_figure_is_not_shown(small_engine):
    def other_value(ans):
        if ans.figures:
            ans = replace(ans, figures=[replace(ans.figures[0], value=ans.figures[0].value + 1)])
        return ans

    assert example_questions(_Spy(small_engine, other_value)) == []


@pytest.mark.parametrize("max_asks", [1, 3, 30])
def test_work_is_bounded(small_engine, max_asks):
    spy = _Spy(small_engine, lambda ans: replace(ans, status="not_found"))
    example_questions(spy, 3, max_asks=max_asks)
    assert 1 <= len(spy.asked) <= max_asks
    assert len(set(spy.asked)) == len(spy.asked)  # no question asked twice


def test_scan_bounds_the_figures_read(small_engine):
    # the newest article by id first ("nam-dinh-thi-dua"): a scan of 2 figures sees only it
    examples = example_questions(small_engine, 3, scan=2)
    assert examples and all("nam dinh" in folded(q) for q in examples)
    assert len(example_questions(small_engine, 3, scan=1000)) >= len(examples)

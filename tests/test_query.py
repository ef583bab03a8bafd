"""Questions to index tokens (index.query): folding, abbreviations, paraphrases."""

from __future__ import annotations

import pytest

from index.query import query_tokens, question_syllables, synonyms_of
from index.text import fold


def test_a_question_without_diacritics_gives_the_same_syllables():
    assert question_syllables("Có bao nhiêu chi bộ?") == question_syllables("co bao nhieu chi bo?")


def test_abbreviations_are_spelled_out():
    assert question_syllables("UBND quận")[:4] == ["uy", "ban", "nhan", "dan"]


@pytest.mark.parametrize(
    "question, added",
    [
        ("SAMCO lãi được bao nhiêu tiền?", ["loi", "nhuan"]),
        ("samco lai duoc bao nhieu tien", ["loi", "nhuan"]),  # typed without diacritics
        ("Có bao nhiêu người mang thẻ đảng?", ["dang", "vien"]),
        ("Cố Tổng Bí thư chào đời vào ngày nào?", ["sinh"]),
    ],
)
def test_the_articles_words_for_a_paraphrase_are_added(question, added):
    sylls = question_syllables(question)
    assert sylls[-len(added) :] == added


@pytest.mark.parametrize(
    "question",
    [
        "Ông ấy lại được bầu làm Bí thư?",  # "lại" (again) is not "lãi"
        "Lợi nhuận của SAMCO là bao nhiêu?",  # the articles' words are there already
    ],
)
def test_nothing_is_added_where_no_paraphrase_is(question):
    import re

    from index.text import fold

    plain = re.findall(r"\d+(?:[.,]\d+)*|[^\W\d_]+|\d+", fold(question).lower())
    assert question_syllables(question) == plain


def test_query_tokens_drop_question_words_and_keep_the_paraphrase():
    tokens = query_tokens("SAMCO lãi được bao nhiêu tiền?", lambda sylls: sylls)
    assert "bao" not in tokens and "nhieu" not in tokens
    assert tokens[-2:] == ["loi", "nhuan"]


def test_synonyms_add_the_articles_words_once() -> None:
    def syn(q: str) -> list[str]:
        written = q.lower().split()
        return synonyms_of(written, [fold(w) for w in written])

    assert syn("bao nhiêu người thiệt mạng") == ["chet", "tu", "vong"]
    assert syn("bao nhieu nguoi thiet mang") == ["chet", "tu", "vong"]  # typed without marks
    assert syn("số người tử vong và chết") == []  # the question has the word already
    assert syn("toàn quốc có bao nhiêu xã") == ["ca", "nuoc"]
    assert syn("công ty lãi bao nhiêu") == ["loi", "nhuan"]
    assert syn("công ty lại tăng bao nhiêu") == []  # "lại" is no "lãi" where marks are typed
    assert syn("tiêu hủy bao nhiêu con gà vịt") == ["gia", "cam"]
    assert syn("sa thải bao nhiêu tài xế") == ["lai", "xe"]
    assert syn("tài xế lái xe buýt") == []  # the question has the article's words already

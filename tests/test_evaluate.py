import json

import pytest

from conftest import shared_path
from index.evaluate import evaluate_dev, evaluate_xquad, judge, numbers_in
from index.models import Answer, FigureHit, PassageHit


def _answer(figure_value=None, passage_text="", answer=None):
    figs = [FigureHit(figure_value, str(figure_value), None, "count", None, None, "a", 1)] if figure_value is not None else []
    ps = [PassageHit("a", 1, "t", None, None, passage_text, 1.0)] if passage_text else []
    return Answer(question="q", answer=answer, figures=figs, passages=ps)


def test_judge_numeric_uses_first_figure_value():
    q = {"type": "count", "value": 61, "answer": "61 chi bộ đảng"}
    assert judge(q, _answer(61.0))[0]
    assert not judge(q, _answer(62.0))[0]
    assert not judge(q, _answer(None, passage_text="61 chi bộ đảng"))[0]


def test_judge_other_types_look_for_gold_text_folded():
    q = {"type": "person", "value": None, "answer": "Đường Hoài Nam"}
    assert judge(q, _answer(answer="Đồng chí duong hoai nam"))[0]
    assert judge(q, _answer(passage_text="... đồng chí Đường Hoài Nam chủ trì"))[0]
    assert not judge(q, _answer(passage_text="đồng chí Vũ Thị Thân"))[0]


def test_numbers_in():
    assert numbers_in("năm 1.500 và 12,5") == {"1500", "125"}


def test_evaluate_dev_on_seed(seed_engine):
    qs = [
        {"id": "1", "question": "Có bao nhiêu chi bộ đảng được thành lập?", "type": "other", "article_id": "longbien-nq09-2020", "answer": "61 chi bộ đảng", "value": None, "variant": "plain"},
        {"id": "2", "question": "Huyện ủy Đông Anh kết nạp bao nhiêu đảng viên mới?", "type": "other", "article_id": "fx-1", "answer": "215", "value": None, "variant": "plain"},
        {"id": "3", "question": "Ai chủ trì?", "type": "person", "article_id": "nowhere", "answer": "Không Có Ai", "value": None, "variant": "abbrev"},
    ]
    rep = evaluate_dev(seed_engine, qs)
    assert rep.n == 3
    assert rep.hit[1] == pytest.approx(2 / 3)
    assert rep.by_variant["plain"] == (1.0, 2)
    assert rep.by_variant["abbrev"] == (0.0, 1)
    assert [f.id for f in rep.failures] == ["3"]
    # the three questions carry diacritics: each is asked once more without them
    assert rep.extra["diacritics_removed"] == {"n": 3, "accuracy_as_written": pytest.approx(2 / 3, abs=1e-3), "accuracy_without_diacritics": pytest.approx(2 / 3, abs=1e-3)}
    assert json.loads(json.dumps(rep.to_json(), ensure_ascii=False))["diacritics_removed"]["n"] == 3


def test_questions_typed_without_diacritics_are_not_asked_twice(seed_engine):
    qs = [{"id": "1", "question": "co bao nhieu chi bo dang duoc thanh lap", "type": "count", "article_id": "longbien-nq09-2020", "answer": "61", "value": 61, "variant": "no_diacritics"}]
    rep = evaluate_dev(seed_engine, qs)
    assert rep.accuracy == 1.0
    assert "diacritics_removed" not in rep.extra


@pytest.mark.slow
def test_xquad_beats_or_matches_naive_baseline(tmp_path):
    folder = shared_path("data", "xquad-vi")
    res = evaluate_xquad(folder, data_dir=tmp_path)
    assert res["questions"] == 1190
    for key in ("hit@1", "hit@5", "mrr"):
        assert res["hoidap"][key] >= res["baseline"][key], key

"""``index.answer.answer`` as a pure function: no database, no index.

A question, passages and figures written here; the three statuses and what each
carries; the evidence kept past ``k``; the trust features behind ``not_found``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index.answer import answer, range_end
from index.candidates import candidates
from index.figures import extract_figures
from index.models import FigureHit, PassageHit
from index.parse import names_a_brand, parse_question
from index.scorer import CALIBRATION, HAND, LinearModel, Scorer


def _passage(pid: int, text: str, score: float, title: str = "Tin xây dựng Đảng", article: str | None = None) -> PassageHit:
    return PassageHit(article or f"a{pid}", pid, title, None, None, text, score)


def _figures(p: PassageHit) -> list[FigureHit]:
    return [
        FigureHit(f.value, f.text, f.unit, f.kind, f.qualifier, f.context, p.article_id, p.passage_id, f.sentence)
        for f in extract_figures(p.text, title=p.title)
    ]


def _ask(question: str, passages: list[PassageHit], scorer: Scorer = HAND, k: int = 5, min_confidence: float | None = None):
    q = parse_question(question)
    figures = [f for p in passages for f in _figures(p)]
    return answer(q, passages, figures, scorer, k, min_confidence)


def _confident(logit: float) -> Scorer:
    """The hand ranker with a calibrator that says ``sigmoid(logit)`` whatever it sees."""
    n = len(CALIBRATION)
    cal = LinearModel(CALIBRATION, np.zeros(n), np.ones(n), np.zeros(n), logit)
    return Scorer("test", HAND.ranker, cal, 0.8)


PASSAGES = [
    _passage(1, "Hội nghị có nhiều ý kiến phát biểu về công tác cán bộ.", 9.0),
    _passage(2, "Quận Gò Vấp tổ chức hội nghị tổng kết.", 8.5),
    _passage(3, "Năm 2004, Đảng bộ quận Gò Vấp kết nạp mới 339 đảng viên.", 8.0),
]


def test_the_evidence_passage_comes_first_even_past_k():
    ans = _ask("Năm 2004 quận Gò Vấp kết nạp bao nhiêu đảng viên?", PASSAGES, k=1)
    assert ans.figures[0].value == 339
    assert [p.passage_id for p in ans.passages] == [3]  # ranked third, kept with k=1


def test_confidence_at_or_above_the_threshold_states_the_answer():
    ans = _ask("Năm 2004 quận Gò Vấp kết nạp bao nhiêu đảng viên?", PASSAGES, _confident(3.0))
    assert ans.status == "answered" and ans.confidence == pytest.approx(1 / (1 + np.exp(-3.0)))
    assert ans.answer.startswith("339 đảng viên") and ans.best == ans.answer


def test_below_the_threshold_the_best_is_offered_not_stated():
    ans = _ask("Năm 2004 quận Gò Vấp kết nạp bao nhiêu đảng viên?", PASSAGES, _confident(-1.0))
    assert ans.status == "uncertain" and ans.answer is None
    assert ans.best.startswith("339 đảng viên") and ans.figures[0].value == 339
    # the caller's threshold wins over the scorer's
    assert _ask("Năm 2004 quận Gò Vấp kết nạp bao nhiêu đảng viên?", PASSAGES, _confident(-1.0), min_confidence=0.2).status == "answered"


def test_a_place_no_passage_names_is_not_found():
    ans = _ask("Quận Hoàn Kiếm kết nạp bao nhiêu đảng viên?", PASSAGES, _confident(5.0))
    assert ans.status == "not_found" and ans.answer is None and ans.best is None
    assert ans.missing == "quận Hoàn Kiếm"
    assert ans.passages  # the closest passages still follow


def test_a_year_no_passage_writes_is_not_found():
    ans = _ask("Năm 2019 quận Gò Vấp kết nạp bao nhiêu đảng viên?", PASSAGES, _confident(5.0))
    assert (ans.status, ans.missing) == ("not_found", "năm 2019")


def test_an_organization_no_passage_names_is_not_found_unless_the_scorer_is_confident():
    ps = [_passage(1, "Năm 2004, Công ty HONDA ở Vĩnh Phúc kết nạp 3 đảng viên.", 9.0)]
    asked = "Năm 2004 Công ty TOYOTA ở Vĩnh Phúc kết nạp bao nhiêu đảng viên?"
    ans = _ask(asked, ps, _confident(-1.0))
    assert (ans.status, ans.missing) == ("not_found", "TOYOTA")  # as the question writes it
    # organizations are parsed loosely: the scorer weighs `org_absent` itself, and its
    # confidence decides
    confident = _ask(asked, ps, _confident(5.0))
    assert confident.status == "answered" and confident.missing is None
    assert _ask("Năm 2004 Công ty HONDA ở Vĩnh Phúc kết nạp bao nhiêu đảng viên?", ps, _confident(-1.0)).status == "uncertain"


def test_an_organization_in_vietnamese_words_no_passage_names_is_only_uncertain():
    # such names are parsed loosely ("Sở GTVT" spelled out, "Đoàn TNCS" as "Cộng sản"):
    # their absence says too little for "not found"; the guess is offered as uncertain
    ps = [_passage(1, "Năm 2004, Sở Tài chính tỉnh Vĩnh Phúc kết nạp 3 đảng viên.", 9.0)]
    asked = "Năm 2004 Sở Giao thông vận tải tỉnh Vĩnh Phúc kết nạp bao nhiêu đảng viên?"
    assert parse_question(asked).organizations  # read as an organization, absent from the passage
    ans = _ask(asked, ps, _confident(-1.0))
    assert (ans.status, ans.missing) == ("uncertain", None)
    assert ans.best.startswith("3 đảng viên")


@pytest.mark.parametrize(
    "name, brand",
    [
        ("Daishin", True), ("Art Tango", True), ("Montpellier 3", True), ("TOYOTA", True),
        ("Honda Việt", True),  # the parser keeps "Việt" of "Việt Nam": the brand still counts
        # Vietnamese names however typed, acronyms and words spelled out from them
        ("Sông Đà", False), ("Song Da", False), ("Kinh Do", False), ("GTCC", False),
        ("NNPTNT", False), ("HSBC", False), ("Công nghiệp", False), ("Cộng sản", False),
    ],
)
def test_which_organization_names_are_brands(name, brand):
    assert names_a_brand(name) is brand


def test_a_brand_no_passage_names_is_not_found_however_the_question_is_typed():
    ps = [_passage(1, "Năm 2004, Công ty Sông Đà ở Hòa Bình kết nạp 3 đảng viên.", 9.0)]
    for asked in ("Năm 2004 Công ty Vedan kết nạp bao nhiêu đảng viên?", "nam 2004 cong ty Vedan ket nap bao nhieu dang vien"):
        assert (_ask(asked, ps, _confident(-1.0)).missing or "").endswith("Vedan")
    # a Vietnamese name typed without diacritics is no brand: only uncertain
    assert _ask("nam 2004 cong ty Song Hong ket nap bao nhieu dang vien", ps, _confident(-1.0)).status == "uncertain"


def test_a_place_or_year_no_passage_names_is_not_found_however_confident():
    for asked, missing in (("Quận Hoàn Kiếm kết nạp bao nhiêu đảng viên?", "quận Hoàn Kiếm"),
                           ("Năm 2019 quận Gò Vấp kết nạp bao nhiêu đảng viên?", "năm 2019")):
        ans = _ask(asked, PASSAGES, _confident(9.0))
        assert (ans.status, ans.missing, ans.answer) == ("not_found", missing, None)


def test_no_figure_of_the_asked_unit_is_not_found():
    ans = _ask("Quận Gò Vấp có bao nhiêu chi hội phụ nữ?", PASSAGES, _confident(5.0))
    assert ans.status == "not_found" and "chi hội phụ nữ" in ans.missing


def test_no_passage_is_not_found_with_nothing_to_show():
    ans = _ask("Quận Gò Vấp có bao nhiêu đảng viên?", [], _confident(5.0))
    assert (ans.status, ans.passages, ans.figures) == ("not_found", [], [])


def test_a_question_of_no_known_type_is_never_stated():
    ans = _ask("Hội nghị bàn về vấn đề gì?", PASSAGES, _confident(5.0))
    assert ans.status in ("uncertain", "not_found") and ans.answer is None


def test_the_place_the_question_names_is_contradicted_by_another_district():
    q = parse_question("Quận Hoàn Kiếm kết nạp bao nhiêu đảng viên?")
    p = PASSAGES[2]
    (c,) = [c for c in candidates(q, [p], _figures(p)) if c.figure.value == 339]
    assert c.features["place_asked"] == 1 and c.features["place_absent"] == 1
    assert c.features["place_contradicted"] == 1  # the sentence names Gò Vấp instead


def test_chat_shorthand_is_read_as_the_long_form():
    q = parse_question("gò vấp kết nạp bn đảng viên")
    assert q.type == "count" and q.target == "dang vien"
    assert "bao" in q.folded.split() and "bn" not in q.folded.split()


def test_answers_backed_by_several_articles_carry_more_support():
    ps = [
        _passage(1, "Quận Gò Vấp kết nạp 339 đảng viên trong năm 2004.", 9.0, article="x"),
        _passage(2, "Năm 2004 Gò Vấp kết nạp mới 339 đảng viên.", 8.9, article="y"),
        _passage(3, "Năm 2004 Gò Vấp kết nạp 12 đảng viên là doanh nhân.", 8.8, article="z"),
    ]
    q = parse_question("Năm 2004 Gò Vấp kết nạp bao nhiêu đảng viên?")
    by_value = {c.figure.value: c.features["support"] for c in candidates(q, ps, [f for p in ps for f in _figures(p)])}
    assert by_value[339] > by_value[12]



def _features_by_value(question: str, passages: list[PassageHit]) -> dict[float, dict[str, float]]:
    q = parse_question(question)
    figures = [f for p in passages for f in _figures(p)]
    return {c.figure.value: c.features for c in candidates(q, passages, figures) if c.figure is not None}


def test_the_figure_whose_own_clause_holds_the_question_words_leads_its_sentence():
    p = _passage(1, "Năm nay huyện Củ Chi có 120 xã đạt chuẩn, trong khi huyện Hóc Môn chỉ có 18 xã đạt chuẩn.", 9.0)
    feats = _features_by_value("Huyện Hóc Môn có bao nhiêu xã đạt chuẩn?", [p])
    assert feats[18]["clause"] == 0.0  # the best clause of its sentence
    assert feats[120]["clause"] < 0.0  # "Hóc Môn" is in the other clause
    # an elliptical list item keeps the list's head: "trẻ tuổi 22,4%" under "tỷ lệ ứng cử viên"
    p = _passage(2, "Tỷ lệ ứng cử viên nữ chiếm 39%, trẻ tuổi 22,4%.", 9.0)
    feats = _features_by_value("Tỷ lệ ứng cử viên trẻ tuổi là bao nhiêu?", [p])
    assert feats[22.4]["clause"] == 0.0  # "tỷ lệ" counts for it too: no penalty


def test_an_article_whose_passages_cover_the_question_together_scores_higher():
    asked = "Năm 2004 quận Gò Vấp kết nạp bao nhiêu đảng viên?"
    together = [
        _passage(1, "Đảng bộ quận Gò Vấp tổng kết công tác năm 2004.", 9.0, article="gv"),
        _passage(2, "Trong năm, toàn Đảng bộ kết nạp 339 đảng viên.", 8.0, article="gv"),
        _passage(3, "Huyện Củ Chi kết nạp 120 đảng viên.", 8.5, article="cc"),
    ]
    feats = _features_by_value(asked, together)
    assert feats[339]["art_coverage"] > feats[120]["art_coverage"]
    assert feats[339]["art_rel"] == pytest.approx(1.0)  # its article holds the best passage
    assert feats[120]["art_rel"] == pytest.approx(8.5 / 9.0)


def _candidates_of(question: str, passages: list[PassageHit]):
    q = parse_question(question)
    return candidates(q, passages, [f for p in passages for f in _figures(p)])


def test_two_dates_of_a_range_are_also_one_candidate_fitting_a_question_on_a_period():
    p = _passage(1, "Lễ hội diễn ra tại TP HCM từ ngày 27 đến 30/4, tại công viên trước dinh Thống Nhất.", 9.0)
    ranges = [c for c in _candidates_of("Lễ hội diễn ra vào những ngày nào?", [p]) if c.features.get("range_fit")]
    assert [c.text for c in ranges] == ["27 đến 30/4"] and ranges[0].figure.value == 430  # valued as its end
    one_day = [c for c in _candidates_of("Lễ hội khai mạc ngày nào?", [p]) if c.text == "27 đến 30/4"]
    assert one_day and one_day[0].features["range_unasked"] == 1.0 and not one_day[0].features["range_fit"]
    # two dates of one sentence that are no range stay two candidates
    q = _passage(2, "Ngày 4-1 máy bay được bay thử, ngày 5-1 chính thức đưa vào khai thác.", 9.0)
    assert not [c for c in _candidates_of("Máy bay được khai thác vào những ngày nào?", [q]) if "range_fit" in c.features]


def test_each_name_of_a_list_is_judged_by_its_own_title():
    p = _passage(
        1,
        "Đến dự có ông Lê Hoàng Quân, Phó Bí thư Thường trực Thành ủy; ông Lê Thanh Hải, Chủ tịch UBND thành phố.",
        9.0,
    )
    by_name = {c.text: c.features for c in _candidates_of("Chủ tịch UBND thành phố là ai?", [p])}
    assert by_name["Lê Thanh Hải"]["clause"] == 0.0
    assert by_name["Lê Hoàng Quân"]["clause"] < 0.0


def test_a_sentence_about_another_place_or_organization_is_marked_even_when_the_passage_names_the_asked_one():
    p = _passage(
        1,
        "Các tỉnh Thái Nguyên, Bắc Ninh có dịch. Bắc Ninh cũng thành lập 16 trạm kiểm dịch gia cầm. "
        "Tỉnh Thái Nguyên lập 9 trạm kiểm dịch gia cầm.",
        9.0,
    )
    feats = _features_by_value("Tỉnh Thái Nguyên đã lập bao nhiêu trạm kiểm dịch gia cầm?", [p])
    assert feats[16]["place_other_here"] == 1.0 and feats[9]["place_other_here"] == 0.0
    assert feats[16]["place_absent"] == 0.0  # the passage does name Thái Nguyên
    q = _passage(2, "Sở Y tế có phòng một cửa rộng 40 m2. Sở Du lịch có phòng một cửa chỉ rộng 16 m2.", 9.0)
    feats = _features_by_value("Phòng một cửa của Sở Y tế rộng bao nhiêu m2?", [q])
    assert feats[16]["org_other_here"] == 1.0 and feats[40]["org_other_here"] == 0.0


def test_a_bare_number_the_question_writes_is_stated_by_it():
    p = _passage(1, "Trung tâm bảo trợ trẻ em (45 Nguyễn Văn Bảo) hiện đang nuôi 238 em.", 9.0)
    feats = _features_by_value("trung tam bao tro tre em (45 nguyen van bao) dang nuoi bn em?", [p])
    assert feats[45]["stated"] == 1.0 and feats[238]["stated"] == 0.0
    # a share is no bare number: "50%" is not the "50 lao động" the question writes
    q = _passage(2, "Doanh nghiệp tuyển quá 50 lao động nước ngoài chỉ được tuyển tối đa 50% số lao động.", 9.0)
    share = _features_by_value("Khi tuyển quá 50 lao động nước ngoài, doanh nghiệp được tuyển tối đa bao nhiêu phần trăm?", [q])
    assert share[50]["stated"] == 0.0
    # a number the question ranks things by ("kỳ họp thứ 6") is no bare figure it states
    r = _passage(3, "Kỳ họp thứ 6 có 480 đại biểu có mặt, vắng 6.", 9.0)
    ranked = _features_by_value("Kỳ họp thứ 6 có bao nhiêu đại biểu có mặt?", [r])
    assert all(feats["stated"] == 0.0 for feats in ranked.values())


def test_a_documents_date_is_marked_when_an_event_is_asked_not_when_the_issuing_is():
    p = _passage(
        1,
        "Sáng ngày 27/02/2020, Quận ủy tổ chức Hội nghị tổng kết thực hiện Nghị quyết số 09-NQ/TU ngày 27/02/2012 của Thành ủy.",
        9.0,
    )
    event = _features_by_value("Hội nghị tổng kết Nghị quyết 09-NQ/TU diễn ra ngày nào?", [p])
    assert event[20120227]["doc_date_unasked"] == 1.0 and event[20200227]["doc_date_unasked"] == 0.0
    issued = _features_by_value("Nghị quyết 09-NQ/TU được ban hành ngày nào?", [p])
    assert issued[20120227]["doc_date_unasked"] == 0.0
    # "kỳ họp", "kỷ niệm", "kỹ thuật" fold to "ky" but sign nothing; "ky" typed bare may
    p = _passage(
        2,
        "Kỳ họp thứ 5 HĐND tỉnh khai mạc ngày 12/7/2006, bàn việc thực hiện Nghị quyết số 21-NQ/TU ngày 3/4/2006.",
        9.0,
    )
    for question in ("Kỳ họp thứ 5 HĐND tỉnh khai mạc ngày nào?", "Lễ kỷ niệm ngày Nghị quyết 21-NQ/TU ra mắt tổ chức ngày nào?"):
        assert _features_by_value(question, [p])[20060403]["doc_date_unasked"] == 1.0
    for question in ("Nghị quyết 21-NQ/TU được ký ngày nào?", "nghi quyet 21-NQ/TU ky ngay nao"):
        assert _features_by_value(question, [p])[20060403]["doc_date_unasked"] == 0.0


def test_a_documents_date_is_no_answer_to_when_it_takes_effect():
    p = _passage(
        1,
        "Nghị định số 158/2005/NĐ-CP ngày 27/12/2005 về đăng ký và quản lý hộ tịch có hiệu lực từ ngày 1/4/2006.",
        9.0,
    )
    effect = _features_by_value("Nghị định 158 về hộ tịch có hiệu lực từ ngày nào?", [p])
    assert effect[20051227]["doc_date_unasked"] == 1.0 and effect[20060401]["doc_date_unasked"] == 0.0
    signed = _features_by_value("Nghị định 158 về hộ tịch được ký ngày nào?", [p])
    assert signed[20051227]["doc_date_unasked"] == 0.0
    # "Quyết định này có hiệu lực kể từ ngày ...": the date it takes effect, no document's
    own = _passage(2, "Giá bán căn hộ tái định cư được tính lại. Quyết định này có hiệu lực kể từ ngày 9/1/2006.", 9.0)
    effect = _features_by_value("Quyết định về giá căn hộ tái định cư có hiệu lực từ ngày nào?", [own])
    assert effect[20060109]["doc_date_unasked"] == 0.0 and effect[20060109]["date_adj"] > -0.8
    # "... có hiệu lực kể từ ngày ký": the document's own date is when it takes effect
    signed = _passage(3, "Quyết định số 12/2006/QĐ-UB ngày 9/1/2006 về giá căn hộ có hiệu lực kể từ ngày ký.", 9.0)
    effect = _features_by_value("Quyết định về giá căn hộ có hiệu lực từ ngày nào?", [signed])
    assert effect[20060109]["doc_date_unasked"] == 0.0


def test_a_confident_answer_that_contradicts_the_question_is_not_stated():
    # the best figure's own sentence names another district only
    text = "Quận 2 có 31 hộ dân trong dự án. Đến ngày 23/3, quận Bình Thạnh mới có 80 hộ dân đồng ý hiệp thương."
    ans = _ask("Quận 2 có bao nhiêu hộ dân đồng ý hiệp thương?", [_passage(1, text, 9.0)], _confident(5.0))
    assert ans.best.startswith("80 hộ dân") and ans.status == "uncertain" and ans.answer is None
    # it counts other things than the question asks (a ranker blind to units picks it)
    blind = _confident(5.0)
    blind = Scorer("blind", blind.without("unit", "unit_full", "unit_none").ranker, blind.calibrator, 0.8)
    text = "Hội đồng kỷ luật tỉnh đã cách chức 3 thí sinh; tỉnh cũng nhắc nhở 2 cán bộ."
    ans = _ask("Tỉnh đã cách chức bao nhiêu cán bộ?", [_passage(1, text, 9.0)], blind)
    assert ans.best.startswith("3 thí sinh") and ans.status == "uncertain" and ans.answer is None


def test_a_confident_answer_about_the_asked_place_is_stated():
    passages = [_passage(1, "Đến nay quận 2 có 16 hộ dân đồng ý hiệp thương.", 9.0)]
    ans = _ask("Quận 2 có bao nhiêu hộ dân đồng ý hiệp thương?", passages, _confident(5.0))
    assert ans.status == "answered" and ans.answer.startswith("16 hộ dân")


def test_a_confident_person_in_a_place_inside_the_asked_one_is_stated():
    # the sentence names a district of the asked province: no contradiction for a person
    text = "Anh Nguyễn Văn Hùng ở huyện Núi Thành đã cứu 3 người bị nạn."
    q = parse_question("Ai được khen thưởng vì cứu người ở Quảng Nam?")
    assert q.type == "person"
    ans = answer(q, [_passage(1, text, 9.0, title="Quảng Nam khen thưởng người cứu nạn")], [], _confident(5.0))
    assert ans.status == "answered" and ans.answer == "Nguyễn Văn Hùng"


@pytest.mark.parametrize(
    "text, earlier",
    [
        ("Mức lương tăng từ 516.200 đồng lên 678.600 đồng.", ["từ 516.200"]),
        ("Giá trước đây chỉ 600.000-700.000 đồng, nhưng nay lên đến 900.000 đồng.", ["600.000", "700.000"]),
        ("Đoàn gồm từ 15 đến 20 người, còn 5 người ở lại.", []),  # a range, no change
        ("Hộ có thu nhập từ 5 triệu đồng trở lên, còn 30 hộ nghèo.", []),
    ],
)
def test_the_earlier_value_of_a_change(text, earlier):
    from index.candidates import _earlier_value

    assert [f.text for f in extract_figures(text) if _earlier_value(f)] == earlier


def test_the_value_a_change_reaches_answers_not_the_one_it_left():
    from index.scorer import shipped

    text = "Theo đề án, mức lương trung bình của người hưởng lương từ ngân sách sẽ tăng từ 516.200 đồng/tháng lên 678.600 đồng/tháng."
    question = "Mức lương trung bình của người hưởng lương từ ngân sách sẽ lên bao nhiêu?"
    assert _ask(question, [_passage(1, text, 9.0)], shipped()).best.startswith("678.600")
    # blind to the change's earlier value, the scorer takes the first figure
    assert _ask(question, [_passage(1, text, 9.0)], shipped().without("from_value")).best.startswith("từ 516.200")



def test_a_province_typed_without_diacritics_that_the_article_never_names_is_not_stated():
    kien_giang = [_passage(7, "UBND tỉnh Kiên Giang đã tạm xuất ngân sách 1,4 tỉ đồng để chống dịch viêm não.", 9.0, "Kiên Giang chống dịch", "kg")]
    question = "ubnd tinh an giang tam xuat ngan sach bn tien chong dich viem nao?"
    assert parse_question(question).places == frozenset()  # no place the scorer reads
    ans = _ask(question, kien_giang, _confident(5.0))
    assert ans.status == "uncertain" and ans.answer is None and ans.best.startswith("1,4 tỉ đồng")
    # the same question, where the article names the province (written with diacritics)
    an_giang = [_passage(8, "UBND tỉnh An Giang đã tạm xuất ngân sách 1,4 tỉ đồng để chống dịch viêm não.", 9.0, "An Giang chống dịch", "ag")]
    assert _ask(question, an_giang, _confident(5.0)).status == "answered"
    # ... or only its headline does; and TP HCM however a passage writes it
    headline = [_passage(9, "UBND tỉnh đã tạm xuất ngân sách 1,4 tỉ đồng để chống dịch viêm não.", 9.0, "An Giang chống dịch", "ag2")]
    assert _ask(question, headline, _confident(5.0)).status == "answered"
    hcm = [_passage(10, "Năm 2004, Đảng bộ TP.HCM kết nạp mới 339 đảng viên.", 9.0, "Xây dựng Đảng", "hcm")]
    assert _ask("nam 2004 thanh pho ho chi minh ket nap bn dang vien", hcm, _confident(5.0)).status == "answered"
    assert _ask("nam 2004 tinh dong nai ket nap bn dang vien", hcm, _confident(5.0)).status == "uncertain"


def test_a_confident_answer_about_another_numbered_event_is_not_stated():
    text = "Kỳ họp thứ 7, Quốc hội khóa 11 sẽ thông qua 11 dự án luật và 1 nghị quyết."
    passages = [_passage(1, text, 9.0)]
    ans = _ask("Kỳ họp thứ 6 Quốc hội khóa 11 thông qua bao nhiêu dự án luật?", passages, _confident(5.0))
    assert ans.best.startswith("11 dự án luật") and ans.status == "uncertain" and ans.answer is None
    # typed without diacritics it is the same question
    ans = _ask("ky hop thu 6 quoc hoi khoa 11 thong qua bao nhieu du an luat", passages, _confident(5.0))
    assert ans.status == "uncertain"
    # the event the sentence speaks of is stated
    ans = _ask("Kỳ họp thứ 7 Quốc hội khóa 11 thông qua bao nhiêu dự án luật?", passages, _confident(5.0))
    assert ans.status == "answered" and ans.answer.startswith("11 dự án luật")


def test_a_figure_of_another_month_is_offered_never_stated():
    passages = [_passage(1, "Trong tháng 10-2006, huyện Đông Anh giải quyết việc làm cho 420 lao động.", 9.0)]
    for question in ("Tháng 11-2006 huyện Đông Anh giải quyết việc làm cho bao nhiêu lao động?", "thang 11 huyen dong anh giai quyet viec lam cho bn lao dong"):
        ans = _ask(question, passages, _confident(5.0))
        assert ans.best.startswith("420 lao động") and ans.status == "uncertain" and ans.answer is None
    # the month the sentence speaks of, or a question naming no month, is stated
    for question in ("Tháng 10-2006 huyện Đông Anh giải quyết việc làm cho bao nhiêu lao động?", "Năm 2006 huyện Đông Anh giải quyết việc làm cho bao nhiêu lao động?"):
        ans = _ask(question, passages, _confident(5.0))
        assert ans.status == "answered" and ans.answer.startswith("420 lao động")
    # the day a report is dated names no month the figure is of
    passages = [_passage(1, "Chiều ngày 2-12-2006, huyện Đông Anh cho biết đã giải quyết việc làm cho 420 lao động.", 9.0)]
    ans = _ask("Tháng 11-2006 huyện Đông Anh giải quyết việc làm cho bao nhiêu lao động?", passages, _confident(5.0))
    assert ans.status == "answered"


def test_a_date_of_the_opposite_milestone_is_offered_never_stated():
    passages = [_passage(1, "Bờ kè chống sạt lở Thanh Đa được khởi công ngày 16/10/2005.", 9.0)]
    for question in ("Bờ kè chống sạt lở Thanh Đa dự kiến hoàn thành vào ngày nào?", "bo ke chong sat lo thanh da du kien hoan thanh ngay nao"):
        ans = _ask(question, passages, _confident(5.0))
        assert ans.best.startswith("16/10/2005") and ans.status == "uncertain" and ans.answer is None
    # the milestone the sentence speaks of, or a date asked of no milestone, is stated
    for question in ("Bờ kè chống sạt lở Thanh Đa được khởi công ngày nào?", "Bờ kè chống sạt lở Thanh Đa có từ ngày nào?"):
        ans = _ask(question, passages, _confident(5.0))
        assert ans.status == "answered" and ans.answer.startswith("16/10/2005")


def test_one_end_of_a_range_is_offered_never_stated():
    passages = [_passage(1, "Từ năm 2006, sinh viên đi tàu Thống Nhất được giảm từ 10%-25% giá vé.", 9.0)]
    ans = _ask("Từ năm 2006 sinh viên đi tàu Thống Nhất được giảm bao nhiêu phần trăm giá vé?", passages, _confident(5.0))
    assert ans.status == "uncertain" and ans.answer is None and ans.best
    # ... unless the question asks for a bound: the range's end is its answer
    passages = [_passage(1, "Người vi phạm bị phạt từ 5-10 triệu đồng.", 9.0)]
    ans = _ask("Người vi phạm bị phạt tối đa bao nhiêu tiền?", passages, _confident(5.0))
    assert ans.status == "answered"
    # a figure given alone is stated
    passages = [_passage(1, "Từ năm 2006, sinh viên đi tàu Thống Nhất được giảm 10% giá vé.", 9.0)]
    ans = _ask("Từ năm 2006 sinh viên đi tàu Thống Nhất được giảm bao nhiêu phần trăm giá vé?", passages, _confident(5.0))
    assert ans.status == "answered" and ans.answer.startswith("10%")


@pytest.mark.parametrize(
    "text, sentence, is_range",
    [
        ("25%", "Sinh viên được giảm từ 10%-25% giá vé.", True),
        ("từ 10%", "Sinh viên được giảm từ 10%-25% giá vé.", True),
        ("20 triệu", "Mức phạt từ 15 - 20 triệu đồng.", True),
        ("khoảng 8", "Người khuyết tật chiếm khoảng 8-10% dân số.", True),
        # a day and a month, a term of years, or a figure alone: no range
        ("15", "Hôm 15-3, TP công bố 15 sản phẩm chủ lực.", False),
        ("3", "Ngày 31-3, Thủ tướng ký 3 quyết định kỷ luật.", False),
        ("61", "Quận thành lập 61 chi bộ đảng giai đoạn 2012-2020.", False),
        ("10%", "Mức giảm 10% áp dụng cho tàu Thống Nhất; 25% cho tàu địa phương.", False),
        # small numbers are ranges too, wherever a date stands beside them
        ("5", "Mỗi nhóm khoảng 3-5 người.", True),
        ("20", "Hôm 20-11, trường có 20 - 25 giáo viên mới.", True),
        # a figure written once alone is no range, though it ends one elsewhere
        ("10%", "Giá tăng 10%, nhóm khác tăng 5-10%.", False),
        ("2004", "Nhiệm kỳ 2004-2009 có 2004 đại biểu.", False),
    ],
)
def test_a_range_is_told_from_dates_and_single_figures(text, sentence, is_range):
    assert range_end(text, sentence) is is_range


def test_an_order_of_size_is_offered_never_stated():
    passages = [_passage(1, "Dự án khu đô thị buộc phải di dời hàng trăm hộ dân xã Hòa Hải.", 9.0)]
    ans = _ask("Dự án khu đô thị phải di dời bao nhiêu hộ dân xã Hòa Hải?", passages, _confident(5.0))
    assert ans.best.startswith("hàng trăm hộ dân") and ans.status == "uncertain" and ans.answer is None
    # a figure of the same sentence written in digits is stated
    passages = [_passage(1, "Dự án khu đô thị buộc phải di dời 312 hộ dân xã Hòa Hải.", 9.0)]
    ans = _ask("Dự án khu đô thị phải di dời bao nhiêu hộ dân xã Hòa Hải?", passages, _confident(5.0))
    assert ans.status == "answered" and ans.answer.startswith("312 hộ dân")


def test_another_edition_typed_in_chat_is_not_stated():
    text = "Liên hoan văn nghệ các tỉnh miền núi lần thứ nhất tổ chức ở Sơn La ngày 13-9-2004."
    passages = [_passage(1, text, 9.0)]
    ans = _ask("lien hoan van nghe cac tinh mien nui lan 2 to chuc o dau", passages, _confident(5.0))
    assert ans.status == "uncertain" and ans.answer is None
    ans = _ask("lien hoan van nghe cac tinh mien nui lan 1 to chuc o dau", passages, _confident(5.0))
    assert ans.status == "answered"


def test_a_landmark_the_answer_does_not_speak_of_is_never_stated():
    quy_nhon = "Năm 2006, cảng Cửa Lò dự kiến đạt bao nhiêu phần trăm năng lực khai thác?"
    passages = [_passage(1, "Năm 2006, cảng Vũng Áng dự kiến đạt khoảng 62% năng lực khai thác.", 9.0)]
    ans = _ask(quy_nhon, passages, _confident(5.0))
    assert ans.best.startswith("khoảng 62%") and ans.status == "uncertain" and ans.answer is None
    assert ans.caveat == "đoạn trích nói về một công trình, địa danh khác"
    # the article never names the asked one, though the sentence names no other
    passages = [_passage(1, "Năm 2006, cảng dự kiến đạt khoảng 62% năng lực khai thác.", 9.0, title="Cảng Vũng Áng mở rộng")]
    ans = _ask(quy_nhon, passages, _confident(5.0))
    assert ans.status == "uncertain" and ans.caveat == "bài nguồn không nhắc đến cảng Cửa Lò"
    # named in the headline of the answer's article: stated
    passages = [_passage(1, "Năm 2006, cảng dự kiến đạt khoảng 62% năng lực khai thác.", 9.0, title="Cảng Cửa Lò mở rộng")]
    ans = _ask(quy_nhon, passages, _confident(5.0))
    assert ans.status == "answered" and ans.answer.startswith("khoảng 62%")
    # typed without diacritics, the name is read the same
    ans = _ask("nam 2006 cang Cua Lo du kien dat bao nhieu phan tram nang luc khai thac", passages, _confident(5.0))
    assert ans.status == "answered"
    # named in a passage of its article that was not retrieved: the whole article is read
    passages = [_passage(1, "Năm 2006, cảng dự kiến đạt khoảng 62% năng lực khai thác.", 9.0, article="a")]
    q = parse_question(quy_nhon)
    figures = _figures(passages[0])
    assert answer(q, passages, figures, _confident(5.0)).status == "uncertain"
    whole = {"a": "Cảng biển miền Trung . Cảng Cửa Lò mở rộng bến. Năm 2006, cảng dự kiến đạt khoảng 62%."}
    assert answer(q, passages, figures, _confident(5.0), articles=whole).status == "answered"


def test_a_proper_name_the_answers_article_never_writes_is_never_stated():
    asked = "Lâm Đồng cho thuê bao nhiêu căn biệt thự cổ ở Bảo Lộc?"
    text = "Tỉnh Lâm Đồng vừa cho thuê 13 căn biệt thự cổ ở Đà Lạt để kinh doanh du lịch."
    passages = [_passage(1, text, 9.0, article="a")]
    q = parse_question(asked)
    figures = _figures(passages[0])
    ans = answer(q, passages, figures, _confident(5.0), articles={"a": f"Biệt thự cổ . {text}"})
    assert ans.best.startswith("13 căn") and ans.status == "uncertain" and ans.answer is None
    assert ans.caveat == "bài nguồn không nhắc đến Bảo Lộc"  # the reader is told why
    assert ans.to_json()["caveat"] == ans.caveat
    # not confident anyway: uncertain, with no reason of its own to give
    assert answer(q, passages, figures, _confident(-5.0), articles={"a": text}).caveat is None
    # the article names it, if not in the passage: stated
    whole = {"a": f"Biệt thự cổ . {text} Ở Bảo Lộc, tỉnh cũng cho thuê thêm."}
    ans = answer(q, passages, figures, _confident(5.0), articles=whole)
    assert ans.status == "answered" and ans.answer.startswith("13 căn") and ans.caveat is None


def test_another_storm_than_the_one_asked_is_not_stated():
    passages = [_passage(1, "Có 20 tổ chức phi chính phủ cam kết hỗ trợ người dân vùng bão số 7.", 9.0)]
    ans = _ask("co bn to chuc phi chinh phu cam ket ho tro dan vung bao so 6", passages, _confident(5.0))
    assert ans.best.startswith("20 tổ chức") and ans.status == "uncertain"
    assert ans.caveat == "đoạn trích nói về một kỳ, đợt hoặc sự kiện khác"
    ans = _ask("co bn to chuc phi chinh phu cam ket ho tro dan vung bao so 7", passages, _confident(5.0))
    assert ans.status == "answered"


def test_another_grade_than_the_one_asked_is_not_stated():
    passages = [_passage(1, "Năm học 2005-2006, học sinh trái tuyến lớp 1 giảm 2,45%, lớp 6 giảm 1,1%.", 9.0)]
    ans = _ask("Năm học 2005-2006, học sinh trái tuyến lớp 10 giảm bao nhiêu phần trăm?", passages, _confident(5.0))
    assert ans.status == "uncertain" and ans.answer is None
    ans = _ask("Năm học 2005-2006, học sinh trái tuyến lớp 1 giảm bao nhiêu phần trăm?", passages, _confident(5.0))
    assert ans.status == "answered" and ans.answer.startswith("2,45%")


def test_a_deputy_is_not_stated_as_the_head_asked():
    text = "Theo ông Trần Văn Hùng, Phó chủ tịch UBND phường Định Công, phường có hai trường hợp khó xác nhận."
    passages = [_passage(1, text, 9.0)]
    ans = _ask("Chủ tịch UBND phường Định Công là ai?", passages, _confident(5.0))
    assert ans.best == "Trần Văn Hùng" and ans.status == "uncertain" and ans.answer is None
    assert ans.caveat == "người này là cấp phó, không phải người đứng đầu"
    # asked for the deputy, he is the answer
    ans = _ask("Phó chủ tịch UBND phường Định Công là ai?", passages, _confident(5.0))
    assert ans.status == "answered" and ans.answer == "Trần Văn Hùng"


@pytest.mark.parametrize(
    "text, other, asked, best",
    [
        # another region than the question's
        ("Đại hội Đại đoàn kết các dân tộc Tây Nguyên đã tuyên dương 120 cá nhân có nhiều đóng góp.",
         "Đại hội Đại đoàn kết các dân tộc Tây Nam Bộ tuyên dương bao nhiêu cá nhân?",
         "Đại hội Đại đoàn kết các dân tộc Tây Nguyên tuyên dương bao nhiêu cá nhân?", "120 cá nhân"),
        # another foreign country than the question's
        ("Số trẻ em Việt Nam được nhận làm con nuôi tại Pháp chiếm 10% số con nuôi nước ngoài.",
         "Con nuôi Việt Nam chiếm bao nhiêu phần trăm số con nuôi nước ngoài tại Mỹ?",
         "Con nuôi Việt Nam chiếm bao nhiêu phần trăm số con nuôi nước ngoài tại Pháp?", "10%"),
        # a share of capital says who owns a company, not the pay rise asked of it
        ("Công nhân Công ty May Sao Mai (100% vốn nước ngoài) ngừng việc, đòi tăng lương.",
         "Công nhân Công ty May Sao Mai đòi tăng lương bao nhiêu phần trăm?",
         "Công ty May Sao Mai có bao nhiêu phần trăm vốn nước ngoài?", "100% vốn"),
        ("Công nhân Công ty May Sao Mai (100% vốn nước ngoài) ngừng việc, đòi tăng lương.",
         "cn cty may sao mai doi tang luong bn %",
         "Công ty May Sao Mai có bao nhiêu phần trăm vốn nước ngoài?", "100% vốn"),
        # the day a decree takes effect is not the day it was signed
        ("Nghị định số 15-2007/NĐ-CP của Chính phủ về quản lý chợ chính thức có hiệu lực từ ngày 15-2.",
         "Nghị định 15-2007/NĐ-CP về quản lý chợ được Chính phủ ký ban hành ngày nào?",
         "Nghị định 15-2007/NĐ-CP về quản lý chợ có hiệu lực từ ngày nào?", "15-2"),
        ("Nghị định số 15-2007/NĐ-CP của Chính phủ về quản lý chợ chính thức có hiệu lực từ ngày 15-2.",
         "Nghị định 15-2007/NĐ-CP về quản lý chợ được Chính phủ ký ban hành ngày nào?",
         "Nghị định 15-2007/NĐ-CP do Chính phủ ban hành được áp dụng từ ngày nào?", "15-2"),
    ],
)
def test_a_confident_answer_to_another_question_is_offered_not_stated(text, other, asked, best):
    passages = [_passage(1, text, 9.0)]
    ans = _ask(other, passages, _confident(5.0))
    assert ans.best.startswith(best) and ans.status == "uncertain" and ans.answer is None
    ans = _ask(asked, passages, _confident(5.0))
    assert ans.status == "answered" and ans.answer.startswith(best)


def test_an_article_without_candidates_changes_no_feature():
    asked = "Năm 2004 quận Gò Vấp kết nạp bao nhiêu đảng viên?"
    scored = [
        _passage(1, "Đảng bộ quận Gò Vấp tổng kết công tác năm 2004.", 9.0, article="gv"),
        _passage(2, "Trong năm, toàn Đảng bộ kết nạp 339 đảng viên.", 8.0, article="gv"),
    ]
    no_figure = _passage(3, "Quận Gò Vấp đẩy mạnh công tác phát triển đảng viên.", 7.0, title="Tin quận", article="other")
    alone = _features_by_value(asked, scored)
    assert _features_by_value(asked, [*scored, no_figure]) == alone


def test_figure_windows_read_from_the_cache_are_the_ones_computed_afresh():
    from index import candidates as module

    p = _passage(1, "Tỷ lệ ứng cử viên nữ chiếm 39%, trẻ tuổi 22,4%; có 31 người tự ứng cử.", 9.0)
    share, count = "Tỷ lệ ứng cử viên trẻ tuổi là bao nhiêu?", "Có bao nhiêu người tự ứng cử?"
    module._sentence_windows.cache_clear()
    fresh = [_features_by_value(share, [p]), _features_by_value(count, [p])]
    cached = [_features_by_value(share, [p]), _features_by_value(count, [p])]  # the windows from the cache
    assert module._sentence_windows.cache_info().hits > 0
    assert cached == fresh


def test_a_sum_asked_as_tien_is_stated_though_no_unit_says_tien():
    # "bao nhiêu tiền" names what is paid, not a unit: a sum in đồng answers it
    passages = [_passage(1, "Trước mắt, địa phương hỗ trợ mỗi hộ bị thiên tai 800.000 đồng.", 9.0)]
    ans = _ask("Xã hỗ trợ mỗi hộ bị thiên tai bao nhiêu tiền?", passages, _confident(5.0))
    assert ans.status == "answered" and ans.answer.startswith("800.000")


def test_the_passages_shown_come_from_other_articles_before_more_of_one():
    from index.answer import shown

    ps = [_passage(1, "a", 9.0, article="A"), _passage(2, "b", 8.0, article="A"), _passage(3, "c", 7.0, article="A"),
          _passage(4, "d", 6.0, article="B"), _passage(5, "e", 5.0, article="C")]  # fmt: skip
    assert [p.passage_id for p in shown(ps, 3)] == [1, 4, 5]
    assert [p.passage_id for p in shown(ps, 5)] == [1, 4, 5, 2, 3]  # then the rest, in order
    # the evidence passage keeps its place, though its article is shown already
    assert [p.passage_id for p in shown(ps, 3, evidence=2)] == [1, 2, 4]
    # one article only: its passages in order
    assert [p.passage_id for p in shown(ps[:3], 5)] == [1, 2, 3]


def test_an_answer_shows_the_evidence_then_other_articles():
    passages = [
        _passage(1, "Năm 2004, Đảng bộ quận Gò Vấp kết nạp mới 339 đảng viên.", 9.0, article="A"),
        _passage(2, "Quận Gò Vấp tổ chức hội nghị tổng kết công tác đảng viên.", 8.5, article="A"),
        _passage(3, "Quận Gò Vấp có nhiều chi bộ mới.", 8.0, article="B"),
    ]
    ans = _ask("Năm 2004 quận Gò Vấp kết nạp bao nhiêu đảng viên?", passages, k=2)
    assert [p.passage_id for p in ans.passages] == [1, 3]


def test_a_figure_of_another_school_year_is_offered_never_stated():
    passages = [_passage(1, "Năm học 2006-2007, thành phố cử học sinh đi học ở 11 chuyên ngành.", 9.0)]
    for question in ("Năm học 2007-2008 thành phố cử học sinh đi học ở bao nhiêu chuyên ngành?",
                     "nam hoc 2007-2008, tp cu hoc sinh di hoc o bn chuyen nganh"):
        ans = _ask(question, passages, _confident(5.0))
        assert ans.best.startswith("11 chuyên ngành") and ans.status == "uncertain" and ans.answer is None
        assert ans.caveat == "đoạn trích nói về năm học, niên vụ khác"
    # the year asked alone, or the span the sentence gives: stated
    for question in ("Năm học 2006-2007 thành phố cử học sinh đi học ở bao nhiêu chuyên ngành?",
                     "Năm 2007 thành phố cử học sinh đi học ở bao nhiêu chuyên ngành?"):
        assert _ask(question, passages, _confident(5.0)).status == "answered"


def test_another_district_of_the_asked_city_is_offered_never_stated():
    text = "Theo báo cáo, từ năm 2000 đến nay TP Hồ Chí Minh có 241 vụ lấn chiếm, nhiều nhất ở Q.7."
    passages = [_passage(1, text, 9.0)]
    for question in ("Từ năm 2000 đến nay quận 12 TP Hồ Chí Minh có bao nhiêu vụ lấn chiếm?",
                     "tu nam 2000 den nay quan 12 tp hcm co bn vu lan chiem?"):
        ans = _ask(question, passages, _confident(5.0))
        assert ans.best.startswith("241 vụ") and ans.status == "uncertain", question
        assert ans.caveat == "con số nói về địa phương khác"
    # the figure's own clause names the asked district, though its context keeps others
    text2 = "Năm 2000, Công an TP Hồ Chí Minh, Công an huyện Củ Chi phát hiện 241 vụ lấn chiếm tại quận 12."
    ans = _ask("Từ năm 2000 đến nay quận 12 TP Hồ Chí Minh có bao nhiêu vụ lấn chiếm?", [_passage(1, text2, 9.0)], _confident(5.0))
    assert ans.status == "answered", ans.best
    # the district the context names is asked, or the city alone: stated
    for question in ("Từ năm 2000 đến nay quận 7 TP Hồ Chí Minh có bao nhiêu vụ lấn chiếm?",
                     "Từ năm 2000 đến nay TP Hồ Chí Minh có bao nhiêu vụ lấn chiếm?"):
        assert _ask(question, passages, _confident(5.0)).status == "answered", question


def test_a_place_the_question_writes_without_diacritics_is_not_another_place():
    text = "Tại buổi gặp mặt ở TP.HCM, khoảng 1,6 triệu người gốc Quảng Nam đang sinh sống, làm ăn."
    p = _passage(1, text, 9.0)
    (f,) = [f for f in _figures(p) if f.value == 1_600_000]
    figures = [replace(f, context="Quảng Nam")]  # a context naming only the province of origin
    asked = "Co khoang bao nhieu nguoi dan goc Quang Nam dang sinh song, lam an tai TP.HCM?"
    q = parse_question(asked)
    assert q.places == {"ho chi minh"}  # "Quang Nam" typed without diacritics is no place it reads
    ans = answer(q, [p], figures, _confident(5.0))
    assert ans.status == "answered" and ans.answer.startswith("khoảng 1,6 triệu")
    # a question that does not write the context's province: another place
    ans = answer(parse_question(asked.replace("Quang Nam", "Quang Tri")), [p], figures, _confident(5.0))
    assert ans.status == "uncertain" and ans.caveat == "con số nói về địa phương khác"
    # written with capitals but without its level word, the same
    ans = answer(parse_question("Có khoảng bao nhiêu người gốc Quảng Nam đang sinh sống tại TP.HCM?"), [p], figures, _confident(5.0))
    assert ans.status == "answered"
    # a common word that folds like a place, or a name inside a longer one, names no place
    for context, question in (("các tỉnh Nam bộ", "Năm nay có khoảng bao nhiêu người đang sinh sống tại TP.HCM?"),
                              ("Bình Dương", "Có khoảng bao nhiêu người từ Thái Bình Dương đang sinh sống tại TP.HCM?")):
        ans = answer(parse_question(question), [p], [replace(f, context=context)], _confident(5.0))
        assert ans.status == "uncertain" and ans.caveat == "con số nói về địa phương khác", question


def test_a_year_or_place_the_article_writes_outside_the_passage_is_no_not_found():
    text = "Đầu năm nay, rừng vùng lõi bị chặt phá 50 ha."
    passages = [_passage(1, text, 9.0, article="a")]
    figures = _figures(passages[0])
    q = parse_question("Đầu năm 2006, rừng vùng lõi ở Lâm Đồng bị chặt phá bao nhiêu ha?")
    # the passage alone: "not found", however confident
    ans = answer(q, passages, figures, _confident(5.0))
    assert ans.status == "not_found" and ans.missing
    # the whole article writes both: the best guess is offered, never stated
    whole = {"a": f"Lâm Đồng: phá rừng Cát Tiên. Tin ngày 8/3/2006. {text}"}
    for logit in (5.0, -1.0):  # told why above the threshold and below
        ans = answer(q, passages, figures, _confident(logit), articles=whole)
        assert ans.status == "uncertain" and ans.answer is None and ans.best.startswith("50 ha")
        assert ans.caveat == "đoạn trích không nhắc đến tỉnh Lâm Đồng và không ghi năm 2006 (bài nguồn có nhắc ở đoạn khác)"
    # the article writes the place but not the year: "not found" stands, of the year
    ans = answer(q, passages, figures, _confident(5.0), articles={"a": f"Lâm Đồng: phá rừng. {text}"})
    assert (ans.status, ans.missing) == ("not_found", "năm 2006")
    # a number that only looks like the year ("2006,5 ha", a document number) is none
    ans = answer(q, passages, figures, _confident(5.0), articles={"a": f"Lâm Đồng trồng 2006,5 ha. {text}"})
    assert (ans.status, ans.missing) == ("not_found", "năm 2006")
    # the passage's own sentence writes another year: a figure of it is no guess for the asked one
    other = [_passage(1, "Năm 2005, rừng vùng lõi ở Lâm Đồng bị chặt phá 50 ha.", 9.0, article="a")]
    ans = answer(q, other, _figures(other[0]), _confident(5.0), articles={"a": "Kế hoạch năm 2006 của tỉnh."})
    assert (ans.status, ans.missing) == ("not_found", "năm 2006")


def test_the_whole_article_is_read_only_where_an_answer_needs_it(tmp_path):
    from index import reads

    class Counting(reads.ArticleTexts):
        reads_made = 0

        def __getitem__(self, article_id):
            Counting.reads_made += 1
            return super().__getitem__(article_id)

    texts = Counting(None, ["a"])  # no database: a read would fail
    assert "a" in texts and "b" not in texts and Counting.reads_made == 0


def test_a_figure_written_as_the_question_asks_leads_a_bare_one_close_to_it(monkeypatch):
    from index import answer as answering

    text = "Chương trình đã đào tạo 2 sinh viên xuất sắc. Tổng cộng hơn 600 sinh viên đã theo học chương trình."
    passages = [_passage(1, text, 9.0)]
    ans = _ask("Chương trình đã đào tạo hơn bao nhiêu sinh viên?", passages, _confident(5.0))
    assert ans.figures[0].text == "hơn 600"
    # typed in chat, the same
    assert _ask("chuong trinh da dao tao hon bn sinh vien?", passages, _confident(5.0)).figures[0].text == "hơn 600"
    # the ranker alone puts the bare figure first
    monkeypatch.setattr(answering, "_qualifier_first", lambda q, ranked: ranked)
    assert _ask("Chương trình đã đào tạo hơn bao nhiêu sinh viên?", passages, _confident(5.0)).figures[0].text == "2"


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Học bổng giảm học phí tối đa bao nhiêu phần trăm?", "30%"),
        ("Mức giảm học phí cao nhất là bao nhiêu %?", "30%"),
        ("hoc bong giam hoc phi toi bn %?", "30%"),  # typed in chat: "tới bao nhiêu"
        ("Học bổng giảm học phí thấp nhất là bao nhiêu phần trăm?", "từ 20"),
        ("hoc bong giam hoc phi it nhat bao nhieu phan tram?", "từ 20"),
    ],
)
def test_a_bound_asked_is_answered_by_that_end_of_a_range(monkeypatch, question, asked):
    from index import answer as answering

    passages = [_passage(1, "Trường dành cho sinh viên Việt Nam học bổng giảm từ 20-30% học phí năm đầu.", 9.0)]
    ans = _ask(question, passages, _confident(5.0))
    assert ans.figures[0].text == asked
    # without the rule the ranker puts the same end first whichever bound is asked
    monkeypatch.setattr(answering, "_asked_end_first", lambda q, ranked: ranked)
    plain = _ask("Học bổng giảm học phí bao nhiêu phần trăm?", passages, _confident(5.0)).figures[0].text
    assert _ask(question, passages, _confident(5.0)).figures[0].text == plain


def _money(text: str, value: float, score: float, sentence: str, unit: str = "đồng", kind: str = "money"):
    from index.candidates import Candidate

    f = FigureHit(value, text, unit, kind, None, "", "a", 1, sentence)
    return Candidate(kind, text, 1, "a", sentence, f, {}, score)


def test_a_range_written_with_words_and_units_has_ends_too():
    from index import answer as answering

    s = "Mức phạt từ 1 triệu đồng/lần đến 5 triệu đồng/lần; năm ngoái phạt 3 triệu đồng."
    low, mid, high = _money("từ 1 triệu", 1e6, 0, s), _money("3 triệu", 3e6, 0, s), _money("đến 5 triệu", 5e6, 0, s)
    for first, second in ((low, high), (high, low)):  # whichever end the ranker puts first
        ranked = [first, mid, second]
        assert answering._asked_end_first(parse_question("Bị phạt cao nhất bao nhiêu tiền?"), ranked)[0] is high
        assert answering._asked_end_first(parse_question("Bị phạt tối thiểu bao nhiêu tiền?"), ranked)[0] is low
        assert answering._asked_end_first(parse_question("bi phat it nhat bn tien?"), ranked)[0] is low
        # no bound asked: the order stays
        assert answering._asked_end_first(parse_question("Bị phạt bao nhiêu tiền?"), ranked) == ranked
    # "3 triệu" is no end of the range
    alone = [mid, high]
    assert answering._asked_end_first(parse_question("Bị phạt cao nhất bao nhiêu tiền?"), alone) == alone


@pytest.mark.parametrize(
    "question",
    [
        "Dự án được đầu tư bao nhiêu tiền?",  # "tư" is no "từ"
        "dau tu bn ty dong?",
        "Bị cáo bị phạt tù bao nhiêu năm?",
        "Ngôi đền bao nhiêu năm tuổi?",
        "Dự án không qua đấu thầu bao nhiêu tỷ đồng?",
    ],
)
def test_words_that_only_fold_to_a_bound_ask_none(question):
    from index import answer as answering

    s = "Nhà nước hỗ trợ đầu tư từ 5 - 7 triệu đồng mỗi hộ."
    ranked = [_money("7 triệu", 7e6, 0, s), _money("từ 5", 5e6, 0, s)]
    assert answering._asks_bound(parse_question(question), answering._LOWER_WORDS) is False
    assert answering._asked_end_first(parse_question(question), ranked) == ranked


def test_figures_of_one_sentence_that_make_no_range_are_left_alone():
    from index import answer as answering

    cases = [
        # other units: no range
        ("Huyện điều từ 10 người đến 20 xe.", _money("từ 10", 10, 0, "", "người", "count"), _money("đến 20", 20, 0, "", "xe", "count")),
        # a lone "30" besides the range "20-30 xã": no end
        ("Năm nay có 30 xã đạt chuẩn, mỗi năm tăng 20-30 xã.", _money("30", 30, 0, "", "xã", "count"), _money("20", 20, 0, "", "xã", "count")),
        # a bare count pair is a date
        ("Hôm qua, 17-2, có 5 người đến.", _money("17", 17, 0, "", None, "count"), _money("2", 2, 0, "", None, "count")),
    ]
    for sentence, a, b in cases:
        a.sentence = b.sentence = a.figure.sentence = sentence
        assert not answering._range_ends(a, b), sentence
    ok_a, ok_b = _money("từ 10", 10, 0, "", "người", "count"), _money("20", 20, 0, "", "người", "count")
    ok_a.sentence = ok_b.sentence = "Mỗi tổ có từ 10 người - 20 người."
    assert answering._range_ends(ok_a, ok_b)


def test_the_article_mot_gives_way_to_a_figure_of_the_noun_asked():
    from index import answer as answering

    s = "Một ngôi chợ tiền tỷ bị bỏ hoang; chỉ còn 3 hộ buôn bán."

    def cand(text: str, value: float, unit: str, unit_match: float, score: float, article: str = "a", kind: str = "count"):
        c = _money(text, value, score, s, unit, kind)
        c.article_id = article
        c.features["unit"] = unit_match
        return c

    one = cand("Một", 1, "ngôi chợ tiền", 0.0, 5.0)
    three = cand("3", 3, "hộ", 1.0, 4.0)
    assert answering._article_one_behind([one, three])[0] is three
    # "một đơn vị" for "bao nhiêu đơn vị": the noun asked, it keeps its place
    unit_one = cand("một", 1, "đơn vị", 1.0, 5.0)
    assert answering._article_one_behind([unit_one, three])[0] is unit_one
    # none leads that is far below it, of another article or kind, or of another noun
    far = cand("3", 3, "hộ", 1.0, 5.0 - answering.ONE_MARGIN - 0.1)
    elsewhere = cand("3", 3, "hộ", 1.0, 4.0, article="b")
    money = cand("3 triệu", 3e6, "đồng", 1.0, 4.0, kind="money")
    other_noun = cand("3", 3, "ngày", 0.0, 4.0)
    for rival in (far, elsewhere, money, other_noun):
        assert answering._article_one_behind([one, rival])[0] is one
    # nor when the question names nothing to count
    one.features["no_target"] = 1.0
    assert answering._article_one_behind([one, three])[0] is one


def test_the_asked_sense_never_lifts_a_figure_far_below_the_best():
    from index import answer as answering
    from index.candidates import Candidate

    def cand(text: str, qualifier: str | None, score: float) -> Candidate:
        f = FigureHit(1.0, text, "người", "count", qualifier, "", "a", 1, "")
        return Candidate("count", text, 1, "a", "", f, {"unit_none": 0.0}, score)

    q = parse_question("Có khoảng bao nhiêu người?")
    near = [cand("4", None, 5.0), cand("khoảng 10", "khoảng", 5.0 - answering.QUALIFIER_MARGIN + 0.1)]
    assert answering._qualifier_first(q, near)[0].text == "khoảng 10"
    far = [cand("4", None, 5.0), cand("khoảng 10", "khoảng", 5.0 - answering.QUALIFIER_MARGIN - 0.1)]
    assert answering._qualifier_first(q, far)[0].text == "4"
    # "hơn" and "trên" say the same; "gần" says another thing
    q = parse_question("Có hơn bao nhiêu người?")
    assert answering._qualifier_first(q, [cand("4", None, 5.0), cand("trên 10", "trên", 4.9)])[0].text == "trên 10"
    assert answering._qualifier_first(q, [cand("4", None, 5.0), cand("gần 10", "gần", 4.9)])[0].text == "4"
    # "trên dưới" is about, not more nor under
    q = parse_question("Có trên dưới bao nhiêu người?")
    assert answering._qualifier_first(q, [cand("4", None, 5.0), cand("trên 10", "trên", 4.9)])[0].text == "4"
    assert answering._qualifier_first(q, [cand("4", None, 5.0), cand("khoảng 10", "khoảng", 4.9)])[0].text == "khoảng 10"


@pytest.mark.parametrize(
    "question",
    [
        "Số người năm nay tăng hơn bao nhiêu so với năm ngoái?",  # a comparison
        "Mực nước cao hơn bao nhiêu?",
        "Thành phố đã gắn bao nhiêu camera?",  # "gắn" folds to "gan", no "gần"
        "Trên máy bay có bao nhiêu người?",  # "máy" folds to "may", no "mấy"
        "Tính chung có bao nhiêu người?",  # "chung" is no "chừng"
        "Số người lên đến bao nhiêu?",  # asks "up to": a figure "đến 7.000" ends a range
    ],
)
def test_no_approximation_asked_lifts_nothing(question):
    from index import answer as answering
    from index.candidates import Candidate

    def cand(text: str, qualifier: str | None, score: float) -> Candidate:
        f = FigureHit(1.0, text, "người", "count", qualifier, "", "a", 1, "")
        return Candidate("count", text, 1, "a", "", f, {"unit_none": 0.0}, score)

    rivals = [cand("hơn 20", "hơn", 4.9), cand("gần 20", "gần", 4.9), cand("khoảng 20", "khoảng", 4.9), cand("đến 7.000", "đến", 4.9)]
    assert answering._qualifier_first(parse_question(question), [cand("4", None, 5.0), *rivals])[0].text == "4"


def test_the_asked_sense_lifts_only_a_figure_of_the_same_article():
    from index import answer as answering
    from index.candidates import Candidate

    def cand(text: str, qualifier: str | None, score: float, article: str) -> Candidate:
        f = FigureHit(1.0, text, "người", "count", qualifier, "", article, 1, "")
        return Candidate("count", text, 1, article, "", f, {"unit_none": 0.0}, score)

    q = parse_question("Có hơn bao nhiêu người?")
    assert answering._qualifier_first(q, [cand("4", None, 5.0, "a"), cand("hơn 20", "hơn", 4.9, "b")])[0].text == "4"

"""Candidate features added for ranking within an article: a date the question states,
a figure in parentheses, the asked noun as a figure's label,
households and classifiers as units, and a person's office (principal, deputy, place).

Small fixtures written for these tests; no question set is read."""

from __future__ import annotations

import pytest

from index.candidates import candidates, unit_match
from index.figures import extract_figures
from index.models import FigureHit, PassageHit
from index.parse import parse_question, syllables


def _passage(pid: int, text: str, score: float = 9.0, title: str = "Tin địa phương") -> PassageHit:
    return PassageHit(f"a{pid}", pid, title, None, None, text, score)


def _figures(p: PassageHit) -> list[FigureHit]:
    return [
        FigureHit(f.value, f.text, f.unit, f.kind, f.qualifier, f.context, p.article_id, p.passage_id, f.sentence)
        for f in extract_figures(p.text, title=p.title)
    ]


def _candidates(question: str, passages: list[PassageHit]):
    return candidates(parse_question(question), passages, [f for p in passages for f in _figures(p)])


def _by_text(question: str, text: str) -> dict[str, dict[str, float]]:
    return {c.text: c.features for c in _candidates(question, [_passage(1, text)])}


def test_a_year_or_date_the_question_writes_itself_is_marked_stated():
    text = "Buổi gặp mặt kiều bào mừng Xuân Bính Tuất 2006 diễn ra chiều 26-1 tại Hà Nội."
    feats = _by_text("Buổi gặp mặt kiều bào mừng Xuân Bính Tuất 2006 diễn ra vào thời gian nào?", text)
    stated = {t: f["date_stated"] for t, f in feats.items()}
    assert stated["2006"] == 1.0
    assert stated["26-1"] == 0.0
    # a full date the question writes ("trước khi văn bản ngày 7/9/2005 được gửi")
    text = "Ngày 22/8/2005 Bộ trưởng đồng ý chủ trương (có văn bản ngày 7/9/2005 gửi các sở)."
    feats = _by_text("Bộ trưởng đồng ý chủ trương vào ngày nào, trước khi văn bản ngày 7/9/2005 được gửi?", text)
    assert feats["7/9/2005"]["date_stated"] == 1.0
    assert feats["22/8/2005"]["date_stated"] == 0.0


def test_a_number_the_question_writes_without_a_unit_is_marked_stated():
    # a house number, and a share the question gives as the threshold it asks about
    feats = _by_text(
        "Tập tài liệu về biệt thự 76 Phan Đình Phùng dày bao nhiêu trang?",
        "Tập tài liệu 67 trang nói về biệt thự 76 Phan Đình Phùng.",
    )
    assert feats["76"]["stated"] == 1.0 and feats["67"]["stated"] == 0.0
    feats = _by_text(
        "Bao nhiêu phần trăm số xe công đã khấu hao trên 50%?",
        "Có 62% số xe công đã khấu hao trên 50%.",
    )
    assert feats["trên 50%"]["stated"] == 1.0 and feats["62%"]["stated"] == 0.0
    # ... but a share marks no bare count of its value, and the number of a school is no figure
    assert _by_text("Bao nhiêu doanh nghiệp có vốn nhà nước trên 50%?", "Đã có 50 doanh nghiệp.")["50"]["stated"] == 0.0
    feats = _by_text("Trường THPT số 2 có bao nhiêu học sinh đoạt giải?", "Trường THPT số 2 có 2 trong số 45 học sinh đoạt giải.")
    assert feats["2"]["stated"] == 0.0


def test_a_figure_inside_parentheses_is_an_aside():
    feats = _by_text(
        "Bao nhiêu phần trăm lao động được đào tạo nghề?",
        "Mới có 4% trong tổng số 2,1 triệu lao động (tương đương 55,5% tổng số) được đào tạo nghề.",
    )
    assert feats["55,5%"]["in_parens"] == 1.0
    assert feats["4%"]["in_parens"] == 0.0


def test_the_asked_noun_as_a_figures_label_leads_its_sentence():
    text = "Cụ thể, nứt tường: 17 điểm, thấm mái nhà: 23 điểm, bong tróc: 5 điểm."
    feats = _by_text("Đoàn kiểm tra thấy bao nhiêu điểm thấm mái nhà?", text)
    labels = {t: f["label"] for t, f in feats.items()}
    assert labels["23"] == 0.0  # the best label of its sentence
    assert labels["17"] < 0.0 and labels["5"] < 0.0


def test_households_answer_a_question_on_families_not_the_people_in_them():
    families = syllables("gia đình")
    assert unit_match(families, "hộ dân") >= 0.8
    assert unit_match(families, "người") < 0.5
    assert unit_match(syllables("đảng viên"), "người") == pytest.approx(0.6)  # people still fit people
    feats = _by_text(
        "Dự án buộc bao nhiêu gia đình phải di dời?",
        "Có khoảng 300 hộ dân với hơn 5.000 người sẽ phải di dời để làm dự án.",
    )
    assert feats["khoảng 300"]["unit"] > feats["hơn 5.000"]["unit"]


def test_a_classifier_unit_takes_the_noun_named_before_it():
    feats = _by_text(
        "Tổng số nhà bị hư hại là bao nhiêu?",
        "Có thêm 3 ngôi nhà bị nứt trong 2 ngày, nâng tổng số nhà bị hư hại lên 41 căn.",
    )
    forty_one = next(f for t, f in feats.items() if "41" in t)
    assert forty_one["unit"] >= 0.5


def _names(question: str, text: str) -> dict[str, dict[str, float]]:
    return {c.text: c.features for c in _candidates(question, [_passage(1, text)])}


def test_a_name_holding_the_asked_office_is_marked_and_a_deputy_is_not_the_principal():
    text = "Ông Trần Văn Bình, Phó chủ tịch Hội đồng bầu cử tỉnh, cho biết; Chủ tịch Hội đồng bầu cử tỉnh, ông Lê Văn Hòa, chủ trì."
    feats = _names("Ai là Chủ tịch Hội đồng bầu cử tỉnh?", text)
    assert feats["Lê Văn Hòa"]["role_asked"] == 1.0
    assert feats["Lê Văn Hòa"]["role_here"] == 1.0 and feats["Lê Văn Hòa"]["role_deputy"] == 0.0
    assert feats["Trần Văn Bình"]["role_here"] == 0.0 and feats["Trần Văn Bình"]["role_deputy"] == 1.0
    # asked for the deputy, the principal is the mismatch
    feats = _names("Ai là Phó chủ tịch Hội đồng bầu cử tỉnh?", text)
    assert feats["Trần Văn Bình"]["role_here"] == 1.0
    assert feats["Lê Văn Hòa"]["role_deputy"] == 1.0


def test_the_asked_office_of_another_place_is_marked_elsewhere():
    text = "Chủ tịch UBND tỉnh Long An Nguyễn Văn Tâm đã chỉ đạo; ông Phạm Văn Nam, Chủ tịch UBND huyện Đức Hòa, cho biết."
    feats = _names("Chủ tịch UBND huyện Đức Hòa (Long An) là ai?", text)
    assert feats["Phạm Văn Nam"]["role_here"] == 1.0 and feats["Phạm Văn Nam"]["role_elsewhere"] == 0.0
    assert feats["Nguyễn Văn Tâm"]["role_here"] == 1.0 and feats["Nguyễn Văn Tâm"]["role_elsewhere"] == 1.0


def test_no_office_asked_no_role_features():
    feats = _names("Ai đã cứu người trong vụ lũ?", "Ông Nguyễn Văn Bảy đã cứu 3 người trong vụ lũ.")
    assert feats["Nguyễn Văn Bảy"]["role_asked"] == 0.0
    assert "role_here" not in feats


def _confident(logit: float):
    """The hand ranker with a calibrator that says ``sigmoid(logit)`` whatever it sees."""
    import numpy as np

    from index.scorer import CALIBRATION, HAND, LinearModel, Scorer

    n = len(CALIBRATION)
    return Scorer("test", HAND.ranker, LinearModel(CALIBRATION, np.zeros(n), np.ones(n), np.zeros(n), logit), 0.8)


def test_a_name_holding_the_asked_office_of_another_place_is_never_stated():
    from index.answer import answer
    from index.candidates import FEATURES, VETO_FEATURES

    assert not set(VETO_FEATURES) & set(FEATURES)  # read by the answer, not weighed by the ranker
    question = "Chủ tịch UBND huyện Đức Hòa (Long An) là ai?"
    elsewhere = [_passage(1, "Chủ tịch UBND tỉnh Long An Nguyễn Văn Tâm đã chỉ đạo các huyện khẩn trương khắc phục.")]
    ans = answer(parse_question(question), elsewhere, [], _confident(4.0), 5, None)
    assert ans.best == "Nguyễn Văn Tâm" and ans.status == "uncertain"
    here = [_passage(1, "Ông Phạm Văn Nam, Chủ tịch UBND huyện Đức Hòa, cho biết huyện đã khắc phục xong.")]
    ans = answer(parse_question(question), here, [], _confident(4.0), 5, None)
    assert ans.best == "Phạm Văn Nam" and ans.status == "answered"


def test_a_span_of_time_answers_how_long():
    span = syllables("thời gian")
    assert unit_match(span, "năm") == 1.0
    assert unit_match(span, "ngày làm việc") == 1.0
    assert unit_match(span, "hộ") == 0.0
    feats = _by_text(
        "Người dân đã chờ giấy chủ quyền nhà đất suốt bao lâu?",
        "Hơn 200 hộ dân đã chờ giấy chủ quyền nhà đất suốt 14 năm nay.",
    )
    assert feats["14"]["unit_full"] == 1.0
    assert feats["Hơn 200"]["unit_none"] == 1.0


def test_people_counted_by_their_role_answer_how_many_people():
    people = syllables("người")
    assert unit_match(people, "thuyền viên") == pytest.approx(0.6)
    assert unit_match(people, "cán bộ") == pytest.approx(0.6)
    assert unit_match(people, "hộ") == 0.0  # households are no people
    assert unit_match(people, "tấn") == 0.0
    feats = _by_text(
        "Con tàu bị nạn có bao nhiêu người trên tàu?",
        "Tàu bị nạn chở 23 thuyền viên và 5 tấn hàng.",
    )
    assert feats["23"]["unit"] > feats["5"]["unit"]


def test_one_thing_named_two_ways():
    assert unit_match(syllables("quốc gia"), "nước") == pytest.approx(0.8)
    assert unit_match(syllables("công ty"), "doanh nghiệp") == pytest.approx(0.8)
    assert unit_match(syllables("cây số"), "km") == pytest.approx(0.8)
    assert unit_match(syllables("công ty"), "nước") == 0.0

from dataclasses import replace

import pytest

from conftest import SEED_QUESTION
from index.scorer import HAND
from index.text import fold


@pytest.mark.parametrize("question", [SEED_QUESTION, fold(SEED_QUESTION).lower()])
@pytest.mark.parametrize("which", ["corpus_engine", "seed_engine"])
def test_seed_question_answers_61_first(request, which, question):
    ans = request.getfixturevalue(which).ask(question)
    assert ans.type == "count"
    first = ans.figures[0]
    assert (first.value, first.unit, first.article_id) == (61, "chi bộ đảng", "longbien-nq09-2020")
    assert ans.best.startswith("61 chi bộ đảng — ")
    assert "Long Biên" in ans.best and "2012-2020" in ans.best
    assert "61 chi bộ đảng" in ans.passages[0].text  # the evidence passage comes first
    assert first.passage_id == ans.passages[0].passage_id
    if which == "corpus_engine":  # what a fresh install answers: stated, in bold
        assert (ans.status, ans.answer) == ("answered", ans.best)
        assert ans.confidence >= request.getfixturevalue(which).scorer.min_confidence


@pytest.mark.parametrize(
    "question, value, unit",
    [
        ("bao nhieu to chuc cong doan", 173, "tổ chức công đoàn"),
        ("Long Biên thành lập được bao nhiêu chi hội phụ nữ?", 37, "chi hội phụ nữ"),
        ("Tại hội nghị có mấy ý kiến phát biểu tham luận?", 3, "ý kiến"),
        ("Huyện ủy Đông Anh kết nạp bao nhiêu đảng viên mới năm 2023?", 215, "đảng viên"),
        ("UBND quận Hoàn Kiếm khen thưởng bao nhiêu tập thể?", 42, "tập thể"),
    ],
)
def test_count_questions(seed_engine, question, value, unit):
    ans = seed_engine.ask(question)
    assert ans.type == "count"
    assert ans.figures[0].value == value
    assert ans.figures[0].unit == unit


def test_percent_question(seed_engine):
    ans = seed_engine.ask("Đông Anh kết nạp vượt bao nhiêu phần trăm so với chỉ tiêu?")
    assert ans.type == "percent"
    assert ans.figures[0].value == pytest.approx(7.5)
    assert ans.best.startswith("7,5%")


@pytest.mark.parametrize("question", ["Ai chủ trì hội nghị?", "ai chu tri hoi nghi"])
def test_person_question_on_shipped_corpus(corpus_engine, question):
    ans = corpus_engine.ask(question)
    assert ans.type == "person"
    assert ans.best == "Đường Hoài Nam"


def test_person_question_picks_the_sentence_that_matches(seed_engine):
    ans = seed_engine.ask("Ai chủ trì hội nghị sơ kết của Đảng bộ phường Ngọc Lâm?")
    assert ans.best == "Nguyễn Văn Bình"


@pytest.mark.parametrize("question", ["Hội nghị diễn ra ngày nào?", "hoi nghi dien ra ngay nao"])
def test_date_question_on_shipped_corpus(corpus_engine, question):
    ans = corpus_engine.ask(question)
    assert ans.type == "date"
    assert ans.best.startswith("27/02/2020")
    assert ans.figures[0].kind == "date"


def test_place_question(seed_engine):
    ans = seed_engine.ask("Hội nghị tổng kết Nghị quyết 09 được tổ chức ở đâu?")
    assert ans.type == "place"
    assert ans.best.startswith("Phòng họp số 2")


def test_figures_json_schema(corpus_engine):
    j = corpus_engine.ask(SEED_QUESTION).to_json()
    assert j["type"] == "count"
    assert j["answer"].startswith("61 chi bộ đảng") and j["status"] == "answered"
    assert 0.0 <= j["confidence"] <= 1.0 and j["best"] == j["answer"] and j["missing"] is None
    f = j["figures"][0]
    assert set(f) == {"value", "text", "unit", "kind", "qualifier", "context", "article_id", "passage_id"}
    assert f["value"] == 61 and f["text"] == "61" and f["kind"] == "count"


def test_question_of_no_known_type_states_no_answer(seed_engine):
    ans = seed_engine.ask("công tác tuyên truyền giáo dục lý luận chính trị")
    assert ans.type == "other" and ans.answer is None
    assert ans.passages


def test_unit_match_counts_the_question_words_in_the_unit():
    from index.candidates import syllables, unit_match as _unit_match

    asked = syllables("có mấy người tự ứng cử")
    assert _unit_match({"nguoi"}, "người tự ứng cử", asked) == 1.0
    assert _unit_match({"nguoi"}, "người tự ứng cử") < 1.0
    assert _unit_match(syllables("chi bộ đảng"), "tổ chức công đoàn", asked) == 0.0


def test_generic_people_unit_stands_for_a_people_target():
    from index.candidates import PEOPLE_MATCH, syllables, unit_match as _unit_match

    assert _unit_match(syllables("đảng viên"), "người") == PEOPLE_MATCH
    assert _unit_match(syllables("chi bộ"), "người") == 0.0


def _engine_with(tmp_path, articles: list[dict]):
    import json

    from index.engine import Engine

    src = tmp_path / "articles.jsonl"
    src.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles), encoding="utf-8")
    eng = Engine(tmp_path / "data")
    assert eng.ingest([src], workers=1).failed == 0
    return eng


def test_elliptical_list_item_takes_the_lists_head(tmp_path):
    eng = _engine_with(
        tmp_path,
        [
            {
                "id": "hn-ucv",
                "title": "Danh sách ứng cử viên HĐND thành phố",
                "text": "Hà Nội có 143 ứng cử viên. Tỷ lệ ứng cử viên nữ chiếm 39%, trẻ tuổi 22,4%, "
                "người ngoài Đảng 27%.",
            }
        ],
    )
    young = eng.ask("Tỷ lệ ứng cử viên trẻ tuổi là bao nhiêu?")
    assert (young.type, young.figures[0].value) == ("percent", pytest.approx(22.4))
    outside = eng.ask("ty le ung cu vien ngoai dang la bao nhieu")
    assert outside.figures[0].value == pytest.approx(27)
    women = eng.ask("Tỷ lệ ứng cử viên nữ là bao nhiêu?")
    assert women.figures[0].value == pytest.approx(39)


def test_a_figure_about_the_place_the_question_names_wins(tmp_path):
    eng = _engine_with(
        tmp_path,
        [
            {
                "id": "th",
                "title": "Bầu cử lại ở một số nơi",
                "text": "Tỉnh Thanh Hóa có tới 7 đơn vị bị hủy kết quả.",
            },
            {
                "id": "hcm",
                "title": "TP HCM: bầu cử HĐND nghiêm túc",
                "text": "Tại TP HCM, không có đơn vị bầu cử nào phải hủy kết quả bầu cử; cả thành phố "
                "có 31 đơn vị bầu cử HĐND phải bầu lại.",
            },
        ],
    )
    question = "Thanh Hóa phải bầu lại HĐND ở bao nhiêu đơn vị bầu cử vì bị hủy kết quả?"
    assert eng.ask(question).figures[0].value == 7
    # blind to every place signal, the other city's figure wins
    eng.scorer = eng.scorer.without("place", "place_absent", "place_contradicted", "place_other_here", "art_place_absent")
    assert eng.ask(question).figures[0].value == 31


def test_a_figure_stated_only_in_the_headline_answers(tmp_path):
    eng = _engine_with(
        tmp_path,
        [
            {
                "id": "cm",
                "title": "Cà Mau: kỷ luật 111 đảng viên vì không trồng rừng",
                "text": "Lý do các đảng viên này nhận đất rừng làm kinh tế nhưng lại không trồng rừng "
                "đúng như đã cam kết. Huyện đã nhắc nhở nhiều lần trong 3 năm.",
            }
        ],
    )
    ans = eng.ask("Cà Mau kỷ luật bao nhiêu đảng viên không trồng rừng?")
    first = ans.figures[0]
    assert (first.value, first.unit, first.article_id) == (111, "đảng viên", "cm")
    assert ans.best.startswith("111 đảng viên")
    assert first.passage_id == ans.passages[0].passage_id  # the headline's passage is the evidence


@pytest.mark.parametrize(
    "sentence, names",
    [
        # syllables that are also words of titles or places ("Thị", "Thanh", "Quốc")
        ("Hai ứng cử viên trẻ nhất là Trần Thị Ngọc Tuyết và Phan Thị Hồng Châu.", ["Trần Thị Ngọc Tuyết", "Phan Thị Hồng Châu"]),
        ("Người cao tuổi nhất là ông Trần Thanh Pôn, sinh năm 1940.", ["Trần Thanh Pôn"]),
        ("Nhà báo Trần Quốc Huê là Tổng thư ký tòa soạn.", ["Trần Quốc Huê"]),
        # ranks and acronyms before the name are not part of it
        ("Đoàn LĐLĐ TPHCM do Chủ tịch Nguyễn Huy Cận dẫn đầu.", ["Nguyễn Huy Cận"]),
        # a province is not a person
        ("Đoàn công tác đến Bình Dương và Lai Châu.", []),
        # given names that are also words of organizations, unless one follows
        ("Ông Nguyễn Văn Thành được giao tạm phụ trách Sở.", ["Nguyễn Văn Thành"]),
        ("Chủ tịch HĐQT VNPT Phạm Long Trận cho biết.", ["Phạm Long Trận"]),
        ("Bí thư Nguyễn Văn Bình Thành ủy Hà Nội phát biểu.", ["Nguyễn Văn Bình"]),
        # a stray letter or a place before the name
        ("Ban Tuyên giáo T.Ư Nguyễn Khoa Điềm phát biểu.", ["Nguyễn Khoa Điềm"]),
        ("Ông Ninh Bình Phạm Minh Tuyên đọc.", ["Phạm Minh Tuyên"]),
        # "Chi", "Công" end a name too, unless an organization's word follows
        ("Ông chủ dự án Nguyễn Đức Chi đang ở trong trại giam.", ["Nguyễn Đức Chi"]),
        ("Ông Nguyễn Văn Bình Chi cục trưởng phát biểu.", ["Nguyễn Văn Bình"]),
        ("Ông Trần Văn Minh Công an tỉnh cho biết.", ["Trần Văn Minh"]),
        ("Ông Đỗ Duy Thường, Phó chủ tịch, trao đổi.", ["Đỗ Duy Thường"]),
        ("Giám đốc Phạm Quốc Trường cho biết.", ["Phạm Quốc Trường"]),
        ("Ông Nguyễn Văn Minh Thường vụ Thành ủy phát biểu.", ["Nguyễn Văn Minh"]),
        ("Ông Nguyễn Văn Minh Thường trực Tỉnh ủy phát biểu.", ["Nguyễn Văn Minh"]),
        ("Ông Nguyễn Văn Minh Trường Đại học Bách khoa cho biết.", ["Nguyễn Văn Minh"]),
        ("Phát biểu của ông Nguyễn Văn Minh Sáng 12/3, đoàn đến.", ["Nguyễn Văn Minh"]),
        ("Anh Trần Văn Nam Đồng chí Bí thư nói.", ["Trần Văn Nam"]),
        # given names that are also words of titles and bodies ("Đồng Chí", "Doanh Nghiệp")
        ("Chủ tịch UBND tỉnh Khánh Hòa Võ Lâm Chí cho biết.", ["Võ Lâm Chí"]),
        ("Chủ tịch UBND TP lúc này là ông Nguyễn Vĩnh Nghiệp (hiện là chủ tịch Hội).", ["Nguyễn Vĩnh Nghiệp"]),
        # words of bodies that are given names too: the third word of a three-word name
        ("Chủ tịch Quốc hội Nguyễn Văn An cho rằng.", ["Nguyễn Văn An"]),
        ("Ông Nguyễn Xuân Ban, phó chủ tịch UBND phường, nói.", ["Nguyễn Xuân Ban"]),
        ("Ông Huỳnh Minh Đoàn, Bí thư Tỉnh ủy, phát biểu.", ["Huỳnh Minh Đoàn"]),
        ("Ông Lê Văn Tám Ban quản lý dự án cho biết.", ["Lê Văn Tám"]),
        # a long run of capitals before the name: the name is read whole
        ("Giám đốc Sở GTVT Phú Yên Lê Sĩ Lục cho biết.", ["Lê Sĩ Lục"]),
        # Mai, Hồ, Hà, Lâm start places too: a person's name where the words are no place
        ("Phó chủ tịch UBND thành phố Mai Quốc Bình đã ký công văn.", ["Mai Quốc Bình"]),
        ("Bà Hồ Thị Kim Thoa phát biểu.", ["Hồ Thị Kim Thoa"]),
        ("Đoàn công tác của Thành phố Hồ Chí Minh đến thăm.", []),
        # an office's place, then its holder whose surname starts places too
        ("Phó bí thư Tỉnh ủy Lào Cai Hà Văn Quyết phát biểu.", ["Hà Văn Quyết"]),
        ("Chủ tịch UBND tỉnh Sơn La Hà Ban cho biết.", ["Hà Ban"]),
        ("Phó chủ tịch UBND TP Vinh Mai Thanh Bình khẳng định.", ["Mai Thanh Bình"]),
        ("Chủ tịch Hội Châu Văn Tư kể lại.", ["Châu Văn Tư"]),
        # a district or town written alone is a place, not a person
        ("Đoàn đến thăm Cổ Loa, Đông Anh sáng nay.", ["Cổ Loa"]),
        ("Lễ hội diễn ra ở Hội An và Mỹ Tho.", []),
        ("Chị Thanh Thủy cho biết.", ["Thanh Thủy"]),  # titled: a person whatever the name
        ("UBND TP Thủ Đức Hồ Chí Minh vừa ban hành.", []),
        # no body or level before the place: a lake, not a person
        ("Du khách đến Hà Nội Hồ Gươm rất đông.", []),
        ("Đoàn công tác đến huyện Châu Thành làm việc.", []),
        # a headline run on into the text: its last word and the next sentence's first
        ("Đoàn đại biểu dự Festival đến Venezuela Các đại biểu đã có mặt.", []),
        # a headline's name run on into the next sentence's "Ông ...": two names
        ("Kiểm điểm Giám đốc Lê Hòa Ông Đỗ Minh Khang, Chủ tịch HĐQT, đã báo cáo.", ["Lê Hòa", "Đỗ Minh Khang"]),
        # a surname that also starts places or common words, in a name of three or four
        # words: the whole name, not its tail and not the body before it
        ("Theo thầy Lâm Văn Khoa, hiệu trưởng, trường thiếu phòng học.", ["Lâm Văn Khoa"]),
        ("Phó giám đốc Saigontourist Diệp Minh Châu cho biết.", ["Diệp Minh Châu"]),
        ("Ông Phùng Đắc Lộc, trưởng trạm, nói.", ["Phùng Đắc Lộc"]),
        ("Bà Lã Thị Hoa phát biểu.", ["Lã Thị Hoa"]),
        # ... but no place written with those words ("Cù Lao Dung", a district)
        ("Đoàn đến huyện Cù Lao Dung làm việc.", []),
        ("Bà con Cù Lao Dung đón đoàn.", []),
    ],
)
def test_person_candidates(sentence, names):
    from index.candidates import person_candidates as _person_candidates

    assert [n for n, _ in _person_candidates(sentence)] == names


def test_person_with_title_and_surname_ranks_above_a_bare_run_of_capitals():
    from index.candidates import person_candidates as _person_candidates

    bonus = dict(_person_candidates("Ông Trần Thanh Pôn gặp Hồng Hà tại hội nghị."))
    assert bonus["Trần Thanh Pôn"] > bonus.get("Hồng Hà", 0.0)


@pytest.mark.parametrize(
    "sentence",
    [
        "Sau phần đề dẫn, Thứ trưởng Đặng Hùng Võ khẳng định như vậy.",
        "Cơ quan chức năng phát hiện chủ tịch HĐND xã Thạnh Tân Huỳnh Đức Toàn lấn chiếm đất.",
        "Bí thư quận ủy Quận 12 Võ Văn Thưởng phát biểu.",
        "Ông trưởng thôn Trần Văn Mua nói.",
    ],
)
def test_an_office_before_a_name_is_as_much_a_cue_as_a_title(sentence):
    from index.candidates import person_candidates

    (name, bonus), *_ = person_candidates(sentence)
    assert bonus == dict(person_candidates("Ông Trần Văn Nam đến."))["Trần Văn Nam"]


def test_an_office_counts_only_right_before_the_name_in_its_clause():
    from index.candidates import person_candidates

    plain = dict(person_candidates("Hội nghị có mặt Trần Văn Nam."))["Trần Văn Nam"]
    # a verb (lower case, no body or place of the office) stands between: no cue
    assert dict(person_candidates("Chủ tịch đã khen thưởng Trần Văn Nam."))["Trần Văn Nam"] == plain
    # another clause
    assert dict(person_candidates("Theo Bộ trưởng, Trần Văn Nam đã ký."))["Trần Văn Nam"] == plain


@pytest.mark.parametrize(
    "levels, span, agreement",
    [
        ({"township"}, "thị trấn Phục Hòa", 1.0),
        ({"township"}, "tỉnh Cao Bằng", -1.0),
        ({"province"}, "Nam Định", 1.0),  # a province known by its bare name
        ({"province"}, "huyện Ý Yên", -1.0),
        ({"town"}, "Đồng Nai", -1.0),
        ({"city"}, "TP HCM", 1.0),
        # a province-level city answers "tỉnh nào" however it is written
        ({"province"}, "Hà Nội", 1.0),
        ({"province"}, "thành phố Hà Nội", 1.0),
        ({"province"}, "TP HCM", 1.0),
        ({"city"}, "thành phố Hạ Long", 1.0),
        ({"province"}, "thành phố Hạ Long", -1.0),
        ({"city"}, "Nghệ An", -1.0),  # a province, not a city
        ({"province", "city"}, "tỉnh Bình Dương", 1.0),  # "tỉnh, thành phố nào"
        ({"district"}, "Q.5", 1.0),
        ({"district"}, "Củ Chi", 0.0),  # level unknown: no evidence either way
        ({"province"}, "Tây Nguyên", 0.0),  # a region
        ({"commune"}, "Xã hội Chữ thập đỏ", 0.0),  # no place
    ],
)
def test_place_level_agreement(levels, span, agreement):
    from index.candidates import _level_agreement

    assert _level_agreement(frozenset(levels), span) == agreement


@pytest.mark.parametrize(
    "question, levels",
    [
        ("Vụ sập cầu xảy ra ở thị trấn nào?", {"township"}),
        ("vu sap cau xay ra o thi tran nao", {"township"}),
        ("Ông Cao Đức Phát sinh tại tỉnh nào?", {"province"}),
        ("Hội nghị được tổ chức tại thành phố nào?", {"city"}),
        ("Tỉnh, thành phố nào dẫn đầu cả nước về thu hút vốn FDI?", {"province", "city"}),
        ("tinh thanh pho nao dan dau ve thu hut von fdi", {"province", "city"}),
        ("Hội nghị được tổ chức ở đâu?", set()),
        ("Ai là bí thư tỉnh ủy?", set()),
        # "địa phương nào" asks no ward, "cơ quan nào" no district
        ("Vụ tai nạn xảy ra ở địa phương nào?", set()),
        ("vu tai nan xay ra o dia phuong nao", set()),
        ("Cơ quan nào tổ chức hội nghị?", set()),
        ("co quan nao to chuc hoi nghi", set()),
    ],
)
def test_level_asked(question, levels):
    from index.candidates import _level_asked
    from index.parse import parse_question

    assert _level_asked(parse_question(question)) == levels


@pytest.mark.parametrize(
    "sentence, name",
    [
        ("Chủ tịch UBND quận Hoàn Kiếm cho biết như vậy.", "Hoàn Kiếm"),
        ("Chủ tịch UBND xã Lê Lợi ký quyết định.", "Lê Lợi"),
        ("Hiệu trưởng Trường THPT Lê Quý Đôn báo cáo.", "Lê Quý Đôn"),
    ],
)
def test_a_name_right_after_a_level_word_or_a_body_is_no_office_holder(sentence, name):
    from index.candidates import person_candidates

    assert dict(person_candidates(sentence)).get(name, 0.0) < dict(person_candidates("Ông Trần Văn Nam đến."))["Trần Văn Nam"]


def test_a_title_is_a_whole_word():
    from index.candidates import person_candidates

    # "ông" inside "công", "anh" inside "thanh": no title
    assert dict(person_candidates("Hội đồng phân công Nguyễn Văn Sáu phụ trách."))["Nguyễn Văn Sáu"] == 0.3


@pytest.fixture(scope="module")
def longbien_engine(tmp_path_factory):
    """The seed article beside an undated one that counts other wards of Long Biên."""
    from conftest import FIXTURES, SEED
    from index.engine import Engine

    eng = Engine(tmp_path_factory.mktemp("longbien"))
    assert eng.ingest([SEED, FIXTURES / "places.jsonl"], workers=1).failed == 0
    eng.scorer = HAND  # the rules as the hand weights rank them (their features feed the fitted ranker)
    return eng


@pytest.mark.parametrize("question", ["Quận Long Biên có mấy phường?", "quan long bien co may phuong"])
def test_a_district_named_only_by_its_level_still_answers(longbien_engine, question):
    # "Bí thư Đảng ủy 14 phường thuộc Quận": the passage never names Long Biên; the
    # other article says "sáu phường thuộc quận Long Biên" outright but is undated
    ans = longbien_engine.ask(question)
    first = ans.figures[0]
    assert (first.value, first.unit, first.article_id) == (14, "phường", "longbien-nq09-2020")
    assert ans.best.startswith("14 phường — ")  # the other article's figure is no tie
    assert "quận Long Biên" in ans.best  # "thuộc Quận" resolved in the context
    assert "14 phường thuộc Quận" in ans.passages[0].text
    assert ans.passages[0].places == "quận Long Biên"
    assert any(f.value == 6 and f.article_id == "fx-water" for f in ans.figures)  # still listed


def test_a_figure_whose_unit_matches_beats_a_better_worded_sentence(longbien_engine):
    # the "14 phường" sentence holds more of the question's words once "Quận" reads
    # "quận Long Biên"; the conference's own figure is of the unit asked
    ans = longbien_engine.ask("Hội nghị tổng kết Nghị quyết 09-NQ/TU của Quận ủy Long Biên có mấy ý kiến phát biểu tham luận?")
    assert (ans.figures[0].value, ans.figures[0].unit) == (3, "ý kiến")
    assert "quận Long Biên" in ans.best  # the article's district, not the resolution's issuer


def _hit(pid: int, score: float, unit: str = "phường", kind: str = "count", value: float = 1.0):
    from index.models import FigureHit

    return FigureHit(value, str(value), unit, kind, None, None, f"a{pid}", pid, "", score)


def _candidate(pid: int, score: float, unit: str = "phường"):
    from index.candidates import Candidate

    f = _hit(pid, score, unit)
    return Candidate(f.kind, f.text, pid, f.article_id, "", figure=f, score=score)


def _passage(pid: int, published: str | None):
    from datetime import datetime

    from index.models import PassageHit

    when = datetime.strptime(published, "%d/%m/%Y") if published else None
    return PassageHit(f"a{pid}", pid, "", published, None, "", 1.0, published=when)


def test_near_rivals_of_one_unit_put_the_newest_article_first():
    from index.answer import NEAR, _newest_first

    passages = {1: _passage(1, None), 2: _passage(2, "27/02/2020"), 3: _passage(3, "01/01/2019"), 4: _passage(4, "01/01/2024")}
    scored = [_candidate(1, 6.4), _candidate(3, 6.4 - NEAR / 2), _candidate(2, 6.4 - NEAR), _candidate(4, 6.4 - 2 * NEAR)]
    assert [c.passage_id for c in _newest_first(scored, passages)] == [2, 3, 1, 4]  # 4 is too far behind
    other_unit = [_candidate(1, 6.4), _candidate(2, 6.4 - NEAR / 2, unit="ý kiến")]
    assert [c.passage_id for c in _newest_first(other_unit, passages)] == [1, 2]
    undated = [_candidate(1, 6.4), _candidate(5, 6.39)]
    assert [c.passage_id for c in _newest_first(undated, {})] == [1, 5]


def test_a_figure_the_question_states_is_not_its_answer(tmp_path):
    eng = _engine_with(
        tmp_path,
        [
            {
                "id": "ky-niem",
                "title": "Mít tinh kỷ niệm 75 năm ngày thành lập Đảng",
                "text": "Thành phố long trọng kỷ niệm 75 năm ngày thành lập Đảng.\n"
                "Hiện nay Đảng bộ có hơn 120.000 đảng viên sinh hoạt ở 2.593 tổ chức cơ sở Đảng.",
            }
        ],
    )
    eng.scorer = HAND  # the rule as the hand weights rank it (its feature is one of the fitted ranker's)
    question = "Dịp kỷ niệm 75 năm thành lập Đảng, thành phố có bao nhiêu cơ sở Đảng?"
    assert eng.ask(question).figures[0].value == 2593
    eng.scorer = eng.scorer.without("stated")  # "75 năm" holds more of the question's words
    assert eng.ask(question).figures[0].value == 75


COMPARISON = {
    "id": "cd-q5",
    "title": "Giới thiệu đoàn viên ưu tú cho Đảng",
    "text": "Sáu tháng đầu năm 2005 các cấp công đoàn quận đã giới thiệu 643 đoàn viên ưu tú, nhiều hơn "
    "số đoàn viên ưu tú được giới thiệu cho Đảng cả năm 2004 (527 người).",
}


def test_of_one_sentences_figures_the_one_after_the_questions_year_answers(tmp_path, monkeypatch):
    import index.candidates

    eng = _engine_with(tmp_path, [COMPARISON])
    last_year = "Cả năm 2004 công đoàn quận giới thiệu cho Đảng bao nhiêu đoàn viên ưu tú?"
    assert eng.ask(last_year).figures[0].value == 527
    assert eng.ask("Năm 2005 công đoàn quận giới thiệu bao nhiêu đoàn viên ưu tú?").figures[0].value == 643
    monkeypatch.setattr(index.candidates, "W_YEAR_NEAR", 0.0)
    eng.scorer = eng.scorer.without("year_here", "year_other_here")  # the unit alone picks "đoàn viên ưu tú"
    assert eng.ask(last_year).figures[0].value == 643


def test_a_rare_question_word_right_before_a_figure_picks_it_in_its_sentence(tmp_path):
    eng = _engine_with(
        tmp_path,
        [
            {
                "id": "fdi",
                "title": "Tổ chức đảng trong doanh nghiệp có vốn nước ngoài ở Vĩnh Phúc",
                "text": "Tổ đảng Công ty HONDA Việt Nam có 3 đảng viên, Tổ đảng Công ty TOYOTA có 9 đảng viên.",
            }
        ],
    )
    assert eng.ask("Tổ đảng Công ty Toyota ở Vĩnh Phúc có bao nhiêu đảng viên?").figures[0].value == 9
    assert eng.ask("to dang cong ty honda co bao nhieu dang vien").figures[0].value == 3


def test_a_sum_asked_without_a_noun_to_count_in_a_two_year_comparison(tmp_path):
    eng = _engine_with(
        tmp_path,
        [
            {
                "id": "q5-tm",
                "title": "Quận 5 phát triển thương mại",
                "text": "Tổng mức luân chuyển hàng hóa của quận đạt 13.552 tỉ đồng năm 2000, đến năm 2004 "
                "đã tăng lên 29.588 tỉ đồng.",
            }
        ],
    )
    eng.scorer = HAND  # the rule as the hand weights rank it (its feature is one of the fitted ranker's)
    # "đạt bao nhiêu" names nothing to count: a sum may answer; the question's year picks it
    later = eng.ask("Nam 2004 tong muc luan chuyen hang hoa cua quan dat bao nhieu?")
    assert later.figures[0].value == pytest.approx(29.588e12)
    assert later.best.startswith("29.588 tỉ đồng")
    assert eng.ask("Năm 2000 tổng mức luân chuyển hàng hóa đạt bao nhiêu?").figures[0].value == pytest.approx(13.552e12)


def test_a_sentence_holding_every_question_word_needs_no_context(tmp_path):
    eng = _engine_with(
        tmp_path,
        [
            {
                "id": "gv",
                "title": "Đảng bộ quận Gò Vấp tổng kết 5 năm",
                "text": "Đến năm 2004, Đảng bộ quận Gò Vấp có 4.300 đảng viên.\n"
                "Từ đầu năm đến nay, Đảng bộ quận đã cấp thẻ cho 380 đảng viên.",
            }
        ],
    )
    assert eng.ask("Đến năm 2004, Đảng bộ quận Gò Vấp có bao nhiêu đảng viên?").figures[0].value == 4300


def test_the_more_specific_place_of_the_question_weighs_more():
    from index.candidates import asked_places as _asked_places
    from index.candidates import names_place as _names_place
    from index.parse import parse_question

    tokens = ["dang_bo", "quan", "5", "thanh_pho", "ho_chi_minh", "ket_nap", "dang_vien"]
    idf = {"quan": 2.6, "5": 2.9, "thanh_pho": 1.6, "ho_chi_minh": 1.9}.get
    q = parse_question("Đảng bộ quận 5 TPHCM kết nạp bao nhiêu đảng viên?", lambda sylls: tokens, lambda t: idf(t) or 1.0)
    q5 = _hit(1, 0.0)
    q5 = replace(q5, sentence="Đảng bộ Q.5 kết nạp 600 đảng viên.", context="Q.5")
    tb = replace(_hit(2, 0.0), sentence="Đảng bộ quận Tân Bình kết nạp 20 đảng viên.", context="quận Tân Bình, TPHCM")
    places = _asked_places(q, [q5, tb])
    assert list(places) == ["ho chi minh", "quan 5"]
    # quận 5 (idf 2.6 + 2.9) is most of the question's places, the city (1.9) the rest
    assert _names_place(q5, places) == pytest.approx(5.5 / 7.4)
    assert _names_place(tb, places) == pytest.approx(1.9 / 7.4)


def test_the_counted_noun_named_before_a_figure_of_people(tmp_path, monkeypatch):
    eng = _engine_with(
        tmp_path,
        [
            {
                "id": "nqd",
                "title": "Xây dựng Đảng ở khu vực ngoài quốc doanh",
                "text": "Tổng số đảng viên khu vực ngoài quốc doanh của quận hiện nay là 169 đồng chí, "
                "trong đó có 50 đảng viên dự bị.",
            }
        ],
    )
    assert eng.ask("Khu vực ngoài quốc doanh của quận có tất cả bao nhiêu đảng viên?").figures[0].value == 169


def test_the_questions_verb_right_by_a_name_picks_it_in_its_sentence(tmp_path, monkeypatch):
    import index.candidates

    eng = _engine_with(
        tmp_path,
        [
            {
                "id": "be-mac",
                "title": "Bế mạc Đại hội",
                "text": "Tại phiên bế mạc, nhà thơ Hữu Thỉnh phát biểu, đồng chí Nguyễn Văn Yểu, "
                "Trưởng Ban Kiểm phiếu, đọc danh sách trúng cử.",
            }
        ],
    )
    eng.scorer = HAND  # the rule as the hand weights rank it (its feature is one of the fitted ranker's)
    assert eng.ask("Ai đọc danh sách trúng cử tại phiên bế mạc?").best == "Nguyễn Văn Yểu"
    assert eng.ask("Ai phát biểu tại phiên bế mạc?").best == "Hữu Thỉnh"
    monkeypatch.setattr(index.candidates, "W_VERB_NEAR", 0.0)
    monkeypatch.setattr(index.candidates, "W_NEAR", 0.0)
    eng.scorer = eng.scorer.without("near", "verb_here")
    assert eng.ask("Ai phát biểu tại phiên bế mạc?").best == "Nguyễn Văn Yểu"  # "đồng chí" alone decides


def test_a_share_followed_by_la_is_of_what_follows(tmp_path):
    eng = _engine_with(
        tmp_path,
        [
            {
                "id": "hn-2004",
                "title": "Hà Nội bầu đủ đại biểu HĐND thành phố",
                "text": "Thành phố bầu đủ 95 đại biểu, trong đó có 31% là cán bộ nữ, 7% là người ngoài đảng, "
                "26% đại biểu tái cử.",
            }
        ],
    )
    assert eng.ask("Trong 95 đại biểu trúng cử, tỷ lệ cán bộ nữ là bao nhiêu?").figures[0].value == 31
    assert eng.ask("Tỷ lệ người ngoài đảng là bao nhiêu?").figures[0].value == 7


def test_a_change_does_not_answer_how_many(tmp_path):
    eng = _engine_with(
        tmp_path,
        [
            {
                "id": "ubnd",
                "title": "Bầu các chức danh UBND thành phố",
                "text": "Trong nhiệm kỳ này, UBND thành phố được tăng thêm 1 phó chủ tịch.\n"
                "Như vậy, UBND thành phố sẽ có 5 phó chủ tịch.",
            }
        ],
    )
    assert eng.ask("Nhiệm kỳ này UBND thành phố sẽ có mấy phó chủ tịch?").figures[0].value == 5
    assert eng.ask("UBND thành phố được tăng thêm mấy phó chủ tịch?").figures[0].value == 1


def test_the_short_line_writes_a_unit_once():
    from index.answer import figure_line
    from index.models import FigureHit

    rate = FigureHit(0.95, "0,95%/tháng", "/tháng", "percent", None, "TP HCM", "a", 1, "Lãi suất 0,95%/tháng.")
    count = FigureHit(61, "61", "chi bộ đảng", "count", None, "quận Long Biên", "b", 2, "Thành lập 61 chi bộ đảng.")
    assert figure_line([rate]) == "0,95%/tháng — TP HCM"
    assert figure_line([count]) == "61 chi bộ đảng — quận Long Biên"
    # tied figures: each said once, however many papers printed it
    twin = FigureHit(61, "61", "chi bộ đảng", "count", None, "Hà Nội", "c", 3, "Thành lập 61 chi bộ đảng.")
    other = FigureHit(37, "37", "chi hội", "count", None, "Hà Nội", "c", 3, "37 chi hội.")
    assert figure_line([count, twin, other]) == "61 chi bộ đảng; 37 chi hội — quận Long Biên"


@pytest.mark.parametrize(
    "sentence, noun, unit_asked, expected",
    [
        # "<noun> nào": the noun and its name
        ("Bến xe nằm trên đường Nguyễn Khoái, gần cầu Vĩnh Tuy.", "đường", False, "đường Nguyễn Khoái"),
        ("Sân khấu dựng giữa hồ Nguyễn Du.", "hồ", False, "hồ Nguyễn Du"),
        # a classifier the question puts before the noun ("cây cầu nào"), the text may drop
        ("Khách đi xe máy qua Cầu Cỏ May được miễn phí.", "cây cầu", False, "Cầu Cỏ May"),
        ("Chợ nằm trên đường Xuyên Á, có gần 1.600 sạp.", "tuyến đường", False, "đường Xuyên Á"),
        ("Xuồng khởi hành từ đảo Ba Bình.", "hòn đảo", False, "đảo Ba Bình"),
        ("Bộ yêu cầu UBND tỉnh sửa chữa cầu Hóa An.", "cây cầu", False, "cầu Hóa An"),
        # "địa chỉ nào": an address
        ("Cơ sở này nằm ở số 7 Lê Đình Dương, quận Hải Châu.", "địa chỉ", False, "số 7 Lê Đình Dương"),
        ("Nhà ở số 128/10/9 đường Lê Lợi.", "địa chỉ", False, "số 128/10/9 đường Lê Lợi"),
        # "huyện nào": the places the sentence names, not only after "tại"/"ở"
        ("Các dự án tập trung chủ yếu trên địa bàn huyện Nhà Bè.", None, True, "huyện Nhà Bè"),
        # a province of two parts is not cut at its hyphen
        ("Đồng ý để UBND tỉnh Thừa Thiên - Huế được cấp giấy phép đầu tư.", None, True, "tỉnh Thừa Thiên - Huế"),
        ("5 tàu cá của tỉnh Bà Rịa - Vũng Tàu bị bắt.", None, True, "tỉnh Bà Rịa - Vũng Tàu"),
        # ... but a place beside another is no part of it
        ("Tuyến đường nối huyện Tuy Phước - Bình Định.", None, True, "huyện Tuy Phước"),
        ("Dự án đặt tại TP Bà Rịa - Vũng Tàu.", None, True, "TP Bà Rịa"),  # the city, not the province
        ("UBND tỉnh Thừa Thiên – Huế đồng ý.", None, True, "tỉnh Thừa Thiên – Huế"),  # an en dash
    ],
)
def test_place_candidates(sentence, noun, unit_asked, expected):
    from index.candidates import place_candidates

    assert expected in [span for span, _ in place_candidates(sentence, noun, unit_asked)]


def test_a_compound_is_no_place_noun():
    from index.candidates import place_candidates

    assert [span for span, _ in place_candidates("Bộ yêu cầu UBND tỉnh sửa chữa cầu Hóa An.", "cây cầu")] == ["cầu Hóa An"]
    assert list(place_candidates("Du khách đến bán đảo Sơn Trà.", "hòn đảo")) == []
    # short nouns that end many compounds: none of those, nor inside a name, nor with a number
    spans = lambda sentence, noun: [span for span, _ in place_candidates(sentence, noun)]  # noqa: E731
    assert spans("Ông Nguyễn Đình Thắng thăm gia đình Nguyễn Văn An ở đình Chèm.", "đình") == ["đình Chèm"]
    assert spans("Nhà nước bồi đền 5 tỷ đồng; lễ hội đền Hùng khai mạc.", "đền") == ["đền Hùng"]
    assert spans("Công ty khai thác 300 tấn than, du khách đến thác Bản Giốc.", "thác") == ["thác Bản Giốc"]
    assert spans("Hành vi đánh đập 3 người; đập Thảo Long được đóng.", "đập") == ["đập Thảo Long"]


def test_a_place_surname_starts_a_name_only_before_a_middle_name():
    from index.candidates import person_candidates

    bonus = dict(person_candidates("Nước hồ Hồ Dầu Tiếng dâng cao, hãng Mai Linh Đông Đô ngừng chạy."))
    assert all(b == 0.0 for b in bonus.values())  # no surname's bonus for a lake or a firm
    assert dict(person_candidates("Phó chủ tịch UBND thành phố Mai Quốc Bình ký."))["Mai Quốc Bình"] > 0


def test_place_candidates_name_only_what_is_asked():
    from index.candidates import place_candidates

    spans = [span for span, _ in place_candidates("Các dự án tập trung trên địa bàn huyện Nhà Bè.")]
    assert "huyện Nhà Bè" not in spans  # no "huyện nào" asked, no "tại"/"ở" before it
    # a one-syllable noun names a place in lower case only: "Hồ Chí Minh", "Bến Tre" are names
    spans = [span for span, _ in place_candidates("Lễ hội ở bên hồ Gươm, khách từ Hồ Chí Minh, Bến Tre.", "hồ")]
    assert "hồ Gươm" in spans and not any(s.startswith("Hồ Chí Minh") for s in spans)
    # a year is no house number
    assert not [s for s, _ in place_candidates("Năm 2015 Thành phố Hà Nội mở rộng.", "địa chỉ") if s.startswith("2015")]


def test_the_passage_after_a_best_one_is_read_for_its_figures(tmp_path):
    # the count sits in the paragraph after the one that matches the question, and shares
    # none of its words: BM25 alone never retrieves it
    first = (
        "Sáng 5-3, Quận ủy Đống Đa tổ chức hội nghị tổng kết công tác kết nạp đảng viên năm 2019. "
        "Hội nghị đánh giá kết quả thực hiện, chỉ ra những hạn chế và bài học kinh nghiệm trong "
        "công tác kết nạp đảng viên ở các chi bộ, đảng bộ cơ sở của Quận ủy Đống Đa."
    )
    second = (
        "Từ đầu kỳ, toàn địa bàn có thêm 212 quần chúng ưu tú được đứng vào hàng ngũ của Đảng, "
        "vượt chỉ tiêu đề ra. Phần lớn là đoàn viên thanh niên, công nhân lao động và trí thức trẻ "
        "đang công tác tại các cơ quan, doanh nghiệp, trường học và bệnh viện trên địa bàn."
    )
    eng = _engine_with(tmp_path, [{"id": "dd-kn", "title": "Tin địa phương", "text": first + "\n\n" + second}])
    r = eng.retrieve("Năm 2019 quận Đống Đa kết nạp bao nhiêu đảng viên?")
    (after,) = [p for p in r.passages if "212" in p.text]
    assert after.neighbor and after.score == pytest.approx(r.passages[0].score * 0.6)
    assert 212 in [f.value for f in eng.ask("Năm 2019 quận Đống Đa kết nạp bao nhiêu đảng viên?").figures]
    # a person question reads no neighbours (every name of a passage is a candidate)
    assert not any(p.neighbor for p in eng.retrieve("Ai chủ trì hội nghị tổng kết của Quận ủy Đống Đa?").passages)


def test_a_place_question_is_not_answered_by_the_place_it_names(tmp_path):
    text = "Hội chợ hàng Việt Nam chất lượng cao năm nay được tổ chức tại TP HCM, ở khu triển lãm Hoàng Văn Thụ."
    eng = _engine_with(tmp_path, [{"id": "hoi-cho", "title": "Hội chợ hàng Việt", "text": text}])
    for question in (
        "Hội chợ hàng Việt Nam chất lượng cao ở tphcm được tổ chức ở đâu?",
        "Hoi cho hang Viet Nam chat luong cao o TP HCM to chuc tai dau?",
    ):
        assert eng.ask(question).best == "khu triển lãm Hoàng Văn Thụ"


def test_only_places_asked():
    from index.candidates import _only_places_asked
    from index.parse import parse_question

    q = parse_question("Hội chợ ở TPHCM được tổ chức tại đâu?")
    assert _only_places_asked(q, "TP HCM") and _only_places_asked(q, "thành phố Hồ Chí Minh")
    assert not _only_places_asked(q, "Hà Nội")  # another place
    assert not _only_places_asked(q, "Nhà văn hóa Thanh Niên - TP HCM")  # a place inside the asked one

"""The question, parsed once (index/parse.py)."""

from __future__ import annotations

import pytest

import index.candidates as candidates_module
from index.parse import parse_question
from index.text import expand_shorthand, fold


def spaced(sentence: str) -> str:
    """A passage's words as the organization check reads them."""
    return candidates_module._spaced_words(sentence)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("gò vấp kết nạp bn đảng viên", "gò vấp kết nạp bao nhiêu đảng viên"),
        ("co bnh nguoi dc khen thuong", "co bao nhiêu nguoi được khen thuong"),
        ("ko co chi bo nao a", "không co chi bo nao a"),
        ("q.5 co may phuong", "quận 5 co may phuong"),
        ("Q 10 có mấy phường", "quận 10 có mấy phường"),
        ("tp da nang", "thành phố da nang"),
        ("gđ cty cấp nước tên gì", "giám đốc công ty cấp nước tên gì"),
        ("pct ubnd tỉnh là ai", "phó chủ tịch ubnd tỉnh là ai"),
    ],
)
def test_chat_shorthand_is_expanded(typed, expected):
    assert expand_shorthand(typed) == expected


@pytest.mark.parametrize("typed", ["10k đồng", "q lý nhà nước", "TP.HCM", "Quang Trung", "Chỉ thị 15/CT-TTg", "Chương trình CT 135"])
def test_what_only_looks_like_shorthand_stays(typed):
    assert expand_shorthand(typed) == typed


def test_one_value_holds_everything_later_steps_read():
    q = parse_question("Năm 2004, Đảng bộ quận 5 TPHCM kết nạp bao nhiêu đảng viên?")
    assert q.type == "count" and q.target == "dang vien" and q.verb == "ket nap"
    assert {"quan 5", "ho chi minh"} <= q.places
    assert q.years == {"2004"}
    assert ("dang", "vien") in q.pairs and "ket" in q.content
    assert q.tokens and all(" " not in t for t in q.tokens)


def test_typed_without_diacritics_or_in_chat_it_asks_the_same():
    a = parse_question("Quận 5 kết nạp bao nhiêu đảng viên?")
    b = parse_question("quan 5 ket nap bn dang vien")
    assert (a.type, a.target, a.verb, a.places, a.pairs) == (b.type, b.target, b.verb, b.places, b.pairs)


def test_figures_the_question_states_are_not_asked():
    q = parse_question("Dịp kỷ niệm 75 năm thành lập, Đảng bộ có bao nhiêu đảng viên?")
    assert (75.0, "nam") in q.stated


def test_a_folded_phrase_is_given_back_as_written():
    q = parse_question("Quận Gò Vấp có bao nhiêu chi hội phụ nữ?")
    assert q.written("chi hoi phu nu") == "chi hội phụ nữ"
    assert q.written("khong co") == "khong co"  # not in the question: as given


@pytest.mark.parametrize(
    "question, orgs",
    [
        ("Tổ đảng Công ty TOYOTA ở Vĩnh Phúc có bao nhiêu đảng viên?", ("toyota",)),
        ("to dang cong ty honda co bao nhieu dang vien", ("honda",)),
        ("Hội Nông dân tỉnh Bến Tre có bao nhiêu hội viên?", ("nong dan",)),
        ("Bộ Tài chính dự kiến chi bao nhiêu?", ("tai chinh",)),
        # "nhân dân" of an expanded UBND / HĐND is no name: passages write "UBND Hà Nội"
        ("UBND Hà Nội bố trí bao nhiêu căn hộ tái định cư?", ("ha noi",)),
        ("Tòa án nhân dân tối cao xét xử bao nhiêu vụ án?", ("toi cao",)),
        # a level and a place, or a common word after a short head, name no organization
        ("Đảng bộ quận 5 kết nạp bao nhiêu đảng viên?", ()),
        ("UBND quận Hoàn Kiếm khen thưởng bao nhiêu tập thể?", ()),
        ("hoi nghi co bao nhieu y kien", ()),
        ("Có bao nhiêu chi bộ đảng được thành lập?", ()),
        # punctuation ends a name: "đổ bộ, Thanh Hóa" is no "Bộ Thanh Hóa"
        ("Trước khi bão đổ bộ, Thanh Hóa đưa bao nhiêu tàu vào bờ?", ()),
        ("Trùng tu nhà cổ ở Hội An, Nhà nước hỗ trợ bao nhiêu?", ()),
        # a lower-case word after capitals starts the rest of the sentence
        ("Công ty TOYOTA tài trợ bao nhiêu xe?", ("toyota",)),
        ("Theo Bộ GTVT như thế nào, cần bao nhiêu vốn?", ("gtvt",)),
        # a congress's or a term's number, "toàn quốc", a level alone: no name
        ("Đại hội Đảng toàn quốc lần thứ X có bao nhiêu đại biểu?", ()),
        ("Ban Chấp hành Trung ương Đảng khóa X có bao nhiêu ủy viên?", ("chap hanh",)),
        ("UBND tinh (tru Ha Noi) duoc mua xe bao nhieu tien?", ()),
        # a legal or school form is no part of the name passages look for
        ("Công ty TNHH Hoàng Long có bao nhiêu công nhân?", ("hoang long",)),
        ("Trường THPT Lê Quý Đôn có bao nhiêu học sinh?", ("le quy",)),
        ("Công ty CP có bao nhiêu công nhân?", ()),
        ("Công ty cổ phần Hoàng Long có bao nhiêu công nhân?", ("hoang long",)),
        # a full stop ends a name, the dot of "TP.HCM" does not
        ("Theo Công ty Vissan. Ông Hòa cho biết cần bao nhiêu?", ("vissan",)),
        ("Công ty Sài Gòn.Net có bao nhiêu công nhân?", ("sai gon",)),
        # "trường" of a compound word is no school: "thị trường Malaysia" is a market
        ("Thị trường Malaysia tiếp nhận bao nhiêu lao động?", ()),
        # ... but a school written with a capital after such a word is one, and a state farm is
        ("Tỉnh thành lập Trường THPT Chuyên Lê Khiết vào năm nào?", ("chuyen le",)),
        ("Nông trường Sông Hậu có bao nhiêu công nhân?", ("song hau",)),
        ("Trường Lê Quý Đôn có bao nhiêu học sinh?", ("le quy",)),
        # a city or district named like a head ("Hội An", "Trường Sa") is no organization
        ("Năm 2004, số hộ ở Hội An đạt gia đình văn hóa chiếm bao nhiêu phần trăm?", ()),
        ("Huyện Trường Sa được thành lập ngày nào?", ()),
        # a brand's name ends before a lower-case word ("Latek | đình công")
        ("Sáng 3-1, bao nhiêu công nhân Công ty Latek đình công?", ("latek",)),
        ("Công ty Vissan đạt doanh số bao nhiêu?", ("vissan",)),
        ("Công ty Toyota Việt Nam có bao nhiêu công nhân?", ("toyota viet",)),
        # a university by its name, "ĐH" or "Đại học" written, with "Trường" or without
        ("Trường ĐH Bách khoa tuyển bao nhiêu sinh viên?", ("bach khoa",)),
        ("ĐH Bách khoa tuyển bao nhiêu sinh viên?", ("bach khoa",)),
        ("Trường Đại học Kinh tế có bao nhiêu sinh viên?", ("kinh te",)),
    ],
)
def test_organizations_the_question_names(question, orgs):
    assert parse_question(question).organizations == orgs


@pytest.mark.parametrize(
    "question, written",
    [
        # a short form asked finds the long form written, and the other way round
        ("Bộ LĐTBXH hỗ trợ bao nhiêu hộ nghèo?", "Bộ Lao động - Thương binh và Xã hội hỗ trợ 500 hộ"),
        ("Bộ Lao động - Thương binh và Xã hội hỗ trợ bao nhiêu hộ?", "Bộ LĐ-TB&XH hỗ trợ 500 hộ"),
        ("Sở XD TP.HCM kiểm tra bao nhiêu chung cư?", "Sở Xây dựng kiểm tra 30 chung cư"),
        # the place after the short form ("Sở LĐTBXH HN") is not required of the passage
        ("Sở LĐTBXH HN giới thiệu bao nhiêu người?", "Sở Lao động - Thương binh và Xã hội giới thiệu 2.400 người"),
        ("BCH TƯ khóa X có bao nhiêu ủy viên?", "BCH TƯ có 160 ủy viên"),
    ],
)
def test_an_organization_is_found_in_any_form_of_its_name(question, written):
    q = parse_question(question)
    assert q.organizations
    assert candidates_module._names_org(q, spaced(written))


@pytest.mark.parametrize(
    "question, written",
    [
        ("Sở XD TP.HCM kiểm tra bao nhiêu chung cư?", "Sở Y tế kiểm tra 30 cơ sở"),
        ("Bộ LĐTBXH hỗ trợ bao nhiêu hộ nghèo?", "Bộ Tài chính hỗ trợ 500 hộ"),
        ("Công ty Hoàng Long có bao nhiêu công nhân?", "Công ty Hoàng Anh có 300 công nhân"),
    ],
)
def test_another_organization_is_not_taken_for_the_asked_one(question, written):
    assert not candidates_module._names_org(parse_question(question), spaced(written))


def test_landmarks_are_read_from_the_question_as_normalized():
    import unicodedata

    # decomposed characters, or the old tone placement ("thuỷ"), name the same landmark
    for text in (unicodedata.normalize("NFD", "Thủy điện Sơn La có mấy tổ máy?"), "Nhà máy thuỷ điện Sơn La có mấy tổ máy?"):
        assert parse_question(text).landmarks == {("thuy dien", "son la")}


def test_how_long_names_its_span_of_time_in_messages() -> None:
    q = parse_question("Dự án đã chậm tiến độ bao lâu?")
    assert (q.type, q.target) == ("count", "thoi gian")
    assert q.written(q.target) == "thời gian"  # the question never writes it: said with its marks
    assert parse_question("Mất bao nhiêu thời gian?").written("thoi gian") == "thời gian"

"""Question analysis (index.question): every question is checked as written and
without diacritics (derived with ``fold``); both must give the same analysis."""

from __future__ import annotations

import dataclasses

import pytest

from index.question import _TOKEN, QuestionAnalysis, _leading_clause, analyze_question
from index.text import fold, fold_words, normalize

# (question, type, target, verb)
QUESTIONS: list[tuple[str, str, str | None, str | None]] = [
    # --- count -----------------------------------------------------------------------------
    ("Có bao nhiêu chi bộ đảng được thành lập?", "count", "chi bo dang", "thanh lap"),
    ("Thành ủy đã kỷ luật bao nhiêu đảng viên?", "count", "dang vien", "ky luat"),
    ("Quận Long Biên có mấy phường?", "count", "phuong", None),
    ("Hội nghị có mấy ý kiến phát biểu?", "count", "y kien", "phat bieu"),
    ("Có bao nhiêu đồng chí được khen thưởng?", "count", "dong chi", "khen thuong"),  # not money
    ("Thành phố có bao nhiêu đồng hồ nước?", "count", "dong ho nuoc", None),  # not money
    ("Tỉnh có bao nhiêu đồng hương sinh sống ở Lào?", "count", "dong huong sinh song", None),
    ("UBND tỉnh bắt bao nhiêu đối tượng?", "count", "doi tuong", "bat"),
    ("Công an đã bắt giữ mấy đối tượng?", "count", "doi tuong", "bat giu"),
    ("Mỗi năm huyện xây dựng bao nhiêu trường học?", "count", "truong hoc", "xay dung"),
    ("Chi bộ được thành lập với mấy đảng viên?", "count", "dang vien", "thanh lap"),
    ("Ông ấy bao nhiêu tuổi?", "count", "tuoi", None),
    ("Sở đã xử lý bao nhiêu vụ vi phạm?", "count", "vu vi pham", "xu ly"),
    ("Nhà máy tuyển bao nhiêu công nhân?", "count", "cong nhan", "tuyen"),  # nhà máy: not mấy
    ("Có bao nhiêu máy tính được trao tặng?", "count", "may tinh", "trao"),
    ("Số lượng đảng viên được kết nạp là bao nhiêu?", "count", "dang vien", "ket nap"),
    ("Tỉnh tuyển bao nhiêu chiến sĩ mới?", "count", "chien si", "tuyen"),
    ("Ở đầu cầu Hà Nội có bao nhiêu đại biểu dự?", "count", "dai bieu", "du"),  # ở đầu: not place
    ("Hội nghị lần thứ mấy?", "count", None, None),
    # targets of up to 6 syllables; "nhiệm kỳ" ends one, "kiêm nhiệm" does not
    ("Đại hội bầu bao nhiêu ủy viên Trung ương dự khuyết?", "count", "uy vien trung uong du khuyet", "bau"),
    ("Mặt trận có bao nhiêu phó chủ tịch kiêm nhiệm?", "count", "pho chu tich kiem nhiem", None),
    ("Có bao nhiêu đảng viên nhiệm kỳ 2005-2010?", "count", "dang vien", None),
    ("Kết nạp bao nhiêu đảng viên giai đoạn 2012-2020?", "count", "dang vien", "ket nap"),
    ("Bí thư chiếm bao nhiêu m2 sân vườn?", "count", "m2 san vuon", "chiem"),  # a measure unit
    # a capitalized word is a name, not a type word, in a question without diacritics
    ("Hoi dong o Tan Phuoc, Tien Giang chi gom may nguoi?", "count", "nguoi", None),
    # --- percent (wins over count) ---------------------------------------------------------
    ("Tỷ lệ cử tri đi bầu là bao nhiêu?", "percent", "cu tri", "di bau"),
    ("Tỉ lệ hộ nghèo của huyện là bao nhiêu?", "percent", "ho ngheo", None),
    ("Nữ chiếm bao nhiêu phần trăm?", "percent", None, "chiem"),
    ("Có bao nhiêu % chi bộ đạt trong sạch vững mạnh?", "percent", "chi bo", "dat"),
    ("Có bao nhiêu phần trăm đảng viên trẻ?", "percent", "dang vien tre", None),
    # --- money (wins over count) -----------------------------------------------------------
    ("Kinh phí bao nhiêu tỷ đồng?", "money", "kinh phi", None),
    ("Dự án đầu tư bao nhiêu tiền?", "money", "tien", "dau tu"),  # đầu tư: not place
    ("Vốn đầu tư của dự án là bao nhiêu?", "money", "von dau tu", None),
    # the word that makes it a money question is its target: a figure's own words before
    # it are matched with it ("được hỗ trợ 2 triệu đồng")
    ("Mỗi hộ được hỗ trợ bao nhiêu đồng?", "money", "ho tro", None),
    ("Doanh thu của công ty năm 2004 là bao nhiêu?", "money", "doanh thu", None),
    ("Thu nhập bình quân đầu người đạt bao nhiêu?", "money", "thu nhap", "dat"),
    ("Ông mua trại chăn nuôi với giá bao nhiêu?", "money", "voi gia", None),
    ("Tốc độ tăng trưởng kinh tế hằng năm đạt bao nhiêu?", "percent", None, "dat"),  # a percent noun
    # --- date ------------------------------------------------------------------------------
    ("Đại hội Đảng bộ tỉnh khai mạc khi nào?", "date", None, "khai mac"),
    ("Hội nghị diễn ra ngày nào?", "date", None, "dien ra"),
    ("Huyện được thành lập năm nào?", "date", None, "thanh lap"),
    ("Bao giờ dự án hoàn thành?", "date", None, None),  # dự án: not the verb dự
    ("Lễ kỷ niệm được tổ chức vào hôm nào?", "date", None, "to chuc"),
    ("Máy bay chở đoàn đại biểu hạ cánh lúc nào?", "date", None, None),  # máy bay: not count
    ("Đại hội khai mạc vào ngày nào?", "date", None, "khai mac"),
    ("Ai Cập có quan hệ với Việt Nam từ bao giờ?", "date", None, None),  # Ai Cập: not person
    # --- person ----------------------------------------------------------------------------
    ("Ai chủ trì hội nghị?", "person", None, "chu tri"),
    ("Đồng chí nào được bầu làm Bí thư?", "person", None, "bau"),
    ("Người nào phụ trách Sở Tài nguyên?", "person", None, "phu trach"),
    ("Đ/c nào chủ trì Hội nghị?", "person", None, "chu tri"),
    ("Chủ tịch công đoàn quận năm 2005 là ai?", "person", None, None),
    # --- place -----------------------------------------------------------------------------
    ("Hội nghị được tổ chức ở đâu?", "place", None, "to chuc"),
    ("Trụ sở đặt tại đâu?", "place", None, "dat"),
    ("Tỉnh nào có nhiều đảng viên mới nhất?", "place", None, None),
    ("Địa phương nào dẫn đầu phong trào?", "place", None, None),
    ("Hội nghị đầu năm diễn ra ở đâu?", "place", None, "dien ra"),
    # --- other -----------------------------------------------------------------------------
    ("Tỉnh đầu tư vào lĩnh vực gì?", "other", None, "dau tu"),  # đầu tư: not place
    ("Vì sao đảng viên bị kỷ luật?", "other", None, "ky luat"),
    ("Số điện thoại đường dây nóng là số nào?", "other", None, None),
    ("Đơn vị nào được khen thưởng vào năm 2005?", "other", None, "khen thuong"),  # names a time
    ("Pháo đài được xây dựng có tên là gì?", "other", None, "xay dung"),
]


def _variants() -> list[tuple[str, str, str | None, str | None]]:
    rows = []
    for question, qtype, target, verb in QUESTIONS:
        rows.append((question, qtype, target, verb))
        rows.append((fold(question), qtype, target, verb))
    return rows


@pytest.mark.parametrize(
    "question, qtype, target, verb",
    _variants(),
    ids=[f"{i // 2:02d}-{'plain' if i % 2 == 0 else 'folded'}" for i in range(2 * len(QUESTIONS))],
)
def test_analyze_question(question: str, qtype: str, target: str | None, verb: str | None) -> None:
    a = analyze_question(question)
    assert (a.type, a.target, a.verb) == (qtype, target, verb)


def test_folded_field() -> None:
    a = analyze_question("  Có bao nhiêu  CHI BỘ?")
    assert a.folded == "co bao nhieu chi bo?"
    assert analyze_question("co bao nhieu chi bo?").folded == a.folded


def test_abbreviations_expanded() -> None:
    a = analyze_question("ubnd tinh bat bao nhieu doi tuong?")
    assert a.folded.startswith("uy ban nhan dan tinh")
    assert (a.type, a.target, a.verb) == ("count", "doi tuong", "bat")


def test_accented_may_is_not_count() -> None:
    # "máy" (machine) never matches "mấy" when diacritics are typed
    assert analyze_question("Máy nào bị hỏng?").type == "other"
    assert analyze_question("Có mấy máy bị hỏng?").type == "count"


def test_accented_may_needs_no_guard() -> None:
    # the guards part "may" from "máy" ("may cong nghiep"); "mấy" typed with its
    # diacritics is the question word whatever follows
    a = analyze_question("Đã có mấy công ty của Mỹ đăng ký kinh doanh?")
    assert (a.type, a.target) == ("count", "cong ty")
    assert analyze_question("Dự kiến mấy vị bộ trưởng trả lời chất vấn?").type == "count"
    assert analyze_question("nha may cong nghiep o dau").type != "count"


def test_a_stated_sum_does_not_make_a_money_question() -> None:
    a = analyze_question("Nhóm cướp biển đòi 2,3 triệu USD tiền chuộc cho bao nhiêu con tin?")
    assert (a.type, a.target) == ("count", "con tin")
    a = analyze_question("Với 500 triệu USD, có bao nhiêu dự án được cấp phép?")
    assert (a.type, a.target) == ("count", "du an")
    assert analyze_question("Dự án 5 tỷ đồng được hỗ trợ thêm bao nhiêu tiền?").type == "money"
    assert analyze_question("Mỗi hộ được hỗ trợ bao nhiêu triệu đồng?").type == "money"
    # a currency asked after "bao nhiêu", as figures writes it, keeps it a money question
    assert analyze_question("Quỹ 2 tỷ đồng chia cho mỗi xã bao nhiêu VNĐ?").type == "money"
    assert analyze_question("Trong 5 tỷ đồng, huyện chi bao nhiêu đô?").type == "money"


@pytest.mark.parametrize(
    ("question", "target"),
    [
        # a sum stated after the counted noun: what it costs, not what is asked
        ("Huyện đã xây mới bao nhiêu trạm y tế xã, với tổng vốn gần 120 tỷ đồng?", "tram y te xa"),
        ("Phường giúp bao nhiêu hộ có thu nhập trên 5 triệu đồng/người/năm?", "ho"),
        ("Ngành điện lắp thêm bao nhiêu trạm biến áp trị giá 2,5 triệu USD?", "tram bien ap"),
        ("co bao nhieu xa duoc vay tren 30 ty dong", "xa"),
        # "bao nhiêu triệu/tỷ" before a noun that is no currency counts that noun
        ("Năm nay mỏ phấn đấu khai thác bao nhiêu triệu tấn than?", "tan than"),
        ("Tuyến buýt chở được bao nhieu trieu luot khach?", "luot khach"),
        # written with diacritics, "tiến sĩ" holds no "tiền"
        ("Bằng tiền ngân sách, Bộ tuyển bao nhiêu tiến sĩ đi học nước ngoài?", "tien si"),
    ],
)
def test_a_counted_noun_beside_a_sum_is_counted(question: str, target: str) -> None:
    a = analyze_question(question)
    assert (a.type, a.target) == ("count", target)


@pytest.mark.parametrize(
    "question",
    [
        "Dự án được cấp bao nhiêu tỷ?",
        "Mỗi hộ được hỗ trợ bao nhiêu triệu đồng, với 5 tỷ đồng của tỉnh?",
        "Huyện chi bao nhiêu tiền cho 300 hộ, mỗi hộ 5 triệu đồng?",
        "Kinh phí xây 5 trường là bao nhiêu tỷ đồng?",
        "du an duoc cap bao nhieu ty dong",
        "Quỹ nhận bao nhiêu triệu cho mỗi xã?",
    ],
)
def test_a_sum_asked_stays_money(question: str) -> None:
    assert analyze_question(question).type == "money"


def test_doi_voi_and_moi_end_a_target() -> None:
    a = analyze_question("Hai huyện đã phạt tiền tổng cộng bao nhiêu đối với các sai phạm đất đai?")
    assert (a.type, a.target) == ("money", "tien")
    a = analyze_question("Pho chu nhiem duoc huong phu cap bao nhieu moi thang?")
    assert (a.type, a.target) == ("money", "phu cap")
    assert analyze_question("co bao nhieu doi tuong bi bat").target == "doi tuong"


def test_unaccented_place_nouns_ask_a_place_after_a_word_of_place() -> None:
    # "ho nao" may be "hộ nào", "ben nao" "bên nào": a place only after ở, giữa, cập...
    for q in ("san khau dung giua ho nao o tp long xuyen", "tau da quay dau cap ben nao?", "ngay hoi to chuc quanh ho nao"):
        assert analyze_question(q).type == "place"
    for q in (
        "ho nao duoc nhan tien ho tro?",
        "gia dinh ban nao?",
        "doan cong tac den ho nao de trao qua?",  # đến hộ nào
        "nguoi dan dung o ben nao cua song?",  # ở bên nào
        "ong a cong tac tai ban nao cua trung uong?",  # ban (a board)
    ):
        assert analyze_question(q).type != "place"


def test_ai_inside_words_is_not_person() -> None:
    for q in ("Hai đơn vị được khen?", "Tai nạn xảy ra thế nào?", "Mai là hội nghị gì?"):
        assert analyze_question(q).type != "person"
        assert analyze_question(fold(q)).type != "person"


def test_empty_question() -> None:
    assert analyze_question("") == QuestionAnalysis(type="other", target=None, verb=None, folded="")


def test_frozen() -> None:
    a = analyze_question("Ai chủ trì?")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.type = "count"  # type: ignore[misc]


@pytest.mark.parametrize(
    "question, qtype",
    [
        ("Thứ trưởng Bộ Nội vụ nào khẳng định nhũng nhiễu dân là vấn nạn?", "person"),
        ("Phó chủ tịch UBND TP HCM nào cho biết lượng người đi xe buýt tăng?", "person"),
        ("Thu truong Bo Xay dung nao cho biet sap co nghi dinh?", "person"),
        # a title followed by a place, a verb or a date before "nào" asks something else
        ("Chủ tịch UBND tỉnh nào bị kỷ luật?", "place"),
        ("Chủ tịch nước dự hội nghị nào?", "other"),
        ("Hội nghị nào do Bí thư Thành ủy chủ trì?", "other"),
        # "Phó Chủ tịch nước" is the state's office: "nước nào" right after it asks a person,
        # elsewhere a country ("Chủ tịch nước nào" may be a foreign state's)
        ("Vị Phó Chủ tịch nước nào đã đến kiểm tra việc chuẩn bị đại hội?", "person"),
        ("pho chu tich nuoc nao da du le?", "person"),
        ("Chủ tịch nước nào sang thăm Việt Nam năm 2005?", "place"),
        ("Con tàu mang cờ quốc tịch nước nào?", "place"),
        ("Tổng thống nước nào sang thăm Việt Nam?", "place"),
        # "sĩ quan nào" asks an officer; "quan" after "sĩ", "hải", "cơ" ... is no "quận"
        ("Sĩ quan nào của phòng Cảnh sát PCCC đã thông tin về vụ cháy?", "person"),
        ("si quan nao phu trach vu an?", "person"),
        ("o quan nao co nhieu ho ngheo nhat?", "place"),
        ("hai quan nao co nhieu ca mac nhat?", "place"),  # "hai quận": two districts
        # a verb inside the organization's name, and "Nam" of "Việt Nam" written as a name
        ("Thứ trưởng Bộ Xây dựng nào cho biết sắp có nghị định?", "person"),
        ("Phó chủ tịch Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam nào đã trao đổi?", "person"),
        # typed without diacritics: a title capitalized as one, a body typed in lower case
        ("Pho Chu tich UBND tinh Lang Son nao cho rang buon lau khong the chong?", "person"),
        ("thu truong bo xay dung nao tra loi bao chi?", "person"),
        ("Tổng lãnh sự Pháp nào đến thăm tòa soạn?", "person"),
        # a surname and a name capitalized: a person named, not "vụ trưởng", also first
        ("ong Vu Truong Son nao", "other"),
        ("Vu Truong Giang thuoc dang bo nao", "other"),
        ("Pho Thu tuong Le Van Thanh ky quyet dinh nao", "other"),
        # the body's next word is its name, no farther: a verb after it asks something else
        ("bo truong bo y te du hoi nghi nao", "other"),
        ("thu truong bo noi vu chu tri hoi nghi nao", "other"),
        # a verb right after the title: "ban hành", "bỏ phiếu", "công nhận"
        ("Chu tich ban hanh quyet dinh nao", "other"),
        ("Bo truong bo phieu cho du an nao", "other"),
        # an embassy or a consulate is an office
        ("Tổng lãnh sự quán nào cấp visa?", "other"),
        ("Đại sứ quán Nhật Bản tài trợ dự án nào?", "other"),
    ],
)
def test_a_title_then_nao_asks_for_a_person(question, qtype):
    assert analyze_question(question).type == qtype


@pytest.mark.parametrize(
    "question, qtype",
    [
        # "là ai" ends the question: a person, whatever looked like a count before it
        ("Trưởng ban, người cho rằng nước máy nhiễm bẩn là chưa thỏa đáng, là ai?", "person"),
        ("truong ban, nguoi cho rang nuoc may nhiem ban la chua thoa dang, la ai vay", "person"),
        # a name asked after a person: a person; after a thing: no person
        ("Giám đốc Công ty Cấp nước Sài Gòn tên là gì?", "person"),
        ("giam doc cong ty cap nuoc sai gon ten gi", "person"),
        ("Tên khai sinh của người phi công đó là gì?", "person"),
        ("Pháo đài được xây dựng có tên là gì?", "other"),
        # "<place noun> nào"
        ("Bến xe mới nằm trên đường nào?", "place"),
        ("Lễ hội tổ chức quanh hồ nào?", "place"),
        ("ông được bầu ở đơn vị bầu cử nào", "place"),
        # still no place: a count, a date
        ("Có bao nhiêu cây cầu nào được xây?", "count"),
        ("Năm nào Việt Nam gia nhập WTO?", "date"),
        # "<noun> nào" of other words: yêu cầu, văn bản, ban, hộ, chỉ đạo
        ("Yêu cầu nào được Thủ tướng đặt ra tại hội nghị?", "other"),
        ("Văn bản nào quy định việc này?", "other"),
        ("Ban nào phụ trách công tác này?", "other"),
        ("ho nao duoc ho tro", "other"),
        ("chi dao nao cua tinh", "other"),
        # a name asked of a thing the question names a person in, or of a "chi bộ"
        ("Quỹ hỗ trợ người nghèo có tên là gì?", "other"),
        ("chi bo moi thanh lap ten gi", "other"),
        ("Chủ tịch tỉnh chỉ đạo vụ bắt giữ nào?", "other"),
        ("Lãi suất cho vay hộ nghèo là bao nhiêu?", "percent"),
        # a money noun before "bao nhiêu" asks money only when nothing else is counted
        ("Trong buổi giám sát giải ngân vốn, có bao nhiêu công trình đang chờ?", "count"),
        ("Tổng vốn đầu tư của dự án là bao nhiêu?", "money"),
        ("Xã ở huyện Tân Phước, Tiền Giang đã cấp đất cho bao nhiêu hộ?", "count"),
        ("nam dinh uu tien dien cho bao nhieu may bom nuoc", "count"),
        ("Năm 2003 công ty báo cáo lãi ròng bao nhiêu?", "money"),
        ("Tăng trưởng GDP của Hà Nội 6 tháng đầu năm là bao nhiêu?", "percent"),
    ],
)
def test_person_and_place_phrases(question, qtype):
    assert analyze_question(question).type == qtype


@pytest.mark.parametrize(
    "question",
    [
        "Đại hội đã biểu quyết thông qua số lượng chính thức bao nhiêu ủy viên Trung ương?",
        "dai hoi da bieu quyet thong qua so luong chinh thuc bao nhieu uy vien trung uong",
    ],
)
def test_the_noun_after_the_question_word_wins_over_the_one_after_so_luong(question: str) -> None:
    assert analyze_question(question).target == "uy vien trung uong"


def test_so_luong_still_names_the_target_when_the_question_word_names_none() -> None:
    assert analyze_question("Số lượng đảng viên được kết nạp là bao nhiêu?").target == "dang vien"


def test_a_phrase_is_found_where_its_first_word_stands_at_or_after_start():
    from index.question import _find, _Tokens

    words = ("có", "bao", "nhiêu", "xã", "và", "bao", "nhiêu", "phường")
    tokens = _Tokens(words, ("co", "bao", "nhieu", "xa", "va", "bao", "nhieu", "phuong"), True)
    assert tokens.at["bao"] == (1, 5)
    assert _find(tokens, "bao nhiêu") == 1
    assert _find(tokens, "bao nhiêu", 2) == 5
    assert _find(tokens, "bao nhiêu", 6) is None
    assert _find(tokens, "mấy") is None


def test_a_sum_before_a_word_that_folds_like_a_noun_of_dong_is_still_asked() -> None:
    # "đồng đẳng" is no sum, but folded "dang" is also "đang", "tinh" also "tính"
    for question in ("Mỗi hộ phải trả bao nhiêu đồng đang được tính?", "Giá điện tăng bao nhiêu đồng tính theo mỗi kWh?"):
        assert analyze_question(question).type == "money"
        assert analyze_question(fold(question)).type == "money"


@pytest.mark.parametrize(
    "question, qtype",
    [
        # every title is tried: the second one here asks the person
        ("Tỉnh ủy yêu cầu kiểm điểm trách nhiệm của giám đốc Công ty Sông Lam nào?", "person"),
        # capitalized words of an organization's name are no verb ("Đầu tư", "Ngoại giao")
        ("Thứ trưởng Bộ Kế hoạch và Đầu tư nào trả lời chất vấn?", "person"),
        ("Thứ trưởng Bộ Ngoại giao nào tiếp đoàn?", "person"),
        # ... but a verb after a person's name still asks something else
        ("Chủ tịch Nguyễn Văn Tâm dự hội nghị nào?", "other"),
        # more offices and people before "nào"
        ("Đại biểu HĐND tỉnh Bến Tre nào chất vấn Giám đốc Sở Y tế?", "person"),
        ("Lãnh đạo UBND huyện Củ Chi nào ký văn bản?", "person"),
        ("dai bieu quoc hoi tp hcm nao de nghi sua luat", "person"),
        ("Ngư dân nào cứu được thuyền viên?", "person"),
        # a title with its holder named asks something else of them ("nào" is the medal's)
        ("Chủ tịch Nguyễn Văn An nhận huân chương nào?", "other"),
        ("Bộ trưởng Nguyễn Văn An ký quyết định nào?", "other"),
        ("chu tich nguyen van an nhan huan chuong nao", "other"),
        ("Bộ trưởng Nguyễn Văn An ký văn bản có tên là gì?", "other"),
        ("Học sinh nào giành chức vô địch Olympia?", "person"),
        ("Cử tri gửi kiến nghị qua kênh nào?", "other"),  # a channel of word, no canal
        # a title before a place or a delegation asks that
        ("Đại biểu Quốc hội tỉnh nào đề nghị sửa luật?", "place"),
        ("Lãnh đạo cơ quan nào ký văn bản?", "other"),
        # a name asked right after the person it points to
        ("Bí thư Thành ủy đã gọi điện cho một cán bộ; người đó tên gì?", "person"),
        ("Sinh viên bị bắt quả tang thi hộ tên là gì?", "person"),
        ("Cô giáo dạy lớp học tình thương ở phường 5 tên là gì?", "person"),
        ("Dự án khu dân cư ở đó tên là gì?", "other"),
        # people asked by their trade, with or without their place or body before "nào"
        ("Chuyên gia nào cảnh báo về đợt rét mới?", "person"),
        ("Thí sinh Hải Dương nào đạt điểm tuyệt đối?", "person"),
        ("tai xe nao gay ra vu tai nan", "person"),
        # a name asked of a person led by a trade word, or described by ", người ..."
        ("Tài xế chiếc xe khách gặp nạn tên là gì?", "person"),
        ("Thuyen truong tau ca bi bat giu ten gi?", "person"),
        ("Trưởng trạm y tế xã, người phát hiện ổ dịch, tên là gì?", "person"),
        ("Truong tram y te xa, nguoi phat hien o dich, ten la gi?", "person"),
        ("Khu chợ ven sông, người dân quen gọi tên là gì?", "place"),
        # typed without diacritics: the first sure person word ("vi" may be "vị", "chi" "chị"),
        # and any person word pointed at before the name
        ("Vi pho giam doc So Thuong mai giai thich viec nay ten la gi?", "person"),
        ("chi bo moi thanh lap ten gi", "other"),
        ("vu lam gia con dau nam 2003, thi sinh do ten gi?", "person"),
        ("Dự án khu đô thị, đơn vị đó tên là gì?", "other"),
        # ... not one whose thing is named ("của", "cho", "về"), nor an ambiguous first word
        ("Cuốn sách của tác giả đó tên gì?", "other"),
        ("Con tàu của thuyền trưởng đó tên gì?", "other"),
        ("xe cua tai xe do ten gi", "other"),
        ("truong hoc sinh vien theo hoc ten gi", "other"),
        ("Pho nguoi dan goi ten gi", "other"),
        # ... a place led by its noun asks the place's name, a thing's stays other
        ("Khu tái định cư mới của huyện có tên là gì?", "place"),
        ("Bãi tắm phía nam thành phố còn có tên gọi khác là gì?", "place"),
        ("Cầu thủ ghi bàn thắng quyết định tên là gì?", "person"),
        ("Dự án nhà ở xã hội đầu tiên của tỉnh có tên gọi là gì?", "other"),
        # ranks, academic titles and deputies named after their body, then "nào"
        ("Thượng tá nào chỉ huy đợt truy quét đêm qua?", "person"),
        ("Giáo sư nào của Viện Sử học viết cuốn sách?", "person"),
        ("Cục phó Cục Thuế nào ký công văn hướng dẫn?", "person"),
        ("Phó giáo sư nào chủ trì đề tài cấp nhà nước?", "person"),
        # "ha noi nao" typed is no "nơi nào", its "noi" no "nói"; a typed "ubnd" no "bán"
        ("pho chu tich ha noi nao ky quyet dinh thu hoi dat", "person"),
        ("pho chu tich ubnd ha noi nao noi se kiem tra cho", "person"),
        ("Trận lũ quét ập tới nơi nào trước tiên?", "place"),
    ],
)
def test_people_asked_by_office_or_role(question, qtype):
    assert analyze_question(question).type == qtype


@pytest.mark.parametrize(
    "question, noun",
    [
        ("Các hộ tái định cư được bố trí vào chung cư nào?", "chung cư"),
        ("Nhà máy mới nằm trong khu công nghiệp nào của tỉnh?", "khu công nghiệp"),
        ("Hội nghị khu vực được tổ chức tại thủ đô nào?", "thủ đô"),
        ("Xe khách gặp nạn ở đèo nào?", "đèo"),
        ("Tàu bị chìm gần mỏ dầu nào?", "mỏ dầu"),
        ("Học sinh được chuyển sang trường nào?", "trường"),
        ("cac ho duoc dua ve khu tai dinh cu nao", "khu tái định cư"),
        ("Muỗi tập trung chủ yếu ở con kênh nào?", "con kênh"),
        ("Quả bom được đưa về trưng bày tại bảo tàng nào?", "bảo tàng"),
        ("Hành khách phải xuống tàu ở ga nào?", "ga"),
        ("Lễ cầu siêu được cử hành ở ngôi chùa nào?", "chùa"),
        ("le cau sieu duoc cu hanh o ngoi chua nao", "chùa"),
        ("Nhà máy được xây trong cụm công nghiệp nào?", "cụm công nghiệp"),
        ("Số hàng hóa bị niêm phong tại kho lạnh nào?", "kho lạnh"),
        # a noun and the kind of it
        ("Em học sinh lớp 11 học ở trường THPT nào?", "trường thpt"),
        ("Chiếc bình cổ được nung ở làng gốm nào?", "làng gốm"),
        ("tau du lich dung o ga xe lua nao", "ga xe lửa"),
        ("Đèn tín hiệu mới được lắp ở nút giao nào?", "nút giao"),
        # roads, works and sites named after their kind
        ("Vết nứt xuất hiện trên tuyến quốc lộ nào?", "quốc lộ"),
        ("Ống nước bị bể ở vòng xoay nào của quận 6?", "vòng xoay"),
        ("le vieng duoc to chuc o nha tang le nao", "nhà tang lễ"),
        ("ngay hoi to chuc o khu sinh thai nao", "khu sinh thái"),
        ("Tỉnh đề nghị đóng cửa đập ngăn mặn nào?", "đập ngăn mặn"),
        ("Đoàn đến dâng hương tại đền nào?", "đền"),
    ],
)
def test_place_nouns_asked(question, noun):
    a = analyze_question(question)
    assert (a.type, a.place_noun) == ("place", noun)


@pytest.mark.parametrize(
    "question, qtype",
    [
        ("con gà nào được bán?", "other"),  # "gà" folds like "ga" (a station): as written only
        ("Tượng Phật được đưa về chùa nào?", "place"),
        ("bao gio thi chua nao duoc sua", "date"),  # unaccented "chua" after no word of place: "chưa"
        ("Ông được bầu ở đơn vị bầu cử số 3, thuộc quận mấy?", "place"),
        ("Xe đón khách ở nhà ga nào?", "place"),
        # "may" after xe / dệt is máy or may, no "mấy"; after "xuống", "nước" it may be
        ("xe may roi xuong song o phuong nao", "place"),
        ("cong ty det may o phuong nao", "place"),
        ("ha noi ngung dang ky xe may o may quan", "count"),  # the second "may" is "mấy"
        ("nhiet do giam xuong may do", "count"),
        ("khu dan cu bi ngap nuoc may ngay", "count"),
        # "các / nhiều / một máy": no "mấy" follows them
        ("Thu truong Bo Cong an nao yeu cau thu hoi cac may ban toc do?", "person"),
        # words that end in a place noun's syllable: "gia đình", "khai thác"; unaccented "den" is "đến"
        ("Gia đình nào đoạt giải nhất hội thi nấu ăn?", "other"),
        ("cong ty khai thac nao bi phat", "other"),
        ("doan den den nao", "other"),
        ("Hành vi đánh đập nào bị xử lý?", "other"),
    ],
)
def test_place_nouns_folded_alike_and_numbered_districts(question, qtype):
    assert analyze_question(question).type == qtype


@pytest.mark.parametrize(
    "question, qtype",
    [
        # ranks and academic titles ask a person only right before "nào" or a body's name
        ("Giáo sư Harvard nào nhận giải thưởng?", "person"),
        ("Kỹ sư ngành nào đang thiếu nhiều nhất?", "other"),
        ("Quân hàm đại tá tương đương chức vụ nào?", "other"),
        ("Hội đồng chức danh giáo sư ngành nào có nhiều ứng viên nhất?", "other"),
        # ... and a titled person named is no name asked, save a birth name
        ("Giáo sư Nguyễn Văn Hiệu có tên khai sinh là gì?", "person"),
        ("Thượng tá Nguyễn Văn Tuấn có tên khai sinh là gì?", "person"),
        # a committee issuing a document asks the document ("ủy ban hành" typed)
        ("Bí thư Tỉnh ủy ban hành chỉ thị nào về phòng chống dịch?", "other"),
        ("pho bi thu dang uy ban hanh nghi quyet nao", "other"),
        # the new place nouns leading a name asked, and "hàng ngoại" of a country
        ("Làng gốm nổi tiếng nhất tỉnh có tên là gì?", "place"),
        ("Hàng ngoại nước nào chiếm thị phần lớn nhất?", "place"),
    ],
)
def test_review_of_the_ranks_and_new_nouns(question, qtype):
    assert analyze_question(question).type == qtype


@pytest.mark.parametrize(
    "question, qtype",
    [
        # a price, fee, pay, aid or spending word before "bao nhiêu", nothing counted after
        ("Vé tháng xe buýt tuyến mới giá bao nhiêu?", "money"),
        ("ve thang xe buyt tuyen moi gia bao nhieu 1 nguoi", "money"),
        ("Mỗi hộ được hỗ trợ bao nhiêu mỗi tháng?", "money"),
        ("Dự án cầu mới có tổng đầu tư bao nhiêu?", "money"),
        ("Người cao tuổi được trợ cấp bao nhiêu một tháng?", "money"),
        ("Doanh nghiệp bị phạt tổng cộng bao nhiêu?", "money"),
        # ... every such word is tried, not only the first one the question writes
        ("Trong năm học mới, quỹ lương của trường tăng khoảng bao nhiêu mỗi tháng?", "money"),
        # what "bao nhiêu" counts after it stays counted
        ("Quỹ học bổng đã cấp bao nhiêu suất học bổng?", "count"),
        ("Tỉnh đã hỗ trợ bao nhiêu hộ nghèo?", "count"),
        ("Xã có bao nhiêu thương binh được chăm sóc?", "count"),
        ("Gia đình anh có bao nhiêu người?", "count"),
        ("Khoản 20 tỷ đồng được chia cho bao nhiêu gia đình?", "count"),
        ("Có bao nhiêu người tham gia?", "count"),
        ("Dự án hỗ trợ 5 tỷ đồng cho bao nhiêu xã?", "count"),
    ],
)
def test_money_asked_by_what_is_paid(question, qtype):
    assert analyze_question(question).type == qtype


@pytest.mark.parametrize(
    "question, qtype",
    [
        ("Lễ bàn giao diễn ra vào buổi nào?", "date"),
        ("Cây cầu bị sập vào đêm nào?", "date"),
        ("Các hộ phải nộp hồ sơ trước hạn chót nào?", "date"),
        ("Số xã có dịch trên cả nước là mấy?", "count"),
        ("Tuổi bình quân của đảng viên đã lên tới mức nào?", "count"),
        ("Cột cờ mới cao cỡ nào?", "count"),
        # the usual nouns make the level asked a sum or a share
        ("Thiệt hại phải từ mức nào trở lên mới bị truy cứu?", "money"),
        ("Chỉ số giá tiêu dùng tháng 4 tăng ở mức nào?", "percent"),
    ],
)
def test_dates_and_amounts_asked_by_other_words(question, qtype):
    assert analyze_question(question).type == qtype


def test_tro_len_ends_a_target():
    assert analyze_question("Có bao nhiêu xã có từ 100 hộ trở lên?").target == "xa"
    assert analyze_question("Mỗi tổ phải có từ bao nhiêu trở lên?").target is None


@pytest.mark.parametrize(
    "question, qtype",
    [
        # a money word after "số <noun>", or typed without its marks, counts
        ("Số người được hỗ trợ là bao nhiêu?", "count"),
        ("Số phi công là bao nhiêu?", "count"),
        ("Số gia súc bị chết là bao nhiêu?", "count"),
        ("So nguoi bi thuong la bao nhieu?", "count"),
        ("San luong lua ca nam la bao nhieu?", "count"),
        ("Chuyen muc nao duoc nhieu nguoi doc?", "other"),
        ("Chiec nay la may bay loai nao?", "other"),
        ("Gạo xuất khẩu sang thị trường nào?", "other"),
        ("Mỗi hộ được hỗ trợ 5 triệu đồng vào thời gian nào?", "date"),
        # "cơ quan nào" is no district; "có quận nào" is
        ("Hà Nội có quận nào đạt chuẩn văn minh đô thị?", "place"),
        ("Trụ sở công ty nằm ở quận mấy của TP HCM?", "place"),
        # a title's own last word, a weak title before a firm, a verb after a one-word body
        ("Trưởng đoàn nào dẫn đầu đoàn công tác?", "person"),
        ("Bộ trưởng làm việc với lãnh đạo doanh nghiệp nào?", "other"),
        ("Đại biểu Quốc hội chất vấn về dự án nào?", "other"),
        ("Bộ trưởng Bộ Công Thương đề xuất phương án nào?", "other"),
        ("Giám đốc Cục Thuế cấp phép cho doanh nghiệp nào?", "other"),
        ("Cơ quan chủ quản của đơn vị này tên là gì?", "other"),
        ("Nan nhan la mot phu nu; nguoi do ten gi?", "person"),
    ],
)
def test_review_of_the_new_phrases(question, qtype):
    assert analyze_question(question).type == qtype


def test_the_word_that_makes_a_money_question_is_its_target():
    assert analyze_question("Mỗi hộ được hỗ trợ bao nhiêu mỗi tháng?").target == "ho tro"


def test_a_weak_title_then_a_body_asks_a_person():
    assert analyze_question("Lãnh đạo Ban Tuyên giáo nào thông báo lịch làm việc?").type == "person"
    assert analyze_question("Vị lãnh đạo Bộ VHTT nào tặng bằng khen?").type == "person"


@pytest.mark.parametrize(
    ("question", "target"),
    [
        ("Ở xã này, người theo Công giáo chiếm bao nhiêu phần dân số?", "dan so"),
        ("Số ca tử vong do xe máy chiếm bao nhiêu trong tổng số ca tử vong?", None),
        ("Đại biểu chuyên trách hiện mới chiếm khoảng bao nhiêu?", None),
        ("Bộ đề nghị tăng chỉ tiêu tuyển sinh từ 5% lên bao nhiêu?", None),
    ],
)
def test_a_share_asked_without_its_word(question: str, target: str | None) -> None:
    a = analyze_question(question)
    assert a.type == "percent"
    if target is not None:
        assert a.target == target


def test_a_share_verb_before_a_counted_noun_still_counts() -> None:
    assert analyze_question("Chi nhánh cấp nước Gia Định chiếm bao nhiêu điểm?").type == "count"
    assert analyze_question("Chi phí đền bù chiếm bao nhiêu tiền?").type == "money"
    # "phần" is a share only in a percent question: "phần quà" is counted
    assert analyze_question("Có bao nhiêu phần quà được trao?").type == "count"
    assert analyze_question("Tăng từ 500 lên bao nhiêu người?").type == "count"


@pytest.mark.parametrize(
    ("question", "target"),
    [
        # after the count word only a currency, a particle or "một <unit>": nothing counted
        ("Mức trần học phí đào tạo tiến sĩ là bao nhiêu đ/tháng?", "hoc phi"),
        ("ve thang tuyen xe buyt nay gia bao nhieu vay", "gia"),
        ("gia ve vao cong tang len bao nhieu mot ve?", "gia ve"),
        ("Tổng mức đầu tư tăng lên khoảng bao nhiêu khiến Bộ đề nghị đổi hình thức?", "tong muc dau tu"),
        # "bao Nhiêu Lộc" is a canal's name, not the question word
        ("Tổng mức đầu tư dự án cống bao Nhiêu Lộc tính ra tiền đồng là bao nhiêu?", "tong muc dau tu"),
    ],
)
def test_a_money_noun_with_nothing_counted_after(question: str, target: str) -> None:
    a = analyze_question(question)
    assert (a.type, a.target) == ("money", target)


def test_what_follows_the_count_word_may_still_be_counted() -> None:
    assert analyze_question("san bay rach gia bi lan chiem bao nhieu ha?").type == "count"
    assert analyze_question("Được hỗ trợ vốn, có bao nhiêu người vay?").type == "count"
    assert analyze_question("Bao nhiêu hộ được bồi thường?").type == "count"


@pytest.mark.parametrize(
    "question",
    [
        "Các hộ dân ở cư xá này đã chờ giấy chủ quyền nhà đất suốt bao lâu?",
        "Nhà nước phải báo trước cho dân bao lâu khi lấy lại đất trồng trọt?",
        "nguoi tam tru phai lam viec tu bao lau tro len moi duoc cap so lao dong",
    ],
)
def test_how_long_asks_a_span_of_time(question: str) -> None:
    a = analyze_question(question)
    assert (a.type, a.target) == ("count", "thoi gian")


@pytest.mark.parametrize(
    "question, qtype, target",
    [
        # folded, "thu bao nhieu" reads as "thứ bao nhiêu": the noun asked follows "bao nhiêu"
        ("Sở đã nghiệm thu bao nhiêu bộ giáo trình nghề?", "count", "bo giao trinh nghe"),
        ("truong thu bao nhieu khoan moi nam hoc", "count", "khoan"),
        ("Bệnh viện đã mổ đến ca thứ bao nhiêu?", "count", None),
        ("Năm ngoái công ty đạt doanh thu bao nhiêu?", "money", "doanh thu"),
        # "trả bao nhiêu" asks a sum
        ("Mỗi khách đi tour phải trả bao nhiêu?", "money", None),
    ],
)
def test_the_question_word_inside_a_type_phrase(question: str, qtype: str, target: str | None) -> None:
    a = analyze_question(question)
    assert (a.type, a.target) == (qtype, target)


@pytest.mark.parametrize(
    "question, qtype",
    [
        # the money noun stands in a leading clause; the main clause counts people
        ("Khi tỉnh ký kế hoạch hỗ trợ người nghèo, số hộ nghèo của tỉnh là bao nhiêu?", "count"),
        ("Sau khi huyện giảm phí, số xe qua trạm mỗi ngày là bao nhiêu?", "count"),
        # no leading clause: the sum is asked
        ("Số tiền hỗ trợ mỗi hộ nghèo là bao nhiêu?", "money"),
        # the leading clause holds "bao nhiêu" too: its money noun is asked
        ("Khi được hỗ trợ bao nhiêu, các hộ đã thoát nghèo?", "money"),
    ],
)
def test_a_leading_clause_does_not_type_the_main_one(question: str, qtype: str) -> None:
    assert analyze_question(question).type == qtype


@pytest.mark.parametrize(
    "question, qtype, target",
    [
        # a decimal comma closes no clause: the sum after it is still the leading one's
        ("Nếu giá vé tăng thêm 2,5 lần thì là bao nhiêu?", "money", "gia ve"),
        # the main clause's own noun is counted, whatever the leading clause's sum
        ("Khi giá vé tăng, lượng khách là bao nhiêu?", "count", None),
        ("khi gia xang tang, so ho bi anh huong la bao nhieu?", "count", None),
        # "số <noun>" of the main clause names the target, not the one of the leading clause
        ("Khi số hộ nghèo giảm, số hộ thoát nghèo là bao nhiêu?", "count", "ho thoat ngheo"),
    ],
)
def test_what_a_leading_clause_is(question: str, qtype: str, target: str) -> None:
    a = analyze_question(question)
    assert (a.type, a.target) == (qtype, target)


@pytest.mark.parametrize(
    "question, lead",
    [
        ("Khi phí tăng, mỗi lượt là bao nhiêu?", True),
        ("khi phi tang, moi luot la bao nhieu?", True),
        ("Kể từ khi phí tăng, mỗi lượt là bao nhiêu?", True),
        # "Khí" and "Nêu" are no "khi" / "nếu" in a question written with diacritics
        ("Khí thải nhà máy, mỗi ngày là bao nhiêu?", False),
        ("Nêu tên, số hộ là bao nhiêu?", False),
        # a comma between digits is a decimal one
        ("Khi giá tăng 2,5 lần thì là bao nhiêu?", False),
    ],
)
def test_which_words_open_and_close_a_leading_clause(question: str, lead: bool) -> None:
    text = normalize(question)
    raw = _TOKEN.findall(text)
    written = tuple(t.lower() for t in raw)
    assert any(_leading_clause(text, written, tuple(fold_words(list(written))))) is lead


def test_per_turn_counts_nothing() -> None:
    a = analyze_question("gia gui xe o to chi duoc thu bao nhieu moi luot?")
    assert (a.type, a.target) == ("money", "gia")


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        # a weak date phrase sets the time of what is asked: the person or place is asked
        ("Ai là giám đốc công ty vào dịp công ty tặng sách cho học sinh?", "person"),
        ("Hội thi do huyện tổ chức vào ngày đầu năm diễn ra ở xã nào?", "place"),
        ("Ông nào được bầu làm chủ tịch vào năm đó?", "person"),
        # with nothing else asked, the weak phrase still asks a date
        ("Lễ khởi công cầu được tổ chức vào thời gian?", "date"),
        ("Buổi lễ ra mắt diễn ra vào ngày?", "date"),
    ],
)
def test_a_weak_date_phrase_gives_way_to_a_person_or_place(question: str, qtype: str) -> None:
    assert analyze_question(question).type == qtype

"""Places (index.places): named places, and bare references to an article's own."""

from __future__ import annotations

import pytest

from conftest import SEED
from index.corpus import read_corpus
from index.places import Place, passage_places, place_of, references, referred_places


def resolved(text: str, title: str = "") -> list[tuple[str, str]]:
    """(the words as written, the place they were resolved to) of each bare reference."""
    return [(text[r.start : r.end], r.text) for r in references(text, title)]


@pytest.mark.parametrize(
    "written, place",
    [
        ("quận Long Biên", Place("quận", "Long Biên")),
        ("Quận ủy Long Biên", Place("quận", "Long Biên")),
        ("Thành ủy Hà Nội", Place("thành phố", "Hà Nội")),
        ("Tỉnh ủy Cà Mau", Place("tỉnh", "Cà Mau")),
        ("Cà Mau", Place("tỉnh", "Cà Mau")),
        ("Hà Nội", Place("thành phố", "Hà Nội")),
        ("TPHCM", Place("thành phố", "Hồ Chí Minh")),
        ("TP.HCM", Place("thành phố", "Hồ Chí Minh")),
        ("Thành phố Hồ Chí Minh", Place("thành phố", "Hồ Chí Minh")),
        ("Q.5", Place("quận", "5")),
        ("quận 12", Place("quận", "12")),
        ("phường 6", Place("phường", "6")),
        ("huyện Gia Lâm", Place("huyện", "Gia Lâm")),
        ("thị xã Gia Nghĩa", Place("thị xã", "Gia Nghĩa")),
        ("xã Chiềng Hắc", Place("xã", "Chiềng Hắc")),
        ("tỉnh Thừa Thiên-Huế", Place("tỉnh", "Thừa Thiên - Huế")),  # one writing of each two-part province
        ("BR-VT", Place("tỉnh", "Bà Rịa - Vũng Tàu")),
        # not places of a level
        ("Thành ủy TP", None),  # a level word is no name
        ("TP 6", None),  # "bình quân TP 6-7 m2": a city is no number
        ("TP. Tuyến", None),  # "Công ty Điện lực TP. Tuyến đường ...": a sentence ended
    ],
)
def test_place_of(written, place):
    assert place_of(written) == place


def test_the_seed_article_refers_to_its_district_by_level_alone():
    article = next(iter(read_corpus([SEED])))
    refs = resolved(article.text, article.title)
    assert ("Quận", "quận Long Biên") in refs  # "Bí thư Đảng ủy 14 phường thuộc Quận"
    assert ("Quận ủy", "quận Long Biên") in refs  # "Trụ sở Quận ủy", before Long Biên is named
    assert ("Thành ủy", "thành phố Hà Nội") in refs  # "Nghị quyết 09 của Thành ủy"
    assert all(place in ("quận Long Biên", "thành phố Hà Nội") for _, place in refs)


@pytest.mark.parametrize(
    "text, expected",
    [
        # the latest place of the level named before the reference
        ("Tại quận 5, hội nghị diễn ra. Sau đó quận 1 họp. Quận đã kết nạp 20 đảng viên.", [("Quận", "quận 1")]),
        # at the end of a sentence too
        ("Quận ủy Long Biên họp. Dự họp có Bí thư Đảng ủy 14 phường thuộc Quận.", [("Quận", "quận Long Biên")]),
        # a committee, even before a person's name
        ("Tỉnh ủy Cà Mau họp. Bí thư Tỉnh ủy Nguyễn Văn A phát biểu.", [("Tỉnh ủy", "tỉnh Cà Mau")]),
        # cue words before a level word in lower case
        ("Cà Mau có nhiều rừng. Toàn tỉnh có 1.200 chi bộ.", [("tỉnh", "tỉnh Cà Mau")]),
        ("Huyện Gia Lâm họp. UBND huyện đã chỉ đạo.", [("huyện", "huyện Gia Lâm")]),
        ("TPHCM có 24 quận huyện. Trên địa bàn TP có 59 trường.", [("TP", "thành phố Hồ Chí Minh")]),
        ("Thành phố Hà Nội mở hội nghị. Thành phố đã khen thưởng 42 tập thể.", [("Thành phố", "thành phố Hà Nội")]),
        # a reference before any place is named: the article's most named place
        ("Trụ sở Quận ủy. Quận ủy Long Biên họp. Quận Long Biên có 14 phường.", [("Quận ủy", "quận Long Biên")]),
        # generic uses are no references
        ("Quận Long Biên lập ban chỉ đạo cấp quận và các phường.", []),
        ("Sở Lao động Thương binh và Xã hội Hà Nội đóng góp cho toàn xã hội.", []),
        ("Xe đi theo Tỉnh lộ 10 qua huyện Gia Lâm.", []),
        # nothing named: nothing to resolve to
        ("Quận ủy chủ trì hội nghị.", []),
    ],
)
def test_references(text, expected):
    assert resolved(text) == expected


def test_the_headline_names_the_place_when_the_text_does_not():
    assert resolved("Toàn tỉnh có 1.200 chi bộ.", "Cà Mau kỷ luật đảng viên") == [("tỉnh", "tỉnh Cà Mau")]


def test_passage_places_leave_out_places_the_passage_names_itself():
    text = "Quận ủy Long Biên tổ chức hội nghị. Quận ủy chủ trì.\nBí thư Đảng ủy 14 phường thuộc Quận dự họp."
    first_end = text.index("\n")
    spans = [(0, first_end), (first_end + 1, len(text))]
    assert passage_places(text, "", spans) == [None, "quận Long Biên"]


def test_referred_places_of_a_sentence():
    passage = "Đồng chí Nam chủ trì. Bí thư Đảng ủy 14 phường thuộc Quận dự họp."
    sentence = "Bí thư Đảng ủy 14 phường thuộc Quận dự họp."
    assert referred_places(sentence, passage, "quận Long Biên; thành phố Hà Nội") == ["quận Long Biên"]
    assert referred_places("Đồng chí Nam chủ trì.", passage, "quận Long Biên") == []
    # a place the passage names before the sentence wins over the resolved ones
    named = "Quận 5 họp. Quận đã kết nạp 20 đảng viên."
    assert referred_places("Quận đã kết nạp 20 đảng viên.", named, "quận 1") == ["quận 5"]


@pytest.mark.parametrize(
    "text, keys",
    [
        ("Q.5, nhiệm kỳ 2005-2010", {"quan 5"}),  # a numbered district before a comma
        ("quận 5, TPHCM", {"quan 5", "ho chi minh"}),
        ("Tỉnh ủy Thanh Hóa", {"thanh hoa"}),
        ("Thành ủy Hà Nội, quận Long Biên", {"ha noi", "long bien"}),
        ("diện tích quận 5,5 ha", set()),  # a decimal, not quận 5
        # a person's name after a place: cut at the surname, also where the pattern's
        # four-word cap leaves only the surname behind the place
        ("Thành phố Hồ Chí Minh Nguyễn Văn Đua ký", {"ho chi minh"}),
        ("Phó chủ tịch UBND tỉnh Quảng Nam Lê Minh Ánh", {"quang nam"}),
        ("Bí thư Quận ủy Tân Bình Trần Văn Tư", {"tan binh"}),
        # a place whose last word is a surname keeps it when no name follows
        ("huyện Phú Lương, tỉnh Thái Nguyên", {"phu luong", "thai nguyen"}),
        # a province of two parts, its hyphen spaced or dashed any way, or shortened
        ("UBND tỉnh Bà Rịa - Vũng Tàu", {"ba ria vung tau"}),
        ("Tỉnh ủy Thừa Thiên-Huế và tỉnh Bà Rịa- Vũng Tàu", {"thua thien hue", "ba ria vung tau"}),
        ("tỉnh Thừa Thiên – Huế", {"thua thien hue"}),
        ("tại Thừa Thiên- Huế, Thừa Thiên Huế", {"thua thien hue"}),
        ("UBND tỉnh BR-VT", {"ba ria vung tau"}),
        ("tỉnh Thừa Thiên—Huế, tỉnh Bà Rịa − Vũng Tàu", {"thua thien hue", "ba ria vung tau"}),  # em dash, minus
        ("Sở VH-TT - Huế", {"hue"}),  # a department's "TT", no short form of the province
        # ... but a city is no province: TP Bà Rịa, TP Huế
        ("TP Bà Rịa - Vũng Tàu", {"ba ria"}),
        ("TP Huế, tỉnh Thừa Thiên - Huế", {"hue", "thua thien hue"}),
    ],
)
def test_place_keys_are_one_per_place_however_written(text, keys):
    from index.places import place_keys

    assert place_keys(text) == keys


@pytest.mark.parametrize(
    "folded, keys",
    [
        ("co bao nhieu chi bo dang o quan hoan kiem", {"hoan kiem"}),
        ("tinh ha giang co bao nhieu dang vien", {"ha giang"}),
        ("chu tich ubnd phuong cua nam nam dinh tu ngay nao", {"cua nam", "nam dinh"}),
        ("phong khach san o da nang", {"da nang"}),  # a province needs no level word
        ("lu lut o thanh pho hue", {"hue"}),  # a one-word city after its level word
        ("tp hcm co bao nhieu", {"ho chi minh"}),
        ("xa thanh tan huyen tan phuoc tien giang", {"thanh tan", "tan phuoc", "tien giang"}),
        # common words are no place: "xã" before no commune, "hòa bình" (peace) without "tỉnh"
        ("xa ket nap bao nhieu dang vien", set()),
        ("vi hoa binh va phat trien", set()),
        ("tinh den cuoi thang 5", set()),  # "tính đến"
        ("go vap ket nap bao nhieu dang vien", set()),  # a district needs its level word
        ("tinh br-vt co bao nhieu chi bo", {"ba ria vung tau"}),  # a short form: the province's key
        ("tt-hue co bao nhieu du an", {"thua thien hue"}),
    ],
)
def test_typed_place_keys(folded, keys):
    from index.places import typed_place_keys

    assert typed_place_keys(folded) == keys


def test_a_place_typed_without_diacritics_is_kept_apart_from_the_places_the_scorer_reads():
    from index.parse import parse_question

    typed = parse_question("co bao nhieu chi bo dang o quan hoan kiem")
    assert typed.places == frozenset() and typed.typed_places == {"hoan kiem"}
    written = parse_question("Có bao nhiêu chi bộ đảng ở quận Hoàn Kiếm?")
    assert written.places == {"hoan kiem"} and written.typed_places == frozenset()

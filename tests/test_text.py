import pytest

import random

from index.text import expand_abbreviations, fold, fold_reference, fold_words, index_tokens, normalize, token_key, word_tokenize


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Quận uỷ", "Quận ủy"),
        ("Quận ủy", "Quận ủy"),
        ("hoà bình", "hòa bình"),
        ("Hoà", "Hòa"),
        ("thuỷ lợi", "thủy lợi"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("UỶ BAN", "ỦY BAN"),
        ("quý", "quý"),  # "qu" is a consonant: tone stays on y
        ("quả", "quả"),
        ("hoàn thành", "hoàn thành"),  # closed syllable: unchanged
        ("thuyết", "thuyết"),
        ("Ho\u0300a", "Hòa"),  # decomposed input -> NFC
        ("chi\u00a0bộ", "chi bộ"),  # NBSP
        ("chi\u2009bộ", "chi bộ"),  # thin space
        ("chi\u200bbộ", "chibộ"),  # zero-width space removed
        ("a   b\t c", "a b c"),
        ("  dòng 1 \r\n dòng 2  ", "dòng 1\ndòng 2"),
        ("\ufeffBOM", "BOM"),
        ("ctrl\x07char", "ctrlchar"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Đảng bộ", "Dang bo"),
        ("đồng chí", "dong chi"),
        ("Quận ủy Long Biên", "Quan uy Long Bien"),
        ("Nghị quyết", "Nghi quyet"),
        ("ưu tiên ơn", "uu tien on"),
        ("no diacritics", "no diacritics"),
    ],
)
def test_fold(raw, expected):
    assert fold(raw) == expected


def test_fold_table_is_the_reference_on_every_bmp_character():
    bad = [hex(cp) for cp in range(0x10000) if fold(chr(cp)) != fold_reference(chr(cp))]
    assert bad == []


# characters whose order NFD may change, or that the table leaves to the reference:
# marks in and outside U+0300-U+036F with several combining classes, letters that
# decompose to such marks, Hangul, kana with a voiced mark, "≠", outside the BMP
_MIXED = (
    "aAeEđĐơƯ ,.-0“”–…"
    "\u0300\u0301\u0302\u0303\u0309\u0323\u031b\u0327\u034f\u0345\u0316"
    "\u1dc0\u1dca\u0483\u05b0\u0591\u0e38\u3099\u093c\u20d0"
    "ệỡǖǘȫΐῷ\u0f73\u0f75\u0344ǅ한가\u304c\u2260\u212b\ufb2c\uf900"
    "\U0001d15e\U0001f600\U00010400"
)


def test_fold_matches_the_reference_on_mixed_strings():
    rng = random.Random(7)
    texts = ["".join(rng.choice(_MIXED) for _ in range(rng.randint(1, 12))) for _ in range(20000)]
    texts += ["Đảng bộ Thành ủy “TP.HCM” – 2020", "Ho\u0300a bi\u0300nh", "a\u0323\u1dca\u0302", "e\u1dc0\u0301"]
    assert [t for t in texts if fold(t) != fold_reference(t)] == []


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
        ("HĐND và MTTQ", "Hội đồng nhân dân và Mặt trận Tổ quốc"),
        ("Hội nghị T.Ư 4", "Hội nghị Trung ương 4"),
        ("Đ/c Nam phát biểu", "đồng chí Nam phát biểu"),
        ("Nghị quyết 09-NQ/TU", "Nghị quyết 09-NQ/TU"),  # inside a document number: untouched
        ("TU Hà Nội", "Thành ủy Hà Nội"),
        ("tu bổ", "tu bổ"),  # lower case "tu" is a word
        ("ĐBSCL", "Đồng bằng sông Cửu Long"),
        ("TPHCM", "Thành phố Hồ Chí Minh"),
        # "ĐH" is a university, save before a congress's words or after its documents
        ("Trường ĐH Bách khoa", "Trường Đại học Bách khoa"),
        ("kỳ thi ĐH lần thứ hai", "kỳ thi Đại học lần thứ hai"),
        ("ĐH IX của Đảng", "Đại hội IX của Đảng"),
        ("ĐH đại biểu toàn quốc", "Đại hội đại biểu toàn quốc"),
        ("dự thảo văn kiện ĐH", "dự thảo văn kiện Đại hội"),
    ],
)
def test_expand_abbreviations_in_articles(raw, expected):
    assert expand_abbreviations(normalize(raw)) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        # "ĐH" alone: the congress in a text about one and no university
        ("Tại ĐH, các đại biểu thảo luận văn kiện ĐH X.", "Tại Đại hội, các đại biểu thảo luận văn kiện Đại hội X."),
        ("Đại hội (ĐH) đại biểu toàn quốc họp. ĐH bầu 160 ủy viên.", "Đại hội (Đại hội) đại biểu toàn quốc họp. Đại hội bầu 160 ủy viên."),
        # ... a university in any other text, or beside a university's words
        ("Tại ĐH, sinh viên được ở ký túc xá.", "Tại Đại học, sinh viên được ở ký túc xá."),
        ("Sinh viên trường ĐH Huế chào mừng Đại hội Đảng.", "Sinh viên trường Đại học Huế chào mừng Đại hội Đảng."),
    ],
)
def test_bare_dh_is_read_by_its_text(raw, expected):
    assert expand_abbreviations(normalize(raw)) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ubnd tinh", "Ủy ban nhân dân tinh"),
        ("hdnd", "Hội đồng nhân dân"),
        ("tu bo", "tu bo"),  # ambiguous short forms need capitals even in questions
        ("ĐH Đảng bộ", "Đại hội Đảng bộ"),
        # a question asking what a congress has reads a bare "ĐH" as one
        ("Bao nhiêu đại biểu dự ĐH?", "Bao nhiêu đại biểu dự Đại hội?"),
        ("ĐH 10 bầu bao nhiêu ủy viên?", "Đại hội 10 bầu bao nhiêu ủy viên?"),
        ("ĐH Đại đoàn kết các dân tộc khai mạc ngày nào?", "Đại hội Đại đoàn kết các dân tộc khai mạc ngày nào?"),
        ("Công ty ra đời tại ĐH cổ đông ngày nào?", "Công ty ra đời tại Đại hội cổ đông ngày nào?"),
        ("Khai mạc ĐH vào ngày nào?", "Khai mạc Đại hội vào ngày nào?"),  # a capitalized cue
        ("ĐH diễn ra mấy ngày?", "Đại hội diễn ra mấy ngày?"),
        ("ĐH Hội Nông dân lần thứ V khai mạc ngày nào?", "Đại hội Hội Nông dân lần thứ V khai mạc ngày nào?"),
        ("ĐH Công đoàn lần thứ XI bầu bao nhiêu ủy viên?", "Đại hội Công đoàn lần thứ XI bầu bao nhiêu ủy viên?"),
        # ... not one about a university, nor a university named after it, nor a deputy
        ("Thi ĐH có bao nhiêu đại biểu dự?", "Thi Đại học có bao nhiêu đại biểu dự?"),
        ("ĐH Huế bầu bao nhiêu ủy viên hội đồng?", "Đại học Huế bầu bao nhiêu ủy viên hội đồng?"),
        ("ĐH Y Hà Nội có bao nhiêu ủy viên?", "Đại học Y Hà Nội có bao nhiêu ủy viên?"),
        ("ĐH nào có nhiều đại biểu Quốc hội nhất?", "Đại học nào có nhiều đại biểu Quốc hội nhất?"),
        ("Bao nhiêu đại biểu có trình độ trên ĐH?", "Bao nhiêu đại biểu có trình độ trên Đại học?"),
        ("ĐH nào được bầu chọn là trường tốt nhất?", "Đại học nào được bầu chọn là trường tốt nhất?"),
        ("ĐH toàn quốc năm nay có bao nhiêu thí sinh?", "Đại học toàn quốc năm nay có bao nhiêu thí sinh?"),
    ],
)
def test_expand_abbreviations_in_questions(raw, expected):
    assert expand_abbreviations(normalize(raw), loose=True) == expected


def test_a_congress_asked_in_a_question_leaves_articles_as_they_were():
    # an article is expanded by its own words: a delegate and "ĐH" say nothing of a congress
    assert expand_abbreviations("Bao nhiêu đại biểu dự ĐH?") == "Bao nhiêu đại biểu dự Đại học?"


def test_compounds_stay_whole():
    words = word_tokenize("Quận ủy đã thành lập 61 chi bộ đảng và 173 tổ chức công đoàn")
    assert "chi bộ" in words
    assert "tổ chức" in words
    assert "thành lập" in words


@pytest.mark.parametrize(
    "a, b",
    [
        ("Quận uỷ Long Biên", "Quận ủy Long Biên"),
        ("hoà giải", "hòa giải"),
        ("UBND quận", "Ủy ban nhân dân quận"),
    ],
)
def test_variants_index_identically(a, b):
    assert index_tokens(normalize(a)) == index_tokens(normalize(b))


def test_index_tokens_are_folded_and_joined():
    toks = index_tokens(normalize("Quận Long Biên thành lập được 61 chi bộ đảng."))
    assert "chi_bo" in toks and "thanh_lap" in toks and "61" in toks
    assert all(t == fold(t).lower() for t in toks)
    assert "." not in toks


def test_token_key():
    assert token_key("Chi bộ") == "chi_bo"
    assert token_key(",") is None


def test_fold_words_is_fold_of_each_word():
    rng = random.Random(11)
    for _ in range(3000):
        words = ["".join(rng.choice(_MIXED) for _ in range(rng.randint(0, 5))) for _ in range(rng.randint(0, 6))]
        assert fold_words(words) == [fold(w) for w in words]

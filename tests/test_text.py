import pytest

from index.text import expand_abbreviations, fold, index_tokens, normalize, token_key, word_tokenize


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
    ],
)
def test_expand_abbreviations_in_articles(raw, expected):
    assert expand_abbreviations(normalize(raw)) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ubnd tinh", "Ủy ban nhân dân tinh"),
        ("hdnd", "Hội đồng nhân dân"),
        ("tu bo", "tu bo"),  # ambiguous short forms need capitals even in questions
        ("ĐH Đảng bộ", "Đại hội Đảng bộ"),
    ],
)
def test_expand_abbreviations_in_questions(raw, expected):
    assert expand_abbreviations(normalize(raw), loose=True) == expected


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

"""What tells one event, office or region from its kind: read from a question and from
an answer's sentence, so that an answer about another event, office or region is never
stated.

* **Numbered events**: "kỳ họp thứ 6", "Hội nghị Trung ương 12", "giai đoạn 2", "đợt 3",
  "Đại hội Đảng bộ ... lần thứ 24" or "lần 24" (keyed by the word before "lần": the 24th
  congress is not the 24th plenum), a numbered thing ("cụm dân cư số 2", "gói thầu số 2":
  keyed by the two words before "số"; "trong số 120" is a count, none), "Đại hội X" (the
  Party's congress by its number),
  "Tết Bính Tuất" (a lunar year: stem and branch). A sentence on the 7th session answers nothing about
  the 6th. "Khóa" (a term) is left out: articles on a new term name the outgoing one too
  ("đại biểu HĐND khóa 6 đã tái đắc cử" answers a question on khóa VII).
* **Offices**: "Chủ tịch UBND phường ..." asks for the chairman, and "ông X, Phó chủ
  tịch UBND phường ..." is his deputy.
* **Regions**: "Tây Nam Bộ", "Tây Nguyên", "miền Trung", "phía Bắc" (of a province too):
  not places of ``index/places.py`` (whose changes re-derive every article's figures),
  only compared here.
* **Foreign countries**: "Mỹ", "Pháp", "Lào", "Campuchia" ... as written, with capitals: a
  share of adopted children in France answers nothing about the United States.
* **Landmarks**: a kind word and a name ("cảng Cửa Lò", "trạm thu phí Sông Phan", "núi
  Hàm Rồng", "ấp Phú Lợi", "KCN Trà Nóc II"): the port of Vũng Áng answers nothing about
  the one of Cửa Lò, each asked kind judged by itself.
* **Months**: "tháng 11-2006", "từ tháng 1 đến tháng 6": a figure of October answers
  nothing about November (a day's date is not read: it mostly dates a report).
* **Milestones** of a work or a meeting: its start ("khởi công", "khai mạc") and its end
  ("hoàn thành", "khánh thành", "bế mạc"): the day a dyke was begun answers nothing
  about when it will be finished.

Texts are compared folded and lower case, so questions typed without diacritics read the
same (countries excepted: read as written, by their capitals).
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.patterns import alts
from index.places import PROVINCES, SURNAMES, place_keys
from index.text import fold, has_diacritics, syllables

_WORDS = re.compile(r"\w+")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
#: Ordinal words, read only after "thứ": "kỳ họp thứ hai", "lần thứ tư"; "đầu" / "đầu
#: tiên" is the first ("đợt đầu", "kỳ họp đầu tiên"), not in "đầu tư", "đầu năm", "đấu thầu" ...
_ORDINAL_WORDS = {"nhat": 1, "hai": 2, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}
_NUMBER = r"(\d{1,3}|[ivxlc]{1,6}|(?<=thu )(?:nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi)|dau tien|dau(?! (?:tu|nam|thang|tuan|ngay|gio|moi|vao|ra|ky|tau|nguon|mua|tranh|gia|thau|khi|mo|an|lua|xanh)(?!\w)))(?!\w)"
#: Words before "số" that make it a count, not a label (folded): "trong số 120 hộ",
#: "tổng số 1.200", "với số 5 tỷ".
#: "bão số 7" is a storm, read by its own pattern below.
_COUNT_BEFORE_SO = tuple(
    "trong tong voi co la den ca chiem gom nhung cac mot theo tren duoi hon bang vao cho va chi "
    "con them giam tang dat thu bao".split()
)
#: Each kind of numbered event, as folded words before its number.
_EVENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(r"(?<!\w)" + words + _NUMBER))
    for kind, words in (
        ("ky hop", r"ky hop (?:thu )?"),
        ("giai doan", r"giai doan "),
        ("dot", r"dot (?:thu )?"),
        # a storm by its number ("bão số 7"), a school year by its grade ("lớp 10")
        ("bao so", r"bao so "),
        ("lop", r"lop "),
        ("hoi nghi trung uong", r"hoi nghi (?:trung uong|tu|bch tu|ban chap hanh trung uong) (?:dang )?(?:lan )?(?:thu )?"),
        # the Party's national congress by its number: "Đại hội X", "ĐH IX của Đảng"
        ("dai hoi", r"dai hoi (?:dang )?(?:toan quoc )?(?:lan thu )?"),
        # "lần thứ 2" and, as typed in chat, "lần 2"; "Lan" folds alike, so "Thái Lan 5
        # tháng", "Hà Lan", "Ba Lan", "Phần Lan", "Tân Tây Lan", "Thị Lan" are no "lần"
        # (bare, only a digit: "nhiều lần vì" is no 6th time)
        ("lan thu", r"(\w+) lan (?:thu |(?<!thai lan )(?<!ha lan )(?<!ba lan )(?<!phan lan )(?<!tay lan )(?<!thi lan )(?=\d))"),
        # a numbered thing, keyed by the two words before "số": "cụm dân cư số 2" is not
        # "số 1", "Nghị định số 92" not "Quyết định số 15"; a count ("trong số 120 hộ",
        # "tổng số", "với số") is no label
        ("so", r"(\w+ \w+) so" + "".join(rf"(?<! {w} so)" for w in _COUNT_BEFORE_SO) + r" (?=\d)"),
    )
)


#: The lunar year by its stem and branch ("Tết Bính Tuất", "Xuân Đinh Hợi", "năm Ất Dậu"),
#: folded: Tết of one year is another event than Tết of the next. "Tý" and "Tỵ" fold alike;
#: no stem pairs with both, so the pair still names one year.
_STEMS = ("giap", "at", "binh", "dinh", "mau", "ky", "canh", "tan", "nham", "quy")
_BRANCHES = ("ty", "suu", "dan", "mao", "thin", "ngo", "mui", "than", "dau", "tuat", "hoi")
_LUNAR_YEAR = re.compile(r"(?<!\w)(?:tet|xuan|nam) (?:nguyen dan |am lich )?(" + "|".join(_STEMS) + r") (" + "|".join(_BRANCHES) + r")(?!\w)")


def _words(text: str) -> str:
    return " ".join(_WORDS.findall(fold(text).lower()))


def _number(word: str) -> int | None:
    """3, "iii" or "ba" (after "thứ") as a number; None for anything else."""
    if word.isdigit():
        return int(word)
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[word]
    if word in ("dau", "dau tien"):  # "đợt đầu", "kỳ họp đầu tiên": the first
        return 1
    total = 0
    for a, b in zip(word, word[1:] + " "):
        if a not in _ROMAN:
            return None
        total += -_ROMAN[a] if _ROMAN.get(b, 0) > _ROMAN[a] else _ROMAN[a]
    return total or None


@lru_cache(maxsize=16384)
def numbered_events(text: str) -> frozenset[tuple[str, int]]:
    """The numbered events a text names, as (kind, number): "Kỳ họp thứ 7, Quốc hội khóa
    11" → {("ky hop", 7)}; "Đại hội Hội Nhà văn lần thứ VIII" → {("van lan thu", 8)}."""
    words = _words(text)
    found = set()
    for kind, pattern in _EVENTS:
        for m in pattern.finditer(words):
            n = _number(m.group(m.lastindex))
            if n:
                found.add((f"{m.group(1)} {kind}" if m.lastindex == 2 else kind, n))
    for m in _LUNAR_YEAR.finditer(words):
        found.add(("tet", 100 + _STEMS.index(m.group(1)) * 100 + _BRANCHES.index(m.group(2))))
    return frozenset(found)


def other_event(asked: frozenset[tuple[str, int]], text: str) -> bool:
    """``text`` names a kind of event the question numbers, and only with other numbers
    ("kỳ họp thứ 7" for "kỳ họp thứ 6")."""
    named = numbered_events(text) if asked else frozenset()
    for kind in {k for k, _ in asked}:
        have = {n for k, n in named if k == kind}
        if have and not have & {n for k, n in asked if k == kind}:
            return True
    return False


# --- months -------------------------------------------------------------------------

_MONTH_NAMES = {"giêng": 1, "gieng": 1, "chạp": 12, "chap": 12}
#: "tháng 3", "tháng 12-2005", "tháng giêng", "tháng 10 và 11", a span "từ tháng 1 đến
#: tháng 6" or "tháng 5-6"; typed without diacritics "thang 3" ("thắng 3 trận" is none).
#: A number before "tháng" is a length ("6 tháng đầu năm"), never read. A day's date
#: ("ngày 1-12", "30/10") is not read either: it mostly dates a report or another event
#: ("chiều 1-12, ông X cho biết" of the flood late in November).
_MONTH = re.compile(
    r"(?<!\w)th[aá]ng\s+(\d{1,2}|gi[eê]ng|ch[aạ]p)(?!\d|[.,]\d)"
    r"(?:\s*(-|–|đến|den|tới|toi|và|va|,)\s*(?:th[aá]ng\s+)?(\d{1,2})(?!\d|[.,]\d))?"
)
_SPAN = frozenset({"-", "–", "đến", "den", "tới", "toi"})


@lru_cache(maxsize=16384)
def months(text: str) -> frozenset[int]:
    """The months of the year a text names: "tháng 12-2005" → {12}; "từ tháng 1 đến tháng
    3" → {1, 2, 3}; "tháng 10 và 11" → {10, 11}; "6 tháng đầu năm" (a length), "ngày
    15/3" (a day) → none."""
    found: set[int] = set()
    for m in _MONTH.finditer(text.lower()):
        first = _MONTH_NAMES.get(m.group(1)) or int(m.group(1))
        if not 1 <= first <= 12:
            continue
        found.add(first)
        if m.group(3) and 1 <= (last := int(m.group(3))) <= 12:
            found.update(range(first, last + 1) if m.group(2) in _SPAN and first < last else (last,) if m.group(2) not in _SPAN else ())
    return frozenset(found)


def other_month(asked: frozenset[int], text: str) -> bool:
    """``text`` names months of the year, none of those the question names ("tháng 10"
    for "tháng 11"): a figure of another month."""
    named = months(text) if asked else frozenset()
    return bool(named) and not named & asked


# --- one-year spans ------------------------------------------------------------------

#: A span of two running years ("năm học 2006-2007", "niên vụ 2005/2006", "mùa khô
#: 2004 - 2005"): a school, crop or budget year. A longer term ("2006-2010") is none.
_SEASON = re.compile(r"(?<!\d)(?<!\d[.,/])((?:19|20)\d\d)\s*[-–—/]\s*((?:19|20)\d\d)(?!\d|[.,/]\d)")


@lru_cache(maxsize=16384)
def seasons(text: str) -> frozenset[tuple[int, int]]:
    """The one-year spans a text names: "năm học 2007-2008" → {(2007, 2008)}."""
    return frozenset((a, b) for a, b in ((int(x), int(y)) for x, y in _SEASON.findall(text)) if b == a + 1)


#: What a figure is compared with, up to the end of its clause ("tăng 16,3% so với năm học
#: 2003-2004"): a span there is not the one the figure is of.
_COMPARED = re.compile(r"(?:so với|so cùng kỳ|cùng kỳ)[^,;.()]*", re.IGNORECASE)


def other_season(asked: frozenset[tuple[int, int]], sentence: str, context: str = "") -> bool:
    """The sentence names one-year spans, none of those the question names ("năm học
    2006-2007" for "năm học 2007-2008": the asked 2007 is written, in another span);
    a span it gives only as what the figure is compared with counts for none ("so với
    năm 2003-2004"). The figure's context is read only where the sentence names none."""
    if not asked:
        return False
    named = seasons(_COMPARED.sub(" ", sentence)) if seasons(sentence) else seasons(context)
    return bool(named) and not named & asked


# --- milestones ---------------------------------------------------------------------

#: The start and the end of a work or a meeting, as folded phrases; a date asked of one
#: is not answered by a sentence that names only the other.
_MILESTONES: dict[str, tuple[str, ...]] = {
    "work_start": ("khoi cong", "dong tho"),
    "work_end": ("hoan thanh", "khanh thanh", "hoan tat", "dua vao su dung", "dua vao hoat dong", "thong xe", "hop long", "khai truong"),
    "meeting_start": ("khai mac", "khai giang"),
    "meeting_end": ("be mac", "be giang"),
}
_OPPOSITE = {"work_start": "work_end", "work_end": "work_start", "meeting_start": "meeting_end", "meeting_end": "meeting_start"}


@lru_cache(maxsize=16384)
def milestones(text: str) -> frozenset[str]:
    """The milestones a text names: "dự kiến hoàn thành vào ngày nào?" → {"work_end"};
    "Lễ khởi công ... ngày 16/10" → {"work_start"}."""
    spaced = f" {' '.join(syllables(text))} "
    return frozenset(k for k, phrases in _MILESTONES.items() if any(f" {p} " in spaced for p in phrases))


def other_milestone(asked: frozenset[str], text: str) -> bool:
    """``text`` names the opposite milestone of one the question asks, and none it asks
    ("khởi công ngày 16/10" for "dự kiến hoàn thành vào ngày nào?")."""
    named = milestones(text) if asked else frozenset()
    return bool(named) and not named & asked and any(_OPPOSITE[a] in named for a in asked)


_OFFICE = (
    r"(tong bi thu|bi thu|tong giam doc|giam doc|chu tich|truong ban|truong phong|cuc truong|vu truong|"
    r"bo truong|thu truong|chanh an|vien truong|hieu truong|chanh van phong|truong doan|chu nhiem|"
    r"thu tuong)"
)
_HEAD = re.compile(r"(?<!\w)(pho )?" + _OFFICE + r"(?!\w)")


@lru_cache(maxsize=4096)
def offices(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The offices a text names as (heads, deputies): "Chủ tịch UBND xã" → ({"chu tich"},
    {}); "Phó chủ tịch UBND tỉnh" → ({}, {"chu tich"})."""
    heads, deputies = set(), set()
    for m in _HEAD.finditer(_words(text)):
        (deputies if m.group(1) else heads).add(m.group(2))
    return frozenset(heads), frozenset(deputies)


def title_of(sentence: str, name: str) -> str:
    """The words that give ``name`` its office in ``sentence``: the clause before it
    ("Phó chủ tịch UBND tỉnh Quảng Ngãi Trương Ngọc Nhi") and, when a comma follows it,
    the clause after ("ông Trịnh Thanh Hà, Phó chủ tịch UBND phường Định Công, ...")."""
    at = sentence.find(name)
    if at < 0:
        return ""
    before = re.split(r"[,;:(\"“]", sentence[:at])[-1]
    after = sentence[at + len(name) :]
    tail = re.split(r"[,;)\"”]", after.lstrip()[1:])[0] if after.lstrip()[:1] in ",(-–" else ""
    return f"{before} {tail}"


def deputy_of_asked(asked_heads: frozenset[str], title: str) -> bool:
    """The question asks for the head of an office ("Chủ tịch UBND ...") and the
    person's own title makes them its deputy ("Phó chủ tịch ..."), never the head."""
    if not asked_heads:
        return False
    heads, deputies = offices(title)
    return bool(asked_heads & deputies) and not (asked_heads & heads)


# --- regions ------------------------------------------------------------------------

#: Regions of Viet Nam as written (lower case) → a key; names of one region share it
#: ("miền Bắc", "phía Bắc", "Bắc Bộ"). Compass words only where they name a region or a
#: part of a province ("phía Nam tỉnh ..."), not "đông bắc" (the monsoon) or "tây bắc".
_REGIONS: dict[str, str] = {
    "tây nguyên": "tay nguyen",
    "tây nam bộ": "tay nam bo", "miền tây nam bộ": "tay nam bo", "đồng bằng sông cửu long": "tay nam bo",
    "đbscl": "tay nam bo",
    "đông nam bộ": "dong nam bo", "nam trung bộ": "nam trung bo", "bắc trung bộ": "bac trung bo",
    "đồng bằng sông hồng": "dong bang song hong",
    "miền bắc": "bac", "phía bắc": "bac", "bắc bộ": "bac", "phía đông": "dong", "phía tây": "tay",
    "miền nam": "nam", "phía nam": "nam", "nam bộ": "nam",
    "miền trung": "trung", "trung bộ": "trung",
}  # fmt: skip
_REGION_WRITTEN = re.compile(r"(?<!\w)(" + alts(list(_REGIONS)) + r")(?!\w)")
#: Folded forms, read only in a text typed without any diacritics ("tay nam bo"): in
#: written text they would be other words ("bác bỏ" folds to "bac bo"), and so may the
#: short ones typed ("tap trung bo tri"), which are left out.
_REGIONS_FOLDED = {fold(k): v for k, v in _REGIONS.items() if k not in ("bắc bộ", "nam bộ", "trung bộ")}
_REGION_FOLDED = re.compile(r"(?<!\w)(" + alts(list(_REGIONS_FOLDED)) + r")(?!\w)")


@lru_cache(maxsize=16384)
def regions(text: str) -> frozenset[str]:
    """The regions a text names, as keys: "các dân tộc Tây Nam Bộ" → {"tay nam bo"};
    "dai hoi cac dan toc tay nguyen" (no diacritics at all) → {"tay nguyen"}."""
    lower = text.lower()
    table, pattern = (_REGIONS_FOLDED, _REGION_FOLDED) if fold(lower) == lower else (_REGIONS, _REGION_WRITTEN)
    return frozenset(table[" ".join(m.group(1).split())] for m in pattern.finditer(lower))


# --- foreign countries ------------------------------------------------------------------

#: Foreign countries as Vietnamese news writes them (with capitals) → a key. The short
#: names that are also words of Vietnamese names (Mỹ, Pháp, Lào, Nga, Nhật) count only where no
#: capitalized word stands right before or after them ("Phú Mỹ", "Chương Mỹ", "Bộ Tư
#: Pháp", "Mỹ Tho", "Nga Sơn", "Lào Cai", "Nguyễn Thị Mỹ"; an acronym before is no name:
#: "LB Nga"), nor after an honorific ("ông Mỹ", "anh Nhật": a person), nor "Mỹ" of "châu
#: Mỹ" or before the words it makes a noun with ("Mỹ thuật"), nor "Pháp" before "lệnh", "luật" ... ("Pháp lệnh"); "Anh" and "Đức" after "nước", or
#: alone after a word of place (``_PLACED_COUNTRIES``; also a pronoun and a given name). Viet Nam is left out: nearly every question of this
#: corpus is about it.
_COUNTRY_NAMES: dict[str, str] = {
    "Hoa Kỳ": "my", "Thái Lan": "thai lan", "Campuchia": "campuchia", "Cam-pu-chia": "campuchia",
    "Hàn Quốc": "han quoc", "Trung Quốc": "trung quoc", "Nhật Bản": "nhat ban", "Malaysia": "malaysia",
    "Ma-lai-xi-a": "malaysia", "Singapore": "singapore", "Xinh-ga-po": "singapore", "Indonesia": "indonesia",
    "Philippines": "philippines", "Myanmar": "myanmar", "Brunei": "brunei", "Đài Loan": "dai loan",
    "Ấn Độ": "an do", "Canada": "canada", "Australia": "australia", "Ôxtrâylia": "australia", "Úc": "australia",
    "Cuba": "cuba", "Brazil": "brazil", "Hà Lan": "ha lan", "Thụy Điển": "thuy dien", "Thụy Sĩ": "thuy si", "Thụy Sỹ": "thuy si",
    "Đan Mạch": "dan mach", "Na Uy": "na uy", "Ba Lan": "ba lan", "Tây Ban Nha": "tay ban nha",
    "Bồ Đào Nha": "bo dao nha", "Italy": "italia", "Italia": "italia", "New Zealand": "new zealand",
    "Mông Cổ": "mong co", "Triều Tiên": "trieu tien", "Israel": "israel", "Iraq": "iraq", "Iran": "iran",
    "Ai Cập": "ai cap", "Nam Phi": "nam phi", "Qatar": "qatar", "Kuwait": "kuwait", "Anh Quốc": "anh",
    "Vương quốc Anh": "anh", "nước Anh": "anh", "nước Đức": "duc", "CHLB Đức": "duc",
}  # fmt: skip
_SHORT_COUNTRIES = {"Mỹ": "my", "Pháp": "phap", "Lào": "lao", "Nga": "nga", "Nhật": "nhat ban"}
#: "Anh" and "Đức" are also a pronoun and given names: a country only right after a word
#: of place or movement ("tại Anh", "du học Anh", "sang Đức"), before no capitalized word
#: ("ở Anh Sơn", "tại Đức Phổ": districts) and none of ``_NOT_COUNTRY_AFTER``.
_PLACED_COUNTRIES = {"Anh": "anh", "Đức": "duc"}
_PLACE_WORDS_BEFORE = frozenset("tại ở sang đến tới từ học".split())
_PLACE_WORDS_BEFORE_TYPED = _PLACE_WORDS_BEFORE | frozenset(fold(w) for w in _PLACE_WORDS_BEFORE)  # in a text with no diacritics
#: Words before a name that make it a person's: a short country name after one is a person
#: ("ông Mỹ", "anh Nhật"), and a landmark's name ends before one ("bến xe Miền Tây Ông ...").
HONORIFICS = frozenset("ông bà anh chị cô chú em cháu bé bác cụ thầy".split())
_COUNTRY = re.compile(r"(?<![\w-])(?:" + alts([*_COUNTRY_NAMES, *_SHORT_COUNTRIES, *_PLACED_COUNTRIES]) + r")(?![\w-])")
_COUNTRY_KEYS = {**_COUNTRY_NAMES, **_SHORT_COUNTRIES, **_PLACED_COUNTRIES}
_WORD_BEFORE = re.compile(r"(\w+)\s+$")
_WORD_AFTER = re.compile(r"\s+(\w+)")
_NOT_COUNTRY_AFTER = {
    "Mỹ": frozenset("thuật phẩm nghệ quan mãn lệ nhân vị từ cảm học".split()),
    "Pháp": frozenset("lệnh luật lý chế nhân quyền định điển viện y sư môn trị".split()),
    "Nhật": frozenset("ký báo trình thực lệnh".split()),  # "Nhật ký", "Nhật báo"
    "Anh": frozenset("văn ngữ hùng em chị ta ấy này đó hai ba rể".split()),  # "học Anh văn", "ở Anh rể"
    "Đức": frozenset("lập cha ông mẹ giáo tin thánh dục".split()),  # "Đức Lập", "Đức cha", "Đức dục"
}


def _a_country(m: re.Match[str]) -> bool:
    name, text = m.group(0), m.string
    if name in _PLACED_COUNTRIES:
        before = _WORD_BEFORE.search(text[max(0, m.start() - 16) : m.start()])
        after = _WORD_AFTER.match(text, m.end())
        words_before = _PLACE_WORDS_BEFORE if has_diacritics(text) else _PLACE_WORDS_BEFORE_TYPED
        if not before or before.group(1) not in words_before:
            return False  # "anh Nam", "ông Đức", "tiếng Anh"
        return not (after and (after.group(1)[0].isupper() or after.group(1).lower() in _NOT_COUNTRY_AFTER.get(name, ())))
    if name not in _SHORT_COUNTRIES:
        return True
    after = _WORD_AFTER.match(text, m.end())
    if after and (after.group(1)[0].isupper() or after.group(1).lower() in _NOT_COUNTRY_AFTER.get(name, ())):
        return False  # "Mỹ Tho", "Nga Sơn", "Lào Cai", "Pháp Luân Công"; "Mỹ thuật", "Pháp lệnh"
    before = _WORD_BEFORE.search(text[max(0, m.start() - 16) : m.start()])
    word = before.group(1) if before else ""
    # "Phú Mỹ", "Bộ Tư Pháp", "Thị Nga": a name's last word; "LB Nga": an acronym is none;
    # "ông Mỹ", "anh Nhật": a person
    return not ((word[:1].isupper() and not word.isupper()) or word.lower() == "châu" or word.lower() in HONORIFICS)


@lru_cache(maxsize=16384)
def countries(text: str) -> frozenset[str]:
    """The foreign countries a text names, as keys: "con nuôi nước ngoài tại Mỹ" → {"my"};
    "Pháp lệnh Dân số", "thành phố Mỹ Tho", "bà Nguyễn Thị Nga" → none."""
    return frozenset(_COUNTRY_KEYS[m.group(0)] for m in _COUNTRY.finditer(text) if _a_country(m))


#: Kinds of landmark a question may name before a capitalized name ("cầu Thủ Thiêm").
#: Organizations (công ty, trường, bệnh viện ...) are read by ``index.parse``; places of
#: the gazetteer (tỉnh, huyện, xã ...) by ``index.places``.
_LANDMARK_KINDS = (
    "núi", "sông", "cầu", "chợ", "đèo", "hồ", "cảng", "sân bay", "đường", "khu công nghiệp", "khu đô thị",
    "khu dân cư", "khu kinh tế", "công viên", "trạm thu phí", "bến xe", "thủy điện", "hầm", "kênh", "đập",
    "cửa khẩu", "thôn", "ấp", "làng", "khách sạn", "bãi biển", "vịnh", "đảo", "ga", "khu chế xuất",
)  # fmt: skip
#: Kinds written by their acronym, read as written ("KCN Trà Nóc" is "khu công nghiệp Trà Nóc").
_ACRONYM_KINDS = {
    "KCN": "khu cong nghiep", "KCX": "khu che xuat", "KĐT": "khu do thi", "KDT": "khu do thi",
    "KDC": "khu dan cu", "KKT": "khu kinh te",
}  # fmt: skip
#: A number after a landmark's name is part of it: "KCN Trà Nóc I" is not "Trà Nóc II".
_NAME_NUMBER = re.compile(r"[IVX]{1,4}")
_KIND_WORDS = tuple(sorted((k.split() for k in _LANDMARK_KINDS), key=len, reverse=True))
#: A kind word after these is part of another word: "nông thôn", "đồng bằng sông Cửu Long"
#: (a region), "yêu cầu", "nhu cầu", "toàn cầu", "lãnh đạo", "giao cho" (folded).
_NOT_KIND_AFTER = frozenset({"nong", "bang", "yeu", "nhu", "toan", "lanh", "giao"})
#: Kinds read only as written: folded, "cho" is mostly "cho" (for), "dao" "đạo", "ho" "họ".
_KINDS_WRITTEN_ONLY = frozenset({"cho", "dao", "ho"})
#: A landmark's name is its first two capitalized words ("cảng Cửa Lò | Nghệ An"):
#: enough to tell it, and what an article writes of it.
_NAME_WORDS = 2
_TOKENS = re.compile(r"\w+|[^\w\s]")
#: each kind with its words folded, and the first words of kinds (as written or folded):
#: a word no kind starts with is skipped at once
_KIND_FOLDED = tuple((kind, [fold(w) for w in kind]) for kind in _KIND_WORDS)
_KIND_FIRSTS = frozenset(w for kind, folded in _KIND_FOLDED for w in (kind[0], folded[0]))


def _kind_at(toks: list[str], i: int, accented: bool) -> int:
    """Length in words of a landmark kind at word ``i`` ("trạm thu phí" → 3), or 0. Read
    as written ("trưởng" is no "trường"), folded only in a text typed without diacritics."""
    if toks[i] in _ACRONYM_KINDS:
        return 1
    if toks[i].lower() not in _KIND_FIRSTS:
        return 0  # no kind starts with this word, as written or folded
    for kind, folded_kind in _KIND_FOLDED:
        seg = toks[i : i + len(kind)]
        if len(seg) < len(kind) or any(t[:1].isupper() for t in seg[1 if i == 0 else 0 :]):
            continue  # lower case, but the question's first word may be capitalized
        low = [t.lower() for t in seg]
        if low == kind or (not accented and low == folded_kind and " ".join(folded_kind) not in _KINDS_WRITTEN_ONLY):
            return 0 if i and fold(toks[i - 1]).lower() in _NOT_KIND_AFTER else len(kind)
    return 0


@lru_cache(maxsize=16384)
def landmarks(text: str) -> frozenset[tuple[str, str]]:
    """The landmarks a text names, as (kind, name) folded: "trạm thu phí Sông Phan" →
    {("tram thu phi", "song phan")}; "nông thôn", "ông Nguyễn" or an acronym ("cầu TP")
    name none. A name is the first one or two capitalized words after the kind."""
    toks = _TOKENS.findall(text)
    letters = [t for t in toks if t.isalpha()]
    # typed with diacritics: kinds are read as written ("cho" is no "chợ")
    accented = sum(fold(t) != t for t in letters) >= 0.3 * max(1, len(letters))
    found = set()
    i = 0
    while i < len(toks):
        n = _kind_at(toks, i, accented)
        if not n:
            i += 1
            continue
        j, name = i + n, []
        if j + 2 < len(toks) and toks[j].lower() in HONORIFICS and toks[j + 1] in SURNAMES and toks[j + 2][:1].isupper():
            i = j  # "bến xe Ông Nguyễn Nam Sơn": a person, no name of the landmark
            continue
        while j < len(toks) and len(name) < _NAME_WORDS and _name_word(toks[j], first=not name):
            name.append(fold(toks[j]).lower())
            j += 1
        if name and j < len(toks) and _NAME_NUMBER.fullmatch(toks[j]):
            name.append(toks[j].lower())
            j += 1
        if name:
            kind = _ACRONYM_KINDS.get(toks[i]) if n == 1 else None
            found.add((kind or " ".join(fold(t).lower() for t in toks[i : i + n]), " ".join(name)))
        i = max(j, i + 1)
    return frozenset(found)


def _name_word(tok: str, first: bool) -> bool:
    """A word of a landmark's name: capitalized, no acronym; an honorific after its first
    word starts a person ("bến xe Miền Đông Ông Nguyễn ..."), as its first it is the name's
    ("đảo Cô Tô", "núi Bà Đen") unless a person's name follows ("bến xe Ông Nguyễn Nam ...")."""
    acronym = len(tok) >= 2 and tok.isupper()
    return tok[:1].isupper() and tok.isalpha() and not acronym and (first or tok.lower() not in HONORIFICS)


def other_landmark(asked: frozenset[tuple[str, str]], text: str) -> bool:
    """``text`` names landmarks of a kind the question asks, none by an asked name
    ("cảng Vũng Áng" for "cảng Cửa Lò")."""
    if not asked:
        return False
    words = f" {_words(text)} "
    named = landmarks(text)
    for kind in {k for k, _ in asked} & {k for k, _ in named}:
        # each kind by itself: the asked river named beside another industrial zone
        # ("KCN Trà Nóc I ... sông Hậu" for "KCN Trà Nóc II ... sông Hậu") is no answer
        names = {name for k, name in asked if k == kind}
        if any(f" {name} " in words for name in names):
            continue  # the asked one is named too ("sân bay Quốc tế Tân Sơn Nhất")
        bases = {_base(name) for name in names}
        if not any(f" {base} " in words for base in bases):
            return True
        # named by its name alone ("KCN Trà Nóc" for "Trà Nóc II"): only another number of
        # it contradicts, where the asked number is written nowhere ("Trà Nóc I và II")
        numbers = {name.rsplit(" ", 1)[1] for name in names if name != _base(name)}
        others = {n for k, n in named if k == kind and n != _base(n) and _base(n) in bases}
        if numbers and others and not any(f" {x} " in words for x in numbers):
            return True
    return False


def _base(name: str) -> str:
    """A landmark's name without its number: "tra noc ii" → "tra noc"."""
    head, _, last = name.rpartition(" ")
    return head if head and _NAME_NUMBER.fullmatch(last.upper()) else name


# --- proper names ---------------------------------------------------------------------

#: Capitalized words that start the name of an organization, an office, a document or a
#: festival ("Cty Trung Hưng", "Sở Lao động", "Phó Chủ tịch", "Tết Bính Tuất"): the rest
#: is often capitalized only in part, or written by its acronym, so such a run is no name
#: to look for in an article.
_NAME_HEADS = frozenset(
    w.lower()
    for w in (
        "Cty Công Tổng Sở Bộ Viện Vụ Cục Ban Hội Trường Tết Xuân Báo Quỹ Phó Chủ Bí Giám Thủ Trưởng "
        "Đồn Đội Đoàn Liên Tòa Ngân Bệnh Tập Nhà Khu Ủy Đảng Mặt Học Đại Trung Quốc Văn Nông Thành "
        "Tỉnh Quận Huyện Xã Phường Thị Lễ Giải Cuộc Chương Dự Đề Luật Nghị Quyết Thông Chỉ Kế Lực "
        "Câu Hợp Sân Cảng Cầu Chợ Núi Sông Hồ Đường Bến Trạm Khách Làng Ấp Thôn"
    ).split()
)  # fmt: skip
#: Names an article writes another way ("VN", "TP.HCM", "ĐBSCL"), press names a question
#: quotes ("Theo Người Lao Động"), and the provinces (read by ``index.places``), folded.
_NAMES_WRITTEN_OTHERWISE = (
    "viet nam", "ho chi minh", "sai gon", "cuu long", "me kong", "mekong", "nguoi lao dong", "lao dong",
    "tuoi tre", "thanh nien", "nhan dan", "tien phong", "vnexpress", *(fold(p).lower() for p in PROVINCES),
)  # fmt: skip
_NAME_HEADS_FOLDED = frozenset(fold(w) for w in _NAME_HEADS)
#: Surnames in lower case, as questions are read word by word (also ``index.question``).
SURNAMES_LOWER = frozenset(s.lower() for s in SURNAMES)
SURNAMES_FOLDED = frozenset(fold(s) for s in SURNAMES_LOWER)
_NAME_RUN = (2, 3)  # words of a name: a longer run is mostly a place and a person run together


def _one_of(tok: str, written: frozenset[str], folded: frozenset[str], accented: bool) -> bool:
    """``tok`` is one of ``written`` (lower case); in a question typed without diacritics,
    one of their folded forms ("Bảo" is no "Báo", "Nha Trang" no "Nhà" where the question
    has diacritics; "Bao" may be where it has none)."""
    low = tok.lower()
    return low in written or (not accented and low in folded)


def _capitalized(tok: str) -> bool:
    """A word written with a capital and then lower case ("Nghĩa", "Rai"; not "TCty",
    "UBND", nor the "Ư" of "T.Ư")."""
    return len(tok) > 1 and tok[:1].isupper() and tok.isalpha() and tok[1:] == tok[1:].lower()


@lru_cache(maxsize=4096)
def proper_names(text: str) -> frozenset[str]:
    """The proper names a question writes that nothing else reads, folded: runs of two or
    three capitalized words ("Trung tâm chữa bệnh Phú Nghĩa" → {"phu nghia"}; "ở Bảo Lộc",
    "tuyến TP.HCM - Nha Trang"). Left out: the question's first word, runs starting with
    an organization's or an office's word ("Sở Lao động", "Phó Chủ tịch"), with a surname
    (a person: an article may name them by title alone), places and countries (read
    elsewhere), names written otherwise (Việt Nam / VN, press names)."""
    toks = _TOKENS.findall(text)
    letters = [t for t in toks if t.isalpha()]
    accented = sum(fold(t) != t for t in letters) >= 0.3 * max(1, len(letters))
    found, run = set(), []
    for i, tok in enumerate([*toks, "."]):
        if i > 0 and _capitalized(tok):
            run.append(tok)
            continue
        if _NAME_RUN[0] <= len(run) <= _NAME_RUN[1]:
            name = " ".join(fold(t).lower() for t in run)
            if (
                not _one_of(run[0], _NAME_HEADS, _NAME_HEADS_FOLDED, accented)
                and not _one_of(run[0], SURNAMES_LOWER, SURNAMES_FOLDED, accented)
                and not any(f" {w} " in f" {name} " for w in _NAMES_WRITTEN_OTHERWISE)
                and not place_keys(" ".join(run))
                and not countries(" ".join(run))
                and not regions(" ".join(run))
            ):
                found.add(name)
        run = []
    return frozenset(found)

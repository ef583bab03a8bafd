"""Places in Vietnamese party news: named places, and bare references to the article's own.

``find_places`` finds places as written: ``quận Long Biên``, ``Thành ủy Hà Nội``,
``huyện Gia Lâm``, ``Q.5``, province names (``Cà Mau``, ``TPHCM``).

Party and state news names its locality once and then refers to it by its level
alone: "Ban Thường vụ Quận ủy Long Biên tổ chức Hội nghị ... Bí thư Đảng ủy 14
phường thuộc **Quận**", "**Tỉnh ủy** đã kỷ luật ...", "**toàn tỉnh** có 1.200 chi
bộ", "**UBND TP** chỉ đạo ...". ``references`` finds those bare references and
resolves each to the nearest place of that level named before it in the article
(else the one the article names most, the headline's first on a tie), so that a
passage saying "14 phường thuộc Quận" can be found by "Quận Long Biên có mấy
phường?" and the figure's context reads "quận Long Biên".

What counts as a bare reference (a level word with no name or number after it):

* a committee of the level: ``Quận ủy``, ``Huyện ủy``, ``Tỉnh ủy``, ``Thành ủy``,
  ``Thị ủy`` (any case), also before a person's name (``Bí thư Thành ủy Nguyễn Minh
  Triết``);
* the level word capitalized: ``Quận``, ``Huyện``, ``Tỉnh``, ``Thành phố``, ``Thị xã``,
  ``Phường``, ``TP`` (``trên địa bàn Quận``; not ``Xã hội``, ``Tỉnh lộ``);
* the level word in lower case after a word that makes it this one: ``toàn``,
  ``địa bàn``, ``của``, an organization (``UBND tỉnh``, ``Đảng bộ huyện``, ``Công an
  quận``).

Generic uses stay unresolved: ``cấp quận``, ``các tỉnh``, ``nhiều huyện``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from index.patterns import LETTER, UPPER, Expr, alts, find_exprs, first_chars, with_capitals, word_start
from index.text import fold

#: Provinces and big cities: places even without ``tỉnh``/``thành phố`` before them.
PROVINCES: tuple[str, ...] = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bà Rịa-Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn",
    "Bắc Ninh", "Bến Tre", "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau",
    "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắc Lắc", "Đắk Nông", "Điện Biên",
    "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tây",
    "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa",
    "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
    "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình",
    "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên - Huế",
    "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc",
    "Yên Bái", "TP.HCM", "TP HCM", "TPHCM", "TP. HCM", "Huế", "Tây Nguyên",
)  # fmt: skip

#: The provinces named in two parts, as the standard writing of each (the form
#: ``place_of`` gives) -> its parts. News spaces and dashes the hyphen every way
#: ("Thừa Thiên-Huế", "Bà Rịa- Vũng Tàu", "Thừa Thiên – Huế") and shortens them
#: ("BR-VT", "TT-Huế"); all name one province, keyed by its standard writing.
_TWO_PARTS: dict[str, tuple[str, str]] = {
    "Bà Rịa - Vũng Tàu": ("Bà Rịa", "Vũng Tàu"),
    "Thừa Thiên - Huế": ("Thừa Thiên", "Huế"),
}
_SHORT_FORMS = {"BR-VT": "Bà Rịa - Vũng Tàu", "TT-Huế": "Thừa Thiên - Huế"}  # unspaced only: "Sở VH-TT - Huế"
_TWO_PART_WRITINGS: dict[str, str] = {
    **{f"{a}{pad}{dash}{pad2}{b}": whole for whole, (a, b) in _TWO_PARTS.items()
       for dash in "-–—−" for pad in ("", " ") for pad2 in ("", " ")},
    "Thừa Thiên Huế": "Thừa Thiên - Huế",
    **_SHORT_FORMS,
}  # fmt: skip
PROVINCES = tuple(dict.fromkeys([*PROVINCES, *_TWO_PART_WRITINGS]))

#: Ways of writing Hồ Chí Minh City (one place, one name).
HCM_NAMES: frozenset[str] = frozenset({"TP.HCM", "TP HCM", "TPHCM", "TP. HCM", "Hồ Chí Minh", "HCM"})
#: Provinces of ``PROVINCES`` that are cities (``Thành ủy``, ``TP``, ``thành phố`` refer to them).
CITIES: frozenset[str] = frozenset({"Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", *HCM_NAMES})

#: Common surnames: a capitalized run after a place keyword that starts with one is a
#: person's name (``Bí thư Thành ủy Nguyễn Minh Triết``). Hồ, Hà, Mai, Lâm are left
#: out: they start place names (Hồ Chí Minh, Hà Nội).
SURNAMES: frozenset[str] = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Ngô Dương Lý Đào Trương Đinh "
    "Trịnh Lương Đoàn Vương Tạ Cao Lưu Chu Tô Quách Kiều Thái Triệu".split()
)

# --- named places -------------------------------------------------------------------

_NAME = UPPER + LETTER + r"*(?: " + UPPER + LETTER + r"*){0,3}"
_TWO_PART = r"(?:" + alts(tuple(_TWO_PART_WRITINGS)) + r")(?!\w)"  # _NAME stops at the hyphen
_PLACE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # a province of two parts after its own level word only: "TP Bà Rịa" is a city of it
    re.compile(word_start("Tt") + r"[Tt]ỉnh(?: ủy)? ?" + _TWO_PART),
    re.compile(
        word_start("TtQqHhXxPp") + r"(?:[Tt]hành phố|[Tt]ỉnh|[Qq]uận|[Hh]uyện|[Tt]hị xã|[Tt]hị trấn|[Xx]ã|[Pp]hường"
        r"|TP\.?|TX\.?|Q\.|P\.) ?(?:" + _NAME + r"|\d{1,2}(?!\d|[.,/]\d))"
    ),
    re.compile(word_start("TQH") + r"(?:Thành|Tỉnh|Quận|Huyện|Thị) ủy (?:" + _NAME + r")"),
    re.compile(word_start(first_chars(PROVINCES)) + r"(?:" + alts(PROVINCES) + r")(?!\w)"),
)
_PROVINCE_PREFIX = re.compile(r"(?<= )(?:" + alts(PROVINCES) + r")(?= )")
_PROVINCE_START = re.compile(r"(?:" + alts(PROVINCES) + r")(?!\w)")
_PLACE_KEYWORD = re.compile(r"^(?:\S+ ủy|TP\.|TX\.|Q\.|P\.|[Tt]hành phố|[Tt]hị xã|[Tt]hị trấn|\S+) ?")


def find_places(text: str) -> list[Expr]:
    """Places. A title runs into a person's name in news (``Bí thư Thành ủy Hà Nội
    Phạm Quang Nghị``, ``Thanh tra TP Hoàng Đức Long``): the name is cut before a
    common surname, or after a known province, and dropped if it starts with one."""
    out = []
    for x in find_exprs(text, _PLACE_PATTERNS, lower_first=False):
        t = x.text
        if m := _PROVINCE_PREFIX.search(t):
            t = t[: m.end()]
        keyword = _PLACE_KEYWORD.match(t)
        head = keyword.group(0) if keyword and keyword.end() < len(t) else ""
        words = t[len(head) :].split(" ")
        province = _PROVINCE_START.match(t[len(head) :])
        skip = province.group(0).count(" ") + 1 if province else 0
        # the name's last word is a surname and a capitalized word follows it: the
        # pattern's four-word cap cut a person's name ("TP Hồ Chí Minh Nguyễn | Văn Đua")
        capped = text[x.end + 1 : x.end + 2].isupper()
        cut = next(
            (i for i, w in enumerate(words)
             if i >= skip and w in SURNAMES and (len(words) - i >= 2 or capped and i == len(words) - 1)),
            None,
        )
        if cut == 0 and head and len(words) >= 3:
            continue
        if cut:
            t = head + " ".join(words[:cut])
        out.append(Expr(x.start, x.start + len(t), t, t.lower()))
    return out


def _split(place: str) -> tuple[str | None, str]:
    """(administrative keyword or None, name): "Thành ủy Hà Nội" → ("Thành ủy", "Hà Nội");
    "quận 5" → ("quận", "5"); "Cà Mau" → (None, "Cà Mau")."""
    if _PROVINCE_START.match(place):
        return None, place
    keyword = _PLACE_KEYWORD.match(place)
    if not keyword or keyword.end() >= len(place):
        return None, place
    return keyword.group(0).strip(), place[keyword.end() :]


def place_names(text: str) -> list[str]:
    """The places ``text`` names, without their administrative word where a name
    follows it: "Tỉnh Thanh Hóa" → "Thanh Hóa", "Thành ủy Hà Nội" → "Hà Nội";
    "quận 5" stays whole (a number is no name by itself)."""
    names = []
    for x in find_places(text):
        keyword, rest = _split(x.text)
        names.append(rest if keyword and not rest[:1].isdigit() else x.text)
    return names


# --- levels ---------------------------------------------------------------------------

#: Administrative keyword as written (folded, lower case) -> level.
_LEVEL_OF_KEYWORD: dict[str, str] = {
    "thanh pho": "thành phố", "tp": "thành phố", "tp.": "thành phố", "thanh uy": "thành phố",
    "tinh": "tỉnh", "tinh uy": "tỉnh",
    "quan": "quận", "q.": "quận", "quan uy": "quận",
    "huyen": "huyện", "huyen uy": "huyện",
    "thi xa": "thị xã", "tx": "thị xã", "tx.": "thị xã", "thi uy": "thị xã",
    "thi tran": "thị trấn",
    "phuong": "phường", "p.": "phường",
    "xa": "xã",
}  # fmt: skip


_NUMBERED = frozenset({"quận", "phường"})  # levels whose places may be numbers: quận 5, phường 12


@dataclass(frozen=True)
class Place:
    """A place of an administrative level: ``Place("quận", "Long Biên")``."""

    level: str
    name: str

    @property
    def text(self) -> str:
        return f"{self.level} {self.name}"


def place_of(expr_text: str) -> Place | None:
    """The level and name of a place as ``find_places`` wrote it: "Quận ủy Long Biên" →
    quận Long Biên, "TPHCM" → thành phố Hồ Chí Minh, "Cà Mau" → tỉnh Cà Mau, "BR-VT" →
    tỉnh Bà Rịa - Vũng Tàu."""
    keyword, name = _split(expr_text)
    name = _TWO_PART_WRITINGS.get(name, name)
    if keyword is None:
        if name in HCM_NAMES:
            return Place("thành phố", "Hồ Chí Minh")
        return Place("thành phố" if name in CITIES else "tỉnh", name) if name in PROVINCES else None
    level = _LEVEL_OF_KEYWORD.get(fold(keyword).lower())
    if level is None or fold(name).lower() in _LEVEL_OF_KEYWORD:  # "Thành ủy TP"
        return None
    if name[:1].isdigit() and level not in _NUMBERED:  # "bình quân TP 6-7 m2"
        return None
    if keyword.endswith(".") and expr_text[len(keyword) : len(keyword) + 1] == " " and name not in PROVINCES:
        return None  # "Công ty Điện lực TP. Nội dung ...": a sentence ends after "TP."
    return Place(level, "Hồ Chí Minh" if name in HCM_NAMES else name)


@lru_cache(maxsize=16384)
def place_keys(text: str) -> frozenset[str]:
    """Folded keys of the places ``text`` names, one per place however it is written: its
    name ("thanh hoa", "ho chi minh" for TPHCM), or its level and number ("quan 5" for Q.5)."""
    keys = set()
    for x in find_places(text):
        p = place_of(x.text)
        if p is not None:
            key = p.text if p.name[:1].isdigit() else p.name
            keys.add(_key(key))
    return frozenset(keys)


def place_key(expr_text: str) -> str:
    """One comparison key for the ways of writing a place: "TP.HCM", "Thành ủy TPHCM" and
    "thành phố Hồ Chí Minh" share one."""
    p = place_of(expr_text)
    return (p.text if p else expr_text).lower()


# --- bare references --------------------------------------------------------------------

_COMMITTEE = re.compile(word_start("QqHhTt") + r"(?:Quận|quận|Huyện|huyện|Tỉnh|tỉnh|Thành|thành|Thị|thị) ủy(?!\w)")
_NO_NAME_AFTER = r"(?! ?(?:" + UPPER + r"|\d))"
_CAPITALIZED = re.compile(
    word_start("QHTP") + r"(Quận|Huyện|Tỉnh|Thành phố|Thị xã|Phường|TP)(?!\w|\.\w)" + _NO_NAME_AFTER + r"(?! (?:lộ|hội)(?!\w))"
)
_CUES = (
    "toàn", "địa bàn", "của", "UBND", "HĐND", "MTTQ", "UBMTTQ", "Ủy ban nhân dân", "Hội đồng nhân dân",
    "Mặt trận Tổ quốc", "Đảng bộ", "đảng bộ", "Công an", "công an", "Thanh tra", "Tòa án", "Viện Kiểm sát",
    "LĐLĐ", "Liên đoàn Lao động", "Đoàn Thanh niên", "Hội Liên hiệp Phụ nữ", "Hội Nông dân",
    "Hội Cựu chiến binh", "Ban Chỉ huy Quân sự", "Bộ Chỉ huy Quân sự",
)  # fmt: skip
_CUED = re.compile(
    r"(?<!\w)(?:" + alts(with_capitals(_CUES)) + r") (quận|huyện|tỉnh|thành phố|thị xã|phường|xã|TP)(?!\w|\.\w)"
    + _NO_NAME_AFTER + r"(?! hội(?!\w))"
)


def level_of_keyword(written: str) -> str:
    """The level of a keyword however written: "Quận ủy" → quận, "TP" / "tp." → thành
    phố, "thi xa" → thị xã."""
    return _LEVEL_OF_KEYWORD[fold(written).lower()]


def _bare(text: str, named: Sequence[Expr]) -> list[tuple[int, int, str]]:
    """(start, end, level) of the level words of ``text`` that name no place themselves."""
    taken = bytearray(len(text))
    for x in named:
        taken[x.start : x.end] = b"\x01" * (x.end - x.start)
    found: dict[int, tuple[int, int, str]] = {}
    for m in _COMMITTEE.finditer(text):
        if taken.find(1, m.start(), m.end()) == -1 or _person_follows(text, m.end()):
            found[m.start()] = (m.start(), m.end(), level_of_keyword(m.group(0)))
    for pattern in (_CAPITALIZED, _CUED):
        for m in pattern.finditer(text):
            s, e = m.span(1)
            if s not in found and taken.find(1, s, e) == -1:
                found[s] = (s, e, level_of_keyword(m.group(1)))
    return sorted(found.values())


_PERSON_AFTER = re.compile(r" (" + "|".join(sorted(SURNAMES)) + r") " + UPPER)


def _person_follows(text: str, pos: int) -> bool:
    """A person's name right after ``pos`` (``Thành ủy Nguyễn Minh Triết``)."""
    return _PERSON_AFTER.match(text, pos) is not None


def references(text: str, title: str = "", named: Sequence[Expr] | None = None) -> list[Expr]:
    """Bare references of ``text`` to its own places, each resolved to the place it
    means (``Expr.text`` = "quận Long Biên"); unresolvable ones are left out.

    ``named`` are ``find_places(text)`` when the caller has them already."""
    named = find_places(text) if named is None else named
    bare = _bare(text, named)
    if not bare:
        return []
    mentions = _mentions(named)
    heading = [p for _, p, _ in _mentions(find_places(title))] if title else []
    fallback = _most_named([p for _, p, _ in mentions], heading)
    return _resolve(bare, [(at, p) for at, p, keyword in mentions if keyword], fallback)


def _mentions(named: Sequence[Expr]) -> list[tuple[int, Place, bool]]:
    """(start, place, written with its level word) of each named place: a bare province
    name ("xa lộ Hà Nội" in Hồ Chí Minh City) is a weaker sign of the article's own."""
    return [(x.start, p, not _PROVINCE_START.match(x.text)) for x in named if (p := place_of(x.text)) is not None]


def _resolve(bare: list[tuple[int, int, str]], mentions: list[tuple[int, Place]], fallback: dict[str, Place]) -> list[Expr]:
    """Each bare reference as the latest place of its level named before it, else the
    fallback of its level; references with neither are left out."""
    out = []
    i, last = 0, {}
    for start, end, level in bare:
        while i < len(mentions) and mentions[i][0] < start:
            last[mentions[i][1].level] = mentions[i][1]
            i += 1
        place = last.get(level) or fallback.get(level)
        if place is not None:
            out.append(Expr(start, end, place.text, place.text.lower()))
    return out


def _most_named(places: list[Place], heading: list[Place]) -> dict[str, Place]:
    """For each level, the place named most often (the headline's counted twice; ties go
    to the one named first)."""
    counts = Counter([*places, *heading, *heading])
    order = {p: i for i, p in reversed(list(enumerate([*heading, *places])))}
    best: dict[str, Place] = {}
    for p in sorted(counts, key=lambda p: (-counts[p], order[p])):
        best.setdefault(p.level, p)
    return best


def passage_places(text: str, title: str, spans: Sequence[tuple[int, int]]) -> list[str | None]:
    """For each passage span of ``text``, the places its bare references resolve to and
    that it does not name itself ("quận Long Biên; thành phố Hà Nội"), or None."""
    named = find_places(text)
    refs = references(text, title, named)
    out: list[str | None] = []
    for start, end in spans:
        own = {p.text.lower() for x in named if start <= x.start < end and (p := place_of(x.text)) is not None}
        resolved = dict.fromkeys(r.text for r in refs if start <= r.start < end and r.key not in own)
        out.append(PLACES_SEP.join(resolved) or None)
    return out


PLACES_SEP = "; "


def referred_places(sentence: str, passage: str, places: str | None) -> list[str]:
    """The places a sentence of ``passage`` refers to by level alone ("thuộc Quận"): the
    latest of that level the passage names before the sentence, else one of the
    passage's resolved ``places`` (``passage_places``)."""
    bare = _bare(sentence, find_places(sentence))
    if not bare:
        return []
    at = max(passage.find(sentence), 0)
    mentions = [(start - at, p) for start, p, keyword in _mentions(find_places(passage[:at])) if keyword]
    fallback: dict[str, Place] = {}
    for p in map(_parse, places.split(PLACES_SEP) if places else ()):
        if p is not None:
            fallback.setdefault(p.level, p)
    return list(dict.fromkeys(x.text for x in _resolve(bare, mentions, fallback)))


_LEVELS = tuple(sorted(set(_LEVEL_OF_KEYWORD.values()), key=len, reverse=True))  # "thị xã" before "xã"


def _parse(text: str) -> Place | None:
    """The ``Place`` of its ``text`` ("quận Long Biên")."""
    level = next((lv for lv in _LEVELS if text.startswith(lv + " ")), None)
    return Place(level, text[len(level) + 1 :]) if level else None


# --- places typed in lower case or without diacritics ------------------------------------

#: Folded level words a cadre types before a place ("quan hoan kiem", "tp vinh").
_TYPED_LEVELS: dict[str, str] = {
    "thanh pho": "thành phố", "tp": "thành phố", "tinh": "tỉnh", "quan": "quận", "huyen": "huyện",
    "thi xa": "thị xã", "tx": "thị xã", "thi tran": "thị trấn", "phuong": "phường", "xa": "xã",
}  # fmt: skip
#: Province names that are also common words, typed without diacritics: "hoa binh" (hòa
#: bình, peace), "hue" (huệ). They name the province only after "tỉnh"/"thành phố".
_AMBIGUOUS_PROVINCES = frozenset({"hoa binh", "hue", "tay nguyen"})
_ONE_WORD_LEVELS = frozenset({"thành phố", "tỉnh", "thị xã"})  # "thanh pho hue", "tp vinh"
HCM_TYPED = ("tphcm", "tp hcm", "hcm", "ho chi minh", "sai gon")  # folded, as typed or written


def _key(name: str) -> str:
    return " ".join(re.findall(r"\w+", fold(name).lower()))


@lru_cache(maxsize=1)
def _admin_units() -> dict[str, frozenset[str]]:
    """Folded name -> the levels it names (``data/admin_units.tsv``: districts, towns,
    wards and communes before 2025; provinces from ``PROVINCES``)."""
    from importlib import resources

    levels: dict[str, set[str]] = {}
    text = resources.files("index").joinpath("data/admin_units.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            level, name = line.split("\t")
            levels.setdefault(_key(name), set()).add(level)
    for name in PROVINCES:
        if name not in HCM_NAMES:  # a short form keyed as the province it shortens
            levels.setdefault(_key(_TWO_PART_WRITINGS.get(name, name)), set()).update({"tỉnh", "thành phố"})
    return {k: frozenset(v) for k, v in levels.items()}


_TOWN_LEVELS = frozenset({"tỉnh", "thành phố", "thị xã", "quận", "huyện"})


def is_town(key: str) -> bool:
    """``key`` (folded words) names a province, city, town or district ("hoi an",
    "truong sa"): "Hội An" is a city, not an association."""
    return bool(_admin_units().get(key, frozenset()) & _TOWN_LEVELS)


@lru_cache(maxsize=4096)
def typed_place_keys(folded: str) -> frozenset[str]:
    """Places a question names in lower case or without diacritics ("quan hoan kiem",
    "phuong cua nam, nam dinh", "o da nang"): a district, ward or commune of Viet Nam
    after its level word, or a province by its name. Keys as ``place_keys`` gives them
    ("hoan kiem"), so that they compare with the places of passages and figures."""
    words = re.findall(r"\w+", folded.lower())
    units = _admin_units()
    keys: set[str] = set()
    i = 0
    while i < len(words):
        level = next(((n, _TYPED_LEVELS[" ".join(words[i : i + n])]) for n in (2, 1) if " ".join(words[i : i + n]) in _TYPED_LEVELS), None)
        start = i + level[0] if level else i
        for n in (4, 3, 2, 1) if level and level[1] in _ONE_WORD_LEVELS else (4, 3, 2):
            name = " ".join(words[start : start + n])
            if start + n > len(words) or name not in units:
                continue
            province = units[name] >= {"tỉnh", "thành phố"}
            if (level and level[1] in units[name]) or (not level and province and name not in _AMBIGUOUS_PROVINCES):
                keys.add(name)
                i = start + n - 1
                break
        i += 1
    text = " ".join(words)
    if any(re.search(rf"(?<!\w){h}(?!\w)", text) for h in HCM_TYPED):
        keys.add("ho chi minh")
    keys.update(whole for short, whole in _TYPED_SHORT_FORMS.items() if re.search(rf"(?<!\w){short}(?!\w)", text))
    return frozenset(keys)


#: The short forms typed in lower case ("tinh br-vt") -> the key of the province.
_TYPED_SHORT_FORMS = {_key(short): _key(whole) for short, whole in _SHORT_FORMS.items()}

"""Places in Vietnamese news as written: ``quận Long Biên``, ``Thành ủy Hà Nội``,
``huyện Gia Lâm``, ``Q.5``, province names (``Cà Mau``, ``TPHCM``).
"""

from __future__ import annotations

import re

from index.patterns import LETTER, UPPER, Expr, alts, find_exprs, first_chars, word_start

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

#: Common surnames: a capitalized run after a place keyword that starts with one is a
#: person's name (``Bí thư Thành ủy Nguyễn Minh Triết``). Hồ, Hà, Mai, Lâm are left
#: out: they start place names (Hồ Chí Minh, Hà Nội).
SURNAMES: frozenset[str] = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Ngô Dương Lý Đào Trương Đinh "
    "Trịnh Lương Đoàn Vương Tạ Cao Lưu Chu Tô Quách Kiều Thái Triệu".split()
)

# --- named places -------------------------------------------------------------------

_NAME = UPPER + LETTER + r"*(?: " + UPPER + LETTER + r"*){0,3}"
_PLACE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        word_start("TtQqHhXxPp") + r"(?:[Tt]hành phố|[Tt]ỉnh|[Qq]uận|[Hh]uyện|[Tt]hị xã|[Tt]hị trấn|[Xx]ã|[Pp]hường"
        r"|TP\.?|TX\.?|Q\.|P\.) ?(?:" + _NAME + r"|\d{1,2}(?![\d.,/]))"
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
        cut = next(
            (i for i, w in enumerate(words) if i >= skip and w in SURNAMES and len(words) - i >= 2), None
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

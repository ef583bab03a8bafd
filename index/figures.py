"""Figure extraction: the numbers of a Vietnamese news article, with what they count.

``extract_figures(text)`` returns every figure of an already ``normalize``d article
in document order, as :class:`index.models.Figure`: its value, the span as written,
the counted noun phrase (``unit``), a ``kind``, a qualifier (``hơn``, ``gần``...),
the sentence holding it and a place/time ``context``. Kinds: ``count``, ``percent``,
``money``, ``date``, ``ordinal``, ``quantity`` (km, ha, tấn, m...) and ``year``.

Everything is hand-written regular expressions and small tables (no tagger), so
extraction stays well under 2 ms per 1,000 characters. The text is scanned in
passes of decreasing priority; each pass *claims* the characters it recognizes so
that later passes never read them again:

1. spans that hold digits but are **not figures**: document numbers
   (``09-NQ/TU``, ``Nghị quyết số 09``, ``Chỉ thị 15``), identifiers (``số 128/10/9``,
   ``phường 14``, ``Q.10``), phone numbers, URLs, times of day (``17:54``, ``12h``,
   ``8 giờ 30``), year ranges (``2012-2020``: context only), list markers (``1.``),
   weekdays (``thứ Hai``), named periods (``6 tháng đầu năm``, ``quý I``);
2. dates (``27/02/2020``, ``ngày 13-1``, ``tháng 2/2020``) and ``a/b`` fractions;
3. ordinals (``lần thứ X``, ``khóa IX``, ``Đại hội XIII``, ``Trung ương 4``, ``thứ hai``);
4. percentages written with digits (``46,2%``, ``20-30%``, ``6,5%/năm``);
5. other numbers written with digits (counts, money, quantities, bare years);
6. numbers written as words (``mười bốn phường``, ``hàng trăm người``).

Design rules (the ambiguity decisions):

* ``.`` is the thousands separator and ``,`` the decimal mark (Vietnamese). A dot
  followed by one or two digits is an English decimal (``3.5 m``) unless a date word
  precedes it (``tối 27.4`` is a date). A comma followed by exactly three digits
  (``1,200``) is ambiguous and resolved in this order: a scale word or ``%`` follows
  -> decimal (``1,200 tỷ`` = 1.2e9); the document writes ``,`` as a thousands
  separator elsewhere (``1,234,567``) -> thousands; the document writes ``.`` as a
  thousands separator or ``,`` as a decimal mark elsewhere -> decimal; the number
  counts something or is money -> thousands (a count of 1.2 people is impossible);
  otherwise decimal.
* ``a/b`` is a date when a date word precedes it (``ngày``, ``sáng``, ``từ``...), a
  fraction when ``a <= b`` and a counted noun follows (``30/65 chi, Đảng bộ``), else a
  date when it is a valid day/month, else an address and not a figure. A fraction
  gives two figures on the same span: a ``count`` (value ``a``) and a ``percent``
  (``100 * a / b``, rounded to 2 decimals), both with the counted unit.
* ``a-b`` and ``a.b`` are dates only after a date word (``ngày 13-1``, ``sáng 5-7``,
  ``tối 27.4``); otherwise ``a-b`` is a range and gives two figures sharing unit and
  scale (the low end takes the high end's scale only if it is smaller: ``1,2-1,5 triệu``).
* Date values are sortable floats ``YYYYMMDD`` with 0 for unknown parts (``ngày 13/4``
  -> 413.0, ``tháng 2/2020`` -> 20200200.0). A date's ``text`` is the numeric part
  (``13/4``), or includes ``tháng`` when the month is written as a word.
* A four-digit number 1900-2099 without separators is a ``year`` (``năm 2005``,
  ``sinh năm 1980``, ``(1967)``, ``Festival Huế 2004``). It is a count only when a
  counted noun follows, ``năm`` does not precede it and the document does not write
  thousands as ``1.980`` (``1980 đảng viên``). Year ranges are never figures; they
  are context.
* ``năm`` as a number word needs a counted noun after it (``năm người``) or a
  multiplier (``năm trăm``), and never follows ``mỗi``/``hàng``/``trong``/a digit
  (``hàng năm``, ``74 năm``); ``tư`` / ``mốt`` / ``lăm`` only after ``mươi``/``mười``;
  ``một`` is skipped in fixed phrases (``một số``, ``một cách``, ``một trong``) and
  after ``là``/``như`` (an article). A number-word run counts only if a unit,
  currency or ``phần trăm`` follows it, and only if it is lower case (or starts a
  sentence), so names (``Trương Canh Ba``) are skipped. Runs may start with a
  multiplier only after ``hàng``/``vài``/``dăm`` (``hàng trăm`` = 100, qualifier
  ``hàng``). The parser is hand-written: unknown words end a number, they are never
  skipped (``hai phẩy ba`` = 2.3).
* ``text`` covers the qualifier, the number and its scale words (``hơn 1,1 triệu``),
  and ``%``/``phần trăm`` for percentages; never the unit or the currency.
* Money: ``đồng``/``đ``/``VNĐ``/``VND`` -> unit ``đồng``; ``USD``/``đô la`` -> ``USD``;
  the value is scaled (``63 tỉ đồng`` -> 63e9). A scale word with no currency and no
  noun (``3 triệu``) is a ``count`` with unit ``None``.
* ``unit`` is the noun phrase after the number: up to 4 syllables (5 when the fifth
  is ``Đảng``), stopping at punctuation, function words, common verbs, time words,
  acronyms and other numbers. Administrative units joined by commas stay together
  (``xã, phường``, ``chi, Đảng bộ``). A percentage without a noun after it takes the
  noun of a preceding ``tỷ lệ ...`` in the same sentence.
* ``qualifier`` is the lower-cased approximation word written before the number
  (``hơn``, ``gần``, ``khoảng``, ``trên``, ``dưới``, ``ít nhất``, ``hàng``, ``từ``,
  ``đến``, ``tới``...). Dates, years and ordinals never get one; ``hàng``/``vài``
  qualify number words only (``nhà hàng 160 chỗ`` has none).
* ``context`` joins up to two places (``quận Long Biên``, ``Thành ủy Hà Nội``, province
  names) and up to two time expressions (``giai đoạn 2012-2020``, ``6 tháng đầu năm``,
  ``năm 2005``, dates) of the sentence; a missing part is taken from the nearest
  preceding expression in the paragraph, then the title, then the most frequent one
  of the article.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from index.models import Figure
from index.patterns import DOC_REF_BEFORE, LETTER, UPPER, Expr, alts, find_exprs, first_chars, with_capitals, word_start
from index.places import find_places, place_key, references

# --- tables (extend here) ------------------------------------------------------------

#: Scale words written after a number (``1,3 vạn``, ``63 tỉ``).
SCALE_WORDS: dict[str, float] = {
    "chục": 10.0,
    "trăm": 100.0,
    "nghìn": 1e3,
    "ngàn": 1e3,
    "vạn": 1e4,
    "triệu": 1e6,
    "tỷ": 1e9,
    "tỉ": 1e9,
}

#: Currency as written -> canonical unit.
CURRENCIES: dict[str, str] = {
    "đồng": "đồng",
    "đ": "đồng",
    "VNĐ": "đồng",
    "VND": "đồng",
    "vnđ": "đồng",
    "USD": "USD",
    "usd": "USD",
    "đô la Mỹ": "USD",
    "đô la": "USD",
    "đô-la": "USD",
    "đôla": "USD",
    "Euro": "EUR",
    "euro": "EUR",
    "EUR": "EUR",
    "yên Nhật": "JPY",
    "bảng Anh": "GBP",
    "nhân dân tệ": "CNY",
}

#: ``đồng`` followed by these is a noun (``đồng chí``, ``đồng bào``), not money.
DONG_NOT_MONEY: frozenset[str] = frozenset(
    "chí bào hương nghiệp minh thời ý chủ đội tâm lòng ca phạm hồ bằng loạt bộ dạng nhất "
    "đều niên môn hành tình cảm khởi lúa ruộng cỏ xu bạc thau sự tử phục trinh nát âm vị "
    "diễn tác thuận sinh".split()
)

#: Measure units (kind ``quantity``); written after the number, maybe glued (``2m``).
QUANTITY_UNITS: tuple[str, ...] = (
    "km²", "km2", "km/h", "km", "m²", "m2", "m³", "m3", "m", "cm", "mm", "ha", "héc-ta",
    "hécta", "hecta", "tấn", "tạ", "kg", "lít", "ml", "kWh", "MWh", "kW", "MW", "GW",
    "mét vuông", "mét khối", "mét", "cây số", "°C", "oC", "o C", "độ C",
)  # fmt: skip

#: Approximation words written before a number (longest first when matched).
QUALIFIERS: tuple[str, ...] = (
    "trên dưới", "gần như", "ít nhất", "tối thiểu", "tối đa", "xấp xỉ", "chưa đến",
    "chưa tới", "không quá", "không dưới", "lên tới", "lên đến", "hầu hết", "ước tính",
    "khoảng chừng", "hơn", "gần", "khoảng", "chừng", "trên", "dưới", "ngót", "hàng",
    "hằng", "vài", "dăm", "tới", "đến", "từ",
)  # fmt: skip

#: Words that end a unit noun phrase at any position (function words, determiners).
UNIT_STOP_FIRST: frozenset[str] = frozenset(
    "và hoặc hay nhưng mà còn rồi thì nên vì do bởi nếu để cùng với cũng của trong tại ở "
    "cho từ đến tới về trên dưới theo sau trước giữa qua bằng so vào ra lên xuống khỏi "
    "thuộc gồm như được bị đã đang sẽ là có không chưa vẫn đều cần phải này đó ấy kia nọ "
    "nào khác mỗi các những đạt chiếm tăng giảm khi lúc nữa cả hết trở hơn gần khoảng "
    "riêng tính tổng ngay vừa hiện đây kể bao nhằm tuy dù song thêm chỉ rằng thế vậy "
    "một hai ba bốn sáu bảy tám chín mười mươi trăm nghìn ngàn vạn triệu tỷ tỉ chục "
    "phẩy rưỡi lẻ linh lấy mất lại rất quá khá chẳng chả hầu tùy chết thu mới".split()
)

#: Further words that end a unit noun phrase after its first syllable (verbs, time).
UNIT_STOP_NEXT: frozenset[str] = UNIT_STOP_FIRST | frozenset(
    "năm tháng ngày tuần quý giờ phút sáng chiều tối trưa đêm hôm nay mới đi dự nhận gửi "
    "giai nhiệm đợt tôi chúng họ ta mình".split()
)

#: Capitalized words that may continue a unit (``tổ chức cơ sở Đảng``).
UNIT_CAPITALIZED_OK: frozenset[str] = frozenset({"Đảng", "Nhà", "Nước", "Đoàn", "Trung", "Ương"})

#: Two-syllable verbs and phrases that end a unit noun phrase.
UNIT_STOP_BIGRAMS: frozenset[str] = frozenset(
    {
        "phát biểu", "tham luận", "tham gia", "tham dự", "đề nghị", "đề xuất", "kiến nghị",
        "ra mắt", "thành lập", "kết nạp", "kỷ luật", "khen thưởng", "xử lý", "bỏ phiếu",
        "tử vong", "thiệt mạng", "bị thương", "mất tích", "đi bầu", "trúng cử", "đắc cử",
        "có mặt", "hoàn thành", "trong đó", "so với", "đối với", "bao gồm", "trở lên",
        "trở xuống", "cho biết", "sinh hoạt", "làm việc", "hoạt động", "tán thành",
        "tập trung", "thực hiện", "đăng ký", "tiếp tục", "sinh sống",
        "tốt nghiệp", "đạt danh", "nhất trí",
    }
)  # fmt: skip

#: Two syllables that stay in a unit although the first or second alone would end it:
#: ``đảng viên dự bị``, ``ủy viên dự khuyết``, ``phó chủ tịch kiêm nhiệm``.
UNIT_CONTINUE_BIGRAMS: frozenset[str] = frozenset({"dự bị", "dự khuyết", "kiêm nhiệm"})

#: Administrative / party units that may be listed with commas as one unit.
ADMIN_UNITS: tuple[str, ...] = (
    "thị trấn", "thị xã", "thành phố", "tổ dân phố", "khu phố", "chi bộ", "đảng bộ",
    "cơ quan", "đơn vị", "doanh nghiệp", "xã", "phường", "quận", "huyện", "tỉnh", "ấp",
    "thôn", "bản", "làng", "chi",
)  # fmt: skip

#: Counted nouns that make ``năm`` a number (``năm người``) and ``a/b`` a fraction.
COUNT_NOUNS: frozenset[str] = frozenset(
    "người, đồng chí, chi bộ, đảng viên, cán bộ, đơn vị, xã, phường, huyện, tỉnh, quận, "
    "thành phố, lần, ngày, tháng, tuần, giờ, phút, nhóm, tổ, đoàn, vụ, cuộc, trường, "
    "cơ quan, doanh nghiệp, công ty, hộ, gia đình, đại biểu, ủy viên, nhiệm vụ, giải pháp, "
    "nội dung, tiêu chí, vấn đề, điểm, bước, khâu, lĩnh vực, chương trình, dự án, "
    "công trình, đợt, chiếc, cái, con, học sinh, sinh viên, thôn, ấp, bản, làng, đội, "
    "chiến sĩ, cháu, em, anh, chị, ông, bà, nước, quốc gia, hội viên, đoàn viên, "
    "công nhân, lao động, trường hợp, ứng cử viên, tập thể, cá nhân, tổ chức, chi hội, "
    "chi đoàn, huyện thị, thị xã, thị trấn, đảng bộ, ban, ngành, hội, sở, bộ, "
    "khu vực, địa phương, cơ sở, thành viên, bạn, phiếu, cử tri, bệnh nhân, tuổi".split(", ")
)

#: Nouns after which a number is an identifier, not a count (``phường 14``, ``Điều 5``).
ID_NOUNS: tuple[str, ...] = (
    "phường", "quận", "P.", "Q.", "khu phố", "KP", "ấp", "tổ dân phố", "tổ", "lô", "phòng",
    "tầng", "quốc lộ", "QL", "tỉnh lộ", "đường số", "hẻm", "ngõ", "ngách", "kiệt", "lớp",
    "khối", "câu", "trang", "kênh", "cổng", "mã", "tập", "căn hộ", "km số", "Km", "điều",
    "khoản", "chương", "mục", "phụ lục", "bài", "phiên bản", "phần", "sư đoàn", "trung đoàn",
    "tiểu đoàn", "quân khu", "quân đoàn", "ga", "bến", "đợt", "vòng", "bảng", "khu", "dãy",
    "số nhà", "kỳ", "hạng",
)  # fmt: skip

#: Document words: a number after them names a document (``Chỉ thị 15``).
DOC_WORDS: tuple[str, ...] = (
    "Nghị quyết liên tịch", "Thông tư liên tịch", "Nghị quyết", "Quyết định", "Chỉ thị",
    "Nghị định", "Thông tư", "Công văn", "Kết luận", "Quy định", "Quyết nghị", "Thông tri",
    "Pháp lệnh", "Chương trình", "chương trình", "Luật", "Sắc lệnh", "Công điện", "Điều", "Khoản",
    "QĐ", "NQ", "CT", "NĐ", "TT", "CV",
    # written lower case mid-sentence ("theo nghị định 35"); not "quyết định" or "chỉ
    # thị", which are also verbs ("đã quyết định 3 nội dung")
    "nghị định", "nghị quyết", "thông tư", "công văn", "công điện", "pháp lệnh", "thông tri",
)  # fmt: skip
#: Document words that name a document only with ``số`` (``Kế hoạch số 12``).
DOC_WORDS_WITH_SO: tuple[str, ...] = (
    "kế hoạch", "báo cáo", "tờ trình", "văn bản", "dự án", "đề án", "thông báo",
    "hướng dẫn", "nghị quyết", "quyết định", "chỉ thị", "nghị định", "thông tư",
    "công văn", "kết luận", "quy định", "lệnh", "giấy phép", "hợp đồng",
)  # fmt: skip

#: Words before ``a/b`` (or ``a-b``, ``a.b``) that make it a date.
DATE_WORDS_STRONG: tuple[str, ...] = (
    "ngày", "hôm", "sáng", "chiều", "tối", "trưa", "đêm", "khuya", "rạng sáng", "mùng",
    "mồng", "sáng ngày", "chiều ngày", "tối ngày",
)  # fmt: skip
DATE_WORDS_WEAK: tuple[str, ...] = (
    "từ", "đến", "tới", "trước", "sau", "vào", "dịp", "hết", "đầu", "cuối", "giữa", "qua",
    "lúc", "và", "hạn",
)  # fmt: skip

#: ``một`` followed by these is not the number one.
MOT_NOT_NUMBER: frozenset[str] = frozenset(
    "số cách trong phần mặt bộ vài khi thời chút loạt mình lúc khác nửa ít nào chiều "
    "sớm hồi tí sự".split()
)

_DIGIT_WORDS: dict[str, int] = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5,
    "lăm": 5, "nhăm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
}  # fmt: skip
_BIG_WORDS = {"nghìn": 1e3, "ngàn": 1e3, "vạn": 1e4, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}
_NUMBER_WORDS = (*_DIGIT_WORDS, "mười", "mươi", "linh", "lẻ", "trăm", "chục", *_BIG_WORDS, "nửa",
                 "phẩy", "phảy", "rưỡi")  # fmt: skip
_NUMBER_WORDS_NOT_UNITS = frozenset(_NUMBER_WORDS) - {"năm"}  # "mười năm": ten years
_MULTIPLIER_WORDS = frozenset({"mươi", "trăm", "chục", "phẩy", "phảy", *_BIG_WORDS})

# --- small regex helpers ---------------------------------------------------------------


_NUM = r"\d+(?:[.,]\d+)*"
_YEAR = r"(?:19|20)\d\d"
_NE = r"(?![\w]|[.,/:-]\d)"  # a number ends here
# A number starts where no letter, digit or separator precedes it. It is written as
# "a digit, then look back": patterns that begin with a character class let the
# regex engine skip ahead quickly (about 3x faster scans than a leading lookbehind).
_D1 = r"\d(?<![\w.,/]\d)"  # the first digit of a number
_Y1 = _D1 + r"\d{3}(?<=(?:19|20)\d\d)"  # a year 1900-2099 starting a number


_SCALE_AT = re.compile(r" +(" + alts(list(SCALE_WORDS)) + r")(?!\w)")
_RUOI_AT = re.compile(r" +rưỡi(?!\w)")
_PERCENT_AT = re.compile(r" *%| +phần trăm(?!\w)")
_PER_AT = re.compile(r"/ ?(năm|tháng|quý|ngày|tuần)(?!\w)")
_CURRENCY_AT = re.compile(r" *(" + alts(list(CURRENCIES)) + r")(?![^\W\d_])")
_QUANTITY_AT = re.compile(r" *(" + alts(QUANTITY_UNITS) + r")(?![^\W\d_²³])")
_SYLLABLE_AT = re.compile(r" +(" + LETTER + r"+)")
_ADMIN_AT = re.compile(r" *, +(" + alts(with_capitals(ADMIN_UNITS)) + r")(?!\w)", re.IGNORECASE)
_RANGE_AT = re.compile(r" *[-–] *(" + _NUM + r")" + _NE)
_QUALIFIER_END = re.compile(r"(?:^|(?<=[^\w]))(" + alts(QUALIFIERS) + r") +$", re.IGNORECASE)
_TY_LE = re.compile(r"[Tt][ỷỉ] lệ(?!\w)")
_CAP_OK_BEFORE = re.compile(r"(?:^|[.!?:;\"“'(\-–—…]) *$")


# --- the document ------------------------------------------------------------------------


@dataclass
class _Raw:
    """A figure before its sentence and context are attached."""

    start: int
    end: int
    value: float
    kind: str
    unit: str | None = None
    qualifier: str | None = None
    derived: bool = False  # a fraction's percentage, not written as one


@dataclass
class _Doc:
    text: str
    title: str
    mask: bytearray
    sentences: list[tuple[int, int]]
    paragraphs: list[tuple[int, int]]
    style: str | None  # "vi" ("." thousands / "," decimal), "en", or None
    places: list[Expr] = field(default_factory=list)
    times: list[Expr] = field(default_factory=list)
    title_places: list[Expr] = field(default_factory=list)
    title_times: list[Expr] = field(default_factory=list)
    place_exprs: "_Exprs | None" = None
    time_exprs: "_Exprs | None" = None

    def free(self, start: int, end: int) -> bool:
        return self.mask.find(1, start, end) == -1

    def claim(self, start: int, end: int) -> bool:
        """Mark ``[start, end)`` as read; False (and nothing marked) if any part was."""
        if not self.free(start, end):
            return False
        self.mask[start:end] = b"\x01" * (end - start)
        return True


# --- public API ------------------------------------------------------------------------


def extract_figures(text: str, *, title: str = "") -> list[Figure]:
    """Every figure of ``text`` (normalized article text) in document order."""
    doc = _build_doc(text, title)
    raws: list[_Raw] = []
    for scan in _PASSES:
        raws.extend(scan(doc))
    raws.sort(key=lambda r: (r.start, r.kind == "percent"))
    raws = _without_restated_percents(doc, raws)
    _borrow_range_units(doc, raws)
    _borrow_currency(doc, raws)
    return [_finish(doc, r) for r in raws]


# --- document structure ----------------------------------------------------------------

_SENT_BREAK = re.compile(r"[.!?…]+[\"”’')\]]*( +)(?=[\"“‘(\[]?(?:" + UPPER + r"|\d))")
_ABBREV_BEFORE = re.compile(
    r"(?:(?<![\w])(?:TP|Tp|TS|ThS|Ths|GS|PGS|BS|KS|Th|St|Mr|Dr|NXB|TX|Đ/c|TT|ĐH|CĐ|Q|P)|(?<![\w])"
    + UPPER
    + r")\.$"
)
_SEPARATED_NUMBER = re.compile(r"\d(?<![\d.,]\d)\d*(?:[.,]\d+)+")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_COMMA_DECIMAL = re.compile(r"\d+,(?:\d{1,2}|\d{4,})")
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3}){2,}|\d{1,3}(?:,\d{3})+\.\d+")


def _number_style(text: str) -> str | None:
    """``"vi"`` if the text writes ``1.200``/``12,5``, ``"en"`` if ``1,200,000``, else None."""
    vi = en = False
    for m in _SEPARATED_NUMBER.finditer(text):
        token = m.group(0)
        if _DOT_THOUSANDS.fullmatch(token) or _COMMA_DECIMAL.fullmatch(token):
            vi = True
        elif _COMMA_THOUSANDS.fullmatch(token):
            en = True
    return "vi" if vi and not en else "en" if en and not vi else None


def _build_doc(text: str, title: str) -> _Doc:
    paragraphs: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        paragraphs.append((pos, pos + len(line)))
        pos += len(line) + 1
    sentences: list[tuple[int, int]] = []
    for p_start, p_end in paragraphs:
        s = p_start
        for m in _SENT_BREAK.finditer(text, p_start, p_end):
            if _ABBREV_BEFORE.search(text, max(p_start, m.start() - 6), m.start() + 1):
                continue
            sentences.append((s, m.start(1)))
            s = m.end()
        sentences.append((s, p_end))
    doc = _Doc(text, title, bytearray(len(text)), sentences, paragraphs, _number_style(text))
    named = [Expr(x.start, x.end, x.text, place_key(x.text)) for x in find_places(text)]
    # bare references to the article's own places ("thuộc Quận") stand for the place
    # they mean ("quận Long Biên")
    doc.places = sorted([*named, *references(text, title, named)], key=lambda x: x.start)
    doc.times = _find_times(text)
    if title:
        doc.title_places = [Expr(x.start, x.end, x.text, place_key(x.text)) for x in find_places(title)]
        doc.title_times = _find_times(title)
    doc.place_exprs = _Exprs.of(doc.places, doc.title_places, title_first=False)
    doc.time_exprs = _Exprs.of(doc.times, doc.title_times)
    return doc


# --- pass 1: digits that are not figures -------------------------------------------------

_WEEKDAY = r"(?:hai|ba|tư|năm|sáu|bảy|[2-7])"
_NOT_FIGURES: tuple[re.Pattern[str], ...] = (
    # URLs and e-mail addresses
    re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+"),
    # phone and fax numbers
    re.compile(
        word_start("ĐđDTtFfHh") + r"(?:ĐT|Đt|đt|ĐTDĐ|DĐ|[Đđ]iện thoại|[Tt]el|TEL|[Ff]ax|FAX|[Hh]otline|"
        r"[Đđ]ường dây nóng)\.? *:? *(?:số *)?\(?\+?\d[\d ()./-]{4,}\d"
    ),
    re.compile(r"\(0\d{1,3}\) *\d[\d .]{4,}\d"),
    # document codes and numbers: 09-NQ/TU, 64/2002/NĐ-CP, Nghị quyết số 09, Chỉ thị 15
    re.compile(_D1 + r"\d*(?:[/.-]\d+)*[/-]" + UPPER + r"[\w-]*(?:/[\w-]+)*"),
    re.compile(word_start(first_chars(DOC_WORDS)) + r"(?:" + alts(DOC_WORDS) + r") +(?:số +)?\d+(?:[/.-][\w-]+)*"),
    re.compile(
        word_start(first_chars(with_capitals(DOC_WORDS_WITH_SO))) + r"(?:" + alts(with_capitals(DOC_WORDS_WITH_SO)) + r") +số +\d+(?:[/.-][\w-]+)*"
    ),
    # lower-case "quyết định 04 ngày 17-1-2006": a verb too ("quyết định 3 việc"), so a
    # document only when its date follows
    re.compile(word_start("qck") + r"(?:quyết định|chỉ thị|kết luận|quy định) +\d+(?= +ngày +\d)"),
    # times of day: 17:54, 15h30', 8 giờ 30, 12h, 7 giờ sáng, lúc 9 giờ
    re.compile(_D1 + r"\d? *(?:h|g|giờ|:) *\d{1,2}(?: *(?:'|phút|p(?!\w)))?(?!\d)"),
    re.compile(_D1 + r"\d? *h(?![^\W\d_])"),
    re.compile(_D1 + r"\d? +giờ +(?:sáng|chiều|tối|trưa|đêm|khuya)(?!\w)"),
    re.compile(word_start("LlVv") + r"(?:[Ll]úc|[Vv]ào lúc) +\d{1,2} +giờ(?!\w)"),
    # year ranges (context, not figures): 2012-2020, nhiệm kỳ 2005 - 2010
    re.compile(_Y1 + r" *[-–—/] *" + _YEAR + r"(?!\d)"),
    # list markers at the start of a paragraph: "1.", "2)"
    re.compile(r"(?m)^[(]?\d{1,2} ?[.)-](?!\d)"),
    # weekdays: thứ Hai, Thứ 4 ngày 08/03/2006, sáng thứ bảy, chủ nhật
    re.compile(word_start("Tt") + r"[Tt]hứ +(?:Hai|Ba|Tư|Năm|Sáu|Bảy)(?!\w)"),
    re.compile(
        r"(?<![Ll]ần )" + word_start("Tt") + r"[Tt]hứ +" + _WEEKDAY + r"(?=,? *\(?(?:ngày|\d{1,2}[/.-]\d))"
    ),
    re.compile(word_start("SsCcTtĐđVv") + r"(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa|[Đđ]êm|[Vv]ào) +thứ +" + _WEEKDAY + r"(?!\w)"),
    # named periods (context): 6 tháng đầu năm, quý I, quý 2
    re.compile(_D1 + r"\d? +tháng +(?:đầu|cuối) +năm(?!\w)"),
    re.compile(word_start("Qq") + r"[Qq]uý +(?:I{1,3}|IV|[1-4])(?!\w)"),
    # identifiers: phường 14, Q.10, quốc lộ 1A, Điều 5 ("số 2" is handled below)
    re.compile(
        word_start(first_chars(with_capitals(ID_NOUNS)))
        + r"(?:" + alts(with_capitals(ID_NOUNS)) + r") *\d+[A-Za-z]?(?:/\d+)*(?: *[-–] *\d+(?![\d]|[.,]\d))?(?![\d]|[.,]\d)"
    ),
)

_SO_NUMBER = re.compile(word_start("Ss") + r"[Ss]ố +\d+(?:[/.,-]\d+)*")
# "cấp 3" is a level (school, storm, road, house: "gió mạnh cấp 6-7", "nhà cấp 4 rộng 40
# m2"), but "cấp" is also a verb ("đã cấp 1.214 giấy") and ends "trợ cấp", "phụ cấp",
# "cung cấp" ("phụ cấp 200.000 đồng/tháng"): the number counts after one of those words,
# or before a scale, a percent or a counted noun
_CAP_NUMBER = re.compile(word_start("Cc") + r"[Cc]ấp +\d+(?:[.,]\d+)*(?P<range> *[-–] *\d+)?(?![\d/])")
_ADMIN_NOUNS = frozenset(ADMIN_UNITS)  # "trường cấp 2 xã Tân An": the school's level
_CAP_GIVES_BEFORE = re.compile(r"(?:trợ|phụ|cung|khẩn|đã|được|sẽ|vừa|mới|xét|chưa|không) +$", re.IGNORECASE)
_SO_COUNT_BEFORE = re.compile(r"(?:tổng|trong|với|chiếm|đạt|gồm|có|là) +$", re.IGNORECASE)


def _scan_not_figures(doc: _Doc) -> Iterable[_Raw]:
    """Claim spans whose digits are no figures; yields nothing."""
    text = doc.text
    for pattern in _NOT_FIGURES:
        for m in pattern.finditer(text):
            doc.claim(m.start(), m.end())
    for m in _SO_NUMBER.finditer(text):
        before = text[max(0, m.start() - 8) : m.start()]
        if _SO_COUNT_BEFORE.search(before):
            continue  # "tổng số 1.200 đảng viên" counts
        unit, _ = _unit_after(text, m.end())
        if unit and not unit[0].isupper() and not re.search(r"[/.,-]\d", m.group(0)):
            continue  # "số 300 người" counts
        doc.claim(m.start(), m.end())
    for m in _CAP_NUMBER.finditer(text):
        if not m.group("range"):
            scale, _ = _scale_after(text, m.end())
            unit, _ = _unit_after(text, m.end())
            if (
                scale.factor > 1
                or _PERCENT_AT.match(text, m.end())
                or _CAP_GIVES_BEFORE.search(text[max(0, m.start() - 8) : m.start()])
                or (unit and _first_words_in(unit, COUNT_NOUNS) and not _first_words_in(unit, _ADMIN_NOUNS))
            ):
                continue  # "xét cấp 116 lô", "trợ cấp 500 triệu đồng", "phụ cấp 30%" count
        doc.claim(m.start(), m.end())
    return ()


# --- pass 2: dates and fractions -------------------------------------------------------

_DATE_DMY = re.compile(r"(" + _D1 + r"\d?)([/.-])(\d{1,2})\2(" + _YEAR + r")" + _NE)
_DATE_RANGE = re.compile(r"(" + _D1 + r"\d?) *[-–] *(\d{1,2})/(\d{1,2})(?:/(" + _YEAR + r"))?" + _NE)
_DATE_DAY_MONTH_WORDS = re.compile(
    word_start("Nn") + r"[Nn]gày +(\d{1,2}) +tháng +(\d{1,2})(?: +năm +(" + _YEAR + r"))?(?!\w)"
)
_DATE_MONTH = re.compile(
    word_start("Tt") + r"[Tt]háng +(\d{1,2})(?: *[/.-] *(" + _YEAR + r")| +năm +(" + _YEAR + r"))?" + _NE
)
_DATE_DM_RANGE = re.compile(r"(" + _D1 + r"\d?)/(\d{1,2}) *[-–] *(\d{1,2})/(\d{1,2})" + _NE)
_DATE_DM = re.compile(r"(" + _D1 + r"\d{0,2})([/.-])(\d{1,3})" + _NE)
_DATE_DAY = re.compile(word_start("NnMm") + r"(?:[Nn]gày|[Mm]ùng|[Mm]ồng) +(\d{1,2})(?!\w|[/.,:-]\d| +tháng)")
_DATE_WORD_STRONG_END = re.compile(r"(?<!\w)(?:" + alts(with_capitals(DATE_WORDS_STRONG)) + r") +$")
_DATE_WORD_END = re.compile(r"(?<!\w)(?:" + alts(with_capitals((*DATE_WORDS_STRONG, *DATE_WORDS_WEAK))) + r") +\(?$")


def _valid_dm(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _date_value(year: int, month: int, day: int) -> float:
    return float(year * 10000 + month * 100 + day)


def _before(doc: _Doc, pos: int, width: int = 14) -> str:
    return doc.text[max(0, pos - width) : pos]


def _scan_dates(doc: _Doc) -> Iterator[_Raw]:
    """Dates (kind ``date``) and ``a/b`` fractions (a count and a percent)."""
    text = doc.text
    for m in _DATE_DMY.finditer(text):
        d, mo, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if _valid_dm(d, mo) and doc.claim(m.start(), m.end()):
            yield _Raw(m.start(), m.end(), _date_value(y, mo, d), "date")
    for m in _DATE_RANGE.finditer(text):
        d1, d2, mo = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y = int(m.group(4) or 0)
        if _valid_dm(d1, mo) and _valid_dm(d2, mo) and d1 < d2 and doc.claim(m.start(), m.end()):
            yield _Raw(m.start(1), m.end(1), _date_value(y, mo, d1), "date")
            yield _Raw(m.start(2), m.end(), _date_value(y, mo, d2), "date")
    for m in _DATE_DAY_MONTH_WORDS.finditer(text):
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        if _valid_dm(d, mo) and doc.claim(m.start(1), m.end()):
            yield _Raw(m.start(1), m.end(), _date_value(y, mo, d), "date")
    for m in _DATE_MONTH.finditer(text):
        mo, y = int(m.group(1)), int(m.group(2) or m.group(3) or 0)
        if 1 <= mo <= 12 and not re.search(r"\d +$", _before(doc, m.start(), 6)):
            if doc.claim(m.start(), m.end()):
                yield _Raw(m.start(), m.end(), _date_value(y, mo, 0), "date")
    for m in _DATE_DM_RANGE.finditer(text):
        d1, m1, d2, m2 = (int(g) for g in m.groups())
        if _valid_dm(d1, m1) and _valid_dm(d2, m2) and doc.claim(m.start(), m.end()):
            yield _Raw(m.start(1), m.end(2), _date_value(0, m1, d1), "date")
            yield _Raw(m.start(3), m.end(), _date_value(0, m2, d2), "date")
    for m in _DATE_DM.finditer(text):
        if doc.free(m.start(), m.end()):
            yield from _day_month_or_fraction(doc, m)
    for m in _DATE_DAY.finditer(text):
        d = int(m.group(1))
        if 1 <= d <= 31 and doc.claim(m.start(1), m.end(1)):
            yield _Raw(m.start(1), m.end(1), float(d), "date")


def _day_month_or_fraction(doc: _Doc, m: re.Match[str]) -> Iterator[_Raw]:
    """``a/b``, ``a-b`` or ``a.b`` without a year: a date, a fraction, or nothing."""
    a, sep, b = int(m.group(1)), m.group(2), int(m.group(3))
    before = _before(doc, m.start())
    strong = bool(_DATE_WORD_STRONG_END.search(before))
    if sep != "/":
        # "ngày 13-1", "tối 27.4"; otherwise a range or a decimal (later passes)
        if strong and _valid_dm(a, b) and doc.claim(m.start(), m.end()):
            yield _Raw(m.start(), m.end(), _date_value(0, b, a), "date")
        return
    unit, _ = _unit_after(doc.text, m.end())
    counted = unit is not None and not unit[0].isupper() and _first_words_in(unit, COUNT_NOUNS)
    if (strong or _DATE_WORD_END.search(before)) and _valid_dm(a, b):
        kind = "date"
    elif a <= b and b > 0 and (counted or not _valid_dm(a, b)):
        kind = "fraction"
    elif _valid_dm(a, b):
        kind = "date"
    else:
        doc.claim(m.start(), m.end())  # an address part ("131/17 Thái Hà")
        return
    if not doc.claim(m.start(), m.end()):
        return
    if kind == "date":
        yield _Raw(m.start(), m.end(), _date_value(0, b, a), "date")
        return
    unit, _ = _unit_after(doc.text, m.end())
    qualifier, start = _qualifier_before(doc, m.start())
    yield _Raw(start, m.end(), float(a), "count", unit, qualifier)
    yield _Raw(start, m.end(), round(100.0 * a / b, 2), "percent", unit, qualifier, derived=True)


def _first_words_in(phrase: str, nouns: frozenset[str]) -> bool:
    words = phrase.lower().replace(",", " ").split()
    return bool(words) and (words[0] in nouns or " ".join(words[:2]) in nouns or
                            " ".join(words[:3]) in nouns)  # fmt: skip


# --- pass 3: ordinals --------------------------------------------------------------------

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ORD_KEYWORDS = ("lần thứ", "kỳ họp thứ", "lần", "khóa", "khoá", "Đại hội", "Trung ương",
                 "T.Ư", "TƯ", "TW")  # fmt: skip
_ORDINAL = re.compile(
    word_start(first_chars(with_capitals(_ORD_KEYWORDS))) + r"(" + alts(with_capitals(_ORD_KEYWORDS)) + r") +([IVXLC]+|\d{1,3})(?![\w]|[.,/-]\d)"
)
_ORDINAL_WORDS = re.compile(
    word_start("LlKkTt") + r"((?:[Ll]ần|[Kk]ỳ họp) +thứ|[Tt]hứ) +(nhất|nhì|tư|năm|\d{1,3}|(?:(?:"
    + alts(_NUMBER_WORDS)
    + r")(?: +|(?!\w)))+)"
)
_ORDINAL_FIRST = {"nhất": 1, "nhì": 2, "tư": 4, "năm": 5}


def _roman(s: str) -> int | None:
    """Value of a well-formed Roman numeral (``XIII`` -> 13), else None."""
    total = 0
    for i, ch in enumerate(s):
        v = _ROMAN_VALUES[ch]
        total += -v if i + 1 < len(s) and _ROMAN_VALUES[s[i + 1]] > v else v
    return total if total > 0 and _to_roman(total) == s else None


def _to_roman(n: int) -> str:
    out = ""
    for v, sym in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"),
                   (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= v:
            out += sym
            n -= v
    return out


def _scan_ordinals(doc: _Doc) -> Iterator[_Raw]:
    """``lần thứ X``, ``khóa IX``, ``Đại hội XIII``, ``Trung ương 4``, ``thứ hai``."""
    text = doc.text
    for m in _ORDINAL.finditer(text):
        raw = m.group(2)
        value = _roman(raw) if raw[0].isalpha() else int(raw)
        if value and doc.claim(m.start(), m.end()):
            keyword = re.sub(r" +thứ$", "", m.group(1))
            yield _Raw(m.start(), m.end(), float(value), "ordinal", keyword)
    for m in _ORDINAL_WORDS.finditer(text):
        parsed = _ordinal_number(m.group(2).split())
        if parsed is None:
            continue
        end = _span_end_of_words(text, m.start(2), parsed[1])
        if doc.claim(m.start(), end):
            yield _Raw(m.start(), end, parsed[0], "ordinal", _ordinal_unit(doc, m))


def _ordinal_number(words: list[str]) -> tuple[float, int] | None:
    """Value and words used of the number after ``thứ`` (``10``, ``nhất``, ``hai mươi``)."""
    if words[0].isdigit():
        return float(words[0]), 1
    parsed = _parse_number_words(words, allow_nam=True)
    if words[0] in _ORDINAL_FIRST and not (parsed and parsed[1] > 1):
        return float(_ORDINAL_FIRST[words[0]]), 1
    return parsed


def _ordinal_unit(doc: _Doc, m: re.Match[str]) -> str | None:
    """``lần`` of ``lần thứ hai``; else the noun before ``thứ`` (``người thứ ba``)."""
    keyword = m.group(1)
    if " " in keyword:
        return re.sub(r" +thứ$", "", keyword)
    prev = _WORD_BEFORE.search(_before(doc, m.start(), 12))
    if prev and not prev.group(1).isupper() and prev.group(1).lower() not in UNIT_STOP_NEXT:
        return prev.group(1)
    return None


_NEXT_WORD = re.compile(r" *\w+")
_WORD_BEFORE = re.compile(r"(" + LETTER + r"+) +$")


def _span_end_of_words(text: str, start: int, count: int) -> int:
    """End offset of the first ``count`` space-separated words from ``start``."""
    pos = start
    for _ in range(count):
        m = _NEXT_WORD.match(text, pos)
        if not m:
            break
        pos = m.end()
    return pos


# --- number tails: scale, percent, currency, quantity, unit --------------------------------


@dataclass(frozen=True)
class _Scale:
    """Scale words after a number: ``nghìn tỷ`` multiplies by 1e12, ``rưỡi`` adds a half."""

    factor: float = 1.0
    half: float = 0.0  # "2 triệu rưỡi" = 2 * 1e6 + 1e6 / 2

    def apply(self, value: float) -> float:
        return value * self.factor + self.half


def _scale_after(text: str, pos: int) -> tuple[_Scale, int]:
    """The scale words right after ``pos`` and where they end."""
    factor, last = 1.0, 1.0
    while m := _SCALE_AT.match(text, pos):
        last = SCALE_WORDS[m.group(1)]
        factor *= last
        pos = m.end()
    half = 0.0
    if factor > 1 and (m := _RUOI_AT.match(text, pos)):
        half = last / 2
        pos = m.end()
    return _Scale(factor, half), pos


def _unit_after(text: str, pos: int) -> tuple[str | None, int]:
    """The counted noun phrase right after ``pos`` and where it ends."""
    words: list[str] = []
    end = pos
    while len(words) < 4 and (m := _SYLLABLE_AT.match(text, end)):
        if _ends_unit(text, m, first=not words) and not (words and _continues_unit(text, words[-1], m)):
            break
        words.append(m.group(1))
        end = m.end()
    if not words:
        return None, pos
    if len(words) == 4 and (m := _SYLLABLE_AT.match(text, end)) and m.group(1).lower() == "đảng":
        words.append(m.group(1))
        end = m.end()
    unit = " ".join(words)
    if len(words) <= 2 and unit.lower() in ADMIN_UNITS:
        while (m := _ADMIN_AT.match(text, end)) and unit.count(" ") + m.group(1).count(" ") < 4:
            unit += ", " + " ".join(m.group(1).split())
            end = m.end()
    return unit, end


def _ends_unit(text: str, m: re.Match[str], *, first: bool) -> bool:
    """Whether the syllable ``m`` ends (or, if ``first``, prevents) a unit phrase."""
    w = m.group(1)
    lw = w.lower()
    if first:
        if lw in UNIT_STOP_FIRST or w[0].isupper():
            return True
    elif lw in UNIT_STOP_NEXT or w.isupper() or _ABBREVIATION_DOT.match(text, m.end()):
        return True  # a function word, an acronym or an abbreviation (T.Ư)
    elif w[0].isupper() and w.capitalize() not in UNIT_CAPITALIZED_OK:
        return True  # a name starts: "5 năm tôi thấy Sa Pa"
    nxt = _SYLLABLE_AT.match(text, m.end())
    return nxt is not None and f"{lw} {nxt.group(1).lower()}" in UNIT_STOP_BIGRAMS


_ABBREVIATION_DOT = re.compile(r"\.\w")


def _continues_unit(text: str, prev: str, m: re.Match[str]) -> bool:
    """``m`` forms a ``UNIT_CONTINUE_BIGRAMS`` pair with the syllable before or after it."""
    w = m.group(1).lower()
    nxt = _SYLLABLE_AT.match(text, m.end())
    return f"{prev.lower()} {w}" in UNIT_CONTINUE_BIGRAMS or (
        nxt is not None and f"{w} {nxt.group(1).lower()}" in UNIT_CONTINUE_BIGRAMS
    )


@dataclass
class _Tail:
    kind: str
    unit: str | None
    scale: _Scale
    text_end: int  # end of the figure's text (after scale words, % or phần trăm)


def _tail_after(text: str, pos: int, *, need_unit: bool = False) -> _Tail | None:
    """What follows a number: scale, then %, currency, measure unit or a noun."""
    scale, pos = _scale_after(text, pos)
    if m := _PERCENT_AT.match(text, pos):
        end = m.end()
        if per := _PER_AT.match(text, end):
            return _Tail("percent", "/" + per.group(1), scale, per.end())
        unit, _ = _unit_after(text, end)
        return _Tail("percent", unit, scale, end)
    if m := _CURRENCY_AT.match(text, pos):
        word = m.group(1)
        nxt = _SYLLABLE_AT.match(text, m.end())
        if word != "đồng" or not (nxt and nxt.group(1).lower() in DONG_NOT_MONEY):
            if not (word == "đ" and re.match(r"[/.]c(?!\w)", text[m.end() : m.end() + 3])):  # đ/c
                return _Tail("money", CURRENCIES[word], scale, pos)
    if m := _QUANTITY_AT.match(text, pos):
        return _Tail("quantity", m.group(1), scale, pos)
    unit, _ = _unit_after(text, pos)
    if unit is None and need_unit:
        return None
    return _Tail("count", unit, scale, pos)


# --- number parsing ----------------------------------------------------------------------


def _parse_digits(s: str, doc: _Doc, tail: _Tail | None) -> float | None:
    """Value of ``1.200``, ``12,5``, ``1.234,5``, ``03``; None if malformed (phones...)."""
    if "." not in s and "," not in s:
        if len(s) >= 7 or (s.startswith("0") and len(s) >= 4):
            return None  # a phone or code number
        return float(s)
    if "." in s and "," in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        thou = "." if dec == "," else ","
        whole, frac = s.rsplit(dec, 1)
        groups = whole.split(thou)
        if any(len(g) != 3 for g in groups[1:]) or len(groups[0]) > 3:
            return None
        return float("".join(groups) + "." + frac)
    sep = "." if "." in s else ","
    groups = s.split(sep)
    if len(groups) > 2:
        if len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
            return float("".join(groups))
        return None
    whole, frac = groups
    if whole.startswith("0") and len(whole) > 1:
        return None  # "04.7224898": a phone number
    if len(frac) != 3:
        return float(f"{whole}.{frac}") if sep == "," or len(frac) <= 2 else None
    if sep == ".":
        return float(whole + frac) if len(whole) <= 3 else None
    # "1,200": ambiguous
    if tail is not None and (tail.scale.factor > 1 or tail.kind == "percent"):
        return float(f"{whole}.{frac}")
    if doc.style == "en":
        return float(whole + frac)
    if doc.style == "vi":
        return float(f"{whole}.{frac}")
    if tail is not None and (tail.kind == "money" or (tail.kind == "count" and tail.unit)):
        return float(whole + frac)
    return float(f"{whole}.{frac}")


def _parse_number_words(words: list[str], *, allow_nam: bool) -> tuple[float, int] | None:
    """Parse the longest valid number at the start of ``words`` (lower-case syllables).

    Returns ``(value, words used)`` or None. ``allow_nam``: ``năm`` may be a leading
    digit (the caller checked a counted noun follows). Unknown words end the number;
    they are never skipped.
    """
    reader = _WordNumber(allow_nam)
    best: tuple[float, int] | None = None
    for i, word in enumerate(words):
        if not reader.feed(word, words[i + 1] if i + 1 < len(words) else ""):
            break
        if reader.complete():
            best = (reader.value(), i + 1)
    return best


class _WordNumber:
    """A Vietnamese number read word by word (``hai mươi mốt``, ``một trăm linh năm``,
    ``hai nghìn tỷ``, ``một triệu rưỡi``, ``hai phẩy ba``).

    ``prev`` is the kind of the last word: ``digit`` (pending, may be multiplied),
    ``unit`` (added after mươi/mười/linh), ``muoi10`` (mười), ``muoi`` (mươi),
    ``linh``, ``small`` (trăm, chục), ``big`` (nghìn...tỷ), ``ruoi``, ``phay``.
    """

    def __init__(self, allow_nam: bool) -> None:
        self.allow_nam = allow_nam
        self.total = 0.0  # the part already multiplied by big words
        self.group = 0  # the part below the last big word
        self.digit: float | None = None
        self.prev: str | None = None
        self.last_big = 0.0
        self.last_mult = 0.0
        self.decimals: str | None = None
        self.after_scale = 1.0  # "hai phẩy ba triệu"

    def complete(self) -> bool:
        return self.prev not in (None, "linh", "phay") and self.decimals != ""

    def value(self) -> float:
        whole = self.total + self.group + (self.digit or 0)
        if self.decimals:
            whole = float(f"{int(whole)}.{self.decimals}")
        return whole * self.after_scale

    def feed(self, w: str, nxt: str) -> bool:
        """Take the next word; False if it cannot continue the number."""
        if self.decimals is not None:
            return self._decimal(w)
        if w == "nửa" and self.prev is None and nxt in (*_BIG_WORDS, "trăm"):
            self.digit, self.prev = 0.5, "digit"  # "hơn nửa triệu": 500.000
            return True
        if w in _DIGIT_WORDS:
            return self._digit(w, nxt)
        if w == "mười" and self.prev in (None, "big", "small"):
            self.group += 10
            self.prev = "muoi10"
            return True
        if w == "mươi" and self.prev == "digit" and (self.digit or 0) >= 2:
            self.group += (self.digit or 0) * 10
            self.digit, self.prev = None, "muoi"
            return True
        if w in ("linh", "lẻ") and self.prev in ("small", "big"):
            self.prev = "linh"
            return True
        if w in ("trăm", "chục") and self.prev in ("digit", None):
            self.last_mult = 100.0 if w == "trăm" else 10.0
            self.group += (self.digit if self.digit is not None else 1) * int(self.last_mult)
            self.digit, self.prev = None, "small"
            return True
        if w in _BIG_WORDS and self.prev not in ("linh", "phay"):
            self._big(_BIG_WORDS[w])
            return True
        if w == "rưỡi" and self.prev in ("big", "small"):
            self.total += self.last_mult / 2
            self.prev = "ruoi"
            return True
        if w in ("phẩy", "phảy") and self.prev in ("digit", "unit", "muoi", "muoi10"):
            self.decimals, self.prev = "", "phay"
            return True
        return False

    def _digit(self, w: str, nxt: str) -> bool:
        prev = self.prev
        if prev in ("digit", "unit", "ruoi"):
            return False
        if w == "không" and nxt != "trăm":
            return False  # "không" is "not" unless "một nghìn không trăm..."
        if w == "mốt" and prev != "muoi" or w == "tư" and prev not in ("muoi", "muoi10"):
            return False
        if w in ("lăm", "nhăm") and prev not in ("muoi", "muoi10"):
            return False
        if w == "năm" and prev != "linh" and nxt not in _MULTIPLIER_WORDS:
            if not (prev is None and self.allow_nam):
                return False  # "mười năm" is ten years, "năm 2005" a year
        if prev in ("muoi", "muoi10", "linh"):
            self.group += _DIGIT_WORDS[w]
            self.prev = "unit"
        else:
            self.digit, self.prev = _DIGIT_WORDS[w], "digit"
        return True

    def _big(self, m: float) -> None:
        val = 1 if self.prev is None else self.group + (self.digit or 0)  # "hàng nghìn"
        if self.prev == "big" and m > self.last_big:
            self.total *= m  # "nghìn tỷ"
        elif self.last_big and m > self.last_big:
            self.total = (self.total + val) * m
        else:
            self.total += val * m
        self.group, self.digit, self.prev = 0, None, "big"
        self.last_big, self.last_mult = max(self.last_big, m), m

    def _decimal(self, w: str) -> bool:
        if self.decimals is None:
            return False
        if w in _DIGIT_WORDS and w not in ("mốt", "lăm", "nhăm") and self.after_scale == 1:
            self.decimals += str(_DIGIT_WORDS[w])
            self.prev = "unit"
            return True
        if w in _BIG_WORDS and self.decimals and self.after_scale == 1:
            self.after_scale = _BIG_WORDS[w]
            return True
        return False


# --- pass 4/5: numbers written with digits ---------------------------------------------------

_DIGIT_PERCENT = re.compile(
    r"(" + _D1 + r"\d*(?:[.,]\d+)*)(?: *[-–] *(" + _NUM + r"))? *(?:%|phần trăm(?!\w))"
)
_DIGIT_NUMBER = re.compile(_D1 + r"\d*(?:[.,]\d+)*")
_GLUED_UNIT = re.compile(r"(?:" + alts([*QUANTITY_UNITS, "đ", "USD", "VNĐ", "VND"]) + r")(?![^\W\d_²³])")


def _qualifier_before(doc: _Doc, start: int, *, words: bool = False) -> tuple[str | None, int]:
    """The qualifier written right before ``start`` (lower-cased) and where it starts.

    ``hàng``/``vài``/``dăm`` qualify only number words (``hàng trăm``): before digits
    they end a noun (``nhà hàng 160 chỗ``).
    """
    before = _before(doc, start, 18)
    m = _QUALIFIER_END.search(before)
    if not m:
        return None, start
    qualifier = " ".join(m.group(1).lower().split())
    if qualifier in _MULT_START_QUALIFIERS and not words:
        return None, start
    return qualifier, start - len(before) + m.start(1)


def _scan_digit_percents(doc: _Doc) -> Iterator[_Raw]:
    """``46,2%``, ``20-30%``, ``6,5%/năm``, ``12 phần trăm``."""
    text = doc.text
    for m in _DIGIT_PERCENT.finditer(text):
        if not doc.free(m.start(), m.end()):
            continue
        tail = _tail_after(text, m.end(1) if m.group(2) is None else m.end(2))
        if tail is None or tail.kind != "percent":
            continue
        low = _parse_digits(m.group(1), doc, tail)
        high = _parse_digits(m.group(2), doc, tail) if m.group(2) else None
        if low is None or not doc.claim(m.start(), tail.text_end):
            continue
        unit = tail.unit or _ty_le_unit(doc, m.start())
        qualifier, start = _qualifier_before(doc, m.start())
        if high is None:
            yield _Raw(start, tail.text_end, low, "percent", unit, qualifier)
        else:
            yield _Raw(start, m.end(1), low, "percent", unit, qualifier)
            yield _Raw(m.start(2), tail.text_end, high, "percent", unit, None)


def _ty_le_unit(doc: _Doc, start: int) -> str | None:
    """The noun of ``tỷ lệ <noun> ... 99,9%`` earlier in the same sentence."""
    s_start, _ = _sentence_of(doc, start)
    last = None
    for m in _TY_LE.finditer(doc.text, s_start, start):
        last = m
    if last is None or "%" in doc.text[last.end() : start]:
        return None
    unit, _ = _unit_after(doc.text, last.end())
    return unit


_ACRONYM_BEFORE = re.compile(r"(?<!\w)[A-ZĐ]{2,}\d* +$")


def _scan_digit_numbers(doc: _Doc) -> Iterator[_Raw]:
    """Counts, money, quantities and years written with digits (with ranges)."""
    text = doc.text
    for m in _DIGIT_NUMBER.finditer(text):
        if not doc.free(m.start(), m.end()):
            continue
        nxt = text[m.end() : m.end() + 2]
        if re.match(r"[/:]\d", nxt):
            continue
        if nxt[:1].isalpha() and not _GLUED_UNIT.match(text, m.end()):
            continue  # an identifier such as 1A, 5N1
        if _ACRONYM_BEFORE.search(_before(doc, m.start(), 12)):
            unit = _unit_after(text, m.end())[0]
            if unit is None or not _first_words_in(unit, COUNT_NOUNS):
                continue  # an identifier such as PMU 18, E 18
        yield from _digit_figure(doc, m)


def _digit_figure(doc: _Doc, m: re.Match[str]) -> Iterator[_Raw]:
    text = doc.text
    low_end = m.end()
    rng = _RANGE_AT.match(text, low_end)
    low_scale, after_low = _scale_after(text, low_end)
    if low_scale.factor > 1:
        rng = _RANGE_AT.match(text, after_low)
    num_end = rng.end() if rng else low_end
    tail = _tail_after(text, num_end)
    if tail is None:
        return
    low = _parse_digits(m.group(0), doc, tail)
    if low is None:
        doc.claim(m.start(), m.end())
        return
    if rng is None and tail.scale.factor == 1 and _is_year(doc, m, tail):
        if doc.claim(m.start(), m.end()):
            yield _Raw(m.start(), m.end(), low, "year")
        return
    if not doc.claim(m.start(), tail.text_end):
        return
    qualifier, start = _qualifier_before(doc, m.start())
    if rng is None:
        yield _Raw(start, tail.text_end, tail.scale.apply(low), tail.kind, tail.unit, qualifier)
        return
    high = _parse_digits(rng.group(1), doc, tail)
    if high is None:
        return
    if low_scale.factor > 1:
        low_value = low_scale.apply(low)
    else:
        low_value = low * tail.scale.factor if low < high else low
    low_text_end = after_low if low_scale.factor > 1 else low_end
    yield _Raw(start, low_text_end, low_value, tail.kind, tail.unit, qualifier)
    yield _Raw(rng.start(1), tail.text_end, tail.scale.apply(high), tail.kind, tail.unit, None)


def _is_year(doc: _Doc, m: re.Match[str], tail: _Tail) -> bool:
    s = m.group(0)
    if not (len(s) == 4 and s.isdigit() and 1900 <= int(s) <= 2099):
        return False
    if re.search(r"(?<!\w)[Nn]ăm +$", _before(doc, m.start(), 8)):
        return True
    if tail.kind != "count" or tail.unit is None:
        return tail.kind == "count"
    # "1980 đảng viên" counts only where thousands are not written "1.980"
    return doc.style == "vi" or not _first_words_in(tail.unit, COUNT_NOUNS)


# --- pass 6: numbers written as words ----------------------------------------------------------

_NUMBER_WORD = "(?:" + alts(_NUMBER_WORDS) + ")"
_WORD_RUN = re.compile(
    "(?=[" + first_chars(with_capitals(_NUMBER_WORDS)) + r"])(?<![\w-])" + _NUMBER_WORD + r"(?: +" + _NUMBER_WORD + r")*(?![\w-])",
    re.IGNORECASE,
)
_NAM_YEAR_BEFORE = re.compile(
    r"(?<!\w)(?:mỗi|hàng|hằng|các|những|trong|cả|cuối|đầu|giữa|nhiều|vài|mấy|từng|năm) +$", re.IGNORECASE
)
_DIGIT_BEFORE = re.compile(r"\d[%.,]? *$")
_MOT_ARTICLE_BEFORE = re.compile(r"(?<!\w)(?:là|như|thành|với|một) +$", re.IGNORECASE)
_START_WORDS = frozenset({*_DIGIT_WORDS, "mười", "nửa"}) - {"không", "mốt", "lăm", "nhăm", "tư"}
_MULT_START_QUALIFIERS = ("hàng", "vài", "dăm", "hằng")


def _scan_word_numbers(doc: _Doc) -> Iterator[_Raw]:
    """``ba đồng chí``, ``mười bốn phường``, ``hàng trăm người``, ``hai phẩy ba triệu đồng``."""
    text = doc.text
    for m in _WORD_RUN.finditer(text):
        if not doc.free(m.start(), m.end()):
            continue
        words = m.group(0).lower().split()
        qualifier, q_start = _qualifier_before(doc, m.start(), words=True)
        if not _word_number_starts(doc, m, words, qualifier):
            continue
        allow_nam = words[0] == "năm" and _counted_noun_at(text, m.start() + 3)
        parsed = _parse_number_words(words, allow_nam=allow_nam)
        if not parsed:
            continue
        value, used = parsed
        num_end = _span_end_of_words(text, m.start(), used)
        tail = _tail_after(text, num_end, need_unit=True)
        if tail is None or (tail.kind == "count" and tail.unit is None):
            continue
        if tail.kind == "count" and tail.unit and tail.unit.split()[0].lower() in _NUMBER_WORDS_NOT_UNITS:
            continue  # "hai ba người": a loose range, not "hai" of "ba người"
        if not doc.claim(q_start, tail.text_end):
            continue
        yield _Raw(q_start, tail.text_end, tail.scale.apply(value), tail.kind, tail.unit, qualifier)


def _word_number_starts(doc: _Doc, m: re.Match[str], words: list[str], qualifier: str | None) -> bool:
    """Whether a run of number words may start a number here (names, articles, years)."""
    raw = m.group(0)
    before = _before(doc, m.start(), 24)
    if raw[0].isupper() and not _CAP_OK_BEFORE.search(before):
        return False  # a name: "Trương Canh Ba"
    if any(ch.isupper() for ch in raw[1:]) or _DIGIT_BEFORE.search(before):
        return False  # "74 năm ngày thành lập": năm is the unit of 74
    first = words[0]
    if first not in _START_WORDS:
        return first in ("trăm", "chục", *_BIG_WORDS) and qualifier in _MULT_START_QUALIFIERS
    if first == "năm":
        return not _NAM_YEAR_BEFORE.search(before)  # "mỗi năm", "trong năm"
    if first == "nửa":
        return len(words) > 1 and words[1] in (*_BIG_WORDS, "trăm")  # "nửa triệu", not "nửa số"
    if first == "một" and len(words) == 1:
        nxt = _SYLLABLE_AT.match(doc.text, m.start() + len(first))
        if not nxt or nxt.group(1).lower() in MOT_NOT_NUMBER:
            return False  # "một số", "một cách"
        return not _MOT_ARTICLE_BEFORE.search(before)  # "là một người có năng lực"
    return True


def _counted_noun_at(text: str, pos: int) -> bool:
    unit, _ = _unit_after(text, pos)
    return unit is not None and _first_words_in(unit, COUNT_NOUNS)


# --- post-processing and context ---------------------------------------------------------------

_RANGE_GAP = re.compile(r" *(?:đến|tới|-|–|hoặc|hay|và|,) *")


def _scale_of(figure_text: str) -> float:
    """The product of the scale words in a figure's text (``1,5 triệu`` -> 1e6)."""
    factor = 1.0
    for w in figure_text.split():
        factor *= SCALE_WORDS.get(w, 1.0)
    return factor


def _without_restated_percents(doc: _Doc, raws: list[_Raw]) -> list[_Raw]:
    """A fraction's percentage is left out where its sentence writes it too ("30/65 chi,
    Đảng bộ (tỉ lệ 46,2%)": 46,2%, not a computed 46,15%)."""
    written = [r for r in raws if r.kind == "percent" and not r.derived]
    if not written:
        return raws

    def restated(r: _Raw) -> bool:
        sentence = _sentence_of(doc, r.start)
        for w in written:
            if sentence[0] <= w.start < sentence[1] and abs(w.value - r.value) < 0.1:
                w.unit = w.unit or r.unit  # "(tỉ lệ 46,2%)" is of "chi, Đảng bộ"
                return True
        return False

    return [r for r in raws if not (r.derived and restated(r))]


def _borrow_range_units(doc: _Doc, raws: list[_Raw]) -> None:
    """``từ 10 đến 20 người``: the low end takes the unit (and kind) of the high end."""
    for a, b in zip(raws, raws[1:], strict=False):
        if a.kind == "count" and a.unit is None and b.unit and b.kind in ("count", "money", "quantity"):
            gap = doc.text[a.end : b.start]
            if _RANGE_GAP.fullmatch(gap) or (b.qualifier in ("đến", "tới") and not gap.strip()):
                a.unit, a.kind = b.unit, b.kind
                scale = _scale_of(doc.text[b.start : b.end])
                if _scale_of(doc.text[a.start : a.end]) == 1 and a.value < b.value / scale:
                    a.value *= scale  # "từ 1 đến 2 triệu đồng"; not "từ 500 đến 1 triệu"


_CHANGE_WORDS = ("lên đến", "lên tới", "xuống còn", "lên", "xuống", "còn", "đến", "tới")
_CHANGE_GAP = re.compile(r" *(?:" + "|".join(_CHANGE_WORDS) + r")? *")
_PER_UNIT_AT = re.compile(r"/ ?" + LETTER + r"+")


def _borrow_currency(doc: _Doc, raws: list[_Raw]) -> None:
    """``từ 341 tỷ đồng lên gần 1.700 tỷ``: a scaled number right after a sum, with no
    currency of its own and no counted noun, is a sum in the same currency."""
    for a, b in zip(raws, raws[1:], strict=False):
        if a.kind != "money" or b.kind != "count" or _scale_of(doc.text[b.start : b.end]) == 1:
            continue
        if b.unit and _first_words_in(b.unit, COUNT_NOUNS):
            continue  # "từ 341 tỷ đồng đến 2 triệu người dân"
        end = a.end  # the figure's text ends before its currency, as written ("tỷ VNĐ/tháng")
        if currency := _CURRENCY_AT.match(doc.text, end):
            end = currency.end()
            end = per.end() if (per := _PER_UNIT_AT.match(doc.text, end)) else end
        gap = doc.text[end : b.start]
        change = gap.strip() in _CHANGE_WORDS or (not gap.strip() and b.qualifier in _CHANGE_WORDS)
        if change and _CHANGE_GAP.fullmatch(gap):
            b.unit, b.kind = a.unit, "money"


_PASSES: tuple[Callable[[_Doc], Iterable[_Raw]], ...] = (
    _scan_not_figures,
    _scan_dates,
    _scan_ordinals,
    _scan_digit_percents,
    _scan_digit_numbers,
    _scan_word_numbers,
)

_TIME_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(word_start("Tt") + r"[Tt]ừ năm +" + _YEAR + r" +(?:đến|tới) +(?:năm +)?" + _YEAR + r"(?!\d)"),
    re.compile(
        word_start("GgNnTtKk") + r"(?:[Gg]iai đoạn|[Nn]hiệm kỳ|[Nn]ăm học|[Nn]iên khóa|[Tt]hời kỳ|[Kk]hóa) +"
        + _YEAR + r" *[-–] *" + _YEAR + r"(?!\d)"
    ),
    re.compile(
        r"(?:(?<!\w)[Tt]rong +|" + _D1 + r")\d{0,2} +(?:tháng|năm|tuần|ngày) +(?:đầu|cuối|qua|gần đây)"
        r"(?: +năm(?: +(?:nay|" + _YEAR + r"))?)?(?!\w)"
    ),
    re.compile(word_start("Qq") + r"[Qq]uý +(?:I{1,3}|IV|[1-4])(?: *(?:năm +|/)" + _YEAR + r")?(?!\w)"),
    re.compile(r"(?:(?<!\w)[Nn]gày +\d|" + _D1 + r")\d?[/.-]\d{1,2}[/.-]" + _YEAR + r"(?!\d)"),
    re.compile(word_start("Nn") + r"[Nn]gày +\d{1,2}(?:[/.-]\d{1,2})?(?![\d/.-])"),
    re.compile(word_start("Tt") + r"[Tt]háng +\d{1,2}(?: *[/.-] *" + _YEAR + r"| +năm +" + _YEAR + r")?(?!\d)"),
    re.compile(
        word_start("CcĐđGgTtNn") + r"(?<!sinh )(?:(?:[Cc]ả|[Đđ]ầu|[Cc]uối|[Gg]iữa|[Tt]rong) +)?[Nn]ăm +" + _YEAR
        + r"(?: *[-–] *" + _YEAR + r")?(?!\d)"
    ),
    re.compile(word_start("Nn") + r"[Nn]ăm (?:nay|ngoái|qua|trước|tới)(?!\w)"),
    re.compile(_Y1 + r" *[-–] *" + _YEAR + r"(?!\d)"),
)


def _find_times(text: str) -> list[Expr]:
    """Time expressions of a text, without the dates of documents ("Nghị quyết số
    09-NQ/TU ngày 27/02/2012" dates the resolution, not what the article reports)."""
    return [x for x in find_exprs(text, _TIME_PATTERNS, lower_first=True) if not DOC_REF_BEFORE.search(text, max(0, x.start - 80), x.start)]


def _sentence_of(doc: _Doc, pos: int) -> tuple[int, int]:
    i = bisect_right(doc.sentences, (pos, len(doc.text) + 1)) - 1
    return doc.sentences[max(i, 0)]


def _paragraph_of(doc: _Doc, pos: int) -> tuple[int, int]:
    i = bisect_right(doc.paragraphs, (pos, len(doc.text) + 1)) - 1
    return doc.paragraphs[max(i, 0)]


_DAY_ONLY = re.compile(r"ngày \d{1,2}(?:[/.-]\d{1,2})?")


@dataclass
class _Exprs:
    """Place or time expressions of a document, in text order, with what ``_pick``
    needs precomputed so that context costs O(log n) per figure, not O(n)."""

    items: list[Expr]
    title: list[Expr]  # consulted before the article's most frequent one (times)
    starts: list[int] = field(default_factory=list)
    most_frequent: list[Expr] = field(default_factory=list)  # ties: the title's, then text order

    @classmethod
    def of(cls, items: list[Expr], title: list[Expr], *, title_first: bool = True) -> "_Exprs":
        """With ``title_first`` a figure without an expression of its own in its paragraph
        takes the title's first one; without, the article's most frequent one, the
        title's counted twice (places: the headline may name the issuer of a resolution,
        "Nghị quyết 09-NQ/TU của Thành ủy Hà Nội", the text its own district)."""
        items = sorted(items, key=lambda x: x.start)
        usable = [x for x in items if not _DAY_ONLY.fullmatch(x.text)]  # a bare day: too local
        heading = [] if title_first else title
        counts = Counter(x.key for x in [*usable, *heading, *heading])
        best = max(counts.values(), default=0)
        frequent = [x for x in [*heading, *usable] if counts[x.key] == best]
        return cls(items, title if title_first else [], [x.start for x in items], frequent)


_WALK = 50


def _pick(exprs: _Exprs, raw: _Raw, sentence: tuple[int, int], paragraph: tuple[int, int]) -> list[str]:
    """Up to two expressions of the sentence (nearest first, those before the figure
    preferred), else the nearest one before it in the paragraph, else the title's
    first (times), else the article's most frequent one (bare days like ``ngày 5``
    excluded)."""
    def outside(x: Expr) -> bool:
        return x.end <= raw.start or x.start >= raw.end

    items, starts = exprs.items, exprs.starts
    # nearest first, those before the figure first: walk out from it within the sentence
    # (at most _WALK steps each way, so a sentence listing hundreds of dates stays cheap)
    at = bisect_left(starts, raw.start)
    before = [items[i] for i in range(at - 1, max(at - 1 - _WALK, -1), -1) if items[i].start >= sentence[0]]
    after = [items[i] for i in range(at, min(at + _WALK, len(items))) if items[i].end <= sentence[1]]
    out: list[Expr] = []
    seen: set[str] = set()
    for x in [*(x for x in before if x.end <= raw.start), *(x for x in after if x.start >= raw.end)]:
        if x.key not in seen:
            seen.add(x.key)
            out.append(x)
            if len(out) == 2:
                break
    if out:
        return [x.text for x in sorted(out, key=lambda x: x.start)]
    j = bisect_left(starts, raw.start) - 1
    while j >= 0 and items[j].start >= paragraph[0]:
        if items[j].end <= raw.start:
            return [items[j].text]
        j -= 1
    if exprs.title:
        return [exprs.title[0].text]
    if all(outside(x) for x in items[max(0, at - 2) : at + 2]):
        return [exprs.most_frequent[0].text] if exprs.most_frequent else []
    # the figure overlaps an expression (a date that is also a time): count without it
    usable = [x for x in items if outside(x) and not _DAY_ONLY.fullmatch(x.text)]
    if not usable:
        return []
    counts = Counter(x.key for x in usable)
    top = max(counts.values())
    return [next(x.text for x in usable if counts[x.key] == top)]


def _clause_of(text: str, pos: int, sentence: tuple[int, int]) -> tuple[int, int]:
    """The part of a sentence between the semicolons around ``pos``."""
    start = text.rfind(";", sentence[0], pos) + 1 or sentence[0]
    end = text.find(";", pos, sentence[1])
    return max(start, sentence[0]), end if end >= 0 else sentence[1]


def _finish(doc: _Doc, raw: _Raw) -> Figure:
    """The public :class:`Figure` of a raw figure: sentence and context attached."""
    sentence = _sentence_of(doc, raw.start)
    paragraph = _paragraph_of(doc, raw.start)
    # a place of the figure's own clause (between semicolons) first: "...; Ban Tổ chức
    # Thành ủy Hà Nội; ... Bí thư Đảng ủy 14 phường thuộc Quận" is of the district
    clause = _clause_of(doc.text, raw.start, sentence)
    places = _pick(doc.place_exprs, raw, clause, paragraph) or _pick(doc.place_exprs, raw, sentence, paragraph)
    times = _pick(doc.time_exprs, raw, sentence, paragraph)
    context = ", ".join([*places, *times]) or None
    return Figure(
        value=float(raw.value),
        text=doc.text[raw.start : raw.end],
        unit=raw.unit,
        kind=raw.kind,
        qualifier=raw.qualifier if raw.kind not in ("date", "year", "ordinal") else None,
        sentence=doc.text[sentence[0] : sentence[1]].strip(),
        context=context,
        start=raw.start,
        end=raw.end,
    )

"""Vietnamese text handling: normalization, folding, abbreviations, tokenization.

Everything that turns raw Vietnamese text into index tokens lives here so that
articles and questions go through exactly the same rules:

* ``normalize``  - NFC, one tone-mark placement (``uỷ`` -> ``ủy``), odd spaces.
* ``fold``       - diacritics removed, ``đ`` -> ``d`` (for questions typed without them).
* ``expand_abbreviations`` - ``UBND`` -> ``Ủy ban nhân dân`` from ``abbreviations.tsv``.
* ``word_tokenize`` - underthesea's word segmentation (``chi bộ`` stays one word).
* ``index_tokens`` - the tokens BM25 sees: segmented, lower-cased, folded, ``_``-joined.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_RULES_VERSION = "uts-fold-4"  # bump when the code below changes index tokens


def _tokenizer_version() -> str:
    """Code version + a hash of the abbreviation table: editing the table re-tokenizes."""
    import hashlib

    table = resources.files("index").joinpath("data/abbreviations.tsv").read_bytes()
    return f"{_RULES_VERSION}-{hashlib.sha256(table).hexdigest()[:10]}"


TOKENIZER_VERSION = _tokenizer_version()

# --- normalization ---------------------------------------------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
# Old-style placement puts the tone on the second vowel of an open "oa/oe/uy/ua"
# syllable (hoà, khoẻ, thuỷ); the canonical form here puts it on the first (hòa,
# khỏe, thủy). "qu" is a consonant, so "quý"/"quả" are left alone.
_OLD_TONE = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![\w\u0300-\u036f])")
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\v\f]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_HSPACE_RUN = re.compile(r" {2,}")


def normalize(text: str) -> str:
    """Canonical form of Vietnamese text: NFC, one tone placement, plain spaces.

    Line structure is kept (``\\r\\n`` becomes ``\\n``); runs of spaces collapse to
    one and each line is stripped. Case is kept.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    text = unicodedata.normalize("NFD", text)
    text = _OLD_TONE.sub(r"\1\3\2", text)
    text = unicodedata.normalize("NFC", text)
    text = _HSPACE_RUN.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


_MARKS = re.compile(r"[\u0300-\u036f]")


def fold(text: str) -> str:
    """Remove Vietnamese diacritics: ``Đảng bộ`` -> ``Dang bo``. Case is kept.

    Always equal to ``fold_reference(text)``; computed character by character from a
    table where that gives the same result (see ``_fold_table``)."""
    if text.isascii():
        return text  # nothing to decompose, no đ
    table = _fold_table()
    if table.fallback.search(text):
        return fold_reference(text)
    return text.translate(table.chars)


def fold_words(words: list[str]) -> list[str]:
    """``fold`` of each of ``words`` (which hold no "\\x1f"), folding their text once.

    The same as folding each: the separator is a character NFD neither decomposes nor
    moves a mark across."""
    return fold("\x1f".join(words)).split("\x1f") if words else []


def fold_reference(text: str) -> str:
    """What ``fold`` means: NFD, the combining marks U+0300-U+036F removed, đ -> d."""
    text = unicodedata.normalize("NFD", text)
    text = _MARKS.sub("", text)
    return text.replace("đ", "d").replace("Đ", "D")


_TABLE_END = 0x2000  # the table covers Latin, Greek, Cyrillic and Vietnamese letters


@dataclass(frozen=True)
class _FoldTable:
    chars: list[str | None]  # code point (below _TABLE_END) -> its fold; None deletes it
    fallback: re.Pattern[str]  # a character the table cannot fold alone


@lru_cache(maxsize=1)
def _fold_table() -> _FoldTable:
    """``fold_reference`` of each character below ``_TABLE_END``, and the characters for
    which folding a text character by character would differ from folding it whole.

    NFD decomposes each character on its own and then sorts each run of combining marks
    by combining class; the sort can only change the result where a mark survives the
    folding (a mark outside U+0300-U+036F, such as U+1DC0 or the Hangul and kana marks).
    So a text folds character by character unless it holds a character whose NFD has
    such a mark. Those go to ``fold_reference``, and so do the characters at or above
    ``_TABLE_END`` that fold to something else (Hangul syllables, CJK compatibility
    ideographs, "≠") and any outside the Basic Multilingual Plane; other characters at
    or above ``_TABLE_END`` fold to themselves (translate leaves them as they are).
    """
    chars: list[str | None] = []
    fallback: list[int] = []
    for cp in range(0x10000):
        c = chr(cp)
        nfd = unicodedata.normalize("NFD", c)
        if any(unicodedata.combining(m) and not 0x300 <= ord(m) <= 0x36F for m in nfd):
            fallback.append(cp)
        elif cp >= _TABLE_END and nfd != c:
            fallback.append(cp)
        if cp < _TABLE_END:
            chars.append(fold_reference(c) or None)
    ranges = "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in _runs(fallback))
    return _FoldTable(chars, re.compile(f"[{ranges}\\U00010000-\\U0010ffff]"))


def _runs(codes: list[int]) -> list[tuple[int, int]]:
    """Sorted code points as (first, last) runs of consecutive ones."""
    out: list[tuple[int, int]] = []
    for cp in codes:
        if out and out[-1][1] == cp - 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def has_diacritics(text: str) -> bool:
    return fold(text) != unicodedata.normalize("NFD", text) or "đ" in text.lower()


# --- abbreviations ---------------------------------------------------------------


@dataclass(frozen=True)
class Abbreviation:
    short: str
    long: str
    any_case: bool  # also expand when typed in lower case (only if not a common word)


@lru_cache(maxsize=1)
def abbreviations() -> tuple[Abbreviation, ...]:
    """The table in ``index/data/abbreviations.tsv`` (short, long, case rule)."""
    rows = []
    raw = resources.files("index").joinpath("data/abbreviations.tsv").read_text("utf-8")
    for line in raw.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 2:
            raise ValueError(f"abbreviations.tsv: bad line {line!r}")
        any_case = len(parts) > 2 and parts[2] == "any"
        rows.append(Abbreviation(normalize(parts[0]), normalize(parts[1]), any_case))
    return tuple(rows)


@lru_cache(maxsize=1)
def _abbreviation_patterns() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str], dict[str, str]]:
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for a in abbreviations():
        exact[a.short] = a.long
        if a.any_case:
            loose[fold(a.short).lower()] = a.long
    # Longest first so "T.Ư" wins over "T"; a boundary is anything but a letter/digit.
    def build(keys: list[str], flags: int) -> re.Pattern[str]:
        alts = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
        return re.compile(rf"(?<![\w/.])(?:{alts})(?![\w/])", flags)

    return build(list(exact), 0), exact, build(list(loose), re.IGNORECASE), loose


#: "ĐH" alone is a university (the table's "Đại học") in a text that speaks of none
#: otherwise; in one that speaks of a congress (its long form, or a row of the table that
#: makes "ĐH" one: "văn kiện ĐH X", "ĐH Đảng") and of no university it is the congress:
#: "Tại ĐH, vấn đề này ...".
_UNIVERSITY_TEXT = re.compile(
    r"(?:[Tt]rường|thi|tuyển sinh|sinh viên|[Hh]iệu trưởng|giảng viên|học) ĐH(?![\w/])|ĐH(?:,| và) CĐ|ĐHQG|[Cc]ao đẳng|[Đđ]ại học"
)


#: What a question about a congress asks with a bare "ĐH" ("Bao nhiêu đại biểu dự ĐH?",
#: "ĐH 10 bầu bao nhiêu ủy viên TƯ?", "Khai mạc ĐH ngày nào?", "ĐH cổ đông"): its
#: delegates (not a deputy of the National Assembly or a council), term, opening, members,
#: elections, documents; a question is too short to speak of a congress otherwise.
_CONGRESS_ASKED = re.compile(
    r"(?<!\w)(?:đại biểu(?! (?:quốc hội|qh|hội đồng|hđnd))|đb(?! (?:qh|hđnd))|nhiệm kỳ|nk|khai mạc|bế mạc"
    r"|ủy viên|bch|ban chấp hành|văn kiện|cổ đông|đại đoàn kết|lần thứ|triệu tập|bầu(?! (?:chọn|trời))"
    r"|dự đh|đh diễn ra|đoàn chủ tịch)(?!\w)",
    re.IGNORECASE,
)
#: What makes "ĐH" a university in a question: its students, exams, fees, degrees ("trình
#: độ ĐH", "bằng ĐH", "đào tạo ĐH"; "sau ĐH" may follow a congress).
_UNIVERSITY_ASKED = re.compile(
    r"(?<!\w)(?:thí sinh|sinh viên|tuyển sinh|học phí|điểm chuẩn|giảng viên|giáo sư|học bổng|ký túc xá"
    r"|(?:trình độ|trên|tốt nghiệp|bằng|đào tạo|giáo dục|bậc|hệ|dự bị) ĐH)(?!\w)",
    re.IGNORECASE,
)
#: A bare "ĐH" and the word after it: a capitalized name there is a university's ("ĐH
#: Huế", "ĐH Y", "ĐH FPT"), save a congress's ("ĐH Đảng", "ĐH Hội Nông dân", "ĐH Mặt
#: trận", "ĐH Thi đua", "ĐH Đại đoàn kết") or a Roman numeral ("ĐH X").
_DH_AND_NEXT = re.compile(r"(?<![\w/.])ĐH (\w+)")
_CONGRESS_NAMES = frozenset({"Đảng", "Đoàn", "Đại", "Hội", "Mặt", "Phụ", "Thi", "Cựu"})
_ROMAN = re.compile(r"[IVXLC]+")
#: ... unless the question says which congress ("lần thứ XI", "nhiệm kỳ", "khóa X").
_NUMBERED_CONGRESS = re.compile(r"(?<!\w)(?:lần thứ [IVXLC]+|nhiệm kỳ|khóa [IVXLC]+)(?!\w)")


def _congress_question(text: str) -> bool:
    """A question whose bare "ĐH" is a congress ("Đại hội"): it asks what a congress has
    (``_CONGRESS_ASKED``), speaks of no university (``_UNIVERSITY_TEXT``, ``_UNIVERSITY_ASKED``,
    its first word read in lower case) and names none after "ĐH"."""
    lowered = text[:1].lower() + text[1:]
    if _UNIVERSITY_TEXT.search(lowered) or _UNIVERSITY_ASKED.search(lowered) or not _CONGRESS_ASKED.search(text):
        return False
    numbered = _NUMBERED_CONGRESS.search(text) is not None
    for m in _DH_AND_NEXT.finditer(text):
        word = m.group(1)
        if word[:1].isupper() and word not in _CONGRESS_NAMES and not _ROMAN.fullmatch(word) and not numbered:
            return False
    return True


@lru_cache(maxsize=1)
def _congress_text() -> re.Pattern[str]:
    rows = [a.short for a in abbreviations() if "ĐH" in a.short and a.short != "ĐH" and "Đại hội" in a.long]
    alts = "|".join(re.escape(r) for r in sorted(rows, key=len, reverse=True))
    return re.compile(rf"Đại hội|(?<![\w/.])(?:{alts})(?![\w/])")


def expand_abbreviations(text: str, *, loose: bool = False) -> str:
    """Replace abbreviations with their long forms (``UBND`` -> ``Ủy ban nhân dân``).

    Articles are expanded case-sensitively (``TU`` is Thành ủy, ``tu`` is a word).
    With ``loose`` (questions), unambiguous entries also match in any case and
    without diacritics (``ubnd``, ``hdnd``). "ĐH" alone is "Đại hội" in a text about a
    congress and no university (``_congress_text``; in a question, one asking what a
    congress has: ``_congress_question``), else as the table says.
    """
    exact_re, exact, loose_re, loose_map = _abbreviation_patterns()
    if "ĐH" in text:
        congress = _congress_text().search(text) and not _UNIVERSITY_TEXT.search(text)
        if congress or (loose and _congress_question(text)):
            exact = {**exact, "ĐH": "Đại hội"}
    text = exact_re.sub(lambda m: exact[m.group(0)], text)
    if loose:
        text = loose_re.sub(lambda m: loose_map.get(fold(m.group(0)).lower(), m.group(0)), text)
    return text


@lru_cache(maxsize=1)
def _shorthand() -> tuple[re.Pattern[str], dict[str, str]]:
    """The table in ``index/data/shorthand.tsv`` as one pattern and its long forms."""
    raw = resources.files("index").joinpath("data/shorthand.tsv").read_text("utf-8")
    longs: dict[str, str] = {}
    alts = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        short, long = (normalize(p).strip() for p in line.split("\t")[:2])
        before_number = short.endswith("+")
        never_before_number = short.endswith("-")  # "ct" is chủ tịch, "CT 135" a programme
        short = short.rstrip("+-").lower()
        longs[short] = long
        body = re.escape(short)
        # a word boundary unless the shorthand ends in a dot ("q.5", "q. 5")
        # never inside a document number ("Chỉ thị 15/CT-TTg")
        end = r"(?=\s*\d)" if before_number else ("" if short.endswith(".") else r"(?!\w|[./-]\w)")
        if never_before_number:
            end += r"(?!\s*\d)"
        alts.append((len(short), rf"(?<![\w./-]){body}{end}"))
    pattern = "|".join(a for _, a in sorted(alts, reverse=True))
    return re.compile(pattern, re.IGNORECASE), longs


def expand_shorthand(question: str) -> str:
    """Chat shorthand of a question in its long form: "bn" -> "bao nhiêu", "ko" ->
    "không", "dc" -> "được", "q 5" -> "quận 5" (``data/shorthand.tsv``). Questions only:
    in articles these letters are other words."""
    pattern, longs = _shorthand()

    def long_form(m: re.Match[str]) -> str:
        out = longs[m.group(0).lower()]
        return out + " " if m.group(0).endswith(".") else out

    return _HSPACE_RUN.sub(" ", pattern.sub(long_form, question)).strip()


def expand_question(text: str) -> str:
    """A question as the engine reads it: normalized, abbreviations expanded (also in
    lower case where unambiguous), chat shorthand in its long form."""
    return expand_shorthand(expand_abbreviations(normalize(text), loose=True))


# --- tokenization ----------------------------------------------------------------

_WORD = re.compile(r"\w", re.UNICODE)


def word_tokenize(text: str) -> list[str]:
    """underthesea word segmentation; compounds keep their inner spaces."""
    from underthesea import word_tokenize as uts_word_tokenize

    if not text.strip():
        return []
    return uts_word_tokenize(text)


def token_key(word: str) -> str | None:
    """A segmented word as BM25 sees it: folded, lower-cased, ``_``-joined.

    Pure punctuation gives ``None`` (it is not indexed).
    """
    if not _WORD.search(word):
        return None
    return "_".join(fold(word).lower().split())


def index_tokens(text: str) -> list[str]:
    """Tokens of article text for the index (already ``normalize``d text)."""
    words = [w for w in word_tokenize(expand_abbreviations(text)) if _WORD.search(w)]
    # fold once for the whole text (same result as token_key per word, much faster)
    folded = fold("\x1f".join(words)).lower().split("\x1f")
    return ["_".join(w.split()) for w in folded if w]


def syllables(text: str) -> list[str]:
    """Folded, lower-cased syllables of a question: the unit the query segmenter joins."""
    return [s for s in re.findall(r"\w+", fold(text).lower()) if s]

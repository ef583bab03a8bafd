"""Follow-up questions: an elliptical message completed from the previous question.

People ask a chat bot the way they talk: "Long Biên thành lập bao nhiêu chi bộ đảng giai
đoạn 2012-2020?", then "còn chi hội phụ nữ?", then "ở quận Ba Đình thì sao?". A message
is a follow-up when

* it starts with a marker ("còn", "thế còn", "vậy còn"; "con" in a message typed
  without diacritics), or
* it ends with "thì sao" / "thì thế nào" / "thì bao nhiêu", or
* it is short and only a place and/or a time ("năm 2019?", "quận Ba Đình?"), or
* it is short and only a question word with a few words ("ai chủ trì?", "khi nào?"),
  naming no place, year or organization.

Anything else is a question on its own and is never merged. A follow-up is completed
from the previous question P (itself completed, if it was a follow-up):

* a new **place** replaces P's place ("quận Long Biên", or a bare "Long Biên"), or is
  appended ("ở quận Ba Đình");
* a new **time** replaces P's time phrase ("giai đoạn 2012-2020", "năm 2019", a bare
  year), or is appended;
* a noun phrase replaces P's **target** (what P counts: "chi bộ đảng" → "chi hội phụ nữ");
* a **question on the same subject** ("ai chủ trì?") is followed by P without its
  question words: "ai chủ trì (Long Biên thành lập chi bộ đảng giai đoạn 2012-2020)?".

Pure functions of two strings: the engine (``Engine.ask(..., previous=...)``), the bot
(the previous question is read from the question log) and ``hoidap chat`` share them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.parse import organizations
from index.places import PROVINCES, find_places
from index.question import analyze_question
from index.text import expand_question, fold

#: Longest messages read as a bare place/time, or as a bare question word with a few words.
SHORT_PLACE_TIME = 7  # syllables: "ở thành phố Hồ Chí Minh"
SHORT_QUESTION = 6  # syllables: "ai chủ trì hội nghị?"


@dataclass(frozen=True)
class Followup:
    """A message completed from the previous question."""

    text: str  # the completed question
    previous: str  # the question it completed
    kind: str  # what it changed: "place", "time", "target", "question", or a "+"-joined mix


@dataclass(frozen=True)
class _Word:
    text: str
    low: str
    key: str  # folded, lower case
    start: int
    end: int


_WORD = re.compile(r"\w+(?:[-–/]\w+)*")


def _fold_same_length(text: str) -> str:
    """``fold(text).lower()`` character by character, so offsets stay those of ``text``."""
    return "".join((fold(ch)[:1] or ch).lower() for ch in text)


def _words(text: str) -> list[_Word]:
    return [_Word(m.group(0), m.group(0).lower(), fold(m.group(0)).lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _accented(words: list[_Word]) -> bool:
    letters = [w for w in words if w.text.isalpha()]
    return any(w.low != w.key for w in letters)


def _same(word: _Word, written: str, *, strict: bool = False) -> bool:
    """``word`` is the phrase word ``written`` (with diacritics): as written, or typed
    without any diacritics when ``strict`` is false."""
    if word.low == written:
        return True
    return not strict and word.low == word.key and word.key == fold(written)


def _phrase_at(words: list[_Word], i: int, phrase: str, *, strict: bool = False) -> bool:
    parts = phrase.split()
    if i + len(parts) > len(words):
        return False
    return all(_same(words[i + j], p, strict=strict) for j, p in enumerate(parts))


# --- what a message is made of -----------------------------------------------------------

#: Markers that open a follow-up; (phrase, strict): a strict one must carry its diacritics
#: ("the" and "vay" alone are other words).
_MARKERS: tuple[tuple[str, bool], ...] = (
    ("thế còn", False), ("vậy còn", False), ("thế thì", True), ("vậy thì", True), ("còn", True), ("thế", True),
    ("vậy", True),
)  # fmt: skip
_ENDINGS = (
    "thì thế nào nhỉ", "thì thế nào ạ", "thì thế nào", "thì sao nhỉ", "thì sao vậy", "thì sao ạ", "thì sao",
    "thì bao nhiêu",
)  # fmt: skip
_PARTICLES = ("ạ", "nhỉ", "nhé", "vậy", "thế", "đâu")  # closing particles dropped at the end
_FILLERS = ("ở", "tại", "trong", "vào", "của", "thuộc", "đối với", "với", "cho")
_QUESTION_WORDS = (
    "có bao nhiêu", "là bao nhiêu", "bao nhiêu", "có mấy", "mấy", "là ai", "ai", "khi nào", "bao giờ",
    "ở đâu", "tại đâu", "là gì", "nào", "gì", "đâu",
)  # fmt: skip
#: P's question words removed when a question on the same subject borrows P's words.
_REMOVED_FROM_PREVIOUS = (
    "có bao nhiêu", "là bao nhiêu", "bao nhiêu", "có mấy", "mấy", "là ai", "ai", "khi nào", "bao giờ",
    "ở đâu", "tại đâu", "là gì",
)  # fmt: skip
_LEVELS = ("thành phố", "thị xã", "thị trấn", "quận", "huyện", "tỉnh", "phường", "xã")
#: Words that end a place name typed in lower case ("huyen gia lam nam 2019").
_NAME_STOP = frozenset(
    fold(w)
    for w in (
        "có được đã là năm giai nhiệm khóa trong thì bao mấy kết ai khi ở tại của vào từ đến và với để cho "
        "nào gì đạt tăng giảm bị sẽ đang không chưa những các số tổng tỷ tỉ hiện thành_lập"
    ).split()
)
_TARGET_LEAD = ("số lượng", "tổng số", "số")  # "còn số đảng viên mới?" → "đảng viên mới"

_TIME = re.compile(
    r"(?<!\w)(?:(?:nam|giai doan|nhiem ky|khoa|thoi ky|thoi diem|dau nam|cuoi nam|mua)\s+)?"
    r"(?:thang\s+\d{1,2}\s*(?:/|nam)\s*)?(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?(?!\w)"
)
_PROVINCE_KEYS = frozenset(fold(p).lower() for p in PROVINCES)


def _strip_ends(words: list[_Word], accented: bool) -> tuple[list[_Word], bool, bool]:
    """The message's words without its opening marker and closing phrase, and whether
    it had each (``accented``: the message as typed carries diacritics)."""
    marker = False
    for phrase, strict in _MARKERS:
        if _phrase_at(words, 0, phrase, strict=strict):
            words, marker = words[len(phrase.split()) :], True
            break
    else:  # "con ..." typed without diacritics: còn, unless it is "con số" (a figure)
        if words and words[0].low == "con" and not accented and not (len(words) > 1 and words[1].key == "so"):
            words, marker = words[1:], True
    ending = False
    for phrase in _ENDINGS:
        n = len(phrase.split())
        if len(words) >= n and _phrase_at(words, len(words) - n, phrase):
            words, ending = words[:-n], True
            break
    while words and any(_same(words[-1], p, strict=True) for p in _PARTICLES) and len(words) > 1:
        words = words[:-1]
    return words, marker, ending


@dataclass(frozen=True)
class _Parts:
    place: tuple[int, int] | None  # span in the message
    times: list[tuple[int, int]]
    rest: list[_Word]  # what is neither place, time nor filler


def _time_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    folded = _fold_same_length(text)
    return [(m.start(), m.end()) for m in _TIME.finditer(folded, lo, hi)]


def _level_at(words: list[_Word], i: int) -> int:
    for level in _LEVELS:
        if _phrase_at(words, i, level):
            return len(level.split())
    return 0


def _parts(text: str, words: list[_Word]) -> _Parts:
    if not words:
        return _Parts(None, [], [])
    lo, hi = words[0].start, words[-1].end
    times = _time_spans(text, lo, hi)
    in_time = lambda w: any(a <= w.start < b for a, b in times)  # noqa: E731
    free = [w for w in words if not in_time(w)]
    place: tuple[int, int] | None = None
    for i, w in enumerate(free):
        n = _level_at(free, i)
        if n and i + n < len(free):
            name = _name_after(free, i + n, 4)
            if name:
                place = (w.start, name[-1].end)
                break
    if place is None:
        for x in find_places(text[lo:hi]):
            place = (lo + x.start, lo + x.end)
            break
    if place is None:
        keys = " ".join(w.key for w in free if not any(_same(w, f) for f in _FILLERS))
        if keys in _PROVINCE_KEYS:
            kept = [w for w in free if not any(_same(w, f) for f in _FILLERS)]
            place = (kept[0].start, kept[-1].end)
    rest = [w for w in free if not (place and place[0] <= w.start < place[1])]
    rest = _drop_fillers(rest)
    return _Parts(place, times, rest)


def _name_after(words: list[_Word], i: int, most: int) -> list[_Word]:
    """The place name after a level word at ``words[i]``: capitalized words when it starts
    with one ("Dong Da", "Bac Tu Liem": folded, they could be function words), else lower-
    case words up to a function, time or question word; or a district number."""
    if i >= len(words):
        return []
    if words[i].text.isdigit():
        return [words[i]] if len(words[i].text) <= 2 else []
    capital = words[i].text[:1].isupper()
    name: list[_Word] = []
    for v in words[i:]:
        if len(name) >= most or (capital and not v.text[:1].isupper()) or (not capital and v.key in _NAME_STOP):
            break
        if v.text[:1].isdigit():
            break
        name.append(v)
    return name


def _drop_fillers(words: list[_Word]) -> list[_Word]:
    i = 0
    while i < len(words) and any(_phrase_at(words, i, f) for f in _FILLERS):
        i += 1
    j = len(words)
    while j > i and any(_same(words[j - 1], f) for f in _FILLERS):
        j -= 1
    return words[i:j]


def _question_word_at(words: list[_Word], i: int) -> int:
    accented = _accented(words)
    for q in _QUESTION_WORDS:
        if _phrase_at(words, i, q, strict=accented and q in ("mấy", "nào", "gì", "đâu")):
            return len(q.split())
    return 0


def _has_question_word(words: list[_Word]) -> bool:
    return any(_question_word_at(words, i) for i in range(len(words)))


# --- where P holds what a follow-up replaces ----------------------------------------------


def _previous_place(text: str, words: list[_Word]) -> tuple[int, int] | None:
    for x in find_places(text):
        return (x.start, x.end)
    for i in range(len(words)):
        n = _level_at(words, i)
        if n and words[i].low == words[i].key and i + n < len(words):  # "huyen gia lam", "Quan Long Bien"
            name = _name_after(words, i + n, 3)
            if name:
                return (words[i].start, name[-1].end)
    # a bare proper name: two or more capitalized words that are no organization or level
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and words[j].text[:1].isupper() and words[j].text.isalpha():
            j += 1
        if j - i >= 2 and not _is_head(words, i):
            return (words[i].start, words[j - 1].end)
        i = max(j, i + 1)
    return None


_HEADS = (
    "ban", "ủy ban", "đảng", "đảng bộ", "chi bộ", "hội", "hội đồng", "công đoàn", "đoàn", "sở", "bộ", "nghị",
    "mặt trận", "liên đoàn", "thành ủy", "tỉnh ủy", "quận ủy", "huyện ủy", "trung ương", "quốc", "nhà", "có",
    "bao", "ai", "khi", "tổng", "trường", "công", "tập", "tổ", "ngân", "viện", "cục", "chính", "văn", "thủ",
    "phó", "chủ", "bí", "đồng",
)  # fmt: skip


def _is_head(words: list[_Word], i: int) -> bool:
    return _level_at(words, i) > 0 or any(_same(words[i], h.split()[0]) for h in _HEADS)


def _previous_times(text: str) -> list[tuple[int, int]]:
    return _time_spans(text, 0, len(text))


def _previous_target(text: str, words: list[_Word]) -> tuple[int, int] | None:
    target = analyze_question(text).target
    if not target:
        return None
    want = target.split()
    keys = [w.key for w in words]
    for i in range(len(words) - len(want) + 1):
        if keys[i : i + len(want)] == want:
            end = i + len(want)
            if end < len(words) and _same(words[end], "mới"):  # "đảng viên mới" is what is counted
                end += 1
            return (words[i].start, words[end - 1].end)
    return None


def _without_question_words(text: str) -> str:
    words = _words(text)
    accented = _accented(words)
    cut: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for q in _REMOVED_FROM_PREVIOUS:
            if _phrase_at(words, i, q, strict=accented and q in ("mấy",)):
                n = len(q.split())
                cut.append((words[i].start, words[i + n - 1].end))
                i += n
                break
        else:
            i += 1
    out = text
    for a, b in reversed(cut):
        out = out[:a] + out[b:]
    return _tidy(out.replace("(", " ").replace(")", " "))


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    for a, b, new in sorted(edits, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([?,.!;:])", r"\1", " ".join(text.split()))
    return text.strip(" ,;:").strip()


def _body(text: str) -> tuple[str, str]:
    """``text`` without its final question mark (and that mark)."""
    stripped = text.rstrip()
    end = "?" if stripped.endswith("?") else ""
    return stripped.rstrip("?!. ").rstrip(), end


# --- the whole step ------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def complete(message: str, previous: str | None) -> Followup | None:
    """``message`` completed from ``previous``, or None when it is a question on its own
    (or there is nothing to borrow from)."""
    if not previous or not message.strip():
        return None
    msg = expand_question(message)
    all_words = _words(msg)
    if not all_words:
        return None
    words, marker, ending = _strip_ends(all_words, _accented(_words(message)))
    parts = _parts(msg, words)
    asks = _has_question_word(parts.rest)
    bare = not parts.rest and (parts.place or parts.times) and len(all_words) <= SHORT_PLACE_TIME
    question_only = (
        asks
        and len(all_words) <= SHORT_QUESTION
        and not parts.place
        and not parts.times
        and not organizations(msg)
    )
    if not (marker or ending or bare or question_only):
        return None
    pbody, pend = _body(expand_question(previous))
    pwords = _words(pbody)
    target = _previous_target(pbody, pwords)  # what P counts, if anything
    rest = _drop_lead(_without_asking(parts.rest))
    counts = any(_phrase_at(parts.rest, i, q) for i in range(len(parts.rest)) for q in ("bao nhiêu", "mấy"))
    if asks and not parts.place and not parts.times and not (counts and target is not None and rest):
        subject = _without_question_words(pbody)
        own, end = _body(_tidy(msg[words[0].start : words[-1].end]) if words else msg)
        if not own or not subject:
            return None
        return Followup(f"{own} ({subject})?", previous, "question")
    edits: list[tuple[int, int, str]] = []
    appended: list[str] = []
    kinds: list[str] = []
    if parts.place:
        new_place = msg[parts.place[0] : parts.place[1]]
        at = _previous_place(pbody, pwords)
        if at:
            edits.append((at[0], at[1], new_place))
        else:
            appended.append(f"ở {new_place}")
        kinds.append("place")
    if parts.times:
        new_time = " ".join(msg[a:b] for a, b in parts.times)
        spans = _previous_times(pbody)
        if spans:
            edits.append((spans[0][0], spans[0][1], new_time))
            edits.extend((a, b, "") for a, b in spans[1:])
        else:
            appended.append(new_time)
        kinds.append("time")
    if rest:
        at = target
        if at is None:
            if not kinds:
                return None  # a noun phrase, and P counts nothing to replace it with
        else:
            edits.append((at[0], at[1], msg[rest[0].start : rest[-1].end]))
            kinds.append("target")
    if not kinds:
        return None
    done = _tidy(" ".join([_splice(pbody, edits), *appended])) + (pend or "?")
    return Followup(done, previous, "+".join(kinds))


def _without_asking(words: list[_Word]) -> list[_Word]:
    """``words`` without question words ("bao nhiêu", "có mấy")."""
    out: list[_Word] = []
    i = 0
    while i < len(words):
        n = _question_word_at(words, i)
        if n:
            i += n
        else:
            out.append(words[i])
            i += 1
    return out


def _drop_lead(words: list[_Word]) -> list[_Word]:
    for lead in _TARGET_LEAD:
        if _phrase_at(words, 0, lead) and len(words) > len(lead.split()):
            return words[len(lead.split()) :]
    return words

"""Example questions drawn from the articles loaded (what ``/help`` shows).

``example_questions(engine)`` reads the stored figures of the newest articles (by
article date, then id), turns the promising ones into Vietnamese questions and keeps
only those the engine really answers with the figure they were built from, e.g.

    figure 61 "chi bộ đảng", context "quận Long Biên, giai đoạn 2012-2020", sentence
    "... quận Long Biên đã thành lập được 61 chi bộ đảng ..."
    -> "Có bao nhiêu chi bộ đảng được thành lập ở quận Long Biên, giai đoạn 2012-2020?"

Counts whose unit has two words or more and that carry a context come first, then
percentages ("Tỷ lệ … là bao nhiêu?"), then counts of a one-word unit. Examples differ
in unit and, where possible, in article. The work is bounded (``scan`` figures read,
``max_asks`` questions asked), the result is deterministic for a given database, and
an empty database or nothing answerable gives ``[]`` (the caller keeps its fixed
examples). The last ``unaccented`` examples are given without diacritics when the
engine answers them that way too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text

from index.patterns import LETTER, UPPER
from index.question import VERBS
from index.text import fold

if TYPE_CHECKING:  # pragma: no cover
    from index.engine import Engine

SCAN = 300  # figures read at most (of the newest articles)
MAX_ASKS = 30  # questions asked at most

#: Newest articles first (undated last), then their usable figures in text order.
_FIGURES_SQL = text(
    "SELECT f.value, f.text, f.unit, f.kind, f.qualifier, f.context, f.sentence, f.article_id FROM figure f "
    "JOIN (SELECT id, date FROM article ORDER BY (date IS NULL), date DESC, id DESC LIMIT :scan) a "
    "ON a.id = f.article_id "
    "WHERE f.kind IN ('count', 'percent') AND f.unit IS NOT NULL "
    "ORDER BY (a.date IS NULL), a.date DESC, a.id DESC, f.start, f.id LIMIT :scan"
)

#: Units that are durations or times, not things one counts in an example.
_TIME_UNITS = frozenset("năm tháng ngày tuần giờ phút giây tiếng lần tuổi quý buổi đêm kỳ khóa nhiệm đợt".split())
#: Qualifiers of a figure that is one end of a change or range.
_RANGE_ENDS = frozenset({"từ", "đến", "tới"})
#: First words of a context part that make it a time ("giai đoạn 2012-2020", "năm nay").
_TIME_WORDS = frozenset("năm tháng ngày tuần quý giai nhiệm thời khóa niên trong từ cả đầu cuối giữa sáng chiều tối".split())
#: First words of a place that is an organization ("Thành ủy Hà Nội"): not "ở ...".
_ORG_WORDS = frozenset("ban bộ sở ủy hội mặt đảng ubnd hđnd công".split())
#: Administrative levels written in lower case after "ở" ("Huyện Thốt Nốt" -> "huyện").
_LEVELS = ("thành phố", "thị xã", "thị trấn", "quận", "huyện", "tỉnh", "xã", "phường")
#: Verbs whose passive takes "bị" ("bị kỷ luật"); the others take "được".
_BI_VERBS = frozenset(
    "kỷ luật|khai trừ|cảnh cáo|khiển trách|cách chức|bắt|bắt giữ|khởi tố|xử phạt|phạt|cưỡng chế|"
    "thu hồi|xử lý|buộc thôi việc|hạ ngạch|bãi nhiệm".split("|")
)
#: Verbs with no passive before a counted noun ("được đạt" is wrong): left out.
_NOT_PASSIVE = frozenset(
    "đạt|chiếm|tăng|giảm|dự|tham dự|tham gia|diễn ra|khai mạc|bế mạc|họp|làm việc|sinh hoạt|"
    "chết|tử vong|bị thương|nghỉ hưu|bị loại|rút|tái cử|đi bầu|ứng cử|tự ứng cử|trúng cử|đắc cử|"
    "phát biểu|thiệt hại|chủ trì|lãnh đạo|quản lý|đóng góp|quyên góp|ủng hộ|bỏ phiếu|ra mắt|"
    "thực hiện|phụ trách|tiếp xúc|đọc|kỷ niệm".split("|")
)
#: Verbs that make sense right after the counted noun without an object ("người chết").
_SUBJECT_VERBS = frozenset(
    "chết|tử vong|bị thương|tham dự|tham gia|dự|phát biểu|nghỉ hưu|đi bầu|trúng cử|đắc cử|"
    "ứng cử|tự ứng cử|bỏ phiếu|bị loại|tái cử|họp|ra mắt".split("|")
)
#: Words allowed between a verb and the number it governs ("thành lập được 61").
_FILLERS = frozenset("được đã thêm mới cho tổng cộng số".split())
_VERBS = sorted(VERBS, key=lambda v: -len(v.split()))
#: One item of a list, at the end of a sentence's head: "173 tổ chức công đoàn, ",
#: "Hội Liên hiệp thanh niên, " (a name).
_LIST_ITEM = re.compile(r"(?:\d[\d.,]*|" + UPPER + LETTER + r"*)(?: " + LETTER + r"+){1,6} *(?:,|và) *$")
_WORD = re.compile(r"[^\W\d_]+|\d\S*|\S", re.UNICODE)


@dataclass(frozen=True)
class _Candidate:
    question: str
    value: float
    unit: str  # folded, lower case, first two words: one example per kind of thing
    article_id: str
    tier: int  # 0 best
    order: int  # position in the scan (newest article first)


def example_questions(
    engine: Engine,
    n: int = 3,
    *,
    scan: int = SCAN,
    max_asks: int = MAX_ASKS,
    unaccented: int = 1,
) -> list[str]:
    """Up to ``n`` distinct questions ``engine`` answers with the figure each was built
    from, drawn from the figures of the newest articles; ``[]`` when there are none.
    The last ``unaccented`` ones are written without diacritics if answered so too."""
    if n <= 0:
        return []
    with engine.db.connect() as conn:
        rows = conn.execute(_FIGURES_SQL, {"scan": max(1, scan)}).all()
    # a unit with several values in one article makes an ambiguous question: try it later
    values: dict[tuple[str, str], set[float]] = {}
    for row in rows:
        values.setdefault((row.article_id, _unit_key(row.unit)), set()).add(row.value)
    candidates = sorted(
        (c for i, row in enumerate(rows) if (c := _candidate(i, *row)) is not None),
        key=lambda c: (c.tier, len(values.get((c.article_id, c.unit), ())) > 1, c.order),
    )
    asked: dict[str, float | None] = {}  # question -> value of the confident answer

    def answers(question: str, value: float, budget: int) -> bool | None:
        """Whether ``question`` is answered with ``value``; None once the budget is spent."""
        if question not in asked:
            if len(asked) >= budget:
                return None
            asked[question] = _answered_value(engine, question)
        got = asked[question]
        return got is not None and math.isclose(got, value)

    # keep asks for the unaccented variants, but at least one for an example
    budget = max_asks - min(max(0, unaccented), n, max(0, max_asks - 1))
    chosen: list[_Candidate] = []
    # first one example per article and unit, then more units of the same articles
    for new_article_only in (True, False):
        for c in candidates:
            if len(chosen) >= n:
                break
            if any(c.unit == x.unit for x in chosen):
                continue
            if new_article_only and any(c.article_id == x.article_id for x in chosen):
                continue
            ok = answers(c.question, c.value, budget)
            if ok is None:
                break
            if ok:
                chosen.append(c)
    out = [c.question for c in chosen]
    for i in range(max(0, len(out) - max(0, unaccented)), len(out)):
        plain = fold(out[i]).lower().rstrip("?")
        if answers(plain, chosen[i].value, max_asks):
            out[i] = plain
    return out


def _answered_value(engine: Engine, question: str) -> float | None:
    """The value of the best figure if ``engine`` answers ``question`` confidently."""
    ans = engine.ask(question)
    return float(ans.figures[0].value) if ans.status == "answered" and ans.figures else None


def _candidate(
    order: int,
    value: float,
    text_: str,
    unit: str,
    kind: str,
    qualifier: str | None,
    context: str | None,
    sentence: str,
    article_id: str,
) -> _Candidate | None:
    """A question about one stored figure, or None if it would make a poor example."""
    unit = " ".join(unit.split())
    words = unit.split()
    if not words or words[0].lower() in _TIME_UNITS or not any(ch.isdigit() for ch in text_):
        return None  # durations, and numbers written as words ("một tin vui")
    if (kind == "count" and value < 2) or qualifier in _RANGE_ENDS:
        return None  # "một", and "giảm từ 37% xuống 28%": 37% is not what holds
    place, time = _place_time(context)
    located = bool(place or time)  # the question says where or when
    where = f" ở {place}" if place else ""
    when = (", " if place else " ") + time if time else ""
    verb = _verb_phrase(sentence, text_, unit)
    if kind == "percent":
        question = f"Tỷ lệ {unit}{verb}{where}{when} là bao nhiêu?"
        tier = 1 if located else 4
    else:
        question = f"Có bao nhiêu {unit}{verb}{where}{when}?"
        tier = (0 if len(words) >= 2 else 2) if located else 3
    return _Candidate(question, float(value), _unit_key(unit), article_id, tier, order)


def _unit_key(unit: str) -> str:
    """"Tổ chức công đoàn" and "tổ chức đoàn" are one kind of thing ("to chuc")."""
    return " ".join(fold(unit).lower().split()[:2])


def _place_time(context: str | None) -> tuple[str | None, str | None]:
    """The first usable place and the first period of a figure's context."""
    place = time = None
    for part in (p.strip() for p in (context or "").split(",")):
        if not part:
            continue
        first = part.split()[0]
        if first[0].isdigit() or first.lower() in _TIME_WORDS:
            if time is None:
                time = _time_phrase(part)
        elif place is None and first.lower() not in _ORG_WORDS and part.split()[1:2] != ["ủy"]:
            place = _lower_level(part)
    return place, time


def _time_phrase(part: str) -> str | None:
    """A period as said after a noun ("2004-2005" -> "giai đoạn 2004-2005", "Năm 2003"
    -> "năm 2003"); None for a day ("ngày 27/02/2012", "12/11/2004"): a context's day
    is often the meeting's or a document's, not the figure's."""
    if part.lower().startswith("ngày") or re.fullmatch(r"\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{4})?", part):
        return None
    if re.fullmatch(r"\d{4} *[-–] *\d{4}", part):
        return "giai đoạn " + part
    return part[0].lower() + part[1:] if part[0].isalpha() else part


def _lower_level(place: str) -> str:
    """"Huyện Thốt Nốt" -> "huyện Thốt Nốt" (a level word is lower case mid-sentence)."""
    for level in _LEVELS:
        if place.lower().startswith(level + " "):
            return level + place[len(level) :]
    return place


def _verb_phrase(sentence: str, figure_text: str, unit: str) -> str:
    """" được <verb>" / " bị <verb>" when a verb governs the number ("đã thành lập
    được 61 chi bộ đảng"), " <verb>" when the counted noun does it ("94 đại biểu phát
    biểu"), else ""."""
    at = sentence.find(f"{figure_text} {unit}")
    if at < 0:
        return ""
    head = sentence[:at]
    for _ in range(10):  # back over the list the figure ends ("61 chi bộ đảng, 173 ...")
        shorter = _LIST_ITEM.sub("", head)
        if shorter == head:
            break
        head = shorter
    before = [w.lower() for w in _WORD.findall(head)][-5:]
    after = [w.lower() for w in _WORD.findall(sentence[at + len(figure_text) + 1 + len(unit) :])][:4]
    # the verb after the counted noun ("người chết", "đại biểu đã tham dự")
    rest = after[1:] if after[:1] in (["đã"], ["được"], ["bị"]) else after
    marker = after[0] + " " if after[:1] in (["được"], ["bị"]) else ""
    verb = _verb_at(rest)
    if verb and (marker or verb in _SUBJECT_VERBS):
        return f" {marker}{verb}"
    # the verb before the number, maybe with fillers between ("thành lập được")
    i = len(before)
    while i > 0 and before[i - 1] in _FILLERS:
        i -= 1
    for verb in _VERBS:
        k = len(verb.split())
        if before[max(0, i - k) : i] == verb.split() and verb not in _NOT_PASSIVE:
            return f" {'bị' if verb in _BI_VERBS else 'được'} {verb}"
    return ""


def _verb_at(words: list[str]) -> str | None:
    """The longest verb of ``VERBS`` the words start with."""
    for verb in _VERBS:
        if words[: len(verb.split())] == verb.split():
            return verb
    return None

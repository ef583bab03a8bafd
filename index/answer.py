"""Answer logic: from retrieved passages to the line a cadre reads first.

For count / percent / money / date questions the stored figures of the retrieved
passages are scored; for person and place questions a span is found in their
sentences. Every candidate is scored by

    passage score (relative to the best)   how well BM25 ranked its passage
  + unit match                             its unit covers the question's target noun
  + sentence overlap                       its sentence holds the question's words
  + verb match, context match              "thành lập" / "Long Biên, 2012-2020"

and the best wins; candidates that tie with it are all shown. The passage holding
the answer is moved first, as its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from index.figures import extract_figures
from index.places import PROVINCES, SURNAMES, place_keys, referred_places
from index.models import Answer, Figure, FigureHit, PassageHit
from index.query import stopwords
from index.question import VERBS, QuestionAnalysis, analyze_question
from index.text import fold, normalize

if TYPE_CHECKING:
    from index.engine import Engine

CANDIDATES = 20  # passages retrieved to look for the answer in
REL_MIN = 0.8  # a passage scoring below this share of the best cannot give the answer
TIE = 1e-6

KINDS = {
    "count": ("count", "quantity"),
    "percent": ("percent",),
    "money": ("money",),
    "date": ("date", "year"),
    # no answer type: any figure may be what is asked; listed, not stated as the answer
    "other": ("count", "quantity", "percent", "money", "date", "year"),
}
AMOUNTS = ("count", "quantity", "percent", "money")  # what "đạt bao nhiêu?" may ask
W_PASSAGE, W_UNIT, W_SENTENCE, W_VERB, W_CONTEXT = 1.0, 2.0, 2.5, 0.5, 0.5
W_PLACE = 1.0  # the figure is about the place the question names
W_STATED = 3.0  # the question states this figure itself: it is not what is asked
W_CHANGE = 1.0  # a change ("tăng thêm 1") where the question asks no change: how many, not how many more
# Figures of one unit scoring within this of the best may differ by no more than their
# passages' BM25 share (which spans W_PASSAGE * (1 - REL_MIN) among eligible passages):
# the newest dated article's goes first ("có mấy phường": the current number).
NEAR = W_PASSAGE * (1 - REL_MIN)
W_NEAR, W_VERB_NEAR = 0.3, 1.0  # question words right around the figure (idf-weighted share); its verb there
W_YEAR_NEAR = 1.5  # the year the question names is the figure's own (the last one before it)
WINDOW = 40  # characters each side of a figure that count as "right around" it

_SYL = re.compile(r"\w+")
_DOC_REF = re.compile(r"(?:Nghị quyết|Quyết định|Chỉ thị|Thông tư|Nghị định|Công văn|Kế hoạch|Luật|\d+-?[A-ZĐ]+/[A-ZĐ]+)[^.;]{0,40}$")


def syllables(text: str | None) -> set[str]:
    return set(_SYL.findall(fold(text or "").lower())) if text else set()


@dataclass
class _Question:
    analysis: QuestionAnalysis
    content: set[str]  # syllables of the question's content words
    target: set[str]
    verb: set[str]
    weighted: list[tuple[frozenset[str], float]]  # content tokens as syllable sets, with idf
    verbs: list[set[str]]  # every known verb of the question ("tự ứng cử", "bị loại")
    words: str  # the question's syllables, folded, then its tokens' (abbreviations expanded)
    stated: frozenset[tuple[float, str]]  # figures the question states: (value, first unit syllable)
    years: frozenset[str]  # years the question names ("Cả năm 2004 ...")


def _question(question: str, tokens: list[str], idf: Callable[[str], float] | None = None) -> _Question:
    qa = analyze_question(question)
    stop = stopwords()
    content_tokens = [t for t in dict.fromkeys(tokens) if t not in stop]
    content = {s for t in content_tokens for s in t.split("_")}
    weighted = [(frozenset(t.split("_")), idf(t) if idf else 1.0) for t in content_tokens]
    folded_q = fold(question).lower()
    verbs = [set(m.split()) for m in dict.fromkeys(_VERB_RE.findall(folded_q))]
    words = " ".join(_SYL.findall(folded_q) + [s for t in tokens for s in t.split("_")])
    return _Question(qa, content, syllables(qa.target), syllables(qa.verb), weighted, verbs, words, _stated(question), frozenset(_YEAR.findall(question)))


def _stated(question: str) -> frozenset[tuple[float, str]]:
    """Figures with a unit that the question itself states ("Dịp kỷ niệm 75 năm ...",
    "Danh sách 143 ứng cử viên ... có mấy người tự ứng cử?"): context, not the answer."""
    return frozenset((f.value, _first_unit_syllable(f.unit)) for f in _headline_figures(normalize(question)) if f.unit)


def _first_unit_syllable(unit: str | None) -> str:
    return fold(unit or "").lower().split(" ", 1)[0]


def _weighted_overlap(q: "_Question", have: set[str]) -> float:
    """Share of the question's words found in ``have``, each weighted by its idf: a
    place name or a rare verb counts for more than "đơn vị" or "bầu cử"."""
    total = sum(w for _, w in q.weighted)
    if not total:
        return _overlap(q.content, have)
    return sum(w for sylls, w in q.weighted if sylls <= have) / total


def _near_share(q: "_Question", around: set[str]) -> float:
    """Share of the question's words other than its target and verb found right around a
    figure, each weighted by its idf: "Tổ đảng Công ty TOYOTA có 9 đảng viên" holds the
    rare "toyota" of the question, "Công ty HONDA ... có 3 đảng viên" does not."""
    own = q.target | q.verb
    words = [(sylls, w) for sylls, w in q.weighted if not sylls <= own]
    total = sum(w for _, w in words)
    return sum(w for sylls, w in words if sylls <= around) / total if total else 0.0


def _covered(missing: set[str], context: set[str]) -> float:
    """Share of the question's words missing from a figure's sentence that its context
    holds ("quận Gò Vấp, 2000-2004"); 1 when the sentence misses none."""
    return _overlap(missing, context) if missing else 1.0


def _overlap(want: set[str], have: set[str]) -> float:
    return len(want & have) / len(want) if want else 0.0


# Nouns for people: "người" / "đồng chí" in a breakdown ("trong đó khai trừ 26 người")
# stand for any of them.
PEOPLE = frozenset(
    fold(w).lower()
    for w in (
        "đảng viên", "cán bộ", "công nhân", "ứng cử viên", "ứng viên", "đại biểu", "đoàn viên",
        "hội viên", "học sinh", "sinh viên", "cử tri", "lao động", "công chức", "viên chức",
        "chiến sĩ", "bộ đội", "thanh niên", "phụ nữ", "nông dân", "quần chúng", "ủy viên",
        "cán bộ công chức", "giáo viên", "bác sĩ", "nhân viên", "hộ", "gia đình", "trẻ em",
    )
)
GENERIC_PEOPLE = frozenset({"nguoi", "dong chi", "nguoi lao dong"})
PEOPLE_MATCH = 0.6


def _unit_match(target: set[str], unit: str | None, asked: set[str] = frozenset()) -> float:
    """Mean of recall (the target's syllables in the unit) and precision (the unit's
    syllables the question uses: "người tự ứng cử" fits "mấy người tự ứng cử")."""
    if not target or not unit:
        return 0.0
    u = syllables(unit)
    if not u:
        return 0.0
    score = (len(target & u) / len(target) + len(u & (target | asked)) / len(u)) / 2
    if score < PEOPLE_MATCH and fold(unit).lower() in GENERIC_PEOPLE and _is_people(target):
        return PEOPLE_MATCH
    return score


def _is_people(target: set[str]) -> bool:
    return any(set(p.split()) <= target for p in PEOPLE)


# --- the answer ----------------------------------------------------------------------


def answer(engine: "Engine", question: str, tokens: list[str], passages: list[PassageHit], k: int) -> Answer:
    q = _question(question, tokens, engine.index.idf)
    qtype = q.analysis.type
    result = Answer(question=question, type=qtype, query_tokens=tokens)
    if not passages:
        result.passages = []
        return result
    best_score = passages[0].score or 1.0
    rel = {p.passage_id: p.score / best_score for p in passages}

    evidence: int | None = None
    if qtype in KINDS:
        eligible = [p.passage_id for p in passages if rel[p.passage_id] >= REL_MIN]
        by_id = {p.passage_id: p for p in passages}
        figures = _score_figures(engine.figures_for(eligible) + _title_figures(passages, set(eligible)), q, rel, by_id)
        top = _ties(figures)
        if top:
            result.figures = [f for f in figures[: max(len(top), 5)]]
            if qtype != "other":
                result.answer = _figure_sentence(top)
                evidence = top[0].passage_id
    elif qtype in ("person", "place"):
        spans = _score_spans(passages, q, rel, qtype)
        if spans:
            text, pid, _ = spans[0]
            result.answer = text
            evidence = pid
    result.passages = _evidence_first(passages, evidence)[:k]
    return result


def _kinds(qa: QuestionAnalysis) -> tuple[str, ...]:
    """Figure kinds that may answer: a count question naming nothing to count ("tổng mức
    luân chuyển hàng hóa đạt bao nhiêu?") may be answered by a sum or a share too."""
    if qa.type == "count" and not qa.target:
        return AMOUNTS
    return KINDS[qa.type]


def _title_figures(passages: list[PassageHit], eligible: set[int]) -> list[FigureHit]:
    """A headline often states the key figure ("Cà Mau: kỷ luật 111 đảng viên vì không
    trồng rừng") and is indexed with every passage of its article, so its figures
    stand with the article's best retrieved passage (its sentence is the headline)."""
    seen: set[str] = set()
    out = []
    for p in passages:  # best first
        if p.passage_id not in eligible or p.article_id in seen or not p.title:
            continue
        seen.add(p.article_id)
        for f in _headline_figures(p.title):
            out.append(FigureHit(f.value, f.text, f.unit, f.kind, f.qualifier, f.context, p.article_id, p.passage_id, f.sentence))
    return out


@lru_cache(maxsize=4096)
def _headline_figures(title: str) -> tuple[Figure, ...]:
    return tuple(extract_figures(title))


def _ties(figures: list[FigureHit]) -> list[FigureHit]:
    if not figures:
        return []
    best = figures[0].score
    return [f for f in figures if abs(best - f.score) <= TIE]


def _score_figures(
    figures: Iterable[FigureHit], q: _Question, rel: dict[int, float], passages: dict[int, PassageHit]
) -> list[FigureHit]:
    kinds = _kinds(q.analysis)
    # only figures of the asked kinds delimit each other's surroundings: a year or a
    # date inside "... cả năm 2004 (527 người)" is context, not a rival answer
    figures = [f for f in figures if f.kind in kinds and rel.get(f.passage_id, 0.0) >= REL_MIN]
    windows = _windows(figures)
    places = _asked_places(q, figures)
    base: list[tuple[FigureHit, float, float]] = []  # figure, sentence-level score, local evidence
    for i, f in enumerate(figures):
        sent = _sentence_words(f.sentence, passages.get(f.passage_id))
        w = windows[i]
        unit = f.unit
        if f.kind in ("percent", "money") and not (f.unit and q.target & syllables(f.unit)):
            # what a share or a sum measures comes before it: "ứng viên trẻ tuổi chiếm
            # 22,4%", "tổng doanh số đạt 1.370 tỉ đồng", or before the sentence's first
            # figure when the words right before it name nothing asked: "tổng mức luân
            # chuyển đạt 13.552 tỉ đồng năm 2000, đến năm 2004 đã tăng lên 29.588 tỉ đồng"
            unit = " ".join(sorted(w.is_what or (w.left if q.target & w.left else w.left | w.subject)))
        unit_score = _unit_match(q.target, unit, q.content)
        if f.kind == "count" and (not f.unit or fold(f.unit).lower() in GENERIC_PEOPLE) and w.left:
            # "Tổng số đảng viên khu vực ngoài quốc doanh hiện nay là 169 đồng chí": the
            # counted noun was named before the figure
            before = w.left if q.target & w.left else w.left | w.subject
            unit_score = max(unit_score, _unit_match(q.target, " ".join(sorted(before)), q.content))
        near = _near_share(q, w.left | w.right)
        around = w.left | syllables(f.unit) | w.right
        verb_here = any(v <= around for v in q.verbs)
        score = (
            W_PASSAGE * rel.get(f.passage_id, 0.0)
            + W_UNIT * unit_score
            + W_SENTENCE * _weighted_overlap(q, sent)
            + W_VERB * (1.0 if q.verb and q.verb <= sent else 0.0)
            + W_CONTEXT * _covered(q.content - sent, syllables(f.context))
            + W_PLACE * _names_place(f, places)
        )
        if f.kind == "date":
            score += _date_adjustment(f)
        if (f.value, _first_unit_syllable(f.unit)) in q.stated:
            score -= W_STATED
        if w.change and f.qualifier not in _FROM_TO and not _asks_change(q):
            score -= W_CHANGE
        # "6 tháng đầu năm 2005 ... giới thiệu 643 đoàn viên, nhiều hơn cả năm 2004 (527
        # người)": of one sentence's figures, the one after the question's year is its
        year_here = w.year is not None and w.year in q.years
        local = W_NEAR * near + W_VERB_NEAR * verb_here + W_YEAR_NEAR * year_here
        base.append((f, score, local))
    # Local evidence only tells apart figures sharing a sentence: the sentence's best
    # figure (by both) keeps its score, each other one gains or loses the difference of
    # its local evidence to the best's, so a lone figure loses nothing and a sentence
    # with many question words around its figures outranks no other.
    best: dict[tuple[int, str], float] = {}  # the local evidence of each sentence's best
    for f, score, local in sorted(base, key=lambda b: -(b[1] + b[2])):
        best.setdefault((f.passage_id, f.sentence), local)
    scored = [replace(f, score=round(score + local - best[(f.passage_id, f.sentence)], 9)) for f, score, local in base]
    scored.sort(key=lambda f: -f.score)
    return _newest_first(scored, passages)


def _newest_first(scored: list[FigureHit], passages: dict[int, PassageHit]) -> list[FigureHit]:
    """The best figure's near rivals of the same unit (within ``NEAR``), newest article
    first (an undated one counts as oldest); the rest keep their order."""
    if len(scored) < 2:
        return scored
    best = scored[0]
    unit = _unit_key(best)
    rivals = [f for f in scored if best.score - f.score <= NEAR + TIE and _unit_key(f) == unit]
    if len(rivals) < 2:
        return scored
    rivals.sort(key=lambda f: _date_key(passages.get(f.passage_id)), reverse=True)  # stable: score order within a date
    chosen = {id(f) for f in rivals}
    return rivals + [f for f in scored if id(f) not in chosen]


def _unit_key(f: FigureHit) -> tuple[str, str]:
    return f.kind, fold(f.unit or "").lower()


def _date_key(p: PassageHit | None) -> tuple[int, int, int]:
    """(year, month, day) of a passage's article ("27/02/2020"), (0, 0, 0) if undated."""
    if p is None or not p.date:
        return (0, 0, 0)
    day, month, year = (int(x) for x in p.date.split("/"))
    return (year, month, day)


def _sentence_words(sentence: str, passage: PassageHit | None) -> set[str]:
    """Syllables of a sentence, with the places it names by level alone ("14 phường
    thuộc Quận" also holds "long", "bien" in an article on quận Long Biên)."""
    words = syllables(sentence)
    if passage is not None and _LEVEL_WORD.search(sentence):
        words |= _referred(sentence, passage.text, passage.places)
    return words


_LEVEL_WORD = re.compile(r"(?i)(?<!\w)(?:quận|huyện|tỉnh|thành|thị|phường|xã|tp)(?!\w)")


@lru_cache(maxsize=8192)
def _referred(sentence: str, passage: str, places: str | None) -> frozenset[str]:
    return frozenset(syllables(" ".join(referred_places(sentence, passage, places))))


def _asked_places(q: _Question, figures: list[FigureHit]) -> dict[str, float]:
    """Places the question names, found among the places of the candidates' contexts
    (folded keys), each with its idf weight: "Năm 2004 Thanh Hóa phải bầu lại ..." →
    {"thanh hoa": …}, "Đảng bộ quận 5 ..." → {"quan 5": …} (a context may write "Q.5")."""
    asked = f" {q.words} "
    names = {n for f in figures if f.context for n in place_keys(f.context)}
    return {n: _place_weight(q, n) for n in sorted(names) if f" {n} " in asked}


def _names_place(f: FigureHit, places: dict[str, float]) -> float:
    """Share of the places the question names that the figure's sentence or context
    names, each weighted by its idf: in "quận 5 TPHCM", a figure of quận 5 counts more
    than one of any district of the city."""
    if not places:
        return 0.0
    where = " " + " ".join(_SYL.findall(fold(f"{f.sentence} {f.context or ''}").lower())) + " "
    keys = place_keys(f.sentence) | place_keys(f.context or "")
    named = sum(w for p, w in places.items() if p in keys or f" {p} " in where)
    return named / sum(places.values())


def _place_weight(q: _Question, place: str) -> float:
    sylls = set(place.split())
    return sum(w for t, w in q.weighted if t <= sylls) or 1.0


def _windows(figures: list[FigureHit]) -> list["_Window"]:
    """Syllables just before each figure and just after its unit, within its sentence.

    A figure in a list ("thành lập được 61 chi bộ đảng, 173 tổ chức công đoàn, 104
    ...") has nothing of its own before it but a comma: it inherits the words before
    the list, so "thành lập" is near all three numbers.
    """
    out: list[_Window] = [_NO_WINDOW] * len(figures)
    by_sentence: dict[tuple[int, str], list[int]] = {}
    for i, f in enumerate(figures):
        by_sentence.setdefault((f.passage_id, f.sentence), []).append(i)
    for (_, sentence), members in by_sentence.items():
        cursor, inherited = 0, ""
        spans = []
        for i in members:  # figures come in text order
            f = figures[i]
            at = sentence.find(f.text, cursor)
            if at < 0:
                spans.append(None)
                continue
            end = at + len(f.text)
            if f.unit and sentence.startswith(f.unit, end + 1):
                end += 1 + len(f.unit)
            spans.append((at, end))
            cursor = end
        # the sentence with every figure and its unit blanked: what governs the figures
        gaps = list(fold(sentence).lower())
        for sp in spans:
            if sp:
                gaps[sp[0] : sp[1]] = " " * (sp[1] - sp[0])
        gap_text = "".join(gaps)
        prev_end, head = 0, ""
        first = next((sp[0] for sp in spans if sp), 0)
        subject = syllables(sentence[:first][-2 * WINDOW :])  # before the sentence's first figure
        for n, i in enumerate(members):
            if spans[n] is None:
                continue
            at, end = spans[n]
            own = sentence[prev_end:at]
            if prev_end and not figures[i].unit and _ELLIPSIS.fullmatch(own) and not _VERB_RE.search(fold(own).lower()):
                # an elliptical item (no unit, no verb of its own) shares the list's head:
                # "tỷ lệ ứng cử viên nữ chiếm 39%, trẻ tuổi 22,4%" — 22,4% is of
                # "ứng cử viên trẻ tuổi"
                inherited = head + " " + own
            elif prev_end and _COPULA.match(own):
                pass  # "31% là cán bộ nữ, 7% ...": what follows "là" is the previous figure's
            elif not _LIST_GAP.fullmatch(own):
                inherited = head = own[-WINDOW:]
            nxt = next((spans[m][0] for m in range(n + 1, len(members)) if spans[m]), len(sentence))
            right = _CLAUSE_END.split(sentence[end : min(nxt, end + WINDOW)], maxsplit=1)[0]
            copula = _COPULA.match(right)
            years = _YEAR.findall(gap_text, 0, at)
            out[i] = _Window(
                syllables(inherited),
                syllables(right),
                _last_verb(gap_text[:at]),
                years[-1] if years else None,
                subject,
                syllables(right[copula.end() :]) if copula else set(),
                bool(_CHANGE_BEFORE.search(gap_text, 0, at)),
            )
            prev_end = end
    return out


_CLAUSE_END = re.compile(r"[,;:.()!?]")
_LIST_GAP = re.compile(r"[\s,;và-]*")
_COPULA = re.compile(r"\s*là\s")  # "31% là cán bộ nữ"
_ELLIPSIS = re.compile(r"\s*[,;]\s*(?:\w+\s+){1,3}")  # ", trẻ tuổi " between two figures
_VERB_RE = re.compile(r"\b(?:" + "|".join(re.escape(fold(v).lower()) for v in sorted(VERBS, key=len, reverse=True)) + r")\b")


@dataclass(frozen=True)
class _Window:
    left: set[str]
    right: set[str]
    verb: str | None  # the last known verb before the figure, outside other figures
    year: str | None  # the last year written before the figure in its sentence
    subject: set[str]  # what the sentence says before its first figure
    is_what: set[str]  # the words after "là" right after the figure ("31% là cán bộ nữ")
    change: bool  # a change, not a total: "tăng thêm 1 phó chủ tịch", "giảm 28%"


_NO_WINDOW = _Window(set(), set(), None, None, set(), set(), False)
_CHANGE_BEFORE = re.compile(r"(?<!\w)(?:them|tang|giam|bot)\s*$")  # folded
_CHANGE_ASKED = re.compile(r"(?<!\w)(?:them|tang|giam|bot|thay doi|chenh lech|bien dong)(?!\w)")
_FROM_TO = frozenset({"từ", "đến", "tới", "lên tới", "lên đến"})  # "tăng từ 415.000 lên 587.000 km²": totals


def _asks_change(q: "_Question") -> bool:
    return _CHANGE_ASKED.search(q.words) is not None
_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d.,]\d)")


def _last_verb(text: str) -> str | None:
    last = None
    for m in _VERB_RE.finditer(text):
        last = m.group(0)
    return last


def _date_adjustment(f: FigureHit) -> float:
    """A date right after a document reference ("Nghị quyết 09-NQ/TU ngày ...") dates the
    document, not the event; among the rest, earlier in the sentence is likelier."""
    at = f.sentence.find(f.text)
    before = f.sentence[:at] if at >= 0 else ""
    penalty = -0.8 if _DOC_REF.search(before) else 0.0
    return penalty - 0.1 * (at / max(1, len(f.sentence)) if at >= 0 else 0.5)


def _figure_sentence(top: list[FigureHit]) -> str:
    parts = []
    for f in top[:3]:
        unit = f" {f.unit}" if f.unit and f.kind not in ("percent", "date") else ""
        if f.kind == "percent" and f.unit:
            unit = f" {f.unit}"
        parts.append(f"{f.text}{unit}")
    line = "; ".join(parts)
    if top[0].context and top[0].kind != "date":  # a date's context is mostly other dates
        line += f" — {top[0].context}"
    return line


def _evidence_first(passages: list[PassageHit], passage_id: int | None) -> list[PassageHit]:
    if passage_id is None:
        return passages
    first = [p for p in passages if p.passage_id == passage_id]
    return first + [p for p in passages if p.passage_id != passage_id]


# --- person and place spans ------------------------------------------------------------

# Vietnamese capital letters (a range like À-Ỹ would also take "ố", "á" ...)
_UP = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x1EFA)) if c.isupper() and c.isalpha())
_NAME = rf"[{_UP}]\w*"
_PERSON = re.compile(
    rf"(?:(?P<title>[Đđ]ồng chí|[Đđ]/c|[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị)\s+)?(?P<name>{_NAME}(?:\s+{_NAME}){{1,5}})"
)
# Capitalised words that start or end a run of capitals without being part of a name
# ("Quận", "Bí Thư", "Chủ Tịch" ...). Compared as written: folded, "Thành" would also
# strike "Thanh", "Chỉ Thị" every "Thị", "Quốc Hội" every "Quốc".
_NOT_NAME = frozenset(
    (
        "Quận Huyện Tỉnh Thành Phường Xã Ủy Uỷ Ban Hội Đảng Nhà Nước Phòng Sở Bộ Trung Ương Chính Phủ "
        "Đoàn Công Ty Tổng Liên Đại Nghị Quyết Chỉ Thị Mặt Trận Thường Vụ Trưởng Phó Bí Thư Chủ Tịch Giám Đốc "
        "Việt Nội TP HCM Sáng Chiều Tối Ngày Tháng Theo Trong Tại Với Sau Khi Đây Đồng Chí Ông Bà "
        "Viện Trường Cục Khối Doanh Nghiệp Chi Hiệp Cộng Sản Nhân Dân Tòa Án Kiểm Sát Công An Quân Quốc"
    ).split()
)
_PROVINCE_NAMES = frozenset(PROVINCES)
_PLACE = re.compile(rf"\b(?:tại|ở)\s+(?P<place>[^,.;:!?\n()]{{3,80}})")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+|\n", text) if s.strip()]


def _not_name(word: str) -> bool:
    return word in _NOT_NAME or (len(word) > 1 and word.isupper())  # or an acronym: LĐLĐ, HĐND


def _person_candidates(sentence: str) -> Iterable[tuple[str, float]]:
    for m in _PERSON.finditer(sentence):
        words = m.group("name").split()
        # drop ranks, organizations and acronyms around the name ("Chủ tịch LĐLĐ TPHCM
        # Nguyễn Huy Cận"); a name that starts with a surname may hold any syllable
        # ("Trần Quốc Huê"), other runs of capitals none of those words
        while words and words[0] not in SURNAMES and _not_name(words[0]):
            words.pop(0)
        while words and _not_name(words[-1]):
            words.pop()
        surname = bool(words) and words[0] in SURNAMES
        words = words[:4]
        if not 2 <= len(words) <= 4 or " ".join(words) in _PROVINCE_NAMES:
            continue
        if not surname and any(_not_name(w) for w in words):
            continue
        bonus = (0.6 if m.group("title") else 0.0) + (0.3 if surname else 0.0)
        yield " ".join(words), bonus


def _place_candidates(sentence: str) -> Iterable[tuple[str, float]]:
    for m in _PLACE.finditer(sentence):
        place = m.group("place").strip(" -")
        bonus = 0.4 if place[:1].isupper() else 0.0
        yield place, bonus


def _span_window(sentence: str, at: int, length: int) -> set[str]:
    """Syllables around a span: back to the clause start, and ahead over two clauses (a
    subject's verb may follow its title: "đồng chí Nguyễn Văn Yểu, Trưởng Ban Kiểm
    phiếu, đọc danh sách")."""
    if at < 0:
        return set()
    left = _CLAUSE_END.split(sentence[max(0, at - WINDOW) : at])[-1]
    right = "".join(_CLAUSE_END.split(sentence[at + length : at + length + 2 * WINDOW])[:3])
    return syllables(left) | syllables(right)


def _score_spans(passages: list[PassageHit], q: _Question, rel: dict[int, float], kind: str) -> list[tuple[str, int, float]]:
    """Person or place spans of the passages' sentences, best first. Like figures, the
    words and the verb of the question right around a span only tell apart the spans of
    one sentence: "đồng chí Nguyễn Văn Yểu, Trưởng Ban Kiểm phiếu, đọc danh sách"."""
    find = _person_candidates if kind == "person" else _place_candidates
    scored: list[tuple[str, int, float, float, str]] = []  # span, passage, score, local, sentence
    for p in passages[:CANDIDATES]:
        if rel.get(p.passage_id, 0.0) < REL_MIN:
            continue
        for sent in _sentences(p.text):
            ssyl = _sentence_words(sent, p)
            base = W_PASSAGE * rel.get(p.passage_id, 0.0) + W_SENTENCE * _weighted_overlap(q, ssyl)
            base += W_VERB * (1.0 if q.verb and q.verb <= ssyl else 0.0)
            for span, bonus in find(sent):
                span_syl = syllables(span)
                if span_syl and span_syl <= q.content:
                    continue  # the question already names it: not the answer
                around = _span_window(sent, sent.find(span), len(span))
                local = W_NEAR * _near_share(q, around) + W_VERB_NEAR * any(v <= around for v in q.verbs)
                scored.append((span, p.passage_id, base + bonus, local, sent))
    best: dict[tuple[int, str], float] = {}
    for _, pid, score, local, sent in sorted(scored, key=lambda c: -(c[2] + c[3])):
        best.setdefault((pid, sent), local)
    out = [(span, pid, score + local - best[(pid, sent)]) for span, pid, score, local, sent in scored]
    out.sort(key=lambda x: -x[2])
    return out

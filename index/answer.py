"""Answer logic: from candidates to what the bot may say.

    Question ─► candidates (index/candidates.py) ─► scorer (index/scorer.py) ─► Answer

A pure function of (question, passages, figures, scorer): no database, no index.

* ``answered``: the best candidate's confidence is at or above the threshold
  (``HOIDAP_MIN_CONFIDENCE``, default chosen when the scorer was fitted): ``answer``
  is its line, shown in bold.
* ``uncertain``: a best candidate exists but is not trusted enough: ``best`` holds
  its line ("Có thể là: …"), ``answer`` stays empty; questions of no known type
  ("... là gì?") are never stated, nor a candidate whose own sentence or context names
  only other places than the question's, or that counts other things, or that is a
  share of capital for a percent question about something else, or that speaks of
  another numbered event, region, country or landmark, or of a deputy for the head asked
  (``contradiction``), nor one whose article never names a place the question typed
  without diacritics or capitals ("tinh an giang") or a landmark it names ("núi Hàm
  Rồng": ``unseen``), nor one whose passage lacks the asked place or year that only
  another passage of its article writes (``_written_elsewhere``).
* ``not_found``: no passage; or no candidate of the asked kind or unit; or the place or
  year the question names is absent from every candidate's passage and from the best
  candidate's whole article too; or the organizations it names are absent from every
  candidate's passage, one of them a brand ("Công ty Daishin"), and the scorer is not
  confident:
  ``missing`` says what the corpus does not speak of ("quận Hoàn Kiếm"), and the
  closest passages follow.

The passage holding the best candidate goes first, as its evidence, kept even when
it ranked past ``k``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache

from index.candidates import REL_MIN, SPAN_TYPES, UNIT_SOME, Candidate, asks_effect, asks_issuing, candidates, names_asked_place, passage_folded, takes_effect
from index.figures import _MULT_START_QUALIFIERS as MULT_START_QUALIFIERS
from index.models import Answer, FigureHit, PassageHit
from index.mismatch import countries, deputy_of_asked, other_event, other_landmark, other_milestone, other_month, other_season, regions, title_of
from index.parse import YEAR, Question, names_a_brand, syllables
from index.places import HCM_TYPED, find_places, place_keys, place_of
from index.scorer import HAND, Scorer
from index.text import fold

TIE = 1e-9
NEAR = 0.1  # rivals of one unit within this score of the best: the newest article's first
STATED_TYPES = ("count", "percent", "money", "date", "person", "place")
#: The qualifiers ``index.figures`` gives number words of an order of size ("hàng trăm",
#: "vài chục", "dăm bảy"): no figure a count can be stated from.
ORDER_OF_SIZE = frozenset(MULT_START_QUALIFIERS)


def answer(
    q: Question,
    passages: list[PassageHit],
    figures: list[FigureHit],
    scorer: Scorer = HAND,
    k: int = 5,
    min_confidence: float | None = None,
    articles: Mapping[str, str] | None = None,
) -> Answer:
    """What to say to ``q`` from the retrieved ``passages`` (best first) and the stored
    ``figures`` of those passages; ``articles``: whole texts of their articles by id
    (read for a question naming a landmark, a name, a place or a year, and only where an
    answer needs one; else the passages stand for them)."""
    result = Answer(question=q.text, type=q.type, query_tokens=list(q.tokens))
    if not passages:
        return result  # not_found, nothing close
    threshold = scorer.min_confidence if min_confidence is None else min_confidence
    ranked = scorer.rank(candidates(q, passages, figures))
    ranked = _newest_first(ranked, {p.passage_id: p for p in passages})
    ranked = _qualifier_first(q, ranked)
    ranked = _asked_end_first(q, ranked)
    ranked = _article_one_behind(ranked)
    evidence = ranked[0].passage_id if ranked else None
    if ranked and ranked[0].figure is not None:
        result.figures = [replace(c.figure, score=round(c.probability, 6)) for c in _distinct(ranked)[:5]]
    confidence = scorer.confidence(ranked) if ranked else 0.0
    elsewhere = _written_elsewhere(q, ranked, articles)
    missing = _missing(q, ranked, confident=confidence >= threshold, elsewhere=elsewhere)
    if missing is not None:
        result.status, result.missing = "not_found", missing
        result.passages = shown(passages, k)
        return result
    if not ranked:
        result.status, result.passages = "uncertain", shown(passages, k)
        return result
    top = ranked[0]
    result.best = top.text if top.figure is None else figure_line([c.figure for c in _ties(ranked)])
    result.confidence = confidence
    held = None
    not_here = "elsewhere" if elsewhere else None  # the asked place or year: in another paragraph
    if q.type in STATED_TYPES and result.confidence >= threshold:
        held = contradiction(q, top) or not_here or unseen(q, top, passages, articles)
        if held is None:
            result.status, result.answer = "answered", result.best
    if result.status != "answered":
        result.status = "uncertain"
        held = held or not_here  # said below the threshold too
        result.caveat = caveat(q, held, passages, articles, top.article_id, elsewhere) if held else None
    # the evidence first when it is stated, or when its passage ranks close to the best;
    # an uncertain guess from further down goes second (still shown, not promoted)
    lead = result.status == "answered" or top.features.get("rel", 0.0) >= REL_MIN
    result.passages = shown(_evidence_at(passages, evidence, 0 if lead else 1), k, evidence)
    return result


def _missing(q: Question, ranked: list[Candidate], *, confident: bool, elsewhere: frozenset[str] = frozenset()) -> str | None:
    """What the corpus does not speak of, or None when some candidate may answer.

    Organizations the question names, none in any candidate's passage, say "not found"
    only when one is named by a brand ("Công ty Daishin", ``names_a_brand``; the message
    names the brands) and the scorer is not ``confident``. Names in Vietnamese words or
    acronyms ("Sở GTCC", "Đoàn TNCS") are parsed too loosely for their absence to mean
    much: over ~13,000 older evaluation questions, such a "not found" was said of
    answerable questions more than twice as often as of near misses; a brand's the other
    way round. Places and years are read exactly and decide, unless the best candidate's
    article writes them elsewhere (``elsewhere``: "place", "year")."""
    if not ranked:
        if q.type in SPAN_TYPES:
            return "người được hỏi" if q.type == "person" else "địa điểm được hỏi"
        if q.type in ("count", "percent", "money", "date"):
            return _about(q)
        return None  # a question of no known type: the passages are all there is
    if q.type == "count" and q.target_syllables and all(c.features.get("unit_none") for c in ranked):
        return q.written(q.target) or _about(q)
    if q.places and "place" not in elsewhere and all(c.features.get("place_absent") for c in ranked):
        return _place_names(q) or _about(q)
    if q.years and "year" not in elsewhere and all(c.features.get("year_absent") for c in ranked):
        return "năm " + ", ".join(sorted(q.years))
    if q.organizations and not confident and all(c.features.get("org_absent") for c in ranked):
        brands = [w for w in (q.written(o) for o in q.organizations) if w and names_a_brand(w)]
        return ", ".join(brands) or None
    return None


def _written_elsewhere(q: Question, ranked: list[Candidate], articles: Mapping[str, str] | None) -> frozenset[str]:
    """What of the asked place ("place") and year ("year") no candidate's passage gives
    (``_missing`` would say "not found" of it) but the best candidate's whole article
    writes, elsewhere: the corpus does speak of it. News seldom repeats the year or the
    province in each paragraph; such an answer is offered as uncertain, never stated.
    Not where the best candidate's own sentence names another year or place instead: a
    figure of 2005 is no guess for 2006 ("not found" stands)."""
    if not ranked or not articles or ranked[0].article_id not in articles:
        return frozenset()
    top, found = ranked[0], set()
    if q.places and not top.features.get("place_other_here") and all(c.features.get("place_absent") for c in ranked):
        text = articles.get(top.article_id, "")  # "": deleted since the index snapshot
        if names_asked_place(q, place_keys.__wrapped__(text), _spaced(text)):  # uncached: a whole article
            found.add("place")
    if q.years and not top.features.get("year_other_here") and all(c.features.get("year_absent") for c in ranked):
        if q.years & frozenset(YEAR.findall(articles.get(top.article_id, ""))):
            found.add("year")
    return frozenset(found)


def contradiction(q: Question, top: Candidate) -> str | None:
    """Why the best candidate speaks of something else than the question asks, however
    confident the scorer is, or None:

    * ``other_event``: its sentence numbers the question's event otherwise ("kỳ họp thứ 7"
      for "kỳ họp thứ 6", "giai đoạn 1" for "giai đoạn 2");
    * ``other_month``: its sentence names only other months ("tháng 10" for "tháng 11");
    * ``other_season``: its sentence or context names only other one-year spans ("năm học
      2006-2007" for "năm học 2007-2008");
    * ``other_milestone``: a date whose sentence names only the opposite start or end of a
      work or meeting ("khởi công ngày 16/10" for "dự kiến hoàn thành ngày nào?");
    * ``other_region``: it names only other regions ("Tây Nguyên" for "Tây Nam Bộ");
    * ``other_country``: it names only other foreign countries ("tại Pháp" for "tại Mỹ");
    * ``other_landmark``: it names only other landmarks of the asked kind ("cảng Vũng Áng"
      for "cảng Cửa Lò");
    * ``deputy``: a person whose own title makes them the deputy of the office asked
      ("ông X, Phó chủ tịch UBND xã" for "Chủ tịch UBND xã ... là ai?");
    * ``other_place``: a figure whose own sentence or context names only other places
      than the question's ("30,3% — quận Bình Thạnh" for quận 2), or the asked district's
      city and only another district of it ("TP Hồ Chí Minh, Q.7" for quận 12);
    * ``other_unit``: a count of other things than the question's ("3 thí sinh" for "bao
      nhiêu cán bộ");
    * ``ownership``: a share of capital ("100% vốn") for a percent question that does not
      speak of capital;
    * ``vague``: a figure that is no number but an order of size ("hàng trăm hộ dân",
      "vài chục con vịt"): it answers no "bao nhiêu";
    * ``range``: one end of a range its sentence gives ("giảm từ 10%-25%" → "25%"): the
      sentence says which share applies to what, or not at all;
    * ``effective_date``: the day a document takes effect ("có hiệu lực từ ngày 15-2")
      for a question asking when it was signed or issued.

    Out of fold, figures naming other places or things were right about three times in
    four; on the sets tuned on, the first three almost never (``bench/stating_vetoes.py``).
    Such a candidate is offered as uncertain, never stated."""
    context = (top.figure.context or "") if top.figure is not None else ""
    if other_event(q.events, f"{top.sentence} {context}"):
        return "other_event"
    if other_month(q.months, top.sentence):  # a context's month may date the article
        return "other_month"
    if other_season(q.seasons, top.sentence, context):
        return "other_season"
    if other_milestone(q.milestones, top.sentence):
        return "other_milestone"
    if _only_others(q.regions, regions, f"{top.sentence} {context}"):
        return "other_region"
    if _only_others(q.countries, countries, f"{top.sentence} {context}"):
        return "other_country"
    if other_landmark(q.landmarks, f"{top.sentence} {context}"):
        return "other_landmark"
    if top.figure is None:
        # a person holding the asked office of another place ("Chủ tịch UBND TP Cần Thơ" for
        # the one of quận Cái Răng); else a span's sentence may name a place inside the asked one
        if top.features.get("role_elsewhere"):
            return "office_elsewhere"
        deputy = q.type == "person" and deputy_of_asked(q.heads_asked, title_of(top.sentence, top.text))
        return "deputy" if deputy else None
    f = top.features
    if top.figure.qualifier in ORDER_OF_SIZE:
        return "vague"
    if top.figure.kind != "date" and range_end(top.figure.text, top.sentence) and not _BOUND_ASKED.search(q.folded):
        return "range"
    if top.figure.kind == "date" and asks_issuing(q) and not asks_effect(q) and takes_effect(top.figure):
        return "effective_date"
    if q.type == "percent" and _ownership(top.figure, q):
        return "ownership"
    if f.get("unit_none") and q.type == "count":
        # a sum or a share has its own unit (đồng, %): "bao nhiêu tiền" names no unit
        return "other_unit"
    if f.get("place_other_here"):
        return "other_place"
    if q.places and top.figure.context:
        named = place_keys(top.figure.context)
        if named and not (named & q.places) and not _written_in(q, named):
            return "other_place"
        # the asked district's city shared, another district of it named instead
        # ("241 vụ — TP Hồ Chí Minh, Q.7" for quận 12 of TP Hồ Chí Minh)
        asked = districts(q.expanded) | {k for k in q.places if _NUMBERED_DISTRICT.match(k)}  # "quan 12" typed
        here = districts(top.figure.context)
        if not asked or not here or asked & here or _written_in(q, here):
            return None
        # the context keeps the nearest places only: the figure's own clause may name the asked one
        return None if asked & districts(_clause_of(top.sentence, top.figure.text)) else "other_place"
    return None


def _clause_of(sentence: str, text: str) -> str:
    """The part of ``sentence`` between semicolons that holds ``text`` ("... (Q.4) có 20
    vụ; ... (Q.1) có 4 vụ": each count with its own district)."""
    return next((part for part in sentence.split(";") if text in part), sentence)


def _written_in(q: Question, keys: frozenset[str]) -> bool:
    """The question names one of the place ``keys`` in a way the place reader does not
    take: typed without diacritics ("tinh quang nam", ``typed_places``; Hồ Chí Minh is
    left out: a name of so much else), or a name of two words or more written with
    capitals and no capitalized word before it ("tại Bình Chánh"; not "Thái Bình Dương",
    nor the one-word or lower-case names that are common words: "năm", "vinh danh")."""
    if keys & (q.typed_places - {"ho chi minh"}):
        return True
    written = fold(q.expanded)  # capitals kept
    for k in keys:
        if " " not in k:
            continue
        for m in re.finditer(r"(?<!\w)" + re.escape(k.title()) + r"(?!\w)", written):
            before = re.search(r"(\w+)\s+$", written[: m.start()])
            if not (before and before.group(1)[:1].isupper()):
                return True
    return False


_DISTRICT_LEVELS = frozenset({"quận", "huyện", "thị xã"})
_NUMBERED_DISTRICT = re.compile(r"quan \d")


def districts(text: str) -> frozenset[str]:
    """Keys of the districts (quận, huyện, thị xã) ``text`` names by their level word:
    "TP Hồ Chí Minh, Q.7" → {"quan 7"}; a province or a ward is none."""
    out: set[str] = set()
    for x in find_places(text):
        p = place_of(x.text)
        if p is not None and p.level in _DISTRICT_LEVELS:
            out |= place_keys(x.text)
    return frozenset(out)


_NUM = r"\d[\d.,]*"
_SEP = r"\s*(?:-|–|—)\s*"
_YEARS = re.compile(r"(?:19|20)\d\d" + _SEP + r"(?:19|20)\d\d")  # a term ("2004-2009"): no range of amounts
#: a question asking for a bound ("tối đa", "cao nhất") is answered by an end of a range
_BOUND_ASKED = re.compile(r"\b(toi da|toi thieu|cao nhat|thap nhat|nhieu nhat|it nhat)\b")


def range_end(text: str, sentence: str) -> bool:
    """``text`` (a figure as written) stands in ``sentence`` only as an end of a range:
    "10%-25%", "từ 15 - 20 triệu", "3-5 người" ("25%" of "giảm từ 10%-25% giá vé" answers
    no "bao nhiêu %" by itself). Every place the text is written must be a range's end, so
    "hôm 15-3, ... 15 sản phẩm" is no range for "15"; a term of years is none either."""
    if not text:
        return False
    ends = 0
    spans = list(re.finditer(r"(?<![\d.,])" + re.escape(text) + r"(?![.,]?\d)", sentence))
    for m in spans:
        before = re.search(_NUM + r"\s*%?" + _SEP + r"$", sentence[: m.start()])
        after = re.match(_SEP + _NUM, sentence[m.end() :])
        pair = (before.group(0) + text) if before else (text + after.group(0)) if after else None
        if pair is None or _YEARS.search(pair):
            return False
        ends += 1
    return ends > 0


def _ownership(figure: FigureHit, q: Question) -> bool:
    """A share of capital ("100% vốn nước ngoài", "51% vốn nhà nước") says who owns a
    company: it answers a percent question only when the question speaks of capital
    ("vốn"), not a pay rise or a turnout asked of that company."""
    return "von" in syllables(figure.unit) and "von" not in q.words.split()


def _only_others(asked: frozenset[str], read: Callable[[str], frozenset[str]], text: str) -> bool:
    """``text`` names regions or countries (``read``), none of those the question asks
    (``asked``): "Tây Nguyên" for "Tây Nam Bộ", "tại Pháp" for "tại Mỹ"."""
    named = read(text) if asked else frozenset()
    return bool(named) and not named & asked


#: How a passage may write a place typed as its gazetteer key.
_WRITTEN_AS = {"ho chi minh": HCM_TYPED}


def unseen(q: Question, top: Candidate, passages: list[PassageHit], articles: Mapping[str, str] | None = None) -> str | None:
    """What the question names that the best candidate's article never writes, or None:
    a place typed without diacritics (``typed_place``: read in the retrieved passages), a
    landmark (``landmark``: "núi Hàm Rồng" asked, an article on núi Khỉ answering) or a
    proper name (``name``: "ở Bảo Lộc" asked, an article on Đà Lạt's villas answering);
    the last two read in the whole article when ``articles`` holds it. Such an answer may
    be about another one, however confident: offered as uncertain, never stated."""
    if _typed_place_unseen(q, top, passages):
        return "typed_place"
    if not q.landmarks and not q.names:
        return None
    text = _article_words(top.article_id, passages, articles)
    if q.landmarks and not any(f" {name} " in text for _, name in q.landmarks):
        return "landmark"
    if any(f" {name} " not in text for name in q.names):
        return "name"
    return None


#: Why a confident answer is held back (``contradiction``, ``unseen``), as the reader is
#: told after "chưa chắc chắn"; the unseen ones name what the article never writes.
CAVEATS = {
    "other_event": "đoạn trích nói về một kỳ, đợt hoặc sự kiện khác",
    "other_month": "đoạn trích nói về tháng khác",
    "other_season": "đoạn trích nói về năm học, niên vụ khác",
    "other_milestone": "đoạn trích nói về mốc khác của công việc (khởi công / hoàn thành, khai mạc / bế mạc)",
    "other_region": "đoạn trích nói về vùng khác",
    "other_country": "đoạn trích nói về nước khác",
    "other_landmark": "đoạn trích nói về một công trình, địa danh khác",
    "office_elsewhere": "người này giữ chức đó ở địa phương khác",
    "deputy": "người này là cấp phó, không phải người đứng đầu",
    "vague": "bài chỉ nêu con số ước chừng",
    "range": "bài nêu một khoảng, không phải một con số",
    "effective_date": "đây là ngày có hiệu lực, không phải ngày ký, ban hành",
    "ownership": "đây là tỷ lệ vốn sở hữu",
    "other_unit": "con số đếm thứ khác với câu hỏi",
    "other_place": "con số nói về địa phương khác",
}
_NOT_WRITTEN = "bài nguồn không nhắc đến {}"


def caveat(
    q: Question, held: str, passages: list[PassageHit], articles: Mapping[str, str] | None, article_id: str,
    elsewhere: frozenset[str] = frozenset(),
) -> str:
    """What to tell the reader of a confident answer held back for ``held`` (a reason of
    ``contradiction`` or ``unseen``): "bài nguồn không nhắc đến Bảo Lộc"."""
    if held in CAVEATS:
        return CAVEATS[held]
    if held == "elsewhere":  # the article writes them, not the passage answering
        parts = (["không nhắc đến " + (_place_names(q) or "nơi được hỏi")] if "place" in elsewhere else []) + (
            ["không ghi năm " + ", ".join(sorted(q.years))] if "year" in elsewhere else []
        )
        return "đoạn trích " + " và ".join(parts) + " (bài nguồn có nhắc ở đoạn khác)"
    if held == "name":
        text = _article_words(article_id, passages, articles)
        absent = sorted(n for n in q.names if f" {n} " not in text)
    elif held == "landmark":
        absent = sorted(f"{kind} {name}" for kind, name in q.landmarks)
    else:  # typed_place
        absent = sorted(q.typed_places)
    return _NOT_WRITTEN.format(", ".join(q.written(a) or a for a in absent[:2]) or "nơi được hỏi")


def _article_words(article_id: str, passages: list[PassageHit], articles: Mapping[str, str] | None) -> str:
    """An article's words, folded and spaced: the whole article where ``articles`` holds
    it, else its retrieved passages (headline, text, resolved places)."""
    whole = (articles or {}).get(article_id)
    return _spaced(whole) if whole is not None else " ".join(passage_folded(p) for p in passages if p.article_id == article_id)


def _spaced(text: str) -> str:
    """A text folded, lower case, as spaced words (`` cang cua lo ``)."""
    return " " + " ".join(re.findall(r"\w+", fold(text).lower())) + " "


def _typed_place_unseen(q: Question, top: Candidate, passages: list[PassageHit]) -> bool:
    """The question names places typed in lower case or without diacritics ("ubnd tinh an
    giang", "o ninh thuan"), and no retrieved passage of the best candidate's article
    (headline, text, resolved places) names any of them. Such a question names no place
    the scorer reads, so an answer about another province (Kiên Giang's budget for An
    Giang's) reads as confident as a right one: offered as uncertain, never stated."""
    if not q.typed_places:
        return False
    text = " ".join(passage_folded(p) for p in passages if p.article_id == top.article_id)
    return not any(f" {w} " in text for k in q.typed_places for w in _WRITTEN_AS.get(k, (k,)))


def figure_line(top: list[FigureHit]) -> str:
    """The short line a cadre reads first: the figure(s) with their unit, then the
    context of the first ("61 chi bộ đảng — quận Long Biên, giai đoạn 2012-2020")."""
    parts: list[str] = []
    for f in top[:3]:
        # a unit written into the figure ("0,95%/tháng") is not repeated
        unit = f" {f.unit}" if f.unit and f.kind != "date" and not f.text.endswith(f.unit) else ""
        if f"{f.text}{unit}" not in parts:  # one article printed by two papers: said once
            parts.append(f"{f.text}{unit}")
    line = "; ".join(parts)
    if top[0].context and top[0].kind != "date":  # a date's context is mostly other dates
        line += f" — {top[0].context}"
    return line


def _about(q: Question) -> str:
    return q.written(q.target) or {"percent": "tỷ lệ được hỏi", "money": "số tiền được hỏi", "date": "thời gian được hỏi"}.get(q.type, "số liệu được hỏi")


def _place_names(q: Question) -> str:
    names = []
    for x in find_places(q.expanded):
        p = place_of(x.text)
        if p is not None and p.text not in names:
            names.append(p.text)
    return ", ".join(names) if names else ", ".join(sorted(q.places))


def _ties(ranked: list[Candidate]) -> list[Candidate]:
    best = ranked[0].score
    return [c for c in _distinct(ranked) if c.figure is not None and abs(best - c.score) <= TIE]


def _distinct(ranked: list[Candidate]) -> list[Candidate]:
    """The best candidate of each figure (a headline's figure and its sentence twin count once)."""
    seen: set[tuple] = set()
    out = []
    for c in ranked:
        key = (c.key, c.passage_id, c.sentence)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _newest_first(ranked: list[Candidate], passages: dict[int, PassageHit]) -> list[Candidate]:
    """The best candidate's near rivals of the same unit (within ``NEAR``), newest
    article first (an undated one counts as oldest); the rest keep their order."""
    if len(ranked) < 2 or ranked[0].figure is None:
        return ranked
    best = ranked[0]
    unit = _unit_key(best)
    rivals = [c for c in ranked if best.score - c.score <= NEAR and _unit_key(c) == unit]
    if len(rivals) < 2:
        return ranked
    rivals.sort(key=lambda c: _date_key(passages.get(c.passage_id)), reverse=True)
    chosen = {id(c) for c in rivals}
    return rivals + [c for c in ranked if id(c) not in chosen]


#: How a question asks for an approximate figure ("hơn bao nhiêu", "khoảng mấy") and how a
#: figure is written approximately (``FigureHit.qualifier``), by sense; the question's word
#: as written or wholly unaccented ("hon bn"), never another word it folds to ("máy",
#: "gắn", "chung"). Longest first: "trên dưới" is about, "không dưới" at least. "tới" and
#: "đến" alone are left out: on a figure they mostly end a range or a change ("từ 6.000
#: đến 7.000"), in a question they stress a number ("có tới bao nhiêu").
_SENSE_WORDS: dict[str, str] = {
    "trên dưới": "about", "khoảng chừng": "about", "xấp xỉ": "about", "ước tính": "about",
    "không dưới": "at least", "ít nhất": "at least", "tối thiểu": "at least",
    "không quá": "at most", "tối đa": "at most", "chưa đến": "under", "chưa tới": "under",
    "lên tới": "up to", "lên đến": "up to", "hơn": "more", "trên": "more", "gần": "near",
    "ngót": "near", "khoảng": "about", "chừng": "about", "dưới": "under",
}  # fmt: skip
_SENSES = {**_SENSE_WORDS, **{fold(w): sense for w, sense in _SENSE_WORDS.items() if fold(w) != "chung"}}
_ASKED_SENSE = re.compile(
    r"(?<!\w)(\w+ )?(" + "|".join(sorted(map(re.escape, _SENSES), key=len, reverse=True)) + r") (?:bao nhiêu|bao nhieu|mấy|may)(?!\w)"
)
#: Words before "hơn" / "trên" ... that make it a comparison ("cao hơn bao nhiêu", "tăng
#: hơn bao nhiêu so với"): no approximation asked.
_COMPARATIVES = frozenset(
    "cao thấp nhiều ít lớn nhỏ tăng giảm dài ngắn rộng hẹp nhanh chậm sớm muộn đắt rẻ nặng nhẹ xa "
    "thap nhieu it lon nho tang giam dai ngan rong hep nhanh cham som muon dat re nang nhe".split()
)
#: How far below the best (ranker logit) a figure of the asked sense may stand and still lead.
QUALIFIER_MARGIN = 2.0


def _qualifier_first(q: Question, ranked: list[Candidate]) -> list[Candidate]:
    """A question asking "hơn bao nhiêu" / "khoảng mấy" is answered by a figure written
    "hơn 600" / "khoảng 10": when the best figure is written otherwise, the first figure
    of its article written with the asked sense, of its kind and no worse unit match,
    within ``QUALIFIER_MARGIN`` of it, leads. Not for a comparison ("cao hơn bao nhiêu",
    "... so với ..."). Its confidence is then the calibrator's for a lead that trails its
    rival: a lifted figure is mostly offered as uncertain, seldom stated."""
    if not ranked or ranked[0].figure is None:
        return ranked
    asked = _ASKED_SENSE.search(q.expanded.lower())
    if asked is None or " so voi " in f" {q.folded} " or (asked.group(1) or "").strip() in _COMPARATIVES:
        return ranked
    sense = _SENSES[asked.group(2)]
    best = ranked[0]
    if _sense_of(best) == sense:
        return ranked
    for c in ranked[1:]:
        if best.score - c.score > QUALIFIER_MARGIN:
            break
        if (
            _sense_of(c) == sense
            and c.article_id == best.article_id
            and c.figure.kind == best.figure.kind
            and c.features.get("unit_none", 0) <= best.features.get("unit_none", 0)
        ):
            return [c] + [x for x in ranked if x is not c]
    return ranked


#: How far below a bare "một ..." figure another may stand and still lead it.
ONE_MARGIN = 2.0


def _article_one_behind(ranked: list[Candidate]) -> list[Candidate]:
    """"một" before a noun is mostly the article "a" ("một cơn mưa rào kéo dài", "một
    ngôi chợ tiền tỷ"), no count: a best figure written as the bare word "một" whose noun
    is not the one asked (unit agreement under ``UNIT_SOME``) gives way to the first figure
    within ``ONE_MARGIN`` of it of its article and kind whose noun is ("3 hộ" for "bao
    nhiêu hộ"). Not when the question names nothing to count (no unit tells the article
    from a count), and "một đơn vị" for "bao nhiêu đơn vị" keeps its place."""
    if not ranked or not _bare_one(ranked[0]) or ranked[0].features.get("unit", 0.0) >= UNIT_SOME:
        return ranked
    best = ranked[0]
    if best.features.get("no_target"):
        return ranked
    for c in ranked[1:]:
        if best.score - c.score > ONE_MARGIN:
            break
        same = c.article_id == best.article_id and c.figure is not None and c.figure.kind == best.figure.kind
        if same and not _bare_one(c) and c.features.get("unit", 0.0) >= UNIT_SOME:
            return [c] + [x for x in ranked if x is not c]
    return ranked


def _bare_one(c: Candidate) -> bool:
    return c.figure is not None and c.figure.text.lower() == "một"


#: How a question asks a bound, as written with diacritics: the upper end of a range
#: answers "tối đa", "cao nhất", "tới bao nhiêu" ("có tới bao nhiêu" stresses a large
#: number), the lower "tối thiểu", "thấp nhất", "từ bao nhiêu". A bound word typed without
#: diacritics is read folded ("toi da", "toi bn"), "tu" only after no word it would end
#: ("dau tu bn" is "đầu tư"; "phat tu", "thu tu"). Stating a range's end still needs
#: ``_BOUND_ASKED``.
_UPPER_WORDS = ("tối đa", "cao nhất", "nhiều nhất", "lớn nhất", "không quá", "lên tới", "lên đến", "tới bao nhiêu", "tới mấy")
_LOWER_WORDS = ("tối thiểu", "thấp nhất", "ít nhất", "không dưới", "từ bao nhiêu", "từ mấy")
_ASKING = frozenset({"bao", "nhiêu", "mấy"})  # the question word, often expanded from "bn"
_TU_ENDS = frozenset("dau phat thu vat su doc chu tu ca hoc dan".split())  # đầu tư, phạt tù, thứ tư ...


@lru_cache(maxsize=64)
def _split_folded(phrase: str) -> tuple[list[str], list[str]]:
    words = phrase.split()
    return words, [fold(w) for w in words]


def _asks_bound(q: Question, phrases: tuple[str, ...]) -> bool:
    """Whether the question writes one of ``phrases``: as written, or its bound word typed
    without diacritics (the question word may be written either way)."""
    words = re.findall(r"\w+", q.expanded.lower())
    folded = [fold(w) for w in words]
    for phrase in phrases:
        want, want_folded = _split_folded(phrase)
        n = len(want)
        for k in range(len(words) - n + 1):
            if words[k : k + n] == want:
                return True
            if folded[k : k + n] != want_folded:
                continue
            typed = all(words[k + i] == folded[k + i] for i, word in enumerate(want) if word not in _ASKING)
            if typed and not (want[0] == "từ" and k > 0 and folded[k - 1] in _TU_ENDS):
                return True
    return False


#: Figures of these kinds make ranges (a year, a date, an ordinal do not: "1858-1918", "30-4").
_RANGE_KINDS = frozenset({"count", "percent", "money", "quantity"})


def _asked_end_first(q: Question, ranked: list[Candidate]) -> list[Candidate]:
    """A question asking a bound is answered by that end of a range: when the best figure
    and another of its sentence are the two ends of one range ("giảm từ 20-30%", "phạt từ
    75.000 - 25 triệu đồng"), the higher leads for "tối đa", "cao nhất", "tới bao nhiêu",
    the lower for "tối thiểu", "thấp nhất", "ít nhất". The rest keep their order."""
    if not ranked or ranked[0].figure is None or ranked[0].figure.kind not in _RANGE_KINDS:
        return ranked
    best = ranked[0]
    partner = next((c for c in ranked[1:] if _range_ends(best, c)), None)
    if partner is None:
        return ranked
    upper, lower = _asks_bound(q, _UPPER_WORDS), _asks_bound(q, _LOWER_WORDS)
    if upper == lower or (partner.figure.value > best.figure.value) != upper:
        return ranked  # no bound asked, or both ("từ tối thiểu ... đến tối đa ..."), or this end
    return [partner] + [c for c in ranked if c is not partner]


def _range_ends(a: Candidate, b: Candidate) -> bool:
    """Whether two figures of one sentence are the ends of one range, in either order. Each
    is written once in the sentence (a lone "30" beside "20-30 xã" is no end), and a bare
    count needs its unit ("17-2" is a date; "20-30 xã" a range)."""
    fa, fb = a.figure, b.figure
    if fa is None or fb is None or fa.kind != fb.kind or fb.kind not in _RANGE_KINDS or (a.passage_id, a.sentence) != (b.passage_id, b.sentence):
        return False
    if fa.value == fb.value or (fa.kind == "count" and not (fa.unit and fb.unit)):
        return False
    if _written_times(a.text, a.sentence) != 1 or _written_times(b.text, a.sentence) != 1:
        return False
    for first, second in ((a.text, b.text), (b.text, a.text)):
        for m in _range_pattern(first, second).finditer(a.sentence):
            unit = m.group("unit")  # "từ 1 triệu đồng đến 5 triệu đồng": the unit twice
            if (not unit or a.sentence.startswith(unit, m.end())) and not _YEARS.search(m.group(0)):
                return True
    return False


def _written_times(text: str, sentence: str) -> int:
    return len(re.findall(r"(?<![\d.,])" + re.escape(text) + r"(?![.,]?\d)", sentence))


@lru_cache(maxsize=1024)
def _range_pattern(first: str, second: str) -> re.Pattern[str]:
    """``first``, maybe its unit (up to four words), a join and ``second``: "20-30%", "từ
    1 triệu đồng đến 5 triệu", "từ 50% đến 100%" (the join held by the second end)."""
    held = second.split(" ", 1)[0] in ("đến", "tới")
    join = r"\s*(?:-|–|—|đến|tới)" + ("?" if held else "") + r"\s*"
    unit = r"(?P<unit>(?:\s*(?!đến\b|tới\b)[^\W\d][^\s,;:]*){0,4}?)"  # "đồng/tháng", "m2"
    return re.compile(r"(?<![\d.,])" + re.escape(first) + unit + join + re.escape(second) + r"(?![.,]?\d)")


def _sense_of(c: Candidate) -> str | None:
    return _SENSE_WORDS.get((c.figure.qualifier or "").lower()) if c.figure is not None else None


def _unit_key(c: Candidate) -> tuple[str, str]:
    return (c.kind, (c.figure.unit or "").lower() if c.figure else "")


def _date_key(p: PassageHit | None) -> tuple[int, int, int]:
    """(year, month, day) of a passage's article ("27/02/2020"), (0, 0, 0) if undated."""
    if p is None or p.published is None:
        return (0, 0, 0)
    return (p.published.year, p.published.month, p.published.day)


#: Passages of one article among those shown while other articles have passages left
#: (the evidence passage aside): a cadre pages through other sources, not through one
#: article's next paragraphs (its whole text is one tap away: the source button).
PER_ARTICLE = 1


def shown(passages: list[PassageHit], k: int, evidence: int | None = None) -> list[PassageHit]:
    """The first ``k`` of ``passages`` in order, at most ``PER_ARTICLE`` of one article
    (besides the ``evidence`` passage, always kept in its place) while passages of other
    articles remain; then the rest in order."""
    first: list[PassageHit] = []
    later: list[PassageHit] = []
    per: dict[str, int] = {}
    for p in passages:
        n = per.get(p.article_id, 0)
        (first if n < PER_ARTICLE or p.passage_id == evidence else later).append(p)
        per[p.article_id] = n + 1
    return (first + later)[:k]


def _evidence_at(passages: list[PassageHit], passage_id: int | None, at: int) -> list[PassageHit]:
    """``passages`` with the evidence passage moved to position ``at``."""
    rest = [p for p in passages if p.passage_id != passage_id]
    first = [p for p in passages if p.passage_id == passage_id]
    return rest[:at] + first + rest[at:]

"""Candidates and their features: every answer the retrieved passages could give.

For count / percent / money / date questions a candidate is a stored figure of the
retrieved passages (or of an article's headline); for person and place questions a
span of their sentences. Each candidate gets one feature vector (``FEATURES``):

* retrieval: its passage's BM25 score relative to the best, the share of the
  question's word pairs the passage holds; its article's best passage score and the
  share of the question's words its retrieved passages hold together;
* what it is: unit agreement with the question's target (none / partial / full), the
  asked kind or a fallback, a headline figure, a range of two dates ("từ ngày 27 đến
  30/4") and whether a period is asked, a span and its cues (a title, a surname);
* its sentence: the question's words in it (idf-weighted), the verb, what its context
  covers, the places the question names, a date's position;
* right around it: question words, the question's verb and year (local evidence),
  question words in its own clause ("..., nhưng vẫn thiếu 51 người"), each relative
  to the best candidate of its sentence;
* what decides trust: the question's place or year *absent* from its passage, or
  *contradicted* by its sentence (another district, another year); rare question
  words its passage lacks; how many articles back the same value;
* penalties: a figure the question states itself (a date or year too), a change where
  none is asked, a figure in parentheses (an aside);
* the asked noun as a figure's own label ("thấm khu vệ sinh: 42 điểm"); households ("hộ
  dân" for "gia đình", not "người") and classifiers ("60 căn") as units;
* a person's office: the one asked, a deputy's ("Phó chủ tịch" for "Chủ tịch"), and
  (not weighed, ``VETO_FEATURES``) the asked office of another place.

Nothing here decides: ``index/scorer.py`` turns features into a score and a
confidence. Pure functions of (question, passages, figures): no database.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache, partial

from index.models import FigureHit, PassageHit
from index.parse import VERB_RE, YEAR, Question, first_unit_syllable, headline_figures, org_forms, organizations, syllables
from index.passages import split_sentences
from index.patterns import DOC_REF_BEFORE
from index.places import (
    CITIES, HCM_NAMES, PROVINCES, SURNAMES, find_places, is_town, level_of_keyword, place_keys, place_of,
    referred_places,
)  # fmt: skip
from index.question import DURATION_TARGET
from index.text import fold, has_diacritics

CANDIDATES = 20  # passages retrieved to look for the answer in
REL_MIN = 0.8  # a passage scoring below this share of the best cannot give the answer (hand baseline)
REL_FLOOR = 0.5  # candidates are gathered down to this share; the scorer weighs the rest

KINDS = {
    "count": ("count", "quantity"),
    "percent": ("percent",),
    "money": ("money",),
    "date": ("date", "year"),
    # no answer type: any figure may be what is asked; listed, not stated as the answer
    "other": ("count", "quantity", "percent", "money", "date", "year"),
}
AMOUNTS = ("count", "quantity", "percent", "money")  # what "đạt bao nhiêu?" may ask
SPAN_TYPES = ("person", "place")

# Hand weights of the local evidence (kept: they define ``local_delta``, the feature
# that tells apart the figures of one sentence)
W_NEAR, W_VERB_NEAR, W_YEAR_NEAR = 0.3, 1.0, 1.5
UNIT_SOME = 0.5  # unit agreement below this is none: "cán bộ" is not "chi bộ đảng"
WINDOW = 40  # characters each side of a figure that count as "right around" it

# the question's answer type, one-hot
TYPE_FEATURES = ("type_count", "type_percent", "type_money", "type_date", "type_person", "type_place")

FEATURES: tuple[str, ...] = (
    "rel",  # passage score / best passage score
    "neighbor",  # its passage was read as the neighbour of a best one (engine.NEIGHBORS_OF)
    "below_cut",  # the passage scores under REL_MIN of the best
    "pair_share",  # share of the question's word pairs the passage holds
    "unit",  # unit agreement with the target, 0..1
    "unit_none",  # the question names a target and the unit agrees less than UNIT_SOME
    "unit_full",  # the unit covers the target fully
    "no_target",  # the question names nothing to count
    "fallback_kind",  # a sum or share answering a count question naming nothing to count
    "sentence",  # idf-weighted share of the question's words in the sentence
    "verb",  # the question's verb is in the sentence
    "context",  # share of the words the sentence misses that its context holds
    "place",  # share of the question's places its sentence or context names
    "date_adj",  # a date right after a document reference; position in the sentence
    "day_missing",  # the question asks a day ("ngày nào") and the date has none (a year, a month)
    "doc_date_unasked",  # a document's date ("Nghị quyết 09-NQ/TU ngày ...") where an event's is asked
    "stated",  # the question states this figure itself
    "change",  # a change ("tăng thêm 1") where the question asks no change
    "near",  # question words right around it
    "verb_here",  # the question's verb right around it
    "year_here",  # the question's year is the figure's own
    "year_other_here",  # the question names a year and the figure's own is another
    "local_delta",  # local evidence minus that of its sentence's best candidate
    "headline",  # a figure of the headline
    "span",  # a person or place span
    "span_cue",  # a title (ông, bà, đồng chí), a surname, a capital
    "place_level",  # "huyện nào?": +1 a span of that level ("huyện Ý Yên"), -1 of another ("tỉnh Nam Định")
    "place_asked",  # the question names a place
    "place_absent",  # ... that its passage (headline, text, resolved places) never names
    "place_contradicted",  # ... and its sentence names another place instead
    "year_asked",  # the question names a year
    "year_absent",  # ... that its passage never writes
    "year_contradicted",  # ... and its sentence writes another year instead
    "org_asked",  # the question names an organization ("Công ty TOYOTA", "Hội Nông dân")
    "org_absent",  # ... that its passage never names
    "place_other_here",  # the question names a place; its sentence names only others
    "org_other_here",  # the question names an organization; its sentence names only others
    "coverage",  # idf-weighted share of the question's words in its passage
    "missing_rare",  # the rarest question word its passage lacks (idf share of the rarest)
    "support",  # log(1 + articles whose candidates have the same value)
    "art_coverage",  # idf-weighted share of the question's words in its article's retrieved passages
    "art_rel",  # its article's best passage score / best passage score
    "art_place_absent",  # the question names a place its article's retrieved passages never name
    "art_org_absent",  # ... an organization ...
    "clause",  # question words in the figure's own clause, minus the best of its sentence
    "range_fit",  # a range of dates ("từ ngày 27 đến 30/4") where the question asks a period
    "range_unasked",  # ... where it asks one day
    "from_value",  # the earlier value of a change ("tăng từ 516.200 lên 678.600") where no earlier one is asked
    "label",  # the asked noun's share in the figure's unit, own clause and words before it, minus the best of its sentence
    "date_stated",  # a date or year the question writes itself ("mừng Xuân Ất Dậu 2005 diễn ra ngày nào?")
    "in_parens",  # the figure stands inside parentheses: an aside ("(tương đương 69,2% tổng số)")
    "role_asked",  # a person question names an office ("Ai là Chủ tịch Hội đồng bầu cử ...?")
    "role_here",  # ... and the name's own part of its sentence holds it, not as a deputy's
    "role_deputy",  # ... holds it only as a deputy's ("Phó chủ tịch") where the question asks no deputy, or the reverse
    "hand",  # the hand-set score (HAND_WEIGHTS) relative to the question's best
    *TYPE_FEATURES,
)

#: Read of a candidate beside ``FEATURES`` but not weighed by the ranker: what only
#: decides whether its answer may be stated (``index/answer.py``).
#: "role_elsewhere": a name holding the asked office as asked, of another place than the
#: question's ("Chủ tịch UBND TP Cần Thơ" for "Chủ tịch UBND quận Cái Răng").
VETO_FEATURES: tuple[str, ...] = ("role_elsewhere",)


# The weights set by hand before the scorer was fitted (passage, unit, sentence, verb,
# context, place, a date's position, a stated figure, a change, local evidence, a
# span's cue; a passage under 0.8 of the best could not answer). They are the baseline
# scorer (``scorer.HAND``) and, as one feature, what the fitted ranker starts from.
HAND_WEIGHTS: dict[str, float] = {
    "rel": 1.0,
    "unit": 2.0,
    "sentence": 2.5,
    "verb": 0.5,
    "context": 0.5,
    "place": 1.0,
    "date_adj": 1.0,
    "stated": -3.0,
    "change": -1.0,
    "local_delta": 1.0,
    "span_cue": 1.0,
    "below_cut": -100.0,
}


@dataclass
class Candidate:
    """One possible answer with its features; ``score`` and ``probability`` are the scorer's."""

    kind: str  # a figure's kind, or "person" / "place"
    text: str  # the figure as written, or the span
    passage_id: int
    article_id: str
    sentence: str
    figure: FigureHit | None = None  # for figures
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    probability: float = 0.0

    @cached_property
    def key(self) -> tuple:
        """What two candidates share when they give the same answer."""
        if self.figure is not None:
            return (self.figure.kind, round(self.figure.value, 6), first_unit_syllable(self.figure.unit))
        return (self.kind, " ".join(sorted(syllables(self.text))))


def vector(c: Candidate, names: tuple[str, ...] = FEATURES) -> list[float]:
    """The candidate's features in the order of ``names`` (absent ones are 0)."""
    return [float(c.features.get(name, 0.0)) for name in names]


# --- gathering -------------------------------------------------------------------------


def relative_scores(passages: list[PassageHit]) -> dict[int, float]:
    """Each passage's score as a share of the best one's (passages come best first)."""
    best = passages[0].score if passages else 0.0
    return {p.passage_id: (p.score / best if best > 0 else 0.0) for p in passages}


def figure_passages(q: Question, passages: list[PassageHit]) -> list[int]:
    """The passages whose stored figures can be candidates (none for person and place
    questions; only those scoring at least ``REL_FLOOR`` of the best)."""
    if q.type not in KINDS:
        return []
    return [pid for pid, r in relative_scores(passages).items() if r >= REL_FLOOR]


def candidates(q: Question, passages: list[PassageHit], figures: list[FigureHit]) -> list[Candidate]:
    """Every candidate answer of the retrieved ``passages`` (best first) with its
    features; ``figures`` are the stored figures of those passages."""
    if not passages:
        return []
    rel = relative_scores(passages)
    by_id = {p.passage_id: p for p in passages}
    kept = {pid for pid, r in rel.items() if r >= REL_FLOOR}
    if q.type in SPAN_TYPES:
        out = _span_candidates(q, [p for p in passages if p.passage_id in kept], rel)
    elif q.type in KINDS:
        pool = [f for f in figures if f.passage_id in kept] + _title_figures(passages, kept)
        out = _figure_candidates(q, pool, rel, by_id)
    else:
        return []
    _trust_features(q, out, by_id, rel)
    return out


def _title_figures(passages: list[PassageHit], kept: set[int]) -> list[FigureHit]:
    """A headline often states the key figure ("Cà Mau: kỷ luật 111 đảng viên vì không
    trồng rừng") and is indexed with every passage of its article, so its figures
    stand with the article's best retrieved passage (its sentence is the headline)."""
    seen: set[str] = set()
    out = []
    for p in passages:  # best first
        if p.passage_id not in kept or p.article_id in seen or not p.title:
            continue
        seen.add(p.article_id)
        for f in headline_figures(p.title):
            out.append(FigureHit(f.value, f.text, f.unit, f.kind, f.qualifier, f.context, p.article_id, p.passage_id, f.sentence))
    return out


def kinds_asked(q: Question) -> tuple[str, ...]:
    """Figure kinds that may answer: a count question naming nothing to count ("tổng mức
    luân chuyển hàng hóa đạt bao nhiêu?") may be answered by a sum or a share too."""
    if q.type == "count" and not q.target:
        return AMOUNTS
    return KINDS[q.type]


def _figure_candidates(
    q: Question, figures: list[FigureHit], rel: dict[int, float], passages: dict[int, PassageHit]
) -> list[Candidate]:
    kinds = kinds_asked(q)
    # only figures of the asked kinds delimit each other's surroundings: a year or a
    # date inside "... cả năm 2004 (527 người)" is context, not a rival answer
    figures = [f for f in figures if f.kind in kinds]
    windows = _windows(figures)
    places = asked_places(q, figures)
    headline = {(f.passage_id, f.sentence) for f in figures if passages.get(f.passage_id) and f.sentence == passages[f.passage_id].title}
    change_asked, issuing_asked = asks_change(q), asks_issuing(q)  # of the question: once
    earlier_asked = _EARLIER_ASKED.search(q.words) is not None
    out: list[Candidate] = []
    for i, f in enumerate(figures):
        sent = sentence_words(f.sentence, passages.get(f.passage_id))
        documented = f.kind == "date" and _dates_document(f)
        w = windows[i]
        unit = f.unit
        if f.kind in ("percent", "money") and not (f.unit and q.target_syllables & syllables(f.unit)):
            # what a share or a sum measures comes before it: "ứng viên trẻ tuổi chiếm
            # 22,4%", "tổng doanh số đạt 1.370 tỉ đồng", or before the sentence's first
            # figure when the words right before it name nothing asked
            unit = " ".join(sorted(w.is_what or (w.left if q.target_syllables & w.left else w.left | w.subject)))
        unit_score = unit_match(q.target_syllables, unit, q.content)
        if f.kind == "count" and (not f.unit or fold(f.unit).lower() in GENERIC_PEOPLE | CLASSIFIERS) and w.left:
            # "Tổng số đảng viên khu vực ngoài quốc doanh hiện nay là 169 đồng chí": the
            # counted noun was named before the figure
            before = w.left if q.target_syllables & w.left else w.left | w.subject
            unit_score = max(unit_score, unit_match(q.target_syllables, " ".join(sorted(before)), q.content))
        around = w.left | syllables(f.unit) | w.right
        verb_here = any(v <= around for v in q.verbs)
        year_here = w.year is not None and w.year in q.years
        feats = {
            "rel": rel.get(f.passage_id, 0.0),
            "unit": unit_score,
            "unit_none": float(bool(q.target_syllables) and unit_score < UNIT_SOME),
            "unit_full": float(unit_score >= 0.999),
            "no_target": float(not q.target_syllables),
            "fallback_kind": float(f.kind not in KINDS.get(q.type, ())),
            "sentence": weighted_overlap(q, sent),
            "verb": float(bool(q.verb_syllables) and q.verb_syllables <= sent),
            "context": _covered(set(q.content) - sent, syllables(f.context)),
            "place": names_place(f, places),
            "date_adj": _date_adjustment(f, documented) if f.kind == "date" else 0.0,
            "doc_date_unasked": float(documented and not issuing_asked and not _effective_when_signed(f)),
            "day_missing": float(f.kind in ("date", "year") and _asks_day(q) and not _has_day(f)),
            "stated": float(_stated(q, f)),
            "change": float(w.change and f.qualifier not in _FROM_TO and not change_asked),
            "from_value": float(not earlier_asked and _earlier_value(f)),
            "date_stated": float(_date_stated(q, f)),
            "in_parens": float(_in_parens(f.sentence, f.text)),
            "near": near_share(q, w.left | w.right),
            "verb_here": float(verb_here),
            "year_here": float(year_here),
            "year_other_here": float(bool(q.years) and w.year is not None and w.year not in q.years),
            "headline": float((f.passage_id, f.sentence) in headline),
        }
        feats["local_delta"] = W_NEAR * feats["near"] + W_VERB_NEAR * verb_here + W_YEAR_NEAR * year_here
        # its own clause, with the words an elliptical list item inherits ("nữ chiếm 39%,
        # trẻ tuổi 22,4%": the second's clause is "trẻ tuổi" under the list's head)
        feats["clause"] = near_share(q, _clause_words(f.sentence, f.text) | w.left)
        if q.target_syllables:
            # the asked noun as the figure's own label ("thấm khu vệ sinh: 42 điểm"), its
            # unit or its clause; made relative to its sentence's best, as ``clause``
            own = _clause_words(f.sentence, f.text) | w.left | syllables(f.unit)
            feats["label"] = len(q.target_syllables & own) / len(q.target_syllables)
        out.append(Candidate(f.kind, f.text, f.passage_id, f.article_id, f.sentence, figure=f, features=feats))
    if q.type == "date":
        out += _date_ranges(out, asks_period(q))
    _relative_local(out)
    return out


@lru_cache(maxsize=4096)
def _question_dates(expanded: str) -> frozenset[tuple[str, float]]:
    return frozenset((f.kind, f.value) for f in headline_figures(expanded) if f.kind in ("date", "year"))


def _date_stated(q: Question, f: FigureHit) -> bool:
    """A date or year the question itself writes: the event's name or its context
    ("Xuân Ất Dậu 2005", "trước khi văn bản ngày 5/9/2003 được gửi"), not what it asks."""
    if f.kind == "year":
        return str(int(f.value)) in q.years
    return f.kind == "date" and (f.kind, f.value) in _question_dates(q.expanded)


@lru_cache(maxsize=16384)
def _in_parens(sentence: str, text: str) -> bool:
    """The figure stands inside parentheses ("(chiếm 20,18%)", "(tương đương 69,2% ...)")."""
    at = sentence.find(text)
    if at < 0:
        return False
    return sentence.rfind("(", 0, at) > sentence.rfind(")", 0, at) and sentence.find(")", at) >= 0


_RANGE_GAP = re.compile(r"\s*(?:-|–|đến|tới|và)\s*(?:ngày\s+)?")
_PERIOD_ASKED = re.compile(r"(?<!\w)(?:nhung ngay|thoi gian nao|khoang thoi gian|tu ngay nao|tu khi nao den|bao lau|may ngay|nhung hom|dot nao)(?!\w)")


def asks_period(q: Question) -> bool:
    """The question asks a span of days ("diễn ra vào những ngày nào?", "trong khoảng
    thời gian nào?"), not one day."""
    return _PERIOD_ASKED.search(q.words) is not None


def _date_ranges(dates: list[Candidate], period_asked: bool) -> list[Candidate]:
    """One more candidate for each two dates of a sentence that make a range ("từ ngày
    27 đến 30/4", "18 - 25/4", "3 và 4-4-2006"): the range as written, valued as its end
    (which knows the month), with the end date's features; ``range_fit`` when the
    question asks a period, ``range_unasked`` when it asks one day."""
    out = []
    for a, b in zip(dates, dates[1:]):
        if a.sentence != b.sentence or a.passage_id != b.passage_id or a.figure is None or b.figure is None:
            continue
        start = a.sentence.find(a.text)
        end = a.sentence.find(b.text, start + len(a.text)) if start >= 0 else -1
        if end < 0 or not _RANGE_GAP.fullmatch(a.sentence, start + len(a.text), end):
            continue
        text = a.sentence[start : end + len(b.text)]
        f = replace(b.figure, text=text)
        feats = {**b.features, "range_fit": float(period_asked), "range_unasked": float(not period_asked)}
        out.append(Candidate(b.kind, text, b.passage_id, b.article_id, b.sentence, figure=f, features=feats))
    return out


def _relative_local(out: list[Candidate]) -> None:
    """Local evidence only tells apart candidates sharing a sentence: each gets its local
    evidence minus that of its sentence's best (by the sentence-level features plus
    local evidence), so a lone candidate loses nothing."""
    best: dict[tuple[int, str], float] = {}
    for c in sorted(out, key=lambda c: -(_sentence_level(c) + c.features["local_delta"])):
        best.setdefault((c.passage_id, c.sentence), c.features["local_delta"])
    best_clause: dict[tuple[int, str], float] = defaultdict(float)
    best_label: dict[tuple[int, str], float] = defaultdict(float)
    for c in out:
        key = (c.passage_id, c.sentence)
        best_clause[key] = max(best_clause[key], c.features.get("clause", 0.0))
        best_label[key] = max(best_label[key], c.features.get("label", 0.0))
    for c in out:
        c.features["local_delta"] -= best[(c.passage_id, c.sentence)]
        c.features["clause"] = c.features.get("clause", 0.0) - best_clause[(c.passage_id, c.sentence)]
        c.features["label"] = c.features.get("label", 0.0) - best_label[(c.passage_id, c.sentence)]


_CLAUSE_SPLIT = re.compile(r"[,;:()]|\s(?:nhưng|còn|trong khi|song|trong đó)\s")


@lru_cache(maxsize=16384)
def _clause_words(sentence: str, figure: str) -> frozenset[str]:
    """Syllables of the clause that holds a figure ("..., nhưng tuyển mãi vẫn thiếu 51
    người"): between the clause marks or conjunctions around it."""
    at = sentence.find(figure)
    if at < 0:
        return frozenset()
    end = at + len(figure)
    starts = [m.end() for m in _CLAUSE_SPLIT.finditer(sentence, 0, at)]
    stop = _CLAUSE_SPLIT.search(sentence, end)
    clause = sentence[(starts[-1] if starts else 0) : (stop.start() if stop else len(sentence))]
    return syllables(clause.replace(figure, " "))


def _sentence_level(c: Candidate) -> float:
    f = c.features
    return (
        f["rel"] + 2.0 * f.get("unit", 0.0) + 2.5 * f["sentence"] + 0.5 * f["verb"]
        + 0.5 * f.get("context", 0.0) + f.get("span_cue", 0.0)
    )  # fmt: skip


# --- trust: what the question names and the candidate does not ------------------------


def _trust_features(q: Question, out: list[Candidate], passages: dict[int, PassageHit], rel: dict[int, float]) -> None:
    rarest = max((w for _, w in q.weighted), default=0.0)
    total = q.weight_total
    support: dict[tuple, set[str]] = defaultdict(set)
    for c in out:
        support[c.key].add(c.article_id)
    per_passage: dict[int, dict[str, float]] = {}  # what depends on the passage alone
    # articles without a candidate are read for nothing: their passages' words are not needed
    with_candidates = {c.article_id for c in out}
    per_article = _article_features(q, [p for p in passages.values() if p.article_id in with_candidates], rel, total)
    for c in out:
        f = c.features
        shared = per_passage.get(c.passage_id)
        if shared is None:
            shared = per_passage[c.passage_id] = _passage_features(q, passages.get(c.passage_id), rel, total, rarest)
        f.update(shared)
        f["span"] = float(c.figure is None)
        f["art_coverage"], f["art_rel"], f["art_place_absent"], f["art_org_absent"] = per_article.get(c.article_id, (0.0,) * 4)
        f["support"] = math.log1p(len(support[c.key]))
        if q.places:
            # another place named in its own sentence or context: contradicted (when the
            # passage never names the asked one), or elsewhere (when it does, elsewhere)
            sentence_keys = place_keys(c.sentence) | (place_keys(c.figure.context or "") if c.figure else frozenset())
            other = bool(sentence_keys) and not (sentence_keys & q.places)
            f["place_other_here"] = float(other)
            if shared["place_absent"]:
                f["place_contradicted"] = float(bool(sentence_keys - q.places))
        if q.organizations:
            # the sentence names an organization, and none the question names
            named = _spaced_words(c.sentence)
            f["org_other_here"] = float(bool(_organizations_in(c.sentence)) and not _names_org(q, named))
        if q.years:
            sentence_years = _years(c.sentence) | (_years(c.figure.context or "") if c.figure else frozenset())
            f["year_contradicted"] = float(bool(sentence_years) and not (q.years & sentence_years))
        f["hand"] = sum(w * f.get(name, 0.0) for name, w in HAND_WEIGHTS.items())
    best = max((c.features["hand"] for c in out), default=0.0)
    for c in out:  # relative to the question's best, capped: a long tail is all "far behind"
        c.features["hand"] = max(-5.0, c.features["hand"] - best)


@lru_cache(maxsize=16384)
def _organizations_in(sentence: str) -> tuple[str, ...]:
    return organizations(sentence)


def _article_features(q: Question, passages: list[PassageHit], rel: dict[int, float], total: float) -> dict[str, tuple[float, ...]]:
    """Per article of ``passages``: the idf-weighted share of the question's words its
    retrieved passages hold together, its best passage's relative score, and whether none
    of those passages (headline, text, resolved places) names the question's place, or
    its organization."""
    words: dict[str, set[str]] = defaultdict(set)
    joined: dict[str, list[str]] = defaultdict(list)
    keys: dict[str, set[str]] = defaultdict(set)
    best: dict[str, float] = defaultdict(float)
    for p in passages:
        have, text = _passage_words(p.title or "", p.text, p.places)
        words[p.article_id] |= have
        joined[p.article_id].append(text)
        if q.places:
            keys[p.article_id] |= _passage_place_keys(p)
        best[p.article_id] = max(best[p.article_id], rel.get(p.passage_id, 0.0))
    out = {}
    for a, have in words.items():
        text = " ".join(joined[a])
        place_absent = bool(q.places) and not names_asked_place(q, keys[a], text)
        org_absent = bool(q.organizations) and not _names_org(q, text)
        cover = (sum(w for s, w in q.weighted if s <= have) / total) if total else 0.0
        out[a] = (cover, best[a], float(place_absent), float(org_absent))
    return out


def names_asked_place(q: Question, keys: frozenset[str] | set[str], folded: str) -> bool:
    """Some place of the question is among ``keys`` or written in ``folded`` (spaced words)."""
    return any(k in keys or f" {k} " in folded for k in q.places)


def _names_org(q: Question, folded: str) -> bool:
    """Some organization of the question is written in ``folded`` (spaced words), in any
    of its name's forms ("Bộ LĐTBXH" asked, "Bộ Lao động - Thương binh và Xã hội" written)."""
    return any(f" {form} " in folded for o in q.organizations for form in org_forms(o))


def _passage_features(q: Question, p: PassageHit | None, rel: dict[int, float], total: float, rarest: float) -> dict[str, float]:
    words, joined = _passage_words(p.title or "", p.text, p.places) if p else (frozenset(), " ")
    r = rel.get(p.passage_id, 0.0) if p else 0.0
    f = {"rel": r, "below_cut": float(r < REL_MIN), "pair_share": p.pair_share if p else 0.0, f"type_{q.type}": 1.0}
    f["neighbor"] = float(p.neighbor) if p else 0.0
    if q.places:
        # places: by canonical key, or the key's syllables in a row in the passage
        present = names_asked_place(q, _passage_place_keys(p) if p else frozenset(), joined)
        f.update(place_asked=1.0, place_absent=float(not present), place_contradicted=0.0)
    if q.years:
        f.update(year_asked=1.0, year_absent=float(not (q.years & (_passage_years(p) if p else frozenset()))))
    if q.organizations:
        f.update(org_asked=1.0, org_absent=float(not _names_org(q, joined)))
    have = sum(w for s, w in q.weighted if s <= words)
    f["coverage"] = have / total if total else 0.0
    missing = [w for s, w in q.weighted if not s <= words]
    f["missing_rare"] = max(missing) / rarest if missing and rarest > 0 else 0.0
    return f


@lru_cache(maxsize=4096)
def _passage_words(title: str, text: str, places: str | None) -> tuple[frozenset[str], str]:
    """(syllables, folded text) of a passage with its headline and resolved places
    (cached: the same passages answer many questions)."""
    folded = " " + " ".join(re.findall(r"\w+", fold(_indexed(title, text, places)).lower())) + " "
    return frozenset(folded.split()), folded


def _indexed(title: str, text: str, places: str | None) -> str:
    """A passage as it is indexed: its headline, text and resolved places."""
    return f"{title} . {text} . {places or ''}"


def _passage_place_keys(p: PassageHit) -> frozenset[str]:
    """The place keys of a passage with its headline and resolved places (cached by
    ``place_keys``); found only for a question that names a place."""
    return place_keys(_indexed(p.title or "", p.text, p.places))


def _passage_years(p: PassageHit) -> frozenset[str]:
    """The years a passage with its headline and resolved places writes; found only for
    a question that names a year."""
    return _years(_indexed(p.title or "", p.text, p.places))


def passage_folded(p: PassageHit) -> str:
    """A passage's headline, text and resolved places, folded, as spaced words (cached
    with the rest of ``_passage_words``)."""
    return _passage_words(p.title or "", p.text, p.places)[1]


@lru_cache(maxsize=16384)
def _years(text: str) -> frozenset[str]:
    return frozenset(YEAR.findall(text))


# --- scoring pieces (shared with the hand baseline) -----------------------------------


def weighted_overlap(q: Question, have: set[str]) -> float:
    """Share of the question's words found in ``have``, each weighted by its idf: a
    place name or a rare verb counts for more than "đơn vị" or "bầu cử"."""
    total = q.weight_total
    if not total:
        return _overlap(set(q.content), have)
    return sum(w for sylls, w in q.weighted if sylls <= have) / total


def near_share(q: Question, around: set[str]) -> float:
    """Share of the question's words other than its target and verb found right around a
    figure, each weighted by its idf: "Tổ đảng Công ty TOYOTA có 9 đảng viên" holds the
    rare "toyota" of the question, "Công ty HONDA ... có 3 đảng viên" does not."""
    total = q.near_total
    return sum(w for sylls, w in q.near_words if sylls <= around) / total if total else 0.0


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
)  # fmt: skip
GENERIC_PEOPLE = frozenset({"nguoi", "dong chi", "nguoi lao dong"})
PEOPLE_MATCH = 0.6
#: Classifiers that stand for a noun named before the figure ("tổng số nhà bị hư hại lên
#: đến 60 căn", "55.849 ca", "lượt"): the counted noun is read before them too (folded).
CLASSIFIERS = frozenset({"can", "ngoi", "chiec", "cai", "con", "ca", "truong hop", "luot", "suat", "vu"})
#: Households: "bao nhiêu gia đình" is answered by "400 hộ dân", not by the people living
#: in them ("hơn 7.000 người"). Folded units and targets of one household.
HOUSEHOLDS = frozenset({"ho", "ho dan", "ho gia dinh", "gia dinh", "nha", "noc nha", "can ho", "ho ngheo"})
HOUSEHOLD_MATCH = 0.8


def unit_match(target: frozenset[str] | set[str], unit: str | None, asked: frozenset[str] | set[str] = frozenset()) -> float:
    """Mean of recall (the target's syllables in the unit) and precision (the unit's
    syllables the question uses: "người tự ứng cử" fits "mấy người tự ứng cử"), raised
    where the two name one thing: households, people, a span of time, ``_SAME_THINGS``."""
    if not target or not unit:
        return 0.0
    u = syllables(unit)
    if not u:
        return 0.0
    folded = fold(unit).lower()
    if target == _DURATION and folded in DURATIONS:
        return 1.0  # "bao lâu?", "bao nhiêu thời gian?": any span of time
    score = (len(target & u) / len(target) + len(u & (set(target) | set(asked))) / len(u)) / 2
    if _is_households(target):
        if score < HOUSEHOLD_MATCH and folded in HOUSEHOLDS:
            return HOUSEHOLD_MATCH
        if folded in GENERIC_PEOPLE:
            return min(score, UNIT_SOME / 2)  # people are no household
    if score < PEOPLE_MATCH and folded in GENERIC_PEOPLE and _is_people(target):
        return PEOPLE_MATCH
    if score < PEOPLE_MATCH and _people_by_role(target, folded, u):
        return PEOPLE_MATCH  # "bao nhiêu người" counted as "12 thuyền viên", "5 cán bộ"
    if score < SAME_THING_MATCH and _same_thing(target, folded):
        return SAME_THING_MATCH  # "bao nhiêu quốc gia" counted as "20 nước"
    return score


#: Units of a span of time (folded), what a question asking how long is answered in.
DURATIONS = frozenset({"nam", "thang", "ngay", "tuan", "gio", "phut", "tieng", "ngay lam viec", "quy", "thap ky", "the ky"})
_DURATION = frozenset(DURATION_TARGET.split())


def _is_households(target: frozenset[str] | set[str]) -> bool:
    """The target counts households: "gia đình", "hộ", "hộ dân" (and nothing else)."""
    return bool(target) and " ".join(sorted(target)) in _HOUSEHOLD_KEYS


_HOUSEHOLD_KEYS = frozenset(" ".join(sorted(h.split())) for h in HOUSEHOLDS)


_GENERIC_PEOPLE_KEYS = frozenset(" ".join(sorted(p.split())) for p in GENERIC_PEOPLE)
#: People counted by their role (folded units), beside ``PEOPLE``: "bao nhiêu người" may be
#: answered in them.
PERSON_UNITS = frozenset(
    fold(w).lower()
    for w in (
        "thuyền viên", "nạn nhân", "hành khách", "bệnh nhân", "học viên", "thành viên", "nhân vật",
        "vị", "thí sinh", "du khách", "khách", "giáo dân", "tín đồ", "công an", "cảnh sát",
        "thương binh", "cựu chiến binh", "người dân",
    )
)  # fmt: skip


#: Nouns party news counts one thing by (folded): "quốc gia" / "nước", "công ty" / "doanh
#: nghiệp", "ô tô" / "xe", "cây số" / "km".
_SAME_THINGS: tuple[dict[str, str], ...] = tuple(
    {fold(w).lower(): " ".join(sorted(fold(w).lower().split())) for w in group}  # each name → its target key
    for group in (
        ("quốc gia", "nước"), ("công ty", "doanh nghiệp"), ("ô tô", "ôtô", "xe", "chiếc xe", "xe ô tô", "chiếc ô tô"),
        ("cây số", "km", "ki lô mét"), ("mét", "m"), ("hécta", "héc ta", "ha"), ("công trình", "dự án"),
        ("trẻ em", "cháu", "em", "bé"), ("học sinh", "em"),
    )
)  # fmt: skip
SAME_THING_MATCH = 0.8


def _people_by_role(target: frozenset[str] | set[str], folded_unit: str, unit: frozenset[str]) -> bool:
    """The target is people in general ("người") and the unit people named by their role
    ("thuyền viên", "cán bộ"), households aside."""
    if " ".join(sorted(target)) not in _GENERIC_PEOPLE_KEYS or folded_unit in HOUSEHOLDS:
        return False
    return folded_unit in PERSON_UNITS or _is_people(unit)


def _same_thing(target: frozenset[str] | set[str], folded_unit: str) -> bool:
    """The target and the unit are one thing named two ways (``_SAME_THINGS``)."""
    asked = " ".join(sorted(target))
    return any(folded_unit in group and any(key == asked for w, key in group.items() if w != folded_unit) for group in _SAME_THINGS)


def _is_people(target: frozenset[str] | set[str]) -> bool:
    return any(set(p.split()) <= target for p in PEOPLE)


def sentence_words(sentence: str, passage: PassageHit | None) -> frozenset[str]:
    """Syllables of a sentence, with the places it names by level alone ("14 phường
    thuộc Quận" also holds "long", "bien" in an article on quận Long Biên)."""
    if passage is None:
        return syllables(sentence)
    return _sentence_words(sentence, passage.text, passage.places)


@lru_cache(maxsize=16384)
def _sentence_words(sentence: str, passage: str, places: str | None) -> frozenset[str]:
    words = syllables(sentence)
    if _LEVEL_WORD.search(sentence):
        words |= _referred(sentence, passage, places)
    return words


_LEVEL_WORD = re.compile(r"(?i)(?<!\w)(?:quận|huyện|tỉnh|thành|thị|phường|xã|tp)(?!\w)")


@lru_cache(maxsize=8192)
def _referred(sentence: str, passage: str, places: str | None) -> frozenset[str]:
    return frozenset(syllables(" ".join(referred_places(sentence, passage, places))))


def asked_places(q: Question, figures: list[FigureHit]) -> dict[str, float]:
    """Places the question names, found among the places of the candidates' contexts
    (folded keys), each with its idf weight: "Năm 2004 Thanh Hóa phải bầu lại ..." →
    {"thanh hoa": …}, "Đảng bộ quận 5 ..." → {"quan 5": …} (a context may write "Q.5")."""
    asked = f" {q.words} "
    names = {n for f in figures if f.context for n in place_keys(f.context)}
    return {n: _place_weight(q, n) for n in sorted(names) if f" {n} " in asked}


def names_place(f: FigureHit, places: dict[str, float]) -> float:
    """Share of the places the question names that the figure's sentence or context
    names, each weighted by its idf: in "quận 5 TPHCM", a figure of quận 5 counts more
    than one of any district of the city."""
    if not places:
        return 0.0
    where = _spaced_words(f"{f.sentence} {f.context or ''}")
    keys = place_keys(f.sentence) | place_keys(f.context or "")
    named = sum(w for p, w in places.items() if p in keys or f" {p} " in where)
    return named / sum(places.values())


@lru_cache(maxsize=16384)
def _folded_lower(text: str) -> str:
    return fold(text).lower()


@lru_cache(maxsize=16384)
def _spaced_words(text: str) -> str:
    """Folded lower-case words of a text between spaces (" quan 5 tphcm "): a phrase
    ``" quan 5 "`` is in it as whole words."""
    return " " + " ".join(re.findall(r"\w+", _folded_lower(text))) + " "  # a sentence is folded once


def _place_weight(q: Question, place: str) -> float:
    sylls = set(place.split())
    return sum(w for t, w in q.weighted if t <= sylls) or 1.0


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
_CLAUSE_END = re.compile(r"[,;:.()!?]")
_LIST_GAP = re.compile(r"[\s,;và-]*")
_COPULA = re.compile(r"\s*là\s")  # "31% là cán bộ nữ"
_ELLIPSIS = re.compile(r"\s*[,;]\s*(?:\w+\s+){1,3}")  # ", trẻ tuổi " between two figures
_CHANGE_BEFORE = re.compile(r"(?<!\w)(?:them|tang|giam|bot)\s*$")  # folded
_CHANGE_ASKED = re.compile(r"(?<!\w)(?:them|tang|giam|bot|thay doi|chenh lech|bien dong)(?!\w)")
_FROM_TO = frozenset({"từ", "đến", "tới", "lên tới", "lên đến"})  # "tăng từ 415.000 lên 587.000 km²": totals


_DAY_ASKED = re.compile(r"(?<!\w)ngay(?!\w)")


def _asks_day(q: Question) -> bool:
    return q.type == "date" and _DAY_ASKED.search(q.folded) is not None


def _has_day(f: FigureHit) -> bool:
    """A date value is ``YYYYMMDD`` with 0 for unknown parts; a year is just ``YYYY``."""
    return f.kind == "date" and int(f.value) % 100 != 0


_EARLIER_ASKED = re.compile(r"(?<!\w)(?:tu bao nhieu|tu muc|truoc day|truoc kia|ban dau|luc dau|muc cu|gia cu)(?!\w)")
_EARLIER_BEFORE = re.compile(r"(?:(?<!\w)từ|trước (?:đây|kia)(?: chỉ)?(?: [\d.,]+ *[-–])?)\s*$", re.IGNORECASE)
_NOT_A_CHANGE = re.compile(r"(?<!\w)(?:đến|tới|trở lên|trở xuống)(?!\w)")
_LATER_AFTER = re.compile(r"^(?P<gap>[^;]{0,50}?)(?<!\w)(?:lên|xuống|còn|nay)(?:\s+(?:đến|tới|mức|còn|gần|hơn|khoảng|trên|lên))*\s+\d")


def _earlier_value(f: FigureHit) -> bool:
    """The figure is the earlier value of a change its sentence states next ("tăng từ
    516.200 đồng lên 678.600 đồng", "giá trước đây chỉ 700.000 đồng, nay lên đến 900.000")."""
    at = f.sentence.find(f.text)
    if at < 0:
        return False
    before = f.sentence[max(0, at - 25) : at]
    earlier = (f.qualifier or "").lower() == "từ" or _EARLIER_BEFORE.search(before) is not None
    later = _LATER_AFTER.search(f.sentence[at + len(f.text) :]) if earlier else None
    # "từ 15 đến 20 người, còn 5 ...", "từ 5 triệu trở lên, còn 30 hộ": no change
    return later is not None and _NOT_A_CHANGE.search(later.group("gap")) is None


def asks_change(q: Question) -> bool:
    return _CHANGE_ASKED.search(q.words) is not None


def _windows(figures: list[FigureHit]) -> list[_Window]:
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
        windows = _sentence_windows(sentence, tuple((figures[i].text, figures[i].unit) for i in members))
        for i, window in zip(members, windows, strict=True):
            out[i] = window
    return out


@lru_cache(maxsize=8192)
def _sentence_windows(sentence: str, figures: tuple[tuple[str, str | None], ...]) -> tuple[_Window, ...]:
    """The windows of a sentence's ``figures`` (text and unit, in text order);
    ``_NO_WINDOW`` for a figure not found in it. Cached: the same sentences answer many
    questions, with the same figures."""
    out: list[_Window] = [_NO_WINDOW] * len(figures)
    cursor = 0
    spans: list[tuple[int, int] | None] = []
    for text, unit in figures:
        at = sentence.find(text, cursor)
        if at < 0:
            spans.append(None)
            continue
        end = at + len(text)
        if unit and sentence.startswith(unit, end + 1):
            end += 1 + len(unit)
        spans.append((at, end))
        cursor = end
    # the sentence with every figure and its unit blanked: what governs the figures
    gaps = list(_folded_lower(sentence))
    for sp in spans:
        if sp:
            gaps[sp[0] : sp[1]] = " " * (sp[1] - sp[0])
    gap_text = "".join(gaps)
    prev_end, head, inherited = 0, "", ""
    verbs = _verbs_in(gap_text)
    first = next((sp[0] for sp in spans if sp), 0)
    subject = syllables(sentence[:first][-2 * WINDOW :])  # before the sentence's first figure
    for n, (_, unit) in enumerate(figures):
        span = spans[n]
        if span is None:
            continue
        at, end = span
        own = sentence[prev_end:at]
        if prev_end and not unit and _ELLIPSIS.fullmatch(own) and not VERB_RE.search(fold(own).lower()):
            # an elliptical item (no unit, no verb of its own) shares the list's head:
            # "tỷ lệ ứng cử viên nữ chiếm 39%, trẻ tuổi 22,4%"
            inherited = head + " " + own
        elif prev_end and _COPULA.match(own):
            pass  # "31% là cán bộ nữ, 7% ...": what follows "là" is the previous figure's
        elif not _LIST_GAP.fullmatch(own) and not (prev_end and _is_list_items(own)):
            inherited = head = own[-WINDOW:]
        nxt = next((sp[0] for sp in spans[n + 1 :] if sp), len(sentence))
        right = _CLAUSE_END.split(sentence[end : min(nxt, end + WINDOW)], maxsplit=1)[0]
        copula = _COPULA.match(right)
        years = YEAR.findall(gap_text, 0, at)
        out[n] = _Window(
            syllables(inherited),
            syllables(right),
            _last_verb(verbs, at),
            years[-1] if years else None,
            subject,
            syllables(right[copula.end() :]) if copula else set(),
            bool(_CHANGE_BEFORE.search(gap_text, 0, at)),
        )
        prev_end = end
    return tuple(out)


_LIST_ITEMS = re.compile(r"\s*[,;]\s*(?:[^,;:.()]{1,48}[,;]\s*)+(?:và\s+)?")


def _is_list_items(own: str) -> bool:
    """Items without a figure between two figures of one list ("61 chi bộ đảng, 173 tổ
    chức công đoàn, Hội Liên hiệp thanh niên, 37 chi hội phụ nữ"): short, no verb."""
    return _LIST_ITEMS.fullmatch(own) is not None and not VERB_RE.search(fold(own).lower())


@lru_cache(maxsize=16384)
def _verbs_in(gap_text: str) -> tuple[tuple[int, str], ...]:
    """The known verbs of a sentence (folded, figures blanked): (end offset, verb)."""
    return tuple((m.end(), m.group(0)) for m in VERB_RE.finditer(gap_text))


def _last_verb(verbs: tuple[tuple[int, str], ...], at: int) -> str | None:
    """The last of a sentence's verbs (end offset, verb) that ends before ``at``."""
    last = None
    for end, verb in verbs:
        if end > at:
            break
        last = verb
    return last


_ISSUING_ASKED = re.compile(r"(?<!\w)(?:ban hanh|ky|ra doi|thong qua)(?!\w)")
#: Written with their marks, "kỳ" (kỳ họp, nhiệm kỳ), "kỷ" (kỷ niệm) and "kỹ" (kỹ thuật)
#: fold to "ky" too, but sign nothing.
_NOT_SIGNING = frozenset("kỳ kì kỷ kỉ kỹ".split())
_WORD = re.compile(r"\w+")


# "Quyết định số ... ngày ... có hiệu lực (thi hành) (kể) từ ngày ký": in the date's own
# sentence, the document's date is when it takes effect (a document it cites elsewhere in
# the passage may have taken effect otherwise)
_EFFECTIVE_WHEN_SIGNED = re.compile(r"(?<!\w)hieu luc (?:thi hanh )?(?:ke )?tu ngay ky(?!\w)")


def _effective_when_signed(f: FigureHit) -> bool:
    return _EFFECTIVE_WHEN_SIGNED.search(fold(f.sentence).lower()) is not None


# the first syllables of what a question numbers rather than counts ("kỳ họp thứ 6",
# "khóa XI", "lần 2", "đợt 3", "giai đoạn 2"): such a number says nothing of a bare figure
_ORDINAL_UNITS = frozenset("ky khoa lan dot giai phien hoi dai".split())


def _stated(q: Question, f: FigureHit) -> bool:
    """The question writes this figure itself: the same value and unit, or the same value
    for a bare count ("45" of "số 45 Nguyễn Văn Bảo" for "trung tâm ... (45 Nguyễn Văn
    Bảo)"; not "50%" for "quá 50 lao động")."""
    if (f.value, first_unit_syllable(f.unit)) in q.stated or (f.kind == "percent" and (f.value, "%") in q.stated):
        return True
    bare = f.kind in ("count", "quantity") and not f.unit
    return bare and any(value == f.value and unit not in _ORDINAL_UNITS and unit != "%" for value, unit in q.stated)


def asks_issuing(q: Question) -> bool:
    """The question asks when a document was issued or signed ("Nghị quyết ... ban hành
    ngày nào?"), not when an event took place. "Có hiệu lực từ ngày nào?" asks when it
    takes effect: mostly a later date than its own ("Nghị định 158 ngày 27-12-2005 ...
    có hiệu lực từ ngày 1-4-2006"). "Kỳ họp khai mạc ngày nào?" asks of an event: only "ký"
    (or "ky" typed without its mark) is a signing."""
    words = " ".join(w for w in _WORD.findall(q.expanded.lower()) if w not in _NOT_SIGNING)
    return _ISSUING_ASKED.search(fold(words)) is not None


# "có hiệu lực (thi hành) (kể) từ (ngày)" right before a date: the day a document takes
# effect, mostly later than the day it was signed
_TAKES_EFFECT_BEFORE = re.compile(r"(?<!\w)hieu luc (?:thi hanh )?(?:ke )?tu (?:ngay )?$")


def takes_effect(f: FigureHit) -> bool:
    """The date is when a document takes effect ("Nghị định 15 ... có hiệu lực từ ngày
    15-2"), not when it was signed or issued."""
    # the date as a whole ("15-2", not the start of "Nghị định số 15-2007")
    m = re.search(r"(?<![\w/-])" + re.escape(f.text) + r"(?![\w/-]|[.,]\d)", f.sentence)
    at = m.start() if m else -1
    return at >= 0 and _TAKES_EFFECT_BEFORE.search(" ".join(re.findall(r"\w+", fold(f.sentence[:at]).lower())) + " ") is not None


_EFFECT_ASKED = re.compile(r"(?<!\w)(?:hieu luc|ap dung|thi hanh|thuc hien|bat dau)(?!\w)")


def asks_effect(q: Question) -> bool:
    """The question speaks of when a document takes effect ("có hiệu lực từ ngày nào?",
    "áp dụng từ ngày nào?", "bắt đầu thực hiện ...")."""
    return _EFFECT_ASKED.search(q.words) is not None


def _dates_document(f: FigureHit) -> bool:
    """The date comes right after a document reference ("Nghị quyết số 09-NQ/TU ngày
    27/02/2012"): it dates the document."""
    at = f.sentence.find(f.text)
    ref = DOC_REF_BEFORE.search(f.sentence[:at]) if at >= 0 else None
    # "Quyết định này có hiệu lực kể từ ngày 9-1-2006": the date it takes effect
    return ref is not None and "hiệu lực" not in ref.group(0).lower()


def _date_adjustment(f: FigureHit, documented: bool) -> float:
    """A date right after a document reference (``documented``: "Nghị quyết 09-NQ/TU
    ngày ...") dates the document, not the event; among the rest, earlier in the sentence
    is likelier."""
    at = f.sentence.find(f.text)
    penalty = -0.8 if documented else 0.0
    return penalty - 0.1 * (at / max(1, len(f.sentence)) if at >= 0 else 0.5)


# --- person and place spans ------------------------------------------------------------

# Vietnamese capital letters (a range like À-Ỹ would also take "ố", "á" ...)
_UP = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x1EFA)) if c.isupper() and c.isalpha())
_NAME = rf"[{_UP}]\w*"
_PERSON = re.compile(
    rf"(?:(?<!\w)(?P<title>[Đđ]ồng chí|[Đđ]/c|[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị)\s+)?(?P<name>{_NAME}(?:\s+(?!(?:Ông|Bà)(?!\w)){_NAME}){{1,7}})"
)  # "Ông" / "Bà" inside a run of capitals starts the next name ("... Lê Hòa Ông Đỗ Minh Khang")
# Capitalised words that start or end a run of capitals without being part of a name
# ("Quận", "Bí Thư", "Chủ Tịch" ...). Compared as written: folded, "Thành" would also
# strike "Thanh", "Chỉ Thị" every "Thị", "Quốc Hội" every "Quốc".
_NOT_NAME = frozenset(
    (
        "Quận Huyện Tỉnh Thành Phường Xã Ủy Uỷ Ban Hội Đảng Nhà Nước Phòng Sở Bộ Trung Ương Chính Phủ "
        "Đoàn Công Ty Tổng Liên Đại Nghị Quyết Chỉ Thị Mặt Trận Thường Vụ Trưởng Phó Bí Thư Chủ Tịch Giám Đốc "
        "Việt Nội TP HCM Sáng Chiều Tối Ngày Tháng Theo Trong Tại Với Sau Khi Đây Đồng Chí Ông Bà "
        "Viện Trường Cục Khối Doanh Nghiệp Chi Hiệp Cộng Sản Nhân Dân Tòa Án Kiểm Sát Công An Quân Quốc "
        "Các Những Nhưng Và Nếu Vì Tuy"  # a sentence's first word after a headline run on
    ).split()
)
# Capitalized words of _NOT_NAME that are given names too: at the end of a name that
# starts with a surname they stay ("Nguyễn Văn Thành", "Nguyễn Đức Chính", "Phạm Long Trận").
GIVEN_NAMES_TOO = frozenset(
    "Thành Chính Quốc Quân Trận Trung Việt Nội Liên Đại Tổng Hiệp Dân Nhân Hội Chi Công Thường Trường Đồng Sáng "
    "Chí Nghiệp Quyết Nghị Thư".split()
)
# ... and words of bodies that are given names too, kept only as the third word of a
# three-word name ("Nguyễn Văn An", "Nguyễn Xuân Ban", "Huỳnh Minh Đoàn"): after four
# words they start a body ("Lê Văn Tám | Ban quản lý").
GIVEN_NAMES_OF_THREE = frozenset("An Ban Bộ Đoàn Sở Viện Tỉnh Doanh Kiểm Phòng Đảng Chỉ Tòa".split())
_ORG_TAIL = re.compile(r"\s+(?:(?:ủy|uỷ|phố|viên|hội|đoàn|bộ|cục|nhánh|ty|an|vụ|trực|chí|đại|học|tâm)(?!\w)|\d)")
_PROVINCE_NAMES = frozenset(PROVINCES)
_PLACE = re.compile(r"\b(?:tại|ở)\s+(?P<place>[^,.;:!?\n()]{3,80})")


def _not_name(word: str) -> bool:
    return word in _NOT_NAME or (len(word) > 1 and word.isupper())  # or an acronym: LĐLĐ, HĐND


def _given_name_last(words: list[str]) -> bool:
    """The last word of a name that starts with a surname is its given name, though
    capitals of a body could start with it too."""
    last = words[-1]
    return (3 <= len(words) <= 4 and last in GIVEN_NAMES_TOO) or (len(words) == 3 and last in GIVEN_NAMES_OF_THREE)


#: Surnames less common than ``SURNAMES`` or also words of other names ("Lã", "Diệp",
#: "Phùng", "Tôn"): taken for a surname where they start a name of three or four words
#: that is no place ("Diệp Thanh Phong", "Lã Thị Kim Oanh"; not "Tri Tôn", "Thạch Thất").
SURNAMES_TOO: frozenset[str] = frozenset(
    "Diệp Vi Mạc Đàm Lò Giáp Thân Tăng Khúc Phùng Lã Mã Nông Doãn Hứa Lục Kim Tôn Quan Lữ Ung Bế "
    "Tống Thạch Danh Khổng".split()
)


def _surname_at(words: list[str], i: int, titled: bool = False) -> bool:
    """A name starts at ``words[i]``: a surname; a place's surname before a middle name
    ("Hà Văn Quyết", ``_place_surname``); or one of ``SURNAMES_TOO`` (with an office or a
    title before the run, one of ``_PLACE_SURNAMES`` too: "Phó giám đốc Hanoi Toserco Mai
    Tiến Dũng") followed by two or three words, none of them a body's word (but a middle or
    given name), the whole no place, not the last word of a place before it ("Tri Tôn",
    "Quảng Ninh") nor before a surname ("Ninh | Nguyễn Văn Quynh")."""
    if words[i] in SURNAMES:
        return True
    name = words[i:]
    if i == 0 and _place_surname(name):
        return True
    too = words[i] in SURNAMES_TOO or (titled and words[i] in _PLACE_SURNAMES and len(name) == 3)
    if not too or not 3 <= len(name) <= 4 or name[1] in SURNAMES:
        return False
    if any(_not_name(w) and w not in _MIDDLE_NAMES and w not in GIVEN_NAMES_TOO for w in name[1:-1]):
        return False
    if _not_name(name[-1]) and not _given_name_last(name):
        return False
    if i > 0 and _a_place(words[i - 1 : i + 1]):
        return False  # "Tri Tôn", "Thiếu Lâm": a place's last word
    return not (_a_place(name[:2]) or _a_place(name) or _a_place(name[1:]) or " ".join(name) in HCM_NAMES)


def _a_place(words: list[str]) -> bool:
    """Capitalized words that name a place: a province, a district or town, any place the
    gazetteer knows."""
    return bool(place_keys(" ".join(words))) or _a_town(words)


def person_candidates(sentence: str) -> Iterable[tuple[str, float]]:
    for m in _PERSON.finditer(sentence):
        words = m.group("name").split()
        # drop ranks, organizations and acronyms around the name ("Chủ tịch LĐLĐ TPHCM
        # Nguyễn Huy Cận"); a name that starts with a surname may hold any syllable
        # ("Trần Quốc Huê"), other runs of capitals none of those words
        run_titled = bool(m.group("title")) or _role_before(sentence[: m.start("name")])
        while words and not _surname_at(words, 0, run_titled) and (_not_name(words[0]) or len(words[0]) == 1):
            words.pop(0)  # a rank, an acronym, a stray letter ("T.Ư Nguyễn Khoa Điềm")
        lead = bool(words) and _surname_at(words, 0, run_titled)
        later = next((i for i in range(1, len(words)) if _surname_at(words, i, run_titled)), None)
        after_place = 0
        if words and not lead and later is not None and len(words) - later >= 2:
            words = words[later:]  # a place or a word before the name: "Ninh Bình Phạm Minh Tuyên"
        elif words and not lead and (after_place := _place_before_name(words)):
            # "Tỉnh ủy Yên Bái Hà Quyết", "UBND TP Mỹ Tho Mai Thanh Minh": an office's place,
            # then its holder (not "Tại Hà Nội Hồ Gươm": no body or level before the place)
            if _PLACE_OR_BODY_BEFORE.search(sentence[: sentence.find(" ".join(words), m.start())]):
                words = words[after_place:]
            else:
                after_place = 0
        surname = bool(words) and (_surname_at(words, 0, run_titled) or bool(after_place))
        org_follows = _ORG_TAIL.match(sentence, m.end()) is not None  # "... Thành ủy", "... Thành phố"
        while words and _not_name(words[-1]) and (org_follows or not (surname and (after_place or _given_name_last(words)))):
            words.pop()  # a trailing rank or organization, unless a given name ("Nguyễn Văn Thành")
            org_follows = True  # ... and what comes before it is part of it ("Trường Đại học")
        words = words[:4]
        if not 2 <= len(words) <= 4 or " ".join(words) in _PROVINCE_NAMES:
            continue
        if not surname and any(_not_name(w) for w in words):
            continue
        if not surname and not m.group("title") and _a_town(words):
            continue  # a district or town ("Đông Anh", "Hội An"), unless "Chị Thanh Thủy"
        name = " ".join(words)
        titled = bool(m.group("title")) or _role_before(sentence[: sentence.find(name, m.start())])
        bonus = (0.6 if titled else 0.0) + (0.3 if surname else 0.0)
        yield name, bonus


#: Offices and ranks written before a name ("Thứ trưởng Đặng Hùng Võ", "chủ tịch HĐND xã
#: Thạnh Tân Huỳnh Đức Toàn"): as much a cue as "ông" or "đồng chí".
_ROLE_END = re.compile(
    r"(?<!\w)(?:chủ tịch|bí thư|thứ trưởng|bộ trưởng|giám đốc|trưởng ban|trưởng phòng|trưởng thôn|"
    r"trưởng ấp|trưởng bản|trưởng khu phố|trưởng công an|trưởng đoàn|hiệu trưởng|chủ nhiệm|viện trưởng|"
    r"cục trưởng|vụ trưởng|chánh án|chánh văn phòng|chánh thanh tra|thủ tướng|tổng thư ký|thư ký|"
    r"người phát ngôn|đại biểu|ủy viên|uỷ viên|đại tướng|thượng tướng|trung tướng|thiếu tướng|đại tá|"
    r"thượng tá|trung tá|thiếu tá|đại úy|thượng úy|trung úy|thiếu úy|giáo sư|tiến sĩ|bác sĩ|luật sư|"
    r"nhà báo|nhà văn|nhà thơ|nghệ sĩ|kỹ sư|gs|pgs|ts)$"
)
#: Lower-case words that may stand between an office and the name: the office's body and
#: place ("Bí thư quận ủy Quận 12", "Chủ tịch nước", "chủ tịch HĐND xã Thạnh Tân").
_ROLE_GAP = frozenset(
    "xã phường thị trấn quận huyện tỉnh thành phố tp ủy uỷ ban nhân dân nước đảng hội đồng "
    "thường trực vụ ubnd hđnd mặt trận tổ quốc đoàn công an".split()
)


#: Right before a capitalized run, these make it the name of a place or a body, not a
#: person: "Chủ tịch UBND quận Hoàn Kiếm", "Hiệu trưởng Trường THPT Lê Quý Đôn",
#: "Đại biểu Quốc hội Đoàn TP Hà Nội".
_PLACE_OR_BODY_BEFORE = re.compile(
    r"(?i)(?<!\w)(?:xã|phường|huyện|quận|tỉnh|thành phố|tp\.?|thị xã|tx\.?|thị trấn|ủy|uỷ|ubnd|hđnd|"
    r"trường|thpt|thcs|bệnh viện|hội|đoàn)\s*$"
)


def _role_before(before: str) -> bool:
    """An office or rank ends the text before a name, maybe followed by its body and
    place (capitalized words, numbers, ``_ROLE_GAP`` words), within one clause; not when
    a level word or a body comes right before it (then the name is the place's)."""
    before = before[-160:]  # an office stands within a clause's reach of the name
    if _PLACE_OR_BODY_BEFORE.search(before):
        return False
    clause = re.split(r"[,;:()\"“”]", before)[-1]
    words = clause.split()
    for k in range(0, 8):
        head = words[: len(words) - k]
        if head and _ROLE_END.search(" ".join(head[-4:]).lower()):
            return True
        if k >= len(words):
            return False
        w = words[len(words) - 1 - k]
        if not (w[:1].isupper() or w[:1].isdigit() or w.lower() in _ROLE_GAP):
            return False
    return False


#: Surnames left out of ``SURNAMES`` because they start place names too (Hồ Chí Minh, Hà
#: Nội, Lâm Đồng): they start a person's name when the words are no place ("Mai Quốc Bình").
_PLACE_SURNAMES = frozenset({"Mai", "Hồ", "Hà", "Lâm", "Châu"})


def _a_town(words: list[str]) -> bool:
    """Capitalized words that name a province-level city, town or district ("Đông Anh")."""
    return is_town(" ".join(fold(w).lower() for w in words))


def _place_before_name(words: list[str]) -> int:
    """The number of leading words that name a province, city or district when a name of
    at least two words starting with a surname follows ("Yên Bái | Hà Quyết", "Mỹ Tho |
    Mai Thanh Minh"): an office's place written right before its holder. 0 otherwise."""
    for k in (3, 2, 1):
        rest = words[k:]
        if len(rest) < 2 or not (rest[0] in SURNAMES or rest[0] in _PLACE_SURNAMES):
            continue
        if place_keys(" ".join(rest)) or " ".join(rest) in HCM_NAMES:
            return 0  # "TP Thủ Đức Hồ Chí Minh": another place, no person
        place = " ".join(words[:k])
        if place in _PROVINCE_NAMES or _a_town(words[:k]):
            return k
    return 0


#: Middle names after which Mai, Hồ, Hà, Lâm start a person ("Hồ Thị Kim Thoa", "Mai Quốc
#: Bình"), not a lake, a district or a firm ("Hồ Dầu Tiếng", "Hà Đông", "Mai Linh").
_MIDDLE_NAMES = frozenset("Thị Văn Quốc Đức Hữu Ngọc Minh Thanh Xuân Công Đình Kim Hồng Thu Bá Trọng Sỹ Sĩ".split())


def _place_surname(words: list[str]) -> bool:
    name = " ".join(words)
    return (
        words[0] in _PLACE_SURNAMES and 3 <= len(words) <= 4 and words[1] in _MIDDLE_NAMES
        and not place_keys(name) and name not in HCM_NAMES
    )  # fmt: skip


def place_candidates(sentence: str, noun: str | None = None, unit_asked: bool = False) -> Iterable[tuple[str, float]]:
    """Places after "tại"/"ở", named places ("huyện Nhà Bè", "Tây Ninh"); and, where the
    question asks "<noun> nào" ("đường nào"), the noun with the name after it ("đường
    Nguyễn Văn Linh", "hồ Gươm"), or an address ("số 7 Lê Đình Dương"). Each span once,
    with its best cue."""
    found: dict[str, float] = {}
    for m in _PLACE.finditer(sentence):
        place = m.group("place").strip(" -")
        found[place] = 0.4 if place[:1].isupper() else 0.0
    if unit_asked:  # "huyện nào?", "địa phương nào?": the places the sentence names
        for x in find_places(sentence):
            found[x.text] = max(found.get(x.text, 0.0), 0.5)
    if noun:
        pattern = _ADDRESS if noun == "địa chỉ" else _named_after(noun)
        for m in pattern.finditer(sentence):
            span = m.group(0)
            if span[0].isupper() and (place_keys(span) or span.startswith("Hồ Chí Minh")):
                continue  # "Bến Tre", "Hồ Chí Minh" (a city, or the President: no place key): not a quay, not a lake
            if noun in _COMPOUNDS_OF and span[0].isupper() and _WORD_BEFORE_CAPITAL.search(sentence, 0, m.start()):
                continue  # "Nguyễn Đình Thắng": inside a name
            found[span] = 0.6
    yield from found.items()


#: The administrative levels a place question may ask ("thành phố nào": a province-level
#: city or another), by the level ``places.place_of`` gives a span.
_LEVEL_OF_PLACE: dict[str, str] = {
    "tỉnh": "province", "thành phố": "city", "huyện": "district", "quận": "district",
    "thị xã": "town", "thị trấn": "township", "xã": "commune", "phường": "ward",
}  # fmt: skip
_ASKED_LEVEL = r"(?:thành phố|tp\.?|tỉnh|huyện|quận|thị xã|thị trấn|xã|phường)"
_ASKED_LEVEL_FOLDED = r"(?:thanh pho|tp|tinh|huyen|quan|thi xa|thi tran|xa|phuong)"
#: "tỉnh nào", "tỉnh, thành phố nào", "huyện hay thị xã nào", "quận mấy" (as written, lower case)
_LEVELS_ASKED = re.compile(rf"(?<!\w)((?:{_ASKED_LEVEL}\s*(?:,|/|và|hay|hoặc)\s*)*{_ASKED_LEVEL})\s+(?:nào|mấy)(?!\w)")
#: ... typed without diacritics: not "dia phuong nao" (địa phương), "co quan nao" (cơ quan)
_LEVELS_ASKED_FOLDED = re.compile(
    rf"(?<!\w)(?<!dia )(?<!co )((?:{_ASKED_LEVEL_FOLDED}\s+(?:(?:va|hay|hoac)\s+)?)*{_ASKED_LEVEL_FOLDED})\s+(?:nao|may)(?!\w)"
)
_REGIONS = frozenset({"Tây Nguyên"})  # in ``PROVINCES`` as a place, but no province


def _level_asked(q: Question) -> frozenset[str]:
    """The administrative levels a place question asks ("thị trấn nào?", "tỉnh, thành
    phố nào?"); empty if none."""
    if q.type != "place":
        return frozenset()
    written = q.expanded.lower()
    if has_diacritics(written):
        m, word = _LEVELS_ASKED.search(written), _ASKED_LEVEL
    else:
        m, word = _LEVELS_ASKED_FOLDED.search(q.folded), _ASKED_LEVEL_FOLDED
    if not m:
        return frozenset()
    return frozenset(_LEVEL_OF_PLACE[level_of_keyword(w)] for w in re.findall(word, m.group(1)))


def _level_agreement(asked: frozenset[str], span: str) -> float:
    """+1 when the span names a place of an asked level ("thị trấn Phục Hòa" for "thị
    trấn nào", "Nam Định" or "TP HCM" for "tỉnh nào"), -1 when it names one of another
    level ("tỉnh Cao Bằng" for "thị trấn nào", "Nghệ An" for "thành phố nào"), 0 when
    its level is unknown."""
    p = place_of(span)
    if p is None or not p.name[:1].isupper() and not p.name[:1].isdigit() or p.name in _REGIONS:
        return 0.0  # no place ("Xã hội ...") or a region
    levels = {_LEVEL_OF_PLACE[p.level]}
    if p.level == "thành phố" and p.name in CITIES:
        levels.add("province")  # a province-level city answers "tỉnh nào" too
    return 1.0 if levels & asked else -1.0


#: Classifiers before a place noun that its name may go without: "cây cầu nào?" is
#: answered by "cầu Cỏ May", "tuyến đường nào?" by "đường Xuyên Á", "hòn đảo" by "đảo Ba Bình".
_PLACE_CLASSIFIERS = frozenset({"cây", "tuyến", "con", "hòn", "ngọn"})


@lru_cache(maxsize=64)
def _named_after(noun: str) -> re.Pattern[str]:
    """The noun (its classifier optional) and the capitalized words or numbers of its
    name after it; a short noun that ends many compounds ("gia đình", "khai thác") is read
    only after none of them, not inside a name ("Nguyễn Đình Thắng"), and with a name of
    words ("đền Hùng", not "bồi đền 5 tỷ") (``place_candidates`` drops one inside a name)."""
    word = rf"(?:[{_UP}]\w*|\d+\w*)"
    first, _, head = noun.partition(" ")
    asked = rf"(?:{re.escape(first)}\s+)?{re.escape(head)}" if first in _PLACE_CLASSIFIERS and head else re.escape(noun)
    before = _COMPOUND_BEFORE + tuple(w2 for w in _COMPOUNDS_OF.get(noun, ()) for w2 in (w, w.capitalize()))
    compound = "".join(rf"(?<!{w}\s)" for w in before)  # "yêu cầu", "bán đảo", "gia đình"
    if noun in _COMPOUNDS_OF:
        named = rf"[{_UP}]\w*"
        return re.compile(rf"(?<!\w){compound}(?i:{asked})\s+{named}(?:\s+{word}){{0,5}}")
    return re.compile(rf"(?<!\w){compound}(?i:{asked})\s+{word}(?:\s+{word}){{0,5}}")


_WORD_BEFORE_CAPITAL = re.compile(rf"[{_UP}]\w*\s+$")
#: Short place nouns that end many compounds, with the words that make those: "gia đình",
#: "cung đình", "khai thác", "ủy thác", "bồi đền", "đánh đập", "va đập", "cống hiến" aside.
_COMPOUNDS_OF: dict[str, tuple[str, ...]] = {
    "đình": ("gia", "cung", "triều"), "thác": ("khai", "ủy", "uỷ", "thoái"), "đền": ("bồi",),
    "đập": ("đánh", "va"), "cống": (),
}  # fmt: skip


#: Words that make a compound with the place noun after them ("yêu cầu", "nhu cầu",
#: "toàn cầu", "khẩn cầu", "bán đảo", "phó phòng"...), as written, lower case or capital.
_COMPOUND_BEFORE = tuple(
    w2 for w in ("yêu", "nhu", "toàn", "khẩn", "bán", "đề") for w2 in (w, w.capitalize())
)


_ADDRESS = re.compile(
    rf"(?<![\w/])(?:số\s+\d+[A-Z]?(?:[/-]\d+)*\s+(?:đường\s+)?[{_UP}]\w*(?:\s+[{_UP}]\w*){{0,4}}"
    rf"|(?!(?:19|20)\d\d\b)\d+[A-Z]?(?:[/-]\d+)*\s+(?:đường\s+[{_UP}]\w*|[{_UP}]\w*\s+[{_UP}]\w*)(?:\s+[{_UP}]\w*){{0,3}})"
)  # "số 7 Lê Đình Dương", "153 Nguyễn Chí Thanh", "46 đường Hậu Giang"; no year ("2015 Thành")


def _span_window(sentence: str, at: int, length: int) -> set[str]:
    """Syllables around a span: back to the clause start, and ahead over two clauses (a
    subject's verb may follow its title: "đồng chí Nguyễn Văn Yểu, Trưởng Ban Kiểm
    phiếu, đọc danh sách")."""
    if at < 0:
        return set()
    left = _CLAUSE_END.split(sentence[max(0, at - WINDOW) : at])[-1]
    right = "".join(_CLAUSE_END.split(sentence[at + length : at + length + 2 * WINDOW])[:3])
    return syllables(left) | syllables(right)


def _span_starts(sentence: str, spans: list[str]) -> list[int]:
    """Where each span (in text order) starts in its sentence, -1 if not found."""
    out, cursor = [], 0
    for span in spans:
        at = sentence.find(span, cursor)
        at = sentence.find(span) if at < 0 else at
        out.append(at)
        cursor = at + len(span) if at >= 0 else cursor
    return out


def _own_part(sentence: str, starts: list[int], spans: list[str], n: int) -> frozenset[str]:
    """The words that describe span ``n`` alone: from the span before it (or the last
    ";" before it) to the span after it (or the next ";"): "ông Lê Hoàng Quân, Phó Bí
    thư Thành ủy; ông Lê Thanh Hải, Chủ tịch UBND" gives each name its own title."""
    return syllables(_own_part_text(sentence, starts, spans, n))


def _own_part_text(sentence: str, starts: list[int], spans: list[str], n: int) -> str:
    """``_own_part`` as text, the span itself left out."""
    at = starts[n]
    if at < 0:
        return ""
    end = at + len(spans[n])
    before = [starts[i] + len(spans[i]) for i in range(n) if 0 <= starts[i] and starts[i] + len(spans[i]) <= at]
    after = [starts[i] for i in range(n + 1, len(starts)) if starts[i] >= end]
    lo = max([sentence.rfind(";", 0, at) + 1, *before])
    semi = sentence.find(";", end)
    hi = min([len(sentence) if semi < 0 else semi, *after])
    return sentence[lo:at] + " " + sentence[end:hi]


#: Offices a person question may ask ("Ai là Chủ tịch Hội đồng bầu cử ...?", "Thứ trưởng
#: Bộ Nội vụ nào ...?"), folded; "phó" before one makes it the deputy's.
_OFFICES = (
    "chu tich", "bi thu", "thu truong", "bo truong", "giam doc", "truong ban", "truong phong",
    "hieu truong", "chu nhiem", "vien truong", "cuc truong", "vu truong", "chanh an", "chanh van phong",
    "chanh thanh tra", "thu tuong", "thu ky", "truong doan", "truong cong an", "tong thu ky",
    "nguoi phat ngon", "truong thon", "truong ap", "truong khu pho", "tong giam doc", "tong bi thu",
)  # fmt: skip
_OFFICE_RE = re.compile(r"(?<!\w)(pho\s+)?(" + "|".join(sorted(_OFFICES, key=len, reverse=True)) + r")(?!\w)")


_OFFICE_PHRASE_END = re.compile(r"[(),;:.?!\-–]|(?<!\w)(?:la ai|nao|ten gi|la|noi|cho biet|da|duoc|ve)(?!\w)")


def _offices(text: str) -> dict[str, tuple[bool, frozenset[str]]]:
    """The offices a text names, each with whether it is only ever a deputy's there
    ("phó chủ tịch") and the places named right after it, in its own phrase ("Chủ tịch
    UBND quận Cái Răng (Cần Thơ)" → quận Cái Răng)."""
    folded = _folded_lower(text)
    same = len(folded) == len(text)  # folding keeps offsets (NFC text): the phrase can be read as written
    out: dict[str, tuple[bool, frozenset[str]]] = {}
    for m in _OFFICE_RE.finditer(folded):
        tail = folded[m.end() : m.end() + 60]
        stop = _OFFICE_PHRASE_END.search(tail)
        end = m.end() + (stop.start() if stop else len(tail))
        keys = place_keys(text[m.end() : end]) if same else frozenset()
        deputy, places = out.get(m.group(2), (True, frozenset()))
        out[m.group(2)] = (deputy and bool(m.group(1)), places | keys)
    return out


def _role_features(asked: dict[str, tuple[bool, frozenset[str]]], own: str) -> tuple[float, float]:
    """(the name's own part holds an asked office as asked; ... only as a deputy's where
    the principal is asked, or the reverse)."""
    if not asked:
        return 0.0, 0.0
    here = _offices(own)
    matched = any(o in here and here[o][0] == deputy for o, (deputy, _) in asked.items())
    other = any(o in here and here[o][0] != asked[o][0] for o in asked)
    return float(matched), float(other and not matched)


#: An office written right after a name is the name's ("ông Nguyễn Văn A, chủ tịch UBND
#: xã B"; "Nguyễn Văn A - Hiệu trưởng ..."): up to a comma, a dash and "là" between them.
_APPOSITION = re.compile(r"\s*(?:[,\-–]\s*)?(?:là\s+|nguyên\s+|quyền\s+)?$")


def _office_elsewhere(asked: dict[str, tuple[bool, frozenset[str]]], sentence: str, starts: list[int], spans: list[str], n: int) -> float:
    """1 when the name holds an asked office as asked, and each such office of the name
    names only other places than the question's ("Chủ tịch UBND tỉnh Hậu Giang, ông X"
    where the one of huyện Châu Thành is asked). The name's offices: those written before
    it in its own part, and one written right after it; each read on in the sentence
    (its place may be a span of its own: "chủ tịch UBND xã Sông Phan")."""
    at = starts[n]
    if at < 0 or not any(places for _, places in asked.values()):
        return 0.0
    end = at + len(spans[n])
    before = [starts[i] + len(spans[i]) for i in range(n) if 0 <= starts[i] and starts[i] + len(spans[i]) <= at]
    lo = max([sentence.rfind(";", 0, at) + 1, *before])
    folded = _folded_lower(sentence)
    if len(folded) != len(sentence):
        return 0.0
    found: list[tuple[str, bool, frozenset[str]]] = []
    for m in _OFFICE_RE.finditer(folded):
        own = lo <= m.start() < at or (m.start() >= end and _APPOSITION.fullmatch(folded[end : m.start()]) is not None)
        if not own:
            continue
        tail = folded[m.end() : m.end() + 60]
        stop = _OFFICE_PHRASE_END.search(tail)
        places = place_keys(sentence[m.end() : m.end() + (stop.start() if stop else len(tail))])
        found.append((m.group(2), bool(m.group(1)), places))
    matched = [(o, places) for o, deputy, places in found if o in asked and asked[o][0] == deputy]
    return float(bool(matched) and all(asked[o][1] and places and not (asked[o][1] & places) for o, places in matched))


#: Words that join or rank the places of a span: with its places taken out, a span of
#: only these names no other place ("Hà Nội và TP", "tỉnh Phú Yên").
_PLACE_GLUE = frozenset("va tp thanh pho tinh quan huyen xa phuong thi tran cac hai ba".split())


#: "ho chi minh" after these names the President or what bears his name, not the city:
#: "tư tưởng Hồ Chí Minh", "Bảo tàng Hồ Chí Minh", "Đoàn TNCS Hồ Chí Minh" (folded).
_NAMED_AFTER_HO = re.compile(
    r"(?<!\w)(?:duong|tu tuong|chu tich|bac|lang|bao tang|huan chuong|giai thuong|chien dich|cong san|doan)\s+ho chi minh(?!\w)"
)
#: ... and these name the city: "TP Hồ Chí Minh", "TPHCM", "Sài Gòn" ("thành phố nào" does not).
_HCM_CITY = re.compile(r"(?<!\w)(?:(?:tp|thanh pho)\s+(?:ho chi minh|hcm)|tphcm|hcm|sai gon)(?!\w)")


def _ho_not_the_city(folded: str) -> bool:
    """A question (folded) writes "Hồ Chí Minh" only as the President's name or what bears
    it, never the city: "Hội thảo về tư tưởng Hồ Chí Minh ... ở thành phố nào?"."""
    return bool(_NAMED_AFTER_HO.search(folded)) and not _HCM_CITY.search(folded)


def _only_places_asked(q: Question, span: str) -> bool:
    """The span names only provinces or province-level cities the question names itself
    (as written, without diacritics or in its own words): the question's setting, not its
    answer ("TP HCM" for "... ở tphcm ... tổ chức ở đâu?"). A town, district or commune
    named like the province stays ("thị xã Quảng Trị", "TP Cà Mau" for "tỉnh Cà Mau")."""
    found = find_places(span)
    if not found:
        return False
    asked = (q.places | q.typed_places) - ({"ho chi minh"} if _ho_not_the_city(q.folded) else frozenset())
    for x in found:
        p = place_of(x.text)
        if p is None or not (p.level == "tỉnh" or (p.level == "thành phố" and p.name in CITIES)):
            return False
        if not place_keys(x.text) <= asked:
            return False
    rest = span
    for x in found:
        rest = rest.replace(x.text, " ")
    return syllables(rest) <= _PLACE_GLUE


def _span_candidates(q: Question, passages: list[PassageHit], rel: dict[int, float]) -> list[Candidate]:
    """Person or place spans of the passages' sentences. Like figures, the words and the
    verb of the question right around a span only tell apart the spans of one sentence."""
    if q.type == "person":
        find = person_candidates
    else:
        find = partial(place_candidates, noun=q.place_noun, unit_asked=q.unit_asked)
    levels_asked = _level_asked(q)
    offices = _offices(q.expanded) if q.type == "person" else {}
    out: list[Candidate] = []
    for p in passages[:CANDIDATES]:
        for sent in split_sentences(p.text):
            ssyl = sentence_words(sent, p)
            sentence = weighted_overlap(q, ssyl)
            verb = float(bool(q.verb_syllables) and q.verb_syllables <= ssyl)
            found = list(find(sent))
            starts = _span_starts(sent, [span for span, _ in found])
            for n, (span, cue) in enumerate(found):
                span_syl = syllables(span)
                if span_syl and span_syl <= q.content:
                    continue  # the question already names it: not the answer
                if q.type == "place" and _only_places_asked(q, span):
                    continue  # "TP HCM" for "... ở TPHCM ... tại đâu?": the question's own place
                around = _span_window(sent, starts[n], len(span))
                near = near_share(q, around)
                verb_here = any(v <= around for v in q.verbs)
                feats = {
                    "sentence": sentence,
                    "verb": verb,
                    "span_cue": cue,
                    "near": near,
                    "verb_here": float(verb_here),
                    "local_delta": W_NEAR * near + W_VERB_NEAR * verb_here,
                    "clause": weighted_overlap(q, _own_part(sent, starts, [sp for sp, _ in found], n)),
                    "role_asked": float(bool(offices)),
                    "place_level": _level_agreement(levels_asked, span) if levels_asked else 0.0,
                    "rel": rel.get(p.passage_id, 0.0),
                    "no_target": 1.0,
                }
                if offices:
                    names = [sp for sp, _ in found]
                    feats["role_here"], feats["role_deputy"] = _role_features(offices, _own_part_text(sent, starts, names, n))
                    feats["role_elsewhere"] = _office_elsewhere(offices, sent, starts, names, n)
                out.append(Candidate(q.type, span, p.passage_id, p.article_id, sent, features=feats))
    _relative_local(out)
    for c in out:  # the hand baseline's span cue is part of its sentence-level score
        c.features.setdefault("unit", 0.0)
        c.features.setdefault("context", 0.0)
    return out

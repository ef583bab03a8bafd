"""The question, parsed once: every later step (retrieval, re-ranking, candidates,
features, the scorer) reads this one value and never normalizes or analyzes the
question again.

    text ─► normalize ─► abbreviations (loose) ─► chat shorthand ("bn" → "bao nhiêu")
         ─► analysis (type, target, verb)         index/question.py
         ─► syllables + paraphrases ─► tokens     index/query.py, the index's segmenter
         ─► pairs, places, years, stated figures, idf weights

``parse_question(text, retriever)`` needs the index snapshot the question is answered
from (its segmenter and idf), so a question and its answer always see one index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from index.figures import extract_figures
from index.models import Figure
from index.mismatch import countries, landmarks, milestones, months, numbered_events, offices, proper_names, regions, seasons
from index.places import is_town, place_keys, typed_place_keys
from index.query import expanded_syllables, stopwords, syllable_pairs
from index.question import DURATION_TARGET, DURATION_WRITTEN, VERBS, QuestionAnalysis, analyze_question
from index.text import expand_question, fold, fold_words, normalize

_SYL = re.compile(r"\w+")
YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d.,]\d)")
VERB_RE = re.compile(r"\b(?:" + "|".join(re.escape(fold(v).lower()) for v in sorted(VERBS, key=len, reverse=True)) + r")\b")


@lru_cache(maxsize=65536)
def syllables(text: str | None) -> frozenset[str]:
    """Folded lower-case syllables of a text, as a set (cached: sentences, units and
    contexts recur from question to question)."""
    return frozenset(_SYL.findall(fold(text).lower())) if text else frozenset()


@dataclass(frozen=True)
class Question:
    """What a question asks, computed once per ``ask``."""

    text: str  # as asked
    expanded: str  # normalized, abbreviations and chat shorthand expanded
    folded: str  # ``expanded`` folded, lower case
    analysis: QuestionAnalysis  # type, target, verb
    tokens: tuple[str, ...]  # index tokens, question words removed (BM25)
    pairs: frozenset[tuple[str, str]]  # adjacent syllable pairs (re-ranking)
    places: frozenset[str]  # canonical place keys the question names ("quan 5", "long bien")
    organizations: tuple[str, ...]  # folded names of the organizations it names ("cong ty toyota")
    years: frozenset[str]  # years it names
    stated: frozenset[tuple[float, str]]  # figures it states itself: (value, first unit syllable)
    content: frozenset[str]  # syllables of its content tokens
    target_syllables: frozenset[str]
    verb_syllables: frozenset[str]
    weighted: tuple[tuple[frozenset[str], float], ...]  # content tokens as syllable sets, with idf
    verbs: tuple[frozenset[str], ...]  # every known verb of the question
    words: str  # its folded syllables, then its tokens' (abbreviations expanded)
    # places typed in lower case or without diacritics ("tinh an giang"), found only by the
    # gazetteer (``typed_place_keys``); never scored, they only stop a statement whose
    # article names none of them (``answer.unseen``)
    typed_places: frozenset[str] = frozenset()
    # numbered events it names ("kỳ họp thứ 6": ("ky hop", 6)) and the offices whose
    # head it asks for ("Chủ tịch UBND xã ...", none when it names a deputy): an answer
    # about another event, or a deputy for a head, is never stated (index.mismatch.py)
    events: frozenset[tuple[str, int]] = frozenset()
    heads_asked: frozenset[str] = frozenset()
    # regions it names ("Tây Nam Bộ", "phía Bắc"): an answer whose sentence names only
    # other regions is never stated (index/mismatch.py)
    regions: frozenset[str] = frozenset()
    # foreign countries it names ("tại Mỹ"): likewise for an answer naming only others
    countries: frozenset[str] = frozenset()
    # landmarks it names ("cảng Cửa Lò", "núi Hàm Rồng") as (kind, name): an answer about
    # another one, or from an article that never names it, is never stated
    landmarks: frozenset[tuple[str, str]] = frozenset()
    # proper names it writes that nothing else reads ("Trung tâm Phú Nghĩa", "ở Bảo Lộc"),
    # folded: an answer from an article that never names one is never stated
    names: frozenset[str] = frozenset()
    # months of the year it names ("tháng 11-2005"): an answer whose sentence names only
    # other months is never stated
    months: frozenset[int] = frozenset()
    # the start or end of a work or meeting it asks of ("khởi công", "bế mạc"): a date
    # whose sentence names only the other is never stated
    milestones: frozenset[str] = frozenset()
    # one-year spans it names ("năm học 2007-2008"): an answer whose sentence or context
    # names only other such spans is never stated
    seasons: frozenset[tuple[int, int]] = frozenset()

    @cached_property
    def weight_total(self) -> float:
        """Sum of the idf weights of its content words."""
        return sum(w for _, w in self.weighted)

    @cached_property
    def near_words(self) -> tuple[tuple[frozenset[str], float], ...]:
        """Its weighted content words other than its target and verb."""
        own = self.target_syllables | self.verb_syllables
        return tuple((sylls, w) for sylls, w in self.weighted if not sylls <= own)

    @cached_property
    def near_total(self) -> float:
        return sum(w for _, w in self.near_words)

    @property
    def type(self) -> str:
        return self.analysis.type

    @property
    def target(self) -> str | None:
        return self.analysis.target

    @property
    def verb(self) -> str | None:
        return self.analysis.verb

    @property
    def place_noun(self) -> str | None:
        return self.analysis.place_noun

    @property
    def unit_asked(self) -> bool:
        return self.analysis.unit_asked

    def written(self, folded_phrase: str | None) -> str | None:
        """A folded phrase of the question ("chi hoi phu nu") as the question writes it
        ("chi hội phụ nữ"), for messages; the phrase itself if it is not found."""
        if not folded_phrase:
            return folded_phrase
        words = _SYL.findall(self.expanded)
        want = folded_phrase.split()
        keys = [fold(w).lower() for w in words]
        for i in range(len(words) - len(want) + 1):
            if keys[i : i + len(want)] == want:
                return " ".join(words[i : i + len(want)])
        return DURATION_WRITTEN if folded_phrase == DURATION_TARGET else folded_phrase


def parse_question(
    text: str,
    segment: Callable[[list[str]], list[str]] = lambda sylls: sylls,
    idf: Callable[[str], float] | None = None,
) -> Question:
    """Parse ``text`` against an index's segmenter and idf (a retriever's)."""
    expanded = expand_question(text)
    analysis = analyze_question(expanded)
    sylls = expanded_syllables(expanded)
    words = segment(sylls)
    stop = stopwords()
    tokens = [w for w in words if w not in stop] or words
    content_tokens = [t for t in dict.fromkeys(tokens) if t not in stop]
    folded = " ".join(_SYL.findall(fold(expanded).lower()))
    places = place_keys(expanded) | _lower_case_places(folded)
    return Question(
        text=text,
        expanded=expanded,
        folded=folded,
        analysis=analysis,
        tokens=tuple(tokens),
        pairs=syllable_pairs(sylls),
        places=places,
        organizations=organizations(expanded),
        years=frozenset(YEAR.findall(expanded)),
        stated=stated_figures(expanded),
        content=frozenset(s for t in content_tokens for s in t.split("_")),
        target_syllables=frozenset(syllables(analysis.target)),
        verb_syllables=frozenset(syllables(analysis.verb)),
        weighted=tuple((frozenset(t.split("_")), idf(t) if idf else 1.0) for t in content_tokens),
        verbs=tuple(frozenset(m.split()) for m in dict.fromkeys(VERB_RE.findall(folded))),
        words=" ".join(folded.split() + [s for t in tokens for s in t.split("_")]),
        typed_places=typed_place_keys(folded) - places,
        events=numbered_events(expanded),
        heads_asked=_heads_asked(expanded),
        regions=regions(expanded),
        countries=countries(expanded),
        landmarks=landmarks(normalize(text)),  # not expanded: an expanded "UBND" reads as a name
        names=proper_names(normalize(text)),
        months=months(expanded),
        milestones=milestones(expanded) if analysis.type == "date" else frozenset(),
        seasons=seasons(expanded),
    )


def _heads_asked(expanded: str) -> frozenset[str]:
    """The offices whose head the question names, unless it names a deputy at all."""
    heads, deputies = offices(expanded)
    return frozenset() if deputies else heads


# Words that start an organization's name: as written (with diacritics) and, where the
# folded form is no common word too, folded ("cong ty" but not "hoi": hỏi / hội).
_ORG_HEADS = (
    "đảng bộ", "chi bộ", "tổ đảng", "công đoàn", "đoàn thanh niên", "thành đoàn", "tỉnh đoàn", "hội", "ủy ban",
    "sở", "bộ", "công ty", "tổng công ty", "tập đoàn", "mặt trận", "hội đồng", "liên đoàn", "bệnh viện",
    "trường", "xí nghiệp", "ngân hàng", "viện", "tòa án", "cục", "chi cục", "ban", "nhà máy", "hợp tác xã",
    "đại học",  # "ĐH Bách khoa" as the articles write it: "Đại học" expanded
)  # fmt: skip
_ORG_FOLDED_OK = frozenset(
    fold(h) for h in ("đảng bộ", "chi bộ", "tổ đảng", "công đoàn", "thành đoàn", "tỉnh đoàn", "ủy ban", "công ty",
                      "tổng công ty", "tập đoàn", "mặt trận", "hội đồng", "liên đoàn", "bệnh viện", "xí nghiệp",
                      "ngân hàng", "tòa án", "chi cục", "nhà máy", "hợp tác xã", "đại học")
)  # fmt: skip
_ORG_GENERIC = frozenset(
    fold(w)
    for w in "nhân dân các cấp cơ sở cơ quan thành viên mới nhà nước trung ương tw việt nam vn đảng cộng sản toàn quốc tỉnh huyện phường xã".split()
)
_ROMAN = re.compile(r"[IVXL]{1,5}")  # a congress's or a term's number ("Đảng khóa X"): no name
# punctuation between two words ends a name, a full stop too ("Sở Tài chính. Năm ..."),
# not the dot inside "TP.HCM"
_NAME_BREAK = re.compile(r"[,;:()?!\"“”]|\.\s")
# the legal or school form before a name ("Công ty TNHH Hoàng Long", "Trường THPT Lê
# Quý Đôn"): passages often leave it out, so the name is looked for without it
_ORG_FORMS = ("tnhh", "cp", "mtv", "thpt", "thcs", "ptth", "ptcs", "co phan", "trach nhiem huu han", "mot thanh vien")
# Words that end a name: function and question words, time words, verbs of the questions
# asked, and level words (a place follows: "Hội Nông dân | tỉnh Bến Tre"). Compared as
# written; an unaccented word by its folded form unless that is ambiguous ("tai": tại / tài).
_ORG_END_WRITTEN = frozenset(
    ("được đã bị là có trong ở tại của cho từ đến tới vào ra khi và với để mà nào này do thế thì sau trước "
     "theo về trên dưới đang sẽ đều cần phải không chưa bao nhiêu mấy ai gì đâu năm tháng ngày lần kết nạp "
     "thành lập tổ chức quận huyện tỉnh thành phố phường xã thị khóa").split()
)  # fmt: skip
_ORG_END_FOLDED = frozenset(fold(w) for w in _ORG_END_WRITTEN) - frozenset("tai chi ma do the ra toi ve con khoa".split())
_ORG_SHORT_HEADS = frozenset("hội ban bộ sở viện trường cục".split())  # also common words: a capital must follow
# words before "trường" that make it no school: "thị trường" (a market), "môi trường" ...
_NOT_SCHOOL = frozenset("thị môi quảng chiến lập hiện thương công ngư phi".split())


def _org_end(written: str, folded: str, accented: bool) -> bool:
    if accented:  # typed with diacritics: words are as written ("quan" in "cơ quan" is no "quận")
        return written in _ORG_END_WRITTEN
    return folded in _ORG_END_FOLDED


def organizations(expanded: str) -> tuple[str, ...]:
    """The organizations a question names, as folded phrases of their distinctive words
    ("Tổ đảng Công ty TOYOTA" → "toyota"; "Hội Nông dân" → "nong dan"); the words of a
    level or a place alone ("Đảng bộ quận 5") name no organization of their own."""
    spans = list(_SYL.finditer(expanded))
    raw = [m.group(0) for m in spans]
    # a name never runs over punctuation ("Hội An, Nhà nước hỗ trợ")
    broken = [k > 0 and bool(_NAME_BREAK.search(expanded, spans[k - 1].end(), m.start())) for k, m in enumerate(spans)]
    cased = any(c.isupper() for c in expanded) and any(c.islower() for c in expanded)
    written = [w.lower() for w in raw]
    folded = fold_words(written)
    letters = [(w, f) for w, f in zip(written, folded) if w.isalpha()]
    accented = sum(w != f for w, f in letters) >= 0.3 * max(1, len(letters))
    out: list[str] = []
    i = 0
    while i < len(written):
        head = _org_head(written, folded, i)
        if (
            not head
            or (written[i] in _ORG_SHORT_HEADS and head == 1 and not (i + 1 < len(raw) and raw[i + 1][:1].isupper()))
            or (raw[i] == "trường" and i > 0 and written[i - 1] in _NOT_SCHOOL)  # "thị trường Malaysia", not "Hiện Trường X"
            or (head == 1 and i + 1 < len(folded) and is_town(f"{folded[i]} {folded[i + 1]}"))  # "Hội An", "Trường Sa"
        ):
            i += 1
            continue
        j = i + head
        name: list[str] = []
        while (
            j < len(folded)
            and len(name) < 4
            and not broken[j]
            and not (cased and name and (_acronym(raw[j - 1]) or _brand(raw[j - 1])) and raw[j][:1].islower())  # "Bộ GTVT | như", "Cty Latek | đình công"
            and not _org_end(written[j], folded[j], accented)
            and _org_head(written, folded, j) == 0
        ):
            name.append(folded[j])
            j += 1
        start = i + head  # name[n] is word start + n of the question
        while form := next((f.split() for f in _ORG_FORMS if name[: len(f.split())] == f.split()), None):
            name, start = name[len(form) :], start + len(form)
        distinctive = [
            w for n, w in enumerate(name) if w not in _ORG_GENERIC and not w.isdigit() and not _ROMAN.fullmatch(raw[start + n])
        ]
        if distinctive:
            # its first two words, "nhân dân" of an expanded head left out ("Ủy ban nhân dân
            # Hà Nội" → "ha noi": a passage writes "UBND Hà Nội"): enough to find it
            if name[:2] == ["nhan", "dan"]:
                name = name[2:]
            phrase = " ".join(name[:2])
            if phrase not in out:
                out.append(phrase)
        i = j
    return tuple(out)


@lru_cache(maxsize=1)
def _org_alias_groups() -> dict[str, tuple[str, ...]]:
    """``index/data/org_aliases.tsv``: each form of an organization's name → all its forms."""
    raw = resources.files("index").joinpath("data/org_aliases.tsv").read_text("utf-8")
    out: dict[str, tuple[str, ...]] = {}
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        forms = tuple(f.strip() for f in line.split("\t") if f.strip())
        if len(forms) < 2 or any(f != " ".join(re.findall(r"[a-z0-9]+", f)) for f in forms):
            raise ValueError(f"org_aliases.tsv: bad line {line!r}")
        # each form finds the line, and so do the first two words of a longer one
        for key in dict.fromkeys((*forms, *(" ".join(f.split()[:2]) for f in forms))):
            out[key] = tuple(dict.fromkeys((*out.get(key, ()), *forms)))
    return out


@lru_cache(maxsize=4096)
def org_forms(phrase: str) -> tuple[str, ...]:
    """An organization phrase of ``organizations`` and the other forms of its name a
    passage may write instead ("ldtbxh" → "lao dong thuong binh", "ld tb", ...). A short
    form with more after it ("ldtbxh hn": the department of Hà Nội; "gtvt nguyen": the
    ministry, then its deputy minister's name) is looked up by its first word."""
    groups = _org_alias_groups()
    first = phrase.split()[0] if phrase else ""
    found = groups.get(phrase) or (groups.get(first) if first != phrase else None) or ()
    return tuple(dict.fromkeys((phrase, *found)))


_VOWELS = re.compile(r"[aeiouy]+")


def _brand(word: str) -> bool:
    """A capitalized word of more than one Vietnamese syllable ("Vidamco", "Latek",
    "Toyota"): a brand, whose name a lower-case word after it does not go on."""
    return word[:1].isupper() and word.isascii() and word.isalpha() and len(_VOWELS.findall(word.lower())) > 1


def names_a_brand(name: str) -> bool:
    """An organization's name holds a word of no Vietnamese syllable, a brand (``_brand``:
    "Daishin", "Art Tango", "Honda Việt Nam", "TOYOTA"), however the question is typed: not
    "Sông Đà" nor "Song Da", nor acronyms ("GTCC", "NNPTNT", "HSBC") and words spelled
    out from them ("Cộng sản" of "TNCS")."""
    return any(_brand(w) for w in name.split())


def _acronym(word: str) -> bool:
    """An abbreviation or a brand in capitals ("GTVT", "TOYOTA"): a lower-case word
    after it starts the rest of the sentence, not more of the name."""
    return len(word) >= 2 and word.isupper()


# each head as (its words, their folded forms where a head typed without diacritics is
# still unambiguous, else None), split once
_ORG_HEAD_WORDS: tuple[tuple[list[str], list[str] | None], ...] = tuple(
    (head.split(), fold(head).split() if fold(head) in _ORG_FOLDED_OK else None) for head in _ORG_HEADS
)


def _heads_by_first_word(folded: bool) -> dict[str, tuple[int, ...]]:
    """Which heads (indices into ``_ORG_HEAD_WORDS``, in order) may start at a word, by
    their first word as written or folded: a word of a sentence is looked up, not
    compared with every head."""
    out: dict[str, tuple[int, ...]] = {}
    for n, (words, folded_words) in enumerate(_ORG_HEAD_WORDS):
        key = (folded_words or [None])[0] if folded else words[0]
        if key is not None:
            out[key] = (*out.get(key, ()), n)
    return out


_HEADS_BY_WRITTEN = _heads_by_first_word(folded=False)
_HEADS_BY_FOLDED = _heads_by_first_word(folded=True)


def _org_head(written: list[str], folded: list[str], i: int) -> int:
    """Length in words of the organization head starting at word ``i``, or 0 (the first
    of ``_ORG_HEADS`` that matches)."""
    maybe = _HEADS_BY_WRITTEN.get(written[i], ())
    if written[i] == folded[i]:  # typed without diacritics: folded heads too
        maybe = tuple(sorted({*maybe, *_HEADS_BY_FOLDED.get(folded[i], ())}))
    for n in maybe:
        words, folded_words = _ORG_HEAD_WORDS[n]
        k = len(words)
        if written[i : i + k] == words:
            return k
        if folded_words is not None and folded[i : i + k] == folded_words and written[i : i + k] == folded[i : i + k]:
            return k  # typed without diacritics
    return 0


_NUMBERED_PLACE = re.compile(r"(?<!\w)(quan|phuong) (\d{1,2})(?!\w)")


def _lower_case_places(folded: str) -> frozenset[str]:
    """Numbered districts and wards typed in lower case ("quan 5"): ``place_keys`` needs
    capitals for names, but a number names the place by itself."""
    return frozenset(f"{level} {n}" for level, n in _NUMBERED_PLACE.findall(folded))


def stated_figures(question: str) -> frozenset[tuple[float, str]]:
    """Figures the question itself states: context, not the answer. With their unit
    ("Dịp kỷ niệm 75 năm ...", "Danh sách 143 ứng cử viên ... có mấy người tự ứng cử?"),
    or a count or share written without one ("biệt thự 76 Phan Đình Phùng": (76, "");
    "khấu hao trên 50%": (50, "%"), which marks only a share, never a bare count 50)."""
    out = set()
    for f in headline_figures(question):
        if f.unit:
            out.add((f.value, first_unit_syllable(f.unit)))
        elif f.kind in ("count", "percent"):
            out.add((f.value, "%" if f.kind == "percent" else ""))
    return frozenset(out)


@lru_cache(maxsize=16384)
def first_unit_syllable(unit: str | None) -> str:
    return fold(unit or "").lower().split(" ", 1)[0]


@lru_cache(maxsize=4096)
def headline_figures(title: str) -> tuple[Figure, ...]:
    return tuple(extract_figures(title))

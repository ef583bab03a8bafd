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
from functools import lru_cache

from index.figures import extract_figures
from index.models import Figure
from index.places import place_keys
from index.query import expanded_syllables, stopwords, syllable_pairs
from index.question import VERBS, QuestionAnalysis, analyze_question
from index.text import expand_question, fold

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
    years: frozenset[str]  # years it names
    stated: frozenset[tuple[float, str]]  # figures it states itself: (value, first unit syllable)
    content: frozenset[str]  # syllables of its content tokens
    target_syllables: frozenset[str]
    verb_syllables: frozenset[str]
    weighted: tuple[tuple[frozenset[str], float], ...]  # content tokens as syllable sets, with idf
    verbs: tuple[frozenset[str], ...]  # every known verb of the question
    words: str  # its folded syllables, then its tokens' (abbreviations expanded)

    @property
    def type(self) -> str:
        return self.analysis.type

    @property
    def target(self) -> str | None:
        return self.analysis.target

    @property
    def verb(self) -> str | None:
        return self.analysis.verb

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
        return folded_phrase


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
    return Question(
        text=text,
        expanded=expanded,
        folded=folded,
        analysis=analysis,
        tokens=tuple(tokens),
        pairs=syllable_pairs(sylls),
        places=place_keys(expanded) | _lower_case_places(folded),
        years=frozenset(YEAR.findall(expanded)),
        stated=stated_figures(expanded),
        content=frozenset(s for t in content_tokens for s in t.split("_")),
        target_syllables=frozenset(syllables(analysis.target)),
        verb_syllables=frozenset(syllables(analysis.verb)),
        weighted=tuple((frozenset(t.split("_")), idf(t) if idf else 1.0) for t in content_tokens),
        verbs=tuple(frozenset(m.split()) for m in dict.fromkeys(VERB_RE.findall(folded))),
        words=" ".join(folded.split() + [s for t in tokens for s in t.split("_")]),
    )


_NUMBERED_PLACE = re.compile(r"(?<!\w)(quan|phuong) (\d{1,2})(?!\w)")


def _lower_case_places(folded: str) -> frozenset[str]:
    """Numbered districts and wards typed in lower case ("quan 5"): ``place_keys`` needs
    capitals for names, but a number names the place by itself."""
    return frozenset(f"{level} {n}" for level, n in _NUMBERED_PLACE.findall(folded))


def stated_figures(question: str) -> frozenset[tuple[float, str]]:
    """Figures with a unit that the question itself states ("Dịp kỷ niệm 75 năm ...",
    "Danh sách 143 ứng cử viên ... có mấy người tự ứng cử?"): context, not the answer."""
    return frozenset((f.value, first_unit_syllable(f.unit)) for f in headline_figures(question) if f.unit)


@lru_cache(maxsize=16384)
def first_unit_syllable(unit: str | None) -> str:
    return fold(unit or "").lower().split(" ", 1)[0]


@lru_cache(maxsize=4096)
def headline_figures(title: str) -> tuple[Figure, ...]:
    return tuple(extract_figures(title))

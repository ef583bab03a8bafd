"""Turning a question into index tokens.

A question goes through the same normalization and abbreviation table as the
articles, is folded to syllables, and the syllables are joined into the index's
own words (``SearchIndex.segment``). Because segmentation works on folded text,
"Có bao nhiêu chi bộ" and "co bao nhieu chi bo" give the same tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

from index.text import expand_question, fold, normalize

_SYLLABLE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|\d+", re.UNICODE)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    raw = resources.files("index").joinpath("data/query_stopwords.txt").read_text("utf-8")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


def question_syllables(question: str) -> list[str]:
    """Folded lower-case syllables (numbers kept whole: ``1.234,5``) of a raw question,
    followed by the words articles use for its paraphrases (``data/synonyms.tsv``)."""
    return expanded_syllables(expand_question(question))


def expanded_syllables(expanded: str) -> list[str]:
    """``question_syllables`` of a question already expanded (``text.expand_question``):
    what ``index/parse.py`` calls, so the question is normalized once."""
    written = _SYLLABLE.findall(expanded.lower())
    sylls = [fold(w) for w in written]
    return sylls + synonyms_of(written, sylls)


@lru_cache(maxsize=1)
def _synonyms() -> tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...]:
    """(asked as written, asked folded, the articles' words folded) of each table row."""
    raw = resources.files("index").joinpath("data/synonyms.tsv").read_text("utf-8")
    rows = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        asked, used = (normalize(part).lower().split() for part in line.split("\t")[:2])
        rows.append((tuple(asked), tuple(fold(w) for w in asked), tuple(fold(w) for w in used)))
    return tuple(rows)


def synonyms_of(written: list[str], sylls: list[str]) -> list[str]:
    """Syllables of the articles' words for the phrases the table knows ("lãi" -> "lợi
    nhuận"), each once, none the question has already. A phrase matches folded, and as
    written where the question carries diacritics: "lãi" and "lai", not "lại"."""
    out: list[str] = []
    have = set(sylls)
    for asked, asked_folded, used in _synonyms():
        n = len(asked)
        for i in range(len(sylls) - n + 1):
            if tuple(sylls[i : i + n]) == asked_folded and all(
                w == f or w == a for w, f, a in zip(written[i : i + n], sylls[i : i + n], asked)
            ):
                if not set(used) <= have:
                    out += used
                    have |= set(used)
                break
    return out


def syllable_pairs(sylls: list[str]) -> frozenset[tuple[str, str]]:
    """Adjacent syllable pairs of a question's syllables, without pairs of two question
    words (``bao nhiêu``, ``là gì``)."""
    stop = _stop_syllables()
    return frozenset((a, b) for a, b in zip(sylls, sylls[1:]) if not (a in stop and b in stop))


@lru_cache(maxsize=1)
def _stop_syllables() -> frozenset[str]:
    return frozenset(s for w in stopwords() for s in w.split("_"))


def query_tokens(question: str, segment: Callable[[list[str]], list[str]]) -> list[str]:
    """Index tokens of a question, question words removed (kept if nothing else is left)."""
    words = segment(question_syllables(question))
    stop = stopwords()
    content = [w for w in words if w not in stop]
    return content or words

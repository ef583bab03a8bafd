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

from index.text import expand_abbreviations, fold, normalize

_SYLLABLE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|\d+", re.UNICODE)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    raw = resources.files("index").joinpath("data/query_stopwords.txt").read_text("utf-8")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


def question_syllables(question: str) -> list[str]:
    """Folded lower-case syllables (numbers kept whole: ``1.234,5``)."""
    text = expand_abbreviations(normalize(question), loose=True)
    return _SYLLABLE.findall(fold(text).lower())


def query_tokens(question: str, segment: Callable[[list[str]], list[str]]) -> list[str]:
    """Index tokens of a question, question words removed (kept if nothing else is left)."""
    words = segment(question_syllables(question))
    stop = stopwords()
    content = [w for w in words if w not in stop]
    return content or words

"""Regular-expression building blocks for Vietnamese text, shared by the hand-written
extractors (``index.figures`` for numbers and times, ``index.places`` for places).

Patterns here are written so that Python's regex engine can skip ahead quickly: a
word-led pattern starts with a lookahead on its possible first characters
(:func:`word_start`) instead of a bare lookbehind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LATIN = [chr(c) for c in (*range(0x41, 0x250), *range(0x1E00, 0x1F00))]
#: One upper-case Latin letter, Vietnamese ones included (a range like À-Ỹ would also
#: take lower-case letters such as "ố").
UPPER = "[" + re.escape("".join(c for c in _LATIN if c.isalpha() and c.isupper())) + "]"
LETTER = r"[^\W\d_]"  # one letter (Vietnamese included)


def alts(words: tuple[str, ...] | list[str]) -> str:
    """A regex alternation, longest first, spaces matching any run of spaces."""
    return "|".join(re.escape(w).replace(r"\ ", " +") for w in sorted(words, key=len, reverse=True))


def with_capitals(words: tuple[str, ...]) -> tuple[str, ...]:
    """Each word plus its capitalized form (sentence start)."""
    return tuple(dict.fromkeys([*words, *(w[:1].upper() + w[1:] for w in words)]))


def word_start(first: str) -> str:
    """Start of a word-led pattern: one of ``first`` chars, no letter before.

    The lookahead on ``first`` lets the engine reject most positions at once.
    """
    return "(?=[" + first + "])(?<!\\w)"


def first_chars(words: tuple[str, ...] | list[str]) -> str:
    """The first characters of ``words``, for :func:`word_start`."""
    return re.escape("".join(sorted({w[0] for w in words})))


@dataclass(frozen=True)
class Expr:
    """A place or time expression found in a text: its span, text and comparison key."""

    start: int
    end: int
    text: str
    key: str


def find_exprs(text: str, patterns: tuple[re.Pattern[str], ...], lower_first: bool) -> list[Expr]:
    """Non-overlapping matches of ``patterns`` (earlier patterns win), by position."""
    taken = bytearray(len(text))
    found: list[Expr] = []
    for pattern in patterns:
        for m in pattern.finditer(text):
            s, e = m.start(), m.end()
            if taken.find(1, s, e) != -1:
                continue
            taken[s:e] = b"\x01" * (e - s)
            t = " ".join(m.group(0).split())
            if lower_first:
                t = t[:1].lower() + t[1:]
            found.append(Expr(s, e, t, t.lower()))
    found.sort(key=lambda x: x.start)
    return found


#: A document reference right before a date ("Nghị quyết số 09-NQ/TU ngày 27/02/2012",
#: "Công văn 1732/VPCP ngày ..."): the date is the document's, not the event's. Searched
#: on the text before the date.
DOC_REF_BEFORE = re.compile(
    r"(?:Nghị quyết|Quyết định|Chỉ thị|Thông tư|Nghị định|Công văn|Kế hoạch|Luật|\d+-?[A-ZĐ]+/[A-ZĐ]+)[^.;]{0,40}$"
)

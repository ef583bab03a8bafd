"""Splitting an article into passages: sentence-aware windows of a few sentences.

A passage never cuts a sentence (unless the sentence itself is longer than
``HARD_MAX`` characters), prefers to end at a paragraph break, and records its
character offsets in the article text so the bot can show where it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from index.models import Passage

MAX_SENTENCES = 3
TARGET_CHARS = 600  # a window stops growing past this
MIN_PARAGRAPH_CHARS = 200  # below this, the next paragraph joins the window
HARD_MAX = 1500  # a single "sentence" longer than this is cut at a space

# Short forms after which a period does not end a sentence ("TP. HCM", "ThS. Lan").
_NO_BREAK_BEFORE = {"tp", "ts", "ths", "pgs", "gs", "bs", "ks", "ls", "st", "tt", "q", "p", "đ/c", "mr", "dr"}
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+[\"“(\[]?[A-ZĐÀ-Ỹ0-9])")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text[start:end]``, spaces trimmed."""
    end = len(text) if end is None else end
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        word = text[max(start, m.start() - 6) : m.start()].rsplit(" ", 1)[-1].lower()
        if word in _NO_BREAK_BEFORE:
            continue
        yield from _trimmed(text, pos, m.end())
        pos = m.end()
    yield from _trimmed(text, pos, end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > HARD_MAX:
        cut = text.rfind(" ", start + HARD_MAX // 2, start + HARD_MAX)
        cut = cut if cut > start else start + HARD_MAX
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            yield pos, pos + len(line)
        pos += len(line) + 1


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, paragraph by paragraph (answers read spans from these)."""
    return [text[a:b] for p0, p1 in paragraph_spans(text) for a, b in sentence_spans(text, p0, p1)]


def split_passages(article_id: str, text: str) -> list[Passage]:
    """Windows of up to ``MAX_SENTENCES`` sentences / about ``TARGET_CHARS`` characters."""
    windows: list[tuple[int, int]] = []
    cur_start: int | None = None
    cur_end = 0
    n_sent = 0
    for p_start, p_end in paragraph_spans(text):
        if cur_start is not None and cur_end - cur_start >= MIN_PARAGRAPH_CHARS:
            windows.append((cur_start, cur_end))
            cur_start, n_sent = None, 0
        for s_start, s_end in sentence_spans(text, p_start, p_end):
            if cur_start is not None and (
                n_sent >= MAX_SENTENCES or s_end - cur_start > TARGET_CHARS * 1.5 or cur_end - cur_start >= TARGET_CHARS
            ):
                windows.append((cur_start, cur_end))
                cur_start, n_sent = None, 0
            if cur_start is None:
                cur_start = s_start
            cur_end = s_end
            n_sent += 1
    if cur_start is not None:
        windows.append((cur_start, cur_end))
    return [
        Passage(article_id=article_id, position=i, start=s, end=e, text=text[s:e])
        for i, (s, e) in enumerate(windows)
    ]

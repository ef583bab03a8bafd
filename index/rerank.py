"""Re-ranking retrieved passages by the question's word pairs they hold.

BM25 scores a passage as a bag of words, but a question quotes phrases: "Ban Bí thư
khóa IX", "khu vực ngoài quốc doanh", "Đảng bộ quận 5". The passages BM25 ranks best
(``POOL`` of them) are scored again:

    score + WEIGHT * best BM25 score * share of the question's syllable pairs in the passage

where a pair is two adjacent syllables of the question, folded (so a question typed
without diacritics counts the same), not both question words (``bao nhiêu``, ``là
gì``), found adjacent in the passage's headline, text or resolved places
(``PassageHit.places``), as indexed: folded, abbreviations expanded. The share is relative to the question, so the bonus is at most
``WEIGHT`` times the best BM25 score. Measured on three question sets
(``bench/bench_retrieval.py``).
"""

from __future__ import annotations

POOL = 40  # passages BM25 ranks best that are scored again
WEIGHT = 1.0


def pair_shares(pairs: frozenset[tuple[str, str]], words: dict[int, str]) -> dict[int, float]:
    """Share of the question's ``pairs`` (``Question.pairs``) each passage holds, by id."""
    if not pairs:
        return {pid: 0.0 for pid in words}
    # a pair is in a passage when " a b " is in its syllables joined by single spaces:
    # a few substring searches instead of building every pair of the passage
    wanted = [f" {a} {b} " for a, b in pairs]
    out = {}
    for pid, w in words.items():
        spaced = f" {w.replace('_', ' ')} "  # index words are joined by single spaces
        out[pid] = len([p for p in wanted if p in spaced]) / len(wanted)
    return out


def rerank(hits: list[tuple[int, float]], shares: dict[int, float], weight: float = WEIGHT) -> list[tuple[int, float]]:
    """``hits`` (passage id, BM25 score; best first) re-scored and re-sorted by the share
    of the question's pairs they hold (``pair_shares``)."""
    if not hits or weight <= 0:
        return hits
    bonus = weight * hits[0][1]
    scored = [(pid, score + bonus * shares.get(pid, 0.0)) for pid, score in hits]
    return sorted(scored, key=lambda h: -h[1])

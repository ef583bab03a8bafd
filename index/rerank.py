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

from index.query import question_syllables, stopwords

POOL = 40  # passages BM25 ranks best that are scored again
WEIGHT = 1.0

def question_pairs(question: str) -> frozenset[tuple[str, str]]:
    """Adjacent syllable pairs of a question (abbreviations expanded, folded), without
    pairs of two question words."""
    sylls = question_syllables(question)
    stop = _stop_syllables()
    return frozenset((a, b) for a, b in zip(sylls, sylls[1:]) if not (a in stop and b in stop))


def _stop_syllables() -> frozenset[str]:
    return frozenset(s for w in stopwords() for s in w.split("_"))


def pairs_of_words(words: str) -> set[tuple[str, str]]:
    """Adjacent syllable pairs of index words ("chi_bo dang" -> (chi, bo), (bo, dang)):
    the passage as indexed, folded and with its abbreviations expanded."""
    sylls = words.replace("_", " ").split()
    return set(zip(sylls, sylls[1:]))


def rerank(question: str, hits: list[tuple[int, float]], words: dict[int, str], weight: float = WEIGHT) -> list[tuple[int, float]]:
    """``hits`` (passage id, BM25 score; best first) re-scored and re-sorted by the share
    of the question's pairs in their index ``words`` (headline, text, places; by id)."""
    pairs = question_pairs(question)
    if not pairs or not hits or weight <= 0:
        return hits
    bonus = weight * hits[0][1] / len(pairs)
    scored = [(pid, score + bonus * len(pairs & pairs_of_words(words.get(pid, "")))) for pid, score in hits]
    return sorted(scored, key=lambda h: -h[1])

"""Values that cross module boundaries: articles in, answers out.

These are plain dataclasses; the database rows live in ``index.store``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Article:
    """One article as read from a corpus file, before indexing."""

    id: str
    title: str
    text: str
    date: datetime | None = None
    url: str | None = None
    category: str | None = None
    source: str | None = None
    views: int | None = None
    origin: str | None = None  # file the article was read from (for /reload removals)


@dataclass(frozen=True)
class Passage:
    """A sentence-aware window of an article; offsets index into ``Article.text``."""

    article_id: str
    position: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Figure:
    """A number found in text, with what it counts and where/when it holds.

    ``start``/``end`` are character offsets of ``text`` in the string given to the
    extractor; ``sentence`` is the whole sentence holding it.
    """

    value: float
    text: str
    unit: str | None
    kind: str  # count | percent | money | date | ordinal | quantity
    qualifier: str | None
    sentence: str
    context: str | None
    start: int
    end: int


@dataclass
class PassageHit:
    article_id: str
    passage_id: int
    title: str
    date: str | None
    url: str | None
    text: str
    score: float
    position: int = 0
    start: int = 0
    end: int = 0
    places: str | None = None  # the places it refers to by level alone (index.places)
    published: datetime | None = None  # the article's date (``date`` is its display form)
    pair_share: float = 0.0  # share of the question's word pairs it holds (index.rerank)
    neighbor: bool = False  # read as the passage before or after a best one, not retrieved itself


@dataclass
class FigureHit:
    value: float
    text: str
    unit: str | None
    kind: str
    qualifier: str | None
    context: str | None
    article_id: str
    passage_id: int
    sentence: str = ""
    score: float = 0.0


@dataclass
class Answer:
    """What ``ask`` returns; ``to_json`` is the stable ``ask --json`` schema."""

    question: str
    type: str = "other"
    answer: str | None = None
    figures: list[FigureHit] = field(default_factory=list)
    passages: list[PassageHit] = field(default_factory=list)
    elapsed_ms: float = 0.0
    query_tokens: list[str] = field(default_factory=list)
    # trust: the probability that ``answer`` is right, and what the bot may say
    confidence: float = 0.0
    status: str = "not_found"  # answered | uncertain | not_found
    best: str | None = None  # the best candidate's line, whatever its confidence
    missing: str | None = None  # not_found: what the corpus does not speak of ("quận Hoàn Kiếm")
    # uncertain: why a confident answer is held back ("bài nguồn không nhắc đến Bảo Lộc")
    caveat: str | None = None
    # follow-ups (index.followup): the question answered, and the earlier one it borrowed from
    question_used: str | None = None  # the completed question (``question`` itself when not a follow-up)
    followup_of: str | None = None  # the previous question it completed, or None

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "type": self.type,
            "answer": self.answer,
            "figures": [
                {
                    k: v
                    for k, v in asdict(f).items()
                    if k
                    in (
                        "value",
                        "text",
                        "unit",
                        "kind",
                        "qualifier",
                        "context",
                        "article_id",
                        "passage_id",
                    )
                }
                for f in self.figures
            ],
            "passages": [
                {
                    "article_id": p.article_id,
                    "passage_id": p.passage_id,
                    "title": p.title,
                    "date": p.date,
                    "url": p.url,
                    "text": p.text,
                    "score": round(float(p.score), 6),
                }
                for p in self.passages
            ],
            "elapsed_ms": round(self.elapsed_ms, 3),
            "confidence": round(float(self.confidence), 4),
            "status": self.status,
            "best": self.best,
            "missing": self.missing,
            "caveat": self.caveat,
            "question_used": self.question_used or self.question,
            "followup_of": self.followup_of,
        }

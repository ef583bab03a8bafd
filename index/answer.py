"""Answer logic: from retrieved passages to the answer a cadre reads first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.models import Answer, PassageHit

if TYPE_CHECKING:
    from index.engine import Engine

CANDIDATES = 20  # passages retrieved to look for the answer in


def answer(engine: "Engine", question: str, tokens: list[str], passages: list[PassageHit], k: int) -> Answer:
    return Answer(question=question, passages=passages[:k], query_tokens=tokens)

"""The one interface the engine retrieves through.

``index.bm25.SearchIndex`` (bm25s, in-process, memory-mapped) is the only backend
today. A search service (OpenSearch / Elasticsearch, see ARCHITECTURE.md) would be a
new module providing the same four methods, plus its own build/load.
"""

from __future__ import annotations

from typing import Protocol


class Retriever(Protocol):
    def search(self, tokens: list[str], k: int = 5) -> list[tuple[int, float]]:
        """Top ``k`` (passage_id, BM25+ score), best first; only passages sharing a term."""
        ...

    def segment(self, sylls: list[str], max_len: int = 4) -> list[str]:
        """Folded question syllables joined into the index's words ("chi bo" -> "chi_bo")."""
        ...

    def idf(self, term: str) -> float:
        """ln((N+1)/df) of an index token; 0 if absent."""
        ...

    def disk_bytes(self) -> int:
        """Size of the index on disk (for stats)."""
        ...

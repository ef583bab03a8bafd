"""The one interface the engine retrieves through, and how an index is made.

``index.bm25.SearchIndex`` (bm25s, in-process, memory-mapped) is the default backend:
the class itself is the ``Backend`` (its ``build`` and ``load`` are classmethods) and
its instances are ``Retriever``s. A search service (OpenSearch / Elasticsearch, see
ARCHITECTURE.md) is a new module providing the same: ``Engine(backend=...)`` takes it,
nothing else changes. ``tests/fakes/rank_bm25_index.py`` is a second backend, over
``rank_bm25``, that the engine runs on in the tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from index.bm25 import BM25Params, Manifest


class Retriever(Protocol):
    manifest: "Manifest"  # what the index was built from (generation, tokenizer, params)

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

    def save(self, root: Path) -> Path:
        """Store the index under ``root`` and make it the one ``load`` finds, atomically."""
        ...


class Backend(Protocol):
    def build(
        self,
        passage_ids: Sequence[int],
        docs: Iterable[list[str]],
        *,
        params: "BM25Params",
        generation: str,
        tokenizer: str,
    ) -> Retriever:
        """Index ``docs`` (token lists, read once) as the passages ``passage_ids``.

        The engine streams ``docs`` from the database and appends each passage's id to
        ``passage_ids`` as its tokens are read: read the ids after the docs."""
        ...

    def load(self, root: Path) -> Retriever:
        """The index last saved under ``root``; ``index.bm25.IndexError_`` if unusable."""
        ...

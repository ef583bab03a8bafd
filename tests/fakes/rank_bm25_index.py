"""A second retrieval backend, over ``rank_bm25.BM25Plus``: the engine runs on it
unchanged (``Engine(backend=RankBM25Index)``), which is what lets a search service
be a new module. Small and slow on purpose; pickled to disk."""

from __future__ import annotations

import math
import os
import pickle
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

from rank_bm25 import BM25Plus

from index.bm25 import BM25Params, IndexError_, Manifest

FILE = "rank_bm25.pickle"


class RankBM25Index:
    def __init__(self, passage_ids: list[int], docs: list[list[str]], manifest: Manifest, path: Path | None = None):
        self.passage_ids = passage_ids
        self.manifest = manifest
        self.path = path
        p = manifest.params
        self._bm25 = BM25Plus(docs, k1=p["k1"], b=p["b"], delta=p["delta"]) if docs else None
        self._df = Counter(t for d in docs for t in set(d))
        self._docs = docs

    @classmethod
    def build(
        cls, passage_ids: Sequence[int], docs: Iterable[list[str]], *, params: BM25Params, generation: str, tokenizer: str
    ) -> "RankBM25Index":
        docs = [list(d) for d in docs]
        manifest = Manifest(
            format_version=0,
            params=asdict(params),
            generation=generation,
            tokenizer=tokenizer,
            n_passages=len(docs),
            n_terms=len({t for d in docs for t in d}),
            built_at=time.time(),
            build_seconds=0.0,
            extra={"tokens": sum(map(len, docs))},
        )
        return cls(list(passage_ids), docs, manifest)

    @classmethod
    def load(cls, root: Path) -> "RankBM25Index":
        try:
            with open(root / FILE, "rb") as fh:
                ids, docs, manifest = pickle.load(fh)
        except Exception as exc:
            raise IndexError_(f"cannot load {root / FILE}: {exc}") from exc
        return cls(ids, docs, Manifest(**manifest), root / FILE)

    def save(self, root: Path) -> Path:
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / (FILE + ".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump((self.passage_ids, self._docs, asdict(self.manifest)), fh)
        os.replace(tmp, root / FILE)
        self.path = root / FILE
        return self.path

    def search(self, tokens: list[str], k: int = 5) -> list[tuple[int, float]]:
        if self._bm25 is None:
            return []
        scores = self._bm25.get_scores(tokens)
        wanted = set(tokens)
        hits = [(self.passage_ids[i], float(s)) for i, s in enumerate(scores) if wanted & set(self._docs[i])]
        return sorted(hits, key=lambda h: -h[1])[:k]

    def idf(self, term: str) -> float:
        df = self._df.get(term, 0)
        return math.log((len(self._docs) + 1) / df) if df else 0.0

    def segment(self, sylls: list[str], max_len: int = 4) -> list[str]:
        """Greedy longest match over the index's words (the default backend does better)."""
        out, i = [], 0
        while i < len(sylls):
            for j in range(min(len(sylls), i + max_len), i, -1):
                word = "_".join(sylls[i:j])
                if j - i == 1 or word in self._df:
                    out.append(word)
                    i = j
                    break
        return out

    def disk_bytes(self) -> int:
        return self.path.stat().st_size if self.path and self.path.exists() else 0

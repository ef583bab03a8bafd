"""The BM25+ passage index: a bm25s index, saved beside the database, memory-mapped.

Scores are BM25+ exactly as ``rank_bm25.BM25Plus`` defines them
(idf = ln((N+1)/df); every query term adds ``idf * delta`` even to passages
without it). bm25s' ``bm25+`` method precomputes the same quantities in a sparse
matrix, so a query costs a few column reads instead of a pass over the corpus.
The matrix is computed here with whole-array numpy operations (``_index_bm25plus``;
bm25s' own ``index()`` loops over passages in Python, 3x slower at 1M passages) and
saved, loaded and queried by bm25s.

On disk, ``<data_dir>/index/`` holds one folder per build (``build-<n>/``) and a
``CURRENT`` file naming the live one; ``CURRENT`` is replaced atomically, so a
reader sees the old build or the new one, never half of one.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import time
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import bm25s
import numpy as np

FORMAT_VERSION = 1
log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on import


@dataclass(frozen=True)
class BM25Params:
    """BM25+ parameters. k1 and b are lower than rank_bm25's 1.5 / 0.75: passages are short
    (about 600 characters plus the headline), so a repeated term and a longer passage
    matter less (measured on three question sets: bench/README.md)."""

    k1: float = 0.9
    b: float = 0.6
    delta: float = 1.0


@dataclass
class Manifest:
    """What a saved index was built from; a mismatch means it is stale."""

    format_version: int
    params: dict
    generation: str  # database generation the index reflects
    tokenizer: str
    n_passages: int
    n_terms: int
    built_at: float
    build_seconds: float
    extra: dict = field(default_factory=dict)


SAMPLE_STEP = 32  # top_k reads every SAMPLE_STEP-th score to guess a threshold


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, best first; equal scores by position (at the
    cut too, so the answer does not depend on the selection algorithm).

    A full ``argpartition`` of every score costs about 0.7 ms at 90k passages; instead a
    threshold is read off a strided sample (its ``r``-th highest, expected to leave about
    ``8k`` scores above it), and only the scores at or above it are partitioned. Exact:
    when fewer than ``k`` pass the threshold, or most do (a query whose words are rare
    leaves nearly every passage at one floor score), every score is used.

    Partitions are of negated scores: numpy's partition is very slow when the position it
    is asked for falls in a long run of equal values, as the bottom of BM25+ scores is."""
    n = len(scores)
    k = min(k, n)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    candidates = scores
    sample = scores[::SAMPLE_STEP]
    r = -(-8 * k // SAMPLE_STEP) + 1  # ceil(8k / step) + 1: fewer than k above it rarely
    if n > 8 * k and len(sample) > r:
        threshold = -np.partition(-sample, r - 1)[r - 1]  # the r-th highest of the sample
        above = scores[scores >= threshold]
        if k <= len(above) <= n // 2:
            candidates = above
    kth = -np.partition(-candidates, k - 1)[k - 1]  # the k-th highest score
    better = np.flatnonzero(scores > kth)
    top = np.concatenate([better, _first_equal(scores, kth, k - len(better))])  # ties: lowest positions
    return top[np.lexsort((top, -scores[top]))]


def _first_equal(scores: np.ndarray, value: float, need: int, chunk: int = 8192) -> np.ndarray:
    """The first ``need`` positions holding ``value`` (read a chunk at a time: a tie at the
    cut is usually with the floor score most passages share)."""
    found: list[np.ndarray] = []
    got = 0
    for start in range(0, len(scores), chunk):
        if got >= need:
            break
        idx = np.flatnonzero(scores[start : start + chunk] == value)[: need - got] + start
        found.append(idx)
        got += len(idx)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


class IndexError_(RuntimeError):
    """The saved index is missing, truncated or unreadable."""


class SearchIndex:
    """BM25+ over passages; document i of bm25s is ``passage_ids[i]``."""

    def __init__(self, retriever, passage_ids: np.ndarray, manifest: Manifest, path: Path | None = None):
        self._retriever = retriever
        self.passage_ids = passage_ids
        self.manifest = manifest
        self.path = path
        self.vocab: dict[str, int] = retriever.vocab_dict
        indptr = retriever.scores["indptr"]
        self._df = np.diff(np.asarray(indptr))  # passages holding each term
        self._log_total_df = math.log(max(1, int(self._df.sum())))

    # -- building -------------------------------------------------------------

    @classmethod
    def build(
        cls,
        passage_ids: Sequence[int],
        docs: Iterable[list[str]],
        *,
        params: BM25Params = BM25Params(),
        generation: str = "",
        tokenizer: str = "",
    ) -> "SearchIndex":
        """Index ``docs`` (token lists; any iterable, read once) as passages ``passage_ids``."""
        t0 = time.perf_counter()
        retriever = bm25s.BM25(method="bm25+", k1=params.k1, b=params.b, delta=params.delta)
        n_tokens = _index_bm25plus(retriever, docs, params)
        n_docs = int(retriever.scores["num_docs"])
        empty = n_tokens == 0 and n_docs == 1 and "" in retriever.vocab_dict  # the placeholder
        ids = np.asarray(passage_ids if not empty else [-1], dtype=np.int64)
        if len(ids) != n_docs:
            raise ValueError(f"{len(ids)} passage ids for {n_docs} documents")
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            params=asdict(params),
            generation=generation,
            tokenizer=tokenizer,
            n_passages=0 if empty else n_docs,
            n_terms=len(retriever.vocab_dict),
            built_at=time.time(),
            build_seconds=time.perf_counter() - t0,
            extra={"tokens": n_tokens},
        )
        return cls(retriever, ids, manifest)

    # -- querying -------------------------------------------------------------

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25+ score of every passage (the ``rank_bm25.BM25Plus.get_scores`` numbers)."""
        ids = [self.vocab[t] for t in tokens if t in self.vocab and t]
        n = int(self._retriever.scores["num_docs"])
        if not ids or self.manifest.n_passages == 0:
            return np.zeros(n, dtype=np.float32)
        return self._retriever.get_scores_from_ids(ids)

    def search(self, tokens: list[str], k: int = 5) -> list[tuple[int, float]]:
        """Top ``k`` (passage_id, score), best first; only passages sharing a term."""
        if self.manifest.n_passages == 0:
            return []
        ids = [self.vocab[t] for t in tokens if t in self.vocab and t]
        if not ids:
            return []
        scores = self._retriever.get_scores_from_ids(ids)
        floor = float(self._retriever.nonoccurrence_array[np.asarray(ids)].sum())
        top = top_k(scores, k)
        return [(int(self.passage_ids[i]), float(scores[i])) for i in top if scores[i] > floor + 1e-9]

    def df(self, term: str) -> int:
        i = self.vocab.get(term)
        return int(self._df[i]) if i is not None else 0

    def idf(self, term: str) -> float:
        """BM25+ idf, ln((N+1)/df); 0 for a term the index lacks."""
        df = self.df(term)
        return math.log((self.manifest.n_passages + 1) / df) if df else 0.0

    def segment(self, sylls: list[str], max_len: int = 4) -> list[str]:
        """Join folded syllables into the index's words by a unigram model over df.

        Questions typed without diacritics cannot be segmented by underthesea, but
        the index knows which compounds exist ("chi_bo", "thanh_lap"); the most
        probable segmentation is found by dynamic programming.
        """
        n = len(sylls)
        unknown = self._log_total_df + math.log(20.0)  # cost of a syllable the index lacks
        best = [0.0] + [math.inf] * n
        back = [0] * (n + 1)
        for i in range(1, n + 1):
            for j in range(max(0, i - max_len), i):
                word = "_".join(sylls[j:i])
                df = self.df(word)
                if df:
                    cost = self._log_total_df - math.log(df)
                elif i - j == 1:
                    cost = unknown
                else:
                    continue
                if best[j] + cost < best[i]:
                    best[i], back[i] = best[j] + cost, j
        out: list[str] = []
        i = n
        while i > 0:
            out.append("_".join(sylls[back[i] : i]))
            i = back[i]
        return out[::-1]

    # -- persistence ----------------------------------------------------------

    def save(self, root: Path) -> Path:
        """Write a new build folder under ``root`` and point ``CURRENT`` at it."""
        root.mkdir(parents=True, exist_ok=True)
        name = f"build-{time.time_ns()}"
        tmp = root / f".{name}.tmp"
        self._retriever.save(str(tmp))
        np.save(tmp / "passage_ids.npy", self.passage_ids)
        (tmp / "manifest.json").write_text(json.dumps(asdict(self.manifest), indent=1), "utf-8")
        _fsync_dir(tmp)
        final = root / name
        os.replace(tmp, final)
        current_tmp = root / ".CURRENT.tmp"
        current_tmp.write_text(name, "utf-8")
        with open(current_tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(current_tmp, root / "CURRENT")
        _fsync_dir(root)
        self.path = final
        _remove_old_builds(root, keep=name)
        return final

    @classmethod
    def load(cls, root: Path, *, mmap: bool = True) -> "SearchIndex":
        """Load the build ``CURRENT`` names; raise ``IndexError_`` if it is unusable."""
        try:
            name = (root / "CURRENT").read_text("utf-8").strip()
            path = root / name
            manifest = Manifest(**json.loads((path / "manifest.json").read_text("utf-8")))
            if manifest.format_version != FORMAT_VERSION:
                raise IndexError_(f"index format {manifest.format_version} != {FORMAT_VERSION}")
            passage_ids = np.load(path / "passage_ids.npy", mmap_mode="r" if mmap else None)
            retriever = bm25s.BM25.load(str(path), mmap=mmap, load_corpus=False)
            n_docs = int(retriever.scores["num_docs"])
            expected = max(1, manifest.n_passages)
            if len(passage_ids) != expected or n_docs != expected:
                raise IndexError_("index files disagree on the number of passages (truncated?)")
            indptr = retriever.scores["indptr"]
            if int(indptr[-1]) != len(retriever.scores["data"]):
                raise IndexError_("index score matrix is truncated")
        except IndexError_:
            raise
        except Exception as exc:  # missing file, bad JSON, short .npy ...
            raise IndexError_(f"cannot load index from {root}: {exc}") from exc
        return cls(retriever, passage_ids, manifest, path)

    def disk_bytes(self) -> int:
        if not self.path or not self.path.exists():
            return 0
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())


def _index_bm25plus(retriever, docs: Iterable[list[str]], params: BM25Params) -> int:
    """Fill ``retriever`` with the BM25+ score matrix of ``docs``; return the token count.

    The same matrix, vocabulary and non-occurrence array as ``bm25s.BM25.index`` with
    method ``bm25+`` (so ``save``/``load``/``get_scores_from_ids`` are bm25s' own), but
    computed with whole-array numpy operations instead of bm25s' per-document Python
    loops (a Counter and a set intersection per passage): at 1M passages this takes the
    build from 44 s to 14.5 s and holds token ids in one int32 array rather than a
    Python list per passage (bench/README.md, "A million passages").

    Stored score of term t in passage d:
    idf(t) * (k1 + 1) * tf / (k1 * (1 - b + b * |d| / avgdl) + tf), idf(t) = ln((N + 1) / df(t));
    the non-occurrence array holds idf(t) * delta, added to every passage at query time.
    """
    vocab: dict[str, int] = {}
    term_ids = array("i")  # flat token ids, passage after passage
    lengths = array("q")
    add = vocab.setdefault
    for doc in docs:
        lengths.append(len(doc))
        term_ids.extend([add(t, len(vocab)) for t in doc])
    if not lengths:  # bm25s refuses an empty corpus; an empty database gets a placeholder
        vocab[""] = 0
        term_ids.append(0)
        lengths.append(1)
        n_tokens = 0
    else:
        n_tokens = len(term_ids)
    n_docs, n_terms = len(lengths), len(vocab)
    doc_len = np.frombuffer(lengths, dtype=np.int64)
    terms = np.frombuffer(term_ids, dtype=np.int32)

    # (term, passage) pairs sorted term-major: the CSC order; runs of a pair are its tf
    key = terms.astype(np.int64) * n_docs
    key += np.repeat(np.arange(n_docs, dtype=np.int64), doc_len)
    del term_ids, terms
    key.sort()
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1]))) if len(key) else np.zeros(0, np.int64)
    tf = np.diff(np.append(starts, len(key))).astype(np.float64)
    key = key[starts]
    del starts
    col = key // n_docs
    rows = (key - col * n_docs).astype(np.int32)
    del key
    df = np.bincount(col, minlength=n_terms)
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])

    k1, b = params.k1, params.b
    idf = np.log((n_docs + 1) / np.maximum(df, 1))
    avgdl = float(doc_len.mean()) if n_docs else 1.0
    norm = k1 * (1 - b + b * doc_len / (avgdl or 1.0))
    data = tf * (k1 + 1)
    data /= norm[rows] + tf
    data *= idf[col]
    del tf, col
    retriever.scores = {
        "data": data.astype(np.float32),
        "indices": rows,
        "indptr": indptr,
        "num_docs": n_docs,
    }
    retriever.vocab_dict = vocab
    retriever.nonoccurrence_array = (idf * params.delta).astype(np.float32)
    return n_tokens


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_old_builds(root: Path, keep: str) -> None:
    for child in root.iterdir():
        if child.name in (keep, "CURRENT"):
            continue
        if child.is_dir() and (child.name.startswith("build-") or child.name.endswith(".tmp")):
            shutil.rmtree(child, ignore_errors=True)

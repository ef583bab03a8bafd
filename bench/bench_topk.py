"""``bm25.top_k`` beside the full ``argpartition`` it replaced, on the same score arrays.

Cases: the BM25+ scores of the dev questions over an ingested index (``--data-dir``), and
two synthetic arrays of 88,000 scores: half the passages above the floor (common words),
and 18 above it (rare words: nearly every passage at one floor score, where numpy's
``partition`` is slow if asked for a position inside that run). k = 40, as ``Engine.ask``.

Usage:
    python bench/bench_topk.py [--data-dir DIR] [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import questions_of  # noqa: E402
from index.bm25 import top_k  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
K = 40


def argpartition_top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """What ``SearchIndex.search`` did before ``top_k`` (ec70061)."""
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return top[np.lexsort((top, -scores[top]))]


def median_ms(fn, arrays: list[np.ndarray], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        for a in arrays:
            t = time.perf_counter()
            fn(a, K)
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def cases(data_dir: Path | None) -> dict[str, list[np.ndarray]]:
    rng = np.random.default_rng(0)
    n = 88_000
    dense = (1.5 + rng.random(n) * (rng.random(n) < 0.5)).astype(np.float32)
    rare = np.full(n, 1.5, dtype=np.float32)
    rare[rng.choice(n, 18, replace=False)] += 1 + rng.random(18).astype(np.float32)
    out = {"common words (synthetic)": [dense], "rare words (synthetic)": [rare]}
    if data_dir is not None and (data_dir / "hoidap.db").exists() and DEV.exists():
        from index.engine import Engine
        from index.query import query_tokens

        idx = Engine(data_dir).index
        out["dev questions (real scores)"] = [idx.scores(query_tokens(q, idx.segment)) for q in questions_of([DEV])]
    else:
        print("note: no --data-dir with an ingested database (or no dev questions): synthetic cases only")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    table = Table(title=f"top {K} of the scores, median ms per call")
    for col in ("case", "top_k", "argpartition (before)", "ratio", "same result"):
        table.add_column(col)
    for name, arrays in cases(args.data_dir).items():
        same = all(np.array_equal(top_k(a, K), np.lexsort((np.arange(len(a)), -a))[:K]) for a in arrays)
        new, old = median_ms(top_k, arrays, args.repeat), median_ms(argpartition_top_k, arrays, args.repeat)
        table.add_row(name, f"{new:.3f}", f"{old:.3f}", f"{new / old:.2f}", "yes" if same else "NO")
    Console(width=120).print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

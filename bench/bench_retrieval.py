"""Retrieval benchmark: BM25+ parameters and the word-pair re-ranking, on question sets.

For each configuration, the rank of the first passage from the gold article among the
top 20 (as ``Engine.ask`` retrieves them before answering): hit@1, hit@5, MRR per
question set, and the median time of the retrieval step. The baseline, measured in the
same run, is the previous default: BM25+ k1 1.5, b 0.75, no re-ranking.

Usage:
    python bench/bench_retrieval.py --data-dir DIR [QUESTIONS.jsonl ...] [--json]

``DIR`` is an ingested folder (VNTC + corpus/, as for ``hoidap eval``); its database is
copied to a temporary folder, so the indexes built here leave it alone. Question files
are in the format of ../shared/eval/dev_questions.jsonl (default: that file; skipped
with a message where ../shared is absent).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import missing_inputs  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from index import reads, rerank  # noqa: E402
from index.candidates import CANDIDATES  # noqa: E402
from index.bm25 import BM25Params  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.parse import parse_question  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"

# (label, BM25+ parameters, re-rank weight); the first is the baseline
CONFIGS: list[tuple[str, BM25Params, float]] = [
    ("k1 1.5, b 0.75 (baseline)", BM25Params(k1=1.5, b=0.75), 0.0),
    ("k1 1.2, b 0.75", BM25Params(k1=1.2, b=0.75), 0.0),
    ("k1 0.9, b 0.6", BM25Params(k1=0.9, b=0.6), 0.0),
    ("k1 1.5, b 0.75 + pairs", BM25Params(k1=1.5, b=0.75), rerank.WEIGHT),
    ("k1 0.9, b 0.6 + pairs 0.5", BM25Params(k1=0.9, b=0.6), 0.5),
    ("k1 0.9, b 0.6 + pairs (default)", BM25Params(k1=0.9, b=0.6), rerank.WEIGHT),
    ("k1 0.9, b 0.6 + pairs 1.5", BM25Params(k1=0.9, b=0.6), 1.5),
]


def retrieve(engine: Engine, question: str, weight: float) -> list[str]:
    """Article ids of the passages ``Engine.ask`` would answer from, best first."""
    idx = engine.index
    q = parse_question(question, idx.segment, idx.idf)
    hits = idx.search(list(q.tokens), k=max(CANDIDATES, rerank.POOL))
    rows = reads.pool(engine.db, [pid for pid, _ in hits])
    if weight > 0:
        shares = rerank.pair_shares(q.pairs, reads.index_words(rows))
        hits = rerank.rerank(hits, shares, weight)
    hits = hits[:CANDIDATES]
    passages = reads.hits(rows, [pid for pid, _ in hits], dict(hits))
    return [p.article_id for p in passages]


def measure(engine: Engine, questions: list[dict], weight: float) -> dict:
    ranks, times = [], []
    for q in questions:
        t0 = time.perf_counter()
        arts = retrieve(engine, q["question"], weight)
        times.append((time.perf_counter() - t0) * 1000)
        ranks.append(next((i for i, a in enumerate(arts, 1) if a == q["article_id"]), None))
    n = len(questions)
    return {
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "ms_p50": statistics.median(times),
    }


def _name(f: Path, files: list[Path]) -> str:
    """A short column name: "dev", the file's stem, or its folder where stems repeat."""
    if f == DEV:
        return "dev"
    return f.parent.name if sum(g.stem == f.stem for g in files) > 1 else f.stem


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("questions", nargs="*", type=Path)
    ap.add_argument("--data-dir", type=Path, required=True, help="an ingested folder (VNTC + corpus/)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    files = args.questions or [DEV]
    if skip := missing_inputs(files, args.data_dir):
        print(skip)
        return 0
    sets = {_name(f, files): [json.loads(line) for line in f.open(encoding="utf-8") if line.strip()] for f in files}
    results: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="hoidap-bench-retrieval-") as tmp:
        shutil.copy(args.data_dir / "hoidap.db", Path(tmp) / "hoidap.db")
        for label, params, weight in CONFIGS:
            engine = Engine(tmp, params=params)
            _ = engine.index  # built for these parameters if the saved one is not
            results[label] = {name: measure(engine, qs, weight) for name, qs in sets.items()}
            engine.db.dispose()
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    table = Table(title="Retrieval: the gold article among the passages answered from (top 20)")
    table.add_column("configuration", no_wrap=True)
    for name, qs in sets.items():
        table.add_column(f"{name} (n={len(qs)})\nhit@1 / hit@5 / MRR", justify="right", no_wrap=True)
    table.add_column("retrieval p50 (ms)", justify="right")
    for label, per_set in results.items():
        cells = [f"{m['hit@1']:.3f} / {m['hit@5']:.3f} / {m['mrr']:.3f}" for m in per_set.values()]
        table.add_row(label, *cells, f"{statistics.median(m['ms_p50'] for m in per_set.values()):.2f}")
    Console(width=max(120, 40 + 26 * len(sets))).print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where the whole ``ask`` spends its time, stage by stage, the first time a question is
seen and again.

The stages are the ones ``Engine.ask`` runs (``Engine.retrieve`` then
``index.answer.answer``): question parse, BM25 search, the retrieved pool with its index
words, word-pair shares, passages, neighbours, stored figures, candidates with their
features, ranking. The process first asks ``--warm-up`` questions (untimed: imports, the
index's and the database's pages), then times each question twice: the first time
(per-text caches do not hold its passages yet) and repeated. Medians and p95 per stage.

Usage:
    python bench/bench_stages.py --data-dir DIR [--warm-up N] [QUESTIONS.jsonl ...]

``DIR`` is an ingested folder (VNTC + corpus/); the questions default to
../shared/eval/train_questions.jsonl, the first ``--warm-up`` (100) of them warming up
and the rest timed (skipped with a message where ../shared is absent).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import missing_inputs, pct, questions_of  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from index import reads, rerank  # noqa: E402
from index.candidates import CANDIDATES, KINDS, candidates, figure_passages  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.parse import parse_question  # noqa: E402

TRAIN = ROOT.parent / "shared" / "eval" / "train_questions.jsonl"


def timed_ask(engine: Engine, question: str, times: dict[str, list[float]]) -> None:
    """One question through the stages of ``Engine.retrieve`` and the candidates'
    scoring, each stage's milliseconds appended to ``times``."""

    def stage(name: str, fn: Callable, *args):
        t = time.perf_counter()
        out = fn(*args)
        times[name].append((time.perf_counter() - t) * 1000)
        return out

    t0 = time.perf_counter()
    idx = engine.index
    q = stage("question parse", parse_question, question, idx.segment, idx.idf)
    hits = stage("BM25 search (top 40)", lambda: idx.search(list(q.tokens), k=max(CANDIDATES, rerank.POOL)))
    rows = stage("pool + index words (SQL)", reads.pool, engine.db, [pid for pid, _ in hits])
    shares = stage("pair shares", lambda: rerank.pair_shares(q.pairs, reads.index_words(rows)))
    hits = rerank.rerank(hits, shares)[:CANDIDATES]
    passages = stage("passages", reads.hits, rows, [pid for pid, _ in hits], dict(hits), shares)
    if q.type in KINDS:
        passages += stage("neighbours (SQL)", engine._neighbors, passages)
    figures = stage("stored figures (SQL)", reads.figures_of, engine.db, figure_passages(q, passages))
    cands = stage("candidates + features", candidates, q, passages, figures)
    stage("ranking", engine.scorer.rank, cands)
    times["total"].append((time.perf_counter() - t0) * 1000)



def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", nargs="*", type=Path)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--warm-up", type=int, default=100, help="how many of the questions are asked first, untimed")
    args = ap.parse_args()
    files = args.questions or [TRAIN]
    if skip := missing_inputs(files, args.data_dir):
        print(skip)
        return 0
    questions = questions_of(files)
    warm, timed = questions[: args.warm_up], questions[args.warm_up :]
    if not timed:
        print(f"skipped: no question left to time after {args.warm_up} warm-up questions")
        return 0
    engine = Engine(args.data_dir)
    for q in warm:
        engine.ask(q)
    first: dict[str, list[float]] = defaultdict(list)
    again: dict[str, list[float]] = defaultdict(list)
    for q in timed:
        timed_ask(engine, q, first)
    for q in timed:
        timed_ask(engine, q, again)

    table = Table(title=f"ask by stage over {len(timed)} questions after {len(warm)} warm-up (ms)")
    for col in ("stage", "first time p50", "first time p95", "repeated p50", "repeated p95", "n"):
        table.add_column(col)
    for name in first:
        table.add_row(name, *(f"{pct(t[name], q):.2f}" for t in (first, again) for q in (0.5, 0.95)), str(len(first[name])))
    Console(width=120).print(table)
    print(f"median total: first time {statistics.median(first['total']):.2f} ms, repeated {statistics.median(again['total']):.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

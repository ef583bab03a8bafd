"""Engine benchmark: ingest speed, re-ingest, index size and memory, query latency.

Each number is printed beside a baseline measured in the same run:
- ingest: underthesea on one core, no cache, no database (the bare tokenizer);
- index: ``rank_bm25.BM25Plus`` built over the same passage tokens;
- queries: ``rank_bm25.BM25Plus.get_scores`` + top-k over the same tokens.

Usage:  python bench/bench_engine.py [--shared ../shared] [--data-dir /tmp/hoidap-bench]
The data folder is wiped first. Needs ../shared (skips with a message otherwise).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import pct  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0



def load_child(data_dir: Path) -> dict:
    """Load the saved index in a fresh process; report time and resident memory."""
    code = (
        "import json,time,sys;sys.path.insert(0,%r)\n"
        "from bench.bench_engine import rss_mb\n"
        "from index.bm25 import SearchIndex\n"
        "from pathlib import Path\n"
        "import numpy, bm25s\n"
        "before=rss_mb();t=time.perf_counter()\n"
        "idx=SearchIndex.load(Path(%r)/'index')\n"
        "idx.search(['dang','chi_bo'],k=5)\n"
        "print(json.dumps({'load_s':time.perf_counter()-t,'rss_mb':rss_mb()-before}))\n"
    ) % (str(ROOT), str(data_dir))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/hoidap-bench"))
    ap.add_argument("--baseline-articles", type=int, default=400, help="articles tokenized for the 1-core baseline")
    args = ap.parse_args()
    articles = args.shared / "data/vntc-chinhtri-xahoi/articles.jsonl"
    questions = args.shared / "eval/dev_questions.jsonl"
    if not articles.exists() or not questions.exists():
        print(f"skipped: shared data not found under {args.shared}")
        return 0

    from rank_bm25 import BM25Plus

    from index.engine import Engine
    from index.query import query_tokens
    from index.text import index_tokens, normalize

    con = Console(width=130)
    shutil.rmtree(args.data_dir, ignore_errors=True)
    rows: list[tuple[str, str, str, str]] = []

    # 1. ingest, first time
    eng = Engine(args.data_dir)
    t = time.perf_counter()
    r1 = eng.ingest([articles, ROOT / "corpus"])
    first_s = time.perf_counter() - t
    first_cps = r1.chars / first_s

    # baseline: the bare tokenizer on one core over a sample
    sample = []
    with open(articles, encoding="utf-8") as fh:
        for line, _ in zip(fh, range(args.baseline_articles)):
            sample.append(normalize(json.loads(line)["text"]))
    t = time.perf_counter()
    for text in sample:
        index_tokens(text)
    base_cps = sum(map(len, sample)) / (time.perf_counter() - t)
    rows.append(("ingest, first (chars/s)", f"{first_cps:,.0f}", f"{base_cps:,.0f}", f"{first_cps / base_cps:.2f}x"))
    rows.append(("ingest, first (total)", f"{first_s:.1f} s, {r1.chars:,} chars, {r1.passages:,} passages", "", ""))

    # 2. ingest again, nothing changed
    t = time.perf_counter()
    r2 = eng.ingest([articles, ROOT / "corpus"])
    second_s = time.perf_counter() - t
    assert r2.unchanged == r1.added and not r2.changed
    rows.append(("ingest, unchanged (s)", f"{second_s:.2f}", f"{first_s:.1f} (first)", f"{first_s / second_s:.0f}x faster"))

    # 3. index on disk and in memory, beside rank_bm25 over the same tokens
    idx = eng.index
    docs = []
    from sqlalchemy import text as sql

    with eng.db.connect() as conn:
        for ptoks, ttoks in conn.execute(
            sql(
                "SELECT pc.tokens, tc.tokens FROM passage p JOIN article a ON a.id=p.article_id "
                "JOIN token_cache pc ON pc.hash=p.text_hash LEFT JOIN token_cache tc ON tc.hash=a.title_hash ORDER BY p.id"
            )
        ):
            docs.append((ptoks + " " + (ttoks or "")).split())
    child = load_child(args.data_dir)
    gc.collect()
    tracemalloc.start()
    t = time.perf_counter()
    baseline = BM25Plus(docs, k1=1.5, b=0.75, delta=1.0)
    base_build = time.perf_counter() - t
    base_mem = tracemalloc.get_traced_memory()[0] / 2**20  # what the built object holds
    tracemalloc.stop()
    rows.append(("index size on disk (MB)", f"{idx.disk_bytes() / 1e6:.1f}", "-", ""))
    rows.append(("index memory after load (MB)", f"{child['rss_mb']:.0f} (mmap)", f"{base_mem:.0f}", f"{base_mem / max(child['rss_mb'], 1e-9):.1f}x less"))
    rows.append(("index load / build (s)", f"{child['load_s']:.2f} load", f"{base_build:.1f} build", ""))

    # 4. query latency over the dev questions
    qs = [json.loads(line)["question"] for line in open(questions, encoding="utf-8")]
    for q in qs[:5]:
        eng.ask(q)  # warm up
    ask_ms, search_ms, base_ms = [], [], []
    for _ in range(3):
        for q in qs:
            t = time.perf_counter()
            eng.ask(q)
            ask_ms.append((time.perf_counter() - t) * 1000)
            toks = query_tokens(q, idx.segment)
            t = time.perf_counter()
            idx.search(toks, k=5)
            search_ms.append((time.perf_counter() - t) * 1000)
    for q in qs:
        toks = query_tokens(q, idx.segment)
        t = time.perf_counter()
        scores = baseline.get_scores(toks)
        scores.argsort()[::-1][:5]
        base_ms.append((time.perf_counter() - t) * 1000)
    b50, b95 = statistics.median(base_ms), pct(base_ms, 0.95)
    s50, s95 = statistics.median(search_ms), pct(search_ms, 0.95)
    a50, a95 = statistics.median(ask_ms), pct(ask_ms, 0.95)
    rows.append(("query p50 (ms), index only", f"{s50:.2f}", f"{b50:.1f}", f"{b50 / s50:.0f}x faster"))
    rows.append(("query p95 (ms), index only", f"{s95:.2f}", f"{pct(base_ms, 0.95):.1f}", f"{b95 / s95:.0f}x faster"))
    rows.append(("query p50 (ms), whole ask", f"{a50:.2f}", f"{b50:.1f}", f"{b50 / a50:.0f}x faster"))
    rows.append(("query p95 (ms), whole ask", f"{a95:.2f}", f"{b95:.1f}", f"{b95 / a95:.0f}x faster"))

    table = Table(title=f"hoidap engine benchmark ({os.cpu_count()} cores, {len(qs)} dev questions x3)")
    for col in ("measure", "hoidap", "baseline", "ratio"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    con.print(table)
    con.print(
        "baselines: ingest = underthesea on one core over "
        f"{len(sample)} articles (no cache, no DB); index/query = rank_bm25.BM25Plus over the same {len(docs):,} passages"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

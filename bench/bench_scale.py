"""Scale benchmark: the BM25+ index at a million passages, beside rank_bm25 at 100k.

Reads the cached passage tokens (+ title tokens, as ``Engine``'s ``build_and_save``
does) of an ingested data folder, generates ``--passages`` passages from them (see
``generate``), and in the same run measures:

- the index build from those tokens (``SearchIndex.build``) and its size on disk;
- in a fresh process: load time (memory-mapped), resident memory after load, and
  query latency p50/p95/p99 over the dev questions, of ``SearchIndex.search`` alone
  and of the whole query path (question -> tokens by index/query.py -> search);
- beside ``rank_bm25.BM25Plus`` built on a ``--baseline-passages`` subsample, and the
  engine's index over the same subsample.

Usage:  python bench/bench_scale.py [--data-dir /tmp/hoidap-bench] [--passages 1000000]
            [--baseline-passages 100000] [--repeats 5] [--json]
``--data-dir`` is read only (its database is opened read-only). Without an ingested
folder there, VNTC + corpus/ are ingested into it first; without that either (no
../shared), the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared"
DEFAULT_QUESTIONS = SHARED / "eval/dev_questions.jsonl"
K = 20  # passages Engine.ask retrieves (index.answer.CANDIDATES)

# Targets of issue 6 at 1M passages on the 2-core machine.
TARGET_P95_MS = 30.0
TARGET_RSS_MB = 3 * 1024.0
TARGET_LOAD_S = 5.0

# Passages whose document frequency is at most this are "rare": the pool the
# generator renames from to grow the vocabulary (see ``generate``).
RARE_DF = 10


# -- reading the cached tokens ---------------------------------------------------------

TOKENS_SQL = (
    "SELECT p.id, pc.tokens, tc.tokens FROM passage p "
    "JOIN article a ON a.id = p.article_id "
    "JOIN token_cache pc ON pc.hash = p.text_hash "
    "LEFT JOIN token_cache tc ON tc.hash = a.title_hash "
    "ORDER BY p.id"
)


def read_only_url(data_dir: Path) -> str:
    """The data folder's SQLite database, opened read-only (nothing is written there)."""
    return f"sqlite:///file:{(data_dir / 'hoidap.db').resolve()}?mode=ro&uri=true"


def cached_docs(url: str) -> tuple[list[int], list[list[str]]]:
    """Passage ids and tokens (passage + title) exactly as ``build_and_save`` reads them.

    Tokens are interned so that the generated copies share one string object per term.
    """
    from sqlalchemy import create_engine, text

    db = create_engine(url)
    ids: list[int] = []
    docs: list[list[str]] = []
    intern = sys.intern
    try:
        with db.connect() as conn:
            for pid, ptoks, ttoks in conn.execute(text(TOKENS_SQL)):
                ids.append(int(pid))
                docs.append([intern(t) for t in (ptoks + " " + (ttoks or "")).split()])
    finally:
        db.dispose()
    return ids, docs


# -- the generator ---------------------------------------------------------------------


def heaps_fit(docs: list[list[str]], seed: int = 0) -> tuple[float, float]:
    """Heaps' law V(n) = K * n**beta fitted on the real passages (n in tokens, shuffled order)."""
    order = np.random.default_rng(seed).permutation(len(docs))
    seen: set[str] = set()
    n_tok = 0
    xs, ys = [], []
    marks = {int(len(docs) * f) - 1 for f in (1 / 16, 1 / 8, 1 / 4, 1 / 2, 1)}
    for j, i in enumerate(order):
        seen.update(docs[i])
        n_tok += len(docs[i])
        if j in marks:
            xs.append(math.log(n_tok))
            ys.append(math.log(len(seen)))
    if len(xs) < 2:  # too few passages to fit: a typical value for news text
        return 0.6, 1.0
    beta, log_k = np.polyfit(xs, ys, 1)
    return float(beta), float(math.exp(log_k))


def generate(
    base_ids: list[int], base_docs: list[list[str]], n: int, *, seed: int = 0
) -> tuple[np.ndarray, list[list[str]], dict]:
    """``n`` passages: the real ones, then copies of them with perturbed ids and terms.

    Ids: copy ``c`` of passage ``p`` gets ``c * stride + p`` (stride = a power of ten
    above the largest id), so ids are unique and ``id % stride`` is the real passage.

    Terms: a copy that only repeated its passages would leave the vocabulary at the
    real corpus' size, while real text keeps adding words (Heaps' law, V = K n^beta,
    fitted on the real passages). Copy ``c`` therefore renames a random share of the
    rare terms (document frequency <= RARE_DF in the real corpus) to ``term~c``,
    consistently within the copy, so that the vocabulary after each copy is what
    Heaps' law predicts for that many tokens. New words in more text are mostly rare
    ones (Zipf), so frequent terms keep their share of passages (their posting lists
    grow in proportion to N, the worst case for query time) while the long tail grows
    as it would with more real text. Passage lengths and the term-frequency profile
    of every passage are those of a real passage.
    """
    rng = np.random.default_rng(seed)
    n_base = len(base_docs)
    if n_base == 0:
        raise ValueError("no passages with cached tokens in the database")
    stride = 10 ** len(str(max(base_ids)))
    beta, k = heaps_fit(base_docs, seed)

    df: dict[str, int] = {}
    for d in base_docs:
        for t in set(d):
            df[t] = df.get(t, 0) + 1
    rare = sorted(t for t, f in df.items() if f <= RARE_DF)
    tokens_per_copy = sum(map(len, base_docs))
    vocab = len(df)

    ids = np.empty(n, dtype=np.int64)
    docs: list[list[str]] = []
    renamed_total = 0
    copies = math.ceil(n / n_base)
    for c in range(copies):
        m = min(n_base, n - c * n_base)
        ids[c * n_base : c * n_base + m] = c * stride + np.asarray(base_ids[:m], dtype=np.int64)
        if c == 0:
            docs.extend(base_docs[:m])
            continue
        # new terms this copy should bring: V((c+1) T) - V(c T) with V(c T) = V0 c^beta
        # (T tokens a copy, V0 the real vocabulary)
        want = vocab * ((c + 1) ** beta - c**beta)
        share = min(1.0, want / max(1, len(rare)))
        chosen = np.flatnonzero(rng.random(len(rare)) < share)
        suffix = f"~{c}"
        rename = {rare[i]: sys.intern(rare[i] + suffix) for i in chosen}
        renamed_total += len(rename)
        get = rename.get
        docs.extend([get(t, t) for t in d] for d in base_docs[:m])
    info = {
        "base_passages": n_base,
        "copies": copies,
        "heaps_beta": round(beta, 3),
        "heaps_k": round(k, 2),
        "base_terms": vocab,
        "rare_pool": len(rare),
        "renamed_terms": renamed_total,
        "stride": stride,
        "tokens": int(tokens_per_copy * (n // n_base) + sum(map(len, base_docs[: n % n_base]))),
    }
    return ids, docs, info


# -- measuring -------------------------------------------------------------------------


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    """Resident memory of this process now (VmRSS), MiB."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM), MiB.

    Not ``ru_maxrss``: a child started by ``subprocess`` inherits its parent's value.
    """
    return _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(ms: list[float]) -> dict[str, float]:
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return {"p50": float(p50), "p95": float(p95), "p99": float(p99)}


def median_of_repeats(runs: list[list[float]]) -> dict[str, float]:
    """p50/p95/p99 of each pass over the question set; the median of each over the passes."""
    per = [percentiles(r) for r in runs]
    return {key: float(np.median([p[key] for p in per])) for key in ("p50", "p95", "p99")}


def time_queries(idx, questions: list[str], repeats: int, k: int = K) -> dict:
    """Latency of search alone and of the whole query path (question -> tokens -> search)."""
    from index.query import query_tokens

    for q in questions[:5]:  # warm up
        idx.search(query_tokens(q, idx.segment), k=k)
    search_runs, path_runs = [], []
    for _ in range(repeats):
        s_ms, p_ms = [], []
        for q in questions:
            t0 = time.perf_counter()
            toks = query_tokens(q, idx.segment)
            t1 = time.perf_counter()
            idx.search(toks, k=k)
            t2 = time.perf_counter()
            s_ms.append((t2 - t1) * 1000)
            p_ms.append((t2 - t0) * 1000)
        search_runs.append(s_ms)
        path_runs.append(p_ms)
    return {"search": median_of_repeats(search_runs), "path": median_of_repeats(path_runs)}


def child_main(index_dir: Path, questions_file: Path, repeats: int) -> None:
    """Run in a fresh process: load (mmap), memory, query latency; print one JSON line."""
    import bm25s  # noqa: F401  (imports are not part of the load time)

    from index.bm25 import SearchIndex
    from index.query import query_tokens

    questions = read_questions(questions_file)
    query_tokens("khởi động", lambda s: s)  # abbreviation table, stopwords: not the index's load
    gc.collect()
    rss_before = rss_mb()
    t = time.perf_counter()
    idx = SearchIndex.load(index_dir)
    load_s = time.perf_counter() - t
    rss_loaded = rss_mb()
    lat = time_queries(idx, questions, repeats)
    out = {
        "load_s": load_s,
        "rss_before_load_mb": rss_before,
        "rss_after_load_mb": rss_loaded,
        "rss_after_queries_mb": rss_mb(),
        "peak_rss_mb": peak_rss_mb(),
        **lat,
    }
    print(json.dumps(out))


def measure_in_child(index_dir: Path, questions_file: Path, repeats: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(index_dir), "--questions", str(questions_file), "--repeats", str(repeats)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"measuring process failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def read_questions(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line)["question"] for line in fh if line.strip()]


def baseline_latency(docs: list[list[str]], questions: list[str], repeats: int, seg_index) -> dict:
    """rank_bm25.BM25Plus over ``docs``: build time and get_scores + top-k latency."""
    from rank_bm25 import BM25Plus

    from index.query import query_tokens

    t = time.perf_counter()
    bm = BM25Plus(docs, k1=1.5, b=0.75, delta=1.0)
    build_s = time.perf_counter() - t
    toks = [query_tokens(q, seg_index.segment) for q in questions]
    runs = []
    for _ in range(repeats):
        ms = []
        for qt in toks:
            t = time.perf_counter()
            scores = bm.get_scores(qt)
            np.argpartition(-scores, K)[:K] if len(scores) > K else scores.argsort()
            ms.append((time.perf_counter() - t) * 1000)
        runs.append(ms)
    return {"build_s": build_s, "search": median_of_repeats(runs)}


# -- the run ---------------------------------------------------------------------------


def ensure_data(data_dir: Path, database_url: str | None) -> str | None:
    """The database URL to read tokens from, ingesting VNTC + corpus/ if needed; None = skip."""
    if database_url:
        return database_url
    if (data_dir / "hoidap.db").exists():
        return read_only_url(data_dir)
    articles = SHARED / "data/vntc-chinhtri-xahoi/articles.jsonl"
    if not articles.exists():
        return None
    from index.engine import Engine

    print(f"no ingested data in {data_dir}: ingesting {articles} and corpus/ there first", file=sys.stderr)
    Engine(data_dir).ingest([articles, ROOT / "corpus"])
    return read_only_url(data_dir)


def status(value: float, target: float) -> str:
    return "PASS" if value < target else "FAIL"


def run(args: argparse.Namespace) -> dict | None:
    from index.bm25 import SearchIndex

    url = ensure_data(args.data_dir, args.database_url)
    questions_file = args.questions
    if url is None or not questions_file.exists():
        return None
    questions = read_questions(questions_file)
    work = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix="hoidap-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    res: dict = {"passages": args.passages, "baseline_passages": args.baseline_passages, "cores": os.cpu_count()}
    try:
        t = time.perf_counter()
        base_ids, base_docs = cached_docs(url)
        res["read_tokens_s"] = time.perf_counter() - t
        t = time.perf_counter()
        ids, docs, info = generate(base_ids, base_docs, args.passages, seed=args.seed)
        res["generate_s"] = time.perf_counter() - t
        res["generator"] = info
        res["ids_unique"] = bool(len(np.unique(ids)) == len(ids))

        # 1. build from cached tokens, save, size on disk (this process)
        gc.collect()
        rss0 = rss_mb()
        t = time.perf_counter()
        idx = SearchIndex.build(ids, docs, generation="bench", tokenizer="bench")
        res["build_s"] = time.perf_counter() - t
        res["build_rss_mb"] = max(peak_rss_mb(), rss_mb()) - rss0
        res["terms"] = idx.manifest.n_terms
        res["tokens"] = idx.manifest.extra.get("tokens", 0)
        t = time.perf_counter()
        idx.save(work / "full")
        res["save_s"] = time.perf_counter() - t
        res["disk_mb"] = idx.disk_bytes() / 1e6
        del idx
        gc.collect()

        # 2. a fresh process: load, memory, queries
        res["full"] = measure_in_child(work / "full", questions_file, args.repeats)

        # 3. the subsample: rank_bm25.BM25Plus beside the engine's index over the same passages
        nb = min(args.baseline_passages, len(docs))
        sub_ids, sub_docs = ids[:nb], docs[:nb]
        del docs
        gc.collect()
        t = time.perf_counter()
        sub = SearchIndex.build(sub_ids, sub_docs)
        res["sub_build_s"] = time.perf_counter() - t
        res["sub_engine"] = time_queries(sub, questions, args.repeats)
        res["sub_baseline"] = baseline_latency(sub_docs, questions, args.baseline_repeats, sub)
        res["rows"] = table_rows(res)
        return res
    finally:
        if not args.keep and not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)


def table_rows(r: dict) -> list[dict]:
    """The printed table: measure, hoidap, baseline, ratio, target, status."""
    n, nb = r["passages"], r["baseline_passages"]
    full, se, sb = r["full"], r["sub_engine"], r["sub_baseline"]
    rows = [
        {"measure": "passages generated / terms / tokens", "hoidap": f"{n:,} / {r['terms']:,} / {r['tokens']:,}"},
        {"measure": f"index build from cached tokens at {n:,} (s)", "hoidap": f"{r['build_s']:.1f}",
         "note": f"peak memory +{r['build_rss_mb']:,.0f} MiB"},
        {"measure": f"index build at {nb:,} (s)", "hoidap": f"{r['sub_build_s']:.2f}",
         "baseline": f"{sb['build_s']:.2f} (BM25Plus)", "ratio": f"{sb['build_s'] / max(r['sub_build_s'], 1e-9):.1f}x"},
        {"measure": "index size on disk (MB)", "hoidap": f"{r['disk_mb']:,.1f}"},
        {"measure": "resident memory after load (MiB)", "hoidap": f"{full['rss_after_load_mb']:,.0f}",
         "note": f"{full['rss_after_queries_mb']:,.0f} after the queries (mmap pages touched)",
         "target": f"< {TARGET_RSS_MB:,.0f}", "status": status(full["rss_after_load_mb"], TARGET_RSS_MB)},
        {"measure": "load, memory-mapped (s)", "hoidap": f"{full['load_s']:.2f}",
         "target": f"< {TARGET_LOAD_S:.0f}", "status": status(full["load_s"], TARGET_LOAD_S)},
    ]
    for key in ("p50", "p95", "p99"):
        row = {"measure": f"query {key} at {n:,}, search (ms)", "hoidap": f"{full['search'][key]:.2f}"}
        if key == "p95":
            row |= {"target": f"< {TARGET_P95_MS:.0f}", "status": status(full["search"][key], TARGET_P95_MS)}
        rows.append(row)
    for key in ("p50", "p95", "p99"):
        row = {"measure": f"query {key} at {n:,}, question -> tokens -> search (ms)", "hoidap": f"{full['path'][key]:.2f}"}
        if key == "p95":
            row |= {"target": f"< {TARGET_P95_MS:.0f}", "status": status(full["path"][key], TARGET_P95_MS)}
        rows.append(row)
    for key in ("p50", "p95", "p99"):
        e, b = se["search"][key], sb["search"][key]
        rows.append({"measure": f"query {key} at {nb:,}, search (ms)", "hoidap": f"{e:.2f}",
                     "baseline": f"{b:.1f} (BM25Plus)", "ratio": f"{b / max(e, 1e-9):,.0f}x faster"})
    return rows


COLUMNS = ("measure", "hoidap", "baseline", "ratio", "target", "status", "note")


def print_table(res: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    g = res["generator"]
    table = Table(title=f"hoidap at scale ({res['cores']} cores; medians of {res.get('repeats', '?')} passes)")
    for col in COLUMNS:
        table.add_column(col)
    for row in res["rows"]:
        table.add_row(*(row.get(c, "") for c in COLUMNS))
    con = Console(width=160)
    con.print(table)
    con.print(
        f"generator: {g['base_passages']:,} real passages x {g['copies']} copies; Heaps beta {g['heaps_beta']}, "
        f"{g['renamed_terms']:,} rare-term renames (pool {g['rare_pool']:,} terms with df <= {RARE_DF}); "
        f"ids unique: {res['ids_unique']}"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/hoidap-bench"), help="ingested folder (read only)")
    ap.add_argument("--database-url", default=None, help="read tokens from this database instead")
    ap.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    ap.add_argument("--passages", type=int, default=1_000_000)
    ap.add_argument("--baseline-passages", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=5, help="passes over the questions (medians)")
    ap.add_argument("--baseline-repeats", type=int, default=1, help="passes for rank_bm25 (slow)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work-dir", default=None, help="where the index is written (default: a temp dir, removed)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        child_main(args.child, args.questions, args.repeats)
        return 0
    res = run(args)
    if res is None:
        print(
            f"skipped: no ingested data folder at {args.data_dir} and no shared data under {SHARED} "
            f"(or no questions at {args.questions})"
        )
        return 0
    res["repeats"] = args.repeats
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        print_table(res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

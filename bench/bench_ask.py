"""Whole-``ask`` latency of this tree beside another git revision, in the same run.

Both versions answer the same questions over the same ingested data (VNTC +
``corpus/``; the baseline over a copy of the data dir, so that neither re-derives the
other's figures), each in its own process, in alternating rounds so that a noisy machine
slows both alike; the table gives medians, p95 and the ratio. The other revision is
checked out in a temporary git worktree (nothing in this tree changes).

Usage:
    python bench/bench_ask.py --data-dir DIR [--baseline-rev fd0ecbe] [--rounds 4] [--warm-up FILE] [QUESTIONS.jsonl ...]

DIR must hold VNTC + corpus/ ingested (``hoidap ingest ../shared/data/vntc-chinhtri-xahoi/articles.jsonl
corpus/ --data-dir DIR``); the questions default to ../shared/eval/dev_questions.jsonl
(skipped with a message where absent).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import baseline_tree, missing_inputs, pct, questions_of  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
TRAIN = ROOT.parent / "shared" / "eval" / "train_questions.jsonl"

# Runs in a child process with the version's own tree first on sys.path. It warms up on
# other questions (imports, index pages, the database's pages), then times `ask` over the
# questions twice: the first time this process sees each one (as a user's new question)
# and again (what repeats: per-text caches hold that question's passages), and the
# index-only search during the second pass.
CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from index.engine import Engine
from index.query import query_tokens
given = json.loads(sys.stdin.read())
questions = given["timed"]
engine = Engine(sys.argv[2])
idx = engine.index
for q in given["warm"]:
    engine.ask(q)
first, ask, search = [], [], []
for q in questions:
    t = time.perf_counter(); engine.ask(q); first.append((time.perf_counter() - t) * 1000)
for q in questions:
    t = time.perf_counter(); engine.ask(q); ask.append((time.perf_counter() - t) * 1000)
    toks = query_tokens(q, idx.segment)
    t = time.perf_counter(); idx.search(toks, k=5); search.append((time.perf_counter() - t) * 1000)
print(json.dumps({"first": first, "ask": ask, "search": search}))
"""


def run(tree: Path, data_dir: Path, questions: list[str], warm: list[str]) -> dict[str, list[float]]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(data_dir)],
        input=json.dumps({"timed": questions, "warm": warm}),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])



def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", nargs="*", type=Path)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--baseline-rev", default="fd0ecbe", help="git revision to compare with (default: before the trust work)")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--warm-up", type=Path, default=TRAIN, help="questions asked first, untimed (default: the first 100 of the train set)")
    args = ap.parse_args()
    files = args.questions or [DEV]
    if skip := missing_inputs(files, args.data_dir):
        print(skip)
        return 0
    questions = questions_of(files)
    warm: list[str] = []
    if args.warm_up.exists():
        timed = set(questions)
        warm = [q for q in questions_of([args.warm_up]) if q not in timed][:100]
    else:
        print(f"note: {args.warm_up} not found; no warm-up, so the first-time row includes the first page reads")

    from rich.console import Console
    from rich.table import Table

    with baseline_tree(args.baseline_rev, args.data_dir) as (base_tree, base_data):
        keys = ("first", "ask", "search")
        results = {name: {key: [] for key in keys} for name in ("this tree", args.baseline_rev)}
        for _ in range(args.rounds):
            for name, tree, data in (("this tree", ROOT, args.data_dir), (args.baseline_rev, base_tree, base_data)):
                r = run(tree, data, questions, warm)
                for key in keys:
                    results[name][key] += r[key]

    now, base = results["this tree"], results[args.baseline_rev]
    table = Table(title=f"whole ask over {len(questions)} questions x {args.rounds} rounds, alternating (ms)")
    for col in ("measure", "this tree", args.baseline_rev, "ratio (this / baseline)"):
        table.add_column(col)
    for key, label in (("first", "whole ask, first time"), ("ask", "whole ask, repeated"), ("search", "index-only search")):
        for q, name in ((0.5, "p50"), (0.95, "p95")):
            a, b = pct(now[key], q), pct(base[key], q)
            table.add_row(f"{label} {name}", f"{a:.2f}", f"{b:.2f}", f"{a / b:.2f}")
    Console(width=120).print(table)
    for key, label in (("first", "first time"), ("ask", "repeated")):
        print(f"median whole ask, {label}: this tree {statistics.median(now[key]):.2f} ms, {args.baseline_rev} {statistics.median(base[key]):.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

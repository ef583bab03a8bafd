"""Where the best candidate goes wrong: ranking, extraction or retrieval.

For each answerable question of the given sets, the candidates ``ask`` scores (retrieved
passages → ``index.candidates`` → the shipped ranker) are read best first, one per
distinct answer, and the question is counted as:

* ``right``: the best candidate is the gold answer;
* ``ranked lower``: a candidate further down is (the ranker's loss);
* ``no right candidate``: the gold article was retrieved, no candidate is right (extraction);
* ``article not retrieved``: the gold article is not among the passages read.

Usage:
    python bench/best_candidate.py --data-dir DIR QUESTIONS.jsonl [...] [--json]
        [--scorer SCORER.json] [--list FAILING.jsonl]

``--scorer`` reads a refit's scorer (``hoidap train --out``) instead of the shipped one, so
a change is compared refit against refit; ``--list`` writes the questions not right.

``DIR`` is an ingested folder (VNTC + corpus/). Reading which questions fail is reading a
set's failures: do it on sets already tuned on, not on the ones kept for deciding.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import golds_of, missing_inputs  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from index import scorer as scoring  # noqa: E402
from index.candidates import Candidate, candidates  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import candidate_right  # noqa: E402

OUTCOMES = ("right", "ranked lower", "no right candidate", "article not retrieved")


def rank_of_right(gold: dict, ranked: list[Candidate]) -> int | None:
    """1-based rank of the first right answer among the distinct answers, or None."""
    seen: set[tuple] = set()
    for c in ranked:
        if c.key in seen:
            continue
        seen.add(c.key)
        if candidate_right(gold, c.figure.value if c.figure is not None else None, c.text):
            return len(seen)
    return None


def outcome(engine: Engine, gold: dict) -> tuple[str, int | None]:
    got = engine.retrieve(gold["question"])
    ranked = engine.scorer.rank(candidates(got.question, got.passages, got.figures))
    r = rank_of_right(gold, ranked)
    if r == 1:
        return "right", r
    if r is not None:
        return "ranked lower", r
    if gold.get("article_id") in {p.article_id for p in got.passages}:
        return "no right candidate", None
    return "article not retrieved", None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", nargs="+", type=Path)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--scorer", type=Path, help="a scorer file (default: the shipped one), e.g. a refit's --out")
    ap.add_argument("--list", type=Path, help="write one JSON line per question not right (outcome, rank of the right answer)")
    args = ap.parse_args()
    if skip := missing_inputs(args.questions, args.data_dir):
        print(skip)
        return 0
    engine = Engine(args.data_dir, scorer=scoring.load(args.scorer) if args.scorer else None)
    listing = open(args.list, "w", encoding="utf-8") if args.list else None
    counts: Counter[tuple[str, str]] = Counter()
    second = 0
    for gold in golds_of(args.questions):
        if gold.get("answerable", True) is False:
            continue
        what, r = outcome(engine, gold)
        counts[(gold["type"], what)] += 1
        if listing and what != "right":
            listing.write(json.dumps({"id": gold.get("id"), "type": gold["type"], "outcome": what, "rank": r}, ensure_ascii=False) + "\n")
        second += r == 2
    if listing:
        listing.close()
    types = sorted({t for t, _ in counts})
    totals = {o: sum(counts[(t, o)] for t in types) for o in OUTCOMES}
    n = sum(totals.values())
    if args.json:
        print(json.dumps({"n": n, "all": totals, "ranked_second": second, "by_type": {t: {o: counts[(t, o)] for o in OUTCOMES} for t in types}}))
        return 0
    table = Table(title=f"the best candidate over {n} answerable questions")
    for col in ("type", *OUTCOMES, "n"):
        table.add_column(col)
    for t in types:
        row = [counts[(t, o)] for o in OUTCOMES]
        table.add_row(t, *map(str, row), str(sum(row)))
    table.add_row("all", *(f"{totals[o]} ({totals[o] / n:.3f})" for o in OUTCOMES), str(n))
    Console(width=140).print(table)
    print(f"ranked second: {second} of the {totals['ranked lower']} ranked lower")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

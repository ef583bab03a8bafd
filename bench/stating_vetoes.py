"""How often each rule that keeps a best candidate from being stated fires, and how often
the candidate it stops was right.

For each question of the given sets, the best candidate ``ask`` ranks (retrieved passages
→ ``index.candidates`` → the shipped ranker) is checked by ``index.answer.contradiction``
and ``index.answer.unseen``; per reason (another numbered event, region, country or
landmark, a deputy, another place, another unit, an order of size, a place, landmark or name
its article never names) the table counts the best candidates it fires on, how many were right, how many
were near misses (questions the corpus cannot answer), and of those the scorer is
confident enough to state, how many were right: the statements the rule turns into "Có
thể là" and what that costs.

Usage:
    python bench/stating_vetoes.py --data-dir DIR QUESTIONS.jsonl [...] [--json]

``DIR`` is an ingested folder (VNTC + corpus/). Run it on sets already tuned on: a rule is
judged on fresh sets by ``hoidap eval`` (precision and coverage of what is stated).
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

from index.answer import STATED_TYPES, contradiction, unseen  # noqa: E402
from index.candidates import candidates  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import candidate_right  # noqa: E402

COLUMNS = ("fires", "best right", "near miss", "confident", "confident right")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", nargs="+", type=Path)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if skip := missing_inputs(args.questions, args.data_dir):
        print(skip)
        return 0
    engine = Engine(args.data_dir)
    threshold = engine.scorer.min_confidence if engine.min_confidence is None else engine.min_confidence
    counts: Counter[tuple[str, str]] = Counter()
    n = 0
    for gold in golds_of(args.questions):
        got = engine.retrieve(gold["question"])
        ranked = engine.scorer.rank(candidates(got.question, got.passages, got.figures))
        n += 1
        if not ranked or got.question.type not in STATED_TYPES:
            continue
        top = ranked[0]
        reason = contradiction(got.question, top) or unseen(got.question, top, got.passages, got.articles)
        if reason is None:
            continue
        right = candidate_right(gold, top.figure.value if top.figure is not None else None, top.text)
        confident = engine.scorer.confidence(ranked) >= threshold
        for col, hit in zip(COLUMNS, (True, right, gold.get("answerable", True) is False, confident, confident and right)):
            counts[(reason, col)] += hit
    reasons = sorted({r for r, _ in counts})
    result = {r: {c: counts[(r, c)] for c in COLUMNS} for r in reasons}
    if args.json:
        print(json.dumps({"questions": n, "by_reason": result}))
        return 0
    table = Table(title=f"best candidates never stated, by reason, over {n} questions")
    for col in ("reason", *COLUMNS):
        table.add_column(col)
    for r in reasons:
        table.add_row(r, *(str(result[r][c]) for c in COLUMNS))
    Console(width=120).print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What a change does to answers: this tree beside another git revision, question by question.

Each version answers the same question sets over the same ingested data (the other
revision in a temporary worktree with its own copy of the data, as ``bench_ask.py``
does), in its own process with its own code. The table gives, per question file, what
each version states (stated / right, near misses not stated, best candidate right); then
every question whose status, stated answer or best candidate moved is listed. This is
how a change is probed on the sets tuned on before a fresh pair decides it.

Usage:
    python bench/compare_answers.py --data-dir DIR --baseline-rev 7691ee8 SETS.jsonl ... [--list N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import baseline_tree, missing_inputs  # noqa: E402

# Runs in a child process with the version's own tree first on sys.path: one JSON line
# per question (its file, id, status, confidence, stated answer, best candidate, right).
CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from index.engine import Engine
from index.evaluate import best_right, load_jsonl
engine = Engine(sys.argv[2])
for f in sys.argv[3:]:
    for gold in load_jsonl(Path(f)):
        a = engine.ask(gold["question"])
        best = a.figures[0].text if a.figures and gold["type"] in ("count", "percent", "money", "date") else a.best
        print(json.dumps({"file": Path(f).name, "id": gold["id"], "answerable": gold.get("answerable", True) is not False,
                          "status": a.status, "confidence": a.confidence, "answer": a.answer, "best": best,
                          "right": bool(best_right(gold, a))}, ensure_ascii=False))
"""


def answers(tree: Path, data_dir: Path, files: list[Path]) -> dict[tuple[str, str], dict]:
    """(file, id) -> what the version of ``tree`` answers."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(data_dir), *map(str, files)],
                         capture_output=True, text=True, check=True)  # fmt: skip
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return {(r["file"], r["id"]): r for r in rows}


def summary(rows: Iterable[dict]) -> dict[str, int]:
    """Stated, stated and right, near misses not stated (of how many), best candidate right."""
    rows = list(rows)
    stated = [r for r in rows if r["status"] == "answered"]
    return {
        "stated": len(stated),
        "right": sum(r["right"] and r["answerable"] for r in stated),
        "near_misses_not_stated": sum(not r["answerable"] and r["status"] != "answered" for r in rows),
        "near_misses": sum(not r["answerable"] for r in rows),
        "best_right": sum(r["right"] and r["answerable"] for r in rows),
    }


def moved(now: dict[tuple[str, str], dict], base: dict[tuple[str, str], dict]) -> list[tuple[dict, dict]]:
    """(baseline, this tree) of the questions whose status, stated answer or best candidate differ."""
    keys = ("status", "answer", "best")
    return [(base[k], now[k]) for k in now if k in base and any(now[k][x] != base[k][x] for x in keys)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--baseline-rev", required=True, help="git revision to compare with")
    ap.add_argument("--list", type=int, default=50, help="list at most this many moved questions")
    args = ap.parse_args()
    if skip := missing_inputs(args.sets, args.data_dir):
        print(skip)
        return 0
    files = [f.resolve() for f in args.sets]
    now = answers(ROOT, args.data_dir, files)
    with baseline_tree(args.baseline_rev, args.data_dir) as (tree, data):
        base = answers(tree, data, files)

    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"answers of this tree beside {args.baseline_rev} ({len(now)} questions)")
    for col in ("file", "stated / right", "near misses not stated", "best right"):
        table.add_column(col)
    for name in [*sorted({k[0] for k in now}), "all"]:
        pick = (lambda k, n=name: n == "all" or k[0] == n)
        a = summary(r for k, r in base.items() if pick(k))
        b = summary(r for k, r in now.items() if pick(k))
        table.add_row(name, f"{a['stated']} / {a['right']} → {b['stated']} / {b['right']}",
                      f"{a['near_misses_not_stated']} → {b['near_misses_not_stated']} of {b['near_misses']}",
                      f"{a['best_right']} → {b['best_right']}")  # fmt: skip
    Console(width=140).print(table)
    changed = moved(now, base)
    print(f"{len(changed)} questions moved")
    for old, new in changed[: args.list]:
        print(f"{new['file']} {new['id']}: {old['status']} {old['answer'] or old['best']!r} ({'right' if old['right'] else 'wrong'})"
              f" → {new['status']} {new['answer'] or new['best']!r} ({'right' if new['right'] else 'wrong'}), {new['confidence']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

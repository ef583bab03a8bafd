"""bench/compare_answers.py: what two versions state, and which questions moved."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import compare_answers as ca  # noqa: E402


def _row(qid: str, status: str, right: bool, answerable: bool = True, answer: str | None = None, best: str = "5") -> dict:
    return {"file": "s.jsonl", "id": qid, "answerable": answerable, "status": status, "confidence": 0.9,
            "answer": answer, "best": best, "right": right}  # fmt: skip


def test_summary_counts_what_is_stated_and_the_near_misses_held():
    rows = [
        _row("a", "answered", True, answer="5"),
        _row("b", "answered", False, answer="7"),
        _row("c", "uncertain", True),
        _row("d", "answered", False, answerable=False, answer="3"),  # a near miss stated
        _row("e", "not_found", False, answerable=False),
    ]
    assert ca.summary(rows) == {"stated": 3, "right": 1, "near_misses_not_stated": 1, "near_misses": 2, "best_right": 2}


def test_moved_lists_only_what_changed():
    base = {("s.jsonl", "a"): _row("a", "uncertain", True), ("s.jsonl", "b"): _row("b", "answered", True, answer="5")}
    now = {("s.jsonl", "a"): _row("a", "answered", True, answer="5"), ("s.jsonl", "b"): _row("b", "answered", True, answer="5")}
    assert [(old["id"], old["status"], new["status"]) for old, new in ca.moved(now, base)] == [("a", "uncertain", "answered")]
    now[("s.jsonl", "b")] = _row("b", "answered", True, answer="5", best="6")  # the best candidate moved
    assert [old["id"] for old, _ in ca.moved(now, base)] == ["a", "b"]


def test_the_script_skips_with_one_line_where_the_data_is_absent(tmp_path):
    qs = tmp_path / "q.jsonl"
    qs.write_text(json.dumps({"id": "q1", "question": "?", "type": "count"}) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(Path(ca.__file__)), "--data-dir", str(tmp_path / "none"), "--baseline-rev", "HEAD", str(qs)],
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0 and out.stdout.startswith("skipped:")

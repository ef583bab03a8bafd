"""bench/threshold_bands.py: bands of stated answers by confidence, and what a cut states."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import threshold_bands as tb  # noqa: E402

ROWS = [
    ({"answerable": True}, 0.95, "answered", True),
    ({"answerable": True}, 0.91, "answered", False),
    ({"answerable": False}, 0.89, "answered", False),  # a near miss stated
    ({"answerable": True}, 0.87, "answered", True),
    ({"answerable": True}, 0.97, "uncertain", True),  # held by a veto: never stated
    ({"answerable": True}, 0.50, "answered", True),
    ({"answerable": False}, 0.20, "not_found", False),
]


def test_bands_count_only_the_answers_a_cut_can_state():
    got = tb.bands(ROWS, [0.8, 0.9])
    assert [(b["stated"], b["right"], b["near_misses"]) for b in got] == [(2, 1, 1), (2, 1, 0)]
    assert got[0]["precision"] == 0.5 and (got[0]["from"], got[0]["to"]) == (0.8, 0.9)
    assert got[1]["to"] == 1.0  # the top band is closed at 1


def test_a_band_with_nothing_in_it_has_no_precision():
    assert tb.bands(ROWS, [0.98])[0] == {"from": 0.98, "to": 1.0, "stated": 0, "right": 0, "near_misses": 0, "precision": None}


def test_a_cut_states_what_is_at_or_above_it():
    c = tb.at_cut(ROWS, 0.87)
    assert (c["stated"], c["right"], c["precision"]) == (4, 2, 0.5)
    assert c["coverage"] == round(3 / 5, 4)  # answerable questions stated / answerable questions
    assert (c["near_misses_not_stated"], c["near_misses"]) == (1, 2)
    higher = tb.at_cut(ROWS, 0.9)
    assert (higher["stated"], higher["right"], higher["near_misses_not_stated"]) == (2, 1, 2)


def test_the_table_has_no_coverage_without_answerable_questions():
    only_misses = [({"answerable": False}, 0.95, "answered", False)]
    assert tb.at_cut(only_misses, 0.9)["coverage"] is None
    assert "| 0.9000 | 1 | 0 | 0.000 | - | 0/1 |" in tb._table(only_misses, [0.9], 0.92)


def test_the_script_skips_with_one_line_where_the_data_is_absent(tmp_path):
    qs = tmp_path / "q.jsonl"
    qs.write_text(json.dumps({"question": "?", "type": "count"}) + "\n", encoding="utf-8")
    script = Path(tb.__file__)
    out = subprocess.run([sys.executable, str(script), "--data-dir", str(tmp_path / "none"), str(qs)], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("skipped:")

"""What the benchmark scripts share: the percentile rule and the check that their inputs
are there (a script skips with one line, exit 0, where ../shared or the data is absent)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile: the value at rank round(q·(n−1)) of the sorted values."""
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def golds_of(files: list[Path]) -> Iterator[dict]:
    """The questions of JSONL question files (question, type, answer, ...), in order."""
    for f in files:
        with f.open(encoding="utf-8") as fh:
            yield from (json.loads(line) for line in fh if line.strip())


def questions_of(files: list[Path]) -> list[str]:
    """The question texts of JSONL question files, in order."""
    return [gold["question"] for gold in golds_of(files)]


def missing_inputs(files: list[Path], data_dir: Path) -> str | None:
    """Why a script over question ``files`` and an ingested ``data_dir`` cannot run, or None."""
    missing = [f for f in files if not f.exists()]
    if missing:
        return f"skipped: question file not found ({', '.join(map(str, missing))})"
    if not (data_dir / "hoidap.db").exists():
        return f"skipped: {data_dir} holds no ingested database (run hoidap ingest first)"
    return None

"""What the benchmark scripts share: the percentile rule, the check that their inputs
are there (a script skips with one line, exit 0, where ../shared or the data is absent),
and another revision's tree beside this one."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


@contextmanager
def baseline_tree(rev: str, data_dir: Path) -> Iterator[tuple[Path, Path]]:
    """(tree, data) of git revision ``rev``: a temporary worktree, and its own copy of
    ``data_dir``. A version whose figure code differs derives the figures again when it
    opens a database, and two versions would undo each other's on one shared copy (the
    given folder is left as this tree's). Both are removed on leaving."""
    with tempfile.TemporaryDirectory(prefix="hoidap-baseline-") as tmp:
        tree, data = Path(tmp) / "tree", Path(tmp) / "data"
        shutil.copytree(data_dir, data)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev], check=True, capture_output=True)
        try:
            yield tree, data
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)

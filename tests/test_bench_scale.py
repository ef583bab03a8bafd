"""bench/bench_scale.py at a tiny size: the generator, the build and the query path.

Behaviour only; no timing is asserted.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from conftest import ROOT, SEED_QUESTION

from index.bm25 import SearchIndex
from index.query import query_tokens

sys.path.insert(0, str(ROOT))
from bench import bench_scale  # noqa: E402

pytestmark = pytest.mark.slow  # subprocesses, kills, servers: `pytest -m "not slow"` skips them

N = 2_000


@pytest.fixture(scope="module")
def base(seed_engine):
    ids, docs = bench_scale.cached_docs(seed_engine.url)
    assert len(ids) > 10
    return ids, docs


def test_generator_makes_n_passages_with_unique_ids_and_a_growing_vocabulary(base):
    ids, docs = base
    gen_ids, gen_docs, info = bench_scale.generate(ids, docs, N, seed=1)
    assert len(gen_ids) == len(gen_docs) == N
    assert len(np.unique(gen_ids)) == N
    # the first copy is the real corpus; every id maps back to a real passage
    assert list(gen_ids[: len(ids)]) == ids
    assert set((gen_ids % info["stride"]).tolist()) <= set(ids)
    # copies keep each passage's length, and rename some rare terms
    assert [len(d) for d in gen_docs[len(ids) : 2 * len(ids)]] == [len(d) for d in docs[: min(len(ids), N - len(ids))]]
    vocab = {t for d in gen_docs for t in d}
    base_vocab = {t for d in docs for t in d}
    assert base_vocab < vocab and info["renamed_terms"] > 0
    assert any(t.endswith("~1") for t in vocab)
    # deterministic for a seed
    again = bench_scale.generate(ids, docs, N, seed=1)
    assert again[1] == gen_docs


def test_generated_index_answers_with_the_expected_passage(base, seed_engine):
    ids, docs = base
    live = seed_engine.index
    expected = live.search(query_tokens(SEED_QUESTION, live.segment), k=1)[0][0]
    gen_ids, gen_docs, info = bench_scale.generate(ids, docs, N)
    idx = SearchIndex.build(gen_ids, gen_docs)
    hits = idx.search(query_tokens(SEED_QUESTION, idx.segment), k=5)
    assert hits and hits[0][0] % info["stride"] == expected


def test_run_prints_the_target_rows(seed_engine, tmp_path, capsys):
    questions = tmp_path / "questions.jsonl"
    lines = [SEED_QUESTION, "co bao nhieu chi bo dang duoc thanh lap", "UBND quận khen thưởng bao nhiêu tập thể?"]
    questions.write_text("".join(json.dumps({"question": q}, ensure_ascii=False) + "\n" for q in lines), "utf-8")
    argv = [
        "--database-url", seed_engine.url, "--questions", str(questions),
        "--passages", str(N), "--baseline-passages", "300", "--repeats", "1",
        "--work-dir", str(tmp_path / "work"),
    ]  # fmt: skip
    res = bench_scale.run(bench_scale.parse_args(argv))
    assert res["ids_unique"] and res["tokens"] > 0 and res["terms"] > 0
    assert res["full"]["load_s"] >= 0 and res["full"]["rss_after_load_mb"] > 0
    rows = {r["measure"]: r for r in res["rows"]}
    targets = {m: r["status"] for m, r in rows.items() if "target" in r}
    assert set(targets.values()) <= {"PASS", "FAIL"}
    assert any(m.startswith("resident memory after load") for m in targets)
    assert any(m.startswith("load, memory-mapped") for m in targets)
    assert any(m.startswith(f"query p95 at {N:,}, search") for m in targets)
    assert any("BM25Plus" in r.get("baseline", "") and r.get("ratio") for r in res["rows"])
    # the table and --json print
    assert bench_scale.main([*argv, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passages"] == N


def test_skips_with_a_message_without_data(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench_scale, "SHARED", tmp_path / "no-shared")
    assert bench_scale.main(["--data-dir", str(tmp_path / "nothing"), "--questions", str(tmp_path / "q.jsonl")]) == 0
    assert "skipped" in capsys.readouterr().out

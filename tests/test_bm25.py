import numpy as np
import pytest
from rank_bm25 import BM25Plus

from index.bm25 import BM25Params, IndexError_, SearchIndex, top_k

# A fixture corpus with terms in most documents ("dang") and rare ones.
DOCS = [
    "chi_bo dang thanh_lap 61 chi_bo dang".split(),
    "dang vien ket_nap moi dang".split(),
    "to_chuc cong_doan thanh_lap dang".split(),
    "hoi_nghi tong_ket nghi_quyet dang".split(),
    "uy_ban nhan_dan quan khen_thuong".split(),
    "dang bo phuong dang dang dang".split(),
    "thuy_loi hoa_binh khoi_cong".split(),
]
QUERIES = [
    ["chi_bo", "dang", "thanh_lap"],
    ["dang"],
    ["dang", "dang", "ket_nap"],  # repeated term counts twice, as in rank_bm25
    ["thuy_loi", "khong_co_trong_kho"],
    ["khong_co_trong_kho"],
]


@pytest.mark.parametrize("params", [BM25Params(), BM25Params(k1=1.2, b=0.5, delta=0.5)])
@pytest.mark.parametrize("query", QUERIES)
def test_scores_equal_rank_bm25_plus(params, query):
    idx = SearchIndex.build(list(range(100, 100 + len(DOCS))), DOCS, params=params)
    ref = BM25Plus(DOCS, k1=params.k1, b=params.b, delta=params.delta).get_scores(query)
    np.testing.assert_allclose(idx.scores(query), ref, rtol=1e-5, atol=1e-5)


def test_search_ranks_by_score_and_maps_passage_ids():
    idx = SearchIndex.build(list(range(100, 100 + len(DOCS))), DOCS)
    hits = idx.search(["chi_bo", "thanh_lap"], k=3)
    ref = BM25Plus(DOCS).get_scores(["chi_bo", "thanh_lap"])
    assert hits[0][0] == 100 + int(np.argmax(ref))
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    # passages sharing no term with the question are not returned
    assert {pid for pid, _ in hits} == {100, 102}
    assert idx.search(["khong_co_trong_kho"], k=3) == []


@pytest.mark.parametrize("seed", range(40))
def test_top_k_equals_a_full_sort_with_ties_by_position(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(0, 5000)), int(rng.integers(0, 90))
    # few distinct values (many ties at the cut) or a long flat tail, as BM25+ gives
    scores = (rng.integers(0, 5, n) if seed % 2 else rng.random(n) * (rng.random(n) < 0.3)).astype(np.float32)
    full = np.lexsort((np.arange(n), -scores))[: min(k, n)]
    assert top_k(scores, k).tolist() == full.tolist()


def test_top_k_where_most_passages_share_the_floor_score():
    # a query of rare words: 18 passages above the floor every other passage scores
    scores = np.full(100_000, 1.5, dtype=np.float32)
    hits = np.random.default_rng(1).choice(100_000, 18, replace=False)
    scores[hits] += np.linspace(1.0, 2.0, 18, dtype=np.float32)
    top = top_k(scores, 40).tolist()
    assert top[:18] == sorted(hits.tolist(), key=lambda i: -scores[i])
    assert top[18:] == [i for i in range(100_000) if i not in set(hits.tolist())][:22]  # ties by position


def test_save_load_round_trip_and_atomic_switch(tmp_path):
    idx = SearchIndex.build([1, 2, 3], DOCS[:3], generation="7", tokenizer="t")
    first = idx.save(tmp_path)
    loaded = SearchIndex.load(tmp_path)
    assert loaded.manifest.generation == "7"
    np.testing.assert_allclose(loaded.scores(["dang"]), idx.scores(["dang"]))
    second = SearchIndex.build([4, 5], DOCS[3:5], generation="8").save(tmp_path)
    assert not first.exists() and second.exists()
    assert SearchIndex.load(tmp_path).manifest.generation == "8"


def test_truncated_or_missing_index_is_detected(tmp_path):
    with pytest.raises(IndexError_):
        SearchIndex.load(tmp_path)
    path = SearchIndex.build([1, 2, 3], DOCS[:3]).save(tmp_path)
    (path / "passage_ids.npy").write_bytes(b"\x93NUMPY garbage")
    with pytest.raises(IndexError_):
        SearchIndex.load(tmp_path)


def test_segmentation_uses_index_compounds():
    idx = SearchIndex.build(list(range(len(DOCS))), DOCS)
    assert idx.segment("co bao nhieu chi bo dang duoc thanh lap".split()) == [
        "co", "bao", "nhieu", "chi_bo", "dang", "duoc", "thanh_lap",
    ]


def test_empty_index_answers_nothing():
    idx = SearchIndex.build([], [])
    assert idx.search(["dang"], k=5) == []

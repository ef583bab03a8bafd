import json

import pytest
from sqlmodel import select

import index.ingest as ingest_mod
from conftest import CORPUS, FIXTURES, check_consistency
from index.engine import Engine
from index.store import ArticleRow, PassageRow, session


def _content(eng: Engine) -> dict:
    """Everything searchable: article -> (text, [passage texts])."""
    with session(eng.db) as s:
        arts = {a.id: a.text for a in s.exec(select(ArticleRow))}
        ps: dict[str, list[str]] = {}
        for p in s.exec(select(PassageRow).order_by(PassageRow.article_id, PassageRow.position)):
            ps.setdefault(p.article_id, []).append(p.text)
    return {k: (v, ps.get(k, [])) for k, v in arts.items()}


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


ROWS = [
    {"id": f"a{i}", "title": f"Bài {i}", "text": f"Chi bộ số {i} họp bàn công tác phát triển đảng viên. Đã kết nạp {i} đảng viên mới."}
    for i in range(1, 11)
]


def test_reingest_is_idempotent(engine):
    r1 = engine.ingest([CORPUS, FIXTURES / "articles.jsonl"], workers=1)
    assert (r1.added, r1.failed) == (6, 0)
    gen = engine.generation()
    before = _content(engine)
    r2 = engine.ingest([CORPUS, FIXTURES / "articles.jsonl"], workers=1)
    assert (r2.added, r2.updated, r2.unchanged, r2.duplicate, r2.tokenized_chars) == (0, 0, 6, 0, 0)
    assert engine.generation() == gen
    assert _content(engine) == before


def test_changed_text_updates_and_duplicates_are_skipped(engine, tmp_path):
    f = tmp_path / "a.jsonl"
    _write_jsonl(f, ROWS[:3])
    engine.ingest([f], workers=1)
    changed = dict(ROWS[0], text="Chi bộ số 1 đã kết nạp 99 đảng viên mới.")
    dup = dict(ROWS[1], id="copy-of-a2")
    _write_jsonl(f, [changed, ROWS[1], ROWS[2], dup])
    r = engine.ingest([f], workers=1)
    assert (r.added, r.updated, r.unchanged, r.duplicate) == (0, 1, 2, 1)
    content = _content(engine)
    assert "copy-of-a2" not in content
    assert content["a1"][1] == ["Chi bộ số 1 đã kết nạp 99 đảng viên mới."]
    assert engine.ask("kết nạp 99 đảng viên").passages[0].article_id == "a1"


def test_same_id_twice_with_different_text_in_one_run_is_an_error(engine, tmp_path):
    f = tmp_path / "a.jsonl"
    _write_jsonl(f, [ROWS[0], dict(ROWS[0], text="Khác hẳn.")])
    r = engine.ingest([f], workers=1)
    assert (r.added, r.failed) == (1, 1)
    assert "a1" in r.errors[0].reason


def test_bad_lines_and_files_are_reported_while_good_articles_land(engine, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Ti\xeau \xf0\xea\nChi b\xf4")
    r = engine.ingest([FIXTURES / "broken.jsonl", bad], workers=1)
    assert r.added == 1 and r.failed == 3
    wheres = [e.where for e in r.errors]
    assert any(w.endswith("broken.jsonl:1") for w in wheres)
    assert any(w.endswith("broken.jsonl:2") for w in wheres)
    assert any(w.endswith("bad.txt") for w in wheres)
    assert engine.ask("sinh hoạt chuyên đề").passages[0].article_id == "ok-1"


class Killed(Exception):
    pass


def test_killed_ingest_leaves_whole_articles_and_a_rerun_finishes(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_mod, "BATCH_ARTICLES", 3)
    f = tmp_path / "a.jsonl"
    _write_jsonl(f, ROWS)

    eng = Engine(tmp_path / "killed")

    def die_after_first_batch(done, total):
        if done >= 3:
            raise Killed

    with pytest.raises(Killed):
        eng.ingest([f], progress=die_after_first_batch, workers=1)
    partial = _content(eng)
    assert 0 < len(partial) < len(ROWS)
    assert all(passages for _, passages in partial.values())  # no article without its passages

    check_consistency(eng.url)  # SQLite: integrity_check; both: no passage without its article

    r = eng.ingest([f], workers=1)
    assert r.added == len(ROWS) - len(partial) and r.unchanged == len(partial)

    whole = Engine(tmp_path / "whole")
    whole.ingest([f], workers=1)
    assert _content(eng) == _content(whole)


def test_token_cache_avoids_tokenizing_twice(engine, tmp_path):
    f = tmp_path / "a.jsonl"
    _write_jsonl(f, ROWS[:4])
    r1 = engine.ingest([f], workers=1)
    assert r1.tokenized_chars > 0
    # the same texts under new ids: nothing is tokenized again
    _write_jsonl(f, [dict(r, id=r["id"] + "-v2", title=r["title"]) for r in ROWS[:4]])
    r2 = engine.ingest([f], remove_missing=True, workers=1)
    assert r2.added == 4 and r2.removed == 4 and r2.tokenized_chars == 0


def test_parallel_tokenizer_matches_in_process(tmp_path):
    texts = [r["text"] for r in ROWS] * 30
    with ingest_mod.Tokenizer(workers=2) as tok:
        monkey = ingest_mod.IN_PROCESS_CHARS
        ingest_mod.IN_PROCESS_CHARS = 0
        try:
            parallel = tok.tokenize(texts)
        finally:
            ingest_mod.IN_PROCESS_CHARS = monkey
    assert parallel == ingest_mod._tokenize_chunk(texts)


def test_remove_missing_deletes_articles_whose_files_are_gone(engine, tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "mot.txt").write_text("Một\nChi bộ một họp.", "utf-8")
    (d / "hai.txt").write_text("Hai\nChi bộ hai họp.", "utf-8")
    engine.ingest([d], workers=1)
    (d / "hai.txt").unlink()
    r = engine.ingest([d], remove_missing=True, workers=1)
    assert r.removed == 1
    assert set(_content(engine)) == {"mot"}
    assert all(p.article_id == "mot" for p in engine.ask("chi bộ họp").passages)


def test_figures_and_places_are_derived_again_when_their_rules_change(engine):
    from sqlalchemy import update
    from sqlmodel import select as sm_select

    from index.ingest import DERIVED_VERSION_KEY
    from index.store import FigureRow, set_meta

    engine.ingest([CORPUS], workers=1)
    with session(engine.db) as s:
        before = sorted((f.passage_id, f.text, f.unit) for f in s.exec(sm_select(FigureRow)))
        places = sorted((p.id, p.places) for p in s.exec(sm_select(PassageRow)))
        s.exec(delete_figures())
        s.exec(update(PassageRow).values(places=None, places_hash=None))
        set_meta(s, DERIVED_VERSION_KEY, "old")
    gen = engine.generation()
    r = engine.ingest([CORPUS], workers=1)
    assert r.unchanged == 1
    with session(engine.db) as s:
        after = sorted((f.passage_id, f.text, f.unit) for f in s.exec(sm_select(FigureRow)))
        assert sorted((p.id, p.places) for p in s.exec(sm_select(PassageRow))) == places
    assert after == before and any(u == "chi bộ đảng" for _, _, u in after)
    assert "quận Long Biên" in {p for _, p in places}
    assert engine.generation() != gen  # what passages are indexed with changed: a new index
    assert engine.index.manifest.generation == engine.generation()


def test_an_old_database_gets_passage_places_and_a_new_index_at_start(tmp_path):
    """A database from before passage places (the migration leaves them NULL) is brought
    up to date when an engine opens it: places derived, the index rebuilt and published."""
    from sqlalchemy import update

    from index.ingest import DERIVED_VERSION_KEY
    from index.store import get_meta, set_meta

    data = tmp_path / "d"
    old = Engine(data)
    old.ingest([CORPUS], workers=1)
    with session(old.db) as s:
        s.exec(update(PassageRow).values(places=None, places_hash=None))
        set_meta(s, DERIVED_VERSION_KEY, "before-places")
    gen = old.generation()
    old.db.dispose()

    eng = Engine(data)
    ans = eng.ask("Quận Long Biên có mấy phường?")
    assert ans.best.startswith("14 phường — ")
    assert "quận Long Biên" in ans.best
    assert eng.generation() != gen and eng.index.manifest.generation == eng.generation()
    with session(eng.db) as s:
        assert get_meta(s, "index_version") == eng.generation()  # other workers pick it up
        assert get_meta(s, DERIVED_VERSION_KEY) != "before-places"


def delete_figures():
    from sqlalchemy import delete

    from index.store import FigureRow

    return delete(FigureRow)


def test_an_interrupted_ingest_keeps_the_last_complete_index_served(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(ingest_mod, "BATCH_ARTICLES", 3)
    first = tmp_path / "first.jsonl"
    _write_jsonl(first, ROWS[:3])
    eng = Engine(tmp_path / "d")
    eng.ingest([first], workers=1)
    built = eng.index.manifest.built_at

    more = tmp_path / "more.jsonl"
    _write_jsonl(more, ROWS)

    def die(done, total):
        if done >= 6:
            raise Killed

    with pytest.raises(Killed):
        eng.ingest([more], progress=die, workers=1)
    # "restart": a new engine on the same folder serves the previous complete index
    with caplog.at_level("WARNING"):
        restarted = Engine(tmp_path / "d")
        assert restarted.index.manifest.built_at == built
    assert "did not finish" in caplog.text
    assert {p.article_id for p in restarted.ask("Chi bộ số 9 kết nạp đảng viên mới", k=10).passages} <= {"a1", "a2", "a3"}
    # finishing the ingest makes the new articles searchable
    r = restarted.ingest([more], workers=1)
    assert r.added > 0
    assert restarted.ask("Chi bộ số 9 họp bàn", k=1).passages[0].article_id == "a9"

import pytest

from conftest import SEED_QUESTION
from index.engine import Engine
from index.text import fold

SEED_ID = "longbien-nq09-2020"


@pytest.mark.parametrize("question", [SEED_QUESTION, fold(SEED_QUESTION), "co bao nhieu chi bo dang duoc thanh lap"])
def test_seed_question_ranks_the_seed_passage_first(seed_engine, question):
    ans = seed_engine.ask(question)
    top = ans.passages[0]
    assert top.article_id == SEED_ID
    assert "đã thành lập được 61 chi bộ đảng, 173 tổ chức công đoàn" in top.text
    assert top.title.startswith("Tổng kết thực hiện Nghị quyết số 09-NQ/TU")
    assert top.date == "27/02/2020"


def test_with_and_without_diacritics_give_the_same_ranking(seed_engine):
    a = seed_engine.ask("Ủy ban nhân dân quận khen thưởng bao nhiêu tập thể?")
    b = seed_engine.ask("uy ban nhan dan quan khen thuong bao nhieu tap the")
    assert [p.passage_id for p in a.passages] == [p.passage_id for p in b.passages]
    assert a.passages[0].article_id == "fx-4"


def test_abbreviation_matches_long_form(seed_engine):
    assert seed_engine.ask("UBND quận Hoàn Kiếm khen thưởng").passages[0].article_id == "fx-4"
    assert seed_engine.ask("ubnd tinh Quang Binh hop").passages[0].article_id == "fx-2"


def test_tone_placement_variants_match(seed_engine):
    a = seed_engine.ask("công trình thuỷ lợi Hoà Bình")
    b = seed_engine.ask("công trình thủy lợi Hòa Bình")
    assert a.passages[0].article_id == b.passages[0].article_id == "fx-5"
    assert a.passages[0].score == pytest.approx(b.passages[0].score)


def test_json_schema(seed_engine):
    j = seed_engine.ask(SEED_QUESTION, k=2).to_json()
    assert set(j) >= {"question", "type", "answer", "figures", "passages", "elapsed_ms"}
    assert len(j["passages"]) == 2
    assert set(j["passages"][0]) == {"article_id", "passage_id", "title", "date", "url", "text", "score"}
    assert j["passages"][0]["score"] >= j["passages"][1]["score"]


@pytest.mark.parametrize("question", ["", "   ", "???", "🙂🙂", "xyzzy qwerty"])
def test_questions_without_matches_return_no_passages(seed_engine, question):
    assert seed_engine.ask(question).passages == []


def test_index_is_loaded_not_rebuilt_and_stale_index_is_rebuilt(tmp_path, caplog):
    from conftest import CORPUS

    eng = Engine(tmp_path)
    eng.ingest([CORPUS], workers=1)
    built = eng.index.manifest.built_at
    again = Engine(tmp_path)
    assert again.index.manifest.built_at == built  # loaded from disk
    from index.ingest import bump_generation
    from index.store import session

    with session(eng.db) as s:
        bump_generation(s)
    third = Engine(tmp_path)
    with caplog.at_level("WARNING"):
        assert third.index.manifest.built_at != built
    assert "stale" in caplog.text
    assert third.ask(SEED_QUESTION).passages[0].article_id == SEED_ID


def test_index_built_in_a_separate_process_answers_the_same(tmp_path):
    from conftest import CORPUS

    here = Engine(tmp_path / "a", build_in_subprocess=False)
    here.ingest([CORPUS], workers=1)
    there = Engine(tmp_path / "b", build_in_subprocess=True)
    there.ingest([CORPUS], workers=1)
    assert there.index.manifest.generation == there.generation()
    a, b = here.ask(SEED_QUESTION), there.ask(SEED_QUESTION)
    assert [p.text for p in a.passages] == [p.text for p in b.passages]
    assert [p.score for p in a.passages] == pytest.approx([p.score for p in b.passages])


def test_missing_cached_tokens_are_filled_before_a_rebuild(tmp_path):
    from sqlalchemy import delete

    from conftest import CORPUS
    from index.store import TokenCacheRow, session

    eng = Engine(tmp_path)
    eng.ingest([CORPUS], workers=1)
    with session(eng.db) as s:
        s.exec(delete(TokenCacheRow))
    eng.rebuild_index()
    assert eng.ask(SEED_QUESTION).figures[0].value == 61


def test_the_engine_runs_on_another_retrieval_backend(tmp_path, corpus_engine):
    """A search backend is a new module, not a rewrite: the engine answers the same on
    a rank_bm25 backend as on the default bm25s one (index/retrieval.py)."""
    from conftest import CORPUS
    from fakes.rank_bm25_index import RankBM25Index

    eng = Engine(tmp_path / "data", backend=RankBM25Index)
    assert eng.ingest([CORPUS], workers=1).failed == 0
    assert isinstance(eng.index, RankBM25Index)
    for question in (SEED_QUESTION, "bao nhieu to chuc cong doan", "Ai chủ trì hội nghị?"):
        ours, default = eng.ask(question), corpus_engine.ask(question)
        assert ours.best == default.best and ours.best
        assert [p.text for p in ours.passages] == [p.text for p in default.passages]
        assert [p.score for p in ours.passages] == pytest.approx([p.score for p in default.passages], rel=1e-4)
    again = Engine(tmp_path / "data", backend=RankBM25Index)  # loaded from what it saved
    assert again.ask(SEED_QUESTION).answer == corpus_engine.ask(SEED_QUESTION).answer and again.ask(SEED_QUESTION).answer
    assert again.stats().index_bytes > 0


def test_a_row_added_to_the_abbreviation_table_reaches_the_articles_stored_before(tmp_path, monkeypatch):
    """Editing ``abbreviations.tsv`` changes the tokenizer: texts stored before are keyed
    anew and tokenized again when the engine next opens, unchanged articles included,
    not served with the tokens of the old table."""
    from sqlmodel import select

    from index import engine as engine_module
    from index import ingest as ingest_module
    from index import text as text_module
    from index.store import PassageRow, TokenCacheRow, session

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "kcx.txt").write_text("Khu chế xuất\n\nNăm 2005, KCXQ Tân Thuận thu hút 35 doanh nghiệp mới.\n", encoding="utf-8")

    def tokens(eng: Engine) -> list[str]:
        with session(eng.db) as s:
            p = s.exec(select(PassageRow).where(PassageRow.text.contains("Tân Thuận"))).one()
            return s.get(TokenCacheRow, p.text_hash).tokens.split()

    old = Engine(tmp_path / "data")
    old.ingest([docs], workers=1)
    assert "kcxq" in tokens(old) and old.ask("KCXQ Tân Thuận thu hút bao nhiêu doanh nghiệp?").figures

    table = text_module.abbreviations()
    monkeypatch.setattr(text_module, "abbreviations", lambda: (*table, text_module.Abbreviation("KCXQ", "khu chế xuất", True)))
    text_module._abbreviation_patterns.cache_clear()
    for module in (ingest_module, engine_module):
        monkeypatch.setattr(module, "TOKENIZER_VERSION", "a-row-added")
    try:
        new = Engine(tmp_path / "data")
        assert new.ask("Khu chế xuất Tân Thuận thu hút bao nhiêu doanh nghiệp?").figures[0].value == 35
        assert "kcxq" not in tokens(new) and "che_xuat" in " ".join(tokens(new))
        assert ingest_module.tokens_current(new.db)
        assert new.ingest([docs], workers=1).unchanged == 1  # nothing left to redo
    finally:
        monkeypatch.undo()
        text_module._abbreviation_patterns.cache_clear()


def test_a_question_naming_a_landmark_reads_its_articles_whole(tmp_path):
    """The port named in the first paragraph, the figure many sentences later: the
    answer's article is read whole, so it is known to speak of the asked port."""
    import json

    filler = " ".join(f"Đoạn {n} nói về công tác bảo đảm an toàn hàng hải và luồng lạch tại khu vực." for n in range(40))
    text = f"Cảng Cửa Lò vừa khánh thành bến số 3.\n{filler}\nNăm 2006, cảng dự kiến đạt khoảng 62% năng lực khai thác và bốc dỡ."
    path = tmp_path / "port.jsonl"
    path.write_text(json.dumps({"id": "port-1", "title": "Mở rộng bến cảng", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    eng = Engine(tmp_path / "data")
    assert eng.ingest([path], workers=1).failed == 0
    got = eng.retrieve("Năm 2006, cảng Cửa Lò dự kiến đạt bao nhiêu phần trăm năng lực khai thác?")
    assert got.question.landmarks == {("cang", "cua lo")}
    assert "Cảng Cửa Lò" in got.articles["port-1"]
    assert not any("Cửa Lò" in p.text for p in got.passages if "62%" in p.text)  # the passage alone would not say
    # a proper name ("Nghi Hương") is looked for in the whole article too
    named = eng.retrieve("Năm 2006, cảng của Nghi Hương dự kiến đạt bao nhiêu phần trăm năng lực khai thác?")
    assert named.question.names == {"nghi huong"} and list(named.articles) == ["port-1"]
    assert not named.articles._read  # nothing read until an answer looks one up ...
    assert "Cảng Cửa Lò" in named.articles["port-1"] and set(named.articles._read) == {"port-1"}  # ... then once
    assert named.articles.get("another") is None  # not retrieved: not read either
    # a year asked: the article is at hand, read only if no passage writes the year
    dated = eng.retrieve("Năm 2006 dự kiến đạt bao nhiêu phần trăm năng lực khai thác?").articles
    assert "port-1" in dated and not dated._read
    # no landmark, name, place or year: nothing more to read
    assert eng.retrieve("Dự kiến đạt bao nhiêu phần trăm năng lực khai thác?").articles == {}

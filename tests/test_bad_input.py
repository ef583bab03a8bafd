"""Bad input gets a clear error (or no answer) and changes nothing else."""

import json
import logging

import pytest

from conftest import CORPUS, SEED_QUESTION
from index.engine import Engine


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   \n\t ",
        "🙂🙏🔥",
        "?!...,;",
        "\u200b\u200c\u200d\ufeff",
        "\x00\x01\x07câu\x1b[31m hỏi",
        "Сколько ячеек 党支部 có bao nhiêu chi bộ",
        "x" * 4096,
        "bao nhiêu " * 400,
        "'; DROP TABLE article; --",
        "<script>alert(1)</script> &amp; <b>chi bộ</b>",
        "%s %d {0} ${HOME} \\x00",
    ],
)
def test_odd_questions_never_raise(corpus_engine, question):
    ans = corpus_engine.ask(question)
    assert ans.type in {"count", "percent", "money", "date", "person", "place", "other"}
    assert json.dumps(ans.to_json(), ensure_ascii=False)
    # and the engine still answers normally afterwards
    assert corpus_engine.ask(SEED_QUESTION).figures[0].value == 61


@pytest.mark.parametrize("damage", ["delete_current", "truncate_scores", "garbage_manifest", "delete_build"])
def test_damaged_index_is_rebuilt_at_start_up_with_a_warning(tmp_path, caplog, damage):
    eng = Engine(tmp_path)
    eng.ingest([CORPUS], workers=1)
    build = eng.index.path
    if damage == "delete_current":
        (tmp_path / "index" / "CURRENT").unlink()
    elif damage == "truncate_scores":
        f = next(p for p in build.iterdir() if p.name.startswith("data") and p.suffix == ".npy")
        f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    elif damage == "garbage_manifest":
        (build / "manifest.json").write_text("{not json", "utf-8")
    else:
        import shutil

        shutil.rmtree(build)
    with caplog.at_level(logging.WARNING):
        again = Engine(tmp_path)
        ans = again.ask(SEED_QUESTION)
    assert ans.figures[0].value == 61
    assert again.index.path != build or damage == "delete_current"
    if damage != "delete_current":
        assert "rebuilding" in caplog.text


def test_a_50_mb_single_line_is_refused_and_the_rest_ingested(tmp_path):
    f = tmp_path / "huge.jsonl"
    with open(f, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "ok", "text": "Chi bộ họp bàn công tác."}, ensure_ascii=False) + "\n")
        fh.write('{"id": "huge", "text": "' + "chữ " * 12_500_000 + '"}\n')
    eng = Engine(tmp_path / "d")
    r = eng.ingest([f], workers=1)
    assert (r.added, r.failed) == (1, 1)
    assert "huge.jsonl:2" in r.errors[0].where and "quá dài" in r.errors[0].reason


def test_unreadable_entries_in_a_folder_are_reported_and_the_rest_ingested(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "good.txt").write_text("Tiêu đề\nChi bộ họp bàn công tác.", "utf-8")
    (d / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")  # cannot be read
    (d / "folder.md").mkdir()  # a folder named like an article: read recursively, empty
    (d / "empty.jsonl").write_bytes(b"")
    eng = Engine(tmp_path / "data")
    r = eng.ingest([d], workers=1)
    assert r.added == 1
    assert any("dangling.txt" in e.where for e in r.errors)
    assert any("empty.jsonl" in e.where and "rỗng" in e.reason for e in r.errors)
    assert eng.ask("chi bộ họp bàn").passages[0].article_id == "good"

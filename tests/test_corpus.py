import json
from datetime import datetime

import pytest

from conftest import FIXTURES, SEED
from index.corpus import ReadError, count_articles, read_corpus, read_file


def test_seed_parses_portal_format():
    [a] = list(read_file(SEED))
    assert a.id == "longbien-nq09-2020"
    assert a.category == "Đảng - đoàn thể"
    assert a.title == "Tổng kết thực hiện Nghị quyết số 09-NQ/TU ngày 27/02/2012 của Thành ủy Hà Nội"
    assert a.date == datetime(2020, 2, 27, 17, 54)
    assert a.views == 418
    assert a.text.startswith("Sáng ngày 27/02/2020, tại Phòng họp số 2")
    assert "Ngày đăng" not in a.text
    assert "61 chi bộ đảng" in a.text


def test_plain_text_first_line_is_title(tmp_path):
    p = tmp_path / "bai-mot.md"
    p.write_text("# Chi bộ họp\n\nNội dung thứ nhất.\n\nNội dung thứ hai.\n", "utf-8")
    [a] = list(read_file(p))
    assert (a.id, a.title, a.text) == ("bai-mot", "Chi bộ họp", "Nội dung thứ nhất.\nNội dung thứ hai.")
    assert a.date is None and a.category is None


def test_jsonl_keeps_ids_and_fields():
    arts = [a for a in read_file(FIXTURES / "articles.jsonl")]
    assert [a.id for a in arts] == ["fx-1", "fx-2", "fx-3", "fx-4", "fx-5"]
    assert arts[0].url == "https://example.org/dong-anh"
    assert arts[0].date == datetime(2023, 12, 20)
    assert arts[0].source == "example.org"


def test_broken_jsonl_lines_are_reported_and_good_ones_read():
    items = list(read_file(FIXTURES / "broken.jsonl"))
    errors = [i for i in items if isinstance(i, ReadError)]
    good = [i for i in items if not isinstance(i, ReadError)]
    assert [g.id for g in good] == ["ok-1"]
    assert [e.where.rsplit(":", 1)[1] for e in errors] == ["1", "2"]
    assert "JSON" in errors[0].reason and "text" in errors[1].reason


def test_wrong_encoding_is_reported(tmp_path):
    p = tmp_path / "cp1258.txt"
    # "Tiêu đề" in Windows-1258: ê = 0xEA, đ = 0xF0, tone as a combining byte (0xEC = hỏi)
    p.write_bytes(b"Ti\xeau \xf0\xea\xec\nChi b\xf4\xf2 \xf0ang")
    [item] = list(read_file(p))
    assert isinstance(item, ReadError) and "UTF-8" in item.reason


def test_utf16_with_bom_is_read(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes("Tiêu đề\nChi bộ đảng họp".encode("utf-16"))
    [a] = list(read_file(p))
    assert a.title == "Tiêu đề" and a.text == "Chi bộ đảng họp"


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"\x00\x01\x02binary\x00"])
def test_empty_and_binary_files_are_reported(tmp_path, content):
    p = tmp_path / "x.txt"
    p.write_bytes(content)
    [item] = list(read_file(p))
    assert isinstance(item, ReadError)


def test_folder_is_read_recursively_and_missing_path_reported(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("Một\nthân bài", "utf-8")
    (tmp_path / "a" / "b" / "two.md").write_text("Hai\nthân bài", "utf-8")
    (tmp_path / "a" / "b" / "ignored.png").write_bytes(b"\x89PNG")
    (tmp_path / "a" / "README.md").write_text("# About this folder\nnot an article", "utf-8")
    (tmp_path / "a" / "b" / "more.jsonl").write_text(json.dumps({"id": "j1", "text": "Ba"}) + "\n", "utf-8")
    items = list(read_corpus([tmp_path / "a", tmp_path / "nope"]))
    ids = sorted(i.id for i in items if not isinstance(i, ReadError))
    assert ids == ["j1", "one", "two"]
    assert any(isinstance(i, ReadError) and "nope" in i.where for i in items)
    assert count_articles([tmp_path / "a"]) == 3

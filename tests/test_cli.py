import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT, SEED_QUESTION, db_env

pytestmark = pytest.mark.slow  # each test runs `hoidap` in a subprocess


def hoidap(*args, data_dir, stdin=None, env_extra=None):
    import os

    env = dict(os.environ, HOIDAP_DATA_DIR=str(data_dir), COLUMNS="200")
    env.pop("DATABASE_URL", None)
    env.update(db_env(data_dir))  # PostgreSQL mode: the data dir's own database
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "index.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_ask_on_empty_data_dir_ingests_the_shipped_corpus(tmp_path):
    r = hoidap("ask", SEED_QUESTION, "--json", data_dir=tmp_path / "d")
    assert r.returncode == 0, r.stderr
    assert "kho bài có sẵn" in r.stderr
    j = json.loads(r.stdout)
    assert j["passages"][0]["article_id"] == "longbien-nq09-2020"
    assert "61 chi bộ đảng" in j["passages"][0]["text"]
    # second call: nothing to ingest, same answer
    r2 = hoidap("ask", "co bao nhieu chi bo dang duoc thanh lap", "--json", data_dir=tmp_path / "d")
    assert "kho bài có sẵn" not in r2.stderr
    assert json.loads(r2.stdout)["passages"][0]["passage_id"] == j["passages"][0]["passage_id"]


def test_ask_reads_questions_from_stdin(tmp_path):
    r = hoidap("ask", "-", "--json", "-k", "2", data_dir=tmp_path, stdin=f"{SEED_QUESTION}\n\nhội nghị tổng kết\n")
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["question"] for x in lines] == [SEED_QUESTION, "hội nghị tổng kết"]
    assert all(len(x["passages"]) <= 2 for x in lines)


def test_ask_human_output_shows_passage_and_source(tmp_path):
    r = hoidap("ask", SEED_QUESTION, data_dir=tmp_path)
    assert "61 chi bộ đảng" in r.stdout
    assert "Tổng kết thực hiện Nghị quyết số 09-NQ/TU" in r.stdout


def test_ingest_reports_failures_and_exits_1(tmp_path):
    r = hoidap("ingest", str(FIXTURES / "broken.jsonl"), "--json", data_dir=tmp_path)
    assert r.returncode == 1
    rep = json.loads(r.stdout)
    assert rep["added"] == 1 and rep["failed"] == 2
    assert len(rep["errors"]) == 2
    ok = hoidap("ingest", str(FIXTURES / "articles.jsonl"), data_dir=tmp_path)
    assert ok.returncode == 0
    assert "added" in ok.stderr and "5" in ok.stderr


def test_stats(tmp_path):
    hoidap("ingest", str(FIXTURES / "articles.jsonl"), data_dir=tmp_path)
    r = hoidap("stats", "--json", data_dir=tmp_path)
    st = json.loads(r.stdout)
    assert st["articles"] == 5 and st["passages"] >= 5 and st["tokens"] > 50 and st["index_bytes"] > 0
    assert st["last_ingest"]["added"] == 5


def test_database_url_overrides_data_dir(tmp_path):
    url = f"sqlite:///{tmp_path / 'other.db'}"
    r = hoidap("ingest", str(FIXTURES / "articles.jsonl"), data_dir=tmp_path / "d", env_extra={"DATABASE_URL": url})
    assert r.returncode == 0
    assert (tmp_path / "other.db").exists() and not (tmp_path / "d" / "hoidap.db").exists()


def test_ingest_while_another_ingest_runs_refuses_and_changes_nothing(tmp_path):
    from index.engine import Engine

    data = tmp_path / "d"
    running = Engine(data)  # stands for a bot worker in the middle of a /reload
    before = running.generation()
    assert running._db_ingest_lock.acquire()
    try:
        r = hoidap("ingest", str(FIXTURES / "articles.jsonl"), data_dir=data)
    finally:
        running._db_ingest_lock.release()
    assert r.returncode == 3, r.stderr
    assert "Đang có một lượt nạp dữ liệu khác" in r.stderr
    assert "Traceback" not in r.stderr
    assert running.generation() == before and running.is_empty()
    assert hoidap("ingest", str(FIXTURES / "articles.jsonl"), data_dir=data).returncode == 0


def test_ask_previous_completes_a_followup_and_says_so(tmp_path):
    r = hoidap("ask", "còn tổ chức công đoàn?", "--json", "--previous", SEED_QUESTION, data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    assert j["followup_of"] == SEED_QUESTION
    assert j["question_used"] == "Có bao nhiêu tổ chức công đoàn được thành lập?"
    assert j["figures"][0]["value"] == 173


def test_chat_keeps_the_conversation(tmp_path):
    dialogue = f"{SEED_QUESTION}\ncòn tổ chức công đoàn?\nTỉnh Hà Giang có bao nhiêu đảng viên?\n\n"
    r = hoidap("chat", "-k", "1", data_dir=tmp_path, stdin=dialogue)
    assert r.returncode == 0, r.stderr
    assert "61 chi bộ đảng" in r.stdout and "173" in r.stdout
    assert r.stdout.count("Hiểu là:") == 1  # the full question about Hà Giang stands alone
    assert "Hiểu là: Có bao nhiêu tổ chức công đoàn được thành lập?" in r.stdout
    r = hoidap("chat", "--followup-minutes", "0", data_dir=tmp_path, stdin=f"{SEED_QUESTION}\ncòn tổ chức công đoàn?\n")
    assert "Hiểu là" not in r.stdout


@pytest.mark.parametrize("caveat", [None, "bài nguồn không nhắc đến Bảo Lộc"])
def test_ask_offers_an_uncertain_answer_with_the_reason_it_is_held_back(caveat):
    from index.cli import answer_head
    from index.models import Answer

    ans = Answer(question="q", best="13 căn biệt thự cổ", status="uncertain", confidence=0.9, caveat=caveat)
    first, second = answer_head(ans)
    assert first == "Có thể là: 13 căn biệt thự cổ" and "chưa chắc chắn" in second
    assert (caveat in second) if caveat else second.endswith("độ tin cậy 90%)[/italic]")

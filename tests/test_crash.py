"""Crash safety: `hoidap ingest` killed with SIGKILL at several points leaves a
consistent database, and a re-run ends with what an uninterrupted ingest stores."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from conftest import ROOT, check_consistency, db_env, db_url_of
from index.passages import split_passages
from index.text import normalize

pytestmark = pytest.mark.slow  # subprocesses, kills, servers: `pytest -m "not slow"` skips them

N_ARTICLES = 300


def _article(i: int) -> dict:
    body = " ".join(
        f"Năm {2000 + j % 20}, chi bộ thôn {i}-{j} đã kết nạp {i + j} đảng viên mới và thành lập {j + 2} tổ công tác."
        for j in range(25)
    )
    return {"id": f"crash-{i}", "title": f"Báo cáo công tác xây dựng Đảng số {i}", "text": body}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("crash") / "articles.jsonl"
    path.write_text("".join(json.dumps(_article(i), ensure_ascii=False) + "\n" for i in range(N_ARTICLES)), "utf-8")
    return path


def _ingest(data_dir, corpus, kill_after: float | None = None) -> int | None:
    # small transactions, so that a kill lands between many of them
    env = dict(os.environ, HOIDAP_DATA_DIR=str(data_dir), HOIDAP_INGEST_BATCH="20")
    env.pop("DATABASE_URL", None)
    env.update(db_env(data_dir))  # PostgreSQL mode: the data dir's own database
    proc = subprocess.Popen(
        [sys.executable, "-m", "index.cli", "ingest", str(corpus), "--json"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    if kill_after is None:
        return proc.wait(timeout=300)
    # the clock starts when the first batch has landed, so that on a slow machine (start-up,
    # schema, the tokenizer's model) the kill still falls inside the ingest
    _wait_for_articles(data_dir, proc, timeout=120)
    time.sleep(kill_after)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)  # the worker processes too
    proc.wait(timeout=30)
    return None


def _wait_for_articles(data_dir, proc, timeout: float) -> None:
    """Until the ingest ``proc`` has committed an article (or ended, or ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if _has_tables(data_dir) and _count_articles(db_url_of(data_dir)) > 0:
                return
        except Exception:  # the schema is being made: try again
            pass
        time.sleep(0.05)


def _count_articles(url: str) -> int:
    db = create_engine(url, poolclass=NullPool)
    try:
        with db.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM article").scalar())
    finally:
        db.dispose()


def _content(url: str) -> dict:
    db = create_engine(url, poolclass=NullPool)
    with db.connect() as conn:
        arts = {aid: text for aid, text in conn.exec_driver_sql("SELECT id, text FROM article")}
        passages = {}
        for aid, text in conn.exec_driver_sql("SELECT article_id, text FROM passage ORDER BY article_id, position"):
            passages.setdefault(aid, []).append(text)
        figures = {}
        for aid, value, unit in conn.exec_driver_sql("SELECT article_id, value, unit FROM figure ORDER BY article_id, start"):
            figures.setdefault(aid, []).append((value, unit))
    db.dispose()
    return {"articles": arts, "passages": passages, "figures": figures}


def _has_tables(data_dir) -> bool:
    """The killed ingest got as far as making the schema (a SQLite file, or tables in
    the data dir's PostgreSQL database)."""
    if db_url_of(data_dir).startswith("sqlite") and not (data_dir / "hoidap.db").exists():
        return False
    db = create_engine(db_url_of(data_dir), poolclass=NullPool)
    try:
        return inspect(db).has_table("article")
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def whole(tmp_path_factory, corpus):
    d = tmp_path_factory.mktemp("whole")
    assert _ingest(d, corpus) == 0
    return _content(db_url_of(d))


kills: list[int] = []


@pytest.mark.parametrize("kill_after", [0.0, 0.5, 1.0, 2.0])  # seconds after the first batch landed
def test_sigkill_leaves_whole_articles_and_a_rerun_finishes(tmp_path, corpus, whole, kill_after):
    _ingest(tmp_path, corpus, kill_after=kill_after)
    url = db_url_of(tmp_path)
    if _has_tables(tmp_path):
        # SQLite: integrity_check and foreign_key_check; both: no orphan rows
        check_consistency(url)
        partial = _content(url)
        kills.append(len(partial["articles"]))
        for aid, text in partial["articles"].items():
            # all of an article's passages and figures, or (then) none of the article
            assert partial["passages"].get(aid) == [p.text for p in split_passages(aid, normalize(text))]
            assert partial["figures"].get(aid) == whole["figures"].get(aid)
    assert _ingest(tmp_path, corpus) == 0
    assert _content(url) == whole


def test_the_kills_landed_mid_ingest():
    """The kills above must have hit between batches, or they proved nothing."""
    if len(kills) < 4:
        pytest.skip("run with the kill tests")
    assert any(0 < n < N_ARTICLES for n in kills), kills


def test_after_a_killed_second_ingest_the_previous_complete_index_is_served(tmp_path, corpus):
    first = tmp_path / "first.jsonl"
    first.write_text("".join(corpus.read_text("utf-8").splitlines(keepends=True)[:40]), "utf-8")
    assert _ingest(tmp_path, first) == 0
    from index.engine import Engine

    before = Engine(tmp_path).index.manifest
    _ingest(tmp_path, corpus, kill_after=3.0)
    restarted = Engine(tmp_path)
    assert restarted.index.manifest.generation == before.generation
    hits = restarted.ask("chi bộ thôn 250-3 kết nạp đảng viên", k=5).passages
    assert all(int(p.article_id.split("-")[1]) < 40 for p in hits)
    assert _ingest(tmp_path, corpus) == 0
    assert Engine(tmp_path).ask("chi bộ thôn 250-3 kết nạp đảng viên", k=1).passages[0].article_id == "crash-250"

"""Several workers on one database: the index version published by a finished ingest,
``Engine.sync_index``, one ingest at a time across processes, and two real
``hoidap bot`` processes in webhook mode where a ``/reload`` on one is served by the
other within seconds (no restart, never a half-built index)."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event

import index.engine as engine_mod
import index.ingest as ingest_mod
from index.engine import BusyError, Engine
from index.ingest import bump_generation
from index.store import session

pytest_plugins = ["conftest_bot"]
pytest.register_assert_rewrite("conftest_bot")

from conftest import SEED, SEED_QUESTION, check_consistency  # noqa: E402
from conftest_bot import ADMIN, ROOT, USER, free_port  # noqa: E402

pytestmark = pytest.mark.slow  # subprocesses, kills, servers: `pytest -m "not slow"` skips them


# -- helpers ------------------------------------------------------------------------------


@pytest.fixture
def shared_url(tmp_path, database_url) -> str:
    """One database for every worker of a test: PostgreSQL in PG mode, else a SQLite file."""
    return database_url or f"sqlite:///{tmp_path / 'shared.db'}"


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


def write_articles(folder: Path, prefix: str, n: int, place: str) -> Path:
    """``n`` small articles ``<prefix>-<i>.txt``; article ``i`` says that
    ``<place> <i>`` founded ``i + 3`` new cooperatives."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{prefix}-{i:03d}.txt").write_text(
            f"Bản tin {place} số {i}\n\n"
            f"Năm 2023, {place} {i} đã thành lập {i + 3} hợp tác xã kiểu mới trong nông nghiệp. "
            f"Nông dân {place} {i} tham gia tích cực phong trào thi đua của huyện.",
            encoding="utf-8",
        )
    return folder


def question(place: str, i: int) -> str:
    return f"{place} {i} đã thành lập bao nhiêu hợp tác xã kiểu mới?"


def knows(eng: Engine, place: str, i: int) -> bool:
    """The engine's index holds article ``i`` about ``place``."""
    return any(f"{place} {i} " in p.text for p in eng.ask(question(place, i)).passages)


class Killed(Exception):
    pass


# -- Engine.sync_index ------------------------------------------------------------------


def two_workers(shared_url: str, corpus, tmp_path, **b_options) -> tuple[Engine, Engine]:
    """Worker a has ingested the corpus; worker b, on the same database, serves an index."""
    a = Engine(tmp_path / "a", shared_url)
    a.ingest([corpus], workers=1)
    b = Engine(tmp_path / "b", shared_url, **b_options)
    _ = b.index
    return a, b


def test_unchanged_version_costs_one_select_and_no_rebuild(shared_url, corpus, tmp_path, monkeypatch):
    a, b = two_workers(shared_url, corpus, tmp_path)
    assert b.index.manifest.generation == a.published_version() == a.serving_version

    def no_build(*_a, **_k):
        raise AssertionError("rebuilt although the version did not change")

    monkeypatch.setattr(b, "_build", no_build)
    monkeypatch.setattr(b, "_saved_index", no_build)
    statements: list[str] = []
    event.listen(b.db, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert b.sync_index() is False
    assert len(statements) == 1 and "meta" in statements[0].lower()


def test_newer_version_is_picked_up(shared_url, corpus, tmp_path, caplog):
    a, b = two_workers(shared_url, corpus, tmp_path)
    old = b.index.manifest.generation
    write_articles(corpus, "tn", 3, "xã Thử Nghiệm")
    a.ingest([corpus], workers=1)
    new = a.published_version()
    assert new != old and a.serving_version == new
    assert not knows(b, "xã Thử Nghiệm", 1)  # not yet: b serves its old index
    with caplog.at_level(logging.INFO, logger="index.engine"):
        assert b.sync_index() is True
    assert b.serving_version == new
    assert all(knows(b, "xã Thử Nghiệm", i) for i in range(3))
    assert b.ask(SEED_QUESTION).figures[0].value == 61
    assert f"index version {old} → {new}" in caplog.text
    assert b.sync_index() is False  # once only
    assert b.stats().index_version == b.stats().published_version == new


def test_unfinished_ingest_is_never_picked_up(shared_url, corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_mod, "BATCH_ARTICLES", 2)
    a, b = two_workers(shared_url, corpus, tmp_path)
    v0 = b.index.manifest.generation
    # a finished ingest (b does not sync yet), then one killed after its first batch
    write_articles(corpus, "tn", 3, "xã Thử Nghiệm")
    a.ingest([corpus], workers=1)
    v1 = a.published_version()
    write_articles(corpus, "tt", 6, "thôn Trung Tâm")

    def die_after_a_written_batch(done: int, total: int) -> None:
        if a.generation() != v1:
            raise Killed

    with pytest.raises(Killed):
        a.ingest([corpus], progress=die_after_a_written_batch, workers=1)
    assert a.published_version() == v1 != a.generation()  # the killed run published nothing
    # the database holds part of the killed run: building "v1" now would be half-built
    assert b.sync_index() is False
    assert b.serving_version == v0 and not knows(b, "xã Thử Nghiệm", 0) and not knows(b, "thôn Trung Tâm", 0)
    # the re-run finishes: everything at once
    a.ingest([corpus], workers=1)
    assert b.sync_index() is True
    assert b.serving_version == a.published_version() == a.generation()
    assert all(knows(b, "thôn Trung Tâm", i) for i in range(6)) and knows(b, "xã Thử Nghiệm", 2)


def test_failed_rebuild_leaves_the_old_index_serving(shared_url, corpus, tmp_path, monkeypatch):
    a, b = two_workers(shared_url, corpus, tmp_path)
    v0 = b.index.manifest.generation
    write_articles(corpus, "tn", 2, "xã Thử Nghiệm")
    a.ingest([corpus], workers=1)

    def broken(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(engine_mod, "build_and_save", broken)
    with pytest.raises(OSError, match="disk full"):
        b.sync_index()
    assert b.serving_version == v0
    assert b.ask(SEED_QUESTION).figures[0].value == 61
    assert engine_mod.SearchIndex.load(b.index_dir).manifest.generation == v0  # nothing half-saved
    monkeypatch.undo()
    assert b.sync_index() is True  # the next tick succeeds
    assert knows(b, "xã Thử Nghiệm", 1)


@pytest.mark.parametrize("in_subprocess", [False, True], ids=["in-process", "subprocess"])
def test_database_moving_during_the_build_discards_it(shared_url, corpus, tmp_path, monkeypatch, in_subprocess):
    a, b = two_workers(shared_url, corpus, tmp_path, build_in_subprocess=in_subprocess)
    v0 = b.index.manifest.generation
    write_articles(corpus, "tn", 2, "xã Thử Nghiệm")
    a.ingest([corpus], workers=1)
    count = engine_mod.reads.count_passages

    def count_while_a_batch_lands(db):  # another ingest commits a batch mid-build
        with session(db) as s:
            bump_generation(s)
        return count(db)

    monkeypatch.setattr(engine_mod.reads, "count_passages", count_while_a_batch_lands)
    assert b.sync_index() is False
    assert b.serving_version == v0
    assert engine_mod.SearchIndex.load(b.index_dir).manifest.generation == v0


def test_an_index_saved_by_another_process_on_the_same_data_dir_is_loaded(shared_url, corpus, tmp_path, monkeypatch):
    a = Engine(tmp_path / "same", shared_url)
    a.ingest([corpus], workers=1)
    b = Engine(tmp_path / "same", shared_url)
    _ = b.index
    write_articles(corpus, "tn", 2, "xã Thử Nghiệm")
    a.ingest([corpus], workers=1)
    monkeypatch.setattr(b, "_build", lambda *a_, **k: pytest.fail("built although the saved index was current"))
    assert b.sync_index() is True
    assert knows(b, "xã Thử Nghiệm", 0)


def test_concurrent_syncs_build_once(shared_url, corpus, tmp_path, monkeypatch):
    a, b = two_workers(shared_url, corpus, tmp_path)
    write_articles(corpus, "tn", 2, "xã Thử Nghiệm")
    a.ingest([corpus], workers=1)
    builds, entered, release = [], threading.Event(), threading.Event()
    real_build = b._build

    def slow_build(*args, **kw):
        builds.append(1)
        entered.set()
        release.wait(10)
        return real_build(*args, **kw)

    monkeypatch.setattr(b, "_build", slow_build)
    results: list[bool] = []
    first = threading.Thread(target=lambda: results.append(b.sync_index()))
    first.start()
    assert entered.wait(10)
    assert b.sync_index() is False  # a sync is running: no second build
    assert b.ask(SEED_QUESTION).figures[0].value == 61  # questions meanwhile, old index
    release.set()
    first.join(30)
    assert results == [True] and len(builds) == 1


def test_one_ingest_at_a_time_across_engines(shared_url, corpus, tmp_path):
    a = Engine(tmp_path / "a", shared_url)
    b = Engine(tmp_path / "b", shared_url)
    assert a._db_ingest_lock.acquire()  # as if a's ingest were running
    try:
        with pytest.raises(BusyError, match="another process"):
            b.ingest([corpus], workers=1)
        assert not b.ingesting
    finally:
        a._db_ingest_lock.release()
    assert b.ingest([corpus], workers=1).added == 1
    assert b.published_version() == b.generation()


# -- the bot's poller -----------------------------------------------------------------------


async def test_poller_logs_a_repeated_error_once_and_keeps_polling(caplog):
    from bot.app import poll_index

    class Flaky:
        calls = 0

        def sync_index(self) -> bool:
            self.calls += 1
            if self.calls <= 3:
                raise RuntimeError("database unreachable")
            return False

    eng = Flaky()
    with caplog.at_level(logging.INFO, logger="bot.app"):
        task = asyncio.create_task(poll_index(eng, 0.01))
        deadline = time.monotonic() + 10
        while eng.calls < 5 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert not task.done()
        task.cancel()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert eng.calls >= 5 and len(errors) == 1 and "database unreachable" in errors[0].getMessage()
    assert "index sync works again" in caplog.text


def test_poll_setting(monkeypatch):
    from bot.settings import Settings

    assert Settings(_env_file=None).index_poll_seconds == 5
    monkeypatch.setenv("HOIDAP_INDEX_POLL_SECONDS", "0.5")
    assert Settings(_env_file=None).index_poll_seconds == 0.5
    monkeypatch.setenv("HOIDAP_INDEX_POLL_SECONDS", "-1")
    with pytest.raises(ValueError):
        Settings(_env_file=None)


# -- two real workers -------------------------------------------------------------------------

SECRET = "workers-secret_1"


class Worker:
    """A ``hoidap bot`` process in webhook mode on its own port and data dir."""

    def __init__(self, name: str, fake, tmp_path: Path, url: str, corpus: Path, **env: str):
        self.name = name
        self.port = free_port()
        self.hook = f"http://127.0.0.1:{self.port}/tg/hook"
        self.fake = fake
        self.log = tmp_path / f"{name}.log"
        settings = {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_BASE_URL": fake.url,
            "DATABASE_URL": url,
            "HOIDAP_DATA_DIR": str(tmp_path / f"data-{name}"),
            "CORPUS_PATHS": str(corpus),
            "ADMIN_IDS": str(ADMIN),
            "WEBHOOK_URL": self.hook,
            "WEBHOOK_PORT": str(self.port),
            "WEBHOOK_SECRET": SECRET,
            "HOIDAP_INDEX_POLL_SECONDS": "0.5",
            "RATE_LIMIT_QUESTIONS": "10000",
            "INGEST_WORKERS": "1",
            "HOIDAP_INGEST_BATCH": "2",  # many small transactions: a long window for a half-built index
            "LOG_LEVEL": "INFO",
        }
        settings.update(env)
        environ = {k: v for k, v in os.environ.items() if k.upper() not in settings and k.upper() not in ("DATA_DIR", "DATABASE_URL")}
        environ.update(settings, PYTHONPATH=str(ROOT))
        self._out = open(self.log, "w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "bot"], cwd=tmp_path, env=environ, stdout=self._out, stderr=subprocess.STDOUT
        )
        self.pid = self.proc.pid

    def wait_ready(self, timeout: float = 90) -> None:
        """Until its webhook server answers (403 to a request without the secret)."""
        deadline = time.monotonic() + timeout
        probe = {"update_id": 0}
        while True:
            assert self.proc.poll() is None, f"worker {self.name} exited:\n{self.output()[-3000:]}"
            try:
                if self.fake.post_webhook(self.hook, probe, "wrong") == 403:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"worker {self.name} not ready:\n{self.output()[-3000:]}")
            time.sleep(0.2)

    def send(self, chat: int, text: str) -> None:
        update = self.fake.message_update(chat, chat, text)
        assert self.fake.post_webhook(self.hook, update, SECRET, timeout=30) == 200

    def ask(self, chat: int, text: str, timeout: float = 30) -> str:
        """Send one message and return the bot's reply (one reply per message in ``chat``)."""
        before = len(self.fake.texts(chat))
        self.send(chat, text)
        self.fake.wait_for_sync(lambda: len(self.fake.texts(chat)) > before, timeout=timeout)
        return self.fake.texts(chat)[before]

    def output(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text("utf-8", "replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()
        return self.proc.returncode


def published(url: str, tmp_path: Path) -> str | None:
    eng = Engine(tmp_path / "observer", url)
    try:
        return eng.published_version()
    finally:
        eng.db.dispose()


def test_two_workers_reload_on_one_is_served_by_the_other(fake, shared_url, corpus, tmp_path):
    pytest.importorskip("tornado")
    # both start on an empty database: one fills it from CORPUS_PATHS, the other waits for it
    a = Worker("a", fake, tmp_path, shared_url, corpus)
    b = Worker("b", fake, tmp_path, shared_url, corpus)
    try:
        a.wait_ready()
        b.wait_ready()
        v0 = published(shared_url, tmp_path)
        assert v0 is not None
        assert "61 chi bộ đảng" in b.ask(USER, SEED_QUESTION)
        stats = b.ask(ADMIN, "/stats")
        assert f"Phiên bản chỉ mục đang dùng: {v0}" in stats

        # 40 new articles, loaded by a /reload on worker A
        place, n = "xã Thử Nghiệm", 40
        write_articles(corpus, "tn", n, place)
        probes = [(place, 0), (place, n - 1)]  # the first and the last article ingested
        assert place not in b.ask(USER, question(*probes[0]))  # the old corpus
        a.send(ADMIN, "/reload")

        # ask B, alternately about the first and the last new article, until it knows both
        seen: list[tuple[int, bool]] = []
        deadline = time.monotonic() + 90
        while not (len(seen) >= 2 and seen[-1][1] and seen[-2][1]):
            assert time.monotonic() < deadline, f"B never served the new corpus: {seen}\n{b.output()[-3000:]}"
            p, i = probes[len(seen) % 2]
            reply = b.ask(USER, question(p, i))
            seen.append((i, f"{p} {i} " in reply))
        # never half-built: once B answered from the new corpus, every later answer is new too
        flags = [new for _, new in seen]
        first_new = flags.index(True)
        assert all(flags[first_new:]), seen
        summary = fake.wait_for_sync(
            lambda: next((t for t in fake.texts(ADMIN) if t.startswith(("✅", "⚠️"))), None), timeout=60
        )
        assert f"Thêm mới: {n}" in summary
        assert b.proc.poll() is None and b.proc.pid == b.pid  # not restarted
        v1 = published(shared_url, tmp_path)
        assert v1 != v0
        assert f"index version {v0} → {v1}" in b.output()
        assert f"Phiên bản chỉ mục đang dùng: {v1}" in b.ask(ADMIN, "/stats")

        # both workers get /reload at the same moment: one ingest at a time, nothing corrupted
        write_articles(corpus, "tt", 30, "thôn Trung Tâm")
        before = len(fake.texts(ADMIN))
        a.send(ADMIN, "/reload")
        b.send(ADMIN, "/reload")

        def outcomes():
            texts = fake.texts(ADMIN)[before:]
            done = [t for t in texts if t.startswith(("✅", "⚠️")) or "Đang có một lượt nạp dữ liệu chạy" in t]
            return done if len(done) == 2 else None

        done = fake.wait_for_sync(outcomes, timeout=90)
        added = [int(m.group(1)) for t in done if (m := re.search(r"Thêm mới: (\d+)", t))]
        assert sum(added) == 30, done  # once, by whichever worker got the lock first
        check_consistency(shared_url)
        v2 = published(shared_url, tmp_path)
        for w in (a, b):  # both serve the new version within seconds
            deadline = time.monotonic() + 30
            while f"Phiên bản chỉ mục đang dùng: {v2}" not in w.ask(ADMIN, "/stats"):
                assert time.monotonic() < deadline, w.output()[-3000:]
                time.sleep(0.2)
            assert "thôn Trung Tâm 29 " in w.ask(USER, question("thôn Trung Tâm", 29))
        assert a.proc.pid == a.pid and b.proc.pid == b.pid
    finally:
        codes = (a.stop(), b.stop())
    assert codes == (0, 0), a.output()[-2000:] + b.output()[-2000:]
    for w in (a, b):
        out = w.output()
        assert " ERROR " not in out and "Traceback" not in out, out[-3000:]
    fake.assert_no_errors()

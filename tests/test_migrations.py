"""Schema migrations: a fresh database reaches head and matches the models; a database
made by ``create_all`` before migrations is stamped, not broken; ``hoidap db upgrade``
is idempotent; an unreachable server is one clear line. Each test runs on SQLite and,
in PostgreSQL mode (CI's second pass), on PostgreSQL too."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from conftest import PG, ROOT
from index import migrations
from index.store import make_engine

pytestmark = pytest.mark.slow  # subprocesses, kills, servers: `pytest -m "not slow"` skips them


# SQLite always; PostgreSQL too when the suite runs on it (PG is set before collection)
@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG is not None else []))
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'm.db'}"
    return PG.fresh_url()


def test_postgresql_mode_gives_each_data_dir_its_own_database(tmp_path, pg_url):
    from conftest import db_url_of
    from index.engine import Engine

    a, b = Engine(tmp_path / "a"), Engine(tmp_path / "b")
    assert a.url.startswith("postgresql+psycopg://") and a.url != b.url and pg_url not in (a.url, b.url)
    assert Engine(tmp_path / "a").url == a.url == db_url_of(tmp_path / "a")
    with a.db.begin() as conn:
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('only-in-a', '1')"))
    with b.db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM meta WHERE key = 'only-in-a'")).scalar() == 0


def _diff(db) -> list:
    with db.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, SQLModel.metadata)


def _tables(db) -> set[str]:
    from sqlalchemy import inspect

    return set(inspect(db).get_table_names())


def _cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HOIDAP_DATA_DIR")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_fresh_database_reaches_head_and_matches_the_models(url):
    db = make_engine(url)
    assert migrations.current(db) == migrations.head()
    assert _tables(db) >= set(migrations.BASELINE_TABLES) | {"alembic_version"}
    assert _diff(db) == []  # a model changed without a migration fails here
    db.dispose()


def test_an_engine_at_head_does_not_migrate_again(url, monkeypatch):
    make_engine(url).dispose()

    def fail(*_a, **_k):
        raise AssertionError("upgrade ran on a database at head")

    monkeypatch.setattr(migrations, "upgrade", fail)
    db = make_engine(url)  # one query, no upgrade
    assert migrations.current(db) == migrations.head()
    db.dispose()


@pytest.mark.parametrize("made_by", ["create_all", "baseline"])
def test_a_database_made_before_migrations_is_stamped_and_upgraded(url, made_by):
    raw = make_engine(url, migrate=False)
    if made_by == "create_all":
        SQLModel.metadata.create_all(raw)
    else:  # exactly the old create_all schema (32-bit question_log ids), no alembic_version
        migrations.upgrade(raw, migrations.BASELINE)
        with raw.begin() as conn:
            conn.execute(text("DROP TABLE alembic_version"))
    with raw.begin() as conn:
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('generation', '7')"))
        conn.execute(
            text(
                "INSERT INTO question_log (asked_at, chat_id, user_id, question, question_key, answer_type, answered, latency_ms) "
                "VALUES (CURRENT_TIMESTAMP, 1, 2, 'q', 'q', 'other', false, 1.0)"
            )
        )
    assert migrations.current(raw) is None
    raw.dispose()

    db = make_engine(url)
    assert migrations.current(db) == migrations.head()
    assert _diff(db) == []
    with db.begin() as conn:
        assert conn.execute(text("SELECT value FROM meta WHERE key = 'generation'")).scalar() == "7"
        assert conn.execute(text("SELECT count(*) FROM question_log")).scalar() == 1
        # after the upgrade a Telegram group id fits (64 bits)
        conn.execute(
            text(
                "INSERT INTO question_log (asked_at, chat_id, user_id, question, question_key, answer_type, answered, latency_ms) "
                "VALUES (CURRENT_TIMESTAMP, -1001234567890, 5000000000, 'q', 'q', 'other', false, 1.0)"
            )
        )
    db.dispose()


def test_a_database_with_some_tables_gets_the_missing_ones(url):
    raw = make_engine(url, migrate=False)
    SQLModel.metadata.create_all(raw, tables=[SQLModel.metadata.tables["article"], SQLModel.metadata.tables["meta"]])
    raw.dispose()
    db = make_engine(url)
    assert migrations.current(db) == migrations.head()
    assert _diff(db) == []
    db.dispose()


def test_a_failed_upgrade_leaves_the_database_as_it_was(url, monkeypatch):
    from alembic import command

    real = command.upgrade

    def upgrade_then_fail(cfg, target):
        real(cfg, target)
        raise RuntimeError("killed half way")

    monkeypatch.setattr(command, "upgrade", upgrade_then_fail)
    db = make_engine(url, migrate=False)
    with pytest.raises(RuntimeError, match="half way"):
        migrations.upgrade(db)
    assert _tables(db) == set()  # DDL and version rolled back together (SQLite too)
    monkeypatch.setattr(command, "upgrade", real)
    assert migrations.upgrade(db) == (None, migrations.head())
    db.dispose()


def test_a_database_newer_than_this_program_is_refused_clearly(url):
    db = make_engine(url)
    with db.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.dispose()
    with pytest.raises(migrations.MigrationError, match="9999.*upgrade hoidap"):
        make_engine(url)
    r = _cli("db", "upgrade", "--database-url", url)
    assert r.returncode == 2 and "9999" in r.stderr and "Traceback" not in r.stderr


def test_processes_starting_together_on_a_fresh_database_all_succeed(url):
    code = (
        "import sys; from index.store import make_engine; from index import migrations; "
        "print(migrations.current(make_engine(sys.argv[1])))"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, url], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err[-2000:] for _, err in results]
    assert {out.strip() for out, _ in results} == {migrations.head()}


def test_db_upgrade_twice_is_idempotent(url):
    first = _cli("db", "upgrade", "--database-url", url)
    assert first.returncode == 0, first.stderr
    assert f"from revision (none) to {migrations.head()}" in first.stdout
    second = _cli("db", "upgrade", "--database-url", url)
    assert second.returncode == 0, second.stderr
    assert f"already at revision {migrations.head()}" in second.stdout
    current = _cli("db", "current", env_extra={"DATABASE_URL": url})  # the environment works too
    assert current.returncode == 0 and f"revision {migrations.head()} (head)" in current.stdout


def test_db_current_on_a_new_data_dir_says_behind(tmp_path):
    r = _cli("db", "current", "--data-dir", str(tmp_path / "d"))
    assert r.returncode == 1 and "(none)" in r.stdout and "hoidap db upgrade" in r.stdout
    up = _cli("db", "upgrade", env_extra={"HOIDAP_DATA_DIR": str(tmp_path / "d")})
    assert up.returncode == 0 and (tmp_path / "d" / "hoidap.db").exists()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.mark.parametrize("command", [["db", "upgrade"], ["db", "current"], ["stats"], ["querylog", "clear", "--yes"]])
def test_unreachable_server_is_one_line_exit_2_without_the_password(command, tmp_path):
    url = f"postgresql+psycopg://hoidap:pw-s3cret-42@127.0.0.1:{_closed_port()}/hoidap"
    r = _cli(*command, "--data-dir", str(tmp_path), env_extra={"DATABASE_URL": url})
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "127.0.0.1" in lines[0] and "cannot use the database" in lines[0] and "***" in lines[0]
    assert "pw-s3cret-42" not in r.stderr + r.stdout and "Traceback" not in r.stderr


def test_postgres_scheme_means_psycopg():
    from index.store import database_url

    assert database_url(ROOT, "postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url(ROOT, "postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url(ROOT, "postgresql+psycopg://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url(ROOT, "sqlite:///x.db") == "sqlite:///x.db"

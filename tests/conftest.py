"""Shared fixtures and helpers.

The suite runs on SQLite (the default) or, when ``DATABASE_URL`` is a PostgreSQL URL
at pytest start, on that server (CI's second pass): then every engine a test makes
without an explicit URL gets its own fresh database, named after its data dir, so
tests stay as isolated as with one SQLite file per data dir. Subprocesses get the
same database through ``db_env(data_dir)``; ``database_url`` gives a test a fresh
URL of its own. The databases are dropped at the end of the session.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
import weakref
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = CORPUS / "longbien-nq09-2020.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"

SEED_QUESTION = "Có bao nhiêu chi bộ đảng được thành lập?"


# -- PostgreSQL mode ------------------------------------------------------------------


class PgDatabases:
    """Throwaway databases on the server of ``DATABASE_URL``, one per key."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        from index.store import database_url

        self.base = make_url(database_url(Path("."), url))
        self.prefix = f"hoidap_test_{secrets.token_hex(3)}_"  # one session's databases
        self.admin = create_engine(
            self.base.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        self.created: dict[str, str] = {}  # key -> database name

    def url_for(self, key: str) -> str:
        name = self.created.get(key)
        if name is None:
            name = self.prefix + hashlib.sha1(key.encode()).hexdigest()[:24]
            with self.admin.connect() as conn:
                # C collation and UTF-8 whatever the server's defaults: text sorts as on SQLite
                conn.exec_driver_sql(
                    f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' '
                    "LC_COLLATE 'C' LC_CTYPE 'C'"
                )
            self.created[key] = name
        return self.base.set(database=name).render_as_string(hide_password=False)

    def fresh_url(self) -> str:
        return self.url_for("fresh:" + secrets.token_hex(8))

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created.values():
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()
        self.admin.dispose()


PG: PgDatabases | None = None  # set by pytest_configure in PostgreSQL mode
_engines: "weakref.WeakSet" = weakref.WeakSet()  # SQLAlchemy engines made by this process


def pytest_configure(config):
    global PG
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgresql", "postgres:")):
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine as SAEngine

    import index.store as store

    PG = PgDatabases(url)
    try:
        PG.admin.connect().close()
    except Exception as exc:  # noqa: BLE001 - say why, once, instead of failing every test
        raise pytest.UsageError(f"DATABASE_URL is set but the PostgreSQL server is unusable: {exc}") from None
    # Tests that want the server pass it explicitly (db_env, database_url); everything
    # else (bot settings, subprocess environments) must not silently share one database.
    del os.environ["DATABASE_URL"]
    original = store.database_url

    def database_url(data_dir: Path, url: str | None = None) -> str:
        if url:
            return original(data_dir, url)
        return PG.url_for(str(Path(data_dir).resolve()))

    store.database_url = database_url  # before index.engine imports the name
    for name in ("index.engine",):
        if name in sys.modules:
            sys.modules[name].database_url = database_url
    event.listen(SAEngine, "engine_connect", lambda conn: _engines.add(conn.engine))
    config.stash[_PG_KEY] = PG


_PG_KEY = pytest.StashKey[PgDatabases]()


def pytest_unconfigure(config):
    pg = config.stash.get(_PG_KEY, None)
    if pg is not None:
        pg.drop_all()


def pytest_report_header(config):
    if PG is not None:
        return f"database: PostgreSQL {PG.base.render_as_string(hide_password=True)} (a fresh database per data dir)"
    return "database: SQLite (set DATABASE_URL=postgresql+psycopg://... to run on PostgreSQL)"


@pytest.fixture(autouse=True)
def _close_idle_connections():
    """PostgreSQL mode: each test's engines let go of their connections afterwards
    (they reconnect if used again), so hundreds of engines stay under max_connections."""
    yield
    if PG is not None:
        for eng in list(_engines):
            eng.dispose()


def pg_mode() -> bool:
    return PG is not None


def db_url_of(data_dir: Path) -> str:
    """The database URL an engine on ``data_dir`` (no explicit URL) uses in this run."""
    from index.store import database_url

    return database_url(Path(data_dir))


def db_env(data_dir: Path) -> dict[str, str]:
    """Environment for a subprocess working on ``data_dir``: its database in PostgreSQL mode."""
    return {"DATABASE_URL": db_url_of(data_dir)} if PG is not None else {}


@pytest.fixture()
def database_url() -> str | None:
    """A fresh PostgreSQL database's URL in PostgreSQL mode; None on SQLite."""
    return PG.fresh_url() if PG is not None else None


@pytest.fixture()
def pg_url() -> str:
    """A fresh PostgreSQL database's URL; the test is skipped on SQLite."""
    if PG is None:
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgresql+psycopg://... (CI's second pass)")
    return PG.fresh_url()


def check_consistency(url: str) -> None:
    """The database is sound: SQLite's integrity and foreign-key checks, and on any
    database no passage or figure pointing at a missing row."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    eng = create_engine(url, poolclass=NullPool)
    try:
        with eng.connect() as conn:
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            orphans = {
                "passage without article": "SELECT count(*) FROM passage p LEFT JOIN article a ON a.id = p.article_id WHERE a.id IS NULL",
                "figure without article": "SELECT count(*) FROM figure f LEFT JOIN article a ON a.id = f.article_id WHERE a.id IS NULL",
                "figure without passage": "SELECT count(*) FROM figure f LEFT JOIN passage p ON p.id = f.passage_id WHERE p.id IS NULL",
                "figure of another article's passage": "SELECT count(*) FROM figure f JOIN passage p ON p.id = f.passage_id WHERE p.article_id != f.article_id",
                "passage positions repeated": "SELECT count(*) FROM (SELECT article_id, position FROM passage GROUP BY article_id, position HAVING count(*) > 1) d",
            }
            found = {what: conn.exec_driver_sql(sql).scalar() for what, sql in orphans.items()}
            assert found == dict.fromkeys(orphans, 0), found
    finally:
        eng.dispose()


@pytest.fixture(scope="session")
def seed_engine(tmp_path_factory):
    """An engine with the shipped corpus and the fixture articles ingested once."""
    from index.engine import Engine

    eng = Engine(tmp_path_factory.mktemp("seed-data"))
    report = eng.ingest([CORPUS, FIXTURES / "articles.jsonl"], workers=1)
    assert report.failed == 0
    return eng


@pytest.fixture(scope="session")
def corpus_engine(tmp_path_factory):
    """An engine holding only the shipped corpus (what a fresh install answers from)."""
    from index.engine import Engine

    eng = Engine(tmp_path_factory.mktemp("corpus-data"))
    assert eng.ingest([CORPUS], workers=1).failed == 0
    return eng


@pytest.fixture()
def engine(tmp_path):
    from index.engine import Engine

    return Engine(tmp_path / "data")


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a clear message."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared data not found at {p} (it sits beside the project root in CI)")
    return p
